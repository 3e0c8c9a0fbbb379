"""One-edit diagnosis of the cell functions: which single slip in the right lines gives these outputs?

Each cell function (rnn/lstm, forward/backward) is written here once more as
a short program of lines `name = expression`, the reference's equations; the
engine that enumerates every one-slip edit of a program, runs the edits on the
hidden cases and names the one whose outputs are the submission's is the
protocol's (grader/exercise/edits.py): dc_next where dc belongs, a_prev where
c_prev belongs, a term or a factor left out, another activation, a product
transposed or with its operands swapped, another sum, a sign flipped, (1 -
x)**2 for 1 - x**2. The sequence functions' loop slips are listed here too
(LOOP_EDITS), each a keyword of mistakes.py's sequence passes.

A hint shows the edited line beside the right one, so it names the slip
whatever code the student wrote around it. Everything runs in the trusted
grader, on the hidden inputs, never beside student code.
"""
from __future__ import annotations

import numpy as np

from ...exercise import edits as engine
from .reference import softmax

Edit, cols, evaluate, show = engine.Edit, engine.cols, engine.evaluate, engine.show  # this module's vocabulary

# ---------------------------------------------------------------- the four cell programs

_GATE_GRADS = {"f": "dft", "i": "dit", "c": "dcct", "o": "dot"}


def _gate_sum(part: str):
    """sum over the gates of W[:, cols].T @ dgate (part "first": the a_prev columns, "rest": the xt columns)."""
    terms = [("matmul", ("T", cols(f"W{g}", part, "a_prev", "n_a")), d) for g, d in _GATE_GRADS.items()]
    expr = terms[0]
    for t in terms[1:]:
        expr = ("add", expr, t)
    return expr


PROGRAMS = {
    "rnn_cell_forward": {
        "inputs": ("xt", "a_prev", "Wax", "Waa", "Wya", "ba", "by"),
        "lines": (
            ("a_next", ("tanh", ("add", ("add", ("matmul", "Waa", "a_prev"), ("matmul", "Wax", "xt")), "ba"))),
            ("yt_pred", ("softmax", ("add", ("matmul", "Wya", "a_next"), "by"))),
        ),
    },
    "lstm_cell_forward": {
        "inputs": ("xt", "a_prev", "c_prev", "Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"),
        "lines": (
            ("concat", ("concat", "a_prev", "xt")),
            ("ft", ("sigmoid", ("add", ("matmul", "Wf", "concat"), "bf"))),
            ("it", ("sigmoid", ("add", ("matmul", "Wi", "concat"), "bi"))),
            ("cct", ("tanh", ("add", ("matmul", "Wc", "concat"), "bc"))),
            ("c_next", ("add", ("mul", "ft", "c_prev"), ("mul", "it", "cct"))),
            ("ot", ("sigmoid", ("add", ("matmul", "Wo", "concat"), "bo"))),
            ("a_next", ("mul", "ot", ("tanh", "c_next"))),
            ("yt_pred", ("softmax", ("add", ("matmul", "Wy", "a_next"), "by"))),
        ),
    },
    "rnn_cell_backward": {
        "inputs": ("da_next", "a_next", "a_prev", "xt", "Wax", "Waa"),
        "lines": (
            ("dz", ("mul", ("one_minus", ("sq", "a_next")), "da_next")),
            ("dxt", ("matmul", ("T", "Wax"), "dz")),
            ("da_prev", ("matmul", ("T", "Waa"), "dz")),
            ("dWax", ("matmul", "dz", ("T", "xt"))),
            ("dWaa", ("matmul", "dz", ("T", "a_prev"))),
            ("dba", ("sum1k", "dz")),
        ),
    },
    "lstm_cell_backward": {
        "inputs": ("da_next", "dc_next", "a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt",
                   "Wf", "Wi", "Wc", "Wo"),
        "lines": (
            ("dc", ("add", "dc_next", ("mul", ("mul", "ot", ("one_minus", ("sq", ("tanh", "c_next")))), "da_next"))),
            ("dot", ("mul", ("mul", ("mul", "da_next", ("tanh", "c_next")), "ot"), ("one_minus", "ot"))),
            ("dcct", ("mul", ("mul", "dc", "it"), ("one_minus", ("sq", "cct")))),
            ("dit", ("mul", ("mul", ("mul", "dc", "cct"), "it"), ("one_minus", "it"))),
            ("dft", ("mul", ("mul", ("mul", "dc", "c_prev"), "ft"), ("one_minus", "ft"))),
            ("concat", ("concat", "a_prev", "xt")),
            *((f"dW{g}", ("matmul", d, ("T", "concat"))) for g, d in _GATE_GRADS.items()),
            *((f"db{g}", ("sum1k", d)) for g, d in _GATE_GRADS.items()),
            ("da_prev", _gate_sum("first")),
            ("dc_prev", ("mul", "dc", "ft")),
            ("dxt", _gate_sum("rest")),
        ),
    },
}


