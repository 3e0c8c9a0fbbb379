"""The command-line contract of grading.md, run as a real subprocess."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from grader.exercises.rnn_lstm.problems import DISPLAY_ORDER, GRADED_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.schema.json").read_text())


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_help_explains_every_option():
    """Does `grade --help` exit 0 and explain each option of the contract?"""
    proc = run("grade", "--help")
    assert proc.returncode == 0
    for option in ("--format", "--out", "--jobs", "--timeout", "--sandbox", "--force"):
        assert option in proc.stdout


@pytest.mark.parametrize("args", [("grade",), ("grade", "/no/such/file.ipynb"), ("grade", "x.py", "--jobs", "0"),
                                  ("grade", "x.py", "--format", "xml"), ("frobnicate",), ()])
def test_usage_errors_exit_2(args, tmp_path):
    """Do usage errors exit with status 2 and say what is wrong on stderr, nothing on stdout?"""
    (tmp_path / "x.py").write_text("def f(): pass\n")
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip()


def test_empty_folder_is_a_usage_error(tmp_path):
    """Is a folder without any submission a usage error that says so?"""
    proc = run("grade", tmp_path)
    assert proc.returncode == 2 and "no .ipynb or .py submission" in proc.stderr


def test_gradescope_single_submission_is_one_valid_document():
    """Does --format gradescope print exactly one results.json document, valid against the schema?"""
    proc = run("grade", EXAMPLES / "buggy.ipynb", "--format", "gradescope")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # the whole stdout is one JSON document
    jsonschema.validate(doc, SCHEMA)
    assert [t["name"].split(":")[0] for t in doc["tests"]] == list(DISPLAY_ORDER)
    assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]), abs=1e-9)
    failed = {t["name"] for t in doc["tests"] if t["status"] == "failed"}
    assert failed == {"rnn_backward", "lstm_cell_forward"}
    assert "tanh on the cell state is missing" in next(t["output"] for t in doc["tests"]
                                                        if t["name"] == "lstm_cell_forward")
    assert doc["extra_data"]["sandbox"] in ("bwrap", "uid", "process")


def test_out_dir_writes_results_and_matching_csv(tmp_path):
    """Does --out write one results.json per submission (mirroring paths) and a grades.csv that matches?"""
    batch = tmp_path / "submitted"
    for student in ("alice", "bob"):
        (batch / student / "rnn").mkdir(parents=True)
    (batch / "alice" / "rnn" / "rnn.py").write_text((EXAMPLES / "correct.py").read_text())
    (batch / "bob" / "rnn" / "rnn.ipynb").write_text((EXAMPLES / "buggy.ipynb").read_text())
    out = tmp_path / "out"
    proc = run("grade", batch, "--out", out, "--format", "json", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    printed = {r["submission"]: r["score"] for r in json.loads(proc.stdout)}
    docs = {p.relative_to(out).as_posix(): json.loads(p.read_text()) for p in out.rglob("*.json")}
    assert set(docs) == {"alice/rnn/rnn.py.json", "bob/rnn/rnn.ipynb.json"}
    for doc in docs.values():
        jsonschema.validate(doc, SCHEMA)
    with open(out / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["submission"] for r in rows] == ["alice/rnn/rnn.py", "bob/rnn/rnn.ipynb"]
    for row in rows:
        doc = docs[row["submission"] + ".json"]
        assert float(row["total"]) == pytest.approx(doc["score"], abs=1e-9) == printed[row["submission"]]
        for test in doc["tests"]:
            assert float(row[test["name"]]) == pytest.approx(test["score"], abs=1e-9)
    assert list(rows[0])[2:10] == list(DISPLAY_ORDER)
    assert [r["student"] for r in rows] == ["alice", "bob"]  # nbgrader: submitted/<student>/<assignment>/
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "submitted"]  # nothing written elsewhere


def test_text_table_and_exit_status_with_zero_scores(tmp_path):
    """Does text output show a row per function with score and status, and exit 0 even at 0 points?"""
    (tmp_path / "nothing.py").write_text("print('hello')\n")
    proc = run("grade", tmp_path / "nothing.py")
    assert proc.returncode == 0
    assert "nothing.py: 0 / 100" in proc.stdout
    for name in GRADED_FUNCTIONS:
        assert name in proc.stdout
    assert "no graded function was found" in proc.stdout
    assert "\033[" not in proc.stdout  # no colour codes when stdout is not a terminal


def test_json_stdout_is_clean_when_logs_are_printed():
    """With a warning on stderr (sandbox none), is stdout still exactly one JSON document?"""
    proc = run("grade", EXAMPLES / "correct.py", "--format", "json", "--sandbox", "none")
    assert proc.returncode == 0
    results = json.loads(proc.stdout)
    assert results[0]["score"] == 100.0 and results[0]["sandbox"] == "process"
    assert "without the bubblewrap sandbox" in proc.stderr


def test_json_report_is_written_one_submission_at_a_time_with_the_same_text():
    """Does the streamed JSON report equal json.dumps of the whole list (0, 1 and several submissions)?"""
    import io

    from grader.render import json_report
    from grader.results import Check, FunctionResult, SubmissionResult

    def result(name):
        fr = FunctionResult("rnn_forward", 10.0, [Check("a", 5.0, True, 'ok\n"quoted"')])
        return SubmissionResult(name, name + ".py", [fr], messages=["line one\nline two"], printed="x\ny")

    for results in ([], [result("a")], [result("a"), result("b"), result("c")]):
        stream = io.StringIO()
        json_report.write_json(results, stream)
        assert stream.getvalue() == json.dumps([r.to_dict() for r in results], indent=2) + "\n"
        assert len(json.loads(stream.getvalue())) == len(results)


def test_importing_the_grader_defaults_blas_to_one_thread_but_keeps_a_user_setting():
    """Is OPENBLAS_NUM_THREADS set to 1 on import (threads only spin on tiny matrices), unless the user set it?"""
    code = "import os, grader; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    default = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    chosen = subprocess.run([sys.executable, "-c", code], env=dict(env, OPENBLAS_NUM_THREADS="3"),
                            capture_output=True, text=True, check=True)
    assert (default.stdout.strip(), chosen.stdout.strip()) == ("1", "3")


# ---------------------------------------------------------------- Ctrl-C



def live_processes_mentioning(text: str) -> list[str]:
    """Command lines of live (not zombie) processes that contain text."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(f"{entry}: {cmdline}")
    return found


