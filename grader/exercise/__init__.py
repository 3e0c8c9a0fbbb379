"""What an exercise provides to the grading core, and the registry of exercises.

An exercise is a set of graded functions with their rubric, hidden cases,
reference implementation, helper module for students and known mistakes
(docs/exercises.md). The core (everything under grader/ but grader/exercises/)
names none: it is handed an `Exercise` and asks it, through the methods
below, everything that differs between exercises.

The registry knows the built-in exercises (each package under
grader/exercises/ whose module defines `EXERCISE`), and any exercise that
lives elsewhere once its module is loaded: `load_module("pkg.mod")` (the CLI's
`--exercise-module pkg.mod`, or the environment variable
GRADER_EXERCISE_MODULES, comma-separated dotted names) imports it and registers
its `EXERCISE`; `register(exercise)` registers an object directly.

Beside the protocol, helpers for exercises (and the core): compare.py (comparing
one value, the shared wording), blackbox.py (the black box of a cell function
called by a sequence function) and selfcheck.py (the notebooks' standalone
self-check module, written for an exercise from selfcheck_module.py).
"""
from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .compare import value_problem  # the default comparison (grader.exercise.value_problem)

ENV_MODULES = "GRADER_EXERCISE_MODULES"
BUILTIN_PACKAGE = "grader.exercises"


class Problem(Protocol):
    """One graded function, as the core reads it (an exercise may use `Function`, or its own class
    with these attributes)."""

    name: str
    args: tuple[str, ...]  # argument names, in order
    weights: dict[str, float]  # output name (tuple returns) or key (dict returns) -> points
    black_box: str | None  # a graded function replaced by the reference while this one runs
    cache_output: str | None  # the output that is a cache (compared by Exercise.output_problem)

    @property
    def points(self) -> float: ...

    @property
    def outputs(self) -> tuple[str, ...]: ...

    @property
    def returns_dict(self) -> bool: ...  # a dict keyed by output name (else a tuple in `outputs` order)


@dataclass(frozen=True)
class Function:
    """A ready-made Problem: a graded function that returns a tuple (or a dict, `returns_dict`)."""

    name: str
    args: tuple[str, ...]
    weights: dict[str, float]
    returns_dict: bool = False
    black_box: str | None = None
    cache_output: str | None = None

    @property
    def points(self) -> float:
        return float(sum(self.weights.values()))

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.weights)


@dataclass
class Case:
    """A ready-made hidden case. The core reads `index`, `args` (the call's arguments, in order),
    `expected` (output name -> the reference's value) and `variants` (a memo the diagnosis fills);
    `describe` is shown after a wrong output ("[case 2: n=3, m=4]")."""

    problem: str
    index: int
    args: tuple
    expected: dict = field(repr=False)
    describe: str = ""
    variants: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class BlackBox:
    """While a graded function runs on one case, the calls it makes to `function` (another
    graded function) are answered by the grader with `reference`, only when `check` finds the
    call's arguments consistent with that case, at most `limit` times per case."""

    function: str  # the name replaced in the submission's namespace
    reference: Callable
    check: Callable[[dict], str | None]  # bound arguments by name -> why they are not about this case, or None
    limit: int
    limit_words: str  # why `limit`, for the message when it is passed: "on one case of T_x = 4 steps (...)"


@dataclass(frozen=True)
class Mistake:
    """A known mistake: what the graded function returns with it (`variant`, same signature)."""

    function: str
    name: str
    outputs: tuple[str, ...]
    hint: str
    variant: Callable


@dataclass(frozen=True)
class Tolerance:
    """numpy.isclose(student, reference, rtol, atol): |student - reference| <= atol + rtol * |reference|."""

    rtol: float
    atol: float


