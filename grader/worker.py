"""The worker: the only place where student code runs.

Started by `grader.sandbox` as `python worker.py CONTROL_FD`, inside the
sandbox when one is available, as a "zygote": it imports numpy once and forks
a fresh child for each graded function. The zygote itself never runs student
code. It talks to the grader on a control socket that only it holds:

    grader -> zygote  {"op": "prepare", "helpers": src, "helpers_module": name, "statements": [...],
                       "absent": [...]}:
                      the submission the next children load, compiled here
                      once (compiling runs none of its code); the course
                      modules to look for once (see AbsentModules)
                      {"op": "fork"} + two pipe ends (SCM_RIGHTS): the new
                      child's request (read) and reply (write) channels
                      {"op": "kill"}: end the current child
    zygote -> grader  {"op": "ready", "child_status": int | None, "reason":
                      "start" | "exited" | "killed" | "idle"}

A child closes the control socket and every other inherited descriptor right
after the fork, before any student code runs, so it cannot forge "ready" nor
reach the next child's channels. When a child ends (killed on the grader's
request, or by itself) the zygote kills everything in the sandbox but itself
(as PID 1 of the sandbox's PID namespace, or as the only process of a uid
reserved for this sandbox), reaps it, empties the writable folders and the
System V IPC objects, and only then reports "ready": nothing a child did
survives into the next one.

It imports nothing from the grader but the wire format (`wire.py`, copied
beside it): the reference implementations and hidden expected values are never
loaded here. A child's requests and replies are frames of plain data (see
wire.py); the student's prints go to stdout/stderr, which the grader captures
separately and caps.

Child requests:
    {"op": "load", "audit": {...} | null, "describe": bool}: run the prepared submission's statements
        -> {"errors": [{"label", "line", "type", "message", "where"}]} (with "describe": false,
        the grader does not need them: failing statements are skipped, the list is empty)
    {"op": "call", "function": name, "cases": [args tree, ...], "black_box": name | null, "stop_on": [...]}
        -> one reply per case: {"case": i, "status": "ok" | "not_implemented" | "error" | "missing",
            "type", "message", "where", "value": tree of [what it returned, its arguments after]}
    While a call runs, the function may call the black-box cell function; each
    such call is a frame {"op": "oracle", "function": name, "args": tree} to
    the grader, answered with {"status": "ok", "result": tree} or an error.
"""
import builtins
import errno
import gc
import linecache
import os
import sys
import traceback
import types


def drop_privileges():
    """Started by root in bubblewrap (no user namespace, only CAP_SETUID and
    CAP_SETGID kept): become the unprivileged uid reserved for this sandbox
    before anything else runs. Every capability goes with uid 0."""
    spec = os.environ.get("GRADER_WORKER_USER")
    if not spec:
        return
    uid, gid = (int(x) for x in spec.split(":"))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != gid:
        raise SystemExit("the worker could not drop its privileges")
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise SystemExit("the worker could regain root: refusing to run")


drop_privileges()


def find_packages():
    """Started without `site` (python -S): the runtime's site-packages folders, as the
    launcher lists them, and the builtins `site` would add (exit, quit, help)."""
    import _sitebuiltins

    sys.path.extend(p for p in os.environ.get("GRADER_WORKER_PATH", "").split(os.pathsep) if p)
    builtins.exit = _sitebuiltins.Quitter("exit", "Ctrl-D (i.e. EOF)")
    builtins.quit = _sitebuiltins.Quitter("quit", "Ctrl-D (i.e. EOF)")
    builtins.help = _sitebuiltins._Helper()


find_packages()

import numpy as np  # noqa: E402,F401 - imported once by the zygote, inherited by every child

import wire  # noqa: E402

CONTROL_FD = int(sys.argv[1])
MESSAGE_LIMIT = 500
# What the sandbox contains, from the launcher: "pidns" (bubblewrap: the zygote
# is PID 1 of its own PID and IPC namespaces, /tmp and /dev/shm are its own),
# "uid" (a uid reserved for this worker), "" (a plain process).
CONTAINED = os.environ.get("GRADER_WORKER_CONTAINED", "")
SCRATCH = [p for p in os.environ.get("GRADER_WORKER_SCRATCH", "").split(":") if p]