def grades_rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", newline="") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_the_batch_kills_every_worker_and_a_rerun_resumes(kit, tmp_path, jobs):
    """With a submission looping in the batch, does SIGINT end the command promptly with status 130,
    leave no grading process, worker or sandbox running, leave grades.csv listing exactly the results
    written, and does the same command run again grade only the rest?"""
    import signal
    import time

    batch = tmp_path / "submitted"
    batch.mkdir()
    source = (EXAMPLES / "correct.py").read_text()
    names = [f"s{i}.py" for i in (0, 1, 3, 4, 5, 6, 7)] + ["s2-loop.py"]
    for name in names[:-1]:
        (batch / name).write_text(source + f"\n# {name}\n")
    (batch / "s2-loop.py").write_text((kit.HOSTILE / "infinite-loop.py").read_text())
    out = tmp_path / "out"
    # the workers' private folders are made under TMPDIR: every process of this run mentions tmp_path
    env = dict(os.environ, TMPDIR=str(tmp_path), NO_COLOR="1")
    command = [sys.executable, "-m", "grader", "grade", str(batch), "--out", str(out), "--jobs", jobs,
               "--timeout", "60"]  # the loop would hold its job for a minute
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*.json"))) < 2:
        time.sleep(0.02)
    assert proc.poll() is None, proc.communicate()
    assert live_processes_mentioning(str(tmp_path / "grader-worker-")), "no worker was running"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=10)  # a generous bound; the figure is printed below
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the batch was still running 10 s after SIGINT")
    took = time.monotonic() - sent
    print(f"--jobs {jobs}: exited {took:.2f} s after SIGINT")
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr and "run the same command again" in stderr
    time.sleep(0.2)  # a killed sandbox's last processes are reaped by the kernel
    assert live_processes_mentioning(str(tmp_path)) == []
    assert not list(tmp_path.glob("grader-worker-*"))  # the workers' private folder is removed too

    written = {p.name.removesuffix(".json") for p in out.glob("*.json")}
    assert 2 <= len(written) < len(names) and "s2-loop.py" not in written
    assert set(grades_rows(out)) == written
    assert not list(out.glob(".*.tmp"))  # no half-written file

    rerun = subprocess.run(command[:-1] + ["2"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resuming: {len(written)} of {len(names)} submissions already graded" in rerun.stderr
    rows = grades_rows(out)
    assert set(rows) == set(names)
    assert {name for name, row in rows.items() if row["total"] != "100"} == {"s2-loop.py"}
    assert live_processes_mentioning(str(tmp_path)) == []


# ---------------------------------------------------------------- what an instructor meets

def test_students_are_nbgrader_folders_else_file_stems(tmp_path):
    """Is a submission's student nbgrader's <student> folder of submitted/ (or autograded/), else its file stem?"""
    from grader.submission import student_of

    course = tmp_path / "course"
    assert student_of(course / "submitted" / "alice" / "rnn_lstm" / "rnn_lstm.ipynb") == "alice"
    assert student_of(course / "autograded" / "bob" / "rnn_lstm" / "sub" / "x.ipynb") == "bob"
    assert student_of(course / "submitted" / "rnn_lstm.ipynb") == "rnn_lstm"  # no student folder below
    assert student_of(tmp_path / "uploads" / "carol.ipynb") == "carol"
    assert student_of("dave.py") == "dave"


def test_canvas_export_matches_the_roster_and_keeps_each_students_best(tmp_path):
    """Does export-canvas write Canvas's import columns, each rostered student's best total scaled to the
    assignment's points, copy the Canvas identity from the roster, and name who could not be matched?"""
    batch = tmp_path / "course" / "submitted"
    for student, source in (("alice", "correct.py"), ("bob", "buggy.ipynb"), ("zed", "correct.py")):
        (batch / student / "rnn_lstm").mkdir(parents=True)
        target = batch / student / "rnn_lstm" / ("rnn_lstm" + Path(source).suffix)
        target.write_text((EXAMPLES / source).read_text())
    (batch / "bob" / "rnn_lstm" / "second_try.py").write_text((EXAMPLES / "correct.py").read_text())
    out = tmp_path / "out"
    assert run("grade", batch, "--out", out, "--jobs", "2").returncode == 0
    roster = tmp_path / "canvas_export.csv"
    roster.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz (11)\n"
                      "    Points Possible,,,,,10\n"
                      '"Smith, Alice",101,S-1,alice,Mon,7\n'
                      '"Brown, Bob",102,S-2,BOB,Tue,\n'
                      '"Jones, Carol",103,S-3,carol,Mon,9\n', encoding="utf-8")
    proc = run("export-canvas", out, "--assignment", "RNN/LSTM (4242)", "--roster", roster, "--points", "20")
    assert proc.returncode == 0, proc.stderr
    with open(out / "canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "RNN/LSTM (4242)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "20"]
    assert rows[2:] == [["Brown, Bob", "102", "S-2", "BOB", "Tue", "20"],  # best of 83 and 100, of 20 points
                        ["Smith, Alice", "101", "S-1", "alice", "Mon", "20"]]
    assert "not in the roster (not written): zed" in proc.stderr
    assert "several graded files, the best total written: bob" in proc.stderr
    assert "1 students of the roster have no result" in proc.stderr

    bare = run("export-canvas", out, "--assignment", "RNN", "--match", "SIS User ID", "--output", tmp_path / "c.csv")
    assert bare.returncode == 0, bare.stderr
    with open(tmp_path / "c.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["SIS User ID"]: r["RNN"] for r in rows[1:]} == {"alice": "100", "bob": "100", "zed": "100"}
    assert {r["Student"] for r in rows[1:]} == {"alice", "bob", "zed"} and not any(r["ID"] for r in rows[1:])

    (tmp_path / "not_canvas.csv").write_text("name,score\nalice,3\n")
    wrong = run("export-canvas", out, "--assignment", "RNN", "--roster", tmp_path / "not_canvas.csv")
    assert wrong.returncode == 2 and "not a Canvas gradebook export" in wrong.stderr and "Traceback" not in wrong.stderr


def test_output_files_follow_the_umask(tmp_path):
    """Are grades.csv, results and feedback pages created with the mode the umask gives (not 0600)?"""
    code = ("import os, sys, runpy; os.umask(int(sys.argv[1], 8)); sys.argv = ['grader'] + sys.argv[2:]; "
            "runpy.run_module('grader', run_name='__main__')")
    for umask, mode in (("022", 0o644), ("002", 0o664), ("077", 0o600)):
        out = tmp_path / umask
        proc = subprocess.run([sys.executable, "-c", code, umask, "grade", EXAMPLES / "correct.py", "--out", out,
                               "--html"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        written = [p for p in out.rglob("*") if p.is_file()]
        assert {p.suffix for p in written} == {".csv", ".json", ".html"}
        assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(mode)}, umask


def test_usage_names_the_command_as_it_was_invoked(tmp_path):
    """Does --help say `rnn-grader` when run through the installed script, and `python -m grader` as a module?"""
    from grader import cli

    assert cli.program_name("/usr/local/bin/rnn-grader") == "rnn-grader"
    assert cli.program_name("/repo/grader/__main__.py") == "python -m grader"
    module = run("--help")
    assert module.stdout.startswith("usage: python -m grader ")
    code = "import sys; from grader.cli import main; sys.argv[0] = '/venv/bin/rnn-grader'; sys.exit(main())"
    script = subprocess.run([sys.executable, "-c", code, "grade", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert script.returncode == 0 and script.stdout.startswith("usage: rnn-grader grade ")
    assert "rnn-grader grade examples/submissions" in script.stdout and "python -m grader" not in script.stdout
    error = subprocess.run([sys.executable, "-c", code, "grade", tmp_path / "missing.py"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert error.returncode == 2 and error.stderr.startswith("rnn-grader: error:")


def test_progress_in_a_log_is_plain_lines_with_rate():
    """When stderr is not a terminal, does a batch print plain progress lines (count, rate, no carriage
    return) in log mode, and none with --progress off?"""
    proc = run("grade", EXAMPLES / "correct.py", EXAMPLES / "buggy.ipynb", "--format", "json",
               "--progress-every", "0.001")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("graded:")]
    assert lines and "\r" not in proc.stderr
    assert lines[-1].startswith("graded: 100%") and "2/2" in lines[-1] and "submission" in lines[-1]
    assert "/s" in lines[-1] or "s/" in lines[-1]  # a rate: submissions per second or seconds per submission
    quiet = run("grade", EXAMPLES / "correct.py", EXAMPLES / "buggy.ipynb", "--format", "json", "--progress", "off")
    assert not [line for line in quiet.stderr.splitlines() if line.startswith("graded:")]


def test_progress_bar_on_a_terminal_shows_rate_and_eta():
    """On a terminal, is the progress a tqdm bar with count, elapsed<remaining time and rate?"""
    import io

    from grader.cli import Progress
    from grader.results import SubmissionResult

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(3, stream=stream)
    assert progress.mode == "bar"
    for name in ("a.py", "b.py", "c.py"):
        progress.step(SubmissionResult(name, name))
    progress.close()
    text = stream.getvalue()
    assert "3/3" in text and "<00:00" in text and ("submission/s" in text or "s/submission" in text)


def test_git_ignores_nbgrader_student_folders(tmp_path):
    """Does git ignore what nbgrader writes in the course folder (submissions, autograded copies, feedback,
    releases, the gradebook), so student data is not committed by accident?"""
    import shutil

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = ["submitted/alice/rnn_lstm/rnn_lstm.ipynb", "autograded/alice/rnn_lstm/rnn_lstm.ipynb",
             "feedback/alice/rnn_lstm/rnn_lstm.html", "release/rnn_lstm/rnn_lstm.ipynb", "gradebook.db"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(proc.stdout.split()) == sorted(paths)
    kept = subprocess.run(["git", "check-ignore", "--no-index", "grader/render/html_pages.py",
                           "tests/fixtures/submissions/correct/loops.py"], cwd=ROOT, capture_output=True, text=True)
    assert kept.stdout == ""


def test_pip_install_brings_every_library_the_commands_import():
    """Is every third-party library imported by the grader (outside the worker, which runs in the
    student's environment) a dependency of `pip install .`, so no command fails for lack of it?"""
    import ast
    import importlib.metadata
    import re
    import tomllib

    declared = {re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    imported = set()
    for path in (ROOT / "grader").rglob("*.py"):
        if path.name == "worker.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m not in ("grader", "wire")}
    optional = {"nbgrader", "traitlets"}  # nbgrader-sync: imported lazily, says "pip install nbgrader" if absent
    needed = {distributions[m][0].lower().replace("_", "-") for m in third_party - optional}
    assert {"matplotlib", "tqdm", "numpy"} <= needed
    assert needed <= declared, needed - declared


def test_canvas_export_cells_cannot_become_spreadsheet_formulas():
    """Is a student name or assignment starting with = + - @ written as text (a leading apostrophe)?"""
    from grader.render import canvas

    doc = {"score": 50.0, "tests": [], "extra_data": {"submission": "x.py", "student": "=HYPERLINK(\"http://x\")"}}
    export = canvas.canvas_csv([doc], "+SUM(A1)")
    rows = list(csv.reader(export.text.splitlines()))
    assert rows[0][-1] == "'+SUM(A1)"
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")" and rows[2][-1] == "50"


@pytest.mark.slow
def test_a_batch_started_with_sigint_ignored_keeps_ignoring_it(kit, tmp_path):
    """Started with SIGINT ignored (as `nohup` or a background `&` job does), does a batch carry on
    through a SIGINT and grade everything?"""
    import signal
    import time

    batch = tmp_path / "submitted"
    batch.mkdir()
    for i in range(3):
        (batch / f"s{i}.py").write_text((EXAMPLES / "correct.py").read_text() + f"\n# {i}\n")
    (batch / "s3.py").write_text((kit.HOSTILE / "infinite-loop.py").read_text())  # holds its job for the 3 s timeout
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(batch), "--out", str(out), "--jobs", "2",
                             "--timeout", "3"],
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not list(out.glob("*.json")):
        time.sleep(0.01)
    assert proc.poll() is None, "the batch ended before the signal could be sent"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert set(grades_rows(out)) == {f"s{i}.py" for i in range(4)}


def test_installed_script_names_itself():
    """Does the `rnn-grader` script that `pip install` puts beside this Python say `usage: rnn-grader`?"""
    script = Path(sys.executable).parent / "rnn-grader"
    if not script.exists():
        pytest.skip("the package is not installed in this environment (pip install -e .)")
    proc = subprocess.run([str(script), "grade", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: rnn-grader grade ")


SHADOW = '''
import os
open(os.environ["SHADOW_MARKER"], "a").write(__name__ + "\\n")  # ran in the grading process
'''


@pytest.mark.parametrize("command", [("grader", "grade", "."), ("grader.bundle", "choose", ".")])
def test_a_submission_named_like_a_module_is_not_imported_by_the_grader(tmp_path, command):
    """Run from a folder of submissions (`cd submissions && python -m grader grade .`): is a
    student's json.py, numpy.py or argparse.py there never imported by the trusted grading process
    (`python -m` puts the folder first on sys.path, before the standard library)?"""
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "alice.py").write_text((EXAMPLES / "correct.py").read_text())
    for module in ("json", "numpy", "argparse", "zipfile", "matplotlib", "nbformat"):
        (folder / f"{module}.py").write_text(SHADOW)
    marker = tmp_path / "ran.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SHADOW_MARKER=str(marker))
    flags = ["--format", "json", "--progress", "off"] if command[1] == "grade" else []
    proc = subprocess.run([sys.executable, "-m", *command, *flags],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert not marker.exists(), f"imported by the grader: {marker.read_text()!r}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    if command[1] == "grade":
        assert proc.returncode == 0, proc.stderr[-2000:]
        scores = {doc["submission"]: doc["score"] for doc in json.loads(proc.stdout)}
        assert scores["alice.py"] == 100.0


def test_the_grader_runs_from_a_removed_folder(tmp_path):
    """Started in a folder removed since (os.getcwd() fails): does `python -m grader --help` still work
    (the check of the folder on sys.path above must not raise)?"""
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = subprocess.run(["/bin/sh", "-c", f'cd "{gone}" && rmdir "{gone}" && exec "$0" -m grader --help',
                           sys.executable], env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]


GRU_CORRECT = ROOT / "tests" / "exercises" / "gru" / "fixtures" / "correct.py"


def test_text_output_says_which_exercise_was_inferred(tmp_path):
    """`grade one.py` without --exercise: does the text output say, in one line on stderr, which exercise the
    file was graded as (the GRU one for a GRU file, the RNN/LSTM one for an RNN/LSTM file), that it was
    inferred, and how to choose; once for a batch; not at all when --exercise chose it; and is the line
    terminal-safe?"""
    proc = run("grade", GRU_CORRECT, "--seed", "1")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("graded as ")]
    assert lines == ["graded as exercise gru (GRU from first principles), inferred from the function names; "
                     "--exercise NAME to choose"]
    batch = run("grade", EXAMPLES, "--seed", "1", "--progress", "off")
    assert batch.returncode == 0, batch.stderr
    lines = [line for line in batch.stderr.splitlines() if line.startswith("graded as ")]
    assert len(lines) == 1 and "exercise rnn_lstm " in lines[0] and "inferred" in lines[0]
    chosen = run("grade", GRU_CORRECT, "--seed", "1", "--exercise", "gru")
    assert chosen.returncode == 0 and "graded as " not in chosen.stderr

    from grader.cli import inferred_line

    class Odd:
        name, title = "odd", "evil\x1b[2J\x07title"

    assert "\x1b" not in inferred_line(Odd()) and "\x07" not in inferred_line(Odd())
