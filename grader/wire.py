"""The wire format between the grader and its worker: plain data only.

A frame is a small JSON header plus raw array bytes:

    [u32 header length][u64 payload length][header JSON][payload]

The header's "arrays" lists each array's dtype and shape, in payload order.
Values travel as a tree of one-key JSON objects ({"array": i}, {"tuple": [...]},
{"dict": [[key, value], ...]}, {"float": x}, ...). Anything else a submission
returns becomes {"other": "<type name>"}: a name, never the object.

Three kinds of node stand for values the receiver already holds, so they do
not travel twice: {"arg": i}, the i-th argument of the black-box call being
answered (grader -> worker); {"input": i}, the i-th array of the call request,
and {"input_tree": j}, its j-th tuple, list or dict (numbered by `containers`),
each still exactly as the grader sent it (worker -> grader: the parameters and
caches that the student's code passes along unchanged; see `Given`).

Decoding never unpickles and never evaluates: dtypes come from a whitelist,
arrays are rebuilt with numpy.frombuffer and copied into plain ndarrays, and
sizes and nesting depth are bounded. This module is loaded by both sides (the
worker imports it inside the sandbox), so it imports nothing from the grader.
"""
from __future__ import annotations

import json
import math
import os
import struct

import numpy as np

PREFIX = struct.Struct("<IQ")
MAX_HEADER = 8 << 20  # bytes of JSON (grader -> worker: a submission's source travels in one)
MAX_PAYLOAD = 256 << 20  # bytes of array data
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_TEXT = 2_000  # characters kept of any string
# What the grader accepts from a worker (hostile), whatever the worker sends. A
# JSON header parses into at most ~25x its size in Python objects, so 256 KiB
# cost at most ~7 MiB (a correct submission's largest reply header is ~4 KiB).
# Array bytes are bounded per call by the grader (see api.Grader.reply_limit),
# REPLY_PAYLOAD otherwise.
REPLY_HEADER = 256 << 10
REPLY_PAYLOAD = 1 << 20
REPLY_ARRAYS = 10_000
# Files, folders and links a graded function may have in each writable folder of the
# sandbox: tmpfs's --size counts their bytes, not their inodes (about 1 KB of kernel
# memory each, 100,000 a second). Beyond it the zygote kills the function's process
# and reports FILES_EXIT as its exit status.
MAX_FILES = 10_000
FILES_EXIT = 240
# Memory a graded function's processes may hold in all (resident, not shared with the
# zygote's files): the per-process address-space limit (RLIMIT_AS) alone would let its
# 32 processes hold 32 times that. The zygote sums their resident memory every 50 ms
# while the function runs; beyond the limit (the worker's --memory) it kills them all and
# reports MEMORY_EXIT as the exit status.
MEMORY_EXIT = 241
ALLOWED_DTYPES = frozenset(
    np.dtype(t).str for t in
    ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128")
)


DTYPES = {name: np.dtype(name) for name in ALLOWED_DTYPES}


class WireError(Exception):
    """A frame or value that does not follow the format."""


class Opaque:
    """Stands for a value the worker could not send as data (its type name only)."""

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:100]

    def __repr__(self) -> str:
        return f"<{self.type_name}>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.type_name == self.type_name

    __hash__ = None


# ---------------------------------------------------------------- encoding (either side)

def encode(value, refs: dict[int, int] | None = None,
           given: Given | None = None) -> tuple[object, list[np.ndarray]]:
    """Turn a value into (tree, arrays). Never raises: odd values become Opaque.

    `refs` maps id(object) -> i for objects the receiver already holds (the
    arguments of a black-box call): they travel as {"arg": i}. Arrays and
    containers of `given` (a call request) that are still unchanged travel as
    {"input": i} / {"input_tree": j}."""
    arrays: list[np.ndarray] = []
    count = [0]
    checked: dict[int, bool] = {}  # given.unchanged's verdicts during this encoding

    def enc(v, depth):
        count[0] += 1
        if refs and id(v) in refs:
            return {"arg": refs[id(v)]}
        if given is not None:
            node = given.reference(v, checked)
            if node is not None:
                return node
        if depth > MAX_DEPTH or count[0] > MAX_NODES:
            return {"other": "structure too deep or too large"}
        try:
            if v is None:
                return {"none": 1}
            if isinstance(v, bool):
                return {"bool": bool(v)}
            if isinstance(v, np.ndarray):
                return enc_array(v, "array")
            if isinstance(v, np.generic):
                return enc_array(np.asarray(v), "scalar")
            if isinstance(v, int):
                return {"int": int(v)} if abs(int(v)) < 2 ** 63 else {"other": "int"}
            if isinstance(v, float):
                return {"float": float(v)}
            if isinstance(v, str):
                return {"str": str(v)[:MAX_TEXT]}
            if isinstance(v, (tuple, list)):
                kind = "tuple" if isinstance(v, tuple) else "list"
                return {kind: [enc(x, depth + 1) for x in list(v)]}
            if isinstance(v, dict):
                items = []
                for k, x in list(v.items()):
                    key = str(k)[:MAX_TEXT] if isinstance(k, str) else f"<{type(k).__name__} key>"
                    items.append([key, enc(x, depth + 1)])
                return {"dict": items}
        except Exception:  # a hostile __len__, __iter__, items() ...
            pass
        return {"other": type(v).__name__}

    seen: dict[int, int] = {}  # id of an array already sent -> its index (caches repeat parameters)
    keep = []  # keeps those arrays alive, so their ids stay unique

    def enc_array(v, kind):
        if kind == "array" and id(v) in seen:
            return {kind: seen[id(v)]}
        keep.append(v)
        # a plain ndarray (never a subclass with its own methods); pack() copies its bytes
        a = np.ndarray.view(v, np.ndarray) if isinstance(v, np.ndarray) else np.asarray(v)
        if type(a) is not np.ndarray or a.dtype.str not in ALLOWED_DTYPES:
            return {"other": f"ndarray of dtype {a.dtype}"}
        arrays.append(a)
        seen[id(v)] = len(arrays) - 1
        return {kind: len(arrays) - 1}

    return enc(value, 0), arrays


