"""Assemble the instructor notebook solutions/rnn_lstm/rnn_lstm.ipynb from the strings below.

    python scripts/build_solution_notebook.py

The committed .ipynb is what nbgrader uses; this script is how it is written,
so that the text, the solutions and the tests can be reviewed as Python.
Every exercise is three cells: the solution (between `### BEGIN SOLUTION` and
`### END SOLUTION`), a self-check on the public cases (locked, not graded) and
an autograder test (graded, with a `### BEGIN HIDDEN TESTS` part that runs the
grader's hidden cases and reference; it is removed from the release).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.problems import BY_NAME  # noqa: E402  (points: one source of truth)

OUT = ROOT / "solutions" / "rnn_lstm" / "rnn_lstm.ipynb"

CELLS: list = []


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str, cell_id: str | None = None) -> None:
    cell = new_markdown_cell(text.strip("\n"))
    cell.id = cell_id or f"md-{len(CELLS):02d}"
    CELLS.append(cell)


def code(source: str, cell_id: str, **nbgrader) -> None:
    cell = new_code_cell(source.strip("\n"))
    cell.id = cell_id
    if nbgrader:
        cell.metadata.update(_nbgrader(cell_id, **nbgrader))
    CELLS.append(cell)


def hidden_tests(name: str) -> str:
    """The hidden part of a test cell: the grader's hidden shapes, checked against its reference.

    A sequence function runs with the reference cell function in place of the
    student's (as the grader does), so a mistake in the cell costs points once.
    """
    problem = BY_NAME[name]
    loop = f'''for _i, _shape in enumerate(_problems.HIDDEN_SHAPES):
    _case = _problems.make_case(_problem, _i, _shape)
    _got = {name}(*_copy.deepcopy(_case.args))
    if not _problem.returns_dict:
        assert isinstance(_got, tuple) and len(_got) == len(_problem.outputs), "wrong number of returned items"
        _got = dict(zip(_problem.outputs, _got))
    _assert_same(_got, _case.expected, f"{name}, hidden case {{_i + 1}} ({{_shape.describe({problem.sequence})}})")
'''
    swap_in, swap_out = "", ""
    if problem.black_box:
        cell = problem.black_box
        swap_in = (f'_cell_saved = globals().get("{cell}")\n'
                   f'globals()["{cell}"] = _reference.{cell}  # grade {name} on its own\n'
                   "try:\n")
        loop = "".join("    " + ln if ln else ln for ln in loop.splitlines(True))
        swap_out = f'finally:\n    globals()["{cell}"] = _cell_saved\n'
    return f'''
### BEGIN HIDDEN TESTS
# Instructor only: the grader's hidden cases and reference (never in the release).
import copy as _copy, pathlib as _pathlib, sys as _sys
for _p in (_pathlib.Path.cwd().resolve(), *_pathlib.Path.cwd().resolve().parents):
    if (_p / "grader" / "problems.py").is_file():
        if str(_p) not in _sys.path:
            _sys.path.insert(0, str(_p))
        break
from grader import problems as _problems, reference as _reference

def _assert_same(got, want, where):
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{{where}}: expected a dict, got {{type(got).__name__}}"
        for _key in want:
            assert _key in got, f"{{where}}: missing key {{_key!r}}"
            _assert_same(got[_key], want[_key], f"{{where}}[{{_key!r}}]")
    elif isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), f"{{where}}: expected {{len(want)}} items"
        for _i, (_g, _w) in enumerate(zip(got, want)):
            _assert_same(_g, _w, f"{{where}}[{{_i}}]")
    else:
        np.testing.assert_allclose(got, want, rtol=_problems.RTOL, atol=_problems.ATOL, err_msg=where, strict=True)

_problem = _problems.BY_NAME["{name}"]
{swap_in}{loop}{swap_out}### END HIDDEN TESTS
'''


def exercise(name: str, solution: str) -> None:
    """The three cells of one exercise."""
    code(solution, name, solution=True)
    code(f'check("{name}", {name})', f"{name}_selfcheck", locked=True)
    visible = (f"# Autograder test ({BY_NAME[name].points:g} points): the public cases, then hidden cases.\n"
               f'assert_correct("{name}", {name})\n')
    code(visible + hidden_tests(name), f"test_{name}", grade=True, locked=True, points=BY_NAME[name].points)


# ====================================================================== text

md(r"""
# Recurrent neural networks from first principles: RNN and LSTM in numpy

