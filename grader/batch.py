"""Many submissions: a Grader per batch, one grading process per job (a process pool),
resuming from an output folder, Ctrl-C, and the results written atomically (results.json per
submission, grades.csv).
"""
from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import exercise as exercises
from . import secret
from .api import Grader, Options, file_digest
from .exercise import Exercise
from .render.files import output_names, result_path, write_atomic
from .render.gradescope import gradescope
from .render.grades_csv import csv_row, csv_text
from .results import Failure, FunctionResult, SubmissionResult, clip
from .sandbox.launch import EarlyStart


class Batch:
    """A batch of submissions, optionally written to an output folder it can resume from."""

    def __init__(self, files: list[tuple[Path, str]], options: Options | None = None,
                 out: Path | None = None, force: bool = False, forbidden: list[str] = (),
                 early: EarlyStart | None = None, exercise: Exercise | str | None = None):
        self.options = options or Options()
        self.files = files
        self.out = out
        self.exercise = exercises.get(exercise) if exercise is not None else exercises.infer([p for p, _ in files])
        self.grader = Grader(self.options, prestart=False, early=early, exercise=self.exercise)
        self.grader.forbidden = list(forbidden) + ([str(out.resolve())] if out else [])
        self.level = self.grader.launcher.level
        self.description = self.grader.launcher.description
        self.digests = {name: file_digest(path) for path, name in files}
        self.key = self.options.case_key()
        self.stems = output_names([name for _, name in files])  # name -> its path under out
        self.previous: dict[str, dict] = {}  # results.json documents of submissions graded before (resumed)
        self.rows: dict[str, list[str]] = {}  # grades.csv, a line per submission graded
        self.done: dict[str, SubmissionResult] = {}
        self.internal_errors: list[str] = []
        self._csv_written = 0.0
        if out is not None and not force:
            for path, name in files:
                doc = self._previous(name)
                if doc is not None:
                    self.previous[name] = doc
                    self.rows[name] = csv_row(doc, self.exercise.order)
                    self.done[name] = SubmissionResult.from_dict(doc["extra_data"]["details"])
        self.older: dict[str, list[str]] = {}  # grades.csv lines of results in out from earlier runs (other files)
        self.unlisted: list[str] = []  # .json files in out not listed there (not verified, another exercise, a copy)
        if out is not None and out.is_dir():
            self._read_older()

    def output_name(self, name: str) -> str:
        """Where this submission's outputs go, relative to out (render/files.py: output_names)."""
        return self.stems[name]

    def _previous(self, name: str) -> dict | None:
        """A result this grader wrote for this submission, this exact file content and this
        secret (or seed), or None. Only a document whose signature verifies is trusted: one
        planted, edited, or written under another secret is graded again."""
        try:
            path = result_path(self.out, self.stems[name])
            if path.is_symlink() or not path.is_file() or path.stat().st_size > self.MAX_RESULT_BYTES:
                return None
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not secret.verify(doc, self.key):
                return None
            extra = doc["extra_data"]
            if (extra["sha256"] == self.digests[name] and extra["submission"] == name
                    and extra["details"].get("exercise", self.exercise.name) == self.exercise.name):
                SubmissionResult.from_dict(extra["details"])
                return doc
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            pass
        return None

    def _read_older(self) -> None:
        """The results already in out for submissions not in this batch (an earlier run's class, before
        one late file is graded into the same folder): grades.csv keeps listing them. Only documents
        whose signature verifies under this secret (or seed) count, as for resume; a result of a
        submission in this batch is replaced by this batch's. The others are named in self.unlisted."""
        names = {name for _, name in self.files}
        current = {self.stems[name] + ".json" for name in names}
        for path in sorted(self.out.rglob("*.json")):
            rel = path.relative_to(self.out).as_posix()
            if rel in current:
                continue
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > self.MAX_RESULT_BYTES:
                    raise ValueError
                doc = json.loads(path.read_text(encoding="utf-8"))
                if not secret.verify(doc, self.key):
                    raise ValueError
                extra = doc["extra_data"]
                name = extra["submission"]
                if name in names:
                    continue  # graded in this batch: its new result replaces this one
                if (extra["details"].get("exercise", self.exercise.name) != self.exercise.name
                        or not isinstance(name, str) or name in self.older):
                    raise ValueError  # another exercise's columns, or a copy of a result listed already
                self.older[name] = csv_row(doc, self.exercise.order)
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                self.unlisted.append(rel)

    MAX_RESULT_BYTES = 8 << 20  # a result document larger than this was not written by this grader

    def run(self, progress: Callable[[SubmissionResult], None] | None = None) -> list[SubmissionResult]:
        """Grade what is not done yet; return one result per file, in order.

        Ctrl-C (SIGINT) stops the batch at once: every grading process and worker
        is killed, the results already received stay written (grades.csv lists
        them, and the earlier results in out), and KeyboardInterrupt is raised; the same
        batch run again grades only the rest."""
        todo = [(p, n) for p, n in self.files if n not in self.done]
        results = dict(self.done)
        jobs = max(1, min(self.options.jobs or os.cpu_count() or 1, len(todo) or 1))
        if jobs == 1:
            self.grader.prestart(1)
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            grade_file = self.grader.grade_file
        else:
            # One grading process per job, each with its own warm worker: the checks
            # run in parallel too (threads would share one interpreter lock). Each is
            # forked with a copy of this Grader: sandbox, cases and requests are ready.
            self.grader.prepare()
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                initializer=_pool_init, initargs=(self.grader,))
            grade_file = _pool_grade
        interrupt = InterruptFlag()
        finished = False
        try:
            futures = {pool.submit(grade_file, p, n): (p, n) for p, n in todo}
            pending = set(futures)
            while pending and not interrupt.raised:
                # short waits: a Ctrl-C is seen within POLL seconds, between two results
                done, pending = concurrent.futures.wait(pending, timeout=self.POLL,
                                                        return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - an internal fault, reported and counted
                        result = self._internal_error(*futures[future], exc)
                    results[result.name] = result
                    self._record(result)
                    if progress:
                        progress(result)
            finished = not pending
        finally:
            interrupt.restore()
            if finished:
                pool.shutdown(wait=True)
            else:  # Ctrl-C, or an exception of our own: nothing may keep running
                self._halt(pool)
            self.grader.close()
            if self.out is not None:
                self._write_csv()
        if not finished:
            raise KeyboardInterrupt
        return [results[n] for _, n in self.files]

    POLL = 0.1  # seconds between checks for Ctrl-C while results are awaited

    def _halt(self, pool: concurrent.futures.Executor) -> None:
        """Stop grading now: no queued submission starts, every grading process and
        worker is killed (a result not yet received is dropped, not recorded)."""
        if isinstance(pool, concurrent.futures.ProcessPoolExecutor):
            processes = list((getattr(pool, "_processes", None) or {}).values())  # pid -> Process
            pids = [proc.pid for proc in processes if proc.pid]
            for pid in pids:  # frozen first: none can start a new worker while we look
                _signal(pid, signal.SIGSTOP)
            for pid in pids:
                for child in _children(pid):  # its workers: each leads its own process group
                    _signal(child, signal.SIGKILL, group=True)
                _signal(pid, signal.SIGKILL)
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:
                proc.join(timeout=2.0)
        else:
            # The grading thread's worker: remove the launcher's files first (a worker
            # started from now on cannot boot), then kill the workers' processes; the
            # thread, waiting on its worker, sees it die and fails fast through the rest
            # of that submission (closing its pipes under it would leave it waiting).
            self.grader.launcher.close()
            pool.shutdown(wait=False, cancel_futures=True)
            threads = list(getattr(pool, "_threads", ()))
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline:
                for session in list(self.grader._all_sessions):
                    process = session.process
                    if process is not None:
                        _signal(process.pid, signal.SIGKILL, group=True)
                if not any(t.is_alive() for t in threads):
                    break
                for thread in threads:
                    thread.join(timeout=0.05)

    def _internal_error(self, path: Path, name: str, exc: Exception) -> SubmissionResult:
        """A fault of the grader itself on one file ends as that file's result, not the batch's end."""
        self.internal_errors.append(f"{name}: {type(exc).__name__}: {clip(str(exc), 500)}")
        result = SubmissionResult(name=name, path=str(path), sandbox=self.level,
                                  sandbox_description=self.description, exercise=self.exercise.name)
        result.messages.append(f"the grader failed on this submission ({type(exc).__name__}: {clip(str(exc), 500)}); "
                               f"nothing was graded; please report this")
        for problem in self.exercise.problems:
            result.functions.append(FunctionResult(problem.name, problem.points, problem="not graded "
                                                   "(internal error of the grader)", failure=Failure.INTERNAL))
        return result

    def _record(self, result: SubmissionResult) -> None:
        if any(f.failure is Failure.INTERNAL for f in result.functions):
            return  # not written: the next run grades it again
        doc = gradescope(result, self.digests.get(result.name, ""), self.options.seed)
        self.rows[result.name] = csv_row(doc, self.exercise.order)  # the document itself is not kept: memory stays small
        if self.out is not None:
            secret.sign(doc, self.key)
            write_atomic(result_path(self.out, self.stems[result.name]), json.dumps(doc, indent=2))
            if time.monotonic() - self._csv_written >= self.CSV_EVERY:
                self._write_csv()

    CSV_EVERY = 2.0  # seconds between rewrites of grades.csv during a batch (rewriting it per result is quadratic)

    def _write_csv(self) -> None:
        rows = [row for name, row in self.older.items() if name not in self.rows] + list(self.rows.values())
        write_atomic(self.out / "grades.csv", csv_text(rows, self.exercise.order))
        self._csv_written = time.monotonic()


class InterruptFlag:
    """While a batch runs (in the main thread): Ctrl-C only raises this flag, which the
    batch checks between results, so that no result is half recorded; a second Ctrl-C
    interrupts at once (the default behaviour, restored by the first)."""

    def __init__(self):
        self.raised = False
        self._previous = None
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN):  # ignored (nohup, &): stays so
            try:
                self._previous = signal.signal(signal.SIGINT, self._handle)
            except (ValueError, OSError):  # not in the main interpreter
                self._previous = None

    def _handle(self, signum, frame) -> None:
        self.raised = True
        signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.default_int_handler)

    def restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def _signal(pid: int, signum: int, group: bool = False) -> None:
    """Send a signal, ignoring processes that are already gone."""
    try:
        if group:
            try:
                os.killpg(pid, signum)
            except (ProcessLookupError, PermissionError):
                pass
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc; elsewhere none are found)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        pass
    return found


_POOL_GRADER: Grader | None = None  # in a grading process of a batch


def _die_with_parent() -> None:
    """A grading process must not outlive the command that started it (killed midway,
    the batch resumes later): ask the kernel for SIGKILL when the parent dies."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)


def _pool_init(grader: Grader) -> None:
    """In a new grading process: its copy of the batch's Grader, with its own worker."""
    global _POOL_GRADER
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the batch decides
    _POOL_GRADER = grader
    grader.after_fork()
    grader.prestart(1)
    multiprocessing.util.Finalize(None, _POOL_GRADER.close, exitpriority=10)


def _pool_grade(path: Path, name: str) -> SubmissionResult:
    return _POOL_GRADER.grade_file(path, name)
