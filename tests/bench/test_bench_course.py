"""bench/course.py, fast: the mutants and plan of each exercise come from its fixtures and protocol object,
and bench/bench_vs_nbgrader.py refuses an unknown --exercise with the names it knows."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from grader import exercise as exercises

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "exercises" / "gru"))

import course  # noqa: E402
from gru_patches import CATALOGUE_PATCHES, CORRECT  # noqa: E402


def test_gru_mutants_are_the_catalogue_patches_each_changing_its_function():
    mutants = course.mutants("gru")
    assert [m.label for m in mutants] == sorted(CATALOGUE_PATCHES)
    assert {m.function for m in mutants} == set(exercises.get("gru").graded_functions)
    for m in mutants:
        assert course.function_source(m, m.function) != course.function_source(CORRECT, m.function), m.label


def test_default_mutants_are_unchanged_rnn_lstm_files():
    mutants = course.mutants()
    assert course.DEFAULT_EXERCISE == exercises.default().name == "rnn_lstm"
    assert mutants and all(m.path is not None and m.path.is_file() for m in mutants)
    assert {m.function for m in mutants} <= set(exercises.get("rnn_lstm").graded_functions)


def test_plan_for_the_gru_puts_a_correct_notebook_every_third_and_cycles_the_mutants():
    pool = course.mutants("gru")
    plan = course.plan(45, "gru")
    assert all(plan[i] is None for i in range(0, 45, 3))
    assert [m.label for m in plan if m is not None] == [m.label for m in pool] + [m.label for m in pool[:30 - len(pool)]]


def test_assignment_and_notebook_come_from_the_protocol_object():
    gru = exercises.get("gru")
    assert course.assignment_of("gru") == gru.folder and gru.notebook == "gru.ipynb"
    assert course.assignment_of() == course.ASSIGNMENT == "rnn_lstm"


def test_an_exercise_without_mutant_fixtures_is_refused_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(course, "EXERCISE_FIXTURES", tmp_path)
    with pytest.raises(SystemExit, match=r"no mutants for the exercise gru: .*gru_patches\.py"):
        course.mutants("gru")


def test_unknown_exercise_is_a_usage_error_naming_the_known_ones(capsys):
    spec = importlib.util.spec_from_file_location("bench_vs_nbgrader_cli", ROOT / "bench" / "bench_vs_nbgrader.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    with pytest.raises(SystemExit) as exc:
        bench.parse_args(["--exercise", "lstm2"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--exercise lstm2: no such exercise" in err and "gru" in err and "rnn_lstm" in err
