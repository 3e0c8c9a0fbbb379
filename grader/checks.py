"""Compare what a submission returned with the reference, in the trusted parent.

Everything here works on plain data decoded from the worker (numpy arrays,
tuples, lists, dicts, numbers, `Opaque` placeholders): nothing a submission
produced is executed or unpickled. The wording of each message is shared with
the notebooks' self-checks (`solutions/*/selfcheck.py`), which must say the
same thing for the same mistake.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .exercises.rnn_lstm.problems import ATOL, CELL_CACHE, INPUT_MUTATION_PENALTY, RTOL, Case, Problem
from .results import FAIL_MARK, PASS_MARK, Check, FunctionResult, line

__all__ = ["PASS_MARK", "FAIL_MARK", "line", "array_problem", "describe_type", "evaluate", "Outcome"]


def describe_type(value) -> str:
    """'a list', 'a float', 'None', ... for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return "a numpy array"
    name = getattr(value, "type_name", None) or type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def array_problem(got, want: np.ndarray) -> str | None:
    """What is wrong with `got` as a stand-in for the array `want`, or None if nothing.

    Checks, in order: a numpy array, the shape, numbers (not objects/strings),
    finiteness, then values within numpy.isclose(got, want, rtol=RTOL, atol=ATOL).
    """
    if not isinstance(got, np.ndarray):
        return f"is {describe_type(got)}, expected a numpy array"
    if got.shape == want.shape and got.dtype.kind == "f":
        # fast path, same test as numpy.isclose; NaN and infinity fail it and are named below
        with np.errstate(all="ignore"):
            if (np.abs(got - want) <= ATOL + RTOL * np.abs(want)).all():
                return None
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


# ---------------------------------------------------------------------------- one function


@dataclass
class Outcome:
    """What one call of the student's function gave, as plain data."""

    status: str  # "ok", "not_implemented", "error", "missing", "failure"
    result: object = None
    args_after: object = None
    error: str = ""  # for everything but "ok": what happened, in words


def passed_message(n: int) -> str:
    return f"correct on all {n} cases"


def case_suffix(problem: Problem, case: Case) -> str:
    return f" [case {case.index + 1}: {case.shape.describe(problem.sequence)}]"


def not_returned(problem: Problem, result) -> str | None:
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


def structure_problem(got, want, where: str) -> str | None:
    """Compare a nested cache-like value with the reference, naming the first difference."""
    if isinstance(want, np.ndarray):
        problem = array_problem(got, want)
        return f"{where} {problem}" if problem else None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where} is {describe_type(got)}, expected a dict"
        for key, value in want.items():
            if key not in got:
                return f"{where} has no key '{key}'"
            problem = structure_problem(got[key], value, f"{where}['{key}']")
            if problem:
                return problem
        return None
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{where} is {describe_type(got)}, expected a tuple of {len(want)} items"
        if len(got) != len(want):
            return f"{where} has {len(got)} items, expected {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            problem = structure_problem(g, w, f"{where}[{i}]")
            if problem:
                return problem
    return None


def cache_problem(problem: Problem, got, want) -> str | None:
    """The cache layout of interfaces.md, with the items named. Items that are also
    graded outputs (a_next, c_next) are checked for form only: a wrong a_next
    loses its points once, under a_next."""
    names = CELL_CACHE[problem.model]

    def cell(g, w, where):
        if not isinstance(g, (tuple, list)):
            return f"{where} is {describe_type(g)}, expected a tuple ({', '.join(names)})"
        if len(g) != len(names):
            return f"{where} has {len(g)} items, expected {len(names)} ({', '.join(names)})"
        for i, name in enumerate(names):
            if name in problem.weights and isinstance(w[i], np.ndarray):
                # graded on its own: here only its form counts, so one mistake costs once
                if not isinstance(g[i], np.ndarray) or g[i].shape != w[i].shape:
                    p = f"{where} item {i} ({name}) " + (array_problem(g[i], w[i]) or "")
                    return p.strip()
                continue
            p = structure_problem(g[i], w[i], f"{where} item {i} ({name})")
            if p:
                return p
        return None

    if not problem.sequence:
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
    p = structure_problem(x, want[1], "caches[1] (x)")
    return p


def outputs_of(problem: Problem, result) -> dict:
    """The returned value as {output name / gradient key: value} (assumes the form is right)."""
    if problem.returns_dict:
        return result
    return dict(zip(problem.outputs, result))


def output_problem(problem: Problem, key: str, got, want) -> str | None:
    if key == problem.cache_output:
        return cache_problem(problem, got, want)
    return array_problem(got, want)


def changed_input(problem: Problem, before: tuple, after) -> str | None:
    """The first argument (or part of one) the call modified in place, or None."""

    def same(a, b, where):
        if isinstance(a, np.ndarray):
            if not isinstance(b, np.ndarray) or a.shape != b.shape or not (a == b).all():
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


def evaluate(problem: Problem, cases: list[Case], outcomes: list[Outcome],
             diagnose=None) -> FunctionResult:
    """Score one function from its outcomes on the hidden cases.

    Each output / gradient key earns its weight only if it is right on every
    case. `diagnose(problem, cases, outcomes, wrong_keys)` returns hints.
    """
    fr = FunctionResult(problem.name, problem.points)
    first = outcomes[0] if outcomes else Outcome("missing")
    if first.status != "ok" and all(o.status == first.status for o in outcomes):
        fr.problem = first.error
        fr.checks = [Check(k, w, False, "not checked") for k, w in problem.weights.items()]
        return fr
    wrong: dict[str, str] = {}
    for case, outcome in zip(cases, outcomes):
        suffix = case_suffix(problem, case)
        if outcome.status != "ok":
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
            p = output_problem(problem, key, got[key], case.expected[key])
            if p:
                wrong[key] = p + suffix
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
                fr.penalty = round(INPUT_MUTATION_PENALTY * problem.points, 4)
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

def diagnose(problem: Problem, cases: list[Case], outcomes: list[Outcome], wrong: set[str]) -> list[str]:
    """Hints for the known mistakes (grader.exercises.rnn_lstm.mistakes) whose outputs the submission reproduces.

    A mistake is recognised when every output it makes wrong (as this module
    judges them, on these cases) is wrong in the submission too, and each of
    them matches the mistaken variant's output, within the grader's
    tolerances, on every case. A submission that did not return on every case
    gets no hint. Of two matching mistakes, one that explains a strict part of
    what the other explains is dropped. The variants' outputs are computed
    once per case (memoised on the case), so diagnosing costs a comparison per
    known mistake. When no known mistake matches, `grader.exercises.rnn_lstm.edits.explain`
    looks for the one slip in the right lines that gives these outputs, and
    else `grader.exercises.rnn_lstm.symptoms.symptoms` names a fact about a wrong output that
    points at its cause.
    """
    from .exercises.rnn_lstm.mistakes import for_function

    if len(outcomes) < len(cases) or any(o.status != "ok" or not_returned(problem, o.result) for o in outcomes):
        return []
    got = [outputs_of(problem, o.result) for o in outcomes]
    found = []  # (hint, the outputs it explains)
    for mistake in for_function(problem.name):
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
    if not hints:  # no known mistake: a one-slip edit of the right lines, else a symptom
        from .exercises.rnn_lstm.edits import explain
        from .exercises.rnn_lstm.symptoms import symptoms

        try:
            with np.errstate(all="ignore"):
                hints = explain(problem, cases, got, wrong) or symptoms(problem, cases, got, wrong)
        except Exception:  # noqa: BLE001 - a value the analyses did not foresee: no hint, never a crash
            hints = []
    return hints
