"""Cause-level messages for a GRU function that makes numpy raise: the shapes in the exception, named.

The protocol's explainer (grader/exercise/crashes.py) reads numpy's message
("shapes (16,26) and (10,12) not aligned") and names each shape with what this
module tells it: the sizes n_x, n_a, n_y, m (T_x for a sequence) and n_a + n_x
on the case (the hidden cases keep them pairwise distinct; a case where two
coincide or one is 1 names nothing), the arrays the function works with (its
arguments, the parameters, the cache items, the right program's intermediate
values, the outputs), and the right lines of edits.py's programs that use them:

    numpy could not multiply arrays of shapes (n_a + n_x, n_a) and (n_a + n_x, m):
    (n_a + n_x, n_a) is the shape of ...; (n_a + n_x, m) of concat, concat_r. In
    the right code: rt = sigmoid(Wr @ concat + br); ...

Every statement is a fact about the case, never a guess about the student's
code, and must hold on every case that raised. The exception's text is hostile
input, matched only with the engine's bounded patterns.
"""
from __future__ import annotations

import numpy as np

from ...exercise import crashes as engine
from .rubric import CELL_CACHE

SEQUENCE = ("gru_forward", "gru_backward")


def sizes(problem, case) -> dict[int, str]:
    """{size: its name} on this case, or {} if two names share a size (or one is 1) there."""
    s = case.shape
    named = {"n_x": s.n_x, "n_a": s.n_a, "n_y": s.n_y, "m": s.m, "n_a + n_x": s.n_a + s.n_x}
    if problem.name in SEQUENCE:
        named["T_x"] = s.T_x
    return engine.distinct(named)


def arrays(problem, case) -> dict[str, tuple]:
    """The arrays the function works with on this case, by name: arguments, parameters, cache
    items, the right program's intermediate values (cell functions), the outputs, and one step
    of each sequence (x[:, :, t])."""
    from .edits import PROGRAM

    found: dict[str, tuple] = {}

    def add(name, value):
        if isinstance(value, np.ndarray) and name not in found:
            found[name] = value.shape

    for name, value in zip(problem.args, case.args):
        if name == "parameters":
            for k, v in value.items():
                add(k, v)
        elif name == "cache" and isinstance(value, (tuple, list)):
            for k, v in zip(CELL_CACHE, value):
                if k == "parameters":
                    for pk, pv in v.items():
                        add(pk, pv)
                else:
                    add(k, v)
        elif name == "caches":
            add("x", value[1])
            for pk, pv in value[0][0][CELL_CACHE.index("parameters")].items():
                add(pk, pv)
        else:
            add(name, value)
    if problem.name in PROGRAM:
        for k, v in PROGRAM[problem.name].values(case.args).items():
            add(k, v)
    for k, v in case.expected.items():
        add(k, v)
    for k, shape in list(found.items()):  # a sequence's arrays, one step of them: the slots a loop fills or reads
        if len(shape) == 3:
            found.setdefault(f"{k}[:, :, t]", shape[:2])
    return found


def right_lines(problem, names: set[str]) -> list[str]:
    """The right program's lines that use one of these names (at most two)."""
    from .edits import PROGRAMS
    from .edits import engine as programs

    names_of, show = programs.names, programs.show

    if problem.name not in PROGRAMS:
        return []
    return [f"{n} = {show(e)}" for n, e in PROGRAMS[problem.name]["lines"] if names_of(e) & names][:2]


def concat_note(problem, a: str, b: str) -> str:
    if {a, b} == {"n_a", "n_x"} and problem.name not in SEQUENCE:
        return (" a_prev (n_a, m) and xt (n_x, m) share m, their columns: they are stacked along axis 0, "
                "concat = np.concatenate((a_prev, xt), axis=0), of shape (n_a + n_x, m).")
    return ""


NAMER = engine.Namer(sizes, arrays, right_lines, concat_note, time_axis=2)


def explain_error(problem, cases, outcomes) -> list[str]:
    """A hint naming the shapes of the exception every case raised, or []."""
    return NAMER.explain_error(problem, cases, outcomes)
