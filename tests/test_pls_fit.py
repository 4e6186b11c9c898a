"""Model fit of cx.pls (SRMR, d_ULS, d_G; saturated and estimated model) and the
bootstrap test of exact fit, against a hand calculation of the implied matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

import cxresearch as cx

# the simple corporate-reputation model without the direct paths into CUSL: the
# structural model is not saturated, so the estimated model differs from the saturated
CHAIN = """
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
CUSA ~ COMP + LIKE
CUSL ~ CUSA
"""
BLOCKS = {
    "COMP": ["comp_1", "comp_2", "comp_3"],
    "LIKE": ["like_1", "like_2", "like_3"],
    "CUSA": ["cusa"],
    "CUSL": ["cusl_1", "cusl_2", "cusl_3"],
}


@pytest.fixture(scope="module", params=[False, True], ids=["pls", "plsc"])
def chain(request):
    return cx.pls(cx.load_dataset("corp_rep_data"), CHAIN, missing="mean", consistent=request.param)


def _by_hand(fit, rho: pd.DataFrame) -> np.ndarray:
    """Implied item correlations: common factors, lambda_i rho_kl lambda_j."""
    lam = fit.loadings.set_index("rhs")["loading"]
    owner = fit.loadings.set_index("rhs")["lhs"]
    items = list(fit.items.columns)
    sigma = np.array(
        [[lam[a] * lam[b] * rho.loc[owner[a], owner[b]] for b in items] for a in items]
    )
    np.fill_diagonal(sigma, 1.0)
    return sigma


def _measures(r: np.ndarray, sigma: np.ndarray) -> list[float]:
    p = r.shape[0]
    res = [(r[i, j] - sigma[i, j]) ** 2 for i in range(p) for j in range(i + 1)]
    phi = scipy.linalg.eigvals(np.linalg.solve(r, sigma)).real
    return [np.sqrt(np.mean(res)), 0.5 * ((r - sigma) ** 2).sum(), 0.5 * (np.log(phi) ** 2).sum()]


def test_fit_measures_by_hand(chain):
    filled = chain.items.fillna(chain.items.mean())
    r = filled.corr().to_numpy()
    rho = chain.construct_cor  # saturated: the construct correlations as estimated
    saturated = _measures(r, _by_hand(chain, rho))
    # estimated: the correlations the paths imply (COMP, LIKE exogenous)
    b = chain.table.set_index("term")["estimate"]
    g1, g2, beta = b["CUSA ~ COMP"], b["CUSA ~ LIKE"], b["CUSL ~ CUSA"]
    phi = rho.loc["COMP", "LIKE"]
    implied = rho.copy()
    implied.loc["CUSA", "COMP"] = implied.loc["COMP", "CUSA"] = g1 + g2 * phi
    implied.loc["CUSA", "LIKE"] = implied.loc["LIKE", "CUSA"] = g1 * phi + g2
    implied.loc["CUSL", "COMP"] = implied.loc["COMP", "CUSL"] = beta * (g1 + g2 * phi)
    implied.loc["CUSL", "LIKE"] = implied.loc["LIKE", "CUSL"] = beta * (g1 * phi + g2)
    implied.loc["CUSL", "CUSA"] = implied.loc["CUSA", "CUSL"] = beta
    estimated = _measures(r, _by_hand(chain, implied))
    got = chain.model_fit.set_index("measure")
    np.testing.assert_allclose(got["saturated"], saturated, rtol=1e-10)
    np.testing.assert_allclose(got["estimated"], estimated, rtol=1e-10)
    assert (got["estimated"] > got["saturated"]).all()  # two paths left out
    p = r.shape[0]
    assert got.loc["d_uls", "saturated"] == pytest.approx(
        got.loc["srmr", "saturated"] ** 2 * p * (p + 1) / 2, rel=1e-12
    )


def test_a_composite_block_is_left_as_observed():
    data = cx.load_dataset("corp_rep_data")
    fit = cx.pls(data, CHAIN.replace("LIKE =~", "LIKE <~"), missing="mean")
    from cxresearch.latent import _plsfit

    f = fit.fit_state
    sigma = _plsfit.implied(f.s, f.w, f.st, saturated=True)[0]
    items = list(fit.items.columns)
    r = fit.items.fillna(fit.items.mean()).corr().to_numpy()
    i = [items.index(c) for c in BLOCKS["LIKE"]]
    np.testing.assert_allclose(sigma[np.ix_(i, i)], r[np.ix_(i, i)], atol=1e-12)
    j = [items.index(c) for c in BLOCKS["COMP"]]
    assert np.abs(sigma[np.ix_(j, j)] - r[np.ix_(j, j)]).max() > 0.01  # a common factor


def test_fit_test_draws_equal_fits_of_the_transformed_data(chain):
    test = chain.fit_test(n_boot=6, seed=2)
    # the Bollen-Stine transform: data whose correlation matrix is exactly the implied one
    from cxresearch.latent import _plsfit
    from cxresearch.latent.plspm import _resample_indices

    filled = chain.items.fillna(chain.items.mean()).to_numpy()
    z = (filled - filled.mean(axis=0)) / filled.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False)
    f = chain.fit_state
    sigma = _plsfit.implied(f.s, f.w, f.st, saturated=False)[0]
    xt = z @ _plsfit.root(r, inverse=True) @ _plsfit.root(sigma)
    np.testing.assert_allclose(np.corrcoef(xt, rowvar=False), sigma, atol=1e-12)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(2).spawn(6)]
    idx = _resample_indices(len(z), rngs)
    columns = list(chain.items.columns)
    for b in range(6):
        one = cx.pls(pd.DataFrame(xt[idx[b]], columns=columns), CHAIN, consistent=chain.consistent)
        got = test.draws.iloc[b][[f"estimated: {m}" for m in _plsfit.MEASURES]].to_numpy()
        np.testing.assert_allclose(got, one.model_fit["estimated"], rtol=1e-9)
    row = test.table.query("model == 'estimated' and measure == 'srmr'").iloc[0]
    assert row["hi95"] == pytest.approx(np.quantile(test.draws["estimated: srmr"], 0.95))
    assert row["exact_fit"] == (row["value"] <= row["hi95"])


def test_fit_test_holds_its_size_when_the_model_is_true():
    # data from a true common-factor model: the estimated model's exact fit is rarely
    # rejected (a coarse check of the test's 5% level over 20 samples)
    rejected = 0
    for seed in range(20):
        sim = cx.simulate_survey(
            300, constructs=["a", "b"], items_per_construct=3, skew=0.0, seed=seed
        )
        model = "A =~ a_1 + a_2 + a_3\nB =~ b_1 + b_2 + b_3\nB ~ A"
        fit = cx.pls(sim.data, model, consistent=True)
        table = fit.fit_test(n_boot=200, seed=seed).table.set_index(["model", "measure"])
        rejected += not table.loc[("estimated", "d_uls"), "exact_fit"]
    assert rejected <= 4


def test_fit_test_bad_arguments(chain):
    with pytest.raises(TypeError, match="n_boot must be an integer"):
        chain.fit_test(n_boot=2.5)


def test_model_fit_refuses_generated_items():
    mobi = cx.load_dataset("mobi")
    model = (
        "IMAG =~ IMAG1 + IMAG2 + IMAG3\nEXPE =~ CUEX1 + CUEX2 + CUEX3\n"
        "SAT =~ CUSA1 + CUSA2 + CUSA3\nSAT ~ IMAG + EXPE + IMAG:EXPE"
    )
    fit = cx.pls(mobi, model)
    with pytest.raises(ValueError, match=r"model_fit is not available .* interaction terms"):
        _ = fit.model_fit
    with pytest.raises(ValueError, match=r"fit_test\(\) is not available"):
        fit.fit_test(n_boot=10)
