"""Self-checks for the GRU notebook: your functions on the public cases.

    from selfcheck import check
    check("gru_cell_forward", gru_cell_forward)

prints one line per output (forward functions) or gradient key (backward
functions), for example

    ✓ a_next: correct on all 2 cases
    ✗ yt_pred: wrong values: largest difference 0.31 (tolerance: rtol=1e-05, atol=1e-07) [case 1: n_x=3, n_a=5, n_y=2, m=4]

The wording is the autograder's (`results()` returns the same lines as data).
The expected values come from `public_cases.npz` beside this file (plain
arrays, generated from the course's reference implementation). The hidden
cases used for grading have other shapes (m = 1, T_x = 1, a larger case).

When your outputs are, on every public case, those of a known mistake (the
autograder's catalogue, whose outputs on the public cases the same file
carries), a line "Hint: ..." follows with the autograder's own hint, e.g.

    ✗ a_next, yt_pred, cache: wrong values: largest difference 0.467 (...) [case 1: ...]
    Hint: `a_next` equals (1 - ut) * cct + ut * a_prev: the roles of ut and 1 - ut are swapped ...

A sequence function is checked on its own: while it runs, the cell function it
calls (`gru_cell_forward`, `gru_cell_backward`) is replaced by a stand-in that answers with the
correct values of the public case, so a mistake in your cell function does not
show up again here. The stand-in also tells you when the sequence function
hands the cell the wrong inputs (wrong step, wrong state carried over).

Numpy only; this file contains no implementation of the exercise.
"""
# Written by scripts/make_release.py (grader/exercise/selfcheck.py): edit its sources, not this file.
from __future__ import annotations

import copy
import linecache
import os
import traceback
from typing import NamedTuple

import numpy as np

PASS_MARK = "✓"
FAIL_MARK = "✗"

CASES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public_cases.npz")

# ---------------------------------------------------------------- the exercise (its table: begin)
# Values are compared with numpy.isclose(yours, expected, rtol=RTOL, atol=ATOL):
# |yours - expected| <= ATOL + RTOL * |expected|, elementwise (as the autograder does).
RTOL = 1e-05
ATOL = 1e-07
# name -> (arguments, outputs or gradient keys, cell function it calls)
FUNCTIONS = {
    "gru_cell_forward": (("xt", "a_prev", "parameters"), ("a_next", "yt_pred", "cache"), None),
    "gru_forward": (("x", "a0", "parameters"), ("a", "y_pred", "caches"), "gru_cell_forward"),
    "gru_cell_backward": (("da_next", "cache"),
                          ("dxt", "da_prev", "dWr", "dbr", "dWu", "dbu", "dWc", "dbc"),
                          None),
    "gru_backward": (("da", "caches"),
                     ("dx", "da0", "dWr", "dbr", "dWu", "dbu", "dWc", "dbc"),
                     "gru_cell_backward"),
}
# the functions that return a dict of gradients (the others return a tuple of their outputs)
RETURNS_DICT = ("gru_cell_backward", "gru_backward")
# a cell function that returns a cache -> the items of its cache, in order
CACHE_ITEMS = {
    "gru_cell_forward": ("a_next", "a_prev", "rt", "ut", "cct", "xt", "parameters"),
}
# a sequence forward function -> {an output of its cell: the output of its own whose step t it is}
# (the cell's other outputs are items of the cell's cache)
STEP_OUTPUTS = {
    "gru_forward": {"yt_pred": "y_pred"},
}
# an argument of a cell function -> what a sequence function should hand it
STEP_HINTS = {
    "xt": "it should be x[:, :, t]",
    "a_prev": "it should be a0 at t=0, then the a_next of the previous step",
    "da_next": "it should be da[:, :, t] plus the da_prev returned by step t+1",
}
# the sizes of a case, in the order of its "shape"; the last one (the steps) is shown for sequence functions only
SIZES = ("n_x", "n_a", "n_y", "m", "T_x")
# ---------------------------------------------------------------- the exercise (its table: end)


