"""checks.array_problem answers a wrong float array from its first test alone (no second
numpy.allclose): the message must be the one the full sequence of checks gives."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from grader import checks

RTOL, ATOL = 1e-5, 1e-7


def full_checks(got, want, rtol=RTOL, atol=ATOL):
    """The sequence of checks array_problem documents, without any shortcut."""
    if not isinstance(got, np.ndarray):
        return f"is {checks.describe_type(got)}, expected a numpy array"
    if got.shape != want.shape:
        return f"has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == np.bool_):
        return f"has dtype {got.dtype}, expected numbers"
    if np.iscomplexobj(got):
        return "has complex values, expected real numbers"
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)):
        return "contains NaN or infinity"
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        error = float(np.max(np.abs(got - want)))
        return f"wrong values: largest difference {error:.3g} (tolerance: rtol={rtol:g}, atol={atol:g})"
    return None


def stand_ins(want: np.ndarray):
    """Values for `got`: right, just inside and just outside the tolerance, wrong, NaN, infinities, huge."""
    inside = want + 0.5 * (ATOL + RTOL * np.abs(want))
    outside = want + 2.0 * (ATOL + RTOL * np.abs(want))
    out = [want.copy(), inside, outside, want + 0.31, -want, np.zeros_like(want), want * 1e300]
    for special in (np.nan, np.inf, -np.inf, 1e308):
        v = want.copy()
        v.flat[0] = special
        out.append(v)
    return out


WANTS = [np.array(0.7), np.linspace(-2, 3, 12).reshape(3, 4), np.array([[1e-9, -4.0], [np.pi, 1e6]])]
SPECIAL_WANTS = [np.array([1.0, np.inf]), np.array([np.nan, 2.0])]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_a_wrong_float_array_gets_the_message_of_the_full_checks(dtype):
    compared = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for want, got in itertools.chain.from_iterable(((w, g) for g in stand_ins(w)) for w in WANTS + SPECIAL_WANTS):
            got = got.astype(dtype)
            assert checks.array_problem(got, want, RTOL, ATOL) == full_checks(got, want), (dtype, got, want)
            compared += 1
    assert compared == 5 * 11


def test_the_full_checks_still_run_for_other_arrays():
    want = np.linspace(-2, 3, 12).reshape(3, 4)
    for got in (want.astype(np.int64), want.astype(np.complex128), want.astype(np.longdouble) + 1,
                want.astype(np.longdouble), want[:2], want.astype(object), [1.0]):
        assert checks.array_problem(got, want, RTOL, ATOL) == full_checks(got, want)
