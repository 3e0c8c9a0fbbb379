"""The GRU's cases: shapes, random inputs of each graded function, and the reference's outputs.

`make_inputs` draws a case from a given random generator; `hidden_cases` keys
that generator: with the deployment's secret (bytes; HMAC-SHA256 of the
function's name and case number, so nobody without the secret can compute the
cases and they differ between deployments) or a fixed integer seed (tests,
benchmarks, nbgrader's preview cells). The same key always gives the same cases.
Weights are drawn N(0, 1/fan-in) and biases N(0, 1/4), as for the RNN/LSTM,
so the gates and tanh work in their curved range whatever the sizes.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ...exercise import Case as _Case
from . import reference
from .rubric import ARGUMENTS, RUBRIC


class Shape(NamedTuple):
    """Sizes of one case; no two of n_x, n_a, n_y, m are equal (m may be 1)."""

    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int

    def describe(self, sequence: bool) -> str:
        text = f"n_x={self.n_x}, n_a={self.n_a}, n_y={self.n_y}, m={self.m}"
        return text + (f", T_x={self.T_x}" if sequence else "")


# As the RNN/LSTM's: one example, one step, a generic and a larger case.
HIDDEN_SHAPES = (
    Shape(n_x=3, n_a=5, n_y=2, m=1, T_x=4),
    Shape(n_x=4, n_a=2, n_y=3, m=5, T_x=1),
    Shape(n_x=6, n_a=4, n_y=3, m=7, T_x=5),
    Shape(n_x=10, n_a=16, n_y=7, m=12, T_x=9),
)
# The self-checks' public cases (solutions/gru/public_cases.npz): other shapes.
PUBLIC_SHAPES = (
    Shape(n_x=3, n_a=5, n_y=2, m=4, T_x=3),
    Shape(n_x=2, n_a=4, n_y=3, m=1, T_x=4),
)


def random_parameters(s: Shape, rng: np.random.Generator) -> dict:
    """Wr, br, Wu, bu, Wc, bc (W: (n_a, n_a + n_x), b: (n_a, 1)), Wy (n_y, n_a), by (n_y, 1)."""
    shapes = {}
    for g in "ruc":
        shapes["W" + g] = (s.n_a, s.n_a + s.n_x)
        shapes["b" + g] = (s.n_a, 1)
    shapes.update(Wy=(s.n_y, s.n_a), by=(s.n_y, 1))
    return {k: rng.standard_normal(v) * (1.0 / np.sqrt(v[1]) if k.startswith("W") else 0.5)
            for k, v in shapes.items()}


def make_inputs(function: str, s: Shape, rng: np.random.Generator) -> tuple:
    """The arguments of one call of `function`, in its argument order (backward: caches from the reference)."""
    params = random_parameters(s, rng)
    normal = rng.standard_normal
    if function == "gru_cell_forward":
        return normal((s.n_x, s.m)), normal((s.n_a, s.m)), params
    if function == "gru_forward":
        return normal((s.n_x, s.m, s.T_x)), normal((s.n_a, s.m)), params
    if function == "gru_cell_backward":
        cache = reference.gru_cell_forward(normal((s.n_x, s.m)), normal((s.n_a, s.m)), params)[2]
        return normal((s.n_a, s.m)), cache
    if function == "gru_backward":
        caches = reference.gru_forward(normal((s.n_x, s.m, s.T_x)), normal((s.n_a, s.m)), params)[2]
        return normal((s.n_a, s.m, s.T_x)), caches
    raise ValueError(f"unknown GRU function {function!r}; expected one of {', '.join(ARGUMENTS)}")


def reference_outputs(function: str, args: tuple) -> dict:
    """The reference's outputs for these arguments, by output name / gradient key (rubric order)."""
    result = getattr(reference, function)(*args)
    if function.endswith("backward"):
        return {k: result[k] for k in RUBRIC[function]}
    return dict(zip(RUBRIC[function], result))


@dataclass
class Case(_Case):
    """One hidden case (grader.exercise.Case) with its sizes."""

    shape: Shape | None = None


SEQUENCE = frozenset({"gru_forward", "gru_backward"})


def rng(key: int | bytes, *labels) -> np.random.Generator:
    """The generator of one case: keyed by the deployment's secret (bytes, HMAC) or a fixed seed (int)."""
    if isinstance(key, (bytes, bytearray)):
        digest = hmac.new(bytes(key), repr(("gru-grader cases v1",) + labels).encode(), hashlib.sha256).digest()
    else:
        digest = hashlib.sha256(repr(("gru", key) + labels).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def make_case(function: str, index: int, shape: Shape, key: int | bytes, label: str = "hidden") -> Case:
    args = make_inputs(function, shape, rng(key, label, function, index))
    return Case(function, index, args, reference_outputs(function, args),
                describe=shape.describe(function in SEQUENCE), shape=shape)


def hidden_cases(function: str, key: int | bytes) -> list[Case]:
    """The hidden cases of `function` drawn from `key` (the secret, or a fixed seed)."""
    return [make_case(function, i, s, key) for i, s in enumerate(HIDDEN_SHAPES)]
