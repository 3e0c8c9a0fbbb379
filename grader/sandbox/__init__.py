"""The trust boundary: start a worker, bound it, and exchange plain data with it.

`launch.py` decides how the worker process is isolated (bubblewrap, an
unprivileged uid, or a plain process) and builds its command line;
`session.py` talks to a running worker: frames out, frames in, a wall-clock
deadline per request, captured and capped output. What crosses is defined in
`grader/wire.py`; the code on the far side is `grader/worker.py`.
"""
from .launch import LEVEL_DESCRIPTIONS, Launcher, Limits, SandboxUnavailable, make_launcher
from .session import WorkerFailure, WorkerSession

__all__ = ["LEVEL_DESCRIPTIONS", "Launcher", "Limits", "SandboxUnavailable", "make_launcher",
           "WorkerFailure", "WorkerSession"]
