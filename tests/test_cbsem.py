"""CFA and SEM on semopy (cxresearch.latent.cbsem): against semopy itself, hand formulas,
seminr-py (GPL, test-only peer), the simulator's true loadings, and every bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxresearch as cx
from cxresearch._result import Result
from cxresearch.latent.cbsem import SOLVER_OPTIONS, SEMResult, cfa, rmsea_interval, sem

semopy = pytest.importorskip("semopy")
REFERENCE = Path(__file__).parent / "reference"

ECSI_CFA = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL  =~ PERV1 + PERV2
SAT  =~ CUSA1 + CUSA2 + CUSA3
LOY  =~ CUSL1 + CUSL2 + CUSL3
"""
SMALL_SEM = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
SAT  =~ CUSA1 + CUSA2 + CUSA3
LOY  =~ CUSL1 + CUSL3
SAT ~ IMAG
LOY ~ SAT
"""


@pytest.fixture(scope="module")
def mobi() -> pd.DataFrame:
    return cx.load_dataset("mobi")


@pytest.fixture(scope="module")
def ecsi(mobi) -> tuple[SEMResult, object]:
    """Our CFA and semopy's own fit of the same model on the same data."""
    direct = semopy.Model(ECSI_CFA)
    direct.fit(mobi.astype(float), obj="MLW", options=dict(SOLVER_OPTIONS))
    return cfa(mobi, ECSI_CFA), direct


@pytest.fixture(scope="module")
def small(mobi) -> tuple[SEMResult, object]:
    direct = semopy.Model(SMALL_SEM)
    direct.fit(mobi.astype(float), obj="MLW", options=dict(SOLVER_OPTIONS))
    return sem(mobi, SMALL_SEM), direct


def _semopy_table(model) -> pd.DataFrame:
    raw = model.inspect(std_est=True)
    raw["Std. Err"] = pd.to_numeric(raw["Std. Err"].replace("-", np.nan))
    return raw


def _our_rows(result: SEMResult, raw: pd.DataFrame) -> pd.DataFrame:
    """Our table in semopy's row order (loadings are `item ~ factor` in semopy)."""
    t = result.table
    keys = []
    for _, row in raw.iterrows():
        loading = t[(t["op"] == "=~") & (t["lhs"] == row["rval"]) & (t["rhs"] == row["lval"])]
        if row["op"] == "~" and len(loading):
            keys.append(loading.index[0])
        else:
            same = t[(t["op"] == row["op"]) & (t["lhs"] == row["lval"]) & (t["rhs"] == row["rval"])]
            if row["op"] == "~~" and not len(same):  # a covariance, written the other way
                same = t[(t["op"] == "~~") & (t["lhs"] == row["rval"]) & (t["rhs"] == row["lval"])]
            assert len(same) == 1, row.to_dict()
            keys.append(same.index[0])
    assert sorted(keys) == list(range(len(t)))  # every row matched once
    return t.loc[keys].reset_index(drop=True)


# --------------------------------------------------------------------------- semopy


@pytest.mark.parametrize("which", ["ecsi", "small"])
def test_estimates_equal_semopy(which, request):
    result, direct = request.getfixturevalue(which)
    raw = _semopy_table(direct)
    ours = _our_rows(result, raw)
    np.testing.assert_allclose(ours["estimate"], raw["Estimate"].astype(float), rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours["std_estimate"], raw["Est. Std"].astype(float), atol=1e-8)
    np.testing.assert_allclose(ours["std_error"], raw["Std. Err"], atol=1e-8)
    free = ours["free"].to_numpy()
    assert free.sum() == len(direct.param_vals)
    z = raw["Estimate"].astype(float) / raw["Std. Err"]
    np.testing.assert_allclose(ours["statistic"], z, atol=1e-8)
    np.testing.assert_allclose(
        ours.loc[free, "p_value"], 2 * stats.norm.sf(np.abs(z[free])), atol=1e-12
    )
    half = stats.norm.ppf(0.975) * ours["std_error"]
    np.testing.assert_allclose(ours["ci_high"] - ours["estimate"], half, atol=1e-12)
    assert ours.loc[~free, ["std_error", "ci_low", "ci_high"]].isna().all().all()


def test_residual_covariances_are_standardized_as_lavaan_std_all():
    # lavaan's std.all divides a residual covariance by the two residual variances (a
    # residual correlation); semopy's Est. Std divides by the total variances (0.092)
    from semopy.examples import political_democracy

    ref = json.loads((REFERENCE / "lavaan_political_democracy.json").read_text())
    res = sem(political_democracy.get_data(), political_democracy.get_model())
    assert res.fit["chi2"] == pytest.approx(ref["chi2"], abs=5e-4)
    t = res.table.set_index("term")
    for term, row in ref["residual_covariances"].items():
        a, _, b = term.split()
        hand = t.loc[term, "estimate"] / np.sqrt(
            t.loc[f"{a} ~~ {a}", "estimate"] * t.loc[f"{b} ~~ {b}", "estimate"]
        )
        assert t.loc[term, "std_estimate"] == pytest.approx(hand, abs=1e-12)
        assert t.loc[term, "std_estimate"] == pytest.approx(row["std_all"], abs=5e-4)
        assert t.loc[term, "estimate"] == pytest.approx(row["estimate"], abs=5e-4)
        assert t.loc[term, "std_error"] == pytest.approx(row["std_error"], abs=5e-4)


