"""Gradescope autograder bundle: build the zip, and turn a graded upload into results.json.

`build(out_zip)` writes the zip Gradescope expects (its "Autograder
Specifications"): at the root `setup.sh` (run once when the image is built:
apt-get installs bubblewrap and Python, pip installs the grader from the
bundled `grader-src/`), `run_autograder` (run per submission) and
`grader-secret.key`, the secret this bundle's hidden cases come from (a new
one per bundle unless one is given: a bundle built again gets new cases).
Gradescope unzips the bundle into /autograder/source and copies
run_autograder to /autograder/run_autograder. Students never see the source
folder (nor, under the sandbox, any file outside it).

One upload is graded as exactly one file (`choose`), by this rule:
  1. a file named rnn_lstm.ipynb (the one nearest the top of the upload; two
     at the same depth: none is chosen);
  2. else the only gradable file (.ipynb or .py; the course's own modules,
     checkpoints and hidden folders are not gradable);
  3. else none: score 0, and a message listing what was found and saying
     what to upload.
Links (symbolic links in the upload) are never graded: one could point at
the autograder's own files.
`run_autograder` grades the chosen file with `python -m grader grade FILE
--format gradescope --secret SECRET`, then `python -m grader.bundle finish`
writes RESULTS/results.json. What students see (every test is `visible`, so
Gradescope shows them their total; a hidden test would hide it): per
function the score and the feedback lines (which outputs are wrong and how,
the known-mistake hint), with each hidden case's description (`[case 2:
n_x=4, ...]`) replaced by `[hidden case 2]`. The unabridged feedback is
printed to stdout (instructors only: `stdout_visibility` is `hidden`) and
kept in `extra_data`.
Paths are overridable for tests and other hosts: AUTOGRADER_ROOT (default
/autograder), AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, AUTOGRADER_PYTHON
(default python3), AUTOGRADER_SECRET (default SOURCE/grader-secret.key);
AUTOGRADER_TIMEOUT (seconds per call, default 10).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import secrets
import stat
import sys
import zipfile
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "rnn-course-grader"
PACKAGE_DIR = Path(__file__).resolve().parent
CASE_TAG = re.compile(r"\s*\[case (\d+): [^\]]*\]")


def expected_notebook(exercise=None) -> str:
    """The file name an upload's notebook has (the exercise's; default: the default exercise's)."""
    from .exercise import get

    return get(exercise).notebook
SECRET_NAME = "grader-secret.key"
NOT_CHOSEN = 3  # exit status of `choose` when no file can be graded

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder image.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# bubblewrap: the grader's sandbox (without it the grader falls back to a weaker isolation and says so)
apt-get install -y -qq --no-install-recommends bubblewrap python3 python3-pip
# PIP_BREAK_SYSTEM_PACKAGES: newer Ubuntu images mark the system Python as externally managed
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --no-cache-dir "$SOURCE/grader-src"
# the secret the hidden cases come from: readable by root only
chmod 600 "$SOURCE/grader-secret.key"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this per submission: grade /autograder/submission into /autograder/results/results.json.
# Paths are overridable (tests): AUTOGRADER_ROOT, AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, AUTOGRADER_PYTHON,
# AUTOGRADER_SECRET.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SUBMISSION="${AUTOGRADER_SUBMISSION:-$ROOT/submission}"
RESULTS="${AUTOGRADER_RESULTS:-$ROOT/results}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
TIMEOUT="${AUTOGRADER_TIMEOUT:-10}"
SECRET="${AUTOGRADER_SECRET:-$ROOT/source/grader-secret.key}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$RESULTS"
chmod 600 "$SECRET" 2>/dev/null
# exactly one file of the upload is graded (the rule: python -m grader.bundle choose --help)
"$PYTHON" -m grader.bundle choose "$SUBMISSION" >"$WORK/chosen.txt" 2>"$WORK/choose.txt"
status=$?
cp "$WORK/choose.txt" "$WORK/stderr.txt"
if [ "$status" -eq 0 ]; then
    "$PYTHON" -m grader grade --format gradescope --jobs 1 --timeout "$TIMEOUT" --secret "$SECRET" \\
        -- "$(cat "$WORK/chosen.txt")" >"$WORK/graded.json" 2>"$WORK/stderr.txt"
    status=$?
fi
cat "$WORK/stderr.txt" >&2
exec "$PYTHON" -m grader.bundle finish --status "$status" --graded "$WORK/graded.json" \\
    --stderr "$WORK/stderr.txt" --chosen "$WORK/choose.txt" --results "$RESULTS/results.json"
