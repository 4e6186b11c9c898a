"""Tests for cxresearch.mediation: against pingouin and statsmodels on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf

from cxresearch.mediation import MediationResult, mediation_analysis

TOL = 1e-10


@pytest.fixture
def survey(rng) -> pd.DataFrame:
    n = 500
    d = pd.DataFrame({"staff": rng.normal(size=n), "age": rng.normal(size=n)})
    d["satisfaction"] = 0.5 * d["staff"] + 0.2 * d["age"] + rng.normal(size=n)
    d["trust"] = 0.3 * d["staff"] + rng.normal(size=n)
    d["loyalty"] = (
        0.4 * d["satisfaction"] + 0.2 * d["trust"] + 0.1 * d["staff"] + rng.normal(size=n)
    )
    return d


def _by_term(res: MediationResult) -> pd.DataFrame:
    return res.table.set_index("term")


def test_paths_match_statsmodels(survey):
    res = _by_term(
        mediation_analysis(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=1)
    )
    a = smf.ols("satisfaction ~ staff", survey).fit()
    full = smf.ols("loyalty ~ staff + satisfaction", survey).fit()
    total = smf.ols("loyalty ~ staff", survey).fit()
    for term, fit, name in [
        ("a", a, "staff"),
        ("b", full, "satisfaction"),
        ("c'", full, "staff"),
        ("c", total, "staff"),
    ]:
        assert res.loc[term, "estimate"] == pytest.approx(fit.params[name], abs=TOL)
        assert res.loc[term, "std_error"] == pytest.approx(fit.bse[name], abs=TOL)
        assert res.loc[term, "p_value"] == pytest.approx(fit.pvalues[name], abs=TOL)
        assert res.loc[term, "ci_low"] == pytest.approx(fit.conf_int().loc[name, 0], abs=TOL)
    # OLS identity: total = direct + indirect
    assert res.loc["c", "estimate"] == pytest.approx(
        res.loc["c'", "estimate"] + res.loc["indirect", "estimate"], abs=TOL
    )


@pytest.mark.parametrize(
    ("m", "covar"), [("satisfaction", None), (["satisfaction", "trust"], "age")]
)
def test_indirect_effect_matches_pingouin(survey, m, covar):
    ours = mediation_analysis(
        survey, x="staff", m=m, y="loyalty", covariates=covar, n_boot=2000, seed=3, method="bc"
    )
    theirs = pg.mediation_analysis(
        survey, x="staff", m=m, y="loyalty", covar=covar, n_boot=2000, seed=3
    )
    theirs = theirs.set_index("path")
    assert ours.n_redrawn == 0 and ours.n_boot == 2000 and ours.method == "bc"
    mediators = [m] if isinstance(m, str) else m
    ours = _by_term(ours)
    for med in mediators:
        term = "indirect" if len(mediators) == 1 else f"indirect[{med}]"
        pg_row = "Indirect" if len(mediators) == 1 else f"Indirect {med}"
        assert ours.loc[term, "estimate"] == pytest.approx(theirs.loc[pg_row, "coef"], abs=TOL)
        # bootstrap: same within Monte Carlo error (different resamples)
        se = theirs.loc[pg_row, "se"]
        assert ours.loc[term, "std_error"] == pytest.approx(se, rel=0.1)
        for ours_col, pg_col in (("ci_low", "CI2.5"), ("ci_high", "CI97.5")):
            assert abs(ours.loc[term, ours_col] - theirs.loc[pg_row, pg_col]) < 0.2 * se
        a_row = f"{med} ~ X"
        a_term = "a" if len(mediators) == 1 else f"a[{med}]"
        assert ours.loc[a_term, "estimate"] == pytest.approx(theirs.loc[a_row, "coef"], abs=TOL)
    assert ours.loc["c'", "estimate"] == pytest.approx(theirs.loc["Direct", "coef"], abs=TOL)
    assert ours.loc["c", "estimate"] == pytest.approx(theirs.loc["Total", "coef"], abs=TOL)


def test_parallel_mediators_total_indirect_is_the_sum(survey):
    res = _by_term(
        mediation_analysis(
            survey, x="staff", m=["satisfaction", "trust"], y="loyalty", n_boot=300, seed=1
        )
    )
    assert res.index.tolist() == [
        "a[satisfaction]", "a[trust]", "b[satisfaction]", "b[trust]", "c", "c'",
        "indirect[satisfaction]", "indirect[trust]", "indirect",
    ]  # fmt: skip
    parts = res.loc["indirect[satisfaction]", "estimate"] + res.loc["indirect[trust]", "estimate"]
    assert res.loc["indirect", "estimate"] == pytest.approx(parts, abs=TOL)
    assert res.loc["c", "estimate"] == pytest.approx(res.loc["c'", "estimate"] + parts, abs=TOL)


def test_bootstrap_by_hand_with_the_same_resamples(survey):
    """The vectorised bootstrap equals a plain loop of OLS fits on the same resamples."""
    n_boot, seed = 150, 11
    res = mediation_analysis(
        survey, x="staff", m="satisfaction", y="loyalty", n_boot=n_boot, seed=seed
    )
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(survey), size=(n_boot, len(survey)))
    x, m, y = (survey[c].to_numpy() for c in ("staff", "satisfaction", "loyalty"))
    ab = []
    for rows in idx:
        one = np.ones(len(rows))
        a = np.linalg.lstsq(np.column_stack([one, x[rows]]), m[rows], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x[rows], m[rows]]), y[rows], rcond=None)[0][2]
        ab.append(a * b)
    ab = np.array(ab)
    row = _by_term(res).loc["indirect"]
    assert res.n_redrawn == 0
    assert row["std_error"] == pytest.approx(ab.std(ddof=1), abs=1e-9)
    lo, hi = np.quantile(ab, [0.025, 0.975])
    assert row["ci_low"] == pytest.approx(lo, abs=1e-9)
    assert row["ci_high"] == pytest.approx(hi, abs=1e-9)


def test_bca_acceleration_from_the_jackknife(survey):
    """BCa with the jackknife computed plainly, on the same resamples."""
    from scipy import stats

    d = survey.head(120)
    res = _by_term(
        mediation_analysis(
            d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5, method="bca"
        )
    )
    pct = _by_term(
        mediation_analysis(d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5)
    )
    x, m, y = (d[c].to_numpy() for c in ("staff", "satisfaction", "loyalty"))

    def ab(rows):
        one = np.ones(len(rows))
        a = np.linalg.lstsq(np.column_stack([one, x[rows]]), m[rows], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x[rows], m[rows]]), y[rows], rcond=None)[0][2]
        return a * b

    n = len(d)
    est = ab(np.arange(n))
    rng = np.random.default_rng(5)
    boot = np.array([ab(r) for r in rng.integers(0, n, size=(400, n))])
    jack = np.array([ab(np.delete(np.arange(n), i)) for i in range(n)])
    dj = jack.mean() - jack
    acc = (dj**3).sum() / (6 * (dj**2).sum() ** 1.5)
    z0 = stats.norm.ppf(np.mean(boot < est))
    z = stats.norm.ppf([0.025, 0.975])
    lo, hi = np.quantile(boot, stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z))))
    assert res.loc["indirect", "ci_low"] == pytest.approx(lo, abs=1e-9)
    assert res.loc["indirect", "ci_high"] == pytest.approx(hi, abs=1e-9)
    assert res.loc["indirect", "std_error"] == pytest.approx(pct.loc["indirect", "std_error"])


def test_seeded_and_input_unchanged(survey):
    before = survey.copy()
    r1 = mediation_analysis(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=7)
    r2 = mediation_analysis(
        survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=np.random.default_rng(7)
    )
    pd.testing.assert_frame_equal(r1.table, r2.table)
    pd.testing.assert_frame_equal(survey, before)
    assert r1.n_boot == 200 and r1.n == 500 and r1.ci == 0.95 and not r1.table.attrs
    assert "MediationResult(n=500, n_dropped=0, n_boot=200, n_redrawn=0" in repr(r1)


def test_missing_values(survey):
    d = survey.copy()
    d.loc[[1, 2, 3], "trust"] = np.nan
    with pytest.raises(ValueError, match="'trust' has 3 missing"):
        mediation_analysis(d, x="staff", m="trust", y="loyalty", n_boot=100)
    res = mediation_analysis(d, x="staff", m="trust", y="loyalty", n_boot=100, seed=1, dropna=True)
    assert res.n_dropped == 3 and res.n == 497


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"m": "nope"}, ValueError, r"m: column \['nope'\] not found"),
        ({"m": "staff"}, ValueError, "already used as x"),
        ({"m": "label"}, TypeError, "'label' must be numeric"),
        ({"m": "const"}, ValueError, r"\['const'\] have the same answer"),
        ({"m": "satisfaction", "n_boot": 10}, ValueError, "n_boot must be at least 100"),
        ({"m": "satisfaction", "method": "basic"}, ValueError, "method must be one of"),
        ({"m": "satisfaction", "ci": 95}, ValueError, "ci must lie strictly between"),
        ({"m": "satisfaction", "seed": "a"}, TypeError, "seed must be"),
    ],
)
def test_bad_input(survey, kwargs, error, message):
    d = survey.assign(label="x", const=1.0)
    with pytest.raises(error, match=message):
        mediation_analysis(d, x="staff", y="loyalty", **{"n_boot": 100, **kwargs})


def test_too_few_rows(survey):
    with pytest.raises(ValueError, match="too few rows"):
        mediation_analysis(
            survey.head(4), x="staff", m="satisfaction", y="loyalty", covariates="age", n_boot=100
        )


# --------------------------------------------------------------------------- issue 9


def test_the_function_is_not_shadowed_by_its_module():
    # issue 9, defect 1: after `import cxresearch.mediation`, cx.mediation was the module
    import subprocess
    import sys

    code = (
        "import cxresearch.mediation, cxresearch as cx, numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(1)\n"
        "d = pd.DataFrame(rng.normal(size=(50, 3)), columns=['x', 'm', 'y'])\n"
        "res = cx.mediation_analysis(d, x='x', m='m', y='y', n_boot=100, seed=1)\n"
        "print(type(cx.mediation).__name__, type(res).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["module", "MediationResult"]


def test_five_rows_is_a_clear_error(survey):
    # issue 9, defect 9: was LinAlgError: Singular matrix from the bootstrap
    with pytest.raises(ValueError, match=r"too few rows to bootstrap: 5 .* At least 7 rows"):
        mediation_analysis(survey.head(5), x="staff", m="satisfaction", y="loyalty", n_boot=200)
    res = mediation_analysis(survey.head(7), x="staff", m="satisfaction", y="loyalty", seed=2)
    assert np.isfinite(res.table["std_error"]).all()


def test_collinear_columns_are_named(survey):
    d = survey.assign(gap=survey["staff"] - survey["age"])
    with pytest.raises(ValueError, match=r"\['staff', 'age', 'gap'\] are an exact linear"):
        mediation_analysis(
            d, x="staff", m="satisfaction", y="loyalty", covariates=["age", "gap"], n_boot=100
        )


def test_rare_treatment_resamples_are_redrawn(rng):
    # issue 9, defect 7: a 0/1 driver that is 1 for 2 of 40 customers is absent from
    # 13% of resamples; those used to give LinAlgError (or rounding noise)
    n, n_boot, seed = 40, 300, 8
    d = pd.DataFrame({"recovered": (np.arange(n) < 2).astype(float)})
    d["satisfaction"] = 0.8 * d["recovered"] + rng.normal(size=n)
    d["loyalty"] = 0.5 * d["satisfaction"] + rng.normal(size=n)
    res = mediation_analysis(
        d, x="recovered", m="satisfaction", y="loyalty", n_boot=n_boot, seed=seed
    )
    values = d[["recovered", "satisfaction", "loyalty"]].to_numpy()
    gen = np.random.default_rng(seed)
    idx = gen.integers(0, n, size=(n_boot, n))
    pending = [b for b in range(n_boot) if np.ptp(values[idx[b]], axis=0).min() == 0]
    n_redrawn = 0
    while pending:
        n_redrawn += len(pending)
        fresh = gen.integers(0, n, size=(len(pending), n))
        still = []
        for slot, rows in zip(pending, fresh, strict=True):
            if np.ptp(values[rows], axis=0).min() == 0:
                still.append(slot)
            else:
                idx[slot] = rows
        pending = still
    assert res.n_redrawn == n_redrawn > 0
    ab = []
    for rows in idx:
        x, m, y = values[rows].T
        one = np.ones(n)
        a = np.linalg.lstsq(np.column_stack([one, x]), m, rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([one, x, m]), y, rcond=None)[0][2]
        ab.append(a * b)
    row = _by_term(res).loc["indirect"]
    assert row["std_error"] == pytest.approx(np.std(ab, ddof=1), abs=1e-9)
    assert row["ci_low"] == pytest.approx(np.quantile(ab, 0.025), abs=1e-9)


def test_bca_refuses_a_jackknife_that_loses_the_driver(rng):
    n = 40
    d = pd.DataFrame({"recovered": (np.arange(n) < 3).astype(float)})
    d["satisfaction"] = 0.8 * d["recovered"] + rng.normal(size=n)
    d["loyalty"] = 0.5 * d["satisfaction"] + rng.normal(size=n)
    d.loc[1:2, "recovered"] = 0.0  # now a single treated customer (row 0)
    with pytest.raises(ValueError, match=r"leaving out row 0 makes 'recovered' constant"):
        mediation_analysis(
            d, x="recovered", m="satisfaction", y="loyalty", n_boot=200, seed=1, method="bca"
        )


# --------------------------------------------------------------------------- survey weights


def _weighted_data(seed=12, n=250):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"staff": rng.normal(size=n), "age": rng.normal(size=n)})
    d["satisfaction"] = 0.5 * d["staff"] + 0.2 * d["age"] + rng.normal(size=n)
    d["loyalty"] = 0.4 * d["satisfaction"] + 0.1 * d["staff"] + rng.normal(size=n)
    d["w"] = rng.integers(1, 4, size=n)
    return d


def test_weighted_mediation_equals_repeated_rows_and_wls():
    import statsmodels.formula.api as smf

    d = _weighted_data()
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty", "covariates": "age", "n_boot": 200}
    res = mediation_analysis(d, **kw, weights="w", seed=1).table.set_index("term")
    repeated = d.loc[d.index.repeat(d["w"])]
    rep = mediation_analysis(repeated, **kw, seed=1).table.set_index("term")
    np.testing.assert_allclose(res["estimate"], rep["estimate"], atol=1e-10)
    wls = smf.wls("satisfaction ~ staff + age", d, weights=d["w"]).fit(cov_type="HC1")
    assert res.loc["a", "estimate"] == pytest.approx(wls.params["staff"], abs=1e-10)
    assert res.loc["a", "std_error"] == pytest.approx(wls.bse["staff"], rel=1e-10)


def test_weighted_mediation_bootstrap_with_unit_weights_is_the_plain_one():
    d = _weighted_data().assign(one=1.0)
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty", "n_boot": 300, "seed": 3}
    plain = mediation_analysis(d, **kw).table.set_index("term").loc["indirect"]
    unit = mediation_analysis(d, **kw, weights="one").table.set_index("term").loc["indirect"]
    assert unit["std_error"] == pytest.approx(plain["std_error"], rel=1e-9)
    assert (unit["ci_low"], unit["ci_high"]) == pytest.approx((plain["ci_low"], plain["ci_high"]))
    bca = mediation_analysis(d, **kw, method="bca", weights="w")
    assert np.isfinite(bca.table["ci_low"]).all()


def test_mediation_weights_are_checked():
    d = _weighted_data()
    kw = {"x": "staff", "m": "satisfaction", "y": "loyalty"}
    with pytest.raises(ValueError, match="non-negative"):
        mediation_analysis(d.assign(w=-d["w"]), **kw, weights="w")
    with pytest.raises(ValueError, match="also x, a mediator"):
        mediation_analysis(d, x="w", m="satisfaction", y="loyalty", weights="w")
    d.loc[4, "w"] = np.nan
    with pytest.raises(ValueError, match="'w' has 1 missing"):
        mediation_analysis(d, **kw, weights="w")
    assert mediation_analysis(d, **kw, weights="w", dropna=True, n_boot=100).n_dropped == 1
