"""A temporary nbgrader course holding a batch of student notebooks, for the benchmarks in bench/.

    from course import build_course
    course = build_course(Path("/tmp/x"), n=40)   # runs `nbgrader generate_assignment`

Layout (nbgrader's defaults, with the repository's nbgrader_config.py and
`source`/`release` folders):

    course/nbgrader_config.py
    course/gradebook.db                            (made by generate_assignment: assignment, graded cells)
    course/source/rnn_lstm/...                     (copy of solutions/rnn_lstm: solutions, hidden tests)
    course/release/rnn_lstm/...                    (what students get)
    course/submitted/<student>/rnn_lstm/rnn_lstm.ipynb   (+ the release's selfcheck.py, rnn_utils.py, ...)

Students `student000`, `student001`, ...: every third one is correct (each
solution cell holds the source notebook's solution), the others cycle through
the single-mistake mutants `<function>__<mistake>` (tests/fixtures/submissions/patches.py, MUTANT_PATCHES):
the notebook is the correct one with that ONE function's solution cell replaced by the
mutant's version of the function (its source cut out of the mutant file with `ast`).
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "rnn_lstm"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOURCE_DIR = ROOT / "solutions" / ASSIGNMENT
COMMITTED_RELEASE = ROOT / "assignments" / ASSIGNMENT
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
COURSE_ID = "rnn-course"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
CORRECT_EVERY = 3  # student i is correct when i % CORRECT_EVERY == 0


@dataclass(frozen=True)
class Mutant:
    function: str
    mistake: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.function}__{self.mistake}"


@dataclass(frozen=True)
class Student:
    name: str
    mutant: Mutant | None  # None: a correct submission
    notebook: Path

    @property
    def kind(self) -> str:
        return "correct" if self.mutant is None else self.mutant.label

    def expected_full(self, function: str) -> bool:
        """The intended verdict: full marks everywhere but in the mutant's one function."""
        return self.mutant is None or self.mutant.function != function


@dataclass
class Course:
    root: Path
    students: list[Student]
    test_cells: dict[str, str]  # nbgrader grade_id of a graded test cell -> graded function

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"


def graded_functions() -> tuple[str, ...]:
    from grader.exercises.rnn_lstm.problems import GRADED_FUNCTIONS

    return tuple(GRADED_FUNCTIONS)


def mutants_dir() -> Path:
    """The mutant files, generated from their patches (patches.materialised(): a temporary folder)."""
    sys.path.insert(0, str(FIXTURES))
    from patches import materialised

    return materialised() / "mutants"


def mutants() -> list[Mutant]:
    out = []
    folder = mutants_dir()
    for path in sorted(folder.glob("*__*.py")):
        function, mistake = path.stem.split("__", 1)
        out.append(Mutant(function, mistake, path))
    if not out:
        raise SystemExit(f"no mutant fixtures in {folder}")
    return out


def function_source(path: Path, name: str) -> str:
    """The source of the top-level `def name` in a Python file (decorators included)."""
    text = path.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = text.splitlines()
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "\n".join(lines[start:node.end_lineno])
    raise ValueError(f"{path} has no function {name}")


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solved_source(cell) -> str:
    """A source solution cell as a student would hand it in (the solution markers removed)."""
    return "\n".join(t for t in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in t and "### END SOLUTION" not in t)


def solution_cells(source_nb) -> dict[str, str]:
    """Function name -> solved source, for every solution cell of the source notebook defining one."""
    functions = set(graded_functions())
    out = {}
    for cell in source_nb.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"):
            defined = [n.name for n in ast.parse(solved_source(cell)).body if isinstance(n, ast.FunctionDef)]
            for name in defined:
                if name in functions:
                    out[name] = nbgrader_meta(cell)["grade_id"]
    return out


def test_cells(source_nb) -> dict[str, str]:
    """grade_id of each graded test cell -> the function it grades (from `assert_correct("name"` or the id)."""
    functions = graded_functions()
    out = {}
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        match = re.search(r"""assert_correct\(\s*["'](\w+)["']""", cell.source)
        name = match.group(1) if match else meta["grade_id"].removeprefix("test_")
        if name not in functions:
            raise ValueError(f"test cell {meta['grade_id']} grades no known function")
        out[meta["grade_id"]] = name
    missing = set(functions) - set(out.values())
    if missing:
        raise ValueError(f"no graded test cell for {sorted(missing)}")
    return out