In this notebook you build, with nothing but numpy, the two classic recurrent
networks: the **basic RNN** and the **LSTM** (Long Short-Term Memory). For each
you write the forward pass of one time step (a *cell*), the forward pass over
a whole sequence, and the two backward passes that compute gradients.

There are eight exercises, one function each:

| | RNN | LSTM |
|---|---|---|
| one step, forward | `rnn_cell_forward` (10 points) | `lstm_cell_forward` (15 points) |
| sequence, forward | `rnn_forward` (10 points) | `lstm_forward` (15 points) |
| one step, backward | `rnn_cell_backward` (10 points) | `lstm_cell_backward` (15 points) |
| sequence, backward | `rnn_backward` (10 points) | `lstm_backward` (15 points) |

**How to work.** Replace `raise NotImplementedError()` in each exercise with
your code. Run the self-check cell under it: it tries your function on public
cases and prints one line per output, `✓` or `✗` with what is wrong. The cell
after it is the autograder's test; it runs the same public cases, and when
your work is graded, further *hidden* cases with other shapes (one example,
one time step, a larger case). Each function is graded on its own: a mistake
in `rnn_cell_forward` does not cost you points again in `rnn_forward`.

Do not rename the functions, change their arguments, or change what they
return: the autograder calls them exactly as written. Values are compared with
a relative tolerance of 1e-5 and an absolute tolerance of 1e-7.

At the end, you use your own functions to check your gradients numerically and
to see, in a small experiment, why LSTMs were invented.
""")

code(r'''
import numpy as np
import matplotlib.pyplot as plt

from rnn_utils import sigmoid, softmax    # the two helpers, in rnn_utils.py next to this notebook
from selfcheck import check, assert_correct
''', "imports", locked=True)

md(r"""
## 1. Notation and shapes

| symbol | meaning |
|---|---|
| $n_x$ | size of one input vector $x^{\langle t\rangle}$ |
| $n_a$ | size of the hidden state $a^{\langle t\rangle}$ (and of the LSTM cell state $c^{\langle t\rangle}$) |
| $n_y$ | number of output classes of the prediction $\hat y^{\langle t\rangle}$ |
| $m$ | number of examples in a batch |
| $T_x$ | number of time steps of a sequence |

Superscript $\langle t\rangle$ is the time step. All arrays are `float64`
numpy arrays, and **the batch is the second axis, time the third**:

* the input of a whole batch of sequences, `x`, has shape $(n_x, m, T_x)$; its slice at step $t$, `x[:, :, t]`, has shape $(n_x, m)$: one column per example;
* the hidden states `a` have shape $(n_a, m, T_x)$, the predictions $(n_y, m, T_x)$.

So a weight matrix multiplies from the left (`W @ a`, shape (rows of `W`, $m$)),
and a bias of shape $(n_a, 1)$ is broadcast over the $m$ columns. Products
are matrix products (`@` or `np.dot`) and $\ast$ is the elementwise product
(`*` in numpy). The helpers `sigmoid` and `softmax` come with the notebook;
`softmax` normalises each column (axis 0), so each example gets a probability
distribution over the $n_y$ classes.
""")

md(r"""
## 2. The basic RNN

### 2.1 One time step: the RNN cell

A recurrent network reads a sequence one step at a time and carries a
*hidden state* from one step to the next. At step $t$ the cell combines the
previous hidden state $a^{\langle t-1\rangle}$ with the new input
$x^{\langle t\rangle}$:

$$a^{\langle t\rangle} = \tanh\left(W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle} + b_a\right)$$

$$\hat y^{\langle t\rangle} = \mathrm{softmax}\left(W_{ya}\, a^{\langle t\rangle} + b_y\right)$$

![The RNN cell: a_prev and xt go in, a_next and yt_pred come out](images/rnn_cell.png)

| parameter | shape |
|---|---|
| `Wax` | $(n_a, n_x)$ |
| `Waa` | $(n_a, n_a)$ |
| `Wya` | $(n_y, n_a)$ |
| `ba` | $(n_a, 1)$ |
| `by` | $(n_y, 1)$ |

Note that the prediction is made from the **new** state $a^{\langle t\rangle}$.
The cell also returns a `cache`, the values the backward pass needs:
`(a_next, a_prev, xt, parameters)`, in this order.

