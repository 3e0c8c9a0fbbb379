"""A BLIND held-out set GX of single GRU mistakes, for the GRU's hint share.

How and when: written on 2026-12-01 (about 23:40 to 23:50 UTC) by a helper
that had not read the GRU's diagnosis. It did NOT read: anything under
grader/ except grader/exercises/gru/reference.py and
grader/exercises/gru/activations.py; tests/exercises/gru/test_gru_mistakes.py,
tests/exercises/gru/test_gru_grading.py (a grep for "gru_utils" printed three
of its lines, about the helper module, nothing else), bench/hint_share.py,
bench/heldout_gru.py, any selfcheck; and it read only the first 30 lines of
tests/exercises/gru/gru_patches.py (the format and `mutant_source`), not its
list of the catalogue's patches. It never ran the grader (`python -m grader`)
or bench/hint_share.py on these mutants. What it read:
grader/exercises/gru/reference.py and activations.py (the spec),
tests/exercises/gru/fixtures/correct.py (the base of every mutant), the
teaching notebook solutions/gru/gru.ipynb, bench/heldout_blind.py and
bench/check_heldout_blind.py (the RNN/LSTM blind sets, to imitate their
format and method). The mutants are verified WITHOUT the grader by
bench/check_heldout_gru_blind.py: each applies, and changes its function's
outputs against grader/exercises/gru/reference.py on random inputs, or
raises where marked.

Sources of the slips (real GRU-from-scratch code and questions, found with
the search tool, plus typical numpy slips; the code below is written against
correct.py, nothing is copied):
- zhiyongc/GRU-D issue #2 (GitHub): the candidate computed from the plain
  concatenation, without multiplying the hidden state by the reset gate (gx01);
  the same slip in a public "deep learning from scratch 2" GRU notebook
  (github.com/SEUNKOREA/TIL: `h_hat = tanh(x Wx + h_prev Wh)`, r computed and unused);
- torch.nn.GRU / Keras GRU(reset_after=True) docs, and JiapengWu/TeMP
  baselines/custom_gru.py: the reset gate applied AFTER the candidate's matrix
  product (gx02), and PyTorch's z being the share of the OLD state
  (gx03, gx21, gx32); PaddlePaddle issue 5493 (gitcode.net mirror): two of
  Paddle's own GRU ops blend with u and 1 - u the opposite ways (gx03);
- github.com/8804who/paper_implementation (MyGRUCell): `U @ (r @ h_prev)`, a
  matrix product where the reset gate is elementwise (gx04), and its
  d_tanh(x) = 1 - x**2 on the activated value, against
  github.com/thsis/INFOSYS's dtanh(x) = 1 - tanh(x)**2 and
  dsigmoid(x) = sigmoid(x)(1 - sigmoid(x)) on the pre-activation: mixing the
  two conventions applies the activation twice (gx22, gx23);
- TensorFlow's GRUBlockCellGrad documentation (tf.raw_ops, tensorflow/docs):
  `d_x_component_1 = d_r_bar * w_r_x^T + d_u_bar * w_r_x^T`, the reset gate's
  weight written for the update gate's term (gx05, gx34), and
  `d_c_bar = d_h o (1-u) o (1-c o c)` in its own convention (gx19);
- nianiaele/gru-cell-in-numpy gru.py: the (1 - z) branch's gradient added to
  dz11 instead of dzt, so the update gate misses its -h_prev term (gx20), and
  the reset gate's chain started from the forward value z6 instead of its
  gradient; the CRAN `rnn` package vignette "GRU units": the update gate's
  delta built as delta3*g + delta3*z (no -h_{t-1} term, gx20) and the weight
  update of the reset gate written with the candidate's delta (gx26 is the
  closest single slip in this notation: the reset gate's gradient taken from
  the candidate's dz without going back through Wc);
- EpyNN nnlibs/gru/backward.py: `layer.fc['h'][t-1]` in the backward loop,
  an index one step off that wraps round at t = 0 (gx41, gx43);
- rsokl/MyGrad pull request #4 (GRU layer): review about the gradient from
  later steps not being passed back correctly (gx39, gx40, gx45);
- the RNN/LSTM blind set's sources (bench/heldout_blind.py) for the
  sequence-level slips shared by every recurrent net: the cell called with
  da[:, :, t] only or with da_prevt only, a forward pass restarting from a0 or
  from zeros, the state stored before the update, accumulation with = for +=;
- typical numpy slips: concatenation order, transposes (a square block
  without its .T silently gives a wrong result, a non-square one raises), sum
  over the wrong axis, keepdims, copy-paste of the wrong gate's weight, bias or
  key, activation or derivative, a term left out of a sum of paths, averaging
  over time instead of summing, off-by-one time ranges.

Each entry is (id, function, edits, cause): `edits` is a list of (old, new)
replacements applied exactly once each to tests/exercises/gru/fixtures/correct.py
by tests/exercises/gru/gru_patches.mutant_source; every mutant here is one
edit, one slip. A cause ending in "[raises]" makes numpy raise (shapes).

THIS SET IS A FINAL TEST: grade it ONCE, after the development of the GRU's
diagnosis is done, and report that single figure. Do not develop against it
and do not look at its mutants' hints before that run.
"""
from __future__ import annotations

