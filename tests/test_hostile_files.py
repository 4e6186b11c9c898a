"""read_survey on hostile files (issue 26): property-based suites, one per class of file.

Each suite generates files of its class (encodings, line endings, header shapes,
truncation offsets, names in Latin, Persian and Cyrillic script) and checks the contract:
the right result, or one ``ValueError`` / ``TypeError`` whose message names the file and
says what is wrong and what to do; never another exception, never a silently wrong
answer, never a changed input file. Larger variants are marked ``slow``.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch import datasets, survey

# No example database: the suites write nothing outside pytest's temporary folders.
# Each property runs FAST in the normal suite and again with SLOW (ten times the
# examples) as a test of the same name ending in _many, marked slow.
FAST = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(
    max_examples=600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _also_slow(**strategies):
    """``@given(**strategies)`` with FAST settings, plus a twin named ``<test>_many``
    with SLOW settings, marked slow, put beside it in this module."""

    def make(check):
        twin = pytest.mark.slow(SLOW(given(**strategies)(_copy(check))))
        globals()[f"{check.__name__}_many"] = twin
        return FAST(given(**strategies)(check))

    return make


def _copy(function):
    """The same function as a new object (hypothesis keeps its settings on it)."""

    def twin(*args, **kwargs):
        return function(*args, **kwargs)

    twin.__name__ = twin.__qualname__ = function.__name__ + "_many"
    twin.__signature__ = inspect.signature(function)
    return twin


_SCRIPTS = "abcxyzآبپتسیرضابвгдежз_"
NAMES = st.text(alphabet=_SCRIPTS, min_size=1, max_size=6)
TEXT = st.text(alphabet=_SCRIPTS + " ,;\"'\n?…", max_size=20)  # question texts
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])


def _stamp(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _outcome(path: Path, **kwargs):
    """("ok", Survey, warnings) or ("error", message, warnings): only TypeError and
    ValueError may escape read_survey; the file is the same before and after."""
    before = _stamp(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", cx.read_survey(path, **kwargs))
        except (TypeError, ValueError) as e:
            result = ("error", str(e))
    assert _stamp(path) == before, "read_survey changed its input file"
    messages = [str(w.message) for w in caught]
    if result[0] == "error":
        # the message names the argument and the file, and is one readable sentence
        assert re.match(r"^(path|codebook)[: ]", result[1]), result[1]
        assert path.name in result[1] or "codebook" in result[1], result[1]
    return (*result, messages)


def _cell(value, sep: str) -> str:
    """A CSV cell, quoted when it holds the separator, a quote or a line break (the csv
    module quotes only the characters of its own line terminator)."""
    text = str(value)
    if any(c in text for c in (sep, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_rows(path: Path, rows, *, sep=",", ending="\n", encoding="utf-8") -> None:
    text = "".join(sep.join(_cell(c, sep) for c in row) + ending for row in rows)
    path.write_bytes(text.encode(encoding))


def _as_floats(values) -> np.ndarray:
    return np.array([np.nan if x is None else float(x) for x in values])


# ------------------------------------------------------------- Qualtrics header shapes

META = {  # response metadata with text values (numbers would be typed as numbers)
    "ResponseId": ("_recordId", lambda i: f"R_{i}"),
    "DistributionChannel": ("distributionChannel", lambda i: "email"),
    "UserLanguage": ("userLanguage", lambda i: ["EN", "FA", "RU"][i % 3]),
    "IPAddress": ("ipAddress", lambda i: f"10.0.0.{i}"),
    "ExternalReference": ("externalDataReference", lambda i: f"ext-{i}"),
}
SHAPES = {  # the header rows after the column ids
    "three rows": ["questions", "ids"],
    "two rows: ids and question texts": ["questions"],
    "two rows: ids and ImportIds": ["ids"],
}


@st.composite
def qualtrics_exports(draw, min_meta=2):
    meta = draw(st.lists(st.sampled_from(sorted(META)), min_size=min_meta, max_size=5, unique=True))
    items = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    n = draw(st.integers(1, 6))
    answers = {
        c: draw(st.lists(st.one_of(st.none(), st.integers(1, 7)), min_size=n, max_size=n))
        for c in items
    }
    return {
        "meta": meta,
        "items": items,
        "questions": draw(st.lists(TEXT, min_size=len(items), max_size=len(items))),
        "answers": answers,
        "n": n,
        "shape": draw(st.sampled_from(sorted(SHAPES))),
    }


def _qualtrics_rows(export, shape=None):
    meta, items, n = export["meta"], export["items"], export["n"]
    rows = [meta + items]
    for kind in SHAPES[shape or export["shape"]]:
        if kind == "questions":
            rows.append([survey.QUALTRICS_METADATA[m] for m in meta] + export["questions"])
        else:
            ids = [META[m][0] for m in meta] + [f"QID{k + 1}" for k in range(len(items))]
            rows.append([json.dumps({"ImportId": i}, separators=(",", ":")) for i in ids])
    for i in range(n):
        answers = [
            "" if export["answers"][c][i] is None else export["answers"][c][i] for c in items
        ]
        rows.append([META[m][1](i) for m in meta] + answers)
    return rows


@_also_slow(export=qualtrics_exports(), ending=ENDINGS, encoding=ENCODINGS, tsv=st.booleans())
def test_qualtrics_header_shapes_are_recognised(tmp_path_factory, export, ending, encoding, tsv):
    # a two-row export (no ImportIds, or no question texts) was read as data: every
    # column text, the question row a respondent
    path = tmp_path_factory.mktemp("qualtrics") / ("export.tsv" if tsv else "export.csv")
    _write_rows(
        path, _qualtrics_rows(export), sep="\t" if tsv else ",", ending=ending, encoding=encoding
    )
    status, result, _ = _outcome(path)
    event(f"{export['shape']}: {status}")
    assert status == "ok", result
    assert result.format == "qualtrics" and result.n_rows == export["n"]
    book = result.codebook.set_index("column")
    assert list(result.data.columns) == export["meta"] + export["items"]
    for c in export["items"]:
        np.testing.assert_array_equal(
            result.data[c].to_numpy(dtype=float), _as_floats(export["answers"][c])
        )
    assert set(book.index[book["role"] == "metadata"]) == set(export["meta"])
    kinds = SHAPES[export["shape"]]
    questions = [q.replace("\r\n", "\n").replace("\r", "\n") for q in export["questions"]]
    expected = questions if "questions" in kinds else [""] * len(questions)
    assert book.loc[export["items"], "label"].tolist() == expected
    ids = [f"QID{k + 1}" for k in range(len(export["items"]))] if "ids" in kinds else None
    assert book.loc[export["items"], "source_id"].tolist() == (ids or [""] * len(questions))


def _line(cells, sep=","):
    return sep.join(cells)


@_also_slow(
    export=qualtrics_exports(),
    row=st.sampled_from([1, 2]),
    edit=st.sampled_from(["extra field", "missing field", "split ImportId"]),
    where=st.integers(0, 100),
    ending=ENDINGS,
)
def test_a_qualtrics_header_row_of_another_width_is_refused_never_shifted(
    tmp_path_factory, export, row, edit, where, ending
):
    # an extra field in the ImportId row shifted every later source_id by one column
    export = {**export, "questions": [f"question {k}" for k in range(len(export["items"]))]}
    rows = [[str(c) for c in r] for r in _qualtrics_rows(export, "three rows")]
    width = len(rows[0])
    at = where % width
    if edit == "extra field":
        rows[row].insert(at, "stray")
    elif edit == "missing field":
        del rows[row][at]
    elif row == 2:  # an ImportId with a second key, written without CSV quoting
        rows[row][at] = rows[row][at][:-1] + ', "choiceId":"1"}'
    path = tmp_path_factory.mktemp("width") / "export.csv"
    path.write_text(ending.join(_line(r) for r in rows) + ending, encoding="utf-8")
    status, result, _ = _outcome(path)
    event(f"{edit} in header row {row + 1}: {status}")
    if status == "error":
        assert edit != "split ImportId" or row != 2, result
        assert re.search(
            rf"header row {row + 1} \((question texts|ImportIds)\) has \d+ fields where row 1 "
            rf"has {width} column ids.*Export the file again",
            result,
        ), result
        return
    # read: then every label and ImportId sits over its own column
    assert edit == "split ImportId"
    assert result.codebook["source_id"].tolist() == [META[m][0] for m in export["meta"]] + [
        f"QID{k + 1}" for k in range(len(export["items"]))
    ]
    assert result.codebook["label"].tolist()[len(export["meta"]) :] == export["questions"]


@_also_slow(
    export=qualtrics_exports(min_meta=0),
    column=st.integers(0, 100),
    at=st.integers(0, 100),
    ending=ENDINGS,
)
def test_a_line_break_in_an_unquoted_question_text_is_refused(
    tmp_path_factory, export, column, at, ending
):
    # the question row broke in two; its second half and the ImportId row were read
    # as respondents
    export["answers"] = {c: [1] * export["n"] for c in export["items"]}  # no blank rows
    export["questions"] = [f"question {k}" for k in range(len(export["items"]))]
    rows = [[str(c) for c in r] for r in _qualtrics_rows(export, "three rows")]
    j = len(export["meta"]) + column % len(export["items"])
    text = "question" + "".join(export["items"])
    k = 1 + at % (len(text) - 1)  # inside the text (at its ends it is a blank line)
    rows[1][j] = text[:k] + "\n" + text[k:]  # no quotes around it
    path = tmp_path_factory.mktemp("break") / "export.csv"
    path.write_text(ending.join(",".join(r) for r in rows) + ending, encoding="utf-8")
    status, result, _ = _outcome(path)
    event(f"line break: {status}")
    assert status == "error"
    assert re.search(
        r"header row 2 \(question texts\) has \d+ fields|a row of ImportIds sits among the answers",
        result,
    ), result
    assert "Export the file again" in result


# ------------------------------------------------------------------ ragged and short rows


@st.composite
def ragged_tables(draw):
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    n = draw(st.integers(1, 8))
    values = draw(
        st.lists(st.lists(st.integers(0, 9), min_size=len(names), max_size=len(names)),
                 min_size=n, max_size=n)
    )  # fmt: skip
    # per row: how many fields to add (>0) or drop (<0) at its end, and whether added
    # fields hold a value (an unquoted separator) or are empty (a trailing separator)
    change = draw(st.lists(st.integers(-len(names) + 1, 2), min_size=n, max_size=n))
    filled = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return names, values, change, filled


@_also_slow(table=ragged_tables(), ending=ENDINGS, qualtrics=st.booleans())
def test_rows_longer_than_the_header_are_refused(tmp_path_factory, table, ending, qualtrics):
    # "a,b\n1,2,3" was read with 1 as the row index, a=2, b=3: every value shifted
    names, values, change, filled = table
    lines = [",".join(names)]
    if qualtrics:
        lines += [
            ",".join(f"Q {c}" for c in names),
            ",".join(json.dumps({"ImportId": f"QID{k}"}) for k in range(len(names))),
        ]
    expected = []
    first_bad = None
    for row, k, full in zip(values, change, filled, strict=True):
        cells = [str(x) for x in row]
        if k < 0:
            cells = cells[:k]
        else:
            cells += [str(7 + j) if full else "" for j in range(k)]
        if k > 0 and full and first_bad is None:
            first_bad = (len(lines) + 1, len(cells))
        expected.append(row[: len(cells)] + [None] * (len(row) - len(cells)))
        lines.append(",".join(cells))
    path = tmp_path_factory.mktemp("ragged") / "survey.csv"
    path.write_bytes((ending.join(lines) + ending).encode())
    status, result, _ = _outcome(path)
    event(
        "longer row with a value: " + status if first_bad else "no value past the header: " + status
    )
    if first_bad is not None:
        assert status == "error"
        line, fields = first_bad
        assert f"line {line} has {fields} fields where the header has {len(names)}" in result
        assert "Quote that value or remove the extra fields" in result
        return
    assert status == "ok", result
    assert list(result.data.columns) == names
    for j, c in enumerate(names):
        np.testing.assert_array_equal(
            result.data[c].to_numpy(dtype=float), _as_floats([r[j] for r in expected])
        )


# ---------------------------------------------------------------- integers beyond int64

HUGE = st.one_of(st.integers(2**63, 2**80), st.integers(-(2**80), -(2**63) - 1))
ORDINARY = st.integers(-(2**63), 2**63 - 1)


@_also_slow(
    values=st.lists(st.one_of(HUGE, ORDINARY, st.none()), min_size=1, max_size=8),
    kind=st.sampled_from(["csv", "qualtrics", "datapackage"]),
    encoding=ENCODINGS,
)
def test_integers_beyond_64_bits_stay_exact_whole_numbers(tmp_path_factory, values, kind, encoding):
    # 18446744073709551616 made the column text ("object" strings), or a float that
    # rounded it; 2**63 beside a blank gave the string ''
    present = [x for x in values if x is not None]
    assume(present)
    big = any(not -(2**63) <= x < 2**63 for x in present)
    folder = tmp_path_factory.mktemp("big")
    path = folder / "answers.csv"
    rows = [["id", "panel_id"]]
    if kind == "qualtrics":
        rows += [["Id", "Panel"], ['{"ImportId":"a"}', '{"ImportId":"b"}']]
    rows += [[str(i), "" if x is None else str(x)] for i, x in enumerate(values)]
    _write_rows(path, rows, encoding=encoding)
    codebook = None
    if kind == "datapackage":
        codebook = {
            "path": "answers.csv",
            "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "panel_id", "type": "integer"}]},
        }  # fmt: skip
    status, result, caught = _outcome(path, codebook=codebook)
    event(f"{kind}, {'beyond' if big else 'within'} int64: {status}")
    assert status == "ok", result
    column = result.data["panel_id"]
    got = [None if pd.isna(x) else x for x in column]
    assert (
        got == values
        if big
        else [None if x is None else float(x) for x in got]
        == [None if x is None else float(x) for x in values]
    )
    assert result.codebook.set_index("column").loc["panel_id", "type"] == "integer"
    if big:
        assert column.dtype == object and all(type(x) is int for x in present)
        assert [x for x in got if x is not None] == present  # exact, not rounded
        assert len(caught) == 1 and "beyond the 64-bit range" in caught[0]
        assert "astype(float)" in caught[0]
    else:
        assert not caught and pd.api.types.is_numeric_dtype(column.dtype)


def test_a_number_too_large_for_a_float_is_a_codebook_problem(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1e400\n2\n")
    codebook = {"schema": {"fields": [{"name": "x", "type": "number"}]}}
    with pytest.raises(ValueError, match=r"'x': values beyond the range of a number.*'1e400'"):
        cx.read_survey(tmp_path / "a.csv", codebook=codebook)


# ------------------------------------------------------------- truncated SPSS and Stata

_LIKERT = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied", 5: "Very satisfied"}  # fmt: skip
# pyreadstat's Stata versions: 8 writes dta 113, 10 dta 114, 12 dta 115, 13 dta 117,
# 14 dta 118, 15 dta 119
_WRITERS = {
    "sav": ("sav", {}),
    "zsav": ("zsav", {"compress": True}),
    "sav rows compressed": ("sav", {"row_compress": True}),
    "por": ("por", None),
    **{f"dta v{v}": ("dta", {"version": v}) for v in (8, 10, 12, 13, 14, 15)},
}


@pytest.fixture(scope="module")
def whole_files(tmp_path_factory):
    """One small labelled file per format: {name: (suffix, bytes)}."""
    pyreadstat = pytest.importorskip("pyreadstat")
    folder = tmp_path_factory.mktemp("whole")
    frame = pd.DataFrame(
        {
            "sat": [1.0, 2, 5, 4, 3, 99, 5, 1],
            "rating": [5.0, 4, 4, 2, 1, 3, 2, 5],
            "name": ["a", "ب", "в", "d", "e", "f", "g", "h"],
        }
    )
    labels = {"sat": {**_LIKERT, 99: "No answer"}, "rating": _LIKERT}
    files = {}
    for name, (suffix, options) in _WRITERS.items():
        path = folder / f"{name.replace(' ', '_')}.{suffix}"
        if suffix == "por" or (options or {}).get("version", 14) < 14:  # ASCII (or Latin-1)
            frame["name"] = list("abcdefgh")
        else:  # SPSS and dta 118+: UTF-8 text in any script
            frame["name"] = ["a", "ب", "в", "d", "e", "f", "g", "h"]
        if suffix == "por":
            pyreadstat.write_por(frame, str(path))
        elif suffix == "dta":
            pyreadstat.write_dta(frame, str(path), variable_value_labels=labels, **options)
        else:
            pyreadstat.write_sav(
                frame, str(path), variable_value_labels=labels, missing_ranges={"sat": [99]},
                **options,
            )  # fmt: skip
        assert cx.read_survey(path).n_rows == len(frame)  # the whole file reads
        files[name] = (suffix, path.read_bytes())
    return files


def _check_truncated(folder: Path, suffix: str, data: bytes, offset: int) -> str:
    """Read the file cut at ``offset``: refused, or (cut in padding after the data, as
    in an SPSS portable file's trailing 'Z's) exactly what the whole file gives."""
    whole = folder / f"whole.{suffix}"
    whole.write_bytes(data)
    path = folder / f"cut.{suffix}"
    path.write_bytes(data[:offset])
    status, result, caught = _outcome(path)
    assert not caught
    if status == "ok":
        expected = cx.read_survey(whole)
        pd.testing.assert_frame_equal(result.data, expected.data)
        pd.testing.assert_frame_equal(result.value_labels, expected.value_labels)
        pd.testing.assert_frame_equal(result.codebook, expected.codebook)
        return "read whole"
    assert re.search(r"looks truncated|truncated or corrupt|the file is empty", result), result
    assert "Copy or export it again" in result or "empty" in result
    return "refused"


@FAST
@given(data=st.data())
def test_a_truncated_spss_or_stata_file_is_refused(tmp_path_factory, whole_files, data):
    # a .dta cut inside its value labels read without error and lost the labels
    name = data.draw(st.sampled_from(sorted(whole_files)), label="format")
    suffix, whole = whole_files[name]
    offset = data.draw(st.integers(0, len(whole) - 1), label="offset")
    outcome = _check_truncated(tmp_path_factory.mktemp("cut"), suffix, whole, offset)
    event(f"{name}: {outcome}")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_WRITERS))