class Reader:
    """Reads whole frames from the grader."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""

    def read(self, writable=False):
        """The next frame (header, arrays); arrays student code will get must be `writable` copies."""
        while True:
            size = wire.frame_size(self.buffer)
            if size is not None and len(self.buffer) >= size:
                frame, self.buffer = self.buffer[:size], self.buffer[size:]
                return wire.unpack(frame, writable=writable)
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk


reader = None  # the current child's requests (a Reader), set after the fork
REPLY_FD = None  # the current child's replies
namespace = {"__name__": "__main__", "__builtins__": builtins}
given = None  # the current call request's values (wire.Given): what is unchanged travels back as a reference


def short(text):
    text = str(text)
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "…"


def describe_exception(exc):
    """Type, message and the student's line where it happened (plain strings)."""
    try:
        message = short(exc)
    except BaseException:
        message = "(its message could not be shown)"
    where = ""
    try:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith("<") and frame.filename != "<string>":
                where = f"{frame.filename.strip('<>')}, line {frame.lineno}, in {frame.name}"
                if frame.line:
                    where += f": {short(frame.line.strip())}"
                break
    except BaseException:
        pass
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EDQUOT):
        message += " " + disk_note()
    return {"type": type(exc).__name__, "message": message, "where": where}


def disk_note():
    """What may be written while grading (a hint for a failed write)."""
    try:
        import resource

        per_file = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    except Exception:  # noqa: BLE001 - not on every system
        per_file = -1
    parts = []
    for folder in SCRATCH:
        try:
            stat = os.statvfs(folder)
            parts.append(f"{folder} ({stat.f_blocks * stat.f_frsize >> 20} MiB in all)")
        except OSError:
            pass
    text = "(while grading, files can be written only in " + (", ".join(parts) or "a temporary folder")
    if per_file > 0:
        text += f", each at most {per_file >> 20} MiB"
    return text + "; everything else is read-only)" if SCRATCH else text + ")"


def install_helpers(code, name):
    """The exercise's helper module for students (e.g. the original course's `rnn_utils`:
    sigmoid, softmax), from the grader's source, under the name the grader gave."""
    if code is None or not name:
        return
    module = types.ModuleType(name)
    exec(code, module.__dict__)
    sys.modules[name] = module


# The current submission, compiled once by the zygote (compiling runs none of
# its code) and executed by each child: helpers code, [(label, line, code or SyntaxError)], helpers' name.
prepared = (None, [], None)


def prepare(header):
    """In the zygote: compile the submission's statements for its children."""
    global prepared
    for name in [n for n in linecache.cache if n.startswith("<")]:
        del linecache.cache[name]
    name = header.get("helpers_module")
    name = name if isinstance(name, str) and name.isidentifier() else None
    helpers = compile(header.get("helpers") or "", f"<{name}>", "exec") if name else None
    statements = []
    for stmt in header["statements"]:
        filename = f"<{stmt['label']}>"
        text = "\n" * (stmt["line"] - 1) + stmt["source"]
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        try:
            code = compile(text, filename, "exec")
        except BaseException as exc:  # noqa: BLE001 - SyntaxError, or a compiler limit
            code = exc
        statements.append((stmt["label"], stmt["line"], code))
    prepared = (helpers, statements, name)
    absent_modules(header.get("absent") or ())


def install_audit_hook(allowed_roots, forbidden_roots):
    """Defence in depth where no OS sandbox runs: refuse sockets, processes,
    signals, the grader package and files outside the allowed folders."""
    allowed = tuple(os.path.realpath(p) for p in allowed_roots)
    forbidden = tuple(os.path.realpath(p) for p in forbidden_roots)
    refused = {"socket.__new__", "socket.connect", "socket.bind", "subprocess.Popen", "os.system",
               "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill",
               "os.killpg", "signal.pthread_kill", "ctypes.dlopen", "pty.spawn"}

    def hook(event, args):
        if event in refused:
            raise PermissionError(f"not allowed while grading: {event}")
        if event == "import" and str(args[0]).split(".")[0] == "grader":
            raise ImportError("not allowed while grading: importing the grader")
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path.startswith(forbidden) or not path.startswith(allowed):
                raise PermissionError(f"not allowed while grading: opening {path}")

    sys.addaudithook(hook)


