"""lavaan's extensions of the model syntax for the covariance-based models (cx.cfa, cx.sem).

:func:`cxresearch.latent.syntax.parse_model` with ``family="cbsem"`` reads, besides the
common statements, what researchers paste in from lavaan:

- labels: ``y ~ a*x1 + a*x2``, ``f =~ x1 + l2*x2`` (one label on several parameters
  makes them equal);
- fixed values: ``f =~ 1*x1 + 0.5*x2``, ``x1 ~~ 0.3*x1``;
- intercepts: ``y ~ 1`` (reported for observed variables);
- defined parameters: ``ind := a*b`` (a function of labels, with a delta-method
  standard error);
- models of observed variables only (path analysis): ``y ~ x1 + x2`` without ``=~``.

Everything else lavaan knows (``==``/``<``/``>`` constraints, ``|`` thresholds,
``NA*``, ``start()``, ``c()`` modifiers, ``~*~``) is refused with a message naming the
statement. This module splits the modifiers off a statement, checks and evaluates the
expressions of defined parameters, and writes the model for semopy.

Examples
--------
>>> split_statement("y ~ a*x1 + 0.5*x2 + x3", "model line 1")
('y ~ x1 + x2 + x3', [('y', '~', 'x1', 'a'), ('y', '~', 'x2', '0.5')], [], None)
>>> split_statement("y ~ 1", "model line 2")
('y ~ 1', [], ['y'], None)
>>> split_statement("ind := a*b", "model line 3")
(None, [], [], ('ind', 'a*b'))
>>> evaluate("a*b + c^2", {"a": 2.0, "b": 3.0, "c": 1.5})
8.25
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

import numpy as np

_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: Words lavaan reads as something other than a label.
_RESERVED = {"NA", "TRUE", "FALSE", "Inf", "NaN", "NULL"}
_MODIFIED_OPS = ("=~", "~~", "~")  # the operators whose right-hand terms take modifiers
_SUPPORTED = (
    "supported: a label (a*x1; the same label on several parameters makes them equal) "
    "or a number (0.5*x1; a fixed value)"
)


def _refuse(where: str, statement: str, what: str) -> None:
    raise ValueError(f"{where}: in the statement {statement!r}, {what}.")


def _refuse_other_operators(statement: str, where: str) -> None:
    """lavaan statements the package does not estimate, each named."""
    if "~*~" in statement:
        _refuse(where, statement, "scaling factors ('~*~', for ordinal items) are not supported")
    if "==" in statement or re.search(r"(?<![=<])[<>](?![~=])", statement):
        _refuse(
            where,
            statement,
            "explicit constraints ('==', '<', '>') are not supported; for an equality "
            "give the parameters the same label (y ~ a*x1 + a*x2)",
        )
    if "|" in statement and "~" not in statement:  # a name may hold '|'
        _refuse(where, statement, "thresholds ('|', for ordinal items) are not supported")


def _defined(statement: str, where: str) -> tuple[str, str]:
    name, expr = (part.strip() for part in statement.split(":=", 1))
    if not _LABEL.match(name) or name in _RESERVED:
        _refuse(where, statement, f"{name!r} is not a valid name for a defined parameter")
    check_expression(expr, f"{where}: in {statement!r}")
    return name, expr


def split_statement(
    statement: str, where: str
) -> tuple[str | None, list[tuple[str, str, str, str]], list[str], tuple[str, str] | None]:
    """Split lavaan's extensions off one statement.

    Returns ``(plain, modifiers, intercepts, defined)``: the statement without
    modifiers, the ``(lhs, op, rhs, modifier)`` of each modified term, the names with
    an intercept (``y ~ 1``; the term stays in ``plain`` as a path from ``1``, which
    the parser drops unless the model has a construct called ``1``), and a defined
    parameter ``(name, expression)`` (then ``plain`` is None).
    """
    if ":=" in statement:
        return None, [], [], _defined(statement, where)
    _refuse_other_operators(statement, where)
    op = next((o for o in ("=~", "<~", "~~", "~") if o in statement), None)
    if op is None or op == "<~":
        return statement, [], [], None  # the common parser reports it
    lhs_text, rhs_text = statement.split(op, 1)
    lhs = [name.strip() for name in lhs_text.split("+")]
    terms, modifiers, intercepts = [], [], []
    for term in (part.strip() for part in rhs_text.split("+")):
        if op == "~" and term == "1":  # kept as a path from "1" until the parser knows
            intercepts.extend(lhs)  # whether "1" is a construct (then it is a path)
        if "*" in term:
            mod, _, name = (part.strip() for part in term.rpartition("*"))
            if "*" in mod or not (_NUMBER.match(mod) or _LABEL.match(mod)) or mod in _RESERVED:
                _refuse(
                    where,
                    statement,
                    f"the modifier {mod!r} of {name!r} is not one the package reads ({_SUPPORTED})",
                )
            modifiers.extend((a, op, name, mod) for a in lhs)
            term = name
        terms.append(term)
    if not terms:
        return None, [], intercepts, None
    return f"{lhs_text.strip()} {op} {' + '.join(terms)}", modifiers, intercepts, None


# --------------------------------------------------------------------------- expressions

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "abs": abs}


def _tree(expr: str) -> ast.expr:
    return ast.parse(expr.replace("^", "**"), mode="eval").body


def check_expression(expr: str, where: str) -> list[str]:
    """The names an expression uses; ``ValueError`` unless it is arithmetic on names and
    numbers (``+ - * / ^``, parentheses, ``sqrt exp log abs``)."""
    try:
        tree = _tree(expr)
    except SyntaxError:
        raise ValueError(f"{where}: {expr!r} is not an arithmetic expression.") from None
    names: list[str] = []

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            walk(node.left)
            walk(node.right)
        elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            walk(node.operand)
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            pass
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCTIONS
            and len(node.args) == 1
            and not node.keywords
        ):
            walk(node.args[0])
        else:
            raise ValueError(
                f"{where}: {expr!r} holds {ast.unparse(node)!r}; a defined parameter is "
                f"arithmetic (+ - * / ^, parentheses, sqrt, exp, log, abs) on labels and numbers."
            )

    walk(tree)
    return names


def evaluate(expr: str, values: dict[str, float]) -> float:
    """The value of a checked expression with its names replaced by ``values``."""

    def run(node: ast.AST) -> float:
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](run(node.left), run(node.right))
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](run(node.operand))
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(values[node.id])
        return float(_FUNCTIONS[node.func.id](run(node.args[0])))  # type: ignore[attr-defined]

    with np.errstate(all="ignore"):
        try:
            return run(_tree(expr))
        except (ZeroDivisionError, ValueError, OverflowError):
            return math.nan


def defined_values(spec: Any, values: dict[str, float]) -> dict[str, float]:
    """Each defined parameter's value, in order (a later one may use an earlier one)."""
    env = dict(values)
    out = {}
    for name, expr in spec.defined:
        out[name] = env[name] = evaluate(expr, env)
    return out


