"""The one entry point: grade(paths) -> Report.

For each submission: read it (submission.py, no execution), start a worker
behind the trust boundary (sandbox/), load the definitions there, call each
graded function on the hidden cases, and score what comes back (checks.py)
here, in the trusted process.
"""
from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import exercise as exercises
from . import report, secret, submission, wire
from .blackbox import Oracle
from .checks import Outcome, diagnose, evaluate
from .exercise import Case, Exercise, Problem
from .results import Failure, FunctionResult, SubmissionResult, clip
from .sandbox import Launcher, Limits, WorkerFailure, WorkerSession, make_launcher
from .sandbox.launch import EarlyStart



@dataclass
class Options:
    timeout: float = 10.0  # seconds per call
    memory: int = 2 << 30  # bytes of address space per worker
    jobs: int | None = None  # parallel submissions (default: CPU count)
    sandbox: str = "auto"  # "auto", "bwrap" or "none"
    # Where the hidden cases come from: a fixed seed (tests, benchmarks: public cases), else the
    # deployment's secret (bytes), else the one secret.find() finds (grader/secret.py).
    seed: int | None = None
    secret: bytes | None = field(default=None, repr=False)

    def case_key(self) -> int | bytes:
        """The key the hidden cases are drawn from (and results are signed with)."""
        if self.seed is not None:
            return int(self.seed)
        if self.secret is None:
            self.secret = secret.find().key
        return self.secret


