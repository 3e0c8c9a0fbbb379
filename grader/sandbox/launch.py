"""How a worker is started: isolation level, limits, command line.

Levels, strongest first:
  bwrap    bubblewrap: no network, read-only root with only the system folders,
           the Python runtime and the worker visible, private size-capped /tmp
           and /dev/shm emptied after every graded function, own PID and IPC
           namespaces whose PID 1 is the worker's zygote (so it can kill
           everything a function left running), an unprivileged uid of its own
           (reserved for this sandbox when the grader runs as root, else uid
           65534 in a user namespace) with a process limit that binds, no
           capabilities, dies with the grader.
  uid      (root without bubblewrap) a process under an unprivileged uid
           reserved for this worker, plus the worker's audit hook.
  process  a plain child process with resource limits and the worker's audit
           hook (which refuses sockets, subprocesses, signals, the grader
           package and files outside the runtime): defence in depth only.
"""
from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
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
# Unprivileged uids with no account, one per sandbox when the grader runs as
# root: UID_BASE + 64 * (grading process id) + n. A uid of its own gives each
# sandbox its own process count (RLIMIT_NPROC is counted per uid): a fork bomb
# in one job cannot stop another job's worker from forking.
UID_BASE = 1 << 30
_uid_serial = itertools.count()
SCRATCH = ("/tmp", "/dev/shm")  # the only writable places inside bubblewrap

