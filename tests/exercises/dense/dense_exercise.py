"""A test-only exercise of another shape than the RNN/LSTM one: a dense layer.

    linear_forward(A, W, b) -> Z, cache        Z = W A + b,  cache = (A, W, b, m)
    linear_backward(dZ, cache) -> (dA_prev, dW, db)   a TUPLE, not a dict

with A of shape (n_prev, m), W (n, n_prev), b (n, 1), Z and dZ (n, m); m, the
number of examples, is an int inside the cache (a scalar leaf the grader
checks). Gradients of the mean over the examples: dW = dZ Aᵀ / m,
db = Σ dZ / m (over the examples), dA_prev = Wᵀ dZ.

It is registered from the tests only (`--exercise-module dense_exercise`
with this folder on PYTHONPATH, or grader.exercise.load_module), and adding
it changed no module of the grader: that is what it proves.
"""
from __future__ import annotations

import hashlib
import hmac
import inspect

import numpy as np

from grader.exercise import Case, Exercise, Function, Mistake


def sigmoid(x):
    """The helper module the exercise gives students (`dense_utils`)."""
    return 1.0 / (1.0 + np.exp(-x))


HELPER_SOURCE = "import numpy as np\n\n\n" + inspect.getsource(sigmoid)


def linear_forward(A, W, b):
    Z = W @ A + b
    return Z, (A, W, b, int(A.shape[1]))


def linear_backward(dZ, cache):
    A, W, b, m = cache
    return W.T @ dZ, dZ @ A.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def _no_mean(dZ, cache):  # a known mistake: the sum over the examples, not the mean
    A, W, b, m = cache
    return W.T @ dZ, dZ @ A.T, np.sum(dZ, axis=1, keepdims=True)


REFERENCE = {"linear_forward": linear_forward, "linear_backward": linear_backward}
PROBLEMS = (
    Function("linear_forward", ("A", "W", "b"), {"Z": 6, "cache": 4}, cache_output="cache"),
    Function("linear_backward", ("dZ", "cache"), {"dA_prev": 4, "dW": 3, "db": 3}),
)
SHAPES = ((3, 2, 5), (4, 6, 1), (7, 3, 9))  # (n_prev, n, m): pairwise distinct in each case


def _rng(key, *labels) -> np.random.Generator:
    if isinstance(key, (bytes, bytearray)):
        digest = hmac.new(bytes(key), repr(("dense cases",) + labels).encode(), hashlib.sha256).digest()
    else:
        digest = hashlib.sha256(repr((key,) + labels).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


class Dense(Exercise):
    name = "dense"
    title = "A dense layer (test-only exercise)"
    problems = PROBLEMS
    notebook = "dense.ipynb"
    helper_module = "dense_utils"
    helper_source = HELPER_SOURCE
    course_modules = frozenset({"dense_utils"})
    default_seed = 7

    def hidden_cases(self, problem, key):
        cases = []
        for index, (n_prev, n, m) in enumerate(SHAPES):
            rng = _rng(key, problem.name, index)
            A, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
            if problem.name == "linear_forward":
                args = (A, W, b)
            else:
                args = (rng.standard_normal((n, m)), linear_forward(A, W, b)[1])
            outputs = REFERENCE[problem.name](*args)
            cases.append(Case(problem.name, index, args, dict(zip(problem.outputs, outputs)),
                              describe=f"n_prev={n_prev}, n={n}, m={m}"))
        return cases

    def reference(self, name):
        return REFERENCE[name]

    def mistakes(self, name):
        if name == "linear_backward":
            return (Mistake("linear_backward", "sum-not-mean", ("dW", "db"),
                            "dW and db are m times too large: divide by m, the number of examples (the "
                            "cost is a mean over them)", _no_mean),)
        return ()


EXERCISE = Dense()
