"""Symptoms, for any exercise: facts about wrong outputs that point at their cause, whatever code
produced them.

A catalogue recognises known mistakes by reproducing them. Symptoms reason
from the outputs themselves, for the mistakes nobody listed: an output that is
all zeros, the transpose of the right value, a mean where a sum belongs, a
softmax whose columns do not sum to 1, an input passed through, a sequence
stored one step late or in reverse, two outputs returned in each other's
place, a cache whose items are the right ones in another order. An exercise
builds a `Symptoms` with its tolerance and layout (which axis is the batch,
which the time steps, how its sizes are named), adds the analyses only it can
make (what a cell received, the gradient behind an output), and calls
`Symptoms.explain`.

Every symptom is checked on every case where the output is wrong and must
hold there exactly (within the exercise's tolerance); a case that cannot show
it (one time step, one example) is neutral. A symptom is a statement about the
output, then the most direct cause and the right formula. It runs only when no
catalogue entry matches, in the trusted grader, on plain decoded data; its
work is bounded by a fixed set of candidates per output.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .edits import sigmoid, softmax

NEUTRAL = ""  # a case that cannot show the symptom: neither for nor against


def is_array(x) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind in "fiub"


def number(x) -> float | None:
    if isinstance(x, (float, int, np.generic)) and not isinstance(x, bool):
        return float(x)
    if is_array(x) and x.shape == ():
        return float(x)
    return None


def per_case(n: int, describe) -> str | None:
    """The text `describe(i)` gives on every case i that is not NEUTRAL, if it is one and the same."""
    found = None
    for i in range(n):
        with np.errstate(all="ignore"):
            text = describe(i)
        if text == NEUTRAL:
            continue
        if text is None or (found is not None and text != found):
            return None
        found = text
    return found


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": np.tanh, "no activation": lambda v: v}


class Symptoms:
    """The generic symptoms, for one exercise's layout.

    tolerance: the exercise's (rtol, atol), as the grader compares;
    arguments: function name -> its argument names (inputs passed through are named);
    batch(case), steps(case): the case's batch size and number of time steps (None: not known);
    steps_name: how the exercise writes the number of steps ("T");
    sequence_gradients: names of a sequence function's incoming gradient (first argument):
                        a gradient divided by the steps is a mean over them;
    predictions: the output names that are probability distributions (softmax over axis 0).
    Arrays are (features, batch) per step, and a sequence stacks steps on its last axis.
    """

    def __init__(self, tolerance, arguments: Mapping[str, tuple], *, batch: Callable = lambda case: None,
                 steps: Callable = lambda case: None, steps_name: str = "T", sequence_gradients=(),
                 predictions=()):
        self.rtol, self.atol = tolerance.rtol, tolerance.atol
        self.arguments = dict(arguments)
        self.batch, self.steps, self.T = batch, steps, steps_name
        self.sequence_gradients = tuple(sequence_gradients)
        self.predictions = tuple(predictions)
        self.output_checks = (self._zeros, self._zero_steps, self._transposed, self._keepdims, self._total,
                              self._summed_batch, self._scaled, self._another_output, self._an_input,
                              self._time_order)

    # ------------------------------------------------------------ comparing
    def close(self, got, want) -> bool:
        """Would the grader accept `got` for the array `want`?"""
        if not (is_array(got) and isinstance(want, np.ndarray)) or got.shape != want.shape:
            return False
        with np.errstate(all="ignore"):
            g = got.astype(np.float64)
            return bool(np.all(np.isfinite(g)) and np.allclose(g, want, rtol=self.rtol, atol=self.atol))

    def factor_change(self, mine, right, factors: dict) -> str | None:
        """How `mine` differs from `right` by one factor: an extra one, a missing one, or one in place of another."""
        close = self.close
        for name, f in factors.items():
            if close(mine, right * f):
                return f"an extra factor {name}"
        usable = {n: f for n, f in factors.items() if np.all(np.abs(f) > 1e-6)}
        for name, f in usable.items():
            if close(mine, right / f):
                return f"no factor {name}"
        for name, f in factors.items():
            for other, h in usable.items():
                if name != other and close(mine, right * f / h):
                    return f"{name} where {other} belongs"
        return None

    def term_change(self, mine, right, terms: dict) -> str | None:
        """How `mine` differs from `right` by one term: missing, extra, or one in place of another."""
        close = self.close
        for name, t in terms.items():
            if close(mine, right - t):
                return f"no term {name}"
        for name, t in terms.items():
            if close(mine, right + t):
                return f"an extra term {name}"
        for name, t in terms.items():
            for other, u in terms.items():
                if name != other and t.shape == u.shape and close(mine, right - u + t):
                    return f"{name} where {other} belongs"
        return None

    def pre_activation_change(self, mine, act_name, right_pre, terms, bias) -> str | None:
        """How a gate or state act(right_pre) differs: another activation, a term missing/extra/swapped
        inside it, or the bias added after it."""
        close = self.close
        if not is_array(mine) or mine.shape != right_pre.shape:
            return None
        act = ACTIVATIONS[act_name]
        for other, f in ACTIVATIONS.items():
            if other != act_name and close(mine, f(right_pre)):
                return f"uses {other} where {act_name} belongs"
        if close(mine - bias, act(right_pre - bias)):
            return "adds its bias after the activation"
        for name, t in terms.items():
            for sign, word in ((-1, "misses the term"), (1, "has an extra term"), (-2, "subtracts the term")):
                if close(mine, act(right_pre + sign * t)):
                    return f"{word} {name}"
        for name, t in terms.items():
            for other, u in terms.items():
                if name != other and t.shape == u.shape and close(mine, act(right_pre - u + t)):
                    return f"has {name} where {other} belongs"
        return None

    # ------------------------------------------------------------ one output, any function
    def _zeros(self, got, want, case):
        if is_array(got) and got.shape == want.shape and got.size and not np.any(got) and np.any(want):
            return "is all zeros: it is set up (np.zeros) but never filled in with its values"
        return None

    def _zero_steps(self, got, want, case):
        """A sequence output right at every step but some first or last ones, which are zero."""
        if want.ndim == 3 and want.shape[2] < 2:
            return NEUTRAL
        if want.ndim != 3 or not is_array(got) or got.shape != want.shape:
            return None
        zero = [not np.any(got[:, :, t]) and np.any(want[:, :, t]) for t in range(want.shape[2])]
        right = [self.close(got[:, :, t], want[:, :, t]) for t in range(want.shape[2])]
        if not any(zero) or not all(z or r for z, r in zip(zero, right)):
            return None
        T = self.T
        if zero[0] and not zero[-1]:
            return f"is zero at t = 0 and right after it: the loop skips the first step (range({T}) starts at 0)"
        if zero[-1] and not zero[0]:
            return f"is zero at the last step and right before it: the loop stops before t = {T} - 1 (range({T}))"
        return None

    def _transposed(self, got, want, case):
        if want.ndim == 2 and want.shape[0] != want.shape[1] and self.close(got, want.T):
            return ("is the transpose of the right value: a product with its factors in the wrong order "
                    "(B @ A.T in place of A @ B.T), or a .T too many")
        return None

    def _keepdims(self, got, want, case):
        if want.ndim == 2 and want.shape[1] == 1 and self.close(got, want[:, 0]):
            return "has the right values but lost its second axis: sum with keepdims=True to keep a column"
        return None

    def _total(self, got, want, case):
        value = number(got)
        if value is not None and want.size > 1 and np.isclose(value, float(want.sum()), rtol=self.rtol, atol=self.atol):
            return ("is one number, the sum of all its right entries: the sum runs over every axis; "
                    "sum over the batch only (axis=1, keepdims=True)")
        if want.size > 1 and is_array(got) and got.shape == want.shape and self.close(got, np.full(want.shape, want.sum())):
            return ("holds in every entry the sum of all its right entries: a sum over every axis "
                    "(np.sum without axis) where each entry keeps its own value")
        return None

    def _summed_batch(self, got, want, case):
        if want.ndim == 2 and want.shape[1] > 1 and self.close(got, want.sum(axis=1, keepdims=True)):
            return "is summed over the batch: it keeps one column per example (no sum for this gradient)"
        return None

    def _scaled(self, got, want, case):
        m, steps = self.batch(case), self.steps(case)
        if m is not None and m > 1 and self.close(got, want / m):
            return "is the mean over the batch of the right value: sum over the examples (np.sum, not np.mean)"
        if want.ndim <= 2 and steps is not None and steps > 1 \
                and self.arguments.get(case.problem, ("",))[0] in self.sequence_gradients \
                and self.close(got, want / steps):
            return "is the mean over the time steps of the right value: sum the steps' gradients"
        if self.close(got, -want):
            return "has the opposite sign of the right value: a minus sign too many (or a subtraction reversed)"
        if self.close(got, 2 * want):
            return "is twice the right value: the same term is added twice"
        return None

    def input_leaves(self, case):
        """(name, array) for every input array of the call, and the first and last step of a sequence input."""
        out = []
        for name, value in zip(self.arguments.get(case.problem, ()), case.args):
            if isinstance(value, np.ndarray):
                out.append((f"`{name}`", value))
                if value.ndim == 3:
                    out.append((f"`{name}[:, :, 0]`", value[:, :, 0]))
                    out.append((f"`{name}[:, :, {self.T} - 1]`", value[:, :, -1]))
        return out

    def _an_input(self, got, want, case):
        for name, value in self.input_leaves(case):
            if self.close(got, value):
                return f"equals the input {name}: it is passed through instead of computed"
        if is_array(got) and got.shape == want.shape:
            for name, value in self.input_leaves(case):
                if value.shape == want.shape and self.close(got, want + value):
                    return f"has an extra term, the input {name}: it is added once too often"
        return None

    def _another_output(self, got, want, case):
        for other, value in case.expected.items():
            if isinstance(value, np.ndarray) and value is not want and self.close(got, value):
                return f"equals what `{other}` should be: it is computed from the other one's values (a copy-paste slip)"
        return None

    def _time_order(self, got, want, case):
        if want.ndim == 3 and want.shape[2] < 2:
            return NEUTRAL
        if want.ndim != 3 or not is_array(got) or got.shape != want.shape:
            return None
        if self.close(got[:, :, 1:], want[:, :, :-1]):
            return "is one step late: at step t it holds step t-1's value (stored before the step is computed)"
        if self.close(got[:, :, :-1], want[:, :, 1:]):
            return "is one step early: at step t it holds step t+1's value"
        if self.close(got, want[:, :, ::-1]):
            return "holds the right steps in reverse order: store step t's value at [:, :, t]"
        return None

    def _not_a_softmax(self, got, want, case):
        if is_array(got) and got.shape == want.shape and np.all(np.isfinite(got)):
            sums = got.sum(axis=0)
            if np.all(np.any(got != 0, axis=0)) and not np.allclose(sums, 1.0, rtol=self.rtol, atol=self.atol):
                return ("has columns that do not sum to 1: it is not a softmax over axis 0 (each column "
                        "is one example's probability distribution)")
        return None

    def output_symptom(self, key: str, pairs: list) -> str | None:
        """The first symptom that holds on every case where `key` is wrong (pairs: (got, want, case, wrong))."""
        checks = self.output_checks + ((self._not_a_softmax,) if key in self.predictions else ())
        for check in checks:
            found, failed = None, False
            for got, want, case, wrong_here in pairs:
                if not wrong_here:
                    continue
                with np.errstate(all="ignore"):
                    text = check(got, want, case) if isinstance(want, np.ndarray) else None
                if text == NEUTRAL:
                    continue
                if text is None or (found is not None and text != found):
                    failed = True
                    break
                found = text
            if found and not failed:
                return found
        return None

    # ------------------------------------------------------------ outputs and caches
    def swapped_outputs(self, problem, cases, got, wrong) -> str | None:
        """Two outputs returned in each other's place."""
        for i, a in enumerate(problem.outputs):
            for b in problem.outputs[i + 1:]:
                if a in wrong and b in wrong and all(
                        isinstance(c.expected[a], np.ndarray) and self.close(g.get(a), c.expected[b])
                        and self.close(g.get(b), c.expected[a]) for c, g in zip(cases, got)):
                    order = ", ".join(problem.outputs)
                    return f"`{a}` and `{b}` are returned in each other's place: the function returns ({order})."
        return None

    def cell_order(self, got_cell, want_cell, names) -> str | None:
        """A cell cache (a tuple of `names`, a dict last) whose items are the right ones in another order."""
        if not (isinstance(got_cell, (tuple, list)) and len(got_cell) == len(names)):
            return None
        moved = []
        for i, name in enumerate(names):
            if (isinstance(got_cell[i], dict) and isinstance(want_cell[i], dict)) or self.close(got_cell[i], want_cell[i]):
                continue
            holds = [names[j] for j in range(len(names)) if j != i and (
                self.close(got_cell[i], want_cell[j]) or (isinstance(got_cell[i], dict) and isinstance(want_cell[j], dict)))]
            if not holds:
                return None
            moved.append(f"{holds[0]} where {name} belongs")
        if not moved:
            return None
        return (f"holds {', '.join(moved)}: the items go in the order ({', '.join(names)}), the order the "
                f"backward pass unpacks")

    def same_cells(self, got_cell, want_cell, names) -> bool:
        """A cell cache whose array items (all but the last, the parameters) are right."""
        return (isinstance(got_cell, (tuple, list)) and len(got_cell) == len(names)
                and all(self.close(got_cell[i], want_cell[i]) for i in range(len(names) - 1)))

    def case_outputs(self, case, out):
        """(name, value) of the student's own array outputs and the call's array inputs."""
        items = [(k, v) for k, v in out.items() if is_array(v)]
        return items + [(k, v) for k, v in zip(self.arguments.get(case.problem, ()), case.args)
                        if isinstance(v, np.ndarray)]

    def cache_symptom(self, problem, cases, got, names, sequence: bool, sequence_input: str = "x") -> str | None:
        """What is wrong with a cell's cache (a tuple of `names`) or a sequence's (the list of cell
        caches, `sequence_input`): items in another order, no cell cache, caches in reverse order."""
        key = problem.cache_output

        def describe(i):
            mine, want = got[i].get(key), cases[i].expected[key]
            if not sequence:
                return NEUTRAL if self.same_cells(mine, want, names) else self.cell_order(mine, want, names)
            if not (isinstance(mine, (tuple, list)) and len(mine) == 2 and isinstance(mine[0], (tuple, list))):
                return None
            if len(mine[0]) == 0:
                return "holds no cell cache: append each step's cache to the list (caches.append(cache))"
            if not self.close(mine[1], want[1]) and is_array(mine[1]):
                for name, value in [(f"`{k}`", v) for k, v in self.case_outputs(cases[i], got[i])]:
                    if self.close(mine[1], value):
                        return (f"holds {name} where {sequence_input} belongs: caches = (the list of cell caches, "
                                f"{sequence_input})")
                return None
            if len(mine[0]) != len(want[0]):
                return None
            if len(want[0]) > 1 and all(self.same_cells(g, w, names) for g, w in zip(mine[0], want[0][::-1])):
                return "holds the cell caches in reverse order: append each step's cache in time order"
            texts = {self.cell_order(g, w, names) for g, w in zip(mine[0], want[0]) if not self.same_cells(g, w, names)}
            return texts.pop() if len(texts) == 1 and None not in texts else (NEUTRAL if not texts else None)
        text = per_case(len(cases), describe)
        return f"`{key}` {text}." if text else None

    # ------------------------------------------------------------ the driver
    def explain(self, problem, cases, got: list[dict], wrong: set[str], *, leading=(), parts=(),
                cache: Callable | None = None) -> list[str]:
        """Hints for a function whose wrong outputs no catalogue entry explains.

        `got[i]` holds the submission's outputs on `cases[i]` (every case returned a value of the
        right form); `wrong` the outputs the grader marked wrong. `leading`: analyses (problem,
        cases, got, wrong) -> a hint or None, tried first, the first hint alone is the answer;
        then two outputs swapped; then `parts`: analyses -> hints (structural: a cell's
        intermediate values, the gradient behind an output); then, if nothing was found and the
        cache is wrong, `cache(problem, cases, got)` -> a hint or None. Then each remaining wrong
        output gets at most one symptom, outputs with the same symptom sharing a hint.
        """
        for analysis in leading:
            hint = analysis(problem, cases, got, wrong)
            if hint:
                return [hint]
        swapped = self.swapped_outputs(problem, cases, got, wrong)
        if swapped:
            return [swapped]
        hints: list[str] = []
        for analysis in parts:
            hints += analysis(problem, cases, got, wrong, hints)
        if cache is not None and problem.cache_output in wrong and not hints:
            hint = cache(problem, cases, got)
            hints += [hint] if hint else []
        named = " ".join(hints)
        by_text: dict[str, list[str]] = {}
        for key in problem.outputs:
            if key not in wrong or key == problem.cache_output or f"`{key}`" in named:
                continue
            pairs = [(g.get(key), case.expected[key], case, not self.close(g.get(key), case.expected[key]))
                     for g, case in zip(got, cases)]
            text = self.output_symptom(key, pairs)
            if text:
                by_text.setdefault(text, []).append(f"`{key}`")
        for text, keys in by_text.items():  # outputs with the same symptom share one hint
            hints.append(f"{keys[0]} {text}." if len(keys) == 1 else f"{', '.join(keys)}: each {text}.")
        return hints
