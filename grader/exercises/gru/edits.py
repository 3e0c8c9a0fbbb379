"""One-edit diagnosis of the GRU: which single slip in the right lines (or in the loop) gives these outputs?

The cell functions are written here once more as programs of lines
`name = expression`, the reference's equations (reference.py's docstring, the
notebook's names: dz_c, dz_u, ds, dz_r); the protocol's engine
(grader/exercise/edits.py) enumerates every one-slip edit of a program, runs
the edits on the hidden cases and names the one whose outputs are the
submission's: rt where ut belongs, a term or factor left out, sigmoid for tanh,
a product transposed, a mean for a sum, (1 - cct)**2 for 1 - cct**2, the
columns Wc[:, n_a:] for Wc[:, :n_a]... The sequence functions' loop slips are
listed in LOOP_EDITS, each a keyword of mistakes.py's sequence passes (which
call the reference cells, as the grader's black box does), with what it means.

A hint shows the edited line beside the right one, so it names the slip
whatever code the student wrote around it. Everything runs in the trusted
grader, on the hidden inputs, never beside student code.
"""
from __future__ import annotations

import numpy as np

from ...exercise import edits as engine
from . import mistakes
from .activations import softmax
from .rubric import RUBRIC

chain, cols = engine.chain, engine.cols

def _w(W: str, part: str):
    """W[:, :n_a] (part "first": the columns that meet a_prev) or W[:, n_a:] ("rest": those of xt)."""
    return cols(W, part, "a_prev", "n_a")


def _mm_t(W: str, part: str, d: str):
    return ("matmul", ("T", _w(W, part)), d)


_PARAMETERS = ("Wr", "br", "Wu", "bu", "Wc", "bc", "Wy", "by")

PROGRAMS = {
    "gru_cell_forward": {
        "inputs": ("xt", "a_prev") + _PARAMETERS,
        "lines": (
            ("concat", ("concat", "a_prev", "xt")),
            ("rt", ("sigmoid", ("add", ("matmul", "Wr", "concat"), "br"))),
            ("ut", ("sigmoid", ("add", ("matmul", "Wu", "concat"), "bu"))),
            ("concat_r", ("concat", ("mul", "rt", "a_prev"), "xt")),
            ("cct", ("tanh", ("add", ("matmul", "Wc", "concat_r"), "bc"))),
            ("a_next", ("add", ("mul", "ut", "cct"), ("mul", ("one_minus", "ut"), "a_prev"))),
            ("yt_pred", ("softmax", ("add", ("matmul", "Wy", "a_next"), "by"))),
        ),
    },
    "gru_cell_backward": {
        "inputs": ("da_next", "a_next", "a_prev", "rt", "ut", "cct", "xt", "Wr", "Wu", "Wc"),
        "lines": (
            ("dz_c", ("mul", ("mul", "da_next", "ut"), ("one_minus", ("sq", "cct")))),
            ("dz_u", chain("mul", ["da_next", ("sub", "cct", "a_prev"), "ut", ("one_minus", "ut")])),
            ("ds", _mm_t("Wc", "first", "dz_c")),
            ("dz_r", chain("mul", ["ds", "a_prev", "rt", ("one_minus", "rt")])),
            ("concat", ("concat", "a_prev", "xt")),
            ("concat_r", ("concat", ("mul", "rt", "a_prev"), "xt")),
            ("dWr", ("matmul", "dz_r", ("T", "concat"))),
            ("dbr", ("sum1k", "dz_r")),
            ("dWu", ("matmul", "dz_u", ("T", "concat"))),
            ("dbu", ("sum1k", "dz_u")),
            ("dWc", ("matmul", "dz_c", ("T", "concat_r"))),
            ("dbc", ("sum1k", "dz_c")),
            ("da_prev", chain("add", [("mul", "da_next", ("one_minus", "ut")), ("mul", "ds", "rt"),
                                      _mm_t("Wr", "first", "dz_r"), _mm_t("Wu", "first", "dz_u")])),
            ("dxt", chain("add", [_mm_t("Wr", "rest", "dz_r"), _mm_t("Wu", "rest", "dz_u"),
                                  _mm_t("Wc", "rest", "dz_c")])),
        ),
    },
}


