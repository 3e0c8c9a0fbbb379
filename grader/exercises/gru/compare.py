"""How the GRU exercise compares an output with the reference: arrays within its tolerance, and
the cache layouts of docs/interfaces.md with their items named (rubric.CELL_CACHE), by the
protocol's comparisons (grader/exercise/compare.py), as the RNN/LSTM exercise's."""
from __future__ import annotations

from ...exercise import compare
from .rubric import CELL_CACHE


def _tolerance():
    """grader/exercises/gru/__init__.py's tolerance (imported lazily there: one number, one place)."""
    from . import EXERCISE

    return EXERCISE.tolerance


def output_problem(problem, key: str, got, want) -> str | None:
    if key == problem.cache_output:
        # an item that is also a graded output (a cell's a_next) is checked for form only there
        return compare.cell_cache_problem(problem, got, want, CELL_CACHE, key == "caches", _tolerance())
    return compare.value_problem(got, want, key, _tolerance())
