"""The blind held-out GRU set GX (bench/heldout_gru_blind.py): every mutant applies and changes
its function's outputs (or raises, when marked), checked without the grader by
bench/check_heldout_gru_blind.py; and that check does catch a mutant that changes nothing."""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import check_heldout_gru_blind as check  # noqa: E402
from heldout_gru_blind import FUNCTIONS, MUTANTS_GX, RAISES  # noqa: E402

# An edit that rewrites the tanh derivative without changing its value.
EQUIVALENT = [("(1 - cct ** 2)", "(1 - cct * cct)")]


def test_every_gru_blind_mutant_changes_its_function_or_raises_as_marked(capsys):
    assert check.main([]) == 0, capsys.readouterr().out


def test_a_mutant_that_changes_nothing_is_caught(monkeypatch, capsys):
    namespace = check.load(check.mutant_source(EQUIVALENT))
    assert check.outcome(namespace, "gru_cell_backward")[0] == "no-effect"
    monkeypatch.setattr(check, "MUTANTS_GX", MUTANTS_GX + [("gx99", "gru_cell_backward", EQUIVALENT, "same")])
    assert check.main([]) == 1
    assert "FAIL: gx99: no-effect" in capsys.readouterr().out


def test_a_patch_that_does_not_apply_and_a_wrong_raises_mark_are_caught(monkeypatch, capsys):
    ambiguous = [("x[:, :, t]", "x[:, t, :]")]  # occurs in gru_forward and (as dx[:, :, t]) gru_backward
    mismarked = [("dWc = np.dot(dcct, concat_r.T)", "dWc = np.dot(dcct, concat.T)")]
    monkeypatch.setattr(check, "MUTANTS_GX", MUTANTS_GX + [
        ("gx98", "gru_forward", ambiguous, "ambiguous edit"),
        ("gx97", "gru_cell_backward", mismarked, "differs, wrongly marked [raises]")])
    monkeypatch.setattr(check, "RAISES", RAISES | {"gx97"})
    assert check.main([]) == 1
    out = capsys.readouterr().out
    assert "FAIL: gx98: BROKEN" in out and "FAIL: gx97: differs but marked [raises]" in out


def test_the_set_is_single_slips_spread_over_the_four_functions():
    ids = [m[0] for m in MUTANTS_GX]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"gx\d\d", i) for i in ids)
    assert all(len(edits) == 1 for _, _, edits, _ in MUTANTS_GX)
    per = Counter(m[1] for m in MUTANTS_GX)
    assert set(per) == set(FUNCTIONS) and min(per.values()) >= 8
    assert per["gru_cell_backward"] + per["gru_backward"] > per["gru_cell_forward"] + per["gru_forward"]
    assert 2 <= len(RAISES) <= 4
