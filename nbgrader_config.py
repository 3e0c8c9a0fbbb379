"""nbgrader configuration of the course kit (instructor side).

The repository root is the course directory: the instructor source lives in
`solutions/<assignment>/`, `python scripts/make_release.py` writes the student
version to `assignments/<assignment>/` (and records the assignment in the
gradebook). Submissions, autograded copies and the gradebook (`gradebook.db`,
not committed) follow nbgrader's defaults below it. The whole workflow, from a
clean clone to exported grades, is in docs/instructor.md.
"""
import os
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # installed with nbgrader
from nbgrader.preprocessors import GetGrades

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# The grader's nbgrader hooks: from the installed package (pip install -e .), else this folder's grader/.
if os.path.isdir(os.path.join(c.CourseDirectory.root, "grader")) and c.CourseDirectory.root not in sys.path:
    sys.path.append(c.CourseDirectory.root)
from grader.nbgrader_hooks import HideTestCode, RequireSynced, SyncedCsvExportPlugin  # noqa: E402

# The stub left in each exercise of the release.
c.ClearSolutions.code_stub = dict(python="# YOUR CODE HERE\nraise NotImplementedError()")

# Submissions: students who are not yet in the gradebook are added by autograde.
c.Autograde.create_student = True
# Kernel start plus eight graded cells with their hidden cases: a few seconds.
c.ExecutePreprocessor.timeout = 120

# Feedback shows students their scores and the isolated grader's feedback, never the test cells' code
# (HideTestCode); feedback and export refuse to run on scores `python -m grader nbgrader-sync` has not
# written (RequireSynced, SyncedCsvExportPlugin): nbgrader's own scores come from the student's kernel.
c.GenerateFeedback.preprocessors = [RequireSynced, HideTestCode, GetGrades, CSSHTMLHeaderPreprocessor]
c.ExportApp.plugin_class = SyncedCsvExportPlugin