**Exercise 1 — `rnn_cell_forward`.**
""")

exercise("rnn_cell_forward", r'''
def rnn_cell_forward(xt, a_prev, parameters):
    """One forward step of the basic RNN.

    Arguments:
    xt -- input at step t, numpy array of shape (n_x, m)
    a_prev -- hidden state at step t-1, numpy array of shape (n_a, m)
    parameters -- dict with
        Wax -- (n_a, n_x), weights applied to the input
        Waa -- (n_a, n_a), weights applied to the hidden state
        Wya -- (n_y, n_a), weights from the hidden state to the output
        ba -- (n_a, 1), bias of the hidden state
        by -- (n_y, 1), bias of the output

    Returns:
    a_next -- hidden state at step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- tuple (a_next, a_prev, xt, parameters), for the backward pass
    """
    ### BEGIN SOLUTION
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    ### END SOLUTION
    return a_next, yt_pred, cache
''')

md(r"""
### 2.2 A whole sequence: the unrolled RNN

Over a sequence, the same cell (the same weights) is applied at every step,
each step receiving the hidden state of the step before. Drawn "unrolled" in
time:

![The unrolled RNN: the same cell applied T_x times, the hidden state passed along](images/rnn_unrolled.png)

`rnn_forward` starts from the given $a^{\langle 0\rangle}$ (`a0`) and, for
$t = 1, \dots, T_x$ (indices `0 .. T_x-1` in numpy), calls `rnn_cell_forward`
on `x[:, :, t]` and the previous state, stores the new state in `a[:, :, t]`,
the prediction in `y_pred[:, :, t]`, and the step's cache in a list.
It returns `a` $(n_a, m, T_x)$, `y_pred` $(n_y, m, T_x)$ and
`caches = (list of the T_x cell caches, x)`.

Call your `rnn_cell_forward`; do not copy its maths here (the self-check and
the grader check this function with a correct cell in place of yours).

