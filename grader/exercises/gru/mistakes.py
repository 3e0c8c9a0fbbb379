"""The GRU's known-mistake catalogue: the exercise's diagnosis (grader/exercise/'s `mistakes`).

Each `Mistake` (grader.exercise.Mistake) is a wrong implementation of
one graded function (`variant`, same signature and return structure as the
reference) with the feedback to give when a submission's outputs match it
(`hint`, one sentence: the symptom, then the likely cause). `outputs` lists
exactly the outputs (forward: the names of rubric.RUBRIC, e.g. "a_next",
"cache") or gradient keys (backward) that the mistake changes; the others
come out right. tests/exercises/gru/test_gru_mistakes.py holds every entry to
that on random cases.

Variants run only in the trusted grader. Sequence variants call the
reference cell functions, as the grader gives a sequence function a correct
cell; a time-order slip cannot show on a T_x = 1 case.

A submission gets a mistake's hint when its wrong outputs are exactly the
mistake's, on every hidden case (tests/exercises/gru/test_gru_grading.py
grades each one, written as a patch of the correct submission).
"""
from __future__ import annotations

import numpy as np

from ...exercise import Mistake
from .reference import GATE_GRADS, gru_cell_backward, gru_cell_forward, sigmoid, softmax

_FWD = ("a_next", "yt_pred", "cache")
_SEQ_FWD = ("a", "y_pred", "caches")
_CELL_GRADS = ("dxt", "da_prev") + GATE_GRADS
_SEQ_GRADS = ("dx", "da0") + GATE_GRADS


def _slip(builder, **slips):
    """A variant: `builder` with these keyword slips, the graded function's signature otherwise."""
    def variant(*args):
        return builder(*args, **slips)
    variant.__name__ = builder.__name__ + "".join(f"_{k}" for k in slips)
    return variant


# ---------------------------------------------------------------- gru_cell_forward

def _cell(xt, a_prev, parameters, *, xt_first=False, reset_after_product=False, no_reset=False,
          roles_swapped=False, gates_swapped=False, candidate="tanh", output="softmax",
          y_from="a_next", cache_gates_swapped=False):
    p = parameters
    n_a = a_prev.shape[0]
    Wr, br, Wu, bu = p["Wr"], p["br"], p["Wu"], p["bu"]
    if gates_swapped:
        Wr, br, Wu, bu = Wu, bu, Wr, br
    concat = np.concatenate([xt, a_prev] if xt_first else [a_prev, xt], axis=0)
    rt = sigmoid(Wr @ concat + br)
    ut = sigmoid(Wu @ concat + bu)
    Wc = p["Wc"]
    if reset_after_product:       # PyTorch's order: r * (W_hn h), not W (r * h)
        z_c = rt * (Wc[:, :n_a] @ a_prev) + Wc[:, n_a:] @ xt + p["bc"]
    else:
        seen = a_prev if no_reset else rt * a_prev
        z_c = Wc @ np.concatenate([xt, seen] if xt_first else [seen, xt], axis=0) + p["bc"]
    cct = {"tanh": np.tanh, "sigmoid": sigmoid}[candidate](z_c)
    keep = ut if roles_swapped else 1.0 - ut
    a_next = (1.0 - keep) * cct + keep * a_prev
    state = {"a_next": a_next, "a_prev": a_prev, "cct": cct}[y_from]
    z_y = p["Wy"] @ state + p["by"]
    yt_pred = softmax(z_y) if output == "softmax" else softmax(z_y.T).T
    gates = (ut, rt) if cache_gates_swapped else (rt, ut)
    cache = (a_next, a_prev, *gates, cct, xt, parameters)
    return a_next, yt_pred, cache


# ---------------------------------------------------------------- gru_cell_backward

