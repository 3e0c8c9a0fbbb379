"""Read a submission (.ipynb or .py) into the statements the worker may run.

Nothing here executes student code. A submission is parsed with `ast`, cell by
cell; only definitions are kept: imports, function and class definitions, and
assignments of constant values. Everything else (prints, demos, test calls) is
scratch code and is dropped; the names scratch code assigns are remembered so
that a graded function relying on one can be told so. IPython magics and shell
escapes are neutralised. Broken input never raises: it yields messages.
"""
from __future__ import annotations

import ast
import builtins
import json
import os
import re
import symtable
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path


MAX_FILE_BYTES = 20 << 20
MAX_CELL_CHARS = 1 << 20
SUFFIXES = (".ipynb", ".py")


@dataclass
class Statement:
    label: str  # "cell 4" or the file name
    line: int  # first line within the cell/file
    source: str
    binds: frozenset[str] = frozenset()  # the names it sets ("*" for a star import)
    uses: frozenset[str] = frozenset()  # the global names it (its function bodies included) reads
    aliases: frozenset[tuple[str, str]] = frozenset()  # (name, attribute) of removed numpy aliases it reads
    numpy: frozenset[str] = frozenset()  # the names it binds to the numpy module (`import numpy as np`)

    def to_wire(self) -> dict:
        return {"label": self.label, "line": self.line, "source": self.source}


@dataclass
class Submission:
    path: Path
    name: str
    statements: list[Statement] = field(default_factory=list)
    functions: dict[str, str] = field(default_factory=dict)  # graded name -> where defined
    scratch_names: dict[str, str] = field(default_factory=dict)  # name -> where scratch code sets it
    messages: list[str] = field(default_factory=list)
    fatal: str | None = None  # why nothing at all could be read
    graded_uses: set[str] = field(default_factory=set)  # what the graded functions need, helpers' needs included
    graded: Collection[str] = ()  # the exercise's graded function names
    helper_module: str | None = None  # the module the grader supplies (the exercise's), and its names
    helper_names: frozenset[str] = frozenset()

    def statement_at(self, label: str, line: int) -> Statement | None:
        return next((s for s in self.statements if s.label == label and s.line == line), None)

    def load_error_matters(self, label: str, line: int) -> bool:
        """Can a statement that failed while loading change the grade? Only if it sets a name
        a graded function needs (directly or through the submission's own helpers); a star
        import, if a graded function needs a name nothing else in the submission sets."""
        stmt = self.statement_at(label, line)
        if stmt is None:
            return True
        if "*" in stmt.binds:
            return bool(self.unresolved())
        return bool(stmt.binds & self.graded_uses)

    def unresolved(self) -> set[str]:
        """Names graded functions need that no definition of the submission sets (nor the
        exercise's helper module, which the grader supplies, when it is star-imported)."""
        bound = set().union(*(s.binds for s in self.statements)) if self.statements else set()
        star = re.compile(rf"\s*from\s+{re.escape(self.helper_module)}\s+import\s+\*") if self.helper_module else None
        if star and any("*" in s.binds and star.match(s.source) for s in self.statements):
            bound |= self.helper_names
        return self.graded_uses - bound - set(dir(builtins))


# ------------------------------------------------------------------ magics

_MAGIC_LINE = re.compile(r"^(\s*)(%|!)")
_MAGIC_ASSIGN = re.compile(r"^(\s*)([\w\.\[\], ]+?)\s*=\s*[%!].*$")
_HELP_LINE = re.compile(r"^(\s*)[\w\.]+\?\??\s*$")