def environment(function: str, args: tuple) -> dict:
    """The inputs of the program, by name, from a call's arguments."""
    if function == "gru_cell_forward":
        xt, a_prev, p = args
        return {"xt": xt, "a_prev": a_prev, **p}
    da_next, (a_next, a_prev, rt, ut, cct, xt, p) = args
    return {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "rt": rt, "ut": ut, "cct": cct, "xt": xt, **p}


def _outputs(function: str):
    def outputs(env, args):
        if function == "gru_cell_forward":
            xt, a_prev, p = args
            cache = (env["a_next"], a_prev, env["rt"], env["ut"], env["cct"], xt, p)
            return {"a_next": env["a_next"], "yt_pred": env["yt_pred"], "cache": cache}
        return {k: env[k] for k in RUBRIC[function]}
    return outputs


def _holds(function: str) -> dict:
    held = {k: frozenset({k}) for k in RUBRIC[function] if k != "cache"}
    if function == "gru_cell_forward":
        held["cache"] = frozenset({"a_next", "rt", "ut", "cct"})  # the cache's items a line computes
    return held


PROGRAM = {f: engine.Program(inputs=spec["inputs"], lines=spec["lines"],
                             environment=lambda args, f=f: environment(f, args), outputs=_outputs(f),
                             holds=_holds(f), upstream=("da_next",))
           for f, spec in PROGRAMS.items()}


def run(function: str, lines, args: tuple) -> dict:
    """The outputs of `function`'s program with these lines, on these arguments."""
    return PROGRAM[function].run(lines, args)


def general(cases):
    """The case with the largest batch (all its sizes distinct): the edits' shapes are read on it."""
    return max(cases, key=lambda c: c.shape.m)


def for_cases(function: str, cases) -> list[engine.Edit]:
    return engine.for_case(PROGRAM[function], general(cases))


# ---------------------------------------------------------------- the sequence functions' loops

FORWARD_LOOP_EDITS = [
    ({"start": "ones"}, "the hidden state starts at ones", "a_next = a0 before the loop"),
    ({"start": "tanh-a0"}, "the hidden state starts at tanh(a0)", "a_next = a0 before the loop"),
    ({"start": "a-array"}, "the state starts as a[:, :, 0], a view of the zero array a (zeros at t = 0, "
     "then overwritten by the first step)", "a_next = a0 before the loop"),
    ({"a_prev_transform": np.tanh}, "the carried state goes through tanh again before the cell",
     "a_prev is the previous step's a_next as it is"),
    ({"a_prev_from": "zeros"}, "every step receives zeros as a_prev", "a_prev is the previous step's a_next"),
    ({"first_step": 1}, "the loop starts at t = 1", "for t in range(T_x)"),
    ({"last_step": -1}, "the loop stops before the last step", "for t in range(T_x)"),
    ({"input_step": "first"}, "every step reads x[:, :, 0]", "step t reads xt = x[:, :, t]"),
    ({"input_step": "previous"}, "step t reads x[:, :, t - 1]", "step t reads xt = x[:, :, t]"),
    ({"input_step": "reversed"}, "step t reads x[:, :, T_x - 1 - t]", "step t reads xt = x[:, :, t]"),
    ({"store_a": "tanh"}, "a[:, :, t] stores tanh(a_next)", "a[:, :, t] = a_next"),
    ({"store_a": "cct"}, "a[:, :, t] stores the step's candidate cct", "a[:, :, t] = a_next"),
    ({"store_y": False}, "y_pred is never stored", "y_pred[:, :, t] = the step's yt_pred"),
    ({"y_transform": softmax}, "the prediction goes through softmax again", "y_pred[:, :, t] = the step's yt_pred"),
    ({"y_transform": np.tanh}, "the prediction goes through tanh", "y_pred[:, :, t] = the step's yt_pred"),
    ({"y_index": "previous"}, "the prediction is stored at t - 1", "y_pred[:, :, t] = the step's yt_pred"),
    ({"state_from_arrays": True}, "step t reads its previous state as a[:, :, t - 1] (at t = 0 that is "
     "a[:, :, -1], the last slot: zeros, not a0)", "a_prev is a0 at t = 0, then the previous step's a_next"),
    ({"state_from_arrays": True, "state_offset": 0}, "step t reads its previous state as a[:, :, t] "
     "(the slot the step is about to fill: zeros)", "a_prev is a0 at t = 0, then the previous step's a_next"),
    ({"after_loop": ("caches",)}, "caches.append(cache) is after the loop (only the last step's cache is kept)",
     "caches.append(cache) belongs inside the loop, at every step"),
    ({"after_loop": ("a",)}, "a[:, :, t] = a_next is after the loop (only the last step is stored)",
     "a[:, :, t] = a_next belongs inside the loop, at every step"),
    ({"after_loop": ("y",)}, "the prediction is stored after the loop (only the last step's)",
     "y_pred[:, :, t] = the step's yt_pred, inside the loop"),
]

