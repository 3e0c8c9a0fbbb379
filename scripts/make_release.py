"""Generate the student release assignments/rnn_lstm/ from the instructor source solutions/rnn_lstm/.

    python scripts/make_release.py                   # the course is this repository
    python scripts/make_release.py --course-root DIR # another course folder (tests use a temporary copy)

Runs `nbgrader generate_assignment rnn_lstm --force` in the course folder (this
also records the assignment and its graded cells in the course's
gradebook.db, which `nbgrader autograde` needs), then normalises the release
notebooks so the committed files only change when the source does: no
outputs, no execution counts, no editor metadata. nbgrader's own metadata
(grade ids, points, checksums, locks) is kept.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn_lstm"
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


def generate(course_root: Path = ROOT) -> Path:
    """Run nbgrader in `course_root` and normalise its release; return the release folder."""
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                   cwd=course_root, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    release = course_root / "assignments" / ASSIGNMENT
    for path in sorted(release.glob("*.ipynb")):
        normalise_file(path)
    return release


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-root", type=Path, default=ROOT,
                        help="course folder holding nbgrader_config.py and solutions/ (default: this repository)")
    args = parser.parse_args(argv)
    release = generate(args.course_root.resolve())
    print(f"wrote {release}")


if __name__ == "__main__":
    main()
