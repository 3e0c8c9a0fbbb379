"""Do the reference implementations agree with an independent autodiff model?

`independent_model` writes the equations again in autograd.numpy (sigmoid via
tanh, stacked gates, no in-place writes) and differentiates them with
autograd.grad. Forward outputs and every gradient key are compared on
SHAPE_SETS: twelve shape sets, including m = 1, T_x = 1 and n_x != n_a != n_y.
Both sides are exact up to round-off, so the tolerance is tight:
assert_allclose(rtol=RTOL, atol=ATOL) with RTOL = 1e-9, ATOL = 1e-12.
"""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import independent_model as im
from grader.exercises.rnn_lstm import reference as ref
from gradcheck import SHAPE_SETS, dims_id, random_parameters

RTOL = 1e-9
ATOL = 1e-12


def test_shape_sets_cover_the_corners():
    """Do the shape sets include at least ten sets, m = 1, T_x = 1 and n_x != n_a != n_y?"""
    assert len(SHAPE_SETS) >= 10
    assert any(d.m == 1 for d in SHAPE_SETS)
    assert any(d.T_x == 1 for d in SHAPE_SETS)
    assert all(len({d.n_x, d.n_a, d.n_y}) == 3 for d in SHAPE_SETS)


def assert_same_grads(got: dict, want: dict):
    assert set(got) == set(want)
    for key in want:
        assert np.shape(got[key]) == np.shape(want[key]), key
        assert_allclose(got[key], want[key], rtol=RTOL, atol=ATOL, err_msg=key)


def inputs(model, d, seed, sequence):
    rng = np.random.default_rng(seed)
    p = random_parameters(model, d, rng, scale=0.6)
    shape_x = (d.n_x, d.m, d.T_x) if sequence else (d.n_x, d.m)
    return p, rng.standard_normal(shape_x), rng.standard_normal((d.n_a, d.m)), rng


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_rnn_cell(d):
    """Do rnn_cell_forward's outputs and rnn_cell_backward's gradients match autograd?"""
    p, xt, a_prev, rng = inputs("rnn", d, 10, sequence=False)
    da_next = rng.standard_normal((d.n_a, d.m))
    a_next, yt_pred, cache = ref.rnn_cell_forward(xt, a_prev, p)
    want_a, want_y = im.rnn_step(xt, a_prev, p)
    assert_allclose(a_next, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(yt_pred, want_y, rtol=RTOL, atol=ATOL)
    assert_same_grads(ref.rnn_cell_backward(da_next, cache), im.rnn_cell_grads(da_next, xt, a_prev, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_lstm_cell(d):
    """Do lstm_cell_forward's outputs and gates and lstm_cell_backward's gradients match autograd?"""
    p, xt, a_prev, rng = inputs("lstm", d, 11, sequence=False)
    c_prev, da_next, dc_next = (rng.standard_normal((d.n_a, d.m)) for _ in range(3))
    a_next, c_next, yt_pred, cache = ref.lstm_cell_forward(xt, a_prev, c_prev, p)
    want_a, want_c, want_y, gates = im.lstm_step(xt, a_prev, c_prev, p)
    assert_allclose(a_next, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(c_next, want_c, rtol=RTOL, atol=ATOL)
    assert_allclose(yt_pred, want_y, rtol=RTOL, atol=ATOL)
    for got, want, name in zip(cache[4:8], gates, ("ft", "it", "cct", "ot")):
        assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=name)
    assert_same_grads(ref.lstm_cell_backward(da_next, dc_next, cache),
                      im.lstm_cell_grads(da_next, dc_next, xt, a_prev, c_prev, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_rnn_sequence(d):
    """Do rnn_forward's outputs and rnn_backward's gradients match autograd?"""
    p, x, a0, rng = inputs("rnn", d, 12, sequence=True)
    da = rng.standard_normal((d.n_a, d.m, d.T_x))
    a, y_pred, caches = ref.rnn_forward(x, a0, p)
    want_a, want_y = im.rnn_sequence(x, a0, p)
    assert_allclose(a, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(y_pred, want_y, rtol=RTOL, atol=ATOL)
    assert_same_grads(ref.rnn_backward(da, caches), im.rnn_sequence_grads(da, x, a0, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_lstm_sequence(d):
    """Do lstm_forward's outputs and lstm_backward's gradients match autograd?"""
    p, x, a0, rng = inputs("lstm", d, 13, sequence=True)
    da = rng.standard_normal((d.n_a, d.m, d.T_x))
    a, y, c, caches = ref.lstm_forward(x, a0, p)
    want_a, want_y, want_c = im.lstm_sequence(x, a0, p)
    assert_allclose(a, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(y, want_y, rtol=RTOL, atol=ATOL)
    assert_allclose(c, want_c, rtol=RTOL, atol=ATOL)
    assert_same_grads(ref.lstm_backward(da, caches), im.lstm_sequence_grads(da, x, a0, p))
