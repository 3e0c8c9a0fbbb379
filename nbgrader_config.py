"""nbgrader configuration of the course kit (instructor side).

The repository root is the course directory: the instructor source lives in
`solutions/<assignment>/`, `python scripts/make_release.py` writes the student
version to `assignments/<assignment>/`. Submissions, autograded copies and the
gradebook (`gradebook.db`, not committed) follow nbgrader's defaults below it.
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# The stub left in each exercise of the release.
c.ClearSolutions.code_stub = dict(python="# YOUR CODE HERE\nraise NotImplementedError()")

# Submissions: students who are not yet in the gradebook are added by autograde.
c.Autograde.create_student = True
# Kernel start plus eight graded cells with their hidden cases: a few seconds.
c.ExecutePreprocessor.timeout = 120
