"""`--format json`: a JSON array, one object per submission, with every check."""
from __future__ import annotations

import json

from ..results import SubmissionResult


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
