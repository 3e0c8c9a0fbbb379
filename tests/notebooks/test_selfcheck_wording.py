"""The notebook's self-check says exactly what the grader says for the same mistake.

selfcheck.py may not import the grader (it ships to students), so it carries a
copy of the wording. These tests feed the same wrong outputs to both and
compare the text, function by function and line by line.
"""
from __future__ import annotations

import copy
import importlib.util
import time

import numpy as np
import pytest

from grader import checks
from grader.exercises.rnn_lstm import problems, reference
from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER, Shape, make_case
from nbhelpers import RELEASE_DIR, SOURCE_DIR


def load_selfcheck(folder=SOURCE_DIR):
    spec = importlib.util.spec_from_file_location("selfcheck_under_test", folder / "selfcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


selfcheck = load_selfcheck()
PUBLIC_SHAPES = tuple(Shape(*(int(v) for v in case["shape"])) for case in selfcheck.load_cases()["rnn_cell_forward"])
RNG = np.random.default_rng(7)


def wrong_arrays(want: np.ndarray) -> list:
    """Stand-ins for `want` that are wrong in each of the ways array_problem tells apart."""
    nan = want.copy()
    nan.flat[0] = np.nan
    return [
        [1.0, 2.0], None, 3.5, "text", want.tolist(),
        want.T if want.ndim == 2 and want.shape[0] != want.shape[1] else want.reshape(-1),
        want[..., :1] if want.shape[-1] > 1 else np.zeros(want.shape + (1,)),
        want.astype(object), want.astype(complex), want.astype(str), nan,
        want + 0.31, want * (1 + 1e-3), want + 1e-9, want.astype(np.float32), want > 0,
    ]


@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_array_problem_and_line_match_the_grader(name):
    """For every wrong stand-in of every output, is the per-array message and its line the grader's?"""
    case = make_case(BY_NAME[name], 0, PUBLIC_SHAPES[0], label="public")
    for key, want in case.expected.items():
        if not isinstance(want, np.ndarray):
            continue
        for got in wrong_arrays(want) + [want.copy()]:
            ours, theirs = selfcheck.array_problem(got, want), checks.array_problem(got, want)
            assert ours == theirs, (key, ours, theirs)
            passed = ours is None
            message = ours or selfcheck.passed_message(2)
            assert selfcheck.line(passed, key, message) == checks.line(passed, key, message)


def test_marks_and_describe_type_match():
    """Are the marks, type names and fixed messages the grader's?"""
    assert (selfcheck.PASS_MARK, selfcheck.FAIL_MARK) == (checks.PASS_MARK, checks.FAIL_MARK)
    assert (selfcheck.RTOL, selfcheck.ATOL) == (problems.RTOL, problems.ATOL)
    for value in (None, 1, 1.5, "s", [1], (1,), {"a": 1}, np.zeros(2), np.float64(2.0), object()):
        assert selfcheck.describe_type(value) == checks.describe_type(value)
    assert selfcheck.missing_key_message("dWf") == checks.missing_key("dWf") == \
        "missing: the returned dict has no key 'dWf'"
    assert selfcheck.passed_message(2) == checks.passed_message(2) == "correct on all 2 cases"
    assert selfcheck.not_implemented_message() == "not implemented yet (it raises NotImplementedError)"


def test_literal_examples_of_the_brief():
    """Do the lines read exactly as documented for students?"""
    want = np.zeros((2, 4))
    message = selfcheck.array_problem(want + 0.31, want) + selfcheck.case_suffix(0, (3, 5, 2, 4, 3), False)
    assert selfcheck.line(False, "yt_pred", message) == (
        "✗ yt_pred: wrong values: largest difference 0.31 (tolerance: rtol=1e-05, atol=1e-07) "
        "[case 1: n_x=3, n_a=5, n_y=2, m=4]")
    assert selfcheck.line(True, "a_next", selfcheck.passed_message(2)) == "✓ a_next: correct on all 2 cases"
    assert selfcheck.not_returned_message("rnn_cell_forward", (1, 2)) == (
        "not returned: the function returned 2 items, expected 3 (a_next, yt_pred, cache)")


# ------------------------------------------------------------------ whole functions

def _tamper_cache(result):
    a_next, yt_pred, cache = result
    return a_next, yt_pred, (cache[0], cache[2], cache[1], cache[3])


def _short_caches(result):
    *outs, (cells, x) = result
    return (*outs, (cells[:-1], x))


def _short_cell_cache(result):
    *outs, cache = result
    return (*outs, tuple(cache[:-1]))


def _first_key_missing(result):
    result = dict(result)
    result.pop(next(iter(result)))
    return result


MUTATIONS = {
    "wrong values in the first output": lambda r: ((r[0] + 0.5,) + tuple(r[1:])) if isinstance(r, tuple)
    else {**r, next(iter(r)): r[next(iter(r))] + 0.5},
    "one item short": lambda r: r[:-1] if isinstance(r, tuple) else _first_key_missing(r),
    "a list instead of a tuple": lambda r: list(r) if isinstance(r, tuple) else list(r.values()),
    "None": lambda r: None,
    "an array": lambda r: np.zeros(3),
    "NaN in the last array": lambda r: (tuple(r[:-2]) + (r[-2] * np.nan, r[-1])) if isinstance(r, tuple)
    else {**r, list(r)[-1]: r[list(r)[-1]] * np.nan},
    "transposed second output": lambda r: ((r[0], r[1].T) + tuple(r[2:])) if isinstance(r, tuple)
    else {**r, list(r)[1]: r[list(r)[1]].T},
}


def grader_lines(name: str, wrong) -> list[str]:
    """What grader.checks.evaluate says about `wrong` (a function of the reference result) on the public cases."""
    problem = BY_NAME[name]
    cases = [make_case(problem, i, s, label="public") for i, s in enumerate(PUBLIC_SHAPES)]
    outcomes = []
    for case in cases:
        args = copy.deepcopy(case.args)
        result = wrong(getattr(reference, name)(*args))
        outcomes.append(checks.Outcome("ok", result=result, args_after=args))
    feedback = checks.evaluate(problem, cases, outcomes, checks.diagnose).feedback
    # the self-check carries the catalogue of known mistakes (public_cases.npz), not the grader's
    # one-slip edits and symptoms: its hint lines are the catalogue's
    from grader.exercises.rnn_lstm.mistakes import for_function
    known = {f"Hint: {m.hint}" for m in for_function(name)}
    return [text for text in feedback.splitlines() if not text.startswith("Hint: ") or text in known]


def selfcheck_lines(name: str, wrong) -> list[str]:
    function = getattr(reference, name)
    return selfcheck.report(name, lambda *args: wrong(function(*args)))[1]


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_whole_function_feedback_matches_the_grader(name, mutation):
    """For the same wrong result on the same public cases, are all the feedback lines the grader's?"""
    wrong = MUTATIONS[mutation]
    assert selfcheck_lines(name, wrong) == grader_lines(name, wrong)


@pytest.mark.parametrize("name", [n for n in DISPLAY_ORDER if n.endswith("forward")])
def test_cache_feedback_matches_the_grader(name):
    """A cache with items swapped or missing steps: the same words as the grader?"""
    wrong = {"rnn_cell_forward": _tamper_cache, "lstm_cell_forward": _short_cell_cache}.get(name, _short_caches)
    assert selfcheck_lines(name, wrong) == grader_lines(name, wrong)


def test_not_implemented_is_one_line():
    """Does a stub give the single 'not implemented' line instead of a traceback?"""
    def stub(*args):
        raise NotImplementedError()

    for name in DISPLAY_ORDER:
        lines = selfcheck.report(name, stub)[1]
        assert lines == [f"✗ {name}: not implemented yet (it raises NotImplementedError)"]


def test_other_exceptions_are_summarised_on_one_line():
    """Does an exception in the student's code give one line with its type, message and the student's line?"""
    def rnn_cell_forward(xt, a_prev, parameters):
        a_next = parameters["Wax"] @ a_prev
        return a_next

    lines = selfcheck.report("rnn_cell_forward", rnn_cell_forward)[1]
    assert len(lines) == 1
    assert lines[0].startswith("✗ rnn_cell_forward: raised ValueError: matmul: ")
    assert lines[0].endswith(', in rnn_cell_forward: a_next = parameters["Wax"] @ a_prev)')


def test_input_mutation_matches_the_grader():
    """Modifying an input in place: the grader's line, points included?"""
    def mutating(xt, a_prev, parameters):
        result = reference.rnn_cell_forward(xt, a_prev, parameters)
        a_prev *= 2
        return result

    ours = selfcheck.report("rnn_cell_forward", mutating)[1]
    problem = BY_NAME["rnn_cell_forward"]
    cases = [make_case(problem, i, s, label="public") for i, s in enumerate(PUBLIC_SHAPES)]
    outcomes = []
    for case in cases:
        args = list(copy.deepcopy(case.args))
        result = copy.deepcopy(reference.rnn_cell_forward(*args))
        args[1] *= 2
        outcomes.append(checks.Outcome("ok", result=result, args_after=tuple(args)))
    theirs = checks.evaluate(problem, cases, outcomes).feedback.splitlines()
    assert ours[-1] == theirs[-1]
    assert ours[-1].startswith("✗ inputs unchanged: the function modified its input `a_prev` in place")


@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_each_self_check_is_fast(name):
    """Does each self-check take under a second (the reference answering)?"""
    start = time.perf_counter()
    selfcheck.results(name, getattr(reference, name))
    assert time.perf_counter() - start < 1.0


def test_release_carries_the_same_selfcheck():
    """Is the released selfcheck.py the one tested here?"""
    assert (RELEASE_DIR / "selfcheck.py").read_bytes() == (SOURCE_DIR / "selfcheck.py").read_bytes()