# ---------------------------------------------------------------- running a program on a case

def environment(function: str, args: tuple) -> dict:
    """The inputs of the program, by name, from a call's arguments."""
    if function == "rnn_cell_forward":
        xt, a_prev, p = args
        return {"xt": xt, "a_prev": a_prev, **p}
    if function == "lstm_cell_forward":
        xt, a_prev, c_prev, p = args
        return {"xt": xt, "a_prev": a_prev, "c_prev": c_prev, **p}
    if function == "rnn_cell_backward":
        da_next, (a_next, a_prev, xt, p) = args
        return {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "xt": xt, **p}
    da_next, dc_next, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p) = args
    return {"da_next": da_next, "dc_next": dc_next, "a_next": a_next, "c_next": c_next, "a_prev": a_prev,
            "c_prev": c_prev, "ft": ft, "it": it, "cct": cct, "ot": ot, "xt": xt, **p}


_BACKWARD_KEYS = {"rnn_cell_backward": ("dxt", "da_prev", "dWax", "dWaa", "dba"),
                  "lstm_cell_backward": ("dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc",
                                         "dWo", "dbo")}


def _outputs(function: str):
    """The function's outputs from the lines' values (a forward cell's cache included)."""
    def outputs(env, args):
        if function == "rnn_cell_forward":
            xt, a_prev, p = args
            return {"a_next": env["a_next"], "yt_pred": env["yt_pred"], "cache": (env["a_next"], a_prev, xt, p)}
        if function == "lstm_cell_forward":
            xt, a_prev, c_prev, p = args
            cache = tuple(env[k] for k in ("a_next", "c_next")) + (a_prev, c_prev) + tuple(
                env[k] for k in ("ft", "it", "cct", "ot")) + (xt, p)
            return {"a_next": env["a_next"], "c_next": env["c_next"], "yt_pred": env["yt_pred"], "cache": cache}
        return {k: env[k] for k in _BACKWARD_KEYS[function]}
    return outputs


# the names a forward cell's cache holds (an edit of one of them changes the cache)
_CACHED = {"rnn_cell_forward": {"a_next"}, "lstm_cell_forward": {"a_next", "c_next", "ft", "it", "cct", "ot"}}
_FORWARD_OUTPUTS = {"rnn_cell_forward": ("a_next", "yt_pred"), "lstm_cell_forward": ("a_next", "c_next", "yt_pred")}


def _holds(function: str) -> dict:
    outputs = _FORWARD_OUTPUTS.get(function) or _BACKWARD_KEYS[function]
    held = {k: frozenset({k}) for k in outputs}
    if function in _CACHED:
        held["cache"] = frozenset(_CACHED[function])
    return held


def _program(function: str) -> engine.Program:
    spec = PROGRAMS[function]
    return engine.Program(inputs=spec["inputs"], lines=spec["lines"],
                          environment=lambda args: environment(function, args), outputs=_outputs(function),
                          holds=_holds(function), upstream=tuple(n for n in spec["inputs"] if n.startswith("d")))


PROGRAM = {function: _program(function) for function in PROGRAMS}


def run(function: str, lines, args: tuple, start: int = 0, base: dict | None = None) -> dict:
    """The program's outputs, by output name / gradient key (a forward cell's cache included).
    With `base` (the right program's values on these args) only line `start` and the lines that
    depend on it are computed again."""
    return PROGRAM[function].run(lines, args, start, base)


def _values(function: str, args: tuple) -> dict:
    return PROGRAM[function].values(args)


def _names(expr) -> set[str]:
    return engine.names(expr)


def _general(cases):
    """The case with the largest batch (all sizes distinct): the edits' shapes are read on it."""
    return max(cases, key=lambda c: c.shape.m)


def for_cases(function: str, cases) -> list[Edit]:
    """The edits of `function`, shapes taken from the case with the largest batch (all sizes distinct)."""
    return engine.for_case(PROGRAM[function], _general(cases))


