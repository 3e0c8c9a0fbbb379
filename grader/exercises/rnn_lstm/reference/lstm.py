"""LSTM: one time step ("cell") and a whole sequence, forward and backward.

Dimensions: n_x input size, n_a hidden size, n_y output size, m batch size,
T_x number of time steps. The batch is the second axis, time the third.

Parameters (dict): Wf, Wi, Wc, Wo (n_a, n_a + n_x) act on z = [a_prev; xt]
(a_prev first); bf, bi, bc, bo (n_a, 1); Wy (n_y, n_a); by (n_y, 1).

Equations of one step (sigma is the logistic sigmoid, * elementwise):
    z       = [a_prev; xt]
    ft      = sigma(Wf z + bf)            forget gate
    it      = sigma(Wi z + bi)            update (input) gate
    cct     = tanh(Wc z + bc)             candidate cell value (c tilde)
    c_next  = ft * c_prev + it * cct
    ot      = sigma(Wo z + bo)            output gate
    a_next  = ot * tanh(c_next)
    yt_pred = softmax(Wy a_next + by)

Backward, given da_next and dc_next:
    dc      = dc_next + da_next * ot * (1 - tanh(c_next)**2)   total gradient of c_next
    dot     = da_next * tanh(c_next) * ot * (1 - ot)           (gate pre-activations)
    dcct    = dc * it * (1 - cct**2)
    dit     = dc * cct * it * (1 - it)
    dft     = dc * c_prev * ft * (1 - ft)
    dWg     = dg z.T and dbg = sum over the batch of dg, for g in f, i, c, o
    da_prev = sum over g of Wg[:, :n_a].T dg;  dxt = sum over g of Wg[:, n_a:].T dg
    dc_prev = dc * ft
"""
import numpy as np

from .activations import sigmoid, softmax

GATES = ("f", "i", "c", "o")


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One forward step of the LSTM (equations in the module docstring).

    xt -- input at step t, (n_x, m)
    a_prev -- hidden state at step t-1, (n_a, m)
    c_prev -- cell state at step t-1, (n_a, m)
    parameters -- dict with Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by

    Returns:
    a_next -- hidden state at step t, (n_a, m)
    c_next -- cell state at step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """
    p = parameters
    z = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ z + p["bf"])
    it = sigmoid(p["Wi"] @ z + p["bi"])
    cct = np.tanh(p["Wc"] @ z + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ z + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    """Forward pass of the LSTM over a whole sequence, from a0 and a zero cell state.

    x -- inputs, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict with Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by

    Returns:
    a -- hidden states, (n_a, m, T_x)
    y -- predictions, (n_y, m, T_x)
    c -- cell states, (n_a, m, T_x)
    caches -- (list of the T_x cell caches, x), for lstm_backward
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step (equations in the module docstring).

    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    dc_next -- gradient of the loss with respect to c_next, (n_a, m)
    cache -- (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

    Returns a dict:
    dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
    dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1.0 - tanh_c ** 2)
    d_gate = {
        "f": dc * c_prev * ft * (1.0 - ft),
        "i": dc * cct * it * (1.0 - it),
        "c": dc * it * (1.0 - cct ** 2),
        "o": da_next * tanh_c * ot * (1.0 - ot),
    }
    z = np.concatenate([a_prev, xt], axis=0)
    grads = {"dxt": 0.0, "da_prev": 0.0, "dc_prev": dc * ft}
    for g in GATES:
        W = parameters["W" + g]
        grads["da_prev"] = grads["da_prev"] + W[:, :n_a].T @ d_gate[g]
        grads["dxt"] = grads["dxt"] + W[:, n_a:].T @ d_gate[g]
        grads["dW" + g] = d_gate[g] @ z.T
        grads["db" + g] = np.sum(d_gate[g], axis=1, keepdims=True)
    return grads


def lstm_backward(da, caches):
    """Backward pass of the LSTM over a whole sequence.

    da -- upstream gradient of every hidden state, (n_a, m, T_x)
    caches -- (list of the T_x cell caches, x) from lstm_forward

    Time is walked in reverse: step t receives da[:, :, t] plus the da_prev
    from step t+1, and that step's dc_prev as its dc_next; parameter
    gradients are summed over time.

    Returns a dict:
    dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x),
    dbf, dbi, dbc, dbo (n_a, 1)
    """
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {}
    for g in GATES:
        sums["dW" + g] = np.zeros((n_a, n_a + n_x))
        sums["db" + g] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prevt, dc_prevt = grads["da_prev"], grads["dc_prev"]
        for key in sums:
            sums[key] += grads[key]
    return {"dx": dx, "da0": da_prevt, **sums}
