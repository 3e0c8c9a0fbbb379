"""The deployment's secret: hidden cases drawn from it, kept from students, and results signed with it.

Attacks of issue 11 (classes 2 and 8): hidden values leaked in one deployment
replayed in another; a results file planted where the grader resumes from;
two input folders whose files share a name, written outside --out.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import secret
from grader.exercises.rnn_lstm.problems import BY_NAME, PROBLEMS, hidden_cases

ROOT = Path(__file__).resolve().parents[2]
CORRECT = ROOT / "examples" / "submissions" / "correct.py"
STUB = "import numpy as np\n\ndef rnn_cell_forward(xt, a_prev, parameters):\n    raise NotImplementedError\n"


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def arrays_of(value) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        return [a for v in value.values() for a in arrays_of(v)]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in arrays_of(v)]
    return []


def same_case_values(a, b) -> bool:
    xs, ys = arrays_of(a), arrays_of(b)
    return len(xs) == len(ys) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(xs, ys))


# ---------------------------------------------------------------------------- cases from the secret

@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_two_secrets_give_different_cases_the_same_secret_the_same(problem):
    """Are the hidden inputs of every case different under two secrets, identical (bit for bit: the same
    computation) under one secret, and the shapes the rubric's in both?"""
    a, b = os.urandom(32), os.urandom(32)
    first, again, other = hidden_cases(problem, a), hidden_cases(problem, a), hidden_cases(problem, b)
    for x, y, z in zip(first, again, other):
        assert same_case_values(x.args, y.args) and same_case_values(x.expected, y.expected)
        assert x.shape == z.shape
        assert all(not np.array_equal(p, q) for p, q in zip(arrays_of(x.args), arrays_of(z.args))
                   if p.size > 1 and np.ptp(p) > 0)  # not the zero start state


def test_fixed_seed_is_not_a_secret_and_differs_from_one():
    """Does a fixed integer seed (tests, benchmarks) still give its own reproducible cases, unlike a secret's?"""
    problem = BY_NAME["lstm_forward"]
    assert same_case_values(hidden_cases(problem, 7)[0].args, hidden_cases(problem, 7)[0].args)
    assert not same_case_values(hidden_cases(problem, 7)[0].args, hidden_cases(problem, b"\0" * 32)[0].args)


def lookup_table_submission(key: bytes) -> str:
    """rnn_cell_forward as a table of the reference's answers to the hidden cases drawn from key (what a
    student who leaked them would hand in): no tanh, no softmax, only a lookup."""
    rows = []
    for case in hidden_cases(BY_NAME["rnn_cell_forward"], key):
        xt, a_prev, _ = case.args
        rows.append((round(float(xt.sum()), 9), case.expected["a_next"].tolist(), case.expected["yt_pred"].tolist()))
    return f'''import numpy as np
TABLE = {rows!r}

def rnn_cell_forward(xt, a_prev, parameters):
    for key, a_next, yt_pred in TABLE:
        if abs(key - float(xt.sum())) < 1e-6:
            a_next, yt_pred = np.array(a_next), np.array(yt_pred)
            return a_next, yt_pred, (a_next, a_prev, xt, parameters)
    return np.zeros((parameters["Waa"].shape[0], xt.shape[1])), None, None
'''


def test_leaked_hidden_values_do_not_replay_under_another_secret(tmp_path):
    """A table of one deployment's hidden answers scores full marks there (the threat) and nothing under
    another deployment's secret."""
    leaked, other = tmp_path / "leaked.key", tmp_path / "other.key"
    for key in (leaked, other):
        assert run("init-secret", key).returncode == 0
    table = tmp_path / "table.py"
    table.write_text(lookup_table_submission(secret.read(leaked)))
    scores = {}
    for key in (leaked, other):
        proc = run("grade", table, "--format", "json", "--secret", key)
        assert proc.returncode == 0, proc.stderr
        scores[key.name] = {f["name"]: f["score"] for f in json.loads(proc.stdout)[0]["functions"]}
    assert scores["leaked.key"]["rnn_cell_forward"] == 10
    assert scores["other.key"]["rnn_cell_forward"] == 0


# ---------------------------------------------------------------------------- the secret file

def test_init_secret_writes_0600_and_never_overwrites(tmp_path):
    """Does init-secret write 32 random bytes as hex with mode 0600 whatever the umask, refuse to
    overwrite (exit 2, saying why), and does a bad file give a clear message, not a traceback?"""
    key = tmp_path / "course" / "grader-secret.key"
    proc = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0); from grader.cli import main; "
                           f"sys.exit(main(['init-secret', {str(key)!r}]))"], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(secret.read(key)) == 32
    before = key.read_text()
    again = run("init-secret", key)
    assert again.returncode == 2 and "exists already" in again.stderr and key.read_text() == before
    bad = tmp_path / "bad.key"
    bad.write_text("not hex\n")
    for path, words in ((bad, "does not hold a secret"), (tmp_path / "none.key", "init-secret")):
        proc = run("grade", CORRECT, "--secret", path)
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr


