"""The committed release is exactly what `python scripts/make_release.py` produces from the source now."""
from __future__ import annotations

import nbformat
import pytest

from nbhelpers import ASSIGNMENT, RELEASE_DIR, copy_course, load_script

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def files(folder):
    return {p.relative_to(folder): p for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def test_committed_release_is_up_to_date(tmp_path):
    """Does regenerating the release in a copy of the course give the committed files, byte for byte?"""
    make_release = load_script("make_release")
    course = copy_course(tmp_path / "course")
    generated = make_release.generate(course)
    assert generated == course / "assignments" / ASSIGNMENT
    want, got = files(RELEASE_DIR), files(generated)
    assert sorted(map(str, got)) == sorted(map(str, want)), "the release has other files: run scripts/make_release.py"
    for name, path in want.items():
        if path.suffix == ".ipynb":
            # compared as notebooks: the same cells, sources and metadata (whitespace of the JSON aside)
            a = nbformat.read(str(path), as_version=4)
            b = nbformat.read(str(got[name]), as_version=4)
            assert a == b, f"{name} differs from a fresh release: run python scripts/make_release.py"
        else:
            assert path.read_bytes() == got[name].read_bytes(), f"{name} differs: run python scripts/make_release.py"


def test_generated_files_come_from_their_scripts(tmp_path):
    """Are the committed public cases the ones scripts/make_public_cases.py writes from the reference now?"""
    import numpy as np

    make_public_cases = load_script("make_public_cases")
    arrays = make_public_cases.build()
    with np.load(make_public_cases.OUT, allow_pickle=False) as committed:
        assert sorted(committed.files) == sorted(arrays)
        for key, value in arrays.items():
            np.testing.assert_array_equal(committed[key], value, err_msg=key)


def test_solution_notebook_is_built_by_its_script(tmp_path, monkeypatch):
    """Is the committed solution notebook what scripts/build_solution_notebook.py writes?"""
    build = load_script("build_solution_notebook")
    out = tmp_path / "rnn_lstm.ipynb"
    monkeypatch.setattr(build, "OUT", out)
    build.main()
    assert nbformat.read(str(out), as_version=4) == nbformat.read(str(build.ROOT / "solutions" / ASSIGNMENT /
                                                                       "rnn_lstm.ipynb"), as_version=4)


def test_diagrams_are_drawn_by_their_script(tmp_path, monkeypatch):
    """Does scripts/make_diagrams.py draw every picture the notebook shows (the committed ones by name)?"""
    from nbhelpers import SOURCE_DIR

    make_diagrams = load_script("make_diagrams")
    monkeypatch.setattr(make_diagrams, "OUT", tmp_path)
    make_diagrams.main()
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == sorted(p.name for p in (SOURCE_DIR / "images").glob("*.png"))
    assert all((tmp_path / name).stat().st_size > 10_000 for name in drawn)
