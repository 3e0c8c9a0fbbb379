"""Write solutions/rnn_lstm/public_cases.npz: the public cases of the self-checks.

    python scripts/make_public_cases.py

The cases come from the grader's own generator and reference
(`grader.exercises.rnn_lstm.problems.make_case(..., label="public")`), on small shapes that keep
n_x, n_a, n_y and m pairwise distinct, so a transposed product, a sum over the
wrong axis or a `yt_pred` computed from the wrong state cannot pass by chance.
The file holds plain float arrays only (no pickles): `selfcheck.py` reads it
with `allow_pickle=False` and needs neither `grader` nor the reference.

Layout: one array per leaf, named `<function>/<case>/<role>/<path>`, where
role is `args` (the call's arguments), `expected` (the reference outputs by
output name / gradient key) or `steps` (for sequence backward functions: what
the cell function receives and returns at each time step, so the self-check
can hand the sequence function a correct cell as a black box), `shape` holds
(n_x, n_a, n_y, m, T_x); `penalty/<function>` is the points lost for
modifying an input in place (grader.exercises.rnn_lstm.problems.INPUT_MUTATION_PENALTY). A path is made of `t<i>` (tuple item), `l<i>` (list
item) and `k<key>` (dict key) segments.

Known mistakes (grader/exercises/rnn_lstm/mistakes.py, the catalogue the grader diagnoses with):
`<function>/<case>/mistake/<name>/<key>/<path>` holds, for each catalogued
mistake of the function, its outputs on that public case for each output it
gets wrong there (as the grader judges them; not for a sequence function's
mistakes that change its caches: those hand the cells other inputs, which the
self-check's stand-in cell reports itself); `hint/<function>/<name>` holds
the mistake's hint, the grader's own text (a unicode string). The self-check
says "Hint: ..." when a student's outputs are a mistake's on every public
case, as the grader does on the hidden ones.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import checks  # noqa: E402
from grader.exercises.rnn_lstm import mistakes, reference  # noqa: E402
from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER, INPUT_MUTATION_PENALTY, Shape, make_case  # noqa: E402

OUT = ROOT / "solutions" / "rnn_lstm" / "public_cases.npz"

PUBLIC_SHAPES = (
    Shape(n_x=3, n_a=5, n_y=2, m=4, T_x=3),
    Shape(n_x=2, n_a=4, n_y=3, m=1, T_x=4),
)


def flatten(value, prefix: str, out: dict) -> None:
    """Store the arrays of a nested tuple/list/dict under `prefix/<path>`."""
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            flatten(item, f"{prefix}/t{i}", out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            flatten(item, f"{prefix}/l{i}", out)
    elif isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}/k{key}", out)
    else:
        out[prefix] = np.asarray(value, dtype=np.float64)  # (a mistake's sum to one number: a 0-d array)


def backward_steps(name: str, da: np.ndarray, caches) -> list[dict]:
    """What the cell backward receives and returns at each step, in call order (t = T_x-1 .. 0)."""
    cell_caches, _ = caches
    n_a, m, T_x = da.shape
    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))
    steps = []
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prev
        if name == "rnn_backward":
            grads = reference.rnn_cell_backward(da_next, cell_caches[t])
            steps.append({"t": t, "da_next": da_next, "grads": grads})
        else:
            grads = reference.lstm_cell_backward(da_next, dc_prev, cell_caches[t])
            steps.append({"t": t, "da_next": da_next, "dc_next": dc_prev, "grads": grads})
            dc_prev = grads["dc_prev"]
        da_prev = grads["da_prev"]
    return steps


def build() -> dict:
    arrays: dict[str, np.ndarray] = {}
    for name in DISPLAY_ORDER:
        problem = BY_NAME[name]
        # what modifying an input costs, as the grader words it: "(-1.5 points)"
        arrays[f"penalty/{name}"] = np.array(round(INPUT_MUTATION_PENALTY * problem.points, 4))
        for index, shape in enumerate(PUBLIC_SHAPES):
            case = make_case(problem, index, shape, label="public")
            prefix = f"{name}/{index}"
            arrays[f"{prefix}/shape"] = np.array(
                [shape.n_x, shape.n_a, shape.n_y, shape.m, shape.T_x], dtype=np.int64)
            for arg_name, arg in zip(problem.args, case.args):
                flatten(arg, f"{prefix}/args/{arg_name}", arrays)
            for key, value in case.expected.items():
                flatten(value, f"{prefix}/expected/{key}", arrays)
            if problem.sequence and problem.direction == "backward":
                for i, step in enumerate(backward_steps(name, *case.args)):
                    flatten(step, f"{prefix}/steps/l{i}", arrays)
            for mistake in mistakes.for_function(name):
                wrong = mistake_outputs(problem, mistake, case)
                if problem.sequence and problem.cache_output in wrong:
                    continue  # the cells got other inputs: the self-check's stand-in cell says so itself
                for key, value in wrong.items():
                    flatten(value, f"{prefix}/mistake/{mistake.name}/{key}", arrays)
        for mistake in mistakes.for_function(name):
            arrays[f"hint/{name}/{mistake.name}"] = np.array(mistake.hint)
    return arrays


def mistake_outputs(problem, mistake, case) -> dict:
    """The mistake's outputs on this case that the grader would mark wrong (the others are right)."""
    with np.errstate(all="ignore"):
        result = mistake.variant(*copy.deepcopy(case.args))
    outputs = checks.outputs_of(problem, result)
    return {k: outputs[k] for k in problem.outputs
            if checks.output_problem(problem, k, outputs[k], case.expected[k])}


def main() -> None:
    arrays = build()
    # A fixed order and no timestamps: the file is the same every time it is made.
    with open(OUT, "wb") as f:
        np.savez_compressed(f, **dict(sorted(arrays.items())))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(arrays)} arrays, {OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
