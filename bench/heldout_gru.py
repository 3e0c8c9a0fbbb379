"""The GRU's development set of single mistakes, for measuring its hint share (bench/hint_share.py --exercise gru).

Written before the GRU got its one-slip, symptom and crash diagnosis, apart
from its catalogue (grader/exercises/gru/mistakes.py), as a student would type
the slips: each entry is tests/exercises/gru/fixtures/correct.py + one change,
a list of (old, new) replacements that tests/exercises/gru/gru_patches.py's
`mutant_source` applies, each exactly once. `cause` says in words what the
student did; nothing here is read by the grader. Some make numpy raise (a
shape that cannot multiply, concatenate or be stored): those are the shape
errors, counted apart by hint_share.

This set was used while building the diagnosis (a development set); the blind
set is bench/heldout_gru_blind.py (set GX), written by someone else.
"""
from __future__ import annotations

_DA_PREV = "da_prev = da_next * (1 - ut) + ds * rt + np.dot(Wr[:, :n_a].T, drt) + np.dot(Wu[:, :n_a].T, dut)"
_DXT = "dxt = np.dot(Wr[:, n_a:].T, drt) + np.dot(Wu[:, n_a:].T, dut) + np.dot(Wc[:, n_a:].T, dcct)"
_STEP = "gru_cell_backward(da[:, :, t] + da_prevt, caches[t])"
_FWD_CALL = "gru_cell_forward(x[:, :, t], a_next, parameters)"

