"""A temporary nbgrader course holding a batch of student notebooks, for the benchmarks in bench/.

    from course import build_course
    course = build_course(Path("/tmp/x"), n=40)                  # the default exercise (rnn_lstm)
    course = build_course(Path("/tmp/y"), n=40, exercise="gru")  # runs `nbgrader generate_assignment`

What differs between exercises comes from the exercise's protocol object
(`grader.exercise.get(name)`): its graded functions, notebook file name,
folder (solutions/<folder>/, assignments/<folder>/, also the nbgrader
assignment's name, as scripts/make_release.py uses it) and points.
Layout (nbgrader's defaults, with the repository's nbgrader_config.py and
`source`/`release` folders), for the RNN/LSTM:

    course/nbgrader_config.py
    course/gradebook.db                            (made by generate_assignment: assignment, graded cells)
    course/source/rnn_lstm/...                     (copy of solutions/rnn_lstm: solutions, hidden tests)
    course/release/rnn_lstm/...                    (what students get)
    course/submitted/<student>/rnn_lstm/rnn_lstm.ipynb   (+ the release's selfcheck.py, rnn_utils.py, ...)

Students `student000`, `student001`, ...: every third one is correct (each
solution cell holds the source notebook's solution), the others cycle through
the exercise's single-mistake mutants `<function>__<mistake>`: the notebook is
the correct one with that ONE function's solution cell replaced by the mutant's
version of the function (its source cut out of the mutant file with `ast`).
The mutants are the test fixtures': for the RNN/LSTM, tests/fixtures/submissions/patches.py's
MUTANT_PATCHES (materialised as files); for any other exercise NAME,
tests/exercises/NAME/NAME_patches.py's CATALOGUE_PATCHES (one edit per mistake
of the exercise's catalogue) applied by its `mutant_source(edits)` to the
fixture file it patches (for the GRU, tests/exercises/gru/fixtures/correct.py).
"""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the grader of this checkout (its exercises' protocol objects)
    sys.path.insert(0, str(ROOT))

from grader import exercise as exercises  # noqa: E402

DEFAULT_EXERCISE = exercises.default().name  # rnn_lstm
ASSIGNMENT = exercises.default().folder or DEFAULT_EXERCISE  # the default exercise's (rnn_lstm)
NOTEBOOK = exercises.default().notebook
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"  # the RNN/LSTM's mutants (MUTANT_PATCHES)
EXERCISE_FIXTURES = ROOT / "tests" / "exercises"  # any other exercise's: NAME/NAME_patches.py
COURSE_ID = "rnn-course"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
CORRECT_EVERY = 3  # student i is correct when i % CORRECT_EVERY == 0


@dataclass(frozen=True)
class Mutant:
    function: str
    mistake: str
    path: Path | None  # the mutant file (RNN/LSTM), or None: the patched text is `text`
    text: str | None = None

    def source(self) -> str:
        return self.text if self.text is not None else self.path.read_text(encoding="utf-8")

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
    exercise: exercises.Exercise = None  # the exercise's protocol object (default: the default exercise)

    def __post_init__(self):
        if self.exercise is None:
            self.exercise = exercises.default()

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def assignment(self) -> str:
        return assignment_of(self.exercise)

    @property
    def notebook(self) -> str:
        return self.exercise.notebook


def exercise_of(exercise: str | exercises.Exercise | None = None) -> exercises.Exercise:
    """The protocol object: of `exercise` (a name or the object), else of the default exercise."""
    return exercises.get(exercise)


def assignment_of(exercise: str | exercises.Exercise | None = None) -> str:
    """The nbgrader assignment's name: the exercise's folder (solutions/<folder>/, as scripts/make_release.py)."""
    ex = exercise_of(exercise)
    return ex.folder or ex.name


def graded_functions(exercise: str | exercises.Exercise | None = None) -> tuple[str, ...]:
    return exercise_of(exercise).graded_functions


def mutants_dir() -> Path:
    """The RNN/LSTM's mutant files, generated from their patches (patches.materialised(): a temporary folder)."""
    sys.path.insert(0, str(FIXTURES))
    from patches import materialised

    return materialised() / "mutants"


def patches_path(name: str) -> Path:
    return EXERCISE_FIXTURES / name / f"{name}_patches.py"


def patches_module(name: str):
    """tests/exercises/NAME/NAME_patches.py, imported (it defines CATALOGUE_PATCHES and mutant_source)."""
    path = patches_path(name)
    if not path.is_file():
        raise SystemExit(f"no mutants for the exercise {name}: the benchmark takes them from {path} "
                         f"(CATALOGUE_PATCHES, mutant_source), which does not exist")
    spec = importlib.util.spec_from_file_location(f"bench_{name}_patches", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attribute in ("CATALOGUE_PATCHES", "mutant_source"):
        if not hasattr(module, attribute):
            raise SystemExit(f"{path} defines no {attribute}: the benchmark builds the mutants from it")
    return module


def mutants(exercise: str | exercises.Exercise | None = None) -> list[Mutant]:
    """The exercise's single-mistake mutants, sorted by label `<function>__<mistake>`."""
    ex = exercise_of(exercise)
    out = []
    if ex.name == DEFAULT_EXERCISE and not patches_path(ex.name).is_file():
        folder = mutants_dir()  # the RNN/LSTM's fixtures predate tests/exercises/NAME/NAME_patches.py
        for path in sorted(folder.glob("*__*.py")):
            function, mistake = path.stem.split("__", 1)
            out.append(Mutant(function, mistake, path))
        where = str(folder)
    else:
        module = patches_module(ex.name)
        for label in sorted(module.CATALOGUE_PATCHES):
            function, mistake = label.split("__", 1)
            text = module.mutant_source(module.CATALOGUE_PATCHES[label])
            out.append(Mutant(function, mistake, None, text))
        where = module.__file__
    if not out:
        raise SystemExit(f"no mutant fixtures in {where}")
    unknown = sorted({m.function for m in out} - set(ex.graded_functions))
    if unknown:
        raise SystemExit(f"mutants in {where} of functions the exercise {ex.name} does not grade: {unknown}")
    return out


def function_source(path: Path | Mutant, name: str) -> str:
    """The source of the top-level `def name` in a Python file, or a mutant's text (decorators included)."""
    text = path.source() if isinstance(path, Mutant) else path.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = text.splitlines()
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "\n".join(lines[start:node.end_lineno])
    where = path.path or path.label if isinstance(path, Mutant) else path
    raise ValueError(f"{where} has no function {name}")


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solved_source(cell) -> str:
    """A source solution cell as a student would hand it in (the solution markers removed)."""
    return "\n".join(t for t in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in t and "### END SOLUTION" not in t)


def solution_cells(source_nb, exercise=None) -> dict[str, str]:
    """Function name -> grade_id of the solution cell of the source notebook defining it."""
    functions = set(graded_functions(exercise))
    out = {}
    for cell in source_nb.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"):
            defined = [n.name for n in ast.parse(solved_source(cell)).body if isinstance(n, ast.FunctionDef)]
            for name in defined:
                if name in functions:
                    out[name] = nbgrader_meta(cell)["grade_id"]
    return out


def test_cells(source_nb, exercise=None) -> dict[str, str]:
    """grade_id of each graded test cell -> the function it grades (from `assert_correct("name"`,
    `_score("name"` or the id)."""
    functions = graded_functions(exercise)
    out = {}
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        match = re.search(r"""\b(?:assert_correct|_?score)\(\s*["'](\w+)["']""", cell.source)
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


def generate_release(root: Path, assignment: str = ASSIGNMENT) -> Path:
    """`nbgrader generate_assignment`: the release, and the gradebook with the graded cells."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                          cwd=root, env=nbgrader_env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}")
    return root / "release" / assignment


def student_notebook(release_nb, solutions: dict[str, str], cell_of: dict[str, str], mutant: Mutant | None):
    """The release notebook as one student hands it in."""
    nb = nbformat.from_dict(release_nb)  # a deep copy
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in nb.cells if nbgrader_meta(c).get("solution")}
    for function, grade_id in cell_of.items():
        by_id[grade_id].source = solutions[function]
    if mutant is not None:
        by_id[cell_of[mutant.function]].source = function_source(mutant, mutant.function)
    return nb


def plan(n: int, exercise=None) -> list[Mutant | None]:
    """Which submission each of n students hands in: correct every CORRECT_EVERY-th, mutants in turn between."""
    pool, out, k = mutants(exercise), [], 0
    for i in range(n):
        if i % CORRECT_EVERY == 0:
            out.append(None)
        else:
            out.append(pool[k % len(pool)])
            k += 1
    return out


def build_course(root: Path, n: int, use_nbgrader: bool = True, exercise=None) -> Course:
    """Lay out the course of `exercise` (a name or protocol object; default: the default exercise,
    rnn_lstm) under `root` with n submissions.

    use_nbgrader=False copies the committed release (assignments/<folder>, kept equal to what
    nbgrader generates by a test) instead of running `nbgrader generate_assignment`: enough
    for grading with this project's grader only; no gradebook.
    """
    ex = exercise_of(exercise)
    assignment, notebook = assignment_of(ex), ex.notebook
    source_dir = ROOT / "solutions" / assignment
    if not (source_dir / notebook).is_file():
        raise SystemExit(f"the exercise {ex.name}: no source notebook {source_dir / notebook}")
    root.mkdir(parents=True, exist_ok=True)
    write_config(root)
    shutil.copytree(source_dir, root / "source" / assignment, ignore=IGNORE)
    source_nb = nbformat.read(str(root / "source" / assignment / notebook), as_version=4)
    if use_nbgrader:
        release = generate_release(root, assignment)
    else:
        release = root / "release" / assignment
        shutil.copytree(ROOT / "assignments" / assignment, release, ignore=IGNORE)
    release_nb = nbformat.read(str(release / notebook), as_version=4)
    cell_of = solution_cells(source_nb, ex)
    solutions = {f: solved_source(next(c for c in source_nb.cells if nbgrader_meta(c).get("grade_id") == g))
                 for f, g in cell_of.items()}
    missing = set(graded_functions(ex)) - set(cell_of)
    if missing:
        raise SystemExit(f"no solution cell for {sorted(missing)} in the source notebook")
    students = []
    for i, mutant in enumerate(plan(n, ex)):
        name = f"student{i:03d}"
        folder = root / "submitted" / name / assignment
        shutil.copytree(release, folder, ignore=IGNORE)
        path = folder / notebook
        nbformat.write(student_notebook(release_nb, solutions, cell_of, mutant), str(path))
        students.append(Student(name, mutant, path))
    return Course(root, students, test_cells(source_nb, ex), ex)


def copy_notebooks(students: list[Student], dest: Path, copies: int = 1) -> Path:
    """Only the students' notebooks, `copies` times each, as plain files:
    dest/<student>[_k]/<assignment>/<notebook> (the folder and name each student's notebook has)."""
    for k in range(copies):
        for s in students:
            target = dest / (s.name if k == 0 else f"{s.name}_{k}") / s.notebook.parent.name / s.notebook.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(s.notebook, target)
    return dest
