"""Black boxes for exercises built of a cell function and a sequence function that loops over it.

While a sequence function runs on one hidden case, each call it makes to its cell
function is answered by the grader with the reference cell (grader/blackbox.py
answers; this module, the protocol's side, says which calls to answer), only
when the call is about that case:

- each array argument is a numpy array of real numbers (bool, int or float) of the
  case's shape (`shapes` by argument name, `default` for every other one);
- `parameters` (given directly, or as an item of the cache a backward cell is handed)
  equal the case's parameters: the same keys, arrays of the same shapes and values,
  bit for bit (parameters are handed over, never computed);
- at most `call_limit(steps)` calls per case.

An exercise gives its names and sizes (`cell_black_box`); the rules are these.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from . import BlackBox


def call_limit(steps: int) -> int:
    """Black-box calls allowed during one call on a case of `steps` time steps: 2 steps + 2. A
    sequence function calls its cell once per step; twice per step (one call per output taken) and
    one call before the loop (to learn a shape) are honest patterns too, and cost nothing: every
    question is about this case anyway."""
    return 2 * steps + 2


def same_parameters(got, want: dict) -> bool:
    """Exactly the case's parameters: a dict of the same keys, arrays of the same shapes and values."""
    if type(got) is not dict or set(got) != set(want):
        return False
    return all(isinstance(got[k], np.ndarray) and got[k].shape == want[k].shape and np.array_equal(got[k], want[k])
               for k in want)


def case_parameters(problem, case, cache_names: Sequence[str]) -> dict:
    """The parameters dict of a sequence function's case: its argument `parameters`, or else the
    `parameters` item of the first cell cache in its argument `caches` (list of the cell caches, x)."""
    if "parameters" in problem.args:
        return case.args[problem.args.index("parameters")]
    caches = case.args[problem.args.index("caches")]
    return caches[0][0][list(cache_names).index("parameters")]


class CellQuestions:
    """What a question about one case may contain: the shapes and the parameters of that case."""

    def __init__(self, cell_args: Sequence[str], cache_names: Sequence[str], parameters: dict,
                 shapes: Mapping[str, tuple], default: tuple):
        self.cell_args = tuple(cell_args)
        self.cache_names = tuple(cache_names)
        self.parameters = parameters
        self.shapes = dict(shapes)  # argument name -> its shape on this case
        self.default = default  # the shape of every other array argument

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
        names = self.cache_names
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            return f"`cache` must be a tuple of {len(names)} items ({', '.join(names)})"
        for name, item in zip(names, value):
            p = self._item(name, item)
            if p:
                return f"in `cache`: {p}"
        return None


def cell_black_box(problem, case, *, reference: Callable, cell_args: Sequence[str], cache_names: Sequence[str],
                   shapes: Mapping[str, tuple], default: tuple, steps: int) -> BlackBox | None:
    """The black box of `problem` (a sequence function) on `case`: calls of its cell function
    (`problem.black_box`, whose arguments are `cell_args` and whose cache holds `cache_names`) are
    answered with `reference` when every array argument has its shape on this case (`shapes`, else
    `default`) and the parameters are the case's, at most `call_limit(steps)` times. None for a
    function without a black box."""
    if not problem.black_box:
        return None
    questions = CellQuestions(cell_args, cache_names, case_parameters(problem, case, cache_names), shapes, default)
    return BlackBox(function=problem.black_box, reference=reference, check=questions.problem,
                    limit=call_limit(steps),
                    limit_words=(f"on one case of T_x = {steps} steps "
                                 f"(a sequence function calls it once per step)"))
