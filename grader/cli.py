"""Command line: parse arguments, call the API, print. Nothing else.

    python -m grader grade PATH [PATH ...] [--format text|json|gradescope|html] [--html]
                           [--out DIR] [--jobs N] [--timeout SECONDS] [--sandbox auto|bwrap|none]
                           [--secret FILE | --seed N]
    python -m grader nbgrader-autograde ASSIGNMENT [--course-dir DIR] [--student ID ...] [--force]
    python -m grader nbgrader-sync ASSIGNMENT [--course-dir DIR] [--student ID ...] [--map GRADE_ID=FUNCTION ...]
    python -m grader gradescope-bundle OUT.zip [--secret FILE]
    python -m grader init-secret [FILE]
    python -m grader report DIR [--output FILE]
    python -m grader export-canvas DIR --assignment NAME [--roster FILE] [--match COLUMN] [--points N]

Exit status: 0 when every submission got a result (zero scores included),
2 for a usage error, 1 for an internal fault, 130 when interrupted (Ctrl-C).
Logs go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time
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
--format html (or --html beside another format) also writes a feedback page
per submission, DIR/<relative path>.html: every function's checks, diagnosis
and score (never a hidden input), readable on a phone; it needs --out.
Submissions whose result is already there (same file content) are skipped,
so an interrupted batch resumes with the same command; --force regrades all.
Ctrl-C stops a batch at once (exit status 130): every worker is killed, and
the results received stay written. grades.csv lists every result in
DIR the grader wrote under this secret (a file graded later into the same DIR
adds its line; this run's results replace older ones of the same submission;
a planted or edited one is left out, with a note). It has a student column:
nbgrader's <student> folder (submitted/<student>/<assignment>/...), else the
file's name without its extension.

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


def wrap(text: str) -> str:
    return textwrap.fill(text, width=min(100, max(60, os.get_terminal_size(2).columns if sys.stderr.isatty() else 80)))


def program_name(argv0: str | None = None) -> str:
    """How the command was invoked, for usage lines and messages: `rnn-grader` when run
    through the installed script, `python -m grader` when run as a module."""
    base = os.path.basename(sys.argv[0] if argv0 is None else argv0)
    if base.lower().removesuffix(".exe") == SCRIPT:
        return SCRIPT
    return "python -m grader"


SCRIPT = "rnn-grader"  # the console script of pyproject.toml


def add_exercise_options(parser: argparse.ArgumentParser, inferred: str) -> None:
    """--exercise NAME and --exercise-module MODULE (docs/exercises.md)."""
    parser.add_argument("--exercise", default=None, metavar="NAME",
                        help=f"the exercise graded (default: {inferred}; see docs/exercises.md)")
    parser.add_argument("--exercise-module", action="append", default=[], metavar="MODULE",
                        help="load an exercise that lives outside the grader: a dotted module name "
                             "(importable from PYTHONPATH) whose module defines EXERCISE; repeatable")


def chosen_exercise(args, files=None, assignment: str | None = None):
    """The exercise a command works on: --exercise, else the assignment's, else inferred from the
    files' function names, else the default one. A clear UsageError when none fits."""
    from . import exercise as exercises

    try:
        for dotted in getattr(args, "exercise_module", None) or []:
            exercises.load_module(dotted)
        if getattr(args, "exercise", None):
            return exercises.get(args.exercise)
        if assignment is not None:
            return exercises.for_assignment(assignment)
        if files is not None:
            return exercises.infer(files)
        return exercises.default()
    except exercises.UnknownExercise as exc:
        raise UsageError(str(exc)) from None


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    named = lambda text: text.replace("python -m grader", prog)  # noqa: E731 - examples as invoked
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Grade RNN/LSTM-from-scratch submissions function by function, in a sandbox.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    grade = sub.add_parser("grade", help="grade submissions and print or write the results",
                           description="Grade submissions (.ipynb or .py files, or folders of them).",
                           epilog=named(EPILOG), formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("paths", nargs="+", metavar="PATH", help="a submission file or a folder of them")
    add_exercise_options(grade, "inferred from the functions the submissions define")
    grade.add_argument("--format", choices=("text", "json", "gradescope", "html"), default="text",
                       help="what to print on stdout (default: text); html: write feedback pages into --out "
                            "and print their paths")
    grade.add_argument("--html", action="store_true",
                       help="with --out: also write a feedback page per submission (DIR/<name>.html)")
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
    grade.add_argument("--secret", type=Path, default=None, metavar="FILE",
                       help="the deployment's secret the hidden cases come from (default: $RNN_GRADER_SECRET_FILE, "
                            "else your own in ~/.config/rnn-grader/, created on first use; never the current folder's; "
                            "refused inside a PATH graded, or writable by others; see init-secret)")
    grade.add_argument("--seed", type=int, default=None, metavar="N",
                       help="draw the hidden cases from the fixed seed N instead of a secret (tests and "
                            "benchmarks only: anybody can compute these cases)")
    grade.add_argument("--no-color", action="store_true", help="no colour in text output")
    grade.add_argument("--progress", choices=("auto", "bar", "log", "off"), default="auto",
                       help="progress of a batch on stderr: a live bar with rate and ETA (bar), a plain line "
                            "every --progress-every seconds and at the end (log), or nothing (off); "
                            "default auto: bar on a terminal, log otherwise")
    grade.add_argument("--progress-every", type=positive_float, default=10.0, metavar="SECONDS",
                       help="seconds between two progress lines in log mode (default: 10)")
    add_isolation = lambda p: (  # noqa: E731 - the grading options the other commands share
        p.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                       help=f"submissions graded in parallel (default: the CPU count, {os.cpu_count()})"),
        p.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS",
                       help="wall-clock limit per function call (default: 10)"),
        p.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                       help="isolation of student code (default: auto)"))

    sync = sub.add_parser(
        "nbgrader-sync", help="after `nbgrader autograde`: replace its scores with this grader's, in the gradebook",
        description=wrap("Grade the submitted notebooks of an nbgrader ASSIGNMENT with this project's isolated grader "
                    "and write each function's score into the auto_score of the matching autograded cell of "
                    "nbgrader's gradebook, so formgrader, `nbgrader export` and `nbgrader generate_feedback` show "
                    "scores the student's code could not fake (nbgrader runs its tests in the student's kernel). "
                    "Run it in the course folder after `nbgrader autograde ASSIGNMENT`; it prints every change "
                    "(student, function, old -> new)."),
        epilog=named(SYNC_EPILOG), formatter_class=argparse.RawDescriptionHelpFormatter)
    sync.add_argument("assignment", metavar="ASSIGNMENT", help="the nbgrader assignment, e.g. rnn_lstm")
    sync.add_argument("--course-dir", type=Path, default=None, metavar="DIR",
                      help="the course folder (with nbgrader_config.py; default: the current folder)")
    sync.add_argument("--student", action="append", default=[], metavar="ID",
                      help="only this student (repeatable; default: every student with a submission)")
    sync.add_argument("--map", action="append", default=[], metavar="GRADE_ID=FUNCTION",
                      help="grade cell GRADE_ID grades FUNCTION (repeatable; overrides the automatic mapping)")
    sync.add_argument("--db", default=None, metavar="URL",
                      help="gradebook database URL (default: the course's, sqlite:///<course>/gradebook.db)")
    sync.add_argument("--dry-run", action="store_true", help="grade and print the changes, write nothing")
    sync.add_argument("--no-annotate", action="store_true",
                      help="do not append the grader's feedback to the autograded notebooks' grade cells")
    sync.add_argument("--out", type=Path, metavar="DIR",
                      help="also keep the grader's results.json files and grades.csv in DIR")
    sync.add_argument("--secret", type=Path, default=None, metavar="FILE",
                      help="the course's secret (default: $RNN_GRADER_SECRET_FILE, else grader-secret.key in the "
                           "course folder, created there on first use)")
    add_isolation(sync)
    add_exercise_options(sync, "the one the assignment maps to")

    auto = sub.add_parser(
        "nbgrader-autograde", help="`nbgrader autograde ASSIGNMENT`, then nbgrader-sync: one step, nothing forgotten",
        description=wrap("Run `nbgrader autograde ASSIGNMENT` (with --force and --student passed on), then "
                    "nbgrader-sync on the same students, so the gradebook never keeps the scores a student's "
                    "code could fake in its own kernel. Run it in the course folder."))
    auto.add_argument("assignment", metavar="ASSIGNMENT", help="the nbgrader assignment, e.g. rnn_lstm")
    auto.add_argument("--course-dir", type=Path, default=None, metavar="DIR",
                      help="the course folder (with nbgrader_config.py; default: the current folder)")
    auto.add_argument("--student", action="append", default=[], metavar="ID",
                      help="only this student (repeatable; default: every student with a submission)")
    auto.add_argument("--force", action="store_true", help="autograde again submissions autograded before")
    auto.add_argument("--map", action="append", default=[], metavar="GRADE_ID=FUNCTION",
                      help="as for nbgrader-sync")
    auto.add_argument("--secret", type=Path, default=None, metavar="FILE", help="as for nbgrader-sync")
    add_isolation(auto)
    add_exercise_options(auto, "the one the assignment maps to")

    init = sub.add_parser(
        "init-secret", help="create the deployment's secret the hidden cases come from",
        description=wrap("Write a new random secret (32 bytes, as hex) to FILE with mode 0600. The hidden cases are "
                    "derived from it, so leaked values from another course are useless. Keep it private "
                    "and keep it: the same secret gives the same cases (and lets a batch resume); a new "
                    "secret means new cases. Refuses to overwrite an existing file."))
    init.add_argument("file", metavar="FILE", type=Path, nargs="?", default=None,
                      help="where to write it (default: ./grader-secret.key, the course folder's)")

    bundle = sub.add_parser(
        "gradescope-bundle", help="build the autograder zip to upload to Gradescope",
        description=wrap("Write OUT.zip, a Gradescope autograder: setup.sh (apt-get installs bubblewrap, pip installs "
                    "the grader from the bundled grader-src/), run_autograder (grades one file of "
                    "/autograder/submission with `python -m grader grade --format gradescope` into "
                    "/autograder/results/results.json) and grader-secret.key."),
        epilog=named(BUNDLE_EPILOG), formatter_class=argparse.RawDescriptionHelpFormatter)
    bundle.add_argument("output", metavar="OUT.zip", type=Path, help="the zip file to write")
    bundle.add_argument("--secret", type=Path, default=None, metavar="FILE",
                        help="put this secret in the bundle (default: a new one, made for this bundle)")
    add_exercise_options(bundle, "the default exercise; never inferred from an upload")

    rep = sub.add_parser(
        "report", help="one HTML page with plots for a graded class (the --out folder of grade)",
        description="Read the results written by `python -m grader grade ... --out DIR` (one results.json per "
                    "submission) and write one self-contained HTML page (inline SVG plots, no external asset): "
                    "distribution of totals, per-function mean score and share of full marks, the most "
                    "frequent diagnosed mistakes, and the submissions that timed out or failed to load.")
    rep.add_argument("folder", metavar="DIR", type=Path, help="the --out folder of `grade`")
    rep.add_argument("--output", type=Path, metavar="FILE", help="the page to write (default: DIR/report.html)")
    rep.add_argument("--title", default="Class report", help="the page's title")
    add_exercise_options(rep, "the one the results were graded as")

    canvas = sub.add_parser(
        "export-canvas", help="write a gradebook CSV that Canvas imports (Grades > Import)",
        description=wrap("Read the results written by `grade ... --out DIR` and write a CSV in the format of "
                         "Canvas's gradebook import: the columns Student, ID, SIS User ID, SIS Login ID, Section, "
                         "then one column for the assignment, with each student's total (the best one if a student "
                         "has several graded files). A student is nbgrader's <student> folder "
                         "(submitted/<student>/<assignment>/...), else the file's name without its extension."),
        epilog=named(CANVAS_EPILOG), formatter_class=argparse.RawDescriptionHelpFormatter)
    canvas.add_argument("folder", metavar="DIR", type=Path, help="the --out folder of `grade`")
    canvas.add_argument("--assignment", required=True, metavar="NAME",
                        help="the assignment's column: its name in Canvas, or the header of its column in "
                             "Canvas's export, e.g. \"RNN/LSTM (12345)\", to update that assignment")
    canvas.add_argument("--roster", type=Path, metavar="FILE",
                        help="Canvas's own gradebook export (Grades > Export): students are looked up in it "
                             "and their Canvas identity copied (recommended)")
    canvas.add_argument("--match", default="SIS Login ID", choices=("SIS Login ID", "SIS User ID", "ID", "Student"),
                        help="which Canvas column the student folder names are (default: SIS Login ID)")
    canvas.add_argument("--points", type=positive_float, default=None, metavar="N",
                        help="the assignment's points possible in Canvas: totals are scaled to it "
                             "(default: the rubric's 100)")
    canvas.add_argument("--output", type=Path, metavar="FILE", help="the CSV to write (default: DIR/canvas.csv)")
    add_exercise_options(canvas, "the one the results were graded as")
    return parser