@pytest.mark.parametrize("which", ["ecsi", "small"])
def test_fit_indices_equal_semopy(which, request):
    result, direct = request.getfixturevalue(which)
    fit = result.fit
    chi2, p_value = semopy.stats.calc_chi2(direct)
    assert fit["chi2"] == pytest.approx(chi2, abs=1e-8)
    assert fit["df"] == semopy.stats.calc_dof(direct)
    assert fit["p_value"] == pytest.approx(p_value, abs=1e-8)
    assert fit["rmsea"] == pytest.approx(semopy.stats.calc_rmsea(direct), abs=1e-8)
    # semopy fits the independence baseline by numerical optimisation (its chi2 is 8e-4,
    # i.e. 3e-7 relative, above the closed-form minimum n (sum log s_jj - log|S|) here);
    # with that closed-form baseline its own CFI/TLI formulas give ours to 1e-10 ...
    base = (fit["baseline_chi2"], fit["baseline_df"])
    assert fit["baseline_df"] == semopy.stats.calc_dof(semopy.stats.get_baseline_model(direct))
    cfi = semopy.stats.calc_cfi(direct, chi2_base=base[0], dof_base=base[1])
    tli = semopy.stats.calc_tli(direct, chi2_base=base[0], dof_base=base[1])
    assert fit["cfi"] == pytest.approx(cfi, abs=1e-10)
    assert fit["tli"] == pytest.approx(tli, abs=1e-10)
    # ... and calc_stats, with its optimised baseline, within that optimiser's tolerance.
    st = semopy.calc_stats(direct).T["Value"]
    assert fit["baseline_chi2"] == pytest.approx(st["chi2 Baseline"], rel=1e-6)
    assert fit["cfi"] == pytest.approx(st["CFI"], abs=1e-6)
    assert fit["tli"] == pytest.approx(st["TLI"], abs=1e-6)


def test_result_object(ecsi, mobi):
    result, _ = ecsi
    assert isinstance(result, Result)
    assert (result.n, result.n_dropped, result.estimator, result.ci) == (250, 0, "MLW", 0.95)
    assert list(result.reliability.columns) == [
        "construct",
        "mode",
        "n_items",
        "alpha",
        "rho_c",
        "ave",
        "omega",
    ]
    assert list(result.table.columns[:5]) == ["term", "lhs", "op", "rhs", "free"]
    assert result.table["op"].tolist() == sorted(
        result.table["op"], key={"=~": 0, "~": 1, "~~": 2}.get
    )
    assert "SEMResult(n=250, n_dropped=0" in repr(result)
    with pytest.raises(AttributeError):
        result.n = 3


# --------------------------------------------------------------------------- by hand


def test_fit_indices_by_hand(small, mobi):
    result, _ = small
    f = result.fit
    x = mobi[result.table.loc[result.table["op"] == "=~", "rhs"]].to_numpy(dtype=float)
    n, p = x.shape
    s = np.cov(x, rowvar=False, bias=True)
    base = n * (np.log(np.diag(s)).sum() - np.linalg.slogdet(s)[1])
    assert f["baseline_chi2"] == pytest.approx(base, rel=1e-12)
    assert f["baseline_df"] == p * (p - 1) // 2
    assert f["df"] == p * (p + 1) // 2 - f["n_parameters"]
    chi2, df = f["chi2"], f["df"]
    assert f["rmsea"] == pytest.approx(math.sqrt((chi2 - df) / (df * (n - 1))), rel=1e-12)
    assert f["cfi"] == pytest.approx(1 - (chi2 - df) / (base - f["baseline_df"]), rel=1e-12)
    tli = (base / f["baseline_df"] - chi2 / df) / (base / f["baseline_df"] - 1)
    assert f["tli"] == pytest.approx(tli, rel=1e-12)
    # the log-likelihood of the rows under N(mean, Sigma) with the model-implied Sigma
    # (semopy's direct fit, in the item order of x), summed row by row with scipy
    direct = small[1]
    order = [
        direct.vars["observed"].index(c)
        for c in result.table.loc[result.table["op"] == "=~", "rhs"]
    ]
    sigma = np.asarray(direct.calc_sigma()[0])[np.ix_(order, order)]
    loglik = stats.multivariate_normal(x.mean(axis=0), sigma).logpdf(x).sum()
    assert f["log_likelihood"] == pytest.approx(loglik, rel=1e-8)
    k = f["n_parameters"]
    assert f["aic"] == pytest.approx(-2 * loglik + 2 * k, rel=1e-8)
    assert f["bic"] == pytest.approx(-2 * loglik + k * math.log(n), rel=1e-8)


def test_cfi_is_one_when_chi2_is_below_df():
    s = cx.simulate_survey(500, constructs=["service", "loyalty"], seed=1)
    res = cfa(
        s.data,
        "S =~ service_1 + service_2 + service_3 + service_4\n"
        "L =~ loyalty_1 + loyalty_2 + loyalty_3 + loyalty_4",
    )
    f = res.fit
    assert f["chi2"] < f["df"]
    assert (f["cfi"], f["rmsea"], f["rmsea_ci_low"]) == (1.0, 0.0, 0.0)
    assert f["tli"] > 1  # TLI is not truncated (Bentler 1990; lavaan and semopy alike)


def test_rmsea_interval_inverts_the_noncentral_chi2(small):
    f = small[0].fit
    chi2, df, n = f["chi2"], int(f["df"]), int(f["n"])
    low, high = f["rmsea_ci_low"], f["rmsea_ci_high"]
    assert 0 < low < f["rmsea"] < high
    lam_low, lam_high = low**2 * df * (n - 1), high**2 * df * (n - 1)
    assert stats.ncx2.cdf(chi2, df, lam_low) == pytest.approx(0.95, abs=1e-9)
    assert stats.ncx2.cdf(chi2, df, lam_high) == pytest.approx(0.05, abs=1e-9)
    assert rmsea_interval(chi2, df, n) == (low, high)
    # a near-perfect fit: the lower bound is 0 (chi2 below its 95% central quantile)
    assert rmsea_interval(10.0, 20, 300)[0] == 0.0


