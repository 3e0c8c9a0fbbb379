"""Are the submission fixtures what their names say?

tests/fixtures/submissions/correct/ holds complete correct submissions in
several styles; patches.MUTANT_PATCHES makes correct/loops.py with
exactly one catalogue mistake (grader/exercises/rnn_lstm/mistakes.py) in that one function.
Our own fixtures are trusted, so they are exec'd in-process here, with the
course's `rnn_utils` supplied (sigmoid, softmax from the reference) as the
grader does. Values are compared as the grader compares them:
numpy.allclose(rtol=problems.RTOL, atol=problems.ATOL), leaf by leaf.
"""
import ast
import json
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.exercises.rnn_lstm import problems, reference  # noqa: E402
from grader.exercises.rnn_lstm.mistakes import CATALOGUE  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "submissions"))
from patches import MUTANT_PATCHES, hostile_names, hostile_source, mutant_file_source  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "submissions"
CORRECT = FIXTURES / "correct"
CORRECT_PY = sorted(CORRECT.glob("*.py"))
NOTEBOOK = CORRECT / "original_course.ipynb"
TEST_NAMES = [f"{name}_tests" for name in problems.GRADED_FUNCTIONS]
HIDDEN = {p.name: problems.hidden_cases(p) for p in problems.PROBLEMS}


@pytest.fixture(autouse=True)
def course_modules(monkeypatch):
    """`rnn_utils` as the grader supplies it, and `public_tests` whose checks record their calls."""
    utils = types.ModuleType("rnn_utils")
    utils.sigmoid, utils.softmax = reference.sigmoid, reference.softmax
    monkeypatch.setitem(sys.modules, "rnn_utils", utils)
    public = types.ModuleType("public_tests")
    public.calls = []
    for name in TEST_NAMES:
        setattr(public, name, lambda fn, _name=name: public.calls.append((_name, fn.__name__)))
    monkeypatch.setitem(sys.modules, "public_tests", public)
    return public


def load_py(path: Path) -> dict:
    return load_source(path.read_text(), path.stem, str(path))


def load_source(source: str, name: str, filename: str | None = None) -> dict:
    namespace = {"__name__": f"fixture_{name}"}
    exec(compile(source, filename or f"<{name}>", "exec"), namespace)
    return namespace


def strip_ipython(source: str) -> str:
    """Drop the lines IPython would treat as magics or shell escapes."""
    return "\n".join(l for l in source.split("\n") if not l.lstrip().startswith(("%", "!")))


def read_notebook(path: Path) -> dict:
    """The notebook as plain JSON (nbformat 4 stores a cell's source as a string or a list of lines)."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return nb


def code_cells(nb: dict) -> list:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def notebook_definitions(path: Path) -> str:
    """The import cell and the `# GRADED FUNCTION:` cells, magics removed."""
    code = [c["source"] for c in code_cells(read_notebook(path))]
    return "\n\n".join(strip_ipython(s) for s in [code[0]] + [s for s in code if "# GRADED FUNCTION:" in s])


# ------------------------------------------------------------- comparing

def leaves(obj, path=()):
    if isinstance(obj, dict):
        for k in obj:
            yield from leaves(obj[k], path + (k,))
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from leaves(item, path + (i,))
    else:
        yield path, obj


def mismatch(got, want) -> str | None:
    """None if the grader would accept `got` for `want`, else where they differ."""
    lg, lw = list(leaves(got)), list(leaves(want))
    if [p for p, _ in lg] != [p for p, _ in lw]:
        return "structure differs"
    for (path, g), (_, w) in zip(lg, lw):
        if isinstance(w, np.ndarray) and not isinstance(g, np.ndarray):
            return f"{path}: not an array"
        if np.shape(g) != np.shape(w):
            return f"{path}: shape {np.shape(g)} != {np.shape(w)}"
        if not np.allclose(g, w, rtol=problems.RTOL, atol=problems.ATOL):
            return f"{path}: values differ"
    return None


def run(namespace: dict, problem, case, black_box: bool):
    """Call the fixture's function; with black_box, a sequence function gets the reference cell, as in the grader."""
    ns = dict(namespace)
    if black_box and problem.black_box:
        ns[problem.black_box] = getattr(reference, problem.black_box)
    fn = types.FunctionType(namespace[problem.name].__code__, ns)
    result = fn(*case.args)
    return dict(result) if problem.returns_dict else dict(zip(problem.outputs, result))


