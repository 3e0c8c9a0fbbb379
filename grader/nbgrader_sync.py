"""Tamper-proof nbgrader: put this grader's scores into nbgrader's gradebook.

`nbgrader autograde` runs its test cells in the student's own kernel, so a
notebook can make its tests pass (`np.testing.assert_allclose = lambda *a, **k:
None` scored full marks, see grading.md). After autograde, `sync()` grades the
submitted notebooks (`submitted/<student>/<assignment>/<notebook>.ipynb`) with
the isolated grader (grader.api) and writes each graded function's score into
the `auto_score` of the matching autograded cell of the gradebook, through
`nbgrader.api.Gradebook`. Formgrader, `nbgrader export` and `nbgrader
generate_feedback` then show scores the student's code could not fake.

Which grade cell grades which function (`map_cell`), first rule that decides:
  1. `--map GRADE_ID=FUNCTION` given by the instructor;
  2. the cell's grade_id names exactly one graded function, delimited by
     anything but a letter or digit (`test_lstm_cell_forward`,
     `lstm_forward-hidden`, `rnn_cell_backward_tests`);
  3. the cell's source (as stored in the gradebook) calls exactly one graded
     function, or, calling none, refers to exactly one (passes it to a checker:
     `assert_correct("lstm_forward", lstm_forward)`, `lstm_forward_test(lstm_forward)`).
A cell none of these decides (several or no candidates) is left as nbgrader
scored it, and reported. Markdown (manually graded) cells are never touched.

Score written: the function's score / its rubric points x the cell's points
(so a 15-point function in a 10-point cell scales). Several cells mapped to one
function each get that fraction of their own points. The grader's partial
credit replaces nbgrader's all-or-nothing score. A `manual_score` a human set
still takes precedence in nbgrader's totals; it is left alone and reported.

With `annotate`, the grader's feedback for each mapped cell is appended (as a
display output marked `grader_sync`) to the autograded notebook, so the
feedback nbgrader generates says why the score changed; a later sync replaces
it, and `nbgrader autograde` rewrites the notebook anyway.

A forgotten sync is loud: every sync records, in the course folder's
`grader-sync.json`, each synced submission's notebook digest and the score
it wrote per cell. `stale()` compares that record with the gradebook: a
submission autograded but never synced, autograded again after its sync
(`nbgrader autograde --force` puts the kernel's scores back) or resubmitted
since is stale, and the hooks set in nbgrader_config.py
(grader/nbgrader_hooks.py) make `nbgrader export` and `nbgrader
generate_feedback` fail on it, naming the command to run.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import exercise as exercises

EPSILON = 1e-6  # scores closer than this are equal (the gradebook keeps what sync wrote, rounded to 1e-4)
ANNOTATION_KEY = "grader_sync"
STATE_FILE = "grader-sync.json"  # in the course folder: what each sync wrote


class SyncError(Exception):
    """A problem with the course or the command (not with a submission): say what to do."""


# ---------------------------------------------------------------------------- mapping

def exercise_of_assignment(assignment: str | None):
    """The exercise an nbgrader assignment maps to, else the default one (where no command line can say)."""
    try:
        return exercises.for_assignment(assignment) if assignment else exercises.default()
    except exercises.UnknownExercise:
        return exercises.default()


def _graded(graded) -> tuple[str, ...]:
    """The graded function names of an exercise (given, or the default exercise's)."""
    if graded is None:
        return exercises.default().graded_functions
    return tuple(getattr(graded, "graded_functions", graded))


def functions_named(grade_id: str, graded=None) -> set[str]:
    """Graded functions whose name appears in grade_id, delimited by anything but a letter or digit."""
    functions = _graded(graded)
    return {f for f in functions
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(f)}(?![A-Za-z0-9])", grade_id)}


def functions_used(source: str, graded=None) -> tuple[set[str], set[str]]:
    """(called, referred to) graded functions in a cell's source: calls `f(...)`; names and
    string constants equal to a function's name. Magics and shell escapes are ignored."""
    functions = _graded(graded)
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("!"):
            line = "pass"
        elif stripped.startswith("%"):  # `%time out = f(x)` keeps `out = f(x)`; `%%magic` lines go
            rest = stripped.lstrip("%").partition(" ")[2]
            line = rest if rest and not stripped.startswith("%%") else "pass"
        lines.append(line)
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:  # not Python: fall back to words
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
        called = {f for f in functions if re.search(rf"\b{f}\s*\(", source)}
        return called, words & set(functions)
    called, referred = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            called.add(node.func.id)
        elif isinstance(node, ast.Name) and node.id in functions:
            referred.add(node.id)
        elif isinstance(node, ast.Constant) and node.value in functions:
            referred.add(node.value)
    return called, referred


def map_cell(grade_id: str, source: str = "", overrides: dict[str, str] | None = None,
             graded=None) -> tuple[str | None, str]:
    """(function or None, how it was decided or why not) for one grade cell."""
    if overrides and grade_id in overrides:
        return overrides[grade_id], "--map"
    named = functions_named(grade_id, graded)
    if len(named) == 1:
        return named.pop(), "grade_id"
    called, referred = functions_used(source, graded)
    if len(called) == 1:
        return next(iter(called)), "source calls it"
    if not called and len(referred) == 1:
        return next(iter(referred)), "source refers to it"
    candidates = sorted(named or called or referred)
    why = (f"ambiguous: it could grade {', '.join(candidates)}" if candidates
           else "neither its grade_id nor its source names a graded function")
    return None, why + f"; map it with --map {grade_id}=FUNCTION"


def parse_overrides(pairs: list[str], graded=None) -> dict[str, str]:
    functions = _graded(graded)
    out = {}
    for pair in pairs:
        grade_id, sep, function = pair.partition("=")
        if not sep or not grade_id or function not in functions:
            raise SyncError(f"--map {pair!r}: expected GRADE_ID=FUNCTION with FUNCTION one of "
                            + ", ".join(functions))
        out[grade_id] = function
    return out


# ---------------------------------------------------------------------------- results

@dataclass
class Change:
    student: str
    notebook: str
    grade_id: str
    function: str
    old: float | None  # nbgrader's auto_score (None: never scored)
    new: float
    points: float  # the cell's max score
    manual: float | None = None  # a human's manual_score, which nbgrader's total uses instead

    @property
    def changed(self) -> bool:
        return self.old is None or abs(self.old - self.new) > EPSILON

    def line(self) -> str:
        old = "none" if self.old is None else f"{self.old:g}"
        text = f"{self.student}  {self.function} ({self.notebook}: {self.grade_id})  {old} → {self.new:g} / {self.points:g}"
        if self.old is not None and self.new < self.old - EPSILON:
            text += "  (nbgrader's tests passed in the student's kernel; the isolated grader disagrees)"
        if self.manual is not None:
            text += f"  [manual score {self.manual:g} still overrides it in nbgrader]"
        return text


@dataclass
class SyncReport:
    assignment: str
    changes: list[Change] = field(default_factory=list)  # every mapped cell of every graded student
    mapping: dict[tuple[str, str], tuple[str | None, str]] = field(default_factory=dict)  # (nb, grade_id) -> ...
    notes: list[str] = field(default_factory=list)  # skipped students, unmapped cells, ...
    students: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.changed]

    def summary(self) -> str:
        text = (f"nbgrader-sync {self.assignment}: {len(self.students)} student(s), {len(self.changes)} graded "
                f"cell(s): {len(self.changed)} changed, {len(self.changes) - len(self.changed)} unchanged")
        return text + (" (dry run: nothing written)" if self.dry_run else "")


