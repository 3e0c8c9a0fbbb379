"""Hostile submissions neither crash the grader nor earn credit for wrong code.

Each attack in tests/fixtures/submissions/hostile/ replaces ONE function of the
correct example by a trick (joined at test time: kit.HOSTILE holds the whole
files, patches.hostile_source); the other seven must still get full marks.
"""
from __future__ import annotations

import json
import os
import signal

import pytest

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_infinite_loop_times_out_and_the_rest_is_graded(kit):
    """Does an infinite loop end as a failed check with a timeout message, the rest graded?"""
    [result] = kit.grade_json(kit.HOSTILE / "infinite-loop.py")
    kit.assert_only_hostile_loses(result, "rnn_forward")
    assert "did not finish within 2 s" in kit.feedback(result, "rnn_forward")


@pytest.mark.parametrize("fixture, hostile, words", [
    ("sys-exit.py", "rnn_cell_backward", ("SystemExit", "sys.exit")),
    ("os-exit.py", "rnn_backward", ("stopped the worker", "status 3")),
])
def test_exit_calls_fail_only_their_function(kit, fixture, hostile, words):
    """Do sys.exit and os._exit fail only the function that calls them, with a message?"""
    [result] = kit.grade_json(kit.HOSTILE / fixture)
    kit.assert_only_hostile_loses(result, hostile)
    for word in words:
        assert word in kit.feedback(result, hostile)


def test_huge_allocation_is_a_memory_error_and_the_rest_is_graded(kit):
    """Does an 8 GB allocation end as a MemoryError (or killed worker) while the other seven get full marks?"""
    [result] = kit.grade_json(kit.HOSTILE / "huge-allocation.py")
    kit.assert_only_hostile_loses(result, "lstm_cell_forward")
    text = kit.feedback(result, "lstm_cell_forward")
    assert "MemoryError" in text or "stopped the worker" in text, text
    if "MemoryError" in text:
        assert "memory limit is 2048 MiB" in text


def test_huge_allocation_through_the_api(kit, fast_grader):
    """Does the API (Grader.grade_file) give the same verdict for a huge allocation?"""
    result = fast_grader.grade_file(kit.HOSTILE / "huge-allocation.py")
    got = {f.name: f.score for f in result.functions}
    assert got["lstm_cell_forward"] == 0.0
    assert {k: v for k, v in got.items() if k != "lstm_cell_forward"} == {
        k: v for k, v in kit.FULL_MARKS.items() if k != "lstm_cell_forward"}


@pytest.mark.parametrize("fixture", ["patched-numpy.py", "always-equal-array.py"])
def test_tricks_against_comparisons_earn_nothing(kit, fixture):
    """Do patched numpy checks or always-equal ndarray subclasses leave wrong code at 0?"""
    [result] = kit.grade_json(kit.HOSTILE / fixture)
    kit.assert_only_hostile_loses(result, "rnn_cell_forward")
    text = kit.feedback(result, "rnn_cell_forward")
    assert "wrong values" in text, text


def test_always_equal_arrays_arrive_as_plain_arrays(kit):
    """Do ndarray subclasses cross the boundary as plain float arrays (their overrides gone)?"""
    from grader import wire

    class AlwaysEqual(__import__("numpy").ndarray):
        def __eq__(self, other):
            return True

        def __array_ufunc__(self, *args, **kwargs):
            return True

    import numpy as np

    value = np.full((2, 3), 7.0).view(AlwaysEqual)
    tree, arrays = wire.encode((value, [value]))
    header, decoded_arrays = wire.unpack(wire.pack({"value": tree}, arrays))
    got = wire.decode(header["value"], decoded_arrays)
    for a in (got[0], got[1][0]):
        assert type(a) is np.ndarray and a.dtype == np.float64 and a.shape == (2, 3)
        assert not np.array_equal(a, np.zeros((2, 3)))


