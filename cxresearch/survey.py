"""Bring your own survey: read SPSS, Stata, Qualtrics and CSV files into data + codebook.

:func:`read_survey` turns a survey file into a :class:`Survey`: the answers as a
DataFrame (``.data``) and a tidy codebook (``.codebook``, one row per column: label or
question text, type, allowed values with their labels, missing codes, scale direction
and how many values are missing). The helpers below then prepare the answers for the
metrics and models of the package:

* :func:`reverse_code` mirrors negatively worded items (``low + high - x``);
* :func:`scale_score` averages a multi-item scale, with a minimum-items rule;
* :func:`missing_report` counts missing values per column and per pattern;
* :func:`as_codes` turns labelled (categorical) answers back into their answer codes.

Formats
-------
``.sav``, ``.zsav`` (SPSS), ``.por`` (SPSS portable) and ``.dta`` (Stata) are read by
pyreadstat (Apache-2.0), an optional dependency imported only when such a file is read.
``.csv`` / ``.tsv`` files are a Qualtrics export (three header rows: column id, question
text, ``{"ImportId": ...}``; or two of them) when their header rows say so; otherwise a
CSV described by a Frictionless ``datapackage.json`` (passed as ``codebook=`` or found
beside the file), checked with :func:`cxresearch.datasets.validate_frame`; otherwise a
plain CSV.

Files are untrusted input: every file that cannot be read as what it claims to be
(empty, cut short, binary under a text ending, rows longer than the header, a broken
``datapackage.json``, not a regular file) is a ``ValueError`` that names the file and
says what is wrong; the file itself is only ever read.

Examples
--------
>>> import pandas as pd
>>> from cxresearch import survey
>>> answers = pd.DataFrame({"q1": [1, 2, 5], "q2": [5, 4, 1], "q3": [4, None, 2]})
>>> flipped = survey.reverse_code(answers, columns="q2", scale=(1, 5))
>>> flipped["q2"].tolist()
[1, 2, 5]
>>> survey.scale_score(flipped, items=["q1", "q2", "q3"], min_items=2).table["score"].round(
...     3
... ).tolist()
[2.0, 2.0, 4.0]
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import errno
import io
import itertools
import json
import os
import re
import stat
import struct
import warnings
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._result import Result

__all__ = [
    "FORMATS",
    "MissingReport",
    "QUALTRICS_METADATA",
    "ScaleScore",
    "Survey",
    "as_codes",
    "missing_report",
    "read_survey",
    "reverse_code",
    "scale_score",
]

#: File endings :func:`read_survey` reads, and what they are.
FORMATS: dict[str, str] = {
    ".sav": "SPSS",
    ".zsav": "SPSS (compressed)",
    ".por": "SPSS portable",
    ".dta": "Stata",
    ".csv": "Qualtrics export, or CSV with a datapackage.json",
    ".tsv": "Qualtrics export (tab-separated), or TSV with a datapackage.json",
}

#: Qualtrics' response metadata (column id -> what it is); ``Recipient*`` columns too.
QUALTRICS_METADATA: dict[str, str] = {
    "StartDate": "Start Date",
    "EndDate": "End Date",
    "Status": "Response Type",
    "IPAddress": "IP Address",
    "Progress": "Progress",
    "Duration (in seconds)": "Duration (in seconds)",
    "Finished": "Finished",
    "RecordedDate": "Recorded Date",
    "ResponseId": "Response ID",
    "ExternalReference": "External Data Reference",
    "LocationLatitude": "Location Latitude",
    "LocationLongitude": "Location Longitude",
    "DistributionChannel": "Distribution Channel",
    "UserLanguage": "User Language",
}
_QUALTRICS_DATES = ("StartDate", "EndDate", "RecordedDate")
_PLACEHOLDER = re.compile(r"^\s*click to write", re.IGNORECASE)

# Words that mark the negative / positive end of a rating scale (negative ones first:
# "disagree" contains "agree", "not at all likely" contains "likely").
_NEGATIVE = re.compile(
    r"disagree|dissatisf|unsatisf|unlikely|not at all|not likely|never|poor\b|terrible|"
    r"\bbad\b|\bworst\b|difficult|\bhard\b|unhappy|unacceptable|unimportant|"
    r"not important|\blowest\b|\bleast\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\bagree|\bsatisf|\blikely|excellent|\bgood\b|\bbest\b|always|\beasy\b|\bhappy|"
    r"definitely|\bimportant|\bhighest\b|\bmost\b|extremely|completely",
    re.IGNORECASE,
)

_CODEBOOK_COLUMNS = [
    "column",
    "label",
    "type",
    "measure",
    "values",
    "missing_codes",
    "direction",
    "n_missing",
    "n_user_missing",
    "role",
    "source_id",
]


# ------------------------------------------------------------------------ result objects


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Survey(Result):
    """What :func:`read_survey` returns: the answers and their codebook.

    Attributes
    ----------
    table : pandas.DataFrame
        The codebook, one row per column of :attr:`data` (also as :attr:`codebook`):
        ``column``; ``label`` (variable label or question text); ``type`` (``integer``,
        ``number``, ``string``, ``boolean``, ``datetime`` or ``categorical``);
        ``measure`` (``ordinal``, ``nominal``, ``scale`` or ``text``; declared by an
        SPSS file, inferred otherwise); ``values`` (the value labels as
        ``"1 = Very dissatisfied; ..."``, or the allowed values); ``missing_codes``
        (declared user-missing codes, e.g. ``"99"`` or ``"-9 to -1"``); ``direction``
        (``ascending`` when a higher code means more agreement or satisfaction,
        ``descending`` for the reverse, empty when the labels do not say);
        ``n_missing`` (missing values in :attr:`data`, user-missing ones included);
        ``n_user_missing`` (values that were a declared missing code); ``role``
        (``answer``, or ``metadata`` for Qualtrics' response metadata) and
        ``source_id`` (Qualtrics' ImportId, e.g. ``QID3_1``).
    data : pandas.DataFrame
        One row per respondent. Declared missing codes are NaN. Labelled answers on an
        ordered scale are ordered ``Categorical`` columns of their labels (categories in
        code order); other labelled answers unordered ``Categorical`` columns; numbers
        whose values are not all labelled stay numbers (their labels are in the
        codebook). Whole numbers without missing values are ``int64``; whole numbers
        beyond the 64-bit range are exact Python ints in an ``object`` column.
    value_labels : pandas.DataFrame
        Every value label, one row each: ``column``, ``value`` (the code), ``label``,
        ``missing`` (True for a declared missing code).
    n_missing : pandas.Series
        Missing values per column (the codebook's ``n_missing``, indexed by column).
    format : str
        ``sav``, ``zsav``, ``por``, ``dta``, ``qualtrics``, ``datapackage`` or ``csv``.
    path : str
        The file read (never modified).
    n_rows, n_columns : int
        Size of :attr:`data`.
    n_user_missing : int
        Values that were declared missing codes, over all columns.
    """

    data: pd.DataFrame
    value_labels: pd.DataFrame
    n_missing: pd.Series
    format: str
    path: str
    n_rows: int
    n_columns: int
    n_user_missing: int

    _title = "Survey file and codebook"

    @property
    def codebook(self) -> pd.DataFrame:
        """The codebook (the same table as :attr:`table`)."""
        return self.table

    def _summary_facts(self) -> list[tuple[str, Any]]:
        return [
            ("file", os.path.basename(self.path)),  # the name, never the local folders
            ("format", self.format),
            ("respondents", self.n_rows),
            ("columns", self.n_columns),
            ("missing values", int(self.n_missing.sum())),
            ("declared missing codes", self.n_user_missing),
        ]

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        keep = ["column", "label", "type", "measure", "n_missing"]
        return [("codebook (.codebook)", self.table[[c for c in keep if c in self.table]])]

    def __repr__(self) -> str:
        return (
            f"Survey(file={os.path.basename(self.path)!r}, format={self.format!r}, "
            f"n_rows={self.n_rows}, n_columns={self.n_columns}); "
            f".codebook, .data and .summary() show more"
        )

    def as_codes(self, columns: Hashable | Sequence[Hashable] | None = None) -> pd.DataFrame:
        """A copy of :attr:`data` with labelled columns as their answer codes.

        See :func:`as_codes`.
        """
        return as_codes(self.data, columns=columns, codebook=self)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ScaleScore(Result):
    """What :func:`scale_score` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed like the data: ``score`` (NaN where too few items were answered) and
        ``n_items`` (items answered in that row).
    items : tuple
        The item columns.
    method : str
        ``mean`` or ``sum``.
    min_items : int
        Fewest answered items a score rests on.
    n_scored : int
        Rows with a score.
    n_too_few : int
        Rows left without a score because fewer than ``min_items`` items were answered.
    """

    items: tuple
    method: str
    min_items: int
    n_scored: int
    n_too_few: int

    @property
    def score(self) -> pd.Series:
        """The scores (a Series indexed like the data)."""
        return self.table["score"]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class MissingReport(Result):
    """What :func:`missing_report` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per column: ``column``, ``n_missing``, ``share_missing``, ``n`` (values
        present).
    patterns : pandas.DataFrame
        One row per pattern of missing values, most frequent first: ``pattern`` (one
        character per column, ``X`` missing, ``.`` present), ``columns_missing`` (their
        names, comma-separated), ``n_columns_missing``, ``n`` (rows), ``share``.
    n_rows : int
        Rows in the data.
    n_complete : int
        Rows without a missing value.
    n_patterns : int
        Distinct patterns.
    """

    patterns: pd.DataFrame
    n_rows: int
    n_complete: int
    n_patterns: int


# ----------------------------------------------------------------------- codebook helpers


def _code_text(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _polarity(label: str) -> int:
    if _NEGATIVE.search(label):
        return -1
    return 1 if _POSITIVE.search(label) else 0


def _direction(labels: Mapping[Any, str]) -> str:
    """``ascending`` / ``descending`` from the labels of the lowest and highest code."""
    numeric = [k for k in labels if isinstance(k, int | float | np.number)]
    if len(numeric) < 2:
        return ""
    low, high = _polarity(labels[min(numeric)]), _polarity(labels[max(numeric)])
    if low < 0 < high:
        return "ascending"
    if high < 0 < low:
        return "descending"
    return ""


def _likert_like(codes: Sequence[Any]) -> bool:
    """3 to 11 consecutive whole-number codes (a rating scale)."""
    try:
        arr = np.asarray(codes, dtype=float)
    except (TypeError, ValueError):
        return False
    return (
        3 <= arr.size <= 11
        and bool(np.all(arr == np.round(arr)))
        and arr.max() - arr.min() == arr.size - 1
    )


def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_object_dtype(dtype):  # whole numbers beyond int64, kept exact
        present = series.dropna()
        ints = (isinstance(x, int) and not isinstance(x, bool) for x in present)
        return "integer" if len(present) and all(ints) else "string"
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        present = values[~np.isnan(values)]
        whole = present.size and np.all(np.isfinite(present) & (present == np.round(present)))
        return "integer" if whole else "number"
    return "string"


def _tidy_numbers(series: pd.Series) -> pd.Series:
    """Whole numbers without missing values as int64 (as load_dataset gives them)."""
    if (
        pd.api.types.is_float_dtype(series.dtype)
        and len(series)
        and series.notna().all()
        and _kind(series) == "integer"
        and series.abs().max() < 2**53
    ):
        return series.astype("int64")
    return series


def _apply_labels(
    values: pd.Series, labels: Mapping[Any, str], measure: str
) -> tuple[pd.Series, str]:
    """Labelled numeric answers -> a Categorical where every value present is labelled.

    Ordered when the file says ``ordinal``, or when the codes are a rating scale (3 to
    11 consecutive whole numbers) whose end labels show a direction and the file says
    ``nominal`` or nothing; unordered otherwise. Returns the column and its measure.
    """
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    if not labels or not numeric or measure == "scale":
        return values, measure if measure != "unknown" else ("scale" if numeric else "text")
    present = set(values.dropna().unique())
    texts = list(labels.values())
    if not present <= set(labels) or len(set(texts)) != len(texts):
        return values, measure if measure != "unknown" else "scale"
    if measure != "ordinal":
        rating = _likert_like(list(labels)) and _direction(labels) != ""
        measure = "ordinal" if rating else "nominal"
    codes = sorted(labels)
    categorical = pd.Categorical(
        values.map(dict(labels)),
        categories=[labels[c] for c in codes],
        ordered=measure == "ordinal",
    )
    return pd.Series(categorical, index=values.index, name=values.name), measure


def _row(
    column: Hashable,
    series: pd.Series,
    *,
    label: str = "",
    measure: str = "",
    values: str = "",
    missing_codes: str = "",
    direction: str = "",
    n_user_missing: int = 0,
    role: str = "answer",
    source_id: str = "",
) -> dict[str, Any]:
    kind = _kind(series)
    if not measure:
        measure = {"categorical": "nominal", "string": "text", "boolean": "nominal"}.get(
            kind, "scale"
        )
    if kind == "categorical" and series.cat.ordered:
        measure = "ordinal"
    return {
        "column": column,
        "label": label or "",
        "type": kind,
        "measure": measure,
        "values": values,
        "missing_codes": missing_codes,
        "direction": direction,
        "n_missing": int(pd.isna(series.to_numpy()).sum()),
        "n_user_missing": int(n_user_missing),
        "role": role,
        "source_id": source_id,
    }


def _labels_text(labels: Mapping[Any, str]) -> str:
    return "; ".join(f"{_code_text(k)} = {lab}" for k, lab in labels.items())


def _finish(
    data: pd.DataFrame, rows: list[dict[str, Any]], labels: list[dict[str, Any]], **fields: Any
) -> Survey:
    book = pd.DataFrame(rows, columns=_CODEBOOK_COLUMNS)
    value_labels = pd.DataFrame(labels, columns=["column", "value", "label", "missing"])
    n_missing = pd.Series(
        book["n_missing"].to_numpy(),
        index=pd.Index(book["column"], name="column"),
        name="n_missing",
    )
    return Survey(
        table=book,
        data=data,
        value_labels=value_labels,
        n_missing=n_missing,
        n_rows=len(data),
        n_columns=data.shape[1],
        n_user_missing=int(book["n_user_missing"].sum()),
        **fields,
    )


# ------------------------------------------------------------------- SPSS and Stata files


def _user_missing_mask(values: pd.Series, ranges: list[Any], letters: list[Any]) -> pd.Series:
    """True where a value is a declared missing code (SPSS ranges, Stata .a-.z letters)."""
    mask = pd.Series(False, index=values.index)
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    for r in ranges:
        lo, hi = r["lo"], r["hi"]
        if numeric and not isinstance(lo, str):
            mask |= (values >= lo) & (values <= hi)
        elif not numeric:
            mask |= values.isin([lo, hi])
    if letters and values.dtype == object:
        mask |= values.map(lambda x: isinstance(x, str) and x in letters).astype(bool)
    return mask


def _missing_text(ranges: list[Any], letters: list[Any]) -> str:
    parts = [
        _code_text(r["lo"])
        if r["lo"] == r["hi"]
        else f"{_code_text(r['lo'])} to {_code_text(r['hi'])}"
        for r in ranges
    ]
    return ", ".join(parts + [f".{x}" for x in letters])


def _is_missing_code(code: Any, ranges: list[Any]) -> bool:
    for r in ranges:
        if isinstance(code, str) or isinstance(r["lo"], str):
            if code in (r["lo"], r["hi"]):
                return True
        elif r["lo"] <= code <= r["hi"]:
            return True
    return False


def _from_readstat(raw: pd.DataFrame, meta: Any, fmt: str, path: Path) -> Survey:
    """pyreadstat's frame and metadata -> a Survey (user-missing codes to NaN, counted)."""
    ranges_of = getattr(meta, "missing_ranges", None) or {}
    letters_of = getattr(meta, "missing_user_values", None) or {}
    measures = getattr(meta, "variable_measure", None) or {}
    var_labels = meta.column_names_to_labels or {}
    out, rows, labels = {}, [], []
    for col in raw.columns:
        values = raw[col]
        ranges, letters = list(ranges_of.get(col, [])), list(letters_of.get(col, []))
        mask = _user_missing_mask(values, ranges, letters)
        values = values.mask(mask)
        if letters:  # Stata: the column held letters, now only numbers are left
            values = pd.to_numeric(values)
        all_labels = dict((meta.variable_value_labels or {}).get(col, {}))
        valid = {k: t for k, t in all_labels.items() if not _is_missing_code(k, ranges)}
        labels += [
            {"column": col, "value": k, "label": t, "missing": _is_missing_code(k, ranges)}
            for k, t in all_labels.items()
        ]
        converted, measure = _apply_labels(values, valid, measures.get(col, "unknown"))
        out[col] = _tidy_numbers(converted)
        rows.append(
            _row(
                col,
                out[col],
                label=var_labels.get(col) or "",
                measure=measure,
                values=_labels_text(all_labels),
                missing_codes=_missing_text(ranges, letters),
                direction=_direction(valid),
                n_user_missing=int(mask.sum()),
            )
        )
    data = pd.DataFrame(out, index=raw.index)
    return _finish(data, rows, labels, format=fmt, path=str(path))


def _dta_labels_complete(fh: Any, size: int) -> str:
    """Why an old-format (113-115) Stata file looks cut off, or "" when it is whole.

    Its value labels are the last part of the file, with no end marker: a file cut
    there still reads, without its labels. Walk the header, variable descriptors,
    expansion fields and data to where the labels start, then each label table to the
    end of the file (Stata's dta 113-115 format, documented in ``help dta_115``).
    """

    def read(at: int, n: int) -> bytes:
        fh.seek(at)
        chunk = fh.read(n)
        if len(chunk) < n:
            raise EOFError
        return chunk

    try:
        head = read(0, 109)
        order = "<" if head[1] == 2 else ">"
        nvar, nobs = struct.unpack_from(order + "Hi", head, 4)
        widths = {251: 1, 252: 2, 253: 4, 254: 4, 255: 8}  # byte, int, long, float, double
        row = sum(widths.get(t, t) for t in read(109, nvar))  # 1-244: a string that long
        at = 109 + nvar * (1 + 33 + 2 + (49 if head[0] >= 114 else 12) + 33 + 81) + 2
        while True:  # expansion fields: type (1 byte), length, contents; (0, 0) ends them
            kind, length = struct.unpack(order + "Bi", read(at, 5))
            if length < 0 or nobs < 0:
                return "its header is damaged"
            at += 5 + length
            if kind == 0 and length == 0:
                break
        at += nobs * row
        while at < size:  # value-label tables: length, name (33), padding (3), table
            (length,) = struct.unpack(order + "i", read(at, 4))
            n, text = struct.unpack(order + "ii", read(at + 40, 8))
            if length != 8 + 8 * n + text or length < 0:
                return "a value-label table is damaged"
            at += 40 + length
    except EOFError:
        return "it ends inside its header, data or value labels"
    return "" if at == size else "its value labels are cut off at the end"


def _incomplete(path: Path, fmt: str, raw: pd.DataFrame, meta: Any) -> str:
    """Why a file pyreadstat read looks truncated, or "" when it looks whole."""
    expected = getattr(meta, "number_rows", None)
    if isinstance(expected, int) and expected >= 0 and expected != len(raw):
        return f"it holds {len(raw)} rows where its header declares {expected}"
    if fmt in ("sav", "zsav"):
        return ""  # ReadStat itself refuses a cut-off SPSS file (tested at every offset)
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - 64))
        tail = fh.read().rstrip(b"\r\n ")
        fh.seek(0)
        first = fh.read(11)
        if fmt == "por":  # the data end with the mark "Z", padded with more to a full line
            return "" if tail.endswith(b"Z") else "it lacks its end mark 'Z'"
        if first == b"<stata_dta>":  # dta 117 and later (Stata 13+): tagged sections
            return "" if tail.endswith(b"</stata_dta>") else "it lacks its end tag"
        if first[:1] not in (b"\x71", b"\x72", b"\x73"):  # dta 113-115 (Stata 8-12)
            return ""
        why = _dta_labels_complete(fh, size)
    # cut exactly between two label tables, the file ends where a shorter one would:
    # then columns name label sets that are not in it
    named = getattr(meta, "variable_to_label", None) or {}
    lost = sorted({s for s in named.values() if s not in (meta.value_labels or {})})
    if not why and lost:
        why = (
            f"the value-label set(s) {v.format_values(lost)} its columns name are missing "
            f"from its end; if they were never defined in Stata, detach them there "
            f"(label values <column>) and save again"
        )
    return why


def _read_readstat(path: Path, fmt: str) -> Survey:
    try:
        import pyreadstat
    except ModuleNotFoundError:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            f"reading {FORMATS['.' + fmt]} files ({path.name}) needs pyreadstat; "
            f"install it with: pip install pyreadstat"
        ) from None
    readers = {
        "sav": (pyreadstat.read_sav, {"user_missing": True}),
        "zsav": (pyreadstat.read_sav, {"user_missing": True}),
        "dta": (pyreadstat.read_dta, {"user_missing": True}),
        "por": (pyreadstat.read_por, {}),
    }
    reader, options = readers[fmt]
    kind = FORMATS["." + fmt]
    try:
        raw, meta = reader(str(path), **options)
    # whatever the reader raises on this file (ReadstatError, a UnicodeDecodeError of a
    # damaged label, an IndexError, a MemoryError for an absurd declared size) means the
    # same: the file is not a whole, valid file of its format
    except Exception as e:
        raise ValueError(
            _unreadable(
                path,
                f"as a {kind} file (pyreadstat: {type(e).__name__}: {e}): it looks "
                f"truncated or corrupt{_sniff(path, text=fmt != 'por')}. Copy or export it "
                f"again",
            )
        ) from None
    why = _incomplete(path, fmt, raw, meta)
    if why:
        raise ValueError(
            _unreadable(
                path,
                f"as a {kind} file ({why}): it looks truncated, and reading it would "
                f"lose answers or value labels. Copy or export it again",
            )
        )
    if raw.shape[1] == 0 or len(raw) == 0:
        raise ValueError(
            _unreadable(
                path,
                f"as a survey: the {kind} file holds no answers "
                f"({len(raw)} rows, {raw.shape[1]} columns)",
            )
        )
    return _from_readstat(raw, meta, fmt, path)