SYNC_EPILOG = """examples (in the course folder, after `nbgrader autograde rnn_lstm`):
  python -m grader nbgrader-sync rnn_lstm
  python -m grader nbgrader-sync rnn_lstm --student alice --dry-run
  python -m grader nbgrader-sync rnn_lstm --map cell-7f3a=lstm_forward

Which grade cell grades which function, first rule that decides:
  1. --map GRADE_ID=FUNCTION;
  2. the grade_id names exactly one graded function (test_lstm_cell_forward);
  3. the cell's source calls exactly one graded function, or, calling none,
     refers to exactly one (assert_correct("lstm_forward", lstm_forward)).
Other grade cells (and markdown ones) are left as nbgrader scored them, and
listed. Score written: function score / its points x the cell's points.
A manual score set in formgrader still overrides auto_score in nbgrader.
"""

BUNDLE_EPILOG = """example:
  python -m grader gradescope-bundle autograder.zip   # then upload it on Gradescope

The zip holds grader-secret.key, the secret its hidden cases come from (a new
one for each bundle unless --secret FILE): keep the zip private.
One upload is graded as exactly one file: rnn_lstm.ipynb (the one nearest the
top of the upload), else the upload's only .ipynb/.py file, else none (score 0
and a message listing what was found). Students see every function's score
and feedback (all tests "visible", so they see their total); hidden cases are
named by number only ([hidden case 2]); the full feedback goes to the
autograder's stdout, which only instructors see. Environment variables
AUTOGRADER_ROOT, AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, AUTOGRADER_PYTHON,
AUTOGRADER_SECRET override run_autograder's paths (for testing it outside
Gradescope).
"""


