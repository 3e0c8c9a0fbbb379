"""Shared helpers of the reference tests: shapes, random inputs, relative
error and centred finite differences (in the manner of cs231n's
gradient_check.py)."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


class Dims(NamedTuple):
    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int


# Hand-picked corners: a single example, a single step, both at once, and
# n_x > n_a (a transposed slice of the LSTM weights cannot fit by chance).
EDGE_DIMS = (
    Dims(n_x=3, n_a=5, n_y=2, m=1, T_x=4),
    Dims(n_x=4, n_a=2, n_y=3, m=5, T_x=1),
    Dims(n_x=2, n_a=3, n_y=4, m=1, T_x=1),
    Dims(n_x=7, n_a=3, n_y=5, m=2, T_x=3),
)


def random_dims(count: int, seed: int = 1234) -> tuple[Dims, ...]:
    """`count` shape sets with n_x, n_a, n_y (and m when m > 1) pairwise distinct."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        n_x, n_a, n_y = (int(v) for v in rng.choice(np.arange(1, 9), size=3, replace=False))
        m = int(rng.integers(1, 7))
        if m in (n_x, n_a, n_y) and m != 1:
            continue
        out.append(Dims(n_x, n_a, n_y, m, int(rng.integers(1, 6))))
    return tuple(out)


# At least ten shape sets, edges first.
SHAPE_SETS = EDGE_DIMS + random_dims(8)


def dims_id(d: Dims) -> str:
    return f"nx{d.n_x}-na{d.n_a}-ny{d.n_y}-m{d.m}-T{d.T_x}"


def random_parameters(model: str, d: Dims, rng: np.random.Generator, scale: float = 0.5) -> dict:
    """Parameters of the RNN or LSTM with the shapes of interfaces.md."""
    if model == "rnn":
        shapes = {"Wax": (d.n_a, d.n_x), "Waa": (d.n_a, d.n_a), "Wya": (d.n_y, d.n_a),
                  "ba": (d.n_a, 1), "by": (d.n_y, 1)}
    else:
        shapes = {}
        for g in "fico":
            shapes["W" + g] = (d.n_a, d.n_a + d.n_x)
            shapes["b" + g] = (d.n_a, 1)
        shapes.update(Wy=(d.n_y, d.n_a), by=(d.n_y, 1))
    return {k: scale * rng.standard_normal(v) for k, v in shapes.items()}


def rel_error(a, b, floor: float = 1e-12) -> float:
    """Relative error of two arrays: max|a - b| / max(floor, max(|a| + |b|)).

    The largest absolute difference measured against the arrays' scale,
    rather than elementwise as in cs231n: an entry that is nearly zero (a
    gradient that nearly cancels) would otherwise make the centred
    difference's round-off, ~1e-10 absolute, look like a large relative
    error. `floor` keeps two all-zero arrays at error 0.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(floor, float(np.max(np.abs(a) + np.abs(b)))))


def centred_difference(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d x by (f(x + eps) - f(x - eps)) / (2 eps), one entry at a time.

    `x` is perturbed in place and restored; `f` reads it through a closure.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad
