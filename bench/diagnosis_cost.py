"""Diagnosis cost per wrong function: CPU time of checks.diagnose on one wrong function, cold and warm.

    python bench/diagnosis_cost.py [--exercise gru|rnn_lstm]

Every mutant of the development sets (GRU: bench/heldout_gru.py GA + GB; RNN/LSTM:
bench/heldout_mutants.py A-G) that returns values and loses points is run
in-process on the hidden cases (the reference cell as the black box, as the
grader gives it); then checks.diagnose (catalogue, one-slip edits, loop slips,
symptoms) is timed with process_time:

- cold: a fresh interpreter state for the function (its cases' memos empty, the
  edit list not yet enumerated), the first wrong submission of a batch;
- batch: the submissions diagnosed in turn on one set of cases per function, as
  the grader keeps its cases (and the memos on them: the right program's
  values, the catalogue's variants, the edits' outputs) between the submissions
  of a batch; each submission after the first of its function is timed;
- again: the same diagnosis once more on the same cases (everything memoised).

Prints the median and the largest per function, and over all. The crash
explainer is not timed (a regular expression per case). Run it on an idle
machine for figures; under load, CPU time is still the figure to read.
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grader import checks  # noqa: E402
from grader import exercise as exercises  # noqa: E402


def _load(name):
    if name == "gru":
        sys.path.insert(0, str(ROOT / "tests" / "exercises" / "gru"))
        from gru_patches import mutant_source
        from heldout_gru import MUTANTS_GA, MUTANTS_GB

        from grader.exercises.gru import activations
        helper = ("gru_utils", activations)
        return MUTANTS_GA + MUTANTS_GB, mutant_source, helper, 7
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))
    import heldout_mutants as hm
    from patches import mutant_source

    from grader.exercises.rnn_lstm import reference
    mutants = hm.MUTANTS + hm.MUTANTS_B + hm.MUTANTS_C + hm.MUTANTS_D + hm.MUTANTS_E + hm.MUTANTS_F + hm.MUTANTS_G
    return mutants, mutant_source, ("rnn_utils", reference), 0


def outcomes(exercise, problem, source, cases):
    namespace = {"__name__": "mutant"}
    exec(compile(source, problem.name, "exec"), namespace)
    out = []
    for case in cases:
        scope = dict(namespace)
        if problem.black_box:
            scope[problem.black_box] = exercise.reference(problem.black_box)
        fn = types.FunctionType(namespace[problem.name].__code__, scope)
        try:
            result = fn(*copy.deepcopy(case.args))
        except Exception:  # noqa: BLE001
            return None
        out.append(checks.Outcome("ok", result=result, args_after=copy.deepcopy(case.args)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", choices=("gru", "rnn_lstm"), default="gru")
    args = parser.parse_args(argv)
    exercise = exercises.get(args.exercise)
    mutants, mutant_source, (helper_name, helper), seed = _load(args.exercise)
    utils = types.ModuleType(helper_name)
    utils.sigmoid, utils.softmax = helper.sigmoid, helper.softmax
    sys.modules[helper_name] = utils
    rows = {}
    shared = {}
    for ident, function, edits_, _ in mutants:
        problem = exercise.by_name[function]
        cases = exercise.hidden_cases(problem, seed)
        outs = outcomes(exercise, problem, mutant_source(edits_), cases)
        if outs is None:
            continue
        result = checks.evaluate(problem, cases, outs, None, exercise=exercise)
        wrong = {c.name for c in result.checks if not c.passed and c.name in problem.weights}
        if not wrong:
            continue
        for program in _programs(args.exercise).values():
            program._memo.clear()  # cold: the edits are enumerated again
        fresh = exercise.hidden_cases(problem, seed)
        start = time.process_time()
        hints = checks.diagnose(problem, fresh, outs, wrong, exercise)
        cold = time.process_time() - start
        start = time.process_time()
        checks.diagnose(problem, fresh, outs, wrong, exercise)
        again = time.process_time() - start
        first = function not in shared
        batch_cases = shared.setdefault(function, exercise.hidden_cases(problem, seed))
        start = time.process_time()
        checks.diagnose(problem, batch_cases, outs, wrong, exercise)
        batch = None if first else time.process_time() - start
        rows.setdefault(function, []).append((cold, batch, again, bool(hints)))
    everything = [r for rs in rows.values() for r in rs]

    def figure(values):
        values = [v * 1000 for v in values if v is not None]
        return f"median {statistics.median(values):6.1f} ms (max {max(values):6.1f})" if values else "-"
    for function, rs in list(rows.items()) + [("all", everything)]:
        print(f"{function:20s} {len(rs):3d} wrong functions: cold {figure(r[0] for r in rs)}, "
              f"batch {figure(r[1] for r in rs)}, again {figure(r[2] for r in rs)}")
    return 0


def _programs(name):
    if name == "gru":
        from grader.exercises.gru.edits import PROGRAM
    else:
        from grader.exercises.rnn_lstm.edits import PROGRAM
    return PROGRAM


if __name__ == "__main__":
    sys.exit(main())