# (id, function, edits, cause)
MUTANTS_GX: list[tuple[str, str, list[tuple[str, str]], str]] = [
    # ---- gru_cell_forward (10)
    ("gx01", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = np.tanh(np.dot(Wc, concat) + bc)")],
     "candidate computed from [a_prev; xt] instead of [rt * a_prev; xt]: the reset gate is not used"),
    ("gx02", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)",
       "cct = np.tanh(rt * np.dot(Wc[:, :a_prev.shape[0]], a_prev) + np.dot(Wc[:, a_prev.shape[0]:], xt) + bc)")],
     "reset gate applied after the matrix product (PyTorch's convention), rt * (Wc_a a_prev), "
     "instead of inside it, Wc_a (rt * a_prev)"),
    ("gx03", "gru_cell_forward",
     [("a_next = ut * cct + (1 - ut) * a_prev", "a_next = (1 - ut) * cct + ut * a_prev")],
     "update gate used as the share of the old state (PyTorch's z): ut and 1 - ut swapped in the blend"),
    ("gx04", "gru_cell_forward",
     [("concat_r = np.concatenate((rt * a_prev, xt), axis=0)\n    cct",
       "concat_r = np.concatenate((np.dot(rt, a_prev), xt), axis=0)\n    cct")],
     "reset gate applied to a_prev with a matrix product instead of elementwise (raises: shapes) [raises]"),
    ("gx05", "gru_cell_forward",
     [("ut = sigmoid(np.dot(Wu, concat) + bu)", "ut = sigmoid(np.dot(Wr, concat) + bu)")],
     "update gate computed with the reset gate's weight Wr instead of Wu"),
    ("gx06", "gru_cell_forward",
     [("concat = np.concatenate((a_prev, xt), axis=0)\n    rt = sigmoid",
       "concat = np.concatenate((xt, a_prev), axis=0)\n    rt = sigmoid")],
     "gates' input concatenated as [xt; a_prev] instead of [a_prev; xt]"),
    ("gx07", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = sigmoid(np.dot(Wc, concat_r) + bc)")],
     "sigmoid used for the candidate instead of tanh"),
    ("gx08", "gru_cell_forward",
     [("cct = np.tanh(np.dot(Wc, concat_r) + bc)", "cct = np.tanh(np.dot(Wc, concat_r)) + bc")],
     "candidate's bias bc added outside the tanh"),
    ("gx09", "gru_cell_forward",
     [("yt_pred = softmax(np.dot(Wy, a_next) + by)", "yt_pred = softmax(np.dot(Wy, cct) + by)")],
     "prediction computed from the candidate cct instead of the new state a_next"),
    ("gx10", "gru_cell_forward",
     [("cache = (a_next, a_prev, rt, ut, cct, xt, parameters)",
       "cache = (a_next, a_prev, ut, rt, cct, xt, parameters)")],
     "cache stores the update gate before the reset gate (rt and ut swapped in the cache)"),

    # ---- gru_forward (8)
    ("gx11", "gru_forward",
     [("gru_cell_forward(x[:, :, t], a_next, parameters)", "gru_cell_forward(x[:, :, t], a0, parameters)")],
     "every step starts from a0 instead of the previous step's state"),
    ("gx12", "gru_forward",
     [("    a_next = a0\n", "    a_next = np.zeros((n_a, m))\n")],
     "sequence starts from a zero state instead of a0"),
    ("gx13", "gru_forward",
     [("        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)\n"
       "        a[:, :, t] = a_next\n",
       "        a[:, :, t] = a_next\n"
       "        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)\n")],
     "state stored before the step: a[:, :, t] holds the previous state (a0 at t = 0), one step late"),
    ("gx14", "gru_forward",
     [("for t in range(T_x):", "for t in range(1, T_x):")],
     "loop starts at t = 1: the first time step is skipped"),
    ("gx15", "gru_forward",
     [("gru_cell_forward(x[:, :, t], a_next", "gru_cell_forward(x[:, t, :], a_next")],
     "input of step t sliced on the batch axis, x[:, t, :], instead of x[:, :, t] (raises: shapes) [raises]"),
    ("gx16", "gru_forward",
     [("    caches = (caches, x)\n", "")],
     "returns the list of cell caches alone, without x (caches should be (list, x))"),
    ("gx17", "gru_forward",
     [("        caches.append(cache)\n", "    caches.append(cache)\n")],
     "caches.append outside the loop: only the last step's cache is kept"),
    ("gx18", "gru_forward",
     [("for t in range(T_x):", "for t in reversed(range(T_x)):")],
     "forward loop walks time in reverse (copied from the backward pass)"),

    # ---- gru_cell_backward (18)
    ("gx19", "gru_cell_backward",
     [("dcct = da_next * ut * (1 - cct ** 2)", "dcct = da_next * (1 - ut) * (1 - cct ** 2)")],
     "candidate's gradient scaled by 1 - ut instead of ut"),
    ("gx20", "gru_cell_backward",
     [("dut = da_next * (cct - a_prev) * ut * (1 - ut)", "dut = da_next * cct * ut * (1 - ut)")],
     "update gate's gradient misses the -a_prev term: cct instead of (cct - a_prev)"),
    ("gx21", "gru_cell_backward",
     [("dut = da_next * (cct - a_prev) * ut * (1 - ut)", "dut = da_next * (a_prev - cct) * ut * (1 - ut)")],
     "update gate's gradient with the wrong sign: (a_prev - cct) instead of (cct - a_prev)"),
    ("gx22", "gru_cell_backward",
     [("(1 - cct ** 2)", "(1 - np.tanh(cct) ** 2)")],
     "tanh derivative applied to the activated value: 1 - tanh(cct)**2 instead of 1 - cct**2"),
    ("gx23", "gru_cell_backward",
     [("drt = ds * a_prev * rt * (1 - rt)", "drt = ds * a_prev * sigmoid(rt) * (1 - sigmoid(rt))")],
     "sigmoid derivative of the reset gate computed from sigmoid(rt) instead of rt"),
    ("gx24", "gru_cell_backward",
     [("drt = ds * a_prev * rt * (1 - rt)", "drt = ds * rt * (1 - rt)")],
     "reset gate's gradient misses the factor a_prev (derivative of rt * a_prev with respect to rt)"),
    ("gx25", "gru_cell_backward",
     [("ds = np.dot(Wc[:, :n_a].T, dcct)", "ds = np.dot(Wc[:, :n_a], dcct)")],
     "gradient of rt * a_prev computed with Wc[:, :n_a] instead of its transpose"),
    ("gx26", "gru_cell_backward",
     [("drt = ds * a_prev * rt * (1 - rt)", "drt = dcct * a_prev * rt * (1 - rt)")],
     "reset gate's gradient taken from the candidate's dz directly, not back through Wc (ds)"),
    ("gx27", "gru_cell_backward",
     [("dWc = np.dot(dcct, concat_r.T)", "dWc = np.dot(dcct, concat.T)")],
     "dWc computed with [a_prev; xt] instead of the candidate's input [rt * a_prev; xt]"),
    ("gx28", "gru_cell_backward",
     [("dWr = np.dot(drt, concat.T)", "dWr = np.dot(drt, concat_r.T)")],
     "dWr computed with the candidate's input [rt * a_prev; xt] instead of [a_prev; xt]"),
    ("gx29", "gru_cell_backward",
     [("dbu = np.sum(dut, axis=1, keepdims=True)", "dbu = np.sum(dut, axis=0, keepdims=True)")],
     "dbu summed over the hidden units (axis 0) instead of the batch (axis 1)"),
    ("gx30", "gru_cell_backward",
     [("dbc = np.sum(dcct, axis=1, keepdims=True)", "dbc = np.sum(dcct, axis=1)")],
     "dbc summed without keepdims: shape (n_a,) instead of (n_a, 1)"),
    ("gx31", "gru_cell_backward",
     [("da_prev = da_next * (1 - ut) + ds * rt + ", "da_prev = da_next * (1 - ut) + ")],
     "da_prev misses the path through the candidate's rt * a_prev (the ds * rt term)"),
    ("gx32", "gru_cell_backward",
     [("da_prev = da_next * (1 - ut) + ", "da_prev = da_next * ut + ")],
     "direct term of da_prev uses ut instead of 1 - ut"),
    ("gx33", "gru_cell_backward",
     [(" + np.dot(Wu[:, :n_a].T, dut)\n", "\n")],
     "da_prev misses the update gate's path (the Wu[:, :n_a].T dut term)"),
    ("gx34", "gru_cell_backward",
     [("np.dot(Wu[:, n_a:].T, dut)", "np.dot(Wr[:, n_a:].T, dut)")],
     "dxt's update-gate term uses the reset gate's weight Wr instead of Wu"),
    ("gx35", "gru_cell_backward",
     [(" + np.dot(Wc[:, n_a:].T, dcct)\n", "\n")],
     "dxt misses the candidate's path (the Wc[:, n_a:].T dcct term)"),
    ("gx36", "gru_cell_backward",
     [("dWr = np.dot(drt, concat.T)", "dWr = np.dot(drt, concat)")],
     "dWr computed without transposing the concatenation (raises: shapes) [raises]"),

    # ---- gru_backward (11)
    ("gx37", "gru_backward",
     [("gru_cell_backward(da[:, :, t] + da_prevt, caches[t])", "gru_cell_backward(da[:, :, t], caches[t])")],
     "cell called with da[:, :, t] only: the gradient from the later steps (da_prevt) is dropped"),
    ("gx38", "gru_backward",
     [("gru_cell_backward(da[:, :, t] + da_prevt, caches[t])", "gru_cell_backward(da_prevt, caches[t])")],
     "cell called with da_prevt only: the upstream gradient da[:, :, t] is dropped"),
    ("gx39", "gru_backward",
     [("        da_prevt = gradients[\"da_prev\"]\n", "        da_prevt += gradients[\"da_prev\"]\n")],
     "da_prevt accumulated (+=) over the steps instead of replaced by the step's da_prev"),
    ("gx40", "gru_backward",
     [("for t in reversed(range(T_x)):", "for t in range(T_x):")],
     "backward loop walks time forwards instead of in reverse"),
    ("gx41", "gru_backward",
     [("gru_cell_backward(da[:, :, t] + da_prevt, caches[t])",
       "gru_cell_backward(da[:, :, t] + da_prevt, caches[t - 1])")],
     "cache of step t - 1 used at step t (off by one; wraps round to the last step at t = 0)"),
    ("gx42", "gru_backward",
     [("for t in reversed(range(T_x)):", "for t in range(T_x - 1, 0, -1):")],
     "reverse loop stops at t = 1: the first step is never back-propagated"),
    ("gx43", "gru_backward",
     [("gru_cell_backward(da[:, :, t] + da_prevt, caches[t])",
       "gru_cell_backward(da[:, :, t - 1] + da_prevt, caches[t])")],
     "upstream gradient of step t - 1 used at step t (off by one in da)"),
    ("gx44", "gru_backward",
     [("        dWu += gradients[\"dWu\"]\n", "        dWu = gradients[\"dWu\"]\n")],
     "dWu assigned (=) instead of accumulated (+=) over time: only the first step's is kept"),
    ("gx45", "gru_backward",
     [("    da_prevt = np.zeros((n_a, m))\n", "    da_prevt = da[:, :, T_x - 1]\n")],
     "da_prevt initialised with the last step's upstream gradient instead of zeros (counted twice)"),
    ("gx46", "gru_backward",
     [("        dbr += gradients[\"dbr\"]\n", "        dbr += gradients[\"dbu\"]\n")],
     "dbr accumulates the update gate's bias gradient dbu (wrong key copied)"),
    ("gx47", "gru_backward",
     [("        dWr += gradients[\"dWr\"]\n", "        dWr += gradients[\"dWr\"] / T_x\n")],
     "dWr averaged over time (divided by T_x) instead of summed"),
]

FUNCTIONS = ("gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward")
# Mutants expected to make numpy raise (the benchmark counts them as not hinted).
RAISES = {ident for ident, _, _, cause in MUTANTS_GX if cause.endswith("[raises]")}
