"""Does every built-in exercise import nothing of the grader but the protocol package grader.exercise
(docs/exercises.md), and nothing of another exercise?"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted(p for p in (ROOT / "grader" / "exercises").iterdir() if (p / "__init__.py").is_file())


def grader_imports(path: Path) -> list[str]:
    """The grader modules `path` (a module of an exercise package) imports, as dotted names from grader."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # ("grader", "exercises", name, ...)
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[:len(package) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
                found += [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            elif (node.module or "").split(".")[0] == "grader":
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "grader"]
    return found


@pytest.mark.parametrize("folder", EXERCISES, ids=[p.name for p in EXERCISES])
def test_exercise_imports_only_the_protocol_and_itself(folder):
    """Is every grader module an exercise's code imports grader.exercise (or one of its modules), or its own?"""
    assert EXERCISES, "no built-in exercise found"
    own = f"grader.exercises.{folder.name}"
    for path in sorted(folder.rglob("*.py")):
        for module in grader_imports(path):
            assert (module == "grader.exercise" or module.startswith("grader.exercise.")
                    or module == own or module.startswith(own + ".")), f"{path.relative_to(ROOT)} imports {module}"
