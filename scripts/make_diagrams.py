"""Draw the notebook's diagrams into solutions/rnn_lstm/images/.

    python scripts/make_diagrams.py

Four PNG files, drawn with matplotlib (no external images):
rnn_cell.png, rnn_unrolled.png, lstm_cell.png, backward_flow.png.
The notebook refers to them by relative path, so nbgrader copies them into
the release with the notebook.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "solutions" / "rnn_lstm" / "images"

STATE = "#1f4e79"     # hidden state a
CELL = "#2e7d32"      # cell state c
INPUT = "#6a1b9a"     # input x
OUTPUT = "#c62828"    # prediction y
GRAD = "#e65100"      # gradients
BOX = "#eef3f8"
GATE = "#fff4d6"


def canvas(width, height):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, text, face=BOX, edge="#37474f", size=11, weight="normal"):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, linewidth=1.4))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, weight=weight)


def node(ax, x, y, text, r=0.28, face="white", edge="#37474f", size=12):
    ax.add_patch(Circle((x, y), r, facecolor=face, edgecolor=edge, linewidth=1.4))
    ax.text(x, y, text, ha="center", va="center", fontsize=size)


def arrow(ax, start, end, color="#37474f", text=None, offset=(0, 0.18), style="-|>", lw=1.6,
          rad=0.0, size=11, ls="-"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color,
                                 linewidth=lw, connectionstyle=f"arc3,rad={rad}", linestyle=ls))
    if text:
        mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
        ax.text(mx, my, text, ha="center", va="center", fontsize=size, color=color)


def save(fig, name):
    fig.savefig(OUT / name, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def rnn_cell():
    fig, ax = canvas(8.0, 5.0)
    box(ax, 4.0, 2.3, 4.2, 1.3, r"$a^{\langle t\rangle} = \tanh(W_{aa}\,a^{\langle t-1\rangle}"
        r" + W_{ax}\,x^{\langle t\rangle} + b_a)$", size=12)
    arrow(ax, (0.3, 2.3), (1.9, 2.3), STATE, r"$a^{\langle t-1\rangle}$ (n_a, m)", offset=(0, 0.3))
    arrow(ax, (4.0, 0.3), (4.0, 1.65), INPUT, r"$x^{\langle t\rangle}$ (n_x, m)", offset=(0.95, -0.2))
    arrow(ax, (6.1, 2.3), (7.8, 2.3), STATE, r"$a^{\langle t\rangle}$ (n_a, m)", offset=(0, 0.3))
    box(ax, 4.0, 4.2, 4.2, 0.8, r"$\hat y^{\langle t\rangle} = \mathrm{softmax}(W_{ya}\,a^{\langle t\rangle} + b_y)$",
        face=GATE, size=12)
    arrow(ax, (4.0, 2.95), (4.0, 3.8), STATE)
    arrow(ax, (6.1, 4.2), (7.6, 4.2), OUTPUT, r"$\hat y^{\langle t\rangle}$ (n_y, m)", offset=(0, 0.3))
    ax.text(4.0, 4.85, "rnn_cell_forward(xt, a_prev, parameters) -> a_next, yt_pred, cache",
            ha="center", fontsize=10, family="monospace")
    save(fig, "rnn_cell.png")


def rnn_unrolled():
    fig, ax = canvas(11.0, 4.2)
    xs = [2.2, 4.9, 7.6]
    labels = ["1", "2", r"T_x"]
    arrow(ax, (0.2, 2.0), (xs[0] - 0.8, 2.0), STATE, r"$a^{\langle 0\rangle}$", offset=(0, 0.3))
    for i, (x, lab) in enumerate(zip(xs, labels)):
        box(ax, x, 2.0, 1.6, 1.0, "RNN cell\n(same W, b)", size=10)
        arrow(ax, (x, 0.3), (x, 1.5), INPUT, rf"$x^{{\langle {lab}\rangle}}$", offset=(0.45, -0.25))
        arrow(ax, (x, 2.5), (x, 3.6), OUTPUT, rf"$\hat y^{{\langle {lab}\rangle}}$", offset=(0.45, 0.3))
        if i < len(xs) - 1:
            end = xs[i + 1] - 0.8
            text = rf"$a^{{\langle {lab}\rangle}}$" if i == 0 else r"$\cdots$"
            arrow(ax, (x + 0.8, 2.0), (end, 2.0), STATE, text, offset=(0, 0.3))
    arrow(ax, (xs[-1] + 0.8, 2.0), (10.0, 2.0), STATE, r"$a^{\langle T_x\rangle}$", offset=(0, 0.3))
    ax.text(5.5, 4.1, "rnn_forward(x, a0, parameters): x (n_x, m, T_x) -> a (n_a, m, T_x), y_pred (n_y, m, T_x)",
            ha="center", fontsize=10, family="monospace")
    save(fig, "rnn_unrolled.png")


def lstm_cell():
    fig, ax = canvas(11.5, 7.2)
    # cell state highway along the top
    y_c, y_a = 5.6, 1.0
    arrow(ax, (0.2, y_c), (2.6, y_c), CELL, r"$c^{\langle t-1\rangle}$", offset=(-0.6, 0.3), style="-")
    node(ax, 2.9, y_c, r"$\times$")
    arrow(ax, (3.2, y_c), (5.6, y_c), CELL, style="-")
    node(ax, 5.9, y_c, r"$+$")
    arrow(ax, (6.2, y_c), (11.3, y_c), CELL, r"$c^{\langle t\rangle}$", offset=(2.2, 0.3))
    # the stacked input u = [a_prev; x_t]
    arrow(ax, (0.2, y_a), (1.3, y_a), STATE, r"$a^{\langle t-1\rangle}$", offset=(-0.3, 0.3), style="-")
    box(ax, 1.9, y_a, 1.6, 0.6, r"$u=[a^{\langle t-1\rangle};\,x^{\langle t\rangle}]$",
        face="white", size=10)
    arrow(ax, (1.9, 0.0), (1.9, y_a - 0.35), INPUT, r"$x^{\langle t\rangle}$", offset=(0.4, -0.1))
    gates = [(2.9, r"$f_t=\sigma(W_f u+b_f)$", "forget"),
             (4.6, r"$i_t=\sigma(W_i u+b_i)$", "update"),
             (6.3, r"$\tilde c_t=\tanh(W_c u+b_c)$", "candidate"),
             (8.2, r"$o_t=\sigma(W_o u+b_o)$", "output")]
    ax.plot([2.5, 8.2], [y_a, y_a], color=STATE, lw=1.6)
    for x, text, name in gates:
        ax.plot([x, x], [y_a, 2.35], color=STATE, lw=1.6)
        box(ax, x, 2.75, 1.6, 0.8, text, face=GATE, size=9)
        ax.text(x, 2.05, name, ha="center", fontsize=9, style="italic", color="#555")
    arrow(ax, (2.9, 3.15), (2.9, y_c - 0.28), "#37474f")                     # f_t to the x on c
    node(ax, 5.45, 4.4, r"$\times$")
    arrow(ax, (4.6, 3.15), (5.2, 4.25), "#37474f")                           # i_t
    arrow(ax, (6.3, 3.15), (5.7, 4.25), "#37474f")                           # candidate
    arrow(ax, (5.6, 4.65), (5.85, y_c - 0.28), "#37474f")                    # i*cct into the +
    # a_next = o_t * tanh(c_next)
    box(ax, 9.5, 4.4, 0.9, 0.55, "tanh", face="white", size=10)
    arrow(ax, (9.5, y_c), (9.5, 4.7), CELL)
    node(ax, 9.5, 3.2, r"$\times$")
    arrow(ax, (9.5, 4.12), (9.5, 3.48), "#37474f")
    arrow(ax, (9.0, 2.75), (9.22, 3.1), "#37474f")
    arrow(ax, (9.78, 3.2), (11.3, 3.2), STATE, r"$a^{\langle t\rangle}$", offset=(0.2, 0.3))
    box(ax, 10.6, 1.5, 1.5, 0.8, r"softmax$(W_y a+b_y)$", face="white", size=9)
    arrow(ax, (10.5, 3.2), (10.6, 1.9), STATE)
    arrow(ax, (10.6, 1.1), (10.6, 0.2), OUTPUT, r"$\hat y^{\langle t\rangle}$", offset=(0.45, 0))
    ax.text(5.9, 6.5, r"$c^{\langle t\rangle} = f_t \ast c^{\langle t-1\rangle} + i_t \ast \tilde c_t"
            r"\qquad a^{\langle t\rangle} = o_t \ast \tanh(c^{\langle t\rangle})$", ha="center", fontsize=13)
    save(fig, "lstm_cell.png")


def backward_flow():
    fig, ax = canvas(14.6, 5.0)
    # step 1 (it alone hands da0 back), a gap, steps t and t+1, a gap, the last step T_x
    steps = [(1.6, "1"), (5.9, "t"), (9.3, "t+1"), (13.0, "T_x")]
    for x, lab in steps:
        box(ax, x, 2.4, 1.7, 1.2, f"cell backward\nstep {lab}", size=10)
        arrow(ax, (x, 4.4), (x, 3.05), GRAD, rf"da[:, :, {lab}]", offset=(0.75, 0.25), size=10)
        arrow(ax, (x, 1.75), (x, 0.6), GRAD, rf"dx[:, :, {lab}]", offset=(0.75, -0.15), size=10)
    for (left, left_label), (right, _) in zip(steps[:-1], steps[1:]):
        adjacent = left_label == "t"  # t and t+1 are neighbours; the other gaps stand for several steps
        arrow(ax, (right - 0.85, 2.65), (left + 0.85, 2.65), GRAD, "da_prev" if adjacent else r"$\cdots$",
              offset=(0, 0.28), size=9 if adjacent else 14, ls="-" if adjacent else ":")
        arrow(ax, (right - 0.85, 2.15), (left + 0.85, 2.15), CELL, "dc_prev (LSTM)" if adjacent else None,
              offset=(0, -0.32), size=9, ls="--" if adjacent else ":")
    x_last = steps[-1][0]
    ax.text(x_last + 1.05, 2.4, "zeros:\nnothing comes\nback from\nthe future", ha="left", va="center",
            fontsize=9, color=GRAD)
    arrow(ax, (steps[0][0] - 0.85, 2.4), (0.0, 2.4), GRAD, "da0", offset=(0, 0.3))
    ax.text(7.3, 4.75, "time runs backward: step t gets da[:, :, t] + da_prev of step t+1 "
            "(and, for the LSTM, its dc_prev as dc_next); da0 is the da_prev of step 1", ha="center", fontsize=10)
    ax.text(7.3, 0.1, "dWax, dWaa, dba (RNN) or dWf, dbf, ..., dWo, dbo (LSTM): summed over all steps",
            ha="center", fontsize=10)
    save(fig, "backward_flow.png")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for draw in (rnn_cell, rnn_unrolled, lstm_cell, backward_flow):
        draw()
    print(f"wrote 4 diagrams to {OUT}")


if __name__ == "__main__":
    main()
