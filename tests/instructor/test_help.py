"""The new subcommands explain themselves."""
import pytest


@pytest.mark.parametrize("command, words", [
    ("nbgrader-sync", ["gradebook", "auto_score", "--student", "--map", "--course-dir", "--dry-run", "grade_id"]),
    ("gradescope-bundle", ["setup.sh", "run_autograder", "results.json", "AUTOGRADER_ROOT", "visible"]),
    ("report", ["self-contained", "timed out", "mistakes", "--output"]),
    ("grade", ["--format", "html", "--html", "phone"])])
def test_help_explains_the_command(cli, command, words):
    """Does `COMMAND --help` exit 0 and explain what the command does and its options?"""
    proc = cli(command, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    text = " ".join(proc.stdout.split())
    for word in words:
        assert word in text, word
