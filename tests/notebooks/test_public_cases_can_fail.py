"""The public cases can fail: for each self-check, wrong implementations it catches.

Each wrong implementation is a known slip (several are errata of the original
exercise) and names the outputs / gradient keys the self-check must mark ✗.
Sequence functions call their cell function by its global name, as a
student's notebook does, so the self-check's stand-in cell is what they get.
"""
from __future__ import annotations

import numpy as np
import pytest

from grader.exercises.rnn_lstm import reference
from grader.exercises.rnn_lstm.reference import softmax
from grader.exercises.rnn_lstm.problems import DISPLAY_ORDER
from test_selfcheck_wording import load_selfcheck

selfcheck = load_selfcheck()

# The names the wrong sequence functions call (replaced by the self-check's stand-in while checked).
rnn_cell_forward = reference.rnn_cell_forward
rnn_cell_backward = reference.rnn_cell_backward
lstm_cell_forward = reference.lstm_cell_forward
lstm_cell_backward = reference.lstm_cell_backward

WRONG: dict[str, list] = {name: [] for name in DISPLAY_ORDER}


def wrong(name, *keys):
    def register(function):
        WRONG[name].append((function, set(keys)))
        return function
    return register


# ------------------------------------------------------------------ RNN cell forward

@wrong("rnn_cell_forward", "yt_pred")
def yt_pred_from_a_prev(xt, a_prev, parameters):
    """The original public test left Wya at zero and could not catch this."""
    a_next, _, cache = reference.rnn_cell_forward(xt, a_prev, parameters)
    return a_next, softmax(parameters["Wya"] @ a_prev + parameters["by"]), cache


@wrong("rnn_cell_forward", "yt_pred")
def softmax_over_the_batch(xt, a_prev, parameters):
    a_next, _, cache = reference.rnn_cell_forward(xt, a_prev, parameters)
    z = parameters["Wya"] @ a_next + parameters["by"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return a_next, e / e.sum(axis=1, keepdims=True), cache


@wrong("rnn_cell_forward", "a_next", "yt_pred")
def no_bias(xt, a_prev, parameters):
    p = dict(parameters, ba=np.zeros_like(parameters["ba"]))
    a_next, yt_pred, _ = reference.rnn_cell_forward(xt, a_prev, p)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("rnn_cell_forward", "cache")
def cache_in_another_order(xt, a_prev, parameters):
    a_next, yt_pred, _ = reference.rnn_cell_forward(xt, a_prev, parameters)
    return a_next, yt_pred, (a_next, xt, a_prev, parameters)


# ------------------------------------------------------------------ RNN forward

@wrong("rnn_forward", "rnn_forward")  # the stand-in cell sees the wrong a_prev: one line for the function
def always_from_a0(x, a0, parameters):
    n_a, m = a0.shape
    n_y = parameters["Wya"].shape[0]
    T_x = x.shape[2]
    a, y, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t], y[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y, (caches, x)


@wrong("rnn_forward", "a")
def a_shifted_by_one_step(x, a0, parameters):
    a, y, caches = reference.rnn_forward(x, a0, parameters)
    return np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2), y, caches


@wrong("rnn_forward", "y_pred")
def y_pred_left_at_zero(x, a0, parameters):
    a, y, caches = reference.rnn_forward(x, a0, parameters)
    return a, np.zeros_like(y), caches


@wrong("rnn_forward", "caches")
def caches_without_x(x, a0, parameters):
    a, y, (cells, _) = reference.rnn_forward(x, a0, parameters)
    return a, y, cells


# ------------------------------------------------------------------ RNN cell backward

@wrong("rnn_cell_backward", "dxt", "da_prev", "dWax", "dWaa", "dba")
def tanh_derivative_forgotten(da_next, cache):
    return reference.rnn_cell_backward(da_next / (1 - cache[0] ** 2), cache)


@wrong("rnn_cell_backward", "dba")
def bias_summed_without_keepdims(da_next, cache):
    grads = reference.rnn_cell_backward(da_next, cache)
    return dict(grads, dba=grads["dba"].ravel())


