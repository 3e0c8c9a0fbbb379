"""The closing experiment's text says what its code measures.

The notebook's section 6 defines the experiment (cell `experiment_setup`) and
then quotes numbers in two markdown tables and in its prose. These tests run
that very cell with the grader's reference implementation in place of the
student's functions (a correct student gets the same numbers), and compare.

Tolerance of a quoted number: half a unit of its last quoted digit ("9.5e-04"
means 9.45e-04 to 9.55e-04, "7e-04" means 6.5e-04 to 7.5e-04), plus a relative
1e-6 for floating-point noise near a rounding boundary. Prose claims state
their own tolerance below.
"""
from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from grader.exercises.rnn_lstm import reference
from nbhelpers import SOURCE_NB

NUMBER = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$")


def cells():
    nb = nbformat.read(str(SOURCE_NB), as_version=4)
    return nb.cells


def cell_after(cell_id: str):
    """The markdown cell right after the code cell `cell_id` (where its results are discussed)."""
    all_cells = cells()
    index = next(i for i, c in enumerate(all_cells) if c.get("id") == cell_id)
    following = all_cells[index + 1]
    assert following.cell_type == "markdown", f"no text after {cell_id}"
    return following.source


@pytest.fixture(scope="module")
def experiment():
    """The notebook's experiment cell, run with the reference functions (module namespace)."""
    source = next(c.source for c in cells() if c.get("id") == "experiment_setup")
    namespace = {"np": np}
    for name in ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward", "lstm_cell_backward"):
        namespace[name] = getattr(reference, name)
    exec(compile(source, "experiment_setup", "exec"), namespace)
    return namespace


def quoted(text: str) -> float:
    return float(text)


def assert_quote(text: str, value: float, where: str) -> None:
    """`text` (as quoted) is `value` rounded to the digits the text gives."""
    match = NUMBER.match(text.strip())
    assert match, f"{where}: {text!r} is not a number"
    decimals = len(match.group(2) or "")
    exponent = int(match.group(3) or 0)
    half_unit = 0.5 * 10.0 ** (exponent - decimals)
    assert abs(value - float(text)) <= half_unit + 1e-6 * abs(value), \
        f"{where}: the text says {text}, the code gives {value:.3e}"


def table_rows(markdown: str, first_header: str) -> dict[str, list[str]]:
    """The rows of the markdown table whose first header cell is `first_header`, by first column."""
    rows, inside = {}, False
    for line in markdown.splitlines():
        if not line.startswith("|"):
            inside = False
            continue
        cells_ = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells_[0] == first_header:
            inside = True
            continue
        if inside and not set(cells_[0]) <= set("-"):
            rows[cells_[0]] = cells_[1:]
    assert rows, f"no table headed {first_header!r}"
    return rows


def test_seed_0_table_is_what_the_code_prints(experiment):
    """Is every number of the seed-0 table (10, 50, 99 steps back) the experiment's, to the quoted digits?"""
    rows = table_rows(cell_after("vanishing_gradients"), "curve")
    assert sorted(rows) == sorted(experiment["MAIN_CURVES"])
    for label, setting in experiment["MAIN_CURVES"].items():
        curve, _ = experiment["gradient_reach"](**setting)
        for text, k in zip(rows[label], (10, 50, 99)):
            assert_quote(text, curve[k], f"{label}, {k} steps back")


def test_seed_0_prose(experiment):
    """Do the sentences under the seed-0 table hold (cell path ≈ product of forget gates, 30 times smaller, decay)?"""
    text = cell_after("vanishing_gradients")
    reach = experiment["gradient_reach"]
    (rnn, _), (lstm, f_bar), (cell, f_bar_again) = (reach(**s) for s in experiment["MAIN_CURVES"].values())
    assert f_bar == f_bar_again      # the same forward pass

    assert_quote(re.search(r"still (\S+) of its size 99 steps back", text).group(1), lstm[99], "LSTM, prose")
    assert_quote(re.search(r"cell state alone it is (\S+) there", text).group(1), cell[99], "cell path, prose")
    product = re.search(r"\\approx\$ (\S+) with \$\\bar f =\$ (\S+),", text)
    assert_quote(product.group(1), f_bar ** 99, "product of the forget gates")
    assert_quote(product.group(2), f_bar, "geometric mean of the forget gates")
    # "close to the product of 99 forget gates": within a factor of 2
    assert 0.5 < cell[99] / f_bar ** 99 < 2
    # "about 30 times smaller than the whole gradient": 25 to 35
    assert "about 30 times smaller" in text
    assert 25 < lstm[99] / cell[99] < 35
    # "a roughly constant factor per step": the mean log-decay per step over steps 10-50 and
    # 50-99 agree within 10%
    early = np.log(rnn[50] / rnn[10]) / 40
    late = np.log(rnn[99] / rnn[50]) / 49
    assert early < 0 and late < 0 and abs(early / late - 1) < 0.1, (early, late)


