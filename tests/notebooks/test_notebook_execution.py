"""The notebooks run in a real kernel: the solution top to bottom, the release's self-checks on stubs."""
from __future__ import annotations

import time

import pytest

from grader.exercises.rnn_lstm.problems import DISPLAY_ORDER
from nbhelpers import (RELEASE_DIR, SOURCE_DIR, copy_folder, errors, execute, is_selfcheck_cell, is_test_cell,
                       stream_text)

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def test_solution_notebook_runs_clean(tmp_path):
    """Does the instructor notebook run top to bottom, every check passing, nothing on stderr?"""
    folder = copy_folder(SOURCE_DIR, tmp_path / "rnn_lstm")
    start = time.perf_counter()
    nb = execute(folder / "rnn_lstm.ipynb")
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"the notebook took {elapsed:.1f} s"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not errors(cell), f"cell {cell.id} raised"
        assert stream_text(cell, "stderr") == "", f"cell {cell.id} wrote to stderr: {stream_text(cell, 'stderr')}"
        if is_selfcheck_cell(cell):
            lines = stream_text(cell, "stdout").strip().splitlines()
            assert lines and all(line.startswith("✓ ") for line in lines), (cell.id, lines)
        if is_test_cell(cell):  # the hidden part scores the solution: full points, as the cell's result
            points = cell.metadata["nbgrader"]["points"]
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert len(results) == 1 and float(results[0].data["text/plain"]) == points, cell.id
    by_id = {cell.id: cell for cell in nb.cells}
    for check_cell in ("gradient_check_rnn", "gradient_check_lstm"):
        lines = stream_text(by_id[check_cell], "stdout").strip().splitlines()
        assert lines and all(line.startswith("✓") for line in lines), lines
    assert any(o.output_type == "display_data" for o in by_id["vanishing_gradients"].outputs)
    for cell_id in ("vanishing_gradients", "gradient_reach_settings"):
        assert "✗" not in stream_text(by_id[cell_id], "stdout"), stream_text(by_id[cell_id], "stdout")


def test_release_self_checks_say_not_implemented(tmp_path):
    """With the stubs, does every self-check report 'not implemented' instead of crashing?"""
    folder = copy_folder(RELEASE_DIR, tmp_path / "rnn_lstm")
    nb = execute(folder / "rnn_lstm.ipynb", allow_errors=True)
    closing = {"gradient_check_rnn", "gradient_check_lstm", "vanishing_gradients", "gradient_reach_settings"}
    seen = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_selfcheck_cell(cell):
            name = cell.id[: -len("_selfcheck")]
            seen.append(name)
            assert not errors(cell), f"self-check of {name} crashed"
            assert stream_text(cell, "stdout").strip() == (
                f"✗ {name}: not implemented yet (it raises NotImplementedError)")
        elif is_test_cell(cell):  # in the release only its comment: it runs when the work is graded
            assert not errors(cell) and not cell.outputs, cell.id
        elif cell.id in closing:
            # they run only on functions that pass their self-checks, and say which do not
            assert not errors(cell), f"cell {cell.id} raised in the release"
            out = stream_text(cell, "stdout")
            assert out.startswith("✗ ") and "did not run: it needs" in out and "_cell_forward" in out, (cell.id, out)
        else:
            assert not errors(cell), f"cell {cell.id} raised in the release"
    assert seen == list(DISPLAY_ORDER)