# Set GA: (id, function, edits, cause)
MUTANTS_GA: list[tuple[str, str, list[tuple[str, str]], str]] = [
    # ---------------------------------------------------------------- gru_cell_forward
    ("gcf-no-br", "gru_cell_forward",
     [("rt = sigmoid(np.dot(Wr, concat) + br)", "rt = sigmoid(np.dot(Wr, concat))")], "reset gate bias forgotten"),
    ("gcf-bu-outside", "gru_cell_forward",
     [("ut = sigmoid(np.dot(Wu, concat) + bu)", "ut = sigmoid(np.dot(Wu, concat)) + bu")],
     "update gate bias added after the sigmoid"),
    ("gcf-tanh-reset", "gru_cell_forward",
     [("rt = sigmoid(np.dot(Wr, concat) + br)", "rt = np.tanh(np.dot(Wr, concat) + br)")], "tanh for the reset gate"),
    ("gcf-no-bc", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = np.tanh(np.dot(Wc, concat_r))")], "candidate bias forgotten"),
    ("gcf-keep-without-gate", "gru_cell_forward",
     [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = ut * cct + a_prev")], "(1 - ut) forgotten on a_prev"),
    ("gcf-blend-with-rt", "gru_cell_forward",
     [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = rt * cct + (1 - rt) * a_prev")],
     "the reset gate blends the state instead of the update gate"),
    ("gcf-no-by", "gru_cell_forward",
     [("yt_pred = softmax(np.dot(Wy, a_next) + by)", "yt_pred = softmax(np.dot(Wy, a_next))")], "output bias forgotten"),
    ("gcf-sigmoid-output", "gru_cell_forward",
     [("yt_pred = softmax(np.dot(Wy, a_next) + by)", "yt_pred = sigmoid(np.dot(Wy, a_next) + by)")],
     "sigmoid for the softmax"),
    ("gcf-cache-no-rt", "gru_cell_forward",
     [("cache = (a_next, a_prev, rt, ut, cct, xt, parameters)", "cache = (a_next, a_prev, ut, cct, xt, parameters)")],
     "rt left out of the cache"),
    ("gcf-reset-on-xt", "gru_cell_forward",
     [("concat_r = np.concatenate((rt * a_prev, xt), axis=0)\n    cct", "concat_r = np.concatenate((a_prev, rt * xt), axis=0)\n    cct")],
     "reset gate applied to xt (raises: shapes)"),
    ("gcf-concat-axis1", "gru_cell_forward",
     [("concat = np.concatenate((a_prev, xt), axis=0)\n    rt", "concat = np.concatenate((a_prev, xt), axis=1)\n    rt")],
     "concatenation along the batch axis (raises: shapes)"),
    ("gcf-wr-T", "gru_cell_forward",
     [("rt = sigmoid(np.dot(Wr, concat) + br)", "rt = sigmoid(np.dot(Wr.T, concat) + br)")],
     "Wr transposed (raises: shapes)"),
    ("gcf-blend-product", "gru_cell_forward",
     [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = ut * cct * (1 - ut) * a_prev")],
     "+ typed as * in the blend"),
    # ---------------------------------------------------------------- gru_cell_backward
    ("gcb-dcct-no-ut", "gru_cell_backward",
     [("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * (1 - cct ** 2)")], "ut forgotten in dcct"),
    ("gcb-dcct-square-late", "gru_cell_backward",
     [("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * ut * (1 - cct) ** 2")], "(1 - cct)**2 for 1 - cct**2"),
    ("gcb-dut-sign", "gru_cell_backward",
     [("dut = da_next * (cct - a_prev) * ut", "dut = da_next * (a_prev - cct) * ut")], "cct - a_prev reversed"),
    ("gcb-dut-no-sigmoid-derivative", "gru_cell_backward",
     [("dut = da_next * (cct - a_prev) * ut * (1 - ut)", "dut = da_next * (cct - a_prev)")],
     "the sigmoid's derivative forgotten for ut"),
    ("gcb-ds-not-transposed", "gru_cell_backward",
     [("ds = np.dot(Wc[:, :n_a].T, dcct)", "ds = np.dot(Wc[:, :n_a], dcct)")], "Wc's a_prev block not transposed"),
    ("gcb-drt-from-da-next", "gru_cell_backward",
     [("drt = ds * a_prev * rt * (1 - rt)", "drt = da_next * a_prev * rt * (1 - rt)")], "da_next where ds belongs"),
    ("gcb-dbr-mean", "gru_cell_backward",
     [("dbr = np.sum(drt, axis=1, keepdims=True)", "dbr = np.mean(drt, axis=1, keepdims=True)")], "mean for the sum"),
    ("gcb-dbu-axis0", "gru_cell_backward",
     [("dbu = np.sum(dut, axis=1, keepdims=True)", "dbu = np.sum(dut, axis=0, keepdims=True)")],
     "sum over the wrong axis (wrong shape)"),
    ("gcb-da-prev-ds-without-rt", "gru_cell_backward",
     [(_DA_PREV, _DA_PREV.replace("ds * rt", "ds"))], "rt forgotten on the candidate path of da_prev"),
    ("gcb-dxt-no-candidate", "gru_cell_backward",
     [(_DXT, _DXT.replace(" + np.dot(Wc[:, n_a:].T, dcct)", ""))], "the candidate's term forgotten in dxt"),
    ("gcb-dwu-concat-r", "gru_cell_backward",
     [("dWu = np.dot(dut, concat.T)", "dWu = np.dot(dut, concat_r.T)")], "the reset concatenation for the update gate"),
    ("gcb-dxt-whole-wr", "gru_cell_backward",
     [(_DXT, _DXT.replace("np.dot(Wr[:, n_a:].T, drt)", "np.dot(Wr.T, drt)"))],
     "the whole Wr instead of its xt columns (raises: shapes)"),
    ("gcb-dwr-no-T", "gru_cell_backward",
     [("dWr = np.dot(drt, concat.T)", "dWr = np.dot(drt, concat)")], "concat not transposed (raises: shapes)"),
    ("gcb-keys-swapped", "gru_cell_backward",
     [('{"dxt": dxt, "da_prev": da_prev, "dWr": dWr, "dbr": dbr,\n                 "dWu": dWu',
       '{"dxt": dxt, "da_prev": da_prev, "dWr": dWu, "dbr": dbr,\n                 "dWu": dWr')],
     "dWr and dWu stored under each other's key"),
    # ---------------------------------------------------------------- gru_forward
    ("gf-y-not-stored", "gru_forward", [("        y_pred[:, :, t] = yt_pred\n", "")], "predictions never stored"),
    ("gf-first-input", "gru_forward", [(_FWD_CALL, _FWD_CALL.replace("x[:, :, t]", "x[:, :, 0]"))],
     "every step reads the first input"),
    ("gf-skip-first", "gru_forward", [("    for t in range(T_x):\n        a_next, yt_pred", "    for t in range(1, T_x):\n        a_next, yt_pred")],
     "loop starts at t = 1"),
    ("gf-caches-no-x", "gru_forward", [("    caches = (caches, x)\n", "")], "caches returned without x"),
    ("gf-append-after-loop", "gru_forward",
     [("        caches.append(cache)\n\n    caches = (caches, x)", "    caches.append(cache)\n\n    caches = (caches, x)")],
     "caches.append dedented out of the loop"),
    ("gf-y-stores-a", "gru_forward", [("y_pred[:, :, t] = yt_pred", "y_pred[:, :, t] = a_next")],
     "the hidden state stored as prediction (raises: shapes)"),
    ("gf-a-tanh", "gru_forward", [("a[:, :, t] = a_next", "a[:, :, t] = np.tanh(a_next)")], "tanh applied when storing a"),
    ("gf-state-from-a", "gru_forward", [(_FWD_CALL, _FWD_CALL.replace("a_next, parameters", "a[:, :, t - 1], parameters"))],
     "previous state read back from a[:, :, t - 1]"),
    # ---------------------------------------------------------------- gru_backward
    ("gb-da-minus", "gru_backward", [(_STEP, _STEP.replace("+ da_prevt", "- da_prevt"))], "upstream minus the carried gradient"),
    ("gb-carry-accumulated", "gru_backward",
     [('da_prevt = gradients["da_prev"]', 'da_prevt += gradients["da_prev"]')], "da_prevt summed over the steps"),
    ("gb-dx-reversed-slot", "gru_backward",
     [('dx[:, :, t] = gradients["dxt"]', 'dx[:, :, T_x - 1 - t] = gradients["dxt"]')], "dx stored in reverse"),
    ("gb-cache-reversed", "gru_backward", [(_STEP, _STEP.replace("caches[t]", "caches[T_x - 1 - t]"))],
     "step t uses the cache of step T_x - 1 - t"),
    ("gb-dbu-overwritten", "gru_backward", [('dbu += gradients["dbu"]', 'dbu = gradients["dbu"]')], "dbu overwritten"),
    ("gb-dwc-subtracted", "gru_backward", [('dWc += gradients["dWc"]', 'dWc -= gradients["dWc"]')], "dWc decreased"),
]

# Set GB, written with GA (more of the same kinds, other lines)
MUTANTS_GB: list[tuple[str, str, list[tuple[str, str]], str]] = [
    ("gcf-ut-from-wr", "gru_cell_forward",
     [("ut = sigmoid(np.dot(Wu, concat) + bu)", "ut = sigmoid(np.dot(Wr, concat) + bu)")], "Wr in the update gate"),
    ("gcf-candidate-on-concat-plus", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = np.tanh(np.dot(Wc, concat_r)) + bc")],
     "candidate bias added after the tanh"),
    ("gcf-y-from-a-prev-softmax1", "gru_cell_forward",
     [("yt_pred = softmax(np.dot(Wy, a_next) + by)", "yt_pred = softmax(np.dot(Wy, a_next) + by).T")],
     "prediction transposed"),
    ("gcb-drt-no-a-prev-but-rt", "gru_cell_backward",
     [("drt = ds * a_prev * rt * (1 - rt)", "drt = ds * a_prev * (1 - rt)")], "rt forgotten in the sigmoid's derivative"),
    ("gcb-dwc-transposed", "gru_cell_backward",
     [("dWc = np.dot(dcct, concat_r.T)", "dWc = np.dot(concat_r, dcct.T)")], "dWc transposed (wrong shape)"),
    ("gcb-direct-term-ut", "gru_cell_backward",
     [(_DA_PREV, _DA_PREV.replace("da_next * (1 - ut)", "da_next * ut"))], "ut for 1 - ut on the direct path"),
    ("gcb-dbc-no-keepdims", "gru_cell_backward",
     [("dbc = np.sum(dcct, axis=1, keepdims=True)", "dbc = np.sum(dcct, axis=1)")], "keepdims forgotten for dbc"),
    ("gf-zero-state-each-step", "gru_forward",
     [(_FWD_CALL, _FWD_CALL.replace("a_next, parameters", "np.zeros((n_a, m)), parameters"))],
     "every step starts from zeros"),
    ("gf-a-stored-late", "gru_forward",
     [("        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)\n        a[:, :, t] = a_next\n",
       "        a[:, :, t] = a_next\n        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)\n")],
     "a stored before the step (the catalogue's slip, written another way: y and caches stay right)"),
    ("gf-x-time-axis", "gru_forward", [(_FWD_CALL, _FWD_CALL.replace("x[:, :, t]", "x[:, t, :]"))],
     "time read on the batch axis (raises)"),
    ("gb-da0-dxt", "gru_backward", [("    da0 = da_prevt\n", '    da0 = gradients["dxt"]\n')], "da0 is the last dxt"),
    ("gb-stops-early", "gru_backward", [("for t in reversed(range(T_x)):", "for t in reversed(range(1, T_x)):")],
     "the loop stops before t = 0"),
    ("gb-dx-not-stored", "gru_backward", [('        dx[:, :, t] = gradients["dxt"]\n', "")], "dx never filled"),
    ("gb-carry-plus-upstream", "gru_backward",
     [('da_prevt = gradients["da_prev"]', 'da_prevt = gradients["da_prev"] + da[:, :, t]')],
     "the carried gradient also holds da[:, :, t]"),
]
