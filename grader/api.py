"""The one entry point: grade(paths) -> Report.

For each submission: read it (submission.py, no execution), start a worker
behind the trust boundary (sandbox/), load the definitions there, call each
graded function on the hidden cases, and score what comes back (checks.py)
here, in the trusted process. The Grader does this for one submission; a batch
of them (grading processes, resuming, Ctrl-C, the files written) is batch.py's,
and the wording of load errors and exceptions is messages.py's.
"""
from __future__ import annotations

import collections
import hashlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import exercise as exercises
from . import secret, submission, wire
from .blackbox import Oracle
from .checks import Outcome, diagnose, evaluate
from .exercise import Case, Exercise, Problem
from .messages import error_message, load_error_matters, load_message
from .results import Failure, FunctionResult, SubmissionResult
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


def grade(paths: list[str | Path], options: Options | None = None, out: Path | None = None,
          progress: Callable[[SubmissionResult], None] | None = None,
          exercise: Exercise | str | None = None) -> Report:
    """Grade every submission found under paths (files, or folders searched for .ipynb/.py)
    as `exercise` (default: inferred from the submissions' function names, see exercise.infer).
    Ctrl-C stops at once and raises KeyboardInterrupt, nothing left running (Batch.run)."""
    from .batch import Batch  # batch.py builds on the Grader above

    started = time.monotonic()
    batch = Batch(submission.discover(paths, exercises.course_files()), options, out=out,
                  forbidden=[str(Path(p).resolve()) for p in paths], exercise=exercise)
    results = batch.run(progress)
    return Report(results=results, sandbox=batch.level, elapsed=time.monotonic() - started)
