"""Shared fixtures: paths and one Grader per test session (hidden cases computed once)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
EXAMPLES = ROOT / "examples" / "submissions"

# The suite's grading secret: fixed (the same hidden cases on every run) and in a file of its own, so no
# test reads or creates the user's secret. Every grader the tests start (in-process or a subprocess of the
# CLI) finds it through RNN_GRADER_SECRET_FILE.
TEST_SECRET = hashlib.sha256(b"rnn-grader test suite secret").digest()
_SECRET_FILE = Path(tempfile.mkdtemp(prefix="rnn-grader-tests-")) / "secret.key"
_SECRET_FILE.write_text(TEST_SECRET.hex() + "\n")
os.environ["RNN_GRADER_SECRET_FILE"] = str(_SECRET_FILE)


@pytest.fixture(scope="session")
def generated_submissions(tmp_path_factory) -> Path:
    """The submissions generated from a correct one plus one change (tests/fixtures/submissions/patches.py),
    written once per session: <folder>/mutants/<function>__<mistake>.py, <folder>/hostile/<name>.py."""
    import sys

    sys.path.insert(0, str(FIXTURES))
    from patches import materialise

    return materialise(tmp_path_factory.mktemp("generated-submissions"))


@pytest.fixture(scope="session")
def session_grader():
    """A Grader with the default sandbox and a short per-call timeout."""
    from grader.api import Grader, Options

    g = Grader(Options(timeout=5.0))
    yield g
    g.close()


@pytest.fixture
def write(tmp_path):
    """write(name, text) -> Path of a new file under tmp_path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
