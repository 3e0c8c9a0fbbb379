"""The committed notebooks: valid, without outputs, with the nbgrader cells the course needs."""
from __future__ import annotations

import nbformat
import pytest

from grader.exercises.rnn_lstm.problems import BY_NAME, DISPLAY_ORDER
from nbhelpers import (GRADER_IMPORT, RELEASE_DIR, RELEASE_NB, ROOT, SOURCE_NB, is_solution_cell, is_test_cell,
                       nbgrader_meta, solution_code)

NOTEBOOKS = sorted((ROOT / "solutions").rglob("*.ipynb")) + sorted((ROOT / "assignments").rglob("*.ipynb"))


def read(path):
    return nbformat.read(str(path), as_version=4)


def test_there_are_notebooks():
    """Do both the source and the release hold the rnn_lstm notebook?"""
    assert SOURCE_NB in NOTEBOOKS and RELEASE_NB in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_valid_and_without_outputs(path):
    """Does every committed notebook validate, with no outputs and no execution counts?"""
    nb = read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} has an execution count"


def test_source_has_the_eight_exercises_with_their_points():
    """Does each function have a solution cell, a locked self-check and a graded test worth its rubric points?"""
    nb = read(SOURCE_NB)
    by_id = {cell.id: cell for cell in nb.cells}
    order = [cell.id for cell in nb.cells if is_solution_cell(cell)]
    assert order == list(DISPLAY_ORDER)
    for name in DISPLAY_ORDER:
        solution, selfcheck, test = by_id[name], by_id[f"{name}_selfcheck"], by_id[f"test_{name}"]
        assert nbgrader_meta(solution) == {"grade": False, "grade_id": name, "locked": False,
                                           "schema_version": 3, "solution": True}
        assert f"def {name}(" in solution.source and "### BEGIN SOLUTION" in solution.source
        assert nbgrader_meta(selfcheck)["locked"] and not nbgrader_meta(selfcheck)["grade"]
        meta = nbgrader_meta(test)
        assert meta["grade"] and meta["locked"] and not meta["solution"]
        assert meta["points"] == BY_NAME[name].points
        assert "### BEGIN HIDDEN TESTS" in test.source and "### END HIDDEN TESTS" in test.source
    assert sum(nbgrader_meta(c).get("points", 0) for c in nb.cells if is_test_cell(c)) == 100


def test_images_are_referenced_relatively_and_exist():
    """Do the notebook's pictures point to files in images/ next to it (so the release carries them)?"""
    text = "\n".join(c.source for c in read(SOURCE_NB).cells if c.cell_type == "markdown")
    import re

    images = re.findall(r"!\[.*?\]\(([^)\s]+)\)", text)
    assert len(images) >= 4
    for image in images:
        assert image.startswith("images/"), image
        assert (SOURCE_NB.parent / image).is_file() and (RELEASE_DIR / image).is_file()


def test_text_avoids_the_original_errata():
    """Does the notebook's text steer clear of the original exercise's known errors?"""
    nb = read(SOURCE_NB)
    text = "\n".join(c.source for c in nb.cells)
    lowered = text.lower()
    assert "save gate" not in lowered and "focus gate" not in lowered
    assert "(n_a, m, T_x)" not in "".join(line for line in text.splitlines() if "dc_prev" in line)
    assert "W_f[:n_a, :]" not in text and "[:n_a, :]" not in text
    assert "tanh(\\tilde c" not in text and "tanh(cct" not in text


def test_release_has_no_solution_no_hidden_tests_no_grader():
    """Is the committed release free of solution code, hidden tests and any import of the grader?"""
    source, release = read(SOURCE_NB), read(RELEASE_NB)
    release_text = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in release_text and "END SOLUTION" not in release_text
    assert "HIDDEN TESTS" not in release_text and "_reference" not in release_text
    for cell in release.cells:
        if cell.cell_type == "code":
            assert not GRADER_IMPORT.search(cell.source), cell.id
    for cell in release.cells:
        if is_solution_cell(cell):
            assert "# YOUR CODE HERE\n    raise NotImplementedError()" in cell.source, cell.id
    stubs = "\n".join(c.source for c in release.cells if is_solution_cell(c))
    for cell in source.cells:
        if is_solution_cell(cell):
            for line in solution_code(cell).splitlines():
                assert line.strip() not in stubs, f"solution line in the release: {line.strip()}"
    for path in RELEASE_DIR.rglob("*.py"):
        assert not GRADER_IMPORT.search(path.read_text()), path
