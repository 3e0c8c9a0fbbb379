"""Assemble the instructor notebook solutions/rnn_lstm/rnn_lstm.ipynb from the strings below.

    python scripts/build_solution_notebook.py

The committed .ipynb is what nbgrader uses; this script is how it is written,
so that the text, the solutions and the tests can be reviewed as Python.
Every exercise is four cells: the solution (between `### BEGIN SOLUTION` and
`### END SOLUTION`), a self-check on the public cases (locked, not graded), a
line saying how it is graded, and an autograder test (graded, with a `###
BEGIN HIDDEN TESTS` part that scores the function on the grader's hidden
cases with partial credit; it is removed from the release).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.exercises.rnn_lstm.problems import (ATOL, BY_NAME, DISPLAY_ORDER, INPUT_MUTATION_PENALTY, RTOL,  # noqa: E402
                             TOTAL_POINTS)  # the rubric: one source of truth

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
    """The hidden part of a graded cell (removed from the release; nbgrader puts it back to autograde).

    It calls the function on the grader's hidden cases and shows its score as
    the cell's result, with the grader's partial credit (grader/nbgrader_cell.py):
    nbgrader takes that number as the cell's score. A sequence function runs
    with the reference cell function in place of the student's, as in the
    grader, so a mistake in the cell costs points once. Students never see
    this code: not in the release, and not in nbgrader's feedback (the
    preprocessor set in nbgrader_config.py replaces it). `points` is the
    cell's own (nbgrader refuses a result above it): change both together.
    """
    return f'''
### BEGIN HIDDEN TESTS
from grader.nbgrader_cell import score as _score
_score("{name}", {name}, points={BY_NAME[name].points:g})
### END HIDDEN TESTS
'''


def rubric_text(name: str) -> str:
    """`a_next` 4, `yt_pred` 3, `cache` 3: the rubric of one function, from grader.exercises.rnn_lstm.problems."""
    return ", ".join(f"`{key}` {points:g}" for key, points in BY_NAME[name].weights.items())


def exercise(name: str, solution: str) -> None:
    """The cells of one exercise: solution, self-check, how it is graded, graded test."""
    points = BY_NAME[name].points
    code(solution, name, solution=True)
    code(f'check("{name}", {name})', f"{name}_selfcheck", locked=True)
    md(f"*Graded ({points:g} points: {rubric_text(name)}): when your work is graded, the next cell runs "
       f"`{name}` on hidden cases and shows your score. Each output earns its points when it is right on "
       f"every hidden case (partial credit).*", f"{name}_grading")
    visible = (f"# Autograder test of {name} ({points:g} points). It runs when your work is graded:\n"
               f"# hidden cases, partial credit per output.\n")
    code(visible + hidden_tests(name), f"test_{name}", grade=True, locked=True, points=points)


# ====================================================================== teaching helpers
# (text and stubs; the graded cells are built by exercise() and hidden_tests() above)

def with_hint(solution: str) -> str:
    """The solution cell with a length hint just above `### BEGIN SOLUTION`.

    nbgrader replaces the lines between the markers by `# YOUR CODE HERE` and
    `raise NotImplementedError()`, so the hint, being outside, stays in the
    student's stub. The count is that of the solution itself (non-blank lines).
    """
    lines = solution.strip("\n").splitlines()
    begin = next(i for i, text in enumerate(lines) if "### BEGIN SOLUTION" in text)
    end = next(i for i, text in enumerate(lines) if "### END SOLUTION" in text)
    n = sum(1 for text in lines[begin + 1:end] if text.strip())
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    hint = f"{indent}# ≈ {n} lines in our solution (yours may be shorter or longer)"
    return "\n".join(lines[:begin] + [hint] + lines[begin:]) + "\n"


def points_table() -> str:
    """The eight functions and their points, from grader/problems.py (the rubric's one source)."""
    def cell(name):
        return f"`{name}` ({BY_NAME[name].points:g} points)"
    rows = [("one step, forward", "cell_forward"), ("sequence, forward", "forward"),
            ("one step, backward", "cell_backward"), ("sequence, backward", "backward")]
    lines = ["| | RNN | LSTM |", "|---|---|---|"]
    lines += [f"| {label} | {cell('rnn_' + suffix)} | {cell('lstm_' + suffix)} |" for label, suffix in rows]
    return "\n".join(lines)


def weights_list() -> str:
    """Each function's points split over its outputs or gradient keys, from grader/problems.py."""
    out = []
    for name in DISPLAY_ORDER:
        parts = ", ".join(f"`{key}` {points:g}" for key, points in BY_NAME[name].weights.items())
        out.append(f"* `{name}`: {parts}")
    return "\n".join(out)


# ====================================================================== text

md(r"""
# Recurrent neural networks from first principles: RNN and LSTM in numpy

In this notebook you build, with nothing but numpy, the two classic recurrent
networks: the **basic RNN** and the **LSTM** (Long Short-Term Memory). For each
you write the forward pass of one time step (a *cell*), the forward pass over
a whole sequence, and the two backward passes that compute gradients.

**Learning objectives.** When you are done, you can

1. write the forward pass of a basic RNN and of an LSTM, for one time step and
   for a whole sequence, keeping the batch and time axes straight;
2. derive and implement backpropagation through time for both, including the
   two gradients (`da` and `dc`) that flow back through an LSTM;
3. check a backward pass against centred finite differences, and tell a wrong
   forward pass from a wrong backward pass;
4. explain, with numbers measured on your own code, how far back in time a
   gradient reaches in a basic RNN and in an LSTM, and why.

**Prerequisites.** numpy arrays, broadcasting and matrix products (`@`); the
chain rule and backpropagation through one fully connected layer (the
gradients of `W @ x + b`); the sigmoid, tanh and softmax functions. No
deep-learning framework is used.

**Estimated time.** About 3 to 4 hours: an hour of reading and derivations,
the eight exercises (each stub says how many lines our solution takes), and
15 minutes for the closing checks and experiments.

There are eight exercises, one function each:

""" + points_table() + r"""

**How to work.** Replace `raise NotImplementedError()` in each exercise with
your code. Run the self-check cell under it: it tries your function on public
cases and prints one line per output, `✓` or `✗` with what is wrong. The cell
after it is the autograder's test; it runs the same public cases, and when
your work is graded, further *hidden* cases with other shapes (one example,
one time step, a larger case). Each function is graded on its own: a mistake
in `rnn_cell_forward` does not cost you points again in `rnn_forward`.

Do not rename the functions, change their arguments, or change what they
return: the autograder calls them exactly as written.

**How it is graded.** """ + f"{TOTAL_POINTS:g}" + r""" points in all. Each function's points are
split over its outputs (forward passes) or gradient keys (backward passes):

""" + weights_list() + r"""

An output earns its points only if it is correct on **every** hidden case:
values are compared with a relative tolerance of """ + f"{RTOL:.0e}".replace("e-0", "e-") + r""" and an absolute
tolerance of """ + f"{ATOL:.0e}".replace("e-0", "e-") + r""" (`numpy.isclose`). A function that modifies one of its
input arrays in place loses """ + f"{INPUT_MUTATION_PENALTY:.0%}" + r""" of its points. Passing the
self-checks (public cases) is necessary, not sufficient: the hidden cases have
other shapes.

At the end, you use your own functions to check your gradients numerically and
to measure, in a small experiment, how far back a gradient reaches in an RNN and
in an LSTM.
""")

code(r'''
import numpy as np

from rnn_utils import sigmoid, softmax    # the two helpers, in rnn_utils.py next to this notebook
from selfcheck import check, assert_correct, report
''', "imports", locked=True)

md(r"""
## 1. Notation and shapes

| symbol | meaning | shape | in numpy |
|---|---|---|---|
| $n_x$, $n_a$, $n_y$ | sizes of one input vector, of the hidden state (and of the LSTM cell state), number of output classes | | |
| $m$ | number of examples in a batch | | |
| $T_x$ | number of time steps of a sequence | | |
| $x^{(i)\langle t\rangle}$ | input of example $i$ at time step $t$ | $(n_x,)$ | `x[:, i, t]` |
| $x^{\langle t\rangle}$ | inputs of all $m$ examples at step $t$, one column per example | $(n_x, m)$ | `x[:, :, t]`, `xt` |
| $x$ | the whole batch of sequences | $(n_x, m, T_x)$ | `x` |
| $a^{\langle t\rangle}$ | hidden state after step $t$; $a^{\langle 0\rangle}$ is the given start | $(n_a, m)$ | `a[:, :, t]`, `a_next`; `a_prev` is $a^{\langle t-1\rangle}$, `a0` is $a^{\langle 0\rangle}$ |
| $c^{\langle t\rangle}$ | LSTM cell state after step $t$ | $(n_a, m)$ | `c[:, :, t]`, `c_next`, `c_prev` |
| $\hat y^{\langle t\rangle}$ | prediction at step $t$ (class probabilities, one column per example) | $(n_y, m)$ | `y_pred[:, :, t]`, `yt_pred` |
| $f_t$, $i_t$, $\tilde c_t$, $o_t$ | LSTM forget gate, update gate, candidate value, output gate at step $t$ | $(n_a, m)$ each | `ft`, `it`, `cct`, `ot` |
| $W_{ax}$, $W_f$, $b_f$, ... | weights and biases; the subscript names what they feed ($W_{ax}$: from $x$ to $a$; $W_f$: the forget gate) | see each section | `Wax`, `Wf`, `bf`, ... |
| $z$, $z_f$, ... | pre-activation: what goes into a tanh or a gate's $\sigma$ | $(n_a, m)$ | |
| $da$, $dW_f$, ... | gradient of the loss $\mathcal{L}$ with respect to $a$, $W_f$, ...: same shape as $a$, $W_f$, ... | | `da`, `dWf`, ... |

Three indices, three places: the **example** $(i)$ is the second numpy axis,
the **time step** $\langle t\rangle$ the third, and the **gate** a subscript
($f$, $i$, $\tilde c$, $o$, in numpy the letter after `W` or `b`). The maths
counts from 1 ($i = 1 \dots m$, $t = 1 \dots T_x$), numpy from 0: step $t$
is index `t - 1`. A deep (stacked) RNN would add a layer index, often written
$[l]$; this notebook has one layer, so there is none.

All arrays are `float64` numpy arrays. A weight matrix multiplies from the
left (`W @ a`, shape (rows of `W`, $m$)), and a bias of shape $(n_a, 1)$ is
broadcast over the $m$ columns. Products are matrix products (`@` or
`np.dot`) and $\ast$ is the elementwise product (`*` in numpy). The helpers
`sigmoid` and `softmax` come with the notebook; `softmax` normalises each
column (axis 0), so each example gets a probability distribution over the
$n_y$ classes.
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

exercise("rnn_cell_forward", with_hint(r'''
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
'''))

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

exercise("rnn_forward", with_hint(r'''
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
'''))

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

exercise("rnn_cell_backward", with_hint(r'''
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
'''))

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

exercise("rnn_backward", with_hint(r'''
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
'''))

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
forget gate $f_t$ only: no weight matrix, no squashing. Along that path alone,
99 steps multiply the gradient by 99 forget gates: with every $f_t = 0.99$
that is $0.99^{99} \approx 0.37$, with every $f_t = 0.95$ already
$0.95^{99} \approx 0.006$. The cell state is not the only way back, though:
the gradient also crosses from $c$ to $a$ (through $o_t$ and the tanh) and from
$a$ back to $c$ (through the gates) at every step. At the end of the notebook
you measure both, the cell-state path alone and the whole gradient, with your
own functions.
""")

md(r"""
## 4. The LSTM

### 4.1 One time step: the LSTM cell

The four gates all look at the same vector: the previous hidden state
stacked on top of the input,

$$u = \begin{bmatrix} a^{\langle t-1\rangle} \\ x^{\langle t\rangle} \end{bmatrix} \qquad (n_a + n_x, m)$$

(`np.concatenate([a_prev, xt], axis=0)`: $a^{\langle t-1\rangle}$ **first**).
Each gate has a weight matrix of shape $(n_a, n_a + n_x)$ and a bias
$(n_a, 1)$; $\sigma$ is the sigmoid. As in the RNN, $z$ names a
*pre-activation*, what goes into a $\sigma$ or a tanh; here there are four,
one per gate: $z_f$, $z_i$, $z_{\tilde c}$, $z_o$, each $(n_a, m)$.

* **Forget gate** $f_t$: how much of each unit of the old cell state to keep.
  $$f_t = \sigma(z_f), \qquad z_f = W_f\, u + b_f$$
* **Update gate** (also called the input gate) $i_t$: how much of the candidate to write.
  $$i_t = \sigma(z_i), \qquad z_i = W_i\, u + b_i$$
* **Candidate value** $\tilde c_t$ (`cct`, "c tilde"): new content that could be written.
  $$\tilde c_t = \tanh(z_{\tilde c}), \qquad z_{\tilde c} = W_c\, u + b_c$$
* **New cell state**: keep part of the old, add part of the candidate.
  $$c^{\langle t\rangle} = f_t \ast c^{\langle t-1\rangle} + i_t \ast \tilde c_t$$
* **Output gate** $o_t$: how much of the (squashed) cell state to show as the hidden state.
  $$o_t = \sigma(z_o), \qquad z_o = W_o\, u + b_o$$
  $$a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$$
* **Prediction**, as in the RNN but from $a^{\langle t\rangle}$:
  $$\hat y^{\langle t\rangle} = \mathrm{softmax}(W_y\, a^{\langle t\rangle} + b_y)$$

![The LSTM cell: the cell state runs along the top, the four gates read u = [a_prev; xt]](images/lstm_cell.png)

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

exercise("lstm_cell_forward", with_hint(r'''
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
    u = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(Wf @ u + bf)
    it = sigmoid(Wi @ u + bi)
    cct = np.tanh(Wc @ u + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ u + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(Wy @ a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    ### END SOLUTION
    return a_next, c_next, yt_pred, cache
'''))

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

exercise("lstm_forward", with_hint(r'''
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
'''))

md(r"""
### 4.3 Backward through one LSTM step

The cell receives two gradients from the step after it: `da_next`
$= \partial\mathcal{L}/\partial a^{\langle t\rangle}$ and `dc_next`
$= \partial\mathcal{L}/\partial c^{\langle t\rangle}$, both $(n_a, m)$.
We follow the forward equations backwards, one at a time. Names: $dc$ is the
**total** gradient of the cell state $c^{\langle t\rangle}$; $dz_f$, $dz_i$,
$dz_{\tilde c}$, $dz_o$ are the gradients of the four **pre-activations**
$z_f$, $z_i$, $z_{\tilde c}$, $z_o$ (what goes into each gate's $\sigma$ or
tanh; in code `dz_f`, `dz_i`, `dz_c`, `dz_o`, the letter of the gate's weights
`Wf`, `Wi`, `Wc`, `Wo`).

**The total gradient of the cell state.** $c^{\langle t\rangle}$ reaches the loss
directly (`dc_next`) and through $a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$.
The derivative of $\tanh(c^{\langle t\rangle})$ is $1 - \tanh(c^{\langle t\rangle})^2$
(the tanh of the **cell state**, not of the candidate), so

$$dc = dc_{next} + da_{next} \ast o_t \ast \left(1 - \tanh(c^{\langle t\rangle})^2\right)$$

**The pre-activations.** Using $\sigma' = \sigma\,(1-\sigma)$ and
$\tanh' = 1 - \tanh^2$, from $a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$
and $c^{\langle t\rangle} = f_t \ast c^{\langle t-1\rangle} + i_t \ast \tilde c_t$:

$$dz_o = da_{next} \ast \tanh(c^{\langle t\rangle}) \ast o_t \ast (1 - o_t)$$
$$dz_{\tilde c} = dc \ast i_t \ast (1 - \tilde c_t^{\,2})$$
$$dz_i = dc \ast \tilde c_t \ast i_t \ast (1 - i_t)$$
$$dz_f = dc \ast c^{\langle t-1\rangle} \ast f_t \ast (1 - f_t)$$

Each factor appears once: $\tilde c_t$ multiplies $i_t$ in $c^{\langle t\rangle}$,
so it appears in $dz_i$ (and $i_t$ in $dz_{\tilde c}$), nowhere else. The output
gate acts on $a^{\langle t\rangle}$ only, so $dz_o$ uses `da_next`, not $dc$.

**The weights.** Each pre-activation is $z_g = W_g\, u + b_g$, so for each gate
$g \in \{f, i, \tilde c, o\}$ (weights `Wf`, `Wi`, `Wc`, `Wo`):

$$dW_g = dz_g\; u^T \quad (n_a, n_a + n_x) \qquad db_g = \sum_{\text{batch}} dz_g \quad (n_a, 1)$$

**The inputs.** $u$ feeds all four gates, so its gradient is the sum of four
terms, $du = \sum_g W_g^T\, dz_g$ $(n_a + n_x, m)$; its top $n_a$ rows belong
to $a^{\langle t-1\rangle}$ and the bottom $n_x$ rows to $x^{\langle t\rangle}$.
Correspondingly, the **columns** `W[:, :n_a]` act on $a^{\langle t-1\rangle}$ and
`W[:, n_a:]` on $x^{\langle t\rangle}$:

$$da_{prev} = \sum_{g} W_g[:, :n_a]^T\, dz_g \quad (n_a, m) \qquad dx^{\langle t\rangle} = \sum_{g} W_g[:, n_a:]^T\, dz_g \quad (n_x, m)$$

**The previous cell state.** $c^{\langle t-1\rangle}$ enters only through $f_t \ast c^{\langle t-1\rangle}$:

$$dc_{prev} = dc \ast f_t \qquad (n_a, m)$$

Along the cell state, one step back is one elementwise product with the
forget gate. (The gradient also reaches $a^{\langle t-1\rangle}$ through the
gates, $da_{prev}$ above, and from there the cell state of the step before:
section 6 measures how much each way carries.)

`lstm_cell_backward(da_next, dc_next, cache)` returns a dict with the keys
`"dxt"`, `"da_prev"`, `"dc_prev"`, `"dWf"`, `"dbf"`, `"dWi"`, `"dbi"`,
`"dWc"`, `"dbc"`, `"dWo"`, `"dbo"`.

**Exercise 7 — `lstm_cell_backward`.**
""")

exercise("lstm_cell_backward", with_hint(r'''
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
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)       # total gradient of c_next
    dz_o = da_next * tanh_c * ot * (1 - ot)               # gradients of the pre-activations
    dz_c = dc * it * (1 - cct ** 2)
    dz_i = dc * cct * it * (1 - it)
    dz_f = dc * c_prev * ft * (1 - ft)
    u = np.concatenate([a_prev, xt], axis=0)
    gradients = {"dc_prev": dc * ft}
    da_prev = np.zeros_like(a_prev)
    dxt = np.zeros_like(xt)
    for g, dz in (("f", dz_f), ("i", dz_i), ("c", dz_c), ("o", dz_o)):
        W = parameters["W" + g]
        gradients["dW" + g] = dz @ u.T
        gradients["db" + g] = np.sum(dz, axis=1, keepdims=True)
        da_prev = da_prev + W[:, :n_a].T @ dz
        dxt = dxt + W[:, n_a:].T @ dz
    gradients["da_prev"] = da_prev
    gradients["dxt"] = dxt
    ### END SOLUTION
    return gradients
'''))

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

exercise("lstm_backward", with_hint(r'''
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
'''))

md(r"""
## 5. Check your gradients numerically

The backward passes can be checked without any reference: take a scalar loss
of the hidden states, $\mathcal{L} = \sum \texttt{da} \ast \texttt{a}$ for a
fixed random array `da` (then $\partial\mathcal{L}/\partial a$ is exactly `da`),
nudge one parameter entry by $\pm h$ and compare the **centred difference**

$$\frac{\partial \mathcal{L}}{\partial \theta} \approx \frac{\mathcal{L}(\theta + h) - \mathcal{L}(\theta - h)}{2h}$$

(error of order $h^2$) with what your backward pass returns. The relative
error $\max|g_{num} - g_{yours}| / \max(|g_{num}| + |g_{yours}|)$ should be
below about $10^{-7}$.

The centred differences are differences of **your forward pass**, so the
check can only blame the backward pass when the forward pass is right: a
forward pass with, say, two gates swapped makes every gradient look wrong.
That is why `gradient_check` first runs the self-checks of the two forward
functions it uses, and checks the gradients only if both pass. These cells
use your own functions; they are not graded.
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


def passing(names, needed_for):
    """True if each named function of this notebook passes its self-check; otherwise say which do not."""
    failing = [name if name in globals() else f"{name} (not defined: run its cell)" for name in names
               if name not in globals() or not report(name, globals()[name])[0]]
    if failing:
        listed = ", ".join(failing[:-1]) + " and " + failing[-1] if len(failing) > 1 else failing[0]
        which, it = ("which do not pass their self-checks", "them") if len(failing) > 1 else \
            ("which does not pass its self-check", "it")
        print(f"✗ {needed_for} did not run: it needs {listed}, {which} yet. "
              f"Fix {it} first (see the self-check under each exercise), then run this cell again.")
    return not failing


def gradient_check(forward, backward, parameters, keys, n_x, n_a, m=2, T_x=4, seed=0):
    """Compare backward's gradients of L = sum(da * a) with centred differences; print one line per gradient."""
    model = forward.__name__.split("_")[0]
    if not passing([f"{model}_cell_forward", f"{model}_forward"], f"the gradient check of {backward.__name__}"):
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T_x))
    loss = lambda: np.sum(da * forward(x, a0, parameters)[0])
    caches = forward(x, a0, parameters)[-1]
    try:
        grads = backward(da, caches)
    except NotImplementedError:
        print(f"✗ {backward.__name__}: not implemented yet (it, or the cell function it calls, raises NotImplementedError)")
        return
    targets = {"dx": x, "da0": a0, **{k: parameters[k[1:]] for k in keys}}
    wrong = False
    for key, array in targets.items():
        got = grads.get(key) if isinstance(grads, dict) else None
        if not isinstance(got, np.ndarray) or got.shape != array.shape:
            print(f"✗ {backward.__name__} {key:4s} missing or of the wrong shape (expected {array.shape})")
            wrong = True
            continue
        error = rel_error(numerical_gradient(loss, array), got)
        wrong = wrong or error >= 1e-7
        print(f"{'✓' if error < 1e-7 else '✗'} {backward.__name__} {key:4s} relative error {error:.1e}")
    if wrong:
        print(f"  Your {model}_cell_forward and {model}_forward pass their self-checks, so look for the mistake "
              f"in {backward.__name__} or {model}_cell_backward.")


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
## 6. How far back does the gradient reach?

