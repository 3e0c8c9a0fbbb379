"""Sandbox and hardening: with the default sandbox (bubblewrap here), student code
finds nothing to steal, reaches no network, cannot signal the grader, leaves
nothing behind; batches resume after a kill; grading is deterministic."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def _bwrap(require_bwrap):
    """Every test here needs bubblewrap (a failure under CI when it is missing)."""


def without_timing(result: dict) -> dict:
    result = json.loads(json.dumps(result))
    result.pop("execution_time", None)
    return result


# ---------------------------------------------------------------- the level in use

def test_default_sandbox_is_bwrap_in_json_and_gradescope(kit):
    """Is the default level reported as "bwrap" in JSON and in Gradescope extra_data?"""
    [result] = kit.grade_json(kit.CORRECT)
    assert result["sandbox"] == "bwrap" and result["score"] == 100.0
    proc = kit.run_cli("grade", kit.CORRECT, "--format", "gradescope", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["extra_data"]["sandbox"] == "bwrap"
    assert doc["extra_data"]["details"]["sandbox"] == "bwrap"
    assert "warning" not in proc.stderr.lower()


def test_explicit_bwrap_works(kit):
    """Does `--sandbox bwrap` grade here?"""
    [result] = kit.grade_json(kit.CORRECT, extra=("--sandbox", "bwrap"))
    assert result["sandbox"] == "bwrap" and result["score"] == 100.0


def test_sandbox_none_still_grades_and_warns(kit):
    """Does `--sandbox none` still grade, report "process" in JSON, and warn in text output?"""
    [result] = kit.grade_json(kit.CORRECT, extra=("--sandbox", "none"))
    assert result["sandbox"] == "process" and result["score"] == 100.0
    proc = kit.run_cli("grade", kit.CORRECT, "--sandbox", "none", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0
    assert "warning: graded without the bubblewrap sandbox (process)" in proc.stderr
    assert "warning: graded without the bubblewrap sandbox" in proc.stdout


# ---------------------------------------------------------------- nothing to steal

def test_search_for_a_reference_finds_nothing(kit):
    """Does a submission searching sys.path, sys.modules, the working folder and its parents for another lstm_cell_forward find none and earn nothing?"""
    [result] = kit.grade_json(kit.HOSTILE / "steal-reference.py", timeout="8")
    kit.assert_only_hostile_loses(result, "lstm_cell_forward")
    text = kit.feedback(result, "lstm_cell_forward")
    assert "nothing to steal" in text, text


def test_reading_another_submission_of_the_batch_fails(kit, tmp_path):
    """Can a submission read another submission of the same batch given its absolute path? (It must not.)"""
    folder = tmp_path / "submitted"
    secret = f"SECRET-{uuid.uuid4().hex}"
    victim = folder / "bob" / "lstm.py"
    victim.parent.mkdir(parents=True)
    victim.write_text(kit.CORRECT.read_text() + f"\n# {secret}\n")
    kit.instantiate(kit.HOSTILE / "read-other-submission.py", folder / "alice", "lstm.py", OTHER=str(victim))
    for jobs in ("1", "2"):
        results = kit.grade_json(folder, extra=("--jobs", jobs))
        alice, bob = results
        assert alice["submission"] == "alice/lstm.py" and bob["score"] == 100.0
        kit.assert_only_hostile_loses(alice, "rnn_cell_forward")
        text = kit.feedback(alice, "rnn_cell_forward")
        assert "BLOCKED" in text and "READ:" not in text, text
        assert secret not in json.dumps(alice)


# ---------------------------------------------------------------- no network

def test_tcp_connection_to_localhost_is_refused(kit, tmp_path):
    """Is a TCP connection to a server on 127.0.0.1 refused (no connection recorded, 0 with a message)?"""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    connections, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except (socket.timeout, OSError):
                continue
            connections.append(peer)
            conn.sendall(b"the answers\n")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        # the server does accept connections from outside the sandbox
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        deadline = time.monotonic() + 2
        while not connections and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(connections) == 1
        path = kit.instantiate(kit.HOSTILE / "network.py", tmp_path, PORT=port)
        [result] = kit.grade_json(path)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join(2)
        server.close()
    assert len(connections) == 1, connections  # only our own probe
    kit.assert_only_hostile_loses(result, "lstm_cell_backward")
    text = kit.feedback(result, "lstm_cell_backward")
    assert "raised" in text and ("Connection" in text or "Network" in text or "OSError" in text), text
    assert "CONNECTED" not in text


# ---------------------------------------------------------------- no signals

@pytest.mark.slow
def test_killing_everything_does_not_stop_the_batch(kit, tmp_path):
    """Does a submission that SIGKILLs its parent, its group and every PID leave the grader running and the batch complete?"""
    folder = tmp_path / "submitted"
    folder.mkdir()
    for i in range(3):
        shutil.copy(kit.HOSTILE / "kill-parent.py", folder / f"killer-{i}.py")
        shutil.copy(kit.CORRECT, folder / f"zz-correct-{i}.py")
    for jobs in ("1", "2"):
        results = kit.grade_json(folder, extra=("--jobs", jobs))
        assert len(results) == 6
        for r in results:
            if r["submission"].startswith("killer"):
                kit.assert_only_hostile_loses(r, "lstm_backward")
            else:
                assert r["score"] == 100.0


# ---------------------------------------------------------------- nothing left behind

@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_forked_process_cannot_tamper_with_other_submissions(kit, tmp_path, jobs):
    """Does a forked process that outlives its call and writes into the next submission and /tmp change nothing?"""
    shared = Path("/tmp") / f"rnn-grader-shared-{uuid.uuid4().hex}"
    clean = tmp_path / "clean"
    tampered = tmp_path / "tampered"
    for folder in (clean, tampered):
        folder.mkdir()
        shutil.copy(kit.CORRECT, folder / "b-victim.py")
        shutil.copy(kit.HOSTILE / "os-exit.py", folder / "c-other.py")
    target = tampered / "b-victim.py"
    kit.instantiate(kit.HOSTILE / "fork-and-tamper.py", tampered, "a-forker.py", TARGET=str(target),
                    SHARED=str(shared))
    kit.instantiate(kit.HOSTILE / "fork-and-tamper.py", clean, "a-forker.py", TARGET="/nonexistent/x.py",
                    SHARED="/nonexistent/y")
    before = target.read_bytes()
    try:
        reference = {r["submission"]: without_timing(r) for r in kit.grade_json(clean, extra=("--jobs", jobs))}
        got = {r["submission"]: without_timing(r) for r in kit.grade_json(tampered, extra=("--jobs", jobs))}
        time.sleep(6.5)  # the forked process, had it survived, would have written by now
        assert target.read_bytes() == before
        assert not shared.exists()
    finally:
        shared.unlink(missing_ok=True)
    for name in ("b-victim.py", "c-other.py"):
        a, b = dict(reference[name]), dict(got[name])
        a.pop("path"), b.pop("path")
        assert a == b, name
    assert got["b-victim.py"]["score"] == 100.0
    kit.assert_only_hostile_loses(got["a-forker.py"], "rnn_cell_forward")


# ---------------------------------------------------------------- resume and determinism

def make_batch(folder: Path, correct: Path, n: int = 20) -> None:
    """n submissions in student folders: copies of the correct one and buggy variants."""
    source = correct.read_text()
    bugs = [
        ("np.tanh(Waa @ a_prev + Wax @ xt + ba)", "np.tanh(Waa @ a_prev + Wax @ xt)"),
        ("yt_pred = softmax(Wya @ a_next + by)", "yt_pred = Wya @ a_next + by"),
    ]
    for i in range(n):
        text = source
        kind = i % 3
        if kind and bugs[kind - 1][0] in source:
            text = source.replace(bugs[kind - 1][0], bugs[kind - 1][1])
        text += f"\n# student {i}\n"  # every file different
        path = folder / f"student{i:02d}" / "rnn_lstm.py"
        path.parent.mkdir(parents=True)
        path.write_text(text)


def grades(out: Path) -> list[list[str]]:
    with open(out / "grades.csv", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.slow
def processes_mentioning(text: str) -> list[int]:
    """PIDs of live (not zombie) processes whose command line contains text."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().decode(errors="replace")
            state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry))
    return found


