"""The GRU exercise: four graded functions (a GRU cell and a sequence, forward and backward).

What the grading core is told (grader/exercise/'s protocol, docs/exercises.md):
    rubric.py       the graded functions, their arguments and points (50), the cache layout
    reference.py    the reference maths (numpy only)
    activations.py  sigmoid and softmax: the reference's, and the helper module students
                    get as `gru_utils` (solutions/gru/gru_utils.py is the same file)
    cases.py        shapes and the inputs of a case; the hidden cases are keyed here
                    (`hidden_cases`: HMAC of the deployment's secret, or a fixed seed)
    mistakes.py     the catalogue of known slips, each with its hint
    edits.py        the cell functions as programs of lines, for the one-slip diagnosis, and
                    the sequence functions' loop slips (grader/exercise/edits.py's engine)
    symptoms.py     facts about a wrong output (the gates in a cache, what a step received),
                    beside the protocol's generic ones (grader/exercise/symptoms.py)
    crashes.py      the GRU's sizes and arrays, so that a numpy exception's shapes are named
                    (grader/exercise/crashes.py)
    blackbox.py     which calls of a cell function a sequence function may make (the sizes;
                    the rules are grader/exercise/blackbox.py's)
    compare.py      how each output is compared (the cell cache with its items named,
                    by grader/exercise/compare.py)
    selfcheck_table.py  what the notebook's selfcheck.py knows beyond the rubric

It imports nothing of the grader but grader/exercise/, and nothing of another exercise.
The notebook source is solutions/gru/gru.ipynb; `python scripts/make_release.py
--exercise gru` writes the release assignments/gru/ (docs/exercises.md says what ships).
"""
from __future__ import annotations

import inspect

from ...exercise import Exercise, Function, Tolerance
from . import activations, cases, reference
from .blackbox import black_box as _black_box
from .compare import output_problem as _output_problem
from .selfcheck_table import SELFCHECK
from .rubric import ARGUMENTS, RUBRIC

# Values are compared with numpy.isclose(student, reference, rtol=RTOL, atol=ATOL), as the
# RNN/LSTM exercise's (solutions/gru/selfcheck.py states the same numbers; a test holds them equal).
RTOL = 1e-5
ATOL = 1e-7
# A function that modifies an input array in place loses this share of its points.
INPUT_MUTATION_PENALTY = 0.1
# The public seed: nbgrader's preview cells (grader/nbgrader_cell.py) draw their cases from it.
DEFAULT_SEED = 20261201

_BLACK_BOX = {"gru_forward": "gru_cell_forward", "gru_backward": "gru_cell_backward"}
_CACHE_OUTPUT = {"gru_cell_forward": "cache", "gru_forward": "caches"}


def _function(name: str) -> Function:
    return Function(name, ARGUMENTS[name], dict(RUBRIC[name]), returns_dict=name.endswith("backward"),
                    black_box=_BLACK_BOX.get(name), cache_output=_CACHE_OUTPUT.get(name))


# Graded in this order: both cell functions before either sequence function, so no reference cell
# (the black box handed to a sequence function) exists in the worker while a cell function is graded.
PROBLEMS: tuple[Function, ...] = tuple(_function(n) for n in
                                       ("gru_cell_forward", "gru_cell_backward", "gru_forward", "gru_backward"))
DISPLAY_ORDER: tuple[str, ...] = tuple(RUBRIC)  # the notebook's order


class Gru(Exercise):
    name = "gru"
    title = "GRU from first principles"
    problems = PROBLEMS
    display_order = DISPLAY_ORDER
    notebook = "gru.ipynb"
    folder = "gru"
    assignments = ("gru",)
    helper_module = "gru_utils"
    helper_source = inspect.getsource(activations)
    # modules the notebook imports beside the graded functions: absent when graded, reported as skipped
    course_modules = frozenset({"gru_utils", "selfcheck", "baselines", "public_tests"})
    course_files = frozenset({"gru_utils.py", "selfcheck.py", "baselines.py", "public_tests.py"})
    tolerance = Tolerance(rtol=RTOL, atol=ATOL)
    input_mutation_penalty = INPUT_MUTATION_PENALTY
    default_seed = DEFAULT_SEED
    selfcheck = SELFCHECK  # the notebook's selfcheck.py is written from it (scripts/make_release.py)

    def hidden_cases(self, problem, key):
        return cases.hidden_cases(problem.name, key)

    def reference(self, name):
        if name not in RUBRIC:
            raise KeyError(f"the GRU exercise grades no function {name!r}")
        return getattr(reference, name)

    def describe_case(self, problem, case):
        return case.describe

    def output_problem(self, problem, key, got, want):
        return _output_problem(problem, key, got, want)

    def mistakes(self, name):
        from .mistakes import for_function

        return for_function(name)

    def explain(self, problem, cases, got, wrong):
        from .edits import explain
        from .symptoms import symptoms

        return explain(problem, cases, got, wrong) or symptoms(problem, cases, got, wrong)

    def explain_error(self, problem, cases, outcomes):
        from .crashes import explain_error

        return explain_error(problem, cases, outcomes)

    def black_box(self, problem, case):
        return _black_box(problem, case)


EXERCISE = Gru()