# ---------------------------------------------------------------------------- the course

def load_course(root: Path | None = None, db_url: str | None = None):
    """nbgrader's CourseDirectory, configured from ROOT/nbgrader_config.py when there is one."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root or Path.cwd()).resolve()
    if not root.is_dir():
        raise SyncError(f"course folder {root} does not exist")
    config = Config()
    if (root / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return CourseDirectory(config=config)


def graded_cells(gb, assignment: str, notebooks, overrides: dict[str, str] | None = None, graded=None,
                 report: "SyncReport | None" = None) -> dict[str, list[tuple[str, float, str]]]:
    """notebook -> [(grade_id, points, function)]: the assignment's code grade cells a graded function maps to."""
    from nbgrader.api import MissingEntry

    cells: dict[str, list[tuple[str, float, str]]] = {}
    for nb in notebooks:
        for gc in nb.grade_cells:
            if gc.cell_type != "code":
                continue
            try:
                source = gb.find_source_cell(gc.name, nb.name, assignment).source or ""
            except MissingEntry:
                source = ""
            function, how = map_cell(gc.name, source, overrides, graded)
            if report is not None:
                report.mapping[(nb.name, gc.name)] = (function, how)
            if function is None:
                if report is not None:
                    report.notes.append(f"{nb.name}: grade cell {gc.name!r} left as nbgrader scored it: {how}")
            else:
                cells.setdefault(nb.name, []).append((gc.name, float(gc.max_score), function))
    return cells


