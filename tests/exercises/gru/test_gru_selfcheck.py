"""Does solutions/gru/selfcheck.py judge as the grader would, with the GRU's facts from one place?

Its tables must match grader/exercises/gru/rubric.py (functions, outputs,
cache layout) and the GRU exercise's tolerance (grader/exercises/gru/__init__.py); the reference passes every
public case; every catalogued mistake fails, and each one whose outputs the
public cases carry gets the catalogue's own hint (the mistakes of gru_forward
and gru_backward that hand the cell other inputs are named by the stand-in
cell instead, which this also checks).
"""
from __future__ import annotations

import sys

import pytest

from grader.exercises.gru import EXERCISE
from grader.exercises.gru import mistakes, reference
from grader.exercises.gru.rubric import ARGUMENTS, CELL_CACHE, RUBRIC
from gru_nbhelpers import SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR))
import selfcheck  # noqa: E402  (solutions/gru/selfcheck.py, as the notebook imports it)

sys.path.remove(str(SOURCE_DIR))
assert selfcheck.__file__.startswith(str(SOURCE_DIR))

STAND_IN_NAMED = {  # mistake -> what the stand-in cell says instead of a hint
    ("gru_forward", "a0-fed-to-every-step"): "called gru_cell_forward with the wrong a_prev at step t=1",
    ("gru_forward", "zero-start-state"): "called gru_cell_forward with the wrong a_prev at step t=0",
    ("gru_backward", "upstream-da-missing"): "called gru_cell_backward with the wrong da_next",
    ("gru_backward", "da-prev-not-propagated"): "called gru_cell_backward with the wrong da_next",
    ("gru_backward", "time-walked-forwards"): "called gru_cell_backward with the wrong cache at call 1",
}


def test_tables_match_the_rubric_and_the_grader_s_tolerances():
    """Are the self-check's functions, arguments, outputs, cache items and tolerances the rubric's and grader's?"""
    assert list(selfcheck.FUNCTIONS) == list(RUBRIC)
    for fn, (args, outputs, _) in selfcheck.FUNCTIONS.items():
        assert args == ARGUMENTS[fn] and outputs == tuple(RUBRIC[fn]), fn
    assert selfcheck.CACHE_ITEMS == {"gru_cell_forward": CELL_CACHE}
    assert (selfcheck.RTOL, selfcheck.ATOL) == (EXERCISE.tolerance.rtol, EXERCISE.tolerance.atol)


@pytest.mark.parametrize("fn", list(RUBRIC))
def test_reference_passes(fn):
    """Does the reference pass every public case, with no hint?"""
    passed, lines = selfcheck.report(fn, getattr(reference, fn))
    assert passed and all(line.startswith("✓ ") for line in lines), lines


@pytest.mark.parametrize("mistake", mistakes.CATALOGUE, ids=[f"{m.function}:{m.name}" for m in mistakes.CATALOGUE])
def test_mistake_fails_and_is_named(mistake):
    """Does the catalogued mistake fail the self-check, with its hint (or the stand-in cell's diagnosis)?"""
    passed, lines = selfcheck.report(mistake.function, mistake.variant)
    assert not passed
    text = "\n".join(lines)
    key = (mistake.function, mistake.name)
    if key in STAND_IN_NAMED:
        assert STAND_IN_NAMED[key] in text, text
    else:
        assert f"Hint: {mistake.hint}" in lines, text
