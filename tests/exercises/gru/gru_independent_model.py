"""An independent implementation of the GRU's maths, in autograd.numpy.

Written from the equations of issue 14 (the course's GRU lecture), not from
grader/exercises/gru/reference.py, with different formulas where the maths
allows it: sigmoid via tanh, the reset and update gates as one stacked
product, the blend written as a_prev + ut * (cct - a_prev), no in-place
writes. Gradients come from `autograd.grad` of the scalar losses the backward
passes are defined against:
    cell:      L = sum(da_next * a_next)
    sequence:  L = sum(da * a)   (da: upstream gradient of every hidden state)
"""
import autograd
import autograd.numpy as anp

GRAD_PARAMS = ("Wr", "br", "Wu", "bu", "Wc", "bc")


def sigmoid(x):
    """sigma(x) = (1 + tanh(x / 2)) / 2."""
    return 0.5 * (1.0 + anp.tanh(0.5 * x))


def softmax(x):
    """Softmax over axis 0 (one distribution per column)."""
    e = anp.exp(x - anp.max(x, axis=0, keepdims=True))
    return e / anp.sum(e, axis=0, keepdims=True)


def gru_step(xt, a_prev, p):
    """(a_next, yt_pred, (rt, ut, cct)) of one GRU step."""
    n_a = a_prev.shape[0]
    concat = anp.concatenate([a_prev, xt], axis=0)
    gates = sigmoid(anp.dot(anp.concatenate([p["Wr"], p["Wu"]], axis=0), concat)
                    + anp.concatenate([p["br"], p["bu"]], axis=0))
    rt, ut = gates[:n_a], gates[n_a:]
    # Wc [rt * a_prev; xt] as the sum of its two column blocks
    cct = anp.tanh(anp.dot(p["Wc"][:, :n_a], rt * a_prev) + anp.dot(p["Wc"][:, n_a:], xt) + p["bc"])
    a_next = a_prev + ut * (cct - a_prev)
    return a_next, softmax(anp.dot(p["Wy"], a_next) + p["by"]), (rt, ut, cct)


def gru_sequence(x, a0, p):
    """(a, y_pred), each stacked on a third (time) axis."""
    a_next, hs, ys = a0, [], []
    for t in range(x.shape[2]):
        a_next, yt, _ = gru_step(x[:, :, t], a_next, p)
        hs.append(a_next)
        ys.append(yt)
    return anp.stack(hs, axis=2), anp.stack(ys, axis=2)


def gru_cell_grads(da_next, xt, a_prev, p):
    """Gradient dict of gru_cell_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in GRAD_PARAMS})
        return anp.sum(da_next * gru_step(v["xt"], v["a_prev"], q)[0])
    g = autograd.grad(loss)(dict(xt=xt, a_prev=a_prev, **{k: p[k] for k in GRAD_PARAMS}))
    return {"dxt": g["xt"], "da_prev": g["a_prev"], **{"d" + k: g[k] for k in GRAD_PARAMS}}


def gru_sequence_grads(da, x, a0, p):
    """Gradient dict of gru_backward, by autograd."""
    def loss(v):
        q = dict(p, **{k: v[k] for k in GRAD_PARAMS})
        return anp.sum(da * gru_sequence(v["x"], v["a0"], q)[0])
    g = autograd.grad(loss)(dict(x=x, a0=a0, **{k: p[k] for k in GRAD_PARAMS}))
    return {"dx": g["x"], "da0": g["a0"], **{"d" + k: g[k] for k in GRAD_PARAMS}}
