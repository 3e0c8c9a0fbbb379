"""Check the blind held-out GRU set GX (bench/heldout_gru_blind.py) WITHOUT the grader.

    python bench/check_heldout_gru_blind.py

For every mutant: applies its edits to tests/exercises/gru/fixtures/correct.py
(gru_patches.mutant_source fails loudly unless each `old` occurs exactly
once), executes the source in a fresh namespace (its `from gru_utils import
sigmoid, softmax` served with grader/exercises/gru/activations.py), calls the
mutated function on random inputs of three shapes, two seeds each (backward
functions get caches from the reference forward; the sequence functions use
the submission's own cell, as correct.py does) and compares every output with
grader/exercises/gru/reference.py at np.allclose(rtol=1e-5, atol=1e-7) (the
tolerance of bench/check_heldout_blind.py), shapes included. A mutant is
"differs" (outputs differ on some input), "raises" (raises on every input) or
"NO EFFECT" (same outputs everywhere: the check fails). It also checks that a
mutant marked "[raises]" does raise and that an unmarked one does not, that
each mutant is one edit, that ids are unique and no two mutants make the same
source, that the unmutated correct.py matches the reference, and that under
15% of the set raises.

Only the two spec files are loaded from grader/ (by path, so that no other
grader module is imported); the grader is never run.
Prints a line per mutant and a per-function summary; exits 1 on any failure.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GRU_SPEC = ROOT / "grader" / "exercises" / "gru"
sys.path.insert(0, str(ROOT / "tests" / "exercises" / "gru"))
sys.path.insert(0, str(ROOT / "bench"))

from gru_patches import CORRECT, mutant_source  # noqa: E402
from heldout_gru_blind import FUNCTIONS, MUTANTS_GX, RAISES  # noqa: E402

RTOL, ATOL = 1e-5, 1e-7
# (n_x, n_a, n_y, m, T_x): all five distinct in each, and n_a + n_x none of them,
# so that a shape slip shows (raises, or gives a wrong shape).
SHAPES = ((3, 5, 2, 10, 4), (4, 6, 3, 7, 5), (2, 3, 4, 9, 6))
SEEDS = (0, 1)
MAX_RAISE_SHARE = 0.15


def _load_spec():
    """reference.py and activations.py as a package of their own (no grader/__init__ runs)."""
    package = types.ModuleType("_gru_spec")
    package.__path__ = [str(GRU_SPEC)]
    sys.modules.setdefault("_gru_spec", package)
    modules = {}
    for name in ("activations", "reference"):
        full = f"_gru_spec.{name}"
        if full not in sys.modules:
            spec = importlib.util.spec_from_file_location(full, GRU_SPEC / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[full] = module
            spec.loader.exec_module(module)
        modules[name] = sys.modules[full]
    return modules["activations"], modules["reference"]


activations, reference = _load_spec()


def load(source: str) -> dict:
    """Execute a submission's source in a fresh namespace, its gru_utils being activations.py."""
    utils = types.ModuleType("gru_utils")
    utils.sigmoid, utils.softmax = activations.sigmoid, activations.softmax
    saved = sys.modules.get("gru_utils")
    sys.modules["gru_utils"] = utils
    try:
        namespace = {"__name__": "submission"}
        exec(compile(source, "submission.py", "exec"), namespace)
    finally:
        if saved is None:
            sys.modules.pop("gru_utils", None)
        else:
            sys.modules["gru_utils"] = saved
    return namespace


def parameters(rng, n_x, n_a, n_y) -> dict:
    p = {}
    for g in "ruc":
        p[f"W{g}"] = rng.standard_normal((n_a, n_a + n_x))
        p[f"b{g}"] = rng.standard_normal((n_a, 1))
    p["Wy"] = rng.standard_normal((n_y, n_a))
    p["by"] = rng.standard_normal((n_y, 1))
    return p


