"""Is every exercise's selfcheck.py (solutions/ and the release) the text grader/exercise/selfcheck.py
writes from the one generic module and the exercise's table, standalone, and true to the exercise?"""
from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import exercise as exercises
from grader.exercise import selfcheck

ROOT = Path(__file__).resolve().parents[2]
WITH_SELFCHECK = [e for e in exercises.all_exercises() if e.selfcheck is not None]
IDS = [e.name for e in WITH_SELFCHECK]


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_built_in_exercises_have_a_selfcheck():
    assert {"rnn_lstm", "gru"} <= set(IDS)


@pytest.mark.parametrize("exercise", WITH_SELFCHECK, ids=IDS)
def test_committed_selfcheck_is_the_generated_one(exercise):
    """Are solutions/<folder>/selfcheck.py and assignments/<folder>/selfcheck.py, byte for byte, what
    `python scripts/make_release.py --exercise NAME` writes now?"""
    text = selfcheck.source(exercise).encode("utf-8")
    folder = exercise.folder or exercise.name
    for where in ("solutions", "assignments"):
        path = ROOT / where / folder / "selfcheck.py"
        assert path.read_bytes() == text, f"{path} is stale: run python scripts/make_release.py --exercise {exercise.name}"


@pytest.mark.parametrize("exercise", WITH_SELFCHECK, ids=IDS)
def test_generated_selfcheck_stands_alone_and_carries_the_exercise_s_facts(exercise, tmp_path):
    """Does the generated module import only numpy and the standard library, and do its tables say the
    exercise's functions, arguments, outputs, cells, dict returns and tolerance?"""
    text = selfcheck.source(exercise)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] in sys.stdlib_module_names | {"numpy"} for a in node.names), ast.dump(node)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module.split(".")[0] in sys.stdlib_module_names | {"numpy"}, node.module
    path = tmp_path / "selfcheck.py"
    path.write_text(text, encoding="utf-8")
    module = load(path, f"selfcheck_{exercise.name}")
    assert list(module.FUNCTIONS) == list(exercise.order)
    for name, (args, outputs, cell) in module.FUNCTIONS.items():
        p = exercise.by_name[name]
        assert (args, outputs, cell) == (tuple(p.args), tuple(p.outputs), p.black_box), name
    assert set(module.RETURNS_DICT) == {p.name for p in exercise.problems if p.returns_dict}
    assert (module.RTOL, module.ATOL) == (exercise.tolerance.rtol, exercise.tolerance.atol)
    assert module.CACHE_ITEMS == exercise.selfcheck.cache_items
    assert module.__doc__.startswith(f"Self-checks for {exercise.selfcheck.title}: ")


def test_an_exercise_without_a_selfcheck_is_told_so():
    """Does asking for the self-check of an exercise that has none say so (not a traceback)?"""

    class Bare(exercises.Exercise):
        name = "bare"

    with pytest.raises(ValueError, match="has no self-check module"):
        selfcheck.source(Bare())


def test_the_docstring_example_states_the_exercise_s_tolerance(tmp_path):
    """Does the generated module's example line, and its RTOL/ATOL, say the exercise's own tolerance?"""
    base = exercises.get("gru")

    class Looser(type(base)):
        name = "looser"
        tolerance = exercises.Tolerance(rtol=1e-3, atol=1e-6)

    text = selfcheck.source(Looser())
    assert "(tolerance: rtol=0.001, atol=1e-06)" in text and "rtol=1e-05" not in text
    path = tmp_path / "selfcheck.py"
    path.write_text(text, encoding="utf-8")
    module = load(path, "selfcheck_looser")
    assert (module.RTOL, module.ATOL) == (1e-3, 1e-6)
    want = np.ones((2, 2))  # |yours - expected| <= 1e-6 + 1e-3 * 1
    assert module.array_problem(want + 5e-4, want) is None  # within the looser tolerance, not the GRU's own
    assert base.output_problem(base.by_name["gru_forward"], "a", want + 5e-4, want) is not None
    assert module.array_problem(want + 2e-3, want).startswith("wrong values: largest difference 0.002")
