"""Is the GRU notebook a well-formed nbgrader source whose points are the rubric's?

Checked on the .ipynb itself (the file an instructor edits): every graded
function of grader/exercises/gru/rubric.py has its three cells in order
(solution, self-check, hidden test) with the rubric's points, the grading
summary and the "Graded (...)" notes quote the rubric, solution regions are
marked and carry a "≈ N lines" hint within 2 of the solution's non-blank
lines, the diagram exists, public_cases.npz is what its script makes, and
baselines.py (the RNN/LSTM the experiment compares with) agrees with the
grader's RNN/LSTM reference (assert_allclose rtol=1e-12, atol=1e-12).
"""
from __future__ import annotations

import importlib.util
import re
import sys

import nbformat
import numpy as np
import pytest
from numpy.testing import assert_allclose

from grader.exercises.gru.rubric import RUBRIC, TOTAL_POINTS, points
from gru_nbhelpers import ROOT, SOURCE_DIR, SOURCE_NB, cells, is_test_cell, nbgrader_meta, solution_code


def summary(fn: str) -> str:
    return ", ".join(f"`{k}` {v:g}" for k, v in RUBRIC[fn].items())


def test_notebook_is_valid_nbformat_with_unique_ids():
    """Does the notebook validate, with a unique id for every cell?"""
    nb = nbformat.read(str(SOURCE_NB), as_version=4)
    nbformat.validate(nb)
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(ids) == len(set(ids))


def test_graded_functions_have_their_three_cells_with_the_rubric_s_points():
    """Solution, self-check and hidden-test cell for each rubric function, in order, with its points?"""
    all_cells = cells()
    ids = [c.get("id") for c in all_cells]
    graded = [c for c in all_cells if is_test_cell(c)]
    assert [c.id for c in graded] == [f"test_{fn}" for fn in RUBRIC]
    for fn in RUBRIC:
        i = ids.index(fn)
        solution, selfcheck = all_cells[i], all_cells[i + 1]
        test = all_cells[ids.index(f"test_{fn}")]
        assert nbgrader_meta(solution) == dict(grade=False, grade_id=fn, locked=False, schema_version=3, solution=True)
        assert f"def {fn}(" in solution.source
        assert selfcheck.id == f"{fn}_selfcheck" and selfcheck.source == f'check("{fn}", {fn})'
        assert nbgrader_meta(selfcheck)["locked"] and not nbgrader_meta(selfcheck)["grade"]
        assert ids.index(f"test_{fn}") == i + 3                    # after the "Graded (...)" note
        assert nbgrader_meta(test)["points"] == points(fn)
        assert "### BEGIN HIDDEN TESTS" in test.source and "### END HIDDEN TESTS" in test.source
        assert f'_score("{fn}", {fn}, points={points(fn):g})' in test.source
        note = all_cells[i + 2]
        assert note.cell_type == "markdown" and f"*Graded ({points(fn):g} points: {summary(fn)})" in note.source


def test_grading_summary_quotes_the_rubric():
    """Does the introduction give the total and every function's split exactly as rubric.py has them?"""
    intro = cells()[0].source
    assert f"{TOTAL_POINTS:g} points in all" in intro
    for fn in RUBRIC:
        assert f"* `{fn}`: {summary(fn)}" in intro
        assert f"`{fn}` ({points(fn):g} points)" in intro


@pytest.mark.parametrize("fn", list(RUBRIC))
def test_solution_region_and_line_hint(fn):
    """Is the solution marked, and does its '≈ N lines' hint match the solution within 2 lines?"""
    cell = next(c for c in cells() if c.get("id") == fn)
    assert cell.source.count("### BEGIN SOLUTION") == 1 and cell.source.count("### END SOLUTION") == 1
    hint = int(re.search(r"# ≈ (\d+) lines in our solution", cell.source).group(1))
    lines = [t for t in solution_code(cell).splitlines() if t.strip()]
    assert abs(len(lines) - hint) <= 2, (hint, len(lines))


def test_diagram_and_helpers_are_beside_the_notebook():
    """Does the notebook show its own diagram and import only files that sit beside it?"""
    text = "\n".join(c.source for c in cells())
    assert "](images/gru_cell.png)" in text and (SOURCE_DIR / "images" / "gru_cell.png").is_file()
    for module in ("gru_utils", "selfcheck", "baselines"):
        assert f"from {module} import" in text and (SOURCE_DIR / f"{module}.py").is_file()


# As tests/notebooks/test_release_generation.py: the last bit of a matrix product depends on the
# CPU and BLAS build, so floats are compared at rtol 1e-12, atol 1e-13 (10^6 times tighter than
# the grader's tolerance); everything else (shapes, hints, penalties' text) exactly.
RTOL, ATOL = 1e-12, 1e-13


def test_public_cases_file_is_what_its_script_makes():
    """Is solutions/gru/public_cases.npz what scripts/make_gru_public_cases.py builds now (floats within
    rtol 1e-12, atol 1e-13 whatever the CPU; everything else exactly)?"""
    spec = importlib.util.spec_from_file_location("make_gru_public_cases", ROOT / "scripts" / "make_gru_public_cases.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.build()
    with np.load(SOURCE_DIR / "public_cases.npz", allow_pickle=False) as stored:
        assert sorted(stored.files) == sorted(built)
        for key, value in built.items():
            assert stored[key].dtype == value.dtype and stored[key].shape == value.shape, key
            if np.issubdtype(value.dtype, np.floating):
                assert_allclose(stored[key], value, rtol=RTOL, atol=ATOL, err_msg=key)
            else:
                assert np.array_equal(stored[key], value), key


def test_baselines_agree_with_the_grader_s_rnn_and_lstm():
    """Does baselines.py give the hidden states and gradients of the RNN/LSTM exercise's reference RNN and LSTM?"""
    from grader.exercises.rnn_lstm import reference

    sys.path.insert(0, str(SOURCE_DIR))
    try:
        import baselines
    finally:
        sys.path.remove(str(SOURCE_DIR))
    rng = np.random.default_rng(7)
    n_x, n_a, n_y, m, T_x = 3, 5, 2, 4, 6
    x, a0, da = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m, T_x))
    rnn = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)) / 2,
           "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)), "by": rng.standard_normal((n_y, 1))}
    lstm = {"Wy": rng.standard_normal((n_y, n_a)), "by": rng.standard_normal((n_y, 1))}
    for g in "fico":
        lstm["W" + g] = rng.standard_normal((n_a, n_a + n_x))
        lstm["b" + g] = rng.standard_normal((n_a, 1))
    tol = dict(rtol=1e-12, atol=1e-12)
    a, caches = baselines.rnn_forward(x, a0, rnn)
    want_a, _, want_caches = reference.rnn_forward(x, a0, rnn)
    assert_allclose(a, want_a, **tol)
    got, want = baselines.rnn_backward(da, caches), reference.rnn_backward(da, want_caches)
    assert set(got) == set(want)
    for k in want:
        assert_allclose(got[k], want[k], **tol, err_msg=k)
    a, caches = baselines.lstm_forward(x, a0, lstm)
    want_a, _, _, want_caches = reference.lstm_forward(x, a0, lstm)
    assert_allclose(a, want_a, **tol)
    for got_cell, want_cell in zip(caches[0], want_caches[0]):
        for g, w in zip(got_cell[:9], want_cell[:9]):
            assert_allclose(g, w, **tol)
    got, want = baselines.lstm_backward(da, caches), reference.lstm_backward(da, want_caches)
    assert set(got) == set(want)
    for k in want:
        assert_allclose(got[k], want[k], **tol, err_msg=k)
