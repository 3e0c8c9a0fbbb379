"""Hooks nbgrader loads through nbgrader_config.py (only nbgrader imports this module).

- `HideTestCode` (a preprocessor of `nbgrader generate_feedback`): the source
  of every autograded test cell is replaced by one line naming the test and
  its points, and its outputs by the isolated grader's feedback alone
  (nbgrader-sync's annotation). Students see their score and why, never the
  instructor's test code, what it imports, or its traceback.
- `RequireSynced` (the first preprocessor of `nbgrader generate_feedback`) and
  `SyncedCsvExportPlugin` (`nbgrader export`): refuse, naming the stale
  submissions and the command to run, when the gradebook holds scores that
  nbgrader-sync did not write (nbgrader_sync.stale).
"""
from __future__ import annotations

from pathlib import Path

from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor as Preprocessor  # nbconvert's, enabled by default

from . import nbgrader_sync
from .nbgrader_sync import ANNOTATION_KEY

HIDDEN_SOURCE = ("# Autograder test{what} ({points:g} points): its code is not shown. "
                 "Your score for it is above; the grader's feedback, if any, below.")


class StaleScores(Exception):
    """The gradebook holds scores nbgrader-sync did not write."""


def _coursedir(node):
    """The CourseDirectory of the nbgrader app or converter this hook runs under."""
    while node is not None:
        coursedir = getattr(node, "coursedir", None)
        if coursedir is not None:
            return coursedir
        node = getattr(node, "parent", None)
    return None


def _root(node) -> tuple[Path, str]:
    coursedir = _coursedir(node)
    if coursedir is not None:
        return Path(coursedir.root), coursedir.submitted_directory
    return Path.cwd(), "submitted"


def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class HideTestCode(Preprocessor):
    """Feedback: autograded test cells show one line and the grader's feedback, no code or output of theirs."""

    def preprocess(self, nb, resources):
        from .nbgrader_sync import exercise_of_assignment, functions_named

        exercise = exercise_of_assignment(resources.get("nbgrader", {}).get("assignment"))
        for cell in nb.cells:
            if not _is_test_cell(cell):
                continue
            meta = cell.metadata["nbgrader"]
            named = sorted(functions_named(str(meta.get("grade_id", "")), exercise))
            what = f" of {named[0]}" if len(named) == 1 else ""
            cell.source = HIDDEN_SOURCE.format(what=what, points=float(meta.get("points", 0) or 0))
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("metadata", {}).get(ANNOTATION_KEY)]
            cell.execution_count = None
        return nb, resources


class RequireSynced(Preprocessor):
    """Feedback: refuse a submission whose scores nbgrader-sync has not written (the error names the command)."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources.get("nbgrader", {})
        root, submitted = _root(self.parent)
        with Gradebook(info["db_url"]) as gb:
            lines = nbgrader_sync.stale(gb, root, submitted, [info["assignment"]], [info["student"]])
        if lines:
            message = nbgrader_sync.stale_message(lines, info["assignment"])
            self.log.error(message)
            raise StaleScores(message)
        return nb, resources


class SyncedCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export, refused while any score of this grader's assignments is stale."""

    def export(self, gradebook) -> None:
        root, submitted = _root(self.parent)
        assignments = [str(a) for a in self.assignment] or None
        students = [str(s) for s in self.student] or None
        lines = nbgrader_sync.stale(gradebook, root, submitted, assignments, students)
        if lines:
            names = sorted({line.split(",")[0] for line in lines})
            message = nbgrader_sync.stale_message(lines, names[0] if len(names) == 1 else "ASSIGNMENT")
            self.log.error(message)
            raise StaleScores(message)
        super().export(gradebook)
