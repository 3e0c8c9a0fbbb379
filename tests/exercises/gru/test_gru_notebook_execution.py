"""Does the GRU notebook run in a real Jupyter kernel, and do its checks tell right from wrong?

The hidden-test cells are left out here (they need the grader in the kernel;
test_gru_nbgrader_roundtrip.py runs them through `nbgrader autograde`).
Everything else runs as a student runs it, in a copy of solutions/gru/:
with the solutions every self-check and gradient check prints only ✓ lines
and the experiment runs; with wrong implementations (known slips written
into the solution regions) the self-checks print ✗ and the catalogue's hint,
the gradient checks blame the backward pass, and the closing cells say what
they need; with the stubs of a release every self-check says "not
implemented".
"""
from __future__ import annotations

import re
import shutil
import time

import nbformat
import pytest

from grader.exercises.gru.mistakes import for_function
from grader.exercises.gru.rubric import RUBRIC
from gru_nbhelpers import IGNORE, SOURCE_DIR, SOURCE_NB, errors, execute, is_selfcheck_cell, is_test_cell, stream_text

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

CLOSING = ("gradient_check_gru_cell", "gradient_check_gru", "gradient_flow", "gradient_flow_settings")

# One known slip per function, as a student would type it (old line -> new line in the solution region).
SLIPS = {
    "gru_cell_forward": (
        '    cct = np.tanh(parameters["Wc"] @ np.concatenate([rt * a_prev, xt], axis=0) + parameters["bc"])',
        '    n_a = a_prev.shape[0]\n    Wc = parameters["Wc"]\n'
        '    cct = np.tanh(rt * (Wc[:, :n_a] @ a_prev) + Wc[:, n_a:] @ xt + parameters["bc"])'),
    "gru_forward": (
        "        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)",
        "        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a0, parameters)"),
    "gru_cell_backward": (
        '        "da_prev": da_next * (1 - ut) + ds * rt + Wr[:, :n_a].T @ dz_r + Wu[:, :n_a].T @ dz_u,',
        '        "da_prev": ds * rt + Wr[:, :n_a].T @ dz_r + Wu[:, :n_a].T @ dz_u,'),
    "gru_backward": (
        "            gradients[key] = gradients[key] + grads[key]",
        "            gradients[key] = grads[key]"),
}
HINTS = {"gru_cell_forward": "reset-gate-after-product", "gru_cell_backward": "direct-term-missing",
         "gru_backward": "gradients-overwritten"}


def prepared(tmp_path, edit=None):
    """A copy of solutions/gru/ and the notebook without its hidden-test cells, solution cells edited by `edit`."""
    folder = tmp_path / "gru"
    shutil.copytree(SOURCE_DIR, folder, ignore=IGNORE)
    nb = nbformat.read(str(SOURCE_NB), as_version=4)
    nb.cells = [c for c in nb.cells if not is_test_cell(c)]
    for cell in nb.cells:
        if edit and cell.get("id") in RUBRIC:
            cell.source = edit(cell.id, cell.source)
    return nb, folder


def outputs(nb) -> dict:
    by_id = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not errors(cell), f"cell {cell.id} raised: {errors(cell)}"
            by_id[cell.id] = stream_text(cell, "stdout")
    return by_id


def slipped(functions):
    def edit(name, source):
        if name not in functions:
            return source
        old, new = SLIPS[name]
        assert source.count(old) == 1, name
        return source.replace(old, new)
    return edit


def test_solution_notebook_runs_clean(tmp_path):
    """With the solutions: no errors, nothing on stderr, only ✓ from every check, the experiment's plot, under 60 s?"""
    nb, folder = prepared(tmp_path)
    start = time.perf_counter()
    execute(nb, folder)
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"the notebook took {elapsed:.1f} s"
    out = outputs(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert stream_text(cell, "stderr") == "", (cell.id, stream_text(cell, "stderr"))
    selfchecks = [c.id for c in nb.cells if is_selfcheck_cell(c)]
    assert selfchecks == [f"{fn}_selfcheck" for fn in RUBRIC]
    for cell_id in selfchecks + ["gradient_check_gru_cell", "gradient_check_gru"]:
        lines = out[cell_id].strip().splitlines()
        assert lines and all(line.startswith("✓ ") for line in lines), (cell_id, lines)
    assert len(out["gradient_check_gru_cell"].splitlines()) == 8 and len(out["gradient_check_gru"].splitlines()) == 8
    flow = next(c for c in nb.cells if c.get("id") == "gradient_flow")
    assert any(o.output_type == "display_data" for o in flow.outputs)
    for cell_id in ("gradient_flow", "gradient_flow_settings"):
        assert out[cell_id] and "✗" not in out[cell_id], out[cell_id]


def test_wrong_implementations_are_named(tmp_path):
    """With one known slip in each function: ✗ from each self-check, with the catalogue's hint, and the closing cells wait?"""
    nb, folder = prepared(tmp_path, slipped(set(SLIPS)))
    out = outputs(execute(nb, folder))
    for fn in RUBRIC:
        text = out[f"{fn}_selfcheck"]
        assert "✗" in text, (fn, text)
        if fn in HINTS:
            hint = next(m.hint for m in for_function(fn) if m.name == HINTS[fn])
            assert f"Hint: {hint}" in text, (fn, text)
    assert "called gru_cell_forward with the wrong a_prev at step t=1" in out["gru_forward_selfcheck"]
    for cell_id in CLOSING:
        assert out[cell_id].startswith("✗ ") and "did not run: it needs" in out[cell_id], (cell_id, out[cell_id])


def test_gradient_checks_blame_a_wrong_backward_pass(tmp_path):
    """With right forward passes and a wrong gru_cell_backward: do both gradient checks print ✗ and point at it?"""
    nb, folder = prepared(tmp_path, slipped({"gru_cell_backward"}))
    out = outputs(execute(nb, folder))
    assert all(line.startswith("✓ ") for line in out["gru_cell_forward_selfcheck"].strip().splitlines())
    cell_check = out["gradient_check_gru_cell"]
    assert re.search(r"^✗ gru_cell_backward da_prev", cell_check, re.MULTILINE), cell_check
    assert re.search(r"^✓ gru_cell_backward dWr", cell_check, re.MULTILINE), cell_check
    assert "look for the mistake in gru_cell_backward" in cell_check
    sequence_check = out["gradient_check_gru"]
    assert re.search(r"^✗ gru_backward dx", sequence_check, re.MULTILINE), sequence_check
    assert "look for the mistake in gru_backward or gru_cell_backward" in sequence_check
    assert "did not run: it needs gru_cell_backward" in out["gradient_flow"]


def test_stubs_say_not_implemented(tmp_path):
    """With the stubs a release has (raise NotImplementedError): does every self-check say so, and nothing crash?"""
    def stub(name, source):
        body = re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "raise NotImplementedError()", source, flags=re.S)
        return body
    nb, folder = prepared(tmp_path, stub)
    out = outputs(execute(nb, folder))
    for fn in RUBRIC:
        assert out[f"{fn}_selfcheck"].strip() == f"✗ {fn}: not implemented yet (it raises NotImplementedError)"
    for cell_id in CLOSING:
        assert out[cell_id].startswith("✗ ") and "did not run: it needs gru_cell_forward" in out[cell_id], cell_id
