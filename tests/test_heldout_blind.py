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


def test_hint_share_counts_a_crash_only_when_its_message_names_an_array():
    """The new rule: a crash's message counts as a hint when it names one of the function's arrays
    with a shape of the exception; sizes alone, or the arrays of a failed store, do not count."""
    import hint_share
    assert hint_share.names_a_cause(
        "rnn_cell_forward", "numpy could not multiply arrays of shapes (n_a, n_x) and (n_a, m): (n_a, n_x) is the "
        "shape of Wax; (n_a, m) is the shape of a_prev, a_next. In the right code: a_next = ...")
    assert hint_share.names_a_cause(
        "rnn_forward", "the `xt` your loop passes rnn_cell_forward has shape (n_x, T_x), where (n_x, m) is expected")
    assert not hint_share.names_a_cause(
        "rnn_cell_forward", "numpy could not multiply (@) a left operand with n_x columns by a right operand with "
        "n_a rows: in A @ B, A's last size must be B's first.")
    assert not hint_share.names_a_cause(
        "rnn_forward", "numpy could not store an array of shape (n_a, T_x) into a slot of shape (n_a, m): (n_a, T_x) "
        "is the shape of none of the function's arrays; (n_a, m) is the shape of a0.")
    assert not hint_share.names_a_cause("rnn_cell_forward", "(n_a, n_x) is the shape of none of the function's arrays")
