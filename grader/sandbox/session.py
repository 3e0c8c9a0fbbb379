"""Talk to a worker: a warm zygote that forks one fresh child per graded function.

    session.begin(...)   start the zygote if needed (sandboxed, numpy imported), give it the
                         submission to compile, fork a child
    session.send(frame)  queue requests for the child (pipelined)
    session.request(...) send a frame to the child, wait for its reply under a deadline
    session.finish()     have the zygote kill the child and all it started

The zygote is reached on a control socket that no child holds; each child gets
two fresh pipes (passed to the zygote over that socket), which die with it.
Everything a child sends is parsed by `grader.wire` (plain data only). If a
child hangs, dies or breaks the protocol, the zygote kills it and what it
started; only if the zygote itself stops answering is the whole sandbox killed
and a new one started for what comes next. The student's printed output
arrives on a separate pipe; the first `Limits.output` bytes are kept and the
rest is counted and dropped, so a flood of output cannot fill memory or block
the worker.
"""
from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import time
from typing import Protocol

from .. import wire
from .launch import Launcher, Started

try:
    from fcntl import F_SETPIPE_SZ, fcntl
except ImportError:  # not Linux: pipes keep their default size
    F_SETPIPE_SZ = fcntl = None


class OracleHandler(Protocol):
    """Answers the child's black-box calls ({"op": "oracle"} frames) while a request runs."""

    def known(self, frame: bytes) -> bytes | None:
        """The packed answer to this exact frame if it was answered before, else None."""

    def __call__(self, frame: bytes, header: dict, arrays: list) -> bytes:
        """The packed answer to a new oracle request."""

START_TIMEOUT = 60.0  # seconds for a new zygote to import numpy and say "ready"
FINISH_TIMEOUT = 10.0  # seconds for a child to end and the zygote to clean up
# Bytes per read from a worker's pipes. Not more: reading 1 MiB at a time (then
# shrinking the buffer to what came) fragments the C heap, and a long batch's
# grading process grew by about 70 KiB per submission.
READ_SIZE = 64 << 10


