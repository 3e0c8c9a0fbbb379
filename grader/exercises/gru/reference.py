"""GRU: one time step ("cell") and a whole sequence, forward and backward.

Dimensions: n_x input size, n_a hidden size, n_y output size, m batch size,
T_x number of time steps. The batch is the second axis, time the third.
Notation of the course's GRU lecture, where the memory cell is the hidden
state (c = a), so there is one state only.

Parameters (dict): Wr, Wu, Wc (n_a, n_a + n_x); br, bu, bc (n_a, 1);
Wy (n_y, n_a); by (n_y, 1). Wr and Wu act on concat = [a_prev; xt] (a_prev
first); Wc acts on [rt * a_prev; xt], the previous state seen through the
reset gate.

Equations of one step (sigma is the logistic sigmoid, * elementwise):
    concat  = [a_prev; xt]
    rt      = sigma(Wr concat + br)                  reset gate (relevance gate)
    ut      = sigma(Wu concat + bu)                  update gate
    cct     = tanh(Wc [rt * a_prev; xt] + bc)        candidate state (c tilde)
    a_next  = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(Wy a_next + by)

Backward, given da_next (the output layer Wy, by is not differentiated: the
loss reaches the cell through da_next only, as in the RNN and LSTM passes):
    dz_c    = da_next * ut * (1 - cct**2)                    (pre-activation of cct)
    dz_u    = da_next * (cct - a_prev) * ut * (1 - ut)       (pre-activation of ut)
    ds      = Wc[:, :n_a].T dz_c                             gradient of s = rt * a_prev
    dz_r    = ds * a_prev * rt * (1 - rt)                    (pre-activation of rt)
    dWc     = dz_c [rt * a_prev; xt].T,  dbc = sum over the batch of dz_c
    dWr     = dz_r concat.T,             dbr = sum over the batch of dz_r
    dWu     = dz_u concat.T,             dbu = sum over the batch of dz_u
    da_prev = da_next * (1 - ut) + ds * rt + Wr[:, :n_a].T dz_r + Wu[:, :n_a].T dz_u
    dxt     = Wr[:, n_a:].T dz_r + Wu[:, n_a:].T dz_u + Wc[:, n_a:].T dz_c
"""
import numpy as np

from .activations import sigmoid, softmax  # the helper module students get as gru_utils (the same source)

GATE_GRADS = ("dWr", "dbr", "dWu", "dbu", "dWc", "dbc")


def gru_cell_forward(xt, a_prev, parameters):
    """One forward step of the GRU (equations in the module docstring).

    xt -- input at step t, (n_x, m)
    a_prev -- hidden state at step t-1, (n_a, m)
    parameters -- dict with Wr, br, Wu, bu, Wc, bc, Wy, by

    Returns:
    a_next -- hidden state at step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- (a_next, a_prev, rt, ut, cct, xt, parameters), for gru_cell_backward
    """
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    rt = sigmoid(p["Wr"] @ concat + p["br"])
    ut = sigmoid(p["Wu"] @ concat + p["bu"])
    cct = np.tanh(p["Wc"] @ np.concatenate([rt * a_prev, xt], axis=0) + p["bc"])
    a_next = ut * cct + (1.0 - ut) * a_prev
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    cache = (a_next, a_prev, rt, ut, cct, xt, parameters)
    return a_next, yt_pred, cache


def gru_forward(x, a0, parameters):
    """Forward pass of the GRU over a whole sequence, from the hidden state a0.

    x -- inputs, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict with Wr, br, Wu, bu, Wc, bc, Wy, by

    Returns:
    a -- hidden states of every step (not a0), (n_a, m, T_x)
    y_pred -- predictions of every step, (n_y, m, T_x)
    caches -- (list of the T_x cell caches, x), for gru_backward
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def gru_cell_backward(da_next, cache):
    """Backward pass of one GRU step (equations in the module docstring).

    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    cache -- (a_next, a_prev, rt, ut, cct, xt, parameters) from gru_cell_forward

    Returns a dict:
    dxt (n_x, m), da_prev (n_a, m),
    dWr, dWu, dWc (n_a, n_a + n_x), dbr, dbu, dbc (n_a, 1)
    """
    a_next, a_prev, rt, ut, cct, xt, parameters = cache
    Wr, Wu, Wc = parameters["Wr"], parameters["Wu"], parameters["Wc"]
    n_a = a_prev.shape[0]
    dz_c = da_next * ut * (1.0 - cct ** 2)
    dz_u = da_next * (cct - a_prev) * ut * (1.0 - ut)
    ds = Wc[:, :n_a].T @ dz_c
    dz_r = ds * a_prev * rt * (1.0 - rt)
    concat = np.concatenate([a_prev, xt], axis=0)
    concat_r = np.concatenate([rt * a_prev, xt], axis=0)
    return {
        "dxt": Wr[:, n_a:].T @ dz_r + Wu[:, n_a:].T @ dz_u + Wc[:, n_a:].T @ dz_c,
        "da_prev": da_next * (1.0 - ut) + ds * rt + Wr[:, :n_a].T @ dz_r + Wu[:, :n_a].T @ dz_u,
        "dWr": dz_r @ concat.T,
        "dbr": np.sum(dz_r, axis=1, keepdims=True),
        "dWu": dz_u @ concat.T,
        "dbu": np.sum(dz_u, axis=1, keepdims=True),
        "dWc": dz_c @ concat_r.T,
        "dbc": np.sum(dz_c, axis=1, keepdims=True),
    }


def gru_backward(da, caches):
    """Backward pass of the GRU over a whole sequence.

    da -- upstream gradient of every hidden state, (n_a, m, T_x)
    caches -- (list of the T_x cell caches, x) from gru_forward

    Time is walked in reverse: step t receives da[:, :, t] plus the da_prev
    coming back from step t+1; parameter gradients are summed over time.

    Returns a dict:
    dx (n_x, m, T_x), da0 (n_a, m), dWr, dWu, dWc (n_a, n_a + n_x),
    dbr, dbu, dbc (n_a, 1)
    """
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {k: np.zeros((n_a, n_a + n_x) if k.startswith("dW") else (n_a, 1)) for k in GATE_GRADS}
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = gru_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prevt = grads["da_prev"]
        for key in sums:
            sums[key] += grads[key]
    return {"dx": dx, "da0": da_prevt, **sums}