@wrong("rnn_cell_backward", "dWaa")
def dWaa_transposed(da_next, cache):
    grads = reference.rnn_cell_backward(da_next, cache)
    return dict(grads, dWaa=grads["dWaa"].T)


# ------------------------------------------------------------------ RNN backward

@wrong("rnn_backward", "rnn_backward")  # the stand-in cell sees the wrong da_next
def da_prev_not_fed_back(da, caches):
    cells, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    sums = {"dWax": 0, "dWaa": 0, "dba": 0}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t], cells[t])
        dx[:, :, t], da_prev = grads["dxt"], grads["da_prev"]
        sums = {k: sums[k] + grads[k] for k in sums}
    return {"dx": dx, "da0": da_prev, **sums}


@wrong("rnn_backward", "dx", "da0")
def dx_in_reverse_time_and_da0_from_the_last_step(da, caches):
    grads = reference.rnn_backward(da, caches)
    last = reference.rnn_cell_backward(da[:, :, -1], caches[0][-1])
    return dict(grads, dx=grads["dx"][:, :, ::-1], da0=last["da_prev"])


@wrong("rnn_backward", "dWax", "dWaa", "dba")
def last_step_parameters_only(da, caches):
    grads = reference.rnn_backward(da, caches)
    last = reference.rnn_cell_backward(da[:, :, -1], caches[0][-1])
    return dict(grads, dWax=last["dWax"], dWaa=last["dWaa"], dba=last["dba"])


# ------------------------------------------------------------------ LSTM cell forward

@wrong("lstm_cell_forward", "a_next", "yt_pred")
def tanh_on_c_next_missing(xt, a_prev, c_prev, parameters):
    a_next, c_next, _, cache = reference.lstm_cell_forward(xt, a_prev, c_prev, parameters)
    ot = cache[7]
    a_next = ot * c_next
    return a_next, c_next, softmax(parameters["Wy"] @ a_next + parameters["by"]), (a_next,) + cache[1:]


@wrong("lstm_cell_forward", "a_next", "c_next", "yt_pred", "cache")
def update_and_output_gates_swapped(xt, a_prev, c_prev, parameters):
    p = dict(parameters, Wi=parameters["Wo"], bi=parameters["bo"], Wo=parameters["Wi"], bo=parameters["bi"])
    a_next, c_next, yt_pred, cache = reference.lstm_cell_forward(xt, a_prev, c_prev, p)
    return a_next, c_next, yt_pred, cache[:-1] + (parameters,)


@wrong("lstm_cell_forward", "a_next", "c_next", "yt_pred", "cache")
def concatenation_x_first(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]
    p = dict(parameters)
    for g in "fico":  # weights read as if z were [xt; a_prev]
        W = parameters["W" + g]
        p["W" + g] = np.concatenate([W[:, -n_a:], W[:, :-n_a]], axis=1) if W.shape[1] != 2 * n_a else W[:, ::-1]
    a_next, c_next, yt_pred, cache = reference.lstm_cell_forward(xt, a_prev, c_prev, p)
    return a_next, c_next, yt_pred, cache[:-1] + (parameters,)


@wrong("lstm_cell_forward", "cache")
def six_item_cache(xt, a_prev, c_prev, parameters):
    """The original docstring listed a 6-item cache."""
    a_next, c_next, yt_pred, _ = reference.lstm_cell_forward(xt, a_prev, c_prev, parameters)
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, xt, parameters)


# ------------------------------------------------------------------ LSTM forward

@wrong("lstm_forward", "lstm_forward")  # the stand-in cell sees the wrong c_prev
def cell_state_starts_at_a0(x, a0, parameters):
    n_a, m = a0.shape
    n_y, T_x = parameters["Wy"].shape[0], x.shape[2]
    a, c, y, cells = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next, c_next = a0, a0
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        cells.append(cache)
    return a, y, c, (cells, x)


@wrong("lstm_forward", "a", "caches")
def a_from_the_cell_states_and_no_x_in_caches(x, a0, parameters):
    a, y, c, (cells, _) = reference.lstm_forward(x, a0, parameters)
    return np.tanh(c), y, c, (cells,)


@wrong("lstm_forward", "y", "c")
def outputs_in_the_wrong_order(x, a0, parameters):
    a, y, c, caches = reference.lstm_forward(x, a0, parameters)
    return a, c, y, caches


