"""Notices at load time: a student reads one only when it can change the grade.

Statements that fail while a submission's definitions load (a course module the
grader does not ship, a plotting library not installed, test data that only
scratch code builds) are silent unless a graded function needs what they set;
a graded function using np.float & co. (removed in numpy 1.24) runs as the
course's older numpy ran it, with a one-line note."""
from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path

import pytest

from grader import submission

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = ROOT / "tests" / "fixtures" / "submissions" / "correct" / "original_course.ipynb"
SOLUTION = ROOT / "solutions" / "rnn_lstm" / "rnn_lstm.ipynb"
CORRECT = ROOT / "examples" / "submissions" / "correct.py"

# Scratch cells of the original course's v2/v3 notebooks: test data set by statements the
# grader drops, then `parameters = {...}` made of those names, which it keeps (a constant
# expression) and which then fails to load with a NameError.
V3_RNN_TEST = '''np.random.seed(1)
xt = np.random.randn(3, 10)
a_prev = np.random.randn(5, 10)
Waa = np.random.randn(5, 5)
Wax = np.random.randn(5, 3)
Wya = np.random.randn(2, 5)
ba = np.random.randn(5, 1)
by = np.random.randn(2, 1)
parameters = {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}
a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
print("a_next[4] = ", a_next[4])
'''
V3_LSTM_TEST = '''np.random.seed(1)
xt = np.random.randn(3, 10)
a_prev = np.random.randn(5, 10)
c_prev = np.random.randn(5, 10)
Wf = np.random.randn(5, 5 + 3)
bf = np.random.randn(5, 1)
Wi = np.random.randn(5, 5 + 3)
bi = np.random.randn(5, 1)
Wo = np.random.randn(5, 5 + 3)
bo = np.random.randn(5, 1)
Wc = np.random.randn(5, 5 + 3)
bc = np.random.randn(5, 1)
Wy = np.random.randn(2, 5)
by = np.random.randn(2, 1)
parameters = {"Wf": Wf, "Wi": Wi, "Wo": Wo, "Wc": Wc, "Wy": Wy, "bf": bf, "bi": bi, "bo": bo, "bc": bc, "by": by}
a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
'''


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def v3_notebook(folder: Path, first_cell_extra: str = "", change=None) -> Path:
    """original_course.ipynb with v2/v3-style test cells (and optional changes)."""
    nb = json.loads(ORIGINAL.read_text(encoding="utf-8"))
    for cell in code_cells(nb):
        text = source(cell)
        if text.startswith("np.random.seed(1)"):
            cell["source"] = V3_LSTM_TEST if "lstm" in text else V3_RNN_TEST
    first = code_cells(nb)[0]
    first["source"] = source(first) + first_cell_extra
    if change:
        change(nb)
    path = folder / "v3.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_v3_notebook_scratch_parameters_dicts_are_kept_and_fail_to_load():
    """(The premise) Are the v3 test cells' `parameters = {...}` kept as definitions that read scratch names?"""
    sub = submission.Submission(Path("x.ipynb"), "x")
    submission._add_code(sub, V3_RNN_TEST, "cell 7")
    kept = [s for s in sub.statements if "parameters" in s.binds]
    assert len(kept) == 1 and {"Waa", "Wax", "Wya", "ba", "by"} <= kept[0].uses


def test_v3_notebook_gets_full_marks_and_no_spurious_notice(fast_grader, tmp_path):
    """Does an original-course v2/v3 notebook (eight `parameters = {...}` of scratch names, a missing
    plotting library, the course's test modules) grade 100 with no notice at all?"""
    path = v3_notebook(tmp_path, "\nimport not_installed_plotting_lib.pyplot as plt\nfrom public_tests import *\n")
    sub = submission.read(path)
    assert sum("parameters" in s.binds for s in sub.statements) == 8  # the premise: eight would fail
    result = fast_grader.grade_file(path)
    assert result.score == 100.0, [(f.name, f.feedback) for f in result.functions]
    assert result.messages == []


def test_kit_notebooks_get_no_selfcheck_notice(fast_grader):
    """Does the kit's own solved notebook (which imports selfcheck and matplotlib) grade 100 with no notice?"""
    result = fast_grader.grade_file(SOLUTION)
    assert result.score == 100.0
    assert result.messages == []


