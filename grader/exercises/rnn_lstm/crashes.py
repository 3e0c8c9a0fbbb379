"""Cause-level messages for a function that makes numpy raise: the shapes in the exception, named.

When a submission raises on every hidden case, the student sees the exception
and their line. numpy's message gives numbers ("shapes (16,10) and (16,12)
not aligned"); the protocol's explainer (grader/exercise/crashes.py) turns them
into the problem's names, with what this module tells it: each size is
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

import numpy as np

from ...exercise import crashes as engine
from .problems import CELL_CACHE, Problem

MAX_MESSAGE, symbolic = engine.MAX_MESSAGE, engine.symbolic  # this module's vocabulary

SIZE_NAMES = ("n_x", "n_a", "n_y", "m", "T_x")


def sizes(problem: Problem, case) -> dict[int, str]:
    """{size: its name} on this case, or {} if two names share a size (or one is 1) there."""
    s = case.shape
    named = {"n_x": s.n_x, "n_a": s.n_a, "n_y": s.n_y, "m": s.m}
    if problem.sequence:
        named["T_x"] = s.T_x
    if problem.model == "lstm":
        named["n_a + n_x"] = s.n_a + s.n_x
    return engine.distinct(named)


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


def _right_lines(problem: Problem, names: set[str]) -> list[str]:
    """The right program's lines that use one of these names (at most two)."""
    from .edits import PROGRAMS, _names, show

    if problem.name not in PROGRAMS:
        return []
    lines = [f"{n} = {show(e)}" for n, e in PROGRAMS[problem.name]["lines"] if _names(e) & names]
    return lines[:2]


def _concat_note(problem: Problem, a: str, b: str) -> str:
    if problem.model == "lstm" and {a, b} == {"n_a", "n_x"} and not problem.sequence:
        return (" a_prev (n_a, m) and xt (n_x, m) share m, their columns: they are stacked along axis 0, "
                "concat = np.concatenate((a_prev, xt), axis=0), of shape (n_a + n_x, m).")
    return ""


NAMER = engine.Namer(sizes, arrays, _right_lines, _concat_note, time_axis=2)


def explain_error(problem: Problem, cases, outcomes) -> list[str]:
    """A hint naming the shapes of the exception every case raised, or []."""
    return NAMER.explain_error(problem, cases, outcomes)
