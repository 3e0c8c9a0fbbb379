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


# The public cases are computed with numpy's matrix products, whose last bit depends on
# the CPU and BLAS build (an AMD EPYC machine differs from this one by one ulp in
# rnn_cell_backward/1/expected/dxt). Floats are therefore compared at a stated tolerance:
# every stored value is below 10 in magnitude (ulp at most 1.8e-15), so ATOL allows about
# fifty such ulps where cancellation leaves a small result and RTOL about 5,000 ulps elsewhere,
# while staying 10^6 times tighter than the grader's own tolerance (rtol 1e-5, atol 1e-7).
# Everything that is not a float (shapes, counts) is compared exactly.
RTOL, ATOL = 1e-12, 1e-13


def assert_same_arrays(committed: dict, generated: dict) -> None:
    import numpy as np

    assert sorted(committed) == sorted(generated)
    for key, value in generated.items():
        stored = committed[key]
        assert stored.dtype == value.dtype and stored.shape == value.shape, key
        if np.issubdtype(value.dtype, np.floating):
            np.testing.assert_allclose(stored, value, rtol=RTOL, atol=ATOL, err_msg=key)
        else:
            np.testing.assert_array_equal(stored, value, err_msg=key)


def test_generated_files_come_from_their_scripts(tmp_path):
    """Are the committed public cases the ones scripts/make_public_cases.py writes from the reference now
    (floats within rtol 1e-12, atol 1e-13 whatever the CPU; everything else exactly)?"""
    import numpy as np

    make_public_cases = load_script("make_public_cases")
    arrays = make_public_cases.build()
    with np.load(make_public_cases.OUT, allow_pickle=False) as committed:
        assert_same_arrays({key: committed[key] for key in committed.files}, arrays)


def test_public_cases_check_tolerates_last_bit_but_not_a_real_change():
    """Does the public-cases comparison accept a one-ulp difference (another CPU) and still
    catch a change of 1e-9 in one value, a changed integer and a missing key?"""
    import numpy as np

    make_public_cases = load_script("make_public_cases")
    with np.load(make_public_cases.OUT, allow_pickle=False) as committed:
        stored = {key: committed[key] for key in committed.files}
    key = "rnn_cell_backward/1/expected/dxt"
    ulp = dict(stored, **{key: np.nextafter(stored[key], np.inf)})
    assert_same_arrays(stored, ulp)
    moved = stored[key].copy()
    moved.flat[0] += 1e-9
    with pytest.raises(AssertionError):
        assert_same_arrays(stored, dict(stored, **{key: moved}))
    integer = next(k for k, v in stored.items() if np.issubdtype(v.dtype, np.integer))
    with pytest.raises(AssertionError):
        assert_same_arrays(stored, dict(stored, **{integer: stored[integer] + 1}))
    text = next(k for k, v in stored.items() if v.dtype.kind == "U")  # a known mistake's hint
    with pytest.raises(AssertionError):
        assert_same_arrays(stored, dict(stored, **{text: np.array(str(stored[text]) + " (changed)")}))
    with pytest.raises(AssertionError):
        assert_same_arrays(stored, {k: v for k, v in stored.items() if k != key})


def test_diagrams_are_drawn_by_their_script(tmp_path, monkeypatch):
    """Does scripts/make_diagrams.py draw every picture the notebook shows (the committed ones by name)?"""
    from nbhelpers import SOURCE_DIR

    make_diagrams = load_script("make_diagrams")
    monkeypatch.setattr(make_diagrams, "OUT", tmp_path)
    make_diagrams.main()
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == sorted(p.name for p in (SOURCE_DIR / "images").glob("*.png"))
    assert all((tmp_path / name).stat().st_size > 10_000 for name in drawn)
