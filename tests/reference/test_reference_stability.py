"""Are the reference helpers and cells numerically stable for huge pre-activations?

Pre-activations of magnitude about 1e3 (exp(1e3) overflows float64) must give
finite outputs with no warning: every warning is an error here, and numpy
overflow, division by zero and invalid operations raise. Underflow is left at
numpy's default (ignored): exp(-1000) rounding to 0.0 is the right answer of
a stable sigmoid/softmax, not a fault (with np.errstate(under="raise") the
reference's exp(-|x|) would raise on it).
"""
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from numpy.testing import assert_allclose

from grader.exercises.rnn_lstm import reference as ref
from gradcheck import Dims, random_parameters

BIG = 1e3
D = Dims(n_x=3, n_a=5, n_y=4, m=2, T_x=3)


@contextmanager
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def assert_finite(*arrays):
    for a in arrays:
        assert np.all(np.isfinite(a))


def test_sigmoid_saturates_without_warnings():
    """Does sigmoid(+-1e3) give exactly 1 and 0 (atol 1e-300) with no warning, and 0.5 at 0?"""
    x = np.array([[-BIG, -710.0, -30.0, 0.0, 30.0, 710.0, BIG]])
    with strict():
        s = ref.sigmoid(x)
    assert_finite(s)
    assert s.shape == x.shape
    assert_allclose(s[0, [0, 1, 3, 5, 6]], [0.0, 0.0, 0.5, 1.0, 1.0], rtol=0, atol=1e-300)
    assert_allclose(s + ref.sigmoid(-x), 1.0, rtol=0, atol=1e-15)


def test_softmax_of_huge_scores_without_warnings():
    """Does softmax of columns with entries +-1e3 give finite distributions (atol 1e-12) with no warning?"""
    x = np.array([[BIG, -BIG, BIG, 0.0],
                  [-BIG, -BIG, BIG, 1.0],
                  [0.0, -BIG, -BIG, 2.0]])
    with strict():
        y = ref.softmax(x)
    assert_finite(y)
    assert_allclose(np.sum(y, axis=0), 1.0, rtol=0, atol=1e-12)
    assert_allclose(y[:, 0], [1.0, 0.0, 0.0], rtol=0, atol=1e-12)
    assert_allclose(y[:, 1], [1 / 3] * 3, rtol=0, atol=1e-12)
    assert_allclose(y[:, 2], [0.5, 0.5, 0.0], rtol=0, atol=1e-12)


def huge_parameters(model):
    """Parameters scaled so that pre-activations are of magnitude ~1e3."""
    p = random_parameters(model, D, np.random.default_rng(30), scale=1.0)
    return {k: BIG * v for k, v in p.items()}


def test_rnn_cells_stable_when_saturated():
    """Do rnn_cell_forward / rnn_cell_backward and the sequence passes stay finite and silent at pre-activations ~1e3?"""
    p = huge_parameters("rnn")
    rng = np.random.default_rng(31)
    x, a0 = rng.standard_normal((D.n_x, D.m, D.T_x)), rng.standard_normal((D.n_a, D.m))
    da = rng.standard_normal((D.n_a, D.m, D.T_x))
    with strict():
        a_next, yt_pred, cache = ref.rnn_cell_forward(x[:, :, 0], a0, p)
        grads = ref.rnn_cell_backward(da[:, :, 0], cache)
        a, y_pred, caches = ref.rnn_forward(x, a0, p)
        seq_grads = ref.rnn_backward(da, caches)
    assert np.max(np.abs(a_next)) > 0.999  # really saturated
    assert_finite(a_next, yt_pred, a, y_pred, *grads.values(), *seq_grads.values())
    assert_allclose(np.sum(y_pred, axis=0), 1.0, rtol=0, atol=1e-12)


def test_lstm_cells_stable_when_saturated():
    """Do lstm_cell_forward / lstm_cell_backward and the sequence passes stay finite and silent at pre-activations ~1e3?"""
    p = huge_parameters("lstm")
    rng = np.random.default_rng(32)
    x, a0 = rng.standard_normal((D.n_x, D.m, D.T_x)), rng.standard_normal((D.n_a, D.m))
    c_prev = BIG * rng.standard_normal((D.n_a, D.m))
    da = rng.standard_normal((D.n_a, D.m, D.T_x))
    with strict():
        a_next, c_next, yt_pred, cache = ref.lstm_cell_forward(x[:, :, 0], a0, c_prev, p)
        grads = ref.lstm_cell_backward(da[:, :, 0], da[:, :, 1], cache)
        a, y, c, caches = ref.lstm_forward(x, a0, p)
        seq_grads = ref.lstm_backward(da, caches)
    ft = cache[4]
    assert np.any(ft == 0.0) or np.any(ft == 1.0)  # really saturated
    assert_finite(a_next, c_next, yt_pred, a, y, c, *grads.values(), *seq_grads.values())
    assert_allclose(np.sum(y, axis=0), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("fn", [ref.sigmoid, ref.softmax])
def test_helpers_accept_plain_lists(fn):
    """Do the helpers accept array-likes (as the course's rnn_utils did) and return float arrays?"""
    out = fn([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
