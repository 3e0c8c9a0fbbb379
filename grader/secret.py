"""The deployment's secret: where the hidden cases come from, and what signs the results.

Hidden cases are derived from HMAC-SHA256(secret, problem name, case number)
(problems.make_case), so values a submission leaks in one deployment say
nothing about another's, and nobody without the secret can compute them.
Results written with `--out` carry an HMAC of the document under a key derived
from the same secret; a resumed batch trusts only results it can verify.

The secret is 32 random bytes, stored as 64 hex digits in a file of mode 0600.
Which one a command uses, first that applies:
  1. `--secret FILE` (Options.secret holds the bytes);
  2. the file named by the environment variable RNN_GRADER_SECRET_FILE;
  3. for `nbgrader-sync`/`nbgrader-autograde` only: `grader-secret.key` in the
     course folder (--course-dir, default the current folder), created there
     when missing;
  4. this user's own secret, `$XDG_CONFIG_HOME/rnn-grader/secret.key`
     (default `~/.config/rnn-grader/secret.key`), created on first use.
`grade` never takes a secret from the current folder (or any folder) by itself:
run inside a folder of uploads, a student's file named `grader-secret.key`
would choose the hidden cases. Whichever way it is found, a secret file is
refused when it lies inside a PATH being graded, is writable by its group or
by others, or is not owned by the current user (trusted()).
`python -m grader init-secret [FILE]` creates one on purpose. A fixed integer
seed (`--seed N`, Options.seed) replaces the secret for tests and benchmarks:
its cases are public, anybody can compute them.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets as _random
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ENV = "RNN_GRADER_SECRET_FILE"
FILENAME = "grader-secret.key"
SIZE = 32  # bytes


class SecretError(Exception):
    """A secret file that cannot be used: the message says what to do."""


@dataclass(frozen=True)
class Found:
    key: bytes
    path: Path
    created: bool = False  # made just now (the caller tells the user where)


def user_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "rnn-grader" / "secret.key"


def create(path: Path, overwrite: bool = False) -> bytes:
    """Write a new random secret to path (mode 0600, its folder created); return it."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise SecretError(f"{path} exists already: keep it (grades and resumable results depend on it), "
                          f"or remove it first to start a new deployment")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _random.token_bytes(SIZE)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
        os.chmod(tmp, 0o600)  # whatever the umask
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return key


def read(path: Path) -> bytes:
    """The secret stored in path (64 hex digits)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        raise SecretError(f"secret file {path} does not exist: create it with "
                          f"`python -m grader init-secret {path}`") from None
    except OSError as exc:
        raise SecretError(f"secret file {path} cannot be read: {exc.strerror}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise SecretError(f"secret file {path} does not hold a secret (expected {2 * SIZE} hex digits, as "
                          f"`python -m grader init-secret` writes)")
    return key


def trusted(path: Path, graded: Sequence[str | Path] = ()) -> None:
    """Raise SecretError unless path may hold the deployment's secret: owned by the current
    user, writable by nobody else, and not inside any of the graded paths (nor a link into one)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise SecretError(f"secret file {path} cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SecretError(f"secret file {path} is not a regular file")
    if st.st_uid != os.geteuid():
        raise SecretError(f"secret file {path} is not yours (owner uid {st.st_uid}): someone else could have "
                          f"chosen the hidden cases; use a secret you created (`python -m grader init-secret FILE`)")
    if st.st_mode & 0o022:
        raise SecretError(f"secret file {path} is writable by others (mode {stat.S_IMODE(st.st_mode):04o}): "
                          f"anyone who can write it chooses the hidden cases; `chmod 600 {path}` if it is "
                          f"still your own, else create a new one with `python -m grader init-secret FILE`")
    places = {os.path.abspath(path), os.path.realpath(path)}
    for g in graded:
        for folder in {os.path.abspath(g), os.path.realpath(g)}:
            for place in places:
                if place == folder or Path(place).is_relative_to(folder):
                    raise SecretError(f"secret file {path} lies inside {g}, which is being graded: a student's "
                                      f"upload could be taken for the secret; keep the secret outside the "
                                      f"submissions (the course folder, or ~/.config/rnn-grader/) and pass "
                                      f"--secret FILE")


def find(explicit: Path | None = None, folder: Path | None = None, create_in_folder: bool = False,
         graded: Sequence[str | Path] = ()) -> Found:
    """The secret to use (see the module's docstring for the order). `folder` is a course folder
    given on purpose (nbgrader-sync's --course-dir): never the current folder by default."""
    found = _find(explicit, folder, create_in_folder)
    trusted(found.path, graded)
    return found


def _find(explicit: Path | None, folder: Path | None, create_in_folder: bool) -> Found:
    if explicit is not None:
        return Found(read(explicit), Path(explicit))
    if os.environ.get(ENV):
        return Found(read(Path(os.environ[ENV])), Path(os.environ[ENV]))
    if folder is not None:
        local = Path(folder) / FILENAME
        if local.is_file():
            return Found(read(local), local)
        if create_in_folder:
            return Found(create(local), local, created=True)
    mine = user_path()
    if mine.is_file():
        return Found(read(mine), mine)
    return Found(create(mine), mine, created=True)


def created_notice(found: Found) -> str:
    return (f"created a new grading secret in {found.path} (mode 0600). The hidden cases come from it: keep it "
            f"private and keep it (back it up with your course); see docs/instructor.md")


# ---------------------------------------------------------------------------- signatures

def _signing_key(key: bytes | int) -> bytes:
    material = key if isinstance(key, bytes) else f"seed:{int(key)}".encode()
    return hmac.new(material, b"rnn-grader results signature v1", hashlib.sha256).digest()


def _canonical(doc: dict) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=True).encode()


SIGNATURE = "signature"


def sign(doc: dict, key: bytes | int) -> dict:
    """doc with extra_data.signature = HMAC over the rest of the document."""
    doc["extra_data"].pop(SIGNATURE, None)
    doc["extra_data"][SIGNATURE] = hmac.new(_signing_key(key), _canonical(doc), hashlib.sha256).hexdigest()
    return doc


def verify(doc: dict, key: bytes | int) -> bool:
    """Was doc signed with this key, and not changed since?"""
    try:
        extra = dict(doc["extra_data"])
        claimed = extra.pop(SIGNATURE)
        if not isinstance(claimed, str):
            return False
        body = dict(doc, extra_data=extra)
        want = hmac.new(_signing_key(key), _canonical(body), hashlib.sha256).hexdigest()
    except (KeyError, TypeError, ValueError, RecursionError):
        return False
    return hmac.compare_digest(claimed, want)
