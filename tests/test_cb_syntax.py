"""lavaan's syntax in cx.cfa / cx.sem (issue 23): labels and equality constraints, fixed
values, intercepts, defined parameters (delta method, bootstrap), path analysis.

Peers: semopy fitted directly on the same syntax, published lavaan output
(tests/reference/), ordinary least squares for a recursive path model, and hand
calculations (the delta method from the parameters' covariance matrix)."""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import pandas as pd
import pytest
import semopy
from scipy import stats
from semopy.examples import holzinger39, political_democracy

import cxresearch as cx
from cxresearch.latent import syntax

REFERENCE = pathlib.Path(__file__).parent / "reference"

PD_EQUAL = """
ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ d1*ind60
dem65 ~ d2*ind60 + d3*dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8
indirect := d1*d3
total := d2 + d1*d3
"""
HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def pdem() -> pd.DataFrame:
    return political_democracy.get_data()


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return holzinger39.get_data()


@pytest.fixture(scope="module")
def equal(pdem):
    return cx.sem(pdem, PD_EQUAL)


def _semopy(data: pd.DataFrame, model: str) -> semopy.Model:
    m = semopy.Model(model)
    m.load(data)
    m.fit(obj="MLW", options={"ftol": 1e-12, "maxiter": 10_000})
    return m


# --------------------------------------------------------------------------- parsing


def test_parse_reads_labels_fixed_values_intercepts_and_definitions():
    spec = syntax.parse_model(
        "F =~ x1 + a*x2 + 0.5*x3\ny ~ b*F + 1\nx1 ~~ 0.3*x1\nab := a*b", family="cbsem"
    )
    assert spec.construct("F").items == ("x1", "x2", "x3")
    assert spec.modifiers == (
        ("F", "=~", "x2", "a"),
        ("F", "=~", "x3", "0.5"),
        ("y", "~", "F", "b"),
        ("x1", "~~", "x1", "0.3"),
    )
    assert spec.intercepts == ("y",)
    assert spec.defined == (("ab", "a*b"),)
    assert spec.paths == (("F", "y"),)


def test_parse_reads_a_model_of_observed_variables_only():
    spec = syntax.parse_model("y ~ x1 + x2\nz ~ y", family="cbsem")
    assert spec.constructs == ()
    assert spec.paths == (("x1", "y"), ("x2", "y"), ("y", "z"))


def test_the_common_parser_still_refuses_the_extensions():
    with pytest.raises(ValueError, match="read by cx.cfa / cx.sem only"):
        syntax.parse_model("F =~ a*x1 + x2")
    with pytest.raises(ValueError, match="model has no construct"):
        syntax.parse_model("y ~ x")


def test_pls_refuses_a_cbsem_spec():
    data = cx.load_dataset("mobi")
    spec = syntax.parse_model("IMAG =~ IMAG1 + a*IMAG2\nSAT =~ CUSA1\nSAT ~ IMAG", family="cbsem")
    with pytest.raises(ValueError, match="are for cx.cfa / cx.sem; a PLS path model has none"):
        syntax.check_model_data(spec, data, family="pls")


@pytest.mark.parametrize(
    ("model", "match"),
    [
        ("F =~ NA*x1 + x2", r"line 1: in the statement 'F =~ NA\*x1 \+ x2', the modifier 'NA'"),
        ("F =~ start(0.5)*x1 + x2", r"the modifier 'start\(0.5\)' of 'x1'"),
        ("F =~ c(a, b)*x1 + x2", r"the modifier 'c\(a, b\)'"),
        ("F =~ x1 + x2\na == b", r"line 2: in the statement 'a == b', explicit constraints"),
        ("F =~ x1 + x2\na > 0", r"in the statement 'a > 0', explicit constraints"),
        ("F =~ x1 + x2\nx1 | t1", r"in the statement 'x1 \| t1', thresholds"),
        ("F =~ x1 + x2\nF ~*~ F", r"scaling factors"),
        ("F =~ x1 + x2\nab := a*", r"line 2: in 'ab := a\*': 'a\*' is not an arithmetic"),
        ("F =~ x1 + x2\nab := max(a, b)", r"'max\(a, b\)'; a defined parameter is arithmetic"),
        ("F =~ x1 + x2\n2ab := a", r"'2ab' is not a valid name"),
        ("F =~ x1 + x2\nab := 1\nab := 2", r"line 3: the parameter 'ab' is defined twice"),
    ],
)
def test_unknown_syntax_is_refused_naming_the_statement(model, match):
    with pytest.raises(ValueError, match=match):
        syntax.parse_model(model, family="cbsem")