LEVEL_DESCRIPTIONS = {
    "bwrap": "bubblewrap sandbox (no network, no access to the grader or other submissions)",
    "uid": "no OS sandbox: unprivileged process (a uid of its own) with an audit hook",
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
    processes: int = 32  # processes and threads of the sandbox's uid (where it has one of its own)
    tmp: int = 128 << 20  # bytes of /tmp inside bubblewrap
    shm: int = 16 << 20  # bytes of /dev/shm inside bubblewrap
    # open descriptors per process: socket and pipe buffers are kernel memory that
    # RLIMIT_AS does not count (an unbounded count let one process queue 1.5 GB in 2 s)
    files: int = 64

    def environment(self, own_uid: bool = False) -> str:
        text = (f"RLIMIT_AS={self.memory},RLIMIT_CPU={self.cpu},RLIMIT_FSIZE={self.file_size},"
                f"RLIMIT_MSGQUEUE=0,RLIMIT_NOFILE={self.files}")
        if own_uid:  # counted per uid: only where the uid is the sandbox's own
            text += f",RLIMIT_NPROC={self.processes}"
        return text


@dataclass
class Started:
    """A worker process just started, and the grader's ends of its channels."""

    process: subprocess.Popen
    control: socket.socket  # to and from the zygote (nothing else holds the other end)
    output_r: int  # its stdout and stderr (and its children's)

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
        self.control.close()
        try:
            os.close(self.output_r)
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


def _site_paths() -> list[str]:
    """The site-packages folders the worker puts on sys.path itself: it starts without
    `site` (python -S), which would run every .pth file of the runtime and import what
    they name, making the zygote bigger and each fork of it slower."""
    import site

    import numpy

    paths = [p for p in site.getsitepackages() if os.path.isdir(p)]
    paths.append(str(Path(numpy.__file__).parent.parent))
    return list(dict.fromkeys(paths))


class Launcher:
    """Builds the command that starts one worker at a given level."""

    def __init__(self, level: str, limits: Limits, note: str = ""):
        self.level = level
        self.limits = limits
        self.note = note  # why a stronger level was not used, if it was tried
        self.as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        self._stage = tempfile.mkdtemp(prefix="grader-worker-")
        os.chmod(self._stage, 0o755)
        package = Path(grader.__file__).parent
        for name in WORKER_FILES:
            shutil.copyfile(package / name, os.path.join(self._stage, name))
            os.chmod(os.path.join(self._stage, name), 0o644)
        self.package_dir = str(package.resolve())

    @property
    def description(self) -> str:
        text = LEVEL_DESCRIPTIONS[self.level]
        return f"{text} ({self.note})" if self.note else text

    def close(self) -> None:
        shutil.rmtree(self._stage, ignore_errors=True)

    def user(self) -> int | None:
        """The unprivileged uid (= gid) a new worker runs as, when it gets one of its own."""
        if self.level == "uid" or (self.level == "bwrap" and self.as_root):
            return UID_BASE + (os.getpid() % (1 << 22)) * 64 + next(_uid_serial) % 64
        return None

    def environment(self, uid: int | None = None) -> dict[str, str]:
        env = {
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
            "GRADER_WORKER_LIMITS": self.limits.environment(
                own_uid=self.level == "uid" or self.level == "bwrap"),
            "GRADER_WORKER_CONTAINED": {"bwrap": "pidns", "uid": "uid"}.get(self.level, ""),
            "GRADER_WORKER_PATH": os.pathsep.join(_site_paths()),
        }
        if self.level == "bwrap":
            env["GRADER_WORKER_SCRATCH"] = ":".join(SCRATCH)
            if uid is not None:
                env["GRADER_WORKER_USER"] = f"{uid}:{uid}"  # the worker drops to it first thing
        return env

    def audit(self, forbidden: list[str]) -> dict | None:
        """What the worker's audit hook allows (none under bubblewrap, which needs none)."""
        if self.level == "bwrap":
            return None
        allowed = _runtime_paths() + [self._stage, "/dev/null", "/dev/urandom", "/proc/self",
                                      "/usr/lib", "/usr/share/zoneinfo"]
        return {"allowed": allowed, "forbidden": [self.package_dir] + list(forbidden)}

    def command(self, control_fd: int, uid: int | None = None, seccomp_fd: int | None = None) -> list[str]:
        python = [sys.executable, "-S", "-s", "-E"]  # no site: see _site_paths
        if self.level != "bwrap":
            return python + [os.path.join(self._stage, "worker.py"), str(control_fd)]
        return bwrap_prefix(self._stage, self.package_dir, self.environment(uid), self.limits,
                            privileged=uid is not None, seccomp_fd=seccomp_fd) + python + [
            f"{INSIDE}/worker.py", str(control_fd)]

    def seccomp_pipe(self) -> int | None:
        """A pipe's read end holding the seccomp filter for bubblewrap (None where there is none)."""
        program = seccomp_program() if self.level == "bwrap" else None
        if program is None:
            return None
        read, write = os.pipe()
        os.write(write, program)  # a few dozen bytes: the pipe holds them
        os.close(write)
        return read

    def start(self) -> Started:
        """Start a worker process (it boots on its own: nothing is waited for here)."""
        grader_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        uid = self.user()
        seccomp = self.seccomp_pipe()
        passed = (worker_end.fileno(),) + ((seccomp,) if seccomp is not None else ())
        try:
            process = subprocess.Popen(
                self.command(worker_end.fileno(), uid, seccomp), stdin=subprocess.DEVNULL, stdout=out_w,
                stderr=out_w, pass_fds=passed, start_new_session=True, **self.popen_options(uid))
        except BaseException:
            grader_end.close()
            os.close(out_r)
            raise
        finally:
            worker_end.close()
            os.close(out_w)
            if seccomp is not None:
                os.close(seccomp)
        return Started(process, grader_end, out_r)

    def popen_options(self, uid: int | None = None) -> dict:
        options = {"env": self.environment(uid), "cwd": self._stage if self.level != "bwrap" else "/"}
        if self.level == "uid":
            options.update(user=uid, group=uid, extra_groups=[])
        return options


# System calls refused inside bubblewrap (EPERM): the kernel keyrings, which
# outlive processes (a key added by one graded function could be read by the
# next). Numbers per architecture; elsewhere no filter is installed.
SECCOMP_ARCHES = {  # machine: (AUDIT_ARCH_*, add_key, request_key, keyctl)
    "x86_64": (0xC000003E, 248, 249, 250),
    "aarch64": (0xC00000B7, 217, 218, 219),
}


def seccomp_program() -> bytes | None:
    """A classic BPF seccomp filter (struct sock_filter[]) for bubblewrap's --seccomp,
    or None on an architecture not listed above."""
    import platform
    import struct

    arch = SECCOMP_ARCHES.get(platform.machine())
    if arch is None:
        return None
    audit_arch, *refused = arch
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    n = len(refused)
    # 0: arch; 1: other arch -> deny; 2: nr; 3: x32 ABI -> deny; 4..: refused -> deny; allow; deny
    to_deny = lambda at: 4 + n + 1 - at - 1  # noqa: E731 - jump offset from instruction `at` to deny
    program = [(ld, 0, 0, 4), (jeq, 0, to_deny(1), audit_arch), (ld, 0, 0, 0), (jge, to_deny(3), 0, 0x40000000)]
    program += [(jeq, to_deny(4 + i), 0, nr) for i, nr in enumerate(refused)]
    program += [(ret, 0, 0, allow), (ret, 0, 0, deny)]
    return b"".join(struct.pack("<HBBI", *instruction) for instruction in program)


def bwrap_prefix(stage: str, package_dir: str, env: dict[str, str], limits: Limits,
                 privileged: bool, seccomp_fd: int | None = None) -> list[str]:
    """The bubblewrap command line before the worker's.

    privileged (the grader runs as root): no user namespace, so that the uid the
    worker drops to is a real unprivileged host uid, bound by RLIMIT_NPROC; it
    keeps CAP_SETUID and CAP_SETGID only until it drops them with uid 0. Else a
    user namespace maps uid 65534 to the grader's own (unprivileged) uid.

    Order matters: the private /tmp is mounted first, so that a runtime living
    under /tmp (a virtualenv) is bound on top of it and stays visible; the root
    is made read-only last."""
    # No --new-session: the zygote stays in bubblewrap's process group, which the grader kills as
    # a whole (a uid change clears the zygote's parent-death signal, and bubblewrap, without
    # capabilities, could not send it to another uid anyway). The group is a session of its
    # own with no terminal (Popen's start_new_session), so TIOCSTI has nothing to reach.
    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--as-pid-1", "--cap-drop", "ALL"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    if privileged:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    cmd += ["--perms", "1777", "--size", str(limits.tmp), "--tmpfs", "/tmp"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        cmd += ["--ro-bind-try", f, f]
    runtime = _runtime_paths()
    made: set[str] = set()
    for p in runtime + [INSIDE]:
        # folders bubblewrap creates on the way to a bound one would be private (0700):
        # create them readable, so that the unprivileged uid reaches the runtime
        for parent in reversed(Path(p).parents):
            folder = str(parent)
            if folder not in made and folder not in ("/", "/tmp", "/usr") and not folder.startswith("/usr/"):
                made.add(folder)
                cmd += ["--perms", "0755", "--dir", folder]
    for p in runtime:
        if not p.startswith("/usr/"):
            cmd += ["--ro-bind", p, p]
    # If the grader is installed inside a bound folder (site-packages), hide it.
    for p in runtime + ["/usr"]:
        if package_dir.startswith(p.rstrip("/") + "/"):
            cmd += ["--tmpfs", package_dir]
            break
    cmd += ["--ro-bind", stage, INSIDE, "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.shm), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--"]


def _probe(launcher: Launcher) -> str | None:
    """Start a worker's sandbox at this level once, with a trivial command (and
    the uid drop the worker will do): None if it runs, else why not (its stderr)."""
    uid = launcher.user()
    code = "pass"
    if launcher.level == "bwrap" and uid is not None:
        code = f"import os; os.setgroups([]); os.setgid({uid}); os.setuid({uid})"
    seccomp = launcher.seccomp_pipe()
    cmd = launcher.command(0, uid, seccomp)[:-2] + ["-c", code]  # cheap: no numpy
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=30, pass_fds=(seccomp,) if seccomp is not None else (),
                              **launcher.popen_options(uid))
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        if seccomp is not None:
            os.close(seccomp)
    if proc.returncode == 0:
        return None
    text = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return (text[-1] if text else f"exit status {proc.returncode}")[:300]


