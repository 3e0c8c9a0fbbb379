"""What the notebook's selfcheck.py knows of the RNN/LSTM exercise beyond its rubric (grader/exercise/selfcheck.py
writes solutions/rnn_lstm/selfcheck.py from it and from the functions of problems.py)."""
from __future__ import annotations

from ...exercise import selfcheck
from .problems import CELL_CACHE

SELFCHECK = selfcheck.SelfCheck(
    title="the RNN/LSTM notebook",
    cache_items={"rnn_cell_forward": CELL_CACHE["rnn"], "lstm_cell_forward": CELL_CACHE["lstm"]},
    step_outputs={"rnn_forward": {"yt_pred": "y_pred"}, "lstm_forward": {"yt_pred": "y"}},
    hint_example=("    ✗ yt_pred: wrong values: largest difference 0.467 (...) [case 1: ...]\n"
                  "    Hint: `a_next` is right but `yt_pred` is not: the prediction seems to use `a_prev`; ..."),
    step_hints={  # the LSTM's memory cell, beside the hints of every cell exercise (xt, a_prev, da_next)
        "c_prev": "it should be zeros at t=0, then the c_next of the previous step",
        "dc_next": "it should be zeros at t=T_x-1, then the dc_prev returned by step t+1",
    },
)
