"""Basic RNN: one time step ("cell") and a whole sequence, forward and backward.

Dimensions: n_x input size, n_a hidden size, n_y output size, m batch size,
T_x number of time steps. The batch is the second axis, time the third.

Parameters (dict):
    Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

Equations of one step:
    a_next  = tanh(Waa a_prev + Wax xt + ba)
    yt_pred = softmax(Wya a_next + by)

Backward, with dz = da_next * (1 - a_next**2) the gradient of the tanh's input:
    dxt = Wax.T dz      dWax = dz xt.T
    da_prev = Waa.T dz  dWaa = dz a_prev.T     dba = sum over the batch of dz
"""
import numpy as np

from .activations import softmax


def rnn_cell_forward(xt, a_prev, parameters):
    """One forward step of the basic RNN.

    xt -- input at step t, (n_x, m)
    a_prev -- hidden state at step t-1, (n_a, m)
    parameters -- dict with Wax, Waa, Wya, ba, by (shapes in the module docstring)

    Returns:
    a_next -- hidden state at step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- (a_next, a_prev, xt, parameters), for rnn_cell_backward
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    """Forward pass of the basic RNN over a whole sequence.

    x -- inputs, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict with Wax, Waa, Wya, ba, by

    Returns:
    a -- hidden states of every step, (n_a, m, T_x)
    y_pred -- predictions of every step, (n_y, m, T_x)
    caches -- (list of the T_x cell caches, x), for rnn_backward
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    """Backward pass of one RNN step.

    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    cache -- (a_next, a_prev, xt, parameters) from rnn_cell_forward

    Returns a dict:
    dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = da_next * (1.0 - a_next ** 2)
    return {
        "dxt": Wax.T @ dz,
        "da_prev": Waa.T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }


def rnn_backward(da, caches):
    """Backward pass of the basic RNN over a whole sequence.

    da -- upstream gradient of every hidden state, (n_a, m, T_x)
    caches -- (list of the T_x cell caches, x) from rnn_forward

    Time is walked in reverse: step t receives da[:, :, t] plus the da_prev
    coming back from step t+1; parameter gradients are summed over time.

    Returns a dict:
    dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prevt = grads["da_prev"]
        dWax += grads["dWax"]
        dWaa += grads["dWaa"]
        dba += grads["dba"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
