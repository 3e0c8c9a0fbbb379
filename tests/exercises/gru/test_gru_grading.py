"""Is the GRU graded by the plug-in core as the RNN/LSTM is: through the real sandbox and the CLI?

A correct submission (fixtures/correct.py, written as a student would) scores
50/50, as a .py file and inferred from its function names or named with
--exercise gru; every mistake of the catalogue, as a patch of that file
(gru_patches.py), loses points only in its own function, exactly on the
outputs where the mistake's results differ from the reference's (under the
exercise's own comparison), and gets its hint; the stubbed release notebook
scores 0 saying what is missing; hostile submissions end as failed checks
with messages; the CLI writes JSON and grades.csv with the GRU's columns; an
RNN/LSTM batch is graded as before.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import exercise as exercises
from grader.exercises.gru.mistakes import CATALOGUE
from gru_patches import CATALOGUE_PATCHES, CORRECT, mutant_source

ROOT = Path(__file__).resolve().parents[3]
RELEASE = ROOT / "assignments" / "gru" / "gru.ipynb"
RNN_CORRECT = ROOT / "tests" / "fixtures" / "submissions" / "correct" / "loops.py"
SEED = "3"
GRU = exercises.get("gru")


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def grade_json(*paths, extra=()) -> list[dict]:
    proc = run("grade", *map(str, paths), "--seed", SEED, "--format", "json", "--progress", "off", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def by_function(doc: dict) -> dict[str, dict]:
    return {f["name"]: f for f in doc["functions"]}


def test_correct_submission_scores_full_marks_inferred_and_named(tmp_path):
    """A correct .py submission: 50/50 as the GRU, whether inferred or named with --exercise gru."""
    for extra in ((), ("--exercise", "gru")):
        (doc,) = grade_json(CORRECT, extra=extra)
        assert doc["exercise"] == "gru" and doc["score"] == doc["max_score"] == 50.0
        assert [f["name"] for f in doc["functions"]] == list(GRU.order)
        assert all(f["failure"] is None and f["score"] == f["max_score"] for f in doc["functions"])
        assert doc["sandbox"] == "bwrap", doc["sandbox"]


# ----------------------------------------------------------------------------- the catalogue


@pytest.fixture(scope="module")
def mutants(tmp_path_factory) -> dict[str, dict]:
    """Every catalogued mistake as a patch of the correct file, graded in one batch."""
    folder = tmp_path_factory.mktemp("gru-mutants")
    for key, edits in CATALOGUE_PATCHES.items():
        (folder / f"{key}.py").write_text(mutant_source(edits))
    docs = grade_json(folder)
    return {doc["submission"][: -len(".py")]: doc for doc in docs}


def test_every_mistake_has_a_patch():
    assert set(CATALOGUE_PATCHES) == {f"{m.function}__{m.name}" for m in CATALOGUE}
    assert len(CATALOGUE) == 28


def expected_wrong(mistake) -> set[str]:
    """The outputs where the mistake's results differ from the reference's on some hidden case, under
    the exercise's comparison (the cache's a_next is checked for form only: it is graded as a_next)."""
    problem = GRU.by_name[mistake.function]
    wrong = set()
    for case in GRU.hidden_cases(problem, int(SEED)):
        # the sequence variants call the reference cells, as the grader's black box answers them
        result = mistake.variant(*case.args)
        got = dict(result) if problem.returns_dict else dict(zip(problem.outputs, result))
        wrong |= {k for k in problem.outputs if GRU.output_problem(problem, k, got[k], case.expected[k])}
    return wrong


@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: f"{m.function}__{m.name}")
def test_mistake_loses_points_only_in_its_function_and_gets_its_hint(mutants, mistake):
    doc = mutants[f"{mistake.function}__{mistake.name}"]
    functions = by_function(doc)
    for name, f in functions.items():
        if name != mistake.function:
            assert f["score"] == f["max_score"], (name, f["summary"])
    f = functions[mistake.function]
    wrong = expected_wrong(mistake)
    assert wrong and wrong <= set(mistake.outputs)
    failed = {c["name"] for c in f["checks"] if not c["passed"]}
    assert failed == wrong
    weights = GRU.by_name[mistake.function].weights
    assert f["score"] == pytest.approx(f["max_score"] - sum(weights[k] for k in wrong), abs=1e-9)
    assert f["failure"] == "wrong"
    assert any(mistake.hint in h for h in f["hints"]), f["hints"]


# ----------------------------------------------------------------------------- the release notebook


def test_stubbed_release_notebook_scores_zero_with_clear_messages():
    """The release as handed out: 0/50, each function 'not implemented yet', no load error reported."""
    (doc,) = grade_json(RELEASE)
    assert doc["exercise"] == "gru" and doc["score"] == 0.0 and doc["max_score"] == 50.0
    for f in doc["functions"]:
        assert f["failure"] == "not_implemented"
        assert f["summary"] == "not implemented yet (it raises NotImplementedError)"
    assert not [m for m in doc["messages"] if "error" in m.lower()], doc["messages"]


def test_solution_notebook_scores_full_marks():
    """The instructor's source notebook (solutions, experiment cells importing baselines): 50/50."""
    (doc,) = grade_json(ROOT / "solutions" / "gru" / "gru.ipynb")
    assert doc["exercise"] == "gru" and doc["score"] == 50.0, [f["summary"] for f in doc["functions"]]


