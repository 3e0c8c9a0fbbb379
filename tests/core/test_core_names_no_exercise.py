"""Does the grading core (grader/ but grader/exercises/) name no exercise: no import of one, no
identifier or string of one (its name, helper module, notebook, graded functions, tables)?"""
from __future__ import annotations

import ast
from pathlib import Path

from grader import exercise as exercises

ROOT = Path(__file__).resolve().parents[2]
CORE = sorted(p for p in (ROOT / "grader").rglob("*.py") if "exercises" not in p.relative_to(ROOT / "grader").parts)
# the RNN/LSTM exercise's own tables and sizes, which the core used to read
TABLE_NAMES = {"PROBLEMS", "DISPLAY_ORDER", "CATALOGUE", "CELL_CACHE", "DEFAULT_SEED", "GRADED_FUNCTIONS",
               "TOTAL_POINTS", "HIDDEN_SHAPES", "n_x", "n_a", "n_y", "T_x"}


def docstrings(tree) -> set[int]:
    """Docstrings and help texts (help=, description=, *_EPILOG): words for people, examples allowed."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("help", "description", "epilog"):
            found |= {id(n) for n in ast.walk(node.value) if isinstance(n, ast.Constant)}
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("EPILOG") for t in node.targets):
            found |= {id(n) for n in ast.walk(node.value) if isinstance(n, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def exercise_words() -> set[str]:
    words = set()
    for e in exercises.all_exercises():
        words |= {e.name, e.notebook, e.folder, *e.graded_functions, *(e.assignment_names)}
        if e.helper_module:
            words |= {e.helper_module, e.helper_module + ".py"}
    return {w for w in words if w}


def test_core_modules_exist():
    names = {p.relative_to(ROOT / "grader").as_posix() for p in CORE}
    assert names >= {"api.py", "checks.py", "blackbox.py", "worker.py", "exercise/__init__.py", "cli.py"}


def test_core_imports_no_exercise():
    """No core module imports grader.exercises.<name> (the registry finds them by scanning the package)."""
    for path in CORE:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                names = [a.name for a in node.names]
                assert "exercises" not in module.split("."), f"{path.name}: from {module} import ..."
                assert "exercises" not in names, f"{path.name}: from {module} import exercises"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    assert "exercises" not in a.name.split("."), f"{path.name}: import {a.name}"


def test_core_code_names_no_exercise():
    """Outside docstrings and help texts, no identifier or string of the core is an exercise's word."""
    words = exercise_words()
    assert {"rnn_lstm", "rnn_utils", "rnn_lstm.ipynb", "lstm_forward"} <= words
    for path in CORE:
        tree = ast.parse(path.read_text())
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) or isinstance(node, ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                assert name not in TABLE_NAMES | words, f"{path.name}:{node.lineno}: {name}"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                assert node.value not in words, f"{path.name}:{node.lineno}: {node.value!r}"
                for w in ("rnn_utils", "rnn_lstm.ipynb", "exercises.rnn_lstm"):
                    assert w not in node.value, f"{path.name}:{node.lineno}: {node.value[:60]!r}"


def test_default_exercise_is_declared_by_the_exercises_package():
    """The default (graded without --exercise) is named under grader/exercises/, not in the core."""
    import grader.exercises

    assert exercises.default().name == grader.exercises.DEFAULT
    assert exercises.default() in exercises.all_exercises()