CANVAS_EPILOG = """examples:
  python -m grader export-canvas grades/ --assignment "RNN/LSTM" --roster canvas_export.csv
  python -m grader export-canvas grades/ --assignment "RNN/LSTM (12345)" --match "SIS User ID" --points 20

Then in Canvas: Grades > Import, choose the file, check the preview. Canvas matches
each row to a student by its ID, SIS User ID, SIS Login ID or name; a column named
as an existing assignment (with its id in parentheses, as in Canvas's export)
updates it, any other name creates a new assignment. Students without a result
are not written (Canvas keeps what it had); graded students the roster does not
list are named on stderr and not written.
"""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    commands = {"grade": run_grade, "nbgrader-sync": run_sync, "gradescope-bundle": run_bundle,
                "report": run_report, "export-canvas": run_canvas, "init-secret": run_init_secret,
                "nbgrader-autograde": run_autograde}
    args.prog = parser.prog
    try:
        return commands[args.command](args)
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - an internal fault: say so, exit 1
        traceback.print_exc(file=sys.stderr)
        print(f"{parser.prog}: internal error (above); no submission caused this on purpose, "
              "please report it", file=sys.stderr)
        return 1


def run_grade(args) -> int:
    early = None
    if len(args.paths) == 1 and os.path.isfile(args.paths[0]):
        # one file: start its sandboxed worker now, so that it imports numpy while we do
        from .sandbox.launch import Limits, early_start

        early = early_start(args.sandbox, Limits(timeout=args.timeout, memory=args.memory << 20))
    try:
        batch = _make_batch(args, early)
    except BaseException:
        if early is not None:
            early.close()
        raise
    return _run_batch(args, batch)


