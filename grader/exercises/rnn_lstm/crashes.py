"""Cause-level messages for a function that makes numpy raise: the shapes in the exception, named.

When a submission raises on every hidden case, the student sees the exception
and their line. numpy's message gives numbers ("shapes (16,10) and (16,12)
not aligned"); this module turns them into the problem's names: each size is
one of n_x, n_a, n_y, m, T_x on the case (the hidden cases keep them pairwise
distinct), each shape is that of the arrays the function works with (its
arguments, the parameters, the cache items, the right program's intermediate
values), and the right line that uses them is shown:

    numpy refused arrays of shapes (n_a, n_x) and (n_a, m): (n_a, n_x) is the
    shape of Wax, (n_a, m) of a_prev. In the right code: a_next = np.tanh(Waa
    @ a_prev + Wax @ xt + ba).

Every statement is a fact about the case (which array has which shape, what
the right code is), never a guess about the student's code, and it must hold
on every case that raised: the message's shapes, read on each case with that
case's sizes, must be the same symbolic shapes. A message the analysis does
not recognise gets no hint. The exception's text comes from the worker
(hostile input): it is only matched with bounded regular expressions, never
evaluated. Runs in the trusted grader, on plain data.
"""
from __future__ import annotations

import re

import numpy as np

from .problems import CELL_CACHE, Problem

SIZE_NAMES = ("n_x", "n_a", "n_y", "m", "T_x")
MAX_MESSAGE = 600  # characters of an exception message looked at
_SHAPE = r"\((\d{1,6}(?:\s*,\s*\d{1,6}){0,4}),?\)"
DOT = re.compile(r"shapes " + _SHAPE + r" and " + _SHAPE + r" not aligned")
BROADCAST = re.compile(r"could not be broadcast together with shapes " + _SHAPE + r" " + _SHAPE)
MATMUL = re.compile(r"matmul: Input operand 1 has a mismatch in its core dimension 0.*?"
                    r"\(size (\d{1,6}) is different from (\d{1,6})\)")
CONCAT = re.compile(r"along dimension (\d), the array at index (\d) has size (\d{1,6}) "
                    r"and the array at index (\d) has size (\d{1,6})")
ASSIGN = re.compile(r"could not broadcast input array from shape " + _SHAPE + r" into shape " + _SHAPE)
REFUSED = re.compile(r"answers only calls about the case being graded: `(\w{1,20})` has shape " + _SHAPE +
                     r", expected " + _SHAPE)


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(","))


def sizes(problem: Problem, case) -> dict[int, str]:
    """{size: its name} on this case, or {} if two names share a size (or one is 1) there."""
    s = case.shape
    named = {"n_x": s.n_x, "n_a": s.n_a, "n_y": s.n_y, "m": s.m}
    if problem.sequence:
        named["T_x"] = s.T_x
    if problem.model == "lstm":
        named["n_a + n_x"] = s.n_a + s.n_x
    if len(set(named.values())) < len(named) or 1 in named.values():
        return {}
    return {v: k for k, v in named.items()}


def symbolic(shape: tuple[int, ...], names: dict[int, str]) -> str | None:
    """(n_a, m) for (16, 12) on a case with n_a = 16 and m = 12; None if a size has no name."""
    dims = [names.get(d, "1" if d == 1 else None) for d in shape]
    if None in dims:
        return None
    return "(" + ", ".join(dims) + (",)" if len(dims) == 1 else ")")


def arrays(problem: Problem, case) -> dict[str, tuple]:
    """The arrays the function works with on this case, by name: arguments, parameters, cache
    items, and (cell functions) the right program's intermediate values."""
    from .edits import PROGRAMS, _values

    found: dict[str, tuple] = {}

    def add(name, value):
        if isinstance(value, np.ndarray) and name not in found:
            found[name] = value.shape

    for name, value in zip(problem.args, case.args):
        if name == "parameters":
            for k, v in value.items():
                add(k, v)
        elif name == "cache" and isinstance(value, (tuple, list)):
            for k, v in zip(CELL_CACHE[problem.model], value):
                if k == "parameters":
                    for pk, pv in v.items():
                        add(pk, pv)
                else:
                    add(k, v)
        elif name == "caches":
            add("x", value[1])
        else:
            add(name, value)
    if problem.name in PROGRAMS:
        for k, v in _values(problem.name, case.args).items():
            add(k, v)
    for k, v in case.expected.items():
        add(k, v)
    return found


