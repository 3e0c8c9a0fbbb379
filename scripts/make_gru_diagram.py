"""Draw the GRU notebook's diagram: solutions/gru/images/gru_cell.png.

    python scripts/make_gru_diagram.py

One PNG, drawn with matplotlib (no external image): the GRU cell in the
notation of the notebook (the course's GRU lecture, where c = a): the reset
gate r_t, the update gate u_t, the candidate c~_t computed from
[r_t * a<t-1>; x<t>], and the blend a<t> = u_t * c~_t + (1 - u_t) * a<t-1>.
The notebook refers to it by relative path, so nbgrader copies it into the
release with the notebook. Colours and shapes as scripts/make_diagrams.py.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "solutions" / "gru" / "images"

STATE = "#1f4e79"     # hidden state a
INPUT = "#6a1b9a"     # input x
OUTPUT = "#c62828"    # prediction y
GATE_LINE = "#8d6e00"  # gate values
BOX = "#eef3f8"
GATE = "#fff4d6"


def canvas(width, height):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, text, face=BOX, edge="#37474f", size=11):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, linewidth=1.4))
    ax.text(x, y, text, ha="center", va="center", fontsize=size)


def node(ax, x, y, text, r=0.26, size=12):
    ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor="#37474f", linewidth=1.4, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def line(ax, points, color, arrow_end=True):
    """A polyline through `points`, with an arrow head on its last segment."""
    for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1]):
        ax.plot([x0, x1], [y0, y1], color=color, linewidth=1.6, solid_capstyle="round")
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>" if arrow_end else "-",
                                 mutation_scale=14, color=color, linewidth=1.6, shrinkA=0, shrinkB=0))


def gru_cell():
    fig, ax = canvas(11.0, 6.6)
    top = 5.2
    # the state line: a<t-1> -> x (1 - u_t) -> + -> a<t>
    ax.text(0.2, top + 0.3, r"$a^{\langle t-1\rangle}$ (n_a, m)", color=STATE, fontsize=12)
    line(ax, [(0.2, top), (6.54, top)], STATE)
    node(ax, 6.8, top, r"$\ast$")
    line(ax, [(7.06, top), (8.74, top)], STATE)
    node(ax, 9.0, top, "+")
    line(ax, [(9.26, top), (10.9, top)], STATE)
    ax.text(9.55, top - 0.45, r"$a^{\langle t\rangle}$ (n_a, m)", color=STATE, fontsize=12)
    # the prediction
    box(ax, 9.9, 6.25, 2.1, 0.5, r"$\hat y^{\langle t\rangle}=\mathrm{softmax}(W_y a^{\langle t\rangle}+b_y)$",
        face=GATE, size=9)
    line(ax, [(9.9, top), (9.9, 5.98)], STATE)
    # the concatenation [a<t-1>; x<t>] feeding both gates
    box(ax, 2.6, 1.1, 2.0, 0.6, r"$[a^{\langle t-1\rangle};\ x^{\langle t\rangle}]$", size=11)
    line(ax, [(0.9, top), (0.9, 1.1), (1.6, 1.1)], STATE)
    ax.text(2.6, -0.05, r"$x^{\langle t\rangle}$ (n_x, m)", color=INPUT, fontsize=12, ha="center")
    line(ax, [(2.6, 0.25), (2.6, 0.8)], INPUT)
    box(ax, 2.0, 2.7, 1.5, 0.7, r"$r_t=\sigma(W_r\,\cdot+b_r)$" + "\nreset gate", face=GATE, size=9)
    box(ax, 4.0, 2.7, 1.5, 0.7, r"$u_t=\sigma(W_u\,\cdot+b_u)$" + "\nupdate gate", face=GATE, size=9)
    line(ax, [(2.2, 1.4), (2.0, 2.35)], STATE)
    line(ax, [(3.0, 1.4), (4.0, 2.35)], STATE)
    # r_t * a<t-1>, then the candidate from [r_t * a<t-1>; x<t>]
    node(ax, 2.0, 4.1, r"$\ast$")
    line(ax, [(2.0, 3.05), (2.0, 3.84)], GATE_LINE)
    line(ax, [(2.0, top), (2.0, 4.36)], STATE)
    box(ax, 6.5, 2.7, 2.6, 0.8, r"$\tilde c_t=\tanh(W_c[r_t\ast a^{\langle t-1\rangle};x^{\langle t\rangle}]+b_c)$"
        + "\ncandidate", size=8)
    line(ax, [(2.26, 4.1), (5.6, 4.1), (5.6, 3.1)], STATE)
    ax.text(3.55, 4.22, r"$r_t\ast a^{\langle t-1\rangle}$", fontsize=10, color=STATE)
    line(ax, [(3.6, 0.55), (6.5, 0.55), (6.5, 2.3)], INPUT)
    line(ax, [(2.6, 0.55), (3.6, 0.55)], INPUT, arrow_end=False)
    # the blend: u_t * c~_t + (1 - u_t) * a<t-1>
    node(ax, 9.0, 3.6, r"$\ast$")
    line(ax, [(7.8, 2.7), (9.0, 2.7), (9.0, 3.34)], STATE)
    line(ax, [(9.0, 3.86), (9.0, 4.94)], STATE)
    node(ax, 6.8, 4.2, r"$1-$", size=10)
    line(ax, [(4.75, 2.7), (4.75, 1.7), (8.3, 1.7), (8.3, 4.2), (7.06, 4.2)], GATE_LINE)
    line(ax, [(8.3, 3.6), (8.74, 3.6)], GATE_LINE)
    line(ax, [(6.8, 4.46), (6.8, 4.94)], GATE_LINE)
    ax.text(8.4, 1.8, r"$u_t$", color=GATE_LINE, fontsize=11)
    ax.text(6.95, 4.62, r"$1-u_t$", color=GATE_LINE, fontsize=10)
    ax.text(9.1, 4.3, r"$u_t\ast\tilde c_t$", color=STATE, fontsize=10)
    ax.text(5.5, 6.3, "gru_cell_forward(xt, a_prev, parameters) -> a_next, yt_pred, cache",
            ha="center", fontsize=9, family="monospace")
    fig.savefig(OUT / "gru_cell.png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    gru_cell()
    print(f"wrote {OUT / 'gru_cell.png'}")


if __name__ == "__main__":
    main()
