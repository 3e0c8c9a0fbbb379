"""Symptoms of the GRU: facts about wrong outputs that point at their cause, whatever code produced them.

The protocol's symptoms (grader/exercise/symptoms.py) say what is true of one
wrong output (all zeros, transposed, a mean for a sum, a lost keepdims axis,
one step late, an input passed through, two outputs swapped, a cache in
another order). This module adds what only the GRU can say:

- gru_cell_forward: the gates the student's own cache holds (a gate computed
  with the other gate's weights, a term missing from its pre-activation, a
  bias after the sigmoid), then a_next from them (the gates' roles in the
  blend a_next = ut * cct + (1 - ut) * a_prev) and the state yt_pred came from;
- gru_forward: what each step's cell received, read from the student's own
  caches (they come from the reference cell the grader hands the loop): a0 or
  zeros where the previous a_next belongs, another step's input.

Every statement must hold on every case where the output is wrong (a case that
cannot show it is neutral), within the exercise's tolerance. Runs only when no
catalogue entry and no one-slip edit explains the outputs, in the trusted
grader, on plain decoded data; its work is a fixed set of candidates.
"""
from __future__ import annotations

import numpy as np

from ...exercise import Tolerance
from ...exercise import symptoms as engine
from . import ATOL, RTOL
from .activations import softmax
from .rubric import ARGUMENTS, CELL_CACHE

NEUTRAL, is_array, per_case = engine.NEUTRAL, engine.is_array, engine.per_case

KIT = engine.Symptoms(Tolerance(RTOL, ATOL), ARGUMENTS, batch=lambda case: case.shape.m,
                      steps=lambda case: case.shape.T_x, steps_name="T_x", sequence_gradients=("da",),
                      predictions=("yt_pred", "y_pred"))
close = KIT.close
AT = {name: i for i, name in enumerate(CELL_CACHE)}
GATES = ("r", "u", "c")  # reset gate rt, update gate ut, candidate cct
_WORDS = {"r": "reset gate rt", "u": "update gate ut", "c": "candidate cct"}
_RIGHT = {"r": "sigmoid(Wr [a_prev; xt] + br)", "u": "sigmoid(Wu [a_prev; xt] + bu)",
          "c": "tanh(Wc [rt * a_prev; xt] + bc)"}
_CACHE_ITEM = {"r": "rt", "u": "ut", "c": "cct"}
_BLEND = "a_next = ut * cct + (1 - ut) * a_prev"


# ---------------------------------------------------------------- gru_cell_forward: the gates, then a_next

def _gate(g, case, out):
    """The student's gate g (from their cache) on this case, the reference's, and its words; or None."""
    cache = out.get("cache")
    if not (isinstance(cache, (tuple, list)) and len(cache) == len(CELL_CACHE)):
        return None
    return cache[AT[_CACHE_ITEM[g]]], case.expected["cache"][AT[_CACHE_ITEM[g]]]


def _gate_change(g, case, mine, want) -> str | None:
    xt, a_prev, p = case.args
    n_a = a_prev.shape[0]
    rt = case.expected["cache"][AT["rt"]]
    z = np.concatenate([a_prev, xt])
    seen = z if g != "c" else np.concatenate([rt * a_prev, xt])  # what W multiplies
    W, b = p["W" + g], p["b" + g]
    act = "tanh" if g == "c" else "sigmoid"
    f = engine.ACTIVATIONS[act]
    for h in GATES:
        if h != g and close(mine, f(p["W" + h] @ seen + p["b" + h])):
            return f"is computed with W{h} and b{h}"
    for h in GATES:
        other = case.expected["cache"][AT[_CACHE_ITEM[h]]]
        if h != g and close(mine, 1.0 - other):
            return f"equals 1 - {_CACHE_ITEM[h]}"
    swapped = np.concatenate([seen[n_a:], seen[:n_a]])
    if close(mine, f(W @ swapped + b)):
        return "is computed on [xt; a_prev]: a_prev comes first"
    first = "a_prev" if g != "c" else "(rt * a_prev)"
    terms = {f"W{g}[:, :n_a] {first}": W[:, :n_a] @ seen[:n_a], f"W{g}[:, n_a:] xt": W[:, n_a:] @ seen[n_a:],
             f"b{g}": np.broadcast_to(b, want.shape)}
    terms.update({f"b{h}": np.broadcast_to(p["b" + h], want.shape) for h in GATES if h != g})
    return KIT.pre_activation_change(mine, act, W @ seen + b, terms, b)


