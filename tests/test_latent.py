"""PLS path models (cxresearch/latent.py), against seminr-py, the Primer and the simulator.

seminr's ``composite(..., weights=mode_A)`` is Wold's mode A (what ``=~`` means here);
seminr's ``reflective()`` adds the PLSc correction, ``cx.pls(..., consistent=True)``
(tests/test_pls_plsc.py; the other PLS-SEM extensions are in tests/test_pls_*.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch.latent.plspm import _resample_indices

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "pls_primer_corp_rep.json").read_text()
)
SIMPLE = REFERENCE["model"]

ECSI = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL  =~ PERV1 + PERV2
SAT  =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
LOY  =~ CUSL1 + CUSL2 + CUSL3
EXPE ~ IMAG
QUAL ~ EXPE
VAL  ~ EXPE + QUAL
SAT  ~ IMAG + EXPE + QUAL + VAL
COMP ~ SAT
LOY  ~ IMAG + SAT + COMP
"""
ECSI_MODE_B = ECSI.replace("IMAG =~", "IMAG <~")


@pytest.fixture(scope="module")
def corp():
    return cx.load_dataset("corp_rep_data")


@pytest.fixture(scope="module")
def mobi():
    return cx.load_dataset("mobi")


@pytest.fixture(scope="module")
def simple_fit(corp):
    return cx.pls(corp, SIMPLE, missing="mean")


# ------------------------------------------------------------------------- published


def test_primer_simple_model_paths_and_r_squared(simple_fit):
    paths = dict(zip(simple_fit.table["term"], simple_fit.table["estimate"], strict=True))
    for term, value in REFERENCE["paths"].items():  # the primer writes "COMP -> CUSA"
        source, target = term.split(" -> ")
        assert round(paths[f"{target} ~ {source}"], 4) == value, term
    r2 = dict(
        zip(simple_fit.r_squared["construct"], simple_fit.r_squared["r_squared"], strict=True)
    )
    for construct, value in REFERENCE["r_squared"].items():
        assert round(r2[construct], 3) == value, construct
    assert simple_fit.n_imputed == 11 and simple_fit.n == 344 and simple_fit.n_dropped == 0


# -------------------------------------------------------------------------- seminr


def _seminr_fit(data: pd.DataFrame, model: str, scheme: str = "path"):
    seminr = pytest.importorskip("seminr", reason="seminr-py (the [realdata] extra) not installed")
    from cxresearch.latent.syntax import parse_model

    spec = parse_model(model)
    mm = seminr.constructs(
        *[
            seminr.composite(
                c.name, list(c.items), weights=seminr.mode_A if c.mode == "A" else seminr.mode_B
            )
            for c in spec.constructs
        ]
    )
    sm = seminr.relationships(*[seminr.paths(from_=a, to=b) for a, b in spec.paths])
    inner = {"path": seminr.path_weighting, "factorial": seminr.path_factorial}[scheme]
    items = data[list(spec.items)].astype(float)
    return seminr, seminr.estimate_pls(items, mm, sm, inner_weights=inner)


CASES = [
    ("corp_rep_data", SIMPLE, "path"),
    ("corp_rep_data", SIMPLE, "factorial"),
    ("mobi", ECSI, "path"),
    ("mobi", ECSI, "factorial"),
    ("mobi", ECSI_MODE_B, "path"),
]


@pytest.mark.parametrize(("dataset", "model", "scheme"), CASES)
def test_matches_seminr(dataset, model, scheme):
    data = cx.load_dataset(dataset)
    seminr, ref = _seminr_fit(data, model, scheme)
    fit = cx.pls(data, model, scheme=scheme, missing="mean")
    for _, row in fit.table.iterrows():
        assert row["estimate"] == pytest.approx(ref.path_coef.get(row["rhs"], row["lhs"]), abs=1e-8)
    for _, row in fit.loadings.iterrows():
        assert row["loading"] == pytest.approx(
            ref.outer_loadings.get(row["rhs"], row["lhs"]), abs=1e-8
        )
    for _, row in fit.weights.iterrows():
        assert row["weight"] == pytest.approx(
            ref.outer_weights.get(row["rhs"], row["lhs"]), abs=1e-8
        )
    for _, row in fit.r_squared.iterrows():
        assert row["r_squared"] == pytest.approx(
            ref.r_squared.get("Rsq", row["construct"]), abs=1e-8
        )
        assert row["adj_r_squared"] == pytest.approx(
            ref.r_squared.get("AdjRsq", row["construct"]), abs=1e-8
        )
    assert fit.iterations == ref.iterations + 1  # seminr counts from 0
    rel = seminr.reliability_table(ref)
    for _, row in fit.reliability.iterrows():
        for ours, theirs in [
            ("alpha", "alpha"),
            ("rho_a", "rhoA"),
            ("rho_c", "rhoC"),
            ("ave", "AVE"),
        ]:
            assert row[ours] == pytest.approx(rel.get(row["construct"], theirs), abs=1e-8), (
                ours,
                row["construct"],
            )
    scores = ref.construct_scores.values
    np.testing.assert_allclose(fit.scores.to_numpy(), scores, atol=1e-8)


