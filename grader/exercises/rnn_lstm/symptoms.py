"""Symptoms: facts about wrong outputs that point at their cause, whatever code produced them.

The catalogue (mistakes.py) recognises known mistakes by reproducing
them. The protocol's symptoms (grader/exercise/symptoms.py) reason from the
outputs themselves, for the mistakes nobody listed: an output that is all
zeros, the transpose of the right value, a mean where a sum belongs, a softmax
whose columns do not sum to 1, an input passed through, a sequence stored one
step late or in reverse. This module adds what only this exercise can say: for
a cell, the intermediate values the student's own cache holds (a gate built
with other weights, a term missing from a pre-activation) and, for backward
passes, the gradient behind a wrong output (a factor missing, extra, or in
place of another); for a sequence, what each step's cell received.

Every symptom is checked on every case where the output is wrong and must
hold there exactly (within the grader's tolerances, problems.RTOL / ATOL);
a case that cannot show it (one time step, one example) is neutral. A
symptom is a statement about the output, then the most direct cause and the
right formula. `symptoms()` is called by checks.diagnose only when no
catalogue entry matches, in the trusted grader, on plain decoded data; its
work is bounded by a fixed set of candidates per output.
"""
from __future__ import annotations

import numpy as np

from ...exercise import Tolerance
from ...exercise import symptoms as engine
from .problems import ATOL, PROBLEMS, RTOL
from .reference import softmax

NEUTRAL, is_array, number, per_case = engine.NEUTRAL, engine.is_array, engine.number, engine.per_case

GATES = ("f", "i", "c", "o")
ARG_NAMES = {p.name: p.args for p in PROBLEMS}
PREDICTIONS = ("yt_pred", "y_pred", "y")
KIT = engine.Symptoms(Tolerance(RTOL, ATOL), ARG_NAMES, batch=lambda case: case.shape.m,
                      steps=lambda case: case.shape.T_x, steps_name="T_x", sequence_gradients=("da",),
                      predictions=PREDICTIONS)
close, factor_change, term_change = KIT.close, KIT.factor_change, KIT.term_change
output_symptom, case_outputs, _same_cells, _cell_order = KIT.output_symptom, KIT.case_outputs, KIT.same_cells, KIT.cell_order
_pre_activation_change = KIT.pre_activation_change


# ---------------------------------------------------------------- caches

CELL_ITEMS = {
    "rnn": ("a_next", "a_prev", "xt", "parameters"),
    "lstm": ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters"),
}


def cache_symptom(problem, cases, got) -> str | None:
    return KIT.cache_symptom(problem, cases, got, CELL_ITEMS[problem.model], problem.sequence)


# ---------------------------------------------------------------- sequence forward: what each step received

def cell_inputs(problem, cases, got) -> str | None:
    """What the student's own caches say the cell received at each step (they come from the
    reference cell, which the grader hands a sequence function): the first wrong input names the cause."""
    lstm = problem.model == "lstm"
    names = CELL_ITEMS[problem.model]
    at = {n: i for i, n in enumerate(names)}

    def received(value, options):
        return next((label for label, v in options if close(value, v)), None)

    def describe(i):
        case, out = cases[i], got[i]
        x, a0 = case.args[0], case.args[1]
        T_x = x.shape[2]
        caches = out.get(problem.cache_output)
        if not (isinstance(caches, (tuple, list)) and len(caches) == 2 and isinstance(caches[0], (tuple, list))
                and len(caches[0]) == T_x):
            return None
        cells = caches[0]
        if not all(isinstance(c, (tuple, list)) and len(c) == len(names)
                   and all(is_array(c[at[n]]) for n in names[:-1]) for c in cells):
            return None
        zeros = np.zeros_like(a0)
        for t, cell in enumerate(cells):
            if not close(cell[at["xt"]], x[:, :, t]):
                if any(close(cell[at["xt"]], x[:, :, s]) for s in range(T_x)):
                    return ("the cell receives another step's input: step t reads its own input, "
                            "xt = x[:, :, t]")
                return None
            prev = {} if t == 0 else {n: cells[t - 1][at[n]] for n in names[:-1]}
            options = [("a0", a0), ("zeros", zeros)] + [(f"the previous step's {n}", v) for n, v in prev.items()
                                                         if n in ("a_next", "c_next", "a_prev", "c_prev")]
            want_a = a0 if t == 0 else prev["a_next"]
            if lstm:
                want_c = zeros if t == 0 else prev["c_next"]
                if (not close(want_a, want_c) and close(cell[at["a_prev"]], want_c)
                        and close(cell[at["c_prev"]], want_a)):
                    return ("the cell receives the hidden and the cell state swapped: the call is "
                            "lstm_cell_forward(xt, a_prev, c_prev, parameters), hidden state first")
            if not close(cell[at["a_prev"]], want_a):
                what = received(cell[at["a_prev"]], options)
                if what is None:
                    return None
                return (f"the cell receives {what} as a_prev {'at t = 0' if t == 0 else 'after the first step'}: "
                        f"a_prev is a0 at t = 0, then the previous step's a_next")
            if lstm:
                want_c = zeros if t == 0 else prev["c_next"]
                if not close(cell[at["c_prev"]], want_c):
                    what = received(cell[at["c_prev"]], options)
                    if what is None:
                        return None
                    return (f"the cell receives {what} as c_prev {'at t = 0' if t == 0 else 'after the first step'}: "
                            f"c_prev is zeros at t = 0, then the previous step's c_next")
        return NEUTRAL

    text = per_case(len(cases), describe)
    if not text:
        return None
    first = "`a`, `c`" if lstm else "`a`"
    return f"{first} go wrong where {text}." if lstm else f"{first} goes wrong where {text}."