class Exercise:
    """The protocol. An exercise sets the attributes and overrides the methods it needs; the
    defaults suit an exercise whose outputs are arrays, tuples, lists, dicts and scalars."""

    name: str  # the registry's key and --exercise NAME, e.g. "dense"
    title: str = ""
    problems: tuple = ()  # the graded functions (Problem), in grading order: a function that
    #                       another uses as a black box is graded before it
    display_order: tuple[str, ...] = ()  # the order notebooks and reports show them (default: problems')
    notebook: str = ""  # the file name a submission has (one Gradescope upload is graded as this file)
    folder: str = ""  # solutions/<folder>/, assignments/<folder>/ (default: name)
    assignments: tuple[str, ...] = ()  # nbgrader assignment names graded as this exercise (default: (name,))
    helper_module: str | None = None  # a module the grader supplies to students' code (e.g. "utils")
    helper_source: str = ""  # its source (trusted code, run in the worker before the submission)
    course_modules: frozenset[str] = frozenset()  # modules a notebook imports that may be absent when graded
    course_files: frozenset[str] = frozenset()  # file names in a submissions folder that are not submissions
    tolerance: Tolerance = Tolerance(rtol=1e-5, atol=1e-7)
    input_mutation_penalty: float = 0.1  # share of a function's points lost for modifying an input in place
    default_seed: int = 0  # the public seed (nbgrader's preview cells, public cases)
    selfcheck: Any = None  # a grader.exercise.selfcheck.SelfCheck: the notebook's selfcheck.py is written from it

    # ------------------------------------------------------------------ facts derived from the above
    @property
    def by_name(self) -> dict[str, Any]:
        cached = self.__dict__.get("_by_name")
        if cached is None:
            cached = self.__dict__["_by_name"] = {p.name: p for p in self.problems}
        return cached

    @property
    def graded_functions(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.problems)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.display_order) or self.graded_functions

    @property
    def total_points(self) -> float:
        return sum(p.points for p in self.problems)

    @property
    def assignment_names(self) -> tuple[str, ...]:
        return tuple(self.assignments) or (self.name,)

    @property
    def helper_names(self) -> frozenset[str]:
        """The public names the helper module defines (read from its source, not run)."""
        cached = self.__dict__.get("_helper_names")
        if cached is None:
            cached = self.__dict__["_helper_names"] = frozenset(_defined_names(self.helper_source))
        return cached

    # ------------------------------------------------------------------ what differs between exercises
    def hidden_cases(self, problem, key: int | bytes) -> list:
        """The hidden cases of `problem` drawn from `key`: an integer seed or a deployment's secret
        (bytes). The same key always gives the same cases; without the secret nobody can compute them."""
        raise NotImplementedError

    def reference(self, name: str) -> Callable:
        """The reference implementation of the graded function `name` (trusted code)."""
        raise NotImplementedError

    def describe_case(self, problem, case) -> str:
        """The case's sizes in words, shown after a wrong output."""
        return getattr(case, "describe", "") or f"case {case.index + 1}"

    def output_problem(self, problem, key: str, got, want) -> str | None:
        """What is wrong with `got` as output `key` (the reference gave `want`), or None."""
        return value_problem(got, want, key, self.tolerance)

    def output_wrong(self, problem, key: str, got, want) -> bool:
        """bool(output_problem(...)), possibly faster (no message): where only "wrong or not"
        counts. An exercise that overrides it must keep it equal to that."""
        return bool(self.output_problem(problem, key, got, want))

    def mistakes(self, name: str) -> Iterable[Mistake]:
        """The known mistakes of the graded function `name` (anything with function, name,
        outputs, hint, variant)."""
        return ()

    def explain(self, problem, cases: list, got: list[dict], wrong: set[str]) -> list[str]:
        """Hints when no known mistake matches (got: each case's outputs by name). Never raises
        on purpose; what it raises is caught (no hint)."""
        return []

    def explain_error(self, problem, cases: list, outcomes: list) -> list[str]:
        """Hints for a function that raised on every case (outcomes: each case's Outcome, with its
        `error` text, written by the worker: hostile input, to be matched only with bounded
        patterns). What it raises is caught (no hint)."""
        return []

    def black_box(self, problem, case) -> BlackBox | None:
        """The black box of `problem` on `case` (its `black_box` function), or None."""
        return None

    def __repr__(self) -> str:
        return f"<exercise {self.name}>"


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source or "")
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")}


# ---------------------------------------------------------------------------- the registry


class UnknownExercise(ValueError):
    """No such exercise, or none could be chosen: the message says what to pass."""


_REGISTERED: dict[str, Exercise] = {}
_OWNERS: dict[int, Exercise] = {}  # id(problem) -> its exercise
_LOADED_BUILTINS = False
_ENV_LOADED: str | None = None


def register(exercise: Exercise) -> Exercise:
    """Make `exercise` known by its name (a later one of the same name replaces it)."""
    if not getattr(exercise, "name", "") or not re.fullmatch(r"[A-Za-z_][\w-]*", exercise.name):
        raise UnknownExercise(f"an exercise needs a name of letters, digits, _ or - (got {exercise.name!r})")
    _REGISTERED[exercise.name] = exercise
    for p in exercise.problems:
        _OWNERS[id(p)] = exercise
    return exercise


def load_module(dotted: str) -> Exercise:
    """Import the module `dotted` (e.g. "mycourse.exercises.conv") and register its EXERCISE."""
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", dotted or ""):
        raise UnknownExercise(f"the exercise module name {dotted!r} is empty or not a dotted module name "
                              f"(pkg.mod); pass one importable from PYTHONPATH, whose module defines EXERCISE")
    try:
        module = importlib.import_module(dotted)
    except ImportError as exc:
        raise UnknownExercise(f"could not import the exercise module {dotted!r} ({exc}); pass a dotted "
                              f"module name importable from PYTHONPATH, whose module defines EXERCISE") from None
    except Exception as exc:  # noqa: BLE001 - the module's own fault (SyntaxError, an error it raises)
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = (f" ({exc.filename}, line {exc.lineno})" if isinstance(exc, SyntaxError)
                 else f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else "")
        raise UnknownExercise(f"the exercise module {dotted!r} failed while it was imported: "
                              f"{type(exc).__name__}: {str(exc)[:300]}{where}; fix that module") from None
    exercise = getattr(module, "EXERCISE", None)
    if not isinstance(exercise, Exercise):
        raise UnknownExercise(f"the module {dotted!r} defines no EXERCISE (an instance of grader.exercise.Exercise)")
    return register(exercise)