Take a long sequence and put a loss on the **last** hidden state only: `da` is
zero everywhere except at the last step. Then `dx[:, :, t]`, which your
backward pass computes, is the learning signal that reaches the input at
step $t$. The function `gradient_reach` below measures its size $k$ steps back
from the loss, relative to its size at the last step ($k = 0$), for
$k = 0, \dots, 99$: for each example $i$ of a batch of 32 it takes the ratio
of the norms $\lVert dx^{(i)\langle T_x - k\rangle}\rVert / \lVert dx^{(i)\langle T_x\rangle}\rVert$,
and reports the median over the examples. The sequences are 150 steps long;
the first 50 only warm the states up from zero, so every step looked at is in
the network's usual regime. Everything is seeded: with correct functions you
get the numbers quoted below.

* **RNN**: random weights, `Wax` scaled by $1/\sqrt{n_x}$ and `Waa` scaled to a
  *spectral radius* $\rho$ (its largest eigenvalue, in absolute value) of 0.9.
* **LSTM**: random weights scaled by $1/\sqrt{n_a + n_x}$ and zero biases,
  except the forget gates' bias $b_f = 3$: with $\sigma(3) \approx 0.95$ the
  forget gates are mostly open (they keep most of the cell state).
* **LSTM, cell-state path only** (`cell_state_only=True`): the gradient may go
  back along the cell state alone. Each step gets `dc_next` from the step after
  it, but not its `da_prev` (so `da_next` is just `da[:, :, t]`): one step back
  is then exactly $dc_{prev} = dc \ast f_t$.
