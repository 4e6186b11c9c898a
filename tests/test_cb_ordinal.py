"""Ordinal items in cx.cfa(..., ordered=[...]) (issue 23): the bivariate normal CDF against
scipy, thresholds and polychoric correlations against an independent maximization of
the bivariate-normal likelihood, their asymptotic covariance against Monte Carlo, DWLS
against a direct weighted least-squares fit, and the estimates against the
simulator's latent truth. semopy's own polychoric_corr cannot be a peer: it calls
scipy.stats.mvn.mvnun, which the installed SciPy no longer has."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

import cxresearch as cx
from cxresearch import _validate as v
from cxresearch.errors import ConvergenceError  # noqa: F401  (documented failure mode)
from cxresearch.latent import _cbordinal

MODEL = (
    "SERV =~ service_1 + service_2 + service_3 + service_4\n"
    "LOY =~ loyalty_1 + loyalty_2 + loyalty_3 + loyalty_4"
)


@pytest.fixture(scope="module")
def survey():
    return cx.simulate_survey(3000, constructs=["service", "loyalty"], seed=7)


@pytest.fixture(scope="module")
def items(survey) -> list[str]:
    return [c for c in survey.data.columns if c != "respondent_id"]


@pytest.fixture(scope="module")
def fitted(survey, items):
    return cx.cfa(survey.data, MODEL, ordered=items)


def _cut(n: int, corr: np.ndarray, cuts: np.ndarray, rng) -> np.ndarray:
    y = rng.standard_normal((n, len(corr))) @ np.linalg.cholesky(corr).T
    return np.searchsorted(cuts, y)


# --------------------------------------------------------------------------- polychoric


@pytest.mark.parametrize("rho", [-0.8, -0.3, 0.0, 0.45, 0.9])
def test_bivariate_cdf_equals_scipy(rho):
    h = np.array([-2.1, -0.5, 0.0, 0.7, 1.9, 10.0, -10.0])
    k = np.array([0.3, -1.2, 0.0, 2.5, -0.4, 0.5, 1.0])
    mvn = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])
    theirs = np.array([mvn.cdf([a, b]) for a, b in zip(h, k, strict=True)])
    np.testing.assert_allclose(_cbordinal.bivariate_cdf(h, k, rho), theirs, atol=2e-7)


def test_thresholds_are_normal_quantiles_of_the_cumulative_shares():
    codes = np.array([0, 0, 1, 2, 2, 2, 3, 3, 3, 3])
    tau = _cbordinal.thresholds(codes, 4)
    np.testing.assert_allclose(tau[1:-1], stats.norm.ppf([0.2, 0.3, 0.6]))
    assert tau[0] == -10 and tau[-1] == 10


def test_polychoric_equals_a_direct_likelihood_maximization():
    rng = v.make_rng(11)
    cuts = np.array([-1.2, -0.4, 0.3, 1.1])
    x = _cut(600, np.array([[1, 0.55], [0.55, 1]]), cuts, rng)
    tau = [_cbordinal.thresholds(x[:, j], 5) for j in range(2)]
    table = np.zeros((5, 5))
    np.add.at(table, (x[:, 0], x[:, 1]), 1)

    def minus_loglik(rho):  # the cell probabilities from scipy's bivariate normal CDF
        mvn = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])
        cdf = np.array([[mvn.cdf([a, b]) for b in tau[1]] for a in tau[0]])
        pi = cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1]
        return -float((table * np.log(pi)).sum())

    direct = optimize.minimize_scalar(
        minus_loglik, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-9}
    ).x
    ours = _cbordinal.polychoric_matrix(x, [5, 5])[1][1, 0]
    assert ours == pytest.approx(direct, abs=1e-6)


def test_polychoric_standard_errors_match_monte_carlo():
    """The diagonal of Gamma / n against the spread of 150 estimates (n = 800)."""
    rng = v.make_rng(5)
    corr = np.array([[1, 0.6, 0.5], [0.6, 1, 0.4], [0.5, 0.4, 1]])
    cuts = np.array([-1.5, -0.7, 0.0, 0.6, 1.2])
    est, se = [], []
    for _ in range(150):
        _, r, gamma = _cbordinal.polychoric_matrix(_cut(800, corr, cuts, rng), [6, 6, 6])
        est.append(r[np.tril_indices(3, -1)])
        se.append(np.sqrt(np.diag(gamma) / 800))
    est = np.array(est)
    np.testing.assert_allclose(np.mean(se, axis=0), est.std(axis=0), rtol=0.15)
    np.testing.assert_allclose(est.mean(axis=0), corr[np.tril_indices(3, -1)], atol=0.01)


# --------------------------------------------------------------------------- DWLS / WLSMV


def test_dwls_equals_a_direct_weighted_least_squares_fit(survey, items, fitted):
    """One factor per block: sigma_ij = l_i l_j (standardized) within a factor and
    l_i l_j phi across; minimize sum w (r - sigma)^2 with scipy."""
    data = survey.data[items]
    codes = np.column_stack([np.searchsorted(np.unique(data[c]), data[c]) for c in items])
    _, r, gamma = _cbordinal.polychoric_matrix(codes, [len(np.unique(data[c])) for c in items])
    rows, cols = np.tril_indices(len(items), -1)
    w = 1 / np.diag(gamma)
    block = np.array([0] * 4 + [1] * 4)

    def loss(par):
        lam, phi = par[:8], par[8]
        sigma = np.outer(lam, lam) * np.where(np.equal.outer(block, block), 1.0, phi)
        e = r[rows, cols] - sigma[rows, cols]
        return float(e @ (w * e))

    direct = optimize.minimize(loss, np.r_[np.full(8, 0.7), 0.3], method="BFGS", tol=1e-12).x
    ours = fitted.table.query("op == '=~'").set_index("rhs").loc[items, "std_estimate"]
    np.testing.assert_allclose(ours.to_numpy(), direct[:8], atol=1e-5)
    corr = fitted.table.set_index("term").loc["SERV ~~ LOY", "std_estimate"]
    assert corr == pytest.approx(direct[8], abs=1e-5)


def test_wlsmv_recovers_the_simulators_latent_truth(survey, fitted):
    truth = survey.loadings.set_index("rhs")["loading"]
    est = fitted.table.query("op == '=~'").set_index("rhs").loc[truth.index, "std_estimate"]
    assert (est - truth).abs().max() < 0.05  # measured: 0.024 (n = 3000)
    taus = fitted.table.query("op == '|'")
    assert np.abs(taus["estimate"].to_numpy().reshape(8, 6) - survey.thresholds).max() < 0.1
    assert fitted.estimator == "WLSMV"
    resid = fitted.table.query("op == '~~' and lhs == rhs and lhs.str.contains('_')")
    assert not resid["free"].any() and resid["std_error"].isna().all()
    loadings = fitted.table.query("op == '=~'")
    np.testing.assert_allclose(
        resid.set_index("lhs").loc[loadings["rhs"], "estimate"].to_numpy(),
        1 - loadings["std_estimate"].to_numpy() ** 2,
        atol=1e-8,
    )


def test_the_scaled_and_shifted_chi_square_by_its_formula(fitted):
    f = fitted.fit
    assert f["chi2_scaled"] == pytest.approx(f["chi2"] / f["scaling_factor"] + f["shift"])
    assert f["df"] == 8 * 7 / 2 - 9  # 28 correlations; 6 loadings, 3 factor (co)variances
    assert f["p_value_scaled"] == pytest.approx(stats.chi2.sf(f["chi2_scaled"], f["df"]))
    assert f["p_value_scaled"] > 0.01  # the model is the simulator's
    assert "log_likelihood" not in f.index
    assert "WLSMV" in fitted.summary().title


@pytest.mark.slow
def test_wlsmv_rejection_rate_and_standard_errors_by_monte_carlo():
    """60 samples of 600 from one fixed two-factor model: the adjusted chi-square rejects
    the true model near 5% of the time and the robust standard errors of the loadings
    match the spread of the estimates."""
    rng = v.make_rng(17)
    lam = np.array([0.8, 0.7, 0.6, 0.75, 0.65, 0.7, 0.6, 0.8])
    block = np.array([0] * 4 + [1] * 4)
    corr = np.outer(lam, lam) * np.where(np.equal.outer(block, block), 1.0, 0.4)
    np.fill_diagonal(corr, 1.0)
    cuts = np.array([-1.6, -0.9, -0.2, 0.5, 1.3])
    model = "A =~ y0 + y1 + y2 + y3\nB =~ y4 + y5 + y6 + y7"
    rejected, est, se = [], [], []
    for _ in range(60):
        data = pd.DataFrame(_cut(600, corr, cuts, rng) + 1, columns=[f"y{j}" for j in range(8)])
        res = cx.cfa(data, model, ordered=list(data.columns))
        rejected.append(res.fit["p_value_scaled"] < 0.05)
        rows = res.table.query("op == '=~' and free")
        est.append(rows["estimate"].to_numpy())
        se.append(rows["std_error"].to_numpy())
    assert np.mean(rejected) <= 0.15
    np.testing.assert_allclose(np.mean(se, axis=0), np.std(est, axis=0), rtol=0.3)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ordered": ["service_1"]}, ValueError, "ordered must list every observed variable"),
        ({"ordered": "all"}, ValueError, "ordered"),
        ({"estimator": "MLR"}, ValueError, "leave estimator at 'MLW'"),
        ({"missing": "fiml"}, ValueError, "missing='raise' or 'listwise'"),
        ({"by": "region"}, ValueError, "multi-group CFA of ordinal items"),
    ],
)
def test_refusals(survey, items, kwargs, error, match):
    data = survey.data.assign(region=np.where(survey.data.index % 2, "a", "b"))
    kwargs = {"ordered": items, **kwargs}
    with pytest.raises(error, match=match):
        cx.cfa(data, MODEL, **kwargs)


def test_non_integer_answers_are_refused(survey, items):
    data = survey.data.astype({"service_1": float})
    data.loc[0, "service_1"] = 2.5
    with pytest.raises(ValueError, match="service_1"):
        cx.cfa(data, MODEL, ordered=items)


def test_special_functions_are_the_normal_ones():
    assert special.ndtri(0.975) == pytest.approx(stats.norm.ppf(0.975))


def test_sem_with_ordinal_items_equals_the_cfa_and_recovers_the_path(survey, items, fitted):
    """A path between the two factors is their covariance written as a regression: the
    same fit; its standardized value is the simulator's factor correlation (0.4)."""
    res = cx.sem(survey.data, MODEL + "\nLOY ~ SERV", ordered=items)
    assert res.fit["chi2"] == pytest.approx(fitted.fit["chi2"], rel=1e-6)
    assert res.fit["chi2_scaled"] == pytest.approx(fitted.fit["chi2_scaled"], rel=1e-6)
    path = res.table.set_index("term").loc["LOY ~ SERV", "std_estimate"]
    corr = fitted.table.set_index("term").loc["SERV ~~ LOY", "std_estimate"]
    assert path == pytest.approx(corr, abs=1e-6)
    # the correlation of this sample's latent scores (the population's is 0.4)
    truth = survey.latent["service"].corr(survey.latent["loyalty"])
    assert abs(path - truth) < 0.04  # measured: 0.442 against 0.428 (n = 3000)


def test_an_ordinal_item_in_a_path_is_refused(survey, items):
    with pytest.raises(ValueError, match="an ordinal item in a path is not supported"):
        cx.sem(survey.data, MODEL + "\nloyalty_1 ~ SERV", ordered=items)
