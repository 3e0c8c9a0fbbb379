"""How the RNN/LSTM exercise compares an output with the reference: arrays within
the tolerances of problems.py, and the cache layouts of interfaces.md."""
from __future__ import annotations

import numpy as np

from ...checks import array_problem as _array_problem
from ...checks import array_wrong as _array_wrong
from ...checks import describe_type
from ...checks import structure_problem as _structure_problem
from .problems import ATOL, CELL_CACHE, RTOL, Problem


def array_problem(got, want):
    return _array_problem(got, want, RTOL, ATOL)


def structure_problem(got, want, where):
    return _structure_problem(got, want, where, RTOL, ATOL)


def cache_problem(problem: Problem, got, want) -> str | None:
    """The cache layout of interfaces.md, with the items named. Items that are also
    graded outputs (a_next, c_next) are checked for form only: a wrong a_next
    loses its points once, under a_next."""
    names = CELL_CACHE[problem.model]

    def cell(g, w, where):
        if not isinstance(g, (tuple, list)):
            return f"{where} is {describe_type(g)}, expected a tuple ({', '.join(names)})"
        if len(g) != len(names):
            return f"{where} has {len(g)} items, expected {len(names)} ({', '.join(names)})"
        for i, name in enumerate(names):
            if name in problem.weights and isinstance(w[i], np.ndarray):
                # graded on its own: here only its form counts, so one mistake costs once
                if not isinstance(g[i], np.ndarray) or g[i].shape != w[i].shape:
                    p = f"{where} item {i} ({name}) " + (array_problem(g[i], w[i]) or "")
                    return p.strip()
                continue
            p = structure_problem(g[i], w[i], f"{where} item {i} ({name})")
            if p:
                return p
        return None

    if not problem.sequence:
        return cell(got, want, "cache")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        what = f"{len(got)} items" if isinstance(got, (tuple, list)) else describe_type(got)
        return f"caches is {what}, expected a tuple (list of the T_x cell caches, x)"
    cells, x = got
    if not isinstance(cells, (tuple, list)):
        return f"caches[0] is {describe_type(cells)}, expected a list of the T_x cell caches"
    if len(cells) != len(want[0]):
        return f"caches[0] holds {len(cells)} cell caches, expected T_x = {len(want[0])}"
    for t, (g, w) in enumerate(zip(cells, want[0])):
        p = cell(g, w, f"caches[0][{t}]")
        if p:
            return p
    p = structure_problem(x, want[1], "caches[1] (x)")
    return p


def output_problem(problem: Problem, key: str, got, want) -> str | None:
    if key == problem.cache_output:
        return cache_problem(problem, got, want)
    return array_problem(got, want)


def output_wrong(problem: Problem, key: str, got, want) -> bool:
    """bool(output_problem(problem, key, got, want)), arrays without building the message."""
    if key == problem.cache_output:
        return bool(cache_problem(problem, got, want))
    return _array_wrong(got, want, RTOL, ATOL)
