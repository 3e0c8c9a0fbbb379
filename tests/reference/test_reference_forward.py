"""Do the reference forward passes keep the invariants of interfaces.md?

Values against the independent model are in test_reference_autograd.py; here:
softmax columns are distributions, caches have exactly the documented layout
(length, order, the parameters dict itself rather than a copy), the sequence
caches chain step to step, and no input is modified. Values compared with
assert_allclose(rtol=1e-12, atol=1e-12) (the same computation, so exact up to
round-off) or assert_array_equal where the layout stores the very input.
"""
import copy

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from grader.exercises.rnn_lstm import reference as ref
from gradcheck import SHAPE_SETS, dims_id, random_parameters

TOL = dict(rtol=1e-12, atol=1e-12)


def setup(model, d, seed):
    rng = np.random.default_rng(seed)
    return random_parameters(model, d, rng, scale=0.8), rng


def assert_distributions(y):
    """Every column (axis 0) is non-negative and sums to 1 (atol 1e-12)."""
    assert np.all(y >= 0)
    assert_allclose(np.sum(y, axis=0), 1.0, rtol=0, atol=1e-12)


def assert_unchanged(before, after):
    """Inputs are the same values after the call (exact)."""
    if isinstance(before, dict):
        assert set(before) == set(after)
        for k in before:
            assert_array_equal(after[k], before[k], err_msg=k)
    else:
        assert_array_equal(after, before)


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_rnn_cell_forward_cache_layout(d):
    """Is rnn_cell_forward's cache exactly (a_next, a_prev, xt, parameters), yt_pred a distribution, inputs intact?"""
    p, rng = setup("rnn", d, 20)
    xt, a_prev = rng.standard_normal((d.n_x, d.m)), rng.standard_normal((d.n_a, d.m))
    saved = copy.deepcopy((xt, a_prev, p))
    a_next, yt_pred, cache = ref.rnn_cell_forward(xt, a_prev, p)
    assert a_next.shape == (d.n_a, d.m) and yt_pred.shape == (d.n_y, d.m)
    assert_distributions(yt_pred)
    assert isinstance(cache, tuple) and len(cache) == 4
    assert_array_equal(cache[0], a_next)
    assert_array_equal(cache[1], a_prev)
    assert_array_equal(cache[2], xt)
    assert cache[3] is p
    for b, a in zip(saved, (xt, a_prev, p)):
        assert_unchanged(b, a)


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_lstm_cell_forward_cache_layout(d):
    """Is lstm_cell_forward's cache exactly (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)?"""
    p, rng = setup("lstm", d, 21)
    xt = rng.standard_normal((d.n_x, d.m))
    a_prev, c_prev = rng.standard_normal((d.n_a, d.m)), rng.standard_normal((d.n_a, d.m))
    saved = copy.deepcopy((xt, a_prev, c_prev, p))
    a_next, c_next, yt_pred, cache = ref.lstm_cell_forward(xt, a_prev, c_prev, p)
    assert a_next.shape == c_next.shape == (d.n_a, d.m) and yt_pred.shape == (d.n_y, d.m)
    assert_distributions(yt_pred)
    assert isinstance(cache, tuple) and len(cache) == 10
    c_a_next, c_c_next, c_a_prev, c_c_prev, ft, it, cct, ot, c_xt, c_p = cache
    assert_array_equal(c_a_next, a_next)
    assert_array_equal(c_c_next, c_next)
    assert_array_equal(c_a_prev, a_prev)
    assert_array_equal(c_c_prev, c_prev)
    assert_array_equal(c_xt, xt)
    assert c_p is p
    for gate in (ft, it, ot):
        assert gate.shape == (d.n_a, d.m) and np.all((gate > 0) & (gate < 1))
    assert cct.shape == (d.n_a, d.m) and np.all(np.abs(cct) < 1)
    # The gates in the cache are the ones that made c_next and a_next.
    assert_allclose(c_next, ft * c_prev + it * cct, **TOL)
    assert_allclose(a_next, ot * np.tanh(c_next), **TOL)
    for b, a in zip(saved, (xt, a_prev, c_prev, p)):
        assert_unchanged(b, a)


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_rnn_forward_caches_chain(d):
    """Is rnn_forward's cache (list of T_x cell caches, x), each step fed the previous a, and do the steps match rnn_cell_forward?"""
    p, rng = setup("rnn", d, 22)
    x, a0 = rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m))
    saved = copy.deepcopy((x, a0, p))
    a, y_pred, caches = ref.rnn_forward(x, a0, p)
    assert a.shape == (d.n_a, d.m, d.T_x) and y_pred.shape == (d.n_y, d.m, d.T_x)
    assert_distributions(y_pred)
    assert isinstance(caches, tuple) and len(caches) == 2
    cells, cached_x = caches
    assert isinstance(cells, list) and len(cells) == d.T_x
    assert_array_equal(cached_x, x)
    a_prev = a0
    for t, cell in enumerate(cells):
        assert len(cell) == 4 and cell[3] is p
        assert_array_equal(cell[1], a_prev)
        assert_array_equal(cell[2], x[:, :, t])
        a_next, yt, _ = ref.rnn_cell_forward(x[:, :, t], a_prev, p)
        assert_allclose(a[:, :, t], a_next, **TOL)
        assert_allclose(y_pred[:, :, t], yt, **TOL)
        assert_array_equal(cell[0], a[:, :, t])
        a_prev = a[:, :, t]
    for b, c in zip(saved, (x, a0, p)):
        assert_unchanged(b, c)


