"""The results model: small dataclasses whose scores are computed, with to_dict().

Renderers (text table, JSON, Gradescope, CSV, HTML) live in report.py and only
read these objects.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

ROUND = 4  # decimals kept in scores
PASS_MARK = "✓"
FAIL_MARK = "✗"


def line(passed: bool, check: str, message: str) -> str:
    """One feedback line: mark, the check's name, what went wrong (or 'correct on all N cases')."""
    return f"{PASS_MARK if passed else FAIL_MARK} {check}: {message}"


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
                "checks": [c.to_dict() for c in self.checks], "feedback": self.feedback}

    def copy(self) -> FunctionResult:
        """An independent copy (its checks and hints are new lists of new objects)."""
        return dataclasses.replace(self, checks=[dataclasses.replace(c) for c in self.checks],
                                   hints=list(self.hints))

    @classmethod
    def from_dict(cls, d: dict) -> "FunctionResult":
        return cls(d["name"], float(d["max_score"]), [Check.from_dict(c) for c in d["checks"]],
                   d.get("problem"), list(d.get("hints", [])), float(d.get("penalty", 0.0)))


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

    @property
    def score(self) -> float:
        return round(sum(f.score for f in self.functions), ROUND)

    @property
    def max_score(self) -> float:
        return round(sum(f.max_score for f in self.functions), ROUND)

    def function(self, name: str) -> FunctionResult:
        return next(f for f in self.functions if f.name == name)

    def to_dict(self, timing: bool = True) -> dict:
        out = {"submission": self.name, "path": self.path, "score": self.score,
               "max_score": self.max_score, "sandbox": self.sandbox,
               "sandbox_description": self.sandbox_description,
               "messages": list(self.messages), "printed_bytes": self.printed_bytes,
               "printed": self.printed,
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
                   printed_bytes=int(d.get("printed_bytes", 0)), printed=d.get("printed", ""))