**Exercise 2 — `rnn_forward`.**
""")

exercise("rnn_forward", r'''
def rnn_forward(x, a0, parameters):
    """Forward pass of the basic RNN over a whole sequence.

    Arguments:
    x -- inputs of every step, numpy array of shape (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns:
    a -- hidden states of every step, (n_a, m, T_x)
    y_pred -- predictions of every step, (n_y, m, T_x)
    caches -- tuple (list of the T_x cell caches, x), for the backward pass
    """
    ### BEGIN SOLUTION
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
    caches = (caches, x)
    ### END SOLUTION
    return a, y_pred, caches
''')

md(r"""
### 2.3 Backward through one RNN step

Training needs the gradient of a loss $\mathcal{L}$ with respect to every
parameter. We write $da$ for $\partial\mathcal{L}/\partial a$, and so on; each
gradient has the shape of the quantity it belongs to. Here the backward
functions receive the gradient with respect to the hidden states only (the
output layer $W_{ya}, b_y$ is not differentiated in this notebook).

Call $z = W_{aa}\, a^{\langle t-1\rangle} + W_{ax}\, x^{\langle t\rangle} + b_a$
the input of the tanh, so that $a^{\langle t\rangle} = \tanh(z)$. Since
$\tanh'(z) = 1 - \tanh(z)^2 = 1 - (a^{\langle t\rangle})^2$, the chain rule gives,
from `da_next` $= \partial\mathcal{L}/\partial a^{\langle t\rangle}$:

$$dz = da_{next} \ast \left(1 - (a^{\langle t\rangle})^2\right) \qquad (n_a, m)$$

$z$ is linear in everything else, so each gradient is a product with $dz$
(check the shapes: they leave no other choice):

$$dx^{\langle t\rangle} = W_{ax}^T\, dz \quad (n_x, m) \qquad da_{prev} = W_{aa}^T\, dz \quad (n_a, m)$$

$$dW_{ax} = dz\, (x^{\langle t\rangle})^T \quad (n_a, n_x) \qquad dW_{aa} = dz\, (a^{\langle t-1\rangle})^T \quad (n_a, n_a) \qquad db_a = \sum_{\text{batch}} dz \quad (n_a, 1)$$

The bias is shared by the $m$ examples, so its gradient sums $dz$ over the
batch: `np.sum(dz, axis=1, keepdims=True)`.

`rnn_cell_backward(da_next, cache)` returns a dict with the keys
`"dxt"`, `"da_prev"`, `"dWax"`, `"dWaa"`, `"dba"`.

**Exercise 3 — `rnn_cell_backward`.**
""")

exercise("rnn_cell_backward", r'''
def rnn_cell_backward(da_next, cache):
    """Backward pass of one RNN step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    cache -- tuple (a_next, a_prev, xt, parameters) from rnn_cell_forward

    Returns:
    gradients -- dict with
        dxt -- gradient with respect to xt, (n_x, m)
        da_prev -- gradient with respect to a_prev, (n_a, m)
        dWax -- gradient with respect to Wax, (n_a, n_x)
        dWaa -- gradient with respect to Waa, (n_a, n_a)
        dba -- gradient with respect to ba, (n_a, 1)
    """
    ### BEGIN SOLUTION
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = da_next * (1 - a_next ** 2)
    gradients = {
        "dxt": Wax.T @ dz,
        "da_prev": Waa.T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }
    ### END SOLUTION
    return gradients
''')

md(r"""
### 2.4 Backward through time

In the sequence, $a^{\langle t\rangle}$ influences the loss in two ways: directly
(through the prediction at step $t$; its gradient is `da[:, :, t]`, given to
you) and through every later step, via $a^{\langle t+1\rangle}$. So the
gradient that reaches step $t$ is the sum

$$da_{next}^{\langle t\rangle} = \texttt{da[:, :, t]} + da_{prev}\ \text{returned by the step } t+1$$

and the steps must be processed **in reverse**, from $t = T_x$ down to 1
(at the last step nothing comes back from the future: start from zeros).

![Backpropagation through time: each step receives its own upstream gradient plus the da_prev of the step after it](images/backward_flow.png)

The same weights are used at every step, so their gradients are **summed over
time**; `dx[:, :, t]` is the `dxt` of step $t$, and `da0` is the `da_prev` of
the first step. `rnn_backward(da, caches)` returns a dict with keys `"dx"`
$(n_x, m, T_x)$, `"da0"` $(n_a, m)$, `"dWax"`, `"dWaa"`, `"dba"`. Use your
`rnn_cell_backward` for each step.

**Exercise 4 — `rnn_backward`.**
""")

exercise("rnn_backward", r'''
def rnn_backward(da, caches):
    """Backward pass of the basic RNN over a whole sequence.

    Arguments:
    da -- upstream gradient of every hidden state, (n_a, m, T_x)
    caches -- tuple (list of the T_x cell caches, x) from rnn_forward

    Returns:
    gradients -- dict with
        dx -- gradient with respect to the inputs, (n_x, m, T_x)
        da0 -- gradient with respect to the initial hidden state, (n_a, m)
        dWax -- (n_a, n_x), dWaa -- (n_a, n_a), dba -- (n_a, 1): summed over time
    """
    ### BEGIN SOLUTION
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
    gradients = {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    ### END SOLUTION
    return gradients
''')

md(r"""
## 3. Why gates? Vanishing gradients

Look again at backpropagation through time. Going back one step multiplies
the gradient by $W_{aa}^T$ and by the tanh derivative $1 - (a^{\langle t\rangle})^2 \le 1$:

$$da_{prev} = W_{aa}^T \left(da_{next} \ast \left(1 - (a^{\langle t\rangle})^2\right)\right)$$

Going back $k$ steps multiplies by $k$ such factors. When they shrink vectors
(small weights, saturated tanh), the gradient from a loss at step $T_x$ decays
**exponentially** on its way back, and what the network saw 30 steps ago
receives almost no learning signal: the basic RNN has trouble learning
long-range dependencies. (When they grow vectors, the gradient *explodes*
instead; that one is usually handled by clipping.)

The LSTM adds a second state, the **cell state** $c^{\langle t\rangle}$, which
is updated *additively*, with multiplicative **gates** (numbers in (0, 1), one
per unit and example) that decide what to forget, what to write and what to
show. Going back one step along the cell state multiplies the gradient by the
forget gate $f_t$ only: no weight matrix, no squashing. When the network keeps
$f_t$ close to 1, the gradient travels many steps almost intact. You will
measure this at the end of the notebook.
""")

md(r"""
## 4. The LSTM

### 4.1 One time step: the LSTM cell

The four gates all look at the same vector: the previous hidden state
stacked on top of the input,

$$z = \begin{bmatrix} a^{\langle t-1\rangle} \\ x^{\langle t\rangle} \end{bmatrix} \qquad (n_a + n_x, m)$$

(`np.concatenate([a_prev, xt], axis=0)`: $a^{\langle t-1\rangle}$ **first**).
Each gate has a weight matrix of shape $(n_a, n_a + n_x)$ and a bias
$(n_a, 1)$; $\sigma$ is the sigmoid.

* **Forget gate** $f_t$: how much of each unit of the old cell state to keep.
  $$f_t = \sigma(W_f\, z + b_f)$$
* **Update gate** (also called the input gate) $i_t$: how much of the candidate to write.
  $$i_t = \sigma(W_i\, z + b_i)$$
* **Candidate value** $\tilde c_t$ (`cct`, "c tilde"): new content that could be written.
  $$\tilde c_t = \tanh(W_c\, z + b_c)$$
* **New cell state**: keep part of the old, add part of the candidate.
  $$c^{\langle t\rangle} = f_t \ast c^{\langle t-1\rangle} + i_t \ast \tilde c_t$$
* **Output gate** $o_t$: how much of the (squashed) cell state to show as the hidden state.
  $$o_t = \sigma(W_o\, z + b_o)$$
  $$a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$$
* **Prediction**, as in the RNN but from $a^{\langle t\rangle}$:
  $$\hat y^{\langle t\rangle} = \mathrm{softmax}(W_y\, a^{\langle t\rangle} + b_y)$$

![The LSTM cell: the cell state runs along the top, the four gates read z = [a_prev; xt]](images/lstm_cell.png)

| parameter | shape | |
|---|---|---|
| `Wf`, `bf` | $(n_a, n_a + n_x)$, $(n_a, 1)$ | forget gate |
| `Wi`, `bi` | $(n_a, n_a + n_x)$, $(n_a, 1)$ | update (input) gate |
| `Wc`, `bc` | $(n_a, n_a + n_x)$, $(n_a, 1)$ | candidate value |
| `Wo`, `bo` | $(n_a, n_a + n_x)$, $(n_a, 1)$ | output gate |
| `Wy`, `by` | $(n_y, n_a)$, $(n_y, 1)$ | prediction |

`lstm_cell_forward` returns `a_next`, `c_next` (both $(n_a, m)$), `yt_pred`
$(n_y, m)$ and the 10-item cache
`(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)`.

**Exercise 5 — `lstm_cell_forward`.**
""")

exercise("lstm_cell_forward", r'''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One forward step of the LSTM.

    Arguments:
    xt -- input at step t, (n_x, m)
    a_prev -- hidden state at step t-1, (n_a, m)
    c_prev -- cell state at step t-1, (n_a, m)
    parameters -- dict with
        Wf, bf -- forget gate, (n_a, n_a + n_x) and (n_a, 1)
        Wi, bi -- update (input) gate, (n_a, n_a + n_x) and (n_a, 1)
        Wc, bc -- candidate value, (n_a, n_a + n_x) and (n_a, 1)
        Wo, bo -- output gate, (n_a, n_a + n_x) and (n_a, 1)
        Wy, by -- prediction, (n_y, n_a) and (n_y, 1)

    Returns:
    a_next -- hidden state at step t, (n_a, m)
    c_next -- cell state at step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """
    ### BEGIN SOLUTION
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]
    z = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(Wf @ z + bf)
    it = sigmoid(Wi @ z + bi)
    cct = np.tanh(Wc @ z + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ z + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(Wy @ a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    ### END SOLUTION
    return a_next, c_next, yt_pred, cache
''')

md(r"""
### 4.2 A whole sequence

`lstm_forward` is `rnn_forward` with two states: it starts from `a0` and a
**zero** cell state $c^{\langle 0\rangle}$ of shape $(n_a, m)$, passes both
`a_next` and `c_next` from each step to the next, and returns `a`
$(n_a, m, T_x)$, `y` $(n_y, m, T_x)$, `c` $(n_a, m, T_x)$ (the cell states)
and `caches = (list of the T_x cell caches, x)`, in this order.
The sizes: $n_y$ and $n_a$ are the shape of `Wy`. Call your
`lstm_cell_forward` for each step.

**Exercise 6 — `lstm_forward`.**
""")

exercise("lstm_forward", r'''
def lstm_forward(x, a0, parameters):
    """Forward pass of the LSTM over a whole sequence, from a0 and a zero cell state.

    Arguments:
    x -- inputs of every step, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict with Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by (shapes as in lstm_cell_forward)

    Returns:
    a -- hidden states, (n_a, m, T_x)
    y -- predictions, (n_y, m, T_x)
    c -- cell states, (n_a, m, T_x)
    caches -- tuple (list of the T_x cell caches, x), for the backward pass
    """
    ### BEGIN SOLUTION
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    caches = (caches, x)
    ### END SOLUTION
    return a, y, c, caches
''')

md(r"""
### 4.3 Backward through one LSTM step

The cell receives two gradients from the step after it: `da_next`
$= \partial\mathcal{L}/\partial a^{\langle t\rangle}$ and `dc_next`
$= \partial\mathcal{L}/\partial c^{\langle t\rangle}$, both $(n_a, m)$.
We follow the forward equations backwards, one at a time.

**The total gradient of the cell state.** $c^{\langle t\rangle}$ reaches the loss
directly (`dc_next`) and through $a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$.
The derivative of $\tanh(c^{\langle t\rangle})$ is $1 - \tanh(c^{\langle t\rangle})^2$
(the tanh of the **cell state**, not of the candidate), so

$$dc = dc_{next} + da_{next} \ast o_t \ast \left(1 - \tanh(c^{\langle t\rangle})^2\right)$$

**The gates.** We differentiate with respect to each gate's *pre-activation*
(what goes into its $\sigma$ or tanh), using $\sigma' = \sigma\,(1-\sigma)$ and
$\tanh' = 1 - \tanh^2$. From $a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$
and $c^{\langle t\rangle} = f_t \ast c^{\langle t-1\rangle} + i_t \ast \tilde c_t$:

$$d o_t = da_{next} \ast \tanh(c^{\langle t\rangle}) \ast o_t \ast (1 - o_t)$$
$$d\tilde c_t = dc \ast i_t \ast (1 - \tilde c_t^{\,2})$$
$$d i_t = dc \ast \tilde c_t \ast i_t \ast (1 - i_t)$$
$$d f_t = dc \ast c^{\langle t-1\rangle} \ast f_t \ast (1 - f_t)$$

Each factor appears once: $\tilde c_t$ multiplies $i_t$ in $c^{\langle t\rangle}$,
so it appears in $d i_t$ (and $i_t$ in $d\tilde c_t$), nowhere else.

**The weights.** Each gate's pre-activation is $W_g\, z + b_g$, so for
$g \in \{f, i, c, o\}$ (with $d c_t$ meaning $d\tilde c_t$):

$$dW_g = d g_t\; z^T \quad (n_a, n_a + n_x) \qquad db_g = \sum_{\text{batch}} d g_t \quad (n_a, 1)$$

**The inputs.** $z$ feeds all four gates, so its gradient is the sum of four
terms; its top $n_a$ rows belong to $a^{\langle t-1\rangle}$ and the bottom
$n_x$ rows to $x^{\langle t\rangle}$. Correspondingly, the **columns**
`W[:, :n_a]` act on $a^{\langle t-1\rangle}$ and `W[:, n_a:]` on $x^{\langle t\rangle}$:

$$da_{prev} = \sum_{g} W_g[:, :n_a]^T\, d g_t \quad (n_a, m) \qquad dx^{\langle t\rangle} = \sum_{g} W_g[:, n_a:]^T\, d g_t \quad (n_x, m)$$

**The previous cell state.** $c^{\langle t-1\rangle}$ enters only through $f_t \ast c^{\langle t-1\rangle}$:

$$dc_{prev} = dc \ast f_t \qquad (n_a, m)$$

This is the LSTM's gradient highway: one elementwise product with the forget gate.

`lstm_cell_backward(da_next, dc_next, cache)` returns a dict with the keys
`"dxt"`, `"da_prev"`, `"dc_prev"`, `"dWf"`, `"dbf"`, `"dWi"`, `"dbi"`,
`"dWc"`, `"dbc"`, `"dWo"`, `"dbo"`.

**Exercise 7 — `lstm_cell_backward`.**
""")

exercise("lstm_cell_backward", r'''
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    dc_next -- gradient of the loss with respect to c_next, (n_a, m)
    cache -- tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

    Returns:
    gradients -- dict with
        dxt -- gradient with respect to xt, (n_x, m)
        da_prev -- gradient with respect to a_prev, (n_a, m)
        dc_prev -- gradient with respect to c_prev, (n_a, m)
        dWf, dWi, dWc, dWo -- gradients of the gate weights, (n_a, n_a + n_x)
        dbf, dbi, dbc, dbo -- gradients of the gate biases, (n_a, 1)
    """
    ### BEGIN SOLUTION
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    z = np.concatenate([a_prev, xt], axis=0)
    gradients = {"dc_prev": dc * ft}
    da_prev = np.zeros_like(a_prev)
    dxt = np.zeros_like(xt)
    for g, dg in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        W = parameters["W" + g]
        gradients["dW" + g] = dg @ z.T
        gradients["db" + g] = np.sum(dg, axis=1, keepdims=True)
        da_prev = da_prev + W[:, :n_a].T @ dg
        dxt = dxt + W[:, n_a:].T @ dg
    gradients["da_prev"] = da_prev
    gradients["dxt"] = dxt
    ### END SOLUTION
    return gradients
''')

md(r"""
### 4.4 Backward through time

`lstm_backward` walks the steps in reverse like `rnn_backward`, now with two
gradients flowing back in time (the figure of section 2.4):

* step $t$ receives $da_{next} = $ `da[:, :, t]` $+$ the `da_prev` returned by step $t+1$,
* and $dc_{next} = $ the `dc_prev` returned by step $t+1$ (zeros at the last step: the loss is
  computed from the hidden states, so nothing reaches $c^{\langle T_x\rangle}$ directly).

Both must be fed back: dropping either one cuts the gradient's path through time.
The eight weight and bias gradients are summed over time, `dx[:, :, t]` is the
`dxt` of step $t$, and `da0` is the `da_prev` of the first step. The
returned dict has keys `"dx"` $(n_x, m, T_x)$, `"da0"` $(n_a, m)$, `"dWf"`,
`"dbf"`, `"dWi"`, `"dbi"`, `"dWc"`, `"dbc"`, `"dWo"`, `"dbo"`. Use your
`lstm_cell_backward` for each step.

**Exercise 8 — `lstm_backward`.**
""")

exercise("lstm_backward", r'''
def lstm_backward(da, caches):
    """Backward pass of the LSTM over a whole sequence.

    Arguments:
    da -- upstream gradient of every hidden state, (n_a, m, T_x)
    caches -- tuple (list of the T_x cell caches, x) from lstm_forward

    Returns:
    gradients -- dict with
        dx -- gradient with respect to the inputs, (n_x, m, T_x)
        da0 -- gradient with respect to the initial hidden state, (n_a, m)
        dWf, dWi, dWc, dWo -- (n_a, n_a + n_x), summed over time
        dbf, dbi, dbc, dbo -- (n_a, 1), summed over time
    """
    ### BEGIN SOLUTION
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    gradients = {}
    for g in "fico":
        gradients["dW" + g] = np.zeros((n_a, n_a + n_x))
        gradients["db" + g] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        grads = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prevt, dc_prevt = grads["da_prev"], grads["dc_prev"]
        for key in list(gradients):
            gradients[key] = gradients[key] + grads[key]
    gradients["dx"] = dx
    gradients["da0"] = da_prevt
    ### END SOLUTION
    return gradients
''')

md(r"""
## 5. Check your gradients numerically

The backward passes can be checked without any reference: take a scalar loss
of the hidden states, $\mathcal{L} = \sum \texttt{da} \ast \texttt{a}$ for a
fixed random array `da` (then $\partial\mathcal{L}/\partial a$ is exactly `da`),
nudge one parameter entry by $\pm h$ and compare the **centred difference**

$$\frac{\partial \mathcal{L}}{\partial \theta} \approx \frac{\mathcal{L}(\theta + h) - \mathcal{L}(\theta - h)}{2h}$$

(error of order $h^2$) with what your backward pass returns. The relative
error $\max|g_{num} - g_{yours}| / \max(|g_{num}| + |g_{yours}|)$ should be
below about $10^{-7}$. These cells use your own functions; they are not graded.
""")

code(r'''
def rel_error(a, b):
    """Largest difference relative to the size of the two arrays (0 when both are 0)."""
    return float(np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(a) + np.abs(b))))


def numerical_gradient(f, array, h=1e-5):
    """Centred differences of the scalar f() with respect to every entry of `array` (changed in place, restored)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + h
        plus = f()
        array[index] = saved - h
        minus = f()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


def gradient_check(forward, backward, parameters, keys, n_x, n_a, m=2, T_x=4, seed=0):
    """Compare backward's gradients of L = sum(da * a) with centred differences; print one line per gradient."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T_x))
    loss = lambda: np.sum(da * forward(x, a0, parameters)[0])
    caches = forward(x, a0, parameters)[-1]
    grads = backward(da, caches)
    targets = {"dx": x, "da0": a0, **{k: parameters[k[1:]] for k in keys}}
    for key, array in targets.items():
        error = rel_error(numerical_gradient(loss, array), grads[key])
        print(f"{'✓' if error < 1e-7 else '✗'} {backward.__name__} {key:4s} relative error {error:.1e}")


rng = np.random.default_rng(1)
n_x, n_a = 3, 4
rnn_parameters = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
                  "Wya": rng.standard_normal((2, n_a)), "ba": rng.standard_normal((n_a, 1)),
                  "by": rng.standard_normal((2, 1))}
gradient_check(rnn_forward, rnn_backward, rnn_parameters, ["dWax", "dWaa", "dba"], n_x, n_a)
''', "gradient_check_rnn")

code(r'''
lstm_parameters = {"Wy": rng.standard_normal((2, n_a)), "by": rng.standard_normal((2, 1))}
for g in "fico":
    lstm_parameters["W" + g] = rng.standard_normal((n_a, n_a + n_x))
    lstm_parameters["b" + g] = rng.standard_normal((n_a, 1))
gradient_check(lstm_forward, lstm_backward, lstm_parameters,
               ["dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"], n_x, n_a)
''', "gradient_check_lstm")

md(r"""
## 6. Why LSTMs exist: how far back does the gradient reach?

Take a long sequence ($T_x = 100$) and put a loss on the **last** hidden state
only: `da` is zero everywhere except at the last step. Then `dx[:, :, t]`,
which your backward pass computes, is the learning signal that reaches the
input at step $t$. We plot its size, relative to the last step's, against $t$.

* The RNN has moderate random weights (`Waa` with spectral radius 0.9).
* The LSTM has random weights of a comparable scale, and its forget gates biased
  open ($b_f = 3$, so $f_t \approx 0.95$), as LSTMs are often initialised
  and as trained LSTMs learn to do for information worth keeping.

The vertical axis is logarithmic: a straight line going down is an exponential decay.
""")

code(r'''
T_x, n_x, n_a, m = 100, 8, 32, 1
rng = np.random.default_rng(2)
x = rng.standard_normal((n_x, m, T_x))
a0 = np.zeros((n_a, m))
da = np.zeros((n_a, m, T_x))
da[:, :, -1] = rng.standard_normal((n_a, m))          # a loss on the last hidden state only

Waa = rng.standard_normal((n_a, n_a))
rnn_params = {"Wax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
              "Waa": 0.9 * Waa / np.max(np.abs(np.linalg.eigvals(Waa))),
              "Wya": np.zeros((1, n_a)), "ba": np.zeros((n_a, 1)), "by": np.zeros((1, 1))}
lstm_params = {"Wy": np.zeros((1, n_a)), "by": np.zeros((1, 1))}
for g in "fico":
    lstm_params["W" + g] = rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
    lstm_params["b" + g] = np.zeros((n_a, 1))
lstm_params["bf"] = np.full((n_a, 1), 3.0)             # forget gates open

curves = {}
for label, forward, backward, params in (("basic RNN", rnn_forward, rnn_backward, rnn_params),
                                         ("LSTM", lstm_forward, lstm_backward, lstm_params)):
    caches = forward(x, a0, params)[-1]
    dx = backward(da, caches)["dx"]
    norms = np.linalg.norm(dx[:, 0, :], axis=0)
    curves[label] = norms / norms[-1]

fig, ax = plt.subplots(figsize=(7, 4))
for label, curve in curves.items():
    ax.semilogy(np.arange(1, T_x + 1), curve, label=label)
ax.set_xlabel("time step t")
ax.set_ylabel("|dx at step t| / |dx at the last step|")
ax.set_title("Gradient of a loss at the last step, reaching back in time")
ax.legend()
plt.show()
for label, curve in curves.items():
    print(f"{label:9s}: 10 steps back {curve[-11]:.1e}, 50 steps back {curve[-51]:.1e}, 99 steps back {curve[0]:.1e}")
''', "vanishing_gradients")

md(r"""
The RNN's gradient fades by orders of magnitude within a few tens of steps;
the LSTM's, carried by the cell state ($dc_{prev} = dc \ast f_t$), is still
sizeable a hundred steps back. That is what the gates buy: an additive memory
path along which the learning signal can travel.

Things to try: set the forget-gate bias `bf` to 0 or to -3 and run the cell
again; scale `Waa` to a spectral radius of 1.5 (exploding gradients).

**Before you submit:** restart the kernel and run all cells (*Kernel → Restart
& Run All*), and check that every self-check prints only `✓` lines.
""")


def main() -> None:
    nb = new_notebook(cells=CELLS)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(OUT))
    print(f"wrote {OUT} ({len(CELLS)} cells)")


if __name__ == "__main__":
    main()
