"""Modification indices (SEMResult.modification_indices, issue 23): against lavaan's
published modindices for Holzinger-Swineford (tests/reference/lavaan_hs_modindices.json),
the chi-square drop of refitting with the parameter freed (the score test approximates
the likelihood-ratio test), and the refusals."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39

import cxresearch as cx

REFERENCE = json.loads(
    (pathlib.Path(__file__).parent / "reference" / "lavaan_hs_modindices.json").read_text()
)
HS = REFERENCE["model"]


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return holzinger39.get_data()


@pytest.fixture(scope="module")
def indices(hs) -> pd.DataFrame:
    return cx.cfa(hs, HS).modification_indices(top=None)


def _largest_difference(ours: pd.DataFrame, rows: list[dict]) -> float:
    ours = ours.set_index("term")
    return max(
        abs(ours.loc[row["term"], key] - row[key])
        for row in rows
        for key in ("mi", "epc", "sepc_all")
    )


def test_top_five_equal_lavaans_published_table(hs):
    top = cx.cfa(hs, HS).modification_indices(top=5)
    assert top["term"].tolist() == [row["term"] for row in REFERENCE["top5"]]
    # lavaan prints three decimals: every number within half a unit of the last digit
    assert _largest_difference(top, REFERENCE["top5"]) <= 5e-4 + 1e-9


def test_every_published_loading_row_equals_lavaan(indices):
    assert _largest_difference(indices, REFERENCE["loadings"]) <= 5e-4 + 1e-9


def test_candidates_are_cross_loadings_and_residual_covariances(indices):
    # 3 factors x 6 items they do not load + 9 * 8 / 2 item pairs
    assert len(indices) == 18 + 36
    assert set(indices["op"]) == {"=~", "~~"}
    assert indices["mi"].is_monotonic_decreasing
    assert list(indices.columns) == ["term", "lhs", "op", "rhs", "mi", "epc", "sepc_all", "p_value"]
    assert indices["p_value"].to_numpy() == pytest.approx(stats.chi2.sf(indices["mi"], 1))


@pytest.mark.parametrize("term", ["visual =~ x9", "x7 ~~ x8", "textual =~ x3", "x2 ~~ x3"])
def test_mi_approximates_the_chi_square_drop_of_freeing_it(hs, indices, term):
    freed = cx.cfa(hs, f"{HS}\n{term}")
    drop = cx.cfa(hs, HS).fit["chi2"] - freed.fit["chi2"]
    mi = indices.set_index("term").loc[term, "mi"]
    assert freed.fit["df"] == 23
    assert mi == pytest.approx(drop, rel=0.15)  # measured: within 11%
    epc = indices.set_index("term").loc[term, "epc"]
    assert np.sign(epc) == np.sign(freed.table.set_index("term").loc[term, "estimate"])


def test_mi_of_the_one_parameter_that_saturates_a_path_model(hs):
    # freeing the residual covariance of x4 and x5 leaves 0 df: the LR drop is the chi-square
    res = cx.sem(hs, "x4 ~ x1 + x2\nx5 ~ x4 + x1")
    table = res.modification_indices(top=None)
    assert table["term"].tolist() == ["x5 ~~ x4"]
    assert table["mi"].iloc[0] == pytest.approx(res.fit["chi2"], rel=2e-3)


def test_refusals(hs):
    with pytest.raises(ValueError, match="not available for a multi-group fit"):
        cx.cfa(hs, HS, by="school").modification_indices()
    data = hs.copy()
    data.loc[data.index[:20], "x1"] = np.nan
    with pytest.raises(ValueError, match="not available for a FIML fit of incomplete rows"):
        cx.cfa(data, HS, missing="fiml").modification_indices()
    with pytest.raises(ValueError, match="top must be at least 1"):
        cx.cfa(hs, HS).modification_indices(top=0)
    with pytest.raises(TypeError, match="top must be an integer"):
        cx.cfa(hs, HS).modification_indices(top="5")
