"""Fixtures of the instructor tools' tests: the CLI, a graded class, a real headless Chromium.

Under CI=true a missing Chromium fails the browser tests instead of skipping them
(.ci/run installs Debian's `chromium`)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"


def run_grader(*args, cwd=ROOT, env=None, timeout=600) -> subprocess.CompletedProcess:
    """`python -m grader ARGS` as a subprocess, this checkout's grader first on the path; text stdout/stderr."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    return run_grader


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, generated_submissions):
    """`grade --out DIR --html` over a small class: correct, buggy, several mutants, an
    infinite loop (times out), an invalid notebook (fails to load). Returns DIR."""
    batch = tmp_path_factory.mktemp("class") / "submitted"
    picks = {"alice/correct.py": EXAMPLES / "correct.py", "bob/buggy.ipynb": EXAMPLES / "buggy.ipynb",
             "carol/loop.py": generated_submissions / "hostile" / "infinite-loop.py",
             "dave/invalid.ipynb": FIXTURES / "broken" / "invalid-json.ipynb"}
    for i, mutant in enumerate(sorted((generated_submissions / "mutants").glob("*.py"))[:6]):
        picks[f"m{i}/{mutant.name}"] = mutant
    for name, src in picks.items():
        (batch / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, batch / name)
    out = batch.parent / "out"
    proc = run_grader("grade", batch, "--out", out, "--html", "--timeout", "3", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    return out


def _chromium_or_skip():
    from chromium_cdp import find_chromium

    path = find_chromium()
    if path is None:
        message = "chromium is not installed: apt-get install chromium"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (DevTools protocol over a pipe), shared by the browser tests."""
    from chromium_cdp import Browser

    b = Browser(_chromium_or_skip())
    yield b
    b.close()