def assert_matches_reference(namespace: dict, black_box: bool):
    for problem in problems.PROBLEMS:
        assert problem.name in namespace, f"{problem.name} is not defined"
        for case in HIDDEN[problem.name]:
            got = run(namespace, problem, case, black_box)
            for key in problem.outputs:
                assert mismatch(got[key], case.expected[key]) is None, (problem.name, case.shape, key)


# ------------------------------------------------------------- correct submissions

def test_the_correct_styles_are_all_there():
    """Are the four correct styles present (loops, vectorised, stacked gates, original-course notebook)?"""
    assert {"loops.py", "vectorised.py", "stacked_gates.py"} <= {p.name for p in CORRECT_PY}
    assert NOTEBOOK.exists()


@pytest.mark.parametrize("path", CORRECT_PY, ids=lambda p: p.name)
@pytest.mark.parametrize("black_box", [False, True], ids=["own-cells", "reference-cells"])
def test_correct_py_matches_reference_on_hidden_cases(path, black_box):
    """Does this correct .py submission give the reference's outputs for all eight functions on every hidden case?"""
    assert_matches_reference(load_py(path), black_box)


@pytest.mark.parametrize("black_box", [False, True], ids=["own-cells", "reference-cells"])
def test_correct_notebook_definitions_match_reference(black_box):
    """Do the graded cells of the original-course notebook, run alone, give the reference's outputs on every hidden case?"""
    namespace = {"__name__": "fixture_notebook"}
    exec(compile(notebook_definitions(NOTEBOOK), str(NOTEBOOK), "exec"), namespace)
    assert_matches_reference(namespace, black_box)


def test_stacked_gates_really_stacks():
    """Does stacked_gates.py multiply one (4 n_a, n_a + n_x) matrix, not four?"""
    src = (CORRECT / "stacked_gates.py").read_text()
    assert "np.concatenate([parameters[\"W\" + g] for g in ORDER], axis=0)" in src
    for g in "fico":
        assert f'parameters["W{g}"]' not in src


def test_notebook_has_the_original_course_shape(course_modules):
    """Does the notebook look like the original course's: nbformat 4, the import cell, UNQ_C/GRADED FUNCTION cells each followed by a scratch cell, a shell escape?"""
    nb = read_notebook(NOTEBOOK)
    assert nb["nbformat"] == 4
    code = [c["source"] for c in code_cells(nb)]
    assert all(not c.get("outputs") for c in code_cells(nb))
    first = code[0].split("\n")
    for line in ("import numpy as np", "from rnn_utils import *", "from public_tests import *",
                 "%matplotlib inline", "%load_ext autoreload"):
        assert line in first
    assert any(c.strip() == "!ls" for c in code)
    graded = [i for i, c in enumerate(code) if "# GRADED FUNCTION:" in c]
    names = [re.search(r"# GRADED FUNCTION: (\w+)", code[i]).group(1) for i in graded]
    assert sorted(names) == sorted(problems.GRADED_FUNCTIONS)
    for k, i in enumerate(graded, start=1):
        assert code[i].startswith(f"# UNQ_C{k} (UNIQUE CELL IDENTIFIER, DO NOT EDIT)\n")
        scratch = code[i + 1]
        assert "np.random.seed(1)" in scratch and "parameters_tmp" in scratch and "print(" in scratch
        assert f"{names[k - 1]}_tests({names[k - 1]})" in scratch


