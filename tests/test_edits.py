"""Is the one-slip diagnosis (grader/exercises/rnn_lstm/edits.py) sound: does it name a slip only when that slip gives exactly these outputs?

The cell programs must be the reference (same outputs on every hidden case).
Then every edit and every loop slip is played as a submission: the hint the
grader's diagnosis gives must name a slip whose outputs are the submission's
on every hidden case (the same slip, or one that cannot be told apart from
it), and a few students' edits of loops.py get the hint shown to them,
word for word. Values are compared as the grader compares them
(numpy.allclose, rtol=problems.RTOL, atol=problems.ATOL).
"""
from __future__ import annotations

import copy
import sys
import types
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "submissions"))

from grader import checks  # noqa: E402
from grader.exercises.rnn_lstm import edits, problems, reference  # noqa: E402
from patches import mutant_source  # noqa: E402

CELLS = tuple(edits.PROGRAMS)
SEQUENCES = tuple(edits.LOOP_EDITS)


def fresh_cases(name):
    """Hidden cases with empty memos (each test starts from nothing remembered)."""
    return problems.hidden_cases(problems.BY_NAME[name])


def accepted(problem, key, got, want) -> bool:
    return checks.output_problem(problem, key, got, want) is None


def hints_for(name, outputs_per_case, cases=None):
    """The grader's hints for a submission whose outputs on the hidden cases are these."""
    problem = problems.BY_NAME[name]
    cases = cases or fresh_cases(name)
    outcomes = []
    for case, outputs in zip(cases, outputs_per_case):
        result = outputs if problem.returns_dict else tuple(outputs[k] for k in problem.outputs)
        outcomes.append(checks.Outcome("ok", result=result, args_after=copy.deepcopy(case.args)))
    return checks.evaluate(problem, cases, outcomes, checks.diagnose).hints


@pytest.mark.parametrize("name", CELLS)
def test_cell_programs_are_the_reference(name):
    """Does each cell program give the reference's outputs on every hidden case?"""
    problem = problems.BY_NAME[name]
    for case in fresh_cases(name):
        out = edits.run(name, edits.PROGRAMS[name]["lines"], case.args)
        for key in problem.outputs:
            assert accepted(problem, key, out[key], case.expected[key]), (case.shape, key)


@pytest.mark.parametrize("name", CELLS)
def test_programs_print_as_the_equations(name):
    """Do the programs print as the notebook's equations (a sample of lines, word for word)?"""
    lines = {n: edits.show(e) for n, e in edits.PROGRAMS[name]["lines"]}
    want = {
        "rnn_cell_forward": ("a_next", "np.tanh(Waa @ a_prev + Wax @ xt + ba)"),
        "lstm_cell_forward": ("c_next", "ft * c_prev + it * cct"),
        "rnn_cell_backward": ("dz", "(1 - a_next**2) * da_next"),
        "lstm_cell_backward": ("dc", "dc_next + ot * (1 - np.tanh(c_next)**2) * da_next"),
    }[name]
    assert lines[want[0]] == want[1]


def _edit_outputs(name, edit, cases):
    lines = list(edits.PROGRAMS[name]["lines"])
    lines[edit.line] = (lines[edit.line][0], edit.expr)
    out = []
    for case in cases:
        with np.errstate(all="ignore"):
            out.append(edits.run(name, lines, case.args))
    return out


def _same_outputs(problem, a, b) -> bool:
    return all(accepted(problem, k, x[k], y[k]) for x, y in zip(a, b) for k in problem.outputs
               if isinstance(y[k], np.ndarray))


@pytest.mark.slow
@pytest.mark.parametrize("name", CELLS)
def test_every_cell_edit_gets_a_true_hint_or_none(name):
    """Played as a submission, does every edit get no hint or a hint naming a slip with exactly its outputs?"""
    problem = problems.BY_NAME[name]
    cases = fresh_cases(name)
    all_edits = edits.for_cases(name, cases)
    by_hint = {}
    for edit in all_edits:
        try:
            outputs = _edit_outputs(name, edit, cases)
        except (ValueError, IndexError, TypeError):
            continue  # a slip numpy refuses: the student sees the exception
        if not all(np.all(np.isfinite(o[k])) for o in outputs for k in o if isinstance(o[k], np.ndarray)):
            continue
        by_hint.setdefault(edit, outputs)
    named = 0
    for edit, outputs in by_hint.items():
        wrong = {k for k in problem.outputs
                 if any(not accepted(problem, k, o[k], c.expected[k]) for o, c in zip(outputs, cases))}
        if not wrong:
            continue
        hints = edits.explain(problem, cases, outputs, wrong)
        assert len(hints) <= 1
        if not hints:
            continue
        # the hint shows "name = edited; the right line is ...": find the edit it names
        text = hints[0]
        candidates = [e for e in all_edits
                      if f"the line {e.describe(name)[0]} = {e.describe(name)[1]};" in text]
        assert candidates, text
        assert any(_same_outputs(problem, _edit_outputs(name, e, cases), outputs) for e in candidates), text
        named += 1
    assert named >= 0.5 * len(by_hint), (named, len(by_hint))


