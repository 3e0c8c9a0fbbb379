"""grades.csv (under --out): submission, student, a column per function, total; no cell can
start a spreadsheet formula."""
from __future__ import annotations

import csv
import io

from ..exercise import get as exercise_of
from ..submission import student_of


def csv_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text (OWASP, CSV injection): one starting
    with = + - @, a tab or a carriage return gets a leading apostrophe."""
    cell = str(cell)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def doc_student(doc: dict) -> str:
    """The student of a results.json document (documents written before the field
    existed: from the submission's path)."""
    extra = doc["extra_data"]
    return str(extra.get("student") or student_of(extra.get("details", {}).get("path") or extra["submission"]))


def csv_row(doc: dict, order: tuple[str, ...] | None = None) -> list[str]:
    """A results.json document's line of grades.csv (a column per function of `order`, the
    exercise's display order; default: the default exercise's)."""
    order = exercise_of().order if order is None else order
    scores = {t["name"]: t["score"] for t in doc["tests"]}
    return [doc["extra_data"]["submission"], doc_student(doc), *(f"{scores.get(n, 0):g}" for n in order),
            f"{doc['score']:g}", f"{sum(t['max_score'] for t in doc['tests']):g}"]


def csv_text(rows: list[list[str]], order: tuple[str, ...] | None = None) -> str:
    """grades.csv from csv_row lines: submission, student, a column per function, total, sorted by submission."""
    order = exercise_of().order if order is None else order
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "student", *order, "total", "max_score"])
    writer.writerows(sorted(([csv_safe(c) for c in row] for row in rows), key=lambda row: row[0]))
    return buffer.getvalue()
