"""Benchmark the grader: batch throughput and single-submission latency, sandbox on and off.

    python bench/bench_grader.py [--n 40] [--repeat 5] [--jobs 2]

Builds a batch of N notebooks (correct and single-mistake variants, from the
example and test-fixture submissions), grades it with `python -m grader grade
DIR --jobs J --out OUT` as a fresh process, and times a single
`python -m grader grade FILE` from process start to result. Prints medians.
A script, not a timed test: figures depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))
from patches import materialised  # noqa: E402  (the mutants, generated from their patches)

SOURCES = ([ROOT / "examples/submissions/correct.py"]
           + sorted((ROOT / "tests/fixtures/submissions/correct").glob("*.py"))
           + sorted((materialised() / "mutants").glob("*.py")))


def as_notebook(source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(part.strip()) for part in re.split(r"\n(?=def )", source)]
    nb.cells.insert(1, nbformat.v4.new_code_cell("np.random.seed(1)\nprint('scratch')"))
    return nb


def build_batch(folder: Path, n: int) -> list[Path]:
    files = []
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        path = folder / f"student{i:04d}" / "rnn_lstm" / "rnn_lstm.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(as_notebook(src.read_text()), path)
        files.append(path)
    return files


def grade(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"grader failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="notebooks in the batch (default 40)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions for medians (default 5)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for the batch (default 2)")
    parser.add_argument("--sandboxes", default="auto,none", help="comma-separated --sandbox values")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "submitted"
        files = build_batch(batch, args.n)
        for sandbox in args.sandboxes.split(","):
            batch_times = [grade([str(batch), "--jobs", str(args.jobs), "--sandbox", sandbox, "--force",
                                  "--out", str(Path(tmp) / f"out-{sandbox}"), "--format", "json"])
                           for _ in range(max(1, args.repeat // 2))]
            single = [grade([str(files[0]), "--sandbox", sandbox, "--format", "json"]) for _ in range(args.repeat)]
            t = statistics.median(batch_times)
            print(f"sandbox={sandbox:5s} batch of {args.n} notebooks, --jobs {args.jobs}: median {t:.2f} s "
                  f"= {args.n / t:.1f} submissions/s; single submission, process start to result: "
                  f"median {statistics.median(single) * 1000:.0f} ms (n={len(single)})")


if __name__ == "__main__":
    main()
