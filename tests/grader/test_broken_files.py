"""Broken files get a clear answer: a result, 0 for what is missing, a message
saying what was wrong, exit status 0; and they do not disturb a batch."""
from __future__ import annotations

import json
import shutil

import pytest


# fixture -> words the file-level messages must contain (case-insensitive), and
# whether nothing at all is graded (every function 0) or the file grades fully.
NOTHING = "nothing"
EVERYTHING = "everything"
CASES = {
    "invalid-json.ipynb": (NOTHING, ("not valid json", "saved completely")),
    "empty-notebook.ipynb": (NOTHING, ("no cells",)),
    "empty.py": (NOTHING, ("no graded function",)),
    "no-graded-function.ipynb": (NOTHING, ("no graded function", "rnn_cell_forward")),
    "binary-junk.ipynb": (NOTHING, ("not valid json",)),
    "binary-junk.py": (NOTHING, ("no graded function",)),
    "not-a-notebook.ipynb": (NOTHING, ("not a notebook",)),
    "cells-not-a-list.ipynb": (NOTHING, ("no 'cells' list",)),
    "python-saved-as-notebook.ipynb": (NOTHING, ("not valid json",)),
    "nul-byte.py": (EVERYTHING, ("nul bytes",)),
    "not-utf8.py": (EVERYTHING, ("not valid utf-8",)),
    "nbformat3.ipynb": (EVERYTHING, ()),
}


def messages(result: dict) -> str:
    return "\n".join(result["messages"]).lower()


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_broken_file_gets_a_result_and_a_message(kit, fixture):
    """Does each broken file get one result, exit 0, the right scores and a message saying what was wrong?"""
    expect, words = CASES[fixture]
    [result] = kit.grade_json(kit.BROKEN / fixture)
    assert result["submission"] == fixture
    got = kit.scores(result)
    assert set(got) == set(kit.FULL_MARKS)
    if expect == NOTHING:
        assert result["score"] == 0.0
        for name in got:
            f = kit.function(result, name)
            assert f["problem"], (name, f)  # each function says why it was not graded
            assert "not found" in f["problem"] or "could not be read" in f["problem"], f["problem"]
    else:
        assert got == kit.FULL_MARKS, got
    for word in words:
        assert word in messages(result), (word, result["messages"])


def test_syntax_error_in_one_cell_spares_the_other_cells(kit):
    """Does a syntax error in one cell cost only that cell's function, with a message naming the cell and line?"""
    [result] = kit.grade_json(kit.BROKEN / "syntax-error-in-one-cell.ipynb")
    got = kit.scores(result)
    assert got["lstm_backward"] == 0.0
    assert {k: v for k, v in got.items() if k != "lstm_backward"} == {
        k: v for k, v in kit.FULL_MARKS.items() if k != "lstm_backward"}
    text = messages(result)
    assert "syntax error" in text and "cell 9" in text and "line 1" in text, result["messages"]
    assert "not found" in kit.function(result, "lstm_backward")["problem"]


def test_unreadable_file_gets_a_result(kit, tmp_path):
    """Does a submission the grader cannot read (missing, or a folder named .py) still get a result?"""
    from grader import submission

    missing = submission.read(tmp_path / "gone.ipynb")
    assert missing.fatal and "could not read" in missing.fatal
    folder_named_py = tmp_path / "folder.py"
    folder_named_py.mkdir()
    sub = submission.read(folder_named_py)
    assert sub.fatal and "could not read" in sub.fatal


def test_text_output_for_a_broken_file(kit):
    """Does the text table say what was wrong with an invalid notebook, with exit status 0?"""
    proc = kit.run_cli("grade", kit.BROKEN / "invalid-json.ipynb", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert "invalid-json.ipynb: 0 / 100" in proc.stdout
    assert "not valid JSON" in proc.stdout


@pytest.mark.slow
def test_batch_of_correct_and_broken_files(kit, tmp_path):
    """In a folder of one correct and every broken file, does the correct one get 100 and every file exactly one result?"""
    folder = tmp_path / "submitted"
    shutil.copytree(kit.BROKEN, folder)
    shutil.copy(kit.CORRECT, folder / "aaa-correct.py")
    out = tmp_path / "out"
    proc = kit.run_cli("grade", folder, "--format", "json", "--timeout", kit.FAST_TIMEOUT, "--jobs", "2",
                       "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    names = sorted(p.name for p in folder.iterdir())
    assert sorted(r["submission"] for r in results) == names  # exactly one each
    by_name = {r["submission"]: r for r in results}
    assert by_name["aaa-correct.py"]["score"] == 100.0
    for name, (expect, _) in CASES.items():
        assert by_name[name]["score"] == (0.0 if expect == NOTHING else 100.0), name
    rows = (out / "grades.csv").read_text().strip().split("\n")
    assert len(rows) == 1 + len(names)
    assert sorted(p.name for p in out.glob("*.json")) == sorted(n + ".json" for n in names)