""")

code(r'''
STEPS_BACK, WARM_UP = 100, 50


def experiment_inputs(seed=0, spectral_radius=0.9, forget_bias=3.0, n_x=8, n_a=32, m=32):
    """Seeded inputs x, a zero start a0, a loss gradient da on the last step only, RNN and LSTM parameters."""
    T_x = WARM_UP + STEPS_BACK
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = np.zeros((n_a, m))
    da = np.zeros((n_a, m, T_x))
    da[:, :, -1] = rng.standard_normal((n_a, m))
    Waa = rng.standard_normal((n_a, n_a))
    rnn_params = {"Wax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
                  "Waa": spectral_radius * Waa / np.max(np.abs(np.linalg.eigvals(Waa))),
                  "Wya": np.zeros((1, n_a)), "ba": np.zeros((n_a, 1)), "by": np.zeros((1, 1))}
    lstm_params = {"Wy": np.zeros((1, n_a)), "by": np.zeros((1, 1))}
    for g in "fico":
        lstm_params["W" + g] = rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        lstm_params["b" + g] = np.zeros((n_a, 1))
    lstm_params["bf"] = np.full((n_a, 1), float(forget_bias))
    return x, a0, da, rnn_params, lstm_params


def cell_state_path(da, caches):
    """dx when the gradient goes back along the cell state only: each step gets the dc_prev of the
    step after it as dc_next, but not its da_prev."""
    cell_caches, x = caches
    dx = np.zeros(x.shape)
    dc_next = np.zeros(da.shape[:2])
    for t in reversed(range(da.shape[2])):
        grads = lstm_cell_backward(da[:, :, t], dc_next, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        dc_next = grads["dc_prev"]
    return dx


def gradient_reach(model, seed=0, spectral_radius=0.9, forget_bias=3.0, cell_state_only=False):
    """How far back a loss on the last hidden state reaches, with your forward and backward functions.

    Returns (reach, forget_gate): reach[k] is |dx| k steps before the last step relative to |dx| at the
    last step (the median over the examples), k = 0 .. STEPS_BACK-1; forget_gate is the geometric mean of
    the LSTM's forget gates over those steps (None for the RNN).
    """
    x, a0, da, rnn_params, lstm_params = experiment_inputs(seed, spectral_radius, forget_bias)
    forget_gate = None
    if model == "rnn":
        dx = rnn_backward(da, rnn_forward(x, a0, rnn_params)[-1])["dx"]
    else:
        caches = lstm_forward(x, a0, lstm_params)[-1]
        dx = cell_state_path(da, caches) if cell_state_only else lstm_backward(da, caches)["dx"]
        ft = np.stack([cache[4] for cache in caches[0][WARM_UP:]])
        forget_gate = float(np.exp(np.mean(np.log(ft))))
    sizes = np.linalg.norm(dx, axis=0)[:, ::-1][:, :STEPS_BACK]    # (m, k): k steps back from the last step
    return np.median(sizes / sizes[:, :1], axis=0), forget_gate


EXPERIMENT_USES = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
                   "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward")
MAIN_CURVES = {"basic RNN, ρ = 0.9": dict(model="rnn"),
               "LSTM, b_f = 3": dict(model="lstm"),
               "LSTM, b_f = 3, cell-state path only": dict(model="lstm", cell_state_only=True)}
SEEDS = range(6)
SETTINGS = {"basic RNN, ρ = 0.9": dict(model="rnn", spectral_radius=0.9),
            "basic RNN, ρ = 1.5": dict(model="rnn", spectral_radius=1.5),
            "basic RNN, ρ = 3": dict(model="rnn", spectral_radius=3.0),
            "LSTM, b_f = 0": dict(model="lstm", forget_bias=0.0),
            "LSTM, b_f = 1": dict(model="lstm", forget_bias=1.0),
            "LSTM, b_f = 3": dict(model="lstm", forget_bias=3.0),
            "LSTM, b_f = 3, cell-state path only": dict(model="lstm", forget_bias=3.0, cell_state_only=True),
            "LSTM, b_f = 5": dict(model="lstm", forget_bias=5.0),
            "LSTM, b_f = 5, cell-state path only": dict(model="lstm", forget_bias=5.0, cell_state_only=True)}
''', "experiment_setup")

code(r'''
try:
    import matplotlib.pyplot as plt
except ImportError:       # only this cell needs matplotlib
    plt = None

if passing(EXPERIMENT_USES, "The experiment"):
    runs = {label: gradient_reach(**setting) for label, setting in MAIN_CURVES.items()}
    curves = {label: curve for label, (curve, _) in runs.items()}
    for label, curve in curves.items():
        print(f"{label:36s} 10 steps back {curve[10]:.1e}   50 steps back {curve[50]:.1e}   99 steps back {curve[99]:.1e}")
    print(f"geometric mean of the LSTM's forget gates: {runs['LSTM, b_f = 3'][1]:.3f}")
    if plt is None:
        print("matplotlib is not installed, so there is no plot: the numbers above are what it would show. "
              "To see it, install matplotlib (pip install matplotlib) and restart the kernel.")
    else:
        fig, ax = plt.subplots(figsize=(7, 4))
        for (label, curve), style in zip(curves.items(), ("-", "-", "--")):
            ax.semilogy(np.arange(STEPS_BACK), curve, style, label=label)
        ax.set_xlabel("steps back from the loss, k")
        ax.set_ylabel("|dx k steps back| / |dx at the last step|")
        ax.set_title("Gradient of a loss at the last step, reaching back in time")
        ax.legend()
        plt.show()
''', "vanishing_gradients")

md(r"""
**What the numbers say** (seed 0, as printed above):

