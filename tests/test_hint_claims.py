"""Does a catalogue hint hold for the submission it is given to, not only for its mistake?

A catalogue mistake's hint describes its variant's outputs whole ("`a` and `caches` are right
but `y_pred` is zero"). checks.diagnose recognises a mistake when the outputs the variant makes
wrong match the submission's; a submission wrong in another output too is not that variant,
and the hint's "are right" would be false there. These tests take each mistake's variant
outputs on the hidden cases, make one more output wrong (every entry moved by 1 %, plus 0.01),
and check that the mistake's hint is not given; the variant's own outputs still get it.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from grader import checks
from grader import exercise as exercises

SEED = 7


def _moved(value):
    if isinstance(value, np.ndarray):
        return value * 1.01 + 0.01
    if isinstance(value, tuple):
        return tuple(_moved(v) for v in value)
    if isinstance(value, list):
        return [_moved(v) for v in value]
    if isinstance(value, dict):
        return {k: _moved(v) for k, v in value.items()}
    return value


def _entries():
    for name in ("rnn_lstm", "gru"):
        exercise = exercises.get(name)
        for problem in exercise.problems:
            for mistake in exercise.mistakes(problem.name):
                others = [k for k in problem.outputs if k not in mistake.outputs]
                if others:
                    yield pytest.param(name, problem.name, mistake.name, others[0],
                                       id=f"{problem.name}-{mistake.name}-{others[0]}")


def _hints(exercise, problem, cases, outputs):
    outcomes = [checks.Outcome("ok", result=o if problem.returns_dict else tuple(o[k] for k in problem.outputs),
                               args_after=c.args) for c, o in zip(cases, outputs)]
    wrong = {k for k in problem.outputs if any(exercise.output_problem(problem, k, o[k], c.expected[k])
                                                 for c, o in zip(cases, outputs))}
    return checks.diagnose(problem, cases, outcomes, wrong, exercise)


@pytest.mark.parametrize("exercise_name, function, mistake_name, other", list(_entries()))
def test_a_hint_is_not_given_when_an_output_it_leaves_right_is_wrong(exercise_name, function, mistake_name, other):
    exercise = exercises.get(exercise_name)
    problem = exercise.by_name[function]
    mistake = next(m for m in exercise.mistakes(function) if m.name == mistake_name)
    cases = exercise.hidden_cases(problem, SEED)
    with np.errstate(all="ignore"):
        variant = [checks.outputs_of(problem, mistake.variant(*copy.deepcopy(c.args))) for c in cases]
    assert mistake.hint in _hints(exercise, problem, cases, variant)  # the variant itself is recognised
    moved = [dict(v, **{other: _moved(v[other])}) for v in variant]
    assert mistake.hint not in _hints(exercise, problem, cases, moved)