# ------------------------------------------------------------------ LSTM cell backward

def _lstm_cell_backward_variant(da_next, dc_next, cache, *, tanh_of="c_next", extra_cct=False,
                                row_slices=False, dc_prev_shape=False, output_gate_derivative=True):
    """The reference derivation with one of the original exercise's errata switched on."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    t = np.tanh(c_next) if tanh_of == "c_next" else np.tanh(cct)
    dc = dc_next + da_next * ot * (1 - t ** 2)
    d = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
         "c": dc * it * (1 - cct ** 2) * (cct if extra_cct else 1), "o": da_next * np.tanh(c_next) * (ot * (1 - ot) if output_gate_derivative else 1)}
    z = np.concatenate([a_prev, xt], axis=0)
    grads = {"dxt": 0, "da_prev": 0, "dc_prev": dc * ft}
    for g in "fico":
        W = parameters["W" + g]
        if row_slices:  # W[:n_a, :] (rows: the whole matrix) read as the a_prev part
            grads["da_prev"] = grads["da_prev"] + W[:n_a, :].T @ d[g]
        else:
            grads["da_prev"] = grads["da_prev"] + W[:, :n_a].T @ d[g]
        grads["dxt"] = grads["dxt"] + W[:, n_a:].T @ d[g]
        grads["dW" + g] = d[g] @ z.T
        grads["db" + g] = d[g].sum(axis=1, keepdims=True)
    if dc_prev_shape:
        grads["dc_prev"] = grads["dc_prev"][:, :, None]
    return grads


@wrong("lstm_cell_backward", "dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc")
def tanh_of_the_candidate(da_next, dc_next, cache):
    return _lstm_cell_backward_variant(da_next, dc_next, cache, tanh_of="cct")


@wrong("lstm_cell_backward", "dxt", "da_prev", "dWc", "dbc")
def extra_candidate_factor(da_next, dc_next, cache):
    return _lstm_cell_backward_variant(da_next, dc_next, cache, extra_cct=True)


@wrong("lstm_cell_backward", "da_prev")
def row_slices_of_the_weights(da_next, dc_next, cache):
    return _lstm_cell_backward_variant(da_next, dc_next, cache, row_slices=True)


@wrong("lstm_cell_backward", "dxt", "da_prev", "dWo", "dbo")
def output_gate_sigmoid_derivative_forgotten(da_next, dc_next, cache):
    return _lstm_cell_backward_variant(da_next, dc_next, cache, output_gate_derivative=False)


@wrong("lstm_cell_backward", "dc_prev")
def dc_prev_with_a_time_axis(da_next, dc_next, cache):
    return _lstm_cell_backward_variant(da_next, dc_next, cache, dc_prev_shape=True)


# ------------------------------------------------------------------ LSTM backward

def _lstm_backward_variant(da, caches, *, feed_da=True, feed_dc=True):
    cells, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    sums = {}
    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = lstm_cell_backward(da[:, :, t] + (da_prev if feed_da else 0), dc_prev if feed_dc else np.zeros((n_a, m)),
                                   cells[t])
        dx[:, :, t] = grads["dxt"]
        da_prev, dc_prev = grads["da_prev"], grads["dc_prev"]
        for key in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
            sums[key] = sums.get(key, 0) + grads[key]
    return {"dx": dx, "da0": da_prev, **sums}


@wrong("lstm_backward", "lstm_backward")  # the stand-in cell sees the wrong da_next
def nothing_fed_back_through_time(da, caches):
    """The older published expected output came from this."""
    return _lstm_backward_variant(da, caches, feed_da=False, feed_dc=False)


@wrong("lstm_backward", "lstm_backward")  # the stand-in cell sees the wrong dc_next
def dc_prev_not_fed_back(da, caches):
    return _lstm_backward_variant(da, caches, feed_dc=False)


@wrong("lstm_backward", "dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
def everything_from_the_last_step_only(da, caches):
    last = reference.lstm_cell_backward(da[:, :, -1], np.zeros_like(da[:, :, -1]), caches[0][-1])
    grads = {k: v for k, v in last.items() if k.startswith(("dW", "db"))}
    dx = np.zeros(caches[1].shape)
    dx[:, :, -1] = last["dxt"]
    return {"dx": dx, "da0": last["da_prev"], **grads}


# ------------------------------------------------------------------ the tests

CASES = [(name, f, keys) for name in DISPLAY_ORDER for f, keys in WRONG[name]]


@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_the_reference_passes(name):
    """Sanity: does the reference pass every public check (so a ✗ below means the case caught something)?"""
    checks = selfcheck.results(name, getattr(reference, name))
    assert all(passed for passed, _, _ in checks), checks


@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_every_public_check_has_a_wrong_implementation_it_catches(name):
    """Is every output / gradient key of every function caught by at least one wrong implementation?"""
    outputs = selfcheck.FUNCTIONS[name][1]
    caught = set()
    for function, keys in WRONG[name]:
        caught |= keys - {name}
    assert caught == set(outputs), f"no wrong implementation shows that {set(outputs) - caught} can fail"


@pytest.mark.parametrize("name, function, keys", CASES, ids=[f"{n}-{f.__name__}" for n, f, _ in CASES])
def test_wrong_implementation_is_caught(name, function, keys):
    """Does the self-check mark exactly the outputs this mistake breaks as wrong, and the others right?"""
    checks = selfcheck.results(name, function)
    # a sequence function that hands its cell the wrong inputs gets one line under its own name
    failing = {check for passed, check, _ in checks if not passed and check != "inputs unchanged"}
    assert failing == keys, selfcheck.feedback(checks)


def test_wrong_yt_pred_is_caught_with_the_grader_wording():
    """The original exercise's blind spot: is a yt_pred from the wrong state reported, with its size?"""
    lines = selfcheck.report("rnn_cell_forward", yt_pred_from_a_prev)[1]
    assert lines[0] == "✓ a_next: correct on all 2 cases"
    assert lines[1].startswith("✗ yt_pred: wrong values: largest difference ")
    assert lines[1].endswith("(tolerance: rtol=1e-05, atol=1e-07) [case 1: n_x=3, n_a=5, n_y=2, m=4]")