def test_a_spss_or_stata_file_cut_at_every_offset_is_refused(tmp_path, whole_files, name):
    suffix, whole = whole_files[name]
    outcomes = [_check_truncated(tmp_path, suffix, whole, k) for k in range(len(whole))]
    # only an SPSS portable file's end padding may be cut without loss
    assert outcomes.count("read whole") <= (80 if name == "por" else 0)


_MAGIC = (b"$FL2", b"$FL3", b"<stata", b"PK", b"\xd0\xcf")


@_also_slow(
    blob=st.binary(min_size=1, max_size=3000).filter(
        lambda b: not b.startswith(_MAGIC) and not 100 <= b[0] <= 120
    ),
    suffix=st.sampled_from(sorted(survey.FORMATS)),
)
def test_binary_garbage_with_any_survey_ending_is_refused(tmp_path_factory, blob, suffix):
    # Bytes that start like a real SPSS or Stata file are left out: ReadStat, the C
    # library under pyreadstat, can crash the process on a crafted one (see the report).
    path = tmp_path_factory.mktemp("garbage") / f"garbage{suffix}"
    path.write_bytes(blob)
    status, result, _ = _outcome(path)
    event(f"{suffix}: {status}")
    if status == "ok":  # bytes that happen to be a valid text table
        assert suffix in (".csv", ".tsv") and result.n_rows >= 1
    else:
        assert "cannot read" in result and "Allowed formats" in result


