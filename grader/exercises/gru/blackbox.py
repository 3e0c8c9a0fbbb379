"""The GRU exercise's black box: which calls of a cell function a sequence function may make.

While `gru_forward` (or `gru_backward`) runs on one hidden case, every call it
makes to `gru_cell_forward` (or `gru_cell_backward`) is answered by the
grader with the reference, only when the call is about that case (the same
rules as the RNN/LSTM exercise's):

- each array argument has the case's shape: xt (n_x, m), every other state,
  gate or gradient (n_a, m);
- the parameters (given directly, or inside a backward cell's cache) equal the
  case's parameters, key for key and value for value, bit for bit;
- at most `call_limit(case)` calls per case: T_x (one per step), twice over, plus two.
"""
from __future__ import annotations

import numpy as np

from ...exercise import BlackBox
from . import reference
from .rubric import ARGUMENTS, CELL_CACHE


def call_limit(case) -> int:
    """2 T_x + 2: once per step, twice per step (one call per output taken) and one call before the
    loop (to learn a shape) are honest patterns; every question is about this case anyway."""
    return 2 * case.shape.T_x + 2


def case_parameters(problem, case) -> dict:
    """The parameters dict of a sequence function's case (an argument, or in its caches)."""
    if "parameters" in problem.args:
        return case.args[problem.args.index("parameters")]
    caches = case.args[problem.args.index("caches")]  # (list of the T_x cell caches, x)
    return caches[0][0][CELL_CACHE.index("parameters")]


def same_parameters(got, want: dict) -> bool:
    """Exactly the case's parameters: a dict of the same keys, arrays of the same shapes and values."""
    if type(got) is not dict or set(got) != set(want):
        return False
    return all(isinstance(got[k], np.ndarray) and got[k].shape == want[k].shape and np.array_equal(got[k], want[k])
               for k in want)


class Questions:
    """What a question about one case may contain: shapes and parameters of that case."""

    def __init__(self, problem, case):
        self.cell_args = ARGUMENTS[problem.black_box]
        s = case.shape
        self.parameters = case_parameters(problem, case)
        self.shapes = {"xt": (s.n_x, s.m)}  # every other array argument: (n_a, m)
        self.default = (s.n_a, s.m)

    def problem(self, arguments: dict) -> str | None:
        """Why these arguments (by name) are not a question about this case, or None."""
        for name in self.cell_args:
            if name not in arguments:
                return f"no argument `{name}`"
            p = self._cache(arguments[name]) if name == "cache" else self._item(name, arguments[name])
            if p:
                return p
        return None

    def _item(self, name: str, value) -> str | None:
        if name == "parameters":
            if not same_parameters(value, self.parameters):
                return "`parameters` must be the parameters your function was given, unchanged"
            return None
        shape = self.shapes.get(name, self.default)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            return f"`{name}` must be a numpy array of real numbers with shape {shape}"
        if value.shape != shape:
            return f"`{name}` has shape {tuple(value.shape)}, expected {shape} (this case's sizes)"
        return None

    def _cache(self, value) -> str | None:
        if not isinstance(value, (tuple, list)) or len(value) != len(CELL_CACHE):
            return f"`cache` must be a tuple of {len(CELL_CACHE)} items ({', '.join(CELL_CACHE)})"
        for name, item in zip(CELL_CACHE, value):
            p = self._item(name, item)
            if p:
                return f"in `cache`: {p}"
        return None


def black_box(problem, case) -> BlackBox | None:
    if not problem.black_box:
        return None
    return BlackBox(function=problem.black_box, reference=getattr(reference, problem.black_box),
                    check=Questions(problem, case).problem, limit=call_limit(case),
                    limit_words=(f"on one case of T_x = {case.shape.T_x} steps "
                                 f"(a sequence function calls it once per step)"))
