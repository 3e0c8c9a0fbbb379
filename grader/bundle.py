"""Gradescope autograder bundle: build the zip, and turn a graded upload into results.json.

`build(out_zip)` writes the zip Gradescope expects (its "Autograder
Specifications"): at the root `setup.sh` (run once when the image is built:
apt-get installs bubblewrap and Python, pip installs the grader from the
bundled `grader-src/`) and `run_autograder` (run per submission). Gradescope
unzips the bundle into /autograder/source and copies run_autograder to
/autograder/run_autograder.

`run_autograder` grades every .ipynb/.py of the upload (the course's own
modules, checkpoints and hidden folders skipped) with `python -m grader grade
SUBMISSION --format gradescope`, then `python -m grader.bundle finish` writes
RESULTS/results.json:
  - one graded file: its results; several (a notebook and a stray copy, a .py
    beside it): each function's best score over the files, its feedback taken
    from that file and the file named in it; none: score 0 and a message
    saying what to upload.
  - what students see (every test is `visible`, so Gradescope shows them their
    total; a hidden test would hide it): per function the score and the
    feedback lines (which outputs are wrong and how, the known-mistake hint),
    with each hidden case's description (`[case 2: n_x=4, ...]`) replaced by
    `[hidden case 2]`. The unabridged feedback is printed to stdout (instructors
    only: `stdout_visibility` is `hidden`) and kept in `extra_data`.
Paths are overridable for tests and other hosts: AUTOGRADER_ROOT (default
/autograder), AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, AUTOGRADER_PYTHON
(default python3); AUTOGRADER_TIMEOUT (seconds per call, default 10).
"""
from __future__ import annotations

import argparse
import io
import json
import re
import stat
import sys
import zipfile
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "rnn-course-grader"
PACKAGE_DIR = Path(__file__).resolve().parent
CASE_TAG = re.compile(r"\s*\[case (\d+): [^\]]*\]")

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
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this per submission: grade /autograder/submission into /autograder/results/results.json.
# Paths are overridable (tests): AUTOGRADER_ROOT, AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS, AUTOGRADER_PYTHON.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SUBMISSION="${AUTOGRADER_SUBMISSION:-$ROOT/submission}"
RESULTS="${AUTOGRADER_RESULTS:-$ROOT/results}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
TIMEOUT="${AUTOGRADER_TIMEOUT:-10}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$RESULTS"
"$PYTHON" -m grader grade "$SUBMISSION" --format gradescope --jobs 1 --timeout "$TIMEOUT" \\
    >"$WORK/graded.json" 2>"$WORK/stderr.txt"
status=$?
cat "$WORK/stderr.txt" >&2
exec "$PYTHON" -m grader.bundle finish --status "$status" --graded "$WORK/graded.json" \\
    --stderr "$WORK/stderr.txt" --results "$RESULTS/results.json"
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


def build(out_zip: Path) -> list[str]:
    """Write the Gradescope autograder zip; return the names it holds."""
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        z.writestr("grader-src/pyproject.toml", pyproject_text())
        for f, name in source_files():
            z.write(f, name)
        names = z.namelist()
    tmp = out_zip.with_name("." + out_zip.name + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(out_zip)
    return names


# ---------------------------------------------------------------------------- results.json

def student_text(text: str) -> str:
    """Feedback as students see it on Gradescope: hidden cases' descriptions replaced by their number."""
    return CASE_TAG.sub(lambda m: f" [hidden case {m.group(1)}]", text)


def merge(documents: list[dict]) -> dict:
    """One results.json from the documents of several files: per function, the best score."""
    if len(documents) == 1:
        return documents[0]
    names = [d["extra_data"]["submission"] for d in documents]
    best: dict[str, tuple[dict, str]] = {}
    for doc, name in zip(documents, names):
        for test in doc["tests"]:
            if test["name"] not in best or test["score"] > best[test["name"]][0]["score"]:
                best[test["name"]] = (test, name)
    tests = []
    for test, name in best.values():
        test = dict(test, output=f"(from {name})\n{test['output']}")
        tests.append(test)
    score = round(sum(t["score"] for t in tests), 4)
    header = [f"Score: {score:g} / {sum(t['max_score'] for t in tests):g}",
              f"Your upload has {len(documents)} gradable files ({', '.join(names)}): each function's "
              f"score is its best over them (the file is named in its feedback). Upload only your "
              f"notebook to avoid surprises."]
    return {"score": score, "execution_time": round(sum(d["execution_time"] for d in documents), 3),
            "output": "\n".join(header), "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests, "extra_data": {"merged": [d["extra_data"] for d in documents]}}


def for_students(doc: dict) -> dict:
    """The results.json Gradescope shows: every test visible, hidden cases described by number only."""
    out = dict(doc, visibility="visible", stdout_visibility="hidden", output=student_text(doc["output"]))
    out["tests"] = [dict(t, output=student_text(t["output"]), visibility="visible") for t in doc["tests"]]
    return out


def failure(message: str) -> dict:
    from .problems import BY_NAME, DISPLAY_ORDER

    return {"score": 0.0, "execution_time": 0.0, "output": message, "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": n, "score": 0.0, "max_score": BY_NAME[n].points, "status": "failed",
                       "output": "not graded: " + message, "visibility": "visible"} for n in DISPLAY_ORDER]}


def finish(status: int, graded: str, stderr: str) -> tuple[dict, str]:
    """(results.json document, text for the instructor's stdout) from `grade`'s exit status and outputs."""
    if status == 2 and "no .ipynb or .py submission" in stderr:
        doc = failure("no notebook (.ipynb) or Python file (.py) was found in your upload: "
                      "upload your completed rnn_lstm.ipynb and submit again.")
        return doc, stderr
    try:
        parsed = json.loads(graded)
    except ValueError:
        parsed = None
    if status not in (0, 1) or parsed is None:
        doc = failure("the autograder could not grade this upload (an internal error, not a problem with "
                      "your code as far as it can tell); please tell your instructor.")
        return doc, f"grade exited with status {status}\n{stderr}"
    documents = parsed if isinstance(parsed, list) else [parsed]
    full = merge(documents)
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
    args = parser.parse_args(argv)
    from .report import write_atomic

    read = lambda p: p.read_text(encoding="utf-8", errors="replace") if p.is_file() else ""  # noqa: E731
    doc, instructor = finish(args.status, read(args.graded), read(args.stderr))
    write_atomic(args.results, json.dumps(doc, indent=2))
    print(instructor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