@pytest.mark.parametrize(("dataset", "model"), [("corp_rep_data", SIMPLE), ("mobi", ECSI)])
def test_evaluation_tables_match_seminr(dataset, model):
    data = cx.load_dataset(dataset)
    seminr, ref = _seminr_fit(data, model)
    fit = cx.pls(data, model, missing="mean")
    # seminr averages absolute correlations, cx.htmt (Henseler et al. 2015) the
    # correlations themselves: equal where no item correlation is negative
    # correlations themselves: every row equals seminr with absolute=True, and the
    # model's table equals cx.htmt itself
    ht = seminr.htmt(ref)
    blocks = {c.name: list(c.items) for c in fit.fit_state.spec.constructs}
    filled = fit.items.fillna(fit.items.mean())
    absolute = cx.htmt(filled, constructs=blocks, absolute=True)
    for _, row in absolute.iterrows():
        assert row["htmt"] == pytest.approx(
            ht.get(row["construct_1"], row["construct_2"]), abs=1e-8
        )
    pd.testing.assert_frame_equal(fit.htmt, cx.htmt(filled, constructs=blocks))
    negative = (filled.corr().to_numpy() < 0).any()
    assert negative == (dataset == "mobi")  # the two versions differ only on mobi
    assert np.allclose(fit.htmt["htmt"], absolute["htmt"]) != negative
    f2 = seminr.model_fsquares(ref)
    for _, row in fit.f_squared.iterrows():
        assert row["f_squared"] == pytest.approx(f2.get(row["rhs"], row["lhs"]), abs=1e-8)
    total = seminr.total_effects(ref.path_coef)
    for _, row in fit.effects.iterrows():
        assert row["total"] == pytest.approx(total.get(row["rhs"], row["lhs"]), abs=1e-8)
        # seminr's total minus its direct path: the indirect effect from the peer's numbers
        direct = ref.path_coef.get(row["rhs"], row["lhs"])
        assert row["indirect"] == pytest.approx(
            total.get(row["rhs"], row["lhs"]) - direct, abs=1e-8
        )


def test_inner_vif_by_hand(simple_fit):
    r = simple_fit.scores[["COMP", "LIKE", "CUSA"]].corr().to_numpy()
    vif = np.diag(np.linalg.inv(r))
    got = simple_fit.vif.query("lhs == 'CUSL'")["vif"].to_numpy()
    np.testing.assert_allclose(got, vif, atol=1e-10)


def test_paths_are_ols_on_the_scores(simple_fit):
    s = simple_fit.scores
    x = s[["COMP", "LIKE", "CUSA"]].to_numpy()
    beta, *_ = np.linalg.lstsq(x, s["CUSL"].to_numpy(), rcond=None)
    got = simple_fit.table.query("lhs == 'CUSL'")["estimate"].to_numpy()
    np.testing.assert_allclose(got, beta, atol=1e-12)


# ------------------------------------------------------------------------- bootstrap


def test_bootstrap_equals_a_plain_loop_over_the_same_resamples(corp, simple_fit):
    boot = simple_fit.bootstrap(n_boot=25, seed=7)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(7).spawn(25)]
    idx = _resample_indices(len(corp), rngs)
    for b in range(25):
        one = cx.pls(corp.iloc[idx[b]], SIMPLE, missing="mean")
        paths = boot.draws[[f"path: {t}" for t in one.table["term"]]].iloc[b].to_numpy()
        np.testing.assert_allclose(paths, one.table["estimate"], atol=1e-10)
        loads = boot.draws[[c for c in boot.draws if c.startswith("loading")]].iloc[b].to_numpy()
        np.testing.assert_allclose(loads, one.loadings["loading"], atol=1e-10)
        weights = boot.draws[[c for c in boot.draws if c.startswith("weight")]].iloc[b].to_numpy()
        np.testing.assert_allclose(weights, one.weights["weight"], atol=1e-10)
        ht = boot.draws[[c for c in boot.draws if c.startswith("htmt")]].iloc[b].to_numpy()
        np.testing.assert_allclose(ht, one.htmt["htmt"], atol=1e-10)
        ind = one.effects.query("indirect != 0")
        got = boot.draws[[f"indirect: {t}" for t in ind["term"]]].iloc[b].to_numpy()
        np.testing.assert_allclose(got, ind["indirect"], atol=1e-10)


