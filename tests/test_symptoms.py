"""Do the symptoms (grader/exercises/rnn_lstm/symptoms.py) say what is true of a wrong output, and nothing about a right one?

Each test makes the outputs of one function on the hidden cases from the
reference's, changes one of them in one known way, and checks the hint word
for word; then the same change made on one case only, or noise, must give
no hint (a symptom must hold on every case where the output is wrong).
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.exercises.rnn_lstm import problems  # noqa: E402
from grader.exercises.rnn_lstm.symptoms import symptoms  # noqa: E402

RNG = np.random.default_rng(3)


def run(name, change, only_case=None):
    """symptoms() for outputs = the reference's with `change(outputs, case)` applied (on every case, or one)."""
    problem = problems.BY_NAME[name]
    cases = problems.hidden_cases(problem)
    got = []
    for i, case in enumerate(cases):
        out = copy.deepcopy(case.expected)
        if only_case is None or i == only_case:
            change(out, case)
        got.append(out)
    wrong = {k for k in problem.outputs for g, c in zip(got, cases)
             if not (isinstance(c.expected[k], np.ndarray) and isinstance(g[k], np.ndarray)
                     and g[k].shape == c.expected[k].shape and np.allclose(g[k], c.expected[k]))}
    wrong = {k for k in wrong if isinstance(cases[0].expected[k], np.ndarray)} or wrong
    return symptoms(problem, cases, got, wrong)


def setter(key, f):
    def change(out, case):
        out[key] = f(out[key], case)
    return change


CHANGES = [
    ("rnn_backward", setter("dx", lambda v, c: np.zeros_like(v)),
     "`dx` is all zeros: it is set up (np.zeros) but never filled in with its values."),
    ("rnn_cell_backward", setter("dWax", lambda v, c: v.T),
     "`dWax` is the transpose of the right value: a product with its factors in the wrong order "
     "(B @ A.T in place of A @ B.T), or a .T too many."),
    ("rnn_cell_backward", setter("dxt", lambda v, c: v.sum(axis=1, keepdims=True)),
     "`dxt` is summed over the batch: it keeps one column per example (no sum for this gradient)."),
    ("rnn_backward", setter("dba", lambda v, c: np.full(v.shape, v.sum())),
     "`dba` holds in every entry the sum of all its right entries: a sum over every axis (np.sum without "
     "axis) where each entry keeps its own value."),
    ("rnn_cell_backward", setter("dba", lambda v, c: v[:, 0]),
     "`dba` has the right values but lost its second axis: sum with keepdims=True to keep a column."),
    ("lstm_cell_backward", setter("dbf", lambda v, c: np.float64(v.sum())),
     "`dbf` is one number, the sum of all its right entries: the sum runs over every axis; sum over the "
     "batch only (axis=1, keepdims=True)."),
    ("lstm_cell_backward", setter("dWo", lambda v, c: v / c.shape.m),
     "`dWo` is the mean over the batch of the right value: sum over the examples (np.sum, not np.mean)."),
    ("lstm_backward", setter("dWo", lambda v, c: -v),
     "`dWo` has the opposite sign of the right value: a minus sign too many (or a subtraction reversed)."),
    ("rnn_backward", setter("dWax", lambda v, c: 2 * v),
     "`dWax` is twice the right value: the same term is added twice."),
    ("lstm_backward", setter("da0", lambda v, c: c.args[0][:, :, 0].copy()),
     "`da0` equals the input `da[:, :, 0]`: it is passed through instead of computed."),
    ("lstm_backward", setter("da0", lambda v, c: v + c.args[0][:, :, 0]),
     "`da0` has an extra term, the input `da[:, :, 0]`: it is added once too often."),
    ("lstm_cell_backward", setter("dbo", lambda v, c: c.expected["dbf"].copy()),
     "`dbo` equals what `dbf` should be: it is computed from the other one's values (a copy-paste slip)."),
    ("rnn_backward", setter("dx", lambda v, c: v[:, :, ::-1].copy()),
     "`dx` holds the right steps in reverse order: store step t's value at [:, :, t]."),
    ("rnn_forward", setter("a", lambda v, c: np.concatenate([c.args[1][:, :, None], v[:, :, :-1]], axis=2)),
     "`a` is one step late: at step t it holds step t-1's value (stored before the step is computed)."),
    ("rnn_cell_forward", setter("yt_pred", lambda v, c: np.tanh(v)),
     "`yt_pred` has columns that do not sum to 1: it is not a softmax over axis 0 (each column is one "
     "example's probability distribution)."),
]


@pytest.mark.parametrize("name, change, hint", CHANGES, ids=[h[:45] for _, _, h in CHANGES])
def test_symptom_is_named(name, change, hint):
    """Changed this way on every case, does the output get exactly this hint?"""
    assert run(name, change) == [hint]


