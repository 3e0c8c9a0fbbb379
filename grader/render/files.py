"""Where each output goes under --out (a safe, unique path per submission), and writing a
file atomically with the umask's permissions."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (/proc), else
    by setting and restoring it (a moment no file of ours is being created)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename: never half a file.
    The file gets the mode an ordinary open() would give it (0666 less the umask), not
    the temporary file's 0600: feedback pages and grades are meant to be shared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


SAFE_PART = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_.+@()\- ]{0,99}")


def _safe_parts(name: str) -> list[str] | None:
    """The name's path parts if each is a plain file or folder name, else None."""
    parts = name.split("/")
    if all(SAFE_PART.fullmatch(p) and not p.endswith((".", " ")) for p in parts):
        return parts
    return None


def output_names(names: list[str]) -> dict[str, str]:
    """Submission name -> the relative path (without suffix) of its outputs under --out.

    A name made of plain parts (letters, digits, `_ - . + space`, no part starting with
    a dot; `@` and brackets too) is kept: `alice/rnn_lstm/rnn_lstm.ipynb`. Any other (an absolute path, `..`,
    control or other characters) becomes its parts with every other character replaced
    by `_`, plus `~` and 10 hex digits of the name's SHA-256, so it stays under --out and
    differs from every other name. Paths that still collide (the same path, or a file
    where another needs a folder, ignoring case) are resolved the same way, in sorted
    order of the names: the same names always give the same paths.
    """
    out: dict[str, str] = {}
    files: set[str] = set()
    folders: set[str] = set()
    for name in sorted(set(names)):
        parts = _safe_parts(name)
        candidates = ["/".join(parts)] if parts else []
        cleaned = [re.sub(r"[^A-Za-z0-9_.+@()\- ]", "_", p).strip(". ")[:80] or "_" for p in name.split("/")]
        cleaned = [p for p in cleaned if p not in ("_",)] or ["submission"]
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        candidates.append("/".join(cleaned[:-1] + [f"{cleaned[-1]}~{digest[:10]}"]))
        candidates.append(f"{digest[:2]}/{digest}")  # cannot collide with a name kept as it was
        for rel in candidates:
            key = rel.lower()
            parents = ["/".join(key.split("/")[:i]) for i in range(1, key.count("/") + 1)]
            if key in files or key in folders or any(p in files for p in parents):
                continue
            files.add(key)
            folders.update(parents)
            out[name] = rel
            break
    return out


def result_path(out: Path, stem: str) -> Path:
    """The results.json of a submission whose output name (output_names) is stem, under out."""
    path = out / (stem + ".json")
    if not _is_under(path, out):
        raise ValueError(f"{stem!r} would be written outside {out}")
    return path


def _is_under(path: Path, folder: Path) -> bool:
    path, folder = Path(os.path.abspath(path)), Path(os.path.abspath(folder))
    return path.is_relative_to(folder) and ".." not in path.relative_to(folder).parts
