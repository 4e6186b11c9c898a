"""cxresearch.survey: reading survey files (round trips), reverse coding, scale scores,
missing-data reports, answer codes. Every expected number is written out by hand or is
the value written to the file in the same test."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch import survey

LIKERT = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neutral",
    4: "Satisfied",
    5: "Very satisfied",
}


@pytest.fixture
def pyreadstat():
    return pytest.importorskip("pyreadstat")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spss_frame():
    return pd.DataFrame(
        {
            "respondent": [1.0, 2, 3, 4, 5, 6],
            # fully labelled 5-point scale with a user-missing code 99
            "sat": [1.0, 2, 5, 99, 4, np.nan],
            # labelled at the ends only, negatively keyed, missing range -9 to -1
            "ease": [5.0, 4, -9, 2, 1, -1],
            # 0-10 recommendation, labels only at the ends
            "ltr": [10.0, 9, 0, 7, 8, 6],
            "gender": [1.0, 2, 2, 1, 2, 1],
            "age": [30.0, 41, np.nan, 52, 23, 67],
            "comment": ["good", "", "slow", "ok", "n/a", "fine"],
        }
    )


SPSS_LABELS = {
    "sat": {**LIKERT, 99: "No answer"},
    "ease": {1: "Strongly agree", 5: "Strongly disagree", -9: "Refused"},
    "ltr": {0: "Not at all likely", 10: "Extremely likely"},
    "gender": {1: "female", 2: "male"},
}
SPSS_VARIABLE_LABELS = {
    "respondent": "Respondent number",
    "sat": "Overall, how satisfied are you?",
    "ease": "The checkout was easy.",
    "ltr": "How likely are you to recommend us?",
    "gender": "Gender",
    "age": "Age in years",
    "comment": "Anything else?",
}


def _write_sav(pyreadstat, path, compress=False):
    pyreadstat.write_sav(
        _spss_frame(),
        str(path),
        column_labels=SPSS_VARIABLE_LABELS,
        variable_value_labels=SPSS_LABELS,
        missing_ranges={"sat": [99], "ease": [{"lo": -9, "hi": -1}], "comment": ["n/a"]},
        variable_measure={"sat": "ordinal", "ease": "ordinal", "gender": "nominal", "age": "scale"},
        compress=compress,
    )


# --------------------------------------------------------------------------------- SPSS


@pytest.mark.parametrize("suffix", [".sav", ".zsav"])
def test_sav_round_trip_values_labels_and_counts(pyreadstat, tmp_path, suffix):
    path = tmp_path / f"survey{suffix}"
    _write_sav(pyreadstat, path, compress=suffix == ".zsav")
    before = _digest(path)
    result = cx.read_survey(path)
    assert _digest(path) == before  # never modified
    assert isinstance(result, cx.Survey)
    assert (result.format, result.n_rows, result.n_columns) == (suffix[1:], 6, 7)
    data, book = result.data, result.codebook.set_index("column")
    # the fully labelled ordinal scale: an ordered categorical of labels, in code order
    assert isinstance(data["sat"].dtype, pd.CategoricalDtype) and data["sat"].cat.ordered
    assert list(data["sat"].cat.categories) == list(LIKERT.values())
    assert data["sat"].tolist()[:3] == ["Very dissatisfied", "Dissatisfied", "Very satisfied"]
    assert data["sat"].isna().tolist() == [False, False, False, True, False, True]
    codes = result.as_codes("sat")["sat"]
    np.testing.assert_array_equal(codes.to_numpy(), [1, 2, 5, np.nan, 4, np.nan])
    # partly labelled columns keep their numbers; user-missing codes become NaN
    np.testing.assert_array_equal(data["ease"].to_numpy(), [5, 4, np.nan, 2, 1, np.nan])
    assert data["ltr"].tolist() == [10, 9, 0, 7, 8, 6] and data["ltr"].dtype == "int64"
    assert data["gender"].tolist() == ["female", "male", "male", "female", "male", "female"]
    assert not data["gender"].cat.ordered
    assert data["respondent"].dtype == "int64"
    np.testing.assert_array_equal(data["age"].to_numpy(), [30, 41, np.nan, 52, 23, 67])
    assert data["comment"].tolist()[0] == "good"
    # counts: user-missing (declared codes) and all missing, per column
    assert book["n_user_missing"].to_dict() == {
        "respondent": 0,
        "sat": 1,
        "ease": 2,
        "ltr": 0,
        "gender": 0,
        "age": 0,
        "comment": 1,
    }
    assert book.loc["sat", "n_missing"] == 2 and book.loc["age", "n_missing"] == 1
    assert result.n_user_missing == 4
    assert data["comment"].isna().tolist() == [False, False, False, False, True, False]
    assert book.loc["comment", "missing_codes"] == "n/a"
    assert result.n_missing.to_dict() == book["n_missing"].to_dict()
    # labels, missing codes, measure, direction
    assert book["label"].to_dict() == SPSS_VARIABLE_LABELS
    assert book.loc["sat", "missing_codes"] == "99"
    assert book.loc["ease", "missing_codes"] == "-9 to -1"
    assert book.loc["sat", "values"].startswith("1 = Very dissatisfied; 2 = Dissatisfied")
    assert book.loc["sat", ["type", "measure", "direction"]].tolist() == [
        "categorical",
        "ordinal",
        "ascending",
    ]
    assert book.loc["ease", "direction"] == "descending"
    assert book.loc["ltr", "direction"] == "ascending"
    assert book.loc["gender", ["type", "measure", "direction"]].tolist() == [
        "categorical",
        "nominal",
        "",
    ]
    assert book.loc["age", ["type", "measure"]].tolist() == ["integer", "scale"]
    # every value label written is read back, missing codes flagged
    got = {(c, float(v)): (lab, m) for c, v, lab, m in result.value_labels.itertuples(index=False)}
    want = {
        (c, float(k)): (lab, (c, k) in {("sat", 99), ("ease", -9)})
        for c, labels in SPSS_LABELS.items()
        for k, lab in labels.items()
    }
    assert got == want


def test_por_round_trip_values(pyreadstat, tmp_path):
    """SPSS portable files: values and system-missing round-trip (names come back upper
    case; pyreadstat writes no value labels or user-missing codes to .por)."""
    frame = pd.DataFrame({"q1": [1.0, 2, np.nan, 4], "name": ["a", "b", "c", "d"]})
    path = tmp_path / "old.por"
    pyreadstat.write_por(frame, str(path))
    result = cx.read_survey(path)
    assert result.format == "por"
    np.testing.assert_array_equal(result.data["Q1"].to_numpy(), [1, 2, np.nan, 4])
    assert result.data["NAME"].tolist() == ["a", "b", "c", "d"]
    assert result.n_missing.to_dict() == {"Q1": 1, "NAME": 0}


# -------------------------------------------------------------------------------- Stata


def test_dta_round_trip_values_labels_and_extended_missing(pyreadstat, tmp_path):
    frame = pd.DataFrame(
        {
            "sat": [1, 2, 3, "b", 5, "a", 4],
            "gender": [1, 2, 1, 2, 1, 2, 2],
            "spend": [10.5, 3.25, 0.0, 7.0, 1.5, 2.0, 8.0],
        }
    )
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels={"sat": "Overall satisfaction", "gender": "Gender", "spend": "Spend"},
        variable_value_labels={"sat": LIKERT, "gender": {1: "female", 2: "male"}},
        missing_user_values={"sat": ["a", "b"]},
    )
    result = cx.read_survey(path)
    book = result.codebook.set_index("column")
    assert result.format == "dta"
    # Stata declares no measure: 5 consecutive labelled codes are an ordered scale
    assert result.data["sat"].cat.ordered
    assert result.data["sat"].isna().tolist() == [False, False, False, True, False, True, False]
    np.testing.assert_array_equal(
        result.as_codes()["sat"].to_numpy(), [1, 2, 3, np.nan, 5, np.nan, 4]
    )
    assert not result.data["gender"].cat.ordered  # two codes: nominal
    assert result.data["spend"].tolist() == frame["spend"].tolist()
    assert book.loc["sat", "missing_codes"] == ".a, .b"
    assert book.loc["sat", "n_user_missing"] == 2 and book.loc["spend", "n_user_missing"] == 0
    assert book["label"].tolist() == ["Overall satisfaction", "Gender", "Spend"]
    assert book.loc["sat", "direction"] == "ascending"
    assert book.loc["spend", "type"] == "number"


# ----------------------------------------------------------------------------- Qualtrics


def _qualtrics_frame():
    return pd.DataFrame(
        {
            "StartDate": ["2024-03-01 09:00:00", "2024-03-01 10:30:15", "2024-03-02 08:05:00"],
            "EndDate": ["2024-03-01 09:04:10", "2024-03-01 10:33:00", "2024-03-02 08:09:59"],
            "Status": [0, 0, 1],
            "IPAddress": ["10.0.0.1", "10.0.0.2", ""],
            "Progress": [100, 100, 40],
            "Duration (in seconds)": [250, 165, 299],
            "Finished": [1, 1, 0],
            "RecordedDate": ["2024-03-01 09:04:11", "2024-03-01 10:33:01", "2024-03-02 08:10:00"],
            "ResponseId": ["R_1", "R_2", "R_3"],
            "RecipientEmail": ["", "", ""],
            "ExternalReference": ["", "", ""],
            "LocationLatitude": [52.37, 51.92, 52.09],
            "LocationLongitude": [4.89, 4.48, 5.12],
            "DistributionChannel": ["anonymous", "anonymous", "email"],
            "UserLanguage": ["EN", "EN", "NL"],
            "Q1": [9, 10, ""],  # recommend 0-10
            "Q2_1": [4, 5, 2],  # matrix item 1 (1-5 recode values)
            "Q2_2": [5, "", 1],
            "Q3": ["Great staff", "", ""],
        }
    )


QUESTIONS = [
    "Start Date", "End Date", "Response Type", "IP Address", "Progress",
    "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
    "Recipient Email", "External Data Reference", "Location Latitude",
    "Location Longitude", "Distribution Channel", "User Language",
    "How likely are you to recommend us to a friend?",
    "How satisfied are you with... - Staff", "How satisfied are you with... - Prices",
    "Click to write the question text",
]  # fmt: skip
IMPORT_IDS = [
    "startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished",
    "recordedDate", "_recordId", "recipientEmail", "externalDataReference",
    "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage",
    "QID1", "QID2_1", "QID2_2", "QID3_TEXT",
]  # fmt: skip


def _write_qualtrics(path, sep=",", encoding="utf-8"):
    frame = _qualtrics_frame()
    header = pd.DataFrame(
        [QUESTIONS, [json.dumps({"ImportId": i}, separators=(",", ":")) for i in IMPORT_IDS]],
        columns=frame.columns,
    )
    pd.concat([header, frame.astype(str)]).to_csv(path, index=False, sep=sep, encoding=encoding)
    return frame


@pytest.mark.parametrize(
    ("name", "sep", "encoding"),
    [
        ("export.csv", ",", "utf-8"),
        ("export.csv", ",", "utf-8-sig"),
        ("export.tsv", "\t", "utf-16"),
    ],
)
def test_qualtrics_round_trip(tmp_path, name, sep, encoding):
    path = tmp_path / name
    frame = _write_qualtrics(path, sep=sep, encoding=encoding)
    before = _digest(path)
    result = cx.read_survey(path)
    assert _digest(path) == before
    data, book = result.data, result.codebook.set_index("column")
    assert result.format == "qualtrics" and result.n_rows == 3
    assert list(data.columns) == list(frame.columns)
    # recode values kept as numbers, blanks counted as missing
    np.testing.assert_array_equal(data["Q1"].to_numpy(), [9, 10, np.nan])
    assert data["Q2_1"].tolist() == [4, 5, 2] and data["Q2_1"].dtype == "int64"
    np.testing.assert_array_equal(data["Q2_2"].to_numpy(), [5, np.nan, 1])
    assert data["Q3"].tolist()[0] == "Great staff"
    assert book["n_missing"][["Q1", "Q2_1", "Q2_2", "Q3", "IPAddress"]].tolist() == [1, 0, 1, 2, 1]
    # metadata recognised and typed
    meta = set(book.index[book["role"] == "metadata"])
    assert meta == set(frame.columns[:15])
    assert data["StartDate"].iloc[1] == pd.Timestamp("2024-03-01 10:30:15")
    assert data["Finished"].tolist() == [True, True, False]
    assert data["Duration (in seconds)"].tolist() == [250, 165, 299]
    assert data["LocationLatitude"].tolist() == [52.37, 51.92, 52.09]
    # question text and import ids; the "Click to write" placeholder is no label
    assert book.loc["Q2_1", "label"] == "How satisfied are you with... - Staff"
    assert book.loc["Q3", "label"] == ""
    assert book["source_id"].tolist() == IMPORT_IDS
    assert result.n_user_missing == 0


def test_qualtrics_repeated_column_ids(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text('Q1,Q1\na,b\n{"ImportId":"QID1"},{"ImportId":"QID2"}\n1,2\n')
    with pytest.raises(ValueError, match=r"repeated column ids \['Q1'\]"):
        cx.read_survey(path)


def test_qualtrics_export_with_two_header_rows(tmp_path):
    """Without the ImportId row, or without the question texts, the header rows are
    still header rows (they were read as a respondent, every column as text)."""
    path = tmp_path / "two.csv"
    path.write_text(
        "StartDate,ResponseId,Q1\nStart Date,Response ID,How satisfied are you?\n"
        "2024-03-01 09:00:00,R_1,5\n2024-03-02 10:00:00,R_2,3\n"
    )
    result = cx.read_survey(path)
    assert (result.format, result.n_rows) == ("qualtrics", 2)
    assert result.data["Q1"].tolist() == [5, 3]
    assert result.codebook["label"].tolist()[2] == "How satisfied are you?"
    path.write_text('ResponseId,Q1\n{"ImportId":"_recordId"},{"ImportId":"QID1"}\nR_1,5\nR_2,3\n')
    result = cx.read_survey(path)
    assert result.codebook["source_id"].tolist() == ["_recordId", "QID1"]
    assert result.data["Q1"].tolist() == [5, 3]


def test_qualtrics_header_row_with_an_extra_field_is_refused(tmp_path):
    # the stray field shifted every later source_id by one column
    path = tmp_path / "extra.csv"
    path.write_text(
        "ResponseId,Q1,Q2\nResponse ID,First,Second\n"
        '{"ImportId":"_recordId"},stray,{"ImportId":"QID1"},{"ImportId":"QID2"}\nR_1,5,4\n'
    )
    with pytest.raises(ValueError, match=r"header row 3 \(ImportIds\) has 4 fields where row 1 "):
        cx.read_survey(path)
    # an ImportId whose JSON holds the separator, unquoted: joined again, not shifted
    path.write_text(
        "ResponseId,Q1,Q2\nResponse ID,First,Second\n"
        '{"ImportId":"_recordId"},{"ImportId":"QID1", "choiceId":"2"},{"ImportId":"QID2"}\n'
        "R_1,5,4\n"
    )
    assert cx.read_survey(path).codebook["source_id"].tolist() == ["_recordId", "QID1", "QID2"]


# --------------------------------------------------------------------- CSV + datapackage


def _resource(path="answers.csv"):
    return {
        "name": "answers",
        "path": path,
        "missingValues": ["", "-99"],
        "schema": {
            "fields": [
                {"name": "id", "type": "integer", "constraints": {"required": True}},
                {
                    "name": "sat",
                    "type": "integer",
                    "title": "Overall satisfaction",
                    "scale": "1 = very dissatisfied ... 5 = very satisfied",
                    "constraints": {"minimum": 1, "maximum": 5},
                },
                {
                    "name": "channel",
                    "type": "string",
                    "description": "Where the visit happened.",
                    "constraints": {"enum": ["store", "online"]},
                },
            ]
        },
    }


def test_datapackage_csv_beside_the_file(tmp_path):
    (tmp_path / "answers.csv").write_text("id,sat,channel\n1,5,store\n2,-99,online\n3,,store\n")
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [_resource()]}))
    result = cx.read_survey(tmp_path / "answers.csv")
    book = result.codebook.set_index("column")
    assert result.format == "datapackage"
    assert result.data["id"].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(result.data["sat"].astype(float), [5, np.nan, np.nan])
    assert list(result.data["channel"].cat.categories) == ["store", "online"]
    assert book.loc["sat", "label"] == "Overall satisfaction"
    assert book.loc["channel", "label"] == "Where the visit happened."
    assert book.loc["sat", "direction"] == "ascending"
    assert book.loc["sat", ["n_missing", "n_user_missing"]].tolist() == [2, 1]
    assert book.loc["channel", "values"] == "store, online"


def test_datapackage_given_as_dict_or_path(tmp_path):
    csv_path = tmp_path / "answers.csv"
    csv_path.write_text("id,sat,channel\n1,5,store\n")
    from_dict = cx.read_survey(csv_path, codebook=_resource())
    (tmp_path / "book.json").write_text(json.dumps({"resources": [_resource()]}))
    from_path = cx.read_survey(csv_path, codebook=tmp_path / "book.json")
    pd.testing.assert_frame_equal(from_dict.data, from_path.data)
    assert from_path.format == "datapackage"


def test_datapackage_problems_are_listed(tmp_path):
    (tmp_path / "answers.csv").write_text("id,sat,channel\n1,7,store\n2,3,phone\n")
    with pytest.raises(ValueError, match="does not match its codebook") as info:
        cx.read_survey(tmp_path / "answers.csv", codebook=_resource())
    assert "above the maximum 5" in str(info.value) and "'phone'" in str(info.value)


def test_datapackage_without_the_resource(tmp_path):
    (tmp_path / "answers.csv").write_text("id\n1\n")
    with pytest.raises(ValueError, match="no resource with path 'answers.csv'"):
        cx.read_survey(tmp_path / "answers.csv", codebook={"resources": [_resource("x.csv")]})


def test_plain_csv_without_codebook(tmp_path):
    (tmp_path / "plain.csv").write_text("a,b\n1,x\n2,\n")
    result = cx.read_survey(tmp_path / "plain.csv")
    assert result.format == "csv"
    assert result.data["a"].dtype == "int64"
    assert result.codebook["n_missing"].tolist() == [0, 1]


def test_bundled_dataset_reads_through_its_datapackage():
    path = cx.datasets.data_dir() / "cx_survey.csv"
    result = cx.read_survey(path)
    assert result.format == "datapackage"
    pd.testing.assert_frame_equal(result.data, cx.load_dataset("cx_survey"))
    book = result.codebook.set_index("column")
    assert book.loc["service_1", "direction"] == "ascending"


# ----------------------------------------------------------------------------- bad input


def test_unknown_format(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ValueError, match=r"cannot read '.*survey\.xlsx' \(unknown file ending "
                       r"'\.xlsx'\)\. Allowed formats: \.sav \(SPSS\)"):  # fmt: skip
        cx.read_survey(path)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match=r"cannot read '.*nothere\.sav' \(no such file\)"):
        cx.read_survey(tmp_path / "nothere.sav")


def test_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"folder\.csv' \(it is a folder, not a file\)"):
        cx.read_survey(folder)


def test_path_of_wrong_type():
    with pytest.raises(TypeError, match="path must be a file path"):
        cx.read_survey(42)


@pytest.mark.parametrize("suffix", [".sav", ".zsav", ".dta", ".por"])
def test_corrupt_file(pyreadstat, tmp_path, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"this is not a survey file at all" * 10)
    with pytest.raises(ValueError, match=r"cannot read '.*broken.*' as a .*file .*Allowed formats"):
        cx.read_survey(path)


def test_empty_csv(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="the file is empty"):
        cx.read_survey(tmp_path / "empty.csv")


def test_csv_that_is_not_text(tmp_path):
    (tmp_path / "binary.csv").write_bytes(b"a,b\n\xff\xfe\xfa,1\n"[2:] + b"\x80\x81")
    with pytest.raises(ValueError, match="as utf-8 text"):
        cx.read_survey(tmp_path / "binary.csv")


def test_codebook_for_spss_is_rejected(pyreadstat, tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(pyreadstat, path)
    with pytest.raises(ValueError, match="codebook applies to CSV files only"):
        cx.read_survey(path, codebook={"resources": []})


def test_codebook_of_wrong_type(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    with pytest.raises(TypeError, match="codebook must be a path to a datapackage.json"):
        cx.read_survey(tmp_path / "a.csv", codebook=3)


def test_codebook_that_is_not_json(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "book.json").write_text("{not json")
    with pytest.raises(ValueError, match="codebook: cannot read .*book.json' as JSON"):
        cx.read_survey(tmp_path / "a.csv", codebook=tmp_path / "book.json")


def test_repr_is_one_line_and_the_summary_shows_the_codebook(tmp_path):
    # a survey with 500 columns must not print a 500-line repr, nor the local folders
    header = ",".join(f"q{i}" for i in range(500))
    (tmp_path / "wide.csv").write_text(header + "\n" + ",".join(["1"] * 500) + "\n")
    survey = cx.read_survey(tmp_path / "wide.csv")
    text = repr(survey)
    assert text == (
        "Survey(file='wide.csv', format='csv', n_rows=1, n_columns=500); "
        ".codebook, .data and .summary() show more"
    )
    summary = str(survey.summary())
    assert str(tmp_path) not in summary and "file:" in summary and "wide.csv" in summary
    assert "q0" in summary and "more rows (see .table)" in summary
    assert len(summary.splitlines()) < 80


def test_import_does_not_load_pyreadstat():
    code = "import sys, cxresearch.survey; print('pyreadstat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------------- reverse coding


def test_reverse_code_by_hand():
    data = pd.DataFrame({"a": [1, 2, 3, 5], "b": [0.0, 4, np.nan, 10], "c": [9, 9, 9, 9]})
    out = survey.reverse_code(data, columns=["a"], scale=(1, 5))
    assert out["a"].tolist() == [5, 4, 3, 1]  # 1 + 5 - x
    out = survey.reverse_code(data, columns="b", scale=(0, 10))
    np.testing.assert_array_equal(out["b"].to_numpy(), [10, 6, np.nan, 0])
    assert out["c"].tolist() == [9, 9, 9, 9]
    assert data["a"].tolist() == [1, 2, 3, 5]  # input unchanged


def test_reverse_code_from_the_codebook(pyreadstat, tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(pyreadstat, path)
    result = cx.read_survey(path)
    out = survey.reverse_code(result.data, columns=result, scale=(1, 5))
    np.testing.assert_array_equal(out["ease"].to_numpy(), [1, 2, np.nan, 4, 5, np.nan])
    pd.testing.assert_series_equal(out["sat"], result.data["sat"])  # ascending: untouched
    same = survey.reverse_code(result.data, columns=result.codebook, scale=(1, 5))
    pd.testing.assert_frame_equal(out, same)


def test_reverse_code_categorical_mirrors_the_categories():
    cats = list(LIKERT.values())
    data = pd.DataFrame(
        {"q": pd.Categorical([cats[0], cats[3], None], categories=cats, ordered=True)}
    )
    out = survey.reverse_code(data, columns="q")
    assert out["q"].tolist()[:2] == [cats[4], cats[1]] and pd.isna(out["q"].iloc[2])
    assert out["q"].dtype == data["q"].dtype


def test_reverse_code_errors():
    data = pd.DataFrame({"a": [1, 6], "t": ["x", "y"]})
    with pytest.raises(ValueError, match=r"scale must be given to reverse the numeric column 'a'"):
        survey.reverse_code(data, columns="a")
    with pytest.raises(ValueError, match=r"value\(s\) \[6\] outside the scale; allowed are 1 to 5"):
        survey.reverse_code(data, columns="a", scale=(1, 5))
    with pytest.raises(ValueError, match=r"columns: column \['zz'\] not found"):
        survey.reverse_code(data, columns="zz", scale=(1, 5))
    with pytest.raises(TypeError, match="column 't' must be numeric"):
        survey.reverse_code(data, columns="t", scale=(1, 5))
    with pytest.raises(TypeError, match="scale must be a pair of integers"):
        survey.reverse_code(data, columns="a", scale=(1.5, 5))
    with pytest.raises(ValueError, match="needs the columns 'column' and 'direction'"):
        survey.reverse_code(data, columns=pd.DataFrame({"column": ["a"]}))
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        survey.reverse_code([1, 2], columns="a", scale=(1, 5))


# ---------------------------------------------------------------------------- scale scores


def test_scale_score_mean_of_at_least_k_items():
    data = pd.DataFrame(
        {"a": [4, 2, np.nan, 1], "b": [5, np.nan, np.nan, 1], "c": [3, 4, 1, np.nan]}
    )
    result = survey.scale_score(data, items=["a", "b", "c"], min_items=2)
    # (4+5+3)/3, (2+4)/2, one item only, (1+1)/2
    np.testing.assert_allclose(result.score.to_numpy(), [4.0, 3.0, np.nan, 1.0])
    assert result.table["n_items"].tolist() == [3, 2, 1, 2]
    assert (result.n_scored, result.n_too_few, result.min_items) == (3, 1, 2)
    strict = survey.scale_score(data, items=["a", "b", "c"])  # default: every item
    np.testing.assert_allclose(strict.score.to_numpy(), [4.0, np.nan, np.nan, np.nan])
    assert strict.n_too_few == 3
    total = survey.scale_score(data, items=["a", "b", "c"], min_items=2, method="sum")
    np.testing.assert_allclose(total.score.to_numpy(), [12.0, 9.0, np.nan, 3.0])


def test_scale_score_of_labelled_items(pyreadstat, tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(pyreadstat, path)
    result = cx.read_survey(path)
    flipped = survey.reverse_code(result.data, columns="ease", scale=(1, 5))
    score = survey.scale_score(flipped, items=["sat", "ease"], min_items=1, codebook=result)
    # sat 1,2,5,NaN,4,NaN; reversed ease 1,2,NaN,4,5,NaN
    np.testing.assert_allclose(score.score.to_numpy(), [1.0, 2.0, 5.0, 4.0, 4.5, np.nan])
    assert score.n_too_few == 1


def test_scale_score_errors():
    data = pd.DataFrame({"a": [1, 2], "b": [3, 4], "t": ["x", "y"]})
    with pytest.raises(ValueError, match=r"min_items must be between 1 and 2, got 3"):
        survey.scale_score(data, items=["a", "b"], min_items=3)
    with pytest.raises(TypeError, match="min_items must be an integer"):
        survey.scale_score(data, items=["a", "b"], min_items=1.5)
    with pytest.raises(ValueError, match=r"method must be one of \['mean', 'sum'\], got 'median'"):
        survey.scale_score(data, items=["a", "b"], method="median")
    with pytest.raises(TypeError, match="column 't' must be numeric"):
        survey.scale_score(data, items=["a", "t"])
    with pytest.raises(ValueError, match="items must name at least one column"):
        survey.scale_score(data, items=[])
    with pytest.raises(ValueError, match=r"items: column \['zz'\] not found"):
        survey.scale_score(data, items=["a", "zz"])


# -------------------------------------------------------------------------- missing data


def test_missing_report_by_hand():
    data = pd.DataFrame(
        {"a": [1, np.nan, 3, np.nan, 5], "b": [1, 2, np.nan, np.nan, 5], "c": [1, 2, 3, 4, 5]}
    )
    report = survey.missing_report(data)
    assert report.table["n_missing"].tolist() == [2, 2, 0]
    np.testing.assert_allclose(report.table["share_missing"], [0.4, 0.4, 0.0])
    assert report.table["n"].tolist() == [3, 3, 5]
    assert (report.n_rows, report.n_complete, report.n_patterns) == (5, 2, 4)
    assert report.patterns["pattern"].tolist() == ["...", ".X.", "X..", "XX."]
    assert report.patterns["n"].tolist() == [2, 1, 1, 1]
    assert report.patterns["columns_missing"].tolist() == ["", "b", "a", "a, b"]
    assert report.patterns["n_columns_missing"].tolist() == [0, 1, 1, 2]
    only = survey.missing_report(data, columns=["c"])
    assert only.n_complete == 5 and only.patterns["pattern"].tolist() == ["."]


def test_missing_report_errors():
    with pytest.raises(ValueError, match="data has no rows"):
        survey.missing_report(pd.DataFrame({"a": []}))
    with pytest.raises(ValueError, match=r"columns: column \['zz'\] not found"):
        survey.missing_report(pd.DataFrame({"a": [1]}), columns="zz")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        survey.missing_report(np.zeros((2, 2)))


# ------------------------------------------------------------------------ codes for metrics


def test_as_codes_numeric_categories_without_codebook():
    data = pd.DataFrame({"q": pd.Categorical([7, 1, None], categories=range(1, 8), ordered=True)})
    np.testing.assert_array_equal(survey.as_codes(data)["q"].to_numpy(), [7, 1, np.nan])


def test_as_codes_errors():
    labels = pd.DataFrame({"q": pd.Categorical(["Agree", "Disagree"], ordered=True)})
    with pytest.raises(ValueError, match="holds labels .* without their codes; pass codebook="):
        survey.as_codes(labels)
    book = pd.DataFrame({"column": ["q"], "value": [1], "label": ["Disagree"]})
    with pytest.raises(ValueError, match=r"categories \['Agree'\] that the codebook gives no code"):
        survey.as_codes(labels, codebook=book)
    with pytest.raises(TypeError, match="codebook must be a Survey"):
        survey.as_codes(labels, codebook={"q": {}})
    with pytest.raises(TypeError, match="columns: 'x' is not categorical"):
        survey.as_codes(pd.DataFrame({"x": [1]}), columns="x")


def test_codes_feed_the_metrics_as_the_original_numbers(pyreadstat, tmp_path):
    """An ordered Likert categorical goes to CSAT / alpha through as_codes, with the same
    numbers as the codes written to the file."""
    rng = np.random.default_rng(3)
    codes = rng.integers(1, 6, size=(40, 3)).astype(float)
    frame = pd.DataFrame(codes, columns=["s1", "s2", "s3"])
    path = tmp_path / "likert.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={c: LIKERT for c in frame})
    result = cx.read_survey(path)
    assert all(result.data[c].cat.ordered for c in frame)
    numbers = result.as_codes()
    pd.testing.assert_frame_equal(
        cx.csat(numbers, score="s1"), cx.csat(frame.astype("int64"), score="s1")
    )
    # random answers: some corrected item-total correlations are negative, which warns
    with pytest.warns(cx.ReverseKeyedWarning):
        from_codes = cx.cronbach_alpha(numbers, items=list(frame))
    with pytest.warns(cx.ReverseKeyedWarning):
        from_numbers = cx.cronbach_alpha(frame, items=list(frame))
    pd.testing.assert_frame_equal(from_codes, from_numbers)


def test_which_labelled_columns_become_ordered(pyreadstat, tmp_path):
    """Declared ordinal: ordered. A rating scale whose end labels show a direction:
    ordered even when SPSS calls it nominal. Three region codes: unordered."""
    frame = pd.DataFrame(
        {
            "quality": [1.0, 4, 5, 2],  # declared nominal, "Very poor" ... "Excellent"
            "region": [1.0, 2, 3, 1],  # consecutive codes, but no direction in the labels
            "effort": [3.0, 1, 2, 3],  # no words, declared ordinal
        }
    )
    quality = {1: "Very poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "Excellent"}
    path = tmp_path / "kinds.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={
            "quality": quality,
            "region": {1: "North", 2: "Centre", 3: "South"},
            "effort": {1: "A", 2: "B", 3: "C"},
        },
        variable_measure={"quality": "nominal", "region": "nominal", "effort": "ordinal"},
    )
    result = cx.read_survey(path)
    book = result.codebook.set_index("column")
    assert result.data["quality"].cat.ordered and book.loc["quality", "direction"] == "ascending"
    assert not result.data["region"].cat.ordered and book.loc["region", "measure"] == "nominal"
    assert result.data["effort"].cat.ordered and book.loc["effort", "direction"] == ""


@pytest.mark.parametrize(
    ("low", "high", "direction"),
    [
        ("Strongly disagree", "Strongly agree", "ascending"),
        ("Extremely likely", "Not at all likely", "descending"),
        ("Very dissatisfied", "Completely satisfied", "ascending"),
        ("Not important", "Very important", "ascending"),
        ("North", "South", ""),
    ],
)
def test_scale_direction_from_the_end_labels(pyreadstat, tmp_path, low, high, direction):
    path = tmp_path / "d.sav"
    labels = {1: low, 2: "middle", 3: high}
    pyreadstat.write_sav(
        pd.DataFrame({"q": [1.0, 2, 3]}), str(path), variable_value_labels={"q": labels}
    )
    assert cx.read_survey(path).codebook["direction"].item() == direction


AGREE_7 = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Somewhat disagree",
    4: "Neither agree nor disagree",
    5: "Somewhat agree",
    6: "Agree",
    7: "Strongly agree",
}


def test_bundled_survey_round_trips_through_sav_and_qualtrics(pyreadstat, tmp_path):
    """The 1,000-respondent cx_survey exported as `make data` would (a labelled .sav and
    a Qualtrics-shaped CSV) reads back to exactly the answers load_dataset gives."""
    data = cx.load_dataset("cx_survey")
    items = [c for c in data.columns if c != "respondent_id"]
    pyreadstat.write_sav(
        data.astype("float64"),
        str(tmp_path / "cx_survey.sav"),
        variable_value_labels={c: AGREE_7 for c in items},
        variable_measure={c: "ordinal" for c in items},
    )
    sav = cx.read_survey(tmp_path / "cx_survey.sav")
    assert all(sav.data[c].cat.ordered for c in items)
    pd.testing.assert_frame_equal(sav.as_codes().astype("int64"), data)
    meta = pd.DataFrame({"ResponseId": [f"R_{i:06d}" for i in data["respondent_id"]]})
    table = pd.concat([meta, data], axis=1)
    header = pd.DataFrame(
        [
            ["Response ID", *table.columns[1:]],
            ['{"ImportId":"_recordId"}']
            + [json.dumps({"ImportId": f"QID{i}"}) for i in range(1, table.shape[1])],
        ],
        columns=table.columns,
    )
    pd.concat([header, table.astype(str)]).to_csv(tmp_path / "cx_survey_q.csv", index=False)
    qualtrics = cx.read_survey(tmp_path / "cx_survey_q.csv")
    assert qualtrics.format == "qualtrics"
    pd.testing.assert_frame_equal(qualtrics.data[data.columns], data)
    assert qualtrics.codebook["role"].tolist()[0] == "metadata"


# ------------------------------------------------- line endings and long answers (issue 26)


@settings(max_examples=25, deadline=None, database=None)
@given(
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    rows=st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=1, max_size=8),
    long_answer=st.integers(0, 300_000),
    qualtrics=st.booleans(),
)
def test_any_line_ending_and_long_open_answers_read_the_same(
    tmp_path_factory, ending, rows, long_answer, qualtrics
):
    # CR-only files (old Mac exports) and an open answer over the csv module's 128 KiB
    # field limit ended in a raw _csv.Error
    comment = "x" * long_answer
    lines = ["q1,q2,comment"]
    if qualtrics:
        lines += [
            "Q one,Q two,Comment",
            '{"ImportId":"QID1"},{"ImportId":"QID2"},{"ImportId":"QID3"}',
        ]
    lines += [f'{a},{b},"{comment}"' for a, b in rows]
    folder = tmp_path_factory.mktemp("endings")
    path = folder / "survey.csv"
    path.write_bytes(ending.join(lines).encode() + ending.encode())
    plain = folder / "plain.csv"
    plain.write_text("\n".join(lines) + "\n")
    got, expected = cx.read_survey(path), cx.read_survey(plain)
    pd.testing.assert_frame_equal(got.data, expected.data)
    assert got.data["q1"].tolist() == [a for a, _ in rows]
    if long_answer:
        assert (got.data["comment"].str.len() == long_answer).all()


_NAMES = st.text(alphabet="abcxyzآبپتسیرضабвгдежз_", min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, database=None)
@given(
    encoding=st.sampled_from(
        [
            "utf-8",
            "utf-8-sig",
            "utf-16",
            "utf-16-le",
            "utf-16-be",
            "utf-32",
            "utf-32-le",
            "utf-32-be",
        ]
    ),  # fmt: skip
    names=st.lists(_NAMES, min_size=1, max_size=4, unique=True),
    values=st.lists(st.integers(0, 10), min_size=1, max_size=6),
)
def test_any_unicode_encoding_reads_the_same_with_or_without_a_mark(
    tmp_path_factory, encoding, names, values
):
    # UTF-16 without a BOM and UTF-32 were decoded as UTF-8: 'a\x00' as a column name
    text = (
        ",".join(names)
        + "\n"
        + "".join(",".join(str(v + k) for k in range(len(names))) + "\n" for v in values)
    )
    folder = tmp_path_factory.mktemp("enc")
    path = folder / "survey.csv"
    path.write_bytes(text.encode(encoding))
    got = cx.read_survey(path)
    assert got.data.columns.tolist() == names
    assert got.data.iloc[:, 0].tolist() == values


def test_repeated_column_names_are_refused_not_renamed(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("q1,q2,q1\n1,2,3\n")
    with pytest.raises(ValueError, match=r"the column name\(s\) \['q1'\] appear twice"):
        cx.read_survey(path)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"q1,q2\n\x00\x01\x02\x03\xff\n")
    with pytest.raises(ValueError, match="NUL bytes"):
        cx.read_survey(binary)