def test_public_cases_have_distinct_sizes_and_live_output_weights():
    """Are n_x, n_a, n_y, m pairwise distinct in every public case, and the output weights non-zero?"""
    cases = selfcheck.load_cases()
    for name in DISPLAY_ORDER:
        for case in cases[name]:
            n_x, n_a, n_y, m, _ = (int(v) for v in case["shape"])
            assert len({n_x, n_a, n_y, m}) == 4
    for case in cases["rnn_cell_forward"]:
        assert np.all(case["args"]["parameters"]["Wya"] != 0)
    for case in cases["lstm_cell_forward"]:
        assert np.all(case["args"]["parameters"]["Wy"] != 0)


def test_stand_in_names_a_wrong_chain():
    """Does the self-check tell a sequence function that passes its cell the wrong state where it went wrong?"""
    lines = selfcheck.report("rnn_forward", always_from_a0)[1]
    assert len(lines) == 1
    assert lines[0].startswith("✗ rnn_forward: rnn_forward called rnn_cell_forward with the wrong a_prev at step t=1")
    lines = selfcheck.report("lstm_backward", dc_prev_not_fed_back)[1]
    assert "dc_next" in lines[0] and lines[0].startswith("✗ lstm_backward: ")


def test_stand_in_keeps_sequence_checks_independent_of_the_cell():
    """With a broken cell in the student's namespace, is a correct sequence function still ✓?"""
    global rnn_cell_forward
    saved = rnn_cell_forward

    def broken(*args):
        raise NotImplementedError()

    def sequence(x, a0, parameters):
        T_x = x.shape[2]
        a_next, a, y, cells = a0, [], [], []
        for t in range(T_x):
            a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
            a.append(a_next), y.append(yt), cells.append(cache)
        return np.stack(a, axis=2), np.stack(y, axis=2), (cells, x)

    rnn_cell_forward = broken
    try:
        checks = selfcheck.results("rnn_forward", sequence)
    finally:
        rnn_cell_forward = saved
    assert all(passed for passed, _, _ in checks), checks
    assert rnn_cell_forward is saved

