"""Grade RNN/LSTM-from-scratch submissions, function by function, in a sandbox.

    >>> import grader
    >>> report = grader.grade(["submissions/"])      # doctest: +SKIP
    >>> report.results[0].score

The command line (`python -m grader grade ...`) is a thin layer over `grade`.
"""
import os
import sys

# `python -m grader ...` (or `-m grader.bundle`) puts the folder it runs from first on sys.path,
# before the standard library: run in a folder of submissions, a student's json.py or numpy.py
# there would be imported by the trusted grading process. Run as a command (sys.argv[0] is "-m"
# while the package is imported), the grader drops that entry: its own modules are found
# already, and an exercise module is looked for on PYTHONPATH (docs/exercises.md).
def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the folder was removed: nothing can be imported from it
        return None


if sys.argv[:1] == ["-m"] and not sys.flags.safe_path and sys.path[:1] in ([""], [_cwd()]):
    del sys.path[0]
# The grader's arithmetic is on matrices of a few dozen numbers: a BLAS thread
# pool only costs (its threads spin between calls and compete with the worker).
# Set before numpy is first imported; a value the user set is kept.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.1.0"


def grade(*args, **kwargs):
    """See `grader.api.grade`."""
    from .api import grade as _grade

    return _grade(*args, **kwargs)


__all__ = ["grade", "__version__"]
