"""Tests for cxresearch.mediation: against pingouin and statsmodels on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf

from cxresearch.mediation import mediation

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


def _by_term(res: pd.DataFrame) -> pd.DataFrame:
    return res.set_index("term")


def test_paths_match_statsmodels(survey):
    res = _by_term(mediation(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=1))
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
    ours = mediation(
        survey, x="staff", m=m, y="loyalty", covariates=covar, n_boot=2000, seed=3, method="bc"
    )
    theirs = pg.mediation_analysis(
        survey, x="staff", m=m, y="loyalty", covar=covar, n_boot=2000, seed=3
    )
    theirs = theirs.set_index("path")
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
        mediation(survey, x="staff", m=["satisfaction", "trust"], y="loyalty", n_boot=300, seed=1)
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
    res = mediation(survey, x="staff", m="satisfaction", y="loyalty", n_boot=n_boot, seed=seed)
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
    assert row["std_error"] == pytest.approx(ab.std(ddof=1), abs=1e-9)
    lo, hi = np.quantile(ab, [0.025, 0.975])
    assert row["ci_low"] == pytest.approx(lo, abs=1e-9)
    assert row["ci_high"] == pytest.approx(hi, abs=1e-9)


def test_bca_acceleration_from_the_jackknife(survey):
    """BCa with the jackknife computed plainly, on the same resamples."""
    from scipy import stats

    d = survey.head(120)
    res = _by_term(
        mediation(d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5, method="bca")
    )
    pct = _by_term(mediation(d, x="staff", m="satisfaction", y="loyalty", n_boot=400, seed=5))
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
    r1 = mediation(survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=7)
    r2 = mediation(
        survey, x="staff", m="satisfaction", y="loyalty", n_boot=200, seed=np.random.default_rng(7)
    )
    pd.testing.assert_frame_equal(r1, r2)
    pd.testing.assert_frame_equal(survey, before)
    assert r1.attrs["n_boot"] == 200 and r1.attrs["n"] == 500


def test_missing_values(survey):
    d = survey.copy()
    d.loc[[1, 2, 3], "trust"] = np.nan
    with pytest.raises(ValueError, match="'trust' has 3 missing"):
        mediation(d, x="staff", m="trust", y="loyalty", n_boot=100)
    res = mediation(d, x="staff", m="trust", y="loyalty", n_boot=100, seed=1, dropna=True)
    assert res.attrs["n_dropped"] == 3 and res.attrs["n"] == 497


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"m": "nope"}, ValueError, r"m: column \['nope'\] not found"),
        ({"m": "staff"}, ValueError, "already used as x"),
        ({"m": "label"}, TypeError, "'label' must be numeric"),
        ({"m": "const"}, ValueError, "'const' is constant"),
        ({"m": "satisfaction", "n_boot": 10}, ValueError, "n_boot must be at least 100"),
        ({"m": "satisfaction", "method": "basic"}, ValueError, "method must be one of"),
        ({"m": "satisfaction", "ci": 95}, ValueError, "ci must lie strictly between"),
        ({"m": "satisfaction", "seed": "a"}, TypeError, "seed must be"),
    ],
)
def test_bad_input(survey, kwargs, error, message):
    d = survey.assign(label="x", const=1.0)
    with pytest.raises(error, match=message):
        mediation(d, x="staff", y="loyalty", **{"n_boot": 100, **kwargs})


def test_too_few_rows(survey):
    with pytest.raises(ValueError, match="too few rows"):
        mediation(
            survey.head(4), x="staff", m="satisfaction", y="loyalty", covariates="age", n_boot=100
        )