@pytest.mark.parametrize("d", SHAPE_SETS, ids=dims_id)
def test_lstm_forward_caches_chain(d):
    """Is lstm_forward's cache (list of T_x cell caches, x), starting from a0 and a zero cell state, each step fed the previous (a, c)?"""
    p, rng = setup("lstm", d, 23)
    x, a0 = rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m))
    saved = copy.deepcopy((x, a0, p))
    a, y, c, caches = ref.lstm_forward(x, a0, p)
    assert a.shape == c.shape == (d.n_a, d.m, d.T_x) and y.shape == (d.n_y, d.m, d.T_x)
    assert_distributions(y)
    assert isinstance(caches, tuple) and len(caches) == 2
    cells, cached_x = caches
    assert isinstance(cells, list) and len(cells) == d.T_x
    assert_array_equal(cached_x, x)
    a_prev, c_prev = a0, np.zeros((d.n_a, d.m))
    for t, cell in enumerate(cells):
        assert len(cell) == 10 and cell[9] is p
        assert_array_equal(cell[2], a_prev)
        assert_array_equal(cell[3], c_prev)
        assert_array_equal(cell[8], x[:, :, t])
        a_next, c_next, yt, _ = ref.lstm_cell_forward(x[:, :, t], a_prev, c_prev, p)
        assert_allclose(a[:, :, t], a_next, **TOL)
        assert_allclose(c[:, :, t], c_next, **TOL)
        assert_allclose(y[:, :, t], yt, **TOL)
        assert_array_equal(cell[0], a[:, :, t])
        assert_array_equal(cell[1], c[:, :, t])
        a_prev, c_prev = a[:, :, t], c[:, :, t]
    for b, now in zip(saved, (x, a0, p)):
        assert_unchanged(b, now)


@pytest.mark.parametrize("d", SHAPE_SETS[:4], ids=dims_id)
def test_backward_passes_leave_their_inputs_intact(d):
    """Do the four backward passes leave da and the caches they receive unchanged?"""
    rng = np.random.default_rng(24)
    p_rnn, p_lstm = random_parameters("rnn", d, rng), random_parameters("lstm", d, rng)
    x, a0 = rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m))
    da = rng.standard_normal((d.n_a, d.m, d.T_x))
    calls = [
        (ref.rnn_backward, (da, ref.rnn_forward(x, a0, p_rnn)[2])),
        (ref.lstm_backward, (da, ref.lstm_forward(x, a0, p_lstm)[3])),
        (ref.rnn_cell_backward, (da[:, :, 0], ref.rnn_forward(x, a0, p_rnn)[2][0][0])),
        (ref.lstm_cell_backward, (da[:, :, 0], 2 * da[:, :, 0], ref.lstm_forward(x, a0, p_lstm)[3][0][0])),
    ]
    for fn, args in calls:
        saved = copy.deepcopy(args)
        fn(*args)
        flat_before, flat_after = _flatten(saved), _flatten(args)
        assert len(flat_before) == len(flat_after)
        for b, a in zip(flat_before, flat_after):
            assert_array_equal(a, b, err_msg=fn.__name__)


def _flatten(obj):
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, dict):
        return [v for k in sorted(obj) for v in _flatten(obj[k])]
    if isinstance(obj, (list, tuple)):
        return [v for item in obj for v in _flatten(item)]
    return [obj]
