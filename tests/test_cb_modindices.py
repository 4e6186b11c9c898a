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
    # freeing the residual covariance of x4 and x5, or the path x2 -> x5, leaves 0 df:
    # the LR drop is the chi-square (lavaan lists both; x4 ~ x5 would be unidentified)
    res = cx.sem(hs, "x4 ~ x1 + x2\nx5 ~ x4 + x1")
    table = res.modification_indices(top=None)
    assert sorted(table["term"]) == ["x5 ~ x2", "x5 ~~ x4"]
    assert table["mi"].to_numpy() == pytest.approx([res.fit["chi2"]] * 2, rel=2e-3)
    assert table.set_index("term").loc["x5 ~ x2", "op"] == "~"


PD_CHAIN = (
    "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\n"
    "dem60 ~ ind60\ndem65 ~ dem60"
)
HS_CHAIN = (
    "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5\nspeed =~ x7 + x8 + x9\n"
    "textual ~ visual\nspeed ~ textual + x6"
)


@pytest.mark.parametrize(
    ("data", "model", "term", "rel"),
    [
        ("pd", PD_CHAIN, "dem65 ~ ind60", 0.02),  # measured 0.8%
        ("pd", PD_CHAIN, "dem60 ~~ dem65", 0.02),  # a disturbance covariance, 0.8%
        ("hs", HS_CHAIN, "speed ~ visual", 0.15),  # measured 14%
        ("hs", HS_CHAIN, "speed ~~ visual", 0.15),  # a factor covariance
    ],
)
def test_structural_mi_approximates_the_chi_square_drop(hs, data, model, term, rel):
    from semopy.examples import political_democracy

    frame = political_democracy.get_data() if data == "pd" else hs
    base = cx.sem(frame, model)
    table = base.modification_indices(top=None).set_index("term")
    freed = cx.sem(frame, f"{model}\n{term}")
    assert freed.fit["df"] == base.fit["df"] - 1
    assert table.loc[term, "mi"] == pytest.approx(base.fit["chi2"] - freed.fit["chi2"], rel=rel)
    estimate = freed.table.set_index("term").loc[term, "estimate"]
    assert table.loc[term, "epc"] == pytest.approx(estimate, rel=0.2)


def test_structural_candidates_follow_lavaan(hs):
    table = cx.sem(hs, HS_CHAIN).modification_indices(top=None)
    regressions = set(table.loc[table["op"] == "~", "term"])
    # factor on factor, factor on the observed predictor; never x6 (fixed.x) as outcome
    assert {"visual ~ x6", "textual ~ x6", "speed ~ visual", "visual ~ speed"} <= regressions
    assert not any(t.startswith("x6 ~") for t in regressions)
    # no loading of a factor on a variable of the structural part (lavaan: it is a path)
    assert not (table["op"].eq("=~") & table["rhs"].eq("x6")).any()
    assert "speed ~~ visual" in set(table["term"])


def test_derivatives_of_sigma_equal_finite_differences(hs):
    from cxresearch.latent import _cbmodind

    fitted = cx.sem(hs, HS_CHAIN).fitted
    names = {n: n for n in [*fitted.vars["observed"], *fitted.vars["latent"]]}
    sigma, (m, c) = fitted.calc_sigma()
    kinds = set()
    for *_, kind, a, b in _cbmodind._candidates(fitted, names):
        if kind == "T" or kind in kinds:
            continue
        kinds.add(kind)
        mx = {"L": fitted.mx_lambda, "B": fitted.mx_beta, "P": fitted.mx_psi}[kind]
        h = 1e-6
        mx[a, b] += h
        if kind == "P":
            mx[b, a] += h
        moved = fitted.calc_sigma()[0]
        mx[a, b] -= h
        if kind == "P":
            mx[b, a] -= h
        analytic = _cbmodind._derivative(fitted, kind, a, b, np.asarray(m), np.asarray(c))
        assert np.abs((moved - sigma) / h - analytic).max() < 1e-4
    assert kinds == {"L", "B", "P"}


def test_multi_group_indices_are_each_groups_own(hs):
    table = cx.cfa(hs, HS, by="school").modification_indices(top=None)
    assert list(table.columns[:5]) == ["term", "lhs", "op", "rhs", "group"]
    assert table["mi"].is_monotonic_decreasing
    for school in ("Pasteur", "Grant-White"):
        alone = cx.cfa(hs.loc[hs["school"] == school], HS).modification_indices(top=None)
        mine = table.loc[table["group"] == school].drop(columns="group")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)
    assert len(cx.cfa(hs, HS, by="school").modification_indices(top=3)) == 3


def test_refusals(hs):
    data = hs.copy()
    data.loc[data.index[:20], "x1"] = np.nan
    with pytest.raises(ValueError, match="not available for a FIML fit of incomplete rows"):
        cx.cfa(data, HS, missing="fiml").modification_indices()
    with pytest.raises(ValueError, match="top must be at least 1"):
        cx.cfa(hs, HS).modification_indices(top=0)
    with pytest.raises(TypeError, match="top must be an integer"):
        cx.cfa(hs, HS).modification_indices(top="5")