def test_omega_by_hand(ecsi, mobi):
    result, _ = ecsi
    t = result.table.set_index("term")
    rel = result.reliability.set_index("construct")
    for c, items in [
        ("IMAG", [f"IMAG{j}" for j in range(1, 6)]),
        ("SAT", ["CUSA1", "CUSA2", "CUSA3"]),
    ]:
        lam = np.array([t.loc[f"{c} =~ {i}", "estimate"] for i in items])
        theta = np.array([t.loc[f"{i} ~~ {i}", "estimate"] for i in items])
        phi = t.loc[f"{c} ~~ {c}", "estimate"]  # exogenous factor: its variance parameter
        omega = lam.sum() ** 2 * phi / (lam.sum() ** 2 * phi + theta.sum())
        assert rel.loc[c, "omega"] == pytest.approx(omega, rel=1e-12)
        std = np.array([t.loc[f"{c} =~ {i}", "std_estimate"] for i in items])
        assert rel.loc[c, "rho_c"] == pytest.approx(
            std.sum() ** 2 / (std.sum() ** 2 + (1 - std**2).sum()), rel=1e-12
        )
        assert rel.loc[c, "ave"] == pytest.approx(np.mean(std**2), rel=1e-12)
        k, r = len(items), mobi[items].corr().to_numpy()
        assert rel.loc[c, "alpha"] == pytest.approx(k / (k - 1) * (1 - k / r.sum()), rel=1e-12)
        assert rel.loc[c, "alpha"] == pytest.approx(
            cx.cronbach_alpha(mobi, items=items, standardized=True)["alpha"].iloc[0], rel=1e-12
        )


def test_omega_counts_error_covariances(mobi):
    model = "SAT =~ CUSA1 + CUSA2 + CUSA3\nIMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4\nIMAG1 ~~ IMAG2"
    res = cfa(mobi, model)
    t = res.table.set_index("term")
    items = ["IMAG1", "IMAG2", "IMAG3", "IMAG4"]
    lam = np.array([t.loc[f"IMAG =~ {i}", "estimate"] for i in items])
    theta = (
        sum(t.loc[f"{i} ~~ {i}", "estimate"] for i in items)
        + 2 * t.loc["IMAG1 ~~ IMAG2", "estimate"]
    )
    true = lam.sum() ** 2 * t.loc["IMAG ~~ IMAG", "estimate"]
    omega = res.reliability.set_index("construct").loc["IMAG", "omega"]
    assert omega == pytest.approx(true / (true + theta), rel=1e-12)


def test_single_item_factor_has_zero_error_variance(mobi):
    res = sem(mobi, "SAT =~ CUSA1 + CUSA2 + CUSA3\nCOMP =~ CUSCO\nCOMP ~ SAT")
    row = res.table.set_index("term").loc["CUSCO ~~ CUSCO"]
    assert (row["free"], row["estimate"]) == (False, 0.0)
    rel = res.reliability.set_index("construct").loc["COMP"]
    assert rel[["alpha", "rho_c", "ave", "omega"]].tolist() == pytest.approx([1, 1, 1, 1])


# --------------------------------------------------------------------------- ground truth


def test_cfa_recovers_the_simulators_loadings():
    """n = 20,000 on an 11-point symmetric scale.

    The simulator's loadings are those of the continuous response y*; the answers are
    y* cut into categories, whose correlation with the factor is the true loading times
    a = sum(phi(tau_k)) / sd(answer) (Olsson, Drasgow & Dorans 1982), here 0.969. That is
    the target. Tolerance 0.025: the sampling SE of a standardized loading is about
    (1 - l^2) / sqrt(n) <= 0.005 (3 SE = 0.015), plus up to ~0.01 because Pearson
    correlations of categorised items are not exactly a^2 l_i l_j. Without the
    attenuation the misses reach 0.03, so the target matters.
    """
    names = ["service", "satisfaction", "loyalty"]
    s = cx.simulate_survey(20_000, constructs=names, scale_points=11, skew=0.0, seed=11)
    model = "\n".join(
        f"{c.upper()} =~ " + " + ".join(f"{c}_{j}" for j in range(1, 5)) for c in names
    )
    res = cfa(s.data, model)
    tau = np.asarray(s.thresholds)
    p = np.diff(np.concatenate([[0.0], stats.norm.cdf(tau), [1.0]]))
    k = np.arange(1, p.size + 1)
    a = stats.norm.pdf(tau).sum() / math.sqrt((p * k**2).sum() - (p * k).sum() ** 2)
    assert a == pytest.approx(0.9687, abs=1e-4)
    est = res.table[res.table["op"] == "=~"].set_index("rhs")["std_estimate"]
    target = s.loadings.set_index("rhs")["loading"] * a
    assert (est - target.loc[est.index]).abs().max() < 0.025
    # the factor correlations (0.4 in truth) are recovered too: the CFA disattenuates
    r = res.table[(res.table["op"] == "~~") & (res.table["lhs"] != res.table["rhs"])]
    assert r["std_estimate"].sub(0.4).abs().max() < 0.03


# --------------------------------------------------------------------------- seminr-py


