"""Hint share: how many single mistakes get a cause-level hint from the grader.

    python bench/hint_share.py [--markdown] [--set A..I|all]

Grades every mutant of bench/heldout_mutants.py (correct/loops.py + one change,
written apart from the catalogue; sets A-G) and of bench/heldout_blind.py
(blind sets H and I; I is the final test, graded only with --set I, once)
with the real grader (default sandbox) and
counts, among the mutants that lose points, those whose function gets a
hint. A mistake that makes numpy raise gets the exception and the student's
line instead; it counts as not hinted. Prints one line per mutant (the hint
given, so that each can be checked against the cause by eye) and the share.
"""
from __future__ import annotations

import argparse
import platform
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
    if f.hints:
        return "hinted", " | ".join(f.hints)
    text = (f.problem or "") + " " + " ".join(c.message for c in f.checks)
    if "raised " in text:
        return "crash", (f.problem or next(c.message for c in f.checks if "raised " in c.message))
    return "unhinted", f.summary


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
    failing = [r for r in rows if r[3] in ("hinted", "crash", "unhinted")]
    hinted = [r for r in failing if r[3] == "hinted"]
    returning = [r for r in failing if r[3] != "crash"]
    if args.markdown:
        print("| mutant | function | the mistake | outcome | hint (or what the student sees) |")
        print("|---|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    else:
        for ident, function, cause, outcome, detail in rows:
            print(f"{outcome:9s} {ident:28s} {cause}\n          -> {detail[:160]}")
    print()
    print(f"{len(rows)} mutants, {len(failing)} lose points; "
          f"hinted {len(hinted)} of {len(failing)} = {100 * len(hinted) / max(1, len(failing)):.0f}% "
          f"({len(hinted)} of the {len(returning)} that return values = "
          f"{100 * len(hinted) / max(1, len(returning)):.0f}%); "
          f"no effect on the hidden cases: {sum(r[3] == 'no-effect' for r in rows)}; "
          f"points lost elsewhere: {sum(r[3] == 'leaked' for r in rows)}")
    print(f"graded in {elapsed:.1f} s on {platform.machine()}, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
