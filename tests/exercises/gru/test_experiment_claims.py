"""Does the GRU notebook's experiment text say what its code measures?

Section 5 defines the experiment (cell `experiment_setup`), then quotes
numbers in two markdown tables and in the prose under them. These tests run
that very cell with the reference GRU (grader/exercises/gru/reference.py) in
place of the student's functions (a correct student gets the same numbers)
and the RNN/LSTM of solutions/gru/baselines.py, and compare.

Tolerance of a quoted number: half a unit of its last quoted digit ("6.4e-03"
means 6.35e-03 to 6.45e-03, "5e-01" means 4.5e-01 to 5.5e-01, "24%" means
23.5% to 24.5%), plus a relative 1e-6 for floating-point noise at a rounding
boundary. Prose claims state their own tolerance below.
"""
from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from grader.exercises.gru import reference
from gru_nbhelpers import SOURCE_DIR, by_id, cells

NUMBER = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$")


def text_after(cell_id: str) -> str:
    """The markdown cell right after the code cell `cell_id` (where its results are discussed)."""
    all_cells = cells()
    index = next(i for i, c in enumerate(all_cells) if c.get("id") == cell_id)
    assert all_cells[index + 1].cell_type == "markdown", f"no text after {cell_id}"
    return all_cells[index + 1].source


@pytest.fixture(scope="module")
def experiment():
    """The notebook's experiment cell, run with the reference GRU and the baselines (module namespace)."""
    sys.path.insert(0, str(SOURCE_DIR))       # baselines.py and gru_utils.py, as beside the notebook
    try:
        namespace = {"np": np}
        for name in ("gru_forward", "gru_backward", "gru_cell_backward"):
            namespace[name] = getattr(reference, name)
        exec(compile(by_id("experiment_setup").source, "experiment_setup", "exec"), namespace)
    finally:
        sys.path.remove(str(SOURCE_DIR))
    return namespace


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
        parts = [c.strip() for c in line.strip().strip("|").split("|")]
        if parts[0] == first_header:
            inside = True
            continue
        if inside and not set(parts[0]) <= set("-"):
            rows[parts[0]] = parts[1:]
    assert rows, f"no table headed {first_header!r}"
    return rows


def test_the_experiment_uses_the_student_s_gru_and_the_previous_exercise_s_rnn_lstm():
    """Does the setup cell take the RNN/LSTM from baselines.py and leave the GRU to the student's functions?"""
    source = by_id("experiment_setup").source
    assert "from baselines import lstm_backward, lstm_forward, rnn_backward, rnn_forward" in source
    assert not re.search(r"^def gru_", source, re.MULTILINE)


def test_seed_0_table_is_what_the_code_prints(experiment):
    """Is every number of the seed-0 table (10, 50, 99 steps back) the experiment's, to the quoted digits?"""
    rows = table_rows(text_after("gradient_flow"), "curve")
    assert sorted(rows) == sorted(experiment["MAIN_CURVES"])
    for label, setting in experiment["MAIN_CURVES"].items():
        curve, _ = experiment["gradient_reach"](**setting)
        for text, k in zip(rows[label], (10, 50, 99)):
            assert_quote(text, curve[k], f"{label}, {k} steps back")


def test_seed_0_prose(experiment):
    """Do the sentences under the seed-0 table hold (decay, direct path ≈ product of 1 - u_t, 3 times, LSTM more)?"""
    text = text_after("gradient_flow")
    reach = experiment["gradient_reach"]
    (rnn, _), (lstm, f_bar), (gru, k_bar), (direct, k_again) = (reach(**s) for s in experiment["MAIN_CURVES"].values())
    assert k_bar == k_again          # the same forward pass
    assert_quote(re.search(r"99 steps back, (\S+) of it is left", text).group(1), rnn[99], "RNN, prose")
    # "decays exponentially": the mean log-decay per step over steps 10-50 and 50-99 agree within 10%
    early, late = np.log(rnn[50] / rnn[10]) / 40, np.log(rnn[99] / rnn[50]) / 49
    assert early < 0 and late < 0 and abs(early / late - 1) < 0.1, (early, late)
    assert_quote(re.search(r"The GRU's is still (\S+) of its size 99 steps back", text).group(1), gru[99], "GRU")
    assert_quote(re.search(r"direct path alone it is (\S+) there", text).group(1), direct[99], "direct path")
    product = re.search(r"\\approx\$ (\S+) with \$\\bar k =\$ (\S+),", text)
    assert_quote(product.group(1), k_bar ** 99, "product of the 1 - u_t")
    assert_quote(product.group(2), k_bar, "geometric mean of 1 - u_t")
    # "close to the product of 99 factors": within a factor of 2
    assert 0.5 < direct[99] / k_bar ** 99 < 2
    # "The whole gradient is about 3 times larger": 2.5 to 3.5
    assert "is about 3 times larger" in text
    assert 2.5 < gru[99] / direct[99] < 3.5
    # "The LSTM, whose forget gates are about as open (f = 0.944), keeps X ..., more than the GRU"
    assert_quote(re.search(r"\(\$\\bar f =\$ (\S+)\)", text).group(1), f_bar, "LSTM forget gates")
    assert abs(f_bar - k_bar) < 0.01   # "about as open"
    assert_quote(re.search(r"keeps\s+(\S+) of its gradient 99 steps back, more than the GRU", text).group(1),
                 lstm[99], "LSTM")
    assert lstm[99] > gru[99]


