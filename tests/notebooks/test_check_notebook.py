"""scripts/check_notebook.py: the source notebook (edited in Jupyter) checked against the rubric.

Each defect is made in a copy of the real notebook with nbformat, one cell broken;
the checker must name the cell and what to fix. Fast: nothing is executed in a kernel.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nbhelpers import ROOT, SOURCE_NB, load_script

checker = load_script("check_notebook")
RUBRIC, GRADING = checker.rnn_lstm_rubric()
SOURCE = nbformat.read(str(SOURCE_NB), as_version=4)


def index_of(nb, cell_id: str) -> int:
    return next(i for i, cell in enumerate(nb.cells) if cell.get("id") == cell_id)


def cell(nb, cell_id: str):
    return nb.cells[index_of(nb, cell_id)]


def replace(nb, cell_id: str, old: str, new: str) -> None:
    target = cell(nb, cell_id)
    assert target.source.count(old) == 1, (cell_id, old)
    target.source = target.source.replace(old, new)


def messages(nb, rubric=RUBRIC, grading=GRADING) -> list[str]:
    return [str(problem) for problem in checker.check(nb, rubric, grading)]


def test_the_real_notebook_passes():
    """Does the committed source notebook pass every check against the rubric of grader/exercises/rnn_lstm/problems.py?"""
    assert messages(SOURCE) == []


def test_rubric_is_grader_problems():
    """Is the rubric the checker uses for rnn_lstm the one of grader/exercises/rnn_lstm/problems.py (8 functions, 100 points)?"""
    from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER, TOTAL_POINTS

    assert list(RUBRIC) == list(DISPLAY_ORDER)
    assert all(RUBRIC[name] == BY_NAME[name].weights for name in RUBRIC)
    assert sum(sum(w.values()) for w in RUBRIC.values()) == TOTAL_POINTS == 100


# --------------------------------------------------------------------------- one defect each
def metadata_points(nb):
    cell(nb, "test_rnn_cell_forward").metadata["nbgrader"]["points"] = 12.0


def score_points(nb):
    replace(nb, "test_lstm_forward", "points=15)", "points=16)")


def score_other_function(nb):
    replace(nb, "test_rnn_forward", '_score("rnn_forward", rnn_forward,', '_score("rnn_forward", rnn_cell_forward,')


def markers_missing(nb):
    replace(nb, "rnn_backward", "    ### END SOLUTION\n", "")


def selfcheck_deleted(nb):
    del nb.cells[index_of(nb, "lstm_cell_forward_selfcheck")]


def selfcheck_unlocked(nb):
    cell(nb, "rnn_forward_selfcheck").metadata["nbgrader"]["locked"] = False


def grade_cell_deleted(nb):
    del nb.cells[index_of(nb, "test_lstm_backward")]


def grade_cell_unlocked(nb):
    cell(nb, "test_rnn_cell_backward").metadata["nbgrader"]["locked"] = False


def hidden_tests_markers_missing(nb):
    replace(nb, "test_rnn_cell_forward", "### END HIDDEN TESTS", "")


def solution_deleted(nb):
    del nb.cells[index_of(nb, "lstm_cell_backward")]


def grade_before_solution(nb):
    test = nb.cells.pop(index_of(nb, "test_rnn_forward"))
    nb.cells.insert(index_of(nb, "rnn_forward"), test)


def duplicate_grade_id(nb):
    cell(nb, "rnn_forward_selfcheck").metadata["nbgrader"]["grade_id"] = "rnn_cell_forward_selfcheck"


def missing_grade_id(nb):
    del cell(nb, "imports").metadata["nbgrader"]["grade_id"]


def schema_version(nb):
    cell(nb, "lstm_forward").metadata["nbgrader"]["schema_version"] = 1


def flag_not_boolean(nb):
    cell(nb, "lstm_forward").metadata["nbgrader"]["solution"] = "yes"


def output_committed(nb):
    target = cell(nb, "imports")
    target.outputs = [new_output("stream", name="stdout", text="hello\n")]
    target.execution_count = 3


def summary_points(nb):
    replace(nb, "md-00", "`lstm_backward` (15 points)", "`lstm_backward` (20 points)")


def summary_row_removed(nb):
    replace(nb, "md-00", "`rnn_backward` (10 points)", "`rnn_backward`")


def summary_unknown_function(nb):
    replace(nb, "md-00", "`rnn_backward` (10 points)", "`rnn_backward` (10 points), `gru_forward` (5 points)")


def weights_unknown_function(nb):
    replace(nb, "md-00", "* `rnn_cell_forward`: ", "* `gru_forward`: `a` 5\n* `rnn_cell_forward`: ")


def weights_list(nb):
    replace(nb, "md-00", "* `rnn_cell_forward`: `a_next` 4, `yt_pred` 3", "* `rnn_cell_forward`: `a_next` 3, `yt_pred` 4")


def total_points(nb):
    replace(nb, "md-00", "100 points in all", "90 points in all")


def graded_line(nb):
    replace(nb, "rnn_cell_forward_grading", "*Graded (10 points:", "*Graded (12 points:")


def visible_comment(nb):
    replace(nb, "test_rnn_backward", "# Autograder test of rnn_backward (10 points)",
            "# Autograder test of rnn_backward (5 points)")


def length_hint(nb):
    source = cell(nb, "lstm_cell_forward").source
    n = checker.LENGTH_HINT.search(source).group(1)
    replace(nb, "lstm_cell_forward", f"# ≈ {n} lines", f"# ≈ {int(n) + 3} lines")


def tolerance(nb):
    replace(nb, "md-00", "relative tolerance of 1e-5", "relative tolerance of 1e-4")


def penalty(nb):
    replace(nb, "md-00", "loses 10% of its points", "loses 20% of its points")


def stray_solution(nb):
    extra = new_code_cell("def helper(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION")
    extra.id = "helper"
    extra.metadata["nbgrader"] = {"grade": False, "grade_id": "helper", "locked": False, "schema_version": 3,
                                  "solution": True}
    nb.cells.insert(2, extra)


def stray_graded_cell(nb):
    extra = new_code_cell("assert True")
    extra.id = "bonus"
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "locked": True, "points": 5,
                                  "schema_version": 3, "solution": False}
    nb.cells.insert(2, extra)


DEFECTS = [
    # (the defect, the cell it must name or None for the whole notebook, words of the message)
    (metadata_points, "test_rnn_cell_forward", "nbgrader points is 12.0 but the rubric gives rnn_cell_forward 10"),
    (score_points, "test_lstm_forward", "points=16) but the rubric gives lstm_forward 15"),
    (score_other_function, "test_rnn_forward", "scores another function"),
    (markers_missing, "rnn_backward", "needs exactly one ### BEGIN SOLUTION line followed by one ### END SOLUTION"),
    (selfcheck_deleted, "test_lstm_cell_forward", "no self-check cell between the solution of lstm_cell_forward"),
    (selfcheck_unlocked, "rnn_forward_selfcheck", "the self-check of rnn_forward must be an nbgrader cell that is locked"),
    (grade_cell_deleted, None, "no graded cell scores lstm_backward"),
    (grade_cell_unlocked, "test_rnn_cell_backward", "graded test cell is not locked"),
    (hidden_tests_markers_missing, None, "no graded cell scores rnn_cell_forward"),
    (solution_deleted, None, "no solution cell defines lstm_cell_backward"),
    (grade_before_solution, "test_rnn_forward", "comes before its solution cell"),
    (duplicate_grade_id, "rnn_forward_selfcheck", "grade_id 'rnn_cell_forward_selfcheck' is also the grade_id of cell 5"),
    (missing_grade_id, "imports", "nbgrader cell without a grade_id"),
    (schema_version, "lstm_forward", "schema_version is 1, not 3"),
    (flag_not_boolean, "lstm_forward", "nbgrader 'solution' is 'yes': it must be true or false"),
    (output_committed, "imports", "has outputs or an execution count"),
    (summary_points, "md-00", "gives `lstm_backward` 20 points, the rubric 15"),
    (summary_row_removed, None, "the grading summary does not list `rnn_backward` (10 points)"),
    (summary_unknown_function, "md-00", "the grading summary has `gru_forward`, which the rubric does not grade"),
    (weights_unknown_function, "md-00", "the list of weights has `gru_forward`, which the rubric does not grade"),
    (weights_list, "md-00", "the weights of `rnn_cell_forward` read '`a_next` 3, `yt_pred` 4, `cache` 3'"),
    (total_points, "md-00", "says '90 points in all' but the rubric totals 100"),
    (graded_line, "rnn_cell_forward_grading", "says 'Graded (12 points:"),
    (visible_comment, "test_rnn_backward", "write '# Autograder test of rnn_backward (10 points)'"),
    (length_hint, "lstm_cell_forward", "lines but the solution of lstm_cell_forward has"),
    (tolerance, "md-00", "the text says '1e-4' for the rtol, the grader uses 1e-05"),
    (penalty, "md-00", "the text says '20' for the input mutation penalty"),
    (stray_solution, "helper", "solution cell defines helper, which the rubric does not grade"),
    (stray_graded_cell, "bonus", "graded cell (5 points) without a _score"),
]


@pytest.mark.parametrize("defect, where, words", DEFECTS, ids=[d[0].__name__ for d in DEFECTS])
def test_each_defect_is_reported_at_its_cell(defect, where, words):
    """Does one broken cell in a copy of the notebook give a message naming that cell and what to fix?"""
    nb = copy.deepcopy(SOURCE)
    defect(nb)
    found = checker.check(nb, RUBRIC, GRADING)
    matching = [p for p in found if words in p.message]
    assert matching, f"{words!r} not in {[str(p) for p in found]}"
    if where is None:
        assert any(p.cell is None for p in matching)
    else:
        index = index_of(nb, where)
        assert any(p.cell == index and p.cell_id == where for p in matching), [str(p) for p in matching]
        assert f"cell {index} ({where}): " in str(matching[0])


def test_a_changed_rubric_is_reported_too():
    """When the rubric changes and the notebook does not, are the graded cell, the summary and the text named?"""
    rubric = copy.deepcopy(RUBRIC)
    rubric["rnn_cell_forward"]["a_next"] = 5
    found = messages(SOURCE, rubric)
    test = index_of(SOURCE, "test_rnn_cell_forward")
    assert any(m.startswith(f"cell {test} (test_rnn_cell_forward): nbgrader points is 10.0") for m in found)
    assert any("_score(\"rnn_cell_forward\", ..., points=10) but the rubric gives rnn_cell_forward 11" in m
               for m in found)
    assert any("gives `rnn_cell_forward` 10 points, the rubric 11" in m for m in found)
    assert any("says '100 points in all' but the rubric totals 101" in m for m in found)


def tiny_exercise() -> tuple:
    """A two-function notebook of another shape (a dense layer), written from scratch."""
    def meta(grade_id, grade=False, solution=False, locked=False, points=None):
        m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
        if grade:
            m["points"] = points
        return {"nbgrader": m}

    cells = [new_markdown_cell("# Dense layer\n\n| function | points |\n|---|---|\n"
                               "| `linear_forward` (3 points) | `linear_backward` (6 points) |\n\n"
                               "9 points in all:\n\n* `linear_forward`: `Z` 2, `cache` 1\n"
                               "* `linear_backward`: `dA_prev` 2, `dW` 2, `db` 2")]
    for name, points, body in (("linear_forward", 3, "    Z = W @ A + b\n    cache = (A, W, b)"),
                               ("linear_backward", 6, "    A, W, b = cache\n    dA_prev = W.T @ dZ")):
        cells.append(new_code_cell(f"def {name}(*args):\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION",
                                   metadata=meta(name, solution=True)))
        cells.append(new_code_cell(f'check("{name}", {name})', metadata=meta(f"{name}_check", locked=True)))
        cells.append(new_code_cell(f'### BEGIN HIDDEN TESTS\n_score("{name}", {name}, points={points})\n'
                                   "### END HIDDEN TESTS", metadata=meta(f"test_{name}", grade=True, locked=True,
                                                                          points=points)))
    rubric = {"linear_forward": {"Z": 2, "cache": 1}, "linear_backward": {"dA_prev": 2, "dW": 2, "db": 2}}
    return new_notebook(cells=cells), rubric


def test_another_exercise_with_its_own_rubric():
    """Does the checker serve another exercise (other names, outputs and points), through the command too?"""
    nb, rubric = tiny_exercise()
    assert messages(nb, rubric, {}) == []
    nb.cells[6].metadata["nbgrader"]["points"] = 7
    assert any(m.startswith("cell 6 (") and "nbgrader points is 7 but the rubric gives linear_backward 6" in m
               for m in messages(nb, rubric, {}))


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_notebook.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_command_passes_the_real_notebook():
    """Does `python scripts/check_notebook.py` say OK and exit 0 on the committed notebook?"""
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK (8 graded functions, 100 points, as the rubric)" in result.stdout


def test_command_reports_and_exits_1(tmp_path):
    """Does the command print one line per problem, naming the cell, and exit 1?"""
    nb = copy.deepcopy(SOURCE)
    metadata_points(nb)
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(path))
    result = run(path)
    assert result.returncode == 1
    index = index_of(nb, "test_rnn_cell_forward")
    assert f"{path}: cell {index} (test_rnn_cell_forward): nbgrader points is 12.0" in result.stdout
    assert "Traceback" not in result.stderr


def test_command_with_a_rubric_file(tmp_path):
    """Does --rubric FILE check another exercise's notebook, and a bad rubric file get a message?"""
    nb, rubric = tiny_exercise()
    nbformat.write(nb, str(tmp_path / "dense.ipynb"))
    (tmp_path / "rubric.json").write_text(json.dumps({"functions": rubric}))
    result = run(tmp_path / "dense.ipynb", "--rubric", tmp_path / "rubric.json")
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "bad.json").write_text('{"functions": {"f": {"y": "two"}}}')
    result = run(tmp_path / "dense.ipynb", "--rubric", tmp_path / "bad.json")
    assert result.returncode == 1 and "with numbers as points" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content, words", [(b"{not json", "cannot read"), (b"\xff\xfe", "cannot read"),
                                            (None, "no such file")])
def test_command_on_a_file_that_is_not_a_notebook(tmp_path, content, words):
    """Is a missing, non-JSON or non-UTF-8 file one clear message and exit 1, never a traceback?"""
    path = tmp_path / "x.ipynb"
    if content is not None:
        path.write_bytes(content)
    result = run(path)
    assert result.returncode == 1
    assert words in result.stdout + result.stderr and "Traceback" not in result.stderr
