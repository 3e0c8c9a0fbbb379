"""Are failure kinds typed values that reports read, rather than words matched in messages?"""
from __future__ import annotations

from grader.render import html_pages
from grader.results import Check, Failure, FunctionResult, SubmissionResult


def result(*functions: FunctionResult) -> SubmissionResult:
    return SubmissionResult(name="s.py", path="s.py", functions=list(functions))


def test_troubles_read_the_kind_not_the_words():
    """A timeout is reported from its kind; a message that merely contains 'did not finish' is not one."""
    timed = FunctionResult("f", 1.0, [Check("out", 1.0, False, "the call was cut")], failure=Failure.TIMEOUT)
    worded = FunctionResult("g", 1.0, [Check("out", 1.0, False, "your loop did not finish early")],
                            failure=Failure.WRONG)
    crashed = FunctionResult("h", 1.0, problem="it went away", failure=Failure.CRASH)
    assert html_pages.troubles(result(timed, worded, crashed)) == ["timed out in f", "stopped the worker in h"]
    assert html_pages.troubles(result(FunctionResult("f", 1.0, problem="x", failure=Failure.MISSING))) == \
        ["no graded function found"]


def test_kind_survives_the_json_round_trip():
    """results.json keeps the kind as text; reading it back gives the same enum value."""
    for kind in Failure:
        f = FunctionResult("f", 2.0, [Check("out", 2.0, False, "x")], failure=kind if kind is not Failure.MUTATED else None,
                           penalty=0.2 if kind is Failure.MUTATED else 0.0)
        back = FunctionResult.from_dict(f.to_dict())
        assert back.kind is f.kind and f.to_dict()["failure"] == (f.kind.value if f.kind else None)
    assert FunctionResult.from_dict(dict(FunctionResult("f", 1.0).to_dict(), failure="nonsense")).failure is None
