"""Are the GRU's reference backward passes the true gradients of its forward passes?

Every gradient key of gru_cell_backward and gru_backward is checked against
centred finite differences (eps = 1e-6, float64) of the scalar loss it is
defined against:
    gru_cell_backward: L = sum(da_next * a_next)
    gru_backward:      L = sum(da * a), da the upstream gradient of every hidden state.
The output layer (Wy, by) is not differentiated by these passes, so it has no
key. Relative error is gru_testkit.rel_error, max|a - b| / max(|a| + |b|)
(floor 1e-12); centred differences are accurate to about 1e-10 here, so the
bound MAX_REL_ERROR = 1e-7 leaves room for round-off but not for a wrong term.
Shapes: EDGE_DIMS (m = 1, T_x = 1, both, n_x > n_a; n_x, n_a, n_y distinct).
"""
import numpy as np
import pytest

from grader.exercises.gru import reference as ref
from gru_testkit import EDGE_DIMS, GATE_PARAMS, centred_difference, cell_inputs, dims_id, rel_error, sequence_inputs

EPS = 1e-6
MAX_REL_ERROR = 1e-7
PARAM_KEYS = {"d" + k: k for k in GATE_PARAMS}


def assert_gradient(name, analytic, numeric):
    err = rel_error(analytic, numeric)
    assert err <= MAX_REL_ERROR, f"{name}: relative error {err:.3g} > {MAX_REL_ERROR:g}"


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_gru_cell_backward_matches_finite_differences(d):
    """Does gru_cell_backward return the gradient of sum(da_next * a_next) for every key?"""
    p, xt, a_prev, da_next = cell_inputs(d, seed=1)
    grads = ref.gru_cell_backward(da_next, ref.gru_cell_forward(xt, a_prev, p)[2])
    assert set(grads) == {"dxt", "da_prev", *PARAM_KEYS}

    def loss():
        return float(np.sum(da_next * ref.gru_cell_forward(xt, a_prev, p)[0]))

    for key, x in {"dxt": xt, "da_prev": a_prev, **{k: p[v] for k, v in PARAM_KEYS.items()}}.items():
        assert grads[key].shape == x.shape, key
        assert_gradient(key, grads[key], centred_difference(loss, x, EPS))


@pytest.mark.parametrize("d", EDGE_DIMS, ids=dims_id)
def test_gru_backward_matches_finite_differences(d):
    """Does gru_backward return the gradient of sum(da * a) over the whole sequence for every key?"""
    p, x, a0, da = sequence_inputs(d, seed=2)
    grads = ref.gru_backward(da, ref.gru_forward(x, a0, p)[2])
    assert set(grads) == {"dx", "da0", *PARAM_KEYS}

    def loss():
        return float(np.sum(da * ref.gru_forward(x, a0, p)[0]))

    for key, v in {"dx": x, "da0": a0, **{k: p[n] for k, n in PARAM_KEYS.items()}}.items():
        assert grads[key].shape == v.shape, key
        assert_gradient(key, grads[key], centred_difference(loss, v, EPS))


@pytest.mark.parametrize("d", EDGE_DIMS[:2], ids=dims_id)
def test_finite_differences_see_the_reset_gate_path(d):
    """Would this check catch a cell backward that drops rt's path through cct (the subtle term)?

    With the reset-gate term of dz_r zeroed, dWr, dbr, da_prev and dxt must
    fail the same bound: the check is sharp enough for the derivation's hard part."""
    p, xt, a_prev, da_next = cell_inputs(d, seed=3)
    cache = ref.gru_cell_forward(xt, a_prev, p)[2]
    a_next, _, rt, ut, cct, _, _ = cache
    n_a = d.n_a
    dz_c = da_next * ut * (1 - cct ** 2)
    dz_u = da_next * (cct - a_prev) * ut * (1 - ut)
    wrong_da_prev = da_next * (1 - ut) + (p["Wc"][:, :n_a].T @ dz_c) * rt + p["Wu"][:, :n_a].T @ dz_u
    wrong_dbr = np.zeros_like(p["br"])

    def loss():
        return float(np.sum(da_next * ref.gru_cell_forward(xt, a_prev, p)[0]))

    assert rel_error(wrong_da_prev, centred_difference(loss, a_prev, EPS)) > MAX_REL_ERROR
    assert rel_error(wrong_dbr, centred_difference(loss, p["br"], EPS)) > MAX_REL_ERROR