def containers(values) -> list:
    """The tuples, lists and dicts in values, in pre-order: how both sides number
    a request's containers for {"input_tree": j}."""
    out = []

    def walk(v):
        if type(v) in (tuple, list, dict):
            out.append(v)
            for x in (v.values() if type(v) is dict else v):
                walk(x)

    for v in values:
        walk(v)
    return out


class Given:
    """A call request's values as the worker hands them to the student's code.

    `encode` sends what is still exactly as received as a reference: an array
    whose dtype, shape and bytes equal a pristine copy; a container of the
    same type, keys and order whose items are the very same, unchanged objects.
    """

    def __init__(self, arrays: list[np.ndarray], values: list, pristine: list[np.ndarray] | None = None):
        """`arrays` as handed out (and decoded into `values`); `pristine`: copies of
        them nobody can write to (made here if not given)."""
        pristine = pristine if pristine is not None else [a.copy() for a in arrays]
        self.arrays = {id(a): (i, a, p.dtype, p.shape, p.tobytes())
                       for i, (a, p) in enumerate(zip(arrays, pristine))}
        self.trees = {id(c): (j, c, self._members(c)) for j, c in enumerate(containers(values))}

    @staticmethod
    def _members(c) -> list:
        """A container's items, keys included: [k1, v1, k2, v2, ...] for a dict."""
        return [x for item in c.items() for x in item] if type(c) is dict else list(c)

    def reference(self, v, checked: dict) -> dict | None:
        """{"input": i} or {"input_tree": j} if v is given and unchanged, else None."""
        key = id(v)
        if key not in self.arrays and key not in self.trees:
            return None
        try:
            if not self.unchanged(v, checked):
                return None
        except Exception:  # noqa: BLE001 - whatever went wrong, the value is sent as data
            return None
        return {"input": self.arrays[key][0]} if key in self.arrays else {"input_tree": self.trees[key][0]}

    def unchanged(self, v, checked: dict) -> bool:
        key = id(v)
        if key in checked:
            return checked[key]
        checked[key] = False  # a container that holds itself is not "unchanged"
        ok = False
        if key in self.arrays:
            _, original, dtype, shape, data = self.arrays[key]
            ok = (original is v and type(v) is np.ndarray and v.dtype == dtype and v.shape == shape
                  and v.tobytes() == data)
        elif key in self.trees:
            _, original, members = self.trees[key]
            now = self._members(v) if original is v else []
            # the very same members (identity: never ==, which could run the student's code), unchanged
            ok = original is v and len(now) == len(members) and all(
                x is x0 and (type(x) not in (np.ndarray, tuple, list, dict) or self.unchanged(x, checked))
                for x, x0 in zip(now, members))
        checked[key] = ok
        return ok