# ---------------------------------------------------------------- cell forward: intermediate values

_GATE_WORDS = {"f": "forget gate ft", "i": "update gate it", "c": "candidate cct", "o": "output gate ot"}
_RIGHT_GATE = {"f": "sigmoid(Wf z + bf)", "i": "sigmoid(Wi z + bi)", "c": "tanh(Wc z + bc)", "o": "sigmoid(Wo z + bo)"}
def lstm_forward_parts(problem, cases, got, wrong) -> list[str]:
    """lstm_cell_forward: the gates in the student's cache, then a_next and c_next from them."""
    hints = []
    if not wrong & {"a_next", "c_next"}:
        return []  # the cell's outputs are right: what is wrong is the cache's layout, not a gate
    for k, g in enumerate(GATES):
        def describe(i, g=g, k=k):
            case, out = cases[i], got[i]
            xt, a_prev, c_prev, p = case.args
            cache = out.get("cache")
            if not (isinstance(cache, (tuple, list)) and len(cache) == 10):
                return None
            mine, want = cache[4 + k], case.expected["cache"][4 + k]
            if close(mine, want):
                return NEUTRAL
            n_a = a_prev.shape[0]
            z = np.concatenate([a_prev, xt])
            W = p["W" + g]
            terms = {f"W{g}[:, :n_a] a_prev": W[:, :n_a] @ a_prev, f"W{g}[:, n_a:] xt": W[:, n_a:] @ xt,
                     f"b{g}": np.broadcast_to(p["b" + g], want.shape)}
            terms.update({f"b{h}": np.broadcast_to(p["b" + h], want.shape) for h in GATES if h != g})
            for h in GATES:
                if h != g:
                    terms[f"W{h} z"] = p["W" + h] @ z
            act = "tanh" if g == "c" else "sigmoid"
            right_pre = W @ z + p["b" + g]
            for h in GATES:
                if h != g and close(mine, engine.ACTIVATIONS[act](p["W" + h] @ z + p["b" + h])):
                    return (f"The {_GATE_WORDS[g]} in `cache` is computed with W{h} and b{h}: "
                            f"it should be {_RIGHT_GATE[g]}.")
            for h, ref in zip(GATES, case.expected["cache"][4:8]):
                if h != g and close(mine, 1.0 - ref):
                    return f"The {_GATE_WORDS[g]} in `cache` equals 1 - {h}t: it should be {_RIGHT_GATE[g]}."
            zx = np.concatenate([xt, a_prev])
            if close(mine, engine.ACTIVATIONS[act](W @ zx + p["b" + g])):
                return (f"The {_GATE_WORDS[g]} in `cache` is computed on [xt; a_prev]: "
                        f"it should be {_RIGHT_GATE[g]} with z = [a_prev; xt].")
            change = _pre_activation_change(mine, act, right_pre, terms, p["b" + g])
            if change is None:
                others = {f"{h}t": v for h, v in zip(GATES, case.expected["cache"][4:8]) if h != g}
                factor = factor_change(mine, want, others) if is_array(mine) and mine.shape == want.shape else None
                change = f"has {factor}" if factor else None
            if change is None:
                return None
            return f"The {_GATE_WORDS[g]} in `cache` {change}: it should be {_RIGHT_GATE[g]}."
        hint = per_case(len(cases), describe)
        if hint:
            hints.append(hint)
    if hints:
        return hints
    for key in ("c_next", "a_next"):
        if key not in wrong:
            continue

        def describe(i, key=key):
            case, out = cases[i], got[i]
            xt, a_prev, c_prev, p = case.args
            ref = case.expected["cache"]
            ft, it, cct, ot = ref[4:8]
            mine = out.get(key)
            if close(mine, case.expected[key]):
                return NEUTRAL
            values = {"ft": ft, "it": it, "cct": cct, "ot": ot, "c_prev": c_prev, "a_prev": a_prev}
            if key == "c_next":
                for g1 in ("ft", "it", "ot", "cct"):
                    for s1 in ("c_prev", "a_prev"):
                        for g2 in ("ft", "it", "ot"):
                            if (g1, s1, g2) != ("ft", "c_prev", "it") and close(mine, values[g1] * values[s1] + values[g2] * cct):
                                return (f"`c_next` matches {g1} * {s1} + {g2} * cct: the forget gate keeps the old "
                                        f"cell state and the update gate lets in the candidate, c_next = ft * c_prev + it * cct.")
                return None
            c_next = case.expected["c_next"]
            for gate in ("ft", "it", "cct"):
                if close(mine, values[gate] * np.tanh(c_next)):
                    return (f"`a_next` matches {gate} * tanh(c_next): the output gate scales the new hidden "
                            f"state, a_next = ot * tanh(c_next).")
            return None
        hint = per_case(len(cases), describe)
        if hint:
            return [hint]
    return hints


