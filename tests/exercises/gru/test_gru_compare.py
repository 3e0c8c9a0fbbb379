"""Does the GRU compare its outputs with the protocol's wording (grader/exercise/compare.py), the
RNN/LSTM exercise's, down to a value the worker could not send as data?"""
from __future__ import annotations

import numpy as np

from grader import exercise as exercises
from grader.wire import Opaque

GRU = exercises.get("gru")
CELL, SEQUENCE = GRU.by_name["gru_cell_forward"], GRU.by_name["gru_forward"]
ITEMS = "(a_next, a_prev, rt, ut, cct, xt, parameters)"


def test_a_cache_the_worker_could_not_send_is_named_by_its_type():
    """Is a cache that came back as a placeholder (a generator, say) named by its type, not 'an Opaque'?"""
    case = GRU.hidden_cases(CELL, 1)[0]
    assert GRU.output_problem(CELL, "cache", Opaque("generator"), case.expected["cache"]) == \
        f"cache is a generator, expected a tuple {ITEMS}"
    case = GRU.hidden_cases(SEQUENCE, 1)[0]
    assert GRU.output_problem(SEQUENCE, "caches", Opaque("generator"), case.expected["caches"]) == \
        "caches is a generator, expected a tuple (list of the T_x cell caches, x)"
    cells, x = case.expected["caches"]
    assert GRU.output_problem(SEQUENCE, "caches", (Opaque("map"), x), case.expected["caches"]) == \
        "caches[0] is a map, expected a list of the T_x cell caches"


def test_a_wrong_a_next_in_the_cache_costs_once():
    """Is a_next inside the cell's cache checked for form only (its values are a_next's own check)?"""
    case = GRU.hidden_cases(CELL, 1)[0]
    want = case.expected["cache"]
    wrong_values = (want[0] + 1,) + tuple(want[1:])
    assert GRU.output_problem(CELL, "cache", wrong_values, want) is None
    transposed = (np.ascontiguousarray(want[0].T),) + tuple(want[1:])
    if want[0].shape != want[0].T.shape:
        assert GRU.output_problem(CELL, "cache", transposed, want) == \
            f"cache item 0 (a_next) has shape {want[0].T.shape}, expected {want[0].shape}"
