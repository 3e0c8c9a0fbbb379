"""Red-team attacks against the bubblewrap sandbox that the other isolation tests
(test_isolation.py, test_bounds.py, test_hostile.py) do not cover: kernel memory
that the sandbox's byte limits do not count.

Each attack replaces one function of the correct example (kept as _correct_<name>),
so the rest of the file shows that nothing else was disturbed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def _bwrap(require_bwrap):
    """Every attack here runs against bubblewrap (a failure under CI when it is missing)."""


def with_attack(kit, folder: Path, functions: str, body: str) -> Path:
    """The correct example, its `functions` (names, comma-separated) replaced by the attack
    `body` (defs of those names); the originals stay reachable as _correct_<name>."""
    path = folder / "attack.py"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(kit.join_to_example(functions.split(","), body), encoding="utf-8")
    return path


SOCKET_BUFFERS = '''
def rnn_cell_forward(xt, a_prev, parameters):
    import socket
    pairs, queued = [], 0
    chunk = b"x" * 65536
    try:
        while len(pairs) < 20000:  # unbounded descriptors: about 1.5 GB queued in 2 s
            a, b = socket.socketpair()
            a.setblocking(False)
            pairs.append((a, b))
            while True:
                try:
                    queued += a.send(chunk)
                except BlockingIOError:
                    break
    except OSError as exc:
        print("STOPPED", type(exc).__name__, exc.errno, flush=True)
    print("PAIRS", len(pairs), "QUEUED", queued, flush=True)
    return _correct_rnn_cell_forward(xt, a_prev, parameters)
'''


def test_socket_buffers_are_bounded_by_the_descriptor_limit(kit, tmp_path):
    """Socket buffers are kernel memory that the address-space limit does not count: does the
    descriptor limit stop a process that queues data on ever more socket pairs?"""
    path = with_attack(kit, tmp_path / "s", "rnn_cell_forward", SOCKET_BUFFERS)
    result = kit.grade_json(path, extra=("--sandbox", "bwrap"))[0]
    printed = result["printed"]
    assert "STOPPED OSError 24" in printed, printed  # EMFILE
    pairs, queued = (int(x) for x in re.search(r"PAIRS (\d+) QUEUED (\d+)", printed).groups())
    assert pairs < 64
    assert queued < 64 << 20, queued  # bytes held in the kernel by one process (was 1.5 GB)
    assert kit.scores(result) == kit.FULL_MARKS  # the descriptors it may have are enough to grade


FILE_FLOOD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    import os
    os.makedirs("/tmp/flood", exist_ok=True)
    for n in range(10 ** 7):  # empty files: no bytes for --size to count, about 1 KB of kernel memory each
        os.close(os.open(f"/tmp/flood/{n}", os.O_CREAT | os.O_WRONLY))
    return _correct_rnn_cell_forward(xt, a_prev, parameters)
'''


def test_a_flood_of_empty_files_is_stopped_with_a_message(kit, tmp_path):
    """tmpfs's size cap counts bytes, not inodes: is a function creating empty files without end
    stopped at the file limit (well before its timeout), with a message, and the rest graded?"""
    path = with_attack(kit, tmp_path / "f", "rnn_cell_forward", FILE_FLOOD)
    result = kit.grade_json(path, extra=("--sandbox", "bwrap"), timeout="30")[0]
    scores = kit.scores(result)
    assert scores.pop("rnn_cell_forward") == 0.0
    assert scores == {k: v for k, v in kit.FULL_MARKS.items() if k != "rnn_cell_forward"}
    text = kit.feedback(result, "rnn_cell_forward")
    assert "more than 10000 files, folders or links in /tmp or /dev/shm" in text, text
    assert "did not finish" not in text  # stopped by the file limit, not by the 30 s timeout


SIGNALS_TO_THE_ZYGOTE = '''
def rnn_cell_forward(xt, a_prev, parameters):
    import os
    import signal
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGQUIT):
        os.kill(1, number)  # PID 1 of the sandbox: the zygote
    return _correct_rnn_cell_forward(xt, a_prev, parameters)
'''


def test_signals_from_inside_the_sandbox_do_not_reach_the_zygote(kit, tmp_path):
    """Only signals it handles reach PID 1 from inside its namespace: does a function that sends
    SIGINT (which Python handles) and others to the zygote keep its marks, without the zygote's
    traceback in its output, and leave the next submission untouched?"""
    folder = tmp_path / "signals"
    with_attack(kit, folder, "rnn_cell_forward", SIGNALS_TO_THE_ZYGOTE)
    (folder / "z-correct.py").write_text(kit.CORRECT.read_text(encoding="utf-8"), encoding="utf-8")
    results = {r["submission"]: r for r in kit.grade_json(folder, extra=("--sandbox", "bwrap", "--jobs", "1"))}
    attack = results["attack.py"]
    assert kit.scores(attack) == kit.FULL_MARKS, kit.feedback(attack, "rnn_cell_forward")
    assert "Traceback" not in attack["printed"] and "KeyboardInterrupt" not in attack["printed"], attack["printed"]
    assert results["z-correct.py"]["score"] == 100.0


MEMORY_ACROSS_PROCESSES = '''
def rnn_cell_forward(xt, a_prev, parameters):
    import os
    import time
    import numpy as np
    done_r, done_w = os.pipe()
    for _ in range(3):  # each under the 2 GiB address-space limit, together above it
        if os.fork() == 0:
            try:
                block = np.ones(768 << 17)  # 768 MiB, touched
                os.write(done_w, b"+")
                time.sleep(30)
            finally:
                os._exit(0)
    held = b""
    deadline = time.monotonic() + 50
    while len(held) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
        os.set_blocking(done_r, False)
        try:
            held += os.read(done_r, 8)
        except BlockingIOError:
            pass
    print("HELD", len(held), flush=True)
    return _correct_rnn_cell_forward(xt, a_prev, parameters)
'''


@pytest.mark.slow
def test_memory_is_capped_for_the_whole_sandbox(kit, tmp_path):
    """Do three processes of one graded function, each holding 768 MiB (under the 2 GiB
    address-space limit of one process, above it together), get stopped as a whole, with a
    message naming the limit, while the submission's other functions keep their marks?"""
    path = with_attack(kit, tmp_path / "m", "rnn_cell_forward", MEMORY_ACROSS_PROCESSES)
    result = kit.grade_json(path, extra=("--sandbox", "bwrap"), timeout="60")[0]
    assert "HELD 3" not in result["printed"], result["printed"]
    scores = kit.scores(result)
    assert scores.pop("rnn_cell_forward") == 0.0
    assert scores == {k: v for k, v in kit.FULL_MARKS.items() if k != "rnn_cell_forward"}
    text = kit.feedback(result, "rnn_cell_forward")
    assert "held more memory in all than the memory limit allows" in text, text
    assert "did not finish" not in text  # stopped by the memory check, not by the 60 s timeout


