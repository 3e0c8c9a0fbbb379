"""Bounds on what a worker can make the trusted grader do, answer or print.

Three classes of attack, each written as a student would (hostile attacks in
tests/fixtures/submissions/hostile/, joined to the correct example and graded
through the real sandbox), plus
unit tests of the pieces that hold the line:

- the black box answers only about the current case (shapes, parameters,
  number of calls), so it is no lookup table and its cost is the case's;
- whatever a worker sends (sizes, nesting, arrays, text), the grading process's
  memory and every output stay bounded, and a bad frame fails one function
  with a message, never the grader;
- student-controlled text reaches no sink raw: the terminal gets control
  characters escaped, CSV cells cannot start a formula, HTML is escaped.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import wire
from grader.messages import error_message, load_message
from grader.exercises.rnn_lstm.blackbox import call_limit
from grader.exercises.rnn_lstm.problems import BY_NAME
from grader.render.grades_csv import csv_safe, csv_text
from grader.render.text import terminal_safe, text_table
from grader.results import CUT, TEXT_BUDGET, Check, FunctionResult, SubmissionResult, clip
from grader.sandbox import WorkerFailure
from helpers import correct_source, replace_function

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ the black box, unit by unit

class Worker:
    """The worker's side of one call request, as worker.py builds it: the
    function's hidden cases decoded from the grader's own frame, and `Given`."""

    def __init__(self, grader, problem_name: str):
        self.problem = BY_NAME[problem_name]
        header, arrays = wire.unpack(grader._call_frame(self.problem), writable=True)
        self.cases = [wire.decode(tree, arrays) for tree in header["cases"]]
        self.given = wire.Given(arrays, self.cases)

    def ask(self, *args, **kwargs) -> bytes:
        """The frame of a black-box call with these arguments (unchanged inputs travel as references)."""
        tree, arrays = wire.encode(list(args) + [kwargs], given=self.given)
        return wire.pack({"op": "oracle", "function": self.problem.black_box, "args": tree}, arrays)


def answer(oracle, frame: bytes) -> dict:
    """What the grader answers (the memo first, as the session does), decoded."""
    raw = oracle.known(frame) or oracle(frame, *wire.unpack(frame))
    header, arrays = wire.unpack(raw)
    if header["status"] == "ok":
        header["value"] = wire.decode(header["result"], arrays, args=[None] * 10)
    return header


@pytest.fixture(scope="module")
def grader():
    from grader.api import Grader, Options

    g = Grader(Options(timeout=5.0), prestart=False)
    g.prepare()
    yield g
    g.close()


def test_black_box_answers_the_cases_own_questions(grader):
    """Does the black box answer a sequence function's calls on its own case (positional or by
    keyword) with the reference's values (rtol 1e-12)?"""
    from grader.exercises.rnn_lstm import reference

    worker = Worker(grader, "rnn_forward")
    x, a0, parameters = worker.cases[2]
    case = grader.cases["rnn_forward"][2]
    oracle = grader._oracle(worker.problem, case)
    want = reference.rnn_cell_forward(case.args[0][:, :, 0], case.args[1], case.args[2])
    for frame in (worker.ask(x[:, :, 0], a0, parameters), worker.ask(xt=x[:, :, 0], a_prev=a0, parameters=parameters)):
        got = answer(oracle, frame)
        assert got["status"] == "ok", got
        for g, w in zip(got["value"][:2], want[:2]):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=0)


