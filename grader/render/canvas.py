"""`export-canvas`: a gradebook CSV that Canvas imports (Grades > Import), from a `grade --out` folder."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..exercise import get as exercise_of
from .grades_csv import csv_safe, doc_student
from .text import terminal_safe


# The identity columns of a Canvas gradebook CSV (Grades > Export gives them, Grades >
# Import reads them); every further column is an assignment, named as in Canvas.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_MATCH = ("SIS Login ID", "SIS User ID", "ID", "Student")  # what a student folder can be


class CanvasError(ValueError):
    """The roster or the results cannot make a Canvas import (the message says why)."""


@dataclass
class CanvasExport:
    text: str  # the CSV to import
    students: int  # students written
    unmatched: list[str]  # graded students the roster does not list (not written)
    ungraded: list[str]  # roster students without any result (not written: Canvas keeps their grade)
    several: list[str]  # students with several graded files (their best total was written)


def result_docs(folder: Path) -> list[dict]:
    """The results.json documents under a `grade --out` folder (other JSON files skipped)."""
    docs = []
    for path in sorted(folder.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and isinstance(doc.get("extra_data"), dict) and "submission" in doc["extra_data"]:
                float(doc["score"])
                docs.append(doc)
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            continue
    return docs


def read_canvas_roster(path: Path) -> list[dict[str, str]]:
    """The students of a gradebook CSV exported from Canvas (its "Points Possible" row and
    rows without a student skipped)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in CANVAS_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CanvasError(f"{path}: not a Canvas gradebook export (no column {', '.join(missing)}); "
                                  f"export it from Canvas: Grades > Export > Export Entire Gradebook")
            return [{c: (row.get(c) or "").strip() for c in CANVAS_COLUMNS} for row in reader
                    if (row.get("Student") or "").strip() not in ("", "Points Possible")]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CanvasError(f"{path}: cannot read the roster ({exc})") from None


def canvas_csv(docs: list[dict], assignment: str, roster: list[dict[str, str]] | None = None,
               match: str = "SIS Login ID", points: float | None = None, exercise=None) -> CanvasExport:
    """A Canvas gradebook import: the five identity columns, then one column, `assignment`,
    with each student's total scaled to `points`; a student with several graded files gets
    the best. With a roster (Canvas's own export), each student is the roster row whose
    `match` column equals the student's folder name, and the row's identity is copied;
    without one, the folder name goes into the `match` column and the others stay empty."""
    exercise = exercise_of(exercise)
    total = exercise.total_points
    points = total if points is None else points
    # a result graded as another exercise is out of another total: refused, not scaled by this one's
    others: dict[str, list[str]] = {}
    for doc in docs:
        details = doc.get("extra_data", {}).get("details")
        name = details.get("exercise") if isinstance(details, dict) else None
        if isinstance(name, str) and name != exercise.name:
            others.setdefault(name, []).append(doc_student(doc))
    if others:
        listed = "; ".join(f"{name}: {', '.join(sorted(students)[:10])}" + (" ..." if len(students) > 10 else "")
                           for name, students in sorted(others.items()))
        raise CanvasError(terminal_safe(
            f"this export is of the {exercise.name} exercise, but {sum(map(len, others.values()))} result(s) were "
            f"graded as another ({listed}); grade those files again with --exercise {exercise.name} "
            f"(or export each exercise from its own --out folder)"))
    if match not in CANVAS_MATCH:
        raise CanvasError(f"cannot match students on {match!r}: use one of {', '.join(CANVAS_MATCH)}")
    best: dict[str, float] = {}
    count: dict[str, int] = {}
    for doc in docs:
        student = doc_student(doc)
        count[student] = count.get(student, 0) + 1
        best[student] = max(best.get(student, 0.0), float(doc["score"]))
    if roster is None:
        people = {s: {**dict.fromkeys(CANVAS_COLUMNS, ""), "Student": s, match: s} for s in best}
    else:
        index: dict[str, dict[str, str]] = {}
        for row in roster:
            key = row[match]
            if key:
                index.setdefault(key, row)
                index.setdefault(key.casefold(), row)
        people = {s: index.get(s) or index.get(s.casefold()) for s in best}
    unmatched = sorted(s for s, row in people.items() if row is None)
    written = sorted((s for s, row in people.items() if row is not None), key=lambda s: people[s]["Student"].casefold())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, csv_safe(assignment)])
    writer.writerow(["    Points Possible", "", "", "", "", f"{points:g}"])  # as Canvas writes it
    for s in written:
        writer.writerow([csv_safe(people[s][c]) for c in CANVAS_COLUMNS]
                        + [f"{round(best[s] * points / total, 2):g}"])
    graded_rows = {id(people[s]) for s in written}
    ungraded = sorted(row["Student"] for row in roster or [] if id(row) not in graded_rows)
    return CanvasExport(buffer.getvalue(), len(written), unmatched, ungraded,
                        sorted(s for s, n in count.items() if n > 1))