def test_failed_import_is_reported_when_a_graded_function_uses_it(fast_grader, tmp_path):
    """When a graded function (through a helper of the submission) uses a name whose import failed, is the
    student told which import failed, and is a course module named as unavailable?"""
    text = CORRECT.read_text().replace("import numpy as np\n", "import numpy as np\nimport not_installed_lib as nil\n"
                                       "from selfcheck import check\n", 1)
    text = text.replace("    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)\n",
                        "    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)\n    helper(a_next)\n", 1)
    text += "\n\ndef helper(a):\n    return nil.show(a)\n\n\ndef lstm_helper(a):\n    return check(a)\n"
    text = text.replace("def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n",
                        "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n    lstm_helper(xt)\n", 1)
    path = tmp_path / "uses_them.py"
    path.write_text(text)
    result = fast_grader.grade_file(path)
    assert any("No module named 'not_installed_lib'" in m for m in result.messages), result.messages
    assert any("module `selfcheck` is not available while grading" in m for m in result.messages)
    assert result.function("rnn_cell_forward").score == 0 and result.function("lstm_cell_forward").score == 0
    assert result.function("rnn_forward").score == 10.0  # black box: the others are unaffected


def test_failed_star_import_is_reported_only_when_a_name_is_left_unset(tmp_path):
    """Does a failed `from public_tests import *` matter only if a graded function reads a name that no
    definition (nor the supplied rnn_utils) sets?"""
    base = "import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *\n"
    ok = tmp_path / "ok.py"
    ok.write_text(base + "def rnn_cell_forward(xt, a_prev, parameters):\n    return softmax(sigmoid(xt))\n")
    sub = submission.read(ok)
    assert not sub.load_error_matters(ok.name, 3)
    unset = tmp_path / "unset.py"
    unset.write_text(base + "def rnn_cell_forward(xt, a_prev, parameters):\n    return rnn_cell_test(xt)\n")
    sub = submission.read(unset)
    assert sub.load_error_matters(unset.name, 3) and sub.unresolved() == {"rnn_cell_test"}


def test_graded_uses_follow_helpers_and_ignore_scratch_names():
    """Are a graded function's needs its global reads, its own helpers' reads, and nothing its locals shadow?"""
    sub = submission.Submission(Path("x.py"), "x")
    submission._add_code(sub, "import numpy as np\nimport matplotlib.pyplot as plt\nK = 2\nW = {'a': Wax}\n"
                              "def gate(z):\n    return np.tanh(z) * K\n"
                              "def rnn_cell_forward(xt, a_prev, parameters):\n"
                              "    W = parameters\n    return [gate(v) for v in xt]\n", "x.py")
    sub.functions["rnn_cell_forward"] = "x.py"
    uses = submission._graded_uses(sub)
    assert {"rnn_cell_forward", "gate", "np", "K"} <= uses
    assert not {"plt", "W", "Wax"} & uses


@pytest.mark.parametrize("alias,plain", [("float", "float"), ("int", "int"), ("bool", "bool"),
                                         ("object", "object"), ("complex", "complex"), ("str", "str")])
def test_removed_numpy_alias_is_graded_as_old_numpy_ran_it(fast_grader, tmp_path, alias, plain):
    """Does a correct function using np.<alias> (removed in numpy 1.24) get full marks, with a one-line
    note naming the alias and its replacement?"""
    import numpy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        present = hasattr(numpy, alias)
    if present:
        pytest.skip(f"this numpy still has np.{alias}")
    text = CORRECT.read_text().replace(
        "    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)\n",
        f"    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)\n    kind = np.{alias}\n"
        f"    assert kind is {plain}\n", 1)
    path = tmp_path / f"old_numpy_{alias}.py"
    path.write_text(text)
    result = fast_grader.grade_file(path)
    assert result.score == 100.0, result.function("rnn_cell_forward").feedback
    notes = [m for m in result.messages if f"np.{alias}" in m]
    assert len(notes) == 1 and "numpy" in notes[0] and f"write {plain} instead" in notes[0]
    assert "\n" not in notes[0]


def test_removed_numpy_alias_in_scratch_code_gets_no_note(tmp_path):
    """Is np.float used only by dropped scratch code, or by a helper no graded function calls, left unmentioned?"""
    path = tmp_path / "scratch.py"
    path.write_text(CORRECT.read_text() + "\nx = np.zeros(3, dtype=np.float)\n\ndef unused():\n    return np.int\n")
    assert not [m for m in submission.read(path).messages if "numpy" in m]