def _works(launcher: Launcher) -> bool:
    return _probe(launcher) is None


def platform_problem() -> str | None:
    """Why the worker cannot run on this system at all (it forks and sets resource limits), or None."""
    missing = [name for name, present in (("os.fork", hasattr(os, "fork")),
                                          ("the resource module", _has_module("resource")),
                                          ("fcntl", _has_module("fcntl"))) if not present]
    if not missing:
        return None
    return (f"the grader's worker needs a POSIX system (Linux or macOS): {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not available on {sys.platform}. On Windows, run the "
            f"grader under WSL (wsl --install, then install Python, numpy and bubblewrap in it)")


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _system() -> str:
    """The operating system, as sys.platform names it (one place, for the launcher's decision)."""
    return sys.platform


def make_launcher(choice: str, limits: Limits) -> Launcher:
    """choice: 'auto' (strongest that runs), 'bwrap' (or fail), 'none' (plain process)."""
    problem = platform_problem()
    if problem:
        raise SandboxUnavailable(problem)
    if choice == "none":
        return Launcher("process", limits)
    candidates = ["bwrap"] if choice == "bwrap" else ["bwrap", "uid", "process"]
    notes = []
    for level in candidates:
        if level == "bwrap" and shutil.which("bwrap") is None:
            system = _system()
            notes.append("bubblewrap is not installed" if system.startswith("linux") else
                         f"bubblewrap runs on Linux only, not on {system}")
            continue
        if level == "uid" and os.geteuid() != 0:
            continue
        launcher = Launcher(level, limits, note="; ".join(notes))
        why = None if level == "process" else _probe(launcher)
        if why is None:
            return launcher
        launcher.close()
        notes.append(f"{'bubblewrap' if level == 'bwrap' else 'an unprivileged uid'} failed: {why}")
    if notes and "Linux only" in notes[0]:
        raise SandboxUnavailable(
            f"{notes[0]}: grade with --sandbox auto (a plain process, with a warning) or use a Linux machine")
    raise SandboxUnavailable(
        f"bubblewrap cannot run here ({'; '.join(notes)}). Install it (Debian: apt-get install bubblewrap); "
        "unprivileged, it needs user namespaces (sysctl kernel.unprivileged_userns_clone=1 or "
        "user.max_user_namespaces > 0); or choose --sandbox auto / --sandbox none")
