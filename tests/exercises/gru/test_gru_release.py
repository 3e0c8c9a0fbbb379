"""Does nbgrader accept the GRU source notebook, and does the release it generates work for a student?

`nbgrader generate_assignment gru` runs in a temporary course (the
repository's nbgrader_config.py and solutions/gru/ only). The release must
have no solution code and no hidden tests, keep every other file beside the
notebook, and, run in a real kernel, have every self-check say "not
implemented" and every closing cell say what it needs, with no error.
The committed release assignments/gru/ must be exactly what
`python scripts/make_release.py --exercise gru` writes from the source now.
It ships baselines.py (the previous exercise's RNN and LSTM, for the
gradient-flow experiment): the GRU release is published only after the
RNN/LSTM deadline (docs/exercises.md), and the RNN/LSTM release has no such file.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from grader.exercises.gru.rubric import RUBRIC
from grader import exercise as exercises
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


COMMITTED = ROOT / "assignments" / "gru"


def files(folder):
    return {p.relative_to(folder): p for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def load_make_release():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_release", ROOT / "scripts" / "make_release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_release_is_up_to_date(tmp_path):
    """Does `make_release.py --exercise gru`, run in a copy of the course, give the committed files?"""
    make_release = load_make_release()
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SOURCE_DIR, course / "solutions" / "gru", ignore=IGNORE)
    gru = exercises.get("gru")
    generated = make_release.generate(course, gru.folder)
    assert generated == course / "assignments" / "gru"
    want, got = files(COMMITTED), files(generated)
    assert sorted(map(str, got)) == sorted(map(str, want)), \
        "the release has other files: run python scripts/make_release.py --exercise gru"
    for name, path in want.items():
        if path.suffix == ".ipynb":
            a = nbformat.read(str(path), as_version=4)
            b = nbformat.read(str(got[name]), as_version=4)
            assert a == b, f"{name} differs from a fresh release: run python scripts/make_release.py --exercise gru"
        else:
            assert path.read_bytes() == got[name].read_bytes(), \
                f"{name} differs: run python scripts/make_release.py --exercise gru"


def test_committed_release_has_no_solution_and_its_baselines_say_when_to_publish():
    """The committed notebook is stubbed; baselines.py (RNN/LSTM solutions) says the release waits for
    the RNN/LSTM deadline, and the RNN/LSTM release carries no baselines.py."""
    nb = nbformat.read(str(COMMITTED / "gru.ipynb"), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    for marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "_score(", "from grader"):
        assert marker not in text, marker
    assert "release this notebook after that exercise's deadline" in (COMMITTED / "baselines.py").read_text()
    assert not (ROOT / "assignments" / "rnn_lstm" / "baselines.py").exists()
    assert (COMMITTED / "gru_utils.py").read_bytes() == (ROOT / "grader" / "exercises" / "gru" / "activations.py").read_bytes()
