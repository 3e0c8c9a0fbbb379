"""The notebooks' standalone self-check module, written for an exercise from one generic source.

A notebook's self-check cells (`check("fn", fn)`) run `selfcheck.py`, which sits
beside the notebook in the instructor's source (solutions/<folder>/) and in the
student release (assignments/<folder>/). Students have no grader installed, so
the file stands alone (numpy only). Its code is grader/exercise/selfcheck_module.py
for every exercise; what is an exercise's own is written into it as a table:

- from the exercise's protocol: the functions (arguments, outputs, the cell a sequence
  function calls: `black_box`), which return a dict, and the tolerance;
- from its `selfcheck` (a `SelfCheck`, below): the cell caches' items, how a stand-in cell
  answers and what it says of a wrong input, the case sizes, and the docstring's examples.

`source(exercise)` is the text of the file; `scripts/make_release.py` writes it to
solutions/<folder>/selfcheck.py before nbgrader copies it into the release, and a test holds
the committed files equal to it.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

from . import compare

MODULE = Path(__file__).with_name("selfcheck_module.py")
TABLE_BEGIN = "# ---------------------------------------------------------------- the exercise (its table: begin)\n"
TABLE_END = "# ---------------------------------------------------------------- the exercise (its table: end)\n"
COMPARE_BEGIN = "# ---------------------------------------------------------------- comparing (the autograder's: begin)\n"
COMPARE_END = "# ---------------------------------------------------------------- comparing (the autograder's: end)\n"
# grader/exercise/compare.py's functions the module carries (their source, word for word)
COMPARISONS = (compare.describe_type, compare.within_tolerance, compare.array_problem, compare.scalar_problem, compare.structure_problem,
               compare.cell_cache_problem)


# What a stand-in cell says of a wrong input, for the arguments cell exercises share (an exercise's
# `step_hints` add to these, or replace one); and the docstring's example of feedback.
STEP_HINTS = {
    "xt": "it should be x[:, :, t]",
    "a_prev": "it should be a0 at t=0, then the a_next of the previous step",
    "da_next": "it should be da[:, :, t] plus the da_prev returned by step t+1",
}
EXAMPLE = ("    ✓ a_next: correct on all 2 cases\n"
           "    ✗ yt_pred: wrong values: largest difference 0.31 (tolerance: rtol={rtol:g}, atol={atol:g}) "
           "[case 1: n_x=3, n_a=5, n_y=2, m=4]")  # {rtol:g}, {atol:g}: the exercise's tolerance
SIZES = ("n_x", "n_a", "n_y", "m", "T_x")


@dataclass(frozen=True)
class SelfCheck:
    """What the self-check module needs of an exercise beyond its protocol (for exercises built of
    cell functions and sequence functions that loop over them, each cache a tuple of named items)."""

    title: str  # "the GRU notebook", in "Self-checks for <title>: ..."
    cache_items: dict[str, tuple[str, ...]]  # a cell forward function -> the items of its cache, in order
    step_outputs: dict[str, dict[str, str]]  # a sequence forward function -> {its cell's output: its own
    #                                          output whose step t that is}; the cell's other outputs are cache items
    hint_example: str  # the docstring's example of a hint: a wrong output's line and the hint a known mistake gets
    step_hints: dict[str, str] = field(default_factory=dict)  # an argument of a cell function -> what a sequence
    #                                                           function should hand it (beside STEP_HINTS)
    sizes: tuple[str, ...] = SIZES  # a public case's sizes, in its "shape" order; the last (the steps) for sequences
    example: str | None = None  # the docstring's example of feedback (a right and a wrong output's lines);
    #                               None: EXAMPLE, with the exercise's tolerance


DOCSTRING = '''"""Self-checks for {title}: your functions on the public cases.

    from selfcheck import check
    check("{first}", {first})

prints one line per output (forward functions) or gradient key (backward
functions), for example

{example}