| curve | 10 steps back | 50 steps back | 99 steps back |
|---|---|---|---|
| basic RNN, ρ = 0.9 | 9.5e-04 | 6.2e-15 | 6.9e-29 |
| LSTM, b_f = 3 | 2.5e-01 | 1.1e-01 | 1.2e-01 |
| LSTM, b_f = 3, cell-state path only | 2.2e-01 | 3.4e-02 | 4.0e-03 |

* The RNN's gradient shrinks by a roughly constant factor per step, a straight
  line on the log scale: **exponential decay**. Ninety-nine steps back, nothing
  usable is left of it.
* The LSTM's gradient is still 1.2e-01 of its size 99 steps back.
* Along the cell state alone it is 4.0e-03 there: close to the product of 99
  forget gates, $\bar f^{\,99} \approx$ 3.2e-03 with $\bar f =$ 0.944, the
  geometric mean of the forget gates printed above. So in this network the cell-state path
  alone does **not** carry the gradient a hundred steps: 99 steps back it is
  about 30 times smaller than the whole gradient. The rest crossed between the
  two states on the way back, from $c$ to $a$ through $o_t$ and the tanh, and
  from $a$ into the gates (the $W_g[:, :n_a]$ terms of $da_{prev}$), and back
  into the cell state of an earlier step.