def sync(assignment: str, root: Path | None = None, students: list[str] | None = None,
         options=None, overrides: dict[str, str] | None = None, dry_run: bool = False,
         annotate: bool = True, out: Path | None = None, db_url: str | None = None,
         progress: Callable | None = None, exercise=None) -> SyncReport:
    """Grade the submitted notebooks of `assignment` and write the scores into the gradebook.
    `exercise`: what they are graded as (default: the exercise the assignment maps to)."""
    from nbgrader.api import Gradebook, MissingEntry

    from . import api
    from .batch import Batch

    try:
        exercise = exercises.get(exercise) if exercise is not None else exercises.for_assignment(assignment)
    except exercises.UnknownExercise as exc:
        raise SyncError(str(exc)) from None
    course = load_course(root, db_url)
    report = SyncReport(assignment, dry_run=dry_run)
    submitted = Path(course.root) / course.submitted_directory
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        try:
            source_notebooks = gb.find_assignment(assignment).notebooks
        except MissingEntry:
            raise SyncError(f"assignment {assignment!r} is not in the gradebook {course.db_url}: run "
                            f"`nbgrader generate_assignment` and `nbgrader autograde {assignment}` first") from None
        cells = graded_cells(gb, assignment, source_notebooks, overrides, exercise, report)
        if not cells:
            raise SyncError(f"no grade cell of {assignment!r} could be matched to a graded function "
                            f"({', '.join(exercise.graded_functions)}); name them in the grade_id or use --map")

        # Students: those with a submission folder (and, when given, in --student).
        names = [p.parent.name for p in sorted(submitted.glob(f"*/{assignment}")) if p.is_dir()]
        if students:
            missing = sorted(set(students) - set(names))
            for s in missing:
                report.notes.append(f"{s}: no submission folder {submitted / s / assignment}")
            names = [n for n in names if n in set(students)]
        files, wanted = [], []
        for student in names:
            try:
                gb.find_submission(assignment, student)
            except MissingEntry:
                report.notes.append(f"{student}: submitted but not autograded yet: run "
                                    f"`nbgrader autograde {assignment} --student {student}`, then sync again")
                continue
            report.students.append(student)
            for notebook in cells:
                path = submitted / student / assignment / f"{notebook}.ipynb"
                if path.is_file():
                    files.append((path, f"{student}/{assignment}/{notebook}.ipynb"))
                    wanted.append((student, notebook))
                else:
                    report.notes.append(f"{student}: {notebook}.ipynb not submitted; its cells are left as they are")
        if not files:
            return report

        batch = Batch(files, options or api.Options(), out=out,
                      forbidden=[str(Path(course.root).resolve())], exercise=exercise)
        results = {r.name: r for r in batch.run(progress)}
        state = load_state(Path(course.root))
        synced = state.setdefault(assignment, {}).setdefault("students", {})
        state[assignment]["map"] = dict(overrides or {})
        for student, notebook in wanted:
            result = results[f"{student}/{assignment}/{notebook}.ipynb"]
            record = {"sha256": api.file_digest(submitted / student / assignment / f"{notebook}.ipynb"),
                      "scores": {}}
            synced.setdefault(student, {})[notebook] = record
            feedback = {}
            for grade_id, points, function in cells[notebook]:
                fr = result.function(function)
                new = round(fr.score / fr.max_score * points, 4) if fr.max_score else 0.0
                grade = gb.find_grade(grade_id, notebook, assignment, student)
                change = Change(student, notebook, grade_id, function, grade.auto_score, new, points,
                                grade.manual_score)
                report.changes.append(change)
                record["scores"][grade_id] = new
                feedback[grade_id] = (f"Isolated grader (python -m grader): {function} "
                                      f"{fr.score:g} / {fr.max_score:g} → {new:g} / {points:g} in this cell\n"
                                      + fr.feedback)
                if change.changed and not dry_run:
                    grade.auto_score = new
                    grade.needs_manual_grade = False
            if annotate and not dry_run:
                annotate_notebook(Path(course.root) / course.autograded_directory / student / assignment
                                  / f"{notebook}.ipynb", feedback)
        if dry_run:
            gb.db.rollback()
        else:
            gb.db.commit()
            save_state(Path(course.root), state)
    return report