@pytest.mark.parametrize("change, words", [
    (lambda x, a0, p: (x[:, :, 0], a0, {k: v * 1.0001 for k, v in p.items()}), "`parameters` must be the parameters"),
    (lambda x, a0, p: (x[:, :, 0], a0, {**p, "extra": np.zeros(1)}), "`parameters` must be the parameters"),
    (lambda x, a0, p: (x[:, :, 0], a0, {k: p[k] for k in list(p)[1:]}), "`parameters` must be the parameters"),
    (lambda x, a0, p: (x[:1, :, 0], a0, p), "`xt` has shape (1, 1), expected (3, 1)"),
    (lambda x, a0, p: (x[:, :, 0], np.ones((a0.shape[0], 8000)), p), "`a_prev` has shape (5, 8000)"),
    (lambda x, a0, p: (x[:, :, 0].tolist(), a0, p), "`xt` must be a numpy array"),
    (lambda x, a0, p: (x[:, :, 0].astype(complex), a0, p), "`xt` must be a numpy array of real numbers"),
    (lambda x, a0, p: (x[:, :, 0], a0), "do not fit rnn_cell_forward(xt, a_prev, parameters)"),
])
def test_black_box_refuses_questions_about_anything_else(grader, change, words):
    """Are changed, extra or missing parameters, other shapes, non-arrays and wrong signatures refused
    with a message saying what was wrong (and nothing computed)?"""
    worker = Worker(grader, "rnn_forward")
    oracle = grader._oracle(worker.problem, grader.cases["rnn_forward"][0])
    got = answer(oracle, worker.ask(*change(*worker.cases[0])))
    assert got["status"] == "error"
    assert "answers only calls about the case being graded" in got["message"] and words in got["message"], got


def test_black_box_refuses_another_cases_question_even_when_memoised(grader):
    """Is a question answered for case 3 refused for case 0, even though the answer to those very
    bytes is in the batch memo (the memo is kept per case)?"""
    worker = Worker(grader, "rnn_forward")
    x, a0, parameters = worker.cases[3]
    frame = worker.ask(x[:, :, 0], a0, parameters)
    assert answer(grader._oracle(worker.problem, grader.cases["rnn_forward"][3]), frame)["status"] == "ok"
    got = answer(grader._oracle(worker.problem, grader.cases["rnn_forward"][0]), frame)
    assert got["status"] == "error" and "`xt` has shape (10, 12), expected (3, 1)" in got["message"], got


def test_backward_black_box_checks_every_item_of_the_cache(grader):
    """Does lstm_cell_backward answer with the case's own cell caches, and refuse a cache whose
    parameters or gate shapes are not the case's?"""
    worker = Worker(grader, "lstm_backward")
    da, (cells, x) = worker.cases[1]
    oracle = grader._oracle(worker.problem, grader.cases["lstm_backward"][1])
    n_a, m = da.shape[:2]
    ok = answer(oracle, worker.ask(da[:, :, 0], np.zeros((n_a, m)), cells[0]))
    assert ok["status"] == "ok" and set(ok["value"]) >= {"dxt", "dWf"}, ok
    params = dict(cells[0][-1], Wf=cells[0][-1]["Wf"] + 1.0)
    for cache, words in [(cells[0][:-1] + (params,), "in `cache`: `parameters` must be"),
                         (cells[0][:4] + (np.zeros((n_a + 1, m)),) + cells[0][5:], "in `cache`: `ft` has shape"),
                         (cells[0][:3], "`cache` must be a tuple of 10 items")]:
        got = answer(oracle, worker.ask(da[:, :, 0], np.zeros((n_a, m)), cache))
        assert got["status"] == "error" and words in got["message"], got


def test_black_box_calls_end_the_call_beyond_the_cases_limit(grader):
    """Does the (2 T_x + 2)-th-plus-one call end the call with a clear failure, whether the answers
    came from the memo or not?"""
    worker = Worker(grader, "rnn_forward")
    case = grader.cases["rnn_forward"][0]
    oracle = grader._oracle(worker.problem, case)
    x, a0, parameters = worker.cases[0]
    frame = worker.ask(x[:, :, 0], a0, parameters)
    limit = call_limit(case)
    assert limit == 2 * case.shape.T_x + 2
    for _ in range(limit):
        assert answer(oracle, frame)["status"] == "ok"
    with pytest.raises(WorkerFailure, match=r"rnn_cell_forward called too many times: more than 10 calls"):
        answer(oracle, frame)


