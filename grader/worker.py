"""The worker: the only place where student code runs.

Started by `grader.sandbox` as `python worker.py REQUEST_FD REPLY_FD`, inside
the sandbox when one is available, as a "zygote": it imports numpy once and
forks a fresh child for each submission ({"op": "fork"}); the child serves
that submission's requests until {"op": "end"}, then the zygote kills whatever
the child left running, empties /tmp and replies {"op": "ready"}. It imports nothing from the grader but the
wire format (`wire.py`, copied beside it): the reference implementations and
hidden expected values are never loaded here. Requests and replies are frames
of plain data (see wire.py); the student's prints go to stdout/stderr, which
the grader captures separately and caps.

Requests:
    {"op": "load", "helpers": src, "statements": [{"label", "line", "source"}], "audit": {...}}
        -> {"errors": [{"label", "line", "type", "message"}]}
    {"op": "call", "function": name, "cases": [args tree, ...], "black_box": name | null, "stop_on": [...]}
        -> one reply per case: {"case": i, "status": "ok" | "not_implemented" | "error" | "missing",
            "type", "message", "where", "value": tree of [what it returned, its arguments after]}
    While a call runs, the function may call the black-box cell function; each
    such call is a frame {"op": "oracle", "function": name, "args": tree} to
    the grader, answered with {"status": "ok", "result": tree} or an error.
"""
import builtins
import gc
import linecache
import os
import sys
import traceback
import types

import numpy as np  # noqa: F401 - imported once by the zygote, inherited by every child

import wire

REQUEST_FD, REPLY_FD = int(sys.argv[1]), int(sys.argv[2])
MESSAGE_LIMIT = 500


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


reader = Reader(REQUEST_FD)
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
    return {"type": type(exc).__name__, "message": message, "where": where}


def install_helpers(source):
    """The original course's `rnn_utils` module (sigmoid, softmax), from the grader's source."""
    module = types.ModuleType("rnn_utils")
    exec(compile(source, "<rnn_utils>", "exec"), module.__dict__)
    sys.modules["rnn_utils"] = module


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
    install_helpers(header["helpers"])
    audit = header.get("audit")
    if audit:
        install_audit_hook(audit["allowed"], audit["forbidden"])
    errors = []
    for stmt in header["statements"]:
        filename = f"<{stmt['label']}>"
        text = "\n" * (stmt["line"] - 1) + stmt["source"]
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        try:
            exec(compile(text, filename, "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - anything student code raises
            errors.append({"label": stmt["label"], "line": stmt["line"], **describe_exception(exc)})
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


def apply_limits():
    """Memory, CPU and file-size limits, soft = hard, set before any student code runs."""
    import resource

    spec = os.environ.get("GRADER_WORKER_LIMITS", "")
    for item in filter(None, spec.split(",")):
        name, value = item.split("=")
        limit = getattr(resource, name)
        resource.setrlimit(limit, (int(value), int(value)))


def serve():
    """One submission, in a child of the zygote: load, call, ... until "end"."""
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
        else:  # "end", or anything unexpected
            return
        wire.send(REPLY_FD, reply, out)


def make_undumpable():
    """No ptrace or /proc/PID/mem access between processes of the same uid."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # noqa: BLE001 - not on Linux: nothing to do
        pass


def clean_up(init):
    """After a submission: kill what it left running, reap it, empty the private /tmp.

    Only as PID 1 of the sandbox's own PID namespace does kill(-1) reach exactly
    the sandbox's processes; outside a sandbox the child alone is reaped (there,
    the audit hook refuses fork)."""
    import shutil
    import signal

    if init:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if init else os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    if init:
        for name in os.listdir("/tmp"):
            path = os.path.join("/tmp", name)
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
            except OSError:
                pass


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


def main():
    """The zygote: numpy imported once; a fresh forked child per submission.

    Replies "ready" when it can fork (at start, and after each child has ended
    and been cleaned up), with the child's exit status."""
    apply_limits()
    restore_numpy_aliases()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # student code must not read the grader's requests
    make_undumpable()
    init = os.getpid() == 1
    sys.meta_path.insert(0, LazyImporter())
    gc.collect()
    gc.freeze()  # the zygote's objects stay out of the children's collections: fewer copied pages
    status = None
    while True:
        wire.send(REPLY_FD, {"op": "ready", "child_status": status})
        try:
            header, _ = reader.read()
        except EOFError:
            return
        if header.get("op") != "fork":
            return
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                serve()
            except BaseException:  # noqa: BLE001 - the protocol broke: end this child
                code = 70
            os._exit(code)
        try:
            _, raw = os.waitpid(pid, 0)
            status = os.waitstatus_to_exitcode(raw)
        except ChildProcessError:
            status = None
        clean_up(init)
        reader.buffer = b""  # whatever the child left unread was its own


if __name__ == "__main__":
    main()
