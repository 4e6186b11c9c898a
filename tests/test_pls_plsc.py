"""Consistent PLS (PLSc): cx.pls(..., consistent=True) against seminr-py's reflective()
constructs (mode_plsc), a hand calculation from the scores, and the simulator's truth."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_latent import ECSI, SIMPLE

import cxresearch as cx
from cxresearch.latent.plspm import _resample_indices
from cxresearch.latent.syntax import parse_model

CASES = [
    ("corp_rep_data", SIMPLE),
    ("mobi", ECSI),
    ("mobi", ECSI.replace("IMAG =~", "IMAG <~").replace("QUAL =~", "QUAL <~")),  # mixed
]


def seminr_plsc(data: pd.DataFrame, model: str):
    """seminr-py with reflective() for '=~' (PLSc) and mode-B composites for '<~'."""
    seminr = pytest.importorskip("seminr", reason="seminr-py (the [realdata] extra) not installed")
    spec = parse_model(model)
    mm = seminr.constructs(
        *[
            seminr.reflective(c.name, list(c.items))
            if c.mode == "A"
            else seminr.composite(c.name, list(c.items), weights=seminr.mode_B)
            for c in spec.constructs
        ]
    )
    sm = seminr.relationships(*[seminr.paths(from_=a, to=b) for a, b in spec.paths])
    items = data[list(spec.items)].astype(float)
    return seminr, seminr.estimate_pls(items, mm, sm)


@pytest.mark.parametrize(("dataset", "model"), CASES)
def test_plsc_matches_seminr(dataset, model):
    data = cx.load_dataset(dataset)
    _, ref = seminr_plsc(data, model)
    fit = cx.pls(data, model, missing="mean", consistent=True)
    assert fit.consistent and not fit.inadmissible
    for row in fit.table.itertuples():
        assert row.estimate == pytest.approx(ref.path_coef.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.loadings.itertuples():
        assert row.loading == pytest.approx(ref.outer_loadings.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.weights.itertuples():
        assert row.weight == pytest.approx(ref.outer_weights.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.r_squared.itertuples():
        assert row.r_squared == pytest.approx(ref.r_squared.get("Rsq", row.construct), abs=1e-8)
    np.testing.assert_allclose(fit.scores.to_numpy(), ref.construct_scores.values, atol=1e-8)


def test_plsc_by_hand_from_the_plain_pls_scores(corp_simple=None):
    data = cx.load_dataset("corp_rep_data")
    plain = cx.pls(data, SIMPLE, missing="mean")
    plsc = cx.pls(data, SIMPLE, missing="mean", consistent=True)
    # the same weights and scores; the correction uses rho_A of the reliability table
    pd.testing.assert_frame_equal(plain.scores, plsc.scores)
    rho = plain.reliability.set_index("construct")["rho_a"]
    names = list(plain.scores.columns)
    c = plain.scores.corr().to_numpy() / np.sqrt(np.outer(rho[names], rho[names]))
    np.fill_diagonal(c, 1.0)
    np.testing.assert_allclose(plsc.construct_cor.to_numpy(), c, atol=1e-12)
    i = [names.index(n) for n in ["COMP", "LIKE", "CUSA"]]
    beta = np.linalg.solve(c[np.ix_(i, i)], c[i, names.index("CUSL")])
    got = plsc.table.query("lhs == 'CUSL'")["estimate"].to_numpy()
    np.testing.assert_allclose(got, beta, atol=1e-12)
    w = plain.weights.query("lhs == 'LIKE'")["weight"].to_numpy()
    lam = w * np.sqrt(rho["LIKE"]) / (w @ w)
    np.testing.assert_allclose(plsc.loadings.query("lhs == 'LIKE'")["loading"], lam, atol=1e-12)
    # the effects follow the corrected paths
    eff = plsc.effects.set_index("term")
    b = plsc.table.set_index("term")["estimate"]
    assert eff.loc["CUSL ~ LIKE", "indirect"] == pytest.approx(
        b["CUSA ~ LIKE"] * b["CUSL ~ CUSA"], abs=1e-12
    )


def test_plsc_bootstrap_equals_seminr_on_the_same_resamples():
    data = cx.load_dataset("corp_rep_data")
    seminr, ref = seminr_plsc(data, SIMPLE)
    fit = cx.pls(data, SIMPLE, missing="mean", consistent=True)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(3).spawn(8)]
    idx = _resample_indices(len(data), rngs)
    theirs = seminr.bootstrap_model(ref, 8, indices=idx)
    ours = fit.bootstrap(n_boot=8, seed=3)
    assert ours.n_redrawn == 0 and theirs.fails == 0
    worst = 0.0
    for b in range(8):
        for row in fit.table.itertuples():
            worst = max(
                worst,
                abs(
                    ours.draws[f"path: {row.term}"].iloc[b]
                    - theirs.boot_paths[b].get(row.rhs, row.lhs)
                ),
            )
        for row in fit.loadings.itertuples():
            got = ours.draws[f"loading: {row.term}"].iloc[b]
            worst = max(worst, abs(got - theirs.boot_loadings[b].get(row.rhs, row.lhs)))
    assert worst < 1e-8


def test_plsc_shrinks_the_attenuation_of_plain_pls():
    """Truth: every pair of factors correlates 0.4, so with C ~ A + B each true
    standardized path is 0.4 / 1.4 = 0.286. Plain PLS attenuates both (measurement
    error in its composites); PLSc recovers them within sampling error."""
    sim = cx.simulate_survey(
        20000, constructs=["a", "b", "c"], items_per_construct=4, skew=0.0, seed=8
    )
    model = (
        "\n".join(f"{c.upper()} =~ " + " + ".join(f"{c}_{j}" for j in range(1, 5)) for c in "abc")
        + "\nC ~ A + B"
    )
    true_path = 0.4 / 1.4
    assert sim.factor_correlation.loc["a", "b"] == pytest.approx(0.4)
    plain = cx.pls(sim.data, model)
    plsc = cx.pls(sim.data, model, consistent=True)
    bias_pls = (plain.table["estimate"] - true_path).abs()
    bias_plsc = (plsc.table["estimate"] - true_path).abs()
    assert (plain.table["estimate"] < true_path - 0.02).all()  # attenuated
    assert (bias_plsc < bias_pls / 2).all()  # PLSc at least halves the bias
    assert bias_plsc.max() < 0.01
    # consistent loadings: closer to the true loadings than plain PLS's (too high)
    truth = sim.loadings.set_index("rhs")["loading"]
    err_pls = (plain.loadings.set_index("rhs")["loading"] - truth).abs().mean()
    err_plsc = (plsc.loadings.set_index("rhs")["loading"] - truth).abs().mean()
    assert err_plsc < err_pls


def _improper_data(n: int = 2000) -> pd.DataFrame:
    """Items a_j and b_j share a specific factor u_j besides the common f: the items
    correlate more across the two blocks than within them, so rho_A is low and the
    corrected construct correlation is about 0.889 / 0.667 = 1.33 (beyond 1)."""
    rng = np.random.default_rng(1)
    f = rng.normal(size=n)
    u = rng.normal(size=(n, 3))
    x = {f"a{j}": f + u[:, j] + np.sqrt(0.5) * rng.normal(size=n) for j in range(3)}
    x |= {f"b{j}": f + u[:, j] + np.sqrt(0.5) * rng.normal(size=n) for j in range(3)}
    x["y"] = f + rng.normal(size=n)
    return pd.DataFrame(x)


def test_plsc_flags_a_corrected_correlation_above_one():
    data = _improper_data()
    model = "A =~ a0 + a1 + a2\nB =~ b0 + b1 + b2\nB ~ A"
    with pytest.warns(cx.PLScWarning, match=r"correlation\(s\) beyond 1: A ~~ B \(1\.3"):
        fit = cx.pls(data, model, consistent=True)
    assert fit.inadmissible and fit.construct_cor.loc["A", "B"] > 1
    assert fit.table["estimate"].iloc[0] == pytest.approx(fit.construct_cor.loc["A", "B"])
    assert "improper" in str(fit.summary())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # plain PLS: no correction, no warning
        assert not cx.pls(data, model).inadmissible
    # as two predictors of one construct, the corrected correlations are not a
    # correlation matrix: the paths are not determined
    with pytest.raises(ValueError, match=r"not positive definite \(A ~~ B \(1\.3"):
        cx.pls(data, model.replace("B ~ A", "Y =~ y\nY ~ A + B"), consistent=True)


def test_plsc_refuses_a_non_positive_rho_a():
    # a1 and a2 both follow y but correlate negatively with each other (g dominates):
    # their weights are positive and w'(R - I)w < 0, so rho_A < 0
    rng = np.random.default_rng(2)
    f, g = rng.normal(size=(2, 300))
    data = pd.DataFrame({"a1": f + 2 * g, "a2": f - 2 * g, "y": f + 0.5 * rng.normal(size=300)})
    model = "A =~ a1 + a2\nY =~ y\nY ~ A"
    with pytest.raises(ValueError, match=r"consistent=True: rho_A is not positive for A \(-"):
        cx.pls(data, model, consistent=True)
    with pytest.raises(TypeError, match="consistent must be True or False"):
        cx.pls(data, model, consistent="yes")


def test_plain_pls_is_unchanged_by_the_plsc_switch():
    data = cx.load_dataset("corp_rep_data")
    fit = cx.pls(data, SIMPLE, missing="mean")
    assert not fit.consistent and not fit.inadmissible
    np.testing.assert_allclose(
        fit.construct_cor.to_numpy(), fit.scores.corr().to_numpy(), atol=1e-12
    )