def test_bootstrap_equals_seminr_on_the_same_resamples(corp, simple_fit):
    seminr, ref = _seminr_fit(corp, SIMPLE)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(3).spawn(10)]
    idx = _resample_indices(len(corp), rngs)
    theirs = seminr.bootstrap_model(ref, 10, indices=idx)
    ours = simple_fit.bootstrap(n_boot=10, seed=3)
    for b in range(10):
        for term in simple_fit.table["term"]:
            t, a = term.split(" ~ ")
            assert ours.draws[f"path: {term}"].iloc[b] == pytest.approx(
                theirs.boot_paths[b].get(a, t), abs=1e-8
            )


def test_bootstrap_does_not_depend_on_n_boot_chunks(simple_fit):
    small = simple_fit.bootstrap(n_boot=40, seed=11)
    large = simple_fit.bootstrap(n_boot=120, seed=11)
    pd.testing.assert_frame_equal(small.draws, large.draws.iloc[:40])
    again = simple_fit.bootstrap(n_boot=40, seed=11)
    pd.testing.assert_frame_equal(small.draws, again.draws)


def test_bootstrap_percentile_interval_and_no_sign_changes(simple_fit):
    boot = simple_fit.bootstrap(n_boot=400, seed=5)
    assert boot.sign_changes == "none" and boot.n_redrawn == 0
    draws = boot.draws["path: CUSL ~ COMP"]
    # an estimate near 0: resamples of both signs are kept as estimated
    assert (draws < 0).sum() > 20 and (draws > 0).sum() > 20
    row = boot.table.query("kind == 'path' and term == 'CUSL ~ COMP'").iloc[0]
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), abs=1e-12)
    assert row["std_error"] == pytest.approx(draws.std(ddof=1), abs=1e-12)
    assert row["estimate"] == pytest.approx(0.0092, abs=5e-5)


def test_bootstrap_bca_and_htmt_upper_bound(simple_fit):
    boot = simple_fit.bootstrap(n_boot=400, seed=5, method="bca", ci=0.90)
    assert boot.method == "bca" and boot.ci == 0.90
    perc = simple_fit.bootstrap(n_boot=400, seed=5, ci=0.90)
    paths_b = boot.table.query("kind == 'path'")
    paths_p = perc.table.query("kind == 'path'")
    assert not np.allclose(paths_b["ci_low"], paths_p["ci_low"])
    assert (paths_b["ci_low"] < paths_b["estimate"]).all() and (
        paths_b["estimate"] < paths_b["ci_high"]
    ).all()
    ht = boot.htmt
    assert list(ht.columns[-2:]) == ["below_0_85", "below_0_90"]
    assert (ht["below_0_85"] == (ht["ci_high"] < 0.85)).all()
    single = boot.table.query("term == 'CUSA =~ cusa'")
    assert np.allclose(single[["ci_low", "ci_high"]], 1.0)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_a_constant_bootstrap_statistic_has_se_zero_and_no_statistic(simple_fit, method):
    # the single item's loading and weight are 1 in every resample, up to rounding
    boot = simple_fit.bootstrap(n_boot=200, seed=5, method=method)
    single = boot.table[boot.table["term"] == "CUSA =~ cusa"]
    assert len(single) == 2  # loading and weight
    assert (single["std_error"] == 0.0).all()
    assert single["statistic"].isna().all()
    for column in ["ci_low", "ci_high", "boot_mean"]:
        assert (single[column] == single["estimate"]).all()
    # every other statistic varies across resamples: a real SE and statistic
    others = boot.table[boot.table["term"] != "CUSA =~ cusa"]
    assert (others["std_error"] > 1e-6).all() and others["statistic"].notna().all()


def test_bootstrap_bad_arguments(simple_fit):
    with pytest.raises(ValueError, match="ci must lie strictly between 0 and 1"):
        simple_fit.bootstrap(n_boot=10, ci=95)
    with pytest.raises(ValueError, match="method must be one of"):
        simple_fit.bootstrap(n_boot=10, method="bc")
    with pytest.raises(TypeError, match="n_boot must be an integer"):
        simple_fit.bootstrap(n_boot=10.5)


