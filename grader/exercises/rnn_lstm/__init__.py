"""The RNN/LSTM exercise: eight graded functions (basic RNN and LSTM, cell and sequence, forward and backward)."""
from __future__ import annotations

import inspect

from ...exercise import Exercise, Tolerance
from . import problems as table
from . import reference
from .blackbox import black_box as _black_box
from .compare import output_problem as _output_problem
from .compare import output_wrong as _output_wrong
from .selfcheck_table import SELFCHECK
from .reference import activations


class RnnLstm(Exercise):
    name = "rnn_lstm"
    title = "RNN & LSTM from first principles"
    problems = table.PROBLEMS
    display_order = table.DISPLAY_ORDER
    notebook = "rnn_lstm.ipynb"
    folder = "rnn_lstm"
    assignments = ("rnn_lstm",)
    helper_module = "rnn_utils"
    helper_source = inspect.getsource(activations)
    course_modules = frozenset({"public_tests", "test_utils", "outputs", "rnn_utils", "utils", "testCases",
                                "testCases_v2", "test_cases", "selfcheck"})
    course_files = frozenset({"selfcheck.py", "rnn_utils.py", "public_tests.py", "test_utils.py"})
    tolerance = Tolerance(rtol=table.RTOL, atol=table.ATOL)
    input_mutation_penalty = table.INPUT_MUTATION_PENALTY
    default_seed = table.DEFAULT_SEED
    selfcheck = SELFCHECK  # the notebook's selfcheck.py is written from it (scripts/make_release.py)

    def hidden_cases(self, problem, key):
        return table.hidden_cases(problem, key)

    def reference(self, name):
        return getattr(reference, name)

    def describe_case(self, problem, case):
        return case.shape.describe(problem.sequence)

    def output_problem(self, problem, key, got, want):
        return _output_problem(problem, key, got, want)

    def output_wrong(self, problem, key, got, want):
        return _output_wrong(problem, key, got, want)

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


EXERCISE = RnnLstm()
