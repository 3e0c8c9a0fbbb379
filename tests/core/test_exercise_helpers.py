"""Do the protocol package's helpers for cell exercises (grader/exercise/compare.py's cell_cache_problem,
grader/exercise/blackbox.py's cell_black_box) keep their promises, on a toy exercise of no course?"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from grader.exercise import Tolerance, blackbox, compare

TOL = Tolerance(rtol=1e-5, atol=1e-7)
NAMES = ("h_next", "h_prev", "u", "parameters")
CELL = SimpleNamespace(weights={"h_next": 1, "out": 1, "cache": 1})  # h_next is graded on its own too


def cache(h=np.ones((2, 3)), u=np.zeros((2, 3))):
    return (h, np.zeros((2, 3)), u, {"W": np.eye(2)})


def test_a_cache_item_that_is_an_output_counts_once():
    """Is a wrong h_next inside the cache left to h_next's own check (form only here), and any other
    wrong item named with its place?"""
    want = cache()
    assert compare.cell_cache_problem(CELL, cache(h=np.ones((2, 3)) * 5), want, NAMES, False, TOL) is None
    assert compare.cell_cache_problem(CELL, cache(h=np.ones((3, 2))), want, NAMES, False, TOL) == \
        "cache item 0 (h_next) has shape (3, 2), expected (2, 3)"
    assert compare.cell_cache_problem(CELL, cache(u=np.ones((2, 3))), want, NAMES, False, TOL).startswith(
        "cache item 2 (u) wrong values: largest difference 1")
    assert compare.cell_cache_problem(CELL, cache()[:3], want, NAMES, False, TOL) == \
        "cache has 3 items, expected 4 (h_next, h_prev, u, parameters)"
    other = SimpleNamespace(weights={"out": 1})  # a function for which h_next is not an output: compared in full
    assert compare.cell_cache_problem(other, cache(h=np.ones((2, 3)) * 5), want, NAMES, False, TOL).startswith(
        "cache item 0 (h_next) wrong values")


def test_a_sequence_s_caches_are_named_by_step():
    """Are a sequence's caches (list of the cell caches, x) checked step by step, each place named?"""
    x = np.arange(6.0).reshape(1, 2, 3)
    want = ([cache(), cache()], x)
    assert compare.cell_cache_problem(CELL, ([cache(), cache()], x.copy()), want, NAMES, True, TOL) is None
    assert compare.cell_cache_problem(CELL, ([cache()], x), want, NAMES, True, TOL) == \
        "caches[0] holds 1 cell caches, expected T_x = 2"
    assert compare.cell_cache_problem(CELL, ([cache(), cache(u=np.ones((2, 3)))], x), want, NAMES, True,
                                      TOL).startswith("caches[0][1] item 2 (u) wrong values")
    assert compare.cell_cache_problem(CELL, "caches", want, NAMES, True, TOL) == \
        "caches is a str, expected a tuple (list of the T_x cell caches, x)"
    assert compare.cell_cache_problem(CELL, ([cache(), cache()], x + 1), want, NAMES, True, TOL).startswith(
        "caches[1] (x) wrong values")


def test_cell_black_box_answers_only_questions_about_the_case():
    """Does the black box refuse other shapes, a copy of the parameters that differs in one bit, and a
    wrong cache, allow 2 steps + 2 calls, and give None for a function without a black box?"""
    parameters = {"W": np.eye(2)}
    problem = SimpleNamespace(black_box="cell", args=("x", "h0", "parameters"))
    case = SimpleNamespace(args=(np.zeros((3, 4, 5)), np.zeros((2, 4)), parameters))
    box = blackbox.cell_black_box(problem, case, reference=lambda *a: None, cell_args=("xt", "h_prev", "parameters"),
                                  cache_names=NAMES, shapes={"xt": (3, 4)}, default=(2, 4), steps=5)
    assert box.function == "cell" and box.limit == 12 == blackbox.call_limit(5)
    good = {"xt": np.zeros((3, 4)), "h_prev": np.zeros((2, 4)), "parameters": parameters}
    assert box.check(good) is None
    assert box.check({**good, "parameters": {"W": np.eye(2).copy()}}) is None  # equal values: the same question
    assert box.check({**good, "xt": np.zeros((4, 3))}) == "`xt` has shape (4, 3), expected (3, 4) (this case's sizes)"
    assert box.check({**good, "h_prev": np.zeros((2, 4), dtype=object)}).startswith("`h_prev` must be a numpy array")
    tweaked = np.eye(2)
    tweaked[0, 1] = np.nextafter(0, 1)
    assert box.check({**good, "parameters": {"W": tweaked}}) == \
        "`parameters` must be the parameters your function was given, unchanged"
    assert box.check({"xt": good["xt"]}) == "no argument `h_prev`"
    backward = SimpleNamespace(black_box="cell_back", args=("dh", "caches"))
    case = SimpleNamespace(args=(np.zeros((2, 4, 5)), ([(np.zeros((2, 4)), np.zeros((2, 4)), np.zeros((2, 4)),
                                                          parameters)], np.zeros((3, 4, 5)))))
    box = blackbox.cell_black_box(backward, case, reference=lambda *a: None, cell_args=("dh_next", "cache"),
                                  cache_names=NAMES, shapes={}, default=(2, 4), steps=5)
    assert box.check({"dh_next": np.zeros((2, 4)), "cache": case.args[1][0][0]}) is None
    assert box.check({"dh_next": np.zeros((2, 4)), "cache": case.args[1][0][0][:3]}) == \
        "`cache` must be a tuple of 4 items (h_next, h_prev, u, parameters)"
    assert blackbox.cell_black_box(SimpleNamespace(black_box=None), case, reference=None, cell_args=(),
                                   cache_names=NAMES, shapes={}, default=(), steps=1) is None
