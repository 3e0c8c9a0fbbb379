"""The results model: small dataclasses whose scores are computed, with to_dict().

Renderers (text table, JSON, Gradescope, CSV, HTML) live in render/ and only
read these objects.
"""
from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field

ROUND = 4  # decimals kept in scores
PASS_MARK = "✓"
FAIL_MARK = "✗"

# Text from a worker (student-controlled: exception type names, messages, the
# `where` line, load-error labels, printed output) is capped in the trusted
# process where it enters the results (messages.error_message, load_message, ...):
# each string to its own limit with `clip`; then the whole text of one
# submission's results to TEXT_BUDGET characters (SubmissionResult.bound_text).
# Every output (text, JSON, results.json, CSV, HTML) renders from these objects.
TEXT_BUDGET = 64_000  # characters of text in one submission's results, every field together
CUT = "… [cut]"

# Characters a terminal (or a plain-text feedback) acts on rather than shows: C0
# and C1 controls (newline, carriage return, ESC that starts ANSI sequences, ...),
# DEL, bidirectional overrides and isolates, zero-width marks, line and
# paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def escape_controls(text: str) -> str:
    """The text with every CONTROL character written as a visible escape (\\x1b, \\n, \\u202e)."""
    return CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def clip(value, limit: int) -> str:
    """A worker-sent value as one line of text of at most `limit` characters (plus a cut mark),
    its control characters escaped (so it cannot forge a line of feedback in any sink).

    Only strings and numbers are shown: another JSON value (a list, a dict, perhaps
    nested deeply) is named by its type, never converted whole."""
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, (bool, int, float)):
        text = str(value) if not isinstance(value, int) or abs(value) < 10 ** 30 else "<a large int>"
    else:
        text = f"<{type(value).__name__}>"
    shown = escape_controls(text[:limit])
    return shown if len(text) <= limit and len(shown) <= limit else shown[:limit] + CUT


def line(passed: bool, check: str, message: str) -> str:
    """One feedback line: mark, the check's name, what went wrong (or 'correct on all N cases')."""
    return f"{PASS_MARK if passed else FAIL_MARK} {check}: {message}"


class Failure(enum.Enum):
    """Why a function lost points, as a value (reports group and count by it; the JSON keeps
    its text in "failure"). None on a FunctionResult: it earned all its points."""

    MISSING = "missing"  # no such top-level definition (or the file could not be read)
    NOT_IMPLEMENTED = "not_implemented"  # it raises NotImplementedError
    LOAD_ERROR = "load_error"  # the submission's definitions could not be loaded in a worker
    TIMEOUT = "timeout"  # a call did not finish within the time limit
    CRASH = "crash"  # a call stopped the worker (killed, out of memory, protocol broken)
    MALFORMED = "malformed"  # the worker sent back data that could not be decoded
    RAISED = "raised"  # a call raised an exception
    WRONG = "wrong"  # it returned, and some output is wrong (or the form is)
    MUTATED = "mutated"  # every output right, but it modified an input in place
    INTERNAL = "internal"  # the grader itself failed on this submission (graded again next run)

    @classmethod
    def parse(cls, value) -> "Failure | None":
        try:
            return cls(value) if value is not None else None
        except ValueError:
            return None


@dataclass
class Check:
    """One output or gradient key of one function, over all hidden cases."""

    name: str  # "a_next", "dWf", "inputs unchanged"
    max_score: float
    passed: bool
    message: str  # "correct on all 4 cases" or what went wrong

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0

    def to_line(self) -> str:
        return line(self.passed, self.name, self.message)

    def to_dict(self) -> dict:
        return {"name": self.name, "score": self.score, "max_score": self.max_score,
                "passed": self.passed, "message": self.message}

    @classmethod
    def from_dict(cls, d: dict) -> "Check":
        return cls(d["name"], float(d["max_score"]), bool(d["passed"]), str(d["message"]))


