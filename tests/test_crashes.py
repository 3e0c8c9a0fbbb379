"""Is the diagnosis of a function that raises (grader/exercises/rnn_lstm/crashes.py) true: does it name only facts?

A submission that raises on every hidden case gets a message naming the
exception's shapes: each size by its name on the case (n_x, n_a, n_y, m,
T_x), each shape by the arrays the function works with. These tests play
students' edits of loops.py that make numpy raise (and every one-slip edit
of the cell programs that raises) and check that the message is exactly
the one expected, and that every "(shape) is the shape of A, B" it makes is
true on every case where the sizes are distinct, checked against the arrays
themselves. The exception text comes from the worker (student-controlled):
an unrecognised or inconsistent one gets no hint, never a crash.
"""
from __future__ import annotations

import copy
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "submissions"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from grader import checks  # noqa: E402
from grader.exercises.rnn_lstm import blackbox, crashes, edits, problems, reference  # noqa: E402
from patches import mutant_source  # noqa: E402


@pytest.fixture(scope="module")
def rnn_utils():
    utils = types.ModuleType("rnn_utils")
    utils.sigmoid, utils.softmax = reference.sigmoid, reference.softmax
    sys.modules["rnn_utils"] = utils
    yield
    sys.modules.pop("rnn_utils", None)


class Refusing:
    """The black box as the worker's: it refuses, with the worker's message, a call that is not
    about the case (grader.exercises.rnn_lstm.blackbox.Questions), else answers with the reference cell."""

    def __init__(self, problem, case):
        self.name = problem.black_box
        self.questions = blackbox.Questions(problem, case)
        self.cell = getattr(reference, problem.black_box)

    def __call__(self, *args):
        why = self.questions.problem(dict(zip(problems.BY_NAME[self.name].args, args)))
        if why:
            raise RuntimeError(f"{self.name} (the correct one, given to your function by the grader) "
                               f"answers only calls about the case being graded: {why}")
        return self.cell(*args)


def outcomes_of(name, source):
    """The outcomes of the function `name` of this source on the hidden cases, errors as the worker words them."""
    namespace = {"__name__": "mutant"}
    exec(compile(source, "student.py", "exec"), namespace)
    problem = problems.BY_NAME[name]
    cases = problems.hidden_cases(problem)
    outcomes = []
    for case in cases:
        scope = dict(namespace)
        if problem.black_box:
            scope[problem.black_box] = Refusing(problem, case)
        fn = types.FunctionType(namespace[name].__code__, scope)
        try:
            result = fn(*copy.deepcopy(case.args))
            outcomes.append(checks.Outcome("ok", result=result, args_after=case.args))
        except Exception as exc:  # noqa: BLE001 - the student's exception, as the worker reports it
            outcomes.append(checks.Outcome("error", error=f"raised {type(exc).__name__}: {exc} "
                                                          f"(student.py, line 1, in {name})"))
    return problem, cases, outcomes


def hints(name, edits_):
    problem, cases, outcomes = outcomes_of(name, mutant_source(edits_))
    assert all(o.status == "error" for o in outcomes)
    return checks.evaluate(problem, cases, outcomes, checks.diagnose).hints


