"""Benchmark this project's grader against `nbgrader autograde` on the same batch, and check they agree.

    python bench/bench_vs_nbgrader.py [--exercise NAME] [--n 40] [--repeat 7] [--jobs 2]
                                      [--sandbox auto|none] [--keep DIR] [--skip-nbgrader]

Builds a temporary nbgrader course (bench/course.py) for one exercise
(`--exercise NAME`, default rnn_lstm; `--exercise gru` for the GRU): the
source notebook solutions/<folder>/<notebook> with its hidden tests, a
gradebook made by `nbgrader generate_assignment`, and N student notebooks in
`submitted/<student>/<folder>/` (every third one correct, the others
single-mistake variants cycling through the exercise's mutant fixtures). The
graded functions, notebook, folder and points are the exercise's protocol
object's (`grader.exercise.get(NAME)`). Then:

- times `nbgrader autograde <folder>` on the whole batch (one process, wall clock);
- times `python -m grader grade submitted --jobs J --format json --out OUT --force`
  on the same folder, and prints the ratio;
- compares the verdicts: for every student and graded function, full marks or
  not, nbgrader (gradebook, per graded test cell) against the grader (JSON),
  and both graders' maximum per function against the exercise's points;
- times a single `python -m grader grade FILE --format json`, process start to
  exit, R times (median), and nbgrader's time per notebook (total / N);
- peak memory: of the grader's timed batch (max RSS of the largest process in
  its tree, `/usr/bin/time -f %M`), and, grading the notebooks as plain files
  at N and at 2N, the sampled peak of the whole process tree's summed RSS (an
  upper bound: pages shared between processes count once per process) and of
  its largest worker process, to show the batch's memory does not grow with
  the number of submissions.

A script, not a timed test: the figures depend on the machine. Its small
variant (`--n 3 --repeat 1`) runs in tests/bench/ only to prove it works.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import course as course_mod  # noqa: E402  (bench/course.py, next to this script)
from grader import exercise as exercises  # noqa: E402  (this checkout's: course.py puts it first on sys.path)

ROOT = course_mod.ROOT
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# --------------------------------------------------------------------------- processes and memory

@dataclass
class Run:
    """One finished subprocess: wall time, exit status, output, memory."""

    argv: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    maxrss_mib: float  # max RSS of the largest single process in the tree (GNU time's %M)
    tree_peak_mib: float | None = None  # sampled: peak of the summed RSS of the whole tree
    descendant_peak_mib: float | None = None  # sampled: peak RSS of the largest descendant (a worker)
    samples: int = 0


def _rss_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss bytes) for every process visible in /proc."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            fields = stat[stat.rindex(")") + 2:].split()
            out[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE)  # ppid, rss pages
        except (OSError, ValueError, IndexError):
            continue
    return out


def _peak_rss(pid: int) -> int:
    """A process's own high-water mark of RSS (VmHWM), in bytes; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples, every `interval` seconds, the summed RSS of a process and all its descendants, and the
    largest peak RSS (VmHWM, so not missed between samples) among the descendants (grading processes
    and workers). With `wrapped`, the measured process is the one child of `pid` (`pid` being
    /usr/bin/time)."""

    def __init__(self, pid: int, wrapped: bool = False, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.wrapped, self.interval = pid, wrapped, interval
        self.tree_peak = 0
        self.descendant_peak = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            table = _rss_table()
            children: dict[int, list[int]] = {}
            for pid, (ppid, _) in table.items():
                children.setdefault(ppid, []).append(pid)
            top = self.pid
            if self.wrapped:
                top = (children.get(self.pid) or [None])[0]
            if top in table:
                total, todo = 0, [top]
                while todo:
                    pid = todo.pop()
                    rss = table.get(pid, (0, 0))[1]
                    total += rss
                    if pid != top:
                        self.descendant_peak = max(self.descendant_peak, rss, _peak_rss(pid))
                    todo.extend(children.get(pid, ()))
                self.tree_peak = max(self.tree_peak, total)
                self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


GNU_TIME = "/usr/bin/time"


def run(argv: list[str], cwd: Path | None = None, env: dict | None = None, sample: bool = False,
        timeout: float = 3600) -> Run:
    """Run argv to completion: wall time from start to exit, and the max RSS of the largest process of its tree.

    The max RSS comes from `/usr/bin/time -f %M` when it is there (the rusage of wait4, taken by a
    small parent). Without it, from our own wait4, which is an upper bound: a child forked from this
    (large) benchmark process starts with the benchmark's RSS as its high-water mark.
    """
    wrapped = os.access(GNU_TIME, os.X_OK)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".maxrss") as rss_file:
        full = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv] if wrapped else argv
        start = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        sampler = TreeSampler(proc.pid, wrapped) if sample else None
        if sampler:
            sampler.start()
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop()
        out.seek(0)
        err.seek(0)
        maxrss_kib = float(usage.ru_maxrss)
        if wrapped:
            numbers = re.findall(r"^\s*(\d+)\s*$", rss_file.read(), re.MULTILINE)
            maxrss_kib = float(numbers[-1]) if numbers else float("nan")
        result = Run(argv, elapsed, proc.returncode, out.read(), err.read(), maxrss_kib / 1024)
    if sampler:
        result.tree_peak_mib = sampler.tree_peak / 2**20
        result.descendant_peak_mib = sampler.descendant_peak / 2**20
        result.samples = sampler.samples
    return result


def grader_argv(paths: list[Path], args, *extra: str) -> list[str]:
    return [sys.executable, "-m", "grader", "grade", *map(str, paths), "--sandbox", args.sandbox, *extra]


def grader_env() -> dict:
    """The grader of this checkout: the runs' working folder is a temporary one, where
    `python -m grader` would otherwise import whatever grader is installed (an editable
    install of another checkout, say)."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(ROOT) + (os.pathsep + path if path else ""))