def _make_batch(args, early):
    from . import api, submission
    from .batch import Batch
    from .sandbox import SandboxUnavailable

    for p in args.paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or folder")
    from .exercise import course_files

    chosen_exercise(args)  # loads --exercise-module first: its course files are not submissions
    files = submission.discover(args.paths, course_files())
    if not files:
        raise UsageError("no .ipynb or .py submission found under " + ", ".join(args.paths))
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a folder")
    pages = args.format == "html" or args.html
    if pages and args.out is None:
        raise UsageError("feedback pages (--format html, --html) are written into a folder: add --out DIR")
    options = api.Options(timeout=args.timeout, memory=args.memory << 20, jobs=args.jobs,
                          sandbox=args.sandbox, seed=args.seed,
                          secret=None if args.seed is not None else load_secret(args.secret, graded=args.paths))
    try:
        batch = Batch(files, options, out=args.out, force=args.force,
                      forbidden=[str(Path(p).resolve()) for p in args.paths], early=early,
                      exercise=chosen_exercise(args, [f for f, _ in files]))
    except SandboxUnavailable as exc:
        raise UsageError(str(exc)) from None
    return batch


def _run_batch(args, batch) -> int:
    from .render import gradescope, json_report, text

    files, seed = batch.files, batch.options.seed
    pages = args.format == "html" or args.html
    colour = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    progress = Progress(len(files) - len(batch.done), mode=args.progress if len(files) > 1 else "off",
                        every=args.progress_every)
    if args.format == "text" and not args.exercise:
        print(inferred_line(batch.exercise), file=sys.stderr)
    if batch.done:
        print(f"resuming: {len(batch.done)} of {len(files)} submissions already graded in {args.out} "
              f"(--force to regrade)", file=sys.stderr)
    if batch.level != "bwrap":
        print(text.LOW_ISOLATION_WARNING.format(batch.level) + ": " + batch.description, file=sys.stderr)
    try:
        results = batch.run(progress.step)
    except KeyboardInterrupt:
        progress.close()
        graded = len(batch.rows)
        where = (f"; their results are in {args.out}/ (grades.csv lists them): run the same command "
                 f"again to grade the other {len(files) - graded}" if args.out is not None else
                 "; nothing was written (add --out DIR to keep results across runs)")
        print(f"{args.prog}: interrupted: {graded} of {len(files)} submissions graded{where}", file=sys.stderr)
        return 130
    progress.close()
    if args.format == "json":
        json_report.write_json(results, sys.stdout)
    elif args.format == "gradescope":
        print(json.dumps(gradescope.gradescope_output(results, batch.previous, batch.digests, seed), indent=2))
    elif args.format == "html":
        pass  # the pages' paths are printed below
    else:
        for r in results:
            print(text.text_table(r, colour=colour))
            print()
        if len(results) > 1:
            print(text.batch_summary(results))
    if pages:
        from .render import html_pages

        for path in html_pages.write_feedback_pages(args.out, results, batch.output_name):
            if args.format == "html":
                print(text.terminal_safe(path))
    if args.out is not None and batch.unlisted:
        shown = ", ".join(batch.unlisted[:5]) + (f" and {len(batch.unlisted) - 5} more" if len(batch.unlisted) > 5 else "")
        print(text.terminal_safe(f"note: {len(batch.unlisted)} .json file(s) in {args.out}/ not listed in grades.csv "
                                 f"(not a result this grader wrote under this secret, of another exercise, or a "
                                 f"copy): {shown}"), file=sys.stderr)
    if args.out is not None:
        print(f"results written to {args.out}/ (grades.csv and one .json per submission"
              + (", one .html feedback page per submission)" if pages else ")"), file=sys.stderr)
    if batch.internal_errors:
        for line in batch.internal_errors:
            print(f"{args.prog}: internal error: {text.terminal_safe(line)}", file=sys.stderr)
        return 1
    return 0


