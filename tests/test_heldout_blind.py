"""The blind held-out sets H and I (bench/heldout_blind.py): each mutant applies
and changes its function's outputs (or raises, when marked), checked without the
grader; and the final set I is graded only when asked for by name."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "submissions"))

import check_heldout_blind  # noqa: E402
from heldout_blind import MUTANTS_H, MUTANTS_I  # noqa: E402


def test_every_blind_mutant_changes_its_function_or_raises_as_marked(capsys):
    assert check_heldout_blind.main([]) == 0, capsys.readouterr().out


def test_a_mutant_that_changes_nothing_is_caught():
    from patches import mutant_source
    equivalent = [("dtanh = (1 - a_next ** 2) * da_next", "dtanh = da_next * (1 - a_next * a_next)")]
    kind, _ = check_heldout_blind.outcome(check_heldout_blind.load(mutant_source(equivalent)),
                                          "rnn_cell_backward")
    assert kind == "no-effect"


def test_sets_are_disjoint_and_of_the_same_size_per_function():
    assert not {m[0] for m in MUTANTS_H} & {m[0] for m in MUTANTS_I}
    per = lambda ms: sorted(m[1] for m in ms)  # noqa: E731
    assert per(MUTANTS_H) == per(MUTANTS_I)


def test_hint_share_grades_the_final_set_only_when_named():
    import hint_share
    everything = {m[0] for m in hint_share.select("all")}
    assert not everything & {m[0] for m in MUTANTS_I}
    assert {m[0] for m in MUTANTS_H} <= everything
    assert hint_share.select("I") == MUTANTS_I
    assert hint_share.select("H") == MUTANTS_H


def test_blind_ids_are_unique_across_all_sets():
    import hint_share
    ids = [m[0] for ms in hint_share.SETS.values() for m in ms]
    assert len(ids) == len(set(ids))
