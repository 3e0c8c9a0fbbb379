"""Hint share: how many single mistakes get a cause-level hint from the grader.

    python bench/hint_share.py [--markdown] [--set A..I|all]
    python bench/hint_share.py --exercise gru [--markdown] [--set GA|GB|GX|all]

Grades every mutant of bench/heldout_mutants.py (correct/loops.py + one change,
written apart from the catalogue; sets A-G) and of bench/heldout_blind.py
(blind sets H and I; I is the final test, graded only with --set I, once)
with the real grader (default sandbox) and
counts, among the mutants that lose points, those whose function gets a
hint. A mistake that makes numpy raise gets the exception and the student's
line, and (grader/exercises/rnn_lstm/crashes.py) a message naming the exception's shapes. Two
figures are printed: by the old rule such a crash counts as not hinted; by
the new rule it counts as hinted only when its message names the cause: one
of the function's own arrays (an argument, a parameter, a cache item or a
value of the right program, or the black box's argument) is named as having
a shape in the exception ("crash-hinted"); a message of sizes only, or one
that only names the arrays of a failed store's shapes, counts as a crash.
Prints one line per mutant (the hint given, so that each can be checked
against the cause by eye) and the shares.

With --exercise gru: the GRU's mutants (tests/exercises/gru/fixtures/correct.py
+ one change, applied by tests/exercises/gru/gru_patches.py): the development
sets GA and GB of bench/heldout_gru.py and, when bench/heldout_gru_blind.py
exists, its blind set GX (final-only like I: graded only with --set GX), with
the same classification (a crash's message is checked against the GRU's arrays,
grader/exercises/gru/crashes.py).
"""
from __future__ import annotations

import argparse
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))
sys.path.insert(0, str(ROOT / "bench"))

from grader.api import Grader, Options  # noqa: E402
from heldout_mutants import MUTANTS, MUTANTS_B, MUTANTS_C, MUTANTS_D, MUTANTS_E, MUTANTS_F, MUTANTS_G  # noqa: E402
from heldout_blind import MUTANTS_H, MUTANTS_I  # noqa: E402

SETS = {"A": MUTANTS, "B": MUTANTS_B, "C": MUTANTS_C, "D": MUTANTS_D, "E": MUTANTS_E, "F": MUTANTS_F, "G": MUTANTS_G,
        "H": MUTANTS_H, "I": MUTANTS_I}
FINAL_ONLY = {"I"}  # blind final test (bench/heldout_blind.py): graded only when named, once
from patches import mutant_source  # noqa: E402

GRU_BLIND = ROOT / "bench" / "heldout_gru_blind.py"
GRU_SET_NAMES = ("GA", "GB") + (("GX",) if GRU_BLIND.exists() else ())
GRU_FINAL_ONLY = {"GX"}  # the GRU's blind set: graded only when named


def gru_sets(set_name: str) -> dict:
    """The GRU's sets; the blind one is imported only when it is named."""
    import heldout_gru

    sets = {"GA": heldout_gru.MUTANTS_GA, "GB": heldout_gru.MUTANTS_GB}
    if set_name == "GX":
        import heldout_gru_blind

        sets["GX"] = heldout_gru_blind.MUTANTS_GX
    return sets


def gru_mutant_source(edits):
    sys.path.insert(0, str(ROOT / "tests" / "exercises" / "gru"))
    from gru_patches import mutant_source as gru_source

    return gru_source(edits)


def classify(result, function: str, exercise: str = "rnn_lstm") -> tuple[str, str]:
    """(outcome, detail) of one graded mutant: hinted, crash, unhinted, no-effect or leaked."""
    others = [f.name for f in result.functions if f.name != function and not f.passed]
    if others:
        return "leaked", "also lost points in " + ", ".join(others)
    f = result.function(function)
    if f.passed:
        return "no-effect", "full marks on the hidden cases"
    text = (f.problem or "") + " " + " ".join(c.message for c in f.checks)
    if f.problem and "raised " in f.problem:  # raised on every case
        if any(names_a_cause(function, hint, exercise) for hint in f.hints):
            return "crash-hinted", f.problem + " => " + " | ".join(f.hints)
        return "crash", f.problem
    if f.hints:
        return "hinted", " | ".join(f.hints)
    if "raised " in text:
        return "crash", (f.problem or next(c.message for c in f.checks if "raised " in c.message))
    return "unhinted", f.summary


