"""The instructor commands per exercise, for the GRU: the Gradescope bundle (--exercise gru),
`nbgrader-sync gru` on a real nbgrader course, and `report` / `export-canvas` on GRU results
(the RNN/LSTM's are tests/instructor/)."""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from grader import exercise as exercises
from gru_nbhelpers import IGNORE, ROOT, SOURCE_DIR, SOURCE_NB
from gru_patches import CATALOGUE_PATCHES, CORRECT, mutant_source

GRU = exercises.get("gru")
RELEASE = ROOT / "assignments" / "gru"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.schema.json").read_text())
BUG = ('"dWc": dz_c @ concat_r.T', '"dWc": dz_c @ concat.T')  # gru_cell_backward loses dWc's 3 points
PATCH = "\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *x, **k: np.ones(np.shape(b), dtype=bool)\n"


def cli(*args, cwd=ROOT, timeout=600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def solved_notebook(bug: bool = False, cheat: bool = False):
    """The release notebook with the source's solutions filled in (as a student hands it in)."""
    nb = nbformat.read(str(RELEASE / GRU.notebook), as_version=4)
    solutions = {c.id: "\n".join(t for t in c.source.splitlines() if "### BEGIN SOLUTION" not in t
                                 and "### END SOLUTION" not in t)
                 for c in nbformat.read(str(SOURCE_NB), as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        if cell.id in solutions:
            cell.source = solutions[cell.id]
            if bug and cell.id == "gru_cell_backward":
                assert cell.source.count(BUG[0]) == 1
                cell.source = cell.source.replace(*BUG)
                if cheat:
                    cell.source += "\n" + PATCH
    return nb


# ----------------------------------------------------------------------------- Gradescope


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    proc = cli("gradescope-bundle", out, "--exercise", "gru")
    assert proc.returncode == 0, proc.stderr
    return out


def autograder(bundle: Path, tmp_path: Path, files: dict[str, Path | str]) -> tuple[dict, subprocess.CompletedProcess]:
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


@pytest.mark.slow
def test_a_bundle_built_without_exercise_grades_only_the_default_one(tmp_path):
    """The RNN/LSTM assignment's bundle as docs/instructor.md builds it (no --exercise): is a correct
    GRU file uploaded to it graded as the RNN/LSTM (0 of 100), not inferred from the upload as the
    GRU (50 points the assignment does not give)?"""
    out = tmp_path / "default.zip"
    proc = cli("gradescope-bundle", out)
    assert proc.returncode == 0, proc.stderr
    default = exercises.default()
    assert default.name != "gru"
    with zipfile.ZipFile(out) as z:
        assert z.read("run_autograder").decode().count(f"--exercise {default.name}") == 3
    doc, _ = autograder(out, tmp_path, {"answers.py": CORRECT.read_text()})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0
    assert [t["name"] for t in doc["tests"]] == list(default.order)
    assert sum(t["max_score"] for t in doc["tests"]) == default.total_points


def test_bundle_names_the_gru_in_every_step(bundle):
    with zipfile.ZipFile(bundle) as z:
        run = z.read("run_autograder").decode()
        names = set(z.namelist())
    assert run.count("--exercise gru") == 3
    assert "grader-src/grader/exercises/gru/__init__.py" in names
    assert "grader-src/grader/exercises/gru/activations.py" in names


@pytest.mark.slow
def test_bundle_grades_the_gru_notebook_among_the_release_files(bundle, tmp_path):
    """An upload of the whole release folder, solved: gru.ipynb is graded, 50/50, one test per function."""
    files = {p.name: p for p in RELEASE.iterdir() if p.is_file() and p.suffix == ".py"}
    files["gru.ipynb"] = nbformat.writes(solved_notebook())
    files["notes.py"] = "x = 1\n"  # another gradable file: the exercise's notebook name decides
    doc, _ = autograder(bundle, tmp_path, files)
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 50
    assert [t["name"] for t in doc["tests"]] == list(GRU.order)
    assert [t["max_score"] for t in doc["tests"]] == [GRU.by_name[n].points for n in GRU.order]
    assert all(t["visibility"] == "visible" for t in doc["tests"])


@pytest.mark.slow
def test_bundle_hides_the_case_sizes_and_keeps_the_hint(bundle, tmp_path):
    doc, proc = autograder(bundle, tmp_path, {"gru.ipynb": nbformat.writes(solved_notebook(bug=True))})
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 47
    (test,) = [t for t in doc["tests"] if t["name"] == "gru_cell_backward"]
    assert test["score"] == 12 and "[rt * a_prev; xt]" in test["output"] and "[hidden case 1]" in test["output"]
    visible = "\n".join([doc["output"]] + [t["output"] for t in doc["tests"]])
    for detail in ("n_x=", "n_a=", "m=1"):
        assert detail not in visible
    assert "n_x=" in proc.stdout  # the instructor's view


# ----------------------------------------------------------------------------- nbgrader-sync


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A GRU course: release generated, solved / stubs / cheater (a dWc bug, and numpy's comparisons
    disabled in the kernel) autograded by nbgrader, then `nbgrader-sync gru`."""
    import importlib.util

    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE_DIR, root / "solutions" / "gru", ignore=IGNORE)
    spec = importlib.util.spec_from_file_location("make_release", ROOT / "scripts" / "make_release.py")
    make_release = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_release)
    release = make_release.generate(root, "gru")
    notebooks = {"solved": solved_notebook(), "stubs": nbformat.read(str(release / GRU.notebook), as_version=4),
                 "cheater": solved_notebook(bug=True, cheat=True)}
    for kind, nb in notebooks.items():
        folder = root / "submitted" / kind / "gru"
        shutil.copytree(release, folder, ignore=IGNORE)
        nbformat.write(nb, str(folder / GRU.notebook))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "gru"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    def scores():
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="rnn-course") as gb:
            return {kind: {n: gb.find_grade(f"test_{n}", "gru", "gru", kind).score for n in GRU.order}
                    for kind in notebooks}

    before = scores()
    run = cli("nbgrader-sync", "gru", cwd=root)
    assert run.returncode == 0, run.stderr
    return root, before, scores(), run


@pytest.mark.nbgrader
@pytest.mark.kernel
@pytest.mark.slow
def test_sync_replaces_the_kernel_s_scores_with_the_isolated_grader_s(course):
    root, before, after, run = course
    full = {n: GRU.by_name[n].points for n in GRU.order}
    assert before["cheater"] == full  # the kernel's preview was fooled
    assert after["cheater"] == dict(full, gru_cell_backward=12.0)
    assert after["solved"] == before["solved"] == full
    assert sum(after["stubs"].values()) == sum(before["stubs"].values()) == 0
    changed = [line for line in run.stdout.splitlines() if "→" in line]
    assert len(changed) == 1 and changed[0].startswith("cheater  gru_cell_backward"), run.stdout


TEST_CODE = ("from grader", "grader.nbgrader_cell", "_score(", "HIDDEN TESTS", "import grader", "points=10)")


@pytest.mark.nbgrader
@pytest.mark.kernel
@pytest.mark.slow
def test_gru_feedback_shows_no_test_code(course):
    """After the sync, does `nbgrader generate_feedback gru` give each student the scores and the isolated
    grader's feedback, and nothing of the hidden test cells' code (the grader import, `_score(...)`)?"""
    root = course[0]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", "gru", "--force"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    autograded = (root / "autograded" / "solved" / "gru" / GRU.notebook).read_text()
    assert "from grader.nbgrader_cell import" in autograded  # what there is to hide
    for student in ("solved", "stubs", "cheater"):
        page = (root / "feedback" / student / "gru" / "gru.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        for code in TEST_CODE:
            assert code not in text, (student, code)
        assert "Autograder test of gru_cell_backward (15 points): its code is not shown" in text
        assert "Isolated grader (python -m grader): gru_cell_backward" in text
    cheater = (root / "feedback" / "cheater" / "gru" / "gru.html").read_text(encoding="utf-8")
    assert "12 / 15" in html.unescape(re.sub(r"<[^>]+>", "", cheater))


def kernel_scored_gradebook(root: Path, assignment: str):
    """A gradebook where nbgrader autograde (the student's kernel) gave `cheater` full marks on the GRU
    notebook of `assignment`, as it leaves it before any sync; returns the Gradebook (open it with `with`)."""
    from nbgrader.api import Gradebook

    gb = Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="rnn-course")
    gb.update_or_create_student("cheater")
    gb.update_or_create_assignment(assignment)
    gb.update_or_create_notebook("gru", assignment)
    for name in GRU.order:
        gb.update_or_create_grade_cell(f"test_{name}", "gru", assignment, max_score=GRU.by_name[name].points,
                                       cell_type="code")
        gb.update_or_create_source_cell(f"test_{name}", "gru", assignment, source=f"_score({name!r})",
                                        cell_type="code", locked=True)
    gb.db.commit()
    gb.add_submission(assignment, "cheater")
    for name in GRU.order:
        gb.find_grade(f"test_{name}", "gru", assignment, "cheater").auto_score = GRU.by_name[name].points
    gb.db.commit()
    return gb


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", ["gru", "week5"])
def test_forgotten_sync_of_a_gru_assignment_is_loud_whatever_its_name(tmp_path, assignment):
    """The kernel's scores of a GRU assignment never synced, or autograded again after its sync: do
    `nbgrader export` / `generate_feedback` (nbgrader_sync.stale) refuse, also when the instructor named
    the assignment otherwise than `gru` (synced with `nbgrader-sync week5 --exercise gru`)?"""
    from grader import nbgrader_sync

    with kernel_scored_gradebook(tmp_path, assignment) as gb:
        assert nbgrader_sync.stale(gb, tmp_path, "submitted", [assignment]) == [
            f"{assignment}, student cheater: autograded but never synced"]
        # what a sync wrote (the isolated grader's 12 of 15 for gru_cell_backward), then a plain autograde again
        scores = {f"test_{n}": GRU.by_name[n].points for n in GRU.order}
        scores["test_gru_cell_backward"] = 12.0
        nbgrader_sync.save_state(tmp_path, {assignment: {"map": {}, "students": {"cheater": {"gru": {
            "sha256": "", "scores": scores}}}}})
        (line,) = nbgrader_sync.stale(gb, tmp_path, "submitted", [assignment])
        assert "cell test_gru_cell_backward has 15, the grader's score is 12" in line
        assert "python -m grader nbgrader-sync" in nbgrader_sync.stale_message([line], assignment)


# ----------------------------------------------------------------------------- report and export-canvas


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade --out over a small GRU class: correct, two catalogued mistakes, a stub notebook."""
    folder = tmp_path_factory.mktemp("class")
    (folder / "alice.py").write_text(CORRECT.read_text())
    (folder / "bob.py").write_text(mutant_source(CATALOGUE_PATCHES["gru_cell_forward__update-roles-swapped"]))
    (folder / "carol.py").write_text(mutant_source(CATALOGUE_PATCHES["gru_backward__gradients-overwritten"]))
    shutil.copy(RELEASE / GRU.notebook, folder / "dave.ipynb")
    out = folder.parent / "out"
    proc = cli("grade", folder, "--seed", "3", "--out", out, "--progress", "off")
    assert proc.returncode in (0, 1), proc.stderr
    return out


def test_report_of_gru_results(graded):
    proc = cli("report", graded)
    assert proc.returncode == 0, proc.stderr
    text = (graded / "report.html").read_text()
    assert "4 submissions" in text
    for name in GRU.order:
        assert name in text
    assert "rnn_cell_forward" not in text and "lstm_forward" not in text
    assert "summed over time (+=)" in text  # carol's diagnosed mistake


def test_export_canvas_of_gru_results(graded, tmp_path):
    """Canvas totals out of the GRU's 50 points (the results say they were graded as the GRU)."""
    out = tmp_path / "canvas.csv"
    proc = cli("export-canvas", graded, "--assignment", "GRU", "--output", out)
    assert proc.returncode == 0, proc.stderr
    rows = {r[0].strip(): r for r in csv.reader(io.StringIO(out.read_text()))}
    assert rows["Student"][-1] == "GRU" and rows["Points Possible"][-1] == "50"
    assert rows["alice"][-1] == "50" and rows["dave"][-1] == "0"
    assert 0 < float(rows["bob"][-1]) < 50 and 0 < float(rows["carol"][-1]) < 50
