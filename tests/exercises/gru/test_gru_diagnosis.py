"""Does a wrong GRU function get cause-level hints of the RNN/LSTM's kinds, each true, and a right one none?

The GRU's diagnosis beyond its catalogue: one-slip edits of the cell programs
(grader/exercises/gru/edits.py on the protocol's engine, grader/exercise/edits.py),
loop slips of the sequence functions, symptoms (grader/exercise/symptoms.py and
grader/exercises/gru/symptoms.py) and crash explanations
(grader/exercises/gru/crashes.py). Each hint kind is shown by a patch of the
correct fixture (gru_patches.py), graded in-process as the grader evaluates a
function (checks.evaluate with checks.diagnose, the reference cell as the
black box): the patch gets exactly that hint, word for word. The programs are
the reference; every edit and every loop slip played as a submission gets no
hint or one naming a slip with exactly its outputs. Values are compared as the
grader compares them (the exercise's output_problem: numpy.isclose with
rtol=1e-5, atol=1e-7).
"""
from __future__ import annotations

import copy
import sys
import time
import types

import numpy as np
import pytest

from grader import checks
from grader import exercise as exercises
from grader.exercises.gru import activations, crashes, edits, reference
from grader.exercises.gru import symptoms as gru_symptoms
from gru_patches import CATALOGUE_PATCHES, mutant_source

GRU = exercises.get("gru")
SEED = 7
CELLS = tuple(edits.PROGRAMS)
SEQUENCES = tuple(edits.LOOP_EDITS)


def fresh_cases(name):
    """Hidden cases with empty memos (each test starts from nothing remembered)."""
    return GRU.hidden_cases(GRU.by_name[name], SEED)


def accepted(problem, key, got, want) -> bool:
    return GRU.output_problem(problem, key, got, want) is None


@pytest.fixture(scope="module", autouse=True)
def gru_utils():
    utils = types.ModuleType("gru_utils")
    utils.sigmoid, utils.softmax = activations.sigmoid, activations.softmax
    sys.modules["gru_utils"] = utils
    yield
    sys.modules.pop("gru_utils", None)


def _black_box(problem, case):
    """The reference cell, answering only the calls the grader's black box answers on this case
    (refused calls raise with the grader's words, grader/blackbox.py)."""
    box = GRU.black_box(problem, case)
    names = GRU.by_name[problem.black_box].args

    def cell(*args):
        why = box.check(dict(zip(names, args)))
        if why:
            raise RuntimeError(f"{box.function} (the correct one, given to your function by the grader) answers "
                               f"only calls about the case being graded: {why}")
        return box.reference(*copy.deepcopy(args))
    return cell


def outcomes_of(name, edits_, cases):
    """Each case's Outcome of the fixture's function `name` with these edits (the reference cell as black box)."""
    namespace = {"__name__": "mutant"}
    exec(compile(mutant_source(edits_), name, "exec"), namespace)
    problem = GRU.by_name[name]
    out = []
    for case in cases:
        scope = dict(namespace)
        if problem.black_box:
            scope[problem.black_box] = _black_box(problem, case)
        fn = types.FunctionType(namespace[name].__code__, scope)
        try:
            result = fn(*copy.deepcopy(case.args))
        except Exception as exc:  # noqa: BLE001 - as the worker reports it
            out.append(checks.Outcome("error", error=f"raised {type(exc).__name__}: {exc} (line ?, in {name})"))
            continue
        out.append(checks.Outcome("ok", result=result, args_after=copy.deepcopy(case.args)))
    return out


def grade(name, edits_):
    """The FunctionResult of the fixture's `name` with these edits, diagnosed as the grader does."""
    cases = fresh_cases(name)
    return checks.evaluate(GRU.by_name[name], cases, outcomes_of(name, edits_, cases), checks.diagnose, exercise=GRU)


def hints_for_outputs(name, outputs_per_case, cases):
    problem = GRU.by_name[name]
    outcomes = []
    for case, outputs in zip(cases, outputs_per_case):
        result = outputs if problem.returns_dict else tuple(outputs[k] for k in problem.outputs)
        outcomes.append(checks.Outcome("ok", result=result, args_after=copy.deepcopy(case.args)))
    return checks.evaluate(problem, cases, outcomes, checks.diagnose, exercise=GRU).hints