# ----------------------------------------------------------------------------- hostile submissions

ALWAYS_EQUAL = '''

class AlwaysEqual(np.ndarray):
    """An array that claims to equal anything and answers every ufunc with True."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, *args, **kwargs):
        return True

    def __array_function__(self, *args, **kwargs):
        return True

    def __bool__(self):
        return True


def gru_cell_forward(xt, a_prev, parameters):
    n_a, m = a_prev.shape
    fake = np.full((n_a, m), 7.0).view(AlwaysEqual)
    y = np.full((parameters["Wy"].shape[0], m), 7.0).view(AlwaysEqual)
    return fake, y, (fake, a_prev.view(AlwaysEqual), fake, fake, fake, xt.view(AlwaysEqual), parameters)
'''

OTHER_CASE = '''

def gru_forward(x, a0, parameters):
    import gc
    held = [r for o in gc.get_objects() if type(o) in (list, tuple) for r in o]
    others = [o for o in held if type(o) is dict and o is not parameters and set(o) == set(parameters)
              and o["Wr"].shape != parameters["Wr"].shape]
    other = others[0]
    n_a = other["Wy"].shape[1]
    n_x = other["Wr"].shape[1] - n_a
    answers = gru_cell_forward(np.ones((n_x, 3)), np.ones((n_a, 3)), other)  # another case's reference
    raise AssertionError("the black box answered about another case: %r" % (answers[0][:1],))
'''

INFINITE_LOOP = '''

def gru_backward(da, caches):
    while True:
        pass
'''


def hostile(tmp_path, name: str, body: str) -> dict[str, dict]:
    path = tmp_path / f"{name}.py"
    path.write_text(CORRECT.read_text() + body)  # the later definition replaces the correct one
    (doc,) = grade_json(path, extra=("--timeout", "2"))
    assert doc["exercise"] == "gru" and doc["sandbox"] == "bwrap"
    return by_function(doc)


def test_always_equal_arrays_fail(tmp_path):
    got = hostile(tmp_path, "always-equal", ALWAYS_EQUAL)
    f = got["gru_cell_forward"]
    assert f["score"] == 0.0 and f["failure"] in ("wrong", "malformed"), f
    failed = {c["name"] for c in f["checks"] if not c["passed"]}
    assert failed >= {"a_next", "yt_pred", "cache"}, f["checks"]
    # the worker sends plain arrays: the subclass's __eq__ never runs in the grader, its values are compared
    assert all("wrong values: largest difference" in c["message"] for c in f["checks"] if not c["passed"])
    assert [got[n]["score"] for n in ("gru_forward", "gru_cell_backward", "gru_backward")] == [10.0, 15.0, 15.0]


