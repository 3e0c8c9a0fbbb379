"""Do the GRU reference forward passes compute the lecture's equations, keep
the documented caches, and leave their inputs alone?

Hand-computed cases (n_a = n_x = 1, gates chosen so sigmoid gives 3/4 and
1/4) pin the reset gate inside the candidate's product, the roles of ut and
1 - ut, and the order [a_prev; xt]. Values compared with
assert_allclose(rtol=1e-12, atol=1e-12) (exact up to round-off) or
assert_array_equal where the layout stores the very input; "no input
modified" is exact equality after the call, for all four functions.
"""
import copy
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from grader.exercises.gru import reference as ref
from gru_testkit import SHAPE_SETS, cell_inputs, dims_id, sequence_inputs

TOL = dict(rtol=1e-12, atol=1e-12)
LN3 = math.log(3.0)  # sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4


def one_unit_parameters(**overrides):
    """n_x = n_a = 1, n_y = 2: rt = 3/4 and ut = 1/4 from xt = 1 alone (the a_prev column is 0)."""
    p = {"Wr": np.array([[0.0, LN3]]), "br": np.zeros((1, 1)),
         "Wu": np.array([[0.0, -LN3]]), "bu": np.zeros((1, 1)),
         "Wc": np.array([[1.0, 0.0]]), "bc": np.zeros((1, 1)),
         "Wy": np.array([[1.0], [0.0]]), "by": np.zeros((2, 1))}
    p.update({k: np.array(v, dtype=float) for k, v in overrides.items()})
    return p


def test_hand_computed_step():
    """With rt = 3/4, ut = 1/4, a_prev = 2: cct = tanh(1.5), a_next = tanh(1.5)/4 + 3/2?"""
    p = one_unit_parameters()
    a_next, yt_pred, cache = ref.gru_cell_forward(np.array([[1.0]]), np.array([[2.0]]), p)
    _, _, rt, ut, cct, _, _ = cache
    assert_allclose(rt, [[0.75]], **TOL)
    assert_allclose(ut, [[0.25]], **TOL)
    assert_allclose(cct, [[math.tanh(0.75 * 2.0)]], **TOL)  # the reset gate acts on a_prev inside the product
    want = 0.25 * math.tanh(1.5) + 0.75 * 2.0               # ut * cct + (1 - ut) * a_prev
    assert_allclose(a_next, [[want]], **TOL)
    assert_allclose(yt_pred, [[1 / (1 + math.exp(-want))], [1 / (1 + math.exp(want))]], **TOL)


def test_hand_computed_step_with_biases_and_input_column():
    """Biases and the xt column of Wc: br = bu = 0 with Wr, Wu acting on a_prev only, Wc = [0.5, 1], bc = -1."""
    # Wr acts on a_prev = ln 3 / 2 * 2 -> rt = 3/4; Wu on a_prev -> ut = 1/4; xt = 3.
    p = one_unit_parameters(Wr=[[LN3 / 2, 0.0]], Wu=[[-LN3 / 2, 0.0]], Wc=[[0.5, 1.0]], bc=[[-1.0]],
                            by=[[0.5], [-0.5]])
    a_next, yt_pred, cache = ref.gru_cell_forward(np.array([[3.0]]), np.array([[2.0]]), p)
    cct = math.tanh(0.5 * 0.75 * 2.0 + 1.0 * 3.0 - 1.0)
    assert_allclose(cache[4], [[cct]], **TOL)
    want = 0.25 * cct + 0.75 * 2.0
    assert_allclose(a_next, [[want]], **TOL)
    z = np.array([want + 0.5, -0.5])
    assert_allclose(yt_pred[:, 0], np.exp(z) / np.exp(z).sum(), **TOL)


def test_hand_computed_zero_weights():
    """All weights and biases zero: rt = ut = 1/2, cct = 0, so a_next = a_prev / 2 for every unit and example."""
    d_a, d_x, m = 3, 2, 4
    p = {k: np.zeros((d_a, d_a + d_x)) for k in ("Wr", "Wu", "Wc")}
    p.update({k: np.zeros((d_a, 1)) for k in ("br", "bu", "bc")})
    p.update(Wy=np.zeros((5, d_a)), by=np.zeros((5, 1)))
    a_prev = np.arange(12.0).reshape(d_a, m)
    a_next, yt_pred, cache = ref.gru_cell_forward(np.ones((d_x, m)), a_prev, p)
    assert_allclose(a_next, a_prev / 2, **TOL)
    assert_allclose(yt_pred, np.full((5, m), 0.2), **TOL)
    assert_allclose(cache[2], 0.5, **TOL)
    assert_allclose(cache[3], 0.5, **TOL)
    assert_allclose(cache[4], 0.0, **TOL)


def test_hand_computed_two_steps():
    """gru_forward over two steps chains a: a<1> from a0 = 2, a<2> from a<1> (same hand parameters, xt = 1)."""
    p = one_unit_parameters()
    x = np.ones((1, 1, 2))
    a, y_pred, caches = ref.gru_forward(x, np.array([[2.0]]), p)
    a1 = 0.25 * math.tanh(1.5) + 1.5
    a2 = 0.25 * math.tanh(0.75 * a1) + 0.75 * a1
    assert_allclose(a[0, 0], [a1, a2], **TOL)
    assert len(caches[0]) == 2