def test_cfa_equals_seminr(ecsi, mobi):
    """seminr-py's estimate_cfa (lavaan's ML, its own optimiser): standardized loadings
    and fit measures. seminr/lavaan compute RMSEA with n where semopy uses n - 1."""
    seminr = pytest.importorskip("seminr")
    if not hasattr(seminr, "estimate_cfa"):
        pytest.skip("this seminr-py has no estimate_cfa")
    blocks = {
        "IMAG": [f"IMAG{j}" for j in range(1, 6)],
        "EXPE": ["CUEX1", "CUEX2", "CUEX3"],
        "QUAL": [f"PERQ{j}" for j in range(1, 8)],
        "VAL": ["PERV1", "PERV2"],
        "SAT": ["CUSA1", "CUSA2", "CUSA3"],
        "LOY": ["CUSL1", "CUSL2", "CUSL3"],
    }
    mm = seminr.constructs(*(seminr.reflective(c, items) for c, items in blocks.items()))
    peer = seminr.estimate_cfa(mobi, mm, estimator="ML")
    result, _ = ecsi
    loadings = peer.factor_loadings
    t = result.table.set_index("term")
    diffs = [
        t.loc[f"{c} =~ {item}", "std_estimate"]
        - loadings.values[loadings.rows.index(item), loadings.cols.index(c)]
        for c, items in blocks.items()
        for item in items
    ]
    # two optimisers: measured 1.3e-7 (semopy's default ftol=1e-6 would leave 4e-4)
    assert np.max(np.abs(diffs)) < 1e-6
    fm, f, n = peer.estimation.fit_measures, result.fit, result.n
    assert f["chi2"] == pytest.approx(fm["chisq"], rel=1e-10)
    assert f["df"] == fm["df"]
    for ours, theirs in [("cfi", "cfi"), ("tli", "tli"), ("srmr", "srmr")]:
        assert f[ours] == pytest.approx(fm[theirs], abs=1e-8)
    for ours, theirs in [("log_likelihood", "logl"), ("aic", "aic"), ("bic", "bic")]:
        assert f[ours] == pytest.approx(fm[theirs], rel=1e-12)
    shrink = math.sqrt((n - 1) / n)
    assert f["rmsea"] * shrink == pytest.approx(fm["rmsea"], abs=1e-10)
    assert f["rmsea_ci_low"] * shrink == pytest.approx(fm["rmsea.ci.lower"], abs=1e-10)
    assert f["rmsea_ci_high"] * shrink == pytest.approx(fm["rmsea.ci.upper"], abs=1e-10)


# --------------------------------------------------------------------------- missing values


def test_missing_values_raise_with_the_count(mobi):
    data = mobi.copy()
    data.loc[[3, 7], "CUSA2"] = np.nan
    data.loc[7, "IMAG1"] = np.nan
    before = data.copy()
    msg = r"sem: 2 row\(s\) have missing values \(NaN\) in the model's columns \['IMAG1', 'CUSA2'\], at rows \[3, 7\]\. Pass missing='listwise'"
    with pytest.raises(ValueError, match=msg):
        sem(data, SMALL_SEM)
    res = sem(data, SMALL_SEM, missing="listwise")
    assert (res.n, res.n_dropped) == (248, 2)
    pd.testing.assert_frame_equal(data, before)  # input not modified
    direct = semopy.Model(SMALL_SEM)
    direct.fit(mobi.drop(index=[3, 7]).astype(float), options=dict(SOLVER_OPTIONS))
    assert res.fit["chi2"] == pytest.approx(semopy.stats.calc_chi2(direct)[0], abs=1e-8)


CORP_REP_CFA = """
COMP =~ comp_1 + comp_2 + comp_3
CUSL =~ cusl_1 + cusl_2 + cusl_3
COMP ~~ CUSL
"""


@pytest.mark.parametrize("fn", [cfa, sem])
def test_nullable_integer_columns_with_missing_values(fn):
    # corp_rep_data ships nullable Int64 items with pd.NA; the covariance checks once ran
    # before the cast to float and crashed (AttributeError: 'float' ... 'shape')
    data = cx.load_dataset("corp_rep_data")
    items = ["comp_1", "comp_2", "comp_3", "cusl_1", "cusl_2", "cusl_3"]
    assert str(data["cusl_1"].dtype) == "Int64" and data[items].isna().any().any()
    res = fn(data, CORP_REP_CFA, missing="listwise")
    complete = data[items].dropna().astype(float)
    assert (res.n, res.n_dropped) == (len(complete), len(data) - len(complete))
    direct = semopy.Model(CORP_REP_CFA)
    direct.fit(complete, obj="MLW", options=dict(SOLVER_OPTIONS))
    assert res.fit["chi2"] == pytest.approx(semopy.stats.calc_chi2(direct)[0], abs=1e-8)


# --------------------------------------------------------------------------- FIML

HS_CFA = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
HS_ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def holzinger() -> pd.DataFrame:
    from semopy.examples import holzinger39

    return holzinger39.get_data()