@dataclass
class Report:
    results: list[SubmissionResult]
    sandbox: str
    elapsed: float


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class Grader:
    """Grades submissions one at a time; thread-safe (one worker per call)."""

    def __init__(self, options: Options | None = None, launcher: Launcher | None = None,
                 prestart: bool = True, early: EarlyStart | None = None,
                 exercise: Exercise | str | None = None):
        """`early`: a launcher and worker started before numpy was imported (see the CLI).
        `exercise`: what is graded (an Exercise, or a registered name; default: the default one)."""
        self.options = options or Options()
        self.exercise = exercises.get(exercise)
        limits = Limits(timeout=self.options.timeout, memory=self.options.memory)
        self.launcher = launcher or (early.launcher if early else None) or make_launcher(self.options.sandbox, limits)
        self._early = early.started if early else None  # a worker started early, or None
        self._owns_launcher = True
        self._sessions: queue.SimpleQueue[WorkerSession] = queue.SimpleQueue()
        self._all_sessions: list[WorkerSession] = []
        self._lock = threading.Lock()
        if prestart:
            self.prestart(1)  # the worker boots (imports numpy) while the cases are computed
        key = self.options.case_key()
        self.cases: dict[str, list[Case]] = {p.name: self.exercise.hidden_cases(p, key) for p in self.exercise.problems}
        self.forbidden: list[str] = []  # folders the audit hook refuses (submissions, output)
        self._frames: dict[str, bytes] = {}
        self._reply_limits: dict[str, int] = {}
        self._loads: dict[bool, bytes] = {}  # the packed load requests: errors described, or not
        self._requests: dict[str, tuple[list, list]] = {}  # per problem: its call request's values
        self._answers = Memo()  # (problem, oracle request) -> packed answer
        self._verdicts = Memo()  # (problem, its replies) -> FunctionResult
        self._replies = Memo()  # a reply's bytes -> its header and arrays (see WorkerSession.request)
        self._boxes: dict = {}  # (problem, case index) -> its black box and signature (see Oracle)

    def _new_session(self) -> WorkerSession:
        session = WorkerSession(self.launcher)
        with self._lock:
            self._all_sessions.append(session)
        return session

    def _acquire(self) -> WorkerSession:
        """An idle worker session, or a new one (started on first use)."""
        try:
            return self._sessions.get_nowait()
        except queue.Empty:
            return self._new_session()

    def prestart(self, n: int) -> None:
        """Start n warm workers now (one per parallel job)."""
        while len(self._all_sessions) < n:
            session = self._new_session()
            session.spawn(self._early)
            self._early = None
            self._sessions.put(session)

    def close(self) -> None:
        if self._early is not None:  # started early, never used (a batch of parallel jobs)
            self._early.close()
            self._early = None
        for session in self._all_sessions:
            session.close()
        if self._owns_launcher:
            self.launcher.close()

    def prepare(self) -> None:
        """Build every problem's call request now (before forking grading processes)."""
        for problem in self.exercise.problems:
            self._call_frame(problem)

    def after_fork(self) -> None:
        """In a grading process forked from the one that made this Grader: keep the
        launcher, cases, requests and memos, but no worker of the parent's."""
        self._sessions = queue.SimpleQueue()
        self._all_sessions = []
        self._lock = threading.Lock()
        self._early = None
        self._owns_launcher = False  # the parent removes the worker files at the end

    # ------------------------------------------------------------------ one submission
    def grade_file(self, path: str | Path, name: str | None = None) -> SubmissionResult:
        started = time.monotonic()
        path = Path(path)
        sub = submission.read(path, name, self.exercise)
        result = SubmissionResult(name=sub.name, path=str(path), sandbox=self.launcher.level,
                                  sandbox_description=self.launcher.description, exercise=self.exercise.name)
        result.messages = list(sub.messages)
        if sub.fatal:
            result.messages.insert(0, sub.fatal)
        session = self._acquire()
        session.reset_output()
        try:
            self._grade(sub, session, result)
        finally:
            session.finish()
            result.printed_bytes = session.output_total
            result.printed = bytes(session.output).decode("utf-8", "replace")[:2000]
            self._sessions.put(session)
        result.bound_text()  # every student-controlled string is capped; now the submission's total
        order = {n: i for i, n in enumerate(self.exercise.order)}
        result.functions.sort(key=lambda f: order[f.name])
        result.execution_time = time.monotonic() - started
        return result

    def _grade(self, sub: submission.Submission, session: WorkerSession, result: SubmissionResult):
        """Each graded function in a fresh child of the warm zygote, which runs the
        definitions itself and is killed (with all it started) before the next one:
        nothing a function's run saw or left reaches the next function. The zygote
        compiles the submission once. The next function's child is started while
        this one's replies are scored."""
        graded = []
        exercise = self.exercise
        for problem in exercise.problems:
            if problem.name in sub.functions:
                graded.append(problem)
                continue
            why = ("not graded: the file could not be read (see the message above)" if sub.fatal
                   else f"not found: the submission has no top-level `def {problem.name}(...)`")
            kind = Failure.LOAD_ERROR if sub.fatal else Failure.MISSING
            result.functions.append(evaluate(problem, self.cases[problem.name],
                                             [Outcome("missing", error=why, failure=kind)],
                                             exercise=exercise))
        failed = ""  # why loading failed (then every later function fails with it too)
        launched = None  # the function whose child was started ahead
        for i, problem in enumerate(graded):
            cases = self.cases[problem.name]
            if not failed and launched is not problem:
                failed = self._launch(sub, problem, session, first=i == 0)
            if not failed:
                failed = self._loaded(sub, session, result, first=i == 0)
            if failed:
                result.functions.append(evaluate(problem, cases, [Outcome("failure", error=failed, failure=Failure.LOAD_ERROR)],
                                                 exercise=exercise))
                continue
            after = graded[i + 1] if i + 1 < len(graded) else None

            def then(after=after):
                nonlocal failed, launched
                if after is not None:
                    failed, launched = self._launch(sub, after, session, first=False), after

            result.functions.append(self._run(problem, cases, sub, session, then))

    def _launch(self, sub, problem: Problem, session: WorkerSession, first: bool = True) -> str:
        """Fork a fresh worker child and send it the load and call requests (their
        replies are read by _loaded and _run); return why it failed, or "". Only the
        submission's `first` child describes the statements that failed to load (the
        messages are reported once, see _loaded); the others just skip them."""
        load = self._loads.get(first)
        if load is None:
            load = self._loads[first] = wire.pack({"op": "load", "audit": self.launcher.audit(self.forbidden),
                                                   "describe": first})
        try:
            session.begin(sub, lambda: {"op": "prepare", "helpers": self.exercise.helper_source,
                                        "helpers_module": self.exercise.helper_module,
                                        "absent": sorted(self.exercise.course_modules),
                                        "statements": [s.to_wire() for s in sub.statements]})
            session.send(load + self._call_frame(problem))
        except (WorkerFailure, OSError) as exc:
            session.close()
            return f"could not load the submission's definitions: {getattr(exc, 'message', exc)}"
        return ""

    def _loaded(self, sub, session: WorkerSession, result, first: bool) -> str:
        """The load's reply (its errors are reported once); why loading failed, or ""."""
        try:
            reply, _ = session.request(None, timeout=max(self.options.timeout, 5.0), parsed=self._replies)
        except WorkerFailure as exc:
            return f"could not load the submission's definitions: {exc.message}"
        errors = reply.get("errors")
        if first and isinstance(errors, list):
            shown = [e for e in errors[:200] if isinstance(e, dict) and load_error_matters(e, sub)]
            modules = self.exercise.course_modules
            result.messages += [m for m in (load_message(e, modules) for e in shown[:20]) if m]
        return ""

    STOP_ON = ("not_implemented", "missing")  # statuses after which the other cases are not run

    def _call_frame(self, problem: Problem) -> bytes:
        """The packed request calling `problem` on all its hidden cases (built once per batch)."""
        frame = self._frames.get(problem.name)
        if frame is None:
            trees, arrays = [], []
            for case in self.cases[problem.name]:
                tree, case_arrays = wire.encode(list(case.args))
                trees.append(shift_arrays(tree, len(arrays)))
                arrays += case_arrays
            frame = wire.pack({"op": "call", "function": problem.name, "cases": trees,
                               "black_box": problem.black_box, "stop_on": list(self.STOP_ON)}, arrays)
            self._frames[problem.name] = frame
            # what a reply's {"input": i} and {"input_tree": j} stand for: the request's values, as sent
            header, arrays = wire.unpack(frame)
            values = [wire.decode(tree, arrays) for tree in header["cases"]]
            self._requests[problem.name] = (arrays, wire.containers(values))
        return frame

    def _run(self, problem: Problem, cases: list[Case], sub, session: WorkerSession,
             then: Callable[[], None] | None = None) -> FunctionResult:
        """Read the replies of the function's calls on every case (the per-call deadline
        restarts with each case), end its process, run `then` (the next function's
        start), and score the replies. Replies equal, byte for byte, to ones already
        scored in this batch get the same result without being decoded and checked again."""
        frame = None  # the call request went with the load (see _launch)
        replies, failure = [], None
        for case in cases:
            try:
                reply, data = session.request(None, frame=frame, on_oracle=self._oracle(problem, case),
                                              max_payload=self.reply_limit(problem), parsed=self._replies)
            except WorkerFailure as exc:
                timeout = exc.kind == "timeout"
                what = "did not finish" if timeout else "stopped the worker"
                failure = Outcome("failure", error=f"the call {what}: {exc.message}",
                                  failure=Failure.TIMEOUT if timeout else Failure.CRASH)
                break
            frame = None
            if reply.get("case") != case.index:
                session.finish()
                failure = Outcome("failure", error="the worker's replies went out of order", failure=Failure.CRASH)
                break
            replies.append((reply, data, session.last_reply))
            if reply.get("status") in self.STOP_ON:
                break
        session.finish()  # the function's process and all it started are killed
        if then is not None:
            then()
        key = None
        if failure is None and len(replies) == len(cases) and all(r.get("status") == "ok" for r, _, _ in replies):
            key = (problem.name, *(raw for _, _, raw in replies))  # "ok" replies: nothing else counts
            known = self._verdicts.get(key)
            if known is not None:
                return known.copy()
        request = self._requests[problem.name]
        outcomes = [self._outcome(reply, data, sub, request) for reply, data, _ in replies]
        fr = evaluate(problem, cases, outcomes + ([failure] if failure else []), diagnose, exercise=self.exercise)
        if key is not None:
            self._verdicts.add(key, fr.copy(), sum(len(raw) for raw in key[1:]))
        return fr

    def _outcome(self, reply: dict, data: list, sub, request: tuple[list, list]) -> Outcome:
        status = reply.get("status")
        if status == "ok":
            try:
                result, args_after = wire.decode(reply.get("value"), data, request=request)
            except (wire.WireError, TypeError, ValueError):
                return Outcome("error", error="the worker sent back malformed data", failure=Failure.MALFORMED)
            return Outcome("ok", result=result, args_after=args_after)
        if status == "not_implemented":
            return Outcome(status, error="not implemented yet (it raises NotImplementedError)")
        if status == "missing":
            return Outcome(status, error="not found: the definition did not load (see the messages above)")
        return Outcome("error", error=error_message(reply, sub, self.options.memory))

    def _oracle(self, problem: Problem, case: Case) -> Oracle:
        return Oracle(problem, case, self._requests[problem.name], self._answers, self.exercise, self._boxes)

    def reply_limit(self, problem: Problem) -> int:
        """Bytes of arrays accepted in one frame from the worker while `problem` is called:
        4x what its largest case's arguments and expected outputs hold (every array counted
        each time it occurs), plus 1 MiB. A reply holds at most the outputs and the arguments
        (changed); complex128 is twice float64; the rest is margin."""
        limit = self._reply_limits.get(problem.name)
        if limit is None:
            limit = 4 * max(nbytes(c.args) + nbytes(c.expected) for c in self.cases[problem.name]) + (1 << 20)
            self._reply_limits[problem.name] = limit
        return limit


