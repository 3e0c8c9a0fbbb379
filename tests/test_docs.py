"""The repository's own documentation (docs/): self-contained, and in step with the code's facts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.exercises.rnn_lstm import problems

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


PAGES = sorted(str(p.relative_to(ROOT)) for p in [ROOT / "README.md", *DOCS.glob("*.md")])


@pytest.mark.parametrize("page", PAGES)
def test_docs_link_only_to_files_in_the_repository(page):
    """Does every relative link of the README and of a docs page point to a file that exists inside
    the repository, and does none of them send readers outside it (to the team's private notes)?"""
    page_path = ROOT / page
    text = page_path.read_text(encoding="utf-8")
    assert "shared/spec" not in text and "../shared" not in text
    for target in LINK.findall(text):
        if re.match(r"[a-z]+://", target):
            continue
        path = (page_path.parent / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"{page}: broken link {target}"


def test_interfaces_page_names_every_argument_output_and_cache_item():
    """Does docs/interfaces.md give each graded function with its arguments in order, every output or
    gradient key, and both cache layouts in the order of grader/exercises/rnn_lstm/problems.py?"""
    text = (DOCS / "interfaces.md").read_text(encoding="utf-8")
    for p in problems.PROBLEMS:
        assert f"{p.name}({', '.join(p.args)})" in text, p.name
        for key in p.outputs:
            assert re.search(rf"`{key}\b", text), (p.name, key)
    for layout in problems.CELL_CACHE.values():
        assert f"({', '.join(layout)})" in text
    for key in problems.RNN_PARAMETERS + problems.LSTM_PARAMETERS:
        assert f"`{key}`" in text


def test_grading_policy_states_the_codes_numbers():
    """Does docs/grading-policy.md state the tolerances, penalty, points and hidden shapes of grader/exercises/rnn_lstm/problems.py?"""
    text = (DOCS / "grading-policy.md").read_text(encoding="utf-8")
    number = lambda x: f"{x:g}".replace("e-0", "e-")  # noqa: E731 - 1e-05 is written 1e-5
    assert f"rtol = {number(problems.RTOL)}" in text and f"atol = {number(problems.ATOL)}" in text
    assert f"{problems.INPUT_MUTATION_PENALTY:.0%}".replace("%", " %") in text
    assert f"{problems.TOTAL_POINTS:g} points" in text
    for p in problems.PROBLEMS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{p.name}` |"))
        assert f"| {p.points:g} |" in row, p.name
    for s in problems.HIDDEN_SHAPES:
        assert f"| {s.n_x} | {s.n_a} | {s.n_y} | {s.m} | {s.T_x} |" in text
