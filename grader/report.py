"""Render results: text table, JSON, Gradescope results.json, grades.csv.

Gradescope's schema: top-level score, execution_time, output, tests (each
{name, score, max_score, status, output}); extra_data carries our details.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .exercise import get as exercise_of
from .results import SubmissionResult, escape_controls
from .submission import student_of

LOW_ISOLATION_WARNING = "warning: graded without the bubblewrap sandbox ({})"


def terminal_safe(text: str) -> str:
    """The text with every control character written as a visible escape (\\x1b, \\n,
    \\u202e): student-controlled text can neither move the cursor, recolour, nor forge a line."""
    return escape_controls(str(text))


def csv_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text (OWASP, CSV injection): one starting
    with = + - @, a tab or a carriage return gets a leading apostrophe."""
    cell = str(cell)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def sandbox_line(result: SubmissionResult) -> str:
    text = f"Isolation: {result.sandbox_description or result.sandbox}."
    if result.sandbox != "bwrap":
        text += " " + LOW_ISOLATION_WARNING.format(result.sandbox)
    return text


def gradescope(result: SubmissionResult, digest: str = "", seed: int | None = None) -> dict:
    """One results.json document."""
    header = [f"Score: {result.score:g} / {result.max_score:g}"] + result.messages + [sandbox_line(result)]
    return {
        "score": result.score,
        "execution_time": round(result.execution_time, 3),
        "output": "\n".join(header),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [{"name": f.name, "score": f.score, "max_score": f.max_score, "status": f.status,
                   "output": f.feedback, "visibility": "visible"} for f in result.functions],
        "extra_data": {"submission": result.name, "student": student_of(result.path),
                       "sandbox": result.sandbox, "sha256": digest,
                       "seed": seed, "details": result.to_dict(timing=False)},
    }


def gradescope_output(results: list[SubmissionResult], previous: dict[str, dict] | None = None,
                      digests: dict[str, str] | None = None, seed: int | None = None) -> dict | list[dict]:
    """What `--format gradescope` prints: one results.json document for one submission, an array for
    several; a submission resumed from an earlier run keeps the document written then (`previous`)."""
    previous, digests = previous or {}, digests or {}
    docs = [previous.get(r.name) or gradescope(r, digests.get(r.name, ""), seed) for r in results]
    return docs[0] if len(docs) == 1 else docs


def write_json(results: list[SubmissionResult], stream) -> None:
    """json.dumps([r.to_dict() for r in results], indent=2) + a newline, written one
    submission at a time (a class's whole report is never built in memory at once)."""
    if not results:
        stream.write("[]\n")
        return
    for i, r in enumerate(results):
        text = json.dumps(r.to_dict(), indent=2).replace("\n", "\n  ")
        stream.write(("[\n  " if i == 0 else ",\n  ") + text)
    stream.write("\n]\n")


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


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (/proc), else
    by setting and restoring it (a moment no file of ours is being created)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename: never half a file.
    The file gets the mode an ordinary open() would give it (0666 less the umask), not
    the temporary file's 0600: feedback pages and grades are meant to be shared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


SAFE_PART = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_.+@()\- ]{0,99}")


def _safe_parts(name: str) -> list[str] | None:
    """The name's path parts if each is a plain file or folder name, else None."""
    parts = name.split("/")
    if all(SAFE_PART.fullmatch(p) and not p.endswith((".", " ")) for p in parts):
        return parts
    return None


def output_names(names: list[str]) -> dict[str, str]:
    """Submission name -> the relative path (without suffix) of its outputs under --out.

    A name made of plain parts (letters, digits, `_ - . + space`, no part starting with
    a dot; `@` and brackets too) is kept: `alice/rnn_lstm/rnn_lstm.ipynb`. Any other (an absolute path, `..`,
    control or other characters) becomes its parts with every other character replaced
    by `_`, plus `~` and 10 hex digits of the name's SHA-256, so it stays under --out and
    differs from every other name. Paths that still collide (the same path, or a file
    where another needs a folder, ignoring case) are resolved the same way, in sorted
    order of the names: the same names always give the same paths.
    """
    out: dict[str, str] = {}
    files: set[str] = set()
    folders: set[str] = set()
    for name in sorted(set(names)):
        parts = _safe_parts(name)
        candidates = ["/".join(parts)] if parts else []
        cleaned = [re.sub(r"[^A-Za-z0-9_.+@()\- ]", "_", p).strip(". ")[:80] or "_" for p in name.split("/")]
        cleaned = [p for p in cleaned if p not in ("_",)] or ["submission"]
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        candidates.append("/".join(cleaned[:-1] + [f"{cleaned[-1]}~{digest[:10]}"]))
        candidates.append(f"{digest[:2]}/{digest}")  # cannot collide with a name kept as it was
        for rel in candidates:
            key = rel.lower()
            parents = ["/".join(key.split("/")[:i]) for i in range(1, key.count("/") + 1)]
            if key in files or key in folders or any(p in files for p in parents):
                continue
            files.add(key)
            folders.update(parents)
            out[name] = rel
            break
    return out


def result_path(out: Path, stem: str) -> Path:
    """The results.json of a submission whose output name (output_names) is stem, under out."""
    path = out / (stem + ".json")
    if not _is_under(path, out):
        raise ValueError(f"{stem!r} would be written outside {out}")
    return path


def _is_under(path: Path, folder: Path) -> bool:
    path, folder = Path(os.path.abspath(path)), Path(os.path.abspath(folder))
    return path.is_relative_to(folder) and ".." not in path.relative_to(folder).parts


# ------------------------------------------------------------------ text

class Style:
    def __init__(self, colour: bool):
        self.colour = colour

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def ok(self, t):
        return self.paint(t, "32")

    def bad(self, t):
        return self.paint(t, "31")

    def bold(self, t):
        return self.paint(t, "1")

    def dim(self, t):
        return self.paint(t, "2")


def text_table(result: SubmissionResult, colour: bool = False, width: int = 100) -> str:
    """The terminal table: one line per function; student-controlled text made terminal_safe."""
    s = Style(colour)
    lines = [s.bold(f"{terminal_safe(result.name)}: {result.score:g} / {result.max_score:g}")]
    for m in result.messages:
        lines.append("  " + s.dim(terminal_safe(m)))
    name_w = max((len(f.name) for f in result.functions), default=0)
    for f in result.functions:
        mark = s.ok("✓ passed") if f.passed else s.bad("✗ failed")
        summary = terminal_safe(f.summary)
        room = max(20, width - name_w - 22)
        if len(summary) > room:
            summary = summary[:room - 1] + "…"
        lines.append(f"  {f.name:<{name_w}}  {f.score:>5g}/{f.max_score:<3g} {mark}  {summary}")
    iso = terminal_safe(sandbox_line(result))
    lines.append("  " + (s.dim(iso) if result.sandbox == "bwrap" else s.bad(iso)))
    return "\n".join(lines)


def batch_summary(results: list[SubmissionResult]) -> str:
    if not results:
        return "no submissions"
    scores = sorted(r.score for r in results)
    mid = len(scores) // 2
    median = scores[mid] if len(scores) % 2 else (scores[mid - 1] + scores[mid]) / 2
    return (f"{len(results)} submissions graded: mean {sum(scores) / len(scores):.1f}, "
            f"median {median:g}, full marks {sum(r.score >= r.max_score for r in results)}")


# ------------------------------------------------------------------ Canvas gradebook import

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