# ---------------------------------------------------------------------------- stale scores

def load_state(root: Path) -> dict:
    try:
        state = json.loads((Path(root) / STATE_FILE).read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(root: Path, state: dict) -> None:
    from .render.files import write_atomic

    write_atomic(Path(root) / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


STALE_ADVICE = ("run `python -m grader nbgrader-sync {assignment}` (or `python -m grader nbgrader-autograde "
                "{assignment}`, which autogrades and syncs) in the course folder, then this command again")


def stale(gb, root: Path, submitted_directory: str = "submitted", assignments: list[str] | None = None,
          students: list[str] | None = None) -> list[str]:
    """Why the gradebook's scores of this grader's assignments are not the ones nbgrader-sync wrote
    (one line per stale submission), or [] when they all are. An assignment is this grader's when
    one of its grade cells maps to a graded function (or it was synced before)."""
    state = load_state(root)
    lines = []
    for assignment in gb.assignments:
        if assignments and assignment.name not in assignments:
            continue
        recorded = state.get(assignment.name, {})
        cells = _checked_cells(gb, assignment, recorded.get("map"))
        if not cells:
            continue
        synced = recorded.get("students", {})
        for sub in assignment.submissions:
            student = sub.student.id
            if students and student not in students:
                continue
            where = f"{assignment.name}, student {student}"
            if student not in synced:
                lines.append(f"{where}: autograded but never synced")
                continue
            for nb in sub.notebooks:
                if nb.name not in cells:
                    continue
                record = synced[student].get(nb.name)
                path = Path(root) / submitted_directory / student / assignment.name / f"{nb.name}.ipynb"
                if record is None:
                    lines.append(f"{where}: {nb.name}.ipynb never synced")
                    continue
                if path.is_file() and _digest(path) != record.get("sha256"):
                    lines.append(f"{where}: {nb.name}.ipynb changed since it was synced")
                    continue
                for grade in nb.grades:
                    want = record.get("scores", {}).get(grade.name)
                    if want is not None and (grade.auto_score is None or abs(grade.auto_score - want) > EPSILON):
                        got = "none" if grade.auto_score is None else f"{grade.auto_score:g}"
                        lines.append(f"{where}: cell {grade.name} has {got}, the grader's score is {want:g} "
                                     f"(nbgrader autograde ran again after the sync)")
                        break
    return lines


def _checked_cells(gb, assignment, overrides) -> dict:
    """The grade cells `stale` checks: those the exercise of the assignment's name maps; for a name no
    exercise lists (a GRU assignment called "week5", synced with --exercise gru), those of the first
    exercise, the default one first, that maps any of its cells: checking the default exercise's alone
    would find none there, and leave the kernel's scores unchecked in silence."""
    try:
        candidates = [exercises.for_assignment(assignment.name)]
    except exercises.UnknownExercise:
        default = exercises.default()
        candidates = [default] + [e for e in exercises.all_exercises() if e is not default]
    for exercise in candidates:
        cells = graded_cells(gb, assignment.name, assignment.notebooks, overrides, exercise)
        if cells:
            return cells
    return {}


def stale_message(lines: list[str], assignment: str = "ASSIGNMENT") -> str:
    shown = lines[:20] + ([f"... and {len(lines) - 20} more"] if len(lines) > 20 else [])
    return ("the gradebook holds scores the isolated grader has not checked (a student's code can fake them "
            "in nbgrader's own kernel):\n  " + "\n  ".join(shown) + "\n" + STALE_ADVICE.format(assignment=assignment))


def annotate_notebook(path: Path, feedback: dict[str, str]) -> bool:
    """Append the grader's feedback to each grade cell (by grade_id) of an autograded notebook."""
    import nbformat

    from .render.files import write_atomic

    if not path.is_file():
        return False
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or grade_id not in feedback:
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if not o.get("metadata", {}).get(ANNOTATION_KEY)]
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": feedback[grade_id]},
                                                   metadata={ANNOTATION_KEY: True}))
    write_atomic(path, nbformat.writes(nb))
    return True