def test_black_box_call_about_another_case_is_refused(tmp_path):
    got = hostile(tmp_path, "other-case", OTHER_CASE)
    f = got["gru_forward"]
    assert f["score"] == 0.0 and f["failure"] == "raised", f
    assert "answers only calls about the case being graded" in f["summary"], f["summary"]
    assert "the black box answered" not in f["summary"]
    assert got["gru_cell_forward"]["score"] == 10.0 and got["gru_backward"]["score"] == 15.0


def test_infinite_loop_times_out(tmp_path):
    got = hostile(tmp_path, "loop", INFINITE_LOOP)
    f = got["gru_backward"]
    assert f["score"] == 0.0 and f["failure"] == "timeout", f
    assert "did not finish within 2 s" in f["summary"], f["summary"]
    assert sum(got[n]["score"] for n in ("gru_cell_forward", "gru_forward", "gru_cell_backward")) == 35.0


# ----------------------------------------------------------------------------- the CLI, and the other exercise


def test_cli_json_and_out_folder_have_the_gru_columns(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(mutant_source(CATALOGUE_PATCHES["gru_backward__time-walked-forwards"]))
    out = tmp_path / "out"
    proc = run("grade", str(CORRECT), str(wrong), "--seed", SEED, "--format", "json", "--progress", "off",
               "--out", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    docs = {d["submission"]: d for d in json.loads(proc.stdout)}
    assert docs["correct.py"]["score"] == 50.0 and docs["wrong.py"]["score"] < 50.0
    with open(out / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    assert [h for h in header if h in GRU.graded_functions or h.startswith(("rnn", "lstm"))] == list(GRU.order)
    row = {r[header[0]]: r for r in rows}
    assert float(row["correct.py"]["gru_backward"]) == 15.0
    assert float(row["wrong.py"]["gru_backward"]) < 15.0 and float(row["wrong.py"]["gru_forward"]) == 10.0
    results = sorted(p.name for p in out.glob("*.json"))
    assert results == ["correct.py.json", "wrong.py.json"]
    for p in out.glob("*.json"):  # Gradescope's format, the grader's document in extra_data
        assert json.loads(p.read_text())["extra_data"]["details"]["exercise"] == "gru"


def test_rnn_lstm_batch_still_grades_as_before(tmp_path):
    """The default exercise is untouched: its correct submission scores full marks, as rnn_lstm."""
    (doc,) = grade_json(RNN_CORRECT)
    rnn = exercises.get("rnn_lstm")
    assert doc["exercise"] == "rnn_lstm" and doc["score"] == doc["max_score"] == rnn.total_points
    assert [f["name"] for f in doc["functions"]] == list(rnn.order)


def test_mixed_folder_grades_each_batch_as_its_majority(tmp_path):
    """A folder of GRU submissions with one RNN/LSTM file is graded as the GRU (per-file votes)."""
    for i in range(2):
        (tmp_path / f"g{i}.py").write_text(CORRECT.read_text())
    (tmp_path / "r.py").write_text(RNN_CORRECT.read_text())
    docs = {d["submission"]: d for d in grade_json(tmp_path)}
    assert {d["exercise"] for d in docs.values()} == {"gru"}
    assert docs["g0.py"]["score"] == 50.0 and docs["r.py"]["score"] == 0.0


# ----------------------------------------------------------------------------- the exercise's own parts


def test_helper_module_is_one_source():
    """The helper students get (gru_utils) is the reference's own activations.py, byte for byte."""
    helper = ROOT / "grader" / "exercises" / "gru" / "activations.py"
    assert (ROOT / "solutions" / "gru" / "gru_utils.py").read_bytes() == helper.read_bytes()
    assert GRU.helper_module == "gru_utils" and GRU.helper_source == helper.read_text()
    assert GRU.helper_names == {"sigmoid", "softmax"}


def test_exercise_imports_only_the_protocol_of_the_core():
    """grader/exercises/gru/ imports grader.exercise of the core and nothing of another exercise."""
    import ast

    for path in (ROOT / "grader" / "exercises" / "gru").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level == 3:
                    assert node.module == "exercise", (path.name, node.module)
                assert node.level in (0, 1, 3), (path.name, node.level, node.module)
                if node.level == 0:
                    assert not (node.module or "").startswith("grader"), (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("grader") for a in node.names), path.name


def test_black_box_questions_are_bounded_to_the_case():
    """The cell black box answers only questions about the case: shapes, the very parameters, a cache
    of seven items; at most 2 T_x + 2 calls."""
    import numpy as np

    forward, backward = GRU.by_name["gru_forward"], GRU.by_name["gru_backward"]
    case = GRU.hidden_cases(forward, 5)[2]  # n_x=6, n_a=4, m=7, T_x=5
    box = GRU.black_box(forward, case)
    assert box.function == "gru_cell_forward" and box.limit == 2 * 5 + 2
    x, a0, parameters = case.args
    ok = {"xt": x[:, :, 0], "a_prev": a0, "parameters": parameters}
    assert box.check(ok) is None
    assert "has shape (4, 3), expected (4, 7)" in box.check(dict(ok, a_prev=np.ones((4, 3))))
    copied = {k: v.copy() for k, v in parameters.items()}
    assert box.check(dict(ok, parameters=copied)) is None  # equal values are the same parameters
    copied["Wr"] = copied["Wr"] + 1e-12
    assert "must be the parameters your function was given" in box.check(dict(ok, parameters=copied))
    other = GRU.hidden_cases(forward, 5)[3].args[2]
    assert "must be the parameters" in box.check(dict(ok, parameters=other))
    assert "numpy array of real numbers" in box.check(dict(ok, xt=[[1.0]]))

    case = GRU.hidden_cases(backward, 5)[0]
    box = GRU.black_box(backward, case)
    assert box.function == "gru_cell_backward" and box.limit == 2 * case.shape.T_x + 2
    da, (cells, x) = case.args
    assert box.check({"da_next": da[:, :, 0], "cache": cells[0]}) is None
    assert "must be a tuple of 7 items" in box.check({"da_next": da[:, :, 0], "cache": cells[0][:6]})
    bad = cells[0][:5] + (np.ones((2, 2)),) + cells[0][6:]
    assert "in `cache`: `xt` has shape (2, 2)" in box.check({"da_next": da[:, :, 0], "cache": bad})
    assert GRU.black_box(GRU.by_name["gru_cell_forward"], GRU.hidden_cases(GRU.by_name["gru_cell_forward"], 5)[0]) is None


CALL_FLOOD = '''

def gru_forward(x, a0, parameters):
    for _ in range(100000):
        try:
            gru_cell_forward(x[:, :, 0], a0, parameters)
        except Exception:
            pass
    raise AssertionError("never reached: the grader ends the call")
'''


def test_black_box_call_flood_ends_the_call(tmp_path):
    got = hostile(tmp_path, "flood", CALL_FLOOD)
    f = got["gru_forward"]
    assert f["score"] == 0.0, f
    assert "gru_cell_forward called too many times" in f["summary"], f["summary"]
    assert got["gru_backward"]["score"] == 15.0


def test_hidden_cases_are_keyed():
    """The same key gives the same cases; another seed or a secret gives others; sizes pairwise distinct."""
    import numpy as np

    problem = GRU.by_name["gru_cell_forward"]
    a, b = GRU.hidden_cases(problem, 1), GRU.hidden_cases(problem, 1)
    assert all(np.array_equal(x.args[0], y.args[0]) for x, y in zip(a, b))
    for other in (GRU.hidden_cases(problem, 2), GRU.hidden_cases(problem, b"k" * 32), GRU.hidden_cases(problem, b"j" * 32)):
        assert not any(np.array_equal(x.args[0], y.args[0]) for x, y in zip(a, other))
    for case in a:
        s = case.shape
        assert len({s.n_x, s.n_a, s.n_y, s.m}) == 4 or s.m == 1
    assert [c.describe for c in a][1] == "n_x=4, n_a=2, n_y=3, m=5"
    assert GRU.hidden_cases(GRU.by_name["gru_forward"], 1)[1].describe.endswith("T_x=1")