def delta_method(spec: Any, labels: list[str], est: np.ndarray, vcov: np.ndarray):
    """(values, standard errors) of the defined parameters by the delta method.

    ``labels``: the label of each entry of ``est`` (free parameters, in the order of
    ``vcov``). The gradient is by central differences, step ``1e-6 (1 + |x|)``.
    """
    base = defined_values(spec, dict(zip(labels, est, strict=True)))
    grad = np.zeros((len(base), len(est)))
    for j in range(len(est)):
        h = 1e-6 * (1 + abs(est[j]))
        up, down = est.copy(), est.copy()
        up[j] += h
        down[j] -= h
        hi = defined_values(spec, dict(zip(labels, up, strict=True)))
        lo = defined_values(spec, dict(zip(labels, down, strict=True)))
        grad[:, j] = [(hi[n] - lo[n]) / (2 * h) for n in base]
    var = np.einsum("ij,jk,ik->i", grad, vcov, grad)
    return np.array(list(base.values())), np.sqrt(np.clip(var, 0.0, None))


def check_labels(spec: Any, first_items: dict[str, str], where: str) -> None:
    """Refuse labels the model cannot estimate; every name in ``:=`` must be known.

    ``first_items``: each factor's first item (its loading is fixed at 1 for scale).
    """
    labels = {m for *_, m in spec.modifiers if not _NUMBER.match(m)}
    names = {*spec.construct_names, *spec.items, *(n for p in spec.paths for n in p)}
    for lhs, op, rhs, mod in spec.modifiers:
        if mod in labels and op == "=~" and first_items.get(lhs) == rhs:
            raise ValueError(
                f"{where}: the label {mod!r} is on {lhs} =~ {rhs}, the first loading of "
                f"{lhs!r}, which is fixed at 1 to set the factor's scale; label a later item, "
                f"or fix the first explicitly (1*{rhs})."
            )
        if mod in names:
            raise ValueError(
                f"{where}: the label {mod!r} (on {lhs} {op} {rhs}) is also the name of a "
                f"variable of the model; give the parameter another label."
            )
    known = set(labels)
    for name, expr in spec.defined:
        for used in check_expression(expr, f"{where}: in '{name} := {expr}'"):
            if used not in known:
                raise ValueError(
                    f"{where}: '{name} := {expr}' uses {used!r}, which is no label of the "
                    f"model; labels: {sorted(labels) or 'none'} (write e.g. 'y ~ a*x')."
                )
        if name in known or name in names:
            raise ValueError(
                f"{where}: the defined parameter {name!r} is already a label or a variable."
            )
        known.add(name)


def semopy_text(spec: Any) -> str:
    """The model for semopy, modifiers written in; a factor whose later loading is fixed
    gets its first loading fixed at 1 explicitly (lavaan's rule; semopy would free it),
    and a single-item factor its error variance at 0."""
    mods = {(a, op, b): m for a, op, b, m in spec.modifiers}

    def term(lhs: str, op: str, name: str) -> str:
        m = mods.get((lhs, op, name))
        return f"{m}*{name}" if m is not None else name

    lines = []
    for c in spec.constructs:
        items = [term(c.name, "=~", i) for i in c.items]
        later = any(_NUMBER.match(mods.get((c.name, "=~", i), "x")) for i in c.items[1:])
        if later and (c.name, "=~", c.items[0]) not in mods:
            items[0] = f"1.0*{c.items[0]}"
        lines.append(f"{c.name} {c.operator} {' + '.join(items)}")
    for target in spec.endogenous:
        lines.append(
            f"{target} ~ {' + '.join(term(target, '~', f) for f in spec.predecessors(target))}"
        )
    lines += [f"{a} ~~ {term(a, '~~', b)}" for a, b in spec.covariances]
    covs = set(spec.covariances)
    for c in spec.constructs:
        if len(c.items) == 1 and (c.items[0], c.items[0]) not in covs:
            lines.append(f"{c.items[0]} ~~ 0*{c.items[0]}")
    return "\n".join(lines)


def lavaan_text(spec: Any) -> str:
    """The model as fitted, in lavaan syntax: :func:`semopy_text`, intercepts, ``:=``."""
    lines = [semopy_text(spec)]
    lines += [f"{name} ~ 1" for name in spec.intercepts]
    lines += [f"{name} := {expr}" for name, expr in spec.defined]
    return "\n".join(lines)


def is_number(modifier: str) -> bool:
    """True for a fixed value (``0.5``), False for a label."""
    return bool(_NUMBER.match(modifier))
