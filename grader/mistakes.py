"""The known-mistake catalogue: one source of truth for "what it probably is".

Each `Mistake` is a wrong implementation of one graded function (`variant`,
same signature and same return structure as the reference) and the feedback
to give when a submission's outputs match it (`hint`). `outputs` lists
exactly the outputs (forward: the names of `grader.problems` weights, e.g.
"a_next", "cache") or gradient keys (backward) that the mistake changes; the
others come out right. tests/test_mistakes.py holds every entry to that on
the hidden cases; tests/fixtures/submissions/mutants/<function>__<name>.py
is a submission with that one mistake.

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
    outputs: tuple[str, ...] # outputs (forward: names as in grader.problems weights) or gradient keys it changes
    hint: str                # feedback: the symptom and the likely cause, one sentence
    variant: Callable        # same signature as the graded function; what it returns with this mistake


# ---------------------------------------------------------------- helpers

def _softmax_over_batch(z):
    """Softmax over axis 1 (across the examples of the batch): the wrong axis."""
    return softmax(np.asarray(z).T).T


# ---------------------------------------------------------------- rnn_cell_forward

def _rnn_cell(xt, a_prev, parameters, *, y_from_a_prev=False, softmax_axis=0):
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    scores = p["Wya"] @ (a_prev if y_from_a_prev else a_next) + p["by"]
    yt_pred = softmax(scores) if softmax_axis == 0 else _softmax_over_batch(scores)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def _rnn_cell_softmax_over_batch(xt, a_prev, parameters):
    return _rnn_cell(xt, a_prev, parameters, softmax_axis=1)


def _rnn_cell_y_from_a_prev(xt, a_prev, parameters):
    return _rnn_cell(xt, a_prev, parameters, y_from_a_prev=True)


# ---------------------------------------------------------------- lstm_cell_forward

def _lstm_cell(xt, a_prev, c_prev, parameters, *, xt_first=False, update_gate=True,
               tanh_on_cell=True, softmax_axis=0):
    p = parameters
    z = np.concatenate([xt, a_prev] if xt_first else [a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ z + p["bf"])
    it = sigmoid(p["Wi"] @ z + p["bi"])
    cct = np.tanh(p["Wc"] @ z + p["bc"])
    c_next = ft * c_prev + (it * cct if update_gate else cct)
    ot = sigmoid(p["Wo"] @ z + p["bo"])
    a_next = ot * (np.tanh(c_next) if tanh_on_cell else c_next)
    scores = p["Wy"] @ a_next + p["by"]
    yt_pred = softmax(scores) if softmax_axis == 0 else _softmax_over_batch(scores)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def _lstm_cell_no_tanh_on_cell(xt, a_prev, c_prev, parameters):
    return _lstm_cell(xt, a_prev, c_prev, parameters, tanh_on_cell=False)


def _lstm_cell_xt_first(xt, a_prev, c_prev, parameters):
    return _lstm_cell(xt, a_prev, c_prev, parameters, xt_first=True)


def _lstm_cell_no_update_gate(xt, a_prev, c_prev, parameters):
    return _lstm_cell(xt, a_prev, c_prev, parameters, update_gate=False)


def _lstm_cell_softmax_over_batch(xt, a_prev, c_prev, parameters):
    return _lstm_cell(xt, a_prev, c_prev, parameters, softmax_axis=1)


# ---------------------------------------------------------------- rnn_cell_backward

def _rnn_cell_back(da_next, cache, *, tanh_derivative):
    a_next, a_prev, xt, parameters = cache
    dz = da_next * tanh_derivative(a_next)
    return {
        "dxt": parameters["Wax"].T @ dz,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }


def _rnn_cell_back_no_tanh_derivative(da_next, cache):
    return _rnn_cell_back(da_next, cache, tanh_derivative=np.ones_like)


def _rnn_cell_back_tanh_of_a_next(da_next, cache):
    return _rnn_cell_back(da_next, cache, tanh_derivative=lambda a: 1.0 - np.tanh(a) ** 2)


# ---------------------------------------------------------------- lstm_cell_backward

def _dcct_right(dc, it, cct):
    return dc * it * (1.0 - cct ** 2)


def _lstm_cell_back(da_next, dc_next, cache, *, dcct=_dcct_right, xt_first_slices=False,
                    xt_first_concat=False, dc_prev_from_dc_next_only=False):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a, n_x = a_prev.shape[0], xt.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1.0 - tanh_c ** 2)
    d_gate = {
        "f": dc * c_prev * ft * (1.0 - ft),
        "i": dc * cct * it * (1.0 - it),
        "c": dcct(dc, it, cct),
        "o": da_next * tanh_c * ot * (1.0 - ot),
    }
    z = np.concatenate([xt, a_prev] if xt_first_concat else [a_prev, xt], axis=0)
    grads = {"dxt": 0.0, "da_prev": 0.0,
             "dc_prev": dc_next * ft if dc_prev_from_dc_next_only else dc * ft}
    for g in GATES:
        W = parameters["W" + g]
        if xt_first_slices:
            to_a, to_x = W[:, n_x:], W[:, :n_x]
        else:
            to_a, to_x = W[:, :n_a], W[:, n_a:]
        grads["da_prev"] = grads["da_prev"] + to_a.T @ d_gate[g]
        grads["dxt"] = grads["dxt"] + to_x.T @ d_gate[g]
        grads["dW" + g] = d_gate[g] @ z.T
        grads["db" + g] = np.sum(d_gate[g], axis=1, keepdims=True)
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
    return _lstm_cell_back(da_next, dc_next, cache, dc_prev_from_dc_next_only=True)


# ---------------------------------------------------------------- rnn_forward / lstm_forward

def _rnn_forward_a0_every_step(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def _lstm_forward_a0_every_step(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches, c_next = [], np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a0, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)


# ---------------------------------------------------------------- rnn_backward / lstm_backward

def _sequence_backward(da, caches, *, model, upstream=True, propagate_a=True,
                       propagate_c=True, accumulate=True, reverse=True):
    """The sequence backward pass with the reference cell, and optional slips."""
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
    for t in (reversed(range(T_x)) if reverse else range(T_x)):
        da_next = np.zeros((n_a, m))
        if upstream:
            da_next = da_next + da[:, :, t]
        if propagate_a:
            da_next = da_next + da_prevt
        if model == "rnn":
            grads = rnn_cell_backward(da_next, cell_caches[t])
        else:
            dc_next = dc_prevt if propagate_c else np.zeros((n_a, m))
            grads = lstm_cell_backward(da_next, dc_next, cell_caches[t])
            dc_prevt = grads["dc_prev"]
        dx[:, :, t] = grads["dxt"]
        da_prevt = grads["da_prev"]
        for k in sums:
            sums[k] = sums[k] + grads[k] if accumulate else grads[k]
    return {"dx": dx, "da0": da_prevt, **sums}


def _backward_variant(model, **slips):
    def variant(da, caches):
        return _sequence_backward(da, caches, model=model, **slips)
    return variant


# ---------------------------------------------------------------- the catalogue

_RNN_CELL_GRADS = ("dxt", "da_prev", "dWax", "dWaa", "dba")
_RNN_GRADS = ("dx", "da0", "dWax", "dWaa", "dba")
_LSTM_GRADS = ("dx", "da0") + LSTM_PARAM_GRADS

CATALOGUE: tuple[Mistake, ...] = (
    # rnn_cell_forward
    Mistake("rnn_cell_forward", "softmax-over-batch-axis", ("yt_pred",),
            "`yt_pred` is normalised across the batch (its rows sum to 1, not its columns): "
            "the softmax runs over axis 1, but each column is one example's distribution.",
            _rnn_cell_softmax_over_batch),
    Mistake("rnn_cell_forward", "yt-pred-from-a-prev", ("yt_pred",),
            "`a_next` is right but `yt_pred` is not: the prediction seems to use `a_prev`; "
            "it should be softmax(Wya a_next + by), from the new hidden state.",
            _rnn_cell_y_from_a_prev),
    # lstm_cell_forward
    Mistake("lstm_cell_forward", "tanh-missing-on-cell-state", ("a_next", "yt_pred", "cache"),
            "`c_next` is right but `a_next` equals `ot * c_next`: the tanh on the cell state is "
            "missing (a_next = ot * tanh(c_next)).",
            _lstm_cell_no_tanh_on_cell),
    Mistake("lstm_cell_forward", "concat-order-swapped", ("a_next", "c_next", "yt_pred", "cache"),
            "Every output is off in a way that matches stacking `[xt; a_prev]`: the weights act on "
            "the concatenation with `a_prev` first, `[a_prev; xt]`.",
            _lstm_cell_xt_first),
    Mistake("lstm_cell_forward", "update-gate-missing", ("a_next", "c_next", "yt_pred", "cache"),
            "`c_next` equals `ft * c_prev + cct`: the candidate value is added without the update "
            "gate (c_next = ft * c_prev + it * cct).",
            _lstm_cell_no_update_gate),
    Mistake("lstm_cell_forward", "softmax-over-batch-axis", ("yt_pred",),
            "`yt_pred` is normalised across the batch (its rows sum to 1, not its columns): "
            "the softmax runs over axis 1, but each column is one example's distribution.",
            _lstm_cell_softmax_over_batch),
    # rnn_cell_backward
    Mistake("rnn_cell_backward", "tanh-derivative-missing", _RNN_CELL_GRADS,
            "Every gradient is off by the factor (1 - a_next**2): the derivative of the tanh is "
            "missing from dz = da_next * (1 - a_next**2).",
            _rnn_cell_back_no_tanh_derivative),
    Mistake("rnn_cell_backward", "tanh-derivative-of-a-next", _RNN_CELL_GRADS,
            "Every gradient is off as if the tanh derivative were 1 - tanh(a_next)**2: `a_next` "
            "already is the tanh, so the factor is 1 - a_next**2.",
            _rnn_cell_back_tanh_of_a_next),
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
    # rnn_forward
    Mistake("rnn_forward", "a0-fed-to-every-step", ("a", "y_pred", "caches"),
            "`a` is right at the first time step only: every step seems to start from `a0`; each "
            "step should receive the previous step's `a_next`.",
            _rnn_forward_a0_every_step),
    # lstm_forward
    Mistake("lstm_forward", "a0-fed-to-every-step", ("a", "y", "c", "caches"),
            "`a` is right at the first time step only: every step seems to start from `a0`; each "
            "step should receive the previous step's `a_next` (and `c_next`).",
            _lstm_forward_a0_every_step),
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
    Mistake("lstm_backward", "gradients-overwritten", LSTM_PARAM_GRADS,
            "`dx` and `da0` are right but the dW and db gradients hold one step only: they are "
            "overwritten at each step instead of summed over time (+=).",
            _backward_variant("lstm", accumulate=False)),
    Mistake("lstm_backward", "time-walked-forwards", _LSTM_GRADS,
            "Every gradient matches a loop from t = 0 upwards: a backward pass walks time in reverse, "
            "from T_x - 1 down to 0.",
            _backward_variant("lstm", reverse=False)),
)

_BY_FUNCTION: dict[str, tuple[Mistake, ...]] = {}
for _m in CATALOGUE:
    _BY_FUNCTION[_m.function] = _BY_FUNCTION.get(_m.function, ()) + (_m,)


def for_function(name: str) -> tuple[Mistake, ...]:
    """The known mistakes of the graded function `name`, in catalogue order (() if none)."""
    return _BY_FUNCTION.get(name, ())