def load(header):
    """Run the prepared submission's statements, each on its own (a failing one is reported and skipped)."""
    helpers, statements, name = prepared
    install_helpers(helpers, name)
    audit = header.get("audit")
    if audit:
        install_audit_hook(audit["allowed"], audit["forbidden"])
    describe = header.get("describe", True) is not False
    errors = []
    for label, line, code in statements:
        try:
            if isinstance(code, BaseException):
                raise code
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - anything student code raises
            if describe:
                errors.append({"label": label, "line": line, **describe_exception(exc)})
    return {"errors": errors}, []


def make_black_box(name):
    """A stand-in for a cell function: the grader computes it, outside."""

    def black_box(*args, **kwargs):
        tree, arrays = wire.encode(list(args) + [kwargs], given=given)
        wire.send(REPLY_FD, {"op": "oracle", "function": name, "args": tree}, arrays)
        header, arrays = reader.read(writable=True)  # the student's code may write to what it gets
        if header.get("status") != "ok":
            raise RuntimeError(header.get("message", "the cell function failed"))
        return wire.decode(header["result"], arrays, args=list(args))  # the cache holds the caller's objects

    black_box.__name__ = name
    black_box.__qualname__ = name
    return black_box


def call_one(function, args, black_box):
    """One call of the student's function: (status dict, value tree, arrays)."""
    saved = namespace.get(black_box, None)
    if black_box:
        namespace[black_box] = make_black_box(black_box)
    try:
        result = function(*args)
        status = {"status": "ok"}
    except NotImplementedError as exc:
        result, status = None, {"status": "not_implemented", **describe_exception(exc)}
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, ... included
        result, status = None, {"status": "error", **describe_exception(exc)}
    finally:
        if black_box:
            if saved is None:
                namespace.pop(black_box, None)
            else:
                namespace[black_box] = saved
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
    tree, out = wire.encode([result, list(args)], given=given)  # what it returned, its arguments after
    return dict(status, value=tree), out


def call(header, arrays):
    """Call one function on each case in turn; one reply per case.

    Stops after a case whose status is in header["stop_on"] (the grader stops
    reading there too)."""
    name = header["function"]
    function = namespace.get(name)
    cases = header["cases"]
    stop_on = set(header.get("stop_on", ()))
    global given
    working = [a.copy() for a in arrays]  # the student's code may write to its inputs
    values = [wire.decode(case, working) for case in cases]
    given = wire.Given(working, values, pristine=arrays)
    for index, args in enumerate(values):
        if not callable(function):
            reply, out = {"status": "missing", "type": "", "message": "", "where": ""}, []
        else:
            reply, out = call_one(function, args, header.get("black_box"))
        reply["case"] = index
        wire.send(REPLY_FD, reply, out)
        if reply["status"] in stop_on:
            return


def restore_numpy_aliases():
    """np.float, np.int, ... (aliases of Python's types, removed in numpy 1.24) as older
    numpy had them: notebooks of older courses are graded as their numpy ran them."""
    import warnings

    for name, value in {"float": float, "int": int, "bool": bool, "object": object, "complex": complex,
                        "str": str, "long": int, "unicode": str}.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy 2 warns about np.object and np.str while they are gone
            try:
                getattr(np, name)
            except AttributeError:
                setattr(np, name, value)


def worker_limits():
    """The limits the grader set for this worker ({"RLIMIT_AS": bytes, ...}, from GRADER_WORKER_LIMITS)."""
    spec = os.environ.get("GRADER_WORKER_LIMITS", "")
    return dict(item.split("=") for item in filter(None, spec.split(",")))


def apply_limits():
    """Memory, CPU, file-size and process limits, soft = hard, set before any student code runs."""
    import resource

    for name, value in worker_limits().items():
        limit = getattr(resource, name, None)
        if limit is None:  # not on this system (RLIMIT_MSGQUEUE on macOS)
            continue
        try:
            resource.setrlimit(limit, (int(value), int(value)))
        except (ValueError, OSError):
            if sys.platform.startswith("linux"):
                raise  # on Linux every limit must hold; elsewhere (macOS: RLIMIT_AS) some cannot be set


