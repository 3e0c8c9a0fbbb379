"""Do the instructor commands take the exercise as a parameter (bundle, Canvas export, grades.csv)?"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader import bundle
from grader import exercise as exercises
from grader.render import canvas, grades_csv

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "exercises" / "dense"))


def test_bundle_tells_every_step_the_exercise():
    """With --exercise, choose, grade and finish in run_autograder all get it; without, the script is as before."""
    text = bundle.run_autograder_text("rnn_lstm")
    assert text.count("--exercise rnn_lstm") == 3
    assert bundle.run_autograder_text(None) == bundle.RUN_AUTOGRADER and "--exercise" not in bundle.RUN_AUTOGRADER


def test_bundle_chooses_the_exercises_notebook(tmp_path):
    """An upload is graded as the file named after the exercise's notebook."""
    dense = exercises.load_module("dense_exercise")
    (tmp_path / "notes.py").write_text("x = 1\n")
    (tmp_path / "dense.ipynb").write_text("{}")
    path, why = bundle.choose(tmp_path, dense)
    assert path == tmp_path / "dense.ipynb" and why.startswith("graded dense.ipynb")
    path, why = bundle.choose(tmp_path)  # the default exercise looks for rnn_lstm.ipynb
    assert path is None and "rnn_lstm.ipynb" in why
    doc = bundle.failure("nothing", dense)
    assert [t["name"] for t in doc["tests"]] == ["linear_forward", "linear_backward"]
    assert [t["max_score"] for t in doc["tests"]] == [10.0, 10.0]


def test_bundle_refuses_an_exercise_outside_the_grader(tmp_path):
    """The bundle carries the grader package only: an exercise loaded from elsewhere is refused, clearly."""
    env_path = str(ROOT / "tests" / "exercises" / "dense")
    proc = subprocess.run([sys.executable, "-m", "grader", "gradescope-bundle", str(tmp_path / "b.zip"),
                           "--exercise-module", "dense_exercise", "--exercise", "dense"],
                          cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
                          timeout=120)
    assert proc.returncode == 2 and "only the grader's built-in exercises" in proc.stderr
    assert not (tmp_path / "b.zip").exists()


def test_csv_and_canvas_follow_the_exercise():
    """grades.csv has a column per function of the exercise; Canvas totals scale by its points."""
    dense = exercises.load_module("dense_exercise")
    doc = {"extra_data": {"submission": "a.py", "student": "a"}, "score": 15.0,
           "tests": [{"name": "linear_forward", "score": 10.0, "max_score": 10.0},
                     {"name": "linear_backward", "score": 5.0, "max_score": 10.0}]}
    text = grades_csv.csv_text([grades_csv.csv_row(doc, dense.order)], dense.order)
    assert text.splitlines() == ["submission,student,linear_forward,linear_backward,total,max_score",
                                 "a.py,a,10,5,15,20"]
    export = canvas.canvas_csv([doc], "Dense", exercise=dense)
    assert export.text.splitlines()[1].endswith(",20") and export.text.splitlines()[2].endswith(",15")
    export = canvas.canvas_csv([doc], "Dense", points=100, exercise=dense)
    assert export.text.splitlines()[2].endswith(",75")
