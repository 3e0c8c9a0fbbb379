"""Does an exercise of another shape (tuple backward, an int in its cache), registered from the
tests alone, get graded through the real sandbox and the CLI, with no change to the grader?"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))

import dense_exercise  # noqa: E402

from grader import exercise as exercises  # noqa: E402
from grader import checks  # noqa: E402
from grader.exercise import compare  # noqa: E402

CORRECT = '''
import numpy as np
from dense_utils import sigmoid  # the exercise's helper module, supplied by the grader


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b + 0.0 * sigmoid(b)  # needs the helper: a NameError if it were not installed
    return Z, (A, W, b, A.shape[1])


def linear_backward(dZ, cache):
    A, W, b, m = cache
    return np.dot(W.T, dZ), np.dot(dZ, A.T) / m, np.sum(dZ, axis=1, keepdims=True) / m
'''

WRONG = '''
import numpy as np


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W, b, A.shape[0])  # the int in the cache is n_prev, not m


def linear_backward(dZ, cache):
    A, W, b, m = cache
    return np.dot(W.T, dZ), np.dot(dZ, A.T), np.sum(dZ, axis=1, keepdims=True)  # sums, not means
'''

HOSTILE = '''
import os


def linear_forward(A, W, b):
    os._exit(0)  # kills its own process


def linear_backward(dZ, cache):
    while True:  # never returns
        pass
'''


def grade(tmp_path, source: str, *extra: str, name: str = "sub.py", env_modules: bool = False):
    path = tmp_path / name
    path.write_text(source)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    flags = ["--exercise-module", "dense_exercise"]
    if env_modules:
        env[exercises.ENV_MODULES], flags = "dense_exercise", []
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(path), *flags, "--seed", "3",
                           "--format", "json", "--progress", "off", *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return proc


def functions(proc) -> dict:
    assert proc.returncode in (0, 1), proc.stderr
    (doc,) = json.loads(proc.stdout)
    assert doc["exercise"] == "dense"
    return {f["name"]: f for f in doc["functions"]}


def test_correct_submission_gets_full_marks_through_the_sandbox(tmp_path):
    """Is a correct dense layer, using the exercise's helper module, graded 20/20 (inferred exercise)?"""
    proc = grade(tmp_path, CORRECT)
    got = functions(proc)
    assert [got[n]["score"] for n in ("linear_forward", "linear_backward")] == [10.0, 10.0]
    assert all(f["failure"] is None for f in got.values())


def test_exercise_named_by_environment_variable(tmp_path):
    """Does GRADER_EXERCISE_MODULES register the exercise as --exercise-module does?"""
    got = functions(grade(tmp_path, CORRECT, "--exercise", "dense", env_modules=True))
    assert sum(f["score"] for f in got.values()) == 20.0


def test_wrong_int_in_cache_and_tuple_gradients(tmp_path):
    """Is a wrong int leaf of a cache caught, a tuple backward scored per output, and the known mistake named?"""
    got = functions(grade(tmp_path, WRONG))
    forward, backward = got["linear_forward"], got["linear_backward"]
    assert forward["score"] == 6.0 and forward["failure"] == "wrong"
    (cache,) = [c for c in forward["checks"] if c["name"] == "cache"]
    assert not cache["passed"] and "cache[3] is 3, expected 5" in cache["message"]
    assert "[case 1: n_prev=3, n=2, m=5]" in cache["message"]
    assert backward["score"] == 4.0
    assert [c["name"] for c in backward["checks"] if not c["passed"]] == ["dW", "db"]
    assert any("divide by m" in h for h in backward["hints"])


def test_hostile_submission_crash_and_timeout_are_typed(tmp_path):
    """Do a submission that kills its worker and one that never returns score 0, as CRASH and TIMEOUT?"""
    got = functions(grade(tmp_path, HOSTILE, "--timeout", "1"))
    assert got["linear_forward"]["score"] == 0.0 and got["linear_forward"]["failure"] == "crash"
    assert got["linear_backward"]["score"] == 0.0 and got["linear_backward"]["failure"] == "timeout"