def test_black_box_kept_per_case_and_its_calls_counted_per_call(grader):
    """The black box of (problem, case) is built once per batch (Grader._boxes) and handed to each
    call's Oracle: the same box for the same case, never another case's, and a fresh call count
    (and limit) for every call."""
    worker = Worker(grader, "rnn_forward")
    case0, case1 = grader.cases["rnn_forward"][:2]
    first = grader._oracle(worker.problem, case0)
    x, a0, parameters = worker.cases[0]
    frame = worker.ask(x[:, :, 0], a0, parameters)
    for _ in range(call_limit(case0)):
        assert answer(first, frame)["status"] == "ok"
    again = grader._oracle(worker.problem, case0)
    assert again.box is first.box and again.calls == 0
    assert answer(again, frame)["status"] == "ok"  # a new call: its own limit
    other = grader._oracle(worker.problem, case1)
    assert other.box is not first.box and other.box.limit == call_limit(case1)
    got = answer(other, frame)  # case 0's question, asked during a call on case 1
    assert got["status"] == "error" and "answers only calls about the case being graded" in got["message"], got


def test_honest_black_box_patterns_keep_full_marks(session_grader, write):
    """Does a sequence function that calls its cell twice per step (once per output it takes),
    by keyword, plus once before the loop, still get full marks?"""
    source = replace_function(correct_source(), "rnn_forward", '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y = rnn_cell_forward(x[:, :, 0], a0, parameters)[1].shape[0]  # a shape, from one extra call
    n_a = a0.shape[0]
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = a0
    for t in range(T_x):
        yt = rnn_cell_forward(xt=x[:, :, t], a_prev=a_next, parameters=parameters)[1]
        a_next, _, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)
''')
    result = session_grader.grade_file(write("twice.py", source))
    assert result.score == 100.0, result.function("rnn_forward").feedback


# ------------------------------------------------------------------ the black box, attacked for real

@pytest.mark.parametrize("fixture, function, words", [
    ("oracle-other-parameters.py", "rnn_forward", "`parameters` must be the parameters your function was given"),
    ("oracle-other-case.py", "rnn_forward", "answers only calls about the case being graded: `xt` has shape"),
    ("oracle-broadcast-shapes.py", "rnn_forward", "`xt` has shape (1, 8000), expected (3, 1)"),
    ("oracle-call-flood.py", "lstm_forward", "lstm_cell_forward called too many times"),
])
def test_black_box_attacks_fail_their_function(kit, fixture, function, words):
    """Does each attack on the black box (a lookup on chosen parameters, another case's question,
    an 8000 x 8000 request, a flood of calls) fail only its function, with a message?"""
    [result] = kit.grade_json(kit.HOSTILE / fixture)
    kit.assert_only_hostile_loses(result, function)
    assert words in kit.feedback(result, function)


# ------------------------------------------------------------------ frames and memory

@pytest.mark.parametrize("fixture, function, words", [
    ("huge-exception-name.py", "rnn_cell_forward", "bytes of JSON, more than the 262144 allowed"),
    ("forged-deep-header.py", "lstm_cell_backward", "header nested too deeply"),
    ("forged-huge-frame.py", "rnn_cell_backward", "1099511627776 bytes of arrays, more than the"),
    ("forged-many-arrays.py", "lstm_cell_forward", "bytes of JSON, more than the 262144 allowed"),
    ("huge-return.py", "rnn_cell_forward", "40000000 bytes of arrays, more than the"),
    ("forged-zero-size-shape.py", "lstm_cell_forward", "array with an invalid shape"),
])
def test_oversized_or_malformed_frames_fail_their_function(kit, fixture, function, words):
    """Does a frame too large, too deep or with too many arrays (sent by the worker, or forged on
    the reply pipe by student code) fail only its function with a message, exit 0?"""
    [result] = kit.grade_json(kit.HOSTILE / fixture)
    kit.assert_only_hostile_loses(result, function)
    assert words in kit.feedback(result, function), kit.feedback(result, function)


def test_a_forged_load_reply_is_no_internal_error(kit, tmp_path):
    """Does a load reply forged at load time (a class body) with `errors` that are not a list of
    objects end as a graded result, exit 0, rather than an internal error?"""
    source = correct_source() + '''

