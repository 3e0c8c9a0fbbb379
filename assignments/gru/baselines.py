"""The basic RNN and the LSTM of the previous exercise, forward and backward, for section 6's comparison.

These are solutions of the RNN/LSTM exercise (a prerequisite of this one):
release this notebook after that exercise's deadline. Same interfaces as
there: batch on axis 1, time on axis 2; caches = (list of the cell caches, x);
the backward passes take da, the upstream gradient of every hidden state, and
return a dict with "dx" and "da0" (and the parameter gradients). An LSTM cell
cache is (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
Numpy only; nothing of the GRU is here.
"""
import numpy as np

from gru_utils import sigmoid


def rnn_forward(x, a0, parameters):
    """Hidden states a (n_a, m, T_x) and caches of a_next = tanh(Waa a_prev + Wax xt + ba).

    Returns (a, caches); the predictions are not needed here."""
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    a = np.zeros((Waa.shape[0],) + x.shape[1:])
    cells, a_next = [], a0
    for t in range(x.shape[2]):
        a_prev, a_next = a_next, np.tanh(Waa @ a_next + Wax @ x[:, :, t] + ba)
        a[:, :, t] = a_next
        cells.append((a_next, a_prev, x[:, :, t], parameters))
    return a, (cells, x)


def rnn_backward(da, caches):
    """{"dx", "da0", "dWax", "dWaa", "dba"} of L = sum(da * a)."""
    cells, x = caches
    p = cells[0][3]
    dx = np.zeros(x.shape)
    grads = {k: np.zeros_like(p[k[1:]]) for k in ("dWax", "dWaa", "dba")}
    da_prev = np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        a_next, a_prev, xt, _ = cells[t]
        dz = (da[:, :, t] + da_prev) * (1 - a_next ** 2)
        dx[:, :, t] = p["Wax"].T @ dz
        da_prev = p["Waa"].T @ dz
        grads["dWax"] += dz @ xt.T
        grads["dWaa"] += dz @ a_prev.T
        grads["dba"] += dz.sum(axis=1, keepdims=True)
    return {"dx": dx, "da0": da_prev, **grads}


def lstm_forward(x, a0, parameters):
    """Hidden states a (n_a, m, T_x) and caches of the LSTM, from a0 and a zero cell state.

    Returns (a, caches); the predictions and cell states are not needed here."""
    p = parameters
    n_a = a0.shape[0]
    a = np.zeros((n_a,) + x.shape[1:])
    cells, a_next, c_next = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_prev, c_prev, xt = a_next, c_next, x[:, :, t]
        z = np.concatenate([a_prev, xt], axis=0)
        ft, it, ot = (sigmoid(p["W" + g] @ z + p["b" + g]) for g in "fio")
        cct = np.tanh(p["Wc"] @ z + p["bc"])
        c_next = ft * c_prev + it * cct
        a_next = ot * np.tanh(c_next)
        a[:, :, t] = a_next
        cells.append((a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters))
    return a, (cells, x)


def lstm_cell_backward(da_next, dc_next, cache):
    """{"dxt", "da_prev", "dc_prev", "dWf", "dbf", ...} of one LSTM step."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dz = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
          "c": dc * it * (1 - cct ** 2), "o": da_next * tanh_c * ot * (1 - ot)}
    z = np.concatenate([a_prev, xt], axis=0)
    grads = {"dc_prev": dc * ft, "da_prev": 0.0, "dxt": 0.0}
    for g in "fico":
        grads["da_prev"] = grads["da_prev"] + p["W" + g][:, :n_a].T @ dz[g]
        grads["dxt"] = grads["dxt"] + p["W" + g][:, n_a:].T @ dz[g]
        grads["dW" + g] = dz[g] @ z.T
        grads["db" + g] = dz[g].sum(axis=1, keepdims=True)
    return grads


def lstm_backward(da, caches):
    """{"dx", "da0", "dWf", "dbf", ...} of L = sum(da * a), walking time in reverse."""
    cells, x = caches
    dx = np.zeros(x.shape)
    sums = {}
    da_prev, dc_prev = np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cells[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        for k, v in g.items():
            if k.startswith(("dW", "db")):
                sums[k] = sums.get(k, 0.0) + v
    return {"dx": dx, "da0": da_prev, **sums}
