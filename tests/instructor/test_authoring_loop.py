"""docs/instructor.md's authoring loop, run verbatim in a copy of the repository: edit, check, release.

The edit is what saving in Jupyter does to the file (the notebook rewritten by
nbformat with one cell changed). The loop's commands run with the shell exactly
as the guide writes them, with the real nbgrader.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest

# the guide's blocks, the copy of the repository and its environment, as the nbgrader workflow test has them
from test_nbgrader_workflow import ROOT, copy_repository, environment, guide_block

NOTEBOOK = Path("solutions") / "rnn_lstm" / "rnn_lstm.ipynb"
RELEASE = Path("assignments") / "rnn_lstm" / "rnn_lstm.ipynb"

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def run_line(line: str, course: Path) -> subprocess.CompletedProcess:
    return subprocess.run(line, shell=True, executable="/bin/bash", cwd=course, env=environment(course),
                          capture_output=True, text=True, timeout=900)


def commands(name: str) -> list[str]:
    return [line for line in guide_block(name) if not line.lstrip().startswith("#")]


@pytest.fixture
def course(tmp_path):
    return copy_repository(tmp_path / "rnn-course")


def edit(course: Path, cell_id: str, change) -> None:
    path = course / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    change(next(c for c in nb.cells if c.get("id") == cell_id))
    nbformat.write(nb, str(path))


def test_guide_loop_puts_an_edit_into_the_release(course):
    """Does an edit of the notebook's text, followed by the guide's loop, reach the release (and nothing else)?"""
    sentence = "A sentence the instructor added in Jupyter."
    edit(course, "md-02", lambda cell: setattr(cell, "source", cell.source + "\n\n" + sentence))
    lines = commands("authoring")
    assert any(line.startswith("python scripts/check_notebook.py") for line in lines)
    assert lines[-1] == "python scripts/make_release.py"
    for line in lines:
        proc = run_line(line, course)
        assert proc.returncode == 0, f"`{line}` failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    release = nbformat.read(str(course / RELEASE), as_version=4)
    committed = nbformat.read(str(ROOT / RELEASE), as_version=4)
    changed = [c.get("id") for c, d in zip(release.cells, committed.cells) if c != d]
    assert changed == ["md-02"] and release.cells[2].source.endswith(sentence)
    assert len(release.cells) == len(committed.cells)


def test_guide_check_stops_a_wrong_edit(course):
    """Does the loop's first command fail on an edit that breaks the rubric, naming the cell and the fix?"""
    def repoint(cell):
        cell.metadata["nbgrader"]["points"] = 12.0
    edit(course, "test_rnn_cell_forward", repoint)
    check = next(line for line in commands("authoring") if line.startswith("python scripts/check_notebook.py"))
    proc = run_line(check, course)
    assert proc.returncode == 1
    assert ("cell 7 (test_rnn_cell_forward): nbgrader points is 12.0 but the rubric gives rnn_cell_forward 10: "
            "set the cell's points to 10") in proc.stdout
    assert "Traceback" not in proc.stderr