RAISING = [
    ("rnn_cell_forward", [("np.dot(Waa, a_prev) + np.dot(Wax, xt)", "np.dot(Wax, a_prev) + np.dot(Waa, xt)")],
     "numpy could not multiply arrays of shapes (n_a, n_x) and (n_a, m): (n_a, n_x) is the shape of Wax; "
     "(n_a, m) is the shape of a_prev, a_next. In the right code: a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)."),
    ("rnn_cell_backward", [("dxt = np.dot(Wax.T, dtanh)", "dxt = np.dot(Wax, dtanh)")],
     "numpy could not multiply arrays of shapes (n_a, n_x) and (n_a, m): (n_a, n_x) is the shape of Wax, dWax; "
     "(n_a, m) is the shape of da_next, a_next, a_prev, dz (and 1 more). In the right code: dxt = Wax.T @ dz."),
    ("lstm_cell_forward", [("    concat = np.zeros((n_a + n_x, m))\n    concat[:n_a, :] = a_prev\n"
                            "    concat[n_a:, :] = xt\n    ft = sigmoid",
                            "    concat = np.concatenate((a_prev, xt), axis=1)\n    ft = sigmoid")],
     "np.concatenate joined arrays of n_a and n_x entries along dimension 0, where their sizes must match: "
     "only the axis they are joined on may differ. a_prev (n_a, m) and xt (n_x, m) share m, their columns: "
     "they are stacked along axis 0, concat = np.concatenate((a_prev, xt), axis=0), of shape (n_a + n_x, m)."),
    ("rnn_forward", [("        xt = x[:, :, t]\n        a_next, yt_pred", "        xt = x[:, t, :]\n        a_next, yt_pred")],
     "the `xt` your loop passes rnn_cell_forward has shape (n_x, T_x), where (n_x, m) is expected: that is "
     "x (n_x, m, T_x) without its axis 1 (m); time is its last axis, so step t's slice is x[:, :, t]."),
    ("rnn_cell_forward", [("yt_pred = softmax(np.dot(Wya, a_next) + by)", "yt_pred = softmax(Wya @ a_next.T + by)")],
     "numpy could not multiply (@) a left operand with n_a columns by a right operand with m rows: "
     "in A @ B, A's last size must be B's first."),
]


@pytest.mark.parametrize("name, edits_, hint", RAISING, ids=[f"{e[0]}-{i}" for i, e in enumerate(RAISING)])
def test_raising_edit_gets_this_message(rnn_utils, name, edits_, hint):
    """Does this edit of loops.py, which raises on every case, get exactly this message?"""
    assert hints(name, edits_) == [hint]


SHAPE_CLAIM = re.compile(r"(\([\w ,+]+\)) is the shape of ([\w, ]+)")


def _symbolic_of(problem, case, value) -> str:
    s = case.shape
    names = {s.n_x: "n_x", s.n_a: "n_a", s.n_y: "n_y", s.m: "m", 1: "1"}
    if problem.sequence:
        names[s.T_x] = "T_x"
    if problem.model == "lstm":
        names[s.n_a + s.n_x] = "n_a + n_x"
    return "(" + ", ".join(names[d] for d in np.shape(value)) + ")"


def _all_arrays(problem, case) -> dict:
    """Every array of the function on the case by name, taken from the arguments and the right program
    directly (not through crashes.py)."""
    found = {}
    args = dict(zip(problem.args, case.args))
    for name, value in args.items():
        if name == "parameters":
            found.update(value)
        elif name == "cache":
            for k, v in zip(problems.CELL_CACHE[problem.model], value):
                found.update(v if k == "parameters" else {k: v})
        else:
            found[name] = value
    if problem.name in edits.PROGRAMS:
        found.update({k: v for k, v in edits._values(problem.name, case.args).items() if isinstance(v, np.ndarray)})
    found.update({k: v for k, v in case.expected.items() if isinstance(v, np.ndarray)})
    return found


def claims_hold(problem, cases, hint) -> bool:
    """Is every "(shape) is the shape of A, B" of the hint true on every case with distinct sizes?"""
    claims = SHAPE_CLAIM.findall(hint)
    for case in cases:
        if not crashes.sizes(problem, case):
            continue
        arrays = _all_arrays(problem, case)
        for shape, names in claims:
            if names.startswith("none of the function"):  # no array has this shape
                if any(_symbolic_of(problem, case, v) == shape for v in arrays.values()):
                    return False
                continue
            for n in (w.strip(" .") for w in names.split(",")):
                if n and (n not in arrays or _symbolic_of(problem, case, arrays[n]) != shape):
                    return False
    return True