def _cell_back(da_next, cache, *, dwc_from_concat=False, direct_term=True, candidate_term_in_da_prev=True,
               dz_u_without_a_prev=False, dz_r_without_a_prev=False, reset_gate_ignored=False,
               roles_swapped=False, tanh_of_cct=False, slices_swapped=False, db_keepdims=True,
               dw_transposed=False):
    a_next, a_prev, rt, ut, cct, xt, parameters = cache
    Wr, Wu, Wc = parameters["Wr"], parameters["Wu"], parameters["Wc"]
    n_a, n_x = a_prev.shape[0], xt.shape[0]

    def to_a(W):
        return W[:, n_x:] if slices_swapped else W[:, :n_a]

    def to_x(W):
        return W[:, :n_x] if slices_swapped else W[:, n_a:]

    write, keep = (1.0 - ut, ut) if roles_swapped else (ut, 1.0 - ut)
    tanh_prime = 1.0 - (np.tanh(cct) if tanh_of_cct else cct) ** 2
    dz_c = da_next * write * tanh_prime
    blend = cct if dz_u_without_a_prev else cct - a_prev
    dz_u = da_next * (-blend if roles_swapped else blend) * ut * (1.0 - ut)
    ds = to_a(Wc).T @ dz_c
    dz_r = np.zeros_like(rt) if reset_gate_ignored else ds * (1.0 if dz_r_without_a_prev else a_prev) * rt * (1.0 - rt)
    concat = np.concatenate([a_prev, xt], axis=0)
    concat_r = concat if dwc_from_concat else np.concatenate([rt * a_prev, xt], axis=0)
    da_prev = to_a(Wr).T @ dz_r + to_a(Wu).T @ dz_u
    if direct_term:
        da_prev = da_prev + da_next * keep
    if candidate_term_in_da_prev:
        da_prev = da_prev + ds * rt

    def dW(dz, u):
        w = dz @ u.T
        return w.T if dw_transposed else w

    def db(dz):
        return np.sum(dz, axis=1, keepdims=db_keepdims)

    return {
        "dxt": to_x(Wr).T @ dz_r + to_x(Wu).T @ dz_u + to_x(Wc).T @ dz_c,
        "da_prev": da_prev,
        "dWr": dW(dz_r, concat), "dbr": db(dz_r),
        "dWu": dW(dz_u, concat), "dbu": db(dz_u),
        "dWc": dW(dz_c, concat_r), "dbc": db(dz_c),
    }


# ---------------------------------------------------------------- gru_forward / gru_backward

def _sequence_forward(x, a0, parameters, *, every_step_from_a0=False, start="a0", store_a="a_next",
                      first_step=0, last_step=None, input_step="t", a_prev_from="a_next", a_prev_transform=None,
                      store_y=True, y_transform=None, y_index="t", state_from_arrays=False, state_offset=1,
                      after_loop=()):
    """The sequence forward pass with the reference cell, and optional slips (the defaults are the
    right pass; each keyword is one way a student's loop departs from it, edits.py's LOOP_EDITS says
    which in words). `state_from_arrays`: step t reads its previous state as a[:, :, t - state_offset]
    (at t = 0, Python's -1: the last slot, still zeros); `after_loop`: "a", "y", "caches": that store
    dedented out of the loop (done once, with the last step's values); `start="a-array"`:
    a_next = a[:, :, 0], a view of the zero array."""
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y_pred = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    init = {"a0": a0, "zeros": np.zeros((n_a, m)), "ones": np.ones((n_a, m)), "a-array": a[:, :, 0]}
    a_next = np.tanh(a0) if start == "tanh-a0" else init[start]
    for t in range(first_step, T_x if last_step is None else last_step):
        xt = x[:, :, {"t": t, "first": 0, "previous": t - 1, "reversed": T_x - 1 - t}[input_step]]
        a_prev = a0 if every_step_from_a0 else {"a_next": a_next, "zeros": np.zeros((n_a, m))}[a_prev_from]
        if state_from_arrays:
            a_prev = a[:, :, t - state_offset]
        if a_prev_transform is not None:
            a_prev = a_prev_transform(a_prev)
        a_before = a_prev
        a_next, yt, cache = gru_cell_forward(xt, a_prev, parameters)
        if "a" not in after_loop:
            a[:, :, t] = {"a_next": a_next, "a_prev": a_before, "tanh": np.tanh(a_next), "cct": cache[4]}[store_a]
        if store_y and "y" not in after_loop:
            y_pred[:, :, t - (y_index == "previous")] = yt if y_transform is None else y_transform(yt)
        if "caches" not in after_loop:
            caches.append(cache)
    if after_loop:  # the dedented stores, once, with the last step's t and values
        if "a" in after_loop:
            a[:, :, t] = a_next
        if "y" in after_loop:
            y_pred[:, :, t] = yt
        if "caches" in after_loop:
            caches.append(cache)
    return a, y_pred, (caches, x)


