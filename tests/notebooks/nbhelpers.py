"""Shared helpers of the notebook tests: paths, copies of the course, notebook execution."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "rnn_lstm"
SOURCE_DIR = ROOT / "solutions" / ASSIGNMENT
RELEASE_DIR = ROOT / "assignments" / ASSIGNMENT
SOURCE_NB = SOURCE_DIR / f"{ASSIGNMENT}.ipynb"
RELEASE_NB = RELEASE_DIR / f"{ASSIGNMENT}.ipynb"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
GRADER_IMPORT = re.compile(r"^\s*(from\s+grader(\.|\s)|import\s+grader\b)", re.MULTILINE)


def load_script(name: str):
    """Import scripts/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass of the script looks its module up there
    spec.loader.exec_module(module)
    return module


def copy_course(dest: Path) -> Path:
    """A course folder like the repository's: nbgrader_config.py and solutions/ (nothing else)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(SOURCE_DIR, dest / "solutions" / ASSIGNMENT, ignore=IGNORE)
    return dest


def copy_folder(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=IGNORE)
    return dest


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    return bool(nbgrader_meta(cell).get("grade")) and cell.cell_type == "code"


def is_solution_cell(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_selfcheck_cell(cell) -> bool:
    return cell.cell_type == "code" and str(cell.get("id", "")).endswith("_selfcheck")


def execute(path: Path, allow_errors: bool = False, timeout: int = 120):
    """Run a notebook in a real python3 kernel in its own folder; return the executed notebook."""
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(path.parent)}})
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env_path) if p)
    try:
        client.execute()
    finally:
        if env_path:
            os.environ["PYTHONPATH"] = env_path
        else:
            os.environ.pop("PYTHONPATH", None)
    return nb


def stream_text(cell, name: str) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)


def errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def solution_code(cell) -> str:
    """The lines between ### BEGIN SOLUTION and ### END SOLUTION of a source cell."""
    lines, inside = [], False
    for text in cell.source.splitlines():
        if "### BEGIN SOLUTION" in text:
            inside = True
        elif "### END SOLUTION" in text:
            inside = False
        elif inside:
            lines.append(text)
    return "\n".join(lines)


def solved_source(cell) -> str:
    """A source solution cell as a student would hand it in (the markers removed)."""
    return "\n".join(t for t in cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in t and "### END SOLUTION" not in t)