def rnn_forward_parts(problem, cases, got, wrong) -> list[str]:
    """rnn_cell_forward: a_next = tanh(Waa a_prev + Wax xt + ba) with a term missing, extra or swapped."""
    if "a_next" not in wrong:
        return []

    def describe(i):
        case, out = cases[i], got[i]
        xt, a_prev, p = case.args
        mine = out.get("a_next")
        if close(mine, case.expected["a_next"]):
            return NEUTRAL
        if not (is_array(mine) and mine.shape == a_prev.shape):
            return None
        terms = {"Waa a_prev": p["Waa"] @ a_prev, "Wax xt": p["Wax"] @ xt,
                 "ba": np.broadcast_to(p["ba"], a_prev.shape)}
        change = _pre_activation_change(mine, "tanh", p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"], terms, p["ba"])
        if change is None:
            return None
        return f"`a_next` {change}: a_next = tanh(Waa a_prev + Wax xt + ba)."
    hint = per_case(len(cases), describe)
    return [hint] if hint else []


def prediction_source(problem, cases, got) -> str | None:
    """A cell forward whose yt_pred is the softmax of another state than its own a_next."""
    def describe(i):
        case, out = cases[i], got[i]
        if close(out.get("yt_pred"), case.expected["yt_pred"]):
            return NEUTRAL
        p = case.args[-1]
        Wy, by = (p["Wya"], p["by"]) if problem.model == "rnn" else (p["Wy"], p["by"])
        a_next = case.expected["a_next"]
        states = [("`a_prev`", case.args[1]), ("tanh(a_next)", np.tanh(a_next))]
        if problem.model == "lstm":
            states += [("`c_prev`", case.args[2]), ("`c_next`", case.expected["c_next"])]
            states += [(f"the {_GATE_WORDS[g]}", v) for g, v in zip(GATES, case.expected["cache"][4:8])]
        for name, state in states:
            if close(out.get("yt_pred"), softmax(Wy @ state + by)):
                return (f"`yt_pred` is the softmax of the prediction computed from {name}: it comes from the "
                        f"new hidden state, softmax(Wy a_next + by).")
        return None
    return per_case(len(cases), describe)


# ---------------------------------------------------------------- cell backward: the gradient behind an output

_RNN_MAPS = {
    "dxt": lambda dz, c: c[3]["Wax"].T @ dz,
    "da_prev": lambda dz, c: c[3]["Waa"].T @ dz,
    "dWax": lambda dz, c: dz @ c[2].T,
    "dWaa": lambda dz, c: dz @ c[1].T,
    "dba": lambda dz, c: np.sum(dz, axis=1, keepdims=True),
}


def rnn_backward_parts(problem, cases, got, wrong) -> list[str]:
    """rnn_cell_backward: each output is a linear map of dz = da_next * (1 - a_next**2); find the dz it used."""
    by_change: dict[str, list[str]] = {}
    for key, f in _RNN_MAPS.items():
        if key not in wrong:
            continue

        def describe(i, key=key, f=f):
            case, out = cases[i], got[i]
            da_next, cache = case.args
            a_next, a_prev = cache[0], cache[1]
            mine = out.get(key)
            if close(mine, case.expected[key]):
                return NEUTRAL
            dz = da_next * (1.0 - a_next ** 2)
            factors = {"(1 - a_next**2)": 1.0 - a_next ** 2, "a_next": a_next, "a_prev": a_prev,
                       "(1 - a_prev**2)": 1.0 - a_prev ** 2, "da_next": da_next,
                       "(1 + a_next**2)": 1.0 + a_next ** 2, "(1 - a_next)**2": (1.0 - a_next) ** 2,
                       "(1 - tanh(a_next)**2)": 1.0 - np.tanh(a_next) ** 2}
            for name, factor in factors.items():
                if close(mine, f(dz * factor, cache)):
                    return f"an extra factor {name}"
            usable = {n: v for n, v in factors.items() if np.all(np.abs(v) > 1e-6)}
            for name, factor in usable.items():
                if close(mine, f(dz / factor, cache)):
                    return f"no factor {name}"
            for name, factor in factors.items():
                for other, h in usable.items():
                    if name != other and close(mine, f(dz * factor / h, cache)):
                        return f"{name} where {other} belongs"
            if close(mine, f(da_next + (1.0 - a_next ** 2), cache)):
                return "(1 - a_next**2) added to da_next where it multiplies it"
            want = case.expected[key]
            same = {n: v for n, v in factors.items() if v.shape == want.shape}
            change = factor_change(mine, want, same) if same else None
            return f"{change} on the result, outside the product" if change else None
        change = per_case(len(cases), describe)
        if change:
            by_change.setdefault(change, []).append(f"`{key}`")
    return [f"{', '.join(keys)} {'uses' if len(keys) == 1 else 'use'} a dz with {change}: "
            f"dz = da_next * (1 - a_next**2) for every gradient." for change, keys in by_change.items()]


def lstm_back_parts(da_next, dc_next, cache):
    """The reference intermediate values of lstm_cell_backward."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    tanh_c = np.tanh(c_next)
    through_a = da_next * ot * (1.0 - tanh_c ** 2)
    dc = dc_next + through_a
    gates = {"f": dc * c_prev * ft * (1.0 - ft), "i": dc * cct * it * (1.0 - it),
             "c": dc * it * (1.0 - cct ** 2), "o": da_next * tanh_c * ot * (1.0 - ot)}
    factors = {"ft": ft, "it": it, "cct": cct, "ot": ot, "c_prev": c_prev, "c_next": c_next,
               "tanh(c_next)": tanh_c, "dc": dc, "dc_next": dc_next, "da_next": da_next,
               "(1 - ft)": 1.0 - ft, "(1 - it)": 1.0 - it, "(1 - ot)": 1.0 - ot,
               "(1 - cct**2)": 1.0 - cct ** 2, "(1 - cct)**2": (1.0 - cct) ** 2,
               "(1 - tanh(c_next)**2)": 1.0 - tanh_c ** 2, "(1 - tanh(c_next))**2": (1.0 - tanh_c) ** 2,
               "(1 - c_next**2)": 1.0 - c_next ** 2}
    return np.concatenate([a_prev, xt]), dc, through_a, gates, factors


_GATE_GRADIENT = {"f": "dft = dc * c_prev * ft * (1 - ft)", "i": "dit = dc * cct * it * (1 - it)",
                  "c": "dcct = dc * it * (1 - cct**2)", "o": "dot = da_next * tanh(c_next) * ot * (1 - ot)"}
_DC = "dc = dc_next + da_next * ot * (1 - tanh(c_next)**2)"


def _student_gate(out, g, case, z):
    """The gate gradient behind the student's dW (dW = dgate @ z.T), or None."""
    dW = out.get(f"dW{g}")
    want = case.expected[f"dW{g}"]
    if not (is_array(dW) and dW.shape == want.shape):
        return None
    mine = dW @ np.linalg.pinv(z.T)
    return mine if close(mine @ z.T, dW) else None


def lstm_backward_parts(problem, cases, got, wrong) -> list[str]:
    """lstm_cell_backward: recover the gate gradients behind the student's dW, and dc behind them."""
    hints = []
    # dW = dgate @ X.T with X another array than z
    keys = [f"dW{g}" for g in GATES if f"dW{g}" in wrong]

    def operand(i):
        case, out = cases[i], got[i]
        cache = case.args[2]
        _, _, _, gates, _ = lstm_back_parts(*case.args)
        found = set()
        for g in GATES:
            mine = out.get(f"dW{g}")
            if close(mine, case.expected[f"dW{g}"]):
                continue
            for name, X in (("a_prev", cache[2]), ("xt", cache[8]),
                            ("[xt; a_prev]", np.concatenate([cache[8], cache[2]]))):
                if close(mine, gates[g] @ X.T):
                    found.add(name)
                    break
            else:
                return None
        return NEUTRAL if not found else (found.pop() if len(found) == 1 else None)
    name = per_case(len(cases), operand) if keys else None
    if name:
        return [f"The weight gradients ({', '.join(f'`{k}`' for k in keys)}) are dgate @ {name}.T: "
                f"each W multiplied z = [a_prev; xt], so dW = dgate @ z.T."]

    # dc: when the f, i, c gradients all follow one wrong dc
    def dc_change(i):
        case, out = cases[i], got[i]
        z, dc, through_a, gates, factors = lstm_back_parts(*case.args)
        a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, _ = case.args[2]
        mine = {g: _student_gate(out, g, case, z) for g in "fic"}
        if any(v is None for v in mine.values()):
            return None
        if all(close(mine[g], gates[g]) for g in "fic"):
            return NEUTRAL
        with np.errstate(all="ignore"):
            dc_s = mine["f"] / (c_prev * ft * (1.0 - ft))
        if not (close(mine["i"], dc_s * cct * it * (1.0 - it)) and close(mine["c"], dc_s * it * (1.0 - cct ** 2))):
            return None
        da_next, dc_next = case.args[0], case.args[1]
        if close(dc_s, through_a):
            return "misses dc_next"
        if close(dc_s, dc_next):
            return "misses the term through a_next, da_next * ot * (1 - tanh(c_next)**2)"
        if close(dc_s, dc_next * through_a):
            return "multiplies dc_next and the term through a_next where they add"
        term = {k: v for k, v in factors.items() if k not in ("dc",)}
        change = factor_change(dc_s - dc_next, through_a, term)
        if change:
            return f"has, in its term through a_next, {change}"
        return None
    change = per_case(len(cases), dc_change)
    if change:
        return [f"`dWf`, `dWi`, `dWc` (and their db) follow a total cell-state gradient dc that {change}: {_DC}."]

    # one gate's gradient
    for g in GATES:
        if f"dW{g}" not in wrong:
            continue

        def describe(i, g=g):
            case, out = cases[i], got[i]
            z, _, _, gates, factors = lstm_back_parts(*case.args)
            if close(out.get(f"dW{g}"), case.expected[f"dW{g}"]):
                return NEUTRAL
            mine = _student_gate(out, g, case, z)
            if mine is None:
                return None
            return factor_change(mine, gates[g], factors)
        change = per_case(len(cases), describe)
        if change:
            hints.append(f"`dW{g}` and `db{g}` (and so `dxt`, `da_prev`) follow a gradient of the "
                         f"{_GATE_WORDS[g]} with {change}: {_GATE_GRADIENT[g]}.")

    # dc_prev = dc * ft
    if "dc_prev" in wrong:
        def describe(i):
            case, out = cases[i], got[i]
            _, dc, _, _, factors = lstm_back_parts(*case.args)
            mine = out.get("dc_prev")
            if close(mine, case.expected["dc_prev"]):
                return NEUTRAL
            return factor_change(mine, dc * case.args[2][4], factors)
        change = per_case(len(cases), describe)
        if change:
            hints.append(f"`dc_prev` has {change}: going back one step multiplies dc by the forget gate, "
                         f"dc_prev = dc * ft.")

    # dxt, da_prev built from other columns of the weights
    for key in ("dxt", "da_prev"):
        if key not in wrong:
            continue

        def describe(i, key=key):
            case, out = cases[i], got[i]
            cache = case.args[2]
            n_a, n_x = cache[2].shape[0], cache[8].shape[0]
            _, _, _, gates, _ = lstm_back_parts(*case.args)
            mine = out.get(key)
            if close(mine, case.expected[key]):
                return NEUTRAL
            p = cache[9]
            for label, cols in (("W[:, :n_a]", slice(None, n_a)), ("W[:, n_a:]", slice(n_a, None)),
                                ("W[:, :n_x]", slice(None, n_x)), ("W[:, n_x:]", slice(n_x, None))):
                if close(mine, sum(p["W" + g][:, cols].T @ gates[g] for g in GATES)):
                    right = "W[:, :n_a]" if key == "da_prev" else "W[:, n_a:]"
                    return (f"`{key}` is built from the columns {label} of the weights: the columns that "
                            f"met {'a_prev' if key == 'da_prev' else 'xt'} in z = [a_prev; xt] are {right}.")
            cols = slice(None, n_a) if key == "da_prev" else slice(n_a, None)
            terms = {g: p["W" + g][:, cols].T @ gates[g] for g in GATES}
            total = sum(terms.values())
            for g in GATES:
                for h in GATES:
                    if h != g and close(mine, total - terms[g] + p["W" + g][:, cols].T @ gates[h]):
                        return (f"`{key}` pairs W{g} with the {_GATE_WORDS[h]}'s gradient: each gate's "
                                f"weights meet that gate's own gradient (W{g} with d{g}t).")
                    if h != g and close(mine, total - terms[g] + p["W" + h][:, cols].T @ gates[g]):
                        return (f"`{key}` pairs W{h} with the {_GATE_WORDS[g]}'s gradient: each gate's "
                                f"weights meet that gate's own gradient (W{g} with d{g}t).")
            return None
        hint = per_case(len(cases), describe)
        if hint:
            hints.append(hint)
    return hints


# ---------------------------------------------------------------- entry point

def _cell_inputs(problem, cases, got, wrong):
    if problem.sequence and problem.direction == "forward" and wrong & {"a", "c"}:
        return cell_inputs(problem, cases, got)  # what the cells received: only if the states went wrong
    return None


def _forward_parts(problem, cases, got, wrong, hints):
    if problem.name == "lstm_cell_forward":
        return lstm_forward_parts(problem, cases, got, wrong)
    if problem.name == "rnn_cell_forward":
        return rnn_forward_parts(problem, cases, got, wrong)
    return []


def _prediction(problem, cases, got, wrong, hints):
    if problem.name in ("rnn_cell_forward", "lstm_cell_forward") and "yt_pred" in wrong and not hints:
        hint = prediction_source(problem, cases, got)
        return [hint] if hint else []
    return []


def _backward_parts(problem, cases, got, wrong, hints):
    if problem.name == "lstm_cell_backward":
        return lstm_backward_parts(problem, cases, got, wrong)
    if problem.name == "rnn_cell_backward":
        return rnn_backward_parts(problem, cases, got, wrong)
    return []


def symptoms(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """Hints for a function whose wrong outputs no catalogue entry explains.

    `got[i]` holds the submission's outputs on `cases[i]` (every case returned
    a value of the right form); `wrong` the outputs the grader marked wrong.
    Structural analyses (what a cell received, its intermediate values, the
    gradient behind an output) come first; then each remaining wrong output
    gets at most one symptom, outputs with the same symptom sharing a hint.
    """
    return KIT.explain(problem, cases, got, wrong, leading=(_cell_inputs,),
                       parts=(_forward_parts, _prediction, _backward_parts), cache=cache_symptom)