def inferred_line(exercise) -> str:
    """Which exercise the submissions are graded as, when no --exercise chose it (one line, terminal-safe)."""
    from .render.text import terminal_safe

    title = f" ({exercise.title})" if exercise.title else ""
    return terminal_safe(f"graded as exercise {exercise.name}{title}, inferred from the function names; "
                         f"--exercise NAME to choose")


def load_secret(path: Path | None, folder: Path | None = None, create_in_folder: bool = False,
                graded: list | tuple = ()) -> bytes:
    """The deployment's secret (grader/secret.py says where it is looked for, and what is refused:
    a file inside a graded PATH, writable by others or not the user's); a notice when made now."""
    from . import secret
    from .render.text import terminal_safe

    try:
        found = secret.find(path, folder, create_in_folder=create_in_folder, graded=graded)
    except (secret.SecretError, OSError) as exc:
        raise UsageError(terminal_safe(str(exc))) from None
    here = Path(secret.FILENAME)
    if folder is None and path is None and not os.environ.get(secret.ENV) and here.is_file():
        print(terminal_safe(f"note: ./{secret.FILENAME} was not used: a secret is never taken from the current "
                            f"folder by itself (a student's upload could carry that name); the hidden cases come "
                            f"from {found.path}. To grade with the course's secret, pass --secret FILE (a file "
                            f"outside the folders you grade)"), file=sys.stderr)
    if found.created:
        print("note: " + terminal_safe(secret.created_notice(found)), file=sys.stderr)
    return found.key


