"""The RNN/LSTM exercise's black box: which calls of a cell function a sequence function may make.

While `rnn_forward` (say) runs on one hidden case, every call it makes to
`rnn_cell_forward` is answered by the grader with the reference (grader/blackbox.py),
only when the call is about that case (the protocol's rules, grader/exercise/blackbox.py):

- each array argument has the case's shape: xt (n_x, m), every other state or
  gate (n_a, m); real numbers (bool, int or float);
- the parameters (given directly, or inside a backward cell's cache) equal the
  case's parameters, key for key and value for value;
- at most `call_limit(case)` calls per case: T_x (one per step), twice over,
  plus two.
"""
from __future__ import annotations

from ...exercise import BlackBox
from ...exercise import blackbox as cells
from . import reference
from .problems import BY_NAME, CELL_CACHE, Case, Problem


def call_limit(case: Case) -> int:
    """Black-box calls allowed during one call on this case: 2 T_x + 2 (grader/exercise/blackbox.py)."""
    return cells.call_limit(case.shape.T_x)


def _sizes(case: Case) -> tuple[dict, tuple]:
    """The shapes of the cell's array arguments on this case: xt (n_x, m), every other one (n_a, m)."""
    s = case.shape
    return {"xt": (s.n_x, s.m)}, (s.n_a, s.m)


class Questions(cells.CellQuestions):
    """What a question about one case may contain: shapes and parameters of that case."""

    def __init__(self, problem: Problem, case: Case):
        cell = BY_NAME[problem.black_box]
        shapes, default = _sizes(case)
        super().__init__(cell.args, CELL_CACHE[cell.model],
                         cells.case_parameters(problem, case, CELL_CACHE[problem.model]), shapes, default)


def black_box(problem: Problem, case: Case) -> BlackBox | None:
    if not problem.black_box:
        return None
    shapes, default = _sizes(case)
    cell = BY_NAME[problem.black_box]
    return cells.cell_black_box(problem, case, reference=getattr(reference, problem.black_box),
                                cell_args=cell.args, cache_names=CELL_CACHE[cell.model],
                                shapes=shapes, default=default, steps=case.shape.T_x)