# ------------------------------------------------------------------ the programs

@pytest.mark.parametrize("name", CELLS)
def test_cell_programs_are_the_reference(name):
    """Does each cell program give the reference's outputs on every hidden case?"""
    problem = GRU.by_name[name]
    for case in fresh_cases(name):
        out = edits.run(name, edits.PROGRAMS[name]["lines"], case.args)
        for key in problem.outputs:
            assert accepted(problem, key, out[key], case.expected[key]), (case.shape, key)


def test_programs_print_as_the_notebook_equations():
    """Do the programs print as the notebook's solution lines (a sample, word for word)?"""
    shown = {(f, n): edits.engine.show(e) for f in CELLS for n, e in edits.PROGRAMS[f]["lines"]}
    assert shown[("gru_cell_forward", "a_next")] == "ut * cct + (1 - ut) * a_prev"
    assert shown[("gru_cell_forward", "cct")] == "np.tanh(Wc @ concat_r + bc)"
    assert shown[("gru_cell_backward", "dz_u")] == "da_next * (cct - a_prev) * ut * (1 - ut)"
    assert shown[("gru_cell_backward", "ds")] == "Wc[:, :n_a].T @ dz_c"
    assert shown[("gru_cell_backward", "dxt")] == "Wr[:, n_a:].T @ dz_r + Wu[:, n_a:].T @ dz_u + Wc[:, n_a:].T @ dz_c"


@pytest.mark.parametrize("name", SEQUENCES)
def test_loop_passes_without_slips_are_the_reference(name):
    """With no knob, is each sequence pass the reference (so a slip's outputs differ by that slip only)?"""
    problem = GRU.by_name[name]
    for case in fresh_cases(name):
        out = edits.loop_outputs(problem, {}, case)
        assert all(accepted(problem, k, out[k], case.expected[k]) for k in problem.outputs)


def test_diagnosis_is_bounded():
    """Is the number of edits per function fixed and small (the diagnosis' work is bounded)?"""
    for name in CELLS:
        assert len(edits.for_cases(name, fresh_cases(name))) < 2000
    assert all(len(v) < 60 for v in edits.LOOP_EDITS.values())


# ------------------------------------------------------------------ soundness of every edit and loop slip

def _edit_outputs(name, edit, cases):
    lines = list(edits.PROGRAMS[name]["lines"])
    lines[edit.line] = (lines[edit.line][0], edit.expr)
    with np.errstate(all="ignore"):
        return [edits.run(name, lines, case.args) for case in cases]


def _same_outputs(problem, a, b, keys) -> bool:
    return all(accepted(problem, k, x[k], y[k]) for x, y in zip(a, b) for k in keys)


@pytest.mark.slow
@pytest.mark.parametrize("name", CELLS)
def test_every_cell_edit_gets_a_true_hint_or_none(name):
    """Played as a submission, does every edit get no hint or a hint naming a slip with exactly its outputs?"""
    problem = GRU.by_name[name]
    cases = fresh_cases(name)
    all_edits = edits.for_cases(name, cases)
    named = played = 0
    for edit in all_edits:
        try:
            outputs = _edit_outputs(name, edit, cases)
        except (ValueError, IndexError, TypeError):
            continue  # numpy refuses: the student sees the exception
        if not all(np.all(np.isfinite(o[k])) for o in outputs for k in o if isinstance(o[k], np.ndarray)):
            continue
        wrong = {k for k in problem.outputs
                 if any(not accepted(problem, k, o[k], c.expected[k]) for o, c in zip(outputs, cases))}
        if not wrong:
            continue
        played += 1
        hints = edits.explain(problem, cases, outputs, wrong)
        assert len(hints) <= 1
        if not hints:
            continue
        candidates = [e for e in all_edits if f"the line {e.describe()[0]} = {e.describe()[1]};" in hints[0]]
        assert candidates, hints[0]
        assert any(_same_outputs(problem, _edit_outputs(name, e, cases), outputs, wrong) for e in candidates), hints[0]
        named += 1
    assert named >= 0.5 * played, (named, played)