# ----------------------------------------------------------------------------- text files

# What a file is, by its first bytes: named when a file does not read as its ending says
_MAGIC = [
    (b"$FL2", "an SPSS .sav file"),
    (b"$FL3", "an SPSS .zsav file"),
    (b"<stata_dta>", "a Stata .dta file"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
]
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def _unreadable(path: Path, why: str) -> str:
    allowed = ", ".join(f"{k} ({kind})" for k, kind in FORMATS.items())
    return f"path: cannot read {str(path)!r} {why}. Allowed formats: {allowed}."


def _sniff(path: Path, text: bool = True) -> str:
    """``"; it looks like a zip archive ..."`` from the file's first bytes, or ``""``
    (``text``: also say when they are plain text)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return ""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"; it looks like {what}"
    if text and head and all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return "; it looks like text (a CSV file? then name it .csv)"
    return ""


def _check_file(path: Path) -> None:
    """Refuse what is not a readable, non-empty regular file, saying what it is."""
    try:
        info = path.stat()
    except FileNotFoundError:
        why = "a symbolic link to a missing file" if path.is_symlink() else "no such file"
        raise ValueError(_unreadable(path, f"({why})")) from None
    except OSError as e:  # ELOOP: a symbolic-link loop; a name too long; no permission
        why = "a symbolic-link loop" if e.errno == errno.ELOOP else e.strerror or str(e)
        raise ValueError(_unreadable(path, f"({why})")) from None
    except ValueError:  # os.stat: "embedded null byte"
        raise ValueError(_unreadable(path, "(the path holds a NUL character)")) from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(_unreadable(path, "(it is a folder, not a file)"))
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(_unreadable(path, "(not a regular file: a device, pipe or socket)"))
    if info.st_size == 0:
        raise ValueError(_unreadable(path, "as a survey: the file is empty (0 bytes)"))


def _encoding(data: bytes, path: Path) -> str:
    """The text encoding of a survey file: from its byte-order mark, else from where the
    NUL bytes of its first 4 KiB fall (UTF-16 and UTF-32 written without a mark), else
    UTF-8. A file with NUL bytes in no such pattern is not text."""
    for mark, name in [
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
    ]:
        if data.startswith(mark):
            return name
    head = data[:4096]
    if b"\x00" not in head:
        return "utf-8"
    size = len(head) - len(head) % 4
    # a UTF-32 character below U+10000 has two zero bytes at its high end
    if size and all(head[i + 2 : i + 4] == b"\x00\x00" for i in range(0, size, 4)):
        return "utf-32-le"
    if size and all(head[i : i + 2] == b"\x00\x00" for i in range(0, size, 4)):
        return "utf-32-be"
    # UTF-16: the separators, digits and line ends of a table are ASCII, whose high byte
    # is zero; it sits second (little-endian) or first (big-endian) in each pair
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > 2 * even and odd >= 0.2 * len(head) / 2:
        return "utf-16-le"
    if even > 2 * odd and even >= 0.2 * len(head) / 2:
        return "utf-16-be"
    raise ValueError(
        _unreadable(path, f"as text: it holds NUL bytes (a binary file?){_sniff(path)}")
    )


def _text(path: Path) -> tuple[str, str]:
    """The whole file as text, and its encoding: UTF-8 (with or without a BOM), UTF-16
    as Qualtrics writes TSV, or UTF-32 (see :func:`_encoding`), with universal newlines."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(_unreadable(path, f"({e.strerror or e})")) from None
    encoding = _encoding(data, path)
    try:
        decoded = data.decode(encoding)
    except UnicodeDecodeError as e:
        why = f"as {encoding} text ({e.reason} at byte {e.start}){_sniff(path)}"
        raise ValueError(_unreadable(path, why)) from None
    if "\x00" in decoded:  # past the first 4 KiB, or a NUL character in UTF-16 text
        raise ValueError(_unreadable(path, "as text: it holds NUL characters (a damaged file?)"))
    # universal newlines: old Mac exports end lines with a lone CR, Windows ones with CRLF
    return io.StringIO(decoded, newline=None).read(), encoding


@contextlib.contextmanager
def _field_limit(size: int) -> Iterator[None]:
    # an open-text answer may be longer than the csv module's 128 KiB field limit: raise
    # it for this read only (the limit is process-wide) and put it back
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _blank(row: list[str]) -> bool:
    """A line pandas skips: empty, or only spaces."""
    return not row or (len(row) == 1 and not row[0].strip())


def _json_object(cell: str) -> bool:
    try:
        return isinstance(json.loads(cell), dict)
    except (ValueError, RecursionError):
        return False


def _import_row(row: list[str]) -> bool:
    """Qualtrics' third header row: ``{"ImportId":"QID1"}`` in (most of) its cells."""
    flagged = sum(c.lstrip().startswith("{") and '"ImportId"' in c for c in row)
    return flagged >= max(1, len(row) // 3)


def _question_row(names: list[str], row: list[str]) -> bool:
    """Qualtrics' second header row: its response-metadata columns (StartDate, ...)
    carry their question texts (Start Date, ...)."""
    meta = [n for n in names if n in QUALTRICS_METADATA]
    cells = {c.strip() for c in row}
    found = sum(QUALTRICS_METADATA[n] in cells for n in meta)
    return len(meta) >= 2 and found >= max(2, (len(meta) + 1) // 2)


def _qualtrics_shape(rows: list[list[str]]) -> list[str]:
    """What the header rows after the first are: ``["questions", "ids"]`` (Qualtrics'
    three rows), ``["ids"]`` or ``["questions"]`` (two rows), or ``[]`` (no Qualtrics)."""
    if len(rows) >= 2 and _import_row(rows[1]):
        return ["ids"]
    if len(rows) >= 3 and _import_row(rows[2]):
        return ["questions", "ids"]
    if len(rows) >= 2 and _question_row(rows[0], rows[1]):
        return ["questions"]
    return []


def _rejoin(row: list[str], sep: str) -> list[str]:
    """Cells of an ImportId row split at separators inside their JSON, joined again."""
    out: list[str] = []
    part: str | None = None
    for cell in row:
        part = cell if part is None else part + sep + cell
        if not part.lstrip().startswith("{") or _json_object(part):
            out.append(part)
            part = None
    return out if part is None else [*out, part]


@dataclasses.dataclass
class _Layout:
    """Where a text file's header ends and what it says."""

    names: list[str]
    rows: dict[str, list[str]]  # Qualtrics' "questions" and "ids" rows, when present
    skip: int  # records before the first data row (header rows and blank lines)


def _header_width(path: Path, names: list[str], rows: dict[str, list[str]], sep: str) -> None:
    """Every Qualtrics header row has one cell per column id, or the file is refused."""
    for number, (kind, row) in enumerate(rows.items(), start=2):
        if kind == "ids" and len(row) != len(names):
            rows[kind] = _rejoin(row, sep)  # '{"ImportId":"QID1","choiceId":"1"}' unquoted
        if len(rows[kind]) != len(names):
            what = "question texts" if kind == "questions" else "ImportIds"
            raise ValueError(
                _unreadable(
                    path,
                    f"as a Qualtrics export: header row {number} ({what}) has {len(row)} "
                    f"fields where row 1 has {len(names)} column ids, so its cells cannot be "
                    f"matched to the columns (a value with an unquoted {sep!r} or a missing "
                    f"cell shifts every later one). Export the file again, or quote that "
                    f"value",
                )
            )


def _data_width(path: Path, row: list[str], width: int, line: int, sep: str) -> int:
    """A data row's length; one longer than the header is refused unless the extra
    fields are empty (a separator at the end of each line)."""
    if len(row) > width and any(c.strip() for c in row[width:]):
        extra = [c for c in row[width:] if c.strip()]
        raise ValueError(
            _unreadable(
                path,
                f"as CSV: line {line} has {len(row)} fields where the header has {width} "
                f"(extra values {v.format_values(extra)}); a value with an unquoted {sep!r} "
                f"shifts every later column. Quote that value or remove the extra fields",
            )
        )
    return len(row)


def _layout(text: str, sep: str, path: Path, qualtrics: bool) -> _Layout:
    """The header: one row, or Qualtrics' two or three, each checked against the first
    row's column count; and no Qualtrics header row among the first rows of answers."""
    with _field_limit(len(text)):
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        try:
            head: list[tuple[list[str], int]] = []  # non-blank rows, records read so far
            for count, row in enumerate(reader, start=1):
                if not _blank(row):
                    head.append((row, count))
                    if len(head) == 3:
                        break
            if not head:
                raise ValueError(_unreadable(path, "as a survey: the file is empty"))
            kinds = _qualtrics_shape([r for r, _ in head]) if qualtrics else []
            names = head[0][0]
            rows = {kind: head[i][0] for i, kind in enumerate(kinds, start=1)}
            _header_width(path, names, rows, sep)
            answers = [r for r, _ in head[1 + len(kinds) :]]
            for row in itertools.islice(reader, 10):
                answers.append(row)
            if qualtrics and any(_import_row(row) for row in answers):
                raise ValueError(
                    _unreadable(
                        path,
                        "as a Qualtrics export: a row of ImportIds sits among the answers, "
                        "so a header row is broken (a line break in an unquoted question "
                        "text?). Export the file again",
                    )
                )
        except csv.Error as e:
            raise ValueError(_unreadable(path, f"as CSV ({e})")) from None
    return _Layout(names=names, rows=rows, skip=head[len(kinds)][1])


def _widest(text: str, sep: str, layout: _Layout, path: Path) -> int:
    """The most fields in a data row, when some row is longer than the header: refused
    (naming the line) unless the extra fields are all empty."""
    width = len(layout.names)
    with _field_limit(len(text)):
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        try:
            for count, row in enumerate(reader, start=1):
                if count > layout.skip:
                    width = max(
                        width, _data_width(path, row, len(layout.names), reader.line_num, sep)
                    )
        except csv.Error as e:
            raise ValueError(_unreadable(path, f"as CSV ({e})")) from None
    return width


def _refuse_repeats(path: Path, names: list[str], qualtrics: bool) -> None:
    counts = Counter(names)  # not names.count(n) per name: a file may have 100,000 columns
    repeated = v.format_values(sorted(n for n, k in counts.items() if k > 1))
    if repeated != "[]":  # pandas would rename them "q1.1", silently
        why = (
            f"as a Qualtrics export: repeated column ids {repeated}"
            if qualtrics
            else f"as CSV: the column name(s) {repeated} appear twice or more"
        )
        raise ValueError(_unreadable(path, f"{why}; rename them so each column has one name"))


def _pandas_rows(text: str, sep: str, names: list[str], skip: int, options: dict) -> Any:
    with warnings.catch_warnings():
        # "Length of header or names does not match": a row longer than the names,
        # whose extra values pandas would drop
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            names=names,
            skiprows=skip,
            index_col=False,  # never the first column as the index of a longer row
            **options,
        )


def _read_rows(text: str, sep: str, layout: _Layout, path: Path, **options: Any) -> pd.DataFrame:
    """The data rows under the header, one column per name (never shifted). A row
    longer than the header is refused unless its extra fields are empty."""
    extra: list[str] = []
    try:
        try:
            raw = _pandas_rows(text, sep, layout.names, layout.skip, options)
        except (pd.errors.ParserError, pd.errors.ParserWarning):
            # find the row with the precise csv module (refused if it holds values),
            # else read again with a name for each empty extra field
            width = _widest(text, sep, layout, path)
            if width == len(layout.names):
                raise
            extra = [f"\x00extra{i}" for i in range(width - len(layout.names))]
            raw = _pandas_rows(text, sep, [*layout.names, *extra], layout.skip, options)
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError) as e:
        raise ValueError(_unreadable(path, f"as CSV ({str(e).strip()})")) from None
    if len(raw) == 0:
        raise ValueError(
            _unreadable(path, "as a survey: it has a header but no answers (no data rows)")
        )
    return raw.drop(columns=extra)


def _big_integers(series: pd.Series) -> pd.Series | None:
    """Whole numbers some of which lie beyond int64 -> exact Python ints (object
    column, None where missing); None when the column is anything else."""
    if series.dtype != np.uint64 and not pd.api.types.is_object_dtype(series.dtype):
        if not pd.api.types.is_string_dtype(series.dtype):
            return None
        if not series.str.len().max() >= 19:  # 2**63 has 19 digits (NaN: all missing)
            return None
    values: list[int | None] = []
    for x in series:
        if isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_):
            values.append(int(x))
        elif isinstance(x, str) and _INTEGER.fullmatch(x):
            values.append(int(x))
        elif (
            x is None
            or (isinstance(x, str) and not x.strip())
            or (isinstance(x, float) and np.isnan(x))
        ):
            values.append(None)
        else:
            return None
    if all(x is None or -(2**63) <= x < 2**63 for x in values):
        return None
    return pd.Series(values, index=series.index, name=series.name, dtype=object)


