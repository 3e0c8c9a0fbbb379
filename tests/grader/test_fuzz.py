"""Property-based fuzzing of the submission reader and, for a few examples, of
whole grades: malformed JSON, wrong nbformat versions, missing keys, wrong
types, huge cells, binary junk, deep nesting. Reading never raises; grading
always gives a result, exit status 0 and no traceback."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader import submission
from grader.exercises.rnn_lstm.problems import GRADED_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
CORRECT_SOURCE = (ROOT / "examples" / "submissions" / "correct.py").read_text()

READ_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large])

# ---------------------------------------------------------------- strategies

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      st.text(max_size=30))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)

python_snippets = st.sampled_from([
    "def rnn_cell_forward(xt, a_prev, parameters):\n    return xt, a_prev, None\n",
    "import numpy as np\n", "%matplotlib inline\n", "!pip install foo\n", "x?\n",
    "def lstm_forward(x, a0, parameters)\n    pass\n",  # syntax error
    "class A:\n    pass\n", "print('hello')\n", "Wf = np.zeros((2, 3))\n", "x = " + "+".join(["1"] * 50) + "\n",
    "\x00", "\ufffd", "\t\tindented\n", "def f(:\n", "from public_tests import *\n", "%%bash\nls\n",
    CORRECT_SOURCE[:500],
])
cell_source = st.one_of(
    st.text(max_size=200),
    st.lists(python_snippets, max_size=6).map("".join),
    st.lists(st.one_of(python_snippets, st.text(max_size=20)), max_size=6),  # a list of lines
    json_value,  # a number, a dict, None, ...
)
cell = st.one_of(
    st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown", "raw", 7, None]),
                           "source": cell_source},
                          optional={"metadata": st.one_of(json_value, st.fixed_dictionaries({
                              "nbgrader": st.one_of(json_value, st.fixed_dictionaries(
                                  {"grade": st.booleans(), "solution": st.booleans()}))})),
                              "outputs": json_value, "execution_count": json_value,
                              "input": cell_source}),
    json_value,
)
notebook = st.fixed_dictionaries(
    {},
    optional={"cells": st.one_of(st.lists(cell, max_size=6), json_value),
              "nbformat": st.one_of(st.sampled_from([4, 3, 2, 5, "4", None, 4.0]), json_value),
              "nbformat_minor": json_value, "metadata": json_value,
              "worksheets": st.one_of(st.lists(st.one_of(
                  st.fixed_dictionaries({"cells": st.lists(cell, max_size=4)}), json_value), max_size=2),
                  json_value)})


def as_text(value) -> str:
    return json.dumps(value)


notebook_bytes = st.one_of(
    notebook.map(as_text).map(str.encode),
    notebook.map(as_text).flatmap(lambda t: st.integers(0, len(t)).map(lambda n: t[:n].encode())),  # truncated
    json_value.map(as_text).map(str.encode),
    st.binary(max_size=2000),
    st.sampled_from([b"", b"{}", b"[]", b"null", b"\xef\xbb\xbf{}", b"{\"cells\": 1}",
                     b"[" * 100_000 + b"]" * 100_000,
                     b'{"cells": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
                     b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": "' + b"x" * (2 << 20) + b'"}]}']),
)
python_bytes = st.one_of(
    st.lists(python_snippets, max_size=10).map("".join).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2000),
    st.sampled_from([b"", b"\x00" * 100, b"\xff\xfe", CORRECT_SOURCE.encode().replace(b"np.", b"\xe9np."),
                     b"x = " + b"(" * 100_000 + b")" * 100_000 + b"\n",
                     b"x = " + b"-" * 100_000 + b"1\n",
                     b"x = [" + b"[" * 90 + b"]" * 90 + b"]\n",
                     b"def rnn_cell_forward(a, b, c):\n" + b"    x = 1\n" * 200_000]),
)


def check_read(path: Path) -> submission.Submission:
    sub = submission.read(path)
    assert isinstance(sub, submission.Submission)
    assert sub.fatal is None or isinstance(sub.fatal, str)
    assert all(isinstance(m, str) for m in sub.messages)
    assert set(sub.functions) <= set(GRADED_FUNCTIONS)
    for s in sub.statements:
        assert isinstance(s.source, str) and isinstance(s.line, int)
        json.dumps(s.to_wire())  # it crosses the wire as JSON
    return sub


# ---------------------------------------------------------------- read(): heavily

@READ_SETTINGS
@given(data=notebook_bytes)
def test_read_never_raises_on_notebooks(tmp_path_factory, data):
    """Does reading any bytes as a notebook give a Submission (never an exception)?"""
    path = tmp_path_factory.mktemp("nb") / "fuzz.ipynb"
    path.write_bytes(data)
    check_read(path)


@READ_SETTINGS
@given(data=python_bytes)
def test_read_never_raises_on_python_files(tmp_path_factory, data):
    """Does reading any bytes as a .py file give a Submission (never an exception)?"""
    path = tmp_path_factory.mktemp("py") / "fuzz.py"
    path.write_bytes(data)
    check_read(path)


@pytest.mark.parametrize("kind", ["binop", "unary", "attribute", "call"])
@pytest.mark.parametrize("depth", [100, 1500, 5000, 100_000])
def test_read_survives_deeply_nested_expressions(tmp_path, kind, depth):
    """Does a deeply nested constant expression (x = 1+1+...+1, - - -1, a.b.b..., f(f(...))) never make read() raise?"""
    text = {"binop": "x = " + "+".join(["1"] * depth),
            "unary": "x = " + "-" * depth + "1",
            "attribute": "x = a" + ".b" * depth,
            "call": "x = " + "f(" * depth + ")" * depth}[kind]
    for suffix, data in ((".py", text + "\n"),
                         (".ipynb", json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": text}]}))):
        path = tmp_path / ("deep" + suffix)
        path.write_text(data)
        check_read(path)


# ---------------------------------------------------------------- whole grades: a handful

@pytest.mark.slow
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(nb=notebook_bytes, py=python_bytes)
def test_cli_always_gives_a_result(kit, tmp_path_factory, nb, py):
    """Does the CLI give one result per fuzzed file, exit status 0 and no traceback?"""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "a.ipynb").write_bytes(nb)
    (folder / "b.py").write_bytes(py)
    results = kit.grade_json(folder, extra=("--jobs", "2"))
    assert [r["submission"] for r in results] == ["a.ipynb", "b.py"]
    for r in results:
        assert set(kit.scores(r)) == set(GRADED_FUNCTIONS)


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(nb=notebook.map(as_text))
def test_api_always_gives_a_result(fast_grader, tmp_path_factory, nb):
    """Does Grader.grade_file give a result with all eight functions for any notebook-shaped JSON?"""
    path = tmp_path_factory.mktemp("api") / "fuzz.ipynb"
    path.write_text(nb)
    result = fast_grader.grade_file(path)
    assert sorted(f.name for f in result.functions) == sorted(GRADED_FUNCTIONS)
    assert 0.0 <= result.score <= result.max_score


def test_cli_on_deeply_nested_expression(kit, tmp_path):
    """Does a .py with a 1500-term constant sum (x = 1+1+...) still get a result with exit 0 through the CLI?"""
    path = tmp_path / "deep.py"
    path.write_text(CORRECT_SOURCE + "\nx = " + "+".join(["1"] * 1500) + "\n")
    [result] = kit.grade_json(path)
    assert result["score"] == 100.0