# ---------------------------------------------------------------- comparing (the autograder's: begin)
# grader/exercise/compare.py's, word for word: the same text as the autograder for the same mistake.
SCALARS = (bool, int, float, np.bool_, np.integer, np.floating)


def _default_tolerance() -> tuple[float, float]:
    """The tolerance of this file (RTOL, ATOL), the same as the autograder uses."""
    return RTOL, ATOL


def describe_type(value) -> str:
    """'a list', 'a float', 'None', ... for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return "a numpy array"
    name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


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
# ---------------------------------------------------------------- comparing (the autograder's: end)


def cache_problem(name: str, got, want) -> str | None:
    """The cache layout, with the items named. Items that are also checked as outputs
    (a cell's a_next) are checked for form only: a wrong a_next shows once, under a_next."""
    cell_function = FUNCTIONS[name][2] or name
    graded = _Graded(weights=dict.fromkeys(FUNCTIONS[name][1], 1))
    return cell_cache_problem(graded, got, want, CACHE_ITEMS[cell_function], cell_function != name,
                              _Tolerance(RTOL, ATOL))


class _Graded(NamedTuple):
    weights: dict  # the outputs checked on their own


class _Tolerance(NamedTuple):
    rtol: float
    atol: float


# ---------------------------------------------------------------- wording

def line(passed: bool, check: str, message: str) -> str:
    """One feedback line: mark, the check's name, what went wrong (or 'correct')."""
    return f"{PASS_MARK if passed else FAIL_MARK} {check}: {message}"


def passed_message(n_cases: int) -> str:
    return f"correct on all {n_cases} cases"


def missing_key_message(key: str) -> str:
    return f"missing: the returned dict has no key '{key}'"


def not_returned_message(name: str, got) -> str | None:
    """Why the returned value is not of the right form (a tuple of n items / a dict), or None."""
    outputs = FUNCTIONS[name][1]
    if name in RETURNS_DICT:
        if not isinstance(got, dict):
            return f"not returned: the function returned {describe_type(got)}, expected a dict of gradients"
        return None
    n = len(outputs)
    if not isinstance(got, (tuple, list)):
        return f"not returned: the function returned {describe_type(got)}, expected {n} items ({', '.join(outputs)})"
    if len(got) != n:
        return f"not returned: the function returned {len(got)} items, expected {n} ({', '.join(outputs)})"
    return None


def mutation_message(where: str, penalty: float) -> str:
    return f"the function modified its input `{where}` in place; work on a copy instead (-{penalty:g} points)"


def not_implemented_message() -> str:
    return "not implemented yet (it raises NotImplementedError)"


def case_suffix(index: int, shape, sequence: bool) -> str:
    """' [case K: size=.., ...]' (SIZES; the last, the steps, for a sequence function only), K counted from 1."""
    sizes = SIZES if sequence else SIZES[:-1]
    text = ", ".join(f"{size}={int(value)}" for size, value in zip(sizes, shape))
    return f" [case {index + 1}: {text}]"


def exception_message(exc: BaseException) -> str:
    """'raised ValueError: <message> (line N, in <function>: <code>)', on one line."""
    text = str(exc).strip()
    text = text.splitlines()[0] if text else ""
    message = f"raised {type(exc).__name__}: {text}"
    here = os.path.abspath(__file__)
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if os.path.abspath(frame.filename) == here or "site-packages" in frame.filename:
            continue
        source = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        where = f"line {frame.lineno}, in {frame.name}" + (f": {source}" if source else "")
        break
    return message + (f" ({where})" if where else "")


# ---------------------------------------------------------------- public cases

_CASES = None


def _unflatten(entries: dict):
    """Rebuild nested tuples/lists/dicts from {path segments: array}."""
    if () in entries:
        return entries[()]
    groups: dict = {}
    for path, value in entries.items():
        groups.setdefault(path[0], {})[path[1:]] = value
    kind = next(iter(groups))[0]
    if kind == "k":
        return {seg[1:]: _unflatten(sub) for seg, sub in groups.items()}
    items = [_unflatten(groups[seg]) for seg in sorted(groups, key=lambda s: int(s[1:]))]
    return tuple(items) if kind == "t" else items


def load_cases() -> dict:
    """{function: [case dict with 'shape', 'args', 'expected' (, 'steps')]}, read once."""
    global _CASES
    if _CASES is None:
        tree: dict = {}
        with np.load(CASES_FILE, allow_pickle=False) as data:
            penalties, hints = {}, {}
            for key in data.files:
                if key.startswith("penalty/"):
                    penalties[key.split("/")[1]] = float(data[key])
                    continue
                if key.startswith("hint/"):
                    _, name, mistake = key.split("/")
                    hints.setdefault(name, {})[mistake] = str(data[key])
                    continue
                name, index, role, *path = key.split("/")
                if role == "mistake":  # mistake/<name>/<key>/<path>: that mistake's outputs
                    role, path = f"mistake/{path[0]}", path[1:]
                tree.setdefault(name, {}).setdefault(int(index), {}).setdefault(role, {})[tuple(path)] = data[key]
        _CASES = {}
        for name, cases in tree.items():
            _CASES[name] = []
            for index in sorted(cases):
                case = {}
                for role, entries in cases[index].items():
                    if role.startswith("mistake/"):
                        case.setdefault("mistakes", {})[role.split("/", 1)[1]] = {
                            k[0]: _unflatten({p[1:]: v for p, v in entries.items() if p[0] == k[0]}) for k in entries}
                    elif role in ("args", "expected"):
                        case[role] = {k[0]: _unflatten({p[1:]: v for p, v in entries.items() if p[0] == k[0]})
                                      for k in entries}
                    else:
                        case[role] = _unflatten(entries)
                _CASES[name].append(case)
        _CASES["penalty"] = penalties
        _CASES["hints"] = hints
    return _CASES


# ---------------------------------------------------------------- inputs

def changed_input(name: str, before: list, after: list) -> str | None:
    """The first argument (or part of one) the call modified in place, or None."""

    def same(a, b, where):
        if isinstance(a, np.ndarray):
            if not isinstance(b, np.ndarray) or a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
                return where
            return None
        if isinstance(a, dict):
            if not isinstance(b, dict) or set(a) != set(b):
                return where
            for k in a:
                w = same(a[k], b[k], f"{where}['{k}']")
                if w:
                    return w
            return None
        if isinstance(a, (tuple, list)):
            if not isinstance(b, (tuple, list)) or len(a) != len(b):
                return where
            for i, (x, y) in enumerate(zip(a, b)):
                w = same(x, y, f"{where}[{i}]")
                if w:
                    return w
        return None

    for arg, a, b in zip(FUNCTIONS[name][0], before, after):
        w = same(a, b, arg)
        if w:
            return w
    return None


# ---------------------------------------------------------------- stand-in cells

class ChainError(Exception):
    """The sequence function called its cell function with inputs that are not the right ones."""


def _close(got, want) -> bool:
    return (isinstance(got, np.ndarray) and got.shape == want.shape
            and np.allclose(got, want, rtol=RTOL, atol=ATOL))


def _stand_in(name: str, cell: str, case: dict):
    """A correct `cell` for this public case only, answering from stored values."""
    calls = []
    arg_names = FUNCTIONS[cell][0]

    def bind(args, kwargs):
        bound = dict(zip(arg_names, args))
        bound.update(kwargs)
        missing = [a for a in arg_names if a not in bound]
        if missing or len(bound) != len(arg_names):
            raise TypeError(f"{cell}() takes the arguments ({', '.join(arg_names)})")
        return bound

    def expect(step: int, label: str, got, want, hint: str):
        if not _close(got, want):
            raise ChainError(f"{name} called {cell} with the wrong {label} at step t={step}: {hint}")

    if name in STEP_OUTPUTS:
        cells = case["expected"]["caches"][0]
        items, from_sequence = CACHE_ITEMS[cell], STEP_OUTPUTS[name]

        def forward_cell(*args, **kwargs):
            bound = bind(args, kwargs)
            t = len(calls)
            if t >= len(cells):
                raise ChainError(f"{name} called {cell} more than T_x={len(cells)} times")
            calls.append(t)
            want = cells[t]
            for arg in arg_names:
                if arg != "parameters":
                    expect(t, arg, bound[arg], want[items.index(arg)], STEP_HINTS[arg])
            out = copy.deepcopy(want)
            return tuple(out if output == "cache"
                         else case["expected"][from_sequence[output]][:, :, t].copy() if output in from_sequence
                         else out[items.index(output)]
                         for output in FUNCTIONS[cell][1])

        return forward_cell

    steps = case["steps"]
    cells = case["args"]["caches"][0]

    def backward_cell(*args, **kwargs):
        bound = bind(args, kwargs)
        k = len(calls)
        if k >= len(steps):
            raise ChainError(f"{name} called {cell} more than T_x={len(steps)} times")
        calls.append(k)
        step = steps[k]
        t = int(step["t"])
        cache = bound["cache"]
        if not (isinstance(cache, (tuple, list)) and len(cache) == len(cells[t]) and _close(cache[0], cells[t][0])):
            raise ChainError(f"{name} called {cell} with the wrong cache at call {k + 1}: "
                             f"time runs backward, so it should be the cache of step t={t}")
        for arg in arg_names:
            if arg != "cache" and arg in step:
                expect(t, arg, bound[arg], step[arg], STEP_HINTS[arg])
        return copy.deepcopy(step["grads"])

    return backward_cell


# ---------------------------------------------------------------- running

def _call(name: str, func, case: dict, index: int):
    """Call `func` on one public case: (status, returned value, arguments afterwards, error text)."""
    arg_names, _, cell = FUNCTIONS[name]
    args = copy.deepcopy([case["args"][a] for a in arg_names])
    scope = getattr(func, "__globals__", None) if cell else None
    if scope is not None:
        saved = scope.get(cell, _MISSING)
        scope[cell] = _stand_in(name, cell, case)
    try:
        value = func(*args)
    except NotImplementedError:
        return "not_implemented", None, args, not_implemented_message()
    except ChainError as exc:
        return "error", None, args, str(exc)
    except Exception as exc:  # the student's bug, reported rather than raised
        return "error", None, args, exception_message(exc)
    finally:
        if scope is not None:
            if saved is _MISSING:
                scope.pop(cell, None)
            else:
                scope[cell] = saved
    return "ok", value, args, ""


def results(name: str, func) -> list[tuple[bool, str, str]]:
    """(passed, check, message) lines for `func` on the public cases, as the autograder words them.

    Each output / gradient key passes only if it is right on every case; the
    first case where it is wrong is named. A function that cannot run at all
    (not implemented, or failing the same way on every case) gets one line.
    """
    return _results(name, _calls(name, func))


def _calls(name: str, func) -> list:
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {', '.join(FUNCTIONS)}")
    calls = []
    for index, case in enumerate(load_cases()[name]):
        calls.append(_call(name, func, case, index))
        if calls[-1][0] == "not_implemented":
            break
    return calls


def _output(name: str, key: str, got, want) -> str | None:
    """What is wrong with one output (None if nothing), as the autograder says it."""
    return cache_problem(name, got, want) if key in ("cache", "caches") else array_problem(got, want)


def _results(name: str, calls: list) -> list[tuple[bool, str, str]]:
    outputs, sequence = FUNCTIONS[name][1], FUNCTIONS[name][2] is not None
    cases = load_cases()[name]
    if calls[0][0] != "ok" and all(c[0] == calls[0][0] for c in calls):
        return [(False, name, calls[0][3])]
    wrong: dict[str, str] = {}
    for index, (case, (status, value, _, error)) in enumerate(zip(cases, calls)):
        suffix = case_suffix(index, case["shape"], sequence)
        form = error if status != "ok" else not_returned_message(name, value)
        if form:
            for key in outputs:
                wrong.setdefault(key, form + suffix)
            continue
        got = value if name in RETURNS_DICT else dict(zip(outputs, value))
        for key in outputs:
            if key in wrong:
                continue
            if key not in got:
                wrong[key] = missing_key_message(key)
                continue
            problem = _output(name, key, got[key], case["expected"][key])
            if problem:
                wrong[key] = problem + suffix
    lines = [(key not in wrong, key, wrong.get(key, passed_message(len(cases)))) for key in outputs]
    ran = False
    for case, (status, _, args_after, _) in zip(cases, calls):
        if status == "ok":
            ran = True
            before = [case["args"][a] for a in FUNCTIONS[name][0]]
            where = changed_input(name, before, args_after)
            if where:
                lines.append((False, "inputs unchanged", mutation_message(where, load_cases()["penalty"][name])))
                return lines
    if ran:
        lines.append((True, "inputs unchanged", "no input was modified"))
    return lines


_MISSING = object()


def feedback(checks: list[tuple[bool, str, str]]) -> list[str]:
    """Feedback lines, as the autograder prints them: one per check, and checks that fail
    for the same reason share a line ("✗ a_next, yt_pred, cache: not returned: ...")."""
    lines, grouped = [], {}
    for passed, check, message in checks:
        if passed:
            lines.append(line(True, check, message))
        elif message in grouped:
            grouped[message].append(check)
        else:
            grouped[message] = [check]
            lines.append(message)
    return [line(False, ", ".join(grouped[text]), text) if text in grouped else text for text in lines]


def hints(name: str, calls: list, checks: list[tuple[bool, str, str]]) -> list[str]:
    """The autograder's hints for the known mistakes whose outputs these calls reproduce.

    As the autograder decides: a mistake is recognised when every output it
    gets wrong on the public cases is wrong here too and equals the mistake's
    (same tolerances) on every case; of two, one that explains a strict part of
    what the other explains is dropped. Only when every case returned a value
    of the right form.
    """
    cases = load_cases()[name]
    if len(calls) < len(cases) or any(c[0] != "ok" or not_returned_message(name, c[1]) for c in calls):
        return []
    outputs = FUNCTIONS[name][1]
    wrong = {check for passed, check, _ in checks if not passed}
    got = [c[1] if name in RETURNS_DICT else dict(zip(outputs, c[1])) for c in calls]
    found = []
    for mistake, text in load_cases()["hints"].get(name, {}).items():
        stored = [case.get("mistakes", {}).get(mistake, {}) for case in cases]
        claimed = set().union(*stored)
        if not claimed or not claimed <= wrong:
            continue
        if all(key in g and not _output(name, key, g[key], s.get(key, case["expected"][key]))
               for g, s, case in zip(got, stored, cases) for key in claimed):
            found.append((text, claimed))
    return [text for text, claimed in found if not any(claimed < other for _, other in found)]


def report(name: str, func) -> tuple[bool, list[str]]:
    """(all passed, feedback lines) for `func` on the public cases, hints for known mistakes last."""
    calls = _calls(name, func)
    checks = _results(name, calls)
    passed = all(ok for ok, _, _ in checks)
    return passed, feedback(checks) + ([] if passed else [f"Hint: {h}" for h in hints(name, calls, checks)])


def check(name: str, func) -> None:
    """Run `func` (your `name`) on the public cases and print one line per output or gradient key."""
    print("\n".join(report(name, func)[1]))


def assert_correct(name: str, func) -> None:
    """Raise AssertionError with the feedback unless `func` passes every public case."""
    passed, lines = report(name, func)
    if not passed:
        raise AssertionError(f"{name} fails the public cases:\n" + "\n".join(lines))
    print(f"{name}: correct on the public cases")
