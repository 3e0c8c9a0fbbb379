"""One-edit diagnosis of the cell functions: which single slip in the right lines gives these outputs?

Each cell function (rnn/lstm, forward/backward) is written here once more as
a short program of lines `name = expression`, the reference's equations. A
slip a student makes in one line is an *edit* of one node of one
expression: an operand replaced by another array of the same shape (dc_next
where dc belongs, a_prev where c_prev belongs), a term or a factor left out,
another activation (sigmoid for tanh, none), a product transposed or with
its operands swapped, another sum (a mean, axis 0, no keepdims), a sign
flipped, (1 - x)**2 for 1 - x**2. `edits(function)` enumerates them all
(a few hundred per function, a fixed number); `explain()` runs each edited
program on the hidden cases, once per case (memoised on the case), and
reports the edit whose outputs are exactly the submission's: the same
outputs wrong, each matching within the grader's tolerances on every case.

A hint shows the edited line beside the right one, so it names the slip
whatever code the student wrote around it. Everything runs in the trusted
grader, on the hidden inputs, never beside student code.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .reference import sigmoid, softmax

# ---------------------------------------------------------------- expressions
# An expression is a name (str: an input or an earlier line) or a tuple (op, *operands).

UNARY = {
    "tanh": np.tanh, "sigmoid": sigmoid, "softmax": softmax, "T": lambda x: x.T,
    "one_minus": lambda x: 1.0 - x, "sq": lambda x: x ** 2,
    "sum1k": lambda x: np.sum(x, axis=1, keepdims=True),
    "mean1k": lambda x: np.mean(x, axis=1, keepdims=True),
    "sum0k": lambda x: np.sum(x, axis=0, keepdims=True),
    "sum1": lambda x: np.sum(x, axis=1),
    "softmax1": lambda x: softmax(x.T).T, "neg": lambda x: -x, "one_plus": lambda x: 1.0 + x,
    "relu": lambda x: np.maximum(0, x), "exp": np.exp,
    "sumallk": lambda x: np.sum(x, keepdims=True), "sum0": lambda x: np.sum(x, axis=0),
}
BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "matmul": np.matmul,
          "concat": lambda a, b: np.concatenate([a, b], axis=0)}
ACTIVATION_SWAPS = {"tanh": ("sigmoid", None), "sigmoid": ("tanh", None),
                    "softmax": ("sigmoid", "softmax1", None)}
SUM_SWAPS = ("mean1k", "sum0k", "sum1")


def evaluate(expr, env: dict):
    if isinstance(expr, str):
        return env[expr]
    op, *args = expr
    if op == "cols":  # ("cols", W, "a" | "x"): the columns of W that meet a_prev or xt
        W, part = env[args[0]], args[1]
        n_a = env["a_prev"].shape[0]
        return W[:, :n_a] if part == "a" else W[:, n_a:]
    if op in UNARY:
        return UNARY[op](evaluate(args[0], env))
    return BINARY[op](evaluate(args[0], env), evaluate(args[1], env))


def show(expr, parent: str = "") -> str:
    """The expression as numpy code."""
    if isinstance(expr, str):
        return expr
    op, *args = expr
    if op == "cols":
        return f"{args[0]}[:, :n_a]" if args[1] == "a" else f"{args[0]}[:, n_a:]"
    if op == "T":
        inner = show(args[0], "T")
        return f"{inner}.T" if isinstance(args[0], str) or args[0][0] == "cols" else f"({inner}).T"
    if op in ("tanh", "sigmoid", "softmax"):
        return f"{'np.' if op == 'tanh' else ''}{op}({show(args[0])})"
    if op == "relu":
        return f"np.maximum(0, {show(args[0])})"
    if op == "exp":
        return f"np.exp({show(args[0])})"
    if op == "sumallk":
        return f"np.sum({show(args[0])}, keepdims=True)"
    if op == "sum0":
        return f"np.sum({show(args[0])}, axis=0)"
    if op == "softmax1":
        return f"softmax over axis 1 of ({show(args[0])})"
    if op in ("one_minus", "one_plus"):
        return f"(1 {'-' if op == 'one_minus' else '+'} {show(args[0], 'sub-right')})"
    if op == "sq":
        return f"{show(args[0], 'pow')}**2"
    if op == "neg":
        return f"-{show(args[0], 'mul')}"
    if op in ("sum1k", "mean1k", "sum0k", "sum1"):
        fn, axis, keep = {"sum1k": ("sum", 1, True), "mean1k": ("mean", 1, True),
                          "sum0k": ("sum", 0, True), "sum1": ("sum", 1, False)}[op]
        return f"np.{fn}({show(args[0])}, axis={axis}{', keepdims=True' if keep else ''})"
    if op == "concat":
        return f"[{show(args[0])}; {show(args[1])}]"
    a, b = args
    symbol = {"add": "+", "sub": "-", "mul": "*", "matmul": "@"}[op]
    text = f"{show(a, op)} {symbol} {show(b, op + '-right')}"
    tight = {"add": 1, "sub": 1, "mul": 2, "matmul": 2}
    outer = parent.split("-")[0]
    needs = (outer in ("mul", "matmul", "pow", "T") and tight[op] < 2) or (outer in ("pow", "T")) or \
        (parent in ("sub-right",) and op in ("add", "sub")) or (parent == "mul-right" and op in ("mul", "matmul") and op != "mul")
    return f"({text})" if needs else text


# ---------------------------------------------------------------- the four cell programs

_GATE_GRADS = {"f": "dft", "i": "dit", "c": "dcct", "o": "dot"}


def _gate_sum(part: str):
    """sum over the gates of W[:, cols].T @ dgate (part "a": the a_prev columns, "x": the xt columns)."""
    terms = [("matmul", ("T", ("cols", f"W{g}", part)), d) for g, d in _GATE_GRADS.items()]
    expr = terms[0]
    for t in terms[1:]:
        expr = ("add", expr, t)
    return expr


PROGRAMS = {
    "rnn_cell_forward": {
        "inputs": ("xt", "a_prev", "Wax", "Waa", "Wya", "ba", "by"),
        "lines": (
            ("a_next", ("tanh", ("add", ("add", ("matmul", "Waa", "a_prev"), ("matmul", "Wax", "xt")), "ba"))),
            ("yt_pred", ("softmax", ("add", ("matmul", "Wya", "a_next"), "by"))),
        ),
    },
    "lstm_cell_forward": {
        "inputs": ("xt", "a_prev", "c_prev", "Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"),
        "lines": (
            ("concat", ("concat", "a_prev", "xt")),
            ("ft", ("sigmoid", ("add", ("matmul", "Wf", "concat"), "bf"))),
            ("it", ("sigmoid", ("add", ("matmul", "Wi", "concat"), "bi"))),
            ("cct", ("tanh", ("add", ("matmul", "Wc", "concat"), "bc"))),
            ("c_next", ("add", ("mul", "ft", "c_prev"), ("mul", "it", "cct"))),
            ("ot", ("sigmoid", ("add", ("matmul", "Wo", "concat"), "bo"))),
            ("a_next", ("mul", "ot", ("tanh", "c_next"))),
            ("yt_pred", ("softmax", ("add", ("matmul", "Wy", "a_next"), "by"))),
        ),
    },
    "rnn_cell_backward": {
        "inputs": ("da_next", "a_next", "a_prev", "xt", "Wax", "Waa"),
        "lines": (
            ("dz", ("mul", ("one_minus", ("sq", "a_next")), "da_next")),
            ("dxt", ("matmul", ("T", "Wax"), "dz")),
            ("da_prev", ("matmul", ("T", "Waa"), "dz")),
            ("dWax", ("matmul", "dz", ("T", "xt"))),
            ("dWaa", ("matmul", "dz", ("T", "a_prev"))),
            ("dba", ("sum1k", "dz")),
        ),
    },
    "lstm_cell_backward": {
        "inputs": ("da_next", "dc_next", "a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt",
                   "Wf", "Wi", "Wc", "Wo"),
        "lines": (
            ("dc", ("add", "dc_next", ("mul", ("mul", "ot", ("one_minus", ("sq", ("tanh", "c_next")))), "da_next"))),
            ("dot", ("mul", ("mul", ("mul", "da_next", ("tanh", "c_next")), "ot"), ("one_minus", "ot"))),
            ("dcct", ("mul", ("mul", "dc", "it"), ("one_minus", ("sq", "cct")))),
            ("dit", ("mul", ("mul", ("mul", "dc", "cct"), "it"), ("one_minus", "it"))),
            ("dft", ("mul", ("mul", ("mul", "dc", "c_prev"), "ft"), ("one_minus", "ft"))),
            ("concat", ("concat", "a_prev", "xt")),
            *((f"dW{g}", ("matmul", d, ("T", "concat"))) for g, d in _GATE_GRADS.items()),
            *((f"db{g}", ("sum1k", d)) for g, d in _GATE_GRADS.items()),
            ("da_prev", _gate_sum("a")),
            ("dc_prev", ("mul", "dc", "ft")),
            ("dxt", _gate_sum("x")),
        ),
    },
}


# ---------------------------------------------------------------- running a program on a case

def environment(function: str, args: tuple) -> dict:
    """The inputs of the program, by name, from a call's arguments."""
    if function == "rnn_cell_forward":
        xt, a_prev, p = args
        return {"xt": xt, "a_prev": a_prev, **p}
    if function == "lstm_cell_forward":
        xt, a_prev, c_prev, p = args
        return {"xt": xt, "a_prev": a_prev, "c_prev": c_prev, **p}
    if function == "rnn_cell_backward":
        da_next, (a_next, a_prev, xt, p) = args
        return {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "xt": xt, **p}
    da_next, dc_next, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p) = args
    return {"da_next": da_next, "dc_next": dc_next, "a_next": a_next, "c_next": c_next, "a_prev": a_prev,
            "c_prev": c_prev, "ft": ft, "it": it, "cct": cct, "ot": ot, "xt": xt, **p}