class Forge:
    import os as _os, sys as _sys
    _wire = _sys.modules["wire"]
    _wire.send(_sys.modules["__main__"].REPLY_FD, {"errors": ["not a dict", 7, {"type": ["x"] * 3, "message": {"a": 1}}]})
'''
    path = tmp_path / "forged-load.py"
    path.write_text(source)
    [result] = kit.grade_json(path)
    assert len(result["functions"]) == 8  # graded (to what the protocol allows), not an internal error


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["oracle-broadcast-shapes", "huge-exception-name", "forged-many-arrays"])
def test_grading_process_memory_stays_bounded_under_attack(kit, fixture):
    """Does the grading process's peak memory (VmHWM) under an attack stay within 64 MiB of grading
    the correct example? (Before the bounds: +1950 MiB, +118 MiB and +161 MiB.)"""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_bounds import measure

    baseline = measure(ROOT / "examples" / "submissions" / "correct.py", "10")
    attacked = measure(kit.HOSTILE / f"{fixture}.py", "10")
    assert attacked["exit"] == 0
    assert attacked["peak_mib"] - baseline["peak_mib"] < 64, (baseline, attacked)


def test_the_deadline_is_checked_after_each_black_box_answer(monkeypatch, write):
    """When ten black-box questions arrive in one burst and each answer takes 0.3 s, does the
    1 s deadline end the call after the answer that crossed it (at most 5 answered), rather than
    after all ten?"""
    import time

    from grader.api import Grader, Options

    answered = []

    class Slow:
        def __init__(self, oracle):
            self.oracle = oracle

        def known(self, frame):
            return None

        def __call__(self, *args):
            if self.oracle.problem.name == "rnn_forward":
                time.sleep(0.3)
                answered.append(1)
            return self.oracle(*args)

    real = Grader._oracle
    monkeypatch.setattr(Grader, "_oracle", lambda self, problem, case: Slow(real(self, problem, case)))
    source = replace_function(correct_source(), "rnn_forward", '''
def rnn_forward(x, a0, parameters):
    import os, sys, time
    wire = sys.modules["wire"]
    tree, arrays = wire.encode([x[:, :, 0], a0, parameters, {}])
    frame = wire.pack({"op": "oracle", "function": "rnn_cell_forward", "args": tree}, arrays)
    os.write(sys.modules["__main__"].REPLY_FD, frame * 10)  # ten questions at once
    time.sleep(30)
''')
    grader = Grader(Options(timeout=1.0))
    try:
        result = grader.grade_file(write("burst.py", source))
    finally:
        grader.close()
    assert "did not finish within 1 s" in result.function("rnn_forward").summary
    assert 1 <= len(answered) <= 5, len(answered)


def test_reply_limits_follow_the_expected_outputs(grader):
    """Is each function's limit on array bytes per frame 4x its largest case's arguments and outputs
    plus 1 MiB: above what any reply of the right form needs, far below the old 256 MiB?"""
    from grader.api import nbytes

    for name, cases in grader.cases.items():
        limit = grader.reply_limit(BY_NAME[name])
        assert limit == 4 * max(nbytes(c.args) + nbytes(c.expected) for c in cases) + (1 << 20)
        assert limit < 4 << 20


# ------------------------------------------------------------------ text: caps

def test_worker_text_is_capped_where_it_enters_the_results():
    """Are a reply's type, message and `where` each cut to a fixed length, and are non-strings
    (lists, dicts nested deeply) named by their type rather than converted?"""
    class Sub:
        scratch_names = {}

    deep = []
    for _ in range(5000):
        deep = [deep]
    text = error_message({"type": "T" * 10**6, "message": "M" * 10**6, "where": deep}, Sub(), 2 << 30)
    assert len(text) < 1200 and CUT in text and "<list>" in text
    assert load_message("not a dict") is None
    loaded = load_message({"type": {"x": 1}, "message": "m" * 10**6, "label": "L" * 10**6, "line": 10**40})
    assert len(loaded) < 1200


def test_a_submissions_text_has_a_fixed_total():
    """Does bound_text cut the whole of a result's text to TEXT_BUDGET characters, marking the cut?"""
    result = SubmissionResult("x.py", "x.py", messages=["m" * 50_000] * 5, printed="p" * 2000)
    for name in BY_NAME:
        result.functions.append(FunctionResult(name, 10.0, [Check(f"c{i}", 1.0, False, "e" * 9000) for i in range(5)],
                                               hints=["h" * 9000]))
    result.bound_text()
    texts = result.messages + [result.printed] + [x for f in result.functions for x in
                                                   [c.message for c in f.checks] + f.hints]
    assert sum(len(t.replace(CUT, "")) for t in texts) == TEXT_BUDGET
    assert result.functions[0].checks[0].message == "e" * 9000  # the first functions' feedback is kept whole
    assert result.printed == CUT


def test_long_worker_text_is_capped_in_every_output(kit):
    """With the worker patched to cut nothing, are 60,000-character type, message and source line
    capped in the results (the JSON stays small)?"""
    [result] = kit.grade_json(kit.HOSTILE / "long-exception-text.py")
    kit.assert_only_hostile_loses(result, "rnn_cell_backward")
    assert len(json.dumps(result)) < 40_000
    assert "raised TTTT" in kit.feedback(result, "rnn_cell_backward")


def test_text_flooding_every_function_has_a_bounded_results_json(kit, tmp_path):
    """Does a submission whose eight functions all raise 200 KB texts (worker patched) get a
    results.json bounded by the text budget?"""
    source = "import sys\n"
    for name in BY_NAME:
        source += f'''
