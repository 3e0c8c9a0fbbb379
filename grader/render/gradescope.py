"""Gradescope's results.json (`--format gradescope`, and each submission's file under --out).

Gradescope's schema: top-level score, execution_time, output, tests (each
{name, score, max_score, status, output}); extra_data carries our details.
"""
from __future__ import annotations

from ..results import SubmissionResult
from ..submission import student_of
from .text import sandbox_line


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