def _warn_big(path: Path, columns: Mapping[Hashable, pd.Series]) -> None:
    """One warning naming the columns of whole numbers beyond int64 (kept exact)."""
    big = [c for c, s in columns.items() if s.dtype == object and _kind(s) == "integer"]
    if big:
        example = next(x for x in columns[big[0]] if x is not None and not pd.isna(x))
        warnings.warn(
            f"read_survey: {path.name}: column(s) {v.format_values(big)} hold whole numbers "
            f"beyond the 64-bit range (e.g. {example}); they are kept exact as Python ints "
            f"(dtype object, type 'integer' in the codebook), as such numbers are usually "
            f"identifiers. For arithmetic use data[column].astype(float), which keeps "
            f"about 16 significant digits.",
            UserWarning,
            stacklevel=5,  # the call of read_survey
        )


def _import_id(cell: str) -> str:
    try:
        return str(json.loads(cell).get("ImportId", ""))
    except (ValueError, AttributeError, RecursionError):
        return ""


def _qualtrics_column(name: str, raw: pd.Series) -> pd.Series:
    """Qualtrics text -> dates, booleans (Finished) or numbers (recode values) where they fit."""
    present = raw.dropna()
    if name in _QUALTRICS_DATES:
        try:
            return pd.to_datetime(raw, format="%Y-%m-%d %H:%M:%S")
        except (ValueError, TypeError):
            return raw
    if name == "Finished" and present.isin(["1", "0", "True", "False", "true", "false"]).all():
        return raw.isin(["1", "True", "true"]).astype("boolean").mask(raw.isna())
    big = _big_integers(raw)
    if big is not None:
        return big
    numbers = pd.to_numeric(raw, errors="coerce")
    if len(present) and numbers[raw.notna()].notna().all():
        return numbers.astype("float64")
    return raw


