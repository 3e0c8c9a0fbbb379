"""Grading policy end to end: correct styles, single mistakes, isolation between functions."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grader.exercises.rnn_lstm.mistakes import CATALOGUE
from grader.exercises.rnn_lstm.problems import BY_NAME, GRADED_FUNCTIONS
from helpers import correct_source, replace_function, with_change

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "submissions"
sys.path.insert(0, str(FIXTURES))
from patches import CATALOGUE_PATCHES, MUTANT_PATCHES, mutant_source  # noqa: E402
CORRECT_FILES = sorted((FIXTURES / "correct").glob("*.*"))
MUTANT_FILES = [Path(f"{name}.py") for name in sorted(MUTANT_PATCHES)]  # names; generated_submissions writes them


def mistake_for(path: Path):
    """The catalogue entry a mutant fixture is named after (<function>__<mistake> or <mistake>)."""
    stem = path.stem
    matches = [m for m in CATALOGUE if stem in (f"{m.function}__{m.name}", f"{m.function}-{m.name}", m.name)]
    assert len(matches) == 1, f"{path.name} does not name exactly one catalogue mistake: {matches}"
    return matches[0]


def test_fixtures_exist():
    """Are there correct submissions in several styles and a mutant (a file or a patch) for every catalogue mistake?"""
    assert len(CORRECT_FILES) >= 4
    filed = {mistake_for(p) for p in MUTANT_FILES}
    patched = {m for m in CATALOGUE if f"{m.function}__{m.name}" in CATALOGUE_PATCHES}
    assert filed | patched == set(CATALOGUE) and not filed & patched


@pytest.mark.parametrize("path", CORRECT_FILES + [Path(__file__).resolve().parents[2] / "examples/submissions/correct.py"],
                         ids=lambda p: p.name)
def test_correct_submission_gets_full_marks(session_grader, path):
    """Does a correct submission, whatever its style, get 100/100 with every check passed?"""
    result = session_grader.grade_file(path)
    failures = {f.name: f.feedback for f in result.functions if not f.passed}
    assert failures == {}
    assert result.score == 100.0


@pytest.mark.parametrize("path", MUTANT_FILES, ids=lambda p: p.stem)
def test_mutant_loses_points_in_its_function_only_and_is_diagnosed(session_grader, generated_submissions, path):
    """Does a single known mistake cost points in its own function only, with its hint?"""
    mistake = mistake_for(path)
    result = session_grader.grade_file(generated_submissions / "mutants" / path.name)
    scores = {f.name: (f.score, f.max_score) for f in result.functions}
    for name, (score, max_score) in scores.items():
        if name == mistake.function:
            assert score < max_score, f"{name} should lose points"
        else:
            assert score == max_score, f"{name} lost points for a mistake in {mistake.function}"
    assert mistake.hint in result.function(mistake.function).hints


@pytest.mark.parametrize("name", sorted(CATALOGUE_PATCHES))
def test_patched_mutant_is_diagnosed_with_its_hint_only(session_grader, write, name):
    """Graded for real, does loops.py with one catalogued edit lose points in that function only, with exactly its hint?"""
    mistake = mistake_for(Path(name + ".py"))
    result = session_grader.grade_file(write(name + ".py", mutant_source(CATALOGUE_PATCHES[name])))
    for f in result.functions:
        if f.name == mistake.function:
            assert f.score < f.max_score and f.hints == [mistake.hint], (f.feedback, f.hints)
        else:
            assert f.passed and not f.hints, f.name


def test_sequence_function_runs_with_a_correct_cell(session_grader, write):
    """Is rnn_forward graded with a correct cell in place of a wrong rnn_cell_forward?"""
    source = with_change("a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)",
                         "a_next = np.tanh(Waa @ a_prev + Wax @ xt)")
    result = session_grader.grade_file(write("cell-wrong.py", source))
    assert result.function("rnn_cell_forward").score < 10
    assert result.function("rnn_forward").score == 10


def test_backward_function_gets_reference_caches(session_grader, write):
    """Is lstm_cell_backward graded on reference caches when lstm_cell_forward is wrong?"""
    source = with_change("a_next = ot * np.tanh(c_next)", "a_next = ot * c_next")
    result = session_grader.grade_file(write("forward-wrong.py", source))
    assert result.function("lstm_cell_forward").score < 15
    for name in ("lstm_cell_backward", "lstm_forward", "lstm_backward"):
        assert result.function(name).passed, name


def test_sequence_function_never_sees_reference_source(session_grader, write):
    """Is the black-box cell handed to a sequence function free of readable source?"""
    source = replace_function(correct_source(), "rnn_forward", '''
def rnn_forward(x, a0, parameters):
    import inspect
    try:
        text = inspect.getsource(rnn_cell_forward)
    except Exception:
        text = ""
    if "tanh" in text:
        raise RuntimeError("found the reference source")
    raise ValueError("no source: " + type(rnn_cell_forward).__name__)
''')
    feedback = session_grader.grade_file(write("peek.py", source)).function("rnn_forward").feedback
    assert "no source" in feedback and "found the reference" not in feedback


def test_stub_says_not_implemented(session_grader, write):
    """Does a stub raising NotImplementedError get 0 and 'not implemented yet'?"""
    source = replace_function(correct_source(), "lstm_backward", '''
def lstm_backward(da, caches):
    # YOUR CODE HERE
    raise NotImplementedError()
''')
    fr = session_grader.grade_file(write("stub.py", source)).function("lstm_backward")
    assert fr.score == 0
    assert "not implemented yet" in fr.feedback


def test_global_from_scratch_code_is_named(session_grader, write):
    """Is a function that relies on a global set only by a test cell told so?"""
    source = correct_source() + "\nnp.random.seed(1)\nWya_test = np.random.randn(2, 5)\n"
    source = source.replace("yt_pred = softmax(Wya @ a_next + by)", "yt_pred = softmax(Wya_test @ a_next + by)")
    fr = session_grader.grade_file(write("scratch.py", source)).function("rnn_cell_forward")
    assert fr.score < fr.max_score
    assert "Wya_test" in fr.feedback and "scratch" in fr.feedback


def test_modifying_inputs_costs_a_tenth(session_grader, write):
    """Does a function that changes its input arrays in place lose 10% and name the argument?"""
    source = with_change("dz = da_next * (1.0 - a_next ** 2)",
                         "da_next *= (1.0 - a_next ** 2)\n    dz = da_next")
    fr = session_grader.grade_file(write("inplace.py", source)).function("rnn_cell_backward")
    assert fr.score == pytest.approx(9.0, abs=1e-9)
    assert "da_next" in fr.feedback and "in place" in fr.feedback


def test_rubric_adds_to_100_in_one_place():
    """Do the function weights sum to the documented 10/10/15/15 per direction?"""
    points = {n: BY_NAME[n].points for n in GRADED_FUNCTIONS}
    assert points == {"rnn_cell_forward": 10, "rnn_forward": 10, "lstm_cell_forward": 15, "lstm_forward": 15,
                      "rnn_cell_backward": 10, "rnn_backward": 10, "lstm_cell_backward": 15,
                      "lstm_backward": 15}


def test_same_submission_same_result(session_grader):
    """Is grading deterministic (timing aside)?"""
    path = Path(__file__).resolve().parents[2] / "examples/submissions/buggy.ipynb"
    first = session_grader.grade_file(path).to_dict(timing=False)
    second = session_grader.grade_file(path).to_dict(timing=False)
    assert first == second


def test_plotting_imports_are_deferred_but_work(session_grader, write):
    """Is `import matplotlib.pyplot` cheap when unused, and a real import when a function uses it?"""
    source = "import matplotlib.pyplot as plt\nfrom matplotlib import cm\n" + correct_source()
    source = replace_function(source, "rnn_cell_forward", '''
def rnn_cell_forward(xt, a_prev, parameters):
    figure = plt.figure()
    assert cm.viridis is not None and type(figure).__name__ == "Figure"
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    cache = (a_next, a_prev, xt, parameters)
    return a_next, softmax(parameters["Wya"] @ a_next + parameters["by"]), cache
''')
    result = session_grader.grade_file(write("plots.py", source))
    assert result.score == 100.0, result.function("rnn_cell_forward").feedback


def test_unused_plotting_import_is_not_executed(session_grader, write):
    """Does `import matplotlib.pyplot` leave pyplot's code unexecuted until something uses it?"""
    source = "import sys\nimport matplotlib.pyplot as plt\n" + correct_source()
    source = replace_function(source, "rnn_cell_forward", '''
def rnn_cell_forward(xt, a_prev, parameters):
    raise ValueError("pyplot executed: %s" % ("figure" in vars(sys.modules["matplotlib.pyplot"])))
''')
    feedback = session_grader.grade_file(write("unused-plots.py", source)).function("rnn_cell_forward").feedback
    assert "pyplot executed: False" in feedback


