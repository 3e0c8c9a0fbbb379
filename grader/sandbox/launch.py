"""How a worker is started: isolation level, limits, command line.

Levels, strongest first:
  bwrap    bubblewrap: no network, read-only system, only the Python runtime and
           the worker visible, private /tmp emptied after every submission, own
           PID namespace whose PID 1 is the worker's zygote (so it can kill
           everything a submission left running), unprivileged uid, no
           capabilities, dies with the grader.
  uid      (root without bubblewrap) a process under the unprivileged uid 65534,
           plus the worker's audit hook.
  process  a plain child process with resource limits and the worker's audit
           hook (which refuses sockets, subprocesses, signals, the grader
           package and files outside the runtime): defence in depth only.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

import grader

WORKER_FILES = ("worker.py", "wire.py")
INSIDE = "/opt/grader-worker"  # where the worker's two files appear inside bubblewrap
NOBODY = 65534

LEVEL_DESCRIPTIONS = {
    "bwrap": "bubblewrap sandbox (no network, no access to the grader or other submissions)",
    "uid": "no OS sandbox: unprivileged process (uid 65534) with an audit hook",
    "process": "no OS sandbox: plain process with an audit hook; student code runs with your "
               "user's rights and could read your files or reach the network",
}


class SandboxUnavailable(RuntimeError):
    """The requested isolation level cannot run on this machine."""


@dataclass(frozen=True)
class Limits:
    """Per-worker resource limits (the worker sets them on itself, soft = hard,
    before any student code runs); the timeout is enforced by the grader."""

    timeout: float = 10.0  # seconds of wall-clock time per call
    memory: int = 2 << 30  # bytes of address space
    cpu: int = 120  # seconds of CPU time per worker process
    file_size: int = 64 << 20  # bytes per file written
    output: int = 64 << 10  # bytes of printed output kept per submission

    def environment(self) -> str:
        return f"RLIMIT_AS={self.memory},RLIMIT_CPU={self.cpu},RLIMIT_FSIZE={self.file_size}"


@dataclass
class Started:
    """A worker process just started, and the grader's ends of its pipes."""

    process: subprocess.Popen
    request_w: int  # requests to the worker
    reply_r: int  # its replies
    output_r: int  # its stdout and stderr

    def kill(self) -> None:
        """Kill it and its process group (the sandbox and all it started), and reap it."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.kill()
        except ProcessLookupError:
            pass
        self.process.wait()

    def close_pipes(self) -> None:
        for fd in (self.request_w, self.reply_r, self.output_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self) -> None:
        """Kill it unused and close the pipes (once: a reaped pid may be reused)."""
        if self.process.returncode is not None:
            return
        self.kill()
        self.close_pipes()


@dataclass
class EarlyStart:
    """A sandbox chosen and a worker started before the grader has imported numpy,
    so that both boot at the same time (a single file's latency)."""

    launcher: Launcher
    started: Started

    def close(self) -> None:
        self.started.close()
        self.launcher.close()


def early_start(choice: str, limits: Limits) -> EarlyStart | None:
    """make_launcher(choice, limits) and one started worker; None if that fails
    (the grader then starts them the ordinary way and reports any error)."""
    try:
        launcher = make_launcher(choice, limits)
    except (SandboxUnavailable, OSError):
        return None
    try:
        return EarlyStart(launcher, launcher.start())
    except OSError:
        launcher.close()
        return None


def _runtime_paths() -> list[str]:
    """Folders the Python runtime needs: prefixes and site-packages, real paths."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    import numpy  # the one third-party package the worker needs

    paths.add(str(Path(numpy.__file__).parent.parent))
    real = set()
    for p in paths:
        if p and os.path.isdir(p):
            real.add(p)
            real.add(os.path.realpath(p))
    # keep the outermost folders only
    ordered = sorted(real, key=len)
    kept: list[str] = []
    for p in ordered:
        if not any(p == k or p.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(p)
    return kept


class Launcher:
    """Builds the command that starts one worker at a given level."""

    def __init__(self, level: str, limits: Limits):
        self.level = level
        self.limits = limits
        self._stage = tempfile.mkdtemp(prefix="grader-worker-")
        os.chmod(self._stage, 0o755)
        package = Path(grader.__file__).parent
        for name in WORKER_FILES:
            shutil.copyfile(package / name, os.path.join(self._stage, name))
            os.chmod(os.path.join(self._stage, name), 0o644)
        self.package_dir = str(package.resolve())

    @property
    def description(self) -> str:
        return LEVEL_DESCRIPTIONS[self.level]

    def close(self) -> None:
        shutil.rmtree(self._stage, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",  # no display in a worker
            "MPLCONFIGDIR": "/tmp/matplotlib",
            "GRADER_WORKER_LIMITS": self.limits.environment(),
        }

    def audit(self, forbidden: list[str]) -> dict | None:
        """What the worker's audit hook allows (none under bubblewrap, which needs none)."""
        if self.level == "bwrap":
            return None
        allowed = _runtime_paths() + [self._stage, "/dev/null", "/dev/urandom", "/proc/self",
                                      "/usr/lib", "/usr/share/zoneinfo"]
        return {"allowed": allowed, "forbidden": [self.package_dir] + list(forbidden)}

    def command(self, request_fd: int, reply_fd: int) -> list[str]:
        python = [sys.executable, "-s", "-E"]
        if self.level != "bwrap":
            return python + [os.path.join(self._stage, "worker.py"), str(request_fd), str(reply_fd)]
        return bwrap_prefix(self._stage, self.package_dir, self.environment()) + python + [
            f"{INSIDE}/worker.py", str(request_fd), str(reply_fd)]

    def start(self) -> Started:
        """Start a worker process (it boots on its own: nothing is waited for here)."""
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        try:
            process = subprocess.Popen(
                self.command(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w,
                pass_fds=(req_r, rep_w), start_new_session=True, **self.popen_options())
        except BaseException:
            for fd in (req_w, rep_r, out_r):
                os.close(fd)
            raise
        finally:
            for fd in (req_r, rep_w, out_w):
                os.close(fd)
        return Started(process, req_w, rep_r, out_r)

    def popen_options(self) -> dict:
        options = {"env": self.environment(), "cwd": self._stage if self.level != "bwrap" else "/"}
        if self.level == "uid":
            options.update(user=NOBODY, group=NOBODY, extra_groups=[])
        return options


def bwrap_prefix(stage: str, package_dir: str, env: dict[str, str]) -> list[str]:
    cmd = ["bwrap", "--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
           "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        cmd += ["--ro-bind-try", f, f]
    runtime = _runtime_paths()
    for p in runtime:
        if not p.startswith("/usr/"):
            cmd += ["--ro-bind", p, p]
    # If the grader is installed inside a bound folder (site-packages), hide it.
    for p in runtime + ["/usr"]:
        if package_dir.startswith(p.rstrip("/") + "/"):
            cmd += ["--tmpfs", package_dir]
            break
    cmd += ["--ro-bind", stage, INSIDE, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--chdir", "/tmp", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--"]


def _works(launcher: Launcher) -> bool:
    """Start a worker at this level once, with a trivial command, and see it run."""
    cmd = launcher.command(0, 1)[:-3] + ["-S", "-c", "pass"]  # cheap: no site, no numpy
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30,
                              **launcher.popen_options()).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def make_launcher(choice: str, limits: Limits) -> Launcher:
    """choice: 'auto' (strongest that runs), 'bwrap' (or fail), 'none' (plain process)."""
    if choice == "none":
        return Launcher("process", limits)
    candidates = ["bwrap"] if choice == "bwrap" else ["bwrap", "uid", "process"]
    for level in candidates:
        if level == "bwrap" and shutil.which("bwrap") is None:
            continue
        if level == "uid" and os.geteuid() != 0:
            continue
        launcher = Launcher(level, limits)
        if level == "process" or _works(launcher):
            return launcher
        launcher.close()
    raise SandboxUnavailable(
        "bubblewrap cannot run here: install it (Debian: apt-get install bubblewrap) and make sure "
        "user namespaces are allowed, or choose --sandbox auto / --sandbox none")
