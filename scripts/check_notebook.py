"""Check an exercise's nbgrader source notebook against its rubric (the notebook is edited in Jupyter).

    python scripts/check_notebook.py                                  # solutions/rnn_lstm/rnn_lstm.ipynb
    python scripts/check_notebook.py solutions/rnn_lstm/rnn_lstm.ipynb
    python scripts/check_notebook.py NOTEBOOK --rubric RUBRIC.json   # another exercise's rubric

Prints one line per problem, naming the cell (its index, counted from 0 as
Jupyter's cell list shows them, and its id) and what to change, and exits 1
when there is any; prints a one-line summary and exits 0 when there is none.

What it checks (`check(nb, rubric, grading)`, usable for any exercise):

- the notebook is valid nbformat 4 and has no outputs or execution counts;
- nbgrader metadata: schema_version 3, the four flags present and true/false,
  a grade_id on every nbgrader cell and no grade_id twice, points (a number)
  on every graded cell, graded and self-check cells locked;
- every graded function has its three cells, in this order: a solution cell
  (`def <name>(` between ... `### BEGIN SOLUTION` / `### END SOLUTION`), a
  locked, ungraded self-check cell that calls it, and a locked graded cell
  whose `### BEGIN HIDDEN TESTS` part calls `_score("<name>", <name>, points=P)`;
  P, the cell's nbgrader points and the rubric's total for the function agree;
- no solution or graded cell for a function the rubric does not have;
- what the text states about grading is the rubric: each `<name>` (P points)
  of the grading summary, the `* <name>: <output> p, ...` list of weights, the
  total (`N points in all`), each function's `*Graded (P points: ...)*` line
  and the `# Autograder test of <name> (P points)` comment, and, when given,
  the tolerances and the penalty for modifying an input;
- a stub's length hint (`# ≈ N lines in our solution`) counts the solution's
  non-blank lines.

The rubric is {function: {output or gradient key: points}}, in the order the
notebook teaches them; for rnn_lstm it is built from grader/exercises/rnn_lstm/problems.py
(`rnn_lstm_rubric`, the one import of the grader). `--rubric FILE` reads it from
a JSON file instead: {"functions": {...}, "grading": {"rtol": ..., ...}}
("grading" optional).
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOK = ROOT / "solutions" / "rnn_lstm" / "rnn_lstm.ipynb"

NBGRADER_FLAGS = ("grade", "solution", "locked")
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SCORE_CALL = re.compile(r'_score\(\s*"(?P<name>\w+)"\s*,\s*(?P<function>\w+)\s*,\s*points\s*=\s*(?P<points>[^)\s]+)\s*\)')
DEFINES = re.compile(r"^def (\w+)\(", re.MULTILINE)
LENGTH_HINT = re.compile(r"# ≈ (\d+) lines in our solution")
SUMMARY_ENTRY = re.compile(r"`(\w+)` \((\S+) points\)")
WEIGHTS_LINE = re.compile(r"^\* `(\w+)`: (`\w+` \S+(?:, `\w+` \S+)*)\s*$", re.MULTILINE)
WEIGHT = re.compile(r"`(\w+)` (\S+)")
TOTAL = re.compile(r"(\S+) points in all")
GRADED_LINE = re.compile(r"\*Graded \((\S+) points: ([^)]*)\)")
VISIBLE_COMMENT = re.compile(r"# Autograder test of (\w+) \((\S+) points\)")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where (cell index and id, or None for the whole notebook) and what."""
    cell: int | None
    cell_id: str
    message: str

    def __str__(self) -> str:
        where = "notebook" if self.cell is None else f"cell {self.cell} ({self.cell_id})"
        return f"{where}: {self.message}"


def _g(points: float) -> str:
    return f"{points:g}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _weights_text(weights: dict) -> str:
    return ", ".join(f"`{key}` {_g(points)}" for key, points in weights.items())


def _parse_weights(text: str) -> list[tuple[str, float | None]]:
    return [(key, _number(value.rstrip(",;."))) for key, value in WEIGHT.findall(text)]


def _same_weights(text: str, weights: dict) -> bool:
    return _parse_weights(text) == [(key, float(points)) for key, points in weights.items()]


