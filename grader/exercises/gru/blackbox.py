"""The GRU exercise's black box: which calls of a cell function a sequence function may make.

While `gru_forward` (or `gru_backward`) runs on one hidden case, every call it
makes to `gru_cell_forward` (or `gru_cell_backward`) is answered by the
grader with the reference, only when the call is about that case (the
protocol's rules, grader/exercise/blackbox.py, as the RNN/LSTM exercise's):

- each array argument has the case's shape: xt (n_x, m), every other state,
  gate or gradient (n_a, m);
- the parameters (given directly, or inside a backward cell's cache) equal the
  case's parameters, key for key and value for value, bit for bit;
- at most 2 T_x + 2 calls per case: T_x (one per step), twice over, plus two.
"""
from __future__ import annotations

from ...exercise import BlackBox
from ...exercise import blackbox as cells
from . import reference
from .rubric import ARGUMENTS, CELL_CACHE


def black_box(problem, case) -> BlackBox | None:
    if not problem.black_box:
        return None
    s = case.shape
    return cells.cell_black_box(problem, case, reference=getattr(reference, problem.black_box),
                                cell_args=ARGUMENTS[problem.black_box], cache_names=CELL_CACHE,
                                shapes={"xt": (s.n_x, s.m)}, default=(s.n_a, s.m), steps=s.T_x)