def test_lookup_order(tmp_path, monkeypatch):
    """--secret, then $RNN_GRADER_SECRET_FILE, then the folder's grader-secret.key, then the user's own
    (created once, 0600, then reused)."""
    monkeypatch.delenv(secret.ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "course"
    folder.mkdir()
    mine = secret.find(folder=folder)
    assert mine.created and mine.path == tmp_path / "config" / "rnn-grader" / "secret.key"
    assert stat.S_IMODE(mine.path.stat().st_mode) == 0o600
    assert secret.find(folder=folder) == secret.Found(mine.key, mine.path)  # reused, not made again
    local = secret.create(folder / secret.FILENAME)
    assert secret.find(folder=folder).key == local
    env_key = secret.create(tmp_path / "env.key")
    monkeypatch.setenv(secret.ENV, str(tmp_path / "env.key"))
    assert secret.find(folder=folder).key == env_key
    explicit = secret.create(tmp_path / "explicit.key")
    assert secret.find(tmp_path / "explicit.key", folder=folder).key == explicit


HUNTER = '''import os, glob
import numpy as np

SECRET_FILE = {path!r}

def look():
    found = []
    for name, value in os.environ.items():
        found.append(name + "=" + value)
    for p in [SECRET_FILE, os.path.expanduser("~/.config/rnn-grader/secret.key")] + glob.glob("/proc/*/environ"):
        try:
            with open(p, "rb") as f:
                found.append(p + ":" + f.read(4096).decode("latin-1"))
        except OSError as exc:
            found.append(p + ": " + type(exc).__name__)
    return " | ".join(found)

def rnn_cell_forward(xt, a_prev, parameters):
    text = look()
    print(text)
    raise ValueError(text[:3000])
'''


def test_secret_never_reaches_the_worker_or_any_output(tmp_path):
    """A submission that reads its environment, the secret's file and every process's environment, and
    prints and raises what it found: is the secret in no output, no results file, no feedback?"""
    key = tmp_path / "keys" / "grader-secret.key"
    assert run("init-secret", key).returncode == 0
    hexkey = key.read_text().strip()
    sub = tmp_path / "class" / "hunter.py"
    sub.parent.mkdir()
    sub.write_text(HUNTER.format(path=str(key)))
    out = tmp_path / "out"
    proc = run("grade", sub.parent, "--secret", key, "--out", out, "--format", "json", "--html")
    assert proc.returncode == 0, proc.stderr
    assert "ValueError" in proc.stdout  # the submission ran and reported
    texts = [proc.stdout, proc.stderr] + [p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()]
    assert texts[2:] and not any(hexkey in t or hexkey[:16] in t for t in texts)


# ---------------------------------------------------------------------------- resume trusts only the grader

def grade_out(paths, out, key, *extra):
    proc = run("grade", *paths, "--out", out, "--secret", key, "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return {r["submission"]: r for r in json.loads(proc.stdout)}, proc


def forged_result(doc: dict) -> dict:
    """doc changed to claim full marks for every function."""
    doc = json.loads(json.dumps(doc))
    doc["score"] = 100
    for t in doc["tests"]:
        t["score"], t["status"] = t["max_score"], "passed"
    details = doc["extra_data"]["details"]
    for f in details["functions"]:
        f["problem"] = None
        for c in f.get("checks", []):
            c["passed"] = True
    return doc


def test_planted_or_altered_result_under_out_is_regraded(tmp_path):
    """A stub graded with --out; its results file edited to full marks, or replaced by another
    submission's genuine result: is each regraded (0 again), while an untouched result is resumed?"""
    key = tmp_path / "secret.key"
    assert run("init-secret", key).returncode == 0
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "stub.py").write_text(STUB)
    out = tmp_path / "out"
    first, _ = grade_out([folder], out, key)
    assert first["stub.py"]["score"] == 0
    result = out / "stub.py.json"
    genuine = json.loads(result.read_text())
    assert genuine["extra_data"]["signature"]

    again, proc = grade_out([folder], out, key)
    assert "resuming: 1 of 1" in proc.stderr and again["stub.py"]["score"] == 0

    result.write_text(json.dumps(forged_result(genuine)))  # edited: the signature no longer matches
    regraded, proc = grade_out([folder], out, key)
    assert "resuming" not in proc.stderr and regraded["stub.py"]["score"] == 0
    assert json.loads(result.read_text())["score"] == 0

    other = tmp_path / "other"
    other.mkdir()
    (other / "stub.py").write_bytes(CORRECT.read_bytes())  # a genuine 100 for another file of that name
    grade_out([other], tmp_path / "out2", key)
    result.write_text((tmp_path / "out2" / "stub.py.json").read_text())
    regraded, proc = grade_out([folder], out, key)
    assert "resuming" not in proc.stderr and regraded["stub.py"]["score"] == 0

    another = tmp_path / "another.key"
    assert run("init-secret", another).returncode == 0
    regraded, proc = grade_out([folder], out, another)  # another deployment's results are not this one's
    assert "resuming" not in proc.stderr


def test_same_relative_names_from_two_absolute_folders_stay_under_out(tmp_path):
    """The attack: two input folders given as absolute paths, both with alice/rnn.py; a forged full-marks
    result planted beside the student's file (where results used to be written). Is every output under
    --out, in two distinct files, the planted file ignored and untouched, and the stub graded 0?"""
    key = tmp_path / "secret.key"
    assert run("init-secret", key).returncode == 0
    one, two = tmp_path / "section1", tmp_path / "section2"
    for folder, text in ((one, STUB), (two, CORRECT.read_text())):
        (folder / "alice").mkdir(parents=True)
        (folder / "alice" / "rnn.py").write_text(text)
    planted = one / "alice" / "rnn.py.json"
    planted.write_text(json.dumps({"score": 100, "tests": [], "extra_data": {
        "submission": str(one / "alice" / "rnn.py"), "sha256": "", "seed": None, "details": {}}}))
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file() and "out" not in p.relative_to(tmp_path).parts)
    out = tmp_path / "out"
    results, _ = grade_out([one.resolve(), two.resolve()], out, key)
    after = sorted(p for p in tmp_path.rglob("*") if p.is_file() and "out" not in p.relative_to(tmp_path).parts)
    assert before == after and planted.read_text().startswith('{"score": 100')
    scores = {name: r["score"] for name, r in results.items()}
    assert scores == {str(one.resolve() / "alice" / "rnn.py"): 0, str(two.resolve() / "alice" / "rnn.py"): 100}
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert len(written) == 2 and all(p.startswith(("alice", "section", "tmp")) or "~" in p for p in written)
    docs = [json.loads((out / p).read_text()) for p in written]
    assert sorted(d["score"] for d in docs) == [0, 100]


