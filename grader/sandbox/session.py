"""Talk to a worker: a warm zygote that forks one fresh child per submission.

    session.begin()      start the zygote if needed (sandboxed, numpy imported), fork a child
    session.request(...) send a frame to the child, wait for its reply under a deadline
    session.finish()     end the child; the zygote kills what it left and reports "ready"

Everything the worker sends is parsed by `grader.wire` (plain data only). If
the child hangs, dies or breaks the protocol, the whole sandbox is killed and
a new one is started for what comes next: nothing of a failed child survives.
The student's printed output arrives on a separate pipe; the first
`Limits.output` bytes are kept and the rest is counted and dropped, so a flood
of output cannot fill memory or block the worker.
"""
from __future__ import annotations

import fcntl
import os
import selectors
import signal
import subprocess
import time
from typing import Protocol

from .. import wire
from .launch import Launcher, Started


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
        self.kind = kind  # "timeout", "exit", "protocol", "start"
        self.message = message


def describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
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
    """One zygote and its current child. Not thread-safe: one per grading thread."""

    def __init__(self, launcher: Launcher):
        self.launcher = launcher
        self.limits = launcher.limits
        self.process: subprocess.Popen | None = None
        self.zygote_ready = False
        self.in_child = False
        self.output = bytearray()  # first bytes the current submission printed
        self.output_total = 0  # bytes it printed in all
        self._pending = b""  # bytes to send before the next request (the fork)

    # -------------------------------------------------------------- lifecycle
    def spawn(self, started: Started | None = None) -> None:
        """Start a zygote without waiting for it (it boots while the grader works),
        or adopt one `started` already by this session's launcher."""
        self.close()
        self._started = started = started or self.launcher.start()
        self.process, self._req_w, self._rep_r, self._out_r = (
            started.process, started.request_w, started.reply_r, started.output_r)
        for fd in (self._req_w, self._rep_r, self._out_r):
            os.set_blocking(fd, False)
            try:  # larger pipes: fewer partial writes and wake-ups for big frames
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
            except OSError:
                pass
        self._buffer = b""
        self.last_reply = b""  # the raw frame of the last reply returned by request()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._rep_r, selectors.EVENT_READ, "reply")
        self._selector.register(self._out_r, selectors.EVENT_READ, "output")
        self.zygote_ready = False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def running(self) -> bool:
        """A child is ready for this submission's requests."""
        return self.alive and self.in_child

    def begin(self) -> None:
        """Make a fresh child for a submission (restarting the sandbox if needed)."""
        if not self.alive:
            self.spawn()
        if not self.zygote_ready:
            self._exchange(b"", None, START_TIMEOUT, expect_ready=True, what="the worker did not start")
            self.zygote_ready = True
        self._pending = wire.pack({"op": "fork"})
        self.zygote_ready = False
        self.in_child = True

    def reset_output(self) -> None:
        self.output.clear()
        self.output_total = 0

    def finish(self) -> None:
        """End the current child and wait until the zygote has cleaned up after it."""
        if self.alive and self.in_child:
            try:
                self._exchange(wire.pack({"op": "end"}), None, FINISH_TIMEOUT, expect_ready=True,
                               what="the worker did not end")
                self.zygote_ready = True
            except WorkerFailure:
                pass  # closed: the next begin() starts a new sandbox
        self.in_child = False
        self._drain_output()

    def close(self) -> None:
        """Kill the whole sandbox (zygote, child and anything they started)."""
        self.in_child = False
        self.zygote_ready = False
        if self.process is None:
            return
        self._started.kill()
        self._drain_output()
        self._selector.close()
        self._started.close_pipes()
        self.process = None

    # -------------------------------------------------------------- requests
    def request(self, header: dict | None, arrays: list = (), on_oracle: OracleHandler | None = None,
                timeout: float | None = None, frame: bytes | None = None,
                max_payload: int = wire.REPLY_PAYLOAD) -> tuple[dict, list]:
        """Send one request (a header and arrays, or a packed frame; nothing if both
        are None) and return the child's next reply (header, arrays), or raise WorkerFailure.

        While waiting, oracle requests from the child are answered with
        `on_oracle`. The deadline covers the whole exchange, oracle answers
        included. Every frame from the child is refused (WorkerFailure) beyond
        wire.REPLY_HEADER bytes of JSON, `max_payload` bytes of arrays or
        wire.REPLY_ARRAYS arrays. On failure the sandbox is closed.
        """
        if not self.running:
            raise WorkerFailure("exit", "the worker is not running")
        limit = self.limits.timeout if timeout is None else timeout
        if frame is None:
            frame = b"" if header is None else wire.pack(header, list(arrays))
        self._max_payload = max_payload
        try:
            return self._exchange(frame, on_oracle, limit, expect_ready=False,
                                  what=f"it did not finish within {limit:g} s")
        finally:
            self._max_payload = wire.REPLY_PAYLOAD

    _max_payload = wire.REPLY_PAYLOAD  # bytes of arrays accepted in one frame from the child, now

    def _exchange(self, frame: bytes, on_oracle, limit: float, expect_ready: bool, what: str):
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
                    else:
                        chunk = self._read(self._rep_r)
                        if chunk == b"":
                            raise WorkerFailure("exit", describe_exit(self.process.wait()))
                        self._buffer += chunk or b""
                if self._buffer:  # frames may have arrived together: handle every complete one
                    for raw in self._frames():
                        answer = on_oracle.known(raw) if on_oracle is not None else None
                        if answer is None:
                            reply = self._unpack(raw)
                            op = reply[0].get("op")
                            if op == "ready":
                                if expect_ready:
                                    return reply
                                status = reply[0].get("child_status")
                                raise WorkerFailure("exit", describe_exit(status if isinstance(status, int) else None))
                            if expect_ready:
                                raise WorkerFailure("protocol", "it sent data after its submission ended")
                            if op != "oracle" or on_oracle is None:
                                self.last_reply = raw  # its bytes: equal bytes, equal reply
                                return reply
                            answer = on_oracle(raw, *reply)
                            if time.monotonic() > deadline:  # the deadline covers black-box work too
                                raise WorkerFailure("timeout", what)
                        pending = memoryview(bytes(pending) + answer)
        except WorkerFailure:
            self.close()
            raise
        finally:
            if writing and self.process is not None:
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
            raise WorkerFailure("exit", describe_exit(self.process.wait())) from None
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