# -------------------------------------------------------------- malformed datapackage.json


def _good_package():
    return {
        "resources": [
            {
                "name": "answers",
                "path": "answers.csv",
                "missingValues": ["", "-99"],
                "schema": {
                    "fields": [
                        {"name": "id", "type": "integer", "constraints": {"required": True}},
                        {
                            "name": "sat",
                            "type": "integer",
                            "title": "Satisfaction",
                            "constraints": {"minimum": 1, "maximum": 5},
                        },
                        {
                            "name": "channel",
                            "type": "string",
                            "constraints": {"enum": ["store", "online"]},
                        },
                    ],
                    "primaryKey": "id",
                },
            }
        ]
    }


def _key_paths(value, prefix=()):
    """Every (path, value) in a JSON value, the root included."""
    yield prefix, value
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _key_paths(item, (*prefix, k))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _key_paths(item, (*prefix, i))


def _set(document, path, value):
    if not path:
        return value
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
HOSTILE_PATHS = st.sampled_from(
    [
        "../../etc/passwd", "/etc/passwd", "..", "../answers.csv", "sub/../../answers.csv",
        "C:\\data\\answers.csv", "\\\\server\\share\\answers.csv", "~/answers.csv",
        "answers.csv\x00.txt", "a/../../b.csv", "", " ",
    ]
)  # fmt: skip


