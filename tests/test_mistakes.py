"""Is grader/exercises/rnn_lstm/mistakes.py a trustworthy catalogue of known mistakes?

For every entry, on every hidden case of grader.exercises.rnn_lstm.problems: the variant returns
the reference's structure; the outputs it changes (compared as the grader
compares them, numpy.allclose with problems.RTOL / problems.ATOL) are exactly
its `outputs` — every listed output differs from the reference on at least
one hidden case, every other output equals it on all cases. Cell mistakes
must show on every case (but the few listed in ONE_EXAMPLE_BLIND, which a
batch of one cannot show: a mean over the batch, a softmax over all
entries); a sequence mistake may be invisible on the T_x = 1 case (nothing to
propagate, sum or reorder) but must show on every T_x > 1 case.

Every entry is also a real submission: correct/loops.py with the one edit a
student makes (a patch in fixtures/submissions/patches.py: MUTANT_PATCHES or
CATALOGUE_PATCHES), which must behave as the variant in its
function and as the reference in the seven others, on every hidden case.
"""
import copy
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.exercises.rnn_lstm import mistakes, problems, reference  # noqa: E402
from grader.exercises.rnn_lstm.mistakes import CATALOGUE, Mistake, for_function  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "submissions"))
from patches import CATALOGUE_PATCHES, MUTANT_PATCHES, mutant_file_source, mutant_source  # noqa: E402

IDS = [f"{m.function}:{m.name}" for m in CATALOGUE]

# The mistakes this catalogue must know (function, name).
REQUIRED = {
    ("lstm_cell_forward", "tanh-missing-on-cell-state"),
    ("lstm_cell_forward", "concat-order-swapped"),
    ("lstm_cell_backward", "weight-slices-swapped"),
    ("lstm_cell_forward", "update-gate-missing"),
    ("rnn_cell_forward", "softmax-over-batch-axis"),
    ("lstm_cell_forward", "softmax-over-batch-axis"),
    ("rnn_cell_forward", "yt-pred-from-a-prev"),
    ("rnn_forward", "a0-fed-to-every-step"),
    ("lstm_forward", "a0-fed-to-every-step"),
    ("rnn_backward", "upstream-da-missing"),
    ("lstm_backward", "upstream-da-missing"),
    ("rnn_backward", "da-prev-not-propagated"),
    ("lstm_backward", "state-gradients-not-propagated"),
    ("rnn_backward", "gradients-overwritten"),
    ("lstm_backward", "gradients-overwritten"),
    ("rnn_backward", "time-walked-forwards"),
    ("lstm_backward", "time-walked-forwards"),
    ("rnn_cell_backward", "tanh-derivative-missing"),
    ("rnn_cell_backward", "tanh-derivative-of-a-next"),
    ("lstm_cell_backward", "old-erratum-dcct"),
    # issue 13: mistakes that got no cause before
    ("lstm_cell_forward", "forget-update-weights-swapped"),
    ("lstm_cell_backward", "dc-without-dc-next"),
    ("lstm_cell_backward", "tanh-of-cct-for-tanh-of-c-next"),
    ("rnn_cell_forward", "bias-ba-missing"),
    ("lstm_cell_forward", "bias-bf-missing"),
    ("rnn_cell_backward", "dba-summed-over-wrong-axis"),
    ("rnn_cell_backward", "dba-keepdims-missing"),
    ("lstm_cell_backward", "db-keepdims-missing"),
    ("rnn_cell_backward", "dba-mean"),
    ("lstm_cell_forward", "sigmoid-for-softmax"),
    ("rnn_cell_forward", "sigmoid-for-softmax"),
    ("lstm_backward", "da-prev-not-propagated"),
    ("rnn_cell_backward", "dwaa-from-a-next"),
    ("rnn_cell_backward", "waa-not-transposed"),
    ("lstm_cell_backward", "dw-transposed"),
    ("rnn_cell_backward", "tanh-derivative-of-a-next"),
    ("rnn_forward", "zero-start-state"),
    ("lstm_forward", "zero-start-state"),
    ("rnn_forward", "first-step-skipped"),
    ("rnn_backward", "first-step-skipped"),
    ("lstm_backward", "first-step-skipped"),
}

# Cell mistakes a batch of one example cannot show (the hidden case with m = 1).
ONE_EXAMPLE_BLIND = {
    ("rnn_cell_forward", "softmax-over-all-entries"),
    ("lstm_cell_forward", "softmax-over-all-entries"),
    ("rnn_cell_backward", "dba-mean"),
    ("lstm_cell_backward", "db-mean"),
}


