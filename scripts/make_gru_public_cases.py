"""Write solutions/gru/public_cases.npz: the public cases of the GRU notebook's self-checks.

    python scripts/make_gru_public_cases.py

The GRU's counterpart of scripts/make_public_cases.py, with the same file
layout, so solutions/gru/selfcheck.py reads it as the RNN/LSTM self-check
reads its own: plain float arrays (no pickles), one per leaf, named
`<function>/<case>/<role>/<path>` with role `args`, `expected` or `steps`
(gru_backward: what the cell receives and returns at each step, so the
self-check can hand the sequence function a correct cell), `shape` holding
(n_x, n_a, n_y, m, T_x); `penalty/<function>`: the points lost for modifying
an input (grader/exercises/gru/__init__.py: INPUT_MUTATION_PENALTY of the rubric's points);
`<function>/<case>/mistake/<name>/<key>/<path>`: a catalogued mistake's
outputs on that case for each output it gets wrong there (not for a sequence
function's mistakes that change its caches); `hint/<function>/<name>`: the
mistake's hint. A path is made of `t<i>` (tuple item), `l<i>` (list item)
and `k<key>` (dict key) segments.

Cases come from grader/exercises/gru/cases.py (PUBLIC_SHAPES) and its
reference, drawn from a fixed seed; the file is the same every time it is made.
"""
from __future__ import annotations

import copy
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.exercises.gru import mistakes, reference  # noqa: E402
from grader.exercises.gru.cases import PUBLIC_SHAPES, make_inputs, reference_outputs  # noqa: E402
from grader.exercises.gru.rubric import ARGUMENTS, RUBRIC, points  # noqa: E402
from grader.exercises.gru import ATOL, INPUT_MUTATION_PENALTY, RTOL  # noqa: E402

OUT = ROOT / "solutions" / "gru" / "public_cases.npz"
SEED = 20261201


def rng_for(function: str, index: int) -> np.random.Generator:
    digest = hashlib.sha256(repr((SEED, "public", function, index)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


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
        out[prefix] = np.asarray(value, dtype=np.float64)


def backward_steps(da: np.ndarray, caches) -> list[dict]:
    """What gru_cell_backward receives and returns at each step, in call order (t = T_x-1 .. 0)."""
    cell_caches, _ = caches
    n_a, m, T_x = da.shape
    da_prev = np.zeros((n_a, m))
    steps = []
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prev
        grads = reference.gru_cell_backward(da_next, cell_caches[t])
        steps.append({"t": t, "da_next": da_next, "grads": grads})
        da_prev = grads["da_prev"]
    return steps


def differs(got, want) -> bool:
    """Wrong as the grader judges values: structure, shape, or numpy.isclose(rtol=RTOL, atol=ATOL) per entry."""
    if isinstance(want, dict):
        return not isinstance(got, dict) or set(got) != set(want) or any(differs(got[k], want[k]) for k in want)
    if isinstance(want, (tuple, list)):
        return (not isinstance(got, (tuple, list)) or len(got) != len(want)
                or any(differs(g, w) for g, w in zip(got, want)))
    got, want = np.asarray(got), np.asarray(want)
    return got.shape != want.shape or not np.allclose(got, want, rtol=RTOL, atol=ATOL)


def judged_wrong(function: str, key: str, got, want) -> bool:
    """As the grader (and the self-check) judge an output: in a cell's cache, the item a_next is
    graded on its own, so there only its form counts (one mistake costs once)."""
    if key == "cache" and isinstance(got, (tuple, list)) and len(got) == len(want):
        head = got[0]
        if isinstance(head, np.ndarray) and head.shape == want[0].shape:
            got = (want[0], *got[1:])
    return differs(got, want)


def mistake_outputs(function: str, mistake, args: tuple, expected: dict) -> dict:
    """The mistake's outputs on this case that the grader would mark wrong (the others are right)."""
    with np.errstate(all="ignore"):
        result = mistake.variant(*copy.deepcopy(args))
    got = result if function.endswith("backward") else dict(zip(RUBRIC[function], result))
    return {k: got[k] for k in RUBRIC[function] if judged_wrong(function, k, got[k], expected[k])}


def build() -> dict:
    arrays: dict[str, np.ndarray] = {}
    for function in RUBRIC:
        arrays[f"penalty/{function}"] = np.array(round(INPUT_MUTATION_PENALTY * points(function), 4))
        for index, shape in enumerate(PUBLIC_SHAPES):
            args = make_inputs(function, shape, rng_for(function, index))
            expected = reference_outputs(function, args)
            prefix = f"{function}/{index}"
            arrays[f"{prefix}/shape"] = np.array(list(shape), dtype=np.int64)
            for arg_name, arg in zip(ARGUMENTS[function], args):
                flatten(arg, f"{prefix}/args/{arg_name}", arrays)
            for key, value in expected.items():
                flatten(value, f"{prefix}/expected/{key}", arrays)
            if function == "gru_backward":
                for i, step in enumerate(backward_steps(*args)):
                    flatten(step, f"{prefix}/steps/l{i}", arrays)
            for mistake in mistakes.for_function(function):
                wrong = mistake_outputs(function, mistake, args, expected)
                if function == "gru_forward" and "caches" in wrong:
                    continue  # the cells got other inputs: the self-check's stand-in cell says so itself
                for key, value in wrong.items():
                    flatten(value, f"{prefix}/mistake/{mistake.name}/{key}", arrays)
        for mistake in mistakes.for_function(function):
            arrays[f"hint/{function}/{mistake.name}"] = np.array(mistake.hint)
    return arrays


def main() -> None:
    arrays = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as f:
        np.savez_compressed(f, **dict(sorted(arrays.items())))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(arrays)} arrays, {OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