def arguments(function: str, shape, seed: int) -> tuple:
    """Random arguments of `function` in the reference's conventions (reference.py's docstrings)."""
    n_x, n_a, n_y, m, T_x = shape
    rng = np.random.default_rng(seed)
    p = parameters(rng, n_x, n_a, n_y)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    if function == "gru_cell_forward":
        return xt, a_prev, p
    if function == "gru_forward":
        return x, a0, p
    if function == "gru_cell_backward":
        return rng.standard_normal((n_a, m)), reference.gru_cell_forward(xt, a_prev, p)[2]
    if function == "gru_backward":
        return rng.standard_normal((n_a, m, T_x)), reference.gru_forward(x, a0, p)[2]
    raise ValueError(function)


def same(a, b) -> bool:
    """Outputs equal at RTOL/ATOL, shapes included, through tuples, lists and dicts."""
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
    """("differs" | "raises" | "no-effect", detail) of one function on every input."""
    differs, raised = [], []
    for i, shape in enumerate(SHAPES):
        for seed in SEEDS:
            args = arguments(function, shape, 100 * i + seed)
            expected = getattr(reference, function)(*copy_args(args))
            try:
                got = namespace[function](*copy_args(args))
            except Exception as exc:  # noqa: BLE001 - any raise is an outcome
                raised.append(f"{type(exc).__name__}: {exc}"[:70])
                continue
            if not same(got, expected):
                differs.append(shape)
    runs = len(SHAPES) * len(SEEDS)
    if len(raised) == runs:
        return "raises", raised[0]
    if differs:
        note = f"differs on {len(differs)}/{runs} inputs"
        return "differs", note + (f", raises on {len(raised)}" if raised else "")
    if raised:
        return "differs", f"same outputs where it runs, raises on {len(raised)}/{runs}"
    return "no-effect", "outputs equal the reference on every input"


def main(argv=None) -> int:
    failures = []
    base = load(CORRECT.read_text())
    for function in FUNCTIONS:
        kind, detail = outcome(base, function)
        if kind != "no-effect":
            failures.append(f"unmutated correct.py {function}: {kind} ({detail})")
    ids = [m[0] for m in MUTANTS_GX]
    if len(ids) != len(set(ids)):
        failures.append("duplicate mutant ids")
    sources = Counter()
    for ident, _, edits, _ in MUTANTS_GX:
        try:
            sources[mutant_source(edits)] += 1
        except ValueError:
            pass  # reported as BROKEN below
    if any(n > 1 for n in sources.values()):
        failures.append("two mutants make the same source")
    print(f"== set GX: {len(MUTANTS_GX)} mutants")
    per_function, raises = Counter(), Counter()
    for ident, function, edits, cause in MUTANTS_GX:
        if function not in FUNCTIONS:
            failures.append(f"{ident}: unknown function {function}")
            continue
        if len(edits) != 1:
            failures.append(f"{ident}: {len(edits)} edits (one slip is one edit)")
        try:
            kind, detail = outcome(load(mutant_source(edits)), function)
        except Exception as exc:  # noqa: BLE001 - a patch that does not apply, a syntax error
            kind, detail = "BROKEN", f"{type(exc).__name__}: {exc}"
        per_function[function] += 1
        raises[function] += kind == "raises"
        marked = ident in RAISES
        if kind in ("BROKEN", "no-effect"):
            failures.append(f"{ident}: {kind} ({detail})")
        elif (kind == "raises") != marked:
            failures.append(f"{ident}: {kind} but {'marked' if marked else 'not marked'} [raises]")
        print(f"  {ident:6} {function:18} {kind:9} {detail}")
    total_raise = sum(raises.values())
    print("-- per function (mutants, of which raise):")
    for function in FUNCTIONS:
        print(f"   {function:18} {per_function[function]:3}  {raises[function]}")
    share = total_raise / len(MUTANTS_GX)
    print(f"   {'total':18} {len(MUTANTS_GX):3}  {total_raise} ({share:.1%} raise)")
    if share >= MAX_RAISE_SHARE:
        failures.append(f"{share:.1%} of mutants raise (limit {MAX_RAISE_SHARE:.0%})")
    for line in failures:
        print("FAIL:", line)
    print("all checks passed" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
