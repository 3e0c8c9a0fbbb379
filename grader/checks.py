"""Compare what a submission returned with the reference, in the trusted parent.

Everything here works on plain data decoded from the worker (numpy arrays,
tuples, lists, dicts, numbers, `Opaque` placeholders): nothing a submission
produced is executed or unpickled. The comparisons of one value (arrays,
nested caches, scalars) are the protocol's, `grader/exercise/compare.py`, which
exercises use too. The wording of each message is shared with the notebooks'
self-checks (`solutions/*/selfcheck.py`), which must say the same thing for the
same mistake.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .exercise.compare import SCALARS as _SCALARS
from .exercise.compare import array_problem, describe_type
from .results import FAIL_MARK, PASS_MARK, Check, Failure, FunctionResult, line

# array_problem and describe_type are grader.exercise.compare's (the protocol's, which exercises use),
# still named here: this module's public wording, which the self-checks' tests compare with
__all__ = ["PASS_MARK", "FAIL_MARK", "line", "array_problem", "describe_type", "evaluate", "Outcome"]


# ---------------------------------------------------------------------------- one function


@dataclass
class Outcome:
    """What one call of the student's function gave, as plain data."""

    status: str  # "ok", "not_implemented", "error", "missing", "failure"
    result: object = None
    args_after: object = None
    error: str = ""  # for everything but "ok": what happened, in words
    failure: Failure | None = None  # for everything but "ok": what kind of failure (default: from status)

    def kind(self) -> Failure | None:
        if self.status == "ok":
            return None
        return self.failure or _STATUS_FAILURE.get(self.status, Failure.RAISED)


_STATUS_FAILURE = {"not_implemented": Failure.NOT_IMPLEMENTED, "missing": Failure.MISSING,
                   "error": Failure.RAISED, "failure": Failure.CRASH}


def passed_message(n: int) -> str:
    return f"correct on all {n} cases"


def case_suffix(problem, case, exercise=None) -> str:
    exercise = exercise or _owner(problem)
    return f" [case {case.index + 1}: {exercise.describe_case(problem, case)}]"


def _owner(problem):
    from .exercise import owner

    return owner(problem)


def not_returned(problem, result) -> str | None:
    """Why the returned value is not of the right form (tuple of n items / dict), or None."""
    if problem.returns_dict:
        if not isinstance(result, dict):
            return f"not returned: the function returned {describe_type(result)}, expected a dict of gradients"
        return None
    n = len(problem.outputs)
    if not isinstance(result, (tuple, list)):
        return (f"not returned: the function returned {describe_type(result)}, expected {n} items "
                f"({', '.join(problem.outputs)})")
    if len(result) != n:
        return (f"not returned: the function returned {len(result)} items, expected {n} "
                f"({', '.join(problem.outputs)})")
    return None


def missing_key(key: str) -> str:
    return f"missing: the returned dict has no key '{key}'"


def outputs_of(problem, result) -> dict:
    """The returned value as {output name / gradient key: value} (assumes the form is right)."""
    if problem.returns_dict:
        return result
    return dict(zip(problem.outputs, result))


def output_problem(problem, key: str, got, want, exercise=None) -> str | None:
    """What is wrong with output `key` (the exercise's comparison), or None."""
    return (exercise or _owner(problem)).output_problem(problem, key, got, want)


def changed_input(problem, before: tuple, after) -> str | None:
    """The first argument (or part of one) the call modified in place, or None."""

    def same(a, b, where):
        if isinstance(a, np.ndarray):
            if not isinstance(b, np.ndarray) or a.shape != b.shape or not (a == b).all():
                return where
            return None
        if isinstance(a, _SCALARS):
            if isinstance(b, np.ndarray) and b.shape == ():
                b = b[()]
            if (not isinstance(b, _SCALARS) or isinstance(b, (bool, np.bool_)) != isinstance(a, (bool, np.bool_))
                    or not (a == b or (a != a and b != b))):
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

    if not isinstance(after, (list, tuple)) or len(after) != len(before):
        return None
    for name, a, b in zip(problem.args, before, after):
        w = same(a, b, name)
        if w:
            return w
    return None


