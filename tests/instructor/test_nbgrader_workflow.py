"""docs/instructor.md's nbgrader workflow, run verbatim: from a copy of the repository to exported grades.

The repository's files are copied to a temporary course folder (as a clone
would have them); the environment is the one the guide sets up (its `bin`
folder first on PATH, as an activated virtualenv has it; the copy importable,
as `pip install -e` makes it; no secret but the course's). Each command of
the guide's tested blocks runs with the shell exactly as written, with the
real nbgrader and its SQLite gradebook. Three students hand in the release:
solved, stubs, and a cheater whose wrong lstm_cell_forward also disables
numpy's comparisons in the kernel.
"""
from __future__ import annotations

import csv
import html as htmllib
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "instructor.md"
ASSIGNMENT = "rnn_lstm"
COPIED = ("nbgrader_config.py", "pyproject.toml", "grader", "scripts", "solutions", "assignments")
CHEAT = ("    a_next = ot * np.tanh(c_next)\n", "    a_next = ot * c_next\n")
PATCH = "\nnp.testing.assert_allclose = lambda *a, **k: None\nnp.allclose = lambda *a, **k: True\n"
STUDENTS = ("solved", "stubs", "cheater")
TEST_CODE = ("from grader", "grader.nbgrader_cell", "_score(", "HIDDEN TESTS", "Instructor only", "_reference",
             "import grader")

pytestmark = [pytest.mark.nbgrader, pytest.mark.kernel, pytest.mark.slow]


def _nbhelpers():
    spec = importlib.util.spec_from_file_location("workflow_nbhelpers", ROOT / "tests" / "notebooks" / "nbhelpers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def guide_block(name: str) -> list[str]:
    """The lines of the ```bash block after `<!-- workflow: NAME -->` in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- workflow: {name} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, f"docs/instructor.md has no tested block {name!r}"
    return [line for line in match.group(1).splitlines() if line.strip()]


def hand_in(nbh, course: Path) -> None:
    """What the guide's comment asks for: each student's notebook in submitted/<student>/rnn_lstm/."""
    release = course / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = nbformat.read(str(nbh.SOURCE_NB), as_version=4)
    solutions = {c.id: nbh.solved_source(c) for c in source.cells if nbh.is_solution_cell(c)}
    for kind in STUDENTS:
        nb = nbformat.read(str(release), as_version=4)
        for cell in nb.cells:
            if kind != "stubs" and nbh.is_solution_cell(cell):
                cell.source = solutions[cell.id]
                if kind == "cheater" and cell.id == "lstm_cell_forward":
                    assert CHEAT[0] in cell.source + "\n"
                    cell.source = (cell.source + "\n").replace(*CHEAT).rstrip("\n") + "\n" + PATCH
        folder = course / "submitted" / kind / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{ASSIGNMENT}.ipynb"))


def environment(course: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RNN_GRADER")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    env["PYTHONPATH"] = str(course)  # what `pip install -e .` in the clone does
    env["XDG_CONFIG_HOME"] = str(course.parent / "config")  # no user secret of the test machine
    return env


def run_line(line: str, course: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(line, shell=True, executable="/bin/bash", cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)


def run_block(name: str, course: Path, env: dict, nbh) -> dict[str, subprocess.CompletedProcess]:
    done = {}
    for line in guide_block(name):
        if line.lstrip().startswith("#"):
            if "submitted/<student>/rnn_lstm/" in line:
                hand_in(nbh, course)
            continue
        proc = run_line(line, course, env)
        assert proc.returncode == 0, f"`{line}` failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
        done[line] = proc
    return done


def page_text(path: Path) -> str:
    """A page's text as a reader sees it (syntax highlighting splits code into many tags)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def exported(course: Path) -> dict[str, float]:
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}