def test_output_names_are_plain_distinct_and_stable():
    """Do output names keep plain relative paths, and turn absolute, `..`, control-character and
    colliding names into distinct paths under --out, the same way every time?"""
    from grader.render.files import output_names, result_path

    names = ["alice/rnn_lstm/rnn_lstm.ipynb", "/home/s/alice.py", "../../etc/x.py", "a\nb.py", "A.py", "a.py",
             "x.py", "x.py/y.py", "..", "bob (2).py"]
    first, second = output_names(names), output_names(list(reversed(names)))
    assert first == second and len(set(map(str.lower, first.values()))) == len(names)
    assert first["alice/rnn_lstm/rnn_lstm.ipynb"] == "alice/rnn_lstm/rnn_lstm.ipynb"
    assert first["bob (2).py"] == "bob (2).py"
    out = Path("/srv/out")
    for name, rel in first.items():
        path = result_path(out, rel)
        assert path.is_relative_to(out) and ".." not in path.relative_to(out).parts, name
        assert "\n" not in rel and not rel.startswith("/")
    with pytest.raises(ValueError):
        result_path(out, "../escape")


# ---------------------------------------------------------------------------- no student file becomes the secret

def no_secret_env(tmp_path) -> dict:
    """The environment of an instructor with no RNN_GRADER_SECRET_FILE and a fresh per-user secret."""
    env = {k: v for k, v in os.environ.items() if k != secret.ENV}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONPATH"] = str(ROOT)
    return env


def planted_class(tmp_path) -> tuple[Path, Path]:
    """A folder of uploads where a student put a lookup table of the hidden answers drawn from a secret
    of their own choosing, and that secret as `grader-secret.key`."""
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    planted = uploads / secret.FILENAME
    key = secret.create(planted)  # 0600, ours: only where it lies gives it away
    (uploads / "mallory.py").write_text(lookup_table_submission(key))
    return uploads, planted