def {name}(*args):
    worker = sys.modules["__main__"]
    worker.short = str
    raise type("T" * 100_000, (Exception,), {{}})("M" * 100_000)
'''
    path = tmp_path / "flood.py"
    path.write_text(source)
    proc = kit.run_cli("grade", path, "--format", "gradescope", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(proc.stdout) < 8 * TEXT_BUDGET
    assert json.loads(proc.stdout)["score"] == 0


# ------------------------------------------------------------------ text: sinks

def test_terminal_safe_escapes_every_control_character():
    """Are C0/C1 controls, ESC, DEL, bidi overrides and separators shown as escapes, other text kept?"""
    assert terminal_safe("a\x1b[31mb\r\nc\td\x7f\x9b\u202e\u2066\u2028é✓") == (
        "a\\x1b[31mb\\r\\nc\\td\\x7f\\x9b\\u202e\\u2066\\u2028é✓")


def test_terminal_table_cannot_be_forged(kit):
    """Does the terminal table of a submission raising an exception named with ANSI escapes and
    newlines keep one line per function, no escape character, and show the function failed?"""
    proc = kit.run_cli("grade", kit.HOSTILE / "terminal-escapes.py", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout and "\u202e" not in proc.stdout
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == 1 + 8 + 1, lines  # the name, a line per function, isolation
    [line] = [t for t in lines if t.strip().startswith("rnn_cell_forward")]
    assert "0/10" in line and "failed" in line and "\\x1b[2K\\r" in line


def test_worker_text_is_one_line_in_plain_text_feedback(kit):
    """Is the same exception shown with its controls escaped in the JSON/Gradescope feedback too
    (escaped where it enters the results), so it cannot forge a feedback line there either?"""
    [result] = kit.grade_json(kit.HOSTILE / "terminal-escapes.py")
    kit.assert_only_hostile_loses(result, "rnn_cell_forward")
    feedback = kit.function(result, "rnn_cell_forward")["feedback"]
    assert feedback.count("\n") == 0 and "\x1b" not in feedback and "\u202e" not in feedback
    assert "\\x1b[2K\\r" in feedback and "\\u202eTOTAL" in feedback


def test_text_table_escapes_names_and_messages():
    """Are a file name and file messages with newlines and escapes kept on their own line each?"""
    result = SubmissionResult("a\nforged: 100 / 100\x1b[0m.py", "p", messages=["m\r\nnext"])
    result.functions = [FunctionResult(n, 10.0, problem="x\n  rnn_forward  10/10 ✓ passed") for n in BY_NAME]
    lines = text_table(result, colour=True).split("\n")
    assert len(lines) == 1 + 1 + 8 + 1
    assert lines[0].count("\x1b[") == 2  # only the table's own colour (bold on, reset)
    assert "a\\nforged: 100 / 100\\x1b[0m.py: 0 / 80" in lines[0]


def test_csv_cells_cannot_start_a_formula(kit, tmp_path):
    """Is a submission named `=HYPERLINK(...)`, `+`, `-`, `@` or with a leading tab written to
    grades.csv with a leading apostrophe (as text), and its score still right?"""
    assert [csv_safe(c) for c in ("=1", "+1", "-1", "@x", "\tx", "\rx", "ok", "10")] == [
        "'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", "10"]
    folder = tmp_path / "in"
    folder.mkdir()
    name = '=HYPERLINK("evil.example","click").py'
    (folder / name).write_text(correct_source())
    out = tmp_path / "out"
    proc = kit.run_cli("grade", folder, "--out", out, "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = list(csv.reader((out / "grades.csv").open(encoding="utf-8")))
    assert rows[1][0] == "'" + name and rows[1][-2] == "100"
    assert csv_text([["-x", "1"]]).splitlines()[1] == "'-x,1"


def test_html_feedback_stays_escaped(kit, tmp_path):
    """Are markup in a file name and in an exception's type and message escaped in the feedback page?"""
    folder = tmp_path / "in"
    folder.mkdir()
    name = "<img src=x onerror=alert(1)>.py"
    source = replace_function(correct_source(), "rnn_cell_forward", '''
