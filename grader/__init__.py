"""Grade RNN/LSTM-from-scratch submissions, function by function, in a sandbox.

    >>> import grader
    >>> report = grader.grade(["submissions/"])      # doctest: +SKIP
    >>> report.results[0].score

The command line (`python -m grader grade ...`) is a thin layer over `grade`.
"""
__version__ = "0.1.0"


def grade(*args, **kwargs):
    """See `grader.api.grade`."""
    from .api import grade as _grade

    return _grade(*args, **kwargs)


__all__ = ["grade", "__version__"]