def write_config(root: Path) -> None:
    """The repository's nbgrader_config.py, with nbgrader's default folder names."""
    text = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    text += ("\n# bench/course.py: a temporary course with nbgrader's default folder names\n"
             'c.CourseDirectory.source_directory = "source"\n'
             'c.CourseDirectory.release_directory = "release"\n')
    (root / "nbgrader_config.py").write_text(text, encoding="utf-8")


def nbgrader_env() -> dict:
    """The environment for nbgrader: the hidden tests import `grader` (the repository on PYTHONPATH)."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def generate_release(root: Path) -> Path:
    """`nbgrader generate_assignment`: the release, and the gradebook with the graded cells."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                          cwd=root, env=nbgrader_env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}")
    return root / "release" / ASSIGNMENT


def student_notebook(release_nb, solutions: dict[str, str], cell_of: dict[str, str], mutant: Mutant | None):
    """The release notebook as one student hands it in."""
    nb = nbformat.from_dict(release_nb)  # a deep copy
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in nb.cells if nbgrader_meta(c).get("solution")}
    for function, grade_id in cell_of.items():
        by_id[grade_id].source = solutions[function]
    if mutant is not None:
        by_id[cell_of[mutant.function]].source = function_source(mutant.path, mutant.function)
    return nb


def plan(n: int) -> list[Mutant | None]:
    """Which submission each of n students hands in: correct every CORRECT_EVERY-th, mutants in turn between."""
    pool, out, k = mutants(), [], 0
    for i in range(n):
        if i % CORRECT_EVERY == 0:
            out.append(None)
        else:
            out.append(pool[k % len(pool)])
            k += 1
    return out


def build_course(root: Path, n: int, use_nbgrader: bool = True) -> Course:
    """Lay out the course under `root` with n submissions.

    use_nbgrader=False copies the committed release (assignments/rnn_lstm, kept equal to what
    nbgrader generates by a test) instead of running `nbgrader generate_assignment`: enough
    for grading with this project's grader only; no gradebook.
    """
    root.mkdir(parents=True, exist_ok=True)
    write_config(root)
    shutil.copytree(SOURCE_DIR, root / "source" / ASSIGNMENT, ignore=IGNORE)
    source_nb = nbformat.read(str(root / "source" / ASSIGNMENT / NOTEBOOK), as_version=4)
    if use_nbgrader:
        release = generate_release(root)
    else:
        release = root / "release" / ASSIGNMENT
        shutil.copytree(COMMITTED_RELEASE, release, ignore=IGNORE)
    release_nb = nbformat.read(str(release / NOTEBOOK), as_version=4)
    cell_of = solution_cells(source_nb)
    solutions = {f: solved_source(next(c for c in source_nb.cells if nbgrader_meta(c).get("grade_id") == g))
                 for f, g in cell_of.items()}
    missing = set(graded_functions()) - set(cell_of)
    if missing:
        raise SystemExit(f"no solution cell for {sorted(missing)} in the source notebook")
    students = []
    for i, mutant in enumerate(plan(n)):
        name = f"student{i:03d}"
        folder = root / "submitted" / name / ASSIGNMENT
        shutil.copytree(release, folder, ignore=IGNORE)
        path = folder / NOTEBOOK
        nbformat.write(student_notebook(release_nb, solutions, cell_of, mutant), str(path))
        students.append(Student(name, mutant, path))
    return Course(root, students, test_cells(source_nb))


def copy_notebooks(students: list[Student], dest: Path, copies: int = 1) -> Path:
    """Only the students' notebooks, `copies` times each, as plain files: dest/<student>[_k]/rnn_lstm/rnn_lstm.ipynb."""
    for k in range(copies):
        for s in students:
            target = dest / (s.name if k == 0 else f"{s.name}_{k}") / ASSIGNMENT / NOTEBOOK
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(s.notebook, target)
    return dest