@pytest.fixture(scope="module")
def six_seeds(experiment):
    """setting label -> (curves of the six seeds (6, 100), geometric mean forget gates of the six seeds or None)."""
    out = {}
    for label, setting in experiment["SETTINGS"].items():
        runs = [experiment["gradient_reach"](seed=s, **setting) for s in experiment["SEEDS"]]
        curves = np.array([curve for curve, _ in runs])
        gates = np.array([gate for _, gate in runs]) if setting["model"] == "lstm" else None
        out[label] = (curves, gates)
    return out


def test_six_seed_table_is_what_the_code_prints(experiment, six_seeds):
    """Is every range of the six-seed table (smallest to largest over the seeds) the experiment's?"""
    assert len(experiment["SEEDS"]) == 6 and "six seeds" in cell_after("gradient_reach_settings").lower()
    rows = table_rows(cell_after("gradient_reach_settings"), "setting")
    assert sorted(rows) == sorted(experiment["SETTINGS"])
    for label, (curves, gates) in six_seeds.items():
        row = rows[label]
        for text, k in zip(row[:3], (10, 50, 99)):
            low, high = text.split(" to ")
            assert_quote(low, curves[:, k].min(), f"{label}, {k} steps back, smallest")
            assert_quote(high, curves[:, k].max(), f"{label}, {k} steps back, largest")
        if gates is None:
            assert row[3] == "", label
        else:
            low, high = row[3].split(" to ")
            assert_quote(low, gates.min(), f"{label}, forget gates")
            assert_quote(high, gates.max(), f"{label}, forget gates")


def test_six_seed_prose(six_seeds):
    """Do the sentences under the six-seed table hold for every seed?"""
    text = cell_after("gradient_reach_settings")
    at_99 = {label: curves[:, 99] for label, (curves, _) in six_seeds.items()}
    # "At ρ = 1.5 the gradient still vanishes in every seed": below 1e-6 of its size 99 steps back
    assert "still vanishes in every seed" in text
    assert at_99["basic RNN, ρ = 1.5"].max() < 1e-6
    # "At ρ = 3 it explodes, by a factor between A and B at 99 steps back"
    low, high = re.search(r"by a factor between (\S+) and (\S+) at 99 steps back", text).groups()
    assert_quote(low, at_99["basic RNN, ρ = 3"].min(), "ρ = 3, smallest")
    assert_quote(high, at_99["basic RNN, ρ = 3"].max(), "ρ = 3, largest")
    # "With b_f = 0 or 1 its gradient vanishes too, more slowly than the RNN's"
    for label in ("LSTM, b_f = 0", "LSTM, b_f = 1"):
        assert at_99[label].max() < 1e-4
        assert at_99[label].min() > at_99["basic RNN, ρ = 0.9"].max()
    # "With b_f = 3 it keeps between A and B of its size 99 steps back in every seed, never above
    # its size at the last step"
    low, high = re.search(r"keeps between (\S+) and (\S+) of its size 99 steps", text).groups()
    assert_quote(low, at_99["LSTM, b_f = 3"].min(), "b_f = 3, smallest")
    assert_quote(high, at_99["LSTM, b_f = 3"].max(), "b_f = 3, largest")
    assert six_seeds["LSTM, b_f = 3"][0][:, 1:].max() < 1
    # "The cell-state path alone is at most A with b_f = 3, but between B and C with b_f = 5"
    most, low, high = re.search(r"at most (\S+) with\s+\$b_f = 3\$, but between (\S+) and (\S+) with", text).groups()
    assert_quote(most, at_99["LSTM, b_f = 3, cell-state path only"].max(), "cell path, b_f = 3")
    assert_quote(low, at_99["LSTM, b_f = 5, cell-state path only"].min(), "cell path, b_f = 5")
    assert_quote(high, at_99["LSTM, b_f = 5, cell-state path only"].max(), "cell path, b_f = 5")
    # "forget gates are about 0.992 ... (0.992^99 ≈ 0.45)"
    gates_5 = six_seeds["LSTM, b_f = 5"][1]
    assert_quote("0.992", gates_5.mean(), "b_f = 5 forget gates")
    assert_quote("0.45", 0.992 ** 99, "arithmetic")
    # "forget gates around 0.49 or 0.72"
    assert_quote("0.49", six_seeds["LSTM, b_f = 0"][1].mean(), "b_f = 0 forget gates")
    assert_quote("0.72", six_seeds["LSTM, b_f = 1"][1].mean(), "b_f = 1 forget gates")
    assert "around 0.49 or 0.72" in text and "about 0.992" in text and r"0.992^{99} \approx 0.45" in text


def test_the_retracted_claims_are_gone():
    """Is the old text gone (ρ = 1.5 'exploding', the gradient 'carried by the cell state')?"""
    text = "\n".join(c.source for c in cells() if c.cell_type == "markdown")
    assert "spectral radius of 1.5 (exploding" not in text
    assert "carried by the cell state" not in text


def test_arithmetic_in_section_3():
    """Are the forget-gate products quoted before the experiment right (0.99^99 ≈ 0.37, 0.95^99 ≈ 0.006)?"""
    text = "\n".join(c.source for c in cells() if c.cell_type == "markdown")
    assert r"0.99^{99} \approx 0.37" in text and r"0.95^{99} \approx 0.006" in text
    assert_quote("0.37", 0.99 ** 99, "0.99^99")
    assert_quote("0.006", 0.95 ** 99, "0.95^99")
