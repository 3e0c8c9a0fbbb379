"""Isolation, attacked for real against the bubblewrap sandbox: no submission takes
over the next ones, nothing survives from one graded function to the next, the
disk and the process table are capped, sandboxed code is an unprivileged host
user, and the sandbox runs wherever the Python runtime lives.

Each attack in tests/fixtures/submissions/attacks/ is joined to the correct
example: the function(s) it names in its first line replace the example's,
which stay reachable as `_correct_<name>` (a contained attack whose maths is
right keeps its marks)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ATTACKS = ROOT / "tests" / "fixtures" / "submissions" / "attacks"

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def _bwrap(require_bwrap):
    """Every attack here runs against bubblewrap (a failure under CI when it is missing)."""


def join_attack(kit, attack: str, folder: Path, name: str) -> Path:
    """The correct example with the attack's functions in place of its own (kept as _correct_<name>)."""
    text = (ATTACKS / attack).read_text(encoding="utf-8")
    functions = re.match(r"# ATTACK \(([^)]*)\)", text).group(1).split(", ")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kit.join_to_example(functions, text), encoding="utf-8")
    return path


def stub(kit, path: Path) -> Path:
    """A submission whose eight functions are unimplemented stubs."""
    path.write_text("".join(f"def {name}(*args):\n    raise NotImplementedError\n\n\n" for name in kit.FULL_MARKS))
    return path


# ---------------------------------------------------------------- 11.1: the next submissions

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_submission_cannot_take_over_the_next_ones(kit, tmp_path, jobs):
    """Does a submission that rewrites its worker to forge the zygote's "ready" and serve the next
    requests itself (and leaves a process reading whatever it inherited) fail to grade, or read,
    the stubs and the correct file after it?"""
    folder = tmp_path / "submitted"
    join_attack(kit, "takeover.py", folder, "a-takeover.py")
    stub(kit, folder / "b-stub.py")
    stub(kit, folder / "c-stub.py")
    (folder / "d-correct.py").write_text(kit.CORRECT.read_text())
    results = {r["submission"]: r for r in kit.grade_json(folder, extra=("--jobs", jobs))}
    for name in ("b-stub.py", "c-stub.py"):
        assert results[name]["score"] == 0.0, results[name]
        assert all("not implemented" in kit.feedback(results[name], f) for f in kit.FULL_MARKS)
    assert results["d-correct.py"]["score"] == 100.0
    assert kit.scores(results["a-takeover.py"]) == kit.FULL_MARKS  # contained, and its maths is right
    for r in results.values():
        assert "TAKEOVER" not in r["printed"], (r["submission"], r["printed"])


# ---------------------------------------------------------------- 11.2, 11.5: nothing carried over

def test_nothing_survives_from_one_graded_function_to_the_next(kit, tmp_path):
    """Planted in every place that could outlive a process (files in /tmp, /dev/shm and a locked
    folder, System V shared memory, queue and semaphore, POSIX queue, keyrings, a detached process
    with a shared mmap behind an abstract socket), is the hidden input found by a later function of
    the same submission, or of the next submission in the same sandbox? (It must not be; both
    functions' maths is right, so every mark is kept.)"""
    folder = tmp_path / "submitted"
    join_attack(kit, "leak-between-functions.py", folder, "a-leak.py")
    join_attack(kit, "leak-between-functions.py", folder, "b-leak.py")
    for result in kit.grade_json(folder, extra=("--jobs", "1")):
        assert kit.scores(result) == kit.FULL_MARKS, (result["submission"], result["functions"])
        printed = result["printed"]
        planted = re.search(r"PLANTED: (.*)", printed).group(1).split(", ")
        refused = re.search(r"REFUSED: (.*)", printed).group(1)
        # the attack did run: what could be written was written, with the hidden input
        for place in ("/tmp/leak", "/dev/shm/leak", "/tmp/locked/inner/leak", "sysv-shm", "sysv-msg",
                      "sysv-sem", "process"):
            assert place in planted, (place, printed)
        # read-only everywhere else; no POSIX queues; no keyrings
        for place in ("/leak (Read-only file system)", "/etc/leak", "/opt/leak", "/dev/leak", "/var/tmp/leak",
                      "posix-mq", "keyring -4 (Operation not permitted)", "keyring -3 (Operation not permitted)"):
            assert place in refused, (place, printed)
        assert re.findall(r"SEARCHED: (.*)", printed) == ["nothing found"] * 4, printed


SEARCH_OTHER_FUNCTIONS = '''

def rnn_cell_forward(xt, a_prev, parameters):
    import gc
    import sys

    gc.unfreeze()  # the zygote's objects too
    held = [r for o in gc.get_objects() if type(o) in (list, tuple, dict) for r in (o.values() if type(o) is dict else o)]
    held += list(vars(sys.modules["__main__"]).values())  # the worker's own globals
    found = sorted({k for o in held if type(o) is dict for k in o if k in ("Wf", "Wi", "Wc", "Wo")})
    print("OTHER FUNCTIONS' INPUTS:", found or "none")
    return _correct_rnn_cell_forward(xt, a_prev, parameters)
'''


