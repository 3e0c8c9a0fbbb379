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


BROKEN_MODULES = {
    "raises_on_import": ('raise RuntimeError("the course server is down")\n', "RuntimeError: the course server is down"),
    "not_python": ("def (:\n", "SyntaxError"),
    "missing_dependency": ("import no_such_dependency_xyz\n", "No module named 'no_such_dependency_xyz'"),
    "no_exercise": ("EXERCISE = 3\n", "defines no EXERCISE"),
}


def test_a_broken_exercise_module_is_a_clear_usage_error(tmp_path):
    """--exercise-module / GRADER_EXERCISE_MODULES naming a module that raises on import, is not Python,
    lacks a dependency, defines no EXERCISE, or an empty name: exit 2 with a message naming the module
    and what went wrong, never a traceback or "internal error"?"""
    for name, (text, _) in BROKEN_MODULES.items():
        (tmp_path / f"{name}.py").write_text(text)
    env = {"PYTHONPATH": f"{ROOT}:{tmp_path}", "PATH": "/usr/bin:/bin"}
    cases = [(["--exercise-module", name], {}, name, words) for name, (_, words) in BROKEN_MODULES.items()]
    cases += [(["--exercise-module", ""], {}, "''", "empty"),
              ([], {exercises.ENV_MODULES: "raises_on_import"}, "raises_on_import", "the course server is down")]
    for flags, extra, named, words in cases:
        proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(ROOT / "examples" / "submissions" / "correct.py"),
                               "--progress", "off", *flags], cwd=tmp_path, capture_output=True, text=True,
                              env=dict(env, **extra), timeout=120)
        assert proc.returncode == 2, (flags, extra, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, (flags, proc.stderr[-2000:])
        assert named in proc.stderr and words in proc.stderr, (flags, proc.stderr)


def test_canvas_export_and_report_refuse_results_of_two_exercises(tmp_path):
    """A class graded as the RNN/LSTM into out/, then a late file graded alone into the same out/ (its
    exercise inferred: a correct GRU file, 50/50): does export-canvas refuse, naming the student and the
    exercises, instead of scaling every score by one exercise's points (the GRU file's 50 as 50 of 100,
    or, the GRU result read first, "Points Possible 50" and the class's 100s)? And `report`?"""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    (tmp_path / "class").mkdir()
    (tmp_path / "late").mkdir()
    for student in ("bob", "zoe"):
        (tmp_path / "class" / f"{student}.py").write_text((ROOT / "examples" / "submissions" / "correct.py").read_text())
    (tmp_path / "late" / "aaron.py").write_text((ROOT / "tests" / "exercises" / "gru" / "fixtures" / "correct.py").read_text())

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "out"
    for path in (tmp_path / "class", tmp_path / "late" / "aaron.py"):
        assert cli("grade", path, "--out", out, "--seed", "1", "--progress", "off").returncode == 0
    for flags in ([], ["--exercise", "rnn_lstm"], ["--exercise", "gru"]):
        proc = cli("export-canvas", out, "--assignment", "HW3", *flags)
        assert proc.returncode == 2, (flags, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "gru" in proc.stderr and "rnn_lstm" in proc.stderr, proc.stderr
        assert ("aaron" if flags != ["--exercise", "gru"] else "bob") in proc.stderr, proc.stderr
        assert not (out / "canvas.csv").exists()
    proc = cli("report", out)  # the class report's mean and distribution would mix 50- and 100-point totals
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "aaron.py" in proc.stderr and "gru" in proc.stderr and "rnn_lstm" in proc.stderr, proc.stderr
    assert not (out / "report.html").exists()
