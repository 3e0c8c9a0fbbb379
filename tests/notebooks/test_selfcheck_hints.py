"""Does the notebook's self-check give the autograder's hint for a known mistake?

selfcheck.py cannot import the grader (it ships to students): public_cases.npz
carries, for each catalogued mistake (grader/exercises/rnn_lstm/mistakes.py), its outputs on the
public cases and its hint, written by scripts/make_public_cases.py. These
tests play every catalogued mistake through the self-check and compare with
the grader on the same public cases, then run a notebook with one mistake
in a real kernel and read the self-check cell's output.
"""
from __future__ import annotations

import copy

import nbformat
import pytest

from grader import checks
from grader.exercises.rnn_lstm import mistakes, problems
from grader.exercises.rnn_lstm.problems import BY_NAME
from nbhelpers import SOURCE_DIR, copy_folder, execute, is_selfcheck_cell, stream_text
from test_selfcheck_wording import PUBLIC_SHAPES, load_selfcheck

selfcheck = load_selfcheck()
IDS = [f"{m.function}:{m.name}" for m in mistakes.CATALOGUE]


def grader_hints(mistake) -> list[str]:
    """The grader's catalogue hints for the mistake's own outputs on the public cases."""
    problem = BY_NAME[mistake.function]
    cases = [problems.make_case(problem, i, s, label="public") for i, s in enumerate(PUBLIC_SHAPES)]
    outcomes = []
    for case in cases:
        args = copy.deepcopy(case.args)
        outcomes.append(checks.Outcome("ok", result=mistake.variant(*args), args_after=args))
    result = checks.evaluate(problem, cases, outcomes)
    wrong = {c.name for c in result.checks if not c.passed and c.name != "inputs unchanged"}
    known = {m.hint for m in mistakes.for_function(mistake.function)}
    return [h for h in checks.diagnose(problem, cases, outcomes, wrong) if h in known] if wrong else []


@pytest.mark.parametrize("mistake", mistakes.CATALOGUE, ids=IDS)
def test_catalogued_mistake_shows_its_hint(mistake):
    """Does the self-check, on the mistake, print the grader's hint, or (a sequence function handing its
    cell other inputs) the stand-in's one line naming the wrong input?"""
    passed, lines = selfcheck.report(mistake.function, mistake.variant)
    assert not passed
    hint = f"Hint: {mistake.hint}"
    if hint in lines:
        # the same hints as the grader's catalogue gives on the same public cases, in the same words
        assert [l for l in lines if l.startswith("Hint: ")] == [f"Hint: {h}" for h in grader_hints(mistake)]
        return
    cell = problems.BY_NAME[mistake.function].black_box
    assert cell and len(lines) == 1 and f"called {cell} with the wrong " in lines[0], lines


def test_most_catalogued_mistakes_get_their_hint_in_the_notebook():
    """Do at least three quarters of the catalogue's mistakes get their hint line in the self-check?"""
    shown = sum(f"Hint: {m.hint}" in selfcheck.report(m.function, m.variant)[1] for m in mistakes.CATALOGUE)
    assert shown >= 0.75 * len(mistakes.CATALOGUE), (shown, len(mistakes.CATALOGUE))


def test_the_brief_example():
    """yt_pred computed from a_prev: the self-check says so, as the grader does (the example of issue 13)."""
    mistake = next(m for m in mistakes.for_function("rnn_cell_forward") if m.name == "yt-pred-from-a-prev")
    lines = selfcheck.report("rnn_cell_forward", mistake.variant)[1]
    assert lines[0] == "✓ a_next: correct on all 2 cases"
    assert lines[1].startswith("✗ yt_pred: wrong values: largest difference ")
    assert lines[-1] == ("Hint: `a_next` is right but `yt_pred` is not: the prediction seems to use `a_prev`; "
                         "it should be softmax(Wya a_next + by), from the new hidden state.")


def test_no_hint_without_a_known_mistake():
    """Right outputs, noise, or a mistake on one case only: no hint line?"""
    from grader.exercises.rnn_lstm import reference

    assert not any(l.startswith("Hint") for l in selfcheck.report("lstm_cell_forward", reference.lstm_cell_forward)[1])

    def noisy(*args):
        a_next, c_next, yt, cache = reference.lstm_cell_forward(*args)
        return a_next + 0.1, c_next, yt, cache
    assert not any(l.startswith("Hint") for l in selfcheck.report("lstm_cell_forward", noisy)[1])

    mistake = next(m for m in mistakes.for_function("lstm_cell_forward") if m.name == "tanh-missing-on-cell-state")
    calls = []

    def once(*args):  # the mistake on the first public case only
        calls.append(1)
        return (mistake.variant if len(calls) == 1 else reference.lstm_cell_forward)(*args)
    lines = selfcheck.report("lstm_cell_forward", once)[1]
    assert lines[0].startswith("✗ a_next") and not any(l.startswith("Hint") for l in lines)


def test_hints_in_the_cases_file_are_the_catalogue():
    """Is every hint the public cases carry a catalogue hint of that function, and every cell mistake there?"""
    carried = selfcheck.load_cases()["hints"]
    for m in mistakes.CATALOGUE:
        assert carried[m.function][m.name] == m.hint
    assert sum(len(v) for v in carried.values()) == len(mistakes.CATALOGUE)


# ------------------------------------------------------------- in a real kernel

MISTAKE_CELL = '''def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_prev + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''


@pytest.mark.slow
def test_notebook_self_check_shows_the_hint(tmp_path):
    """A student's notebook whose rnn_cell_forward predicts from a_prev, run in a real kernel: does the
    self-check cell print the hint (the grader's words) under the failing line?"""
    folder = copy_folder(SOURCE_DIR, tmp_path / "course")
    path = folder / "rnn_lstm.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "rnn_cell_forward")
    cell.source = MISTAKE_CELL
    nbformat.write(nb, str(path))
    ran = execute(path, allow_errors=True, timeout=300)
    check = next(c for c in ran.cells if is_selfcheck_cell(c) and c.id == "rnn_cell_forward_selfcheck")
    out = stream_text(check, "stdout")
    hint = next(m.hint for m in mistakes.for_function("rnn_cell_forward") if m.name == "yt-pred-from-a-prev")
    assert "✗ yt_pred: wrong values" in out
    assert f"Hint: {hint}" in out
    others = [c for c in ran.cells if is_selfcheck_cell(c) and c.id != "rnn_cell_forward_selfcheck"]
    assert others and not any("Hint:" in stream_text(c, "stdout") for c in others)