def test_interrupted_batch_resumes_to_the_same_grades(kit, tmp_path):
    """Killed with SIGKILL mid-batch, does rerunning the same command resume and end with the grades of an uninterrupted run?"""
    folder = tmp_path / "submitted"
    make_batch(folder, kit.CORRECT)
    full, interrupted = tmp_path / "full", tmp_path / "interrupted"
    proc = kit.run_cli("grade", folder, "--out", full, "--jobs", "2", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = grades(full)
    assert len(expected) == 21
    assert {row[-2] for row in expected[1:]} != {expected[1][-2]}  # not all the same score

    command = [sys.executable, "-m", "grader", "grade", str(folder), "--out", str(interrupted), "--jobs", "2",
               "--timeout", kit.FAST_TIMEOUT]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        if len(list(interrupted.rglob("rnn_lstm.py.json"))) >= 3:
            break
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the batch finished before it could be interrupted"
    # its grading processes (forked, same command line) must not outlive it
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and processes_mentioning(str(interrupted)):
        time.sleep(0.05)
    assert processes_mentioning(str(interrupted)) == []
    done = len(list(interrupted.rglob("rnn_lstm.py.json")))
    assert 3 <= done < 20
    for partial in interrupted.rglob("*.json"):
        json.loads(partial.read_text())  # written atomically: never half a file

    again = kit.run_cli("grade", folder, "--out", interrupted, "--jobs", "2", "--timeout", kit.FAST_TIMEOUT)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "resuming" in again.stderr
    assert grades(interrupted) == expected

    stamp = {p: p.stat().st_mtime_ns for p in interrupted.rglob("rnn_lstm.py.json")}
    time.sleep(0.05)
    forced = kit.run_cli("grade", folder, "--out", interrupted, "--jobs", "2", "--timeout", kit.FAST_TIMEOUT,
                         "--force")
    assert forced.returncode == 0
    assert "resuming" not in forced.stderr
    assert all(p.stat().st_mtime_ns > t for p, t in stamp.items())  # every result rewritten
    assert grades(interrupted) == expected

    unchanged = kit.run_cli("grade", folder, "--out", interrupted, "--jobs", "2", "--timeout", kit.FAST_TIMEOUT)
    assert "resuming: 20 of 20" in unchanged.stderr


def test_same_submission_twice_gives_the_same_json(kit, tmp_path):
    """Graded twice, does the same submission give the same JSON apart from timing?"""
    buggy = ROOT / "examples" / "submissions" / "buggy.ipynb"
    # a generous timeout: a call cut short by a loaded machine is not what this asks about
    first = kit.grade_json(buggy, kit.HOSTILE / "patched-numpy.py", timeout="20")
    second = kit.grade_json(buggy, kit.HOSTILE / "patched-numpy.py", timeout="20")
    for a, b in zip(first, second):
        a, b = without_timing(a), without_timing(b)
        assert a["score"] == b["score"], (a["submission"], a["score"], b["score"])
        assert a == b, a["submission"]


# ---------------------------------------------------------------- a worker started before numpy is imported

def test_early_started_worker_grades_the_file(kit, tmp_path):
    """Is a worker started early (as the CLI does for one file) the one that grades it, and cleaned up after?"""
    from grader.api import Options
    from grader.batch import Batch
    from grader.sandbox.launch import Limits, early_start

    early = early_start("auto", Limits(timeout=5.0))
    assert early is not None and early.launcher.level == "bwrap"
    batch = Batch([(kit.CORRECT, "correct.py")], Options(timeout=5.0), early=early)
    workers = []
    [result] = batch.run(lambda _: workers.extend(s.process for s in batch.grader._all_sessions))
    assert result.score == 100.0 and result.sandbox == "bwrap"
    assert workers == [early.started.process]  # adopted, not a second worker
    assert early.started.process.poll() is not None  # killed at the end of the batch
    assert not os.path.exists(early.launcher._stage)


def test_early_started_worker_unused_by_parallel_jobs_is_killed(kit, tmp_path):
    """With --jobs 2 the early worker is not used: is it killed and its folder removed, the grades unchanged?"""
    from grader.api import Options
    from grader.batch import Batch
    from grader.sandbox.launch import Limits, early_start

    early = early_start("auto", Limits(timeout=5.0))
    files = [(kit.CORRECT, "a.py"), (kit.CORRECT, "b.py")]
    results = Batch(files, Options(timeout=5.0, jobs=2), early=early).run()
    assert [r.score for r in results] == [100.0, 100.0]
    assert early.started.process.poll() is not None
    assert not os.path.exists(early.launcher._stage)


def test_parallel_grading_processes_share_the_batch_sandbox(kit, tmp_path, monkeypatch):
    """Do the grading processes of a --jobs 2 batch reuse the batch's sandbox choice and worker
    files (forked, no second trial run), and are those files removed at the end?

    Worker folders are counted where they are made (the grading processes are forked, so they
    record theirs too), not by listing /tmp, which other programs share."""
    from grader.api import Options
    from grader.batch import Batch
    from grader.sandbox import launch

    made = tmp_path / "made"
    real_mkdtemp = launch.tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        folder = real_mkdtemp(*args, **kwargs)
        with open(made, "a") as f:
            f.write(f"{os.getpid()} {folder}\n")
        return folder

    monkeypatch.setattr(launch.tempfile, "mkdtemp", mkdtemp)
    batch = Batch([(kit.CORRECT, f"{i}.py") for i in range(4)], Options(timeout=5.0, jobs=2))
    results = batch.run()
    assert [r.score for r in results] == [100.0] * 4
    assert made.read_text().split() == [str(os.getpid()), batch.grader.launcher._stage]
    assert not os.path.exists(batch.grader.launcher._stage)