@pytest.mark.slow
@pytest.mark.parametrize("name", SEQUENCES)
def test_every_loop_slip_gets_a_true_hint_or_none(name):
    """Played as a submission, does every loop slip get a hint naming a slip with exactly its outputs?"""
    problem = problems.BY_NAME[name]
    cases = fresh_cases(name)
    slips = edits.LOOP_EDITS[name]
    outputs = {}
    for i, (knobs, _, _) in enumerate(slips):
        try:
            outputs[i] = [edits._loop_outputs(problem, knobs, c) for c in cases]
        except (ValueError, IndexError, TypeError):
            continue
    named = 0
    for i, outs in outputs.items():
        wrong = {k for k in problem.outputs
                 if any(not accepted(problem, k, o[k], c.expected[k]) for o, c in zip(outs, cases))}
        if not wrong:
            continue
        hints = edits.explain_loop(problem, cases, outs, wrong)
        assert len(hints) <= 1
        if hints:
            j = next(j for j, (_, slip, right) in enumerate(slips) if f"a loop in which {slip}: {right}." in hints[0])
            assert j == i or all(accepted(problem, k, a[k], b[k]) for a, b in zip(outputs[j], outs)
                                 for k in wrong), (slips[i][1], hints[0])
            named += 1
    assert named >= 0.9 * len(outputs), (named, len(outputs))


# ------------------------------------------------------------- students' edits of loops.py, graded in-process

@pytest.fixture(scope="module")
def rnn_utils():
    utils = types.ModuleType("rnn_utils")
    utils.sigmoid, utils.softmax = reference.sigmoid, reference.softmax
    sys.modules["rnn_utils"] = utils
    yield
    sys.modules.pop("rnn_utils", None)


def grade_patch(name, edits_):
    """The hints the grader's diagnosis gives loops.py with these edits, for function `name`."""
    namespace = {"__name__": "mutant"}
    exec(compile(mutant_source(edits_), name, "exec"), namespace)
    problem = problems.BY_NAME[name]
    scope = dict(namespace)
    if problem.black_box:
        scope[problem.black_box] = getattr(reference, problem.black_box)
    fn = types.FunctionType(namespace[name].__code__, scope)
    cases = fresh_cases(name)
    outs = []
    for case in cases:
        result = fn(*copy.deepcopy(case.args))
        outs.append(dict(result) if problem.returns_dict else dict(zip(problem.outputs, result)))
    return hints_for(name, outs, cases)