DEEP_FOLDERS = '''
def rnn_cell_forward(xt, a_prev, parameters, _calls=[]):
    import os
    _calls.append(1)
    home = os.getcwd()
    if len(_calls) == 1:  # what /tmp holds before (a runtime under /tmp shows as its mount point)
        print("BEFORE", sorted(os.listdir("/tmp")), flush=True)
    os.chdir("/tmp")
    for level in range(100):  # a path of 25,000 characters: longer than PATH_MAX
        name = f"{len(_calls)}-{level}".ljust(250, "d")
        os.mkdir(name)
        os.chdir(name)
        open("file", "w").close()
        os.chmod(".", 0o500) if level == 99 else None  # and a last folder it cannot write to
    os.chdir(home)
    return _correct_rnn_cell_forward(xt, a_prev, parameters)


def rnn_forward(x, a0, parameters):
    import os
    print("LEFT", sorted(os.listdir("/tmp")), flush=True)
    return _correct_rnn_forward(x, a0, parameters)
'''


def test_folders_deeper_than_path_max_are_emptied(kit, tmp_path):
    """Is a tree of folders whose paths exceed PATH_MAX removed after the function that made it
    (the zygote used to fail on it with ENAMETOOLONG and print its traceback into the student's
    output), without costing the function its marks?"""
    path = with_attack(kit, tmp_path / "d", "rnn_cell_forward,rnn_forward", DEEP_FOLDERS)
    result = kit.grade_json(path, extra=("--sandbox", "bwrap"), timeout="10")[0]
    printed = result["printed"]
    assert "Traceback" not in printed, printed
    before = re.search(r"^BEFORE (.*)$", printed, re.M).group(1)
    left = re.findall(r"^LEFT (.*)$", printed, re.M)
    assert left and all(listing == before for listing in left), printed
    assert kit.scores(result) == kit.FULL_MARKS