@dataclass
class FunctionResult:
    name: str
    max_score: float
    checks: list[Check] = field(default_factory=list)
    problem: str | None = None  # why it could not be checked at all (missing, not implemented, ...)
    hints: list[str] = field(default_factory=list)  # diagnosed known mistakes
    penalty: float = 0.0  # points lost for modifying its inputs
    failure: Failure | None = None  # the first kind of failure seen (None: nothing went wrong)

    @property
    def kind(self) -> Failure | None:
        """What went wrong, as a value: `failure`, else MUTATED when only the penalty cost points."""
        if self.failure is not None:
            return self.failure
        return Failure.MUTATED if self.penalty and not self.passed else None

    @property
    def score(self) -> float:
        return round(max(0.0, sum(c.score for c in self.checks) - self.penalty), ROUND)

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed"

    @property
    def summary(self) -> str:
        """The first line of feedback."""
        if self.problem:
            return self.problem
        if self.passed:
            return "correct"
        if self.hints:
            return self.hints[0]
        wrong = [c.name for c in self.checks if not c.passed]
        return "wrong: " + ", ".join(wrong)

    @property
    def feedback(self) -> str:
        """Feedback lines: a problem that stopped all checks, or one line per check
        (checks failing for the same reason share a line), then hints."""
        if self.problem:
            return line(False, self.name, self.problem)
        lines, grouped = [], {}
        for c in self.checks:
            if c.passed:
                lines.append(c.to_line())
            elif c.message in grouped:
                grouped[c.message].append(c.name)
            else:
                grouped[c.message] = [c.name]
                lines.append(c.message)
        lines = [line(False, ", ".join(grouped[t]), t) if t in grouped else t for t in lines]
        lines += [f"Hint: {h}" for h in self.hints]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"name": self.name, "score": self.score, "max_score": self.max_score,
                "status": self.status, "summary": self.summary, "problem": self.problem,
                "hints": list(self.hints), "penalty": self.penalty,
                "failure": self.kind.value if self.kind else None,
                "checks": [c.to_dict() for c in self.checks], "feedback": self.feedback}

    def copy(self) -> FunctionResult:
        """An independent copy (its checks and hints are new lists of new objects)."""
        return dataclasses.replace(self, checks=[dataclasses.replace(c) for c in self.checks],
                                   hints=list(self.hints))

    @classmethod
    def from_dict(cls, d: dict) -> "FunctionResult":
        failure = Failure.parse(d.get("failure"))
        return cls(d["name"], float(d["max_score"]), [Check.from_dict(c) for c in d["checks"]],
                   d.get("problem"), list(d.get("hints", [])), float(d.get("penalty", 0.0)),
                   None if failure is Failure.MUTATED else failure)


@dataclass
class SubmissionResult:
    name: str  # path relative to the folder given on the command line
    path: str
    functions: list[FunctionResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # about the file as a whole
    sandbox: str = ""
    sandbox_description: str = ""
    execution_time: float = 0.0
    printed_bytes: int = 0
    printed: str = ""  # the first bytes the submission printed while graded
    exercise: str = ""  # the exercise it was graded as (grader/exercise/)

    @property
    def score(self) -> float:
        return round(sum(f.score for f in self.functions), ROUND)

    @property
    def max_score(self) -> float:
        return round(sum(f.max_score for f in self.functions), ROUND)

    def function(self, name: str) -> FunctionResult:
        return next(f for f in self.functions if f.name == name)

    def bound_text(self, budget: int = TEXT_BUDGET) -> None:
        """Cut the results' text to `budget` characters in all: each function's
        problem, check messages and hints (in order), then the file's messages,
        then the printed output; what does not fit is cut and marked."""
        left = budget

        def fit(text: str) -> str:
            nonlocal left
            if len(text) <= left:
                left -= len(text)
                return text
            kept, left = text[:left], 0
            return kept + CUT

        for f in self.functions:
            f.problem = fit(f.problem) if f.problem else f.problem
            for c in f.checks:
                c.message = fit(c.message)
            f.hints = [fit(h) for h in f.hints]
        self.messages = [fit(m) for m in self.messages]
        self.printed = fit(self.printed)

    def to_dict(self, timing: bool = True) -> dict:
        out = {"submission": self.name, "path": self.path, "score": self.score,
               "max_score": self.max_score, "sandbox": self.sandbox,
               "sandbox_description": self.sandbox_description,
               "messages": list(self.messages), "printed_bytes": self.printed_bytes,
               "printed": self.printed, "exercise": self.exercise,
               "functions": [f.to_dict() for f in self.functions]}
        if timing:
            out["execution_time"] = round(self.execution_time, 3)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "SubmissionResult":
        return cls(name=d["submission"], path=d["path"],
                   functions=[FunctionResult.from_dict(f) for f in d["functions"]],
                   messages=list(d["messages"]), sandbox=d["sandbox"],
                   sandbox_description=d.get("sandbox_description", ""),
                   execution_time=float(d.get("execution_time", 0.0)),
                   printed_bytes=int(d.get("printed_bytes", 0)), printed=d.get("printed", ""),
                   exercise=str(d.get("exercise", "")))