def _read_qualtrics(path: Path, text: str, sep: str, layout: _Layout) -> Survey:
    names = layout.names
    questions, ids = layout.rows.get("questions", []), layout.rows.get("ids", [])
    _refuse_repeats(path, names, qualtrics=True)
    raw = _read_rows(text, sep, layout, path, dtype=str, keep_default_na=False, na_values=[""])
    out, rows = {}, []
    for i, (name, column) in enumerate(raw.items()):
        meta = name in QUALTRICS_METADATA or name.startswith("Recipient")
        out[name] = _tidy_numbers(_qualtrics_column(name, column))
        question = questions[i] if questions else ""
        rows.append(
            _row(
                name,
                out[name],
                label="" if _PLACEHOLDER.match(question) else question,
                role="metadata" if meta else "answer",
                source_id=_import_id(ids[i]) if ids else "",
            )
        )
    data = pd.DataFrame(out, index=raw.index)
    _warn_big(path, out)
    return _finish(data, rows, [], format="qualtrics", path=str(path))


def _descriptor(codebook: Any, path: Path) -> tuple[dict[str, Any] | None, str]:
    """The datapackage descriptor and where it came from: ``codebook`` (a path, read and
    checked by :func:`cxresearch.datasets.codebook`, or a dict) or datapackage.json
    beside the file."""
    from .datasets import codebook as read_package

    if codebook is None:
        beside = path.parent / "datapackage.json"
        if not os.path.lexists(beside):  # a folder or a link loop of that name is refused
            return None, ""
        codebook = beside
    if isinstance(codebook, Mapping):
        return dict(codebook), "the dict given"
    if not isinstance(codebook, str | os.PathLike):
        raise TypeError(
            f"codebook must be a path to a datapackage.json or its contents as a dict, "
            f"got {type(codebook).__name__}."
        )
    try:
        return read_package(codebook), repr(str(codebook))
    except ValueError as e:
        raise ValueError(f"codebook: {e}") from None


