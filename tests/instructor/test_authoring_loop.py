"""docs/instructor.md's authoring loop, run verbatim in a copy of the repository: edit, check, release.

The edit is what saving in Jupyter does to the file (the notebook rewritten by
nbformat with one cell changed). The loop's commands run with the shell exactly
as the guide writes them, with the real nbgrader.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "instructor.md"
COPIED = ("nbgrader_config.py", "pyproject.toml", "grader", "scripts", "solutions", "assignments")
NOTEBOOK = Path("solutions") / "rnn_lstm" / "rnn_lstm.ipynb"
RELEASE = Path("assignments") / "rnn_lstm" / "rnn_lstm.ipynb"

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def guide_block(name: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- workflow: {name} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, f"docs/instructor.md has no tested block {name!r}"
    return [line for line in match.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_line(line: str, course: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RNN_GRADER")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    env["PYTHONPATH"] = str(course)
    return subprocess.run(line, shell=True, executable="/bin/bash", cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture
def course(tmp_path):
    course = tmp_path / "rnn-course"
    course.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, course / name, ignore=ignore)
        else:
            shutil.copy(src, course / name)
    return course


def edit(course: Path, cell_id: str, change) -> None:
    path = course / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    change(next(c for c in nb.cells if c.get("id") == cell_id))
    nbformat.write(nb, str(path))


def test_guide_loop_puts_an_edit_into_the_release(course):
    """Does an edit of the notebook's text, followed by the guide's loop, reach the release (and nothing else)?"""
    sentence = "A sentence the instructor added in Jupyter."
    edit(course, "md-02", lambda cell: setattr(cell, "source", cell.source + "\n\n" + sentence))
    lines = guide_block("authoring")
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
    check = next(line for line in guide_block("authoring") if line.startswith("python scripts/check_notebook.py"))
    proc = run_line(check, course)
    assert proc.returncode == 1
    assert ("cell 7 (test_rnn_cell_forward): nbgrader points is 12.0 but the rubric gives rnn_cell_forward 10: "
            "set the cell's points to 10") in proc.stdout
    assert "Traceback" not in proc.stderr