def solution_body(source: str) -> str | None:
    """The lines between the solution markers, or None when they are missing or out of order."""
    lines = source.splitlines()
    begin = [i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION]
    end = [i for i, line in enumerate(lines) if line.strip() == END_SOLUTION]
    if len(begin) != 1 or len(end) != 1 or begin[0] > end[0]:
        return None
    return "\n".join(lines[begin[0] + 1:end[0]])


def hidden_part(source: str) -> str | None:
    if source.count(BEGIN_HIDDEN) != 1 or source.count(END_HIDDEN) != 1:
        return None
    start, stop = source.index(BEGIN_HIDDEN), source.index(END_HIDDEN)
    return source[start:stop] if start < stop else None


class _Checker:
    def __init__(self, nb, rubric: dict, grading: dict | None):
        self.nb, self.rubric, self.grading = nb, rubric, grading or {}
        self.problems: list[Problem] = []

    def add(self, index: int | None, message: str) -> None:
        cell_id = "" if index is None else str(self.nb.cells[index].get("id", "?"))
        self.problems.append(Problem(index, cell_id, message))

    @staticmethod
    def meta(cell) -> dict:
        meta = cell.get("metadata", {}).get("nbgrader")
        return meta if isinstance(meta, dict) else {}

    # ------------------------------------------------------------------ the whole file
    def format(self) -> None:
        try:
            nbformat.validate(self.nb)
        except nbformat.ValidationError as error:
            self.add(None, f"not a valid nbformat 4 notebook: {str(error).splitlines()[0]} "
                           "(open and save it in Jupyter, or undo the hand edit)")
        for i, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
                self.add(i, "has outputs or an execution count: clear them before committing "
                            "(Edit → Clear All Outputs, or jupyter nbconvert --clear-output --inplace)")

    def nbgrader(self) -> None:
        seen: dict[str, int] = {}
        for i, cell in enumerate(self.nb.cells):
            if "nbgrader" not in cell.get("metadata", {}):
                continue
            meta = self.meta(cell)
            if meta.get("schema_version") != 3:
                self.add(i, f"nbgrader schema_version is {meta.get('schema_version')!r}, not 3: "
                            "set it with nbgrader's Create Assignment toolbar (or nbgrader update)")
            for flag in NBGRADER_FLAGS:
                if not isinstance(meta.get(flag), bool):
                    self.add(i, f"nbgrader '{flag}' is {meta.get(flag)!r}: it must be true or false")
            grade_id = meta.get("grade_id")
            if not isinstance(grade_id, str) or not grade_id.strip():
                self.add(i, "nbgrader cell without a grade_id: give it a unique ID in the Create Assignment toolbar")
            elif grade_id in seen:
                self.add(i, f"grade_id '{grade_id}' is also the grade_id of cell {seen[grade_id]}: "
                            "grade_ids must be unique (rename one)")
            else:
                seen[grade_id] = i
            if meta.get("grade") is True:
                points = meta.get("points")
                if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                    self.add(i, f"graded cell whose nbgrader points is {points!r}: set a number of points")
                if cell.cell_type == "code" and meta.get("solution") is False and meta.get("locked") is not True:
                    self.add(i, "graded test cell is not locked: lock it (Read-only) so students cannot edit it")

    # ------------------------------------------------------------------ one function's cells
    def function(self, name: str, weights: dict) -> None:
        cells = self.nb.cells
        points = float(sum(weights.values()))
        solutions = [i for i, c in enumerate(cells) if c.cell_type == "code" and self.meta(c).get("solution") is True
                     and name in DEFINES.findall(c.source)]
        if not solutions:
            self.add(None, f"no solution cell defines {name}: add a code cell with `def {name}(` and the "
                           f"solution between {BEGIN_SOLUTION} and {END_SOLUTION}, marked 'Autograded answer'")
            return
        if len(solutions) > 1:
            self.add(solutions[1], f"a second solution cell defines {name} (the first is cell {solutions[0]}): "
                                   "keep one")
        sol = solutions[0]
        body = solution_body(cells[sol].source)
        if body is None:
            self.add(sol, f"the solution of {name} needs exactly one {BEGIN_SOLUTION} line followed by one "
                          f"{END_SOLUTION} line")
        else:
            hint = LENGTH_HINT.search(cells[sol].source)
            lines = sum(1 for line in body.splitlines() if line.strip())
            if hint and int(hint.group(1)) != lines:
                self.add(sol, f"the length hint says ≈ {hint.group(1)} lines but the solution of {name} has "
                              f"{lines} non-blank lines: write '# ≈ {lines} lines in our solution'")
        graded = [i for i, c in enumerate(cells) if c.cell_type == "code" and self.meta(c).get("grade") is True
                  and any(m["name"] == name for m in SCORE_CALL.finditer(hidden_part(c.source) or ""))]
        if not graded:
            self.add(None, f"no graded cell scores {name}: after its self-check add a code cell marked "
                           f"'Autograder tests' ({_g(points)} points, locked) holding {BEGIN_HIDDEN} / "
                           f'_score("{name}", {name}, points={_g(points)}) / {END_HIDDEN}')
            return
        if len(graded) > 1:
            self.add(graded[1], f"a second graded cell scores {name} (the first is cell {graded[0]}): keep one")
        test = graded[0]
        if test < sol:
            self.add(test, f"the graded cell of {name} comes before its solution cell {sol}: move it below")
        between = range(sol + 1, test)
        checks = [i for i in between if cells[i].cell_type == "code" and re.search(rf"\b{name}\b", cells[i].source)]
        if not checks:
            self.add(test, f"no self-check cell between the solution of {name} (cell {sol}) and its graded "
                           f"cell: add a locked, ungraded code cell calling it on the public cases")
        for i in checks:
            meta = self.meta(cells[i])
            if meta.get("locked") is not True or meta.get("grade") is not False or meta.get("solution") is not False:
                self.add(i, f"the self-check of {name} must be an nbgrader cell that is locked ('Read-only'), "
                            "not graded and not a solution")
        self.graded_cell(test, name, weights, points)
        for i in between:
            if cells[i].cell_type == "markdown":
                for stated, text in GRADED_LINE.findall(cells[i].source):
                    if _number(stated) != points or not _same_weights(text, weights):
                        self.add(i, f"says 'Graded ({stated} points: {text})' but the rubric of {name} is "
                                    f"'{_g(points)} points: {_weights_text(weights)}': correct the text")

    def graded_cell(self, index: int, name: str, weights: dict, points: float) -> None:
        cell = self.nb.cells[index]
        meta = self.meta(cell)
        if meta.get("points") != points:
            self.add(index, f"nbgrader points is {meta.get('points')!r} but the rubric gives {name} "
                            f"{_g(points)}: set the cell's points to {_g(points)}")
        if meta.get("solution") is not False:  # (its lock is checked with the other nbgrader cells)
            self.add(index, f"the graded cell of {name} must not be a solution cell: make it "
                            "'Autograder tests' in the Create Assignment toolbar")
        for call in SCORE_CALL.finditer(hidden_part(cell.source) or ""):
            if call["name"] != name:
                continue
            if call["function"] != name:
                self.add(index, f'_score("{name}", {call["function"]}, ...) scores another function: '
                                f'pass {name} itself')
            if _number(call["points"]) != points:
                self.add(index, f'_score("{name}", ..., points={call["points"]}) but the rubric gives {name} '
                                f"{_g(points)}: write points={_g(points)} (nbgrader refuses a score above the "
                                "cell's points, and the grader's partial credit is scaled to it)")
        for function, stated in VISIBLE_COMMENT.findall(cell.source):
            if function != name or _number(stated) != points:
                self.add(index, f"the comment says '{function} ({stated} points)': write "
                                f"'# Autograder test of {name} ({_g(points)} points)'")

    def strays(self) -> None:
        for i, cell in enumerate(self.nb.cells):
            meta = self.meta(cell)
            if cell.cell_type == "code" and meta.get("solution") is True:
                for name in DEFINES.findall(cell.source):
                    if name not in self.rubric:
                        self.add(i, f"solution cell defines {name}, which the rubric does not grade: add it to "
                                    "the rubric or make the cell an ordinary (non-nbgrader) cell")
            if cell.cell_type == "code" and meta.get("grade") is True and meta.get("solution") is False:
                names = [m["name"] for m in SCORE_CALL.finditer(hidden_part(cell.source) or "")]
                for name in names:
                    if name not in self.rubric:
                        self.add(i, f'_score("{name}", ...) scores a function the rubric does not have: '
                                    "fix the name or add the function to the rubric")
                if not names:
                    self.add(i, f"graded cell ({meta.get('points')!r} points) without a "
                                f'_score("<name>", <name>, points=P) call between {BEGIN_HIDDEN} and '
                                f"{END_HIDDEN}: every point must come from the rubric")

    # ------------------------------------------------------------------ what the text says about grading
    def summary(self) -> None:
        cells = self.nb.cells
        markdown = [(i, c.source) for i, c in enumerate(cells) if c.cell_type == "markdown"]

        def points(name):
            return float(sum(self.rubric[name].values()))

        self.stated(markdown, SUMMARY_ENTRY, "the grading summary",
                    right=lambda name, stated: _number(stated) == points(name),
                    fix=lambda name, stated: f"the grading summary gives `{name}` {stated} points, the rubric "
                                             f"{_g(points(name))}: write `{name}` ({_g(points(name))} points)",
                    missing=lambda name: f"the grading summary does not list `{name}` ({_g(points(name))} "
                                         "points): add it to the table of functions and points")
        self.stated(markdown, WEIGHTS_LINE, "the list of weights",
                    right=lambda name, weights: _same_weights(weights, self.rubric[name]),
                    fix=lambda name, weights: f"the weights of `{name}` read '{weights}', the rubric "
                                              f"'{_weights_text(self.rubric[name])}': write '* `{name}`: "
                                              f"{_weights_text(self.rubric[name])}'",
                    missing=lambda name: f"the grading summary has no line '* `{name}`: "
                                         f"{_weights_text(self.rubric[name])}': add it to the list of weights")
        total = float(sum(sum(w.values()) for w in self.rubric.values()))
        totals = [(i, stated) for i, text in markdown for stated in TOTAL.findall(text)]
        if not totals:
            self.add(None, f"the text does not give the total: write '{_g(total)} points in all' in the "
                           "grading summary")
        for i, stated in totals:
            if _number(stated.strip("*")) != total:
                self.add(i, f"says '{stated} points in all' but the rubric totals {_g(total)}: correct it")
        self.policy(markdown)

    def stated(self, markdown, pattern, what: str, right, fix, missing) -> None:
        """Each (name, text) that `pattern` finds in the markdown names a graded function and is `right`
        by the rubric (else `fix` says what to write); every graded function is stated (else `missing`)."""
        seen: set[str] = set()
        for i, source in markdown:
            for name, text in pattern.findall(source):
                if name not in self.rubric:
                    self.add(i, f"{what} has `{name}`, which the rubric does not grade: remove it")
                    continue
                seen.add(name)
                if not right(name, text):
                    self.add(i, fix(name, text))
        for name in self.rubric:
            if name not in seen:
                self.add(None, missing(name))

    def policy(self, markdown) -> None:
        """The tolerances and the input-mutation penalty, when given, as the text states them."""
        text = "\n".join(source for _, source in markdown)
        first = markdown[0][0] if markdown else None
        stated = {
            "rtol": (r"relative\s+tolerance\s+of\s+([0-9][0-9.eE+-]*[0-9])", lambda v: _number(v),
                     lambda v: f"relative tolerance of {v:.0e}".replace("e-0", "e-")),
            "atol": (r"absolute\s+tolerance\s+of\s+([0-9][0-9.eE+-]*[0-9])", lambda v: _number(v),
                     lambda v: f"absolute tolerance of {v:.0e}".replace("e-0", "e-")),
            "input_mutation_penalty": (r"loses\s+([0-9][0-9.]*)%\s+of\s+its\s+points",
                                       lambda v: None if _number(v) is None else _number(v) / 100,
                                       lambda v: f"loses {v:.0%} of its points"),
        }
        for key, (pattern, parse, wording) in stated.items():
            if key not in self.grading:
                continue
            want = float(self.grading[key])
            found = re.findall(pattern, text)
            if not found:
                self.add(first, f"the grading summary does not state the {key.replace('_', ' ')}: "
                                f"write '{wording(want)}'")
            for value in found:
                got = parse(value)
                if got is None or abs(got - want) > 1e-12 * max(1.0, abs(want)):
                    self.add(first, f"the text says '{value}' for the {key.replace('_', ' ')}, the grader uses "
                                    f"{want:g}: write '{wording(want)}'")


