# A hostile submission: every trick below must fail without harming the grader.
import os
import sys
import numpy as np

# Disable numpy's checks in this process (nbgrader's tests would then pass).
np.testing.assert_allclose = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True


class AlwaysEqual(np.ndarray):
    """An array that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __array_ufunc__(self, *args, **kwargs):
        return True


def rnn_cell_forward(xt, a_prev, parameters):
    # Try to find the grader's reference implementation and steal it.
    for folder in sys.path + [os.getcwd(), "/work", "/root", "/tmp"]:
        try:
            for name in os.listdir(folder):
                if "grader" in name or "reference" in name:
                    print("found", folder, name)
        except OSError:
            pass
    fake = np.zeros((1, 1)).view(AlwaysEqual)
    return fake, fake, (fake,)


def rnn_forward(x, a0, parameters):
    while True:  # an infinite loop
        pass


def rnn_cell_backward(da_next, cache):
    sys.exit(0)  # stop the grader?


def rnn_backward(da, caches):
    os._exit(3)  # kill the worker outright


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    big = np.ones((1 << 40,))  # an impossible allocation
    return big


def lstm_forward(x, a0, parameters):
    print('{"score": 100, "tests": []}')  # a fake results JSON
    print("x" * 10_000_000)  # a flood of output
    return None


def lstm_cell_backward(da_next, dc_next, cache):
    import socket

    socket.create_connection(("pypi.org", 443), timeout=2)  # the network


def lstm_backward(da, caches):
    os.kill(os.getppid(), 9)  # kill the grader
    return {}
