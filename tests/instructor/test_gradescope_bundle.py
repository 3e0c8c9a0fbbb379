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

from grader.exercises.rnn_lstm.problems import DISPLAY_ORDER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.schema.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    proc = cli("gradescope-bundle", out)
    assert proc.returncode == 0, proc.stderr
    return out


def autograder(bundle: Path, tmp_path: Path, files: dict[str, Path | str],
               links: dict[str, Path] | None = None) -> tuple[dict, subprocess.CompletedProcess]:
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
    for name, points_to in (links or {}).items():
        (root / "submission" / name).symlink_to(points_to)
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


def bundled_secret(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as z:
        return z.read("grader-secret.key").decode().strip()


@pytest.mark.slow
def test_several_files_grade_only_the_expected_notebook(bundle, tmp_path):
    """With a buggy rnn_lstm.ipynb and a correct .py in one upload, is only the notebook graded (its own
    score, not the best of both), the other file named as not graded, and the secret in no output?"""
    doc, proc = autograder(bundle, tmp_path, {"rnn_lstm.ipynb": EXAMPLES / "buggy.ipynb",
                                              "extra/solution.py": EXAMPLES / "correct.py",
                                              "rnn_utils.py": "def sigmoid(x):\n    return x\n"})
    jsonschema.validate(doc, SCHEMA)
    alone, _ = autograder(bundle, tmp_path / "alone", {"rnn_lstm.ipynb": EXAMPLES / "buggy.ipynb"})
    assert doc["score"] == alone["score"] < 100
    assert [t["score"] for t in doc["tests"]] == [t["score"] for t in alone["tests"]]
    assert "graded rnn_lstm.ipynb (not graded: extra/solution.py)" in doc["output"]
    key = bundled_secret(bundle)
    assert key not in json.dumps(doc) and key not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_only_gradable_file_is_graded_whatever_its_name(bundle, tmp_path):
    """Is an upload holding one .py (and the course's own modules) graded as that file?"""
    doc, _ = autograder(bundle, tmp_path, {"my_work.py": EXAMPLES / "correct.py",
                                           "selfcheck.py": "raise SystemExit\n"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 100 and "graded my_work.py (the only notebook or Python file" in doc["output"]


@pytest.mark.slow
def test_several_files_without_the_expected_name_get_zero_and_the_list(bundle, tmp_path):
    """Two correct files, neither named rnn_lstm.ipynb: is the upload given 0 with a message that lists
    both and says what to upload (no best-of-several)?"""
    doc, _ = autograder(bundle, tmp_path, {"a.py": EXAMPLES / "correct.py", "sub/b.py": EXAMPLES / "correct.py"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0 and all(t["score"] == 0 for t in doc["tests"])
    assert "2 gradable files (a.py, sub/b.py)" in doc["output"] and "rnn_lstm.ipynb" in doc["output"]


def test_choose_rule(tmp_path):
    """The rule itself: the shallowest rnn_lstm.ipynb; a tie at one depth, or several other files, choose
    none; checkpoints, hidden folders and course modules are not candidates."""
    from grader.bundle import choose

    def upload(*names):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("x = 1\n")
        return folder

    path, why = choose(upload("deep/rnn_lstm.ipynb", "rnn_lstm.ipynb", "other.py"))
    assert path.relative_to(path.parents[0]).as_posix() == "rnn_lstm.ipynb" and path.parent.name != "deep"
    assert why == "graded rnn_lstm.ipynb (not graded: deep/rnn_lstm.ipynb, other.py)"
    path, why = choose(upload("a/rnn_lstm.ipynb", "b/rnn_lstm.ipynb"))
    assert path is None and "2 files named rnn_lstm.ipynb (a/rnn_lstm.ipynb, b/rnn_lstm.ipynb)" in why
    path, why = choose(upload("work.ipynb", ".ipynb_checkpoints/work-checkpoint.ipynb", ".hidden/x.py",
                              "rnn_utils.py"))
    assert path is not None and path.name == "work.ipynb"
    path, why = choose(upload("notes.txt"))
    assert path is None and "no notebook" in why


def test_each_bundle_gets_its_own_secret_unless_given(cli, tmp_path):
    """Do two bundles hold different secrets (mode 0600 in the zip, the zip itself 0600), and does
    --secret FILE put that secret in?"""
    first, second, given = tmp_path / "a.zip", tmp_path / "b.zip", tmp_path / "c.zip"
    assert cli("gradescope-bundle", first).returncode == 0 and cli("gradescope-bundle", second).returncode == 0
    assert bundled_secret(first) != bundled_secret(second) and len(bytes.fromhex(bundled_secret(first))) == 32
    with zipfile.ZipFile(first) as z:
        assert (z.getinfo("grader-secret.key").external_attr >> 16) & 0o777 == 0o600
        assert not any(n.startswith("grader-src/") and "secret.key" in n for n in z.namelist())
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    key = tmp_path / "course.key"
    assert cli("init-secret", key).returncode == 0
    proc = cli("gradescope-bundle", given, "--secret", key)
    assert proc.returncode == 0, proc.stderr
    assert bundled_secret(given) == key.read_text().strip()


@pytest.mark.slow
def test_a_link_to_the_secret_is_not_graded(bundle, tmp_path):
    """An upload whose rnn_lstm.ipynb (or only .py) is a symbolic link to the autograder's secret: is it
    refused with a message, and the secret in no output (a parse error quoting the file would show it)?"""
    root = tmp_path / "autograder"
    doc, proc = autograder(bundle, tmp_path, {"notes.txt": "x"}, links={
        "rnn_lstm.ipynb": root / "source" / "grader-secret.key", "work.py": root / "source" / "grader-secret.key"})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0 and "only links" in doc["output"]
    key = bundled_secret(bundle)
    assert key not in json.dumps(doc) and key not in proc.stdout + proc.stderr