@pytest.mark.parametrize(
    ("model", "match"),
    [
        ("visual =~ a*x1 + x2 + x3", r"the label 'a' is on visual =~ x1, the first loading"),
        ("visual =~ x1 + x2 + x3\nab := a*2", r"uses 'a', which is no label of the model"),
        ("visual =~ x1 + x2 + x3\nvisual ~ 1", r"the mean of the factor 'visual'"),
        ("visual =~ x1 + x2 + x3\nx9 ~ 1", r"'x9 ~ 1' names 'x9', which is no observed"),
        ("visual =~ x1 + x3*x2 + x3", r"the label 'x3' .* is also the name"),
        ("visual =~ x1 + a*x2 + x3\na := 2*a", r"'a' is already a label or a variable"),
    ],
)
def test_unestimable_labels_and_intercepts_are_refused(hs, model, match):
    with pytest.raises(ValueError, match=match):
        cx.cfa(hs, model)


# --------------------------------------------------------------------------- equality constraints


def test_equality_constraints_equal_semopy(pdem, equal):
    peer = _semopy(pdem, PD_EQUAL.split("indirect")[0])
    assert equal.fit["chi2"] == pytest.approx(peer.last_result.fun * len(pdem), abs=1e-8)
    raw = peer.inspect()
    for item, label in [("y2", "a"), ("y6", "a"), ("y3", "b"), ("y7", "b"), ("y8", "c")]:
        ours = equal.table.query(f"op == '=~' and rhs == '{item}'").iloc[0]
        theirs = raw.query(f"lval == '{item}' and op == '~'").iloc[0]
        assert ours["label"] == label
        assert ours["estimate"] == pytest.approx(theirs["Estimate"], abs=1e-8)
        assert ours["std_error"] == pytest.approx(float(theirs["Std. Err"]), abs=1e-8)


def test_equal_labels_give_equal_estimates_and_three_more_df(pdem, equal):
    reference = json.loads((REFERENCE / "lavaan_political_democracy.json").read_text())
    loadings = equal.table[equal.table["label"].isin(["a", "b", "c"])]
    assert loadings.groupby("label")["estimate"].nunique().eq(1).all()
    assert equal.fit["df"] == reference["df"] + 3  # three loadings fewer to estimate
    # the unconstrained model reproduces lavaan's published chi-square (38.125 on 35);
    # constraining can only raise it, and the difference is the LR test of the equalities
    free = cx.sem(pdem, PD_EQUAL.replace("a*", "").replace("b*", "").replace("c*", ""))
    assert free.fit["chi2"] == pytest.approx(reference["chi2"], abs=5e-4)
    delta = equal.fit["chi2"] - free.fit["chi2"]
    assert 0 < delta < stats.chi2.isf(0.05, 3)


# --------------------------------------------------------------------------- defined parameters


