"""Paths and small helpers of the GRU notebook's tests (the RNN/LSTM ones live in tests/notebooks/)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIR = ROOT / "solutions" / "gru"
SOURCE_NB = SOURCE_DIR / "gru.ipynb"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def cells():
    return nbformat.read(str(SOURCE_NB), as_version=4).cells


def by_id(cell_id: str):
    return next(c for c in cells() if c.get("id") == cell_id)


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("grade"))


def is_selfcheck_cell(cell) -> bool:
    return cell.cell_type == "code" and str(cell.get("id", "")).endswith("_selfcheck")


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


def stream_text(cell, name: str) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)


def errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def execute(nb, folder: Path, timeout: int = 120):
    """Run the notebook object `nb` in a real python3 kernel with `folder` as its working directory."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
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
