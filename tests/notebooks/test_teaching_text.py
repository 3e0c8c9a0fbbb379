"""The notebook's teaching text: framing, rubric, notation, stub hints, naming, diagrams.

Fast: these read the committed notebooks and draw one diagram; nothing is executed in a kernel.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER, INPUT_MUTATION_PENALTY, TOTAL_POINTS
from nbhelpers import RELEASE_NB, SOURCE_NB, is_solution_cell, load_script, solution_code


def read(path):
    return nbformat.read(str(path), as_version=4)


def markdown(path=SOURCE_NB) -> str:
    return "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")


def test_course_framing_is_at_the_top_and_what_next_at_the_end():
    """Does the first cell give objectives, prerequisites, time and grading, and the last one what comes next?"""
    cells = [c for c in read(SOURCE_NB).cells if c.cell_type == "markdown"]
    first, last = cells[0].source, cells[-1].source
    for heading in ("**Learning objectives.**", "**Prerequisites.**", "**Estimated time.**", "**How it is graded.**"):
        assert heading in first, heading
    assert last.startswith("## 7. What next")
    for topic in ("GRU", "torch.nn.LSTM", "batch_first", "weight_ih_l0", "Keras", "**Next exercise.**"):
        assert topic in last, topic


def test_grading_summary_is_the_rubric():
    """Does the intro state each function's points and each output's weight as grader/exercises/rnn_lstm/problems.py has them?"""
    first = read(SOURCE_NB).cells[0].source
    assert f"**How it is graded.** {TOTAL_POINTS:g} points in all" in first
    for name in DISPLAY_ORDER:
        problem = BY_NAME[name]
        assert f"`{name}` ({problem.points:g} points)" in first, name
        weights = ", ".join(f"`{key}` {points:g}" for key, points in problem.weights.items())
        assert f"* `{name}`: {weights}\n" in first + "\n", name
    assert "correct on **every** hidden case" in first
    assert f"loses {INPUT_MUTATION_PENALTY:.0%} of its points" in first


def test_notation_table_names_every_index():
    """Does the notation table give the example, time and gate indices with their numpy places?"""
    text = markdown()
    notation = text[text.index("## 1. Notation and shapes"):text.index("## 2. The basic RNN")]
    assert r"$x^{(i)\langle t\rangle}$" in notation and "`x[:, i, t]`" in notation
    assert "$(n_x, m, T_x)$" in notation and "`x[:, :, t]`" in notation
    assert r"$f_t$, $i_t$, $\tilde c_t$, $o_t$" in notation
    assert "layer index" in notation
    for phrase in ("**example** $(i)$ is the second numpy axis", r"**time step** $\langle t\rangle$ the third",
                   "**gate** a subscript"):
        assert phrase in notation, phrase


@pytest.mark.parametrize("name", DISPLAY_ORDER)
def test_release_stub_says_how_long_the_solution_is(name):
    """Does each stub keep a '≈ N lines' hint, N being the number of lines of the instructor's solution?"""
    source = next(c for c in read(SOURCE_NB).cells if c.get("id") == name)
    n = sum(1 for line in solution_code(source).splitlines() if line.strip())
    stub = next(c for c in read(RELEASE_NB).cells if c.get("id") == name and is_solution_cell(c))
    assert f"    # ≈ {n} lines in our solution (yours may be shorter or longer)\n    # YOUR CODE HERE\n" in stub.source


def test_lstm_backward_names_the_pre_activation_gradients():
    """Does the LSTM backward derivation use dz_f, dz_i, dz_c̃, dz_o (not the old d f_t, d\\tilde c_t, d g_t)?"""
    text = markdown()
    section = text[text.index("### 4.3 Backward through one LSTM step"):text.index("### 4.4 Backward through time")]
    for name in ("$$dz_o =", r"$$dz_{\tilde c} =", "$$dz_i =", "$$dz_f =", r"dW_g = dz_g\; u^T"):
        assert name in section, name
    for old in ("d o_t", r"d\tilde c_t", "d i_t", "d f_t", "d g_t", "dc_t"):
        assert old not in section, old
    forward = text[text.index("### 4.1 One time step: the LSTM cell"):text.index("### 4.2 A whole sequence")]
    assert r"z_f = W_f\, u + b_f" in forward and r"z_{\tilde c} = W_c\, u + b_c" in forward
    code = next(c for c in read(SOURCE_NB).cells if c.get("id") == "lstm_cell_backward").source
    for variable in ("dz_f =", "dz_i =", "dz_c =", "dz_o ="):
        assert variable in code, variable


def test_matplotlib_is_imported_only_where_it_plots():
    """Is matplotlib imported only in the plotting cell, guarded against its absence?"""
    cells = [c for c in read(RELEASE_NB).cells if c.cell_type == "code"]
    importing = [c.id for c in cells if re.search(r"^\s*(import|from)\s+matplotlib", c.source, re.MULTILINE)]
    assert importing == ["vanishing_gradients"]
    plot = next(c for c in cells if c.id == "vanishing_gradients").source
    assert "except ImportError:" in plot


def test_backward_flow_diagram_da0_leaves_step_1(tmp_path, monkeypatch):
    """In backward_flow.png, does da0 come out of the box of step 1 (and no box say 'step t-1')?"""
    make_diagrams = load_script("make_diagrams")
    drawn = {}
    monkeypatch.setattr(make_diagrams, "save", lambda fig, name: drawn.setdefault(name, fig))
    make_diagrams.backward_flow()
    ax = drawn["backward_flow.png"].axes[0]
    texts = {t.get_text(): t.get_position() for t in ax.texts}
    boxes = {text.split("\n")[1]: pos for text, pos in texts.items() if text.startswith("cell backward")}
    assert list(boxes) == ["step 1", "step t", "step t+1", "step T_x"]
    da0 = texts["da0"]
    leftmost = min(boxes.values())
    assert da0[0] < leftmost[0] and boxes["step 1"] == leftmost
    assert abs(da0[1] - leftmost[1]) < 0.5          # level with step 1's box