# ------------------------------------------------------------------------------- mga


def test_mga_groups_match_separate_fits(corp):
    res = cx.pls_mga(corp, SIMPLE, by="servicetype", n_perm=100, seed=2, missing="mean")
    pooled = corp[corp["servicetype"].isin([1, 2])][
        list(cx.pls(corp, SIMPLE, missing="mean").items.columns)
    ]
    filled = pooled.astype(float).fillna(pooled.astype(float).mean())
    for level, col in [(1, "estimate_1"), (2, "estimate_2")]:
        one = cx.pls(filled[corp["servicetype"] == level], SIMPLE)
        np.testing.assert_allclose(res.table[col], one.table["estimate"], atol=1e-10)
    assert (res.n_1, res.n_2) == (
        (corp["servicetype"] == 1).sum(),
        (corp["servicetype"] == 2).sum(),
    )
    # a permutation p-value is (1 + k) / (1 + n_perm), k permuted |differences| >= the observed
    k = res.table["p_value"] * (1 + res.n_perm) - 1
    np.testing.assert_allclose(k, np.round(k), atol=1e-9)
    assert ((k >= 0) & (k <= res.n_perm)).all()
    again = cx.pls_mga(corp, SIMPLE, by="servicetype", n_perm=100, seed=2, missing="mean")
    pd.testing.assert_frame_equal(res.table, again.table)


def test_mga_p_values_are_uniform_under_random_splits(mobi):
    # under H0 (random halves of one sample) a valid permutation test's p-values are
    # uniform: 40 splits x 7 paths, 99 permutations each, against U(0, 1) (KS test);
    # a test that never rejects (p near 1) or always does (p near 0) fails here
    from scipy import stats

    rng = np.random.default_rng(0)
    ps = []
    for split in range(40):
        data = mobi.assign(split=rng.integers(0, 2, len(mobi)))
        ps += list(cx.pls_mga(data, ECSI, by="split", n_perm=99, seed=split).table["p_value"])
    ps = np.array(ps)
    # the discrete p-values (1 + k) / 100, shifted to the middle of their step
    assert stats.kstest(ps - 0.005, "uniform").pvalue > 0.001
    assert 0.02 < np.mean(ps < 0.05) < 0.10


def test_mga_errors(corp):
    with pytest.raises(ValueError, match="has 3 values"):
        cx.pls_mga(corp.assign(g=np.arange(len(corp)) % 3), SIMPLE, by="g", missing="mean")
    with pytest.raises(ValueError, match=r"levels: \[9\] not found"):
        cx.pls_mga(corp, SIMPLE, by="servicetype", levels=[1, 9], missing="mean")
    with pytest.raises(ValueError, match=r"by: column \['nope'\] not found"):
        cx.pls_mga(corp, SIMPLE, by="nope", missing="mean")


# -------------------------------------------------------------------- data handling


def test_missing_values_raise_by_default(corp):
    with pytest.raises(ValueError, match="missing"):
        cx.pls(corp, SIMPLE)


def test_listwise_counts_dropped_rows(corp):
    fit = cx.pls(corp, SIMPLE, missing="listwise")
    items = list(fit.items.columns)
    assert fit.n_dropped == int(corp[items].isna().any(axis=1).sum()) > 0
    assert fit.n == len(corp) - fit.n_dropped and fit.n_imputed == 0
    same = cx.pls(corp.dropna(subset=items), SIMPLE)
    np.testing.assert_allclose(fit.table["estimate"], same.table["estimate"], atol=1e-12)


def test_input_is_not_modified(corp):
    before = corp.copy()
    cx.pls(corp, SIMPLE, missing="mean").bootstrap(n_boot=5, seed=1)
    pd.testing.assert_frame_equal(corp, before)


def test_non_convergence_says_how_far_it_got(mobi):
    with pytest.raises(
        cx.ConvergenceError, match=r"did not converge: after max_iter=2 iterations .* changed by"
    ):
        cx.pls(mobi, ECSI, max_iter=2)


def test_unscaled_equals_scaled_on_standardized_items(mobi):
    z = (mobi - mobi.mean()) / mobi.std()
    a = cx.pls(z, ECSI, standardized=False)
    b = cx.pls(mobi, ECSI)
    np.testing.assert_allclose(a.table["estimate"], b.table["estimate"], atol=1e-10)
    np.testing.assert_allclose(a.loadings["loading"], b.loadings["loading"], atol=1e-10)