def check(nb, rubric: dict[str, dict[str, float]], grading: dict | None = None) -> list[Problem]:
    """Every problem of the source notebook `nb` against `rubric` ({function: {output: points}}).

    `grading` optionally holds the grading policy the text must state: `rtol`,
    `atol`, `input_mutation_penalty` (a fraction of a function's points).
    """
    checker = _Checker(nb, rubric, grading)
    checker.format()
    checker.nbgrader()
    for name, weights in rubric.items():
        checker.function(name, weights)
    checker.strays()
    checker.summary()
    return checker.problems


def rnn_lstm_rubric() -> tuple[dict, dict]:
    """The rnn_lstm exercise's rubric and grading policy, from grader/exercises/rnn_lstm/problems.py (their one source)."""
    sys.path.insert(0, str(ROOT))
    from grader.exercises.rnn_lstm.problems import ATOL, BY_NAME, DISPLAY_ORDER, INPUT_MUTATION_PENALTY, RTOL

    rubric = {name: dict(BY_NAME[name].weights) for name in DISPLAY_ORDER}
    return rubric, {"rtol": RTOL, "atol": ATOL, "input_mutation_penalty": INPUT_MUTATION_PENALTY}


def read_rubric(path: Path) -> tuple[dict, dict]:
    """A rubric file: {"functions": {name: {output: points}}, "grading": {...}}; ValueError says what is wrong."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a JSON file ({error}): write the rubric as JSON") from None
    functions = data.get("functions") if isinstance(data, dict) else None
    if not isinstance(functions, dict) or not functions or not all(
            isinstance(w, dict) and w and all(isinstance(p, (int, float)) and not isinstance(p, bool)
                                              for p in w.values()) for w in functions.values()):
        raise ValueError('needs "functions": {name: {output: points, ...}, ...} with numbers as points')
    grading = data.get("grading", {})
    if not isinstance(grading, dict):
        raise ValueError('"grading" must be an object such as {"rtol": 1e-5, "atol": 1e-7}')
    return functions, grading


def check_file(path: Path, rubric: dict, grading: dict | None = None) -> list[Problem]:
    """check() on a file; a file that is not a notebook is one problem, not a traceback."""
    try:
        nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    except Exception as error:  # unreadable, not JSON, not a notebook
        return [Problem(None, "", f"cannot read {path} as a notebook ({type(error).__name__}: "
                                  f"{str(error).splitlines()[0] if str(error) else ''}): restore it from git")]
    if nb.get("nbformat") != 4:
        return [Problem(None, "", f"{path} is nbformat {nb.get('nbformat')}, not 4: save it with a current Jupyter")]
    return check(nb, rubric, grading)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DEFAULT_NOTEBOOK,
                        help="the source notebook (default: solutions/rnn_lstm/rnn_lstm.ipynb)")
    parser.add_argument("--rubric", type=Path, metavar="JSON",
                        help='the rubric as JSON, {"functions": {name: {output: points}}, "grading": {...}} '
                             "(default: the rnn_lstm rubric of grader/exercises/rnn_lstm/problems.py)")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"{args.notebook}: no such file (give the path of an nbgrader source notebook)", file=sys.stderr)
        return 1
    if args.rubric is None:
        rubric, grading = rnn_lstm_rubric()
    else:
        try:
            rubric, grading = read_rubric(args.rubric)
        except (OSError, ValueError) as error:
            print(f"{args.rubric}: {error}", file=sys.stderr)
            return 1
    problems = check_file(args.notebook, rubric, grading)
    for problem in problems:
        print(f"{args.notebook}: {problem}")
    if problems:
        print(f"{len(problems)} problem(s): fix them in Jupyter and run this again", file=sys.stderr)
        return 1
    print(f"{args.notebook}: OK ({len(rubric)} graded functions, "
          f"{sum(sum(w.values()) for w in rubric.values()):g} points, as the rubric)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
