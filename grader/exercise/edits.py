"""One-slip edit diagnosis, for any exercise: which single slip in the right lines gives these outputs?

An exercise writes a function it grades as a `Program`: short lines
`name = expression`, the reference's equations, over the call's inputs. A slip
a student makes in one line is an *edit* of one node of one expression: an
operand replaced by another array of the same shape, a term or a factor left
out, another activation (sigmoid for tanh, none), a product transposed or with
its operands swapped, another sum (a mean, axis 0, no keepdims), a sign
flipped, (1 - x)**2 for 1 - x**2. `edits(program, ...)` enumerates them all (a
few hundred per function, a fixed number); `explain()` runs each edited
program on the hidden cases, once per case (memoised on the case), and reports
the edit whose outputs are exactly the submission's: the same outputs wrong,
each matching within the exercise's comparison on every case.

For a function with a loop (a sequence over time), the exercise lists its
loop slips instead, each with the outputs it gives (`explain_loop`).

A hint shows the edited line beside the right one, so it names the slip
whatever code the student wrote around it. Everything runs in the trusted
grader, on the hidden inputs, never beside student code.

Expressions: a name (str: an input or an earlier line) or a tuple (op, *operands),
with the ops of UNARY and BINARY, and `cols(W, part, by, size)`: the first
`size` columns of W (part "first") or the others ("rest"), where `size` is
the number of rows of the array named `by` (its name shown in the code).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


def sigmoid(x):
    """Logistic function, elementwise, without overflow."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(x):
    """Softmax over axis 0 (each column sums to 1)."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


# ---------------------------------------------------------------- expressions

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
ERRORS = (ValueError, IndexError, TypeError, KeyError)  # what an edited program that cannot run raises


def cols(W: str, part: str, by: str, size: str):
    """W[:, :size] (part "first") or W[:, size:] ("rest"), size = the rows of `by`."""
    return ("cols", W, part, by, size)


def evaluate(expr, env: Mapping):
    if isinstance(expr, str):
        return env[expr]
    op, *args = expr
    if op == "cols":
        W, part, by = env[args[0]], args[1], args[2]
        n = env[by].shape[0]
        return W[:, :n] if part == "first" else W[:, n:]
    if op in UNARY:
        return UNARY[op](evaluate(args[0], env))
    return BINARY[op](evaluate(args[0], env), evaluate(args[1], env))


def show(expr, parent: str = "") -> str:
    """The expression as numpy code."""
    if isinstance(expr, str):
        return expr
    op, *args = expr
    if op == "cols":
        return f"{args[0]}[:, :{args[3]}]" if args[1] == "first" else f"{args[0]}[:, {args[3]}:]"
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
        text = f"-{show(args[0], 'mul')}"
        return f"({text})" if parent == "pow" else text
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


def names(expr) -> set[str]:
    """The names an expression reads."""
    if isinstance(expr, str):
        return {expr}
    if expr[0] == "cols":
        return {expr[1]}
    return set().union(*(names(a) for a in expr[1:]))


def chain(op: str, items: list):
    """items[0] op items[1] op ...: a left-nested chain."""
    expr = items[0]
    for item in items[1:]:
        expr = (op, expr, item)
    return expr


# ---------------------------------------------------------------- programs

@dataclass(frozen=True, eq=False)
class Program:
    """A graded function as lines `name = expression` (the reference's equations).

    inputs: the names the lines may read, besides earlier lines (operands an edit may swap in);
    environment(args): those inputs by name, from a call's arguments;
    outputs(env, args): the function's outputs (by output name / gradient key) from the lines' values;
    holds: output -> the line names it holds (an edit of a line changes the outputs holding it
           or a later line that reads it);
    upstream: the incoming gradients among the inputs (one may be added where another belongs).
    """

    inputs: tuple[str, ...]
    lines: tuple
    environment: Callable[[tuple], dict]
    outputs: Callable[[dict, tuple], dict]
    holds: Mapping[str, frozenset]
    upstream: tuple[str, ...] = ()
    _memo: dict = field(default_factory=dict, repr=False)

    def values(self, args: tuple, lines=None) -> dict:
        """Every input's and line's value on these arguments."""
        env = self.environment(args)
        for name, expr in (self.lines if lines is None else lines):
            env[name] = evaluate(expr, env)
        return env

    def shapes(self, args: tuple) -> dict:
        return {k: np.shape(v) for k, v in self.values(args).items() if isinstance(v, np.ndarray)}

    def run(self, lines, args: tuple, start: int = 0, base: dict | None = None) -> dict:
        """The outputs of the program with these lines. With `base` (the right program's values on
        these args) only line `start` and the lines that depend on it are computed again."""
        if base is None:
            env = self.values(args, lines)
        else:
            env = dict(base)
            changed = set()
            for index, (name, expr) in enumerate(lines[start:], start):
                if index == start or names(expr) & changed:
                    env[name] = evaluate(expr, env)
                    changed.add(name)
        return self.outputs(env, args)

    def reach(self) -> list[set[str]]:
        """For each line, the outputs that depend on it (an edit there can change only these)."""
        out = []
        for index, (name, _) in enumerate(self.lines):
            changed = {name}
            for later, expr in self.lines[index + 1:]:
                if names(expr) & changed:
                    changed.add(later)
            out.append({k for k, held in self.holds.items() if changed & set(held)})
        return out


# ---------------------------------------------------------------- edits

@dataclass(frozen=True)
class Edit:
    line: int          # index of the edited line
    expr: object       # the line's new expression
    name: str = field(default="", compare=False)       # the line's name
    right: object = field(default=None, compare=False)  # the line's right expression

    def describe(self, *_) -> tuple[str, str, str]:
        """(the line's name, the edited expression, the right one), as code."""
        return self.name, show(self.expr), show(self.right)


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


def _at(expr, path: tuple):
    """The node of `expr` at `path` (as _nodes walks it)."""
    for i in path:
        expr = expr[1 + i]
    return expr


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
        out.append(("cols", args[0], "rest" if args[1] == "first" else "first", *args[2:]))
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


def edits(program: Program, shapes: dict, values: dict | None = None) -> list[Edit]:
    """Every one-slip edit of the program; `shapes` maps each name to its shape on a case
    (operands are only replaced by names of the same shape: the hidden cases keep every size distinct).
    With `values` (every name's value on that case), a whole sub-expression may also be replaced by
    a name of its shape (an intermediate gradient where the product that makes it belongs)."""
    found, seen = [], set()

    def add(index, expr, path, alt):
        name, right = program.lines[index]
        edit = Edit(index, _replace(expr, path, alt), name, right)
        if edit not in seen:
            seen.add(edit)
            found.append(edit)

    defined = list(program.inputs)
    for index, (name, expr) in enumerate(program.lines):
        for path, node in _nodes(expr):
            pool = [n for n in defined if isinstance(node, str) and shapes.get(n) == shapes.get(node)]
            alternatives = _alternatives(node, pool)
            if values is not None and isinstance(node, tuple) and node[0] not in ("cols", "T"):
                try:
                    shape = np.shape(evaluate(node, values))
                except ERRORS:
                    shape = None
                alternatives += [n for n in defined if shape is not None and shapes.get(n) == shape
                                 and n not in names(node)]
            for alt in alternatives:
                add(index, expr, path, alt)
        defined.append(name)
    # then the slips tried only when none of the above explains the outputs (see _further_alternatives)
    for index, (name, expr) in enumerate(program.lines):
        for path, node in _nodes(expr):
            parent = _at(expr, path[:-1]) if path else None
            upstream = [n for n in program.upstream if isinstance(node, str)
                        and shapes.get(n) == shapes.get(node)]  # the incoming gradients of node's shape
            for alt in _further_alternatives(node, parent) + _summed_gradients(node, upstream):
                add(index, expr, path, alt)
    return found


def _chain_of(expr, op: str) -> list:
    """The operands of a left-nested chain of `op` (a + b + c, a * b * c), in order."""
    if isinstance(expr, tuple) and expr[0] == op:
        return _chain_of(expr[1], op) + _chain_of(expr[2], op)
    return [expr]


FURTHER_ACTIVATIONS = {"tanh": ("relu", "exp"), "sigmoid": ("relu", "exp"), "softmax": ("exp",)}
FURTHER_SUMS = ("sumallk", "sum0")


def _further_alternatives(node, parent) -> list:
    """Slips tried after every slip of _alternatives (so a simpler explanation is named first):
    another activation (ReLU, np.exp: a softmax without its normalisation); a parenthesis that
    closes early or late, so that some terms of a sum move out of the activation
    (np.tanh(W @ a) + V @ x + b); one or two factors of a product left out (a sigmoid's
    derivative s * (1 - s) forgotten); another reduction (a sum over every entry, over axis 0).
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
            out.append(chain("add", [(op, chain("add", inside))] + outside))
            if mask & 1:  # the activation split over the two parts: f(A) + f(B + C)
                out.append(("add", (op, chain("add", inside)), (op, chain("add", outside))))
        if n > 2:  # the activation of each term: f(A) + f(B) + f(C)
            out.append(chain("add", [(op, t) for t in terms]))
    if op == "mul" and not (isinstance(parent, tuple) and parent[0] == "mul"):
        factors = _chain_of(node, "mul")
        n = len(factors)
        for mask in range(1, 2 ** n - 1):  # the factors kept: all but one or two
            if n - bin(mask).count("1") <= 2:
                out.append(chain("mul", [f for i, f in enumerate(factors) if mask >> i & 1]))
        for i in range(n - 1):  # a sigmoid's derivative x * (1 - x) inside a product, written another way
            x, y = factors[i], factors[i + 1]
            if y == ("one_minus", x):
                for pair in ([("sigmoid", x), ("one_minus", ("sigmoid", x))], [("one_minus", ("sq", x))]):
                    out.append(chain("mul", factors[:i] + pair + factors[i + 2:]))
    if op in ("add", "sub") and isinstance(node[2], tuple) and node[2][0] == "mul":
        # a parenthesis around the wrong terms: (a * b + c) * d for a * b + c * d
        inner = _chain_of(node[2], "mul")
        out.append(chain("mul", [(op, node[1], chain("mul", inner[:-1]))] + inner[-1:]))
    if op in ("add", "sub") and isinstance(node[1], tuple) and node[1][0] == "mul":
        inner = _chain_of(node[1], "mul")  # a * (b + c * d) for a * b + c * d
        out.append(chain("mul", inner[:1] + [(op, chain("mul", inner[1:]), node[2])]))
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
    """An incoming gradient added where another belongs (dy + dz for dy), or the incoming
    gradients summed in place of an intermediate one."""
    if not isinstance(node, str):
        return []
    if node in upstream:
        return [("add", node, other) for other in upstream if other != node]
    return [("add", a, b) for i, a in enumerate(upstream) for b in upstream[i + 1:]]


def for_case(program: Program, case) -> list[Edit]:
    """The edits of `program`, shapes taken from this case (one whose sizes are all distinct)."""
    return edits(program, program.shapes(case.args), program.values(case.args))


# ---------------------------------------------------------------- explaining a submission

def _compare(problem, key, got, want):
    from ..checks import output_problem

    return output_problem(problem, key, got, want)


def _changed(problem, program: Program, edit: Edit, case):
    """The outputs the edited program gets wrong on this case, memoised on the case;
    None if the edited program cannot run (shapes that do not fit)."""
    memo = case.variants.setdefault("edits", {})
    if edit not in memo:
        lines = list(program.lines)
        lines[edit.line] = (lines[edit.line][0], edit.expr)
        if "right" not in case.variants:
            case.variants["right"] = program.values(case.args)
        try:
            with np.errstate(all="ignore"):
                outputs = program.run(lines, case.args, edit.line, case.variants["right"])
            changed = frozenset(k for k in problem.outputs
                                if _compare(problem, k, outputs[k], case.expected[k]))
        except ERRORS:
            changed = None
        memo[edit] = changed
    return memo[edit]


def _matches(wrong) -> str:
    return "matches" if len(wrong) == 1 else "match"


def explain(problem, program: Program, cases, got: list[dict], wrong: set[str],
            general: Callable[[list], object]) -> list[str]:
    """A hint naming the one-slip edit whose outputs are the submission's, or [].
    `general(cases)`: the case whose shapes the edits are enumerated on (sizes all distinct);
    the edits are enumerated once per program."""
    if not wrong:
        return []
    if "edits" not in program._memo:
        program._memo["edits"] = for_case(program, general(cases))
        program._memo["reach"] = program.reach()
    reach = program._memo["reach"]
    wrong = frozenset(wrong)
    for edit in program._memo["edits"]:
        if not wrong <= reach[edit.line]:
            continue  # this line cannot change every wrong output
        changed = []
        for case in cases:  # lazily: most edits are ruled out by the first case
            c = _changed(problem, program, edit, case)
            if c is None or not c <= wrong:
                break
            changed.append(c)
        if len(changed) < len(cases) or frozenset().union(*changed) != wrong:
            continue
        lines = list(program.lines)
        lines[edit.line] = (lines[edit.line][0], edit.expr)
        matched = True
        for case, g in zip(cases, got):
            with np.errstate(all="ignore"):
                outputs = program.run(lines, case.args)
            if any(k not in g or _compare(problem, k, g[k], outputs[k]) for k in wrong):
                matched = False
                break
        if matched:
            name, edited, right = edit.describe()
            outs = ", ".join(f"`{k}`" for k in problem.outputs if k in wrong)
            return [f"{outs} {_matches(wrong)} the line {name} = {edited}; the right line is {name} = {right}."]
    return []


# ---------------------------------------------------------------- loops

def explain_loop(problem, cases, got: list[dict], wrong: set[str], slips,
                 outputs: Callable[[object, dict, object], dict]) -> list[str]:
    """A hint naming the one loop slip whose outputs are the submission's, or [].
    slips: (knobs, the slip in words, the right loop in words), tried in order;
    outputs(problem, knobs, case): the function's outputs with that slip, on that case."""
    if not wrong:
        return []
    for index, (knobs, slip, right) in enumerate(slips):
        changed = []
        for case in cases:
            memo = case.variants.setdefault("loop-edits", {})
            if index not in memo:
                try:
                    with np.errstate(all="ignore"):
                        out = outputs(problem, knobs, case)
                    memo[index] = frozenset(k for k in problem.outputs
                                            if _compare(problem, k, out[k], case.expected[k]))
                except ERRORS:
                    memo[index] = None
            changed.append(memo[index])
        if any(c is None for c in changed) or frozenset().union(*changed) != frozenset(wrong):
            continue
        matched = True
        for case, g in zip(cases, got):
            with np.errstate(all="ignore"):
                out = outputs(problem, knobs, case)
            if any(k not in g or _compare(problem, k, g[k], out[k]) for k in wrong):
                matched = False
                break
        if matched:
            outs = ", ".join(f"`{k}`" for k in problem.outputs if k in wrong)
            return [f"{outs} {_matches(wrong)} a loop in which {slip}: {right}."]
    return []
