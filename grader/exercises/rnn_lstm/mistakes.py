"""The known-mistake catalogue: one source of truth for "what it probably is".

Each `Mistake` is a wrong implementation of one graded function (`variant`,
same signature and same return structure as the reference) and the feedback
to give when a submission's outputs match it (`hint`). `outputs` lists
exactly the outputs (forward: the names of `problems.py` weights, e.g.
"a_next", "cache") or gradient keys (backward) that the mistake changes; the
others come out right. tests/test_mistakes.py holds every entry to that on
the hidden cases; tests/fixtures/submissions/patches.py turns each into a
submission with that one mistake (MUTANT_PATCHES, CATALOGUE_PATCHES).

Variants run only in the trusted grader, on the inputs of a hidden case,
never beside student code. Sequence variants call the reference cell
functions, as the grader gives a sequence function a correct cell. A mistake
that only shows over time (a time-order slip) cannot show on a T_x = 1 case:
there the variant returns what the reference returns.

Hints name the symptom and the likely cause in one sentence; they are fixed
text, so they never reveal a hidden input.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .reference import (
    lstm_cell_backward,
    lstm_cell_forward,
    rnn_cell_backward,
    rnn_cell_forward,
    sigmoid,
    softmax,
)

GATES = ("f", "i", "c", "o")
LSTM_PARAM_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")


@dataclass(frozen=True)
class Mistake:
    function: str            # graded function name, e.g. "lstm_cell_forward"
    name: str                # short id, unique within its function, e.g. "tanh-missing-on-cell-state"
    outputs: tuple[str, ...] # outputs (forward: names as in problems.py weights) or gradient keys it changes
    hint: str                # feedback: the symptom and the likely cause, one sentence
    variant: Callable        # same signature as the graded function; what it returns with this mistake


# ---------------------------------------------------------------- helpers

def _softmax_over_batch(z):
    """Softmax over axis 1 (across the examples of the batch): the wrong axis."""
    return softmax(np.asarray(z).T).T


def _softmax_over_all(z):
    """exp(z) / sum(exp(z)) over every entry of the matrix: no axis at all."""
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


OUTPUT_ACTIVATIONS = {"softmax": softmax, "batch": _softmax_over_batch, "all": _softmax_over_all,
                      "sigmoid": sigmoid}


def _slip(builder, **slips):
    """A variant: `builder` with these keyword slips, the graded function's signature otherwise."""
    def variant(*args):
        return builder(*args, **slips)
    variant.__name__ = builder.__name__ + "".join(f"_{k}" for k in slips)
    return variant


def _bias_sum(dz, db="sum"):
    """The bias gradient as written: right (sum over the batch, keepdims) or a slip."""
    if db == "mean":
        return np.mean(dz, axis=1, keepdims=True)
    if db == "axis0":
        return np.sum(dz, axis=0, keepdims=True)
    if db == "no-keepdims":
        return np.sum(dz, axis=1)
    return np.sum(dz, axis=1, keepdims=True)


# ---------------------------------------------------------------- rnn_cell_forward

