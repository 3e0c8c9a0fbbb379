"""Does the GRU reference agree with an independent autodiff model?

`gru_independent_model` writes the equations again in autograd.numpy (sigmoid
via tanh, the two gates as one stacked product, the blend as
a_prev + ut * (cct - a_prev)) and differentiates them with autograd.grad.
Forward outputs, the cached gates, and every gradient key are compared on
SHAPE_SETS: twelve shape sets, including m = 1, T_x = 1 and n_x != n_a != n_y.
Both sides are exact up to round-off, so the tolerance is tight:
assert_allclose(rtol=RTOL, atol=ATOL) with RTOL = 1e-9, ATOL = 1e-12.
"""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import gru_independent_model as im
from grader.exercises.gru import reference as ref
from gru_testkit import SHAPE_SETS, cell_inputs, dims_id, sequence_inputs

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


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_gru_cell(d):
    """Do gru_cell_forward's outputs and gates and gru_cell_backward's gradients match autograd?"""
    p, xt, a_prev, da_next = cell_inputs(d, seed=10, scale=0.6)
    a_next, yt_pred, cache = ref.gru_cell_forward(xt, a_prev, p)
    want_a, want_y, gates = im.gru_step(xt, a_prev, p)
    assert_allclose(a_next, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(yt_pred, want_y, rtol=RTOL, atol=ATOL)
    for got, want, name in zip(cache[2:5], gates, ("rt", "ut", "cct")):
        assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=name)
    assert_same_grads(ref.gru_cell_backward(da_next, cache), im.gru_cell_grads(da_next, xt, a_prev, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_gru_sequence(d):
    """Do gru_forward's outputs and gru_backward's gradients match autograd?"""
    p, x, a0, da = sequence_inputs(d, seed=11, scale=0.6)
    a, y_pred, caches = ref.gru_forward(x, a0, p)
    want_a, want_y = im.gru_sequence(x, a0, p)
    assert_allclose(a, want_a, rtol=RTOL, atol=ATOL)
    assert_allclose(y_pred, want_y, rtol=RTOL, atol=ATOL)
    assert_same_grads(ref.gru_backward(da, caches), im.gru_sequence_grads(da, x, a0, p))


@pytest.mark.parametrize("d", SHAPE_SETS[:4], ids=dims_id)
def test_gru_cell_with_saturated_gates(d):
    """Do both still agree when the gates saturate (weights scaled by 4: rt, ut near 0 or 1)?"""
    p, xt, a_prev, da_next = cell_inputs(d, seed=12, scale=4.0)
    cache = ref.gru_cell_forward(xt, a_prev, p)[2]
    assert_same_grads(ref.gru_cell_backward(da_next, cache), im.gru_cell_grads(da_next, xt, a_prev, p))