def pack(header: dict, arrays: list[np.ndarray] = ()) -> bytes:
    header = dict(header, arrays=[{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays])
    head = json.dumps(header, allow_nan=True).encode()
    payload = b"".join(a.tobytes() for a in arrays)
    return PREFIX.pack(len(head), len(payload)) + head + payload


def send(fd: int, header: dict, arrays: list[np.ndarray] = ()) -> None:
    view = memoryview(pack(header, arrays))
    while view:
        view = view[os.write(fd, view):]


# ---------------------------------------------------------------- decoding (trusted side)

def frame_size(buffer: bytes, max_header: int = MAX_HEADER, max_payload: int = MAX_PAYLOAD) -> int | None:
    """Total size of the first frame in buffer, or None if the prefix is incomplete.

    Raises WireError as soon as the prefix announces more than the limits (the
    rest of the frame is never read)."""
    if len(buffer) < PREFIX.size:
        return None
    head_len, payload_len = PREFIX.unpack_from(buffer)
    if head_len > max_header:
        raise WireError(f"a frame with {head_len} bytes of JSON, more than the {max_header} allowed "
                        f"(return numpy arrays, not long lists of numbers)")
    if payload_len > max_payload:
        raise WireError(f"a frame with {payload_len} bytes of arrays, more than the {max_payload} allowed "
                        f"here (a few times the size of the expected outputs)")
    return PREFIX.size + head_len + payload_len


def unpack(frame: bytes, writable: bool = False, max_arrays: int | None = None) -> tuple[dict, list[np.ndarray]]:
    """Parse one complete frame into (header, arrays); raise WireError if malformed.

    Arrays are read-only views of the frame unless `writable` (then copies).
    JSON nested too deeply for the parser, or more than `max_arrays` arrays,
    are WireErrors too."""
    head_len, payload_len = PREFIX.unpack_from(frame)
    try:
        header = json.loads(frame[PREFIX.size:PREFIX.size + head_len])
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"header is not JSON: {str(exc)[:200]}") from None
    except RecursionError:
        raise WireError("header nested too deeply") from None
    if not isinstance(header, dict) or not isinstance(header.get("arrays"), list):
        raise WireError("header is not an object with an 'arrays' list")
    if max_arrays is not None and len(header["arrays"]) > max_arrays:
        raise WireError(f"{len(header['arrays'])} arrays, more than the {max_arrays} allowed")
    payload = memoryview(frame)[PREFIX.size + head_len:]
    arrays, offset = [], 0
    for spec in header["arrays"]:
        try:
            dtype = DTYPES[spec["dtype"]]
            shape = tuple(spec["shape"])
        except (KeyError, TypeError):
            raise WireError("array of a dtype that is not allowed, or without a shape") from None
        if type(spec["shape"]) is not list or len(shape) > 32 or not all(
                type(n) is int and 0 <= n < 2 ** 40 for n in shape):
            raise WireError("array with an invalid shape")
        size = dtype.itemsize * math.prod(shape)
        if offset + size > len(payload):
            raise WireError("array data shorter than announced")
        try:  # sizes each within bounds whose product is 0 can still be more than numpy can index
            array = np.frombuffer(payload, dtype=dtype, count=size // dtype.itemsize, offset=offset).reshape(shape)
        except ValueError:
            raise WireError("array with an invalid shape") from None
        arrays.append(array.copy() if writable else array)
        offset += size
    if offset != len(payload):
        raise WireError("array data longer than announced")
    return header, arrays


def decode(tree, arrays: list[np.ndarray], args: list | None = None,
           request: tuple[list, list] | None = None):
    """Rebuild a value from (tree, arrays): ndarrays, tuples, lists, dicts, numbers, Opaque.

    {"arg": i} stands for args[i]; only a worker, decoding the answer to its own
    black-box call, passes `args`: the grader never accepts those. {"input": i}
    and {"input_tree": j} stand for request[0][i] and request[1][j], the arrays
    and containers of the grader's own call request (shared: read them only)."""
    count = [0]

    def dec(node, depth):
        count[0] += 1
        if depth > MAX_DEPTH + 1 or count[0] > MAX_NODES + 1:
            raise WireError("value nested too deeply")
        if not isinstance(node, dict) or len(node) != 1:
            raise WireError("malformed value")
        (kind, x), = node.items()
        if kind in ("array", "scalar"):
            if type(x) is not int or not 0 <= x < len(arrays):
                raise WireError("bad array reference")
            return arrays[x] if kind == "array" else arrays[x][()]
        if kind == "none":
            return None
        if kind == "bool" and type(x) is bool:
            return x
        if kind == "int" and type(x) is int:
            return x
        if kind == "float" and type(x) in (int, float):
            return float(x)
        if kind == "str" and type(x) is str:
            return x
        if kind in ("tuple", "list") and type(x) is list:
            items = [dec(v, depth + 1) for v in x]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict" and type(x) is list:
            out = {}
            for pair in x:
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                    raise WireError("malformed dict item")
                out[pair[0]] = dec(pair[1], depth + 1)
            return out
        if kind == "arg" and args is not None and type(x) is int and 0 <= x < len(args):
            return args[x]
        if kind == "input" and request is not None and type(x) is int and 0 <= x < len(request[0]):
            return request[0][x]
        if kind == "input_tree" and request is not None and type(x) is int and 0 <= x < len(request[1]):
            return request[1][x]
        if kind == "other" and type(x) is str:
            return Opaque(x)
        raise WireError(f"unknown value kind {kind!r}")

    return dec(tree, 0)