@pytest.fixture(scope="module")
def six_seeds(experiment):
    """setting label -> (curves of the six seeds (6, 100), the six keep factors or None)."""
    out = {}
    for label, setting in experiment["SETTINGS"].items():
        runs = [experiment["gradient_reach"](seed=s, **setting) for s in experiment["SEEDS"]]
        keeps = [k for _, k in runs]
        out[label] = (np.array([curve for curve, _ in runs]), None if keeps[0] is None else np.array(keeps))
    return out


def test_six_seed_table_is_what_the_code_prints(experiment, six_seeds):
    """Is every range of the six-seed table (smallest to largest over the seeds) the experiment's?"""
    assert len(experiment["SEEDS"]) == 6 and "six seeds" in text_after("gradient_flow_settings").lower()
    rows = table_rows(text_after("gradient_flow_settings"), "setting")
    assert sorted(rows) == sorted(experiment["SETTINGS"])
    for label, (curves, keeps) in six_seeds.items():
        row = rows[label]
        for text, k in zip(row[:3], (10, 50, 99)):
            low, high = text.split(" to ")
            assert_quote(low, curves[:, k].min(), f"{label}, {k} steps back, smallest")
            assert_quote(high, curves[:, k].max(), f"{label}, {k} steps back, largest")
        if keeps is None:
            assert row[3] == "", label
        else:
            low, high = row[3].split(" to ")
            assert_quote(low, keeps.min(), f"{label}, keep factors")
            assert_quote(high, keeps.max(), f"{label}, keep factors")


def test_six_seed_prose(six_seeds):
    """Do the sentences under the six-seed table hold for every seed?"""
    text = text_after("gradient_flow_settings")
    at_99 = {label: curves[:, 99] for label, (curves, _) in six_seeds.items()}
    keeps = {label: k for label, (_, k) in six_seeds.items()}
    # "With b_u = 0 or -1 (1 - u_t around 0.49 or 0.72) its gradient vanishes, below 2e-08 ... in every seed"
    assert "around 0.49 or 0.72" in text and "below 2e-08 of its" in text
    assert_quote("0.49", keeps["GRU, b_u = 0"].mean(), "b_u = 0 keep factor")
    assert_quote("0.72", keeps["GRU, b_u = -1"].mean(), "b_u = -1 keep factor")
    for label in ("GRU, b_u = 0", "GRU, b_u = -1"):
        assert at_99[label].max() < 2e-8, label
        # "though far more slowly than the RNN's (whose largest value there is 3e-24)"
        assert at_99[label].min() > at_99["basic RNN, ρ = 0.9"].max()
    assert_quote(re.search(r"whose largest value there is (\S+)\)", text).group(1),
                 at_99["basic RNN, ρ = 0.9"].max(), "RNN largest")
    # "the median grows from b_u = 0 to -1, -3 and -5 in every seed"
    order = np.array([at_99[f"GRU, b_u = {b}"] for b in ("0", "-1", "-3", "-5")])
    assert np.all(np.diff(order, axis=0) > 0)
    # "With b_u = -3 it keeps between A and B of its size 99 steps back"
    low, high = re.search(r"keeps between (\S+) and (\S+) of its size 99 steps back", text).groups()
    assert_quote(low, at_99["GRU, b_u = -3"].min(), "b_u = -3, smallest")
    assert_quote(high, at_99["GRU, b_u = -3"].max(), "b_u = -3, largest")
    # "The LSTM with b_f = 3 ... keeps at least 6 times more in every seed" (forget gates about as open: within 0.01)
    assert "at least 6 times more in every seed" in " ".join(text.split())
    assert (at_99["LSTM, b_f = 3"] / at_99["GRU, b_u = -3"]).min() >= 6
    assert abs(keeps["LSTM, b_f = 3"].mean() - keeps["GRU, b_u = -3"].mean()) < 0.01
    # "The direct path alone carries A% to B% ... with b_u = -3, but C% to D% with b_u = -5"
    a, b, c, d = re.search(r"carries (\d+)% to (\d+)% of the GRU's gradient 99\s+steps back with \$b_u = -3\$, "
                           r"but (\d+)% to (\d+)% with \$b_u = -5\$", text).groups()
    share3 = 100 * at_99["GRU, b_u = -3, direct path only"] / at_99["GRU, b_u = -3"]
    share5 = 100 * at_99["GRU, b_u = -5, direct path only"] / at_99["GRU, b_u = -5"]
    assert_quote(a, share3.min(), "share, b_u = -3, smallest")
    assert_quote(b, share3.max(), "share, b_u = -3, largest")
    assert_quote(c, share5.min(), "share, b_u = -5, smallest")
    assert_quote(d, share5.max(), "share, b_u = -5, largest")
    # "Above 100%, the other paths subtract from it": some seed is above 100%
    assert share5.max() > 100
    # "1 - u_t is about 0.993 (0.993^99 ≈ 0.50)"
    assert_quote(re.search(r"\$1 - u_t\$ is about (\S+) \(", text).group(1), keeps["GRU, b_u = -5"].mean(),
                 "b_u = -5 keep factor")
    assert_quote(re.search(r"0\.993\^\{99\} \\approx\$ (\S+)\)", text).group(1), 0.993 ** 99, "arithmetic")


def test_quoted_gate_values_in_the_setup_text():
    """Are σ(3) ≈ 0.95 and σ(-3) ≈ 0.05 as the setup text says?"""
    text = text_after("gradient_check_gru")
    assert r"f_t \approx \sigma(3) \approx 0.95" in text and r"u_t \approx \sigma(-3) \approx 0.05" in text
    assert_quote("0.95", 1 / (1 + np.exp(-3)), "sigma(3)")
    assert_quote("0.05", 1 / (1 + np.exp(3)), "sigma(-3)")