@_also_slow(
    change=st.sampled_from(["retype", "delete", "hostile path", "text"]),
    which=st.integers(0, 10**6),
    value=JSON_VALUES,
    hostile=HOSTILE_PATHS,
    cut=st.integers(0, 10**6),
    beside=st.booleans(),
)
def test_a_malformed_datapackage_is_a_clear_error(
    tmp_path_factory, change, which, value, hostile, cut, beside
):
    # invalid JSON, wrong types, missing keys and paths outside the folder gave
    # KeyError, AttributeError, TypeError, or json's own errors
    folder = tmp_path_factory.mktemp("package")
    (folder / "answers.csv").write_text("id,sat,channel\n1,5,store\n2,-99,online\n")
    package = _good_package()
    paths = [p for p, _ in _key_paths(package)]
    if change == "retype":
        package = _set(package, paths[which % len(paths)], value)
    elif change == "delete":
        package = _set(package, paths[1:][which % (len(paths) - 1)], _DELETE)
    elif change == "hostile path":
        package["resources"][0]["path"] = hostile
    text = json.dumps(package)
    if change == "text":  # cut the file short, or break one character
        text = text[: cut % len(text)] if which % 2 else text.replace(":", "=", 1 + which % 5)
    if beside or change == "text":  # datapackage.json beside the file
        (folder / "datapackage.json").write_text(text, encoding="utf-8")
        status, result, _ = _outcome(folder / "answers.csv")
    else:  # the descriptor passed as codebook=
        status, result, _ = _outcome(folder / "answers.csv", codebook=package)
    event(f"{change} ({'beside' if beside or change == 'text' else 'dict'}): {status}")
    if change == "hostile path":  # refused, or (a dict, never read) matching no file
        assert status == "error"
        assert re.search(r"path must be a relative|no resource with path 'answers.csv'", result)
        return
    if status == "ok":  # the change kept a valid descriptor (a title that is still text)
        assert result.format in ("datapackage", "csv")
        return
    assert result.startswith(("codebook: ", "codebook must be", "path: ")), result
    named = "datapackage.json" if beside or change == "text" else "codebook"
    assert named in result or "does not match its codebook" in result, result


