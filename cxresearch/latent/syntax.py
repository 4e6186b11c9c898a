"""Model syntax shared by the PLS path models and the covariance-based models.

One lavaan-style string describes both families::

    # measurement model
    IMAG =~ imag1 + imag2 + imag3     # reflective construct (mode A)
    QUAL <~ qual1 + qual2             # composite / formative construct (mode B, PLS only)
    # structural model
    SAT  ~ IMAG + QUAL                # paths IMAG -> SAT and QUAL -> SAT
    # covariances (CB-SEM only)
    imag1 ~~ imag2

Lines may hold several statements separated by ``;``; ``#`` starts a comment;
``+`` separates names on either side of ``~``. Labels, fixed values and other lavaan
modifiers (``0.5*x``, ``a*x``), intercepts and defined parameters are read for the
covariance-based models only (``parse_model(..., family="cbsem")``).

:func:`parse_model` turns the string into a frozen :class:`ModelSpec`;
:func:`check_model_data` checks it against a DataFrame for one family (``"pls"`` or
``"cbsem"``). Both raise ``ValueError`` (``TypeError`` for a non-numeric item) with a
message that names the line or the column.

Examples
--------
>>> spec = parse_model('''
...     IMAG =~ imag1 + imag2   # image
...     SAT  =~ sat1 + sat2
...     SAT ~ IMAG
... ''')
>>> spec.construct_names
('IMAG', 'SAT')
>>> spec.paths
(('IMAG', 'SAT'),)
>>> spec.endogenous, spec.exogenous
(('SAT',), ('IMAG',))
>>> print(spec.to_lavaan())
IMAG =~ imag1 + imag2
SAT =~ sat1 + sat2
SAT ~ IMAG
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Iterable

import pandas as pd

from .. import _validate as v

__all__ = ["Construct", "ModelSpec", "check_model_data", "parse_model", "term_columns"]

MODES = {"=~": "A", "<~": "B"}
_OPERATORS = ("=~", "<~", "~~", "~")  # longest first: "~" is a prefix of the others
_NAME = re.compile(r"^[^\s~=<>*+;#]+$")


@dataclasses.dataclass(frozen=True)
class Construct:
    """One construct of the measurement model.

    Attributes
    ----------
    name : str
        The construct's name (``IMAG``).
    items : tuple of str
        Its indicators, in the order written.
    mode : str
        ``"A"`` for a reflective construct (``=~``), ``"B"`` for a composite (``<~``).
    """

    name: str
    items: tuple[str, ...]
    mode: str

    @property
    def operator(self) -> str:
        """The syntax operator of the mode: ``"=~"`` or ``"<~"``."""
        return "=~" if self.mode == "A" else "<~"


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """A parsed model: constructs, structural paths and covariances.

    Attributes
    ----------
    constructs : tuple of Construct
        The measurement model, in the order first written.
    paths : tuple of (str, str)
        Structural paths ``(from, to)``; ``SAT ~ IMAG + EXPE`` gives
        ``("IMAG", "SAT"), ("EXPE", "SAT")``.
    covariances : tuple of (str, str)
        Free covariances from ``a ~~ b`` (covariance-based models only).
    """

    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...] = ()
    covariances: tuple[tuple[str, str], ...] = ()
    #: lavaan's extensions (``parse_model(..., family="cbsem")`` only): ``(lhs, op, rhs,
    #: modifier)`` of each labelled (``a*x``) or fixed (``0.5*x``) term, the names with
    #: an intercept (``y ~ 1``) and the defined parameters ``(name, expression)``.
    modifiers: tuple[tuple[str, str, str, str], ...] = ()
    intercepts: tuple[str, ...] = ()
    defined: tuple[tuple[str, str], ...] = ()

    def construct(self, name: str) -> Construct:
        """The construct called ``name`` (``KeyError`` naming the known ones otherwise)."""
        for c in self.constructs:
            if c.name == name:
                return c
        raise KeyError(f"no construct {name!r}; the model has {list(self.construct_names)}.")

    @property
    def construct_names(self) -> tuple[str, ...]:
        """The construct names, in order."""
        return tuple(c.name for c in self.constructs)

    @property
    def items(self) -> tuple[str, ...]:
        """Every observed indicator, in order, each once.

        Names that are themselves constructs (a higher-order factor in a CB-SEM model)
        are not items.
        """
        names = set(self.construct_names)
        out: dict[str, None] = {}
        for c in self.constructs:
            for item in c.items:
                if item not in names:
                    out.setdefault(item)
        return tuple(out)

    def _nodes(self) -> tuple[str, ...]:
        out = dict.fromkeys(self.construct_names)
        for a, b in self.paths:
            out.setdefault(a)
            out.setdefault(b)
        return tuple(out)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Names with at least one incoming path, in model order."""
        targets = {b for _, b in self.paths}
        return tuple(n for n in self._nodes() if n in targets)

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Names (constructs, or observed variables in paths) with no incoming path."""
        targets = {b for _, b in self.paths}
        return tuple(n for n in self._nodes() if n not in targets)

    def predecessors(self, name: str) -> tuple[str, ...]:
        """The names with a path into ``name``, in the order written."""
        return tuple(a for a, b in self.paths if b == name)

    def to_lavaan(self) -> str:
        """The model as lavaan syntax (one statement a line, paths grouped by target)."""
        lines = [f"{c.name} {c.operator} {' + '.join(c.items)}" for c in self.constructs]
        for target in self.endogenous:
            lines.append(f"{target} ~ {' + '.join(self.predecessors(target))}")
        lines += [f"{a} ~~ {b}" for a, b in self.covariances]
        return "\n".join(lines)


def term_columns(rows: Iterable[tuple[str, str, str]]) -> dict[str, list[str]]:
    """The first columns of every latent-model table: ``term, lhs, op, rhs``.

    One layout for PLS and covariance-based models, lavaan's: ``lhs op rhs`` with
    ``=~`` (a reflective loading), ``<~`` (a composite's weight), ``~`` (a regression of
    ``lhs`` on ``rhs``) and ``~~`` ((co)variance; HTMT pairs too), and ``term`` the
    three joined by spaces.

    Examples
    --------
    >>> term_columns([("SAT", "~", "IMAG"), ("IMAG", "=~", "imag_1")])["term"]
    ['SAT ~ IMAG', 'IMAG =~ imag_1']
    """
    rows = list(rows)
    return {
        "term": [f"{lhs} {op} {rhs}" for lhs, op, rhs in rows],
        "lhs": [lhs for lhs, _, _ in rows],
        "op": [op for _, op, _ in rows],
        "rhs": [rhs for _, _, rhs in rows],
    }


def _split_names(side: str, where: str) -> list[str]:
    names = [part.strip() for part in side.split("+")]
    if not side.strip():
        raise ValueError(f"{where}: nothing on one side of the operator.")
    for name in names:
        if not name:
            raise ValueError(f"{where}: an empty name between '+' signs.")
        if "*" in name:
            raise ValueError(
                f"{where}: {name!r} uses a lavaan modifier ('*'); labels and fixed values "
                f"are read by cx.cfa / cx.sem only. Write plain names separated by '+'."
            )
        if not _NAME.match(name):
            raise ValueError(f"{where}: {name!r} is not a valid name.")
    return names


def _statements(model: str):
    for lineno, line in enumerate(model.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for statement in code.split(";"):
            if statement.strip():
                yield lineno, statement.strip()


def _parse_statement(statement: str, where: str) -> tuple[str, list[str], list[str]]:
    for op in _OPERATORS:
        if op in statement:
            lhs, rhs = statement.split(op, 1)
            if any(o in rhs for o in ("=~", "<~", "~")):
                raise ValueError(f"{where}: more than one operator in {statement!r}.")
            return op, _split_names(lhs, where), _split_names(rhs, where)
    raise ValueError(
        f"{where}: no operator in {statement!r}; expected one of '=~' (reflective), "
        f"'<~' (composite), '~' (path) or '~~' (covariance)."
    )


def _add_unique(seen: dict, key: tuple, what: str, where: str) -> None:
    if key in seen:
        raise ValueError(f"{where}: {what} is already given on line {seen[key]}.")
    seen[key] = where.split()[-1]


def parse_model(model: str, *, family: str | None = None) -> ModelSpec:
    """Parse lavaan-style model syntax into a :class:`ModelSpec`.

    Parameters
    ----------
    model : str
        Statements ``NAME =~ items`` (reflective), ``NAME <~ items`` (composite),
        ``TO ~ FROM + ...`` (paths), ``a ~~ b`` (covariances); ``#`` comments, blank
        lines and ``;`` separators allowed. A construct written twice with the same
        operator gets the items of both lines.
    family : {None, "pls", "cbsem"}, default None
        ``"cbsem"`` also reads lavaan's extensions for cx.cfa / cx.sem (see
        :mod:`cxresearch.latent._cbsyntax`): labels and fixed values (``a*x``,
        ``0.5*x``), intercepts (``y ~ 1``), defined parameters (``ind := a*b``) and
        models of observed variables only; other lavaan statements are refused, named.

    Returns
    -------
    ModelSpec

    Raises
    ------
    TypeError
        If ``model`` is not a string.
    ValueError
        Naming the line: no operator, an empty side, a modifier (``0.5*x``), a construct
        given with both ``=~`` and ``<~``, an item written twice in one block, a construct
        listed as its own item, a self-loop (``SAT ~ SAT``), a path or covariance written
        twice, a construct with no items, or no construct at all.

    Examples
    --------
    >>> spec = parse_model("COMP =~ comp_1 + comp_2; CUSA =~ cusa; CUSA ~ COMP")
    >>> spec.construct("COMP").items
    ('comp_1', 'comp_2')
    >>> parse_model("SAT ~ ")
    Traceback (most recent call last):
    ...
    ValueError: model line 1: nothing on one side of the operator.
    """
    if not isinstance(model, str):
        raise TypeError(
            f"model must be a string of lavaan-style syntax, got {type(model).__name__}."
        )
    blocks: dict[str, tuple[str, list[str]]] = {}
    paths: dict[tuple[str, str], str] = {}
    covs: dict[tuple[str, str], str] = {}
    v.check_one_of(family, (None, "pls", "cbsem"), "family")
    extra: dict[str, list] = {"modifiers": [], "intercepts": [], "defined": []}
    for lineno, statement in _statements(model):
        where = f"model line {lineno}"
        if family == "cbsem":  # lavaan's extensions (issue 23)
            statement = _lavaan_extensions(statement, where, extra)
            if statement is None:
                continue
        op, lhs, rhs = _parse_statement(statement, where)
        if op in MODES:
            if len(lhs) != 1:
                raise ValueError(f"{where}: one construct name before {op!r}, got {lhs}.")
            name = lhs[0]
            mode, items = blocks.setdefault(name, (MODES[op], []))
            if mode != MODES[op]:
                raise ValueError(f"{where}: construct {name!r} is given with both '=~' and '<~'.")
            for item in rhs:
                if item == name:
                    raise ValueError(
                        f"{where}: construct {name!r} lists itself as an item; a construct "
                        f"is measured by other variables (items, or lower-order factors)."
                    )
                if item in items:
                    raise ValueError(f"{where}: item {item!r} is listed twice for {name!r}.")
                items.append(item)
        elif op == "~":
            for to in lhs:
                for frm in rhs:
                    if frm == to:
                        raise ValueError(
                            f"{where}: '{to} ~ {frm}' is a self-loop: a variable cannot "
                            f"predict itself, and its coefficient is not identified. Remove "
                            f"it (a variance is written '{to} ~~ {to}')."
                        )
                    _add_unique(paths, (frm, to), f"the path {frm} -> {to}", where)
        else:
            for a in lhs:
                for b in rhs:
                    _add_unique(covs, (a, b), f"the covariance {a} ~~ {b}", where)
    if not blocks and not (family == "cbsem" and any(a != "1" for a, _ in paths)):
        raise ValueError(
            "model has no construct: define each with 'NAME =~ item1 + item2' (reflective) "
            "or 'NAME <~ item1 + item2' (composite)."
        )
    constructs = tuple(Construct(n, tuple(items), mode) for n, (mode, items) in blocks.items())
    if family == "cbsem":
        if "1" not in blocks:  # 'y ~ 1' is an intercept, unless a construct is called 1
            for lhs in extra["intercepts"]:
                paths.pop(("1", lhs), None)
        else:
            extra["intercepts"] = []
        return ModelSpec(
            constructs,
            tuple(paths),
            tuple(covs),
            modifiers=tuple(extra["modifiers"]),
            intercepts=tuple(dict.fromkeys(extra["intercepts"])),
            defined=tuple(extra["defined"]),
        )
    return ModelSpec(constructs, tuple(paths), tuple(covs))


def _lavaan_extensions(statement: str, where: str, extra: dict[str, list]) -> str | None:
    """Split labels, fixed values, intercepts and ``:=`` off a statement (cbsem)."""
    from . import _cbsyntax

    plain, modifiers, intercepts, defined = _cbsyntax.split_statement(statement, where)
    extra["modifiers"] += modifiers
    extra["intercepts"] += intercepts
    if defined is not None:
        if defined[0] in {name for name, _ in extra["defined"]}:
            raise ValueError(f"{where}: the parameter {defined[0]!r} is defined twice.")
        extra["defined"].append(defined)
    return plain


def _find_cycle(spec: ModelSpec) -> list[str] | None:
    graph: dict[str, list[str]] = {}
    for a, b in spec.paths:
        graph.setdefault(a, []).append(b)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in spec._nodes():
        if node not in state and (found := visit(node)):
            return found
    return None


def _check_blocks(spec: ModelSpec, family: str) -> None:
    names = set(spec.construct_names)
    owner: dict[str, str] = {}
    for c in spec.constructs:
        if c.mode not in ("A", "B"):
            raise ValueError(f"model: construct {c.name!r} has mode {c.mode!r}; allowed 'A', 'B'.")
        if not c.items:
            raise ValueError(f"model: construct {c.name!r} has no items.")
        if c.mode == "B" and family == "cbsem":
            raise ValueError(
                f"model: construct {c.name!r} is a composite ('<~'), which covariance-based "
                f"models do not estimate; use cx.pls for composites, or '=~' for a "
                f"reflective factor."
            )
        for item in c.items:
            if item in names and family == "pls":
                raise ValueError(
                    f"model: construct {c.name!r} uses construct {item!r} as an item; "
                    f"higher-order constructs are not supported by cx.pls."
                )
            if item in owner and family != "cbsem":  # a CFA may cross-load (issue 23)
                raise ValueError(
                    f"model: item {item!r} is in two blocks ({owner[item]!r} and {c.name!r}); "
                    f"each item may measure one construct only."
                )
            owner[item] = c.name


def _check_structure(spec: ModelSpec, data: pd.DataFrame, family: str) -> None:
    names = set(spec.construct_names)
    observed = set(data.columns) if family == "cbsem" else set()
    for a, b in spec.paths:
        for name in (a, b):
            if name not in names and name not in observed:
                extra = " or an observed column of data" if family == "cbsem" else ""
                raise ValueError(
                    f"model: the path {a} -> {b} names {name!r}, which is not a construct"
                    f"{extra}. Constructs: {v.format_values(spec.construct_names, 12)}."
                )
    if family == "pls":
        if spec.covariances:
            a, b = spec.covariances[0]
            raise ValueError(
                f"model: '{a} ~~ {b}': covariances ('~~') are for cx.cfa / cx.sem; "
                f"a PLS path model has none."
            )
        if cycle := _find_cycle(spec):
            raise ValueError(
                f"model: the paths form a cycle ({' -> '.join(cycle)}); a PLS path model "
                f"must be recursive (no feedback loops)."
            )
        linked = {n for p in spec.paths for n in p}
        lonely = [n for n in spec.construct_names if n not in linked]
        if lonely:
            raise ValueError(
                f"model: construct {v.format_values(lonely)} has no path to or from another "
                f"construct; every construct of a PLS path model needs one."
            )
    allowed = names | set(data.columns)
    for a, b in spec.covariances:
        for name in (a, b):
            if name not in allowed:
                raise ValueError(
                    f"model: the covariance {a} ~~ {b} names {name!r}, which is neither a "
                    f"construct nor a column of data."
                )


def check_model_data(spec: ModelSpec, data: pd.DataFrame, *, family: str) -> None:
    """Check a parsed model against the data, for one family of models.

    Parameters
    ----------
    spec : ModelSpec
        From :func:`parse_model`.
    data : pandas.DataFrame
        The survey; every item must be a numeric column of it.
    family : {"pls", "cbsem"}
        ``"pls"``: every name in a path is a construct, the paths have no cycle, every
        construct is in a path, no ``~~``. ``"cbsem"``: no composites (``<~``); paths
        and covariances may also name observed columns of ``data``, and a construct may
        be an item of a higher-order construct.

    Raises
    ------
    TypeError
        ``data`` not a DataFrame, ``spec`` not a ModelSpec, or a non-numeric item.
    ValueError
        An item not in ``data`` (the available columns are listed), a construct without
        items, an item in two blocks (``pls``), a construct name that is also a column, a path
        naming an unknown construct, a cycle (``pls``; the cycle is named), a composite
        (``cbsem``).

    Examples
    --------
    >>> import cxresearch as cx
    >>> data = cx.load_dataset("corp_rep_data")
    >>> spec = parse_model("COMP =~ comp_1 + comp_2 + comp_3; CUSA =~ cusa; CUSA ~ COMP")
    >>> check_model_data(spec, data, family="pls")
    >>> check_model_data(parse_model("A =~ comp_1; B =~ cusa; A ~ B; B ~ A"), data, family="pls")
    Traceback (most recent call last):
    ...
    ValueError: model: the paths form a cycle (A -> B -> A); a PLS path model must be recursive (no feedback loops).
    """
    v.check_dataframe(data)
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"spec must be a ModelSpec from parse_model, got {type(spec).__name__}.")
    v.check_one_of(family, ("pls", "cbsem"), "family")
    if not spec.constructs and (family == "pls" or not spec.paths):
        raise ValueError("model has no construct.")
    if family == "pls" and (spec.modifiers or spec.intercepts or spec.defined):
        raise ValueError(
            "model: labels, fixed values, intercepts ('~ 1') and defined parameters (':=') "
            "are for cx.cfa / cx.sem; a PLS path model has none."
        )
    _check_blocks(spec, family)
    clash: list[Hashable] = [n for n in spec.construct_names if n in data.columns]
    if clash:
        raise ValueError(
            f"model: construct name {v.format_values(clash)} is also a column of data; "
            f"give the construct a different name (e.g. in capitals)."
        )
    items = list(spec.items)
    _check_unwritable(data, [i for i in items if i not in data.columns])
    v.check_columns(data, items, "model")
    v.check_numeric(data, items, "model")
    _check_structure(spec, data, family)


#: Characters a name in the model syntax cannot hold: spaces and the syntax's own signs.
_SYNTAX_CHARS = re.compile(r"[\s~=<>*+;#]")


def _check_unwritable(data: pd.DataFrame, absent: list[str]) -> None:
    """When items are not found, name the columns no model string can name, if any."""
    if not absent:
        return
    bad = [c for c in data.columns if isinstance(c, str) and _SYNTAX_CHARS.search(c)]
    if bad:
        fix = {c: re.sub(r"_+", "_", _SYNTAX_CHARS.sub("_", c)).strip("_") or "item" for c in bad}
        raise ValueError(
            f"model: column {v.format_values(absent)} not found in data; data has column(s) "
            f"{v.format_values(bad)} whose names hold spaces or signs of the model syntax "
            f"(~ = < > * + ; #), which no model string can name. Rename them, e.g. "
            f"data.rename(columns={dict(list(fix.items())[:3])!r}), and write the new names."
        )
