"""The GRU exercise: reference maths, rubric, cases and known mistakes.

Not yet wired into the grading core. What is here:
    reference.py  the four graded functions (numpy only; sigmoid/softmax from
                  grader/reference/activations.py, one import line to move)
    rubric.py     function -> {output: points} (50 points), arguments, cache layout
    cases.py      shapes (hidden, public) and the inputs of a case from a given
                  random generator (the keying of hidden cases stays in the core)
    mistakes.py   the catalogue of known slips (Mistake has grader.mistakes'
                  fields), each with its hint
Beside it: solutions/gru/ (the nbgrader source notebook gru.ipynb, selfcheck.py,
gru_utils.py, baselines.py, public_cases.npz, images/), scripts/make_gru_public_cases.py,
scripts/make_gru_diagram.py, tests/exercises/gru/.

Wiring left to do: register the exercise (problems from rubric.RUBRIC and
ARGUMENTS, cache layout rubric.CELL_CACHE, black boxes gru_cell_forward for
gru_forward and gru_cell_backward for gru_backward, RTOL/ATOL and the
input-mutation penalty of the core); hidden cases from cases.HIDDEN_SHAPES
and make_inputs with the core's keyed generator; the worker's helper module
`gru_utils` (sigmoid, softmax) in place of `rnn_utils`; `gru_utils.py` and
`baselines.py` as course files/modules the submission reader ignores; the
notebook's hidden-test cells (`grader.nbgrader_cell.score("gru_...")`) then
run; the release (nbgrader generate_assignment gru) committed under
assignments/gru/ by a generator that knows more than rnn_lstm.
"""