@_also_slow(relative=st.text(alphabet="ab./\\~:C\x00 ", min_size=1, max_size=12))
def test_a_resource_path_is_accepted_only_inside_the_package_folder(tmp_path_factory, relative):
    folder = tmp_path_factory.mktemp("inside") / "package"
    folder.mkdir()
    package = _good_package()
    package["resources"][0]["path"] = relative
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    try:
        datasets.codebook(folder / "datapackage.json")
    except ValueError as e:
        assert "resources[0].path must be a relative" in str(e)
        event("refused")
        return
    event("accepted")
    resolved = (folder / relative).resolve()
    assert resolved.is_relative_to(folder.resolve()), relative


def test_a_huge_or_deep_datapackage_is_refused_unread(tmp_path):
    (tmp_path / "answers.csv").write_text("id\n1\n")
    book = tmp_path / "datapackage.json"
    with open(book, "wb") as fh:
        fh.truncate(datasets.MAX_DESCRIPTOR_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ValueError, match=r"codebook: .*datapackage.json.* larger than 16 MiB"):
        cx.read_survey(tmp_path / "answers.csv")
    book.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"as JSON: it nests too deeply"):
        cx.read_survey(tmp_path / "answers.csv")
    book.write_text('{"resources": [], "resources": []}')
    with pytest.raises(ValueError, match=r"key\(s\) \['resources'\] appear twice"):
        cx.read_survey(tmp_path / "answers.csv")
    book.write_text('{"resources": [{"path": "answers.csv", "schema": {"fields": '
                    '[{"name": "id", "constraints": {"minimum": NaN}}]}}]}')  # fmt: skip
    with pytest.raises(ValueError, match=r"NaN is not a JSON number"):
        cx.read_survey(tmp_path / "answers.csv")