_RIGHT_CALL = "the cell gets da[:, :, t] + da_prevt"
BACKWARD_LOOP_EDITS = [
    ({"sign": -1.0}, "the cell gets da[:, :, t] - da_prevt", _RIGHT_CALL),
    ({"carry": "accumulated"}, "da_prevt is summed over the steps (+=)", "da_prevt = the step's da_prev"),
    ({"carry": "plus-upstream"}, "da_prevt also holds da[:, :, t]", "da_prevt = the step's da_prev"),
    ({"cache_index": "reversed"}, "step t uses the cache of step T_x - 1 - t", "step t uses caches[t]"),
    ({"cache_index": "last"}, "every step uses the last cache", "step t uses caches[t]"),
    ({"cache_index": "previous"}, "step t uses the cache of step t - 1", "step t uses caches[t]"),
    ({"last_step": 1}, "the loop stops before t = 0", "for t in reversed(range(T_x))"),
    ({"skip_last": True}, "the loop starts below T_x - 1", "for t in reversed(range(T_x))"),
    ({"dx_slot": "reversed"}, "dxt is stored at dx[:, :, T_x - 1 - t]", "dx[:, :, t] = dxt"),
    ({"dx_slot": "after-loop"}, "dx[:, :, t] = dxt is after the loop (only step 0's dxt is stored)",
     "dx[:, :, t] = dxt belongs inside the loop, at every step"),
    ({"da_init": "upstream-last"}, "da_prevt starts at da[:, :, T_x - 1]", "da_prevt starts at zeros"),
    ({"da0_from": "dxt"}, "da0 is the last step's dxt", "da0 is the last da_prev"),
]
for _k in mistakes.GATE_GRADS:  # (a gradient added transposed cannot run: no weight of the GRU is square)
    BACKWARD_LOOP_EDITS += [
        ({"overwritten": (_k,)}, f"{_k} is overwritten (=)", f"{_k} += the step's {_k}"),
        ({"subtracted": (_k,)}, f"{_k} is decreased (-=)", f"{_k} += the step's {_k}"),
        ({"averaged": (_k,)}, f"{_k} adds the step's gradient divided by T_x", f"{_k} += the step's {_k}"),
    ]

LOOP_EDITS = {"gru_forward": FORWARD_LOOP_EDITS, "gru_backward": BACKWARD_LOOP_EDITS}


def loop_outputs(problem, knobs, case) -> dict:
    """The sequence function's outputs with these loop slips, on this case."""
    if problem.name == "gru_forward":
        return dict(zip(problem.outputs, mistakes._sequence_forward(*case.args, **knobs)))
    return mistakes._sequence_backward(*case.args, **knobs)


def explain(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """A hint naming the one-slip edit (or loop slip) whose outputs are the submission's, or []."""
    if problem.name in LOOP_EDITS:
        return engine.explain_loop(problem, cases, got, wrong, LOOP_EDITS[problem.name], loop_outputs)
    if problem.name in PROGRAM:
        return engine.explain(problem, PROGRAM[problem.name], cases, got, wrong, general)
    return []
