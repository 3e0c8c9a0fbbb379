"""Does nbgrader accept the GRU source notebook, and does the release it generates work for a student?

`nbgrader generate_assignment gru` runs in a temporary course (the
repository's nbgrader_config.py and solutions/gru/ only). The release must
have no solution code and no hidden tests, keep every other file beside the
notebook, and, run in a real kernel, have every self-check say "not
implemented" and every closing cell say what it needs, with no error.
The committed release and its generator script are the wiring step's
(scripts/make_release.py knows rnn_lstm only), so nothing is compared with a
committed assignments/gru/ here.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from grader.exercises.gru.rubric import RUBRIC
from gru_nbhelpers import IGNORE, ROOT, SOURCE_DIR, errors, execute, is_selfcheck_cell, is_test_cell, stream_text

pytestmark = [pytest.mark.nbgrader, pytest.mark.kernel, pytest.mark.slow]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SOURCE_DIR, course / "solutions" / "gru", ignore=IGNORE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "gru", "--force"],
                          cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    return course / "assignments" / "gru"


def test_release_has_the_files_and_no_solution(release):
    """Does the release carry the helpers, cases and diagram, and no solution code or hidden test?"""
    for name in ("gru.ipynb", "gru_utils.py", "selfcheck.py", "baselines.py", "public_cases.npz", "images/gru_cell.png"):
        assert (release / name).is_file(), name
    nb = nbformat.read(str(release / "gru.ipynb"), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    for marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "_score(", "from grader"):
        assert marker not in text, marker
    for fn in RUBRIC:
        cell = next(c for c in nb.cells if c.get("id") == fn)
        assert "raise NotImplementedError()" in cell.source and f"def {fn}(" in cell.source


def test_release_runs_and_says_not_implemented(release):
    """Run in a kernel: does every self-check say 'not implemented' and every closing cell what it needs?"""
    nb = nbformat.read(str(release / "gru.ipynb"), as_version=4)
    execute(nb, release)
    seen = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not errors(cell), f"cell {cell.id} raised in the release"
        out = stream_text(cell, "stdout")
        if is_selfcheck_cell(cell):
            name = cell.id[: -len("_selfcheck")]
            seen.append(name)
            assert out.strip() == f"✗ {name}: not implemented yet (it raises NotImplementedError)"
        elif is_test_cell(cell):
            assert not cell.outputs, cell.id
        elif cell.id in ("gradient_check_gru_cell", "gradient_check_gru", "gradient_flow", "gradient_flow_settings"):
            assert out.startswith("✗ ") and "did not run: it needs gru_cell_forward" in out, (cell.id, out)
    assert seen == list(RUBRIC)