@pytest.mark.parametrize("kind", ["folder", "loop"])
def test_a_datapackage_that_is_not_a_file_is_refused_not_ignored(tmp_path, kind):
    (tmp_path / "answers.csv").write_text("id\n1\n")
    book = tmp_path / "datapackage.json"
    if kind == "folder":
        book.mkdir()
    else:
        book.symlink_to(book.name)
    with pytest.raises(ValueError, match=r"codebook: cannot read .*datapackage.json.* as a data"):
        cx.read_survey(tmp_path / "answers.csv")


# ----------------------------------------------------- empty, header-only, not a file


@_also_slow(
    bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
    blank=st.text(alphabet=" \t\r\n", max_size=8),
    header=st.one_of(st.none(), st.lists(NAMES, min_size=1, max_size=4, unique=True)),
    qualtrics=st.booleans(),
    ending=ENDINGS,
)
def test_an_empty_or_header_only_file_is_refused(
    tmp_path_factory, bom, blank, header, qualtrics, ending
):
    encoding = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(bom, "utf-8")
    text = blank
    if header is not None:
        lines = [",".join(header)]
        if qualtrics:
            lines += [",".join(header), ",".join('{"ImportId":"x"}' for _ in header)]
        lead = "".join(line + ending for line in blank.splitlines())  # blank lines
        text = lead + ending.join(lines) + ending + lead
    path = tmp_path_factory.mktemp("empty") / "survey.csv"
    path.write_bytes(bom + text.encode(encoding))
    status, result, _ = _outcome(path)
    event(("blank" if header is None else "header only") + f": {status}")
    assert status == "error"
    if header is None:
        assert "the file is empty" in result
    else:
        assert "it has a header but no answers (no data rows)" in result


