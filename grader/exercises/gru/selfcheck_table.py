"""What the notebook's selfcheck.py knows of the GRU exercise beyond its rubric (grader/exercise/selfcheck.py
writes solutions/gru/selfcheck.py from it and from the functions of rubric.py)."""
from __future__ import annotations

from ...exercise import selfcheck
from .rubric import CELL_CACHE

SELFCHECK = selfcheck.SelfCheck(
    title="the GRU notebook",
    cache_items={"gru_cell_forward": CELL_CACHE},
    step_outputs={"gru_forward": {"yt_pred": "y_pred"}},
    hint_example=("    ✗ a_next, yt_pred, cache: wrong values: largest difference 0.467 (...) [case 1: ...]\n"
                  "    Hint: `a_next` equals (1 - ut) * cct + ut * a_prev: the roles of ut and 1 - ut are swapped ..."),
)