def test_unpicklable_payloads_never_run(kit, tmp_path):
    """Are returned objects whose unpickling would run code never unpickled (no marker, grader fine)?"""
    marker = tmp_path / "unpickled-marker"
    path = kit.instantiate(kit.HOSTILE / "pickle-payload.py", tmp_path, MARKER=str(marker))
    [result] = kit.grade_json(path)
    assert not marker.exists()
    kit.assert_only_hostile_loses(result, "lstm_cell_forward")
    text = kit.feedback(result, "lstm_cell_forward")
    assert "Payload" in text or "object" in text, text  # named by type, never rebuilt


def test_print_flood_is_capped_and_stdout_stays_json(kit):
    """Does 100 MB of printing leave a complete grade, a capped capture and one JSON document?"""
    [result] = kit.grade_json(kit.HOSTILE / "print-flood.py", timeout="10")
    assert kit.scores(result) == kit.FULL_MARKS  # printing costs nothing; it returned the right answer
    assert result["printed_bytes"] >= 100 << 20
    assert len(result["printed"]) <= 2000


def test_fake_results_json_does_not_replace_the_real_one(kit):
    """Is the grader's stdout still exactly one JSON document with the true score?"""
    proc = kit.run_cli("grade", kit.HOSTILE / "fake-results.py", "--format", "gradescope", "--timeout", kit.FAST_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)  # raises if anything else was mixed in
    assert isinstance(doc, dict)
    assert doc["score"] == 85.0
    test = next(t for t in doc["tests"] if t["name"] == "lstm_cell_backward")
    assert test["score"] == 0 and test["status"] == "failed"
    assert "all correct" not in doc["output"]


def test_fake_results_json_with_json_format(kit):
    """With --format json too, is the fake results JSON kept out of stdout?"""
    [result] = kit.grade_json(kit.HOSTILE / "fake-results.py")
    kit.assert_only_hostile_loses(result, "lstm_cell_backward")


def test_killing_parent_and_process_group_does_not_stop_the_batch(kit, tmp_path):
    """Does a function that SIGKILLs its parent, group and every PID leave the batch complete?"""
    import shutil

    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(kit.HOSTILE / "kill-parent.py", folder / "a-kill-parent.py")
    shutil.copy(kit.CORRECT,
                folder / "b-correct.py")
    shutil.copy(kit.HOSTILE / "kill-parent.py", folder / "c-kill-parent.py")
    results = kit.grade_json(folder, extra=("--jobs", "2"))
    assert [r["submission"] for r in results] == ["a-kill-parent.py", "b-correct.py", "c-kill-parent.py"]
    assert kit.scores(results[1]) == kit.FULL_MARKS
    for r in (results[0], results[2]):
        kit.assert_only_hostile_loses(r, "lstm_backward")
        assert "stopped the worker" in kit.feedback(r, "lstm_backward")


def test_killing_parent_through_the_api_leaves_this_process_alive(kit, fast_grader):
    """Does grading in-process survive the submission's kill attempts (this test process lives on)?"""
    result = fast_grader.grade_file(kit.HOSTILE / "kill-parent.py")
    assert result.function("lstm_backward").score == 0.0
    assert result.score == 85.0
    os.kill(os.getpid(), 0)  # still here


@pytest.mark.slow
def test_every_hostile_fixture_in_one_batch(kit, tmp_path):
    """Does a batch of every hostile fixture give one result each, exit 0, each losing only its trick?"""
    out = tmp_path / "out"
    proc = kit.run_cli("grade", kit.HOSTILE, "--format", "json", "--timeout", kit.FAST_TIMEOUT, "--jobs", "2",
                   "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    names = sorted(p.name for p in kit.HOSTILE.iterdir() if p.suffix == ".py")
    assert sorted(r["submission"] for r in results) == names
    assert sorted(p.name for p in out.glob("*.json")) == [n + ".json" for n in names]
    for r in results:
        lost = [k for k, v in kit.scores(r).items() if v < kit.FULL_MARKS[k]]
        assert len(lost) <= 1, (r["submission"], lost)
        assert r["score"] >= 85.0 - 1e-9, r["submission"]
