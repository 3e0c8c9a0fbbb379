"""Render results: text table, JSON, Gradescope results.json, grades.csv.

Gradescope's schema: top-level score, execution_time, output, tests (each
{name, score, max_score, status, output}); extra_data carries our details.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

from .problems import DISPLAY_ORDER
from .results import SubmissionResult

LOW_ISOLATION_WARNING = "warning: graded without the bubblewrap sandbox ({})"

# Characters a terminal acts on rather than shows: C0 and C1 controls (newline,
# carriage return, ESC that starts ANSI sequences, ...), DEL, bidirectional
# overrides and isolates, zero-width marks, line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def terminal_safe(text: str) -> str:
    """The text with every control character written as a visible escape (\\x1b, \\n,
    \\u202e): student-controlled text can neither move the cursor, recolour, nor forge a line."""
    return CONTROL.sub(lambda m: ascii(m.group())[1:-1], str(text))


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
        "extra_data": {"submission": result.name, "sandbox": result.sandbox, "sha256": digest,
                       "seed": seed, "details": result.to_dict(timing=False)},
    }


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


def csv_row(doc: dict) -> list[str]:
    """A results.json document's line of grades.csv."""
    scores = {t["name"]: t["score"] for t in doc["tests"]}
    return [doc["extra_data"]["submission"], *(f"{scores.get(n, 0):g}" for n in DISPLAY_ORDER),
            f"{doc['score']:g}", f"{sum(t['max_score'] for t in doc['tests']):g}"]


def csv_text(rows: list[list[str]]) -> str:
    """grades.csv from csv_row lines: submission, a column per function, total, sorted by submission."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *DISPLAY_ORDER, "total", "max_score"])
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


def result_path(out: Path, name: str) -> Path:
    return out / (name + ".json")


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
    name_w = max(len(n) for n in DISPLAY_ORDER)
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