def test_worker_restores_exactly_the_aliases_the_notes_name():
    """Does the worker give back the same aliases, with the same types, as submission.py notes (one list)?"""
    tree = ast.parse((ROOT / "grader" / "worker.py").read_text())
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "restore_numpy_aliases")
    table = next(n for n in ast.walk(function) if isinstance(n, ast.Dict))
    restored = {ast.literal_eval(k): v.id for k, v in zip(table.keys, table.values)}
    assert restored == submission.REMOVED_NUMPY_ALIASES


PLANT_ON_PATH = '''
class _Plant:  # a class body runs while the definitions load
    import os as _os, sys as _sys
    _os.makedirs("/tmp/mods", exist_ok=True)
    with open("/tmp/mods/selfcheck.py", "w") as _f:
        _f.write("def check(a):\\n    return a\\n")
    _sys.path.insert(0, "/tmp/mods")
'''
PLANT_FINDER = '''
class _Loader:
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.check = lambda a: a


class _Finder:
    def find_spec(self, name, path=None, target=None):
        import importlib.util

        return importlib.util.spec_from_loader(name, _Loader()) if name == "selfcheck" else None


class _Plant:  # a finder asked after the path search, as sys.meta_path.append gives
    import sys as _sys
    _sys.meta_path.append(_Finder())
'''


@pytest.mark.parametrize("plant", [PLANT_ON_PATH, PLANT_FINDER], ids=["folder on sys.path", "finder"])
def test_a_course_module_the_submission_provides_is_imported(fast_grader, tmp_path, plant):
    """The worker answers `No module named 'selfcheck'` without a search while nothing the search
    depends on has changed (worker.AbsentModules). When the submission itself makes the module
    importable (a folder it puts on sys.path, a finder it adds), is it imported, and is the graded
    function that uses it graded as correct, with no notice?"""
    text = CORRECT.read_text().replace("import numpy as np\n", "import numpy as np\n" + plant + "\n"
                                       "from selfcheck import check\n", 1)
    text = text.replace("def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n",
                        "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n    xt = check(xt)\n", 1)
    assert "xt = check(xt)" in text and "from selfcheck import check" in text
    path = tmp_path / "provides_selfcheck.py"
    path.write_text(text)
    result = fast_grader.grade_file(path)
    assert not any("selfcheck" in m for m in result.messages), result.messages
    assert result.function("lstm_cell_forward").score == 15.0, result.function("lstm_cell_forward")
    assert result.score == 100.0


def test_find_spec_of_an_absent_course_module_is_none_as_usual(fast_grader, tmp_path):
    """`importlib.util.find_spec` of a course module that is not there returns None (it does not raise),
    as without the worker's shortcut for failed imports, while the import statement still fails with
    "No module named": is a graded function that relies on both graded as correct?"""
    check = ("    import importlib.util\n"
             "    assert importlib.util.find_spec('selfcheck') is None\n"
             "    try:\n"
             "        import selfcheck  # noqa: F401\n"
             "    except ModuleNotFoundError as exc:\n"
             "        assert exc.name == 'selfcheck' and str(exc) == \"No module named 'selfcheck'\"\n"
             "    else:\n"
             "        raise AssertionError('selfcheck imported')\n")
    text = CORRECT.read_text().replace("def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n",
                                       "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n" + check, 1)
    assert check in text
    path = tmp_path / "probes_selfcheck.py"
    path.write_text(text)
    result = fast_grader.grade_file(path)
    assert result.function("lstm_cell_forward").score == 15.0, result.function("lstm_cell_forward")


LOUD = '''

class Loud(Exception):
    def __str__(self):
        print("DESCRIBED")
        return "loud"


class Boom:
    raise Loud()
'''


def test_load_errors_are_described_by_the_first_child_only(session_grader, write):
    """A statement that fails to load is described (its message, its line: code the student
    controls, here an exception whose str() prints) once per submission, by the child of the
    first graded function; the children of the 7 others skip it without describing it, and
    every function is still graded (full marks: nothing graded needs the failing statement)."""
    path = write("loud.py", CORRECT.read_text(encoding="utf-8") + LOUD)
    result = session_grader.grade_file(path)
    assert len(result.functions) == 8
    assert all(f.score == f.max_score for f in result.functions), [(f.name, f.score) for f in result.functions]
    assert result.printed.count("DESCRIBED") == 1, result.printed