def _sequence_backward(da, caches, *, upstream=True, propagate=True, accumulate=True, reverse=True,
                       last_step=0, skip_last=False, sign=1.0, carry="right", cache_index="t", dx_slot="t",
                       da_init="zeros", da0_from="da_prev", overwritten=(), subtracted=(), transposed=(),
                       averaged=()):
    """The sequence backward pass with the reference cell, and optional slips (the defaults are
    the right pass): `last_step=1`: the loop stops before t = 0; `skip_last`: it starts below
    T_x - 1; `sign=-1`: the carried da_prev is subtracted; `carry`: how da_prev is carried,
    "right", "accumulated" (+=) or "plus-upstream" (+ da[:, :, t]); `cache_index`: which cache step
    t gets, "t", "reversed" (T_x-1-t), "last" or "previous" (t-1); `dx_slot`: "t", "reversed" or
    "after-loop" (only the last step's dxt, at its t); `da_init="upstream-last"`: da_prevt starts at
    da[:, :, T_x - 1]; `da0_from="dxt"`: da0 is the last step's dxt; `overwritten`, `subtracted`,
    `transposed`, `averaged`: parameter gradients summed with =, -=, += .T or += / T_x."""
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    sums = {k: np.zeros((n_a, n_a + n_x) if k.startswith("dW") else (n_a, 1)) for k in GATE_GRADS}
    dx = np.zeros((n_x, m, T_x))
    da_prevt = da[:, :, T_x - 1].copy() if da_init == "upstream-last" else np.zeros((n_a, m))
    steps = range(last_step, T_x - 1 if skip_last else T_x)
    for t in (reversed(steps) if reverse else steps):
        da_next = (da[:, :, t] if upstream else 0.0) + (sign * da_prevt if propagate else 0.0)
        cache = cell_caches[{"t": t, "reversed": T_x - 1 - t, "last": T_x - 1, "previous": t - 1}[cache_index]]
        grads = gru_cell_backward(da_next * np.ones((n_a, m)), cache)
        if dx_slot != "after-loop":
            dx[:, :, t if dx_slot == "t" else T_x - 1 - t] = grads["dxt"]
        if carry == "accumulated":
            da_prevt = da_prevt + grads["da_prev"]
        elif carry == "plus-upstream":
            da_prevt = grads["da_prev"] + da[:, :, t]
        else:
            da_prevt = grads["da_prev"]
        for k in sums:
            if k in transposed:
                sums[k] = sums[k] + grads[k].T
            elif k in averaged:
                sums[k] = sums[k] + grads[k] / T_x
            elif k in subtracted:
                sums[k] = sums[k] - grads[k]
            else:
                sums[k] = sums[k] + grads[k] if accumulate and k not in overwritten else grads[k]
    if dx_slot == "after-loop":  # dx[:, :, t] = dxt dedented out of the loop: the last step's only
        dx[:, :, t] = grads["dxt"]
    da0 = grads["dxt"] if da0_from == "dxt" else da_prevt
    return {"dx": dx, "da0": da0, **sums}


# ---------------------------------------------------------------- the catalogue