def _holes(data: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """The stated rule: each item value deleted independently with probability ``share``
    (uniform draws of numpy's default_rng(seed), row by row, items x1..x9 in order)."""
    out = data.copy()
    drop = np.random.default_rng(seed).random((len(out), len(HS_ITEMS))) < share
    out[HS_ITEMS] = out[HS_ITEMS].mask(drop)
    return out


def _implied(table: pd.DataFrame, items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The CFA's implied means and covariances rebuilt from its table by hand."""
    est = table.set_index("term")["estimate"]
    factors = list(dict.fromkeys(table.loc[table["op"] == "=~", "lhs"]))
    lam = np.zeros((len(items), len(factors)))
    for _, row in table[table["op"] == "=~"].iterrows():
        lam[items.index(row["rhs"]), factors.index(row["lhs"])] = row["estimate"]
    phi = np.zeros((len(factors),) * 2)
    theta = np.zeros((len(items),) * 2)
    for _, row in table[table["op"] == "~~"].iterrows():
        a, b = row["lhs"], row["rhs"]
        mx, idx = (phi, factors) if a in factors else (theta, items)
        mx[idx.index(a), idx.index(b)] = mx[idx.index(b), idx.index(a)] = row["estimate"]
    mu = np.array([est[f"{i} ~1"] for i in items])
    return mu, lam @ phi @ lam.T + theta


def _hand_loglik(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> float:
    """The FIML log-likelihood by hand: over the missing-data patterns, the normal
    log-density (scipy) of each row's observed part."""
    seen = np.isfinite(x)
    total = 0.0
    for pattern in np.unique(seen, axis=0):
        rows = x[(seen == pattern).all(axis=1)][:, pattern]
        dist = stats.multivariate_normal(mu[pattern], sigma[np.ix_(pattern, pattern)])
        total += float(np.sum(dist.logpdf(rows)))
    return total


def test_fiml_on_complete_data_is_ml(holzinger):
    ml = cfa(holzinger, HS_CFA)
    fiml = cfa(holzinger, HS_CFA, missing="fiml")
    assert (fiml.n, fiml.n_dropped, fiml.n_patterns) == (301, 0, 1)
    both = ml.table.merge(fiml.table, on="term")
    assert len(both) == len(ml.table)  # and nine intercepts more in fiml's
    np.testing.assert_allclose(both["estimate_x"], both["estimate_y"], atol=1e-5)
    assert fiml.fit["chi2"] == pytest.approx(ml.fit["chi2"], abs=1e-6)
    assert fiml.fit["log_likelihood"] == pytest.approx(ml.fit["log_likelihood"], abs=1e-6)
    for key in ("df", "cfi", "tli", "rmsea", "srmr", "baseline_chi2"):
        assert fiml.fit[key] == pytest.approx(ml.fit[key], abs=1e-6)
    intercepts = fiml.table[fiml.table["op"] == "~1"].set_index("lhs")["estimate"]
    np.testing.assert_allclose(intercepts[HS_ITEMS], holzinger[HS_ITEMS].mean(), atol=1e-6)
    assert fiml.fit["n_parameters"] == ml.fit["n_parameters"] + 9


@pytest.fixture(scope="module")
def holed(holzinger) -> tuple[pd.DataFrame, SEMResult]:
    """HS with 10% of the item values deleted (seed 23) and two rows emptied, its FIML fit."""
    data = _holes(holzinger, 0.1, seed=23)
    data.loc[data.index[:2], HS_ITEMS] = np.nan
    return data, cfa(data, HS_CFA, missing="fiml")


def test_fiml_with_holes_uses_every_value(holzinger, holed):
    holed, fiml = holed
    listwise = cfa(holed, HS_CFA, missing="listwise")
    full = cfa(holzinger, HS_CFA)
    assert (fiml.n, fiml.n_dropped) == (299, 2) and listwise.n < 200
    patterns = holed[HS_ITEMS].dropna(how="all").notna().drop_duplicates()
    assert fiml.n_patterns == len(patterns) > 20
    # the log-likelihood at the solution, by hand: each row's observed part
    mu, sigma = _implied(fiml.table, HS_ITEMS)
    hand = _hand_loglik(holed[HS_ITEMS].dropna(how="all").to_numpy(dtype=float), mu, sigma)
    assert fiml.fit["log_likelihood"] == pytest.approx(hand, abs=1e-6)
    # closer to the complete-data loadings than listwise deletion
    load = "op == '=~'"
    est = {
        name: res.table.query(load).set_index("term")["estimate"]
        for name, res in (("fiml", fiml), ("listwise", listwise), ("full", full))
    }
    err_fiml = (est["fiml"] - est["full"]).abs()
    err_listwise = (est["listwise"] - est["full"]).abs()
    assert err_fiml.max() < 0.15 and err_fiml.sum() < err_listwise.sum()
    assert (est["fiml"] - est["listwise"]).abs().max() > 0.01


def test_fiml_is_the_likelihood_maximum(holed):
    # any small move of the estimates lowers the hand-coded log-likelihood
    holed, res = holed
    x = holed[HS_ITEMS].dropna(how="all").to_numpy(dtype=float)
    mu, sigma = _implied(res.table, HS_ITEMS)
    top = _hand_loglik(x, mu, sigma)
    for j in (0, 4):
        for step in (-1e-3, 1e-3):
            moved = mu.copy()
            moved[j] += step
            assert _hand_loglik(x, moved, sigma) < top
            bigger = sigma.copy()
            bigger[j, j] += 10 * step
            assert _hand_loglik(x, mu, bigger) < top


def test_missing_values_outside_the_model_are_ignored(mobi):
    data = mobi.copy()
    data.loc[0, "PERQ1"] = np.nan  # not in SMALL_SEM
    assert sem(data, SMALL_SEM).n_dropped == 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fn", "model", "error", "message"),
    [
        (
            cfa,
            "IMAG <~ IMAG1 + IMAG2 + IMAG3",
            ValueError,
            r"'IMAG' is a composite \('<~'\).*use cx\.pls",
        ),
        (
            sem,
            "IMAG <~ IMAG1 + IMAG2 + IMAG3",
            ValueError,
            r"'IMAG' is a composite \('<~'\).*use cx\.pls",
        ),
        (cfa, "IMAG =~ IMAG1 + IMAG9", ValueError, r"model: column \['IMAG9'\] not found in data"),
        (
            cfa,
            "IMAG =~ IMAG1 + IMAG2\nSAT =~ CUSA1 + CUSA2\nSAT ~ IMAG",
            ValueError,
            r"cfa: the model has structural paths \(e\.g\. IMAG -> SAT\); .*Use sem",
        ),
        (
            sem,
            "IMAG =~ IMAG1 + IMAG2 + IMAG3\nIMAG ~ XX",
            ValueError,
            r"names 'XX', which is not a construct or an observed column",
        ),
        (cfa, "IMAG =~ NA*IMAG1 + IMAG2", ValueError, r"the modifier 'NA' of 'IMAG1'"),
        (cfa, "IMAG =~", ValueError, r"model line 1: nothing on one side of the operator"),
        (
            cfa,
            "IMAG =~ IMAG1 + IMAG2",
            ValueError,
            r"cfa: the model is not identified: 4 free parameters but only 3",
        ),
        (cfa, 42, TypeError, r"model must be a string"),
    ],
)
def test_bad_models(mobi, fn, model, error, message):
    with pytest.raises(error, match=message):
        fn(mobi, model)


def test_non_numeric_item(mobi):
    data = mobi.assign(IMAG2=mobi["IMAG2"].astype(str))
    with pytest.raises(TypeError, match=r"model: column 'IMAG2' must be numeric, got dtype"):
        cfa(data, "IMAG =~ IMAG1 + IMAG2 + IMAG3")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"missing": "drop"},
            ValueError,
            r"missing must be one of \['raise', 'listwise', 'fiml'\], got 'drop'",
        ),
        ({"estimator": "ULS"}, ValueError, r"estimator must be one of \['MLW', 'MLR'\], got 'ULS'"),
        ({"ci": 95}, ValueError, r"ci must lie strictly between 0 and 1"),
    ],
)
def test_bad_arguments(mobi, kwargs, error, message):
    with pytest.raises(error, match=message):
        cfa(mobi, "IMAG =~ IMAG1 + IMAG2 + IMAG3", **kwargs)