def _resource_for(descriptor: dict[str, Any], path: Path, source: str) -> dict[str, Any]:
    if "schema" in descriptor and "resources" not in descriptor:  # a single resource
        return descriptor
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, Mapping) for r in resources):
        raise ValueError(
            f"codebook: {source}: resources must be a list of resources (objects with a "
            f"'path' and a 'schema'), got {type(resources).__name__}."
        )

    def names(r: Mapping) -> list[str]:
        paths = r.get("path", [])
        return [Path(str(p)).name for p in (paths if isinstance(paths, list) else [paths])]

    for r in resources:
        if path.name in names(r) and "schema" in r:
            return dict(r)
    raise ValueError(
        f"codebook: {source}: no resource with path {path.name!r} and a schema in the data "
        f"package; it describes {v.format_values([r.get('path') for r in resources])}. Add "
        f"one for this file."
    )


def _datapackage_rows(resource: dict[str, Any], data: pd.DataFrame, user: dict) -> list[dict]:
    rows = []
    markers = resource.get("missingValues", resource["schema"].get("missingValues", [""]))
    missing = [m for m in markers if m != ""]
    for field in resource["schema"]["fields"]:
        name = field["name"]
        enum = field.get("constraints", {}).get("enum")
        scale = str(field.get("scale", ""))
        ends = [s.strip() for s in scale.split("...")] if "..." in scale else []
        direction = _direction({0: ends[0], 1: ends[-1]}) if len(ends) >= 2 else ""
        rows.append(
            _row(
                name,
                data[name],
                label=field.get("title") or field.get("description", ""),
                values=scale or (", ".join(str(x) for x in enum) if enum else ""),
                missing_codes=", ".join(missing),
                direction=direction,
                n_user_missing=user.get(name, 0),
            )
        )
    return rows


