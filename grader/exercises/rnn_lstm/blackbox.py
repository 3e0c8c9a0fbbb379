"""The RNN/LSTM exercise's black box: which calls of a cell function a sequence function may make.

While `rnn_forward` (say) runs on one hidden case, every call it makes to
`rnn_cell_forward` is answered by the grader with the reference (grader/blackbox.py),
only when the call is about that case:

- each array argument has the case's shape: xt (n_x, m), every other state or
  gate (n_a, m); real numbers (bool, int or float);
- the parameters (given directly, or inside a backward cell's cache) equal the
  case's parameters, key for key and value for value;
- at most `call_limit(case)` calls per case: T_x (one per step), twice over,
  plus two.
"""
from __future__ import annotations

import numpy as np

from ...exercise import BlackBox
from . import reference
from .problems import BY_NAME, CELL_CACHE, Case, Problem


def call_limit(case: Case) -> int:
    """Black-box calls allowed during one call on this case: 2 T_x + 2. A sequence function
    calls its cell once per step (T_x); twice per step (one call per output taken) and one
    call before the loop (to learn a shape) are honest patterns too, and cost nothing:
    every question is about this case anyway."""
    return 2 * case.shape.T_x + 2


def case_parameters(problem: Problem, case: Case) -> dict:
    """The parameters dict of a sequence function's case (an argument, or in its caches)."""
    if "parameters" in problem.args:
        return case.args[problem.args.index("parameters")]
    caches = case.args[problem.args.index("caches")]  # (list of the T_x cell caches, x)
    return caches[0][0][CELL_CACHE[problem.model].index("parameters")]


def same_parameters(got, want: dict) -> bool:
    """Exactly the case's parameters: same keys, arrays of the same shape and values (bit for bit:
    parameters are handed over, never computed)."""
    if type(got) is not dict or set(got) != set(want):
        return False
    return all(isinstance(got[k], np.ndarray) and got[k].shape == want[k].shape and np.array_equal(got[k], want[k])
               for k in want)


class Questions:
    """What a question about one case may contain: shapes and parameters of that case."""

    def __init__(self, problem: Problem, case: Case):
        self.cell = BY_NAME[problem.black_box]
        self.case = case
        s = case.shape
        self.parameters = case_parameters(problem, case)
        self.shapes = {"xt": (s.n_x, s.m)}  # every other array argument: (n_a, m)
        self.default = (s.n_a, s.m)

    def problem(self, arguments: dict) -> str | None:
        """Why these arguments (by name) are not a question about this case, or None."""
        for name in self.cell.args:
            if name not in arguments:
                return f"no argument `{name}`"
            value = arguments[name]
            if name == "cache":
                p = self._cache(value)
            else:
                p = self._item(name, value)
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
        names = CELL_CACHE[self.cell.model]
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            return f"`cache` must be a tuple of {len(names)} items ({', '.join(names)})"
        for name, item in zip(names, value):
            p = self._item(name, item)
            if p:
                return f"in `cache`: {p}"
        return None


def black_box(problem: Problem, case: Case) -> BlackBox | None:
    if not problem.black_box:
        return None
    return BlackBox(function=problem.black_box, reference=getattr(reference, problem.black_box),
                    check=Questions(problem, case).problem, limit=call_limit(case),
                    limit_words=(f"on one case of T_x = {case.shape.T_x} steps "
                                 f"(a sequence function calls it once per step)"))