def test_bad_data(mobi):
    with pytest.raises(TypeError, match="data must be a pandas DataFrame, got ndarray"):
        cfa(mobi.to_numpy(), "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    inf = mobi.astype(float)
    inf.loc[5, "IMAG1"] = np.inf
    with pytest.raises(ValueError, match=r"column 'IMAG1' has 1 infinite value"):
        cfa(inf, "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    with pytest.raises(
        ValueError, match=r"column\(s\) \['IMAG1'\] have the same answer in every row"
    ):
        cfa(mobi.assign(IMAG1=4), "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    with pytest.raises(ValueError, match=r"columns 'IMAG1' and 'IMAG2' are identical"):
        cfa(mobi.assign(IMAG2=mobi["IMAG1"]), "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    with pytest.raises(ValueError, match=r"cfa: 3 complete row\(s\) for 3 observed variables"):
        cfa(mobi.head(3), "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    dependent = mobi.assign(IMAG3=mobi["IMAG1"] + mobi["IMAG2"])
    with pytest.raises(
        ValueError, match=r"covariance matrix of \['IMAG1', 'IMAG2', 'IMAG3'\] is singular"
    ):
        cfa(dependent, "IMAG =~ IMAG1 + IMAG2 + IMAG3")


def test_non_convergence_is_an_error(mobi, monkeypatch):
    def no_luck(self, *args, **kwargs):
        return semopy.solver.SolverResult(
            fun=3.5,
            success=False,
            n_it=1000,
            x=self.param_vals,
            message="",
            name_method="SLSQP",
            name_obj="MLW",
        )

    monkeypatch.setattr(semopy.Model, "fit", no_luck)
    with pytest.raises(
        cx.ConvergenceError,
        match=r"cfa: the optimiser did not converge \(1000 iterations, objective 3\.5\)",
    ):
        cfa(mobi, "IMAG =~ IMAG1 + IMAG2 + IMAG3")


def test_heywood_case_warns():
    rng = np.random.default_rng(3)
    r = np.array([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]])  # implies a loading of 1.13
    x = pd.DataFrame(rng.multivariate_normal(np.zeros(3), r, size=500), columns=["a", "b", "c"])
    with pytest.warns(
        RuntimeWarning,
        match=r"improper solution \(Heywood case\): variance\(s\) of \['a'\] at or below zero",
    ):
        cfa(x, "F =~ a + b + c")


# --------------------------------------------------------------------------- MLR


@pytest.fixture(scope="module")
def hs_mlr(holzinger) -> SEMResult:
    return cfa(holzinger, HS_CFA, estimator="MLR")


def test_mlr_keeps_the_ml_estimates_and_chi2(holzinger, hs_mlr):
    ml = cfa(holzinger, HS_CFA)
    np.testing.assert_allclose(hs_mlr.table["estimate"], ml.table["estimate"], atol=1e-12)
    assert hs_mlr.fit["chi2"] == ml.fit["chi2"]
    assert hs_mlr.estimator == "MLR"
    c = hs_mlr.fit["scaling_factor"]
    assert hs_mlr.fit["chi2_scaled"] == pytest.approx(ml.fit["chi2"] / c, rel=1e-12)
    assert hs_mlr.fit["p_value_scaled"] == pytest.approx(
        stats.chi2.sf(hs_mlr.fit["chi2_scaled"], 24), rel=1e-12
    )
    assert "scaling_factor" not in ml.fit.index


def test_mlr_standard_errors_are_the_numerical_sandwich(holzinger, hs_mlr):
    """Huber-White by brute force: casewise scores and the observed information from
    finite differences of scipy's normal log-density at semopy's implied covariances."""
    model = semopy.Model(HS_CFA)
    model.fit(holzinger[HS_ITEMS], obj="MLW", options=dict(SOLVER_OPTIONS))
    x = holzinger[model.vars["observed"]].to_numpy(dtype=float)
    est = np.concatenate([model.param_vals, x.mean(axis=0)])
    k = len(model.param_vals)

    def casewise(par):
        model.update_matrices(par[:k])
        return stats.multivariate_normal(par[k:], model.calc_sigma()[0]).logpdf(x)

    def scores(par, h=1e-6):
        out = np.empty((len(x), len(par)))
        for j in range(len(par)):
            step = np.zeros(len(par))
            step[j] = h
            out[:, j] = (casewise(par + step) - casewise(par - step)) / (2 * h)
        return out

    def total(par):
        return float(casewise(par).sum())

    h, eye = 1e-4, np.eye(len(est)) * 1e-4
    info = np.empty((len(est), len(est)))  # second differences of the log-likelihood
    for i in range(len(est)):
        for j in range(i, len(est)):
            a, b = eye[i], eye[j]
            second = total(est + a + b) - total(est + a - b) - total(est - a + b)
            info[i, j] = info[j, i] = -(second + total(est - a - b)) / (4 * h * h)
    a_inv = np.linalg.inv((info + info.T) / 2)
    s = scores(est)
    sandwich = np.sqrt(np.diag(a_inv @ s.T @ s @ a_inv))[:k]
    free = hs_mlr.table[hs_mlr.table["free"]]
    semopy_order = model.inspect()
    semopy_order = semopy_order[semopy_order["Std. Err"] != "-"]
    # semopy's rows of the free parameters are in its parameter order, as ours after mapping
    ours = []
    for _, row in semopy_order.iterrows():
        a, op, b = row["lval"], row["op"], row["rval"]
        term = f"{b} =~ {a}" if op == "~" else f"{a} ~~ {b}"
        hit = free[(free["term"] == term) | (free["term"] == f"{b} ~~ {a}")]
        ours.append(float(hit["std_error"].iloc[0]))
    np.testing.assert_allclose(ours, sandwich, atol=1e-5)


def _one_factor(n: int, heavy: bool, seed: int) -> pd.DataFrame:
    """A one-factor model (loadings 0.8, error sd 0.6): normal, or multivariate t with
    5 df (the normal rows times a common sqrt(3 / chi2_5) each, unit variances kept)."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n)
    x = 0.8 * f[:, None] + 0.6 * rng.standard_normal((n, 5))
    if heavy:
        x *= np.sqrt(3 / rng.chisquare(5, n))[:, None]
    return pd.DataFrame(x, columns=[f"q{j}" for j in range(1, 6)])


ONE_FACTOR = "F =~ q1 + q2 + q3 + q4 + q5"


def test_mlr_equals_ml_on_normal_data_and_not_on_heavy_tails():
    normal = _one_factor(2000, heavy=False, seed=11)
    heavy = _one_factor(2000, heavy=True, seed=11)
    ratios = {}
    for name, data in (("normal", normal), ("heavy", heavy)):
        ml, mlr = cfa(data, ONE_FACTOR), cfa(data, ONE_FACTOR, estimator="MLR")
        ok = ml.table["free"]
        ratios[name] = (mlr.table["std_error"][ok] / ml.table["std_error"][ok]).to_numpy()
        ratios[name + "_c"] = mlr.fit["scaling_factor"]
    # normal: every ratio within Monte Carlo noise of 1 (n = 2000), the scaling near 1
    assert np.abs(ratios["normal"] - 1).max() < 0.1 and abs(ratios["normal_c"] - 1) < 0.15
    # multivariate t(5) (relative kurtosis 3): every standard error and the chi-square's
    # scaling inflated (asymptotically by sqrt(3) and 3 for an elliptical distribution)
    assert ratios["heavy"].min() > 1.2 and ratios["heavy_c"] > 1.5


def test_mlr_with_fiml_on_complete_data_is_mlr(holzinger, hs_mlr):
    both = cfa(holzinger, HS_CFA, estimator="MLR", missing="fiml")
    merged = hs_mlr.table.merge(both.table, on="term")
    np.testing.assert_allclose(merged["std_error_x"], merged["std_error_y"], atol=1e-5)
    for key in ("chi2", "scaling_factor", "chi2_scaled"):
        assert both.fit[key] == pytest.approx(hs_mlr.fit[key], abs=1e-5)


# --------------------------------------------------------------------------- bad input


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PROPERTY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_PROPERTY
@given(
    cells=st.sets(
        st.tuples(st.integers(0, 300), st.sampled_from(HS_ITEMS)), min_size=1, max_size=20
    ),
    estimator=st.sampled_from(["MLW", "MLR"]),
)
def test_missing_values_raise_names_missing_and_fiml(holzinger, cells, estimator):
    data = holzinger.copy()
    for row, col in cells:
        data.loc[data.index[row], col] = np.nan
    rows = len({row for row, _ in cells})
    with pytest.raises(
        ValueError, match=rf"^cfa: {rows} row\(s\) have missing values.*missing='fiml'"
    ):
        cfa(data, HS_CFA, estimator=estimator)


@_PROPERTY
@given(estimator=st.text(max_size=8).filter(lambda s: s not in ("MLW", "MLR")))
def test_unknown_estimator_is_named(holzinger, estimator):
    with pytest.raises(ValueError, match=r"^estimator must be one of \['MLW', 'MLR'\], got "):
        cfa(holzinger, HS_CFA, estimator=estimator)


_SCRIPTS = st.sampled_from(
    [
        "абвгдежзийклмнопрстуфхцчшщыэюя",  # Cyrillic
        "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",  # Persian
    ]
)


@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_fiml_and_mlr_keep_persian_and_cyrillic_names(data):
    letters = data.draw(_SCRIPTS)
    word = st.text(alphabet=letters, min_size=1, max_size=6)
    names = data.draw(st.lists(word, min_size=6, max_size=6, unique=True))
    frame = _one_factor(200, heavy=False, seed=3)
    frame.columns = names[1:]
    frame.iloc[::7, 0] = np.nan
    model = f"{names[0]} =~ " + " + ".join(names[1:])
    res = cfa(frame, model, missing="fiml", estimator="MLR")
    assert res.table.loc[res.table["op"] == "=~", "rhs"].tolist() == names[1:]
    assert set(res.table.loc[res.table["op"] == "~1", "lhs"]) == set(names[1:])
    assert res.n_patterns == 2 and np.isfinite(res.table["estimate"]).all()


def test_fiml_column_without_any_value(holzinger):
    data = holzinger.assign(x3=np.nan)
    with pytest.raises(ValueError, match=r"^model: column 'x3' is missing for all 301 rows"):
        cfa(data, HS_CFA, missing="fiml")


def test_fiml_constant_item(holzinger):
    data = holzinger.assign(x3=np.where(holzinger.index % 2 == 0, 4.0, np.nan))
    with pytest.raises(ValueError, match=r"^model: column\(s\) \['x3'\] have the same answer"):
        cfa(data, HS_CFA, missing="fiml")


# --------------------------------------------------------------------------- by (configural)


def test_cfa_by_group_is_lavaans_configural_fit(holzinger):
    ref = json.loads((REFERENCE / "lavaan_hs_multigroup.json").read_text())["configural"]
    res = cfa(holzinger, HS_CFA, by="school")
    assert res.by == "school" and res.n == 301
    assert res.fit["chi2"] == pytest.approx(ref["chi2"], abs=5e-4)
    assert res.fit["df"] == ref["df"]
    assert list(res.table.columns[:5]) == ["term", "lhs", "op", "rhs", "group"]
    assert res.table["group"].unique().tolist() == ["Pasteur", "Grant-White"]
    alone = cfa(holzinger[holzinger["school"] == "Pasteur"], HS_CFA)
    mine = res.table[res.table["group"] == "Pasteur"].reset_index(drop=True)
    np.testing.assert_allclose(mine["estimate"], alone.table["estimate"], atol=1e-12)
    ladder = cx.invariance(holzinger, HS_CFA, by="school", steps=("configural",)).table
    for key in ("chi2", "cfi", "rmsea"):
        assert res.fit[key] == pytest.approx(ladder[key].iloc[0], abs=1e-5)


def test_cfa_by_group_bad_input(holzinger):
    with pytest.raises(ValueError, match=r"^by: column"):
        cfa(holzinger, HS_CFA, by="schol")
    tiny = holzinger[holzinger["school"] == "Pasteur"].head(8).assign(school="tiny")
    with pytest.raises(ValueError, match=r"^by: in group 'tiny' of 'school': cfa: 8 complete"):
        cfa(pd.concat([holzinger, tiny]), HS_CFA, by="school")
    flat = holzinger.copy()
    flat.loc[flat["school"] == "Pasteur", "x2"] = 3.0
    with pytest.raises(ValueError, match=r"^by: in group 'Pasteur' of 'school': model: column"):
        cfa(flat, HS_CFA, by="school")
    gap = holzinger.copy()
    gap.loc[gap.index[4], "school"] = np.nan
    with pytest.raises(
        ValueError, match=r"^cfa: 1 row\(s\) have a missing value.*missing='listwise'"
    ):
        cfa(gap, HS_CFA, by="school")
    assert cfa(gap, HS_CFA, by="school", missing="listwise").n_dropped == 1
    with pytest.raises(ValueError, match=r"^by: column 'school' has 1 group"):
        cfa(holzinger.assign(school="one"), HS_CFA, by="school")


@settings(max_examples=4, deadline=None)
@given(
    labels=st.lists(
        st.text(alphabet="абвгдежзийклابپتثجچحخ", min_size=1, max_size=5),
        min_size=2,
        max_size=2,
        unique=True,
    )
)
def test_cfa_by_group_keeps_persian_and_cyrillic_labels(labels):
    data = _one_factor(240, heavy=False, seed=8)
    data["region"] = np.repeat(labels, 120)
    res = cfa(data, ONE_FACTOR, by="region", estimator="MLR")
    assert res.table["group"].unique().tolist() == labels
    assert res.reliability["group"].unique().tolist() == labels


def test_casewise_scores_with_holes_are_numerical_derivatives(holzinger):
    """The rows' scores under missing data (used by MLR with FIML) against central
    differences of scipy's normal log-density of each row's observed part."""
    from cxresearch.latent.cbsem import _casewise_scores, _patterns, _semopy_sigma

    model = semopy.Model(HS_CFA)
    model.fit(holzinger[HS_ITEMS], obj="MLW", options=dict(SOLVER_OPTIONS))
    holed = _holes(holzinger, 0.15, seed=4)
    x = holed[model.vars["observed"]].to_numpy(dtype=float)
    est = np.concatenate([model.param_vals, np.nanmean(x, axis=0) + 0.1])
    k, patterns = len(model.param_vals), _patterns(x)
    scores = _casewise_scores(_semopy_sigma(model), k, patterns, est)

    def rows_loglik(par):
        model.update_matrices(par[:k])
        sigma = model.calc_sigma()[0]
        return np.concatenate(
            [
                stats.multivariate_normal(par[k:][c], sigma[np.ix_(c, c)]).logpdf(r).reshape(-1)
                for c, r in patterns
            ]
        )

    numeric = np.empty_like(scores)
    for j in range(len(est)):
        step = np.zeros(len(est))
        step[j] = 1e-6
        numeric[:, j] = (rows_loglik(est + step) - rows_loglik(est - step)) / 2e-6
    np.testing.assert_allclose(scores, numeric, atol=2e-5, rtol=1e-5)
