"""Hint share: how many single mistakes get a cause-level hint from the grader.

    python bench/hint_share.py [--markdown] [--set A..I|all]

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


def classify(result, function: str) -> tuple[str, str]:
    """(outcome, detail) of one graded mutant: hinted, crash, unhinted, no-effect or leaked."""
    others = [f.name for f in result.functions if f.name != function and not f.passed]
    if others:
        return "leaked", "also lost points in " + ", ".join(others)
    f = result.function(function)
    if f.passed:
        return "no-effect", "full marks on the hidden cases"
    text = (f.problem or "") + " " + " ".join(c.message for c in f.checks)
    if f.problem and "raised " in f.problem:  # raised on every case
        if any(names_a_cause(function, hint) for hint in f.hints):
            return "crash-hinted", f.problem + " => " + " | ".join(f.hints)
        return "crash", f.problem
    if f.hints:
        return "hinted", " | ".join(f.hints)
    if "raised " in text:
        return "crash", (f.problem or next(c.message for c in f.checks if "raised " in c.message))
    return "unhinted", f.summary


def names_a_cause(function: str, hint: str) -> bool:
    """Does a crash's message name one of the function's arrays as having one of the exception's shapes?"""
    from grader.exercises.rnn_lstm import crashes, problems

    problem = problems.BY_NAME[function]
    case = problems.hidden_cases(problem)[-1]
    names = set(crashes.arrays(problem, case)) | set(problem.args)
    if problem.black_box:
        names |= set(problems.BY_NAME[problem.black_box].args)
    if hint.startswith("numpy could not store"):  # which arrays have a failed store's shapes: not a cause
        return False
    listed = [m.group(1) for m in re.finditer(r"is the shape of ([\w, .]+)", hint)]
    words = {w.strip(" .") for group in listed for w in group.split(",")}
    return any(f"`{n}`" in hint or re.search(rf"(?<!\w){re.escape(n)} \((n_|m\b|T_x|1\b)", hint) or n in words
               for n in names)


def select(set_name: str) -> list:
    """The mutants of one set, or of every set but the final ones for "all"."""
    return [m for name, ms in SETS.items()
            if set_name == name or (set_name == "all" and name not in FINAL_ONLY) for m in ms]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--set", choices=sorted(SETS) + ["all"], default="all",
                        help="which held-out set to grade (default: all but the final set I)")
    args = parser.parse_args(argv)
    rows = []
    start = time.perf_counter()
    grader = Grader(Options())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            chosen = select(args.set)
            for ident, function, edits, cause in chosen:
                path = Path(tmp) / f"{ident}.py"
                path.write_text(mutant_source(edits))
                outcome, detail = classify(grader.grade_file(path), function)
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
