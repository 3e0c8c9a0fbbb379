"""Comparing a submission's value with the reference's: the messages every exercise and the core share.

Everything here works on plain data decoded from the worker (numpy arrays,
tuples, lists, dicts, numbers, `Opaque` placeholders, whose `type_name` is
shown): nothing is executed or unpickled. Each function returns what is wrong,
in words a student can act on, or None. The wording is shared with the
notebooks' self-checks (grader/exercise/selfcheck.py writes the same text).

- `array_problem`, `scalar_problem`: one array, one scalar (bool, integer, real).
- `structure_problem`: any nesting of those, its place named ("cache item 2 (xt) has shape ...").
- `value_problem`: the default comparison of an output (`Exercise.output_problem`).
- `cell_cache_problem`: the cache of a cell function, or a sequence's (list of the T_x cell caches, x),
  with its items named, for exercises built of a cell and a loop over it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SCALARS = (bool, int, float, np.bool_, np.integer, np.floating)


def describe_type(value) -> str:
    """'a list', 'a float', 'None', ... for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return "a numpy array"
    name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _default_tolerance() -> tuple[float, float]:
    from . import default

    tolerance = default().tolerance
    return tolerance.rtol, tolerance.atol


def within_tolerance(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    """array_problem's fast test: |got - want| <= atol + rtol |want| everywhere (NaN fails it)."""
    with np.errstate(all="ignore"):
        return bool((np.abs(got - want) <= atol + rtol * np.abs(want)).all())


def array_problem(got, want: np.ndarray, rtol: float | None = None, atol: float | None = None) -> str | None:
    """What is wrong with `got` as a stand-in for the array `want`, or None if nothing.

    Checks, in order: a numpy array, the shape, numbers (not objects/strings),
    finiteness, then values within numpy.isclose(got, want, rtol, atol) (the
    exercise's tolerance; when not given, the default one: the default exercise's,
    or in a notebook's selfcheck.py that file's RTOL and ATOL).
    """
    if rtol is None or atol is None:
        rtol, atol = _default_tolerance()
    if not isinstance(got, np.ndarray):
        return f"is {describe_type(got)}, expected a numpy array"
    if got.shape == want.shape and got.dtype.kind == "f" and within_tolerance(got, want, rtol, atol):
        return None  # fast path, same test as numpy.isclose; NaN and infinity fail it and are named below
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


_WIRE_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def array_wrong(got, want, rtol: float | None = None, atol: float | None = None) -> bool:
    """bool(array_problem(got, want, rtol, atol)), without building the message: where only
    "wrong or not" counts (diagnosing known mistakes). For a float16/32/64 array of the right
    shape, a failed fast test always ends in a message (float64 arithmetic, as numpy.allclose
    after astype(float64); NaN and infinity are named), so the fast test decides alone."""
    if (isinstance(got, np.ndarray) and isinstance(want, np.ndarray) and got.shape == want.shape
            and got.dtype in _WIRE_FLOATS and rtol is not None and atol is not None):
        return not within_tolerance(got, want, rtol, atol)
    return bool(array_problem(got, want, rtol, atol))


def scalar_problem(got, want, rtol: float, atol: float) -> str | None:
    """What is wrong with `got` as the scalar `want` (a bool, an integer or a real number), or None."""
    if isinstance(want, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            return f"is {describe_type(got)}, expected a bool ({bool(want)})"
        return None if bool(got) == bool(want) else f"is {bool(got)}, expected {bool(want)}"
    real = isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, (bool, np.bool_))
    if isinstance(want, (int, np.integer)):
        if not real or (isinstance(got, (float, np.floating)) and not float(got).is_integer()):
            return f"is {describe_type(got)}, expected the integer {int(want)}"
        return None if int(got) == int(want) else f"is {int(got)}, expected {int(want)}"
    if not real:
        return f"is {describe_type(got)}, expected a number ({float(want):.6g})"
    value = float(got)
    if not np.isfinite(value):
        return "is NaN or infinity"
    if abs(value - float(want)) > atol + rtol * abs(float(want)):
        return f"is {value:.6g}, expected {float(want):.6g} (tolerance: rtol={rtol:g}, atol={atol:g})"
    return None


def structure_problem(got, want, where: str, rtol: float | None = None, atol: float | None = None) -> str | None:
    """Compare a nested cache-like value with the reference, naming the first difference
    (arrays, dicts, tuples/lists, and scalar leaves: bools, integers, real numbers)."""
    if rtol is None or atol is None:
        rtol, atol = _default_tolerance()
    if isinstance(want, np.ndarray):
        problem = array_problem(got, want, rtol, atol)
        return f"{where} {problem}" if problem else None
    if isinstance(want, SCALARS):
        problem = scalar_problem(got, want, rtol, atol)
        return f"{where} {problem}" if problem else None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where} is {describe_type(got)}, expected a dict"
        for key, value in want.items():
            if key not in got:
                return f"{where} has no key '{key}'"
            problem = structure_problem(got[key], value, f"{where}['{key}']", rtol, atol)
            if problem:
                return problem
        return None
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{where} is {describe_type(got)}, expected a tuple of {len(want)} items"
        if len(got) != len(want):
            return f"{where} has {len(got)} items, expected {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            problem = structure_problem(g, w, f"{where}[{i}]", rtol, atol)
            if problem:
                return problem
    return None


