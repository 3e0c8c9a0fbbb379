"""What a student is told when a definition fails to load or a graded function raises:
the wording, from a worker's (hostile) reply, every string capped where it enters the results.
"""
from __future__ import annotations

from . import exercise as exercises
from . import submission
from .results import clip


def quoted_name(message: str) -> str:
    """The name between the first pair of quotes ("No module named 'x'", "name 'x' is not defined")."""
    parts = str(message).split("'")
    return parts[1] if len(parts) > 2 else ""


def load_error_matters(err: dict, sub: submission.Submission) -> bool:
    """Is a statement that failed while loading worth a notice to the student? Only if it
    can change the grade: it sets a name a graded function needs. A course module not
    available here, a plotting library not installed, test data built by scratch code:
    silent when no graded function uses what they would have set."""
    try:
        return sub.load_error_matters(str(err.get("label")), int(err.get("line")))
    except (TypeError, ValueError, OverflowError, RecursionError):
        return True


# Characters kept of each string a worker sends (it is student-controlled: see results.clip).
TYPE_CHARS, MESSAGE_CHARS, WHERE_CHARS, LABEL_CHARS = 100, 500, 300, 100


def load_message(err, course_modules=None) -> str | None:
    """The message for one definition that failed to load, or None if `err` is not one.
    `course_modules`: the exercise's modules that may be absent (default: the default exercise's)."""
    if not isinstance(err, dict):
        return None
    kind, message = clip(err.get("type"), TYPE_CHARS), clip(err.get("message", ""), MESSAGE_CHARS)
    where = (clip(err["where"], WHERE_CHARS) if err.get("where")
             else f"{clip(err.get('label'), LABEL_CHARS)}, line {clip(err.get('line'), 20)}")
    text = f"{where}: {kind}: {message}"
    module = quoted_name(message) if kind == "ModuleNotFoundError" else ""
    if course_modules is None:
        course_modules = exercises.default().course_modules
    if module and module.split(".")[0] in course_modules:
        return f"{where}: module `{module}` is not available while grading; the grader skipped this import"
    return text + " (skipped; the rest of the submission was still loaded)"


def error_message(reply: dict, sub, memory: int) -> str:
    kind = clip(reply.get("type", "Exception"), TYPE_CHARS)
    message, where = clip(reply.get("message", ""), MESSAGE_CHARS), clip(reply.get("where", ""), WHERE_CHARS)
    text = f"raised {kind}: {message}"
    if where:
        text += f" ({where})"
    if kind == "NameError" and quoted_name(message):
        name = quoted_name(message)
        if name in sub.scratch_names:
            text += (f". `{name}` is set only by scratch/test code ({sub.scratch_names[name]}), which the "
                     f"grader does not run: a graded function must get what it needs from its arguments")
        elif name == "np":
            text += ". Add `import numpy as np` at the top of the submission"
    if kind == "MemoryError":
        text += f" (the memory limit is {memory >> 20} MiB)"
    if kind in ("SystemExit", "KeyboardInterrupt"):
        text += " (the submission tried to stop the program; remove sys.exit/exit/quit calls)"
    return text

