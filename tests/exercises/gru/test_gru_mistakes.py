"""Is grader/exercises/gru/mistakes.py a trustworthy catalogue of known GRU mistakes?

For every entry, on random cases of several shapes (m = 1, T_x = 1, n_x > n_a,
n_x, n_a, n_y distinct; weights N(0, 1/fan-in) as the grader draws them):
the variant returns the reference's structure; the outputs it changes,
compared as the grader compares values (numpy.allclose with rtol = 1e-5,
atol = 1e-7; a different shape is a difference), are exactly its `outputs` —
every listed output differs from the reference on every case (a sequence
mistake: on every T_x > 1 case; on a T_x = 1 case there is nothing to carry,
sum or reorder), and every other output equals it on all cases.
"""
import copy
import zlib

import numpy as np
import pytest

from grader.exercises.gru import mistakes, reference as ref
from grader.exercises.gru.mistakes import CATALOGUE
from grader.exercises.gru.rubric import ARGUMENTS, RUBRIC
from gru_testkit import Dims, dims_id

RTOL, ATOL = 1e-5, 1e-7
SHAPES = (
    Dims(n_x=3, n_a=5, n_y=2, m=1, T_x=4),
    Dims(n_x=4, n_a=2, n_y=3, m=5, T_x=1),
    Dims(n_x=6, n_a=4, n_y=3, m=7, T_x=5),
    Dims(n_x=7, n_a=3, n_y=5, m=2, T_x=3),
)
SEEDS = (0, 1)
IDS = [f"{m.function}:{m.name}" for m in CATALOGUE]
SEQUENCE = ("gru_forward", "gru_backward")


def parameters(d: Dims, rng) -> dict:
    """Weights N(0, 1/fan-in), biases N(0, 1/4): gates in their curved range."""
    shapes = {}
    for g in "ruc":
        shapes["W" + g] = (d.n_a, d.n_a + d.n_x)
        shapes["b" + g] = (d.n_a, 1)
    shapes.update(Wy=(d.n_y, d.n_a), by=(d.n_y, 1))
    return {k: rng.standard_normal(s) * (1 / np.sqrt(s[1]) if k.startswith("W") else 0.5) for k, s in shapes.items()}


def case_args(function: str, d: Dims, seed: int) -> tuple:
    rng = np.random.default_rng([seed, zlib.crc32(function.encode())])
    p = parameters(d, rng)
    n = rng.standard_normal
    if function == "gru_cell_forward":
        return n((d.n_x, d.m)), n((d.n_a, d.m)), p
    if function == "gru_forward":
        return n((d.n_x, d.m, d.T_x)), n((d.n_a, d.m)), p
    if function == "gru_cell_backward":
        return n((d.n_a, d.m)), ref.gru_cell_forward(n((d.n_x, d.m)), n((d.n_a, d.m)), p)[2]
    return n((d.n_a, d.m, d.T_x)), ref.gru_forward(n((d.n_x, d.m, d.T_x)), n((d.n_a, d.m)), p)[2]


def as_outputs(function: str, result) -> dict:
    if function.endswith("backward"):
        assert isinstance(result, dict)
        return result
    assert isinstance(result, tuple) and len(result) == len(RUBRIC[function])
    return dict(zip(RUBRIC[function], result))


def same(got, want) -> bool:
    """Equal as the grader judges values: nested tuples/lists/dicts of arrays, allclose(rtol, atol)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(same(got[k], want[k]) for k in want)
    if isinstance(want, (tuple, list)):
        return isinstance(got, (tuple, list)) and len(got) == len(want) and all(map(same, got, want))
    got, want = np.asarray(got), np.asarray(want)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def test_catalogue_covers_every_function_with_unique_names():
    """Does every graded function have known mistakes, with names unique per function, ~15 or more in all?"""
    assert {m.function for m in CATALOGUE} == set(RUBRIC)
    names = [(m.function, m.name) for m in CATALOGUE]
    assert len(names) == len(set(names))
    assert len(CATALOGUE) >= 15
    for m in CATALOGUE:
        assert set(m.outputs) <= set(RUBRIC[m.function]), m.name
        assert m.hint.strip() and "\n" not in m.hint
        assert mistakes.for_function(m.function).count(m) == 1


def test_the_issue_s_mistakes_are_catalogued():
    """Are the slips the issue names (and the framework conventions) in the catalogue?"""
    names = {(m.function, m.name) for m in CATALOGUE}
    assert {("gru_cell_forward", "reset-gate-after-product"), ("gru_cell_forward", "update-roles-swapped"),
            ("gru_cell_forward", "concat-order-swapped"), ("gru_cell_forward", "candidate-without-reset-gate"),
            ("gru_cell_backward", "update-gradient-without-a-prev"), ("gru_cell_backward", "dwc-from-concat"),
            ("gru_cell_backward", "reset-gate-path-missing"), ("gru_cell_backward", "direct-term-missing"),
            } <= names


@pytest.mark.parametrize("mistake", CATALOGUE, ids=IDS)
def test_variant_changes_exactly_its_outputs(mistake):
    """Does the variant differ from the reference in exactly its listed outputs, on every case it can show on?"""
    shown_on = 0
    for d in SHAPES:
        can_show = not (mistake.function in SEQUENCE and d.T_x == 1)
        for seed in SEEDS:
            args = case_args(mistake.function, d, seed)
            want = as_outputs(mistake.function, getattr(ref, mistake.function)(*copy.deepcopy(args)))
            got = as_outputs(mistake.function, mistake.variant(*copy.deepcopy(args)))
            assert set(got) == set(want), f"{dims_id(d)}: keys {sorted(got)}"
            wrong = {k for k in want if not same(got[k], want[k])}
            unlisted = wrong - set(mistake.outputs)
            assert not unlisted, f"{dims_id(d)}: also changes {sorted(unlisted)}"
            if can_show:
                shown_on += 1
                missing = set(mistake.outputs) - wrong
                assert not missing, f"{dims_id(d)} seed {seed}: {sorted(missing)} come out right"
    assert shown_on >= 4


@pytest.mark.parametrize("mistake", CATALOGUE, ids=IDS)
def test_variant_takes_the_graded_function_s_arguments(mistake):
    """Is each variant called with the graded function's arguments, leaving them unchanged?"""
    d = SHAPES[3]
    args = case_args(mistake.function, d, 5)
    assert len(args) == len(ARGUMENTS[mistake.function])
    saved = copy.deepcopy(args)
    mistake.variant(*args)
    assert same(args, saved)