def run_init_secret(args) -> int:
    from . import secret

    path = args.file or Path(secret.FILENAME)
    try:
        secret.create(path)
    except (secret.SecretError, OSError) as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote a new secret to {path} (mode 0600): keep it private, and keep it with your course; "
          f"the hidden cases come from it", file=sys.stderr)
    return 0


def run_autograde(args) -> int:
    import subprocess

    root = (args.course_dir or Path.cwd()).resolve()
    # nbgrader runs its environment's tools (alembic) by name: put that bin folder first on PATH
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    for student in args.student or [None]:  # nbgrader's --student takes one id
        command = [sys.executable, "-m", "nbgrader", "autograde", args.assignment]
        command += ["--force"] * args.force + ([f"--student={student}"] if student else [])
        print("running: nbgrader " + " ".join(command[3:]), file=sys.stderr, flush=True)
        done = subprocess.run(command, cwd=root, env=env)
        if done.returncode != 0:
            print(f"python -m grader: `nbgrader autograde` failed (exit {done.returncode}, its log is above); "
                  f"nothing was synced: fix it and run this command again", file=sys.stderr)
            return 1
    args.course_dir, args.dry_run, args.no_annotate, args.out, args.db = root, False, False, None, None
    return run_sync(args)


def run_sync(args) -> int:
    from . import api, nbgrader_sync
    from .render.text import terminal_safe

    try:
        overrides = nbgrader_sync.parse_overrides(args.map, chosen_exercise(args, assignment=args.assignment))
        root = args.course_dir or Path.cwd()
        options = api.Options(timeout=args.timeout, jobs=args.jobs, sandbox=args.sandbox,
                              secret=load_secret(args.secret, root, create_in_folder=True,
                                                 graded=[Path(root) / "submitted"]))
        progress = Progress(0, mode="off")
        exercise = chosen_exercise(args, assignment=args.assignment)
        sync = nbgrader_sync.sync(args.assignment, root=root, students=args.student or None, options=options,
                                  overrides=overrides, dry_run=args.dry_run, annotate=not args.no_annotate,
                                  out=args.out, db_url=args.db, progress=progress.step, exercise=exercise)
    except nbgrader_sync.SyncError as exc:
        raise UsageError(str(exc)) from None
    except ImportError as exc:
        raise UsageError(f"nbgrader is not installed ({exc}): pip install nbgrader") from None
    for (notebook, grade_id), (function, how) in sorted(sync.mapping.items()):
        target = function or "(not mapped)"
        print(terminal_safe(f"map: {notebook}: {grade_id} -> {target} ({how})"), file=sys.stderr)
    for note in sync.notes:
        print(terminal_safe(f"note: {note}"), file=sys.stderr)
    for change in sync.changed:
        print(terminal_safe(change.line()))
    print(sync.summary())
    return 0


