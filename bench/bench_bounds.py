"""Peak memory and time of the grading process under the resource attacks.

    python bench/bench_bounds.py [--timeout 10] [FIXTURE ...]

Grades each hostile fixture named (default: every one whose attack aims at the
grader's memory or time, plus the correct example as a baseline) with
`python -m grader grade FILE --format json --jobs 1` in a fresh process, and
prints, per file: the grading process's own peak resident memory (VmHWM of
that process: with --jobs 1 it parses every frame and runs every check; the
sandboxed worker is another process and is not counted), the wall time, the
score, and the size of the JSON written. A script, not a timed test: figures
depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))
from patches import materialised  # noqa: E402  (the hostile files, generated from their attacks)
DEFAULT = ["huge-exception-name", "long-exception-text", "oracle-broadcast-shapes", "oracle-call-flood",
           "forged-deep-header", "forged-huge-frame", "forged-many-arrays", "huge-return", "print-flood"]

# VmHWM, not ru_maxrss: ru_maxrss survives exec and would include this script's own size
RUN = """
import sys
from grader.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]), file=sys.stderr)
sys.exit(code)
"""


def measure(path: Path, timeout: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", RUN, "grade", str(path), "--format", "json", "--jobs", "1",
                           "--timeout", timeout], cwd=ROOT, env=env, capture_output=True, timeout=600)
    elapsed = time.monotonic() - started
    peak_kib = int(proc.stderr.decode().strip().splitlines()[-1])
    [result] = json.loads(proc.stdout)
    return {"file": path.name, "exit": proc.returncode, "peak_mib": peak_kib / 1024, "seconds": elapsed,
            "score": result["score"], "json_bytes": len(proc.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixtures", nargs="*", help="hostile fixture names (without .py)")
    parser.add_argument("--timeout", default="10", help="--timeout for the grader (default 10 s)")
    args = parser.parse_args()
    files = [ROOT / "examples" / "submissions" / "correct.py"] + [materialised() / "hostile" / f"{n}.py" for n in args.fixtures or DEFAULT]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'file':<30} {'exit':>4} {'peak MiB':>9} {'seconds':>8} {'score':>6} {'JSON bytes':>11}")
    for path in files:
        r = measure(path, args.timeout)
        print(f"{r['file']:<30} {r['exit']:>4} {r['peak_mib']:>9.1f} {r['seconds']:>8.2f} {r['score']:>6g} "
              f"{r['json_bytes']:>11}")


if __name__ == "__main__":
    main()
