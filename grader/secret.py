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
  3. `grader-secret.key` in the course folder (`nbgrader-sync`: --course-dir;
     `grade`: the current folder);
  4. this user's own secret, `$XDG_CONFIG_HOME/rnn-grader/secret.key`
     (default `~/.config/rnn-grader/secret.key`), created on first use.
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


def find(explicit: Path | None = None, folder: Path | None = None, create_in_folder: bool = False) -> Found:
    """The secret to use (see the module's docstring for the order)."""
    if explicit is not None:
        return Found(read(explicit), Path(explicit))
    if os.environ.get(ENV):
        return Found(read(Path(os.environ[ENV])), Path(os.environ[ENV]))
    local = Path(folder if folder is not None else Path.cwd()) / FILENAME
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
