"""What the graded cells of the nbgrader notebook run, in the student's kernel, during `nbgrader autograde`.

`score(name, function)` calls the student's function on the hidden cases and
returns its score with the same rubric and partial credit as the isolated
grader (checks.evaluate: each output earns its weight when it is right on
every case; modifying an input costs a share). The graded cell shows that
number as its result, and nbgrader takes a graded cell's numeric result as
its score (partial credit), so nbgrader's score and the grader's agree.

This runs in the student's own kernel, where the student's code can change
anything, so the score is a preview: `python -m grader nbgrader-sync` (or
`nbgrader-autograde`, which runs both) replaces it with the isolated
grader's. For the same reason the cases here are drawn from the course's
fixed public seed, never from the deployment's secret, which must not enter
a student's process.
"""
from __future__ import annotations

import contextlib
import copy
import io
import warnings

import numpy as np

from .checks import Outcome, diagnose, evaluate
from .exercise import owning_function

_CASES: dict[str, list] = {}


def _cases(name: str) -> list:
    if name not in _CASES:
        exercise = owning_function(name)
        _CASES[name] = exercise.hidden_cases(exercise.by_name[name], exercise.default_seed)
    return _CASES[name]


def _call(function, args) -> Outcome:
    try:
        result = function(*args)
    except NotImplementedError:
        return Outcome("not_implemented", error="not implemented yet (it raises NotImplementedError)")
    except Exception as exc:  # noqa: BLE001 - the student's code failed: scored, not raised
        return Outcome("error", error=f"raised {type(exc).__name__}: {str(exc)[:300]}")
    return Outcome("ok", result=result, args_after=args)


def score(name: str, function, points: float | None = None) -> float:
    """The points `function` earns as graded function `name`, on the scale of a cell worth `points`
    (default: the function's rubric points), printed with a summary."""
    exercise = owning_function(name)
    problem = exercise.by_name[name]
    cases = _cases(name)
    namespace = getattr(function, "__globals__", None)
    box = problem.black_box
    saved = namespace.get(box) if namespace is not None and box else None
    outcomes = []
    try:
        if namespace is not None and box:
            namespace[box] = exercise.reference(box)  # graded on its own: a correct cell function in place
        # nbgrader scores a graded cell 0 if anything reaches stderr: the student's warnings must not
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            for case in cases:
                outcome = _call(function, copy.deepcopy(case.args))
                outcomes.append(outcome)
                if outcome.status == "not_implemented":
                    break
            try:
                result = evaluate(problem, cases, outcomes, diagnose, exercise=exercise)
            except Exception as exc:  # noqa: BLE001 - what it returned could not be checked at all
                print(f"{name}: 0: its results could not be checked ({type(exc).__name__})")
                return 0.0
    finally:
        if namespace is not None and box:
            if saved is None:
                namespace.pop(box, None)
            else:
                namespace[box] = saved
    scale = 1.0 if points is None else points / result.max_score
    earned = round(result.score * scale, 4)
    print(f"{name}: {earned:g} / {result.max_score * scale:g}")
    if result.score < result.max_score:
        print(result.feedback)
    return earned
