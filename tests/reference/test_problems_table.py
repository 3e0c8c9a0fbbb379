"""Is grader/exercises/rnn_lstm/problems.py a sound table of the graded functions and hidden cases?

Deterministic cases for a seed (arrays compared exactly, assert_array_equal),
shapes that catch transposes (n_x, n_a, n_y, m pairwise distinct; m = 1 and
T_x = 1 present), a rubric of 100 points whose outputs are exactly what the
reference returns, and expected values that are the reference's outputs.
"""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from grader.exercises.rnn_lstm import problems, reference

PROBLEM_IDS = [p.name for p in problems.PROBLEMS]


def _leaves(obj):
    if isinstance(obj, dict):
        return [(k,) + path for k in sorted(obj) for path in _leaves(obj[k])] if obj else []
    if isinstance(obj, (list, tuple)):
        return [(i,) + path for i, item in enumerate(obj) for path in _leaves(item)]
    return [()]


def _get(obj, path):
    for k in path:
        obj = obj[k]
    return obj


def assert_same_structure_and_values(a, b):
    """Same nesting of tuples/lists/dicts, and arrays exactly equal."""
    paths = _leaves(a)
    assert paths == _leaves(b)
    for path in paths:
        assert_array_equal(_get(a, path), _get(b, path), err_msg=str(path))


@pytest.mark.parametrize("problem", problems.PROBLEMS, ids=PROBLEM_IDS)
def test_hidden_cases_are_deterministic_for_a_seed(problem):
    """Does the same seed give exactly the same hidden inputs and expected outputs, and another seed other inputs?"""
    first, again = problems.hidden_cases(problem), problems.hidden_cases(problem)
    other = problems.hidden_cases(problem, seed=problems.DEFAULT_SEED + 1)
    assert len(first) == len(again) == len(problems.HIDDEN_SHAPES)
    for a, b, c in zip(first, again, other):
        assert (a.problem, a.index, a.shape) == (b.problem, b.index, b.shape)
        assert_same_structure_and_values(a.args, b.args)
        assert_same_structure_and_values(a.expected, b.expected)
        # The first argument (an input or upstream-gradient array) changes with the seed.
        assert not np.array_equal(a.args[0], c.args[0])


def test_hidden_cases_differ_between_functions():
    """Do two functions with the same argument shapes get different random inputs (no shared stream)?"""
    a = problems.hidden_cases(problems.BY_NAME["rnn_forward"])[0].args[0]
    b = problems.hidden_cases(problems.BY_NAME["lstm_forward"])[0].args[0]
    assert a.shape == b.shape and not np.array_equal(a, b)


def test_hidden_shapes_catch_transposes():
    """Are n_x, n_a, n_y and m pairwise distinct in every hidden shape, with m = 1, T_x = 1 and a larger case present?"""
    shapes = problems.HIDDEN_SHAPES
    for s in shapes:
        sizes = (s.n_x, s.n_a, s.n_y, s.m)
        assert len(set(sizes)) == 4, s
        assert min(sizes + (s.T_x,)) >= 1
    assert any(s.m == 1 for s in shapes)
    assert any(s.T_x == 1 for s in shapes)
    assert any(s.T_x > 1 for s in shapes)
    assert max(s.n_a * s.m * s.T_x for s in shapes) >= 1000  # a larger case


@pytest.mark.parametrize("problem", problems.PROBLEMS, ids=PROBLEM_IDS)
def test_case_arguments_have_the_documented_shapes(problem):
    """Do the hidden-case arguments have the shapes of interfaces.md for their Shape?"""
    for case in problems.hidden_cases(problem):
        s = case.shape
        assert len(case.args) == len(problem.args)
        args = dict(zip(problem.args, case.args))
        seq = (s.T_x,) if problem.sequence else ()
        if problem.direction == "forward":
            assert args["x" if problem.sequence else "xt"].shape == (s.n_x, s.m) + seq
            assert args["a0" if problem.sequence else "a_prev"].shape == (s.n_a, s.m)
            n_in = s.n_a if problem.model == "rnn" else s.n_a + s.n_x
            key = "Wax" if problem.model == "rnn" else "Wf"
            assert args["parameters"][key].shape == ((s.n_a, s.n_x) if problem.model == "rnn" else (s.n_a, n_in))
        else:
            assert args["da" if problem.sequence else "da_next"].shape == (s.n_a, s.m) + seq
            if problem.sequence:
                cells, x = args["caches"]
                assert len(cells) == s.T_x and x.shape == (s.n_x, s.m, s.T_x)


def test_rubric_totals_100_points():
    """Do the rubric weights add up to 100 points over exactly the eight graded functions?"""
    assert problems.TOTAL_POINTS == pytest.approx(100.0, abs=1e-12)
    assert sum(p.points for p in problems.PROBLEMS) == pytest.approx(100.0, abs=1e-12)
    assert all(w > 0 for p in problems.PROBLEMS for w in p.weights.values())
    names = {"rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
             "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward"}
    assert set(problems.GRADED_FUNCTIONS) == set(problems.DISPLAY_ORDER) == names
    assert len(problems.GRADED_FUNCTIONS) == 8


def test_cells_are_graded_before_sequences():
    """Is every cell function graded before any sequence function, each black box a cell of the same model and direction?"""
    order = [p.sequence for p in problems.PROBLEMS]
    assert order == sorted(order)
    for p in problems.PROBLEMS:
        if p.sequence:
            box = problems.BY_NAME[p.black_box]
            assert (box.model, box.direction, box.sequence) == (p.model, p.direction, False)
        else:
            assert p.black_box is None


@pytest.mark.parametrize("problem", problems.PROBLEMS, ids=PROBLEM_IDS)
def test_weights_name_exactly_the_reference_outputs(problem):
    """Are the rubric's outputs exactly the reference's returned tuple (in order) or gradient keys, and the expected values its outputs?"""
    case = problems.hidden_cases(problem)[0]
    result = getattr(reference, problem.name)(*case.args)
    if problem.returns_dict:
        assert set(result) == set(problem.outputs)
    else:
        assert isinstance(result, tuple) and len(result) == len(problem.outputs)
        assert problem.cache_output == problem.outputs[-1]
    assert list(case.expected) == list(problem.outputs)
    got = dict(result) if problem.returns_dict else dict(zip(problem.outputs, result))
    assert_same_structure_and_values(case.expected, got)

