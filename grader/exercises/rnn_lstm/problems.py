"""The eight graded functions: one source of truth for what is graded and how much it is worth.

For each function: its arguments, what it returns (forward: the returned tuple;
backward: the gradient keys), the rubric weight of each output, and which cell
function is swapped in as a black box while it runs. The hidden cases
(shapes and inputs) are generated here too, from a key: the deployment's
secret (grader/secret.py; HMAC-SHA256 of the problem's name and case number,
so nobody without the secret can compute them and they differ between
deployments) or, for tests, benchmarks and the public cases, a fixed integer
seed. The same key always gives the same cases.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np

from . import reference

# Values are compared with numpy.isclose(student, reference, rtol=RTOL, atol=ATOL):
# |student - reference| <= ATOL + RTOL * |reference|, elementwise.
RTOL = 1e-5
ATOL = 1e-7

# A function that modifies any of its input arrays in place loses this share of
# its points (the caller's arrays must survive the call: a backward pass that
# scribbles over the cache corrupts the next step's gradients).
INPUT_MUTATION_PENALTY = 0.1

# What a cell's cache holds, in order (interfaces.md); a sequence's cache is
# (list of the T_x cell caches, x).
CELL_CACHE = {
    "rnn": ("a_next", "a_prev", "xt", "parameters"),
    "lstm": ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters"),
}

RNN_PARAMETERS = ("Wax", "Waa", "Wya", "ba", "by")
LSTM_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")


@dataclass(frozen=True)
class Problem:
    """One graded function."""

    name: str
    model: str  # "rnn" or "lstm"
    direction: str  # "forward" or "backward"
    sequence: bool  # whole sequence (True) or one time step (False)
    args: tuple[str, ...]
    weights: dict[str, float]  # output name (forward) or gradient key (backward) -> points
    black_box: str | None = None  # cell function replaced by the reference while this one runs
    cache_output: str | None = None  # name of the cache output (forward functions)

    @property
    def points(self) -> float:
        return float(sum(self.weights.values()))

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.weights)

    @property
    def returns_dict(self) -> bool:
        return self.direction == "backward"


def _grads(keys: str, weights: dict[str, float]) -> dict[str, float]:
    return {k: weights[k] for k in keys.split()}


# Graded in this order: every cell function before any sequence function, so
# no reference cell (handed to sequence functions as a black box) exists in the
# worker while a cell function is being graded.
PROBLEMS: tuple[Problem, ...] = (
    Problem("rnn_cell_forward", "rnn", "forward", False, ("xt", "a_prev", "parameters"),
            {"a_next": 4, "yt_pred": 3, "cache": 3}, cache_output="cache"),
    Problem("rnn_cell_backward", "rnn", "backward", False, ("da_next", "cache"),
            {"dxt": 2, "da_prev": 2, "dWax": 2, "dWaa": 2, "dba": 2}),
    Problem("lstm_cell_forward", "lstm", "forward", False, ("xt", "a_prev", "c_prev", "parameters"),
            {"a_next": 4, "c_next": 4, "yt_pred": 3, "cache": 4}, cache_output="cache"),
    Problem("lstm_cell_backward", "lstm", "backward", False, ("da_next", "dc_next", "cache"),
            {"dxt": 2, "da_prev": 2, "dc_prev": 2,
             "dWf": 1.5, "dbf": 0.75, "dWi": 1.5, "dbi": 0.75,
             "dWc": 1.5, "dbc": 0.75, "dWo": 1.5, "dbo": 0.75}),
    Problem("rnn_forward", "rnn", "forward", True, ("x", "a0", "parameters"),
            {"a": 4, "y_pred": 3, "caches": 3}, black_box="rnn_cell_forward", cache_output="caches"),
    Problem("rnn_backward", "rnn", "backward", True, ("da", "caches"),
            {"dx": 2, "da0": 2, "dWax": 2, "dWaa": 2, "dba": 2}, black_box="rnn_cell_backward"),
    Problem("lstm_forward", "lstm", "forward", True, ("x", "a0", "parameters"),
            {"a": 4, "y": 3, "c": 4, "caches": 4}, black_box="lstm_cell_forward", cache_output="caches"),
    Problem("lstm_backward", "lstm", "backward", True, ("da", "caches"),
            {"dx": 3, "da0": 3, "dWf": 1.5, "dbf": 0.75, "dWi": 1.5, "dbi": 0.75,
             "dWc": 1.5, "dbc": 0.75, "dWo": 1.5, "dbo": 0.75}, black_box="lstm_cell_backward"),
)

BY_NAME: dict[str, Problem] = {p.name: p for p in PROBLEMS}
GRADED_FUNCTIONS: tuple[str, ...] = tuple(p.name for p in PROBLEMS)
# The order in which a notebook presents them (and reports list them).
DISPLAY_ORDER: tuple[str, ...] = (
    "rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
    "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward",
)
TOTAL_POINTS: float = sum(p.points for p in PROBLEMS)


@dataclass(frozen=True)
class Shape:
    """Sizes of one case. Chosen so that no two of n_x, n_a, n_y, m are equal."""

    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int

    def describe(self, sequence: bool) -> str:
        text = f"n_x={self.n_x}, n_a={self.n_a}, n_y={self.n_y}, m={self.m}"
        return text + (f", T_x={self.T_x}" if sequence else "")


# Hidden cases: a single example (m = 1), a single step (T_x = 1), a generic
# case, and a larger one. Every shape has n_x, n_a, n_y and m pairwise distinct,
# so a transposed product or a sum over the wrong axis cannot pass by chance.
HIDDEN_SHAPES: tuple[Shape, ...] = (
    Shape(n_x=3, n_a=5, n_y=2, m=1, T_x=4),
    Shape(n_x=4, n_a=2, n_y=3, m=5, T_x=1),
    Shape(n_x=6, n_a=4, n_y=3, m=7, T_x=5),
    Shape(n_x=10, n_a=16, n_y=7, m=12, T_x=9),
)
DEFAULT_SEED = 20261126


@dataclass
class Case:
    """One hidden case: the inputs of a call and the reference's outputs."""

    problem: str
    index: int
    shape: Shape
    args: tuple
    expected: dict = field(repr=False)  # output name / gradient key -> reference value
    variants: dict = field(default_factory=dict, repr=False)  # mistake name -> (its outputs, those wrong) (memo)