STUDENT_EDITS = [
    ("lstm_cell_backward", [("dit = dc * cct * it * (1 - it)", "dit = dc_next * cct * it * (1 - it)")],
     "`dxt`, `da_prev`, `dWi`, `dbi` match the line dit = dc_next * cct * it * (1 - it); "
     "the right line is dit = dc * cct * it * (1 - it)."),
    ("lstm_cell_forward", [("a_next = ot * np.tanh(c_next)", "a_next = ot + np.tanh(c_next)")],
     "`a_next`, `yt_pred` match the line a_next = ot + np.tanh(c_next); the right line is a_next = ot * np.tanh(c_next)."),
    ("rnn_cell_forward", [("np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)", "np.tanh(np.dot(Wax, xt) + ba)")],
     "`a_next`, `yt_pred` match the line a_next = np.tanh(Wax @ xt + ba); "
     "the right line is a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)."),
    ("rnn_cell_backward", [("dtanh = (1 - a_next ** 2) * da_next", "dtanh = (1 + a_next ** 2) * da_next")],
     "`dxt`, `da_prev`, `dWax`, `dWaa`, `dba` match the line dz = (1 + a_next**2) * da_next; "
     "the right line is dz = (1 - a_next**2) * da_next."),
    ("rnn_backward", [("rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])", "rnn_cell_backward(da[:, :, t] - da_prevt, caches[t])")],
     "`dx`, `da0`, `dWax`, `dWaa`, `dba` match a loop in which the cell gets da[:, :, t] - da_prevt: "
     "the cell gets da[:, :, t] + da_prevt."),
    ("lstm_backward", [("        dc_prevt = gradients[\"dc_prev\"]\n", "        dc_prevt = gradients[\"dc_prev\"] + dc_prevt\n")],
     "`dx`, `da0`, `dWf`, `dbf`, `dWi`, `dbi`, `dWc`, `dbc`, `dWo`, `dbo` match a loop in which dc_prevt is summed "
     "over the steps (+=): dc_prevt = the step's dc_prev."),
    ("lstm_forward", [("        c[:, :, t] = c_next\n", "        c[:, :, t] = np.tanh(c_next)\n")],
     "`c` matches a loop in which c[:, :, t] stores tanh(c_next): c[:, :, t] = c_next."),
    # the further slips: another activation, a parenthesis closing early, factors left out, another sum;
    # loops that read the state back from the arrays they fill, or store after the loop
    ('lstm_cell_forward', [('ft = sigmoid(np.dot(Wf, concat) + bf)', 'ft = sigmoid(np.dot(Wf, concat)) + bf')],
     '`a_next`, `c_next`, `yt_pred`, `cache` match the line ft = sigmoid(Wf @ concat) + bf; the right line is ft = sigmoid(Wf @ concat + bf).'),
    ('lstm_cell_forward', [('it = sigmoid(np.dot(Wi, concat) + bi)', 'it = np.maximum(0, np.dot(Wi, concat) + bi)')],
     '`a_next`, `c_next`, `yt_pred`, `cache` match the line it = np.maximum(0, Wi @ concat + bi); the right line is it = sigmoid(Wi @ concat + bi).'),
    ('rnn_cell_forward', [('yt_pred = softmax(np.dot(Wya, a_next) + by)', 'yt_pred = np.exp(np.dot(Wya, a_next) + by)')],
     '`yt_pred` matches the line yt_pred = np.exp(Wya @ a_next + by); the right line is yt_pred = softmax(Wya @ a_next + by).'),
    ('rnn_cell_forward', [('np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)', 'np.tanh(np.dot(Wax, xt)) + np.dot(Waa, a_prev) + ba')],
     '`a_next`, `yt_pred` match the line a_next = np.tanh(Wax @ xt) + Waa @ a_prev + ba; the right line is a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba).'),
    ('lstm_cell_backward', [('dft = dc * c_prev * ft * (1 - ft)', 'dft = dc * c_prev')],
     '`dxt`, `da_prev`, `dWf`, `dbf` match the line dft = dc * c_prev; the right line is dft = dc * c_prev * ft * (1 - ft).'),
    ('lstm_cell_backward', [('dit = dc * cct * it * (1 - it)', 'dit = dc * it * (1 - it)')],
     '`dxt`, `da_prev`, `dWi`, `dbi` match the line dit = dc * it * (1 - it); the right line is dit = dc * cct * it * (1 - it).'),
    ('lstm_cell_backward', [('dbf = np.sum(dft, axis=1, keepdims=True)', 'dbf = np.sum(dft, keepdims=True)')],
     '`dbf` matches the line dbf = np.sum(dft, keepdims=True); the right line is dbf = np.sum(dft, axis=1, keepdims=True).'),
    ('lstm_forward', [('        caches.append(cache)\n    caches = (caches, x)\n    return a, y, c, caches', '    caches.append(cache)\n    caches = (caches, x)\n    return a, y, c, caches')],
     "`caches` matches a loop in which caches.append(cache) is after the loop (only the last step's cache is kept): caches.append(cache) belongs inside the loop, at every step."),
    ('lstm_forward', [('lstm_cell_forward(xt, a_next, c_next, parameters)', 'lstm_cell_forward(xt, a[:, :, t - 1], c_next, parameters)')],
     "`a`, `y`, `c`, `caches` match a loop in which step t reads its previous state as a[:, :, t - 1] (at t = 0 that is a[:, :, -1], the last slot: zeros, not a0): a_prev is a0 at t = 0, then the previous step's a_next."),
    ('lstm_forward', [('lstm_cell_forward(xt, a_next, c_next, parameters)', 'lstm_cell_forward(xt, a[:, :, t - 1], c[:, :, t - 1], parameters)')],
     "`a`, `y`, `c`, `caches` match a loop in which step t reads its previous states as a[:, :, t - 1] and c[:, :, t - 1] (at t = 0 that is the last slot: zeros, not a0): a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next."),
    ('rnn_forward', [('        y_pred[:, :, t] = yt_pred\n        caches.append(cache)\n', '        caches.append(cache)\n    y_pred[:, :, t] = yt_pred\n')],
     "`y_pred` matches a loop in which the prediction is stored after the loop (only the last step's): y[:, :, t] = the step's prediction, inside the loop."),
    ('rnn_backward', [('        dx[:, :, t] = dxt\n        dWax', '        dWax'), ('    da0 = da_prevt\n    gradients = {"dx": dx, "da0": da0, "dWax"', '    dx[:, :, t] = dxt\n    da0 = da_prevt\n    gradients = {"dx": dx, "da0": da0, "dWax"')],
     "`dx` matches a loop in which dx[:, :, t] = dxt is after the loop (only step 0's dxt is stored): dx[:, :, t] = dxt belongs inside the loop, at every step."),
    ('lstm_cell_forward', [('cct = np.tanh(np.dot(Wc, concat) + bc)', 'cct = np.tanh(np.dot(Wc, concat)) + np.tanh(bc)')],
     '`a_next`, `c_next`, `yt_pred`, `cache` match the line cct = np.tanh(Wc @ concat) + np.tanh(bc); the right line is cct = np.tanh(Wc @ concat + bc).'),
    ('lstm_cell_backward', [('dft = dc * c_prev * ft * (1 - ft)', 'dft = dc * c_prev * (1 - ft ** 2)')],
     '`dxt`, `da_prev`, `dWf`, `dbf` match the line dft = dc * c_prev * (1 - ft**2); the right line is dft = dc * c_prev * ft * (1 - ft).'),
    ('lstm_cell_forward', [('c_next = ft * c_prev + it * cct', 'c_next = ft * (c_prev + it * cct)')],
     '`a_next`, `c_next`, `yt_pred` match the line c_next = ft * (c_prev + it * cct); the right line is c_next = ft * c_prev + it * cct.'),
    ('lstm_cell_backward', [('dc = dc_next + ot * (1 - np.tanh(c_next) ** 2) * da_next', 'dc = dc_next + ot * (1 - np.tanh(c_next) ** 2) * (da_next + dc_next)')],
     '`dxt`, `da_prev`, `dc_prev`, `dWf`, `dbf`, `dWi`, `dbi`, `dWc`, `dbc` match the line dc = dc_next + ot * (1 - np.tanh(c_next)**2) * (da_next + dc_next); the right line is dc = dc_next + ot * (1 - np.tanh(c_next)**2) * da_next.'),
    ('lstm_forward', [('    a_next = a0\n    c_next = np.zeros((n_a, m))', '    a_next = a[:, :, 0]\n    c_next = np.zeros((n_a, m))')],
     '`a`, `y`, `c`, `caches` match a loop in which the state starts as a[:, :, 0], a view of the zero array a (zeros at t = 0, then overwritten by the first step): a_next = a0 before the loop.'),
    ('lstm_backward', [('    da0 = da_prevt\n    gradients = {"dx": dx, "da0": da0, "dWf"', '    da0 = gradients["dxt"]\n    gradients = {"dx": dx, "da0": da0, "dWf"')],
     "`da0` matches a loop in which da0 is the last step's dxt: da0 is the last da_prev."),
    ('lstm_forward', [('lstm_cell_forward(xt, a_next, c_next, parameters)', 'lstm_cell_forward(xt, a[:, :, t], c[:, :, t], parameters)')],
     "`a`, `y`, `c`, `caches` match a loop in which step t reads its previous states as a[:, :, t] and c[:, :, t] (the slots the step is about to fill: zeros): a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next."),
]


@pytest.mark.parametrize("name, edits_, hint", STUDENT_EDITS, ids=[e[2][:40] for e in STUDENT_EDITS])
def test_student_edit_gets_this_hint(rnn_utils, name, edits_, hint):
    """Does this edit of loops.py get exactly this hint (and no other)?"""
    assert grade_patch(name, edits_) == [hint]


def test_explain_is_bounded():
    """Is the number of edits per function fixed and small (the diagnosis' work is bounded)?"""
    for name in CELLS:
        assert len(edits.for_cases(name, fresh_cases(name))) < 2000
    assert all(len(v) < 60 for v in edits.LOOP_EDITS.values())