def leaves(obj, path=()):
    """(path, leaf) pairs of nested tuples/lists/dicts, in order."""
    if isinstance(obj, dict):
        for k in obj:
            yield from leaves(obj[k], path + (k,))
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from leaves(item, path + (i,))
    else:
        yield path, obj


def same_structure(a, b) -> bool:
    la, lb = list(leaves(a)), list(leaves(b))
    return ([p for p, _ in la] == [p for p, _ in lb]
            and all(np.shape(x) == np.shape(y) for (_, x), (_, y) in zip(la, lb)))


def accepted(got, want) -> bool:
    """Would the grader accept `got` for `want`? allclose(rtol=RTOL, atol=ATOL) on every leaf."""
    return same_structure(got, want) and all(
        np.allclose(x, y, rtol=problems.RTOL, atol=problems.ATOL)
        for (_, x), (_, y) in zip(leaves(got), leaves(want)))


def by_output(problem, result) -> dict:
    return dict(result) if problem.returns_dict else dict(zip(problem.outputs, result))


def changed_outputs(mistake: Mistake, case) -> tuple:
    problem = problems.BY_NAME[mistake.function]
    got = by_output(problem, mistake.variant(*case.args))
    return tuple(k for k in problem.outputs if not accepted(got[k], case.expected[k]))


HIDDEN = {p.name: problems.hidden_cases(p) for p in problems.PROBLEMS}


def test_catalogue_has_the_required_mistakes():
    """Does the catalogue know every mistake the course has seen students make?"""
    have = {(m.function, m.name) for m in CATALOGUE}
    assert REQUIRED <= have, sorted(REQUIRED - have)