def neutralise_magics(source: str) -> str:
    """Replace IPython magics, shell escapes and `x?` help lines with harmless Python."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return ""  # a cell magic: the cell is not Python
    out = []
    for text in lines:
        m = _MAGIC_ASSIGN.match(text)
        if m:
            out.append(f"{m.group(1)}{m.group(2)} = None")
        elif _MAGIC_LINE.match(text) or _HELP_LINE.match(text):
            indent = text[:len(text) - len(text.lstrip())]
            out.append(indent + "pass")
        else:
            out.append(text)
    return "\n".join(out)


# ------------------------------------------------------------------ what counts as a definition

def _is_constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Name, ast.Attribute)):
        return isinstance(node, ast.Name) or _is_constant(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_constant(k) for k in node.keys) and all(
            _is_constant(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left) and _is_constant(node.right)
    return False


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.value is not None and _is_constant(node.value)
    return False


def _assigned_names(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _defined_name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    return None


# ------------------------------------------------------------------ what a definition sets and reads

# numpy 1.24 removed these aliases of Python's types (deprecated since 1.20); notebooks
# of older courses use them. The worker gives them back (as numpy before 1.24 had them).

REMOVED_NUMPY_ALIASES = {"float": "float", "int": "int", "bool": "bool", "object": "object",
                         "complex": "complex", "str": "str", "long": "int", "unicode": "str"}


def _binds(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import):
        return {(a.asname or a.name.split(".")[0]) for a in node.names}
    if isinstance(node, ast.ImportFrom):
        return {(a.asname or a.name) for a in node.names}  # "*" for a star import
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    return _assigned_names(node)


def _global_reads(text: str) -> set[str]:
    """Global names the statement reads, inside its functions, classes, lambdas and
    comprehensions too (Python's own symbol tables say which names are global)."""
    try:
        top = symtable.symtable(text, "<statement>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found, stack = set(), [top]
    while stack:
        table = stack.pop()
        for sym in table.get_symbols():
            if sym.is_referenced() and (sym.is_global() or table is top):
                found.add(sym.get_name())
        stack.extend(table.get_children())
    return found


def _alias_reads(node: ast.stmt) -> set[tuple[str, str]]:
    try:
        return {(n.value.id, n.attr) for n in ast.walk(node) if isinstance(n, ast.Attribute)
                and n.attr in REMOVED_NUMPY_ALIASES and isinstance(n.value, ast.Name)}
    except RecursionError:
        return set()


def _names(node: ast.stmt, text: str) -> tuple[frozenset, frozenset, frozenset]:
    return frozenset(_binds(node)), frozenset(_global_reads(text)), frozenset(_alias_reads(node))


def _graded_uses(sub: Submission) -> set[str]:
    """The graded functions' names and every global name they need, following the
    submission's own helpers (a graded function calling `gates()` needs what `gates` needs)."""
    setters: dict[str, list[Statement]] = {}
    for stmt in sub.statements:
        for name in stmt.binds:
            setters.setdefault(name, []).append(stmt)
    used, todo = set(), [name for name in sub.functions]
    while todo:
        name = todo.pop()
        if name in used:
            continue
        used.add(name)
        for stmt in setters.get(name, ()):
            todo.extend(stmt.uses - used)
    return used


def _numpy_names(sub: Submission) -> set[str]:
    """Names the submission binds to the numpy module (`import numpy as np`)."""
    names = set()
    for stmt in sub.statements:
        names |= stmt.numpy
    return names


def removed_aliases_note(sub: Submission) -> str | None:
    """One line for a submission whose graded code uses np.float & co. (gone since numpy 1.24)."""
    import warnings

    import numpy

    numpy_names = _numpy_names(sub)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy 2 warns about np.object and np.str while they are gone
        used = sorted({attr for stmt in sub.statements if stmt.binds & sub.graded_uses
                       for base, attr in stmt.aliases if base in numpy_names and not hasattr(numpy, attr)})
    if not used:
        return None
    names = ", ".join(f"np.{a}" for a in used)
    plain = ", ".join(dict.fromkeys(REMOVED_NUMPY_ALIASES[a] for a in used))
    return (f"{names}: removed from numpy in version 1.24; graded as the older numpy of the course ran it "
            f"(the Python type{'s' if len(used) > 1 else ''} {plain}); write {plain} instead")


# ------------------------------------------------------------------ parsing code

def _segment(lines: list[str], node: ast.stmt) -> tuple[str, int]:
    """The statement's whole lines (decorators included) and its first line number."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1:node.end_lineno]), first


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parse_chunks(source: str, label: str, messages: list[str],
                  tree: ast.Module | None = None) -> list[tuple[ast.stmt, str, int]]:
    """Top-level statements of source as (node, text, first line). A chunk that does
    not parse is skipped with a message; the rest of the cell still counts.
    `tree`, if given, is source already parsed."""
    tree = tree or _parse(source)
    if tree is not None:
        lines = source.split("\n")
        return [(n, *_segment(lines, n)) for n in tree.body]
    # Salvage: split at lines that start a new top-level statement and parse each piece.
    lines = source.split("\n")
    starts = [i for i, t in enumerate(lines) if t and not t[0].isspace() and not t.startswith(("#", ")", "]", "}"))]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    pieces, out = [], []
    for a, b in zip(starts, starts[1:] + [len(lines)]):
        pieces.append((a, "\n".join(lines[a:b])))
    # merge decorators / continuation lines with what follows them by trying growing pieces
    i = 0
    while i < len(pieces):
        first, text = pieces[i]
        j = i
        while True:
            try:
                tree = ast.parse(text)
                break
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                if j + 1 < len(pieces) and j - i < 8:
                    j += 1
                    text = text + "\n" + pieces[j][1]
                    continue
                err_line = getattr(exc, "lineno", None) or 1
                detail = getattr(exc, "msg", None) or type(exc).__name__
                messages.append(f"{label}: syntax error at line {first + err_line} ({detail}); "
                                f"the code from line {first + 1} to {first + len(pieces[i][1].split(chr(10)))} was skipped")
                tree = None
                j = i
                break
        if tree is not None:
            piece_lines = text.split("\n")
            for n in tree.body:
                seg, at = _segment(piece_lines, n)
                out.append((n, seg, first + at))
            i = j + 1
        else:
            i += 1
    return out


def _analyse(source: str, label: str, messages: list[str]) -> tuple:
    """What a cell holds: per top-level statement, ("definition", text, line, binds,
    uses, aliases, defined name, numpy names) or ("scratch", assigned names)."""
    tree = _parse(source)
    if tree is None:
        source = neutralise_magics(source)
    found = []
    for node, text, line in _parse_chunks(source, label, messages, tree):
        try:
            definition = _is_definition(node)
        except RecursionError:  # a constant expression nested too deeply to inspect: scratch code
            definition = False
        if definition:
            numpy = frozenset(a.asname or a.name for a in node.names if a.name == "numpy") \
                if isinstance(node, ast.Import) else frozenset()
            found.append(("definition", text, line, *_names(node, text), _defined_name(node), numpy))
        else:
            found.append(("scratch", frozenset(_assigned_names(node))))
    return tuple(found)


class _CellMemo:
    """Analyses of cells already read in this process, by their exact source: the
    cells of a course's template recur in every submission of a batch. Pure (the
    analysis depends on the text alone); only cells that parse as a whole (no
    message naming the cell) are kept, within a character budget."""

    LIMIT = 8 << 20  # characters of source kept

    def __init__(self):
        import collections

        self._items = collections.OrderedDict()
        self.size = 0

    def analyse(self, source: str, label: str, messages: list[str]) -> tuple:
        found = self._items.get(source)
        if found is not None:
            self._items.move_to_end(source)
            return found
        before = len(messages)
        found = _analyse(source, label, messages)
        if len(messages) == before and len(source) <= self.LIMIT // 8:
            self._items[source] = found
            self.size += len(source)
            while self.size > self.LIMIT:
                dropped, _ = self._items.popitem(last=False)
                self.size -= len(dropped)
        return found


_CELLS = _CellMemo()


def _add_code(sub: Submission, source: str, label: str) -> None:
    if len(source) > MAX_CELL_CHARS:
        sub.messages.append(f"{label}: longer than {MAX_CELL_CHARS} characters; skipped")
        return
    for item in _CELLS.analyse(source, label, sub.messages):
        if item[0] == "definition":
            _, text, line, binds, uses, aliases, name, numpy = item
            sub.statements.append(Statement(label, line, text, binds, uses, aliases, numpy))
            if name in sub.graded:
                sub.functions[name] = label
        else:
            for name in item[1]:
                sub.scratch_names.setdefault(name, label)


# ------------------------------------------------------------------ files

def _cell_source(cell) -> str:
    src = cell.get("source", cell.get("input", ""))
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _is_instructor_test(cell) -> bool:
    meta = cell.get("metadata")
    nb = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(nb, dict) and nb.get("grade") is True and not nb.get("solution")


def _notebook_cells(data, sub: Submission) -> list:
    if not isinstance(data, dict):
        raise ValueError("the file is JSON but not a notebook (expected an object with 'cells')")
    major = data.get("nbformat")
    if major == 3 or (major is None and "worksheets" in data):
        sheets = data.get("worksheets")
        if not isinstance(sheets, list):
            raise ValueError("nbformat 3 notebook without a 'worksheets' list")
        return [c for ws in sheets if isinstance(ws, dict) for c in (ws.get("cells") or [])
                if isinstance(c, dict)]
    if major not in (4, None):
        sub.messages.append(f"notebook format {major!r} is not 4; read as far as possible")
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise ValueError("the notebook has no 'cells' list")
    return [c for c in cells if isinstance(c, dict)]


def read(path: str | Path, name: str | None = None, exercise=None) -> Submission:
    """Read a submission file of `exercise` (default: the default exercise). Never raises;
    problems become messages or `fatal`."""
    from .exercise import get

    exercise = get(exercise)
    path = Path(path)
    sub = Submission(path=path, name=name or path.name, graded=exercise.by_name,
                     helper_module=exercise.helper_module, helper_names=exercise.helper_names)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        sub.fatal = f"could not read the file: {exc.strerror or exc}"
        return sub
    if len(raw) > MAX_FILE_BYTES:
        sub.fatal = f"the file is larger than {MAX_FILE_BYTES >> 20} MiB; nothing was graded"
        return sub
    text = raw.decode("utf-8", errors="replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in raw:
        sub.messages.append("the file is not valid UTF-8; undecodable bytes were replaced")
    if "\x00" in text:
        text = text.replace("\x00", "")
        sub.messages.append("the file contains NUL bytes; they were removed")
    if path.suffix.lower() == ".ipynb":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            sub.fatal = f"the notebook is not valid JSON ({str(exc)[:120]}); was it saved completely?"
            return sub
        try:
            cells = _notebook_cells(data, sub)
        except ValueError as exc:
            sub.fatal = str(exc)
            return sub
        if not cells:
            sub.fatal = "the notebook has no cells"
            return sub
        for index, cell in enumerate(cells, start=1):
            if cell.get("cell_type") != "code" or _is_instructor_test(cell):
                continue
            _add_code(sub, _cell_source(cell), f"cell {index}")
    else:
        _add_code(sub, text, path.name)
    if not sub.functions and sub.fatal is None:
        sub.messages.append("no graded function was found: define " + ", ".join(exercise.graded_functions)
                            + " at the top level of a code cell (or of the .py file)")
    sub.graded_uses = _graded_uses(sub)
    note = removed_aliases_note(sub)
    if note:
        sub.messages.append(note)
    return sub




def discover(paths: list[str | Path], course_files: frozenset[str] | None = None) -> list[tuple[Path, str]]:
    """Expand paths into (file, name) pairs: a file is itself; a folder gives every
    .ipynb/.py below it (hidden folders, checkpoints and the course's own modules
    skipped), named by its path relative to the folder. Names are unique: files
    given separately that share a name are named by the path as given."""
    if course_files is None:  # modules the courses ship beside the notebook: not submissions
        from .exercise import course_files as every_course_files

        course_files = every_course_files()
    found: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and f.suffix.lower() in SUFFIXES and f.name not in course_files and not any(
                        part.startswith(".") or part == "__pycache__" for part in rel.parts):
                    found.append((f, rel.as_posix()))
        else:
            found.append((p, p.name))
    names = [n for _, n in found]
    out, seen = [], set()
    for (f, name) in found:
        if names.count(name) > 1:
            name = f.as_posix()
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append((f, name))
    return out


# nbgrader keeps a student's files in <course>/submitted/<student>/<assignment>/ (and
# its autograded copy in autograded/<student>/<assignment>/).
NBGRADER_FOLDERS = ("submitted", "autograded")


def student_of(path: str | Path) -> str:
    """Whose submission this is: the <student> folder of nbgrader's
    submitted/<student>/<assignment>/<file> (or autograded/...), else the file's stem."""
    parts = Path(os.path.abspath(path)).parts
    for i in range(len(parts) - 4, -1, -1):  # the innermost such folder with student, assignment, file below
        if parts[i] in NBGRADER_FOLDERS:
            return parts[i + 1]
    return Path(path).stem