"""


# ---------------------------------------------------------------------------- building

def pyproject_text() -> str:
    """A pyproject.toml for the bundled source: the installed distribution's version and dependencies."""
    try:
        version = metadata.version(DISTRIBUTION)
        requires = [r for r in (metadata.requires(DISTRIBUTION) or []) if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        version, requires = "0.0.0", ["numpy>=1.23", "nbformat>=5.7"]
    deps = ",\n".join(f"    {json.dumps(r.split(';')[0].strip())}" for r in requires)
    return (f'[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{DISTRIBUTION}"\nversion = "{version}"\nrequires-python = ">=3.10"\n'
            f'dependencies = [\n{deps}\n]\n\n[tool.setuptools.packages.find]\ninclude = ["grader*"]\n')


def source_files() -> list[tuple[Path, str]]:
    """(file, path in the zip) for the grader package: .py files and templates, no caches."""
    out = []
    for f in sorted(PACKAGE_DIR.rglob("*")):
        rel = f.relative_to(PACKAGE_DIR)
        if f.is_file() and "__pycache__" not in rel.parts and f.suffix in (".py", ".css", ".html", ".json"):
            out.append((f, f"grader-src/grader/{rel.as_posix()}"))
    return out


def run_autograder_text(exercise: str | None = None) -> str:
    """run_autograder; with `exercise` (a built-in exercise's name), every step is told which one."""
    if exercise is None:
        return RUN_AUTOGRADER
    from .exercise import get

    flag = f"--exercise {get(exercise).name}"
    steps = ("-m grader.bundle choose ", "-m grader grade ", "-m grader.bundle finish ")
    text = RUN_AUTOGRADER
    for step in steps:
        assert text.count(f'"$PYTHON" {step}') == 1, step  # each step is run once, by this line
        text = text.replace(f'"$PYTHON" {step}', f'"$PYTHON" {step}{flag} ')
    return text


def build(out_zip: Path, key: bytes | None = None, exercise: str | None = None) -> list[str]:
    """Write the Gradescope autograder zip with this secret (default: a new one) for `exercise`
    (a built-in exercise's name; default: the default exercise); return the names it holds.
    Every step of its run_autograder names the exercise: inferred from each upload, a file of
    another exercise would be graded as that one (a GRU file in the RNN/LSTM assignment: 50 points)."""
    from .exercise import get
    from .secret import SIZE

    exercise = get(exercise).name
    key = key if key is not None else secrets.token_bytes(SIZE)
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run_autograder_text(exercise))):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        info = zipfile.ZipInfo(SECRET_NAME, date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFREG | 0o600) << 16
        z.writestr(info, key.hex() + "\n")
        z.writestr("grader-src/pyproject.toml", pyproject_text())
        for f, name in source_files():
            z.write(f, name)
        names = z.namelist()
    tmp = out_zip.with_name("." + out_zip.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the secret
    with os.fdopen(fd, "wb") as f:
        f.write(buffer.getvalue())
    tmp.replace(out_zip)
    return names


# ---------------------------------------------------------------------------- results.json

def student_text(text: str) -> str:
    """Feedback as students see it on Gradescope: hidden cases' descriptions replaced by their number."""
    return CASE_TAG.sub(lambda m: f" [hidden case {m.group(1)}]", text)


def choose(folder: Path, exercise=None) -> tuple[Path | None, str]:
    """(the one file of an upload to grade, or None; what was decided, in words). See the module's rule."""
    from .submission import discover

    EXPECTED_NOTEBOOK = expected_notebook(exercise)
    folder = Path(folder)
    found = discover([folder]) if folder.is_dir() else []
    # a link in an upload could point at the autograder's own files (the secret): never graded
    root = folder.resolve()
    links = [name for path, name in found
             if any(p.is_symlink() for p in [path, *path.parents] if p.is_relative_to(folder) and p != folder)
             or not path.resolve().is_relative_to(root)]
    found = [(path, name) for path, name in found if name not in links]
    if links and not found:
        return None, (f"your upload holds only links ({listed_of(links)}), which are not graded: upload your "
                      f"completed {EXPECTED_NOTEBOOK} itself and submit again.")
    names = [name for _, name in found]
    listed = listed_of(names)
    expected = [(path, name) for path, name in found if path.name == EXPECTED_NOTEBOOK]
    if expected:
        depth = min(name.count("/") for _, name in expected)
        top = [(path, name) for path, name in expected if name.count("/") == depth]
        if len(top) == 1:
            path, name = top[0]
            others = [n for n in names if n != name]
            return path, f"graded {listed_of([name])}" + (f" (not graded: {listed_of(others)})" if others else "")
        return None, (f"your upload has {len(top)} files named {EXPECTED_NOTEBOOK} "
                      f"({listed_of([n for _, n in top])}), so none was graded: upload one {EXPECTED_NOTEBOOK} "
                      f"and submit again.")
    if len(found) == 1:
        return found[0][0], f"graded {listed} (the only notebook or Python file of the upload)"
    if not found:
        return None, (f"no notebook (.ipynb) or Python file (.py) was found in your upload: "
                      f"upload your completed {EXPECTED_NOTEBOOK} and submit again.")
    return None, (f"your upload has {len(found)} gradable files ({listed}) and none is named "
                  f"{EXPECTED_NOTEBOOK}, so none was graded (one upload is graded as one file): upload only "
                  f"your completed {EXPECTED_NOTEBOOK} and submit again.")


def listed_of(names: list[str]) -> str:
    """Up to 20 file names (each cut at 100 characters, on one line) and how many more."""
    shown = [repr(n)[1:-1][:100] for n in names[:20]]
    return ", ".join(shown) + (f" and {len(names) - 20} more" if len(names) > 20 else "")


def for_students(doc: dict) -> dict:
    """The results.json Gradescope shows: every test visible, hidden cases described by number only."""
    out = dict(doc, visibility="visible", stdout_visibility="hidden", output=student_text(doc["output"]))
    out["tests"] = [dict(t, output=student_text(t["output"]), visibility="visible") for t in doc["tests"]]
    return out


def failure(message: str, exercise=None) -> dict:
    from .exercise import get

    exercise = get(exercise)
    return {"score": 0.0, "execution_time": 0.0, "output": message, "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": n, "score": 0.0, "max_score": exercise.by_name[n].points, "status": "failed",
                       "output": "not graded: " + message, "visibility": "visible"} for n in exercise.order]}