One seed proves little. The next cell repeats the measurement for six seeds
and a few other settings: a larger spectral radius for the RNN, other
forget-gate biases for the LSTM.
""")

code(r'''
if passing(EXPERIMENT_USES, "The experiment"):
    print(f"{'setting, 6 seeds: smallest to largest':37s}{'10 steps back':>17s}{'50 steps back':>17s}"
          f"{'99 steps back':>17s}   forget gates")
    for label, setting in SETTINGS.items():
        runs = [gradient_reach(seed=seed, **setting) for seed in SEEDS]
        curves = np.array([curve for curve, _ in runs])
        ranges = "".join(f"{curves[:, k].min():.0e} to {curves[:, k].max():.0e}".rjust(17) for k in (10, 50, 99))
        gates = ""
        if setting["model"] == "lstm":
            means = [forget_gate for _, forget_gate in runs]
            gates = f"{min(means):.3f} to {max(means):.3f}"
        print(f"{label:37s}{ranges}   {gates}")
''', "gradient_reach_settings")

md(r"""
Over six seeds (smallest to largest value, and the geometric mean of the forget gates):

| setting | 10 steps back | 50 steps back | 99 steps back | forget gates |
|---|---|---|---|---|
| basic RNN, ρ = 0.9 | 7e-04 to 5e-03 | 8e-16 to 9e-13 | 5e-31 to 3e-24 | |
| basic RNN, ρ = 1.5 | 5e-02 to 3e-01 | 5e-07 to 3e-04 | 2e-13 to 2e-07 | |
| basic RNN, ρ = 3 | 2e+00 to 1e+01 | 8e+01 to 1e+05 | 2e+04 to 1e+10 | |
| LSTM, b_f = 0 | 1e-02 to 1e-02 | 6e-10 to 8e-09 | 9e-19 to 2e-16 | 0.487 to 0.490 |
| LSTM, b_f = 1 | 1e-01 to 2e-01 | 8e-04 to 4e-03 | 1e-06 to 4e-05 | 0.715 to 0.719 |
| LSTM, b_f = 3 | 2e-01 to 4e-01 | 1e-01 to 4e-01 | 1e-01 to 7e-01 | 0.943 to 0.947 |
| LSTM, b_f = 3, cell-state path only | 2e-01 to 3e-01 | 2e-02 to 4e-02 | 2e-03 to 4e-03 | 0.943 to 0.947 |
| LSTM, b_f = 5 | 1e-01 to 2e-01 | 1e-01 to 2e-01 | 2e-01 to 4e-01 | 0.992 to 0.992 |
| LSTM, b_f = 5, cell-state path only | 8e-02 to 2e-01 | 7e-02 to 2e-01 | 4e-02 to 9e-02 | 0.992 to 0.992 |

