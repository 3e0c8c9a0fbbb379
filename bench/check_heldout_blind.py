"""Check the blind held-out sets H and I (bench/heldout_blind.py) WITHOUT the grader.

    python bench/check_heldout_blind.py [--set H|I|all]

For every mutant: applies its edits to correct/loops.py (patches.mutant_source
fails loudly unless each `old` occurs exactly once), executes the source in a
fresh namespace (its `from rnn_utils import *` served with the reference
sigmoid and softmax), calls the mutated function on random inputs of several
shapes (backward functions get caches from the reference forward; sequence
functions use the submission's own cell, as loops.py does) and compares every
output with grader/exercises/rnn_lstm/reference at the grader's tolerance (np.allclose,
rtol=1e-5, atol=1e-7). A mutant is "differs" (outputs differ on some input),
"raises" (raises on every input) or "NO EFFECT" (same outputs everywhere: the
check fails). It also checks that a mutant marked "[raises]" does raise and
that an unmarked one does not, that the unmutated loops.py matches the
reference, and that each set has under 15% raising mutants.
Prints a per-set summary; exits 1 on any failure. Never runs the grader.
"""
from __future__ import annotations

import argparse
import sys
import types
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))
sys.path.insert(0, str(ROOT / "bench"))

from grader.exercises.rnn_lstm import reference  # noqa: E402
from heldout_blind import MUTANTS_H, MUTANTS_I, RAISES  # noqa: E402
from patches import LOOPS, mutant_source  # noqa: E402

SETS = {"H": MUTANTS_H, "I": MUTANTS_I}
FUNCTIONS = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
             "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward")
RTOL, ATOL = 1e-5, 1e-7
# (n_x, n_a, n_y, m, T_x): all five distinct in each, so that a shape slip shows.
SHAPES = ((3, 5, 2, 10, 4), (4, 6, 3, 7, 5), (2, 3, 4, 5, 6))
MAX_RAISE_SHARE = 0.15


def load(source: str) -> dict:
    """Execute a submission's source in a fresh namespace, as its own module."""
    utils = types.ModuleType("rnn_utils")
    utils.sigmoid, utils.softmax = reference.sigmoid, reference.softmax
    saved = sys.modules.get("rnn_utils")
    sys.modules["rnn_utils"] = utils
    try:
        namespace = {"__name__": "submission"}
        exec(compile(source, "submission.py", "exec"), namespace)
    finally:
        if saved is None:
            sys.modules.pop("rnn_utils", None)
        else:
            sys.modules["rnn_utils"] = saved
    return namespace


def rnn_parameters(rng, n_x, n_a, n_y):
    return {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
            "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)),
            "by": rng.standard_normal((n_y, 1))}


def lstm_parameters(rng, n_x, n_a, n_y):
    p = {}
    for g in "fico":
        p[f"W{g}"] = rng.standard_normal((n_a, n_a + n_x))
        p[f"b{g}"] = rng.standard_normal((n_a, 1))
    p["Wy"] = rng.standard_normal((n_y, n_a))
    p["by"] = rng.standard_normal((n_y, 1))
    return p


def arguments(function: str, shape, seed: int) -> tuple:
    """Random arguments of `function` in the reference conventions (docs/interfaces.md)."""
    n_x, n_a, n_y, m, T_x = shape
    rng = np.random.default_rng(seed)
    model = function.split("_")[0]
    p = (rnn_parameters if model == "rnn" else lstm_parameters)(rng, n_x, n_a, n_y)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    c_prev = rng.standard_normal((n_a, m))
    if function == "rnn_cell_forward":
        return xt, a_prev, p
    if function == "rnn_forward":
        return x, a0, p
    if function == "rnn_cell_backward":
        return rng.standard_normal((n_a, m)), reference.rnn_cell_forward(xt, a_prev, p)[2]
    if function == "rnn_backward":
        return rng.standard_normal((n_a, m, T_x)), reference.rnn_forward(x, a0, p)[2]
    if function == "lstm_cell_forward":
        return xt, a_prev, c_prev, p
    if function == "lstm_forward":
        return x, a0, p
    if function == "lstm_cell_backward":
        cache = reference.lstm_cell_forward(xt, a_prev, c_prev, p)[3]
        return rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m)), cache
    if function == "lstm_backward":
        return rng.standard_normal((n_a, m, T_x)), reference.lstm_forward(x, a0, p)[3]
    raise ValueError(function)