def run_bundle(args) -> int:
    from . import bundle

    if args.output.suffix.lower() != ".zip":
        raise UsageError(f"{args.output}: the bundle must be a .zip file")
    key = None
    if args.secret is not None:
        from . import secret

        try:
            key = secret.read(args.secret)
            secret.trusted(args.secret)
        except secret.SecretError as exc:
            raise UsageError(str(exc)) from None
    exercise = chosen_exercise(args) if args.exercise or args.exercise_module else None
    from .exercise import BUILTIN_PACKAGE

    if exercise is not None and not type(exercise).__module__.startswith(BUILTIN_PACKAGE + "."):
        raise UsageError(f"--exercise {exercise.name}: only the grader's built-in exercises can go into a bundle")
    names = bundle.build(args.output, key, exercise.name if exercise else None)
    print(f"wrote {args.output} ({len(names)} files: setup.sh, run_autograder, grader-src/); "
          f"upload it as the autograder on Gradescope", file=sys.stderr)
    return 0


def run_report(args) -> int:
    from .render import html_pages
    from .render.files import write_atomic
    from .render.text import terminal_safe

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder}: not a folder (give the --out folder of `python -m grader grade`)")
    try:
        import matplotlib  # noqa: F401 - the plots
    except ImportError:
        raise UsageError("the class report draws its plots with matplotlib: pip install matplotlib") from None
    data = html_pages.load_results(args.folder)
    if not data.results:
        raise UsageError(f"{args.folder}: no results.json with grader details found; "
                         f"run `python -m grader grade PATH --out {args.folder}` first")
    graded_as: dict[str, list[str]] = {}
    for result in data.results:
        graded_as.setdefault(result.exercise, []).append(result.name)
    if len(graded_as) > 1:  # one class's figures (mean, distribution) over results of different totals
        listed = "; ".join(f"{name or 'unnamed'}: {', '.join(sorted(n)[:10])}" + (" ..." if len(n) > 10 else "")
                           for name, n in sorted(graded_as.items()))
        raise UsageError(terminal_safe(f"{args.folder}: the results were graded as several exercises "
                                       f"({listed}); grade the odd ones again with --exercise NAME, or "
                                       f"report each exercise from its own --out folder"))
    output = args.output or args.folder / "report.html"
    write_atomic(output, html_pages.class_report(data, args.title, output.parent))
    print(output)
    print(f"class report of {len(data.results)} submissions written to {output}", file=sys.stderr)
    return 0