def serve():
    """One graded function, in a child of the zygote: load, call, ... until the zygote kills it."""
    while True:
        try:
            header, arrays = reader.read()
        except EOFError:
            return
        op = header.get("op")
        if op == "load":
            reply, out = load(header)
        elif op == "call":
            call(header, arrays)  # replies once per case itself
            continue
        else:  # anything unexpected
            return
        wire.send(REPLY_FD, reply, out)


def make_undumpable():
    """No ptrace or /proc/PID/mem access between processes of the same uid."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # noqa: BLE001 - not on Linux: nothing to do
        pass


# ---------------------------------------------------------------- the zygote

class Control:
    """The zygote's end of the control socket: frames in (with the pipe ends
    passed along), frames out. Only the zygote ever holds it."""

    def __init__(self, fd):
        import socket

        self.socket = socket.socket(fileno=fd)
        self.buffer = b""
        self.fds = []

    def read(self):
        """The next frame's header, and for "fork" the two descriptors sent with it
        (a stream socket may deliver several frames, and their descriptors, at once)."""
        import socket

        while True:
            size = wire.frame_size(self.buffer)
            if size is not None and len(self.buffer) >= size:
                frame, self.buffer = self.buffer[:size], self.buffer[size:]
                header = wire.unpack(frame)[0]
                if header.get("op") != "fork":
                    return header, []
                while len(self.fds) < 2:
                    data, fds, _, _ = socket.recv_fds(self.socket, 1 << 16, 4)
                    self.fds += fds
                    self.buffer += data
                    if not data:
                        raise EOFError
                fds, self.fds = self.fds[:2], self.fds[2:]
                return header, fds
            data, fds, _, _ = socket.recv_fds(self.socket, 1 << 16, 4)
            self.fds += fds
            if not data:
                raise EOFError
            self.buffer += data

    def ready(self, status, reason):
        self.socket.sendall(wire.pack({"op": "ready", "child_status": status, "reason": reason}))


def start_child(control, request_fd, reply_fd):
    """In a new child: only its own two channels and stdio stay open, then serve."""
    global reader, REPLY_FD
    code = 0
    try:
        keep = sorted({0, 1, 2, request_fd, reply_fd})
        previous = -1
        for fd in keep + [1 << 16]:
            if previous + 1 < fd:  # (closerange(n, n) would close everything from n)
                os.closerange(previous + 1, fd)  # the control socket and anything else inherited
            previous = fd
        import signal

        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in any Python program
        reader, REPLY_FD = Reader(request_fd), reply_fd
        sys.argv[1:] = [str(request_fd), str(reply_fd)]  # a child's own channels, where a worker had them
        serve()
    except BaseException:  # noqa: BLE001 - the protocol broke: end this child
        code = 70
    os._exit(code)


def wait_child(control, pid):
    """Until the child exits by itself or the grader asks for its end: ("exited" | "killed", status).
    On a control channel that breaks, the child is killed and the zygote ends."""
    import select

    try:
        watch = os.pidfd_open(pid)
    except (AttributeError, OSError):
        watch = None  # not Linux >= 5.3: poll
    try:
        while True:
            if control.buffer and wire.frame_size(control.buffer) is not None:
                readable = [control.socket]  # a frame already buffered
            else:
                readable, _, _ = select.select([control.socket] + ([watch] if watch is not None else []), [], [],
                                               0.05 if watch is not None else 0.02)
                if too_many_files():  # tmpfs bounds bytes, not inodes (kernel memory)
                    stop(pid)
                    reap(pid)
                    return "exited", wire.FILES_EXIT
                if too_much_memory():  # RLIMIT_AS bounds one process, not the function's processes together
                    stop(pid)
                    reap(pid)
                    return "exited", wire.MEMORY_EXIT
            if control.socket in readable:
                try:
                    header, fds = control.read()
                except EOFError:
                    header, fds = {"op": "end"}, []
                for fd in fds:
                    os.close(fd)
                done, raw = os.waitpid(pid, os.WNOHANG)  # it may have exited already: say so
                if done:
                    status = os.waitstatus_to_exitcode(raw)
                else:
                    stop(pid)
                    status = reap(pid)
                if header.get("op") != "kill":
                    clean_up()
                    raise SystemExit(0)
                return "killed", status
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                return "exited", os.waitstatus_to_exitcode(raw)
    finally:
        if watch is not None:
            os.close(watch)


def too_many_files():
    """Does a writable folder hold more than wire.MAX_FILES inodes?"""
    if CONTAINED != "pidns":
        return False
    for folder in SCRATCH:
        try:
            stat = os.statvfs(folder)
        except OSError:
            continue
        if stat.f_files - stat.f_ffree > wire.MAX_FILES + 100:  # + the mount points and the zygote's own
            return True
    return False


def too_much_memory():
    """Do the sandbox's processes other than the zygote hold more resident memory than the
    limit, together? (Resident minus shared pages, from /proc/PID/statm: the sandbox's PID
    namespace shows its own processes only.)"""
    if CONTAINED != "pidns" or MEMORY_LIMIT is None:
        return False
    total = 0
    try:
        names = os.listdir("/proc")
    except OSError:
        return False
    for name in names:
        if not name.isdigit() or name == "1":
            continue
        try:
            with open(f"/proc/{name}/statm", "rb") as f:
                fields = f.read().split()
            total += (int(fields[1]) - int(fields[2])) * PAGE_SIZE
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return total > MEMORY_LIMIT


MEMORY_LIMIT = int(worker_limits().get("RLIMIT_AS", 0)) or None  # the worker's --memory
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def stop(pid):
    """Kill the child (what it started goes in clean_up; where nothing contains the worker,
    the audit hook refuses to start processes, and the grader kills the worker's whole
    process group, children included, when it ends the worker)."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def reap(pid):
    try:
        _, raw = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(raw)
    except ChildProcessError:
        return None


