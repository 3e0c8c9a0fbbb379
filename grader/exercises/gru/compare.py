"""How the GRU exercise compares an output with the reference: arrays within its tolerance, and
the cache layouts of docs/interfaces.md with their items named (the RNN/LSTM exercise's rules)."""
from __future__ import annotations

import numpy as np

from ...exercise import Tolerance, value_problem
from .rubric import CELL_CACHE

# grader/exercises/gru/__init__.py's tolerance (imported lazily there: one number, one place)


def _tolerance() -> Tolerance:
    from . import EXERCISE

    return EXERCISE.tolerance


def _type(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return "a numpy array"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def leaf_problem(got, want, where: str) -> str | None:
    """What is wrong with one value (any nesting), its place named."""
    problem = value_problem(got, want, where, _tolerance())
    if problem and isinstance(want, np.ndarray):
        return f"{where} {problem}"
    return problem


def cache_problem(problem, got, want) -> str | None:
    """The cache layout, with the items named. An item that is also a graded output (a cell's
    a_next) is checked for form only: a wrong a_next loses its points once, under a_next."""
    names = CELL_CACHE
    sequence = problem.cache_output == "caches"

    def cell(g, w, where):
        if not isinstance(g, (tuple, list)):
            return f"{where} is {_type(g)}, expected a tuple ({', '.join(names)})"
        if len(g) != len(names):
            return f"{where} has {len(g)} items, expected {len(names)} ({', '.join(names)})"
        for i, name in enumerate(names):
            if name in problem.weights and isinstance(w[i], np.ndarray):
                if not isinstance(g[i], np.ndarray) or g[i].shape != w[i].shape:
                    return leaf_problem(g[i], w[i], f"{where} item {i} ({name})")
                continue
            p = leaf_problem(g[i], w[i], f"{where} item {i} ({name})")
            if p:
                return p
        return None

    if not sequence:
        return cell(got, want, "cache")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        what = f"{len(got)} items" if isinstance(got, (tuple, list)) else _type(got)
        return f"caches is {what}, expected a tuple (list of the T_x cell caches, x)"
    cells, x = got
    if not isinstance(cells, (tuple, list)):
        return f"caches[0] is {_type(cells)}, expected a list of the T_x cell caches"
    if len(cells) != len(want[0]):
        return f"caches[0] holds {len(cells)} cell caches, expected T_x = {len(want[0])}"
    for t, (g, w) in enumerate(zip(cells, want[0])):
        p = cell(g, w, f"caches[0][{t}]")
        if p:
            return p
    return leaf_problem(x, want[1], "caches[1] (x)")


def output_problem(problem, key: str, got, want) -> str | None:
    if key == problem.cache_output:
        return cache_problem(problem, got, want)
    return value_problem(got, want, key, _tolerance())