@pytest.mark.parametrize("name", SEQUENCES)
def test_every_loop_slip_gets_a_true_hint(name):
    """Played as a submission, does every loop slip get a hint naming a slip with exactly its outputs?"""
    problem = GRU.by_name[name]
    cases = fresh_cases(name)
    slips = edits.LOOP_EDITS[name]
    outputs = {i: [edits.loop_outputs(problem, knobs, c) for c in cases] for i, (knobs, _, _) in enumerate(slips)}
    named = 0
    for i, outs in outputs.items():
        wrong = {k for k in problem.outputs
                 if any(not accepted(problem, k, o[k], c.expected[k]) for o, c in zip(outs, cases))}
        assert wrong, slips[i][1]  # every listed slip shows on the hidden cases
        hints = edits.explain(problem, cases, outs, wrong)
        assert len(hints) <= 1
        if hints:
            j = next(j for j, (_, slip, right) in enumerate(slips) if f"a loop in which {slip}: {right}." in hints[0])
            assert j == i or _same_outputs(problem, outputs[j], outs, wrong), (slips[i][1], hints[0])
            named += 1
    assert named == len(outputs)


# ------------------------------------------------------------------ each hint kind, shown by a patch

_DA_PREV = "da_prev = da_next * (1 - ut) + ds * rt + np.dot(Wr[:, :n_a].T, drt) + np.dot(Wu[:, :n_a].T, dut)"
_FWD_CALL = "gru_cell_forward(x[:, :, t], a_next, parameters)"
_STEP = "gru_cell_backward(da[:, :, t] + da_prevt, caches[t])"