def test_hand_computed_cell_backward():
    """One unit, da_next = 1: each key against the derivation worked by hand."""
    p = one_unit_parameters()
    cache = ref.gru_cell_forward(np.array([[1.0]]), np.array([[2.0]]), p)[2]
    g = ref.gru_cell_backward(np.array([[1.0]]), cache)
    r, u, a_prev, c = 0.75, 0.25, 2.0, math.tanh(1.5)
    dz_c = u * (1 - c ** 2)
    dz_u = (c - a_prev) * u * (1 - u)
    ds = 1.0 * dz_c                # Wc[:, :1] = 1
    dz_r = ds * a_prev * r * (1 - r)
    assert_allclose(g["dbc"], [[dz_c]], **TOL)
    assert_allclose(g["dbu"], [[dz_u]], **TOL)
    assert_allclose(g["dbr"], [[dz_r]], **TOL)
    assert_allclose(g["dWc"], [[dz_c * r * a_prev, dz_c * 1.0]], **TOL)
    assert_allclose(g["dWr"], [[dz_r * a_prev, dz_r * 1.0]], **TOL)
    assert_allclose(g["da_prev"], [[(1 - u) + ds * r + 0.0 * dz_r + 0.0 * dz_u]], **TOL)
    assert_allclose(g["dxt"], [[LN3 * dz_r - LN3 * dz_u + 0.0 * dz_c]], **TOL)


def assert_distributions(y):
    """Every column (axis 0) is non-negative and sums to 1 (atol 1e-12)."""
    assert np.all(y >= 0)
    assert_allclose(np.sum(y, axis=0), 1.0, rtol=0, atol=1e-12)


def assert_unchanged(before, after):
    """The same values after the call as before it (exact), recursively."""
    if isinstance(before, dict):
        assert set(before) == set(after)
        for k in before:
            assert_unchanged(before[k], after[k])
    elif isinstance(before, (tuple, list)):
        assert len(before) == len(after)
        for b, a in zip(before, after):
            assert_unchanged(b, a)
    else:
        assert_array_equal(after, before)


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_gru_cell_forward_cache_layout(d):
    """Is the cache exactly (a_next, a_prev, rt, ut, cct, xt, parameters), yt_pred a distribution, inputs intact?"""
    p, xt, a_prev, _ = cell_inputs(d, seed=20, scale=0.8)
    saved = copy.deepcopy((xt, a_prev, p))
    a_next, yt_pred, cache = ref.gru_cell_forward(xt, a_prev, p)
    assert a_next.shape == (d.n_a, d.m) and yt_pred.shape == (d.n_y, d.m)
    assert all(v.dtype == np.float64 for v in (a_next, yt_pred))
    assert_distributions(yt_pred)
    assert isinstance(cache, tuple) and len(cache) == 7
    c_a_next, c_a_prev, rt, ut, cct, c_xt, c_p = cache
    assert_array_equal(c_a_next, a_next)
    assert_array_equal(c_a_prev, a_prev)
    assert_array_equal(c_xt, xt)
    assert c_p is p
    for gate in (rt, ut):
        assert gate.shape == (d.n_a, d.m) and np.all((gate > 0) & (gate < 1))
    assert cct.shape == (d.n_a, d.m) and np.all(np.abs(cct) < 1)
    assert_allclose(a_next, ut * cct + (1 - ut) * a_prev, **TOL)
    assert_unchanged(saved, (xt, a_prev, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_gru_forward_caches_chain(d):
    """Is gru_forward's cache (list of T_x cell caches, x), each step fed the previous a, matching gru_cell_forward?"""
    p, x, a0, _ = sequence_inputs(d, seed=22, scale=0.8)
    saved = copy.deepcopy((x, a0, p))
    a, y_pred, caches = ref.gru_forward(x, a0, p)
    assert a.shape == (d.n_a, d.m, d.T_x) and y_pred.shape == (d.n_y, d.m, d.T_x)
    assert_distributions(y_pred)
    assert isinstance(caches, tuple) and len(caches) == 2
    cells, cached_x = caches
    assert isinstance(cells, list) and len(cells) == d.T_x
    assert_array_equal(cached_x, x)
    a_prev = a0
    for t, cell in enumerate(cells):
        assert len(cell) == 7 and cell[6] is p
        assert_array_equal(cell[1], a_prev)
        assert_array_equal(cell[5], x[:, :, t])
        a_next, yt, _ = ref.gru_cell_forward(x[:, :, t], a_prev, p)
        assert_allclose(a[:, :, t], a_next, **TOL)
        assert_allclose(y_pred[:, :, t], yt, **TOL)
        assert_array_equal(cell[0], a[:, :, t])
        a_prev = a[:, :, t]
    assert_unchanged(saved, (x, a0, p))


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_backward_passes_leave_their_inputs_alone(d):
    """Do gru_cell_backward and gru_backward leave da_next / da and every cache array unchanged?"""
    p, xt, a_prev, da_next = cell_inputs(d, seed=24)
    cache = ref.gru_cell_forward(xt, a_prev, p)[2]
    saved = copy.deepcopy((da_next, cache))
    ref.gru_cell_backward(da_next, cache)
    assert_unchanged(saved, (da_next, cache))
    p, x, a0, da = sequence_inputs(d, seed=25)
    caches = ref.gru_forward(x, a0, p)[2]
    saved = copy.deepcopy((da, caches))
    grads = ref.gru_backward(da, caches)
    assert_unchanged(saved, (da, caches))
    assert all(v.dtype == np.float64 for v in grads.values())