The wording is the autograder's (`results()` returns the same lines as data).
The expected values come from `public_cases.npz` beside this file (plain
arrays, generated from the course's reference implementation). The hidden
cases used for grading have other shapes (m = 1, T_x = 1, a larger case).

When your outputs are, on every public case, those of a known mistake (the
autograder's catalogue, whose outputs on the public cases the same file
carries), a line "Hint: ..." follows with the autograder's own hint, e.g.

{hint_example}

A sequence function is checked on its own: while it runs, the cell function it
calls ({cells}) is replaced by a stand-in that answers with the
correct values of the public case, so a mistake in your cell function does not
show up again here. The stand-in also tells you when the sequence function
hands the cell the wrong inputs (wrong step, wrong state carried over).

Numpy only; this file contains no implementation of the exercise.
"""
# Written by scripts/make_release.py (grader/exercise/selfcheck.py): edit its sources, not this file.
'''


def _text(value) -> str:
    """Python source of a str, a tuple of str or None, with double quotes."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    items = ", ".join(_text(v) for v in value)
    return f"({items},)" if len(value) == 1 else f"({items})"


def _functions(exercise) -> str:
    lines = []
    for name in exercise.order:
        p = exercise.by_name[name]
        parts = (_text(tuple(p.args)), _text(tuple(p.outputs)), _text(p.black_box))
        line = f"    {_text(name)}: ({', '.join(parts)}),"
        if len(line) > 110:  # one part a line, aligned under the first
            indent = " " * (len(f"    {_text(name)}: ("))
            line = f"    {_text(name)}: ({parts[0]},\n" + "".join(f"{indent}{q},\n" for q in parts[1:-1]) \
                + f"{indent}{parts[-1]}),"
        lines.append(line)
    return "FUNCTIONS = {\n" + "\n".join(lines) + "\n}\n"


def _mapping(name: str, mapping: dict, render) -> str:
    if not mapping:
        return f"{name}: dict = {{}}\n"
    return f"{name} = {{\n" + "".join(f"    {_text(k)}: {render(v)},\n" for k, v in mapping.items()) + "}\n"


def table(exercise) -> str:
    """The exercise's table, as the module's lines between its markers."""
    check: SelfCheck = exercise.selfcheck
    tolerance = exercise.tolerance
    returns_dict = tuple(p.name for name in exercise.order if (p := exercise.by_name[name]).returns_dict)
    nested = lambda d: "{" + ", ".join(f"{_text(k)}: {_text(v)}" for k, v in d.items()) + "}"  # noqa: E731
    return "".join([
        "# Values are compared with numpy.isclose(yours, expected, rtol=RTOL, atol=ATOL):\n",
        "# |yours - expected| <= ATOL + RTOL * |expected|, elementwise (as the autograder does).\n",
        f"RTOL = {tolerance.rtol!r}\n",
        f"ATOL = {tolerance.atol!r}\n",
        "# name -> (arguments, outputs or gradient keys, cell function it calls)\n",
        _functions(exercise),
        "# the functions that return a dict of gradients (the others return a tuple of their outputs)\n",
        f"RETURNS_DICT = {_text(returns_dict)}\n",
        "# a cell function that returns a cache -> the items of its cache, in order\n",
        _mapping("CACHE_ITEMS", check.cache_items, _text),
        "# a sequence forward function -> {an output of its cell: the output of its own whose step t it is}\n",
        "# (the cell's other outputs are items of the cell's cache)\n",
        _mapping("STEP_OUTPUTS", check.step_outputs, nested),
        "# an argument of a cell function -> what a sequence function should hand it\n",
        _mapping("STEP_HINTS", {**STEP_HINTS, **check.step_hints}, _text),
        "# the sizes of a case, in the order of its \"shape\"; the last one (the steps) is shown for sequence "
        "functions only\n",
        f"SIZES = {_text(check.sizes)}\n",
    ])


def comparisons() -> str:
    """The comparing section: grader/exercise/compare.py's functions, with the tolerance of this file."""
    parts = [COMPARE_BEGIN,
             "# grader/exercise/compare.py's, word for word: the same text as the autograder for the same mistake.\n",
             _scalars_line() + "\n\n",
             "def _default_tolerance() -> tuple[float, float]:\n",
             '    """The tolerance of this file (RTOL, ATOL), the same as the autograder uses."""\n',
             "    return RTOL, ATOL\n"]
    for function in COMPARISONS:
        parts += ["\n\n", inspect.getsource(function)]
    return "".join(parts) + COMPARE_END


def _scalars_line() -> str:
    """compare.py's line `SCALARS = (...)`, as it is written there."""
    return next(line for line in inspect.getsource(compare).splitlines(keepends=True) if line.startswith("SCALARS = "))


def source(exercise) -> str:
    """The text of `exercise`'s selfcheck.py (ValueError if it has no `selfcheck`)."""
    check: SelfCheck | None = getattr(exercise, "selfcheck", None)
    if check is None:
        raise ValueError(f"the exercise {exercise.name!r} has no self-check module (its `selfcheck` is None)")
    module = MODULE.read_text(encoding="utf-8")
    body = module[module.index('"""', 3) + 3:].lstrip("\n")
    begin, end = body.index(TABLE_BEGIN) + len(TABLE_BEGIN), body.index(TABLE_END)
    body = body[:begin] + table(exercise) + body[end:]
    begin, end = body.index(COMPARE_BEGIN), body.index(COMPARE_END) + len(COMPARE_END)
    body = body[:begin] + comparisons() + body[end:]
    first = exercise.order[0]
    cells = sorted({exercise.by_name[n].black_box for n in exercise.order if exercise.by_name[n].black_box},
                   key=exercise.order.index)
    shown = ", ".join(f"`{c}`" for c in cells) if len(cells) <= 2 else f"`{cells[0]}`, ..."
    tolerance = exercise.tolerance
    example = check.example if check.example is not None else EXAMPLE.format(rtol=tolerance.rtol, atol=tolerance.atol)
    doc = DOCSTRING.format(title=check.title, first=first, example=example.rstrip("\n"),
                           hint_example=check.hint_example.rstrip("\n"), cells=shown)
    return doc + body