def test_notebook_scratch_cells_run_top_to_bottom(course_modules, capsys):
    """Run as a student would (magics dropped), do all cells run and call each public test with its function?"""
    namespace = {"__name__": "__main__"}
    for cell in code_cells(read_notebook(NOTEBOOK)):
        exec(compile(strip_ipython(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    assert sorted(course_modules.calls) == sorted(zip(TEST_NAMES, problems.GRADED_FUNCTIONS))
    assert "a_next[4]" in capsys.readouterr().out


@pytest.mark.slow
def test_notebook_is_valid_nbformat_4():
    """Does nbformat itself accept the notebook as valid nbformat 4? (nbformat's import is slow here: one test.)"""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4


# ------------------------------------------------------------- mutants

def mutant_name(mistake) -> str:
    return f"{mistake.function}__{mistake.name}"


# The mutants graded as files (patches.MUTANT_PATCHES, written at test time by mutant_file_source) are the
# first catalogue entries; later entries are patches of loops.py (CATALOGUE_PATCHES, checked in
# tests/test_mistakes.py).
FILED = [m for m in CATALOGUE if mutant_name(m) in MUTANT_PATCHES]
MUTANT_IDS = [f"{m.function}/{m.name}" for m in FILED]


def test_every_mutant_file_is_a_catalogue_mistake():
    """Does every mutant of MUTANT_PATCHES name a catalogue mistake, and is there no mutants/ folder of copies?"""
    want = {mutant_name(m) for m in CATALOGUE}
    have = set(MUTANT_PATCHES)
    assert have <= want, sorted(have - want)
    assert len(FILED) >= 25
    assert not (FIXTURES / "mutants").exists(), "mutants are patches (patches.MUTANT_PATCHES), not copies"


def _functions(source: str) -> dict:
    tree = ast.parse(source)
    return {n.name: ast.dump(n) for n in tree.body if isinstance(n, ast.FunctionDef)}, \
        [ast.dump(n) for n in tree.body if not isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("mistake", FILED, ids=MUTANT_IDS)
def test_mutant_source_differs_from_loops_only_in_its_function(mistake):
    """Is the mutant's code (comments aside) correct/loops.py with only the mistaken function changed?"""
    base_funcs, base_rest = _functions((CORRECT / "loops.py").read_text())
    funcs, rest = _functions(mutant_file_source(mutant_name(mistake)))
    assert rest == base_rest and set(funcs) == set(base_funcs)
    changed = [name for name in funcs if funcs[name] != base_funcs[name]]
    assert changed == [mistake.function]


@pytest.mark.parametrize("mistake", FILED, ids=MUTANT_IDS)
def test_mutant_behaves_as_its_catalogue_variant(mistake):
    """On every hidden case, does the mutant match its variant in its function and the reference in the seven others?"""
    namespace = load_source(mutant_file_source(mutant_name(mistake)), mutant_name(mistake))
    for problem in problems.PROBLEMS:
        for case in HIDDEN[problem.name]:
            got = run(namespace, problem, case, black_box=True)
            if problem.name == mistake.function:
                want = mistake.variant(*case.args)
                want = dict(want) if problem.returns_dict else dict(zip(problem.outputs, want))
            else:
                want = case.expected
            for key in problem.outputs:
                assert mismatch(got[key], want[key]) is None, (problem.name, case.shape, key)


# ------------------------------------------------------------- hostile attacks (only the change)

@pytest.mark.parametrize("name", hostile_names())
def test_hostile_attack_is_only_the_change_and_joins(name):
    """Is hostile/<name>.py only an attack (no copy of the example), and does joining it to the correct
    example give a file whose named functions are the attack's, the example's kept as _correct_<name>?"""
    attack = (FIXTURES / "hostile" / f"{name}.py").read_text()
    example = (FIXTURES.parents[2] / "examples" / "submissions" / "correct.py").read_text()
    functions = re.match(r"# HOSTILE \(([^)]*)\)", attack).group(1).split(", ")
    example_defs = {n.name: ast.dump(n) for n in ast.parse(example).body if isinstance(n, ast.FunctionDef)}
    attack_defs = {n.name: ast.dump(n) for n in ast.parse(attack).body if isinstance(n, ast.FunctionDef)}
    assert not set(example_defs) - set(functions) & set(attack_defs), "the attack copies a correct function"
    joined = hostile_source(name)
    assert joined.startswith(attack.split("\n")[0] + "\n")
    defs = [n for n in ast.parse(joined).body if isinstance(n, ast.FunctionDef)]
    for function in functions:
        mine = [ast.dump(n) for n in defs if n.name == function]
        assert mine == [attack_defs[function]] and mine[0] != example_defs[function], function
        assert [n for n in defs if n.name == f"_correct_{function}"], function
    assert {n.name for n in defs} >= set(example_defs)


def test_hostile_join_refuses_a_bad_header(tmp_path, monkeypatch):
    """Does a hostile attack without its header, or naming a function it does not define, fail loudly?"""
    import patches

    monkeypatch.setattr(patches, "HOSTILE", tmp_path)
    (tmp_path / "no-header.py").write_text("def rnn_forward(x, a0, parameters):\n    return None\n")
    (tmp_path / "undefined.py").write_text("# HOSTILE (rnn_forward): says so\n\nx = 1\n")
    with pytest.raises(ValueError, match="must start with"):
        patches.hostile_source("no-header")
    with pytest.raises(ValueError, match="does not define it"):
        patches.hostile_source("undefined")