def clean_up():
    """After a child: kill what it left running, reap it, empty the writable
    places and the IPC objects. Raises if anything it made is left."""
    import signal

    if CONTAINED:
        # as PID 1 of the sandbox's PID namespace, or as the only process of a
        # uid reserved for it, kill(-1) reaches exactly what the child started
        while True:
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            try:
                pid, _ = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            if CONTAINED != "pidns" and pid == 0:
                break
        if CONTAINED == "uid":
            # orphans of a reserved uid are not our children: wait until none is left
            import time

            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
                time.sleep(0.001)
    else:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
    for folder in SCRATCH:
        empty(folder)
    if CONTAINED:
        remove_ipc()


MOUNTS = set()  # mount points under the writable places (the runtime bound under /tmp) and their parents


def find_mounts():
    """The mount points below the writable places, which stay (read from /proc/self/mountinfo)."""
    try:
        with open("/proc/self/mountinfo") as f:
            points = [line.split()[4] for line in f]
    except OSError:
        return
    for point in points:
        for folder in SCRATCH:
            if point.startswith(folder.rstrip("/") + "/"):
                while point != folder and len(point) > len(folder):
                    MOUNTS.add(point)
                    point = os.path.dirname(point)


def empty(folder):
    """Remove everything under folder except the mount points (raise if something stays)."""
    stack = [(folder, False)]
    while stack:
        path, visited = stack.pop()
        if visited:
            if path != folder and path not in MOUNTS:
                os.rmdir(path)
            continue
        if path != folder and path not in MOUNTS:
            os.chmod(path, 0o700)  # the child's own folder: it may have taken its rights away
        stack.append((path, True))
        for entry in os.scandir(path):
            if entry.path in MOUNTS and entry.is_dir(follow_symlinks=False):
                if os.path.ismount(entry.path):
                    continue
                stack.append((entry.path, False))
            elif entry.is_dir(follow_symlinks=False):
                remove_directory(entry.path)
            else:
                os.unlink(entry.path)


def remove_directory(path):
    """Remove a folder a child made, however deep (paths longer than PATH_MAX, which
    os.scandir(path) refuses, included): walked by chdir, one level at a time, with
    no descriptor held per level. Only called once every process of the child is dead."""
    home = os.open(".", os.O_RDONLY)
    parent, name = os.path.split(path)
    try:
        os.chdir(parent)
        os.chmod(name, 0o700)  # the child's own folder: it may have taken its rights away
        os.chdir(name)
        names = [name]
        while names:
            sub = None
            with os.scandir(".") as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    os.unlink(entry.name)
            if sub is not None:
                os.chmod(sub, 0o700)
                os.chdir(sub)
                names.append(sub)
            else:
                os.chdir("..")
                os.rmdir(names.pop())
    finally:
        os.fchdir(home)
        os.close(home)


