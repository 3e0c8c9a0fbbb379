"""Self-checks for the RNN/LSTM notebook: your functions on the public cases.

    from selfcheck import check
    check("rnn_cell_forward", rnn_cell_forward)

prints one line per output (forward functions) or gradient key (backward
functions), for example

    ✓ a_next: correct on all 2 cases
    ✗ yt_pred: wrong values: largest difference 0.31 (tolerance: rtol=1e-05, atol=1e-07) [case 1: n_x=3, n_a=5, n_y=2, m=4]

The wording is the autograder's (`results()` returns the same lines as data).
The expected values come from `public_cases.npz` beside this file (plain
arrays, generated from the course's reference implementation). The hidden
cases used for grading have other shapes (m = 1, T_x = 1, a larger case).

A sequence function is checked on its own: while it runs, the cell function it
calls (`rnn_cell_forward`, ...) is replaced by a stand-in that answers with the
correct values of the public case, so a mistake in your cell function does not
show up again here. The stand-in also tells you when the sequence function
hands the cell the wrong inputs (wrong step, wrong state carried over).

Numpy only; this file contains no implementation of the exercise.
"""
from __future__ import annotations

import copy
import linecache
import os
import traceback

import numpy as np

# Values are compared with numpy.isclose(yours, expected, rtol=RTOL, atol=ATOL):
# |yours - expected| <= ATOL + RTOL * |expected|, elementwise (as the autograder does).
RTOL = 1e-5
ATOL = 1e-7

PASS_MARK = "✓"
FAIL_MARK = "✗"

CASES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public_cases.npz")

# name -> (arguments, outputs or gradient keys, cell function it calls)
FUNCTIONS = {
    "rnn_cell_forward": (("xt", "a_prev", "parameters"), ("a_next", "yt_pred", "cache"), None),
    "rnn_forward": (("x", "a0", "parameters"), ("a", "y_pred", "caches"), "rnn_cell_forward"),
    "rnn_cell_backward": (("da_next", "cache"), ("dxt", "da_prev", "dWax", "dWaa", "dba"), None),
    "rnn_backward": (("da", "caches"), ("dx", "da0", "dWax", "dWaa", "dba"), "rnn_cell_backward"),
    "lstm_cell_forward": (("xt", "a_prev", "c_prev", "parameters"),
                          ("a_next", "c_next", "yt_pred", "cache"), None),
    "lstm_forward": (("x", "a0", "parameters"), ("a", "y", "c", "caches"), "lstm_cell_forward"),
    "lstm_cell_backward": (("da_next", "dc_next", "cache"),
                           ("dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi",
                            "dWc", "dbc", "dWo", "dbo"), None),
    "lstm_backward": (("da", "caches"),
                      ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"),
                      "lstm_cell_backward"),
}
CACHE_ITEMS = {
    "rnn": ("a_next", "a_prev", "xt", "parameters"),
    "lstm": ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters"),
}


# ---------------------------------------------------------------- wording
# Same text as the autograder (grader/checks.py) for the same mistake.

def describe_type(value) -> str:
    """'a list', 'a float', 'None', ... for messages."""
    if value is None:
        return "None"
    name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def array_problem(got, want: np.ndarray) -> str | None:
    """What is wrong with `got` as a stand-in for the array `want`, or None if nothing."""
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


def passed_message(n_cases: int) -> str:
    return f"correct on all {n_cases} cases"


def missing_key_message(key: str) -> str:
    return f"missing: the returned dict has no key '{key}'"


def not_returned_message(got, outputs) -> str:
    expected = f"{len(outputs)} ({', '.join(outputs)})"
    if isinstance(got, tuple):
        return f"not returned: the function returned {len(got)} items, expected {expected}"
    return f"not returned: the function returned {describe_type(got)}, expected a tuple of {expected}"


def not_a_dict_message(got, keys) -> str:
    return f"not returned: the function returned {describe_type(got)}, expected a dict with keys {', '.join(keys)}"


def not_implemented_message() -> str:
    return "not implemented yet (it raises NotImplementedError)"