* **A larger $W_{aa}$ does not rescue the RNN.** At $\rho = 1.5$ the gradient
  still vanishes in every seed: $W_{aa}$ alone would make it grow by about 1.5
  per step, but the tanh's derivative $1 - (a^{\langle t\rangle})^2$, the
  smaller the larger the states, more than undoes that. At $\rho = 3$ it
  **explodes** instead, by a factor between 2e+04 and 1e+10 at 99 steps back
  (clipping the gradient is the usual cure). Neither setting carries a usable
  signal a hundred steps.
* **The LSTM needs its forget gates open.** With $b_f = 0$ or $1$ (forget gates
  around 0.49 or 0.72) its gradient vanishes too, more slowly than the
  RNN's. With $b_f = 3$ it keeps between 1e-01 and 7e-01 of its size 99 steps
  back in every seed, never above its size at the last step.
* **The cell-state path alone** is, 99 steps back, at most 4e-03 with
  $b_f = 3$, but between 4e-02 and 9e-02 with $b_f = 5$, where the forget
  gates are about 0.992: the closer $f_t$ is to 1, the more of the gradient the
  cell state carries by itself ($0.992^{99} \approx 0.45$).

What the gates buy, then, is control: where the forget gates stay near 1, the
cell state is a path back in time without a weight matrix or a squashing
derivative at every step, and the forget gates are weights and biases like
any other: training can open them where something must be remembered.