def test_ambiguous_submission_is_refused_with_the_exercises_listed(tmp_path):
    """A file defining as many functions of two exercises: a clear error naming them, no traceback?"""
    source = "def linear_forward(A, W, b):\n    pass\n\n\ndef rnn_cell_forward(xt, a_prev, parameters):\n    pass\n"
    proc = grade(tmp_path, source)
    assert proc.returncode == 2, proc.stderr
    assert "--exercise NAME" in proc.stderr and "dense" in proc.stderr and "rnn_lstm" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_exercise_name_is_a_usage_error(tmp_path):
    """Does --exercise with an unknown name say which exercises exist?"""
    proc = grade(tmp_path, CORRECT, "--exercise", "nope")
    assert proc.returncode == 2 and "no exercise named 'nope'" in proc.stderr and "dense" in proc.stderr


def test_registry_and_scalar_leaf_comparison():
    """Is the exercise registered by its module, and is an int leaf of a cache compared exactly?"""
    ex = exercises.load_module("dense_exercise")
    assert exercises.get("dense") is ex and ex.graded_functions == ("linear_forward", "linear_backward")
    want = (np.zeros((2, 3)), 5)
    assert compare.structure_problem((np.zeros((2, 3)), 5), want, "cache", 1e-5, 1e-7) is None
    assert compare.structure_problem((np.zeros((2, 3)), np.int64(5)), want, "cache", 1e-5, 1e-7) is None
    assert compare.structure_problem((np.zeros((2, 3)), 5.5), want, "cache", 1e-5, 1e-7) == \
        "cache[1] is a float, expected the integer 5"
    assert compare.structure_problem((np.zeros((2, 3)), True), want, "cache", 1e-5, 1e-7) == \
        "cache[1] is a bool, expected the integer 5"
    before = (np.zeros(2), {"keep": 3})
    assert checks.changed_input(type("P", (), {"args": ("x", "c")})(), before, [np.zeros(2), {"keep": 4}]) == "c['keep']"
    assert checks.changed_input(type("P", (), {"args": ("x", "c")})(), before, [np.zeros(2), {"keep": 3}]) is None


def test_helper_module_is_the_exercises(tmp_path):
    """Is the helper module installed under the exercise's name only (rnn_utils is not there for dense)?"""
    source = CORRECT.replace("from dense_utils import sigmoid", "from rnn_utils import sigmoid")
    got = functions(grade(tmp_path, source))
    assert got["linear_forward"]["score"] == 0.0 and got["linear_forward"]["failure"] == "raised"
    assert "NameError" in got["linear_forward"]["summary"]


def test_assignment_and_inference_map_to_exercises(tmp_path):
    """Does an nbgrader assignment name map to its exercise, and a file with no graded function to the default?"""
    exercises.load_module("dense_exercise")
    assert exercises.for_assignment("dense").name == "dense"
    assert exercises.for_assignment("rnn_lstm").name == "rnn_lstm"
    with pytest.raises(exercises.UnknownExercise, match="--exercise NAME"):
        exercises.for_assignment("week9")
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert exercises.infer([empty]) is exercises.default()
    dense = tmp_path / "d.py"
    dense.write_text(CORRECT)
    assert exercises.infer([dense, empty]).name == "dense"


def test_one_file_cannot_turn_a_batch_into_another_exercise(tmp_path):
    """A batch of dense submissions and one file defining all eight RNN/LSTM functions: still dense
    (each file votes), and an even split is refused with the counts, not guessed."""
    exercises.load_module("dense_exercise")
    rnn = exercises.get("rnn_lstm")
    files = []
    for i in range(3):
        files.append(tmp_path / f"s{i}.py")
        files[-1].write_text(CORRECT)
    hostile = tmp_path / "hostile.py"
    hostile.write_text("".join(f"def {n}(*a):\n    pass\n\n" for n in rnn.graded_functions))
    assert exercises.infer(files + [hostile]).name == "dense"
    with pytest.raises(exercises.UnknownExercise, match=r"several exercises \(dense: 1 files, rnn_lstm: 1 files\)"):
        exercises.infer([files[0], hostile])


def test_adding_the_exercise_changed_no_core_module():
    """The exercise lives under tests/ and imports only grader.exercise from the grader."""
    import ast

    tree = ast.parse((HERE / "dense_exercise.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in imported if m and m.startswith("grader")} == {"grader.exercise"}