PATCH_HINTS = [
    # one-slip edits of the cell programs
    ("gru_cell_forward", [("ut = sigmoid(np.dot(Wu, concat) + bu)", "ut = sigmoid(np.dot(Wu, concat)) + bu")],
     "`a_next`, `yt_pred`, `cache` match the line ut = sigmoid(Wu @ concat) + bu; the right line is "
     "ut = sigmoid(Wu @ concat + bu)."),
    ("gru_cell_forward", [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = ut * cct + a_prev")],
     "`a_next`, `yt_pred` match the line a_next = ut * cct + a_prev; the right line is "
     "a_next = ut * cct + (1 - ut) * a_prev."),
    ("gru_cell_backward", [("ds = np.dot(Wc[:, :n_a].T, dcct)", "ds = np.dot(Wc[:, :n_a], dcct)")],
     "`dxt`, `da_prev`, `dWr`, `dbr` match the line ds = Wc[:, :n_a] @ dz_c; the right line is ds = Wc[:, :n_a].T @ dz_c."),
    ("gru_cell_backward", [("dWu = np.dot(dut, concat.T)", "dWu = np.dot(dut, concat_r.T)")],
     "`dWu` matches the line dWu = dz_u @ concat_r.T; the right line is dWu = dz_u @ concat.T."),
    ("gru_cell_backward", [(_DA_PREV, _DA_PREV.replace("da_next * (1 - ut)", "da_next * ut"))],
     "`da_prev` matches the line da_prev = da_next * ut + ds * rt + Wr[:, :n_a].T @ dz_r + Wu[:, :n_a].T @ dz_u; "
     "the right line is da_prev = da_next * (1 - ut) + ds * rt + Wr[:, :n_a].T @ dz_r + Wu[:, :n_a].T @ dz_u."),
    # loop slips
    ("gru_forward", [(_FWD_CALL, _FWD_CALL.replace("x[:, :, t]", "x[:, :, t - 1]"))],
     "`a`, `y_pred`, `caches` match a loop in which step t reads x[:, :, t - 1]: step t reads xt = x[:, :, t]."),
    ("gru_forward", [("a[:, :, t] = a_next", "a[:, :, t] = np.tanh(a_next)")],
     "`a` matches a loop in which a[:, :, t] stores tanh(a_next): a[:, :, t] = a_next."),
    ("gru_backward", [(_STEP, _STEP.replace("caches[t]", "caches[-1]"))],
     "`dx`, `da0`, `dWr`, `dbr`, `dWu`, `dbu`, `dWc`, `dbc` match a loop in which every step uses the last cache: "
     "step t uses caches[t]."),
    ("gru_backward", [('dWr += gradients["dWr"]', 'dWr += gradients["dWr"] / T_x')],
     "`dWr` matches a loop in which dWr adds the step's gradient divided by T_x: dWr += the step's dWr."),
    # symptoms
    ("gru_cell_forward", [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = rt * cct + (1 - rt) * a_prev")],
     "`a_next` matches rt * cct + (1 - rt) * a_prev: the update gate ut lets in the candidate and 1 - ut keeps "
     "the previous state, a_next = ut * cct + (1 - ut) * a_prev."),
    ("gru_cell_forward", [("cache = (a_next, a_prev, rt, ut, cct, xt, parameters)",
                           "cache = (a_next, a_prev, rt, ut, xt, parameters)")],
     "`cache` misses cct: the cache is (a_next, a_prev, rt, ut, cct, xt, parameters), the order gru_cell_backward unpacks."),
    ("gru_cell_forward", [("cache = (a_next, a_prev, rt, ut, cct, xt, parameters)",
                           "cache = (a_prev, a_next, rt, ut, cct, xt, parameters)")],
     "`cache` holds a_prev where a_next belongs, a_next where a_prev belongs: the items go in the order (a_next, "
     "a_prev, rt, ut, cct, xt, parameters), the order the backward pass unpacks."),
    ("gru_cell_forward", [("return a_next, yt_pred, cache", "return a_next, yt_pred.T, cache")],
     "`yt_pred` is the transpose of the right value: a product with its factors in the wrong order (B @ A.T in "
     "place of A @ B.T), or a .T too many."),
    ("gru_forward", [("    caches = (caches, x)\n", "")],
     "`caches` is the list of the cell caches alone: the sequence's cache is that list and x, caches = (caches, x)."),
    ("gru_forward", [("    caches = (caches, x)\n", "    caches = (caches[::-1], x)\n")],
     "`caches` holds the cell caches in reverse order: append each step's cache in time order."),
    ("gru_backward", [('        dx[:, :, t] = gradients["dxt"]\n', "")],
     "`dx` is all zeros: it is set up (np.zeros) but never filled in with its values."),
    ("gru_cell_backward", [('"dbr": dbr,\n                 "dWu": dWu, "dbu": dbu, "dWc": dWc, "dbc": dbc}\n    return gradients\n\n\ndef gru_backward',
                            '"dbr": dbu,\n                 "dWu": dWu, "dbu": dbr, "dWc": dWc, "dbc": dbc}\n    return gradients\n\n\ndef gru_backward')],
     "`dbr` and `dbu` are returned in each other's place: the function returns (dxt, da_prev, dWr, dbr, dWu, dbu, dWc, dbc)."),
]


@pytest.mark.parametrize("name, edits_, hint", PATCH_HINTS, ids=[h[:48] for _, _, h in PATCH_HINTS])
def test_patch_gets_this_hint(name, edits_, hint):
    """Does this patch of the correct GRU file get exactly this hint (and no other)?"""
    result = grade(name, edits_)
    assert not result.passed
    assert result.hints == [hint]


def test_a_gate_in_the_cache_is_named():
    """A gate computed with the other gate's weights and kept in the cache (a two-node slip no
    single edit makes): is the gate named, with its right formula?"""
    edits_ = [("rt = sigmoid(np.dot(Wr, concat) + br)", "rt = sigmoid(np.dot(Wu, concat) + bu)")]
    assert grade("gru_cell_forward", edits_).hints == [
        "The reset gate rt in `cache` is computed with Wu and bu: it should be sigmoid(Wr [a_prev; xt] + br)."]


def test_what_a_step_received_is_named():
    """A loop that hands every step a0 after the first (a slip no loop knob lists): is what the cell
    received named from the student's own caches?"""
    edits_ = [("    a_next = a0\n    for t in range(T_x):\n        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)",
               "    a_next = a0\n    for t in range(T_x):\n        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next if t < 2 else a0, parameters)")]
    hints = grade("gru_forward", edits_).hints
    assert hints == ["`a` goes wrong where the cell receives a0 as a_prev after the first step: a_prev is a0 at t = 0, "
                     "then the previous step's a_next."]


# ------------------------------------------------------------------ crashes

CRASHES = [
    ("gru_cell_forward", [("rt = sigmoid(np.dot(Wr, concat) + br)", "rt = sigmoid(np.dot(Wr.T, concat) + br)")],
     "numpy could not multiply arrays of shapes (n_a + n_x, n_a) and (n_a + n_x, m): (n_a + n_x, n_a) is the shape "
     "of none of the function's arrays; (n_a + n_x, m) is the shape of concat, concat_r."),
    ("gru_cell_forward", [("concat = np.concatenate((a_prev, xt), axis=0)\n    rt", "concat = np.concatenate((a_prev, xt), axis=1)\n    rt")],
     "np.concatenate joined arrays of n_a and n_x entries along dimension 0, where their sizes must match: only the "
     "axis they are joined on may differ. a_prev (n_a, m) and xt (n_x, m) share m, their columns: they are stacked "
     "along axis 0, concat = np.concatenate((a_prev, xt), axis=0), of shape (n_a + n_x, m)."),
    ("gru_cell_backward", [("dWr = np.dot(drt, concat.T)", "dWr = np.dot(drt, concat)")],
     None),  # checked below: names the shapes of drt's and concat's arrays
    ("gru_forward", [(_FWD_CALL, _FWD_CALL.replace("x[:, :, t]", "x[:, t, :]"))],
     "the `xt` your loop passes gru_cell_forward has shape (n_x, T_x), where (n_x, m) is expected: that is x "
     "(n_x, m, T_x) without its axis 1 (m); time is its last axis, so step t's slice is x[:, :, t]."),
]


@pytest.mark.parametrize("name, edits_, hint", CRASHES, ids=[c[0] + str(i) for i, c in enumerate(CRASHES)])
def test_a_shape_error_gets_its_shapes_named(name, edits_, hint):
    """Does a patch that makes numpy raise get a message naming the exception's shapes (word for word)?"""
    cases = fresh_cases(name)
    problem = GRU.by_name[name]
    outcomes = outcomes_of(name, edits_, cases)
    assert all(o.status == "error" for o in outcomes)
    found = crashes.explain_error(problem, cases, outcomes)
    if hint is not None:
        assert found == [hint]
    else:
        assert found and found[0].startswith("numpy could not multiply arrays of shapes (n_a, m) and (n_a + n_x, m): "
                                              "(n_a, m) is the shape of da_next"), found
        assert "(n_a + n_x, m) is the shape of concat, concat_r" in found[0]


def test_crash_messages_state_true_shapes():
    """Is every array a crash message names as having a shape really of that shape on each case that names sizes?"""
    for name in GRU.graded_functions:
        problem = GRU.by_name[name]
        for case in fresh_cases(name):
            names = crashes.sizes(problem, case)
            if not names:
                continue
            for array, shape in crashes.arrays(problem, case).items():
                text = crashes.engine.symbolic(shape, names)
                if text:  # the symbolic shape read back with this case's sizes is the array's shape
                    sizes = {v: k for k, v in names.items()}
                    dims = text.strip("(),").split(", ")
                    assert tuple(sizes[d] if d != "1" else 1 for d in dims) == shape, (name, array)


def test_an_unrecognised_or_varying_error_gets_no_hint():
    """An exception numpy did not write, or shapes that differ between cases: no hint, never a guess."""
    problem = GRU.by_name["gru_cell_forward"]
    cases = fresh_cases("gru_cell_forward")
    assert crashes.explain_error(problem, cases, [checks.Outcome("error", error="raised ZeroDivisionError")] * 4) == []
    fixed = "raised ValueError: shapes (8,5) and (8,1) not aligned: 5 (dim 1) != 8 (dim 0)"
    assert crashes.explain_error(problem, cases, [checks.Outcome("error", error=fixed)] * len(cases)) == []


# ------------------------------------------------------------------ right functions, and wrong causes

def test_a_correct_function_gets_no_hint():
    """The correct file's functions pass and get no hint; their right outputs get none from any analysis."""
    for name in GRU.graded_functions:
        result = grade(name, [])
        assert result.passed and result.hints == [], (name, result.hints)
        problem = GRU.by_name[name]
        cases = fresh_cases(name)
        got = [dict(c.expected) for c in cases]
        assert GRU.explain(problem, cases, got, set()) == []
        assert edits.explain(problem, cases, got, set(problem.outputs)) == []  # no slip gives the right outputs
        assert gru_symptoms.symptoms(problem, cases, got, set()) == []


def test_diagnosis_does_not_run_for_a_correct_function(monkeypatch):
    """Grading a right function never calls the diagnosis (it cannot slow a correct submission)."""
    calls = []
    monkeypatch.setattr(type(GRU), "explain", lambda self, *a: calls.append(a) or [])
    monkeypatch.setattr(type(GRU), "explain_error", lambda self, *a: calls.append(a) or [])
    for name in GRU.graded_functions:
        assert grade(name, []).passed
    assert calls == []


@pytest.mark.parametrize("key", sorted(CATALOGUE_PATCHES))
def test_a_catalogued_mistake_gets_only_its_catalogue_hint(key):
    """A catalogued mistake is named by the catalogue: the new analyses add nothing to it (never a second cause)."""
    from grader.exercises.gru.mistakes import CATALOGUE

    function, name = key.split("__")
    mistake = next(m for m in CATALOGUE if m.function == function and m.name == name)
    assert grade(function, CATALOGUE_PATCHES[key]).hints == [mistake.hint]


def test_a_hint_never_names_another_slip():
    """Two slips of the same line with different outputs get different hints, each naming its own line."""
    a = grade("gru_cell_backward", [("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * (1 - cct ** 2)")]).hints
    b = grade("gru_cell_backward", [("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * ut * (1 - cct) ** 2")]).hints
    assert a == ["`dxt`, `da_prev`, `dWr`, `dbr`, `dWc`, `dbc` match the line dz_c = da_next * (1 - cct**2); "
                 "the right line is dz_c = da_next * ut * (1 - cct**2)."]
    assert b == ["`dxt`, `da_prev`, `dWr`, `dbr`, `dWc`, `dbc` match the line dz_c = da_next * ut * (1 - cct)**2; "
                 "the right line is dz_c = da_next * ut * (1 - cct**2)."]


# ------------------------------------------------------------------ cost

def test_diagnosis_cost_per_wrong_function_is_bounded():
    """The diagnosis of one wrong function (no catalogue match), cold (edits enumerated, memos empty)
    and warm, takes well under a second of CPU: a loose bound, the figures are in the report."""
    name, edits_ = "gru_cell_backward", [("dut = da_next * (cct - a_prev) * ut", "dut = da_next * (cct + a_prev) * ut")]
    edits.PROGRAM[name]._memo.clear()
    start = time.process_time()
    hints = grade(name, edits_).hints
    cold = time.process_time() - start
    start = time.process_time()
    assert grade(name, edits_).hints == hints and hints
    warm = time.process_time() - start
    assert cold < 5.0 and warm < 5.0, (cold, warm)


# ------------------------------------------------------------------ through the sandbox and the CLI

def test_hints_reach_the_student_through_the_real_grader(tmp_path):
    """Graded through the CLI (the sandboxed worker, the real black box): does each kind of hint
    (an edit, a loop slip, a symptom, a crash's shapes) come out in the JSON, word for word?"""
    import json
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    cases = {
        "edit": ("gru_cell_backward", PATCH_HINTS[2][1], [PATCH_HINTS[2][2]]),
        "loop": ("gru_backward", PATCH_HINTS[7][1], [PATCH_HINTS[7][2]]),
        "symptom": ("gru_forward", PATCH_HINTS[13][1], [PATCH_HINTS[13][2]]),
        "crash": ("gru_forward", CRASHES[3][1], [CRASHES[3][2]]),
    }
    for label, (_, edits_, _) in cases.items():
        (tmp_path / f"{label}.py").write_text(mutant_source(edits_))
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path), "--exercise", "gru", "--seed", "3",
                           "--format", "json", "--progress", "off"], cwd=root, capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, PYTHONPATH=str(root)))
    assert proc.returncode in (0, 1), proc.stderr
    docs = {d["submission"][: -len(".py")]: d for d in json.loads(proc.stdout)}
    for label, (function, _, hints) in cases.items():
        functions = {f["name"]: f for f in docs[label]["functions"]}
        assert [n for n, f in functions.items() if f["score"] < f["max_score"]] == [function], label
        assert functions[function]["hints"] == hints, label
