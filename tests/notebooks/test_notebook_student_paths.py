"""The release, solved as a student would, run in a real kernel in situations a student meets.

* matplotlib missing: only the plot is lost, with a message saying so; every
  other cell runs.
* a forward pass with two gates swapped: the gradient check says the forward
  pass must be fixed first instead of blaming the backward pass, and a wrong
  backward pass (with a right forward pass) is blamed with a pointer to it.
"""
from __future__ import annotations

import nbformat
import pytest

from nbhelpers import (RELEASE_DIR, SOURCE_NB, copy_folder, errors, execute, is_selfcheck_cell, is_solution_cell,
                       solved_source, stream_text)

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

# sys.meta_path hook that makes `import matplotlib` (and its submodules) fail as if it were not installed
BLOCK_MATPLOTLIB = '''
import sys


class _NoMatplotlib:
    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NoMatplotlib())
'''

SWAPPED_GATES = (("    ft = sigmoid(Wf @ u + bf)\n    it = sigmoid(Wi @ u + bi)\n",
                  "    ft = sigmoid(Wi @ u + bi)\n    it = sigmoid(Wf @ u + bf)\n"))
# a wrong backward pass: the bias gradient of one RNN step averaged over the batch instead of summed
MEAN_FOR_SUM = ('        "dba": np.sum(dz, axis=1, keepdims=True),\n', '        "dba": np.mean(dz, axis=1, keepdims=True),\n')


def solved_release(tmp_path, patches: dict | None = None):
    """A copy of the release folder whose notebook has the solutions filled in, with `patches`
    (cell id -> (old, new) text) applied to those cells."""
    folder = copy_folder(RELEASE_DIR, tmp_path / "rnn_lstm")
    path = folder / "rnn_lstm.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    solutions = {c.id: solved_source(c) for c in nbformat.read(str(SOURCE_NB), as_version=4).cells
                 if is_solution_cell(c)}
    for cell in nb.cells:
        if is_solution_cell(cell):
            cell.source = solutions[cell.id] + "\n"
            if cell.id in (patches or {}):
                old, new = patches[cell.id]
                assert old in cell.source, f"patch does not apply to {cell.id}"
                cell.source = cell.source.replace(old, new)
    nbformat.write(nb, str(path))
    return path


def test_notebook_runs_without_matplotlib(tmp_path, monkeypatch):
    """With matplotlib unimportable, does every cell still run, the experiment printing its numbers and why there is no plot?"""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCK_MATPLOTLIB)
    monkeypatch.setenv("PYTHONPATH", str(hook))
    nb = execute(solved_release(tmp_path), allow_errors=True)
    by_id = {cell.id: cell for cell in nb.cells}
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not errors(cell), (cell.id, [(e.ename, e.evalue) for e in errors(cell)])
            assert stream_text(cell, "stderr") == "", (cell.id, stream_text(cell, "stderr"))
        if is_selfcheck_cell(cell):
            assert all(line.startswith("✓ ") for line in stream_text(cell, "stdout").strip().splitlines())
    plot = by_id["vanishing_gradients"]
    out = stream_text(plot, "stdout")
    assert "matplotlib is not installed, so there is no plot" in out, out
    assert "pip install matplotlib" in out
    assert "basic RNN, ρ = 0.9" in out and "99 steps back" in out      # the numbers are still there
    assert not [o for o in plot.outputs if o.output_type == "display_data"]
    assert "basic RNN, ρ = 3" in stream_text(by_id["gradient_reach_settings"], "stdout")


def test_gradient_check_looks_at_the_forward_pass_first(tmp_path):
    """With gates swapped in lstm_cell_forward, is the forward pass named instead of lstm_backward blamed;
    and with a wrong rnn_cell_backward (forward right), is the backward pass named?"""
    path = solved_release(tmp_path, {"lstm_cell_forward": SWAPPED_GATES, "rnn_cell_backward": MEAN_FOR_SUM})
    nb = execute(path, allow_errors=True)
    by_id = {cell.id: cell for cell in nb.cells}
    assert "✗" in stream_text(by_id["lstm_cell_forward_selfcheck"], "stdout")   # the mutation is real

    lstm = stream_text(by_id["gradient_check_lstm"], "stdout").strip().splitlines()
    assert lstm == ["✗ the gradient check of lstm_backward did not run: it needs lstm_cell_forward, which does "
                    "not pass its self-check yet. Fix it first (see the self-check under each exercise), "
                    "then run this cell again."], lstm
    assert not errors(by_id["gradient_check_lstm"])

    rnn = stream_text(by_id["gradient_check_rnn"], "stdout").strip().splitlines()
    assert any(line.startswith("✗ rnn_backward dba  relative error") for line in rnn), rnn
    assert any(line.startswith("✓ rnn_backward dWax") for line in rnn), rnn
    assert rnn[-1].strip() == ("Your rnn_cell_forward and rnn_forward pass their self-checks, so look for the "
                               "mistake in rnn_backward or rnn_cell_backward."), rnn

    for cell_id in ("vanishing_gradients", "gradient_reach_settings"):
        out = stream_text(by_id[cell_id], "stdout")
        assert out.startswith("✗ The experiment did not run: it needs rnn_cell_backward and lstm_cell_forward"), out
        assert not errors(by_id[cell_id])
