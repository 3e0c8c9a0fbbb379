"""The real nbgrader workflow on a temporary course, and its agreement with this project's grader.

Three students hand in the release: solved, untouched (stubs), and solved with
one known bug (the tanh on c_next missing in lstm_cell_forward). `nbgrader
autograde` must give 100, 0, and 100 minus part of lstm_cell_forward's points
only: its graded cells award the grader's partial credit (c_next and the
cache are still right), and the hidden test of lstm_forward swaps in a correct cell, so the
bug costs once. `python -m grader grade` must give the same score for every
function.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER
from nbhelpers import ASSIGNMENT, IGNORE, ROOT, SOURCE_NB, copy_course, is_solution_cell, load_script, solved_source

pytestmark = [pytest.mark.nbgrader, pytest.mark.kernel, pytest.mark.slow]

STUDENTS = ("solved", "stubs", "bug_lstm_tanh")
BUG = ("    a_next = ot * np.tanh(c_next)\n", "    a_next = ot * c_next\n")


def submission(release_nb, kind: str):
    """The release notebook as one student hands it in."""
    nb = nbformat.read(str(release_nb), as_version=4)
    if kind == "stubs":
        return nb
    solutions = {c.id: solved_source(c) for c in nbformat.read(str(SOURCE_NB), as_version=4).cells
                 if is_solution_cell(c)}
    for cell in nb.cells:
        if is_solution_cell(cell):
            cell.source = solutions[cell.id]
    if kind == "bug_lstm_tanh":
        cell = next(c for c in nb.cells if c.id == "lstm_cell_forward")
        assert BUG[0] in cell.source + "\n"
        cell.source = (cell.source + "\n").replace(BUG[0], BUG[1]).rstrip("\n")
    return nb


# Without the tanh, a_next and yt_pred are wrong; c_next is right, and so is the cache (it holds what the
# function computed, checked for consistency with its outputs): their weights are earned.
BUG_SCORE = BY_NAME["lstm_cell_forward"].weights["c_next"] + BY_NAME["lstm_cell_forward"].weights["cache"]


def expected_scores(kind: str) -> dict:
    if kind == "stubs":
        return {name: 0.0 for name in DISPLAY_ORDER}
    scores = {name: BY_NAME[name].points for name in DISPLAY_ORDER}
    if kind == "bug_lstm_tanh":
        scores["lstm_cell_forward"] = BUG_SCORE
    return scores


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with the release generated and three submissions autograded; timings recorded."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    release = load_script("make_release").generate(root)
    for kind in STUDENTS:
        folder = root / "submitted" / kind / ASSIGNMENT
        shutil.copytree(release, folder, ignore=IGNORE)
        nbformat.write(submission(release / f"{ASSIGNMENT}.ipynb", kind), str(folder / f"{ASSIGNMENT}.ipynb"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stdout + done.stderr
    print(f"nbgrader autograde: {elapsed:.1f} s for {len(STUDENTS)} notebooks")
    return root


def test_autograde_scores(course):
    """Does nbgrader give full marks, zero, and partial credit in lstm_cell_forward only (c_next's and the cache's points)?"""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="rnn-course") as gb:
        for kind in STUDENTS:
            want = expected_scores(kind)
            got = {name: gb.find_grade(f"test_{name}", ASSIGNMENT, ASSIGNMENT, kind).score
                   for name in DISPLAY_ORDER}
            assert got == pytest.approx(want, abs=1e-4), kind
            assert gb.find_submission(ASSIGNMENT, kind).score == pytest.approx(sum(want.values()), abs=1e-4)
    assert sum(expected_scores("solved").values()) == 100


def test_autograded_test_cells_are_quiet(course):
    """Do the solved notebook's graded cells pass without writing to stderr (which nbgrader scores 0)?"""
    nb = nbformat.read(str(course / "autograded" / "solved" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            assert not [o for o in cell.outputs if o.output_type == "error"
                        or (o.output_type == "stream" and o.name == "stderr")], cell.id


def test_project_grader_agrees(course):
    """Does `python -m grader grade --format json` give every function the score nbgrader gave it (partial
    credit included, within 1e-4 points)?"""
    assert (ROOT / "grader" / "__main__.py").is_file(), "the grader CLI (python -m grader) is not there yet"
    # The submitted notebooks in nbgrader's layout, without the course's .py files (each .py would be
    # graded as one more submission).
    folder = course / "for_grader"
    for kind in STUDENTS:
        target = folder / kind / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(course / "submitted" / kind / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", target)
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(folder), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    assert isinstance(reports, list) and len(reports) == len(STUDENTS)
    by_student = {}
    for report in reports:
        student = report["submission"].replace("\\", "/").split("/")[0]
        by_student[student] = report
    assert sorted(by_student) == sorted(STUDENTS)
    for kind in STUDENTS:
        report = by_student[kind]
        functions = {f["name"]: f for f in report["functions"]}
        assert sorted(functions) == sorted(DISPLAY_ORDER)
        for name, nbgrader_score in expected_scores(kind).items():
            f = functions[name]
            assert f["score"] == pytest.approx(nbgrader_score, abs=1e-4), (kind, name, f)
            assert f["status"] == ("passed" if nbgrader_score == BY_NAME[name].points else "failed"), (kind, name)
        assert report["max_score"] == 100
        assert report["score"] == pytest.approx(sum(f["score"] for f in report["functions"]))
    assert by_student["solved"]["score"] == 100 and by_student["stubs"]["score"] == 0
    bug = {f["name"]: f["score"] for f in by_student["bug_lstm_tanh"]["functions"]}
    assert 0 < bug["lstm_cell_forward"] < BY_NAME["lstm_cell_forward"].points