def test_centroid_scheme_runs_and_is_close_to_path(mobi):
    a = cx.pls(mobi, ECSI, scheme="centroid")
    b = cx.pls(mobi, ECSI)
    assert a.scheme == "centroid"
    np.testing.assert_allclose(a.table["estimate"], b.table["estimate"], atol=0.03)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"scheme": "pathway"}, ValueError, "scheme must be one of"),
        ({"missing": "drop"}, ValueError, "missing must be one of"),
        ({"standardized": 1}, TypeError, "standardized must be True or False"),
        ({"max_iter": 0}, ValueError, "max_iter must be at least 1"),
        ({"tol": 0}, ValueError, "tol must be positive"),
    ],
)
def test_bad_settings(mobi, kwargs, error, match):
    with pytest.raises(error, match=match):
        cx.pls(mobi, ECSI, **kwargs)


def test_model_errors_come_from_the_shared_syntax(mobi):
    with pytest.raises(ValueError, match=r"model: column \['IMAG9'\] not found"):
        cx.pls(mobi, ECSI.replace("IMAG5", "IMAG9"))
    with pytest.raises(ValueError, match=r"cycle \(SAT -> COMP -> LOY -> SAT\)"):
        cx.pls(mobi, ECSI + "\nSAT ~ LOY")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        cx.pls(mobi.to_numpy(), ECSI)


def test_constant_item_is_named(mobi):
    with pytest.raises(ValueError, match=r"\['CUEX1'\] have the same answer in every row"):
        cx.pls(mobi.assign(CUEX1=5), ECSI)


def test_result_repr_and_frozen(simple_fit):
    assert repr(simple_fit).startswith("PLSResult(n=344, n_dropped=0, n_imputed=11")
    with pytest.raises(AttributeError):
        simple_fit.n = 3


# ------------------------------------------------------------------ simulator's truth


def test_recovers_the_simulated_loadings_and_shows_pls_bias():
    """PLS mode-A loadings come out a little too high, paths a little too low.

    Truth: four items per construct, loadings U(0.6, 0.9), every construct pair
    correlated 0.4 (so with A and B predicting C the true standardized paths are
    0.4 / 1.4 = 0.286 each). Loadings within 0.10 of the truth; the mean loading bias
    is positive (the composite includes each item's own error), the paths are
    attenuated (the composites carry measurement error).
    """
    sim = cx.simulate_survey(3000, constructs=["a", "b", "c"], items_per_construct=4, seed=4)
    model = (
        "\n".join(f"{c.upper()} =~ " + " + ".join(f"{c}_{j}" for j in range(1, 5)) for c in "abc")
        + "\nC ~ A + B"
    )
    fit = cx.pls(sim.data, model)
    merged = fit.loadings.merge(sim.loadings, on="rhs", suffixes=("", "_true"))
    diff = merged["loading"] - merged["loading_true"]
    assert diff.abs().max() < 0.10
    # PLS's upward loading bias, although cutting the answers into 7 categories
    # lowers the observed correlations a little
    assert diff.mean() > 0.03
    true_path = 0.4 / 1.4
    assert (fit.table["estimate"] < true_path).all()
    assert (fit.table["estimate"] > true_path - 0.08).all()
    rel = fit.reliability.assign(construct=fit.reliability["construct"].str.lower())
    rho = rel.merge(sim.reliability, on="construct", suffixes=("", "_true"))
    assert (rho["rho_c"] - rho["rho_c_true"]).abs().max() < 0.05


def test_fit_statistics_are_a_series_as_every_models(simple_fit, corp):
    # DriverResult.fit, SEMResult.fit and PLSResult.fit: one type, a Series named "fit"
    fit = simple_fit.fit
    assert isinstance(fit, pd.Series) and fit.name == "fit"
    assert fit["n"] == simple_fit.n == 344 and fit["n_imputed"] == simple_fit.n_imputed
    r2 = simple_fit.r_squared.set_index("construct")["r_squared"]
    assert fit["r_squared: CUSL"] == r2["CUSL"] and fit["r_squared: CUSA"] == r2["CUSA"]
    drivers = cx.fit_drivers(corp.astype(float).fillna(0), "cusa ~ comp_1 + like_1")
    sem = cx.cfa(cx.load_dataset("mobi"), "IMAG =~ IMAG1 + IMAG2 + IMAG3")
    for other in (drivers.fit, sem.fit):
        assert isinstance(other, pd.Series) and other.name == "fit" and "n" in other