CATALOGUE: tuple[Mistake, ...] = (
    # gru_cell_forward
    Mistake("gru_cell_forward", "reset-gate-after-product", _FWD,
            "`a_next` matches a candidate computed as tanh(rt * (Wc[:, :n_a] a_prev) + Wc[:, n_a:] xt + bc), "
            "PyTorch's order: in this course the reset gate acts on a_prev before the product, "
            "cct = tanh(Wc [rt * a_prev; xt] + bc).",
            _slip(_cell, reset_after_product=True)),
    Mistake("gru_cell_forward", "update-roles-swapped", _FWD,
            "`a_next` equals (1 - ut) * cct + ut * a_prev: the roles of ut and 1 - ut are swapped "
            "(PyTorch's convention); here a_next = ut * cct + (1 - ut) * a_prev, ut is the share of the candidate.",
            _slip(_cell, roles_swapped=True)),
    Mistake("gru_cell_forward", "concat-order-swapped", _FWD,
            "Every output matches stacking `[xt; a_prev]`: the weights act on the concatenation with "
            "`a_prev` first, [a_prev; xt] (and [rt * a_prev; xt] for the candidate).",
            _slip(_cell, xt_first=True)),
    Mistake("gru_cell_forward", "candidate-without-reset-gate", _FWD,
            "`a_next` matches a candidate that ignores the reset gate, tanh(Wc [a_prev; xt] + bc): the "
            "candidate sees the previous state through the gate, cct = tanh(Wc [rt * a_prev; xt] + bc).",
            _slip(_cell, no_reset=True)),
    Mistake("gru_cell_forward", "gate-weights-swapped", _FWD,
            "`a_next` matches gates computed with each other's weights: the reset gate uses Wr, br and "
            "the update gate Wu, bu (rt = sigmoid(Wr [a_prev; xt] + br)).",
            _slip(_cell, gates_swapped=True)),
    Mistake("gru_cell_forward", "sigmoid-for-tanh-in-candidate", _FWD,
            "`a_next` matches a candidate computed with the sigmoid: the candidate state uses tanh, "
            "cct = tanh(Wc [rt * a_prev; xt] + bc), so it can be negative.",
            _slip(_cell, candidate="sigmoid")),
    Mistake("gru_cell_forward", "softmax-over-batch-axis", ("yt_pred",),
            "`yt_pred` is normalised across the batch (its rows sum to 1, not its columns): the softmax "
            "runs over axis 1, but each column is one example's distribution.",
            _slip(_cell, output="batch")),
    Mistake("gru_cell_forward", "yt-pred-from-a-prev", ("yt_pred",),
            "`a_next` is right but `yt_pred` is not: the prediction seems to use `a_prev`; it should be "
            "softmax(Wy a_next + by), from the new hidden state.",
            _slip(_cell, y_from="a_prev")),
    Mistake("gru_cell_forward", "yt-pred-from-candidate", ("yt_pred",),
            "`a_next` is right but `yt_pred` matches softmax(Wy cct + by): the prediction is made from "
            "the new hidden state a_next, not from the candidate.",
            _slip(_cell, y_from="cct")),
    Mistake("gru_cell_forward", "cache-gates-swapped", ("cache",),
            "`cache` holds ut where rt belongs and rt where ut belongs: the order is "
            "(a_next, a_prev, rt, ut, cct, xt, parameters), the order gru_cell_backward unpacks.",
            _slip(_cell, cache_gates_swapped=True)),
    # gru_cell_backward
    Mistake("gru_cell_backward", "dwc-from-concat", ("dWc",),
            "Only `dWc` is wrong: it matches dz_c [a_prev; xt].T, but the candidate's weights act on "
            "[rt * a_prev; xt], so dWc = dz_c [rt * a_prev; xt].T.",
            _slip(_cell_back, dwc_from_concat=True)),
    Mistake("gru_cell_backward", "direct-term-missing", ("da_prev",),
            "Only `da_prev` is wrong, by da_next * (1 - ut): the direct path a_next = ... + (1 - ut) * a_prev "
            "is missing from da_prev.",
            _slip(_cell_back, direct_term=False)),
    Mistake("gru_cell_backward", "candidate-path-missing-in-da-prev", ("da_prev",),
            "Only `da_prev` is wrong: a_prev also reaches the candidate through rt * a_prev, which adds "
            "(Wc[:, :n_a].T dz_c) * rt to da_prev.",
            _slip(_cell_back, candidate_term_in_da_prev=False)),
    Mistake("gru_cell_backward", "update-gradient-without-a-prev", ("dxt", "da_prev", "dWu", "dbu"),
            "`dWu`, `dbu` (and `dxt`, `da_prev`) match dz_u = da_next * cct * ut * (1 - ut): ut also "
            "multiplies -a_prev through (1 - ut) * a_prev, so dz_u = da_next * (cct - a_prev) * ut * (1 - ut).",
            _slip(_cell_back, dz_u_without_a_prev=True)),
    Mistake("gru_cell_backward", "reset-gradient-without-a-prev", ("dxt", "da_prev", "dWr", "dbr"),
            "`dWr`, `dbr` (and `dxt`, `da_prev`) match dz_r without the factor a_prev: rt enters as "
            "rt * a_prev, so dz_r = (Wc[:, :n_a].T dz_c) * a_prev * rt * (1 - rt).",
            _slip(_cell_back, dz_r_without_a_prev=True)),
    Mistake("gru_cell_backward", "reset-gate-path-missing", ("dxt", "da_prev", "dWr", "dbr"),
            "`dWr` and `dbr` are zero: the reset gate's only path to the loss goes through the candidate, "
            "dz_r = (Wc[:, :n_a].T dz_c) * a_prev * rt * (1 - rt).",
            _slip(_cell_back, reset_gate_ignored=True)),
    Mistake("gru_cell_backward", "update-roles-swapped", _CELL_GRADS,
            "Every gradient matches the derivative of a_next = (1 - ut) * cct + ut * a_prev: here "
            "a_next = ut * cct + (1 - ut) * a_prev, so dz_c carries ut and da_prev da_next * (1 - ut).",
            _slip(_cell_back, roles_swapped=True)),
    Mistake("gru_cell_backward", "tanh-derivative-of-cct", ("dxt", "da_prev", "dWr", "dbr", "dWc", "dbc"),
            "`dWc` and `dbc` match 1 - tanh(cct)**2 as the candidate's derivative: cct is already the "
            "tanh, so its derivative is 1 - cct**2.",
            _slip(_cell_back, tanh_of_cct=True)),
    Mistake("gru_cell_backward", "weight-slices-swapped", ("dxt", "da_prev", "dWr", "dbr"),
            "`dxt` and `da_prev` match W[:, n_x:] and W[:, :n_x]: the columns that act on a_prev are the "
            "first n_a, W[:, :n_a], and those on xt the rest, W[:, n_a:].",
            _slip(_cell_back, slices_swapped=True)),
    Mistake("gru_cell_backward", "db-keepdims-missing", ("dbr", "dbu", "dbc"),
            "The bias gradients have shape (n_a,): sum over the batch with keepdims=True, so that "
            "db has the shape (n_a, 1) of b.",
            _slip(_cell_back, db_keepdims=False)),
    Mistake("gru_cell_backward", "dw-transposed", ("dWr", "dWu", "dWc"),
            "The weight gradients have shape (n_a + n_x, n_a): dW = dz @ [a_prev; xt].T, not its transpose.",
            _slip(_cell_back, dw_transposed=True)),
    # gru_forward
    Mistake("gru_forward", "a0-fed-to-every-step", _SEQ_FWD,
            "`a` is right at the first time step only: every step seems to start from `a0`; each step "
            "should receive the previous step's `a_next`.",
            _slip(_sequence_forward, every_step_from_a0=True)),
    Mistake("gru_forward", "zero-start-state", _SEQ_FWD,
            "`a` matches a first step that starts from zeros: the sequence starts from the given `a0` "
            "(a_next = a0 before the loop).",
            _slip(_sequence_forward, start="zeros")),
    Mistake("gru_forward", "a-stores-a-prev", ("a",),
            "`a[:, :, t]` holds the state before step t: `a` stores each step's a_next (not a0).",
            _slip(_sequence_forward, store_a="a_prev")),
    # gru_backward
    Mistake("gru_backward", "upstream-da-missing", _SEQ_GRADS,
            "Every gradient is zero: the cell seems to receive only the propagated `da_prev`; at step t "
            "it should receive da[:, :, t] + da_prev.",
            _slip(_sequence_backward, upstream=False)),
    Mistake("gru_backward", "da-prev-not-propagated", _SEQ_GRADS,
            "`dx` is right at the last step only: `da_prev` is not carried back in time; at step t the "
            "cell should receive da[:, :, t] + the da_prev of step t+1.",
            _slip(_sequence_backward, propagate=False)),
    Mistake("gru_backward", "gradients-overwritten", GATE_GRADS,
            "`dx` and `da0` are right but the weight and bias gradients hold one step only: they are "
            "overwritten at each step instead of summed over time (+=).",
            _slip(_sequence_backward, accumulate=False)),
    Mistake("gru_backward", "time-walked-forwards", _SEQ_GRADS,
            "Every gradient matches a loop from t = 0 upwards: a backward pass walks time in reverse, "
            "from T_x - 1 down to 0.",
            _slip(_sequence_backward, reverse=False)),
)

_BY_FUNCTION: dict[str, tuple[Mistake, ...]] = {}
for _m in CATALOGUE:
    _BY_FUNCTION[_m.function] = _BY_FUNCTION.get(_m.function, ()) + (_m,)


def for_function(name: str) -> tuple[Mistake, ...]:
    """The known mistakes of the graded function `name`, in catalogue order (() if none)."""
    return _BY_FUNCTION.get(name, ())