@pytest.mark.parametrize("suffix", [".sav", ".dta", ".csv"])
@pytest.mark.parametrize("kind", ["folder", "loop", "dangling link", "pipe", "empty"])
def test_what_is_not_a_regular_file_is_refused(tmp_path, suffix, kind):
    path = tmp_path / f"survey{suffix}"
    if kind == "folder":
        path.mkdir()
        why = r"\(it is a folder, not a file\)"
    elif kind == "loop":
        path.symlink_to(path.name)
        why = r"\(a symbolic-link loop\)"
    elif kind == "dangling link":
        path.symlink_to(tmp_path / "gone.csv")
        why = r"\(a symbolic link to a missing file\)"
    elif kind == "pipe":
        os.mkfifo(path)  # reading it would block forever
        why = r"\(not a regular file: a device, pipe or socket\)"
    else:
        path.write_bytes(b"")
        why = r"the file is empty \(0 bytes\)"
    with pytest.raises(ValueError, match=rf"^path: cannot read '.*survey\{suffix}' .*{why}"):
        cx.read_survey(path)


def test_a_path_with_a_nul_character_is_refused(tmp_path):
    with pytest.raises(
        ValueError, match=r"^path: cannot read .* \(the path holds a NUL character\)"
    ):
        cx.read_survey(tmp_path / "survey\x00.csv")