def _rnn_cell(xt, a_prev, parameters, *, y_from_a_prev=False, output="softmax", drop=(),
              activation="tanh", waa_transposed=False, cache_order=False, bias_outside=False):
    p = dict(parameters)
    for b in drop:
        p[b] = np.zeros_like(p[b])
    Waa = p["Waa"].T if waa_transposed else p["Waa"]
    z = Waa @ a_prev + p["Wax"] @ xt + (0.0 if bias_outside else p["ba"])
    a_next = {"tanh": np.tanh, "sigmoid": sigmoid, "none": lambda v: v}[activation](z)
    if bias_outside:
        a_next = a_next + p["ba"]
    yt_pred = OUTPUT_ACTIVATIONS[output](p["Wya"] @ (a_prev if y_from_a_prev else a_next) + p["by"])
    cache = (a_next, xt, a_prev, parameters) if cache_order else (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


# ---------------------------------------------------------------- lstm_cell_forward

def _lstm_cell(xt, a_prev, c_prev, parameters, *, xt_first=False, update_gate=True,
               tanh_on_cell=True, output="softmax", drop=(), weights_swapped=None,
               swapped_in_update=False, c_from_a_prev=False, a_from_c_prev=False,
               candidate="tanh", y_from_c=False, tanh_of_product=False, double_tanh=False):
    p = dict(parameters)
    for b in drop:
        p[b] = np.zeros_like(p[b])
    if weights_swapped:
        g, h = weights_swapped
        p["W" + g], p["W" + h] = p["W" + h], p["W" + g]
        p["b" + g], p["b" + h] = p["b" + h], p["b" + g]
    z = np.concatenate([xt, a_prev] if xt_first else [a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ z + p["bf"])
    it = sigmoid(p["Wi"] @ z + p["bi"])
    cct = {"tanh": np.tanh, "sigmoid": sigmoid, "none": lambda v: v}[candidate](p["Wc"] @ z + p["bc"])
    keep, write = (it, ft) if swapped_in_update else (ft, it)
    old = a_prev if c_from_a_prev else c_prev
    new = np.tanh(cct) if double_tanh else cct
    c_next = keep * old + (write * new if update_gate else new)
    ot = sigmoid(p["Wo"] @ z + p["bo"])
    state = c_prev if a_from_c_prev else c_next
    a_next = ot * (np.tanh(state) if tanh_on_cell else state)
    if tanh_of_product:
        a_next = np.tanh(ot * state)
    yt_pred = OUTPUT_ACTIVATIONS[output](p["Wy"] @ (c_next if y_from_c else a_next) + p["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


# ---------------------------------------------------------------- rnn_cell_backward

def _rnn_cell_back(da_next, cache, *, tanh_derivative=None, waa_not_transposed=False,
                   dwaa_transposed=False, dwaa_from_a_next=False, dwax_transposed=False,
                   db="sum", derivative_of_a_prev=False, dxt_from_da_next=False):
    a_next, a_prev, xt, parameters = cache
    if tanh_derivative is None:
        tanh_derivative = lambda a: 1.0 - a ** 2  # noqa: E731
    dz = da_next * tanh_derivative(a_prev if derivative_of_a_prev else a_next)
    Waa = parameters["Waa"]
    dWaa = dz @ (a_next if dwaa_from_a_next else a_prev).T
    dWax = dz @ xt.T
    return {
        "dxt": parameters["Wax"].T @ (da_next if dxt_from_da_next else dz),
        "da_prev": (Waa if waa_not_transposed else Waa.T) @ dz,
        "dWax": dWax.T if dwax_transposed else dWax,
        "dWaa": dWaa.T if dwaa_transposed else dWaa,
        "dba": _bias_sum(dz, db),
    }


def _rnn_cell_back_no_tanh_derivative(da_next, cache):
    return _rnn_cell_back(da_next, cache, tanh_derivative=np.ones_like)


def _rnn_cell_back_tanh_of_a_next(da_next, cache):
    return _rnn_cell_back(da_next, cache, tanh_derivative=lambda a: 1.0 - np.tanh(a) ** 2)


# ---------------------------------------------------------------- lstm_cell_backward

def _dcct_right(dc, it, cct):
    return dc * it * (1.0 - cct ** 2)


def _lstm_cell_back(da_next, dc_next, cache, *, dcct=_dcct_right, xt_first_slices=False,
                    xt_first_concat=False, dc_prev="dc * ft", dc="right", dot="right",
                    no_parentheses=(), candidate_gate="it", db="sum", dw_transposed=False,
                    gate_left_out=None, left_out_of=("da_prev", "dxt"), forget_state="c_prev",
                    sigmoid_factor_missing=(), rows=False):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a, n_x = a_prev.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    through_a = da_next * ot * {
        "right": 1.0 - tanh_c ** 2,
        "tanh-of-cct": 1.0 - np.tanh(cct) ** 2,
        "c-next-as-tanh": 1.0 - c_next ** 2,
        "precedence": (1.0 - tanh_c) ** 2,
    }.get(dc, 1.0 - tanh_c ** 2)
    total = {"no-dc-next": through_a, "no-da-next": dc_next}.get(dc, dc_next + through_a)
    gate_in = it if candidate_gate == "it" else ft
    old = {"c_prev": c_prev, "a_prev": a_prev, "c_next": c_next}[forget_state]

    def sig_prime(g, value):  # the sigmoid's derivative g (1 - g), or the slip (1 - g)
        return (1.0 - value) if g in sigmoid_factor_missing else value * (1.0 - value)

    d_gate = {
        "f": total * old * sig_prime("f", ft),
        "i": total * cct * sig_prime("i", it),
        "c": dcct(total, gate_in, cct),
    }
    # (dc_next * x + da_next * ... * x) * g' written without the outer parentheses
    slipped = {
        "f": dc_next * old + through_a * old * ft * (1.0 - ft),
        "i": dc_next * cct + through_a * cct * it * (1.0 - it),
        "c": dc_next * gate_in + through_a * gate_in * (1.0 - cct ** 2),
    }
    for g in no_parentheses:
        d_gate[g] = slipped[g]
    d_gate["o"] = {"right": da_next * tanh_c, "tanh-of-cct": da_next * np.tanh(cct),
                   "dc": total * tanh_c}[dot] * sig_prime("o", ot)
    z = np.concatenate([xt, a_prev] if xt_first_concat else [a_prev, xt], axis=0)
    grads = {"dxt": 0.0, "da_prev": 0.0,
             "dc_prev": {"dc * ft": total * ft, "dc_next * ft": dc_next * ft, "dc": total}[dc_prev]}
    for g in GATES:
        W = parameters["W" + g]
        if xt_first_slices:
            to_a, to_x = W[:, n_x:], W[:, :n_x]
        else:
            to_a, to_x = W[:, :n_a], W[:, n_a:]
        if rows:  # W[:n_a, :] is all of W: its transpose reaches [a_prev; xt], not a_prev
            to_a = W[:n_a, :]
        if g != gate_left_out or "da_prev" not in left_out_of:
            grads["da_prev"] = grads["da_prev"] + to_a.T @ d_gate[g]
        if g != gate_left_out or "dxt" not in left_out_of:
            grads["dxt"] = grads["dxt"] + to_x.T @ d_gate[g]
        dW = d_gate[g] @ z.T
        grads["dW" + g] = dW.T if dw_transposed else dW
        grads["db" + g] = _bias_sum(d_gate[g], db)
    return grads


def _lstm_cell_back_slices_swapped(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache, xt_first_slices=True)


def _lstm_cell_back_xt_first(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache, xt_first_slices=True, xt_first_concat=True)


def _lstm_cell_back_extra_cct(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache,
                           dcct=lambda dc, it, cct: dc * it * cct * (1.0 - cct ** 2))


def _lstm_cell_back_tanh_of_cct(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache,
                           dcct=lambda dc, it, cct: dc * it * (1.0 - np.tanh(cct) ** 2))


def _lstm_cell_back_old_erratum(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache,
                           dcct=lambda dc, it, cct: dc * it * cct * (1.0 - np.tanh(cct) ** 2))


def _lstm_cell_back_dc_prev_short(da_next, dc_next, cache):
    return _lstm_cell_back(da_next, dc_next, cache, dc_prev="dc_next * ft")


# ---------------------------------------------------------------- rnn_forward / lstm_forward

def _sequence_forward(x, a0, parameters, *, model, start="a0", every_step_from_a0=False,
                      first_step=0, c_start="zeros", carry_c=True, c_holds_a=False, store_y=True,
                      last_step=None, input_step="t", a_prev_from="a_next", c_prev_from="c_next",
                      store_c="c_next", store_a="a_next", y_transform=None, y_index="t", a_prev_transform=None,
                      state_from_arrays=(), after_loop=(), state_offset=1):
    """The sequence forward pass with the reference cell, and optional slips (the defaults are
    the right pass; each keyword is one way a student's loop departs from it).
    `state_from_arrays`: "a" / "c": step t reads its previous state as a[:, :, t - 1] /
    c[:, :, t - 1] (at t = 0 Python's -1: the last slot, still zeros, and the cache keeps that
    view of it); `after_loop`: "a", "y", "c", "caches": that store dedented out of the loop (done
    once, with the last step's values); `state_offset=0`: the state is read as a[:, :, t] (the
    slot still zeros, filled after the call); `start="a-array"`: a_next = a[:, :, 0] (a view of the
    zero array)."""
    n_x, m, T_x = x.shape
    lstm = model == "lstm"
    n_y, n_a = parameters["Wy" if lstm else "Wya"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches = []
    init = {"a0": a0, "zeros": np.zeros((n_a, m)), "ones": np.ones((n_a, m))}
    init["a-array"] = a[:, :, 0]
    a_next = np.tanh(a0) if start == "tanh-a0" else init[start]
    c_next = init[c_start]
    for t in range(first_step, T_x if last_step is None else last_step):
        xt = x[:, :, {"t": t, "first": 0, "previous": t - 1, "reversed": T_x - 1 - t}[input_step]]
        a_prev = a0 if every_step_from_a0 else {"a_next": a_next, "c_next": c_next, "zeros": np.zeros((n_a, m))}[a_prev_from]
        if "a" in state_from_arrays:
            a_prev = a[:, :, t - state_offset]
        if a_prev_transform is not None:
            a_prev = a_prev_transform(a_prev)
        if lstm:
            c_prev = c_next if carry_c else np.zeros((n_a, m))
            c_prev = {"c_next": c_prev, "a_next": a_next}[c_prev_from]
            if "c" in state_from_arrays:
                c_prev = c[:, :, t - state_offset]
            a_before = a_prev
            a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
            if "c" not in after_loop:
                c[:, :, t] = a_next if c_holds_a else {"c_next": c_next, "tanh": np.tanh(c_next)}[store_c]
        else:
            a_before = a_prev
            a_next, yt, cache = rnn_cell_forward(xt, a_prev, parameters)
        if "a" not in after_loop:
            a[:, :, t] = {"a_next": a_next, "a_prev": a_before, "c_next": c_next}[store_a]
        if store_y and "y" not in after_loop:
            y[:, :, t - (y_index == "previous")] = yt if y_transform is None else y_transform(yt)
        if "caches" not in after_loop:
            caches.append(cache)
    if after_loop:  # the dedented stores, once, with the last step's t and values
        if "a" in after_loop:
            a[:, :, t] = a_next
        if "c" in after_loop:
            c[:, :, t] = c_next
        if "y" in after_loop:
            y[:, :, t] = yt
        if "caches" in after_loop:
            caches.append(cache)
    if lstm:
        return a, y, c, (caches, x)
    return a, y, (caches, x)


def _forward_variant(model, **slips):
    def variant(x, a0, parameters):
        return _sequence_forward(x, a0, parameters, model=model, **slips)
    return variant


def _rnn_forward_a0_every_step(x, a0, parameters):
    return _sequence_forward(x, a0, parameters, model="rnn", every_step_from_a0=True)


def _lstm_forward_a0_every_step(x, a0, parameters):
    return _sequence_forward(x, a0, parameters, model="lstm", every_step_from_a0=True)


# ---------------------------------------------------------------- rnn_backward / lstm_backward

def _sequence_backward(da, caches, *, model, upstream=True, propagate_a=True,
                       propagate_c=True, accumulate=True, reverse=True, last_step=0,
                       overwritten=(), states_swapped=False, cache_index="t", carry="right",
                       da0_from="da_prev", sign=1.0, dc_carry="right", dc_plus_upstream=False,
                       da_plus_dc=False, subtracted=(), transposed=(), dx_slot="t", da_init="zeros",
                       dc_times_ft=False, averaged=(), skip_last=False):
    """The sequence backward pass with the reference cell, and optional slips (the defaults are
    the right pass): `last_step=1`: the loop stops before t = 0; `cache_index`: which cache
    step t gets, "t", "reversed" (T_x-1-t), "last" or "previous" (t-1, Python's -1 at t = 0);
    `carry`: how da_prev is carried, "right", "accumulated" (+=) or "plus-upstream"
    (+ da[:, :, t]); `sign`: -1 subtracts the carried da_prev; `overwritten`, `subtracted`,
    `transposed`: parameter gradients summed with =, -= or += .T; `dx_slot`: "t", "reversed"
    (T_x-1-t) or "after-loop" (the store dedented: only the last step's dxt, at its t)."""
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    if model == "rnn":
        shapes = {"dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dba": (n_a, 1)}
    else:
        shapes = {k: (n_a, n_a + n_x) if k.startswith("dW") else (n_a, 1) for k in LSTM_PARAM_GRADS}
    sums = {k: np.zeros(s) for k, s in shapes.items()}
    dx = np.zeros((n_x, m, T_x))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    if da_init == "upstream-last":
        da_prevt = da[:, :, T_x - 1].copy()
    steps = range(last_step, T_x - 1 if skip_last else T_x)
    for t in (reversed(steps) if reverse else steps):
        da_next = np.zeros((n_a, m))
        if upstream:
            da_next = da_next + da[:, :, t]
        if propagate_a:
            da_next = da_next + sign * (dc_prevt if states_swapped else da_prevt)
        if da_plus_dc:
            da_next = da_next + dc_prevt
        cache = cell_caches[{"t": t, "reversed": T_x - 1 - t, "last": T_x - 1, "previous": t - 1}[cache_index]]
        if model == "rnn":
            grads = rnn_cell_backward(da_next, cache)
        else:
            dc_next = dc_prevt if propagate_c else np.zeros((n_a, m))
            if states_swapped:
                dc_next = da_prevt
            if dc_plus_upstream:
                dc_next = dc_next + da[:, :, t]
            if dc_times_ft:
                dc_next = dc_next * cache[4]
            grads = lstm_cell_backward(da_next, dc_next, cache)
            dc_prevt = dc_prevt + grads["dc_prev"] if dc_carry == "accumulated" else grads["dc_prev"]
            if dc_carry == "plus-upstream":
                dc_prevt = dc_prevt + da[:, :, t]
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
    da0 = {"dc_prev": dc_prevt, "da_prev+dc_prev": da_prevt + dc_prevt}.get(da0_from, da_prevt)
    if da0_from == "dxt":  # the last step's dxt
        da0 = grads["dxt"]
    return {"dx": dx, "da0": da0, **sums}


def _backward_variant(model, **slips):
    def variant(da, caches):
        return _sequence_backward(da, caches, model=model, **slips)
    return variant


# ---------------------------------------------------------------- the catalogue

_RNN_CELL_GRADS = ("dxt", "da_prev", "dWax", "dWaa", "dba")
_RNN_GRADS = ("dx", "da0", "dWax", "dWaa", "dba")
_LSTM_GRADS = ("dx", "da0") + LSTM_PARAM_GRADS
_LSTM_CELL_GRADS = ("dxt", "da_prev", "dc_prev") + LSTM_PARAM_GRADS
_LSTM_CELL_FWD = ("a_next", "c_next", "yt_pred", "cache")
_NO_DC_PREV = ("dxt", "da_prev") + LSTM_PARAM_GRADS
_GATE_NAMES = {"f": "forget gate", "i": "update gate", "c": "candidate", "o": "output gate"}


def _lstm_bias_missing(bias: str) -> Mistake:
    """The LSTM cell forward without one of its biases (bf, bi, bc, bo or by)."""
    if bias == "by":
        outputs, what = ("yt_pred",), "`yt_pred`"
    elif bias == "bo":
        outputs, what = ("a_next", "yt_pred", "cache"), "`a_next`, `yt_pred` and the cached ot"
    else:
        outputs, what = _LSTM_CELL_FWD, "`c_next`, `a_next` and the cache"
    return Mistake("lstm_cell_forward", f"bias-{bias}-missing", outputs,
                   f"{what} come out as if the bias `{bias}` were left out: every gate and the "
                   f"prediction add their bias after the product with the weights.",
                   _slip(_lstm_cell, drop=(bias,)))


def _lstm_gate_left_out(gate: str, of: tuple[str, ...]) -> Mistake:
    """The LSTM cell backward with one gate's term left out of da_prev and/or dxt."""
    name = f"{_GATE_NAMES[gate].replace(' ', '-')}-term-missing" + ("" if len(of) == 2 else f"-from-{of[0]}")
    named = " and ".join(f"`{o}`" for o in ("dxt", "da_prev") if o in of)
    return Mistake("lstm_cell_backward", name.replace("_", "-"), tuple(o for o in ("dxt", "da_prev") if o in of),
                   f"{named} {'miss' if len(of) == 2 else 'misses'} the {_GATE_NAMES[gate]}'s term: each is a "
                   f"sum over the four gates (f, i, c, o) of the W slice transposed times that gate's gradient.",
                   _slip(_lstm_cell_back, gate_left_out=gate, left_out_of=of))


def _lstm_parentheses(gate: str) -> Mistake:
    """One gate's derivative applied to the da_next term only (outer parentheses missing)."""
    var = {"f": "c_prev", "i": "cct", "c": "it"}[gate]
    return Mistake("lstm_cell_backward", f"{_GATE_NAMES[gate].replace(' ', '-')}-missing-parentheses",
                   ("dxt", "da_prev", f"dW{gate}", f"db{gate}"),
                   f"`dW{gate}`, `db{gate}` (and so `dxt`, `da_prev`) match the derivative applied to the "
                   f"da_next term only: parentheses are missing, (dc_next * {var} + ...) * derivative.",
                   _slip(_lstm_cell_back, no_parentheses=(gate,)))


def _lstm_sigmoid_factor(gate: str) -> Mistake:
    """A gate's sigmoid derivative written (1 - g) instead of g * (1 - g)."""
    return Mistake("lstm_cell_backward", f"{_GATE_NAMES[gate].replace(' ', '-')}-sigmoid-derivative-short",
                   ("dxt", "da_prev", f"dW{gate}", f"db{gate}"),
                   f"`dW{gate}`, `db{gate}` (and so `dxt`, `da_prev`) use (1 - {gate}t) as the sigmoid's "
                   f"derivative: it is {gate}t * (1 - {gate}t).",
                   _slip(_lstm_cell_back, sigmoid_factor_missing=(gate,)))


CATALOGUE: tuple[Mistake, ...] = (
    # rnn_cell_forward
    Mistake("rnn_cell_forward", "softmax-over-batch-axis", ("yt_pred",),
            "`yt_pred` is normalised across the batch (its rows sum to 1, not its columns): "
            "the softmax runs over axis 1, but each column is one example's distribution.",
            _slip(_rnn_cell, output="batch")),
    Mistake("rnn_cell_forward", "yt-pred-from-a-prev", ("yt_pred",),
            "`a_next` is right but `yt_pred` is not: the prediction seems to use `a_prev`; "
            "it should be softmax(Wya a_next + by), from the new hidden state.",
            _slip(_rnn_cell, y_from_a_prev=True)),
    Mistake("rnn_cell_forward", "softmax-over-all-entries", ("yt_pred",),
            "`yt_pred` sums to 1 over the whole matrix: the softmax divides by the sum of every "
            "entry; each column (one example) should be normalised on its own (axis 0).",
            _slip(_rnn_cell, output="all")),
    Mistake("rnn_cell_forward", "sigmoid-for-softmax", ("yt_pred",),
            "`yt_pred` matches sigmoid(Wya a_next + by): the prediction needs a softmax, so that "
            "each column is a distribution that sums to 1.",
            _slip(_rnn_cell, output="sigmoid")),
    Mistake("rnn_cell_forward", "bias-ba-missing", ("a_next", "yt_pred", "cache"),
            "`a_next` (and so `yt_pred`) comes out as if the bias `ba` were left out: "
            "a_next = tanh(Waa a_prev + Wax xt + ba).",
            _slip(_rnn_cell, drop=("ba",))),
    Mistake("rnn_cell_forward", "bias-by-missing", ("yt_pred",),
            "`a_next` is right but `yt_pred` comes out as if the bias `by` were left out: "
            "yt_pred = softmax(Wya a_next + by).",
            _slip(_rnn_cell, drop=("by",))),
    Mistake("rnn_cell_forward", "tanh-missing", ("a_next", "yt_pred", "cache"),
            "`a_next` equals Waa a_prev + Wax xt + ba without the activation: "
            "a_next = tanh(Waa a_prev + Wax xt + ba).",
            _slip(_rnn_cell, activation="none")),
    Mistake("rnn_cell_forward", "sigmoid-for-tanh", ("a_next", "yt_pred", "cache"),
            "`a_next` matches sigmoid(Waa a_prev + Wax xt + ba): the hidden state of this RNN uses "
            "tanh, not the sigmoid.",
            _slip(_rnn_cell, activation="sigmoid")),
    Mistake("rnn_cell_forward", "waa-transposed", ("a_next", "yt_pred", "cache"),
            "`a_next` matches Waa.T a_prev: the recurrent weights are used transposed; the product "
            "is Waa a_prev (Waa is (n_a, n_a), so both shapes fit).",
            _slip(_rnn_cell, waa_transposed=True)),
    Mistake("rnn_cell_forward", "bias-ba-outside-tanh", ("a_next", "yt_pred", "cache"),
            "`a_next` matches tanh(Waa a_prev + Wax xt) + ba: the bias goes inside the activation, "
            "a_next = tanh(Waa a_prev + Wax xt + ba).",
            _slip(_rnn_cell, bias_outside=True)),
    Mistake("rnn_cell_forward", "cache-order", ("cache",),
            "`cache` holds the right values in another order: it should be "
            "(a_next, a_prev, xt, parameters), the order rnn_cell_backward unpacks.",
            _slip(_rnn_cell, cache_order=True)),
    # lstm_cell_forward
    Mistake("lstm_cell_forward", "tanh-missing-on-cell-state", ("a_next", "yt_pred", "cache"),
            "`c_next` is right but `a_next` equals `ot * c_next`: the tanh on the cell state is "
            "missing (a_next = ot * tanh(c_next)).",
            _slip(_lstm_cell, tanh_on_cell=False)),
    Mistake("lstm_cell_forward", "concat-order-swapped", _LSTM_CELL_FWD,
            "Every output is off in a way that matches stacking `[xt; a_prev]`: the weights act on "
            "the concatenation with `a_prev` first, `[a_prev; xt]`.",
            _slip(_lstm_cell, xt_first=True)),
    Mistake("lstm_cell_forward", "update-gate-missing", _LSTM_CELL_FWD,
            "`c_next` equals `ft * c_prev + cct`: the candidate value is added without the update "
            "gate (c_next = ft * c_prev + it * cct).",
            _slip(_lstm_cell, update_gate=False)),
    Mistake("lstm_cell_forward", "softmax-over-batch-axis", ("yt_pred",),
            "`yt_pred` is normalised across the batch (its rows sum to 1, not its columns): "
            "the softmax runs over axis 1, but each column is one example's distribution.",
            _slip(_lstm_cell, output="batch")),
    Mistake("lstm_cell_forward", "softmax-over-all-entries", ("yt_pred",),
            "`yt_pred` sums to 1 over the whole matrix: the softmax divides by the sum of every "
            "entry; each column (one example) should be normalised on its own (axis 0).",
            _slip(_lstm_cell, output="all")),
    Mistake("lstm_cell_forward", "sigmoid-for-softmax", ("yt_pred",),
            "`yt_pred` matches sigmoid(Wy a_next + by): the prediction needs a softmax, so that "
            "each column is a distribution that sums to 1.",
            _slip(_lstm_cell, output="sigmoid")),
    Mistake("lstm_cell_forward", "forget-update-weights-swapped", _LSTM_CELL_FWD,
            "`c_next` matches gates computed with swapped weights: the forget gate uses Wf, bf "
            "and the update gate Wi, bi (ft = sigmoid(Wf z + bf)).",
            _slip(_lstm_cell, weights_swapped=("f", "i"))),
    Mistake("lstm_cell_forward", "forget-output-weights-swapped", _LSTM_CELL_FWD,
            "`c_next` and `a_next` match the forget and output gates computed with each other's "
            "weights: ft uses Wf, bf and ot uses Wo, bo.",
            _slip(_lstm_cell, weights_swapped=("f", "o"))),
    Mistake("lstm_cell_forward", "update-output-weights-swapped", _LSTM_CELL_FWD,
            "`c_next` and `a_next` match the update and output gates computed with each other's "
            "weights: it uses Wi, bi and ot uses Wo, bo.",
            _slip(_lstm_cell, weights_swapped=("i", "o"))),
    Mistake("lstm_cell_forward", "gates-swapped-in-c-next", _LSTM_CELL_FWD,
            "`c_next` equals `it * c_prev + ft * cct`: the two gates are swapped in the update; "
            "the forget gate keeps the old state, c_next = ft * c_prev + it * cct.",
            _slip(_lstm_cell, swapped_in_update=True)),
    Mistake("lstm_cell_forward", "c-next-from-a-prev", _LSTM_CELL_FWD,
            "`c_next` matches `ft * a_prev + it * cct`: the forget gate should scale the previous "
            "cell state, c_next = ft * c_prev + it * cct.",
            _slip(_lstm_cell, c_from_a_prev=True)),
    Mistake("lstm_cell_forward", "a-next-from-c-prev", ("a_next", "yt_pred", "cache"),
            "`c_next` is right but `a_next` equals `ot * tanh(c_prev)`: the new hidden state comes "
            "from the new cell state, a_next = ot * tanh(c_next).",
            _slip(_lstm_cell, a_from_c_prev=True)),
    Mistake("lstm_cell_forward", "candidate-sigmoid", _LSTM_CELL_FWD,
            "`c_next` matches a candidate `cct` computed with the sigmoid: the candidate value "
            "uses tanh, cct = tanh(Wc z + bc); only the gates use the sigmoid.",
            _slip(_lstm_cell, candidate="sigmoid")),
    Mistake("lstm_cell_forward", "candidate-tanh-missing", _LSTM_CELL_FWD,
            "`c_next` matches a candidate `cct` without its activation: cct = tanh(Wc z + bc).",
            _slip(_lstm_cell, candidate="none")),
    Mistake("lstm_cell_forward", "yt-pred-from-c-next", ("yt_pred",),
            "`a_next` and `c_next` are right but `yt_pred` seems to use `c_next`: the prediction "
            "is softmax(Wy a_next + by), from the hidden state.",
            _slip(_lstm_cell, y_from_c=True)),
    Mistake("lstm_cell_forward", "tanh-of-ot-times-c-next", ("a_next", "yt_pred", "cache"),
            "`c_next` is right but `a_next` matches tanh(ot * c_next): the gate multiplies the "
            "activation, a_next = ot * tanh(c_next).",
            _slip(_lstm_cell, tanh_of_product=True)),
    Mistake("lstm_cell_forward", "candidate-tanh-twice", _LSTM_CELL_FWD,
            "`c_next` matches `it * tanh(cct)`: `cct` already is tanh(Wc z + bc), so "
            "c_next = ft * c_prev + it * cct.",
            _slip(_lstm_cell, double_tanh=True)),
    *(_lstm_bias_missing(b) for b in ("bf", "bi", "bc", "bo", "by")),
    # rnn_cell_backward
    Mistake("rnn_cell_backward", "tanh-derivative-missing", _RNN_CELL_GRADS,
            "Every gradient is off by the factor (1 - a_next**2): the derivative of the tanh is "
            "missing from dz = da_next * (1 - a_next**2).",
            _rnn_cell_back_no_tanh_derivative),
    Mistake("rnn_cell_backward", "tanh-derivative-of-a-next", _RNN_CELL_GRADS,
            "Every gradient is off as if the tanh derivative were 1 - tanh(a_next)**2: `a_next` "
            "already is the tanh, so the factor is 1 - a_next**2.",
            _rnn_cell_back_tanh_of_a_next),
    Mistake("rnn_cell_backward", "tanh-derivative-of-a-prev", _RNN_CELL_GRADS,
            "Every gradient matches dz = da_next * (1 - a_prev**2): the tanh being differentiated "
            "is the one that made `a_next`, so the factor is 1 - a_next**2.",
            _slip(_rnn_cell_back, derivative_of_a_prev=True)),
    Mistake("rnn_cell_backward", "tanh-derivative-precedence", _RNN_CELL_GRADS,
            "Every gradient matches the factor (1 - a_next)**2: the tanh's derivative is "
            "1 - a_next**2, the square on a_next alone.",
            _slip(_rnn_cell_back, tanh_derivative=lambda a: (1.0 - a) ** 2)),
    Mistake("rnn_cell_backward", "dxt-without-tanh-derivative", ("dxt",),
            "Only `dxt` is wrong: it matches Wax.T @ da_next; like the other gradients it goes "
            "through the tanh, dxt = Wax.T @ dz with dz = da_next * (1 - a_next**2).",
            _slip(_rnn_cell_back, dxt_from_da_next=True)),
    Mistake("rnn_cell_backward", "waa-not-transposed", ("da_prev",),
            "Only `da_prev` is wrong: it matches Waa @ dz; the gradient flows back through the "
            "transpose, da_prev = Waa.T @ dz.",
            _slip(_rnn_cell_back, waa_not_transposed=True)),
    Mistake("rnn_cell_backward", "dwaa-transposed", ("dWaa",),
            "Only `dWaa` is wrong: it is the transpose of the right one (a_prev @ dz.T); "
            "dWaa = dz @ a_prev.T.",
            _slip(_rnn_cell_back, dwaa_transposed=True)),
    Mistake("rnn_cell_backward", "dwaa-from-a-next", ("dWaa",),
            "Only `dWaa` is wrong: it matches dz @ a_next.T; Waa multiplied `a_prev`, so "
            "dWaa = dz @ a_prev.T.",
            _slip(_rnn_cell_back, dwaa_from_a_next=True)),
    Mistake("rnn_cell_backward", "dwax-transposed", ("dWax",),
            "`dWax` is the transpose of the right one (xt @ dz.T, shape (n_x, n_a)): "
            "dWax = dz @ xt.T has the shape of Wax, (n_a, n_x).",
            _slip(_rnn_cell_back, dwax_transposed=True)),
    Mistake("rnn_cell_backward", "dba-mean", ("dba",),
            "`dba` is the mean over the batch: the bias gradient is the sum over the examples, "
            "np.sum(dz, axis=1, keepdims=True).",
            _slip(_rnn_cell_back, db="mean")),
    Mistake("rnn_cell_backward", "dba-summed-over-wrong-axis", ("dba",),
            "`dba` is summed over axis 0 (shape (1, m)): the bias gradient sums over the batch, "
            "np.sum(dz, axis=1, keepdims=True), shape (n_a, 1).",
            _slip(_rnn_cell_back, db="axis0")),
    Mistake("rnn_cell_backward", "dba-keepdims-missing", ("dba",),
            "`dba` has shape (n_a,): the sum drops the axis; np.sum(dz, axis=1, keepdims=True) "
            "keeps the shape of ba, (n_a, 1).",
            _slip(_rnn_cell_back, db="no-keepdims")),
    # lstm_cell_backward
    Mistake("lstm_cell_backward", "weight-slices-swapped", ("dxt", "da_prev"),
            "`dxt` and `da_prev` are wrong while the weight gradients are right: the slices look "
            "swapped (W[:, :n_x] toward xt); W[:, :n_a] goes toward a_prev and W[:, n_a:] toward xt.",
            _lstm_cell_back_slices_swapped),
    Mistake("lstm_cell_backward", "concat-order-swapped",
            ("dxt", "da_prev", "dWf", "dWi", "dWc", "dWo"),
            "`dxt`, `da_prev` and the dW's match the concatenation `[xt; a_prev]`: the weights act "
            "on `[a_prev; xt]`, so W[:, :n_a] goes toward a_prev and dW = dgate @ [a_prev; xt].T.",
            _lstm_cell_back_xt_first),
    Mistake("lstm_cell_backward", "old-erratum-dcct", ("dxt", "da_prev", "dWc", "dbc"),
            "`dWc`, `dbc` (and so `dxt`, `da_prev`) follow the old erratum's candidate gradient, "
            "with an extra factor cct and 1 - tanh(cct)**2: the right one is dc * it * (1 - cct**2).",
            _lstm_cell_back_old_erratum),
    Mistake("lstm_cell_backward", "extra-cct-factor", ("dxt", "da_prev", "dWc", "dbc"),
            "`dWc`, `dbc` (and so `dxt`, `da_prev`) carry an extra factor cct, as in an old erratum: "
            "the candidate's gradient is dc * it * (1 - cct**2).",
            _lstm_cell_back_extra_cct),
    Mistake("lstm_cell_backward", "tanh-of-cct-derivative", ("dxt", "da_prev", "dWc", "dbc"),
            "`dWc`, `dbc` (and so `dxt`, `da_prev`) use 1 - tanh(cct)**2, as in an old erratum: "
            "`cct` already is the tanh, so the factor is 1 - cct**2.",
            _lstm_cell_back_tanh_of_cct),
    Mistake("lstm_cell_backward", "dc-prev-misses-da-next", ("dc_prev",),
            "Only `dc_prev` is wrong: it looks like dc_next * ft; the cell state also reaches the "
            "loss through a_next, so dc_prev = (dc_next + da_next * ot * (1 - tanh(c_next)**2)) * ft.",
            _lstm_cell_back_dc_prev_short),
    Mistake("lstm_cell_backward", "dc-prev-without-forget-gate", ("dc_prev",),
            "Only `dc_prev` is wrong: it equals the total cell-state gradient dc; going back one step "
            "multiplies it by the forget gate, dc_prev = dc * ft.",
            _slip(_lstm_cell_back, dc_prev="dc")),
    Mistake("lstm_cell_backward", "dc-without-dc-next", _LSTM_CELL_GRADS[:3] + LSTM_PARAM_GRADS[:6],
            "`dc_prev` and the f, i, c gradients match dc = da_next * ot * (1 - tanh(c_next)**2) "
            "alone: the gradient arriving from the next step is added, dc = dc_next + that.",
            _slip(_lstm_cell_back, dc="no-dc-next")),
    Mistake("lstm_cell_backward", "dc-without-da-next", _LSTM_CELL_GRADS[:3] + LSTM_PARAM_GRADS[:6],
            "`dc_prev` and the f, i, c gradients match dc = dc_next alone: the cell state also "
            "reaches the loss through a_next, dc = dc_next + da_next * ot * (1 - tanh(c_next)**2).",
            _slip(_lstm_cell_back, dc="no-da-next")),
    Mistake("lstm_cell_backward", "tanh-of-cct-for-tanh-of-c-next",
            _LSTM_CELL_GRADS[:3] + LSTM_PARAM_GRADS[:6],
            "`dc_prev` and the f, i, c gradients use 1 - tanh(cct)**2 where the path through a_next "
            "needs 1 - tanh(c_next)**2 (a_next = ot * tanh(c_next)).",
            _slip(_lstm_cell_back, dc="tanh-of-cct")),
    Mistake("lstm_cell_backward", "c-next-taken-as-tanh",
            _LSTM_CELL_GRADS[:3] + LSTM_PARAM_GRADS[:6],
            "`dc_prev` and the f, i, c gradients use 1 - c_next**2: `c_next` is not a tanh output, "
            "so the factor is 1 - tanh(c_next)**2.",
            _slip(_lstm_cell_back, dc="c-next-as-tanh")),
    Mistake("lstm_cell_backward", "output-gate-with-tanh-of-cct", ("dxt", "da_prev", "dWo", "dbo"),
            "`dWo`, `dbo` (and so `dxt`, `da_prev`) use tanh(cct) where the output gate multiplied "
            "tanh(c_next): dot = da_next * tanh(c_next) * ot * (1 - ot).",
            _slip(_lstm_cell_back, dot="tanh-of-cct")),
    Mistake("lstm_cell_backward", "output-gate-with-dc", ("dxt", "da_prev", "dWo", "dbo"),
            "`dWo`, `dbo` (and so `dxt`, `da_prev`) match dc in place of da_next: the output gate "
            "only acts through a_next, dot = da_next * tanh(c_next) * ot * (1 - ot).",
            _slip(_lstm_cell_back, dot="dc")),
    Mistake("lstm_cell_backward", "gate-derivatives-missing-parentheses", _NO_DC_PREV[:2] + LSTM_PARAM_GRADS[:6],
            "`dWf`, `dWi`, `dWc` match the gate derivative applied to the da_next term only: "
            "parentheses are missing, (dc_next * x + da_next * ...) * gate derivative.",
            _slip(_lstm_cell_back, no_parentheses=("f", "i", "c"))),
    Mistake("lstm_cell_backward", "candidate-with-forget-gate", ("dxt", "da_prev", "dWc", "dbc"),
            "`dWc`, `dbc` (and so `dxt`, `da_prev`) match ft in place of it: the candidate enters "
            "c_next through the update gate, dcct = dc * it * (1 - cct**2).",
            _slip(_lstm_cell_back, candidate_gate="ft")),
    Mistake("lstm_cell_backward", "forget-gate-with-a-prev", ("dxt", "da_prev", "dWf", "dbf"),
            "`dWf`, `dbf` (and so `dxt`, `da_prev`) match a_prev in place of c_prev: the forget gate "
            "scales the old cell state, dft = dc * c_prev * ft * (1 - ft).",
            _slip(_lstm_cell_back, forget_state="a_prev")),
    Mistake("lstm_cell_backward", "db-mean", ("dbf", "dbi", "dbc", "dbo"),
            "`dbf`, `dbi`, `dbc`, `dbo` are means over the batch: a bias gradient is the sum over "
            "the examples, np.sum(dgate, axis=1, keepdims=True).",
            _slip(_lstm_cell_back, db="mean")),
    Mistake("lstm_cell_backward", "db-summed-over-wrong-axis", ("dbf", "dbi", "dbc", "dbo"),
            "`dbf`, `dbi`, `dbc`, `dbo` are summed over axis 0 (shape (1, m)): a bias gradient sums "
            "over the batch, axis=1 with keepdims=True, shape (n_a, 1).",
            _slip(_lstm_cell_back, db="axis0")),
    Mistake("lstm_cell_backward", "db-keepdims-missing", ("dbf", "dbi", "dbc", "dbo"),
            "`dbf`, `dbi`, `dbc`, `dbo` have shape (n_a,): the sum drops the axis; "
            "np.sum(dgate, axis=1, keepdims=True) keeps the biases' shape (n_a, 1).",
            _slip(_lstm_cell_back, db="no-keepdims")),
    Mistake("lstm_cell_backward", "dw-transposed", ("dWf", "dWi", "dWc", "dWo"),
            "`dWf`, `dWi`, `dWc`, `dWo` are transposed (concat @ dgate.T): dW = dgate @ concat.T has "
            "the shape of W, (n_a, n_a + n_x).",
            _slip(_lstm_cell_back, dw_transposed=True)),
    Mistake("lstm_cell_backward", "forget-gate-with-c-next", ("dxt", "da_prev", "dWf", "dbf"),
            "`dWf`, `dbf` (and so `dxt`, `da_prev`) match c_next in place of c_prev: the forget gate "
            "scales the old cell state, dft = dc * c_prev * ft * (1 - ft).",
            _slip(_lstm_cell_back, forget_state="c_next")),
    Mistake("lstm_cell_backward", "tanh-derivative-precedence", _LSTM_CELL_GRADS[:3] + LSTM_PARAM_GRADS[:6],
            "`dc_prev` and the f, i, c gradients match (1 - tanh(c_next))**2: the tanh's derivative "
            "is 1 - tanh(c_next)**2, the square on the tanh alone.",
            _slip(_lstm_cell_back, dc="precedence")),
    Mistake("lstm_cell_backward", "weight-slices-by-rows", ("da_prev",),
            "`da_prev` has n_a + n_x rows: the slice is taken by rows (W[:n_a, :] is all of W); the "
            "columns that met a_prev are W[:, :n_a].",
            _slip(_lstm_cell_back, rows=True)),
    *(_lstm_parentheses(g) for g in ("f", "i", "c")),
    *(_lstm_sigmoid_factor(g) for g in ("f", "i", "o")),
    *(_lstm_gate_left_out(g, of) for g in GATES for of in (("dxt", "da_prev"), ("da_prev",), ("dxt",))),
    # rnn_forward
    Mistake("rnn_forward", "a0-fed-to-every-step", ("a", "y_pred", "caches"),
            "`a` is right at the first time step only: every step seems to start from `a0`; each "
            "step should receive the previous step's `a_next`.",
            _rnn_forward_a0_every_step),
    Mistake("rnn_forward", "zero-start-state", ("a", "y_pred", "caches"),
            "`a` matches a first step that starts from zeros: the sequence starts from the given "
            "`a0` (a_next = a0 before the loop).",
            _forward_variant("rnn", start="zeros")),
    Mistake("rnn_forward", "first-step-skipped", ("a", "y_pred", "caches"),
            "`a` is zero at t = 0 and `caches` is one step short: the loop starts at t = 1; it "
            "should run over range(T_x), from t = 0.",
            _forward_variant("rnn", first_step=1)),
    Mistake("rnn_forward", "predictions-not-stored", ("y_pred",),
            "`a` and `caches` are right but `y_pred` is zero: each step's prediction should be "
            "stored, y_pred[:, :, t] = yt_pred.",
            _forward_variant("rnn", store_y=False)),
    # lstm_forward
    Mistake("lstm_forward", "a0-fed-to-every-step", ("a", "y", "c", "caches"),
            "`a` is right at the first time step only: every step seems to start from `a0`; each "
            "step should receive the previous step's `a_next` (and `c_next`).",
            _lstm_forward_a0_every_step),
    Mistake("lstm_forward", "zero-start-state", ("a", "y", "c", "caches"),
            "`a` matches a first step that starts from zeros: the sequence starts from the given "
            "`a0` (a_next = a0 before the loop; only the cell state starts at zero).",
            _forward_variant("lstm", start="zeros")),
    Mistake("lstm_forward", "cell-state-starts-at-a0", ("a", "y", "c", "caches"),
            "`c` matches a cell state that starts from `a0`: the hidden state starts from a0, the "
            "cell state from zeros, c_next = np.zeros((n_a, m)).",
            _forward_variant("lstm", c_start="a0")),
    Mistake("lstm_forward", "cell-state-not-carried", ("a", "y", "c", "caches"),
            "`c` matches every step starting from a zero cell state: each step should receive the "
            "previous step's `c_next` as its c_prev.",
            _forward_variant("lstm", carry_c=False)),
    Mistake("lstm_forward", "first-step-skipped", ("a", "y", "c", "caches"),
            "`a` is zero at t = 0 and `caches` is one step short: the loop starts at t = 1; it "
            "should run over range(T_x), from t = 0.",
            _forward_variant("lstm", first_step=1)),
    Mistake("lstm_forward", "c-holds-hidden-states", ("c",),
            "`a` and `y` are right but `c` holds the hidden states: c[:, :, t] should store the "
            "step's `c_next`.",
            _forward_variant("lstm", c_holds_a=True)),
    Mistake("lstm_forward", "predictions-not-stored", ("y",),
            "`a`, `c` and `caches` are right but `y` is zero: each step's prediction should be "
            "stored, y[:, :, t] = yt.",
            _forward_variant("lstm", store_y=False)),
    # rnn_backward
    Mistake("rnn_backward", "upstream-da-missing", _RNN_GRADS,
            "Every gradient is zero: the cell seems to receive only the propagated `da_prev`; at "
            "step t it should receive da[:, :, t] + da_prev.",
            _backward_variant("rnn", upstream=False)),
    Mistake("rnn_backward", "da-prev-not-propagated", _RNN_GRADS,
            "`dx` is right at the last step only: `da_prev` is not carried back in time; at step t "
            "the cell should receive da[:, :, t] + the da_prev of step t+1.",
            _backward_variant("rnn", propagate_a=False)),
    Mistake("rnn_backward", "gradients-overwritten", ("dWax", "dWaa", "dba"),
            "`dx` and `da0` are right but `dWax`, `dWaa`, `dba` hold one step only: they are "
            "overwritten at each step instead of summed over time (+=).",
            _backward_variant("rnn", accumulate=False)),
    Mistake("rnn_backward", "time-walked-forwards", _RNN_GRADS,
            "Every gradient matches a loop from t = 0 upwards: a backward pass walks time in reverse, "
            "from T_x - 1 down to 0.",
            _backward_variant("rnn", reverse=False)),
    Mistake("rnn_backward", "first-step-skipped", _RNN_GRADS,
            "`dx` is zero at t = 0 and `da0` is one step early: the loop stops before t = 0; "
            "reversed(range(T_x)) runs from T_x - 1 down to 0 included.",
            _backward_variant("rnn", last_step=1)),
    Mistake("rnn_backward", "caches-reversed", _RNN_GRADS,
            "Every gradient matches step t using the cache of step T_x - 1 - t: the loop already "
            "walks time backwards, so step t takes caches[t].",
            _backward_variant("rnn", cache_index="reversed")),
    Mistake("rnn_backward", "last-cache-every-step", _RNN_GRADS,
            "Every gradient matches every step using the last step's cache: step t takes its own "
            "cache, caches[t].",
            _backward_variant("rnn", cache_index="last")),
    Mistake("rnn_backward", "previous-step-cache", _RNN_GRADS,
            "Every gradient matches step t using the cache of step t-1: step t takes its own cache, "
            "caches[t].",
            _backward_variant("rnn", cache_index="previous")),
    Mistake("rnn_backward", "da-prev-accumulated", _RNN_GRADS,
            "Every gradient matches a `da_prev` that is summed over the steps (+=): each step hands "
            "back only its own da_prev, da_prevt = gradients['da_prev'].",
            _backward_variant("rnn", carry="accumulated")),
    Mistake("rnn_backward", "upstream-added-twice", _RNN_GRADS,
            "Every gradient matches a carried `da_prev` that already holds da[:, :, t]: the upstream "
            "gradient is added once, da_next = da[:, :, t] + da_prevt.",
            _backward_variant("rnn", carry="plus-upstream")),
    *(Mistake("rnn_backward", f"{k.lower()}-overwritten", (k,),
              f"`dx`, `da0` and the other weight gradients are right but `{k}` holds one step only: "
              f"it is overwritten at each step instead of summed over time (+=).",
              _backward_variant("rnn", overwritten=(k,))) for k in ("dWax", "dWaa", "dba")),
    # lstm_backward
    Mistake("lstm_backward", "upstream-da-missing", _LSTM_GRADS,
            "Every gradient is zero: the cell seems to receive only the propagated `da_prev`; at "
            "step t it should receive da[:, :, t] + da_prev.",
            _backward_variant("lstm", upstream=False)),
    Mistake("lstm_backward", "state-gradients-not-propagated", _LSTM_GRADS,
            "`dx` is right at the last step only, as in an old published expected output: `da_prev` "
            "and `dc_prev` are not carried back; step t gets da[:, :, t] + da_prev, dc_next = dc_prev.",
            _backward_variant("lstm", propagate_a=False, propagate_c=False)),
    Mistake("lstm_backward", "dc-prev-not-propagated", _LSTM_GRADS,
            "Every gradient matches a pass that carries `da_prev` back but not `dc_prev`: each step's "
            "dc_next should be the dc_prev of step t+1, not zero.",
            _backward_variant("lstm", propagate_c=False)),
    Mistake("lstm_backward", "da-prev-not-propagated", _LSTM_GRADS,
            "Every gradient matches a pass that carries `dc_prev` back but not `da_prev`: at step t "
            "the cell should receive da[:, :, t] + the da_prev of step t+1.",
            _backward_variant("lstm", propagate_a=False)),
    Mistake("lstm_backward", "gradients-overwritten", LSTM_PARAM_GRADS,
            "`dx` and `da0` are right but the dW and db gradients hold one step only: they are "
            "overwritten at each step instead of summed over time (+=).",
            _backward_variant("lstm", accumulate=False)),
    Mistake("lstm_backward", "time-walked-forwards", _LSTM_GRADS,
            "Every gradient matches a loop from t = 0 upwards: a backward pass walks time in reverse, "
            "from T_x - 1 down to 0.",
            _backward_variant("lstm", reverse=False)),
    Mistake("lstm_backward", "first-step-skipped", ("dx", "da0") + LSTM_PARAM_GRADS[2:],
            "`dx` is zero at t = 0 and `da0` is one step early: the loop stops before t = 0; "
            "reversed(range(T_x)) runs from T_x - 1 down to 0 included.",
            _backward_variant("lstm", last_step=1)),
    Mistake("lstm_backward", "caches-reversed", _LSTM_GRADS,
            "Every gradient matches step t using the cache of step T_x - 1 - t: the loop already "
            "walks time backwards, so step t takes caches[t].",
            _backward_variant("lstm", cache_index="reversed")),
    Mistake("lstm_backward", "last-cache-every-step", _LSTM_GRADS,
            "Every gradient matches every step using the last step's cache: step t takes its own "
            "cache, caches[t].",
            _backward_variant("lstm", cache_index="last")),
    Mistake("lstm_backward", "previous-step-cache", _LSTM_GRADS,
            "Every gradient matches step t using the cache of step t-1: step t takes its own cache, "
            "caches[t].",
            _backward_variant("lstm", cache_index="previous")),
    Mistake("lstm_backward", "da-prev-accumulated", _LSTM_GRADS,
            "Every gradient matches a `da_prev` that is summed over the steps (+=): each step hands "
            "back only its own da_prev, da_prevt = gradients['da_prev'].",
            _backward_variant("lstm", carry="accumulated")),
    Mistake("lstm_backward", "upstream-added-twice", _LSTM_GRADS,
            "Every gradient matches a carried `da_prev` that already holds da[:, :, t]: the upstream "
            "gradient is added once, da_next = da[:, :, t] + da_prevt.",
            _backward_variant("lstm", carry="plus-upstream")),
    Mistake("lstm_backward", "da0-from-dc-prev", ("da0",),
            "Only `da0` is wrong: it matches the last dc_prev; da0 is the da_prev that step t = 0 "
            "hands back.",
            _backward_variant("lstm", da0_from="dc_prev")),
    Mistake("lstm_backward", "state-gradients-swapped", _LSTM_GRADS,
            "Every gradient matches a pass that hands the cell `dc_prev` as part of da_next and "
            "`da_prev` as dc_next: step t gets da[:, :, t] + da_prev and dc_next = dc_prev.",
            _backward_variant("lstm", states_swapped=True)),
)

_BY_FUNCTION: dict[str, tuple[Mistake, ...]] = {}
for _m in CATALOGUE:
    _BY_FUNCTION[_m.function] = _BY_FUNCTION.get(_m.function, ()) + (_m,)


def for_function(name: str) -> tuple[Mistake, ...]:
    """The known mistakes of the graded function `name`, in catalogue order (() if none)."""
    return _BY_FUNCTION.get(name, ())

