"""`compare.array_wrong` and `Exercise.output_wrong` (the diagnosis' "wrong or not", which
skips building messages) must say exactly what bool(array_problem) / bool(output_problem) say."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import checks
from grader.exercise import compare
from grader import exercise as exercises
from grader.exercises.rnn_lstm import problems as table

RTOL, ATOL = table.RTOL, table.ATOL
SPECIAL = [0.0, -0.0, 1.0, np.nan, np.inf, -np.inf, 1e-7, 1e308, -1e308, 5e-324, 65504.0, 1e-5]

floats = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True))


def near(want: np.ndarray, data) -> np.ndarray:
    """An array around `want`: equal, within, at or just beyond the tolerance, or anything."""
    kind = data.draw(st.sampled_from(["equal", "scaled", "free", "shifted"]))
    if kind == "equal":
        return want.copy()
    if kind == "scaled":
        factor = data.draw(st.sampled_from([1 + RTOL, 1 - RTOL, 1 + 2 * RTOL, 1 + RTOL / 2, 1 + 1e-9]))
        with np.errstate(all="ignore"):
            return want * factor
    if kind == "shifted":
        shift = data.draw(st.sampled_from([ATOL, -ATOL, 2 * ATOL, ATOL * (1 + 1e-9), ATOL * (1 - 1e-9)]))
        with np.errstate(all="ignore"):
            return want + shift
    return data.draw(hnp.arrays(np.float64, want.shape, elements=floats))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_array_wrong_is_bool_of_array_problem(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    want = data.draw(hnp.arrays(np.float64, shape, elements=floats))
    got = np.asarray(near(want, data))  # (a 0-d array times a float is a scalar)
    dtype = data.draw(st.sampled_from(["float16", "float32", "float64", "longdouble", "int64", "bool",
                                       "complex128", "object", "U3"]))
    with np.errstate(all="ignore"):
        got = got.astype(dtype) if dtype != "U3" else np.full(got.shape, "abc")
    if data.draw(st.booleans()):  # another shape now and then
        got = got.reshape(-1) if got.ndim != 1 else got.reshape(1, -1)
    with np.errstate(all="ignore"):
        expected = bool(compare.array_problem(got, want, RTOL, ATOL))
    assert compare.array_wrong(got, want, RTOL, ATOL) is expected


@pytest.mark.parametrize("got", [None, 3.0, [1.0, 2.0], (np.zeros(2),), "x", {"a": 1}])
def test_array_wrong_of_a_non_array_is_wrong_like_array_problem(got):
    want = np.zeros(2)
    assert compare.array_wrong(got, want, RTOL, ATOL) is bool(compare.array_problem(got, want, RTOL, ATOL)) is True


def test_output_wrong_agrees_with_output_problem_on_the_catalogues_outputs():
    """Every catalogued mistake's outputs (and the reference's) against the reference, on
    the hidden cases of every problem, caches included: the same verdict as output_problem."""
    ex = exercises.get("rnn_lstm")
    compared = disagree = 0
    for problem in ex.problems:
        for case in ex.hidden_cases(problem, 0):
            candidates = [(None, ex.reference(problem.name))] + [(m.name, m.variant) for m in ex.mistakes(problem.name)]
            for name, function in candidates:
                with np.errstate(all="ignore"):
                    result = function(*copy.deepcopy(case.args))
                outputs = checks.outputs_of(problem, result)
                for key in problem.outputs:
                    got, want = outputs[key], case.expected[key]
                    for value in (got, want):  # both ways round, as diagnose compares them
                        with np.errstate(all="ignore"):
                            slow = bool(ex.output_problem(problem, key, value, want if value is got else got))
                            fast = ex.output_wrong(problem, key, value, want if value is got else got)
                        compared += 1
                        disagree += fast is not slow
    assert compared > 1000
    assert disagree == 0


def test_the_default_output_wrong_is_bool_of_output_problem():
    class Flags(exercises.Exercise):
        name = "flags"

        def output_problem(self, problem, key, got, want):
            return {"a": "wrong", "b": None, "c": ""}[key]

    ex = Flags()
    assert [ex.output_wrong(None, k, 0, 0) for k in "abc"] == [True, False, False]
