"""Helpers of the GRU tests: its parameters and random inputs. Shapes, relative error and centred
finite differences are the reference tests' (tests/reference/gradcheck.py), imported from there; only
the GRU's own shape sets (another seed) are drawn here."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

_REFERENCE_TESTS = Path(__file__).resolve().parents[2] / "reference"  # tests/reference/gradcheck.py
if str(_REFERENCE_TESTS) not in sys.path:
    sys.path.insert(0, str(_REFERENCE_TESTS))

from gradcheck import EDGE_DIMS, Dims, centred_difference, dims_id, random_dims, rel_error  # noqa: E402

__all__ = ["EDGE_DIMS", "Dims", "centred_difference", "dims_id", "random_dims", "rel_error", "W_KEYS", "B_KEYS",
           "GATE_PARAMS", "SHAPE_SETS", "random_parameters", "cell_inputs", "sequence_inputs"]

W_KEYS = ("Wr", "Wu", "Wc")
B_KEYS = ("br", "bu", "bc")
GATE_PARAMS = ("Wr", "br", "Wu", "bu", "Wc", "bc")  # the ones the backward passes differentiate


# The reference tests' edge shapes, then eight drawn with the GRU's own seed.
SHAPE_SETS = EDGE_DIMS + random_dims(8, seed=4321)


def random_parameters(d: Dims, rng: np.random.Generator, scale: float = 0.5) -> dict:
    """GRU parameters with the shapes of the interface: W (n_a, n_a + n_x), b (n_a, 1), Wy, by."""
    shapes = {}
    for w, b in zip(W_KEYS, B_KEYS):
        shapes[w] = (d.n_a, d.n_a + d.n_x)
        shapes[b] = (d.n_a, 1)
    shapes.update(Wy=(d.n_y, d.n_a), by=(d.n_y, 1))
    return {k: scale * rng.standard_normal(v) for k, v in shapes.items()}


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
