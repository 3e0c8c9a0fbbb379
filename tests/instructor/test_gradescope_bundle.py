"""The Gradescope autograder zip: its scripts, and run_autograder on a temporary /autograder."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader.problems import DISPLAY_ORDER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.schema.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    proc = cli("gradescope-bundle", out)
    assert proc.returncode == 0, proc.stderr
    return out


def autograder(bundle: Path, tmp_path: Path, files: dict[str, Path | str]) -> tuple[dict, subprocess.CompletedProcess]:
    """Unzip into tmp_path/autograder/source as Gradescope does, lay out submission/, run run_autograder
    with the bundled grader source first on the path; return (results.json, the run)."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "run_autograder", 0o755)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable,
               PYTHONPATH=str(root / "source" / "grader-src"))
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text()), proc


def student_visible(doc: dict) -> str:
    return "\n".join([doc["output"]] + [t["name"] + "\n" + t["output"] for t in doc["tests"]])


def test_zip_layout_and_scripts(bundle, tmp_path):
    """Does the zip hold setup.sh and an executable run_autograder at its root, valid bash, and the grader's source?"""
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        z.extractall(tmp_path)
    assert {"setup.sh", "run_autograder", "grader-src/pyproject.toml", "grader-src/grader/__main__.py",
            "grader-src/grader/worker.py"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    for script in ("setup.sh", "run_autograder"):
        check = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    setup = (tmp_path / "setup.sh").read_text()
    assert "apt-get install -y" in setup and "bubblewrap" in setup and "grader-src" in setup
    run = (tmp_path / "run_autograder").read_text()
    assert "-m grader grade" in run and "--format gradescope" in run


def test_bundled_source_is_what_runs(bundle, tmp_path):
    """With the bundle's environment, is the grader imported from the bundled source, not from this checkout?"""
    root = tmp_path / "source"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root)
    proc = subprocess.run([sys.executable, "-c", "import grader; print(grader.__file__)"], capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(root / "grader-src")), cwd=tmp_path)
    assert Path(proc.stdout.strip()).is_relative_to(root / "grader-src")


@pytest.mark.slow
def test_correct_notebook_gets_full_marks(bundle, tmp_path):
    """Does run_autograder grade a correct upload into a schema-valid results.json with 100 points, all visible?"""
    doc, _ = autograder(bundle, tmp_path, {"correct.py": EXAMPLES / "correct.py"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 100
    assert [t["name"] for t in doc["tests"]] == list(DISPLAY_ORDER)
    assert all(t["visibility"] == "visible" for t in doc["tests"])  # a hidden test would hide the total


@pytest.mark.slow
def test_students_do_not_see_hidden_case_details(bundle, tmp_path):
    """On a buggy notebook: is the diagnosis visible, each hidden case named by number only, and the
    unabridged feedback left to the instructors' stdout?"""
    doc, proc = autograder(bundle, tmp_path, {"rnn_lstm.ipynb": EXAMPLES / "buggy.ipynb"})
    jsonschema.validate(doc, SCHEMA)
    visible = student_visible(doc)
    assert "the tanh on the cell state is missing" in visible
    assert "[hidden case 1]" in visible
    for detail in ("n_x=", "n_a=", "m=1"):
        assert detail not in visible
    assert doc["stdout_visibility"] == "hidden" and doc["visibility"] == "visible"
    assert "n_x=" in proc.stdout  # the instructor's view


@pytest.mark.slow
def test_empty_upload_gets_a_message(bundle, tmp_path):
    """Does an upload with no notebook get score 0 and a message saying what to upload, in a valid results.json?"""
    doc, _ = autograder(bundle, tmp_path, {"notes.txt": "hello"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0 and "upload your completed" in doc["output"]


@pytest.mark.slow
def test_several_files_merge_best_per_function(bundle, tmp_path):
    """With a buggy notebook and a correct .py in one upload, does each function get its best score, the
    file named in its feedback, and the course's own modules ignored?"""
    doc, _ = autograder(bundle, tmp_path, {"rnn_lstm.ipynb": EXAMPLES / "buggy.ipynb",
                                           "extra/solution.py": EXAMPLES / "correct.py",
                                           "rnn_utils.py": "def sigmoid(x):\n    return x\n"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 100
    assert "2 gradable files" in doc["output"]
    assert all(t["output"].startswith("(from ") for t in doc["tests"])