def names_a_cause(function: str, hint: str, exercise: str = "rnn_lstm") -> bool:
    """Does a crash's message name one of the function's arrays as having one of the exception's shapes?"""
    if exercise == "gru":
        from grader.exercises.gru import EXERCISE, crashes

        problem = EXERCISE.by_name[function]
        case = EXERCISE.hidden_cases(problem, EXERCISE.default_seed)[-1]
        by_name = EXERCISE.by_name
    else:
        from grader.exercises.rnn_lstm import crashes, problems

        problem = problems.BY_NAME[function]
        case = problems.hidden_cases(problem)[-1]
        by_name = problems.BY_NAME
    names = set(crashes.arrays(problem, case)) | set(problem.args)
    if problem.black_box:
        names |= set(by_name[problem.black_box].args)
    if hint.startswith("numpy could not store"):  # which arrays have a failed store's shapes: not a cause
        return False
    listed = [m.group(1) for m in re.finditer(r"is the shape of ([\w, .]+)", hint)]
    words = {w.strip(" .") for group in listed for w in group.split(",")}
    return any(f"`{n}`" in hint or re.search(rf"(?<!\w){re.escape(n)} \((n_|m\b|T_x|1\b)", hint) or n in words
               for n in names)


def select(set_name: str, exercise: str = "rnn_lstm") -> list:
    """The mutants of one set, or of every set but the final ones for "all"."""
    sets, final = (gru_sets(set_name), GRU_FINAL_ONLY) if exercise == "gru" else (SETS, FINAL_ONLY)
    return [m for name, ms in sets.items()
            if set_name == name or (set_name == "all" and name not in final) for m in ms]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--exercise", choices=("rnn_lstm", "gru"), default="rnn_lstm",
                        help="whose mutants to grade (default: rnn_lstm)")
    parser.add_argument("--set", choices=sorted(SETS) + list(GRU_SET_NAMES) + ["all"], default="all",
                        help="which held-out set to grade (default: all but the final sets, I and GX)")
    args = parser.parse_args(argv)
    gru = args.exercise == "gru"
    if args.set != "all" and (args.set in GRU_SET_NAMES) != gru:
        parser.error(f"set {args.set} is not a set of the exercise {args.exercise}")
    rows = []
    start = time.perf_counter()
    grader = Grader(Options(), exercise=args.exercise)
    source = gru_mutant_source if gru else mutant_source
    try:
        with tempfile.TemporaryDirectory() as tmp:
            chosen = select(args.set, args.exercise)
            for ident, function, edits, cause in chosen:
                path = Path(tmp) / f"{ident}.py"
                path.write_text(source(edits))
                outcome, detail = classify(grader.grade_file(path), function, args.exercise)
                rows.append((ident, function, cause, outcome, detail))
    finally:
        grader.close()
    elapsed = time.perf_counter() - start
    failing = [r for r in rows if r[3] in ("hinted", "crash", "crash-hinted", "unhinted")]
    hinted = [r for r in failing if r[3] == "hinted"]
    returning = [r for r in failing if r[3] not in ("crash", "crash-hinted")]
    named = [r for r in failing if r[3] in ("hinted", "crash-hinted")]
    if args.markdown:
        print("| mutant | function | the mistake | outcome | hint (or what the student sees) |")
        print("|---|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    else:
        for ident, function, cause, outcome, detail in rows:
            print(f"{outcome:9s} {ident:28s} {cause}\n          -> {detail[:400]}")
    print()
    print(f"{len(rows)} mutants, {len(failing)} lose points; old rule (a crash is not hinted): "
          f"hinted {len(hinted)} of {len(failing)} = {100 * len(hinted) / max(1, len(failing)):.0f}% "
          f"({len(hinted)} of the {len(returning)} that return values = "
          f"{100 * len(hinted) / max(1, len(returning)):.0f}%); "
          f"no effect on the hidden cases: {sum(r[3] == 'no-effect' for r in rows)}; "
          f"points lost elsewhere: {sum(r[3] == 'leaked' for r in rows)}")
    print(f"new rule (a crash whose message names the cause counts): hinted {len(named)} of {len(failing)} = "
          f"{100 * len(named) / max(1, len(failing)):.0f}% ({len(named) - len(hinted)} crashes named)")
    print(f"graded in {elapsed:.1f} s on {platform.machine()}, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