def checked(r: Run, what: str) -> Run:
    if r.returncode != 0:
        raise SystemExit(f"{what} failed (exit {r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


# --------------------------------------------------------------------------- verdicts

def grader_verdicts(reports: list[dict], function_names) -> dict[str, dict[str, dict]]:
    """student -> function -> its JSON object, from `--format json` output of a folder."""
    out: dict[str, dict[str, dict]] = {}
    for report in reports:
        student = report["submission"].replace("\\", "/").split("/")[0]
        if student in out:
            raise SystemExit(f"the grader graded two files of {student}: {report['submission']}")
        functions = {f["name"]: f for f in report["functions"]}
        missing = set(function_names) - set(functions)
        if missing:
            raise SystemExit(f"{report['submission']}: no result for {sorted(missing)}")
        out[student] = functions
    return out


def nbgrader_verdicts(course: course_mod.Course) -> dict[str, dict[str, tuple[float, float]]]:
    """student -> function -> (score, max score) of its graded test cell, from the gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", course_id=course_mod.COURSE_ID) as gb:
        for s in course.students:
            out[s.name] = {}
            for grade_id, function in course.test_cells.items():
                g = gb.find_grade(grade_id, course.notebook.removesuffix(".ipynb"), course.assignment, s.name)
                out[s.name][function] = (float(g.score), float(g.max_score))
    return out


def explain(student: course_mod.Student, function: str, nb_full: bool, ours: dict) -> str:
    """Why the two graders may differ here, when the difference is principled; '' otherwise."""
    if nb_full and ours.get("penalty"):
        return ("principled: the grader docks points for modifying an input array; "
                "nbgrader's hidden tests pass deep copies and do not look")
    if not nb_full and ours["score"] == ours["max_score"] and student.mutant and student.mutant.function != function:
        return "cascade: the mistake in another function cost points here under nbgrader"
    return ""


@dataclass
class Agreement:
    compared: int = 0
    disagreements: list[str] = field(default_factory=list)
    principled: list[str] = field(default_factory=list)
    nbgrader_vs_intended: list[str] = field(default_factory=list)
    grader_vs_intended: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # a maximum that is not the exercise's points


def compare(course: course_mod.Course, nb: dict | None, ours: dict) -> Agreement:
    a = Agreement()
    for s in course.students:
        if s.name not in ours:
            a.disagreements.append(f"{s.name}: no result from the grader")
            continue
        for function in course.test_cells.values():
            f = ours[s.name][function]
            points = course.exercise.by_name[function].points
            if f["max_score"] != points:
                a.points.append(f"{s.name} {function}: grader out of {f['max_score']:g}, "
                                f"the exercise gives {points:g}")
            our_full = f["score"] == f["max_score"]
            want = s.expected_full(function)
            if our_full != want:
                a.grader_vs_intended.append(f"{s.name} ({s.kind}) {function}: grader "
                                            f"{f['score']:g}/{f['max_score']:g}, intended {'full' if want else 'not full'}")
            if nb is None:
                continue
            score, max_score = nb[s.name][function]
            if max_score != points:
                a.points.append(f"{s.name} {function}: nbgrader out of {max_score:g}, the exercise gives {points:g}")
            nb_full = score == max_score
            if nb_full != want:
                a.nbgrader_vs_intended.append(f"{s.name} ({s.kind}) {function}: nbgrader "
                                              f"{score:g}/{max_score:g}, intended {'full' if want else 'not full'}")
            a.compared += 1
            if nb_full != our_full:
                line = (f"{s.name} ({s.kind}) {function}: nbgrader {score:g}/{max_score:g}, "
                        f"grader {f['score']:g}/{f['max_score']:g} [{f.get('summary', '')}]")
                why = explain(s, function, nb_full, f)
                (a.principled if why.startswith("principled") else a.disagreements).append(
                    line + (f" -- {why}" if why else ""))
    return a


# --------------------------------------------------------------------------- main

def mib(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0f} MiB"


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercise", default=exercises.default().name, metavar="NAME",
                        help=f"the exercise benchmarked (default {exercises.default().name}; "
                             f"one of {', '.join(exercises.names())})")
    parser.add_argument("--n", type=int, default=40, help="notebooks in the batch (default 40)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the single-submission latency (default 7)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the grader's batch (default 2)")
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                        help="--sandbox of the grader (default auto)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the course in DIR (new or empty) and keep it")
    parser.add_argument("--skip-nbgrader", action="store_true",
                        help="grader only: no nbgrader run, no verdict comparison (uses the committed release)")
    parser.add_argument("--memory-factor", type=int, default=2,
                        help="also grade FACTOR*N plain notebooks to show memory does not grow (default 2; 0: skip)")
    args = parser.parse_args(argv)
    if args.exercise not in exercises.names():
        parser.error(f"--exercise {args.exercise}: no such exercise; choose one of {', '.join(exercises.names())}")
    if args.n < 1 or args.repeat < 1 or args.jobs < 1:
        parser.error("--n, --repeat and --jobs must be positive")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    started = datetime.datetime.now().astimezone()
    print(f"date: {started:%Y-%m-%d %H:%M %Z}")
    print(f"machine: {platform.node()} {platform.machine()}, {platform.system()} {platform.release()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    if not args.skip_nbgrader:
        import nbgrader
        print(f"nbgrader {nbgrader.__version__}")
    ex = exercises.get(args.exercise)
    print(f"exercise: {ex.name} (solutions/{course_mod.assignment_of(ex)}/{ex.notebook}, "
          f"{len(ex.graded_functions)} graded functions, {ex.total_points:g} points)")
    load_before = load()
    print(f"before: {load_before}")
    print(f"batch: {args.n} notebooks, grader --jobs {args.jobs} --sandbox {args.sandbox}, "
          f"latency median of {args.repeat}", flush=True)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            raise SystemExit(f"--keep {args.keep}: the folder is not empty")
        work, tmp = args.keep.resolve(), None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_vs_nbgrader_")
        work = Path(tmp.name)
    try:
        return _bench(args, work, started, load_before)
    finally:
        if tmp is not None:
            tmp.cleanup()
        else:
            print(f"kept: {work}")


def _bench(args, work: Path, started, load_before: str) -> dict:
    t0 = time.perf_counter()
    course = course_mod.build_course(work / "course", args.n, use_nbgrader=not args.skip_nbgrader,
                                     exercise=args.exercise)
    kinds = [s.kind for s in course.students]
    print(f"built {len(course.students)} submissions in {time.perf_counter() - t0:.1f} s: "
          f"{kinds.count('correct')} correct, {len(kinds) - kinds.count('correct')} single-mistake "
          f"({len(set(kinds) - {'correct'})} distinct mutants) in {course.submitted}", flush=True)
    functions = list(course.test_cells.values())
    results: dict = {"exercise": course.exercise.name, "n": args.n, "jobs": args.jobs, "sandbox": args.sandbox}

    # nbgrader autograde, the whole batch, one process
    nb_verdicts = None
    if not args.skip_nbgrader:
        r = checked(run([sys.executable, "-m", "nbgrader", "autograde", course.assignment],
                        cwd=course.root, env=course_mod.nbgrader_env()), "nbgrader autograde")
        nb_verdicts = nbgrader_verdicts(course)
        results.update(nbgrader_s=r.seconds, nbgrader_per_nb_s=r.seconds / args.n, nbgrader_maxrss_mib=r.maxrss_mib)
        print(f"nbgrader autograde: {r.seconds:.2f} s for {args.n} notebooks = {r.seconds / args.n:.2f} s "
              f"per notebook; peak RSS of its largest process {mib(r.maxrss_mib)}", flush=True)

    # the grader on the same folder
    out_dir = work / "grader-out"
    r = checked(run(grader_argv([course.submitted], args, "--jobs", str(args.jobs), "--format", "json",
                                "--out", str(out_dir), "--force"), cwd=work, env=grader_env()),
                "python -m grader grade (batch)")
    reports = json.loads(r.stdout)
    if len(reports) != args.n:
        names = sorted(x["submission"] for x in reports)
        raise SystemExit(f"the grader returned {len(reports)} results for {args.n} notebooks: {names[:10]} ...")
    ours = grader_verdicts(reports, functions)
    graded_as = sorted({str(x.get("exercise")) for x in reports})
    if graded_as != [course.exercise.name]:
        raise SystemExit(f"the grader graded the batch as {graded_as}, not as {course.exercise.name}")
    levels = sorted({x.get("sandbox", "?") for x in reports})
    results.update(grader_s=r.seconds, grader_maxrss_mib=r.maxrss_mib, sandbox_level=",".join(levels))
    print(f"grader: {r.seconds:.2f} s for {args.n} notebooks = {args.n / r.seconds:.1f} submissions/s "
          f"(sandbox level: {', '.join(levels)}); peak RSS of its largest process {mib(r.maxrss_mib)}",
          flush=True)
    if not args.skip_nbgrader:
        results["ratio"] = results["nbgrader_s"] / r.seconds
        print(f"ratio: grader {results['ratio']:.1f}x faster than nbgrader autograde on the same batch")

    # verdicts
    agreement = compare(course, nb_verdicts, ours)
    results.update(disagreements=len(agreement.disagreements), principled=len(agreement.principled),
                   compared=agreement.compared, points_mismatches=len(agreement.points))
    print(f"points: every maximum against the exercise's points per function: {len(agreement.points)} differences")
    for line in agreement.points:
        print(f"  POINTS {line}")
    if nb_verdicts is not None:
        print(f"verdicts: {agreement.compared} (student, function) pairs compared, full marks or not: "
              f"{len(agreement.disagreements)} disagreements, {len(agreement.principled)} principled differences")
        for line in agreement.disagreements:
            print(f"  DISAGREE {line}")
        for line in agreement.principled:
            print(f"  differ   {line}")
        print(f"  nbgrader vs the intended verdict (full except in the mutant's function): "
              f"{len(agreement.nbgrader_vs_intended)} differences")
        for line in agreement.nbgrader_vs_intended:
            print(f"    {line}")
    print(f"  grader vs the intended verdict: {len(agreement.grader_vs_intended)} differences")
    for line in agreement.grader_vs_intended:
        print(f"    {line}")
    results["grader_vs_intended"] = len(agreement.grader_vs_intended)

    # latency of one submission, process start to exit
    one = course.students[0].notebook
    singles = [checked(run(grader_argv([one], args, "--format", "json"), cwd=work, env=grader_env()),
                       "python -m grader grade FILE")
               for _ in range(args.repeat)]
    times = sorted(x.seconds for x in singles)
    results.update(latency_median_s=statistics.median(times), latency_min_s=times[0], latency_max_s=times[-1])
    print(f"single submission (python -m grader grade FILE --format json, process start to exit): "
          f"median {statistics.median(times) * 1000:.0f} ms (min {times[0] * 1000:.0f}, "
          f"max {times[-1] * 1000:.0f}, n={len(times)}); peak RSS {mib(max(x.maxrss_mib for x in singles))}",
          flush=True)

    # memory: the notebooks as plain files, at N and at FACTOR*N, tree sampled
    memory = []
    for factor in ([1, args.memory_factor] if args.memory_factor > 1 else []):
        folder = course_mod.copy_notebooks(course.students, work / f"plain-x{factor}", copies=factor)
        m = checked(run(grader_argv([folder], args, "--jobs", str(args.jobs), "--format", "json",
                                    "--out", str(work / f"plain-out-x{factor}"), "--force"),
                        cwd=work, env=grader_env(), sample=True), f"python -m grader grade (plain files x{factor})")
        count = len(json.loads(m.stdout))
        memory.append({"n": count, "seconds": m.seconds, "maxrss_mib": m.maxrss_mib,
                       "tree_peak_mib": m.tree_peak_mib, "worker_peak_mib": m.descendant_peak_mib,
                       "samples": m.samples})
        print(f"memory, {count} plain notebooks: {m.seconds:.2f} s; whole tree (summed RSS, sampled every 50 ms) "
              f"peak {mib(m.tree_peak_mib)}; largest worker process {mib(m.descendant_peak_mib)}; "
              f"largest reaped process (%M; misses workers killed with their sandbox) {mib(m.maxrss_mib)}", flush=True)
    results["memory"] = memory

    # against the targets the kit is judged by (2 cores, sandbox on)
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    print("targets:")
    if "ratio" in results:
        print(f"  throughput >= 50x nbgrader autograde (n >= 40, --jobs 2): {results['ratio']:.1f}x, "
              f"{verdict(results['ratio'] >= 50 and args.n >= 40)}")
    print(f"  single submission median < 0.5 s: {results['latency_median_s']:.3f} s, "
          f"{verdict(results['latency_median_s'] < 0.5)}")
    worker = max(m["worker_peak_mib"] or 0 for m in memory) if memory else 0
    if worker:
        print(f"  peak memory per worker < 200 MiB: {worker:.0f} MiB, {verdict(worker < 200)}")
    if len(memory) == 2 and memory[0]["tree_peak_mib"]:
        growth = memory[1]["tree_peak_mib"] / memory[0]["tree_peak_mib"]
        results["memory_growth"] = growth
        print(f"  batch peak memory not growing with submissions: x{growth:.2f} from {memory[0]['n']} to "
              f"{memory[1]['n']} notebooks, {verdict(growth < 1.25)}")
    print(f"  maxima are the exercise's points: {len(agreement.points)} differences, {verdict(not agreement.points)}")
    if nb_verdicts is not None:
        print(f"  same full/zero verdicts as nbgrader: {len(agreement.disagreements)} disagreements, "
              f"{verdict(not agreement.disagreements)}")
    load_after = load()
    print(f"after: {load_after}")

    # the block for the README
    print()
    print("---- figures (for README) ----")
    print(f"`python bench/bench_vs_nbgrader.py --exercise {course.exercise.name} --n {args.n} "
          f"--repeat {args.repeat} --jobs {args.jobs} "
          f"--sandbox {args.sandbox}`, {started:%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, sandbox level {results['sandbox_level']} "
          f"({load_before} before, {load_after.removeprefix('load average ')} after):")
    print()
    print("| measure | figure |")
    print("|---|---|")
    if not args.skip_nbgrader:
        print(f"| `nbgrader autograde`, batch of {args.n} notebooks | {results['nbgrader_s']:.1f} s "
              f"({results['nbgrader_per_nb_s']:.2f} s per notebook) |")
    print(f"| `python -m grader grade --jobs {args.jobs}`, same batch | {results['grader_s']:.2f} s "
          f"({args.n / results['grader_s']:.1f} submissions/s) |")
    if not args.skip_nbgrader:
        print(f"| throughput ratio | {results['ratio']:.1f}x |")
        print(f"| verdicts (full marks or not, per student and function) | {agreement.compared} compared, "
              f"{len(agreement.disagreements)} disagreements, {len(agreement.principled)} principled differences |")
    print(f"| single submission, process start to exit | median {results['latency_median_s'] * 1000:.0f} ms "
          f"(n={args.repeat}) |")
    for m in memory:
        print(f"| peak memory, batch of {m['n']} | whole tree {mib(m['tree_peak_mib'])}, largest worker "
              f"{mib(m['worker_peak_mib'])}, largest process {mib(m['maxrss_mib'])} |")
    print("---- end ----")
    return results


if __name__ == "__main__":
    main()