def same(a, b) -> bool:
    """Outputs equal at the grader's tolerance, through tuples, lists and dicts."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list))
                and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)))
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def copy_args(args):
    """Deep copy of numpy arrays in nested arguments (a mutant may write into them)."""
    if isinstance(args, dict):
        return {k: copy_args(v) for k, v in args.items()}
    if isinstance(args, tuple):
        return tuple(copy_args(v) for v in args)
    if isinstance(args, list):
        return [copy_args(v) for v in args]
    return args.copy() if isinstance(args, np.ndarray) else args


def outcome(namespace: dict, function: str) -> tuple[str, str]:
    """("differs" | "raises" | "no-effect", detail) of one function on every input shape."""
    differs, raised = [], []
    for i, shape in enumerate(SHAPES):
        for seed in (0, 1):
            args = arguments(function, shape, 100 * i + seed)
            expected = getattr(reference, function)(*copy_args(args))
            try:
                got = namespace[function](*copy_args(args))
            except Exception as exc:  # noqa: BLE001 - any raise is an outcome
                raised.append(f"{type(exc).__name__}: {exc}"[:70])
                continue
            if not same(got, expected):
                differs.append(shape)
    runs = 2 * len(SHAPES)
    if len(raised) == runs:
        return "raises", raised[0]
    if differs:
        note = f"differs on {len(differs)}/{runs} inputs"
        return "differs", note + (f", raises on {len(raised)}" if raised else "")
    if raised:
        return "differs", f"same outputs where it runs, raises on {len(raised)}/{runs}"
    return "no-effect", "outputs equal the reference on every input"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS) + ["all"], default="all")
    args = parser.parse_args(argv)
    failures = []
    base = load(LOOPS.read_text())
    for function in FUNCTIONS:
        kind, detail = outcome(base, function)
        if kind != "no-effect":
            failures.append(f"unmutated loops.py {function}: {kind} ({detail})")
    ids = [m[0] for ms in SETS.values() for m in ms]
    if len(ids) != len(set(ids)):
        failures.append("duplicate mutant ids")
    for name, mutants in SETS.items():
        if args.set not in (name, "all"):
            continue
        print(f"== set {name}: {len(mutants)} mutants")
        per_function, raises = Counter(), Counter()
        for ident, function, edits, cause in mutants:
            if function not in FUNCTIONS:
                failures.append(f"{ident}: unknown function {function}")
                continue
            try:
                kind, detail = outcome(load(mutant_source(edits)), function)
            except Exception as exc:  # noqa: BLE001 - a patch that does not apply, a syntax error
                kind, detail = "BROKEN", f"{type(exc).__name__}: {exc}"
            per_function[function] += 1
            raises[function] += kind == "raises"
            marked = ident in RAISES
            if kind in ("BROKEN", "no-effect"):
                failures.append(f"{name} {ident}: {kind} ({detail})")
            elif (kind == "raises") != marked:
                failures.append(f"{name} {ident}: {kind} but {'marked' if marked else 'not marked'} [raises]")
            print(f"  {ident:32} {function:20} {kind:9} {detail}")
        total_raise = sum(raises.values())
        print(f"-- set {name} per function (mutants, of which raise):")
        for function in FUNCTIONS:
            print(f"   {function:20} {per_function[function]:3}  {raises[function]}")
        share = total_raise / len(mutants)
        print(f"   {'total':20} {len(mutants):3}  {total_raise} ({share:.1%} raise)")
        if share >= MAX_RAISE_SHARE:
            failures.append(f"set {name}: {share:.1%} of mutants raise (limit {MAX_RAISE_SHARE:.0%})")
    for line in failures:
        print("FAIL:", line)
    print("all checks passed" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