def test_a_spss_file_without_cases_is_refused(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    pyreadstat.write_sav(pd.DataFrame({"q1": pd.Series([], dtype=float)}), str(tmp_path / "e.sav"))
    with pytest.raises(ValueError, match=r"the SPSS file holds no answers \(0 rows, 1 columns\)"):
        cx.read_survey(tmp_path / "e.sav")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"$FL2" + b"\x00" * 200, "an SPSS .sav file"),
        (b"PK\x03\x04" + b"\x00" * 200, r"a zip archive \(an Excel .xlsx workbook\?\)"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 200, "an old Excel .xls workbook"),
    ],
)
def test_a_binary_file_named_csv_says_what_it_looks_like(tmp_path, content, what):
    (tmp_path / "survey.csv").write_bytes(content)
    with pytest.raises(ValueError, match=rf"NUL bytes \(a binary file\?\); it looks like {what}"):
        cx.read_survey(tmp_path / "survey.csv")


def test_a_csv_named_sav_says_it_looks_like_text(tmp_path):
    (tmp_path / "survey.sav").write_text("q1,q2\n1,2\n")
    with pytest.raises(ValueError, match=r"truncated or corrupt; it looks like text \(a CSV"):
        cx.read_survey(tmp_path / "survey.sav")


def test_a_nul_character_past_the_first_4_kib_is_refused(tmp_path):
    (tmp_path / "survey.csv").write_text("q1,q2\n" + "1,2\n" * 2000 + "3,\x00\n")
    with pytest.raises(ValueError, match=r"it holds NUL characters \(a damaged file\?\)"):
        cx.read_survey(tmp_path / "survey.csv")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_semicolon_or_tab_separated_file_named_csv_is_refused(tmp_path, sep):
    (tmp_path / "survey.csv").write_text(f"q1{sep}q2{sep}q3\n1{sep}2{sep}3\n")
    fix = (
        "separated by ';'.*comma-separated" if sep == ";" else r"separated by tabs\. Name it \.tsv"
    )
    with pytest.raises(ValueError, match=rf"its header is one field 'q1.{{1,2}}q2.*{fix}"):
        cx.read_survey(tmp_path / "survey.csv")


# ------------------------------------------------------------------- very many columns


def _wide(tmp_path, n_columns, n_rows=3):
    names = [f"q{i}" for i in range(n_columns)]
    body = "\n".join(",".join(str((r + i) % 7) for i in range(n_columns)) for r in range(n_rows))
    path = tmp_path / "wide.csv"
    path.write_text(",".join(names) + "\n" + body + "\n")
    return path, names


def test_twenty_thousand_columns_read(tmp_path):
    # the repeated-name check was quadratic (names.count per name): 10^8 steps here
    path, names = _wide(tmp_path, 20_000)
    result = cx.read_survey(path)
    assert result.n_columns == 20_000 and result.codebook["column"].tolist() == names
    dup = tmp_path / "dup.csv"
    dup.write_text(",".join([*names, "q0"]) + "\n" + ",".join(["1"] * 20_001) + "\n")
    with pytest.raises(ValueError, match=r"the column name\(s\) \['q0'\] appear twice"):
        cx.read_survey(dup)


@pytest.mark.slow
def test_two_hundred_thousand_columns_read(tmp_path):
    path, _ = _wide(tmp_path, 200_000, n_rows=2)
    assert cx.read_survey(path).n_columns == 200_000