def rnn_cell_forward(xt, a_prev, parameters):
    raise type("<script>alert(1)</script>", (Exception,), {})("<b onmouseover=alert(2)>")
''')
    (folder / name).write_text(source)
    out = tmp_path / "out"
    proc = kit.run_cli("grade", folder, "--out", out, "--html", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    [page] = out.glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_file_name_cannot_forge_terminal_lines(kit, tmp_path):
    """Does a submission file named with a newline, a carriage return and ANSI escapes keep the
    terminal table to one line for its name, with no escape character printed?"""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\x1b[2K\rb.py").write_text(correct_source())
    (folder / "c\nzz-forged.py: 100 \u2215 100.py").write_text("def f():\n    pass\n")  # U+2215: no slash
    proc = kit.run_cli("grade", folder, "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
    assert "a\\x1b[2K\\rb.py: 100 / 100" in proc.stdout
    assert "c\\nzz-forged.py: 100 \u2215 100.py: 0 / 100" in proc.stdout
    assert not any(line.startswith("zz-forged") for line in proc.stdout.split("\n"))


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(reply=st.dictionaries(st.sampled_from(["status", "type", "message", "where", "value", "case", "errors"]),
                             json_value), errors=json_value)
def test_any_reply_header_becomes_an_outcome_or_a_message(reply, errors):
    """Whatever JSON a worker puts in a reply (any types, any nesting), do the trusted functions
    that read it give an Outcome or message text rather than raise?"""
    from types import SimpleNamespace

    from grader.api import Grader, Options
    from grader.checks import Outcome

    class Sub:
        scratch_names = {"x": "cell 1"}

    outcome = Grader._outcome(SimpleNamespace(options=Options()), reply, [], Sub(), ([], []))
    assert isinstance(outcome, Outcome) and isinstance(outcome.error, str)
    for err in errors if isinstance(errors, list) else [errors]:
        message = load_message(err)
        assert message is None or isinstance(message, str)


def test_clip_shows_strings_and_numbers_only():
    """Does clip keep short strings and numbers, cut long ones, and name other values by type?"""
    assert clip("abc", 5) == "abc" and clip("abcdef", 3) == "abc" + CUT
    assert clip(12, 5) == "12" and clip(None, 5) == "None" and clip({"a": 1}, 50) == "<dict>"
    assert clip(10 ** 100, 50) == "<a large int>"
