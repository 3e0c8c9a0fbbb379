"""What the notebook's selfcheck.py knows of the GRU exercise beyond its rubric (grader/exercise/selfcheck.py
writes solutions/gru/selfcheck.py from it and from the functions of rubric.py)."""
from __future__ import annotations

from ...exercise import selfcheck
from .rubric import CELL_CACHE

SELFCHECK = selfcheck.SelfCheck(
    title="the GRU notebook",
    cache_items={"gru_cell_forward": CELL_CACHE},
    step_outputs={"gru_forward": {"yt_pred": "y_pred"}},
    step_hints={
        "xt": "it should be x[:, :, t]",
        "a_prev": "it should be a0 at t=0, then the a_next of the previous step",
        "da_next": "it should be da[:, :, t] plus the da_prev returned by step t+1",
    },
    sizes=("n_x", "n_a", "n_y", "m", "T_x"),
    example=("    ✓ a_next: correct on all 2 cases\n"
             "    ✗ yt_pred: wrong values: largest difference 0.31 (tolerance: rtol=1e-05, atol=1e-07) "
             "[case 1: n_x=3, n_a=5, n_y=2, m=4]"),
    hint_example=("    ✗ a_next, yt_pred, cache: wrong values: largest difference 0.467 (...) [case 1: ...]\n"
                  "    Hint: `a_next` equals (1 - ut) * cct + ut * a_prev: the roles of ut and 1 - ut are swapped ..."),
)