Try it yourself: `gradient_reach("lstm", forget_bias=-3)`, `gradient_reach("rnn",
spectral_radius=2)`, or your own settings, and plot the curves as above.

**Before you submit:** restart the kernel and run all cells (*Kernel → Restart
& Run All*), and check that every self-check prints only `✓` lines.
""")

md(r"""
## 7. What next

* **GRUs.** The *gated recurrent unit* (Cho et al., 2014) keeps the idea and
  drops the separate cell state: an update gate $\Gamma_u$ blends the old hidden
  state with a candidate, $a^{\langle t\rangle} = \Gamma_u \ast \tilde a_t + (1 - \Gamma_u) \ast a^{\langle t-1\rangle}$,
  and a reset gate decides how much of $a^{\langle t-1\rangle}$ the candidate
  sees. Writing its cell forward and backward passes is a good test of what you
  did here: the same steps, three weight matrices instead of four.
* **Frameworks.** In practice you would use a library's LSTM and let automatic
  differentiation write the backward pass. Their conventions differ from this
  notebook's, so read the documentation before you compare numbers.
  PyTorch's `torch.nn.LSTM` takes its input as (time, batch, features) by
  default, or (batch, time, features) with `batch_first=True`: features are the
  *last* axis, and the products are `x @ W.T`. It stores the four
  gates' weights stacked in one matrix per input, `weight_ih_l0` of shape
  (4·hidden, input) and `weight_hh_l0` of shape (4·hidden, hidden), in the order
  input, forget, cell (candidate), output, with two biases `bias_ih_l0` and
  `bias_hh_l0` that are added together; it calls the hidden state `h` and
  returns `output, (h_n, c_n)`. Keras' `LSTM` takes (batch, time, features) and,
  by default (`unit_forget_bias=True`), adds 1 to the forget gate's bias at
  initialisation: the forget-gate bias of the $b_f = 1$ row above.
* **Next exercise.** Put these functions to work: train a small model on
  real sequences, for example a character-level language model that reads
  text one character at a time, predicts the next one and then generates text
  by sampling. That brings in what this notebook left out: the loss and the
  gradient of the output layer ($W_{ya}$, $b_y$), gradient clipping, and
  sampling from the softmax.
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