def test_defined_parameters_by_the_delta_method_by_hand(pdem, equal):
    peer = _semopy(pdem, PD_EQUAL.split("indirect")[0])
    _, vcov = peer.calc_fim(inverse=True)
    names = [n for n, p in peer.parameters.items() if p.active]
    est = dict(zip(names, peer.param_vals, strict=True))
    i1, i2, i3 = names.index("d1"), names.index("d2"), names.index("d3")
    d1, d2, d3 = est["d1"], est["d2"], est["d3"]
    # indirect = d1 d3: gradient (d3, d1); total = d2 + d1 d3: gradient (d3, 1, d1)
    var_ind = d3**2 * vcov[i1, i1] + d1**2 * vcov[i3, i3] + 2 * d1 * d3 * vcov[i1, i3]
    g = np.zeros(len(names))
    g[[i1, i2, i3]] = [d3, 1.0, d1]
    rows = equal.table[equal.table["op"] == ":="].set_index("lhs")
    assert rows.loc["indirect", "estimate"] == pytest.approx(d1 * d3, abs=1e-8)
    assert rows.loc["indirect", "std_error"] == pytest.approx(math.sqrt(var_ind), rel=1e-6)
    assert rows.loc["total", "estimate"] == pytest.approx(d2 + d1 * d3, abs=1e-8)
    assert rows.loc["total", "std_error"] == pytest.approx(math.sqrt(g @ vcov @ g), rel=1e-6)
    z = rows.loc["indirect", "estimate"] / rows.loc["indirect", "std_error"]
    assert rows.loc["indirect", "p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    half = stats.norm.isf(0.025) * rows.loc["total", "std_error"]
    assert rows.loc["total", "ci_high"] - rows.loc["total", "estimate"] == pytest.approx(half)
    assert rows.loc["indirect", "rhs"] == "d1*d3"
    assert not rows["free"].any()


def test_defined_std_estimate_is_the_expression_of_the_standardized_labels(equal):
    t = equal.table.set_index("label")
    std = {k: t.loc[k, "std_estimate"] for k in ("d1", "d2", "d3")}
    rows = equal.table[equal.table["op"] == ":="].set_index("lhs")
    assert rows.loc["indirect", "std_estimate"] == pytest.approx(std["d1"] * std["d3"])
    assert rows.loc["total", "std_estimate"] == pytest.approx(std["d2"] + std["d1"] * std["d3"])


def test_defined_parameters_use_the_robust_covariance_with_mlr(pdem, equal):
    robust = cx.sem(pdem, PD_EQUAL, estimator="MLR")
    ours = robust.table[robust.table["op"] == ":="].set_index("lhs")
    ml = equal.table[equal.table["op"] == ":="].set_index("lhs")
    assert ours["estimate"].to_numpy() == pytest.approx(ml["estimate"].to_numpy(), abs=1e-6)
    assert not np.allclose(ours["std_error"], ml["std_error"], rtol=1e-3)
    # a defined parameter equal to one label has that label's (robust) standard error
    single = cx.sem(pdem, PD_EQUAL + "\nsame := 1*d1", estimator="MLR").table.set_index("term")
    assert single.loc["same := 1*d1", "std_error"] == pytest.approx(
        single.loc["dem60 ~ ind60", "std_error"], rel=1e-6
    )


def test_bootstrap_intervals_of_a_defined_parameter(pdem):
    res = cx.sem(pdem, "ind60 =~ x1 + x2 + x3\ny1 ~ a*ind60\ny2 ~ b*y1\nab := a*b")
    boot = res.bootstrap(60, seed=3)
    again = res.bootstrap(60, seed=3)
    pd.testing.assert_frame_equal(boot.table, again.table)
    row = boot.table.set_index("term").loc["ab := a*b"]
    delta = res.table.set_index("term").loc["ab := a*b"]
    assert row["estimate"] == pytest.approx(delta["estimate"])
    assert row["ci_low"] < delta["estimate"] < row["ci_high"]
    # the bootstrap SD and the delta-method SE estimate the same spread
    assert row["std_error"] == pytest.approx(delta["std_error"], rel=0.35)
    assert boot.n_boot == 60 and boot.n_redrawn == 0
    assert "y2 ~ y1" in set(boot.table["term"])


def test_bootstrap_refuses_bad_counts_and_multigroup_fits(pdem, hs):
    res = cx.sem(pdem, "ind60 =~ x1 + x2 + x3\ny1 ~ a*ind60")
    with pytest.raises(ValueError, match="n_boot must be at least 20"):
        res.bootstrap(5)
    with pytest.raises(TypeError, match="n_boot must be an integer"):
        res.bootstrap(100.0)
    grouped = cx.cfa(hs, HS, by="school")
    with pytest.raises(ValueError, match="bootstrap: not available for a multi-group fit"):
        grouped.bootstrap(100)


# --------------------------------------------------------------------------- fixed values


def test_fixed_values_equal_semopy_and_keep_the_first_loading_at_one(hs):
    res = cx.cfa(hs, "visual =~ x1 + 0.5*x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~~ 0.3*x1")
    peer = _semopy(hs, "visual =~ 1.0*x1 + 0.5*x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~~ 0.3*x1")
    assert res.fit["chi2"] == pytest.approx(peer.last_result.fun * len(hs), abs=1e-8)
    t = res.table.set_index("term")
    for term, value in [("visual =~ x1", 1.0), ("visual =~ x2", 0.5), ("x1 ~~ x1", 0.3)]:
        assert t.loc[term, "estimate"] == value
        assert not t.loc[term, "free"] and np.isnan(t.loc[term, "std_error"])
    # two fixed parameters more than the free model: two more degrees of freedom
    assert (
        res.fit["df"] == cx.cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6").fit["df"] + 2
    )


def test_fixing_loadings_at_their_estimates_keeps_the_chi_square(hs):
    free = cx.cfa(hs, HS)
    t = free.table.set_index("term")
    lam = {
        i: float(t.loc[f"{f} =~ {i}", "estimate"]) for f, i in [("visual", "x2"), ("speed", "x9")]
    }
    fixed = HS.replace("x2", f"{lam['x2']!r}*x2").replace("+ x9", f"+ {lam['x9']!r}*x9")
    res = cx.cfa(hs, fixed)
    assert res.fit["chi2"] == pytest.approx(free.fit["chi2"], abs=1e-6)
    assert res.fit["df"] == free.fit["df"] + 2


# --------------------------------------------------------------------------- intercepts, path analysis


def test_intercepts_of_items_are_the_sample_means(hs):
    res = cx.cfa(hs, HS + "\nx1 ~ 1\nx4 ~ 1")
    t = res.table.set_index("term")
    n = len(hs)
    sigma = _semopy(hs, HS).calc_sigma()[0]
    for j, item in [(0, "x1"), (3, "x4")]:
        assert t.loc[f"{item} ~1", "estimate"] == pytest.approx(hs[item].mean(), abs=1e-10)
        assert t.loc[f"{item} ~1", "std_error"] == pytest.approx(
            math.sqrt(sigma[j, j] / n), rel=1e-6
        )
    # lavaan's tutorial (meanstructure = TRUE): the same chi-square, x1's intercept 4.936
    reference = json.loads((REFERENCE / "lavaan_hs_meanstructure.json").read_text())
    assert round(t.loc["x1 ~1", "estimate"], 3) == reference["intercepts"]["x1"]
    assert round(res.fit["chi2"], 3) == reference["chi2"] and res.fit["df"] == reference["df"]
    assert "label" not in res.table.columns


def _ols(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    rss = float(resid @ resid)
    cov = rss / (len(y) - design.shape[1]) * np.linalg.inv(design.T @ design)
    return coef, np.sqrt(np.diag(cov)), rss


def test_path_analysis_equals_ordinary_least_squares(hs):
    res = cx.sem(hs, "x4 ~ x1 + x2\nx5 ~ x4 + x1\nx4 ~ 1\nx5 ~ 1")
    t = res.table.set_index("term")
    n = len(hs)
    for y, xs in [("x4", ["x1", "x2"]), ("x5", ["x4", "x1"])]:
        coef, se, rss = _ols(hs[y].to_numpy(), hs[xs].to_numpy())
        shrink = math.sqrt((n - len(xs) - 1) / n)  # ML divides the residual variance by n
        for k, x in enumerate(xs, start=1):
            assert t.loc[f"{y} ~ {x}", "estimate"] == pytest.approx(coef[k], abs=1e-6)
            assert t.loc[f"{y} ~ {x}", "std_error"] == pytest.approx(se[k] * shrink, rel=1e-4)
        assert t.loc[f"{y} ~1", "estimate"] == pytest.approx(coef[0], abs=1e-6)
        assert t.loc[f"{y} ~1", "std_error"] == pytest.approx(se[0] * shrink, rel=1e-4)
        assert t.loc[f"{y} ~~ {y}", "estimate"] == pytest.approx(rss / n, rel=1e-6)
    # the model omits only x5 ~ x2: chi-square = n log(RSS without x2 / RSS with x2), 1 df
    _, _, rss_without = _ols(hs["x5"].to_numpy(), hs[["x4", "x1"]].to_numpy())
    _, _, rss_with = _ols(hs["x5"].to_numpy(), hs[["x4", "x1", "x2"]].to_numpy())
    assert res.fit["chi2"] == pytest.approx(n * math.log(rss_without / rss_with), rel=1e-6)
    assert res.fit["df"] == 1
    assert res.reliability.empty


def test_fixed_x_baseline_keeps_the_exogenous_block(hs):
    res = cx.sem(hs, "x4 ~ x1 + x2\nx5 ~ x4 + x1")
    s = np.cov(hs[["x1", "x2", "x4", "x5"]].to_numpy(), rowvar=False, bias=True)
    n = len(hs)
    # independence of x4 and x5 from everything, x1 and x2 covarying as in the sample
    logdet = np.linalg.slogdet
    base = n * (np.log(s[2, 2]) + np.log(s[3, 3]) + logdet(s[:2, :2])[1] - logdet(s)[1])
    assert res.fit["baseline_chi2"] == pytest.approx(base, rel=1e-8)
    assert res.fit["baseline_df"] == 6 - 1


def test_labelled_paths_with_fiml_keep_the_equality(hs):
    data = hs.copy()
    data.loc[data.index[::7], "x2"] = np.nan
    res = cx.sem(data, "x4 ~ a*x1 + a*x2\nx4 ~ 1", missing="fiml")
    t = res.table.set_index("term")
    assert t.loc["x4 ~ x1", "estimate"] == pytest.approx(t.loc["x4 ~ x2", "estimate"])
    assert t.loc["x4 ~ x1", "label"] == "a"
    assert res.missing == "fiml" and "FIML" in res.summary().title


def test_a_construct_called_1_is_a_path_not_an_intercept(hs):
    data = hs.rename(columns={"x1": "a1", "x2": "a2", "x3": "a3"})
    spec = syntax.parse_model("1 =~ a1 + a2 + a3\nT =~ x4 + x5 + x6\nT ~ 1", family="cbsem")
    assert spec.paths == (("1", "T"),) and spec.intercepts == ()
    res = cx.sem(data, "1 =~ a1 + a2 + a3\nT =~ x4 + x5 + x6\nT ~ 1")
    assert "T ~ 1" in set(res.table["term"])
