"""Cause-level messages for a function that makes numpy raise, for any exercise: the shapes in
the exception, named.

When a submission raises on every hidden case, the student sees the exception
and their line. numpy's message gives numbers ("shapes (16,10) and (16,12)
not aligned"); `explain_error` turns them into the exercise's names: each
size is one of the sizes the exercise names on the case (`sizes`: the hidden
cases keep them pairwise distinct), each shape is that of the arrays the
function works with (`arrays`: its arguments, the parameters, the cache items,
the right program's intermediate values), and the right lines that use them
are shown (`right_lines`):

    numpy could not multiply arrays of shapes (n_a, n_x) and (n_a, m): (n_a, n_x)
    is the shape of W; (n_a, m) of h. In the right code: h = np.tanh(W @ x + b).

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
from collections.abc import Callable

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


def distinct(named: dict[str, int]) -> dict[int, str]:
    """{size: its name}, or {} if two names share a size (or one is 1): such a case names nothing."""
    if len(set(named.values())) < len(named) or 1 in named.values():
        return {}
    return {v: k for k, v in named.items()}


def symbolic(shape: tuple[int, ...], names: dict[int, str]) -> str | None:
    """(n, m) for (16, 12) on a case where 16 is named n and 12 m; None if a size has no name."""
    dims = [names.get(d, "1" if d == 1 else None) for d in shape]
    if None in dims:
        return None
    return "(" + ", ".join(dims) + (",)" if len(dims) == 1 else ")")


def _named(shape_text: str, by_shape: dict[str, list[str]]) -> str:
    names = by_shape.get(shape_text, [])
    if not names:
        return f"{shape_text} is the shape of none of the function's arrays"
    shown = ", ".join(names[:4]) + (f" (and {len(names) - 4} more)" if len(names) > 4 else "")
    return f"{shape_text} is the shape of {shown}"


class Namer:
    """What an exercise tells the crash explainer.

    sizes(problem, case): {size: name} on this case ({} if the case cannot name its sizes: use `distinct`);
    arrays(problem, case): {name: shape} of the arrays the function works with;
    right_lines(problem, names): the right code's lines that use these names (at most two);
    concat_note(problem, a, b): more words after a failed concatenation of sizes named a and b;
    time_axis: the axis of a sequence input that the steps slice (a refused black-box call
               of a slice taken along another axis is named), or None.
    """

    def __init__(self, sizes: Callable, arrays: Callable, right_lines: Callable = lambda problem, names: [],
                 concat_note: Callable = lambda problem, a, b: "", time_axis: int | None = None):
        self.sizes, self.arrays, self.right_lines = sizes, arrays, right_lines
        self.concat_note, self.time_axis = concat_note, time_axis

    def describe(self, problem, case, message: str) -> str | None:
        """The message's shapes, named on this case; None if not recognised or not nameable."""
        names = self.sizes(problem, case)
        if not names:
            return None
        message = message[:MAX_MESSAGE]
        arrays = self.arrays(problem, case)
        by_shape: dict[str, list[str]] = {}
        for name, shape in arrays.items():
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
            right = self.right_lines(problem, used)
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
            return (f"np.concatenate joined arrays of {a} and {b} entries along dimension {axis}, where their sizes "
                    f"must match: only the axis they are joined on may differ." + self.concat_note(problem, a, b))
        match = ASSIGN.search(message)
        if match:
            got, want = (symbolic(_shape(g), names) for g in match.groups())
            if not (got and want):
                return None
            return (f"numpy could not store an array of shape {got} into a slot of shape {want}: "
                    + _named(got, by_shape) + "; " + _named(want, by_shape) + ".")
        match = REFUSED.search(message) if problem.black_box else None  # no black box: a forged refusal
        if match:
            arg = match.group(1)
            got, want = symbolic(_shape(match.group(2)), names), symbolic(_shape(match.group(3)), names)
            if not (got and want):
                return None
            text = f"the `{arg}` your loop passes {problem.black_box} has shape {got}, where {want} is expected"
            for name, shape in arrays.items():
                if self.time_axis is None or name not in problem.args or len(shape) != 3:
                    continue
                for axis in range(3):
                    if symbolic(shape[:axis] + shape[axis + 1:], names) == got:
                        text += (f": that is {name} {symbolic(shape, names)} without its axis {axis} "
                                 f"({names[shape[axis]]})")
                        if axis != self.time_axis:
                            where = "its last axis" if self.time_axis == 2 else f"its axis {self.time_axis}"
                            step = ", ".join("t" if k == self.time_axis else ":" for k in range(3))
                            text += f"; time is {where}, so step t's slice is {name}[{step}]"
                        break
            return text + "."
        return None

    def explain_error(self, problem, cases, outcomes) -> list[str]:
        """A hint naming the shapes of the exception every case raised, or []."""
        if len(outcomes) < len(cases) or any(o.status != "error" for o in outcomes):
            return []
        texts = set()
        for case, outcome in zip(cases, outcomes):
            if self.sizes(problem, case):
                try:
                    texts.add(self.describe(problem, case, outcome.error))
                except (ValueError, IndexError, TypeError, KeyError, OverflowError):
                    return []
        if len(texts) != 1 or None in texts:  # unrecognised, or not the same shapes on every case
            return []
        return [texts.pop()]
