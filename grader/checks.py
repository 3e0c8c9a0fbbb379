"""Compare what a submission returned with the reference, in the trusted parent.

Everything here works on plain data decoded from the worker (numpy arrays,
tuples, lists, dicts, numbers, `Opaque` placeholders): nothing a submission
produced is executed or unpickled. The wording of each message is shared with
the notebooks' self-checks (`solutions/*/selfcheck.py`), which must say the
same thing for the same mistake.
"""
from __future__ import annotations

import numpy as np

from .problems import ATOL, RTOL

PASS_MARK = "✓"
FAIL_MARK = "✗"


def describe_type(value) -> str:
    """'a list', 'a float', 'None', ... for messages."""
    if value is None:
        return "None"
    name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def array_problem(got, want: np.ndarray) -> str | None:
    """What is wrong with `got` as a stand-in for the array `want`, or None if nothing.

    Checks, in order: a numpy array, the shape, numbers (not objects/strings),
    finiteness, then values within numpy.isclose(got, want, rtol=RTOL, atol=ATOL).
    """
    if not isinstance(got, np.ndarray):
        return f"is {describe_type(got)}, expected a numpy array"
    if got.shape != want.shape:
        return f"has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == np.bool_):
        return f"has dtype {got.dtype}, expected numbers"
    if np.iscomplexobj(got):
        return "has complex values, expected real numbers"
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)):
        return "contains NaN or infinity"
    if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
        error = float(np.max(np.abs(got - want)))
        return f"wrong values: largest difference {error:.3g} (tolerance: rtol={RTOL:g}, atol={ATOL:g})"
    return None


def line(passed: bool, check: str, message: str) -> str:
    """One feedback line: mark, the check's name, what went wrong (or 'correct')."""
    return f"{PASS_MARK if passed else FAIL_MARK} {check}: {message}"
