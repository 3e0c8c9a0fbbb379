"""GRU mutants as patches: fixtures/correct.py plus one edit, generated, never committed whole.

A patch is a list of (old, new) text replacements, each `old` occurring exactly
once in correct.py (tests/fixtures/submissions/patches.py's style).
`CATALOGUE_PATCHES` holds, for every mistake of the GRU's catalogue
(grader/exercises/gru/mistakes.py), the edit a student makes;
test_gru_grading.py grades each patched file and checks it loses exactly that
mistake's outputs and gets its hint.
"""
from __future__ import annotations

from pathlib import Path

CORRECT = Path(__file__).resolve().parent / "fixtures" / "correct.py"


def mutant_source(edits, base: str | None = None) -> str:
    """correct.py (or `base`) with the (old, new) replacements applied, each exactly once."""
    source = CORRECT.read_text() if base is None else base
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"patch does not apply: {old!r} occurs {count} times")
        source = source.replace(old, new)
    return source


_ROW = "concat = np.concatenate((a_prev, xt), axis=0)\n    rt = sigmoid"
_CAND = "concat_r = np.concatenate((rt * a_prev, xt), axis=0)\n    cct"
_GATES = "rt = sigmoid(np.dot(Wr, concat) + br)\n    ut = sigmoid(np.dot(Wu, concat) + bu)"
_Y = "yt_pred = softmax(np.dot(Wy, a_next) + by)"
_DA_PREV = "da_prev = da_next * (1 - ut) + ds * rt + np.dot(Wr[:, :n_a].T, drt) + np.dot(Wu[:, :n_a].T, dut)"
_DXT = "dxt = np.dot(Wr[:, n_a:].T, drt) + np.dot(Wu[:, n_a:].T, dut) + np.dot(Wc[:, n_a:].T, dcct)"
_STEP = "gru_cell_backward(da[:, :, t] + da_prevt, caches[t])"
_KEYS = (("Wr", "drt", "concat"), ("Wu", "dut", "concat"), ("Wc", "dcct", "concat_r"))

CATALOGUE_PATCHES: dict[str, list[tuple[str, str]]] = {
    # gru_cell_forward
    "gru_cell_forward__reset-gate-after-product": [
        ("cct = np.tanh(np.dot(Wc, concat_r) + bc)",
         "n_a = a_prev.shape[0]\n    cct = np.tanh(rt * np.dot(Wc[:, :n_a], a_prev) + np.dot(Wc[:, n_a:], xt) + bc)")],
    "gru_cell_forward__update-roles-swapped": [
        ("a_next = ut * cct + (1 - ut) * a_prev", "a_next = (1 - ut) * cct + ut * a_prev")],
    "gru_cell_forward__concat-order-swapped": [
        (_ROW, _ROW.replace("(a_prev, xt)", "(xt, a_prev)")),
        (_CAND, _CAND.replace("(rt * a_prev, xt)", "(xt, rt * a_prev)"))],
    "gru_cell_forward__candidate-without-reset-gate": [
        (_CAND, _CAND.replace("rt * a_prev", "a_prev"))],
    "gru_cell_forward__gate-weights-swapped": [
        (_GATES, "rt = sigmoid(np.dot(Wu, concat) + bu)\n    ut = sigmoid(np.dot(Wr, concat) + br)")],
    "gru_cell_forward__sigmoid-for-tanh-in-candidate": [
        ("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = sigmoid(np.dot(Wc, concat_r) + bc)")],
    "gru_cell_forward__softmax-over-batch-axis": [
        (_Y, "z = np.dot(Wy, a_next) + by\n    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)")],
    "gru_cell_forward__yt-pred-from-a-prev": [(_Y, _Y.replace("a_next", "a_prev"))],
    "gru_cell_forward__yt-pred-from-candidate": [(_Y, _Y.replace("a_next", "cct"))],
    "gru_cell_forward__cache-gates-swapped": [
        ("cache = (a_next, a_prev, rt, ut, cct, xt, parameters)", "cache = (a_next, a_prev, ut, rt, cct, xt, parameters)")],
    # gru_cell_backward
    "gru_cell_backward__dwc-from-concat": [("dWc = np.dot(dcct, concat_r.T)", "dWc = np.dot(dcct, concat.T)")],
    "gru_cell_backward__direct-term-missing": [(_DA_PREV, _DA_PREV.replace("da_next * (1 - ut) + ", ""))],
    "gru_cell_backward__candidate-path-missing-in-da-prev": [(_DA_PREV, _DA_PREV.replace(" + ds * rt", ""))],
    "gru_cell_backward__update-gradient-without-a-prev": [
        ("dut = da_next * (cct - a_prev) * ut", "dut = da_next * cct * ut")],
    "gru_cell_backward__reset-gradient-without-a-prev": [
        ("drt = ds * a_prev * rt * (1 - rt)", "drt = ds * rt * (1 - rt)")],
    "gru_cell_backward__reset-gate-path-missing": [("drt = ds * a_prev * rt * (1 - rt)", "drt = np.zeros_like(rt)")],
    "gru_cell_backward__update-roles-swapped": [
        ("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * (1 - ut) * (1 - cct ** 2)"),
        ("dut = da_next * (cct - a_prev) * ut", "dut = da_next * (a_prev - cct) * ut"),
        ("da_prev = da_next * (1 - ut) + ", "da_prev = da_next * ut + ")],
    "gru_cell_backward__tanh-derivative-of-cct": [("(1 - cct ** 2)", "(1 - np.tanh(cct) ** 2)")],
    "gru_cell_backward__weight-slices-swapped": [
        ("n_a = a_prev.shape[0]\n\n    dcct", "n_a = a_prev.shape[0]\n    n_x = xt.shape[0]\n\n    dcct"),
        ("ds = np.dot(Wc[:, :n_a].T, dcct)", "ds = np.dot(Wc[:, n_x:].T, dcct)"),
        (_DA_PREV, _DA_PREV.replace("[:, :n_a]", "[:, n_x:]")),
        (_DXT, _DXT.replace("[:, n_a:]", "[:, :n_x]"))],
    "gru_cell_backward__db-keepdims-missing": [
        (f"np.sum({d}, axis=1, keepdims=True)", f"np.sum({d}, axis=1)") for _, d, _ in _KEYS],
    "gru_cell_backward__dw-transposed": [
        (f"np.dot({d}, {c}.T)", f"np.dot({c}, {d}.T)") for _, d, c in _KEYS],
    # gru_forward
    "gru_forward__a0-fed-to-every-step": [
        ("gru_cell_forward(x[:, :, t], a_next, parameters)", "gru_cell_forward(x[:, :, t], a0, parameters)")],
    "gru_forward__zero-start-state": [("    a_next = a0\n", "    a_next = np.zeros((n_a, m))\n")],
    "gru_forward__a-stores-a-prev": [
        ("a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)\n        a[:, :, t] = a_next",
         "a[:, :, t] = a_next\n        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)")],
    # gru_backward
    "gru_backward__upstream-da-missing": [(_STEP, "gru_cell_backward(da_prevt, caches[t])")],
    "gru_backward__da-prev-not-propagated": [(_STEP, "gru_cell_backward(da[:, :, t], caches[t])")],
    "gru_backward__gradients-overwritten": [
        (f'{k} += gradients["{k}"]', f'{k} = gradients["{k}"]') for k in ("dWr", "dbr", "dWu", "dbu", "dWc", "dbc")],
    "gru_backward__time-walked-forwards": [("for t in reversed(range(T_x)):", "for t in range(T_x):")],
}
