"""How the RNN/LSTM exercise compares an output with the reference: arrays within the tolerances
of problems.py, and the cache layouts of interfaces.md with their items named (CELL_CACHE), by
the protocol's comparisons (grader/exercise/compare.py)."""
from __future__ import annotations

import numpy as np

from ...exercise import Tolerance, compare
from .problems import ATOL, CELL_CACHE, RTOL, Problem

TOLERANCE = Tolerance(rtol=RTOL, atol=ATOL)


def output_problem(problem: Problem, key: str, got, want) -> str | None:
    if key == problem.cache_output:
        # items that are also graded outputs (a_next, c_next) are checked for form only there
        return compare.cell_cache_problem(problem, got, want, CELL_CACHE[problem.model], problem.sequence, TOLERANCE)
    return compare.value_problem(got, want, key, TOLERANCE)


def output_wrong(problem: Problem, key: str, got, want) -> bool:
    """bool(output_problem(problem, key, got, want)), arrays without building the message."""
    if key == problem.cache_output or not isinstance(want, np.ndarray):
        return bool(output_problem(problem, key, got, want))
    return compare.array_wrong(got, want, RTOL, ATOL)
