"""Fixtures for the grader's robustness tests (hostile, broken, sandbox, fuzz):
running the CLI, the API, and requiring bubblewrap (fail, never skip, under CI).

The helpers reach tests through the `kit` fixture (tests/grader is not a
package, so test modules cannot import this conftest by name)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "tests" / "fixtures" / "submissions"
CORRECT = ROOT / "examples" / "submissions" / "correct.py"
sys.path.insert(0, str(SUBMISSIONS))
from patches import join_to_example  # noqa: E402  (an attack joined to CORRECT; tests take it as kit.join_to_example)
FAST_TIMEOUT = "2"  # seconds per call: keeps hostile loops short

FULL_MARKS = {"rnn_cell_forward": 10.0, "rnn_forward": 10.0, "rnn_cell_backward": 10.0,
              "rnn_backward": 10.0, "lstm_cell_forward": 15.0, "lstm_forward": 15.0,
              "lstm_cell_backward": 15.0, "lstm_backward": 15.0}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than about 3 s")
    config.addinivalue_line("markers", "sandbox: needs bubblewrap (fails, never skips, under CI=true)")


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


@pytest.fixture
def require_bwrap():
    """Bubblewrap must be there: under CI its absence is a failure, locally a skip."""
    if not bwrap_available():
        message = "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


def run_cli(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """`python -m grader ARGS` from the repository root; text stdout/stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def grade_json(*paths: str | Path, extra: tuple[str, ...] = (), timeout: str = FAST_TIMEOUT) -> list[dict]:
    """Grade through the CLI with --format json; check exit 0, one JSON document and
    no traceback; return the list of submission results."""
    proc = run_cli("grade", *paths, "--format", "json", "--timeout", timeout, *extra)
    assert proc.returncode == 0, f"exit status {proc.returncode}\nstderr:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    results = json.loads(proc.stdout)  # exactly one JSON document, nothing else
    assert isinstance(results, list)
    return results


def scores(result: dict) -> dict[str, float]:
    return {f["name"]: f["score"] for f in result["functions"]}


def function(result: dict, name: str) -> dict:
    return next(f for f in result["functions"] if f["name"] == name)


def feedback(result: dict, name: str) -> str:
    """Everything a student reads about one function: problem, check messages, feedback."""
    f = function(result, name)
    return "\n".join([f.get("problem") or "", f.get("feedback") or ""] +
                     [c["message"] for c in f["checks"]])


def assert_only_hostile_loses(result: dict, hostile: str) -> None:
    """The hostile function gets 0; the seven correct ones get full marks."""
    got = scores(result)
    assert got[hostile] == 0.0, (hostile, function(result, hostile))
    others = {k: v for k, v in got.items() if k != hostile}
    assert others == {k: v for k, v in FULL_MARKS.items() if k != hostile}, others


def instantiate(fixture: Path, folder: Path, name: str | None = None, **constants: str) -> Path:
    """Copy a fixture into folder, replacing top-level `NAME = ...` constants."""
    text = fixture.read_text(encoding="utf-8")
    for key, value in constants.items():
        lines = text.split("\n")
        index = next(i for i, t in enumerate(lines) if t.startswith(f"{key} = "))
        lines[index] = f"{key} = {value!r}"
        text = "\n".join(lines)
    path = folder / (name or fixture.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def fast_grader():
    """An API Grader with the default sandbox and a 2 s timeout, shared by the session."""
    from grader.api import Grader, Options

    g = Grader(Options(timeout=2.0))
    yield g
    g.close()


@pytest.fixture(scope="session")
def kit(generated_submissions):
    """The helpers and paths above, as attributes: kit.grade_json(...), kit.HOSTILE, ...

    kit.HOSTILE is the folder of the hostile submissions, each generated from its attack in
    tests/fixtures/submissions/hostile/ joined to the correct example (patches.hostile_source); kit.BROKEN
    the broken files, those of tests/fixtures/submissions/broken/ and the generated ones (BROKEN_PATCHES)."""
    names = ("ROOT", "SUBMISSIONS", "CORRECT", "FAST_TIMEOUT", "FULL_MARKS",
             "run_cli", "grade_json", "scores", "function", "feedback", "assert_only_hostile_loses",
             "instantiate", "bwrap_available", "join_to_example")
    return types.SimpleNamespace(HOSTILE=generated_submissions / "hostile", BROKEN=generated_submissions / "broken",
                                 **{n: globals()[n] for n in names})