def run(function: str, lines, args: tuple, start: int = 0, base: dict | None = None) -> dict:
    """The program's outputs, by output name / gradient key (a forward cell's cache included).
    With `base` (the right program's values on these args) only line `start` and the lines that
    depend on it are computed again."""
    if base is None:
        env = environment(function, args)
        for name, expr in lines:
            env[name] = evaluate(expr, env)
    else:
        env = dict(base)
        changed = set()
        for index, (name, expr) in enumerate(lines[start:], start):
            if index == start or _names(expr) & changed:
                env[name] = evaluate(expr, env)
                changed.add(name)
    if function == "rnn_cell_forward":
        xt, a_prev, p = args
        return {"a_next": env["a_next"], "yt_pred": env["yt_pred"], "cache": (env["a_next"], a_prev, xt, p)}
    if function == "lstm_cell_forward":
        xt, a_prev, c_prev, p = args
        cache = tuple(env[k] for k in ("a_next", "c_next")) + (a_prev, c_prev) + tuple(
            env[k] for k in ("ft", "it", "cct", "ot")) + (xt, p)
        return {"a_next": env["a_next"], "c_next": env["c_next"], "yt_pred": env["yt_pred"], "cache": cache}
    keys = ("dxt", "da_prev", "dWax", "dWaa", "dba") if function == "rnn_cell_backward" else (
        "dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
    return {k: env[k] for k in keys}


# ---------------------------------------------------------------- edits

@dataclass(frozen=True)
class Edit:
    line: int          # index of the edited line
    expr: object       # the line's new expression

    def describe(self, function: str) -> tuple[str, str, str]:
        name, right = PROGRAMS[function]["lines"][self.line]
        return name, show(self.expr), show(right)


def _replace(expr, path: tuple, new):
    if not path:
        return new
    op, *args = expr
    args[path[0]] = _replace(args[path[0]], path[1:], new)
    return (op, *args)


def _nodes(expr, path=()):
    yield path, expr
    if isinstance(expr, tuple) and expr[0] != "cols":
        for i, a in enumerate(expr[1:]):
            yield from _nodes(a, path + (i,))


def _is_sigmoid_derivative(node) -> bool:
    """x * (1 - x): the derivative of a sigmoid written from its output."""
    return (isinstance(node, tuple) and node[0] == "mul" and isinstance(node[2], tuple)
            and node[2][0] == "one_minus" and node[2][1] == node[1])


def _alternatives(node, pool: list[str]):
    """The one-slip alternatives of a node."""
    wrapped = [(w, node) for w in ("tanh", "sigmoid", "neg")]  # an activation or a sign too many
    if isinstance(node, str):
        return [other for other in pool if other != node] + wrapped
    op, *args = node
    out = list(wrapped) if op not in ("cols", "T") else []
    if op == "cols":
        out.append(("cols", args[0], "x" if args[1] == "a" else "a"))
        return out
    if op in ACTIVATION_SWAPS:
        out += [(alt, args[0]) if alt else args[0] for alt in ACTIVATION_SWAPS[op]]
    if op == "sum1k":
        out += [(alt, args[0]) for alt in SUM_SWAPS] + [args[0]]  # another sum, or none
    if op == "one_minus":
        out += [args[0], ("one_plus", args[0])]
        if isinstance(args[0], tuple) and args[0][0] == "sq":
            x = args[0][1]
            out.append(("sq", ("one_minus", x)))  # (1 - x)**2 for 1 - x**2
            out.append(("mul", x, ("one_minus", x)))  # the sigmoid's derivative for the tanh's
            if isinstance(x, tuple) and x[0] == "tanh":
                out.append(("one_minus", ("sq", x[1])))  # 1 - c**2 for 1 - tanh(c)**2
    if _is_sigmoid_derivative(node):
        x = args[0]
        out.append(("one_minus", ("sq", x)))  # the tanh's derivative for the sigmoid's
        out.append(("mul", ("sigmoid", x), ("one_minus", ("sigmoid", x))))  # sigmoid applied again
    if op == "sq":
        out.append(args[0])
    if op == "T":
        out.append(args[0])
    if op in ("add", "sub", "mul"):
        out += [args[0], args[1]]  # a term or a factor left out
        out += [(o, *args) for o in ("add", "sub", "mul") if o != op]
    if op == "matmul":
        a, b = args
        out += [("matmul", b, a), ("mul", a, b)]
        out += [("matmul", a[1] if isinstance(a, tuple) and a[0] == "T" else ("T", a), b),
                ("matmul", a, b[1] if isinstance(b, tuple) and b[0] == "T" else ("T", b))]
    if op == "concat":
        out.append(("concat", args[1], args[0]))
    return out


def edits(function: str, shapes: dict, values: dict | None = None) -> list[Edit]:
    """Every one-slip edit of the function's program; `shapes` maps each name to its shape on a case
    (operands are only replaced by names of the same shape: the hidden cases keep every size distinct).
    With `values` (every name's value on that case), a whole sub-expression may also be replaced by
    a name of its shape (dc where da_next * tanh(c_next) belongs)."""
    program = PROGRAMS[function]
    found, seen = [], set()
    defined = list(program["inputs"])
    for index, (name, expr) in enumerate(program["lines"]):
        for path, node in _nodes(expr):
            pool = [n for n in defined if isinstance(node, str) and shapes.get(n) == shapes.get(node)]
            alternatives = _alternatives(node, pool)
            if values is not None and isinstance(node, tuple) and node[0] not in ("cols", "T"):
                try:
                    shape = np.shape(evaluate(node, values))
                except (ValueError, IndexError, TypeError, KeyError):
                    shape = None
                alternatives += [n for n in defined if shape is not None and shapes.get(n) == shape
                                 and n not in _names(node)]
            for alt in alternatives:
                edit = Edit(index, _replace(expr, path, alt))
                if edit not in seen:
                    seen.add(edit)
                    found.append(edit)
        defined.append(name)
    # then the slips tried only when none of the above explains the outputs (see _further_alternatives)
    for index, (name, expr) in enumerate(program["lines"]):
        for path, node in _nodes(expr):
            parent = _at(expr, path[:-1]) if path else None
            upstream = [n for n in program["inputs"] if n.startswith("d") and isinstance(node, str)
                        and shapes.get(n) == shapes.get(node)]  # the incoming gradients of node's shape
            for alt in _further_alternatives(node, parent) + _summed_gradients(node, upstream):
                edit = Edit(index, _replace(expr, path, alt))
                if edit not in seen:
                    seen.add(edit)
                    found.append(edit)
    return found


def _at(expr, path: tuple):
    """The node of `expr` at `path` (as _nodes walks it)."""
    for i in path:
        expr = expr[1 + i]
    return expr


def _chain_of(expr, op: str) -> list:
    """The operands of a left-nested chain of `op` (a + b + c, a * b * c), in order."""
    if isinstance(expr, tuple) and expr[0] == op:
        return _chain_of(expr[1], op) + _chain_of(expr[2], op)
    return [expr]


def _chain(op: str, items: list):
    expr = items[0]
    for item in items[1:]:
        expr = (op, expr, item)
    return expr


FURTHER_ACTIVATIONS = {"tanh": ("relu", "exp"), "sigmoid": ("relu", "exp"), "softmax": ("exp",)}
FURTHER_SUMS = ("sumallk", "sum0")


def _further_alternatives(node, parent) -> list:
    """Slips tried after every slip of _alternatives (so a simpler explanation is named first):
    another activation (ReLU, np.exp: a softmax without its normalisation); a parenthesis that
    closes early or late, so that some terms of a sum move out of the activation
    (np.tanh(Waa @ a_prev) + Wax @ xt + ba); one or two factors of a product left out (a
    derivative ot * (1 - ot) forgotten); another reduction (a sum over every entry, over axis 0).
    """
    out = []
    if not isinstance(node, tuple):
        return out
    op = node[0]
    if op in FURTHER_ACTIVATIONS:
        out += [(alt, node[1]) for alt in FURTHER_ACTIVATIONS[op]]
        terms = _chain_of(node[1], "add")
        n = len(terms)
        for mask in range(1, 2 ** n - 1):  # the terms left inside the activation: a nonempty proper part
            inside = [t for i, t in enumerate(terms) if mask >> i & 1]
            outside = [t for i, t in enumerate(terms) if not mask >> i & 1]
            out.append(_chain("add", [(op, _chain("add", inside))] + outside))
            if mask & 1:  # the activation split over the two parts: f(A) + f(B + C)
                out.append(("add", (op, _chain("add", inside)), (op, _chain("add", outside))))
        if n > 2:  # the activation of each term: f(A) + f(B) + f(C)
            out.append(_chain("add", [(op, t) for t in terms]))
    if op == "mul" and not (isinstance(parent, tuple) and parent[0] == "mul"):
        factors = _chain_of(node, "mul")
        n = len(factors)
        for mask in range(1, 2 ** n - 1):  # the factors kept: all but one or two
            if n - bin(mask).count("1") <= 2:
                out.append(_chain("mul", [f for i, f in enumerate(factors) if mask >> i & 1]))
        for i in range(n - 1):  # a sigmoid's derivative x * (1 - x) inside a product, written another way
            x, y = factors[i], factors[i + 1]
            if y == ("one_minus", x):
                for pair in ([("sigmoid", x), ("one_minus", ("sigmoid", x))], [("one_minus", ("sq", x))]):
                    out.append(_chain("mul", factors[:i] + pair + factors[i + 2:]))
    if op in ("add", "sub") and isinstance(node[2], tuple) and node[2][0] == "mul":
        # a parenthesis around the wrong terms: (a * b + c) * d for a * b + c * d
        inner = _chain_of(node[2], "mul")
        out.append(_chain("mul", [(op, node[1], _chain("mul", inner[:-1]))] + inner[-1:]))
    if op in ("add", "sub") and isinstance(node[1], tuple) and node[1][0] == "mul":
        inner = _chain_of(node[1], "mul")  # a * (b + c * d) for a * b + c * d
        out.append(_chain("mul", inner[:1] + [(op, _chain("mul", inner[1:]), node[2])]))
    if op in ("add", "matmul") and parent is None:  # every transpose of the line left out
        stripped = _strip_transposes(node)
        if stripped != node and sum(1 for _, x in _nodes(node) if isinstance(x, tuple) and x[0] == "T") > 1:
            out.append(stripped)
    if op == "sum1k":
        out += [(alt, node[1]) for alt in FURTHER_SUMS]
    return out


def _strip_transposes(expr):
    if isinstance(expr, str) or expr[0] == "cols":
        return expr
    if expr[0] == "T":
        return _strip_transposes(expr[1])
    return (expr[0], *(_strip_transposes(a) for a in expr[1:]))


def _summed_gradients(node, upstream: list[str]) -> list:
    """An incoming gradient added where another belongs (da_next + dc_next for da_next), or the
    incoming gradients summed in place of an intermediate one (dc_next + da_next for dc)."""
    if not isinstance(node, str):
        return []
    if node in upstream:
        return [("add", node, other) for other in upstream if other != node]
    return [("add", a, b) for i, a in enumerate(upstream) for b in upstream[i + 1:]]


def _values(function: str, args: tuple) -> dict:
    env = environment(function, args)
    for name, expr in PROGRAMS[function]["lines"]:
        env[name] = evaluate(expr, env)
    return env


def _shapes(function: str, args: tuple) -> dict:
    return {k: np.shape(v) for k, v in _values(function, args).items() if isinstance(v, np.ndarray)}


def for_cases(function: str, cases) -> list[Edit]:
    """The edits of `function`, shapes taken from the case with the largest batch (all sizes distinct)."""
    general = max(cases, key=lambda c: c.shape.m)
    return edits(function, _shapes(function, general.args), _values(function, general.args))


# ---------------------------------------------------------------- explaining a submission

def _changed(problem, function, edit, case):
    """(outputs of the edited program on this case, the outputs it gets wrong), memoised on the case;
    None if the edited program cannot run (shapes that do not fit)."""
    from .compare import output_problem

    memo = case.variants.setdefault("edits", {})
    if edit not in memo:
        lines = list(PROGRAMS[function]["lines"])
        lines[edit.line] = (lines[edit.line][0], edit.expr)
        if "right" not in case.variants:
            env = environment(function, case.args)
            for name, expr in PROGRAMS[function]["lines"]:
                env[name] = evaluate(expr, env)
            case.variants["right"] = env
        try:
            with np.errstate(all="ignore"):
                outputs = run(function, lines, case.args, edit.line, case.variants["right"])
            changed = frozenset(k for k in problem.outputs
                                if output_problem(problem, k, outputs[k], case.expected[k]))
        except (ValueError, IndexError, TypeError, KeyError):
            changed = None
        memo[edit] = changed
    return memo[edit]


_EDITS: dict[str, list[Edit]] = {}

# the names a forward cell's cache holds (an edit of one of them changes the cache)
_CACHED = {"rnn_cell_forward": {"a_next"}, "lstm_cell_forward": {"a_next", "c_next", "ft", "it", "cct", "ot"}}


def _names(expr) -> set[str]:
    if isinstance(expr, str):
        return {expr}
    if expr[0] == "cols":
        return {expr[1]}
    return set().union(*(_names(a) for a in expr[1:]))


def reach(function: str) -> list[set[str]]:
    """For each line, the outputs that depend on it (an edit there can change only these)."""
    lines = PROGRAMS[function]["lines"]
    out = []
    for index, (name, _) in enumerate(lines):
        changed, outputs = {name}, set()
        for later, expr in lines[index + 1:]:
            if _names(expr) & changed:
                changed.add(later)
        outputs = {k for k in changed if k not in ("concat", "dz", "dc", "dft", "dit", "dcct", "dot",
                                                   "ft", "it", "cct", "ot")}
        if changed & _CACHED.get(function, set()):
            outputs.add("cache")
        out.append(outputs)
    return out


_REACH: dict[str, list[set[str]]] = {}


def explain(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """A hint naming the one-slip edit whose outputs are the submission's, or []."""
    from .compare import output_problem

    function = problem.name
    if function in LOOP_EDITS:
        return explain_loop(problem, cases, got, wrong)
    if function not in PROGRAMS:
        return []
    if function not in _EDITS:
        _EDITS[function] = for_cases(function, cases)
        _REACH[function] = reach(function)
    wrong = frozenset(wrong)
    for edit in _EDITS[function]:
        if not wrong <= _REACH[function][edit.line]:
            continue  # this line cannot change every wrong output
        changed = []
        for case in cases:  # lazily: most edits are ruled out by the first case
            c = _changed(problem, function, edit, case)
            if c is None or not c <= wrong:
                break
            changed.append(c)
        if len(changed) < len(cases) or frozenset().union(*changed) != wrong:
            continue
        lines = list(PROGRAMS[function]["lines"])
        lines[edit.line] = (lines[edit.line][0], edit.expr)
        matched = True
        for case, g in zip(cases, got):
            with np.errstate(all="ignore"):
                outputs = run(function, lines, case.args)
            if any(k not in g or output_problem(problem, k, g[k], outputs[k]) for k in wrong):
                matched = False
                break
        if matched:
            name, edited, right = edit.describe(function)
            outs = ", ".join(f"`{k}`" for k in problem.outputs if k in wrong)
            return [f"{outs} {'matches' if len(wrong) == 1 else 'match'} the line {name} = {edited}; "
                    f"the right line is {name} = {right}."]
    return []


# ---------------------------------------------------------------- the sequence functions' loops
# One slip in the loop of a sequence function: what a step's cell receives, what is carried to the
# next step, what is stored, which steps run. Each is a keyword of mistakes.py's sequence
# passes (which call the reference cells, as the grader's black box does), with what it means.

def _forward_loop_edits(lstm: bool):
    out = [
        ({"start": "zeros"}, "the hidden state starts at zeros", "a_next = a0 before the loop"),
        ({"start": "ones"}, "the hidden state starts at ones", "a_next = a0 before the loop"),
        ({"start": "tanh-a0"}, "the hidden state starts at tanh(a0)", "a_next = a0 before the loop"),
        ({"a_prev_transform": np.tanh}, "the carried state goes through tanh again before the cell",
         "a_prev is the previous step's a_next as it is"),
        ({"every_step_from_a0": True}, "every step receives a0 as a_prev", "a_prev is the previous step's a_next"),
        ({"a_prev_from": "zeros"}, "every step receives zeros as a_prev", "a_prev is the previous step's a_next"),
        ({"first_step": 1}, "the loop starts at t = 1", "for t in range(T_x)"),
        ({"last_step": -1}, "the loop stops before the last step", "for t in range(T_x)"),
        ({"input_step": "first"}, "every step reads x[:, :, 0]", "step t reads xt = x[:, :, t]"),
        ({"input_step": "previous"}, "step t reads x[:, :, t - 1]", "step t reads xt = x[:, :, t]"),
        ({"input_step": "reversed"}, "step t reads x[:, :, T_x - 1 - t]", "step t reads xt = x[:, :, t]"),
        ({"store_a": "a_prev"}, "a[:, :, t] stores the state the step started from", "a[:, :, t] = a_next"),
        ({"store_y": False}, "y is never stored", "y[:, :, t] = the step's prediction"),
        ({"y_transform": softmax}, "the prediction goes through softmax again", "y[:, :, t] = the step's prediction"),
        ({"y_transform": np.tanh}, "the prediction goes through tanh", "y[:, :, t] = the step's prediction"),
        ({"y_index": "previous"}, "the prediction is stored at t - 1", "y[:, :, t] = the step's prediction"),
    ]
    if lstm:
        out += [
            ({"c_start": "a0"}, "the cell state starts at a0", "c_next = zeros before the loop"),
            ({"c_start": "ones"}, "the cell state starts at ones", "c_next = zeros before the loop"),
            ({"carry_c": False}, "every step receives zeros as c_prev", "c_prev is the previous step's c_next"),
            ({"a_prev_from": "c_next"}, "a_prev is the previous step's c_next", "a_prev is the previous a_next"),
            ({"c_prev_from": "a_next"}, "c_prev is the previous step's a_next", "c_prev is the previous c_next"),
            ({"c_holds_a": True}, "c[:, :, t] stores a_next", "c[:, :, t] = c_next"),
            ({"store_c": "tanh"}, "c[:, :, t] stores tanh(c_next)", "c[:, :, t] = c_next"),
            ({"store_a": "c_next"}, "a[:, :, t] stores c_next", "a[:, :, t] = a_next"),
        ]
    # what the loop reads back from the arrays it fills, and stores dedented out of the loop
    out += [
        ({"state_from_arrays": ("a",)}, "step t reads its previous state as a[:, :, t - 1] (at t = 0 that is "
         "a[:, :, -1], the last slot: zeros, not a0)", "a_prev is a0 at t = 0, then the previous step's a_next"),
        ({"after_loop": ("caches",)}, "caches.append(cache) is after the loop (only the last step's cache is kept)",
         "caches.append(cache) belongs inside the loop, at every step"),
        ({"after_loop": ("a",)}, "a[:, :, t] = a_next is after the loop (only the last step is stored)",
         "a[:, :, t] = a_next belongs inside the loop, at every step"),
        ({"after_loop": ("y",)}, "the prediction is stored after the loop (only the last step's)",
         "y[:, :, t] = the step's prediction, inside the loop"),
        ({"start": "a-array"}, "the state starts as a[:, :, 0], a view of the zero array a (zeros at t = 0, "
         "then overwritten by the first step)", "a_next = a0 before the loop"),
        ({"state_from_arrays": ("a",), "state_offset": 0}, "step t reads its previous state as a[:, :, t] "
         "(the slot the step is about to fill: zeros)", "a_prev is a0 at t = 0, then the previous step's a_next"),
    ]
    if lstm:
        out += [
            ({"state_from_arrays": ("c",)}, "step t reads c_prev as c[:, :, t - 1] (at t = 0 that is c[:, :, -1], "
             "the last slot, which the last step overwrites: step 0's cache keeps that view)",
             "c_prev is zeros at t = 0, then the previous step's c_next"),
            ({"state_from_arrays": ("a", "c")}, "step t reads its previous states as a[:, :, t - 1] and "
             "c[:, :, t - 1] (at t = 0 that is the last slot: zeros, not a0)",
             "a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next"),
            ({"after_loop": ("c",)}, "c[:, :, t] = c_next is after the loop (only the last step is stored)",
             "c[:, :, t] = c_next belongs inside the loop, at every step"),
            ({"state_from_arrays": ("a", "c"), "state_offset": 0}, "step t reads its previous states as "
             "a[:, :, t] and c[:, :, t] (the slots the step is about to fill: zeros)",
             "a_prev is a0 at t = 0, then the previous step's a_next; c_prev is zeros, then the previous c_next"),
        ]
    return out


def _backward_loop_edits(lstm: bool):
    keys = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo") if lstm else ("dWax", "dWaa", "dba")
    right_call = "the cell gets da[:, :, t] + da_prevt" + (", dc_prevt" if lstm else "")
    out = [
        ({"upstream": False}, "the cell gets only the carried da_prev", right_call),
        ({"propagate_a": False}, "the cell gets only da[:, :, t]", right_call),
        ({"sign": -1.0}, "the cell gets da[:, :, t] - da_prevt", right_call),
        ({"carry": "accumulated"}, "da_prevt is summed over the steps (+=)", "da_prevt = the step's da_prev"),
        ({"carry": "plus-upstream"}, "da_prevt also holds da[:, :, t]", "da_prevt = the step's da_prev"),
        ({"cache_index": "reversed"}, "step t uses the cache of step T_x - 1 - t", "step t uses caches[t]"),
        ({"cache_index": "last"}, "every step uses the last cache", "step t uses caches[t]"),
        ({"cache_index": "previous"}, "step t uses the cache of step t - 1", "step t uses caches[t]"),
        ({"reverse": False}, "time runs forwards", "for t in reversed(range(T_x))"),
        ({"last_step": 1}, "the loop stops before t = 0", "for t in reversed(range(T_x))"),
        ({"skip_last": True}, "the loop starts below T_x - 1", "for t in reversed(range(T_x))"),
        ({"dx_slot": "reversed"}, "dxt is stored at dx[:, :, T_x - 1 - t]", "dx[:, :, t] = dxt"),
        ({"accumulate": False}, "the weight gradients are overwritten (=)", "they are summed over the steps (+=)"),
        ({"da_init": "upstream-last"}, "da_prevt starts at da[:, :, T_x - 1]", "da_prevt starts at zeros"),
    ]
    for k in keys:
        out += [({"overwritten": (k,)}, f"{k} is overwritten (=)", f"{k} += the step's {k}"),
                ({"subtracted": (k,)}, f"{k} is decreased (-=)", f"{k} += the step's {k}"),
                ({"transposed": (k,)}, f"{k} adds the step's gradient transposed", f"{k} += the step's {k}"),
                ({"averaged": (k,)}, f"{k} adds the step's gradient divided by T_x", f"{k} += the step's {k}")]
    if lstm:
        out += [
            ({"propagate_c": False}, "the cell gets zeros as dc_next", "dc_next is the previous dc_prev"),
            ({"states_swapped": True}, "da_prev and dc_prev are swapped in the call", right_call),
            ({"dc_carry": "accumulated"}, "dc_prevt is summed over the steps (+=)", "dc_prevt = the step's dc_prev"),
            ({"dc_plus_upstream": True}, "dc_next also gets da[:, :, t]", right_call),
            ({"da_plus_dc": True}, "da_next also gets dc_prevt", right_call),
            ({"da0_from": "dc_prev"}, "da0 is the last dc_prev", "da0 is the last da_prev"),
            ({"da0_from": "da_prev+dc_prev"}, "da0 is the last da_prev + dc_prev", "da0 is the last da_prev"),
            ({"dc_times_ft": True}, "dc_next is multiplied by the step's ft", "dc_next is the previous dc_prev (it already holds ft)"),
        ]
    out.append(({"dx_slot": "after-loop"}, "dx[:, :, t] = dxt is after the loop (only step 0's dxt is stored)",
                "dx[:, :, t] = dxt belongs inside the loop, at every step"))
    out.append(({"da0_from": "dxt"}, "da0 is the last step's dxt", "da0 is the last da_prev"))
    if lstm:
        out.append(({"dc_carry": "plus-upstream"}, "dc_prevt also holds da[:, :, t]", "dc_prevt = the step's dc_prev"))
    return out


LOOP_EDITS = {
    "rnn_forward": _forward_loop_edits(False), "lstm_forward": _forward_loop_edits(True),
    "rnn_backward": _backward_loop_edits(False), "lstm_backward": _backward_loop_edits(True),
}


def _loop_outputs(problem, knobs, case):
    from . import mistakes

    model = problem.model
    if problem.direction == "forward":
        result = mistakes._sequence_forward(*case.args, model=model, **knobs)
        return dict(zip(problem.outputs, result))
    return mistakes._sequence_backward(*case.args, model=model, **knobs)


def explain_loop(problem, cases, got: list[dict], wrong: set[str]) -> list[str]:
    """A hint naming the one loop slip whose outputs are the submission's, or []."""
    from .compare import output_problem

    for index, (knobs, slip, right) in enumerate(LOOP_EDITS.get(problem.name, ())):
        changed = []
        for case in cases:
            memo = case.variants.setdefault("loop-edits", {})
            if index not in memo:
                try:
                    with np.errstate(all="ignore"):
                        outputs = _loop_outputs(problem, knobs, case)
                    memo[index] = frozenset(k for k in problem.outputs
                                            if output_problem(problem, k, outputs[k], case.expected[k]))
                except (ValueError, IndexError, TypeError, KeyError):
                    memo[index] = None
            changed.append(memo[index])
        if any(c is None for c in changed) or frozenset().union(*changed) != frozenset(wrong):
            continue
        matched = True
        for case, g in zip(cases, got):
            with np.errstate(all="ignore"):
                outputs = _loop_outputs(problem, knobs, case)
            if any(k not in g or output_problem(problem, k, g[k], outputs[k]) for k in wrong):
                matched = False
                break
        if matched:
            outs = ", ".join(f"`{k}`" for k in problem.outputs if k in wrong)
            return [f"{outs} {'matches' if len(wrong) == 1 else 'match'} a loop in which {slip}: {right}."]
    return []
