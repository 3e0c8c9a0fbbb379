"""Talk to one running worker: send a request, wait for its reply under a deadline.

Everything the worker sends is parsed by `grader.wire` (plain data only). The
student's printed output arrives on a separate pipe; the first `Limits.output`
bytes are kept and the rest is counted and dropped, so a flood of output
cannot fill memory or block the worker.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from typing import Callable

from .. import wire
from .launch import Launcher

OracleHandler = Callable[[dict, list], tuple[dict, list]]


class WorkerFailure(Exception):
    """The worker did not answer: it timed out, died, or broke the protocol."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # "timeout", "exit", "protocol"
        self.message = message


def describe_exit(code: int | None, memory: int) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if -code == signal.SIGXCPU:
            return "it used up its CPU time"
        return f"it was killed by signal {name}"
    if code > 128 and code - 128 in signal.Signals._value2member_map_:
        # bubblewrap reports a child killed by signal N as exit status 128 + N
        return f"it was killed by signal {signal.Signals(code - 128).name}"
    return f"it exited with status {code} (sys.exit or os._exit in the submission?)"


class WorkerSession:
    """One worker process; restartable. Not thread-safe: one per grading thread."""

    def __init__(self, launcher: Launcher):
        self.launcher = launcher
        self.limits = launcher.limits
        self.process: subprocess.Popen | None = None
        self.output = bytearray()  # first bytes the submission printed
        self.output_total = 0  # bytes it printed in all
        self.starts = 0

    # -------------------------------------------------------------- lifecycle
    def start(self) -> None:
        self.close()
        req_r, self._req_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        self._out_r, out_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                self.launcher.command(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=out_w,
                stderr=out_w, pass_fds=(req_r, rep_w), start_new_session=True,
                **self.launcher.popen_options())
        finally:
            for fd in (req_r, rep_w, out_w):
                os.close(fd)
        for fd in (self._req_w, self._rep_r, self._out_r):
            os.set_blocking(fd, False)
        self._buffer = b""
        self.starts += 1

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.kill()
        except ProcessLookupError:
            pass
        self.process.wait()
        for fd in (self._req_w, self._rep_r, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process = None

    # -------------------------------------------------------------- requests
    def request(self, header: dict, arrays: list = (), on_oracle: OracleHandler | None = None,
                timeout: float | None = None) -> tuple[dict, list]:
        """Send one request; return the reply (header, arrays) or raise WorkerFailure.

        While waiting, oracle requests from the worker are answered with
        `on_oracle`. The deadline covers the whole exchange.
        """
        if not self.running:
            raise WorkerFailure("exit", "the worker is not running")
        deadline = time.monotonic() + (self.limits.timeout if timeout is None else timeout)
        pending = memoryview(wire.pack(header, list(arrays)))
        selector = selectors.DefaultSelector()
        selector.register(self._rep_r, selectors.EVENT_READ, "reply")
        selector.register(self._out_r, selectors.EVENT_READ, "output")
        writing = False
        try:
            while True:
                if pending and not writing:
                    selector.register(self._req_w, selectors.EVENT_WRITE, "request")
                    writing = True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    raise WorkerFailure("timeout", f"it did not finish within {self.limits.timeout:g} s")
                for key, _ in selector.select(remaining):
                    if key.data == "output":
                        self._drain_output()
                    elif key.data == "request":
                        try:
                            sent = os.write(self._req_w, pending)
                        except BlockingIOError:
                            sent = 0
                        except BrokenPipeError:
                            self._died()
                        pending = pending[sent:]
                        if not pending:
                            selector.unregister(self._req_w)
                            writing = False
                    else:
                        chunk = self._read(self._rep_r)
                        if chunk == b"":
                            self._died()
                        self._buffer += chunk
                        for reply in self._frames():
                            if reply[0].get("op") == "oracle" and on_oracle is not None:
                                answer = on_oracle(*reply)
                                pending = memoryview(bytes(pending) + wire.pack(*answer))
                            else:
                                self._drain_output()
                                return reply
        finally:
            selector.close()

    def _frames(self):
        while True:
            try:
                size = wire.frame_size(self._buffer)
            except wire.WireError as exc:
                self.close()
                raise WorkerFailure("protocol", f"it sent malformed data ({exc})") from None
            if size is None or len(self._buffer) < size:
                return
            frame, self._buffer = self._buffer[:size], self._buffer[size:]
            try:
                yield wire.unpack(frame)
            except wire.WireError as exc:
                self.close()
                raise WorkerFailure("protocol", f"it sent malformed data ({exc})") from None

    def _read(self, fd: int) -> bytes | None:
        try:
            return os.read(fd, 1 << 20)
        except BlockingIOError:
            return None

    def _drain_output(self) -> None:
        while True:
            chunk = self._read(self._out_r)
            if not chunk:
                return
            self.output_total += len(chunk)
            room = self.limits.output - len(self.output)
            if room > 0:
                self.output += chunk[:room]

    def _died(self):
        code = self.process.wait() if self.process else None
        self._drain_output()
        self.close()
        raise WorkerFailure("exit", describe_exit(code, self.limits.memory))