def value_problem(got, want, where: str, tolerance) -> str | None:
    """Compare a value of any nesting (arrays, dicts, tuples/lists, scalar leaves) with the
    reference's, naming the first difference; arrays within `tolerance` (a Tolerance). An array
    output's message does not repeat its name ("has shape ..."); a nested one's names its place."""
    if isinstance(want, np.ndarray):
        return array_problem(got, want, tolerance.rtol, tolerance.atol)
    return structure_problem(got, want, where, tolerance.rtol, tolerance.atol)


def cell_cache_problem(problem, got, want, names: Sequence[str], sequence: bool, tolerance) -> str | None:
    """What is wrong with a cell's cache (a tuple of the items `names`, in order) or, for a sequence
    function (`sequence`), with its caches (list of the T_x cell caches, x), its items named.

    An item that is also a graded output of `problem` (a cell's a_next) and an array is checked for
    form only (a numpy array of the reference's shape): a wrong a_next loses its points once, under
    a_next, not again under the cache. Arrays within `tolerance` (a Tolerance)."""
    rtol, atol = tolerance.rtol, tolerance.atol

    def cell(g, w, where):
        if not isinstance(g, (tuple, list)):
            return f"{where} is {describe_type(g)}, expected a tuple ({', '.join(names)})"
        if len(g) != len(names):
            return f"{where} has {len(g)} items, expected {len(names)} ({', '.join(names)})"
        for i, name in enumerate(names):
            if name in problem.weights and isinstance(w[i], np.ndarray):
                # graded on its own: here only its form counts, so one mistake costs once
                if not isinstance(g[i], np.ndarray) or g[i].shape != w[i].shape:
                    return structure_problem(g[i], w[i], f"{where} item {i} ({name})", rtol, atol)
                continue
            p = structure_problem(g[i], w[i], f"{where} item {i} ({name})", rtol, atol)
            if p:
                return p
        return None

    if not sequence:
        return cell(got, want, "cache")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        what = f"{len(got)} items" if isinstance(got, (tuple, list)) else describe_type(got)
        return f"caches is {what}, expected a tuple (list of the T_x cell caches, x)"
    cells, x = got
    if not isinstance(cells, (tuple, list)):
        return f"caches[0] is {describe_type(cells)}, expected a list of the T_x cell caches"
    if len(cells) != len(want[0]):
        return f"caches[0] holds {len(cells)} cell caches, expected T_x = {len(want[0])}"
    for t, (g, w) in enumerate(zip(cells, want[0])):
        p = cell(g, w, f"caches[0][{t}]")
        if p:
            return p
    return structure_problem(x, want[1], "caches[1] (x)", rtol, atol)
