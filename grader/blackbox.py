"""The black box: the reference function a graded function is given while graded.

While a sequence function (say `rnn_forward`) runs on one hidden case, every
call it makes to the function its exercise names as its black box (say
`rnn_cell_forward`) is a question sent to the grader, answered here with the
reference. The exercise says which calls are about that call's own case
(`Exercise.black_box(problem, case)`: a check of the arguments and a call
limit); a question outside these bounds gets an error answer (the student's
code sees a RuntimeError saying what was wrong), and the call limit ends the
call. So the black box cannot compute the reference on inputs of the
student's choosing (another case's, or a lookup table's), and its work per
case is bounded by the case's size. Answers depend only on (problem, case,
request bytes): they are kept per batch in a memo (every correct submission
asks the same questions).
"""
from __future__ import annotations

import inspect

import numpy as np

from . import wire
from .sandbox import WorkerFailure


class Oracle:
    """Answers the worker's black-box calls with the reference, during one call of
    one problem's function on one case (see the module docstring for the bounds).

    The answer to a request depends only on its bytes, the problem and the case,
    so answers are kept per batch: the same request from another submission
    (every correct one makes the same calls) is answered without decoding it again.
    """

    def __init__(self, problem, case, request: tuple[list, list], memo, exercise, boxes: dict | None = None):
        """`boxes`: where the black box of (problem, case) and its signature are kept between
        calls (they depend on nothing else; building them is most of an Oracle's cost)."""
        self.problem = problem
        self.case = case
        key = (problem.name, case.index)
        known = boxes.get(key) if boxes is not None else None
        if known is None:
            box = exercise.black_box(problem, case) if problem.black_box else None
            known = (box, inspect.signature(box.reference) if box else None)
            if boxes is not None:
                boxes[key] = known
        self.box, self.signature = known
        self.function = self.box.reference if self.box else None
        self.request = request
        self.memo = memo
        self.calls = 0
        self.limit = self.box.limit if self.box else self.NO_BOX_LIMIT

    NO_BOX_LIMIT = 8  # questions answered (each with an error) when the function has no black box

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
                f"{name} called too many times: more than {self.limit} calls {self.box.limit_words if self.box else ''}"))
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
        why = self.box.check(bound.arguments)
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