@pytest.mark.parametrize("name", tuple(edits.PROGRAMS))
def test_every_raising_cell_edit_gets_true_statements_or_none(name):
    """Played as a submission (np.dot's and @'s own messages), does every one-slip edit that raises get
    no hint or one whose shape claims hold, with the exception's shapes named by the case's sizes?"""
    problem = problems.BY_NAME[name]
    cases = problems.hidden_cases(problem)
    named = raised = 0
    for edit in edits.for_cases(name, cases):
        lines = list(edits.PROGRAMS[name]["lines"])
        lines[edit.line] = (lines[edit.line][0], edit.expr)
        outcomes = []
        for case in cases:
            try:
                with np.errstate(all="ignore"):
                    edits.run(name, lines, case.args)
                outcomes.append(checks.Outcome("ok"))
            except ValueError as exc:
                outcomes.append(checks.Outcome("error", error=f"raised ValueError: {exc} (student.py, line 3)"))
        if any(o.status != "error" for o in outcomes):
            continue
        raised += 1
        found = crashes.explain_error(problem, cases, outcomes)
        assert len(found) <= 1
        if found:
            named += 1
            assert claims_hold(problem, cases, found[0]), (edit, found[0])
            shapes = re.findall(r"\((\d+(?:,\s*\d+)*),?\)", outcomes[-1].error)
            for numbers in shapes:  # the exception's shapes, named by the last case's sizes, are in the hint
                value = np.zeros(tuple(int(x) for x in numbers.split(",")))
                assert _symbolic_of(problem, cases[-1], value) in found[0], (edit, found[0])
    print(name, "raising edits:", raised, "named:", named)
    assert raised == 0 or named >= 0.5 * raised, (named, raised)


def test_a_message_inconsistent_across_cases_gets_no_hint():
    """Shapes that do not name the same arrays on every case (a faked message) get no hint."""
    problem = problems.BY_NAME["rnn_cell_forward"]
    cases = problems.hidden_cases(problem)
    fixed = "raised ValueError: shapes (16,10) and (16,12) not aligned: 10 (dim 1) != 16 (dim 0)"
    assert crashes.explain_error(problem, cases, [checks.Outcome("error", error=fixed)] * len(cases)) == []


@pytest.mark.parametrize("message", [
    "raised ValueError: shapes (" + "9" * 50 + ",3) and (5,1) not aligned",
    "raised ValueError: " + "shapes (5,3) and " * 200,
    "raised ValueError: along dimension 0, the array at index 0 has size 99999 and the array at index 1 has size 3",
    "raised KeyError: 'Wax'",
    "",
])
def test_unrecognised_or_hostile_messages_get_no_hint_and_no_error(message):
    """A message the analysis does not know, or sizes no array has, gets no hint (and never raises)."""
    problem = problems.BY_NAME["rnn_cell_forward"]
    cases = problems.hidden_cases(problem)
    outcomes = [checks.Outcome("error", error=message)] * len(cases)
    assert checks.diagnose_error(problem, cases, outcomes) == []


def test_a_function_that_returns_on_some_case_gets_no_crash_message():
    problem = problems.BY_NAME["rnn_cell_forward"]
    cases = problems.hidden_cases(problem)
    message = "raised ValueError: shapes (5,3) and (5,1) not aligned: 3 (dim 1) != 5 (dim 0)"
    outcomes = [checks.Outcome("error", error=message)] * (len(cases) - 1) + [checks.Outcome("ok")]
    assert crashes.explain_error(problem, cases, outcomes) == []


@pytest.mark.parametrize("exercise_name, name", [("rnn_lstm", "rnn_cell_forward"), ("rnn_lstm", "lstm_cell_backward"),
                                                 ("gru", "gru_cell_forward")])
def test_a_forged_black_box_refusal_in_a_function_without_one_gets_no_hint(exercise_name, name):
    """A function with no black box cannot have been refused by one: the black box's refusal, raised
    by the student's own code there (with the case's real sizes), gets no hint. It used to get
    "the `You_get_full_marks` your loop passes None has shape (n_a, m)": a claim about a loop and a
    call that do not exist, with a word of the student's in it."""
    from grader import exercise as exercises

    exercise = exercises.get(exercise_name)
    problem = exercise.by_name[name]
    assert not problem.black_box
    cases = exercise.hidden_cases(problem, 7)
    outcomes = [checks.Outcome("error", error=(
        f"raised RuntimeError: answers only calls about the case being graded: `You_get_full_marks` has shape "
        f"({c.shape.n_a}, {c.shape.m}), expected ({c.shape.n_x}, {c.shape.m}) (student.py, line 3, in {name})"))
        for c in cases]
    assert checks.diagnose_error(problem, cases, outcomes, exercise) == []
