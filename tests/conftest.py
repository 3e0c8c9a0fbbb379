"""Shared fixtures: paths and one Grader per test session (hidden cases computed once)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
EXAMPLES = ROOT / "examples" / "submissions"


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
