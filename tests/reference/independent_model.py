"""An independent implementation of the eight functions' maths, in autograd.numpy.

Written from the equations in /work/shared/spec/interfaces.md, not from
grader/reference: different formulas where the maths allows it (sigmoid via
tanh, the gates as one stacked product, no in-place writes), so an error
shared by both would have to be an error in the equations themselves.
Gradients come from `autograd.grad` of the scalar losses the backward passes
are defined against:
    cell RNN:   L = sum(da_next * a_next)
    cell LSTM:  L = sum(da_next * a_next) + sum(dc_next * c_next)
    sequences:  L = sum(da * a)   (da: upstream gradient of every hidden state)
"""
import autograd
import autograd.numpy as anp

RNN_GRAD_PARAMS = ("Wax", "Waa", "ba")
LSTM_GRAD_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")


def sigmoid(x):
    """sigma(x) = (1 + tanh(x / 2)) / 2: bounded, no exp, so no overflow."""
    return 0.5 * (1.0 + anp.tanh(0.5 * x))


def softmax(x):
    """Softmax over axis 0 (one distribution per column)."""
    e = anp.exp(x - anp.max(x, axis=0, keepdims=True))
    return e / anp.sum(e, axis=0, keepdims=True)


def rnn_step(xt, a_prev, p):
    """(a_next, yt_pred) of one RNN step."""
    a_next = anp.tanh(anp.dot(p["Waa"], a_prev) + anp.dot(p["Wax"], xt) + p["ba"])
    return a_next, softmax(anp.dot(p["Wya"], a_next) + p["by"])


def lstm_step(xt, a_prev, c_prev, p):
    """(a_next, c_next, yt_pred, gates) of one LSTM step; gates = (ft, it, cct, ot)."""
    n_a = a_prev.shape[0]
    z = anp.concatenate([a_prev, xt], axis=0)
    # One stacked product for the four gates, rows in the order f, i, c, o.
    W = anp.concatenate([p["Wf"], p["Wi"], p["Wc"], p["Wo"]], axis=0)
    b = anp.concatenate([p["bf"], p["bi"], p["bc"], p["bo"]], axis=0)
    pre = anp.dot(W, z) + b
    ft = sigmoid(pre[:n_a])
    it = sigmoid(pre[n_a:2 * n_a])
    cct = anp.tanh(pre[2 * n_a:3 * n_a])
    ot = sigmoid(pre[3 * n_a:])
    c_next = ft * c_prev + it * cct
    a_next = ot * anp.tanh(c_next)
    return a_next, c_next, softmax(anp.dot(p["Wy"], a_next) + p["by"]), (ft, it, cct, ot)


def rnn_sequence(x, a0, p):
    """(a, y_pred), each stacked on a third (time) axis."""
    a_next, hs, ys = a0, [], []
    for t in range(x.shape[2]):
        a_next, yt = rnn_step(x[:, :, t], a_next, p)
        hs.append(a_next)
        ys.append(yt)
    return anp.stack(hs, axis=2), anp.stack(ys, axis=2)


def lstm_sequence(x, a0, p):
    """(a, y, c), each stacked on a third (time) axis; the cell state starts at zero."""
    a_next, c_next = a0, anp.zeros(a0.shape)
    hs, ys, cs = [], [], []
    for t in range(x.shape[2]):
        a_next, c_next, yt, _ = lstm_step(x[:, :, t], a_next, c_next, p)
        hs.append(a_next)
        cs.append(c_next)
        ys.append(yt)
    return anp.stack(hs, axis=2), anp.stack(ys, axis=2), anp.stack(cs, axis=2)


def rnn_cell_grads(da_next, xt, a_prev, p):
    """Gradient dict of rnn_cell_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in RNN_GRAD_PARAMS})
        return anp.sum(da_next * rnn_step(v["xt"], v["a_prev"], q)[0])
    g = autograd.grad(loss)(dict(xt=xt, a_prev=a_prev, **{k: p[k] for k in RNN_GRAD_PARAMS}))
    return {"dxt": g["xt"], "da_prev": g["a_prev"], **{"d" + k: g[k] for k in RNN_GRAD_PARAMS}}


def lstm_cell_grads(da_next, dc_next, xt, a_prev, c_prev, p):
    """Gradient dict of lstm_cell_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in LSTM_GRAD_PARAMS})
        a_next, c_next, _, _ = lstm_step(v["xt"], v["a_prev"], v["c_prev"], q)
        return anp.sum(da_next * a_next) + anp.sum(dc_next * c_next)
    g = autograd.grad(loss)(dict(xt=xt, a_prev=a_prev, c_prev=c_prev,
                                 **{k: p[k] for k in LSTM_GRAD_PARAMS}))
    return {"dxt": g["xt"], "da_prev": g["a_prev"], "dc_prev": g["c_prev"],
            **{"d" + k: g[k] for k in LSTM_GRAD_PARAMS}}


def rnn_sequence_grads(da, x, a0, p):
    """Gradient dict of rnn_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in RNN_GRAD_PARAMS})
        return anp.sum(da * rnn_sequence(v["x"], v["a0"], q)[0])
    g = autograd.grad(loss)(dict(x=x, a0=a0, **{k: p[k] for k in RNN_GRAD_PARAMS}))
    return {"dx": g["x"], "da0": g["a0"], **{"d" + k: g[k] for k in RNN_GRAD_PARAMS}}


def lstm_sequence_grads(da, x, a0, p):
    """Gradient dict of lstm_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in LSTM_GRAD_PARAMS})
        return anp.sum(da * lstm_sequence(v["x"], v["a0"], q)[0])
    g = autograd.grad(loss)(dict(x=x, a0=a0, **{k: p[k] for k in LSTM_GRAD_PARAMS}))
    return {"dx": g["x"], "da0": g["a0"], **{"d" + k: g[k] for k in LSTM_GRAD_PARAMS}}
