"""bench/bench_vs_nbgrader.py works: a tiny batch end to end (nbgrader autograde, the grader, verdicts),
for the default exercise (RNN/LSTM) and for the GRU (`--exercise gru`).

Not a timed test: it proves the script runs and that the two graders agree on
the tiny batch (one correct notebook, two single-mistake ones); the figures
themselves come from running the script at full size.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

from grader import exercise as exercises

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_vs_nbgrader.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_vs_nbgrader", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_small_batch_runs_and_agrees(tmp_path, capsys):
    """Does the benchmark complete on 3 notebooks, print the ratio, and find no verdict disagreement?"""
    bench = load_bench()
    results = bench.main(["--n", "3", "--repeat", "1", "--keep", str(tmp_path / "kept")])
    out = capsys.readouterr().out
    assert re.search(r"^ratio: grader \d+(\.\d+)?x faster", out, re.MULTILINE), out
    assert "0 disagreements" in out, out
    assert "DISAGREE" not in out, out
    assert results["disagreements"] == 0 and results["compared"] == 3 * 8
    assert results["grader_vs_intended"] == 0
    assert results["ratio"] > 0 and results["latency_median_s"] > 0
    assert [m["n"] for m in results["memory"]] == [3, 6]
    assert "---- figures (for README) ----" in out and "| throughput ratio |" in out
    # the course was laid out as nbgrader expects and kept
    kept = tmp_path / "kept" / "course"
    assert (kept / "gradebook.db").is_file()
    assert sorted(p.name for p in (kept / "submitted").iterdir()) == ["student000", "student001", "student002"]


def test_grader_only(tmp_path, capsys):
    """Does --skip-nbgrader grade with the grader alone (no ratio, no comparison)?"""
    bench = load_bench()
    results = bench.main(["--n", "2", "--repeat", "1", "--skip-nbgrader", "--memory-factor", "0"])
    out = capsys.readouterr().out
    assert "nbgrader autograde:" not in out and "verdicts:" not in out
    assert "ratio" not in results and results["grader_vs_intended"] == 0


def test_small_gru_batch_runs_and_agrees(tmp_path, capsys):
    """--exercise gru: is the GRU's course built (its source notebook, release, mutants), graded by both,
    and do the verdicts agree per student and graded function, out of the GRU's points?"""
    bench = load_bench()
    gru = exercises.get("gru")
    results = bench.main(["--exercise", "gru", "--n", "3", "--repeat", "1", "--keep", str(tmp_path / "kept")])
    out = capsys.readouterr().out
    assert "exercise: gru (solutions/gru/gru.ipynb, 4 graded functions, 50 points)" in out, out
    assert re.search(r"^ratio: grader \d+(\.\d+)?x faster", out, re.MULTILINE), out
    assert "0 disagreements" in out and "DISAGREE" not in out and "POINTS" not in out, out
    assert results["exercise"] == "gru"
    assert results["disagreements"] == 0 and results["compared"] == 3 * len(gru.graded_functions)
    assert results["grader_vs_intended"] == 0 and results["points_mismatches"] == 0
    assert results["ratio"] > 0 and results["latency_median_s"] > 0
    assert [m["n"] for m in results["memory"]] == [3, 6]
    assert "`python bench/bench_vs_nbgrader.py --exercise gru --n 3" in out
    kept = tmp_path / "kept" / "course"
    assert (kept / "gradebook.db").is_file() and (kept / "release" / "gru" / "gru.ipynb").is_file()
    # student001 is the first GRU mutant: its function's cell holds the mutant's version, the others the solution
    course = bench.course_mod
    first = course.mutants("gru")[0]
    nb = nbformat.read(str(kept / "submitted" / "student001" / "gru" / "gru.ipynb"), as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}
    assert cells[first.function] == course.function_source(first, first.function)
    source = nbformat.read(str(kept / "source" / "gru" / "gru.ipynb"), as_version=4)
    solved = {c.metadata["nbgrader"]["grade_id"]: course.solved_source(c) for c in source.cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    assert all(cells[f] == solved[f] for f in gru.graded_functions if f != first.function)