def run_canvas(args) -> int:
    from .render import canvas
    from .render.files import write_atomic
    from .render.text import terminal_safe

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder}: not a folder (give the --out folder of `{args.prog} grade`)")
    docs = canvas.result_docs(args.folder)
    if not docs:
        raise UsageError(f"{args.folder}: no results.json found; run `{args.prog} grade PATH --out {args.folder}` first")
    try:
        roster = canvas.read_canvas_roster(args.roster) if args.roster else None
        exercise = chosen_exercise(args) if args.exercise else _exercise_of_docs(docs, args)
        export = canvas.canvas_csv(docs, args.assignment, roster, match=args.match,
                                   points=args.points or exercise.total_points, exercise=exercise)
    except canvas.CanvasError as exc:
        raise UsageError(str(exc)) from None
    output = args.output or args.folder / "canvas.csv"
    write_atomic(output, export.text)
    for student in export.unmatched:
        print(f"not in the roster (not written): {terminal_safe(student)}", file=sys.stderr)
    for student in export.several:
        print(f"several graded files, the best total written: {terminal_safe(student)}", file=sys.stderr)
    if export.ungraded:
        print(f"{len(export.ungraded)} students of the roster have no result (not written)", file=sys.stderr)
    print(output)
    print(f"{export.students} students written to {output}: import it in Canvas (Grades > Import)", file=sys.stderr)
    return 0


def _exercise_of_docs(docs: list[dict], args):
    """The exercise results.json documents were graded as (documents older than the field: the default)."""
    from . import exercise as exercises

    from .render.grades_csv import doc_student
    from .render.text import terminal_safe

    chosen_exercise(args)  # loads --exercise-module
    found: dict[str, list[str]] = {}
    for doc in docs:
        details = doc.get("extra_data", {}).get("details")
        name = details.get("exercise") if isinstance(details, dict) else None
        if isinstance(name, str) and name in exercises.names():
            found.setdefault(name, []).append(doc_student(doc))
    if len(found) > 1:  # each result is out of its own exercise's total: no one scale fits them all
        listed = "; ".join(f"{name}: {', '.join(sorted(s)[:10])}" + (" ..." if len(s) > 10 else "")
                           for name, s in sorted(found.items()))
        raise UsageError(terminal_safe(f"{args.folder}: the results were graded as several exercises ({listed}); "
                                       f"grade the odd ones again with --exercise NAME, or export each "
                                       f"exercise from its own --out folder"))
    return exercises.get(next(iter(found))) if found else exercises.default()


class Progress:
    """Batch progress on stderr with tqdm: a live bar (count, rate, ETA) on a terminal,
    and plain lines in the same words every `every` seconds and at the end when
    stderr is a file or pipe (logs, CI, nohup). mode: auto, bar, log or off."""

    def __init__(self, total: int, mode: str = "auto", every: float = 10.0, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done, self.every = total, 0, every
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "log"
        self.mode = mode if total > 0 else "off"
        self.bar = None
        self.started = self.last = time.monotonic()
        if self.mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="submission", dynamic_ncols=True, leave=True)

    def step(self, result) -> None:
        self.done += 1
        if self.bar is not None:
            from .render.text import terminal_safe

            self.bar.set_postfix_str(terminal_safe(result.name)[-40:], refresh=False)
            self.bar.update(1)
        elif self.mode == "log":
            now = time.monotonic()
            if now - self.last >= self.every and self.done < self.total:
                self.last = now
                self._line(now)

    def _line(self, now: float) -> None:
        from tqdm import tqdm

        self.stream.write(tqdm.format_meter(self.done, self.total, now - self.started, ncols=0,
                                            unit="submission", prefix="graded") + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.mode == "log":
            self.mode = "off"
            self._line(time.monotonic())
