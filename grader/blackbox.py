"""The black box: the reference cell function a sequence function is given while graded.

While `rnn_forward` (say) runs on one hidden case, every call it makes to
`rnn_cell_forward` is a question sent to the grader, answered here with the
reference. The black box answers only questions about that call's own case:

- each array argument has the case's shape: xt (n_x, m), every other state or
  gate (n_a, m); real numbers (bool, int or float);
- the parameters (given directly, or inside a backward cell's cache) equal the
  case's parameters, key for key and value for value;
- at most `call_limit(case)` calls per case: T_x (one per step), twice over,
  plus two.

A question outside these bounds gets an error answer (the student's code sees
a RuntimeError saying what was wrong), and the call limit ends the call. So the
black box cannot compute the reference on inputs of the student's choosing
(another case's, or a lookup table's), and its work per case is bounded by the
case's size. Answers depend only on (problem, case, request bytes): they are
kept per batch in a memo (every correct submission asks the same questions).
"""
from __future__ import annotations

import inspect

import numpy as np

from . import wire
from .exercises.rnn_lstm import reference
from .exercises.rnn_lstm.problems import BY_NAME, CELL_CACHE, Case, Problem
from .sandbox import WorkerFailure


def call_limit(case: Case) -> int:
    """Black-box calls allowed during one call on this case: 2 T_x + 2. A sequence function
    calls its cell once per step (T_x); twice per step (one call per output taken) and one
    call before the loop (to learn a shape) are honest patterns too, and cost nothing:
    every question is about this case anyway."""
    return 2 * case.shape.T_x + 2


def case_parameters(problem: Problem, case: Case) -> dict:
    """The parameters dict of a sequence function's case (an argument, or in its caches)."""
    if "parameters" in problem.args:
        return case.args[problem.args.index("parameters")]
    caches = case.args[problem.args.index("caches")]  # (list of the T_x cell caches, x)
    return caches[0][0][CELL_CACHE[problem.model].index("parameters")]


def same_parameters(got, want: dict) -> bool:
    """Exactly the case's parameters: same keys, arrays of the same shape and values (bit for bit:
    parameters are handed over, never computed)."""
    if type(got) is not dict or set(got) != set(want):
        return False
    return all(isinstance(got[k], np.ndarray) and got[k].shape == want[k].shape and np.array_equal(got[k], want[k])
               for k in want)


class Questions:
    """What a question about one case may contain: shapes and parameters of that case."""

    def __init__(self, problem: Problem, case: Case):
        self.cell = BY_NAME[problem.black_box]
        self.case = case
        s = case.shape
        self.parameters = case_parameters(problem, case)
        self.shapes = {"xt": (s.n_x, s.m)}  # every other array argument: (n_a, m)
        self.default = (s.n_a, s.m)

    def problem(self, arguments: dict) -> str | None:
        """Why these arguments (by name) are not a question about this case, or None."""
        for name in self.cell.args:
            if name not in arguments:
                return f"no argument `{name}`"
            value = arguments[name]
            if name == "cache":
                p = self._cache(value)
            else:
                p = self._item(name, value)
            if p:
                return p
        return None

    def _item(self, name: str, value) -> str | None:
        if name == "parameters":
            if not same_parameters(value, self.parameters):
                return "`parameters` must be the parameters your function was given, unchanged"
            return None
        shape = self.shapes.get(name, self.default)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            return f"`{name}` must be a numpy array of real numbers with shape {shape}"
        if value.shape != shape:
            return f"`{name}` has shape {tuple(value.shape)}, expected {shape} (this case's sizes)"
        return None

    def _cache(self, value) -> str | None:
        names = CELL_CACHE[self.cell.model]
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            return f"`cache` must be a tuple of {len(names)} items ({', '.join(names)})"
        for name, item in zip(names, value):
            p = self._item(name, item)
            if p:
                return f"in `cache`: {p}"
        return None


class Oracle:
    """Answers the worker's black-box calls with the reference, during one call of
    one problem's function on one case (see the module docstring for the bounds).

    The answer to a request depends only on its bytes, the problem and the case,
    so answers are kept per batch: the same request from another submission
    (every correct one makes the same calls) is answered without decoding it again.
    """

    def __init__(self, problem: Problem, case: Case, request: tuple[list, list], memo):
        self.problem = problem
        self.case = case
        self.function = getattr(reference, problem.black_box) if problem.black_box else None
        self.signature = inspect.signature(self.function) if self.function else None
        self.questions = Questions(problem, case) if problem.black_box else None
        self.request = request
        self.memo = memo
        self.calls = 0
        self.limit = call_limit(case)

    def _key(self, frame: bytes):
        return self.problem.name, self.case.index, frame

    def known(self, frame: bytes) -> bytes | None:
        if self.calls >= self.limit:
            return None  # __call__ ends the call
        answer = self.memo.get(self._key(frame))
        if answer is not None:
            self.calls += 1
        return answer

    def __call__(self, frame: bytes, header: dict, arrays: list) -> bytes:
        self.calls += 1
        if self.calls > self.limit:
            name = self.problem.black_box or "the cell function"
            raise WorkerFailure("protocol", (
                f"{name} called too many times: more than {self.limit} calls on one case of "
                f"T_x = {self.case.shape.T_x} steps (a sequence function calls it once per step)"))
        header, arrays, ok = self._answer(header, arrays)
        answer = wire.pack(header, arrays)
        if ok:
            self.memo.add(self._key(frame), answer, len(frame) + len(answer))
        return answer

    def _refuse(self, why: str) -> tuple[dict, list, bool]:
        name = self.problem.black_box
        return {"status": "error", "message": (
            f"{name} (the correct one, given to your function by the grader) answers only calls about "
            f"the case being graded: {why}")}, [], True  # a function of the request's bytes: memoised too

    def _answer(self, header: dict, arrays: list) -> tuple[dict, list, bool]:
        name = self.problem.black_box
        if self.function is None or header.get("function") != name:
            return {"status": "error", "message": "no such cell function here"}, [], False
        try:
            *positional, keywords = wire.decode(header.get("args"), arrays, request=self.request)
            bound = self.signature.bind(*positional, **keywords)
        except (wire.WireError, TypeError, ValueError) as exc:
            return self._refuse(f"its arguments do not fit {name}{self.signature} ({str(exc)[:200]})")
        why = self.questions.problem(bound.arguments)
        if why:
            return self._refuse(why)
        try:
            with np.errstate(all="ignore"):
                value = self.function(*bound.args, **bound.kwargs)
        except Exception as exc:  # noqa: BLE001 - a bad argument from the submission
            return {"status": "error", "message": (
                f"{name} (the correct one, given to your function by the grader) "
                f"raised {type(exc).__name__}: {str(exc)[:200]}; check what your function passes it")}, [], False
        # what the worker holds already (its arguments, kept in the cache) travels as a reference
        tree, out = wire.encode(value, refs={id(a): i for i, a in enumerate(positional)})
        return {"status": "ok", "result": tree}, out, True
