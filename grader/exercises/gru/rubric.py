"""The GRU exercise's rubric: the one place its points are written.

function -> {output (forward: a returned item; backward: a gradient key) -> points},
in the order the notebook presents the functions. 50 points in all. The
teaching notebook's graded cells and its grading summary must say the same
(tests/exercises/gru/test_gru_rubric.py checks the notebook against this dict).
"""
RUBRIC: dict[str, dict[str, float]] = {
    "gru_cell_forward": {"a_next": 4, "yt_pred": 3, "cache": 3},
    "gru_forward": {"a": 4, "y_pred": 3, "caches": 3},
    "gru_cell_backward": {"dxt": 2, "da_prev": 3, "dWr": 2, "dbr": 1, "dWu": 2, "dbu": 1, "dWc": 3, "dbc": 1},
    "gru_backward": {"dx": 3, "da0": 3, "dWr": 2, "dbr": 1, "dWu": 2, "dbu": 1, "dWc": 2, "dbc": 1},
}

# The arguments of each graded function, in order (the interface of issue 14).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "gru_cell_forward": ("xt", "a_prev", "parameters"),
    "gru_forward": ("x", "a0", "parameters"),
    "gru_cell_backward": ("da_next", "cache"),
    "gru_backward": ("da", "caches"),
}

# What a cell's cache holds, in order; a sequence's cache is (list of the T_x cell caches, x).
CELL_CACHE = ("a_next", "a_prev", "rt", "ut", "cct", "xt", "parameters")
PARAMETERS = ("Wr", "br", "Wu", "bu", "Wc", "bc", "Wy", "by")


def points(function: str) -> float:
    """The points of one graded function (the sum of its outputs' points)."""
    return float(sum(RUBRIC[function].values()))


TOTAL_POINTS = sum(points(f) for f in RUBRIC)
