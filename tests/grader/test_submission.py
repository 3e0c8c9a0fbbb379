"""Reading submissions: only definitions are kept, nothing is executed, broken code is salvaged."""
from __future__ import annotations

import nbformat

from grader import submission


def notebook(tmp_path, *cells, name="nb.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [c if not isinstance(c, str) else nbformat.v4.new_code_cell(c) for c in cells]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_only_definitions_are_kept(write):
    """Are imports, defs, classes and constant assignments kept, and prints and calls dropped?"""
    path = write("s.py", "import numpy as np\nN = 3\nprint('hi')\nx = np.zeros(N)\n"
                         "def rnn_forward(x, a0, parameters):\n    return x\nclass A:\n    pass\nrnn_forward(1, 2, 3)\n")
    sub = submission.read(path)
    kept = [s.source.split("\n")[0] for s in sub.statements]
    assert kept == ["import numpy as np", "N = 3", "def rnn_forward(x, a0, parameters):", "class A:"]
    assert sub.functions == {"rnn_forward": "s.py"}
    assert "x" in sub.scratch_names


def test_magics_and_shell_escapes_are_neutralised(tmp_path):
    """Do %magics, !shell lines, x = !cmd and %%cell magics never reach the worker as code to run?"""
    path = notebook(tmp_path, "%matplotlib inline\nimport numpy as np", "%%bash\nrm -rf /",
                    "def rnn_cell_forward(xt, a_prev, parameters):\n    !echo hi\n    files = !ls\n    return xt")
    sub = submission.read(path)
    text = "\n".join(s.source for s in sub.statements)
    assert "!" not in text and "%" not in text and "rm -rf" not in text
    assert "rnn_cell_forward" in sub.functions


def test_syntax_error_in_one_cell_keeps_the_others(tmp_path):
    """Does a syntax error skip only the broken code, with a message naming the cell and line?"""
    path = notebook(tmp_path, "import numpy as np", "def rnn_forward(x, a0, parameters:\n    return x",
                    "def lstm_forward(x, a0, parameters):\n    return x")
    sub = submission.read(path)
    assert set(sub.functions) == {"lstm_forward"}
    assert any("cell 2" in m and "syntax error" in m for m in sub.messages)


def test_nbgrader_test_cells_are_ignored(tmp_path):
    """Are the instructor's autograder test cells (nbgrader grade=true, solution=false) left out?"""
    test_cell = nbformat.v4.new_code_cell("def rnn_forward(x, a0, parameters):\n    return 'from a test cell'")
    test_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 10,
                                      "locked": True, "schema_version": 3}
    sub = submission.read(notebook(tmp_path, test_cell))
    assert sub.functions == {}


def test_folder_discovery_names_by_relative_path(tmp_path):
    """Does a folder yield every .ipynb/.py below it, named by relative path, skipping hidden folders?"""
    for rel in ("alice/a1/nb.ipynb", "bob/a1/nb.py", ".ipynb_checkpoints/nb.ipynb", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    names = [n for _, n in submission.discover([tmp_path])]
    assert names == ["alice/a1/nb.ipynb", "bob/a1/nb.py"]


def test_same_file_names_stay_distinct(tmp_path):
    """Do two files with the same name, given separately, get distinct names (and so distinct results)?"""
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "rnn_lstm.ipynb").write_text("")
    found = submission.discover([tmp_path / "a" / "rnn_lstm.ipynb", tmp_path / "b" / "rnn_lstm.ipynb"])
    assert len({n for _, n in found}) == 2


def test_course_modules_in_a_folder_are_not_submissions(tmp_path):
    """Are the course's own modules (selfcheck.py, rnn_utils.py) beside a notebook left out of a batch?"""
    for rel in ("alice/rnn_lstm/rnn_lstm.ipynb", "alice/rnn_lstm/selfcheck.py", "alice/rnn_lstm/rnn_utils.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert [n for _, n in submission.discover([tmp_path])] == ["alice/rnn_lstm/rnn_lstm.ipynb"]
