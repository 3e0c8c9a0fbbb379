"""Systems without bubblewrap or without fork: a clear choice or a clear message,
never a traceback. The missing piece is simulated in the launcher's decision
(this machine is Linux); everything else runs for real."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_without_fork_the_launcher_suggests_wsl(monkeypatch):
    """On a system without os.fork (Windows), does choosing a sandbox fail with a message naming
    what is missing and WSL, at every --sandbox choice?"""
    from grader.sandbox.launch import Limits, SandboxUnavailable, make_launcher

    monkeypatch.delattr(os, "fork")
    for choice in ("auto", "bwrap", "none"):
        with pytest.raises(SandboxUnavailable) as caught:
            make_launcher(choice, Limits())
        assert "os.fork" in str(caught.value) and "WSL" in str(caught.value)


def test_without_fork_the_command_line_says_so_without_a_traceback():
    """Does `grade` on such a system exit 2 with that message and no traceback?"""
    code = ("import os, sys; del os.fork; from grader.cli import main; "
            f"sys.exit(main(['grade', {str(ROOT / 'examples' / 'submissions' / 'correct.py')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "needs a POSIX system" in proc.stderr and "WSL" in proc.stderr


def test_on_macos_auto_grades_at_the_process_level_and_says_why(monkeypatch, tmp_path):
    """Where bubblewrap cannot exist (macOS), does auto pick a weaker level whose description says
    bubblewrap is Linux-only, and does --sandbox bwrap refuse with that reason?"""
    import shutil

    from grader.api import Options
    from grader.batch import Batch
    from grader.sandbox import launch

    monkeypatch.setattr(launch, "_system", lambda: "darwin")
    real_which = shutil.which
    monkeypatch.setattr(launch.shutil, "which", lambda name, *a, **k: None if name == "bwrap" else real_which(name))
    with pytest.raises(launch.SandboxUnavailable) as caught:
        launch.make_launcher("bwrap", launch.Limits())
    assert "Linux only" in str(caught.value)
    batch = Batch([(ROOT / "examples" / "submissions" / "correct.py", "correct.py")], Options(timeout=10.0, jobs=1))
    assert batch.level in ("uid", "process")
    assert "bubblewrap runs on Linux only, not on darwin" in batch.description
    [result] = batch.run()
    assert result.score == 100.0 and result.sandbox == batch.level