def test_identical_work_is_scored_and_answered_once_per_batch(write):
    """Does a second, identical submission reuse the first's verdicts and oracle answers, with the same result?"""
    from grader.api import Grader, Options

    grader = Grader(Options(timeout=5.0))
    try:
        first = grader.grade_file(write("a/correct.py", correct_source()), "x").to_dict(timing=False)
        first.pop("path")
        verdicts, answers = len(grader._verdicts), len(grader._answers)
        assert verdicts == len(GRADED_FUNCTIONS)  # one per function: all its replies were "ok"
        assert answers > 0  # the four sequence functions called their black-box cell
        second = grader.grade_file(write("b/correct.py", correct_source()), "x").to_dict(timing=False)
        second.pop("path")
        assert second == first and first["score"] == 100
        assert (len(grader._verdicts), len(grader._answers)) == (verdicts, answers)
        buggy = with_change("a_next = np.tanh(", "a_next = np.sinh(")
        third = grader.grade_file(write("c/buggy.py", buggy), "x")
        assert third.score < 100 and len(grader._verdicts) > verdicts  # different replies: scored afresh
    finally:
        grader.close()


def test_memo_drops_the_least_recently_used_beyond_its_budget():
    """Does a batch memo stay within its byte budget by dropping what was used least recently?"""
    from grader.api import Memo

    memo = Memo()
    memo.LIMIT = 12
    for key in "abc":
        memo.add(key, key.upper(), 4)
    assert memo.get("a") == "A"  # now the most recently used
    memo.add("d", "D", 4)  # 16 bytes: one must go, the least recently used ("b")
    assert [memo.get(k) for k in "abcd"] == ["A", None, "C", "D"] and memo.size == 12 and len(memo) == 3
    memo.add("huge", "H", 13)  # larger than the whole budget: not kept, nothing dropped
    assert memo.get("huge") is None and len(memo) == 3


def test_black_box_calls_are_limited_even_when_answered_from_memory(session_grader, write):
    """Does a loop of identical black-box calls (answered from the batch memo after the first)
    still stop at the call limit (2 T_x + 2 per case) with a clear error?"""
    source = replace_function(correct_source(), "rnn_forward", '''
def rnn_forward(x, a0, parameters):
    for _ in range(1000):
        rnn_cell_forward(x[:, :, 0], a0, parameters)
    raise AssertionError("the loop was never stopped")
''')
    result = session_grader.grade_file(write("loop.py", source))
    summary = result.function("rnn_forward").summary
    assert "rnn_cell_forward called too many times" in summary, summary