def test_mistake_interface_is_as_documented():
    """Is Mistake a frozen dataclass with exactly the fields function, name, outputs, hint, variant?"""
    import dataclasses

    assert dataclasses.is_dataclass(Mistake)
    assert [f.name for f in dataclasses.fields(Mistake)] == ["function", "name", "outputs", "hint", "variant"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE[0].hint = "changed"
    assert isinstance(CATALOGUE, tuple)


def test_entries_are_well_formed():
    """Is every entry a graded function's, uniquely named within it, listing real outputs in the rubric's order?"""
    seen = set()
    for m in CATALOGUE:
        assert isinstance(m, Mistake)
        assert m.function in problems.BY_NAME, m.function
        assert (m.function, m.name) not in seen, m.name
        seen.add((m.function, m.name))
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", m.name), m.name
        order = problems.BY_NAME[m.function].outputs
        assert m.outputs and set(m.outputs) <= set(order), m.outputs
        assert list(m.outputs) == [k for k in order if k in m.outputs]
        assert callable(m.variant)


def test_for_function_partitions_the_catalogue():
    """Does for_function return each function's mistakes in catalogue order, every graded function having some, and () otherwise?"""
    collected = []
    for name in problems.GRADED_FUNCTIONS:
        found = for_function(name)
        assert isinstance(found, tuple) and found, name
        assert all(m.function == name for m in found)
        assert list(found) == [m for m in CATALOGUE if m.function == name]
        collected.extend(found)
    assert len(collected) == len(CATALOGUE)
    assert for_function("no_such_function") == ()


@pytest.mark.parametrize("mistake", CATALOGUE, ids=IDS)
def test_hint_is_short_and_reveals_no_value(mistake):
    """Is the hint one short line, ending with a full stop, with no numeric value that could come from a hidden case?"""
    hint = mistake.hint
    assert "\n" not in hint and hint == hint.strip()
    assert 40 <= len(hint) <= 200, len(hint)
    assert hint.endswith(".")
    assert not re.search(r"\d\.\d|\de[-+]?\d", hint), hint
    # Names the symptom: an output of the function (wrong, or right by contrast), or "every".
    outputs = problems.BY_NAME[mistake.function].outputs
    assert any(f"`{o}`" in hint for o in outputs) or hint.startswith("Every"), hint


@pytest.mark.parametrize("mistake", CATALOGUE, ids=IDS)
def test_variant_changes_exactly_its_outputs(mistake):
    """On the hidden cases, does the variant change exactly the outputs it lists (each on some case, nothing else on any, not even in form)?"""
    problem = problems.BY_NAME[mistake.function]
    union = set()
    for case in HIDDEN[mistake.function]:
        args_before = copy.deepcopy(case.args)
        result = mistake.variant(*case.args)
        assert accepted(case.args, args_before), "the variant modified its inputs"
        got = by_output(problem, result)
        assert list(got) == list(case.expected), "not the reference's outputs"
        for key in problem.outputs:  # a shape mistake may change the form of what it changes, nothing else
            if key not in mistake.outputs:
                assert same_structure(got[key], case.expected[key]), ("structure differs", key)
        changed = changed_outputs(mistake, case)
        assert set(changed) <= set(mistake.outputs), (case.shape, changed)
        blind = (problem.sequence and case.shape.T_x == 1) or \
            ((mistake.function, mistake.name) in ONE_EXAMPLE_BLIND and case.shape.m == 1)
        if not blind:
            assert changed == mistake.outputs, (case.shape, changed)
        union |= set(changed)
    assert union == set(mistake.outputs)


@pytest.mark.parametrize("function", problems.GRADED_FUNCTIONS)
def test_mistakes_of_a_function_are_distinguishable(function):
    """Can the grader tell any two mistakes of one function apart on the hidden cases (or would two hints fit one output)?"""
    entries = for_function(function)
    outputs = {m.name: [by_output(problems.BY_NAME[function], m.variant(*c.args))
                        for c in HIDDEN[function]] for m in entries}
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            assert not all(accepted(x, y) for x, y in zip(outputs[a.name], outputs[b.name])), (a.name, b.name)


def test_sequence_variants_call_the_reference_cells(monkeypatch):
    """Do the sequence variants go through the reference cell functions (as the grader's black box does)?"""
    calls = []
    for cell in ("rnn_cell_forward", "lstm_cell_forward", "rnn_cell_backward", "lstm_cell_backward"):
        original = getattr(mistakes, cell)

        def spy(*args, _original=original, _name=cell):
            calls.append(_name)
            return _original(*args)
        monkeypatch.setattr(mistakes, cell, spy)
    for m in CATALOGUE:
        if problems.BY_NAME[m.function].sequence:
            calls.clear()
            case = HIDDEN[m.function][0]
            m.variant(*case.args)
            assert calls and set(calls) == {problems.BY_NAME[m.function].black_box}, m.name
            # once per step (a skipped first step: one call less)
            assert len(calls) == case.shape.T_x - (m.name == "first-step-skipped")


# ------------------------------------------------------------- every entry as a real submission

def mutant_text(mistake: Mistake) -> str:
    """The mutant submission of this entry: its file (MUTANT_PATCHES), else loops.py patched."""
    name = f"{mistake.function}__{mistake.name}"
    if name in MUTANT_PATCHES:
        return mutant_file_source(name)
    return mutant_source(CATALOGUE_PATCHES[f"{mistake.function}__{mistake.name}"])


def test_every_entry_has_one_mutant():
    """Has every catalogue entry exactly one mutant (a file or a patch), and does every patch name an entry?"""
    names = {f"{m.function}__{m.name}" for m in CATALOGUE}
    files = set(MUTANT_PATCHES)
    assert set(CATALOGUE_PATCHES) <= names, sorted(set(CATALOGUE_PATCHES) - names)
    assert not files & set(CATALOGUE_PATCHES), sorted(files & set(CATALOGUE_PATCHES))
    assert names <= files | set(CATALOGUE_PATCHES), sorted(names - files - set(CATALOGUE_PATCHES))


@pytest.fixture
def rnn_utils(monkeypatch):
    import types

    utils = types.ModuleType("rnn_utils")
    utils.sigmoid, utils.softmax = reference.sigmoid, reference.softmax
    monkeypatch.setitem(sys.modules, "rnn_utils", utils)


@pytest.mark.parametrize("mistake", [m for m in CATALOGUE if f"{m.function}__{m.name}" in CATALOGUE_PATCHES],
                         ids=lambda m: f"{m.function}:{m.name}")
def test_patched_mutant_produces_exactly_the_variant(mistake, rnn_utils):
    """Does loops.py with the student's edit give the variant's outputs in its function, the reference's elsewhere?"""
    import types

    namespace = {"__name__": "mutant"}
    exec(compile(mutant_text(mistake), mistake.name, "exec"), namespace)
    for problem in problems.PROBLEMS:
        fn = namespace[problem.name]
        scope = dict(namespace)
        if problem.black_box:  # as the grader runs a sequence function: with the reference cell
            scope[problem.black_box] = getattr(reference, problem.black_box)
        fn = types.FunctionType(fn.__code__, scope)
        for case in HIDDEN[problem.name]:
            got = by_output(problem, fn(*copy.deepcopy(case.args)))
            if problem.name == mistake.function:
                want = by_output(problem, mistake.variant(*copy.deepcopy(case.args)))
            else:
                want = case.expected
            for key in problem.outputs:
                assert accepted(got[key], want[key]), (problem.name, case.shape, key)
