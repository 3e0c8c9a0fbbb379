"""Are the reference backward passes the true gradients of their forward passes?

Each backward function is checked, key by key, against centred finite
differences (eps = 1e-6, float64) of the scalar loss it is defined against:
    rnn_cell_backward:  L = sum(da_next * a_next)
    lstm_cell_backward: L = sum(da_next * a_next) + sum(dc_next * c_next)
    rnn_backward, lstm_backward: L = sum(da * a), da the upstream gradient of
    every hidden state.
The output layer (Wya / Wy, by) is not differentiated by these passes, so it
has no key. Relative error is gradcheck.rel_error: max|a - b| / max(|a| + |b|)
(floor 1e-12); centred differences are accurate to about 1e-10 here, so the
bound MAX_REL_ERROR = 1e-7 leaves room for round-off but not for a wrong term.
"""
import numpy as np
import pytest

from grader.exercises.rnn_lstm import reference as ref
from gradcheck import EDGE_DIMS, centred_difference, dims_id, random_parameters, rel_error

EPS = 1e-6
MAX_REL_ERROR = 1e-7

RNN_KEYS = {"dWax": "Wax", "dWaa": "Waa", "dba": "ba"}
LSTM_KEYS = {"d" + k: k for g in "fico" for k in ("W" + g, "b" + g)}


def assert_gradient(name, analytic, numeric):
    err = rel_error(analytic, numeric)
    assert err <= MAX_REL_ERROR, f"{name}: relative error {err:.3g} > {MAX_REL_ERROR:g}"


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_rnn_cell_backward_matches_finite_differences(d):
    """Does rnn_cell_backward return the gradient of sum(da_next * a_next) for every key?"""
    rng = np.random.default_rng(1)
    p = random_parameters("rnn", d, rng)
    xt, a_prev, da_next = (rng.standard_normal(s) for s in ((d.n_x, d.m), (d.n_a, d.m), (d.n_a, d.m)))
    grads = ref.rnn_cell_backward(da_next, ref.rnn_cell_forward(xt, a_prev, p)[2])
    assert set(grads) == {"dxt", "da_prev", *RNN_KEYS}

    def loss():
        return float(np.sum(da_next * ref.rnn_cell_forward(xt, a_prev, p)[0]))

    for key, x in {"dxt": xt, "da_prev": a_prev, **{k: p[v] for k, v in RNN_KEYS.items()}}.items():
        assert_gradient(key, grads[key], centred_difference(loss, x, EPS))


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_lstm_cell_backward_matches_finite_differences(d):
    """Does lstm_cell_backward return the gradient of sum(da_next*a_next) + sum(dc_next*c_next) for every key?"""
    rng = np.random.default_rng(2)
    p = random_parameters("lstm", d, rng)
    xt, a_prev, c_prev, da_next, dc_next = (
        rng.standard_normal(s) for s in ((d.n_x, d.m),) + ((d.n_a, d.m),) * 4)
    grads = ref.lstm_cell_backward(da_next, dc_next, ref.lstm_cell_forward(xt, a_prev, c_prev, p)[3])
    assert set(grads) == {"dxt", "da_prev", "dc_prev", *LSTM_KEYS}

    def loss():
        a_next, c_next, _, _ = ref.lstm_cell_forward(xt, a_prev, c_prev, p)
        return float(np.sum(da_next * a_next) + np.sum(dc_next * c_next))

    wrt = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev, **{k: p[v] for k, v in LSTM_KEYS.items()}}
    for key, x in wrt.items():
        assert_gradient(key, grads[key], centred_difference(loss, x, EPS))


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_rnn_backward_matches_finite_differences(d):
    """Does rnn_backward return the gradient of sum(da * a) over the whole sequence for every key?"""
    rng = np.random.default_rng(3)
    p = random_parameters("rnn", d, rng)
    x, a0 = rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m))
    da = rng.standard_normal((d.n_a, d.m, d.T_x))
    grads = ref.rnn_backward(da, ref.rnn_forward(x, a0, p)[2])
    assert set(grads) == {"dx", "da0", *RNN_KEYS}

    def loss():
        return float(np.sum(da * ref.rnn_forward(x, a0, p)[0]))

    for key, v in {"dx": x, "da0": a0, **{k: p[n] for k, n in RNN_KEYS.items()}}.items():
        assert_gradient(key, grads[key], centred_difference(loss, v, EPS))


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_lstm_backward_matches_finite_differences(d):
    """Does lstm_backward return the gradient of sum(da * a) over the whole sequence for every key?"""
    rng = np.random.default_rng(4)
    p = random_parameters("lstm", d, rng)
    x, a0 = rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m))
    da = rng.standard_normal((d.n_a, d.m, d.T_x))
    grads = ref.lstm_backward(da, ref.lstm_forward(x, a0, p)[3])
    assert set(grads) == {"dx", "da0", *LSTM_KEYS}

    def loss():
        return float(np.sum(da * ref.lstm_forward(x, a0, p)[0]))

    for key, v in {"dx": x, "da0": a0, **{k: p[n] for k, n in LSTM_KEYS.items()}}.items():
        assert_gradient(key, grads[key], centred_difference(loss, v, EPS))