class WorkerFailure(Exception):
    """The worker did not answer: it timed out, died, or broke the protocol."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # "timeout", "exit", "protocol", "start" ("closed": internal, becomes "exit")
        self.message = message


def describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code == wire.FILES_EXIT:
        return f"it made more than {wire.MAX_FILES} files, folders or links in /tmp or /dev/shm"
    if code == wire.MEMORY_EXIT:
        return ("its processes held more memory in all than the memory limit allows "
                "(the limit covers every process the function starts, together)")
    if code < 0:
        if -code == signal.SIGXCPU:
            return "it used up its CPU time"
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return f"it was killed by signal {name}"
    if code > 128 and code - 128 in signal.Signals._value2member_map_:
        # bubblewrap reports a child killed by signal N as exit status 128 + N
        return f"it was killed by signal {signal.Signals(code - 128).name}"
    return f"it exited with status {code} (sys.exit or os._exit in the submission?)"


class WorkerSession:
    """One zygote and its current child. Not thread-safe: one per grading thread.

    Control frames are handled in order: every "kill" the grader sends is
    answered by one "ready" ("killed", or "idle" if the child had already
    exited, which the zygote reported first with "exited"), so an "exited" that
    arrives while a kill is unanswered is the previous child's. That lets the
    grader end one child and fork the next without waiting in between."""

    def __init__(self, launcher: Launcher):
        self.launcher = launcher
        self.limits = launcher.limits
        self.process: subprocess.Popen | None = None
        self.in_child = False
        self.output = bytearray()  # first bytes the current submission printed
        self.output_total = 0  # bytes it printed in all
        self.children = 0  # children forked by this session's zygotes (one per graded function)
        self._child_fds: tuple[int, int] | None = None  # the current child's request (w) and reply (r) pipes
        self._booted = False  # the zygote said "start"
        self._unanswered = 0  # kills sent and not yet answered
        self._ended_status: int | None = None  # how a child being killed had ended by itself
        self._prepared = None  # the submission the zygote has compiled (see begin)

    # -------------------------------------------------------------- lifecycle
    def spawn(self, started: Started | None = None) -> None:
        """Start a zygote without waiting for it (it boots while the grader works),
        or adopt one `started` already by this session's launcher."""
        self.close()
        self._started = started = started or self.launcher.start()
        self.process, self._control, self._out_r = started.process, started.control, started.output_r
        os.set_blocking(self._out_r, False)
        _enlarge(self._out_r)
        self._control.settimeout(FINISH_TIMEOUT)  # a zygote that stops reading cannot block the grader
        self._control_buffer = b""
        self._pending = b""  # bytes for the current child not written yet
        self.last_reply = b""  # the raw frame of the last reply returned by request()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._control, selectors.EVENT_READ, "control")
        self._selector.register(self._out_r, selectors.EVENT_READ, "output")
        self._booted = False
        self._unanswered = 0
        self._prepared = None  # the submission this zygote has compiled

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def running(self) -> bool:
        """A child is ready for this submission's requests."""
        return self.alive and self.in_child

    def begin(self, submission: object = None, prepare=None) -> None:
        """Fork a fresh child from the zygote (restarting the sandbox if needed). The
        previous child's end is not waited for: the zygote handles frames in order.

        `submission` (any object standing for it) and `prepare()` (its "prepare"
        frame's header): the zygote is given the submission first unless it has it."""
        self.finish()
        if not self.alive:
            self.spawn()
        if prepare is not None and self._prepared is not submission:
            try:
                self._control.sendall(wire.pack(prepare()))
            except OSError:
                self.close()
                raise WorkerFailure("start", "the worker stopped answering") from None
            self._prepared = submission
        if not self._booted:
            self._await_control(START_TIMEOUT, lambda: self._booted, "the worker did not start")
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        try:
            socket.send_fds(self._control, [wire.pack({"op": "fork"})], [request_r, reply_w])
        except OSError:
            for fd in (request_w, reply_r):
                os.close(fd)
            self.close()
            raise WorkerFailure("start", "the worker stopped answering") from None
        finally:
            os.close(request_r)
            os.close(reply_w)
        for fd in (request_w, reply_r):
            os.set_blocking(fd, False)
            _enlarge(fd)
        self._child_fds = (request_w, reply_r)
        self._req_w, self._rep_r = request_w, reply_r
        self._buffer = b""
        self._pending = b""
        self._child_exit = None  # (status,) once the zygote has reported that it exited
        self._selector.register(reply_r, selectors.EVENT_READ, "reply")
        self.in_child = True
        self.children += 1

    def send(self, frame: bytes) -> None:
        """Queue requests for the current child: written now as far as the pipe takes
        them, the rest with the next request()."""
        pending = memoryview(self._pending + frame)
        try:
            pending = self._write_some(pending)
        except WorkerFailure:
            pass  # the next request() finds out how it ended
        self._pending = bytes(pending)

    def reset_output(self) -> None:
        self.output.clear()
        self.output_total = 0

    def finish(self, wait: bool = False) -> None:
        """Have the zygote kill the current child and everything it started; with
        `wait`, wait until it has cleaned up after it."""
        if self.in_child and self.alive:
            self._close_child()
            self._send_kill()
        self._close_child()
        if wait and self.alive and self._unanswered:
            try:
                self._await_control(FINISH_TIMEOUT, lambda: not self._unanswered, "the worker did not end")
            except WorkerFailure:
                pass  # closed: the next begin() starts a new sandbox
        self._drain_output()

    def close(self) -> None:
        """Kill the whole sandbox (zygote, child and anything they started)."""
        self._close_child()
        self._booted = False
        self._unanswered = 0
        if self.process is None:
            return
        self._started.kill()
        self._drain_output()
        self._selector.close()
        self._started.close_pipes()
        self.process = None

    def _close_child(self) -> None:
        self.in_child = False
        self._pending = b""
        if self._child_fds is None:
            return
        request_w, reply_r = self._child_fds
        self._child_fds = None
        for fd in (request_w, reply_r):
            try:
                self._selector.unregister(fd)
            except (KeyError, ValueError):
                pass
        for fd in (request_w, reply_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def _send_kill(self) -> bool:
        try:
            self._control.sendall(wire.pack({"op": "kill"}))
        except OSError:
            self.close()
            return False
        self._unanswered += 1
        return True

    def _end_child(self) -> int | None:
        """Kill the current child through the zygote and wait until it is done; the
        status of a child that had ended by itself, else None."""
        self._close_child()  # its pipes: a dead child's reply pipe would wake every select
        self._ended_status = None
        if not self._send_kill():
            return None
        try:
            self._await_control(FINISH_TIMEOUT, lambda: not self._unanswered, "the worker did not end")
        except WorkerFailure:
            return None  # closed: the next begin() starts a new sandbox
        return self._ended_status

    def _handle_control(self, header: dict) -> int | None | bool:
        """Take one frame of the zygote into account. Returns False, or the exit
        status (an int, or None) of the current child if it reports its end."""
        if header.get("op") != "ready":
            self.close()
            raise WorkerFailure("protocol", "the worker's zygote broke the protocol")
        reason, status = header.get("reason"), header.get("child_status")
        if not isinstance(status, int) or isinstance(status, bool):
            status = None
        if reason == "start" and not self._booted:
            self._booted = True
            return False
        if reason in ("killed", "idle") and self._unanswered > 0:
            self._unanswered -= 1
            if status is not None and status != -signal.SIGKILL:
                self._ended_status = status  # it was ending by itself when the kill came
            return False
        if reason == "exited" and self._unanswered > 0:  # the previous child, before its kill's answer
            self._ended_status = status
            return False
        if reason == "exited" and self.in_child:
            self._child_exit = (status,)  # what it wrote before is still read (see _exchange)
            return status
        self.close()
        raise WorkerFailure("protocol", "the worker's zygote broke the protocol")

    def _await_control(self, limit: float, done, what: str) -> None:
        """Handle the zygote's frames until done() holds (the sandbox is closed on failure)."""
        deadline = time.monotonic() + limit
        try:
            while True:
                for header in self._control_frames():
                    self._handle_control(header)
                if done():
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkerFailure("timeout", what)
                for key, _ in self._selector.select(remaining):
                    if key.data == "output":
                        self._drain_output()
                    elif key.data == "control":
                        self._read_control()
        except WorkerFailure:
            self.close()
            raise

    def _read_control(self) -> None:
        try:
            chunk = self._control.recv(READ_SIZE)
        except (BlockingIOError, socket.timeout):
            return
        except OSError:
            chunk = b""
        if not chunk:
            raise WorkerFailure("exit", describe_exit(self.process.wait()))
        self._control_buffer += chunk

    def _control_frames(self):
        while True:
            try:
                size = wire.frame_size(self._control_buffer)
            except wire.WireError as exc:
                raise WorkerFailure("protocol", f"the worker's zygote sent malformed data ({exc})") from None
            if size is None or len(self._control_buffer) < size:
                return
            frame, self._control_buffer = self._control_buffer[:size], self._control_buffer[size:]
            try:
                yield wire.unpack(frame)[0]
            except wire.WireError as exc:
                raise WorkerFailure("protocol", f"the worker's zygote sent malformed data ({exc})") from None

    # -------------------------------------------------------------- requests
    def request(self, header: dict | None, arrays: list = (), on_oracle: OracleHandler | None = None,
                timeout: float | None = None, frame: bytes | None = None,
                max_payload: int = wire.REPLY_PAYLOAD, parsed=None) -> tuple[dict, list]:
        """Send one request (a header and arrays, or a packed frame; nothing if both
        are None) to the current child and return its next reply (header, arrays),
        or raise WorkerFailure (the child has then been ended).

        While waiting, oracle requests from the child are answered with
        `on_oracle`. The deadline covers the whole exchange, oracle answers
        included. Every frame from the child is refused (WorkerFailure) beyond
        wire.REPLY_HEADER bytes of JSON, `max_payload` bytes of arrays or
        wire.REPLY_ARRAYS arrays.

        `parsed` (get(raw) / add(raw, reply, size), like api.Memo): replies already
        unpacked, by their exact bytes; a reply equal byte for byte to one of them is
        not parsed again (its header dict is a copy, the rest is shared: read it only).
        """
        if not self.running:
            raise WorkerFailure("exit", "the worker is not running")
        limit = self.limits.timeout if timeout is None else timeout
        if frame is None:
            frame = b"" if header is None else wire.pack(header, list(arrays))
        self._max_payload = max_payload
        self._parsed = parsed
        try:
            return self._exchange(frame, on_oracle, limit, what=f"it did not finish within {limit:g} s")
        except WorkerFailure as exc:
            if self.in_child:  # the child is still there: the zygote kills it (and all it started)
                reported = self._child_exit
                status = self._end_child()
                if status is None and reported is not None:
                    status = reported[0]
                if exc.kind == "closed":
                    exc = WorkerFailure("exit", describe_exit(status) if status is not None
                                        else "it closed its channel to the grader")
            self._close_child()
            raise exc from None
        finally:
            self._max_payload = wire.REPLY_PAYLOAD
            self._parsed = None

    _max_payload = wire.REPLY_PAYLOAD  # bytes of arrays accepted in one frame from the child, now
    _parsed = None  # replies already unpacked (see request)

    def _exchange(self, frame: bytes, on_oracle, limit: float, what: str):
        deadline = time.monotonic() + limit
        pending = memoryview(self._pending + frame)
        self._pending = b""
        writing = False
        selector = self._selector
        try:
            while True:
                if pending:  # write what the pipe takes now; wait for room only if it is full
                    pending = self._write_some(pending)
                if bool(pending) != writing:
                    if writing:
                        selector.unregister(self._req_w)
                    else:
                        selector.register(self._req_w, selectors.EVENT_WRITE, "request")
                    writing = not writing
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkerFailure("timeout", what)
                for key, _ in selector.select(0 if self._complete_frame() else remaining):
                    if key.data == "output":
                        self._drain_output()
                    elif key.data == "request":
                        pending = self._write_some(pending)
                    elif key.data == "control":  # the zygote may report the child's end
                        self._read_control()
                        for header in self._control_frames():
                            self._handle_control(header)
                    else:
                        chunk = self._read(self._rep_r)
                        if chunk == b"":  # every copy of its reply pipe closed: it probably exited
                            raise WorkerFailure("closed", "it closed its channel to the grader")
                        self._buffer += chunk or b""
                if self._child_exit is not None:  # it exited: what it wrote before is all there is
                    while True:
                        chunk = self._read(self._rep_r)
                        if not chunk:
                            break
                        self._buffer += chunk
                if self._buffer:  # frames may have arrived together: handle every complete one
                    for raw in self._frames():
                        answer = on_oracle.known(raw) if on_oracle is not None else None
                        if answer is None:
                            reply = self._unpack_reply(raw)
                            if reply[0].get("op") != "oracle" or on_oracle is None:
                                self.last_reply = raw  # its bytes: equal bytes, equal reply
                                return reply
                            answer = on_oracle(raw, *reply)
                            if time.monotonic() > deadline:  # the deadline covers black-box work too
                                raise WorkerFailure("timeout", what)
                        pending = memoryview(bytes(pending) + answer)
                if self._child_exit is not None:
                    raise WorkerFailure("exit", describe_exit(self._child_exit[0]))
        finally:
            if self._child_fds is not None:
                self._pending = bytes(pending)  # requests sent ahead (pipelined), still to be written
                if writing:
                    try:
                        selector.unregister(self._req_w)
                    except (KeyError, ValueError):
                        pass

    def _write_some(self, pending: memoryview) -> memoryview:
        """Write what the request pipe takes without blocking; return the rest."""
        try:
            sent = os.write(self._req_w, pending)
        except BlockingIOError:
            sent = 0
        except BrokenPipeError:
            if getattr(self, "_child_exit", None) is not None:
                raise WorkerFailure("exit", describe_exit(self._child_exit[0])) from None
            raise WorkerFailure("closed", "it closed its channel to the grader") from None
        return pending[sent:]

    def _complete_frame(self) -> bool:
        """Is a whole frame (or a malformed prefix, to be reported) already buffered?"""
        try:
            size = wire.frame_size(self._buffer, wire.REPLY_HEADER, self._max_payload)
        except wire.WireError:
            return True
        return size is not None and len(self._buffer) >= size

    def _frames(self):
        """The complete frames buffered so far (raw bytes), removed from the buffer."""
        while True:
            try:
                size = wire.frame_size(self._buffer, wire.REPLY_HEADER, self._max_payload)
            except wire.WireError as exc:
                raise WorkerFailure("protocol", f"it sent data the grader refuses ({exc})") from None
            if size is None or len(self._buffer) < size:
                return
            frame, self._buffer = self._buffer[:size], self._buffer[size:]
            yield frame

    def _unpack_reply(self, frame: bytes) -> tuple[dict, list]:
        """_unpack, or the memo's copy of the same frame parsed before (only replies are kept:
        an oracle request is answered once by its own memo). The frame's bounds were checked
        by _frames already; unpacking is a pure function of the bytes."""
        memo = self._parsed
        if memo is None:
            return self._unpack(frame)
        known = memo.get(frame)
        if known is not None:
            return dict(known[0]), known[1]
        header, arrays = self._unpack(frame)
        if header.get("op") != "oracle":
            head = wire.PREFIX.unpack_from(frame)[0]
            memo.add(frame, (dict(header), arrays), len(frame) + 24 * head)  # parsed JSON: ~25x its bytes
        return header, arrays

    @staticmethod
    def _unpack(frame: bytes) -> tuple[dict, list]:
        try:
            return wire.unpack(frame, max_arrays=wire.REPLY_ARRAYS)
        except wire.WireError as exc:
            raise WorkerFailure("protocol", f"it sent data the grader refuses ({exc})") from None

    def _read(self, fd: int) -> bytes | None:
        try:
            return os.read(fd, READ_SIZE)
        except BlockingIOError:
            return None

    def _drain_output(self) -> None:
        if self.process is None:
            return
        while True:
            try:
                chunk = os.read(self._out_r, READ_SIZE)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.output_total += len(chunk)
            room = self.limits.output - len(self.output)
            if room > 0:
                self.output += chunk[:room]


def _enlarge(fd: int) -> None:
    """Larger pipes: fewer partial writes and wake-ups for big frames (Linux)."""
    if fcntl is not None:
        try:
            fcntl(fd, F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