def forward_gates(problem, cases, got, wrong, hints) -> list[str]:
    """gru_cell_forward: each gate in the student's cache, when a_next is wrong."""
    if problem.name != "gru_cell_forward" or "a_next" not in wrong:
        return []
    found = []
    for g in GATES:
        def describe(i, g=g):
            pair = _gate(g, cases[i], got[i])
            if pair is None:
                return None
            mine, want = pair
            if close(mine, want):
                return NEUTRAL
            change = _gate_change(g, cases[i], mine, want)
            return f"The {_WORDS[g]} in `cache` {change}: it should be {_RIGHT[g]}." if change else None
        hint = per_case(len(cases), describe)
        if hint:
            found.append(hint)
    return found


def _times(weight: str, name: str) -> str:
    return name if weight == "1" else f"{weight} * {name}"


def forward_blend(problem, cases, got, wrong, hints) -> list[str]:
    """gru_cell_forward: a_next blended from the right gates in another way."""
    if problem.name != "gru_cell_forward" or "a_next" not in wrong or hints:
        return []

    def describe(i):
        case, out = cases[i], got[i]
        mine = out.get("a_next")
        if close(mine, case.expected["a_next"]):
            return NEUTRAL
        ref = case.expected["cache"]
        a_prev = case.args[1]
        v = {"rt": ref[AT["rt"]], "ut": ref[AT["ut"]], "cct": ref[AT["cct"]], "a_prev": a_prev}
        weights = {"ut": v["ut"], "rt": v["rt"], "(1 - ut)": 1.0 - v["ut"], "(1 - rt)": 1.0 - v["rt"], "1": 1.0}
        for w1, f1 in weights.items():
            for w2, f2 in weights.items():
                if (w1, w2) != ("ut", "(1 - ut)") and close(mine, f1 * v["cct"] + f2 * a_prev):
                    return (f"`a_next` matches {_times(w1, 'cct')} + {_times(w2, 'a_prev')}: the update gate ut "
                            f"lets in the candidate and 1 - ut keeps the previous state, {_BLEND}.")
        if close(mine, v["ut"] * a_prev + (1.0 - v["ut"]) * v["cct"]):
            return f"`a_next` matches ut * a_prev + (1 - ut) * cct: ut is the share of the candidate, {_BLEND}."
        return None
    hint = per_case(len(cases), describe)
    return [hint] if hint else []


def prediction_source(problem, cases, got, wrong, hints) -> list[str]:
    """gru_cell_forward: yt_pred computed from another state than the new a_next."""
    if problem.name != "gru_cell_forward" or "yt_pred" not in wrong or hints:
        return []

    def describe(i):
        case, out = cases[i], got[i]
        if close(out.get("yt_pred"), case.expected["yt_pred"]):
            return NEUTRAL
        p, ref = case.args[-1], case.expected["cache"]
        states = [("tanh(a_next)", np.tanh(case.expected["a_next"])), ("the reset gate rt", ref[AT["rt"]]),
                  ("the update gate ut", ref[AT["ut"]])]
        for name, state in states:
            if close(out.get("yt_pred"), softmax(p["Wy"] @ state + p["by"])):
                return (f"`yt_pred` is the softmax of the prediction computed from {name}: it comes from the "
                        f"new hidden state, softmax(Wy a_next + by).")
        return None
    hint = per_case(len(cases), describe)
    return [hint] if hint else []


# ---------------------------------------------------------------- gru_forward: what each step received