Key = int | bytes  # a fixed seed (public cases, tests) or a deployment's secret


def _rng(key: Key, *labels) -> np.random.Generator:
    if isinstance(key, (bytes, bytearray)):
        digest = hmac.new(bytes(key), repr(("rnn-grader cases v1",) + labels).encode(), hashlib.sha256).digest()
        return np.random.default_rng(int.from_bytes(digest, "little"))
    digest = hashlib.sha256(repr((key,) + labels).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def random_parameters(model: str, s: Shape, rng: np.random.Generator) -> dict:
    """Random parameters: weights N(0, 1/fan-in), biases N(0, 1/4)."""
    if model == "rnn":
        shapes = {"Wax": (s.n_a, s.n_x), "Waa": (s.n_a, s.n_a), "Wya": (s.n_y, s.n_a),
                  "ba": (s.n_a, 1), "by": (s.n_y, 1)}
    else:
        shapes = {}
        for g in "fico":
            shapes["W" + g] = (s.n_a, s.n_a + s.n_x)
            shapes["b" + g] = (s.n_a, 1)
        shapes["Wy"] = (s.n_y, s.n_a)
        shapes["by"] = (s.n_y, 1)
    # Scaled by 1/sqrt(fan-in): pre-activations have unit scale whatever the sizes,
    # so tanh and the gates work in their curved range (neither saturated nor linear).
    return {k: rng.standard_normal(v) * (1.0 / np.sqrt(v[1]) if k.startswith("W") else 0.5)
            for k, v in shapes.items()}


def make_inputs(problem: Problem, s: Shape, rng: np.random.Generator) -> tuple:
    """The arguments of one call, in the function's argument order."""
    params = random_parameters(problem.model, s, rng)
    normal = rng.standard_normal
    if problem.direction == "forward":
        if problem.sequence:
            return normal((s.n_x, s.m, s.T_x)), normal((s.n_a, s.m)), params
        if problem.model == "rnn":
            return normal((s.n_x, s.m)), normal((s.n_a, s.m)), params
        return normal((s.n_x, s.m)), normal((s.n_a, s.m)), normal((s.n_a, s.m)), params
    # Backward functions get caches from the reference forward pass.
    if problem.sequence:
        forward = reference.rnn_forward if problem.model == "rnn" else reference.lstm_forward
        out = forward(normal((s.n_x, s.m, s.T_x)), normal((s.n_a, s.m)), params)
        return normal((s.n_a, s.m, s.T_x)), out[-1]
    xt, a_prev = normal((s.n_x, s.m)), normal((s.n_a, s.m))
    if problem.model == "rnn":
        cache = reference.rnn_cell_forward(xt, a_prev, params)[-1]
        return normal((s.n_a, s.m)), cache
    cache = reference.lstm_cell_forward(xt, a_prev, normal((s.n_a, s.m)), params)[-1]
    return normal((s.n_a, s.m)), normal((s.n_a, s.m)), cache


def reference_outputs(problem: Problem, args: tuple) -> dict:
    """The reference's outputs for these arguments, by output name / gradient key."""
    result = getattr(reference, problem.name)(*args)
    if problem.returns_dict:
        return dict(result)
    return dict(zip(problem.outputs, result))


def make_case(problem: Problem, index: int, shape: Shape, seed: Key = DEFAULT_SEED,
              label: str = "hidden") -> Case:
    """Case `index` of `problem`, drawn from `seed`: an integer seed, or a secret (bytes)."""
    args = make_inputs(problem, shape, _rng(seed, label, problem.name, index))
    return Case(problem.name, index, shape, args, reference_outputs(problem, args))


def hidden_cases(problem: Problem, seed: Key = DEFAULT_SEED) -> list[Case]:
    return [make_case(problem, i, s, seed) for i, s in enumerate(HIDDEN_SHAPES)]