def finish(status: int, graded: str, stderr: str, chosen: str = "", exercise=None) -> tuple[dict, str]:
    """(results.json document, text for the instructor's stdout) from `grade`'s exit status and outputs
    (status NOT_CHOSEN: `choose` found no file to grade, and stderr says why)."""
    if status == NOT_CHOSEN:
        message = stderr.strip().splitlines()[-1][:4000] if stderr.strip() else "nothing in your upload could be graded"
        return failure(message, exercise), stderr
    if status == 2 and "no .ipynb or .py submission" in stderr:
        doc = failure("no notebook (.ipynb) or Python file (.py) was found in your upload: "
                      f"upload your completed {expected_notebook(exercise)} and submit again.", exercise)
        return doc, stderr
    try:
        parsed = json.loads(graded)
    except ValueError:
        parsed = None
    if status not in (0, 1) or parsed is None:
        doc = failure("the autograder could not grade this upload (an internal error, not a problem with "
                      "your code as far as it can tell); please tell your instructor.", exercise)
        return doc, f"grade exited with status {status}\n{stderr}"
    if not isinstance(parsed, dict):
        doc = failure("the autograder could not grade this upload (an internal error); please tell your instructor.",
                      exercise)
        return doc, f"expected one result document from grade, got {type(parsed).__name__}\n{stderr}"
    full = parsed
    if chosen:
        full = dict(full, output=full["output"] + "\n" + chosen)
    instructor = [full["output"]] + [f"--- {t['name']}: {t['score']:g}/{t['max_score']:g}\n{t['output']}"
                                     for t in full["tests"]]
    if status == 1:
        instructor.append("grade reported an internal error:\n" + stderr)
    return for_students(full), "\n".join(instructor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.bundle",
                                     description="Runtime half of the Gradescope bundle (called by run_autograder).")
    sub = parser.add_subparsers(dest="command", required=True)
    fin = sub.add_parser("finish", help="write results.json from the output of `python -m grader grade`")
    fin.add_argument("--status", type=int, required=True, help="exit status of `grade`")
    fin.add_argument("--graded", type=Path, required=True, help="its stdout (--format gradescope)")
    fin.add_argument("--stderr", type=Path, required=True, help="its stderr")
    fin.add_argument("--results", type=Path, required=True, help="where to write results.json")
    fin.add_argument("--chosen", type=Path, default=None, help="the output of `choose` (what was graded, and why)")
    fin.add_argument("--exercise", default=None, help="the exercise graded (default: the default one)")
    pick = sub.add_parser("choose", help="print the one file of an upload to grade (exit 3 and say why if none)",
                          description="One upload is graded as exactly one file: the " + expected_notebook() +
                                      " nearest the top, else the only .ipynb/.py file, else none (exit 3).")
    pick.add_argument("folder", type=Path, help="the upload (e.g. /autograder/submission)")
    pick.add_argument("--exercise", default=None, help="the exercise graded (its notebook's name is looked for)")
    args = parser.parse_args(argv)
    if args.command == "choose":
        path, why = choose(args.folder, args.exercise)
        if path is None:
            print(why, file=sys.stderr)
            return NOT_CHOSEN
        print(path)
        print(why, file=sys.stderr)
        return 0
    from .render.files import write_atomic

    read = lambda p: p.read_text(encoding="utf-8", errors="replace") if p and p.is_file() else ""  # noqa: E731
    doc, instructor = finish(args.status, read(args.graded), read(args.stderr), chosen_line(read(args.chosen)),
                             args.exercise)
    write_atomic(args.results, json.dumps(doc, indent=2))
    print(instructor)
    return 0


def chosen_line(text: str) -> str:
    """The `graded ...` line choose wrote to stderr, or ''."""
    lines = [ln for ln in text.splitlines() if ln.startswith("graded ")]
    return lines[-1][:2000] if lines else ""


if __name__ == "__main__":
    sys.exit(main())