def evaluate(problem, cases: list, outcomes: list[Outcome],
             diagnose=None, exercise=None) -> FunctionResult:
    """Score one function from its outcomes on the hidden cases.

    Each output / gradient key earns its weight only if it is right on every
    case. `diagnose(problem, cases, outcomes, wrong_keys)` returns hints.
    `exercise`: the one `problem` belongs to (found from the problem when not given).
    """
    exercise = exercise or _owner(problem)
    fr = FunctionResult(problem.name, problem.points)
    first = outcomes[0] if outcomes else Outcome("missing")
    if first.status != "ok" and all(o.status == first.status for o in outcomes):
        fr.problem = first.error
        fr.failure = first.kind()
        fr.checks = [Check(k, w, False, "not checked") for k, w in problem.weights.items()]
        if first.status == "error" and diagnose is not None:
            fr.hints = diagnose_error(problem, cases, outcomes, exercise)
        return fr
    wrong: dict[str, str] = {}
    for case, outcome in zip(cases, outcomes):
        suffix = case_suffix(problem, case, exercise)
        if outcome.status != "ok":
            fr.failure = fr.failure or outcome.kind()
            for key in problem.outputs:
                wrong.setdefault(key, outcome.error + suffix)
            continue
        form = not_returned(problem, outcome.result)
        if form:
            for key in problem.outputs:
                wrong.setdefault(key, form + suffix)
            continue
        got = outputs_of(problem, outcome.result)
        for key in problem.outputs:
            if key in wrong:
                continue
            if key not in got:
                wrong[key] = missing_key(key)
                continue
            p = exercise.output_problem(problem, key, got[key], case.expected[key])
            if p:
                wrong[key] = p + suffix
    if wrong and fr.failure is None:
        fr.failure = Failure.WRONG
    ran = any(o.status == "ok" for o in outcomes)
    fr.checks = [Check(k, w, k not in wrong, wrong.get(k, passed_message(len(cases))))
                 for k, w in problem.weights.items()]
    if len(outcomes) < len(cases):  # stopped early (a timeout or a crash)
        for c in fr.checks:
            if c.passed:
                c.passed, c.message = False, "not checked on every case (the function stopped the worker)"
    for case, outcome in zip(cases, outcomes):
        if outcome.status == "ok":
            where = changed_input(problem, case.args, outcome.args_after)
            if where:
                fr.penalty = round(exercise.input_mutation_penalty * problem.points, 4)
                fr.checks.append(Check("inputs unchanged", 0.0, False,
                                       f"the function modified its input `{where}` in place; work on a "
                                       f"copy instead (-{fr.penalty:g} points)"))
                break
    else:
        if ran:
            fr.checks.append(Check("inputs unchanged", 0.0, True, "no input was modified"))
    if wrong and diagnose is not None:
        fr.hints = diagnose(problem, cases, outcomes, set(wrong))
    return fr


# ---------------------------------------------------------------------------- known mistakes

def diagnose(problem, cases: list, outcomes: list[Outcome], wrong: set[str], exercise=None) -> list[str]:
    """Hints for the known mistakes (the exercise's catalogue) whose outputs the submission reproduces.

    A mistake is recognised when every output it makes wrong (as this module
    judges them, on these cases) is wrong in the submission too, and each of
    them matches the mistaken variant's output, within the grader's
    tolerances, on every case. A submission that did not return on every case
    gets no hint. Of two matching mistakes, one that explains a strict part of
    what the other explains is dropped. The matching mistakes must explain every
    wrong output together, or none is named (a hint such as "`a` and `caches`
    are right but ..." would be false for a submission whose `a` is wrong too). The variants' outputs are computed
    once per case (memoised on the case), so diagnosing costs a comparison per
    known mistake. When no known mistake matches, the exercise's `explain`
    gives its hints (the RNN/LSTM exercise looks for the one slip in the
    right lines that gives these outputs, else names a fact about a wrong
    output that points at its cause).
    """
    exercise = exercise or _owner(problem)
    output_problem = exercise.output_wrong  # only "wrong or not" counts here
    if len(outcomes) < len(cases) or any(o.status != "ok" or not_returned(problem, o.result) for o in outcomes):
        return []
    got = [outputs_of(problem, o.result) for o in outcomes]
    found = []  # (hint, the outputs it explains)
    for mistake in exercise.mistakes(problem.name):
        if not wrong & set(mistake.outputs):
            continue
        variants = []
        for case in cases:
            if mistake.name not in case.variants:
                with np.errstate(all="ignore"):
                    value = outputs_of(problem, mistake.variant(*copy.deepcopy(case.args)))
                changed = {k for k in problem.outputs if output_problem(problem, k, value[k], case.expected[k])}
                case.variants[mistake.name] = (value, changed)
            variants.append(case.variants[mistake.name])
        claimed = set().union(*(changed for _, changed in variants))
        if not claimed or not claimed <= wrong:
            continue
        if all(key in g and not output_problem(problem, key, g[key], value[key])
               for g, (value, _) in zip(got, variants) for key in claimed):
            found.append((mistake.hint, claimed))
    # a mistake that explains only part of what another matching one explains is not the cause
    hints = [hint for hint, claimed in found if not any(claimed < other for _, other in found)]
    if found and set().union(*(claimed for _, claimed in found)) != wrong:
        hints = []  # an output no known mistake explains: a hint saying the others are right would be false
    if not hints:  # no known mistake: the exercise's own analyses
        try:
            with np.errstate(all="ignore"):
                hints = list(exercise.explain(problem, cases, got, wrong))
        except Exception:  # noqa: BLE001 - a value the analyses did not foresee: no hint, never a crash
            hints = []
    return hints


def diagnose_error(problem, cases: list, outcomes: list[Outcome], exercise=None) -> list[str]:
    """For a function that raised on every case: the exercise's hints about the error, or []."""
    exercise = exercise or _owner(problem)
    try:
        return list(exercise.explain_error(problem, cases, outcomes))
    except Exception:  # noqa: BLE001 - a message the analysis did not foresee: no hint, never a crash
        return []
