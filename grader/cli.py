"""Command line: parse arguments, call the API, print. Nothing else.

    python -m grader grade PATH [PATH ...] [--format text|json|gradescope]
                           [--out DIR] [--jobs N] [--timeout SECONDS] [--sandbox auto|bwrap|none]

Exit status: 0 when every submission got a result (zero scores included),
2 for a usage error, 1 for an internal fault. Logs go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from . import __version__

EPILOG = """\
examples:
  python -m grader grade examples/submissions
  python -m grader grade alice.ipynb --format gradescope > results.json
  python -m grader grade submitted/ --out grades/ --jobs 2

A PATH is a submission (.ipynb or .py) or a folder: every .ipynb/.py below it
is one submission, named by its path relative to that folder (nbgrader's
submitted/<student>/<assignment>/<notebook>.ipynb works as is).

With --out, one Gradescope results.json per submission is written under DIR
(mirroring the relative paths, with .json appended) plus DIR/grades.csv.
Submissions whose result is already there (same file content) are skipped,
so an interrupted batch resumes with the same command; --force regrades all.

Sandbox: 'auto' uses bubblewrap when it can run, else an unprivileged uid (as
root) or a plain process with an audit hook; 'bwrap' insists on bubblewrap;
'none' runs student code as a plain process of your user, which could read
your files or reach the network: use it for trusted code only.
"""


class UsageError(Exception):
    pass


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grade RNN/LSTM-from-scratch submissions function by function, in a sandbox.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    grade = sub.add_parser("grade", help="grade submissions and print or write the results",
                           description="Grade submissions (.ipynb or .py files, or folders of them).",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("paths", nargs="+", metavar="PATH", help="a submission file or a folder of them")
    grade.add_argument("--format", choices=("text", "json", "gradescope"), default="text",
                       help="what to print on stdout (default: text)")
    grade.add_argument("--out", metavar="DIR", type=Path,
                       help="write one results.json per submission and grades.csv into DIR")
    grade.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                       help=f"submissions graded in parallel (default: the CPU count, {os.cpu_count()})")
    grade.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS",
                       help="wall-clock limit per function call (default: 10)")
    grade.add_argument("--memory", type=positive_int, default=2048, metavar="MIB",
                       help="address-space limit per worker in MiB (default: 2048)")
    grade.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                       help="isolation of student code (default: auto; see below)")
    grade.add_argument("--force", action="store_true",
                       help="with --out: regrade submissions that already have a result")
    grade.add_argument("--seed", type=int, default=None, help="seed of the hidden cases (default: the course's)")
    grade.add_argument("--no-color", action="store_true", help="no colour in text output")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return run_grade(args)
    except UsageError as exc:
        print(f"python -m grader: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume (with --out)", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - an internal fault: say so, exit 1
        traceback.print_exc(file=sys.stderr)
        print("python -m grader: internal error (above); no submission caused this on purpose, "
              "please report it", file=sys.stderr)
        return 1


def run_grade(args) -> int:
    from . import api, report, submission
    from .problems import DEFAULT_SEED
    from .sandbox import SandboxUnavailable

    for p in args.paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or folder")
    files = submission.discover(args.paths)
    if not files:
        raise UsageError("no .ipynb or .py submission found under " + ", ".join(args.paths))
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a folder")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    options = api.Options(timeout=args.timeout, memory=args.memory << 20, jobs=args.jobs,
                          sandbox=args.sandbox, seed=seed)
    try:
        batch = api.Batch(files, options, out=args.out, force=args.force,
                          forbidden=[str(Path(p).resolve()) for p in args.paths])
    except SandboxUnavailable as exc:
        raise UsageError(str(exc)) from None
    colour = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    progress = Progress(len(files) - len(batch.done), enabled=sys.stderr.isatty() and len(files) > 1)
    if batch.done:
        print(f"resuming: {len(batch.done)} of {len(files)} submissions already graded in {args.out} "
              f"(--force to regrade)", file=sys.stderr)
    if batch.level != "bwrap":
        print(report.LOW_ISOLATION_WARNING.format(batch.level) + ": " + batch.description, file=sys.stderr)
    results = batch.run(progress.step)
    progress.close()
    if args.format == "json":
        print(report.to_json(results))
    elif args.format == "gradescope":
        docs = [batch.documents.get(r.name) or report.gradescope(r, batch.digests.get(r.name, ""), seed)
                for r in results]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2))
    else:
        for r in results:
            print(report.text_table(r, colour=colour))
            print()
        if len(results) > 1:
            print(report.batch_summary(results))
    if args.out is not None:
        print(f"results written to {args.out}/ (grades.csv and one .json per submission)", file=sys.stderr)
    if batch.internal_errors:
        for line in batch.internal_errors:
            print(f"python -m grader: internal error: {line}", file=sys.stderr)
        return 1
    return 0


class Progress:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled and total > 0

    def step(self, result) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                             f"{result.name[:40]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