@pytest.mark.parametrize("name, change, hint", CHANGES, ids=[h[:45] for _, _, h in CHANGES])
def test_symptom_needs_every_case(name, change, hint):
    """If another case is wrong in some other way (noise), is the symptom withheld?"""
    key = hint.split("`")[1]  # the output the hint is about
    if "do not sum to 1" in hint:
        pytest.skip("a property of the output alone: noise does not make its columns sum to 1 either")

    def both(out, case):
        change(out, case)
        if case.index == 2:
            out[key] = np.asarray(out[key]) + RNG.standard_normal(np.shape(out[key]))
    assert not any(hint == h for h in run(name, both))


@pytest.mark.parametrize("name", problems.GRADED_FUNCTIONS)
def test_right_outputs_get_nothing(name):
    """Do the reference's own outputs get no symptom (with nothing marked wrong, or everything)?"""
    problem = problems.BY_NAME[name]
    cases = problems.hidden_cases(problem)
    got = [copy.deepcopy(c.expected) for c in cases]
    assert symptoms(problem, cases, got, set()) == []
    assert symptoms(problem, cases, got, set(problem.outputs)) == []


@pytest.mark.parametrize("name", problems.GRADED_FUNCTIONS)
def test_noise_gets_nothing(name):
    """Do outputs with random noise added get no hint (but the true one that a noisy prediction is no softmax)?"""
    def noisy(out, case):
        for k, v in out.items():
            if isinstance(v, np.ndarray):
                out[k] = v + RNG.standard_normal(v.shape)
    assert all("do not sum to 1" in h for h in run(name, noisy))


def test_swapped_outputs_and_caches():
    """Outputs returned in each other's place, caches in reverse or as (x, caches): named as such?"""
    def swap(out, case):
        out["a"], out["y_pred"] = out["y_pred"], out["a"]
    assert run("rnn_forward", swap) == [
        "`a` and `y_pred` are returned in each other's place: the function returns (a, y_pred, caches)."]

    def reverse(out, case):
        out["caches"] = (out["caches"][0][::-1], out["caches"][1])
    assert run("rnn_forward", reverse, ) in ([], [
        "`caches` holds the cell caches in reverse order: append each step's cache in time order."])
    assert run("lstm_forward", reverse)[0].startswith("`caches` holds the cell caches in reverse order")

    def empty(out, case):
        out["caches"] = ([], out["caches"][1])
    assert run("lstm_forward", empty) == [
        "`caches` holds no cell cache: append each step's cache to the list (caches.append(cache))."]


def test_cell_cache_order():
    """A cell cache with two items swapped: does the hint name both and the right order?"""
    def swap(out, case):
        a_next, a_prev, xt, p = out["cache"]
        out["cache"] = (a_prev, a_next, xt, p)
    assert run("rnn_cell_forward", swap) == [
        "`cache` holds a_prev where a_next belongs, a_next where a_prev belongs: the items go in the order "
        "(a_next, a_prev, xt, parameters), the order the backward pass unpacks."]


# ------------------------------------------------------------- hostile values

def hostile_values(want):
    """What a submission can send back in place of an array (decoded from the worker: plain data)."""
    from grader.wire import Opaque

    shape = want.shape if isinstance(want, np.ndarray) else (2,)
    return [Opaque("evil"), None, "text", 3, 2.5, True, [1.0, 2.0], (None,), {"k": 1},
            np.zeros(()), np.zeros((0,)), np.zeros(shape + (2,)), np.full(shape, np.nan),
            np.full(shape, np.inf), np.full(shape, 1e308), np.zeros(shape, dtype=complex),
            np.zeros(shape, dtype=bool), np.array(["a"] * max(1, int(np.prod(shape)))),
            np.zeros(shape, dtype=object), [[want]], (want, want)]


@pytest.mark.parametrize("name", problems.GRADED_FUNCTIONS)
def test_diagnosis_survives_hostile_outputs(name):
    """Whatever a submission returns for one output (or its cache items), does diagnosis give plain hints, never raise?"""
    from grader import checks

    problem = problems.BY_NAME[name]
    cases = problems.hidden_cases(problem)
    for key in problem.outputs:
        for k in range(len(hostile_values(cases[0].expected[key]))):
            outcomes = []
            for case in cases:
                out = copy.deepcopy(case.expected)
                out[key] = hostile_values(case.expected[key])[k]
                if key in ("cache", "caches") and k == 0:  # a cache whose every item is hostile
                    out[key] = tuple(hostile_values(np.zeros(2))[j % 20] for j in range(10))
                result = out if problem.returns_dict else tuple(out[o] for o in problem.outputs)
                outcomes.append(checks.Outcome("ok", result=result, args_after=case.args))
            hints = checks.diagnose(problem, cases, outcomes, {key})
            assert isinstance(hints, list) and all(isinstance(h, str) for h in hints)
            # and the analyses themselves, unguarded
            from grader.exercises.rnn_lstm.edits import explain
            got = [dict(o.result) if problem.returns_dict else dict(zip(problem.outputs, o.result)) for o in outcomes]
            with np.errstate(all="ignore"):
                explain(problem, cases, got, {key})
                symptoms(problem, cases, got, {key})
