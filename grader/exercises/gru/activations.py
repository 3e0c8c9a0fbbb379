"""Helpers for the GRU notebook: the same two as the RNN/LSTM exercise's `rnn_utils`.

Both work elementwise on numpy arrays and never overflow.
"""
import numpy as np


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), elementwise; same shape as x."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # exp of a non-positive number cannot overflow
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(x):
    """Softmax over axis 0: x (n_y, m) -> (n_y, m), each column sums to 1."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