def explain(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """A hint naming the one-slip edit (or loop slip) whose outputs are the submission's, or []."""
    if problem.name in LOOP_EDITS:
        return explain_loop(problem, cases, got, wrong)
    if problem.name not in PROGRAM:
        return []
    return engine.explain(problem, PROGRAM[problem.name], cases, got, wrong, _general)



# ---------------------------------------------------------------- the sequence functions' loops
# One slip in the loop of a sequence function: what a step's cell receives, what is carried to the
# next step, what is stored, which steps run. Each is a keyword of mistakes.py's sequence
# passes (which call the reference cells, as the grader's black box does), with what it means.

def _forward_loop_edits(lstm: bool):
    out = [
        ({"start": "zeros"}, "the hidden state starts at zeros", "a_next = a0 before the loop"),
        ({"start": "ones"}, "the hidden state starts at ones", "a_next = a0 before the loop"),
        ({"start": "tanh-a0"}, "the hidden state starts at tanh(a0)", "a_next = a0 before the loop"),
        ({"a_prev_transform": np.tanh}, "the carried state goes through tanh again before the cell",
         "a_prev is the previous step's a_next as it is"),
        ({"every_step_from_a0": True}, "every step receives a0 as a_prev", "a_prev is the previous step's a_next"),
        ({"a_prev_from": "zeros"}, "every step receives zeros as a_prev", "a_prev is the previous step's a_next"),
        ({"first_step": 1}, "the loop starts at t = 1", "for t in range(T_x)"),
        ({"last_step": -1}, "the loop stops before the last step", "for t in range(T_x)"),
        ({"input_step": "first"}, "every step reads x[:, :, 0]", "step t reads xt = x[:, :, t]"),
        ({"input_step": "previous"}, "step t reads x[:, :, t - 1]", "step t reads xt = x[:, :, t]"),
        ({"input_step": "reversed"}, "step t reads x[:, :, T_x - 1 - t]", "step t reads xt = x[:, :, t]"),
        ({"store_a": "a_prev"}, "a[:, :, t] stores the state the step started from", "a[:, :, t] = a_next"),
        ({"store_y": False}, "y is never stored", "y[:, :, t] = the step's prediction"),
        ({"y_transform": softmax}, "the prediction goes through softmax again", "y[:, :, t] = the step's prediction"),
        ({"y_transform": np.tanh}, "the prediction goes through tanh", "y[:, :, t] = the step's prediction"),
        ({"y_index": "previous"}, "the prediction is stored at t - 1", "y[:, :, t] = the step's prediction"),
    ]
    if lstm:
        out += [
            ({"c_start": "a0"}, "the cell state starts at a0", "c_next = zeros before the loop"),
            ({"c_start": "ones"}, "the cell state starts at ones", "c_next = zeros before the loop"),
            ({"carry_c": False}, "every step receives zeros as c_prev", "c_prev is the previous step's c_next"),
            ({"a_prev_from": "c_next"}, "a_prev is the previous step's c_next", "a_prev is the previous a_next"),
            ({"c_prev_from": "a_next"}, "c_prev is the previous step's a_next", "c_prev is the previous c_next"),
            ({"c_holds_a": True}, "c[:, :, t] stores a_next", "c[:, :, t] = c_next"),
            ({"store_c": "tanh"}, "c[:, :, t] stores tanh(c_next)", "c[:, :, t] = c_next"),
            ({"store_a": "c_next"}, "a[:, :, t] stores c_next", "a[:, :, t] = a_next"),
        ]
    # what the loop reads back from the arrays it fills, and stores dedented out of the loop
    out += [
        ({"state_from_arrays": ("a",)}, "step t reads its previous state as a[:, :, t - 1] (at t = 0 that is "
         "a[:, :, -1], the last slot: zeros, not a0)", "a_prev is a0 at t = 0, then the previous step's a_next"),
        ({"after_loop": ("caches",)}, "caches.append(cache) is after the loop (only the last step's cache is kept)",
         "caches.append(cache) belongs inside the loop, at every step"),
        ({"after_loop": ("a",)}, "a[:, :, t] = a_next is after the loop (only the last step is stored)",
         "a[:, :, t] = a_next belongs inside the loop, at every step"),
        ({"after_loop": ("y",)}, "the prediction is stored after the loop (only the last step's)",
         "y[:, :, t] = the step's prediction, inside the loop"),
        ({"start": "a-array"}, "the state starts as a[:, :, 0], a view of the zero array a (zeros at t = 0, "
         "then overwritten by the first step)", "a_next = a0 before the loop"),
        ({"state_from_arrays": ("a",), "state_offset": 0}, "step t reads its previous state as a[:, :, t] "
         "(the slot the step is about to fill: zeros)", "a_prev is a0 at t = 0, then the previous step's a_next"),
    ]
    if lstm:
        out += [
            ({"state_from_arrays": ("c",)}, "step t reads c_prev as c[:, :, t - 1] (at t = 0 that is c[:, :, -1], "
             "the last slot, which the last step overwrites: step 0's cache keeps that view)",
             "c_prev is zeros at t = 0, then the previous step's c_next"),
            ({"state_from_arrays": ("a", "c")}, "step t reads its previous states as a[:, :, t - 1] and "
             "c[:, :, t - 1] (at t = 0 that is the last slot: zeros, not a0)",
             "a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next"),
            ({"after_loop": ("c",)}, "c[:, :, t] = c_next is after the loop (only the last step is stored)",
             "c[:, :, t] = c_next belongs inside the loop, at every step"),
            ({"state_from_arrays": ("a", "c"), "state_offset": 0}, "step t reads its previous states as "
             "a[:, :, t] and c[:, :, t] (the slots the step is about to fill: zeros)",
             "a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next"),
        ]
    return out


def _backward_loop_edits(lstm: bool):
    keys = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo") if lstm else ("dWax", "dWaa", "dba")
    right_call = "the cell gets da[:, :, t] + da_prevt" + (", dc_prevt" if lstm else "")
    out = [
        ({"upstream": False}, "the cell gets only the carried da_prev", right_call),
        ({"propagate_a": False}, "the cell gets only da[:, :, t]", right_call),
        ({"sign": -1.0}, "the cell gets da[:, :, t] - da_prevt", right_call),
        ({"carry": "accumulated"}, "da_prevt is summed over the steps (+=)", "da_prevt = the step's da_prev"),
        ({"carry": "plus-upstream"}, "da_prevt also holds da[:, :, t]", "da_prevt = the step's da_prev"),
        ({"cache_index": "reversed"}, "step t uses the cache of step T_x - 1 - t", "step t uses caches[t]"),
        ({"cache_index": "last"}, "every step uses the last cache", "step t uses caches[t]"),
        ({"cache_index": "previous"}, "step t uses the cache of step t - 1", "step t uses caches[t]"),
        ({"reverse": False}, "time runs forwards", "for t in reversed(range(T_x))"),
        ({"last_step": 1}, "the loop stops before t = 0", "for t in reversed(range(T_x))"),
        ({"skip_last": True}, "the loop starts below T_x - 1", "for t in reversed(range(T_x))"),
        ({"dx_slot": "reversed"}, "dxt is stored at dx[:, :, T_x - 1 - t]", "dx[:, :, t] = dxt"),
        ({"accumulate": False}, "the weight gradients are overwritten (=)", "they are summed over the steps (+=)"),
        ({"da_init": "upstream-last"}, "da_prevt starts at da[:, :, T_x - 1]", "da_prevt starts at zeros"),
    ]
    for k in keys:
        out += [({"overwritten": (k,)}, f"{k} is overwritten (=)", f"{k} += the step's {k}"),
                ({"subtracted": (k,)}, f"{k} is decreased (-=)", f"{k} += the step's {k}"),
                ({"transposed": (k,)}, f"{k} adds the step's gradient transposed", f"{k} += the step's {k}"),
                ({"averaged": (k,)}, f"{k} adds the step's gradient divided by T_x", f"{k} += the step's {k}")]
    if lstm:
        out += [
            ({"propagate_c": False}, "the cell gets zeros as dc_next", "dc_next is the previous dc_prev"),
            ({"states_swapped": True}, "da_prev and dc_prev are swapped in the call", right_call),
            ({"dc_carry": "accumulated"}, "dc_prevt is summed over the steps (+=)", "dc_prevt = the step's dc_prev"),
            ({"dc_plus_upstream": True}, "dc_next also gets da[:, :, t]", right_call),
            ({"da_plus_dc": True}, "da_next also gets dc_prevt", right_call),
            ({"da0_from": "dc_prev"}, "da0 is the last dc_prev", "da0 is the last da_prev"),
            ({"da0_from": "da_prev+dc_prev"}, "da0 is the last da_prev + dc_prev", "da0 is the last da_prev"),
            ({"dc_times_ft": True}, "dc_next is multiplied by the step's ft", "dc_next is the previous dc_prev (it already holds ft)"),
        ]
    out.append(({"dx_slot": "after-loop"}, "dx[:, :, t] = dxt is after the loop (only step 0's dxt is stored)",
                "dx[:, :, t] = dxt belongs inside the loop, at every step"))
    out.append(({"da0_from": "dxt"}, "da0 is the last step's dxt", "da0 is the last da_prev"))
    if lstm:
        out.append(({"dc_carry": "plus-upstream"}, "dc_prevt also holds da[:, :, t]", "dc_prevt = the step's dc_prev"))
    return out


LOOP_EDITS = {
    "rnn_forward": _forward_loop_edits(False), "lstm_forward": _forward_loop_edits(True),
    "rnn_backward": _backward_loop_edits(False), "lstm_backward": _backward_loop_edits(True),
}


def _loop_outputs(problem, knobs, case):
    from . import mistakes

    model = problem.model
    if problem.direction == "forward":
        result = mistakes._sequence_forward(*case.args, model=model, **knobs)
        return dict(zip(problem.outputs, result))
    return mistakes._sequence_backward(*case.args, model=model, **knobs)


def explain_loop(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """A hint naming the one loop slip whose outputs are the submission's, or []."""
    return engine.explain_loop(problem, cases, got, wrong, LOOP_EDITS.get(problem.name, ()), _loop_outputs)
