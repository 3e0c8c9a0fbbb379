"""Build submissions for tests from the bundled correct example."""
from __future__ import annotations

import re
from pathlib import Path

CORRECT = Path(__file__).resolve().parents[2] / "examples" / "submissions" / "correct.py"


def correct_source() -> str:
    return CORRECT.read_text(encoding="utf-8")


def replace_function(source: str, name: str, new_definition: str) -> str:
    """The source with the top-level `def name` replaced by new_definition."""
    pattern = re.compile(rf"^def {name}\(.*?(?=^\S|\Z)", re.S | re.M)
    assert pattern.search(source), f"no def {name} in source"
    return pattern.sub(lambda _: new_definition.strip() + "\n\n\n", source, count=1)


def with_change(old: str, new: str) -> str:
    source = correct_source()
    assert old in source, old
    return source.replace(old, new, 1)