def _read_datapackage(path: Path, resource: dict[str, Any], encoding: str, sep: str) -> Survey:
    from .datasets import read_resource, validate_frame

    try:  # the descriptor on its own first: a malformed one is the codebook's fault
        validate_frame(pd.DataFrame(), resource)
    except ValueError as e:
        raise ValueError(f"codebook: {e}") from None
    # the file's own encoding and separator unless the codebook declares them
    declared = resource.get("encoding", encoding)
    if encoding == "utf-8-sig" and codecs.lookup(declared).name == "utf-8":
        declared = encoding  # a byte-order mark before UTF-8 text (as Excel writes)
    dialect = {"delimiter": sep, **resource.get("dialect", {})}
    resource = {**resource, "encoding": declared, "dialect": dialect}
    try:
        raw = read_resource(resource, path=path)
        markers = resource.get("missingValues", resource["schema"].get("missingValues", [""]))
        markers = [m for m in markers if m != ""]
        text = read_resource({**resource, "missingValues": []}, path=path) if markers else None
    except ValueError as e:
        raise ValueError(f"path: {e}") from None
    data, problems = validate_frame(raw, resource)
    if problems:
        details = "\n  - ".join(problems)
        raise ValueError(f"path: {str(path)!r} does not match its codebook:\n  - {details}")
    if len(data) == 0:
        raise ValueError(_unreadable(path, "as a survey: it has a header but no answers"))
    user: dict[str, int] = {}
    if text is not None:
        user = {c: int(text[c].isin(markers).sum()) for c in text.columns}
    rows = _datapackage_rows(resource, data, user)
    _warn_big(path, dict(data.items()))
    return _finish(data, rows, [], format="datapackage", path=str(path))


def _read_plain(path: Path, text: str, sep: str, layout: _Layout) -> Survey:
    names = [n if n else f"Unnamed: {i}" for i, n in enumerate(layout.names)]
    if len(names) == 1 and sep == "," and (";" in names[0] or "\t" in names[0]):
        fix = (
            "separated by ';' (as Excel writes in some languages). Save it comma-separated"
            if ";" in names[0]
            else "separated by tabs. Name it .tsv"
        )
        raise ValueError(
            _unreadable(path, f"as CSV: its header is one field {names[0][:60]!r}, {fix}")
        )
    _refuse_repeats(path, names, qualtrics=False)
    raw = _read_rows(text, sep, dataclasses.replace(layout, names=names), path)
    columns = {}
    for c, series in raw.items():  # not raw[c]: slow on a frame of 100,000 columns
        big = _big_integers(series)
        columns[c] = _tidy_numbers(series if big is None else big)
    data = pd.DataFrame(columns, index=raw.index)
    rows = [_row(c, series) for c, series in columns.items()]
    _warn_big(path, columns)
    return _finish(data, rows, [], format="csv", path=str(path))


def _read_text(path: Path, codebook: Any) -> Survey:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    text, encoding = _text(path)
    if not text.strip():
        raise ValueError(_unreadable(path, "as a survey: the file is empty"))
    layout = _layout(text, sep, path, qualtrics=codebook is None)
    if layout.rows:
        return _read_qualtrics(path, text, sep, layout)
    descriptor, source = _descriptor(codebook, path)
    if descriptor is not None:
        resource = _resource_for(descriptor, path, source)
        return _read_datapackage(path, resource, encoding, sep)
    return _read_plain(path, text, sep, layout)


# -------------------------------------------------------------------------------- reading


