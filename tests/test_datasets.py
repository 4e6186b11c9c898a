"""Bundled datasets: every resource loads, follows its schema, and a corrupted copy fails."""

from __future__ import annotations

import importlib.util
import shutil

import pandas as pd
import pytest

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
