"""Do the docs state the GRU's interfaces, cache and commands as the code has them?"""
from __future__ import annotations

from grader import exercise as exercises
from grader.exercises.gru.rubric import CELL_CACHE
from gru_nbhelpers import ROOT

GRU = exercises.get("gru")


def test_interfaces_page_has_every_gru_function_output_and_the_cache():
    text = (ROOT / "docs" / "interfaces.md").read_text(encoding="utf-8")
    section = text[text.index("## The GRU exercise (`gru`)"):]
    for p in GRU.problems:
        assert f"{p.name}({', '.join(p.args)})" in section, p.name
        for key in p.outputs:
            assert f"`{key}`" in section or key in section, (p.name, key)
    assert f"cache = ({', '.join(CELL_CACHE)})" in section
    assert "caches = (list of the T_x cell\n  caches, x)" in section
    assert "`gru_utils`" in section


def test_readme_and_exercises_page_list_the_gru():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python scripts/make_release.py --exercise gru" in readme
    assert "--exercise gru" in readme and "nbgrader-sync gru" in readme
    assert readme.startswith("# ") and "pip install -e . && python -m grader grade examples/submissions" in readme
    page = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    assert "`gru` (`grader/exercises/gru/`" in page and "## The GRU exercise" in page
    assert "publish\n`assignments/gru/` only after the RNN/LSTM exercise's deadline" in page
    assert sorted(exercises.builtin_names()) == ["gru", "rnn_lstm"]