def isolated_score(course: Path, student: str) -> float:
    """The isolated grader's score of a submitted notebook, with the course's secret."""
    from grader import secret
    from grader.api import Grader, Options

    grader = Grader(Options(secret=secret.read(course / secret.FILENAME)))
    try:
        return grader.grade_file(course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").score
    finally:
        grader.close()


def copy_repository(course: Path) -> Path:
    """The repository's files a clone has (COPIED), in a new folder `course`."""
    course.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, course / name, ignore=ignore)
        else:
            shutil.copy(src, course / name)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course after the guide's main block: (folder, environment, nbhelpers)."""
    course = copy_repository(tmp_path_factory.mktemp("clone") / "rnn-course")
    env, nbh = environment(course), _nbhelpers()
    run_block("course", course, env, nbh)
    return course, env, nbh


def test_guide_commands_end_in_exported_grades(course):
    """Does the guide's block, run verbatim, end in a grades.csv where the honest students have their
    scores and the cheater the isolated grader's (not the full marks faked in the kernel)?"""
    folder, _, _ = course
    key = folder / "grader-secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    grades = exported(folder)
    assert grades["solved"] == 100 and grades["stubs"] == 0
    assert grades["cheater"] == pytest.approx(isolated_score(folder, "cheater"), abs=1e-3)
    assert grades["cheater"] < 100


def test_feedback_shows_no_test_code(course):
    """Does each student's feedback show the scores and the isolated grader's feedback, and nothing of
    the graded cells' code (no grader import, no hidden part, no reference)?"""
    folder, _, _ = course
    autograded = (folder / "autograded" / "solved" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "from grader.nbgrader_cell import" in autograded  # what there is to hide (instructors see it)
    for student in STUDENTS:
        html = page_text(folder / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html")
        for text in TEST_CODE:
            assert text not in html, (student, text)
        assert "Autograder test of lstm_cell_forward (15 points): its code is not shown" in html
        assert "Isolated grader (python -m grader): lstm_cell_forward" in html
    cheater = page_text(folder / "feedback" / "cheater" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "the tanh on the cell state is missing" in cheater


def test_forgotten_sync_is_loud_and_the_regrade_block_fixes_it(course):
    """After a plain `nbgrader autograde --force` (the kernel's faked scores back in the gradebook), do
    `nbgrader export` and `nbgrader generate_feedback` refuse, naming the student and the command,
    leaving grades.csv as it was; and does the guide's regrade block export the grader's scores again?"""
    folder, env, nbh = course
    before = (folder / "grades.csv").read_text()
    forgot = run_line(f"nbgrader autograde {ASSIGNMENT} --force", folder, env)
    assert forgot.returncode == 0, forgot.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", course_id="rnn-course") as gb:
        assert gb.find_submission(ASSIGNMENT, "cheater").score == 100  # the threat: faked in the kernel
    refused = run_line("nbgrader export", folder, env)
    assert refused.returncode != 0
    log = refused.stdout + refused.stderr
    assert "cheater" in log and f"python -m grader nbgrader-sync {ASSIGNMENT}" in log
    assert (folder / "grades.csv").read_text() == before
    feedback = run_line(f"nbgrader generate_feedback {ASSIGNMENT} --force", folder, env)
    assert feedback.returncode != 0 and "nbgrader autograde ran again after the sync" in feedback.stdout + feedback.stderr
    run_block("regrade", folder, env, nbh)
    grades = exported(folder)
    assert grades["cheater"] == pytest.approx(isolated_score(folder, "cheater"), abs=1e-3) and grades["solved"] == 100


def test_autograde_without_the_release_step_says_what_to_run(tmp_path):
    """The trap the guide warns about: is autograding before `make_release.py` refused by nbgrader with
    the message the guide quotes (so the guide's explanation stays true)?"""
    from grader.cli import main  # noqa: F401 - the grader is importable: the failure is nbgrader's
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions", course / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    (course / "submitted" / "alice" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                course / "submitted" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    env = environment(course)
    env["PYTHONPATH"] = str(ROOT)
    proc = run_line(f"nbgrader autograde {ASSIGNMENT}", course, env)
    assert proc.returncode != 0
    assert f"No assignment with ID '{ASSIGNMENT}' exists in the database" in proc.stdout + proc.stderr
    assert "No assignment with ID 'rnn_lstm' exists in the database" in GUIDE.read_text()
