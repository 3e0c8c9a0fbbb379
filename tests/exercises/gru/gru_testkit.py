"""Shared helpers of the GRU tests: shapes, random inputs, relative error and
centred finite differences (mirroring tests/reference/gradcheck.py, kept apart
so the GRU's tests do not depend on where the RNN/LSTM tests live)."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

W_KEYS = ("Wr", "Wu", "Wc")
B_KEYS = ("br", "bu", "bc")
GATE_PARAMS = ("Wr", "br", "Wu", "bu", "Wc", "bc")  # the ones the backward passes differentiate


class Dims(NamedTuple):
    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int


# A single example, a single step, both at once, and n_x > n_a: in every set
# n_x, n_a and n_y are pairwise distinct, so a transposed slice cannot fit by chance.
EDGE_DIMS = (
    Dims(n_x=3, n_a=5, n_y=2, m=1, T_x=4),
    Dims(n_x=4, n_a=2, n_y=3, m=5, T_x=1),
    Dims(n_x=2, n_a=3, n_y=4, m=1, T_x=1),
    Dims(n_x=7, n_a=3, n_y=5, m=2, T_x=3),
)


def random_dims(count: int, seed: int = 4321) -> tuple[Dims, ...]:
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


SHAPE_SETS = EDGE_DIMS + random_dims(8)


def dims_id(d: Dims) -> str:
    return f"nx{d.n_x}-na{d.n_a}-ny{d.n_y}-m{d.m}-T{d.T_x}"


def random_parameters(d: Dims, rng: np.random.Generator, scale: float = 0.5) -> dict:
    """GRU parameters with the shapes of the interface: W (n_a, n_a + n_x), b (n_a, 1), Wy, by."""
    shapes = {}
    for w, b in zip(W_KEYS, B_KEYS):
        shapes[w] = (d.n_a, d.n_a + d.n_x)
        shapes[b] = (d.n_a, 1)
    shapes.update(Wy=(d.n_y, d.n_a), by=(d.n_y, 1))
    return {k: scale * rng.standard_normal(v) for k, v in shapes.items()}


def rel_error(a, b, floor: float = 1e-12) -> float:
    """max|a - b| / max(floor, max(|a| + |b|)): the largest difference against the arrays' scale."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(floor, float(np.max(np.abs(a) + np.abs(b)))))


def centred_difference(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d x by (f(x + eps) - f(x - eps)) / (2 eps), one entry at a time (x restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def cell_inputs(d: Dims, seed: int, scale: float = 0.5):
    """(parameters, xt, a_prev, da_next) of one step."""
    rng = np.random.default_rng(seed)
    p = random_parameters(d, rng, scale)
    return p, rng.standard_normal((d.n_x, d.m)), rng.standard_normal((d.n_a, d.m)), rng.standard_normal((d.n_a, d.m))


def sequence_inputs(d: Dims, seed: int, scale: float = 0.5):
    """(parameters, x, a0, da) of a sequence."""
    rng = np.random.default_rng(seed)
    p = random_parameters(d, rng, scale)
    return (p, rng.standard_normal((d.n_x, d.m, d.T_x)), rng.standard_normal((d.n_a, d.m)),
            rng.standard_normal((d.n_a, d.m, d.T_x)))