def remove_ipc():
    """Remove the System V shared memory, semaphores and message queues a child
    left (they outlive processes). Raises if one stays."""
    import ctypes

    libc = None
    for kind in ("shm", "sem", "msg"):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                ids = [int(line.split()[1]) for line in f.readlines()[1:] if line.strip()]
        except OSError:
            continue
        if not ids:
            continue
        libc = libc or ctypes.CDLL(None, use_errno=True)
        for ident in ids:
            if kind == "shm":
                libc.shmctl(ident, 0, None)  # IPC_RMID
            elif kind == "sem":
                libc.semctl(ident, 0, 0)
            else:
                libc.msgctl(ident, 0, None)
        with open(f"/proc/sysvipc/{kind}") as f:
            left = [line for line in f.readlines()[1:] if line.strip()]
        if left and CONTAINED == "pidns":
            raise RuntimeError(f"System V {kind} objects left")


# Installed libraries that notebooks import but graded functions do not need, and
# that are slow to import (matplotlib.pyplot: 0.4-0.6 s, more than grading takes).
# Their import statements still run, but the module's code executes only when an
# attribute is first used (PEP 562 module __getattr__), which a graded function
# almost never does; then it behaves exactly as a normal import.
LAZY_PACKAGES = frozenset({"matplotlib", "mpl_toolkits", "seaborn", "pandas", "scipy", "sklearn",
                           "IPython", "ipywidgets", "tqdm", "h5py", "PIL"})


class LazyImporter:
    """A meta-path finder giving deferred modules for the packages above."""

    active = True  # off for good once any deferred module really runs: its own imports are real

    def find_spec(self, fullname, path=None, target=None):
        import importlib.machinery

        if not LazyImporter.active or fullname.split(".")[0] not in LAZY_PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        real = spec.loader

        class Deferred:
            @staticmethod
            def create_module(spec):
                return None

            @staticmethod
            def exec_module(module):
                def __getattr__(name):
                    if name.startswith("__") and name.endswith("__"):
                        raise AttributeError(name)  # probes such as __wrapped__ do not load
                    LazyImporter.active = False
                    del module.__dict__["__getattr__"]
                    module.__spec__.loader = module.__loader__ = real
                    real.exec_module(module)  # the real import, now
                    return getattr(module, name)

                module.__getattr__ = __getattr__

        spec.loader = Deferred()
        return spec


class AbsentModules:
    """A meta-path finder, first in line, that says at once "No module named X" for the
    course modules (public_tests, ...) the zygote searched for and did not find, as long
    as nothing the search depends on has changed since: sys.path, sys.meta_path,
    sys.path_hooks, PathFinder.find_spec, the path finders in sys.path_importer_cache,
    and the modification times of the folders on sys.path (which the path finders
    check too). Only an import's search is cut short (see importing). A child then
    fails `from public_tests import *` without the path search, which cost a fresh
    process about 1 ms and 200 copied pages. Used only inside bubblewrap, where every
    folder on sys.path is read-only; any change falls back to the normal search."""

    def __init__(self, names):
        from importlib.machinery import PathFinder

        self.absent = frozenset(n for n in names if isinstance(n, str) and n.isidentifier()
                                and n not in sys.modules and PathFinder.find_spec(n) is None)
        self.state = None  # taken once this finder is in sys.meta_path

    @staticmethod
    def snapshot():
        times = []
        for entry in sys.path:
            try:
                times.append(os.stat(entry).st_mtime_ns)
            except (OSError, TypeError, ValueError):
                times.append(None)
        from importlib.machinery import PathFinder

        return (tuple(sys.path), tuple(sys.meta_path), tuple(sys.path_hooks), PathFinder.__dict__.get("find_spec"),
                tuple(sys.path_importer_cache.get(entry) if isinstance(entry, str) else None
                      for entry in sys.path), tuple(times))

    def find_spec(self, fullname, path=None, target=None):
        if path is not None or fullname not in self.absent or not self.importing() or self.snapshot() != self.state:
            return None
        raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)

    @staticmethod
    def importing():
        """Is this search an import's (importlib._bootstrap._find_and_load_unlocked, which raises
        this very error when no finder has the module)? importlib.util.find_spec and the like
        search too, and get None as usual: for them the normal search runs."""
        try:
            caller = sys._getframe(3).f_code  # find_spec <- importing <- _find_spec <- the caller
        except ValueError:
            return False
        return caller.co_name == "_find_and_load_unlocked" and caller.co_filename == "<frozen importlib._bootstrap>"


