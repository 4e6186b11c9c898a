"""Tests for cxresearch.tables: output that reads the same on every machine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cxresearch as cx


@given(st.floats(min_value=0.0, max_value=1.0))
def test_format_p_is_three_decimals_or_below_0_001(p):
    text = cx.format_p(p)
    if p < 0.001:
        assert text == "< 0.001"
    else:
        # half a unit of the last digit (0.0625 prints 0.062: exactly half, rounded to even)
        assert text == f"{p:.3f}" and abs(float(text) - p) <= 5e-4 + 1e-12


@given(st.floats(min_value=0.0, max_value=9.99e-4), st.floats(-1e-15, 1e-15))
def test_format_p_hides_the_noise_of_tiny_p_values(p, noise):
    # two machines computing 1.041e-71 and 1.043e-71 print the same text
    assert cx.format_p(p) == cx.format_p(max(p + noise, 0.0)) == "< 0.001"


@pytest.mark.parametrize(
    ("p", "error", "message"),
    [
        (1.5, ValueError, r"p must lie between 0 and 1, got 1\.5"),
        (-0.1, ValueError, r"p must lie between 0 and 1"),
        ("0.2", TypeError, r"p must hold numbers between 0 and 1, got '0\.2'"),
        (True, TypeError, r"p must hold numbers"),
    ],
)
def test_format_p_refuses_what_is_not_a_p_value(p, error, message):
    with pytest.raises(error, match=message):
        cx.format_p(p)


def test_format_p_keeps_a_series_index_and_marks_missing():
    got = cx.format_p(pd.Series([0.5, np.nan, 2e-9], index=["a", "b", "c"]))
    assert got.to_dict() == {"a": "0.500", "b": "NA", "c": "< 0.001"}
    assert cx.format_p([0.01, 0.0001]) == ["0.010", "< 0.001"]
    assert cx.format_p(0.0001, digits=4) == "0.0001"


def test_format_table_rounds_formats_p_values_and_keeps_the_input():
    table = pd.DataFrame(
        {"term": ["x", "y"], "estimate": [-1e-17, 0.123456], "p_value": [1e-71, 0.04], "n": [3, 4]}
    )
    before = table.copy()
    out = cx.format_table(table)
    pd.testing.assert_frame_equal(table, before)
    assert out["p_value"].tolist() == ["< 0.001", "0.040"]
    assert out["estimate"].tolist() == [0.0, 0.123]
    assert str(out["estimate"].iloc[0]) == "0.0"  # no negative zero from a residue
    assert out["n"].tolist() == [3, 4] and out["term"].tolist() == ["x", "y"]
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        cx.format_table([1, 2])


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20),
    st.floats(0.0, 1e-13),
)
def test_agreement_calls_residues_equal_and_real_gaps_different(values, residue):
    a = np.array(values)
    assert cx.agreement(a, a + residue) == "equal to 1e-12"
    assert cx.agreement(a, a + 1e-3).startswith("differ by up to 1.0e-03")


def test_agreement_aligns_labels_and_names_shape_problems():
    a = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]}, index=["r", "s"])
    assert cx.agreement(a, a.loc[["s", "r"], ["y", "x"]]) == "equal to 1e-12"
    assert cx.agreement([1.0, np.nan], [1.0, np.nan]) == "equal to 1e-12"
    assert cx.agreement([1.0, np.nan], [np.nan, 1.0]).startswith("differ")
    with pytest.raises(ValueError, match="same shape"):
        cx.agreement([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="same rows"):
        cx.agreement(pd.Series([1.0], index=["a"]), pd.Series([1.0], index=["b"]))
    with pytest.raises(ValueError, match="tol"):
        cx.agreement([1.0], [1.0], tol=-1.0)