def test_a_secret_in_the_current_folder_is_never_taken_by_itself(tmp_path):
    """`grade .` run inside a folder of uploads holding a student's `grader-secret.key` and a lookup table
    of that key's hidden answers: is the student's key ignored (the table scores nothing), and does the
    instructor see a note saying which secret was used and how to choose one?"""
    uploads, _ = planted_class(tmp_path)
    proc = run("grade", ".", "--format", "json", cwd=uploads, env=no_secret_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    scores = {f["name"]: f["score"] for f in json.loads(proc.stdout)[0]["functions"]}
    assert scores["rnn_cell_forward"] == 0
    assert f"./{secret.FILENAME} was not used" in proc.stderr and "--secret FILE" in proc.stderr
    assert str(tmp_path / "config" / "rnn-grader" / "secret.key") in proc.stderr


def test_a_secret_inside_a_graded_path_is_refused(tmp_path):
    """--secret FILE or $RNN_GRADER_SECRET_FILE naming a file inside a graded folder (directly, or through a
    link from outside): refused, exit 2, with a message saying what to do; nothing is graded."""
    uploads, planted = planted_class(tmp_path)
    link = tmp_path / "course.key"
    link.symlink_to(planted)
    env = no_secret_env(tmp_path)
    for args, extra in ((["--secret", planted], {}), (["--secret", link], {}), ([], {secret.ENV: str(planted)})):
        proc = run("grade", uploads, "--format", "json", *args, env=dict(env, **extra))
        assert proc.returncode == 2, proc.stderr
        assert "which is being graded" in proc.stderr and "--secret FILE" in proc.stderr
        assert "Traceback" not in proc.stderr and proc.stdout == ""
    proc = run("grade", ".", "--secret", secret.FILENAME, cwd=uploads, env=env)
    assert proc.returncode == 2 and "which is being graded" in proc.stderr


def test_a_secret_others_can_write_or_not_ours_is_refused(tmp_path, monkeypatch):
    """A secret file writable by its group or by others, or owned by another user: refused (exit 2 from the
    CLI, SecretError in Python) with what to do; the same file at mode 0600 and ours is used."""
    key = tmp_path / "keys" / "course.key"
    value = secret.create(key)
    for mode in (0o620, 0o602, 0o666):
        os.chmod(key, mode)
        proc = run("grade", CORRECT, "--secret", key, env=no_secret_env(tmp_path))
        assert proc.returncode == 2 and "writable by others" in proc.stderr and "chmod 600" in proc.stderr
        assert "Traceback" not in proc.stderr
    os.chmod(key, 0o600)
    assert secret.find(key).key == value
    monkeypatch.setattr(secret.os, "geteuid", lambda: key.stat().st_uid + 1)
    with pytest.raises(secret.SecretError, match="is not yours"):
        secret.find(key)


def csv_rows(out: Path) -> dict[str, dict]:
    import csv

    with open(out / "grades.csv", newline="") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def test_a_late_file_graded_into_out_keeps_the_class_in_grades_csv(tmp_path):
    """A class graded into out/, then one late file into the same out/: does grades.csv list the whole class
    and the late file; does regrading one file of the class replace its line (one line, the new score); and
    does a planted full-marks results.json (forged, or a genuine one copied under another name) stay out of
    grades.csv, with a note naming it?"""
    key = tmp_path / "secret.key"
    assert run("init-secret", key).returncode == 0
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "stub.py").write_text(STUB)
    (folder / "good.py").write_bytes(CORRECT.read_bytes())
    out = tmp_path / "out"
    grade_out([folder], out, key)
    assert set(csv_rows(out)) == {"stub.py", "good.py"}

    late = tmp_path / "late"
    late.mkdir()
    (late / "carol.py").write_text(STUB)
    grade_out([late / "carol.py"], out, key)
    rows = csv_rows(out)
    assert set(rows) == {"stub.py", "good.py", "carol.py"}
    assert float(rows["good.py"]["total"]) == 100 and float(rows["stub.py"]["total"]) == 0

    (folder / "stub.py").write_bytes(CORRECT.read_bytes())  # fixed and regraded alone: its line replaced
    grade_out([folder / "stub.py"], out, key)
    rows = csv_rows(out)
    assert set(rows) == {"stub.py", "good.py", "carol.py"} and float(rows["stub.py"]["total"]) == 100

    genuine = json.loads((out / "carol.py.json").read_text())
    forged = forged_result(genuine)
    forged["extra_data"]["submission"] = "mallory.py"
    (out / "mallory.py.json").write_text(json.dumps(forged))
    copied = json.loads((out / "good.py.json").read_text())  # signed, but names good.py: listed once only
    (out / "sub").mkdir()
    (out / "sub" / "eve.py.json").write_text(json.dumps(copied))
    (late / "dave.py").write_text(STUB)
    _, proc = grade_out([late / "dave.py"], out, key)
    rows = csv_rows(out)
    assert set(rows) == {"stub.py", "good.py", "carol.py", "dave.py"}
    assert "mallory.py.json" in proc.stderr and "sub/eve.py.json" in proc.stderr
    assert "not listed in grades.csv" in proc.stderr

    another = tmp_path / "another.key"
    assert run("init-secret", another).returncode == 0
    grade_out([late / "dave.py"], out, another)  # another deployment's results are not listed under this one
    assert set(csv_rows(out)) == {"dave.py"}
