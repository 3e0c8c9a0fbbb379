"""The terminal: a table per submission, the batch's summary line, and the isolation line
every output carries. Student-controlled text is made terminal_safe.
"""
from __future__ import annotations

from ..results import SubmissionResult, escape_controls


LOW_ISOLATION_WARNING = "warning: graded without the bubblewrap sandbox ({})"


def terminal_safe(text: str) -> str:
    """The text with every control character written as a visible escape (\\x1b, \\n,
    \\u202e): student-controlled text can neither move the cursor, recolour, nor forge a line."""
    return escape_controls(str(text))


def sandbox_line(result: SubmissionResult) -> str:
    text = f"Isolation: {result.sandbox_description or result.sandbox}."
    if result.sandbox != "bwrap":
        text += " " + LOW_ISOLATION_WARNING.format(result.sandbox)
    return text


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