def absent_modules(names):
    """Install AbsentModules for these names (in the zygote, once; bubblewrap only, and
    only if no folder of sys.path is in a writable place)."""
    if CONTAINED != "pidns" or any(isinstance(m, AbsentModules) for m in sys.meta_path):
        return
    if any(not isinstance(entry, str) or any(entry == f or entry.startswith(f.rstrip("/") + "/") for f in SCRATCH)
           for entry in sys.path):
        return
    finder = AbsentModules(names)
    sys.meta_path.insert(0, finder)
    finder.state = finder.snapshot()


def warm_up():
    """Run once, in the zygote, the numpy and wire paths every child takes (BLAS
    buffers, ufunc loops, dtype caches): each child inherits them ready instead
    of setting them up again (a first matrix product alone costs a fresh process
    about 10 ms). Trusted code only: no student code ever runs in the zygote."""
    a = np.linspace(-1.0, 1.0, 40).reshape(8, 5)
    b = np.linspace(0.5, -0.5, 15).reshape(5, 3)
    z = np.tanh(a @ b)
    s = 1.0 / (1.0 + np.exp(-z))
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    e = e / np.sum(e, axis=0, keepdims=True)
    np.dot(a.T, a), np.einsum("ij,jk->ik", a, b), np.concatenate([a, a], axis=0), np.vstack([b, b])
    np.zeros((2, 3, 4)), np.zeros_like(a), s * (1.0 - s), z ** 2, np.outer(b[0], b[1]), a.copy()
    grid = np.zeros((8, 3, 4))
    grid[:, :, 0] = z
    tree, arrays = wire.encode([z, (s, [e], {"a": a, "n": 3, "x": 0.5, "t": None})])
    header, got = wire.unpack(wire.pack({"value": tree}, arrays), writable=True)
    wire.decode(header["value"], got)
    # A course module that is not there (`from public_tests import *` in most notebooks):
    # the import system's path caches and the error report's code paths, ready in the zygote
    # (each child then fails that import in about half the time, with half the page copies).
    try:
        exec("from grader_warm_up_absent_module import name", {"__name__": "grader_warm_up"})
    except ImportError as exc:
        describe_exception(exc)


def main():
    """The zygote: numpy imported once; a fresh forked child per graded function.

    Reports "ready" on the control socket when it can fork (at start, and after
    each child has ended and everything it left has been removed)."""
    import signal

    # As PID 1 of its PID namespace, the zygote gets a signal sent from inside the sandbox only
    # if it handles it: Python's SIGINT handler let a child end it with kill(1, SIGINT).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    apply_limits()
    restore_numpy_aliases()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # student code must not read anything of the grader's
    os.close(null)
    make_undumpable()
    find_mounts()
    control = Control(CONTROL_FD)
    warm_up()
    sys.meta_path.insert(0, LazyImporter())
    gc.collect()
    gc.freeze()  # the zygote's objects stay out of the children's collections: fewer copied pages
    control.ready(None, "start")
    while True:
        try:
            header, fds = control.read()
        except EOFError:
            return
        op = header.get("op")
        if op == "prepare":  # the next children's submission
            prepare(header)
            gc.freeze()  # its code objects too: the children do not copy their pages for a collection
            continue
        if op == "kill":  # no child running: nothing to end
            for fd in fds:
                os.close(fd)
            control.ready(None, "idle")
            continue
        if op != "fork" or len(fds) != 2:
            return
        pid = os.fork()
        if pid == 0:
            start_child(control, *fds)
        for fd in fds:
            os.close(fd)
        reason, status = wait_child(control, pid)
        clean_up()
        control.ready(status, reason)


if __name__ == "__main__":
    main()