def builtin_names() -> list[str]:
    """The packages under grader/exercises/ (each one exercise)."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg)


def _load_builtins() -> None:
    global _LOADED_BUILTINS, _ENV_LOADED
    if not _LOADED_BUILTINS:
        _LOADED_BUILTINS = True
        for name in builtin_names():
            module = importlib.import_module(f"{BUILTIN_PACKAGE}.{name}")
            exercise = getattr(module, "EXERCISE", None)
            if isinstance(exercise, Exercise) and exercise.name not in _REGISTERED:
                register(exercise)
    env = os.environ.get(ENV_MODULES, "")
    if env != _ENV_LOADED:
        _ENV_LOADED = env
        for dotted in filter(None, (part.strip() for part in env.split(","))):
            load_module(dotted)


def all_exercises() -> list[Exercise]:
    _load_builtins()
    return list(_REGISTERED.values())


def names() -> list[str]:
    return [e.name for e in all_exercises()]


def get(name: str | Exercise | None = None) -> Exercise:
    """The exercise called `name` (an Exercise is returned as it is; None: the default one)."""
    if isinstance(name, Exercise):
        return name
    _load_builtins()
    if name is None:
        return default()
    found = _REGISTERED.get(name)
    if found is None:
        raise UnknownExercise(f"no exercise named {name!r}; known: {', '.join(names())} "
                              f"(or load one with --exercise-module pkg.mod)")
    return found


def default() -> Exercise:
    """The exercise graded when none is named and none can be inferred (grader/exercises/DEFAULT)."""
    _load_builtins()
    package = importlib.import_module(BUILTIN_PACKAGE)
    return _REGISTERED[package.DEFAULT]


def owner(problem) -> Exercise:
    """The exercise a Problem object belongs to."""
    found = _OWNERS.get(id(problem))
    if found is None:
        _load_builtins()
        found = _OWNERS.get(id(problem))
    if found is None:
        raise UnknownExercise(f"the graded function {getattr(problem, 'name', problem)!r} belongs to no registered exercise")
    return found


def course_files() -> frozenset[str]:
    """File names that are never submissions in a folder: every exercise's course files."""
    found = {"nbgrader_config.py"}
    for exercise in all_exercises():
        found |= set(exercise.course_files)
        if exercise.helper_module:
            found.add(exercise.helper_module + ".py")
    return frozenset(found)


def owning_function(name: str) -> Exercise:
    """The exercise that grades a function of this name."""
    for exercise in all_exercises():
        if name in exercise.by_name:
            return exercise
    raise UnknownExercise(f"no exercise grades a function named {name!r}")


def for_assignment(assignment: str) -> Exercise:
    """The exercise an nbgrader assignment is graded as (its name, or one of its `assignments`)."""
    for exercise in all_exercises():
        if assignment in exercise.assignment_names:
            return exercise
    raise UnknownExercise(f"no exercise is graded for the nbgrader assignment {assignment!r}; known: "
                          + ", ".join(f"{a} ({e.name})" for e in all_exercises() for a in e.assignment_names)
                          + "; pass --exercise NAME")


_DEF = re.compile(r"def\s+([A-Za-z_]\w*)\s*\(")
INFER_BYTES = 4 << 20  # of each file, read to infer the exercise


def infer(files: Sequence[str | Path]) -> Exercise:
    """The exercise the submissions are of, from the graded functions each defines (`def name(`
    anywhere in the file: no parsing, no execution). Each file votes for the exercise most of whose
    functions it defines (a file equally close to two votes for none), and the exercise with the most
    votes wins, so one file cannot turn a class's batch into another exercise. No vote and no
    doubt: the default exercise. Votes tied, or only doubtful files: UnknownExercise naming them."""
    exercises = all_exercises()
    graded = {e.name: set(e.graded_functions) for e in exercises}
    votes: dict[str, int] = {}
    doubtful: set[str] = set()
    for f in files:
        try:
            with open(f, "rb") as handle:
                text = handle.read(INFER_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        defined = set(_DEF.findall(text))
        scores = {name: len(defined & functions) for name, functions in graded.items()}
        best = max(scores.values(), default=0)
        if best == 0:
            continue
        winners = [name for name, score in scores.items() if score == best]
        if len(winners) == 1:
            votes[winners[0]] = votes.get(winners[0], 0) + 1
        else:
            doubtful |= set(winners)
    if not votes:
        if doubtful:
            raise UnknownExercise("the submissions define as many graded functions of " + " and ".join(sorted(doubtful))
                                  + "; pass --exercise NAME (one of: " + ", ".join(names()) + ")")
        return default()
    most = max(votes.values())
    winners = sorted(name for name, n in votes.items() if n == most)
    if len(winners) > 1:
        raise UnknownExercise("the submissions are of several exercises ("
                              + ", ".join(f"{n}: {votes[n]} files" for n in winners)
                              + "); pass --exercise NAME (one of: " + ", ".join(names()) + ")")
    return _REGISTERED[winners[0]]
