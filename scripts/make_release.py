"""Generate an exercise's student release assignments/<folder>/ from its instructor source solutions/<folder>/.

    python scripts/make_release.py                   # the course is this repository (the default exercise, rnn_lstm)
    python scripts/make_release.py --course-root DIR # another course folder (tests use a temporary copy)
    python scripts/make_release.py --exercise NAME   # another exercise (its folder, grader/exercise/)

Runs `nbgrader generate_assignment <folder> --force` in the course folder (this
also records the assignment and its graded cells in the course's
gradebook.db, which `nbgrader autograde` needs), then normalises the release
notebooks so the committed files only change when the source does: no
outputs, no execution counts, no editor metadata. nbgrader's own metadata
(grade ids, points, checksums, locks) is kept.

Before nbgrader runs, the exercise's standalone self-check module is written to
solutions/<folder>/selfcheck.py from its one source (grader/exercise/selfcheck.py:
the generic module and the exercise's table), so the instructor's notebook and
the release (nbgrader copies the file) run the same self-checks.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import exercise as exercises  # noqa: E402
from grader.exercise import selfcheck  # noqa: E402

ASSIGNMENT = exercises.default().folder or exercises.default().name
KEEP_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags")


def normalise(nb) -> None:
    """Strip what depends on who ran the notebook, where and when (in place)."""
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None) if not cell.get("attachments") else None


def normalise_file(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))


def exercise_of(folder: str):
    """The exercise whose solutions/assignments folder is `folder`."""
    for exercise in exercises.all_exercises():
        if (exercise.folder or exercise.name) == folder:
            return exercise
    raise exercises.UnknownExercise(f"no exercise has the folder {folder!r}; pass --exercise NAME")


def write_selfcheck(course_root: Path, exercise) -> Path | None:
    """Write the exercise's selfcheck.py into its source folder (None: the exercise has none)."""
    if getattr(exercise, "selfcheck", None) is None:
        return None
    path = course_root / "solutions" / (exercise.folder or exercise.name) / "selfcheck.py"
    text = selfcheck.source(exercise)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def generate(course_root: Path = ROOT, assignment: str = ASSIGNMENT) -> Path:
    """Write the self-check module, run nbgrader in `course_root` and normalise its release; return the
    release folder."""
    write_selfcheck(course_root, exercise_of(assignment))
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                   cwd=course_root, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    release = course_root / "assignments" / assignment
    for path in sorted(release.glob("*.ipynb")):
        normalise_file(path)
    return release


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-root", type=Path, default=ROOT,
                        help="course folder holding nbgrader_config.py and solutions/ (default: this repository)")
    parser.add_argument("--exercise", default=None, metavar="NAME",
                        help="the exercise whose release is generated (default: the default exercise)")
    args = parser.parse_args(argv)
    exercise = exercises.get(args.exercise)
    release = generate(args.course_root.resolve(), exercise.folder or exercise.name)
    print(f"wrote {release}")


if __name__ == "__main__":
    main()