def test_a_function_holds_no_other_functions_hidden_inputs(kit, tmp_path):
    """Does the process of one graded function (rnn_cell_forward) hold only its own call's hidden inputs,
    none of another function's (the LSTM functions' parameters, whose backward caches hold the reference's
    forward values)? It searches every object the collector knows (the zygote's, unfrozen, included) and
    the worker's globals, in the first submission of a sandbox and in the next one, graded after every
    function has run once there; its maths is right, so it keeps its marks."""
    source = kit.CORRECT.read_text(encoding="utf-8").replace("\ndef rnn_cell_forward(", "\ndef _correct_rnn_cell_forward(")
    folder = tmp_path / "submitted"
    folder.mkdir()
    for name in ("a-search.py", "b-search.py"):
        (folder / name).write_text(source + SEARCH_OTHER_FUNCTIONS, encoding="utf-8")
    results = kit.grade_json(folder, extra=("--jobs", "1"))
    assert len(results) == 2
    for result in results:
        assert kit.scores(result) == kit.FULL_MARKS, result["functions"]
        assert "OTHER FUNCTIONS' INPUTS: none" in result["printed"], result["printed"]
        assert "OTHER FUNCTIONS' INPUTS: [" not in result["printed"], result["printed"]


def test_disk_is_capped_with_a_clear_message_and_emptied(kit, tmp_path):
    """Does a function filling the disk stop at the per-file limit (EFBIG) and at the size of /tmp
    (ENOSPC) with a message saying what may be written, and does the next submission grade fully?"""
    folder = tmp_path / "submitted"
    join_attack(kit, "fill-disk.py", folder, "a-fill.py")
    (folder / "b-correct.py").write_text(kit.CORRECT.read_text())
    fill, correct = kit.grade_json(folder, extra=("--jobs", "1"), timeout="10")
    kit.assert_only_hostile_loses(fill, "lstm_cell_forward")
    text = kit.feedback(fill, "lstm_cell_forward")
    assert "No space left on device" in text, text
    assert "files can be written only in /tmp (128 MiB in all), /dev/shm (16 MiB in all), each at most 64 MiB" in text
    assert "everything else is read-only" in text
    assert "BIG FILE: 64 MiB, File too large" in fill["printed"], fill["printed"]
    assert correct["score"] == 100.0


# ---------------------------------------------------------------- 11.6: processes and identity

def test_fork_bomb_stops_at_the_process_limit_and_spares_the_other_job(kit, tmp_path):
    """Does a fork bomb fail at once on the process limit (BlockingIOError, not the timeout), with
    two bombs and two correct files sharing a --jobs 2 batch, the correct ones fully graded?"""
    folder = tmp_path / "submitted"
    join_attack(kit, "fork-bomb.py", folder, "a-bomb.py")
    join_attack(kit, "fork-bomb.py", folder, "b-bomb.py")
    (folder / "c-correct.py").write_text(kit.CORRECT.read_text())
    (folder / "d-correct.py").write_text(kit.CORRECT.read_text())
    results = {r["submission"]: r for r in kit.grade_json(folder, extra=("--jobs", "2"), timeout="20")}
    for name in ("a-bomb.py", "b-bomb.py"):
        kit.assert_only_hostile_loses(results[name], "rnn_forward")
        text = kit.feedback(results[name], "rnn_forward")
        assert "BlockingIOError" in text and "did not finish" not in text, text
    assert results["c-correct.py"]["score"] == results["d-correct.py"]["score"] == 100.0


def test_sandboxed_code_runs_as_an_unprivileged_host_uid(kit, tmp_path):
    """Does student code run with no capabilities as a host uid that is not root (and, when the
    grader is root, one reserved for the sandbox, not the grader's)?"""
    from grader.sandbox.launch import UID_BASE

    path = join_attack(kit, "identity.py", tmp_path, "identity.py")
    [result] = kit.grade_json(path)
    assert kit.scores(result) == kit.FULL_MARKS
    found = re.search(r"IDENTITY uid=(\d+) euid=(\d+) map=([\d,]+) caps=(\w+),(\w+)", result["printed"])
    assert found, result["printed"]
    uid, euid = int(found.group(1)), int(found.group(2))
    inside, outside, count = (int(x) for x in found.group(3).split(",")[:3])
    assert uid == euid and inside <= uid < inside + count
    host = outside + uid - inside
    assert host != 0
    assert int(found.group(4), 16) == 0 and int(found.group(5), 16) == 0  # CapPrm, CapEff
    if os.geteuid() == 0:
        assert host >= UID_BASE and host != os.getuid()


# ---------------------------------------------------------------- 12.1: wherever the runtime lives

@pytest.mark.slow
def test_runtime_in_a_virtualenv_under_a_temporary_folder(kit, tmp_path):
    """Graded by a virtualenv living under a temporary folder (bound on top of the sandbox's private
    /tmp), does --sandbox bwrap grade, and does --sandbox auto choose bubblewrap?"""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=120)
    python = venv / "bin" / "python"
    assert str(python).startswith(("/tmp/", os.path.realpath("/tmp") + "/")) or "TMPDIR" in os.environ
    for choice in ("bwrap", "auto"):
        proc = subprocess.run([str(python), "-m", "grader", "grade", str(kit.CORRECT), "--format", "json",
                               "--sandbox", choice], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                              capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stderr[-2000:]
        [result] = __import__("json").loads(proc.stdout)
        assert result["sandbox"] == "bwrap" and result["score"] == 100.0, (choice, result["sandbox"])
        assert "warning" not in proc.stderr.lower(), proc.stderr


def test_bubblewrap_failure_is_reported_with_its_own_words(kit):
    """When bubblewrap itself refuses to start (here: a /tmp size of 0 bytes), does --sandbox bwrap
    fail with bubblewrap's own message, and does auto fall back saying why?"""
    from grader.sandbox.launch import Limits, SandboxUnavailable, make_launcher

    with pytest.raises(SandboxUnavailable) as caught:
        make_launcher("bwrap", Limits(tmp=0))
    assert "--size takes a non-zero number of bytes" in str(caught.value)
    launcher = make_launcher("auto", Limits(tmp=0))
    try:
        assert launcher.level != "bwrap"
        assert "bubblewrap failed: bwrap: --size takes a non-zero number of bytes" in launcher.description
    finally:
        launcher.close()