def read_survey(path: str | os.PathLike, *, codebook: Any = None) -> Survey:
    """Read a survey file (SPSS, Stata, Qualtrics, CSV) into data and a codebook.

    Parameters
    ----------
    path : str or path-like
        The file: ``.sav``, ``.zsav``, ``.por`` (SPSS), ``.dta`` (Stata), or ``.csv`` /
        ``.tsv`` (a Qualtrics export, a CSV described by a Frictionless data package, or
        a plain CSV). The file is only read, never changed.
    codebook : str, path-like or dict, optional
        For a CSV: the Frictionless ``datapackage.json`` describing it (a path, the
        parsed descriptor, or one resource with a ``schema``). By default a
        ``datapackage.json`` beside the file is used when there is one. Not allowed
        for SPSS and Stata files, which carry their own codebook.

    Returns
    -------
    Survey
        ``.data`` (the answers), ``.codebook`` (a row per column), ``.value_labels``,
        ``.n_missing`` per column, ``.format``; its ``repr`` prints the codebook.

    Raises
    ------
    TypeError
        If ``path`` is not a path, or ``codebook`` not a path or dict.
    ValueError
        If its ending is not one of :data:`FORMATS` (the message lists them); if the
        path is no readable regular file (missing, a folder, a symbolic-link loop, a
        pipe) or the file is empty; if it cannot be read as its format (not text in
        a known encoding, NUL bytes, an SPSS or Stata file that looks truncated or
        corrupt); if it has a header but no answers; if a row has more fields than the
        header, or a Qualtrics header row another number of fields than the first (a
        value with an unquoted separator would shift every later column); if column
        names repeat; if ``codebook`` (or the ``datapackage.json`` beside the file) is
        malformed (the message names the file and the key) or the CSV breaks its schema
        (every problem is listed); or if ``codebook`` is given for an SPSS or Stata
        file.
    ModuleNotFoundError
        If an SPSS or Stata file is read without pyreadstat installed.

    Warns
    -----
    UserWarning
        If a column of whole numbers has values beyond the 64-bit integer range
        (below :math:`-2^{63}` or from :math:`2^{63}` on). They are kept exact, as
        Python ints in an ``object`` column whose codebook type is ``integer``: such
        long numbers are nearly always identifiers (panel or order numbers), which a
        float would round so that different respondents share one id. For arithmetic,
        ``data[column].astype(float)`` keeps about 16 significant digits.

    Notes
    -----
    SPSS files are read with pyreadstat's ``user_missing=True``: the declared missing
    codes (say 99 = "no answer" or the range -9 to -1) are turned into NaN here and
    counted per column (``n_user_missing`` in the codebook); Stata's extended missing
    values ``.a`` to ``.z`` are treated the same way. SPSS portable (``.por``) files
    keep no user-missing information. A labelled numeric column becomes a
    ``Categorical`` of its labels only when every value present has a label; it is
    ordered when SPSS declares it ordinal, or when its codes are 3 to 11 consecutive
    whole numbers whose lowest and highest labels mark the two ends of a rating scale
    ("strongly disagree" ... "strongly agree", "very poor" ... "excellent"), even if
    SPSS calls it nominal (its default) or Stata says nothing. That direction (here
    ascending) is read from those two labels with a short list of English words;
    check the codebook's ``direction`` column for scales in other languages. Qualtrics exports keep their recode values (numbers stay numbers);
    the dates of the response metadata become datetimes and ``Finished`` a boolean.
    Qualtrics' optional -99 for "seen but unanswered" is kept as a value: set it to
    NaN yourself if your export used it.

    A Qualtrics export is recognised from its header rows: column ids, then question
    texts, then ``{"ImportId": ...}`` cells (three rows), or two of them (ids and
    ImportIds; ids and question texts, recognised by the response-metadata columns'
    texts such as "Start Date"). Every header row must have one cell per column; an
    ImportId cell split at a comma inside its JSON is joined again. A CSV row with
    more fields than the header is refused unless the extra fields are empty (a
    separator at the end of each line); a shorter row's missing cells are missing
    values.

    The file is checked for truncation: rows read against the row count in its
    header; a Stata 13+ file's end tag; a Stata 8-12 file's value-label tables,
    walked to the end of the file (a file cut between two tables still reads but
    names label sets it lacks, which is refused too); an SPSS portable file's end mark.
    pyreadstat refuses a cut SPSS ``.sav`` or ``.zsav`` file itself. ReadStat, the C
    library under pyreadstat, can crash the Python process on some deliberately
    crafted (not merely cut or damaged) SPSS files; open SPSS files from untrusted
    sources in a separate process.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxresearch as cx
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lines = [
    ...     "ResponseId,Finished,Q1",
    ...     "Response ID,Finished,How satisfied are you?",
    ...     '{"ImportId":"_recordId"},{"ImportId":"finished"},{"ImportId":"QID1"}',
    ...     "R_1,1,5",
    ...     "R_2,1,",
    ...     "R_3,0,2",
    ... ]
    >>> _ = (folder / "export.csv").write_text("\\n".join(lines) + "\\n")
    >>> result = cx.read_survey(folder / "export.csv")
    >>> result.format, result.n_rows
    ('qualtrics', 3)
    >>> result.codebook[["column", "label", "type", "n_missing", "role"]]
           column                   label     type  n_missing      role
    0  ResponseId             Response ID   string          0  metadata
    1    Finished                Finished  boolean          0  metadata
    2          Q1  How satisfied are you?  integer          1    answer
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {path!r}.")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(_unreadable(path, f"(unknown file ending {suffix or '(none)'!r})"))
    _check_file(path)
    if suffix in (".csv", ".tsv"):
        return _read_text(path, codebook)
    if codebook is not None:
        raise ValueError(
            f"codebook applies to CSV files only; {path.name!r} is a {FORMATS[suffix]} "
            f"file and carries its own labels. Leave codebook=None."
        )
    return _read_readstat(path, suffix[1:])


# -------------------------------------------------------------------------------- helpers


def _label_maps(codebook: Any) -> dict[Hashable, dict[str, Any]]:
    """column -> {label: code} from a Survey or its value_labels table."""
    if codebook is None:
        return {}
    table = codebook.value_labels if isinstance(codebook, Survey) else codebook
    if not isinstance(table, pd.DataFrame) or not {"column", "value", "label"} <= set(
        table.columns
    ):
        raise TypeError(
            "codebook must be a Survey (from read_survey) or its value_labels table "
            f"(columns column, value, label), got {type(codebook).__name__}."
        )
    maps: dict[Hashable, dict[str, Any]] = {}
    for col, value, label in table[["column", "value", "label"]].itertuples(index=False):
        maps.setdefault(col, {})[label] = value
    return maps


def _codes_of(series: pd.Series, mapping: dict[str, Any] | None, column: Hashable) -> pd.Series:
    """A categorical column -> its answer codes as floats (NaN stays NaN)."""
    categories = list(series.cat.categories)
    if mapping is None:
        numbers = pd.to_numeric(pd.Series(categories), errors="coerce")
        if numbers.isna().any():
            raise ValueError(
                f"columns: {column!r} holds labels {v.format_values(categories)} without "
                f"their codes; pass codebook= (the Survey from read_survey) to map them."
            )
        mapping = dict(zip(categories, numbers, strict=True))
    unknown = [c for c in categories if c not in mapping]
    if unknown:
        raise ValueError(
            f"columns: {column!r} has categories {v.format_values(unknown)} that the "
            f"codebook gives no code for."
        )
    codes = np.array([float(mapping[c]) for c in categories] + [np.nan])
    return pd.Series(codes[series.cat.codes.to_numpy()], index=series.index, name=series.name)


def as_codes(
    data: pd.DataFrame,
    *,
    columns: Hashable | Sequence[Hashable] | None = None,
    codebook: Any = None,
) -> pd.DataFrame:
    """Turn labelled (categorical) answers back into their numeric answer codes.

    Parameters
    ----------
    data : pandas.DataFrame
        The answers, e.g. ``Survey.data``.
    columns : str or list of str, optional
        Columns to convert; by default every categorical column.
    codebook : Survey or DataFrame, optional
        The :class:`Survey` the data came from, or its ``value_labels`` table: it maps
        each label to its code. Without it, categories must be numbers themselves
        (as in :func:`cxresearch.load_dataset`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with those columns as float codes (NaN where missing).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, a chosen column is not categorical, or
        ``codebook`` is of the wrong kind.
    ValueError
        If a column is unknown or a label has no code.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["Disagree", "Neutral", "Agree"]
    >>> data = pd.DataFrame(
    ...     {"q1": pd.Categorical(["Agree", None, "Disagree"], categories=labels, ordered=True)}
    ... )
    >>> book = pd.DataFrame({"column": "q1", "value": [1, 2, 3], "label": labels})
    >>> as_codes(data, codebook=book)["q1"].tolist()
    [3.0, nan, 1.0]
    """
    data = v.check_dataframe(data)
    if columns is None:
        cols = [c for c in data.columns if isinstance(data[c].dtype, pd.CategoricalDtype)]
    else:
        cols = v.check_columns(data, columns, "columns")
    maps = _label_maps(codebook)
    out = data.copy()
    for col in cols:
        if not isinstance(data[col].dtype, pd.CategoricalDtype):
            raise TypeError(
                f"columns: {col!r} is not categorical (dtype {data[col].dtype}); it already "
                f"holds its values."
            )
        out[col] = _codes_of(data[col], maps.get(col), col)
    return out


def _reverse_columns(columns: Any) -> list[Hashable]:
    """A Survey or codebook table -> its columns with direction 'descending'."""
    if isinstance(columns, Survey):
        columns = columns.codebook
    if isinstance(columns, pd.DataFrame):
        if not {"column", "direction"} <= set(columns.columns):
            raise ValueError(
                "columns: a codebook table needs the columns 'column' and 'direction', "
                f"got {v.format_values(columns.columns)}."
            )
        return list(columns.loc[columns["direction"] == "descending", "column"])
    return v.as_column_list(columns, "columns")


def reverse_code(
    data: pd.DataFrame,
    *,
    columns: Any,
    scale: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Reverse-code items: ``low + high - x`` on a ``(low, high)`` rating scale.

    Parameters
    ----------
    data : pandas.DataFrame
        The answers.
    columns : str, list of str, Survey or codebook DataFrame
        The items to reverse; a :class:`Survey` (or its codebook) means every column
        whose ``direction`` is ``descending``, so that afterwards a higher code means
        more agreement on every item.
    scale : (int, int), optional
        Lowest and highest code. Required for numeric columns; a categorical column
        is mirrored within its own categories (the first answer becomes the last).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with the items reversed (other columns unchanged).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, an item is neither numeric nor categorical, or
        ``scale`` is not a pair of integers.
    ValueError
        If a column is unknown, ``scale`` is missing for a numeric item, or a value
        lies outside it.

    Notes
    -----
    On a scale from :math:`l` to :math:`h`, the reversed answer is :math:`l + h - x`:
    on a 1-5 scale 1 becomes 5 and 2 becomes 4; on 0-10, 3 becomes 7.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"q1": [1, 2, 5], "q2": [0, 3, 10]})
    >>> reverse_code(data, columns="q1", scale=(1, 5))["q1"].tolist()
    [5, 4, 1]
    >>> reverse_code(data, columns=["q2"], scale=(0, 10))["q2"].tolist()
    [10, 7, 0]
    """
    data = v.check_dataframe(data)
    cols = v.check_columns(data, _reverse_columns(columns), "columns")
    bounds = None if scale is None else v.check_scale(scale)
    out = data.copy()
    for col in cols:
        series = data[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            cats = series.cat.categories
            flipped = np.where(series.cat.codes < 0, -1, len(cats) - 1 - series.cat.codes)
            out[col] = pd.Categorical.from_codes(flipped, dtype=series.dtype)
            continue
        v.check_numeric(data, [col], "columns")
        if bounds is None:
            raise ValueError(
                f"scale must be given to reverse the numeric column {col!r}, e.g. "
                f"scale=(1, 5); the lowest and highest answers seen are no safe guess."
            )
        v.check_range(series, col, "columns", *bounds)
        out[col] = bounds[0] + bounds[1] - series
    return out


def scale_score(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable],
    min_items: int | None = None,
    method: str = "mean",
    codebook: Any = None,
) -> ScaleScore:
    """Score a multi-item scale per respondent, with a minimum-items rule.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : list of str
        The item columns (numeric, or categorical answers turned into codes with
        :func:`as_codes`; pass ``codebook=`` for labelled ones). Reverse-code
        negatively worded items first (:func:`reverse_code`).
    min_items : int, optional
        Fewest answered items a score may rest on; rows with fewer get NaN and are
        counted in ``n_too_few``. Default: all items (a missing item, no score). A
        common rule is half of the items or more (e.g. 2 of 3).
    method : {"mean", "sum"}, default "mean"
        ``mean`` of the answered items, or ``sum``: that mean times the number of
        items (the sum the respondent would have had, so scores with and without a
        skipped item stay comparable).
    codebook : Survey or DataFrame, optional
        Passed to :func:`as_codes` for categorical items.

    Returns
    -------
    ScaleScore
        ``.table`` (``score`` and ``n_items`` per row, indexed like ``data``),
        ``.score``, ``n_scored``, ``n_too_few``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, an item is not numeric or categorical, or
        ``min_items`` is not an integer.
    ValueError
        If an item is unknown, fewer than one item is given, ``min_items`` is outside
        1 to the number of items, or ``method`` is not ``mean`` or ``sum``.

    Notes
    -----
    With :math:`A_i` the items answered by respondent :math:`i` and :math:`k` the
    number of items, the score is :math:`\\bar x_i = \\sum_{j \\in A_i} x_{ij} / |A_i|`
    when :math:`|A_i| \\ge` ``min_items`` (``sum``: :math:`k \\bar x_i`), else NaN.
    Averaging the available items is person-mean imputation; it is reasonable when few
    items are missing and the items are roughly parallel (Schafer & Graham 2002).

    References
    ----------
    Schafer, J. L., & Graham, J. W. (2002). Missing data: our view of the state of the
    art. *Psychological Methods*, 7(2), 147-177.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"a": [4, 2, None], "b": [5, None, None], "c": [3, 4, 1]})
    >>> result = scale_score(data, items=["a", "b", "c"], min_items=2)
    >>> result.score.tolist(), result.n_too_few
    ([4.0, 3.0, nan], 1)
    """
    data = v.check_dataframe(data)
    cols = v.check_columns(data, items, "items")
    if not cols:
        raise ValueError("items must name at least one column.")
    k = len(cols)
    need = k if min_items is None else v.check_integer(min_items, "min_items", low=1, high=k)
    v.check_one_of(method, ["mean", "sum"], "method")
    categorical = [c for c in cols if isinstance(data[c].dtype, pd.CategoricalDtype)]
    frame = as_codes(data[cols], columns=categorical, codebook=codebook) if categorical else data
    v.check_numeric(frame, cols, "items")
    values = frame[cols].astype(float)
    n_items = values.notna().sum(axis=1)
    score = values.mean(axis=1).where(n_items >= need)
    if method == "sum":
        score = score * k
    table = pd.DataFrame({"score": score, "n_items": n_items.astype("int64")}, index=data.index)
    n_scored = int(score.notna().sum())
    return ScaleScore(
        table=table,
        items=tuple(cols),
        method=method,
        min_items=need,
        n_scored=n_scored,
        n_too_few=len(data) - n_scored,
    )


def missing_report(
    data: pd.DataFrame, *, columns: Hashable | Sequence[Hashable] | None = None
) -> MissingReport:
    """Count missing values per column and per pattern of missing values.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (e.g. ``Survey.data``; declared missing codes are NaN
        there already).
    columns : str or list of str, optional
        Columns to look at; by default all.

    Returns
    -------
    MissingReport
        ``.table`` per column (``n_missing``, ``share_missing``, ``n``), ``.patterns``
        (one row per pattern, most frequent first), ``n_rows``, ``n_complete``,
        ``n_patterns``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is unknown or ``data`` has no rows.

    Notes
    -----
    Little's (1988) test of missing completely at random (MCAR) is not included: no
    maintained Python library offers it (statsmodels and pingouin do not; the PyPI
    packages that do, such as pyampute, are early releases without recent
    maintenance), and the package does not write its own. In R, ``naniar::mcar_test``
    runs it. The patterns table shows whether missingness concentrates in a few
    items or respondents, which is what decides between listwise deletion and
    multiple imputation (``fit_drivers(missing="mice")``).

    References
    ----------
    Little, R. J. A. (1988). A test of missing completely at random for multivariate
    data with missing values. *Journal of the American Statistical Association*,
    83(404), 1198-1202.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"a": [1, None, 3, None], "b": [1, 2, None, None]})
    >>> report = missing_report(data)
    >>> report.table["n_missing"].tolist(), report.n_complete
    ([2, 2], 1)
    >>> report.patterns[["pattern", "n"]].to_dict("list")
    {'pattern': ['..', '.X', 'X.', 'XX'], 'n': [1, 1, 1, 1]}
    """
    data = v.check_dataframe(data)
    cols = list(data.columns) if columns is None else v.check_columns(data, columns, "columns")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one is needed for a missing-data report.")
    missing = data[cols].isna()
    n_missing = missing.sum(axis=0).astype("int64")
    table = pd.DataFrame(
        {
            "column": cols,
            "n_missing": n_missing.to_numpy(),
            "share_missing": n_missing.to_numpy() / len(data),
            "n": (len(data) - n_missing).to_numpy(),
        }
    )
    marks = np.where(missing.to_numpy(), "X", ".")
    counts = pd.Series(["".join(row) for row in marks], dtype=object).value_counts()
    counts = counts.reset_index().set_axis(["pattern", "n"], axis=1)
    counts = counts.sort_values(["n", "pattern"], ascending=[False, True], kind="mergesort")
    counts["columns_missing"] = [
        ", ".join(str(c) for c, x in zip(cols, p, strict=True) if x == "X")
        for p in counts["pattern"]
    ]
    counts["n_columns_missing"] = counts["pattern"].str.count("X")
    counts["share"] = counts["n"] / len(data)
    patterns = counts[["pattern", "columns_missing", "n_columns_missing", "n", "share"]]
    return MissingReport(
        table=table,
        patterns=patterns.reset_index(drop=True),
        n_rows=len(data),
        n_complete=int((~missing.any(axis=1)).sum()),
        n_patterns=len(counts),
    )