class Memo:
    """Results of pure functions of bytes, kept within a byte budget: beyond it the
    least recently used are dropped (memory stays bounded however long the batch)."""

    LIMIT = 16 << 20  # bytes, per memo and grading process

    def __init__(self):
        self._items: collections.OrderedDict = collections.OrderedDict()  # key -> (value, size)
        self.size = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def add(self, key, value, size: int) -> None:
        if size > self.LIMIT or key in self._items:
            return
        self._items[key] = (value, size)
        self.size += size
        while self.size > self.LIMIT:
            _, (_, dropped) = self._items.popitem(last=False)
            self.size -= dropped


def nbytes(value) -> int:
    """Bytes of the arrays in a (trusted) value, each counted every time it occurs."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(nbytes(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(nbytes(v) for v in value)
    return 0


def shift_arrays(tree, offset: int):
    """The tree with its array indices moved by offset (to pack several values in one frame)."""
    if isinstance(tree, dict):
        (kind, x), = tree.items()
        if kind in ("array", "scalar"):
            return {kind: x + offset}
        if kind in ("tuple", "list"):
            return {kind: [shift_arrays(v, offset) for v in x]}
        if kind == "dict":
            return {kind: [[k, shift_arrays(v, offset)] for k, v in x]}
    return tree


def quoted_name(message: str) -> str:
    """The name between the first pair of quotes ("No module named 'x'", "name 'x' is not defined")."""
    parts = str(message).split("'")
    return parts[1] if len(parts) > 2 else ""


def load_error_matters(err: dict, sub: submission.Submission) -> bool:
    """Is a statement that failed while loading worth a notice to the student? Only if it
    can change the grade: it sets a name a graded function needs. A course module not
    available here, a plotting library not installed, test data built by scratch code:
    silent when no graded function uses what they would have set."""
    try:
        return sub.load_error_matters(str(err.get("label")), int(err.get("line")))
    except (TypeError, ValueError, OverflowError, RecursionError):
        return True


# Characters kept of each string a worker sends (it is student-controlled: see results.clip).
TYPE_CHARS, MESSAGE_CHARS, WHERE_CHARS, LABEL_CHARS = 100, 500, 300, 100


def load_message(err, course_modules=None) -> str | None:
    """The message for one definition that failed to load, or None if `err` is not one.
    `course_modules`: the exercise's modules that may be absent (default: the default exercise's)."""
    if not isinstance(err, dict):
        return None
    kind, message = clip(err.get("type"), TYPE_CHARS), clip(err.get("message", ""), MESSAGE_CHARS)
    where = (clip(err["where"], WHERE_CHARS) if err.get("where")
             else f"{clip(err.get('label'), LABEL_CHARS)}, line {clip(err.get('line'), 20)}")
    text = f"{where}: {kind}: {message}"
    module = quoted_name(message) if kind == "ModuleNotFoundError" else ""
    if course_modules is None:
        course_modules = exercises.default().course_modules
    if module and module.split(".")[0] in course_modules:
        return f"{where}: module `{module}` is not available while grading; the grader skipped this import"
    return text + " (skipped; the rest of the submission was still loaded)"


def error_message(reply: dict, sub, memory: int) -> str:
    kind = clip(reply.get("type", "Exception"), TYPE_CHARS)
    message, where = clip(reply.get("message", ""), MESSAGE_CHARS), clip(reply.get("where", ""), WHERE_CHARS)
    text = f"raised {kind}: {message}"
    if where:
        text += f" ({where})"
    if kind == "NameError" and quoted_name(message):
        name = quoted_name(message)
        if name in sub.scratch_names:
            text += (f". `{name}` is set only by scratch/test code ({sub.scratch_names[name]}), which the "
                     f"grader does not run: a graded function must get what it needs from its arguments")
        elif name == "np":
            text += ". Add `import numpy as np` at the top of the submission"
    if kind == "MemoryError":
        text += f" (the memory limit is {memory >> 20} MiB)"
    if kind in ("SystemExit", "KeyboardInterrupt"):
        text += " (the submission tried to stop the program; remove sys.exit/exit/quit calls)"
    return text


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
        self.stems = report.output_names([name for _, name in files])  # name -> its path under out
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
                    self.rows[name] = report.csv_row(doc, self.exercise.order)
                    self.done[name] = SubmissionResult.from_dict(doc["extra_data"]["details"])

    def output_name(self, name: str) -> str:
        """Where this submission's outputs go, relative to out (report.output_names)."""
        return self.stems[name]

    def _previous(self, name: str) -> dict | None:
        """A result this grader wrote for this submission, this exact file content and this
        secret (or seed), or None. Only a document whose signature verifies is trusted: one
        planted, edited, or written under another secret is graded again."""
        try:
            path = report.result_path(self.out, self.stems[name])
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

    MAX_RESULT_BYTES = 8 << 20  # a result document larger than this was not written by this grader

    def run(self, progress: Callable[[SubmissionResult], None] | None = None) -> list[SubmissionResult]:
        """Grade what is not done yet; return one result per file, in order.

        Ctrl-C (SIGINT) stops the batch at once: every grading process and worker
        is killed, the results already received stay written (grades.csv lists
        exactly them), and KeyboardInterrupt is raised; the same batch run again
        grades only the rest."""
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
        doc = report.gradescope(result, self.digests.get(result.name, ""), self.options.seed)
        self.rows[result.name] = report.csv_row(doc, self.exercise.order)  # the document itself is not kept: memory stays small
        if self.out is not None:
            secret.sign(doc, self.key)
            report.write_atomic(report.result_path(self.out, self.stems[result.name]), json.dumps(doc, indent=2))
            if time.monotonic() - self._csv_written >= self.CSV_EVERY:
                self._write_csv()

    CSV_EVERY = 2.0  # seconds between rewrites of grades.csv during a batch (rewriting it per result is quadratic)

    def _write_csv(self) -> None:
        report.write_atomic(self.out / "grades.csv", report.csv_text(list(self.rows.values()), self.exercise.order))
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


def grade(paths: list[str | Path], options: Options | None = None, out: Path | None = None,
          progress: Callable[[SubmissionResult], None] | None = None,
          exercise: Exercise | str | None = None) -> Report:
    """Grade every submission found under paths (files, or folders searched for .ipynb/.py)
    as `exercise` (default: inferred from the submissions' function names, see exercise.infer).
    Ctrl-C stops at once and raises KeyboardInterrupt, nothing left running (Batch.run)."""
    started = time.monotonic()
    batch = Batch(submission.discover(paths, exercises.course_files()), options, out=out,
                  forbidden=[str(Path(p).resolve()) for p in paths], exercise=exercise)
    results = batch.run(progress)
    return Report(results=results, sandbox=batch.level, elapsed=time.monotonic() - started)