def case_suffix(index: int, shape, sequence: bool) -> str:
    """' [case K: n_x=.., n_a=.., n_y=.., m=..(, T_x=..)]', K counted from 1."""
    n_x, n_a, n_y, m, T_x = (int(v) for v in shape)
    text = f"n_x={n_x}, n_a={n_a}, n_y={n_y}, m={m}" + (f", T_x={T_x}" if sequence else "")
    return f" [case {index + 1}: {text}]"


def exception_message(exc: BaseException) -> str:
    """'raised ValueError: <message> (your line N: <code>)', on one line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = f"raised {type(exc).__name__}" + (f": {text}" if text else "")
    where = _student_line(exc)
    return message + (f" (your line {where[0]}: {where[1]})" if where else "")


def _student_line(exc: BaseException):
    """The last traceback line outside this file (the student's code), as (number, source)."""
    here = os.path.abspath(__file__)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == here or "site-packages" in frame.filename:
            continue
        source = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        if source:
            found = (frame.lineno, source)
    return found


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
            for key in data.files:
                name, index, role, *path = key.split("/")
                tree.setdefault(name, {}).setdefault(int(index), {}).setdefault(role, {})[tuple(path)] = data[key]
        _CASES = {}
        for name, cases in tree.items():
            _CASES[name] = []
            for index in sorted(cases):
                case = {}
                for role, entries in cases[index].items():
                    if role in ("args", "expected"):
                        case[role] = {k[0]: _unflatten({p[1:]: v for p, v in entries.items() if p[0] == k[0]})
                                      for k in entries}
                    else:
                        case[role] = _unflatten(entries)
                _CASES[name].append(case)
    return _CASES


# ---------------------------------------------------------------- comparing

def _container_problem(got, want, names=None) -> str | None:
    """What is wrong with a cache (nested tuples/lists/dicts of arrays), or None."""
    if isinstance(want, np.ndarray):
        return array_problem(got, want)
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"is {describe_type(got)}, expected the parameters dict"
        for key, value in want.items():
            if key not in got:
                return f"has no key '{key}'"
            problem = array_problem(got[key], value)
            if problem:
                return f"['{key}'] {problem}"
        return None
    kind = "a tuple" if isinstance(want, tuple) else "a list"
    if not isinstance(got, (tuple, list)):
        return f"is {describe_type(got)}, expected {kind} of {len(want)} items"
    if len(got) != len(want):
        what = f" ({', '.join(names)})" if names else ""
        return f"has {len(got)} items, expected {len(want)}{what}"
    for i, (g, w) in enumerate(zip(got, want)):
        problem = _container_problem(g, w)
        if problem:
            label = f" ({names[i]})" if names else ""
            return f"item {i}{label} {problem}"
    return None


def _cache_problem(name: str, got, want) -> str | None:
    items = CACHE_ITEMS["rnn" if name.startswith("rnn") else "lstm"]
    if name.endswith("cell_forward"):
        return _container_problem(got, want, items)
    # (list of the T_x cell caches, x)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        size = f" of {len(got)} items" if isinstance(got, (tuple, list)) else ""
        return f"is {describe_type(got)}{size}, expected a tuple of 2 items (list of the T_x cell caches, x)"
    cells, x = got
    if not isinstance(cells, (tuple, list)) or len(cells) != len(want[0]):
        size = f" of {len(cells)} items" if isinstance(cells, (tuple, list)) else ""
        return f"item 0 is {describe_type(cells)}{size}, expected a list of T_x={len(want[0])} cell caches"
    for t, (g, w) in enumerate(zip(cells, want[0])):
        problem = _container_problem(g, w, items)
        if problem:
            return f"item 0, step {t}: the cell cache {problem}"
    problem = array_problem(x, want[1])
    return f"item 1 (x) {problem}" if problem else None


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

    if name.endswith("forward"):
        cells = case["expected"]["caches"][0]
        lstm = name.startswith("lstm")
        y_key = "y" if lstm else "y_pred"

        def forward_cell(*args, **kwargs):
            bound = bind(args, kwargs)
            t = len(calls)
            if t >= len(cells):
                raise ChainError(f"{name} called {cell} more than T_x={len(cells)} times")
            calls.append(t)
            want = cells[t]
            expect(t, "xt", bound["xt"], want[-2], "it should be x[:, :, t]")
            expect(t, "a_prev", bound["a_prev"], want[2 if lstm else 1],
                   "it should be a0 at t=0, then the a_next of the previous step")
            if lstm:
                expect(t, "c_prev", bound["c_prev"], want[3],
                       "it should be zeros at t=0, then the c_next of the previous step")
            out = copy.deepcopy(want)
            y_t = case["expected"][y_key][:, :, t].copy()
            if lstm:
                return out[0], out[1], y_t, out
            return out[0], y_t, out

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
        expect(t, "da_next", bound["da_next"], step["da_next"],
               "it should be da[:, :, t] plus the da_prev returned by step t+1")
        if "dc_next" in step:
            expect(t, "dc_next", bound["dc_next"], step["dc_next"],
                   "it should be zeros at t=T_x-1, then the dc_prev returned by step t+1")
        return copy.deepcopy(step["grads"])

    return backward_cell


# ---------------------------------------------------------------- running

def results(name: str, func) -> list[tuple[bool, str, str]]:
    """(passed, check, message) for each output / gradient key of `name` on the public cases."""
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {', '.join(FUNCTIONS)}")
    arg_names, outputs, cell = FUNCTIONS[name]
    sequence = cell is not None
    cases = load_cases()[name]
    first_failure: dict[str, str] = {}
    for index, case in enumerate(cases):
        args = copy.deepcopy([case["args"][a] for a in arg_names])
        scope = getattr(func, "__globals__", None)
        saved = scope.get(cell, _MISSING) if (sequence and scope is not None) else _MISSING
        if sequence and scope is not None:
            scope[cell] = _stand_in(name, cell, case)
        try:
            got = func(*args)
        except NotImplementedError:
            return [(False, name, not_implemented_message())]
        except ChainError as exc:
            return [(False, name, str(exc) + case_suffix(index, case["shape"], sequence))]
        except Exception as exc:  # the student's bug, reported rather than raised
            return [(False, name, exception_message(exc) + case_suffix(index, case["shape"], sequence))]
        finally:
            if sequence and scope is not None:
                if saved is _MISSING:
                    scope.pop(cell, None)
                else:
                    scope[cell] = saved
        expected = case["expected"]
        if name.endswith("forward"):
            if not isinstance(got, tuple) or len(got) != len(outputs):
                return [(False, name, not_returned_message(got, outputs))]
            got = dict(zip(outputs, got))
        elif not isinstance(got, dict):
            return [(False, name, not_a_dict_message(got, outputs))]
        for key in outputs:
            if key in first_failure:
                continue
            if key not in got:
                first_failure[key] = missing_key_message(key)
            elif key in ("cache", "caches"):
                problem = _cache_problem(name, got[key], expected[key])
                if problem:
                    first_failure[key] = problem + case_suffix(index, case["shape"], sequence)
            else:
                problem = array_problem(got[key], expected[key])
                if problem:
                    first_failure[key] = problem + case_suffix(index, case["shape"], sequence)
    return [(key not in first_failure, key, first_failure.get(key, passed_message(len(cases))))
            for key in outputs]


_MISSING = object()


def report(name: str, func) -> tuple[bool, list[str]]:
    lines = [line(*r) for r in results(name, func)]
    return all(text.startswith(PASS_MARK) for text in lines), lines


def check(name: str, func) -> None:
    """Run `func` (your `name`) on the public cases and print one line per output or gradient key."""
    print("\n".join(report(name, func)[1]))


def assert_correct(name: str, func) -> None:
    """Raise AssertionError with the feedback unless `func` passes every public case."""
    passed, lines = report(name, func)
    if not passed:
        raise AssertionError(f"{name} fails the public cases:\n" + "\n".join(lines))
    print(f"{name}: correct on the public cases")