def _named(shape_text: str, by_shape: dict[str, list[str]]) -> str:
    names = by_shape.get(shape_text, [])
    if not names:
        return f"{shape_text} is the shape of none of the function's arrays"
    shown = ", ".join(names[:4]) + (f" (and {len(names) - 4} more)" if len(names) > 4 else "")
    return f"{shape_text} is the shape of {shown}"


def _right_lines(problem: Problem, names: set[str]) -> list[str]:
    """The right program's lines that use one of these names (at most two)."""
    from .edits import PROGRAMS, _names, show

    if problem.name not in PROGRAMS:
        return []
    lines = [f"{n} = {show(e)}" for n, e in PROGRAMS[problem.name]["lines"] if _names(e) & names]
    return lines[:2]


def _describe(problem: Problem, case, message: str) -> str | None:
    """The message's shapes, named on this case; None if not recognised or not nameable."""
    names = sizes(problem, case)
    if not names:
        return None
    message = message[:MAX_MESSAGE]
    by_shape: dict[str, list[str]] = {}
    for name, shape in arrays(problem, case).items():
        text = symbolic(shape, names)
        if text:
            by_shape.setdefault(text, []).append(name)
    match = DOT.search(message) or BROADCAST.search(message)
    if match:
        shapes = [symbolic(_shape(g), names) for g in match.groups()]
        if None in shapes:
            return None
        what = "multiply" if match.re is DOT else "combine elementwise"
        parts = [_named(s, by_shape) for s in dict.fromkeys(shapes)]
        used = set(by_shape.get(shapes[0], [])[:4])
        right = _right_lines(problem, used)
        return (f"numpy could not {what} arrays of shapes {shapes[0]} and {shapes[1]}: " + "; ".join(parts) + "."
                + (" In the right code: " + "; ".join(right) + "." if right else ""))
    match = MATMUL.search(message)
    if match:
        second, first = (names.get(int(g)) for g in match.groups())
        if not (first and second):
            return None
        return (f"numpy could not multiply (@) a left operand with {first} columns by a right operand with "
                f"{second} rows: in A @ B, A's last size must be B's first.")
    match = CONCAT.search(message)
    if match:
        axis, i, a, j, b = match.groups()
        a, b = names.get(int(a)), names.get(int(b))
        if not (a and b):
            return None
        text = (f"np.concatenate joined arrays of {a} and {b} entries along dimension {axis}, where their sizes "
                f"must match: only the axis they are joined on may differ.")
        if problem.model == "lstm" and {a, b} == {"n_a", "n_x"} and not problem.sequence:
            text += (" a_prev (n_a, m) and xt (n_x, m) share m, their columns: they are stacked along axis 0, "
                     "concat = np.concatenate((a_prev, xt), axis=0), of shape (n_a + n_x, m).")
        return text
    match = ASSIGN.search(message)
    if match:
        got, want = (symbolic(_shape(g), names) for g in match.groups())
        if not (got and want):
            return None
        return (f"numpy could not store an array of shape {got} into a slot of shape {want}: "
                + _named(got, by_shape) + "; " + _named(want, by_shape) + ".")
    match = REFUSED.search(message)
    if match:
        arg, got, want = match.group(1), symbolic(_shape(match.group(2)), names), symbolic(_shape(match.group(3)), names)
        if not (got and want):
            return None
        text = f"the `{arg}` your loop passes {problem.black_box} has shape {got}, where {want} is expected"
        for name, shape in arrays(problem, case).items():
            if name not in problem.args or len(shape) != 3:
                continue
            for axis in range(3):
                if symbolic(shape[:axis] + shape[axis + 1:], names) == got:
                    text += (f": that is {name} {symbolic(shape, names)} without its axis {axis} "
                             f"({names[shape[axis]]})")
                    if axis != 2:
                        text += f"; time is its last axis, so step t's slice is {name}[:, :, t]"
                    break
        return text + "."
    return None


def explain_error(problem: Problem, cases, outcomes) -> list[str]:
    """A hint naming the shapes of the exception every case raised, or []."""
    if len(outcomes) < len(cases) or any(o.status != "error" for o in outcomes):
        return []
    texts = set()
    for case, outcome in zip(cases, outcomes):
        if sizes(problem, case):
            try:
                texts.add(_describe(problem, case, outcome.error))
            except (ValueError, IndexError, TypeError, KeyError, OverflowError):
                return []
    if len(texts) != 1 or None in texts:  # unrecognised, or not the same shapes on every case
        return []
    return [texts.pop()]