def cell_inputs(problem, cases, got, wrong) -> str | None:
    """What the student's own caches say the cell received at each step (they come from the
    reference cell, which the grader hands a sequence function): the first wrong input names the cause."""
    if problem.name != "gru_forward" or "a" not in wrong:
        return None

    def describe(i):
        case, out = cases[i], got[i]
        x, a0 = case.args[0], case.args[1]
        T_x = x.shape[2]
        caches = out.get(problem.cache_output)
        if not (isinstance(caches, (tuple, list)) and len(caches) == 2 and isinstance(caches[0], (tuple, list))
                and len(caches[0]) == T_x):
            return None
        cells = caches[0]
        if not all(isinstance(c, (tuple, list)) and len(c) == len(CELL_CACHE)
                   and all(is_array(c[k]) for k in range(len(CELL_CACHE) - 1)) for c in cells):
            return None
        for t, cell in enumerate(cells):
            if not close(cell[AT["xt"]], x[:, :, t]):
                if any(close(cell[AT["xt"]], x[:, :, s]) for s in range(T_x)):
                    return "the cell receives another step's input: step t reads its own input, xt = x[:, :, t]"
                return None
            want = a0 if t == 0 else cells[t - 1][AT["a_next"]]
            if close(cell[AT["a_prev"]], want):
                continue
            options = [("a0", a0), ("zeros", np.zeros_like(a0))]
            if t > 0:
                options += [("the previous step's a_prev", cells[t - 1][AT["a_prev"]]),
                            ("the previous step's candidate cct", cells[t - 1][AT["cct"]])]
            what = next((label for label, v in options if close(cell[AT["a_prev"]], v)), None)
            if what is None:
                return None
            return (f"the cell receives {what} as a_prev {'at t = 0' if t == 0 else 'after the first step'}: "
                    f"a_prev is a0 at t = 0, then the previous step's a_next")
        return NEUTRAL
    text = per_case(len(cases), describe)
    return f"`a` goes wrong where {text}." if text else None


def _cell_items(mine, want) -> str | None:
    """A cell cache of another length than CELL_CACHE's: the items it misses or has too many,
    when every item it holds is one of the right ones."""
    if not isinstance(mine, (tuple, list)) or len(mine) == len(CELL_CACHE):
        return None
    held = []
    for item in mine:
        same = [n for n, w in zip(CELL_CACHE, want)
                if (isinstance(item, dict) and isinstance(w, dict)) or close(item, w)]
        if not same:
            return None
        held.append(same[0])
    missing = [n for n in CELL_CACHE if n not in held]
    order = f"the cache is ({', '.join(CELL_CACHE)}), the order gru_cell_backward unpacks"
    if missing:
        return f"misses {', '.join(missing)}: {order}"
    return f"holds {len(mine)} items, {', '.join(n for n in CELL_CACHE if held.count(n) > 1)} more than once: {order}"


def _cache_form(problem, cases, got) -> str | None:
    """A cell cache with items missing, or a sequence's caches without x."""
    key = problem.cache_output

    def describe(i):
        mine, want = got[i].get(key), cases[i].expected[key]
        if problem.name == "gru_cell_forward":
            return _cell_items(mine, want)
        if not isinstance(mine, (tuple, list)):
            return None
        T_x = len(want[0])
        if len(mine) == T_x and T_x != 2 and all(KIT.same_cells(g, w, CELL_CACHE) for g, w in zip(mine, want[0])):
            return ("is the list of the cell caches alone: the sequence's cache is that list and x, "
                    "caches = (caches, x)")
        if len(mine) == 2 and isinstance(mine[0], (tuple, list)) and len(mine[0]) == T_x:
            texts = {_cell_items(g, w) for g, w in zip(mine[0], want[0])}
            if len(texts) == 1 and None not in texts:
                return "holds cell caches that " + texts.pop().replace("misses", "miss", 1).replace("holds", "hold", 1)
        return NEUTRAL if len(mine) == 2 and isinstance(mine[0], (tuple, list)) and len(mine[0]) == T_x else None
    text = per_case(len(cases), describe)
    return f"`{key}` {text}." if text else None


def cache_symptom(problem, cases, got) -> str | None:
    return (_cache_form(problem, cases, got)
            or KIT.cache_symptom(problem, cases, got, CELL_CACHE, sequence=problem.name == "gru_forward"))


def symptoms(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """Hints for a GRU function whose wrong outputs neither the catalogue nor a one-slip edit explains."""
    return KIT.explain(problem, cases, got, wrong, leading=(cell_inputs,),
                       parts=(forward_gates, forward_blend, prediction_source), cache=cache_symptom)
