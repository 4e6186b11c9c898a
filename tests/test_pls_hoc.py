"""Higher-order constructs of cx.pls (``REP =~ COMP + LIKE``): the disjoint two-stage
approach against seminr-py's higher_composite (point estimates and bootstrap on the
same resamples); embedded two-stage and repeated indicators by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch.latent.plspm import _resample_indices

HOC = """
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
REP =~ COMP + LIKE
CUSA ~ REP
CUSL ~ REP + CUSA
"""


@pytest.fixture(scope="module")
def corp():
    return cx.load_dataset("corp_rep_data")


def seminr_hoc(data):
    seminr = pytest.importorskip("seminr", reason="seminr-py (the [realdata] extra) not installed")
    mm = seminr.constructs(
        seminr.composite("COMP", ["comp_1", "comp_2", "comp_3"]),
        seminr.composite("LIKE", ["like_1", "like_2", "like_3"]),
        seminr.composite("CUSA", ["cusa"]),
        seminr.composite("CUSL", ["cusl_1", "cusl_2", "cusl_3"]),
        seminr.higher_composite("REP", ["COMP", "LIKE"]),
    )
    sm = seminr.relationships(
        seminr.paths(from_="REP", to=["CUSA", "CUSL"]), seminr.paths(from_="CUSA", to="CUSL")
    )
    items = [c for c in data.columns if c.split("_")[0] in ("comp", "like", "cusa", "cusl")]
    return seminr, seminr.estimate_pls(data[items].astype(float), mm, sm)


def test_disjoint_two_stage_matches_seminr(corp):
    _, ref = seminr_hoc(corp)
    fit = cx.pls(corp, HOC, missing="mean")
    assert fit.table["term"].tolist() == ["CUSA ~ REP", "CUSL ~ REP", "CUSL ~ CUSA"]
    for row in fit.table.itertuples():
        assert row.estimate == pytest.approx(ref.path_coef.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.loadings.itertuples():  # stage 2, REP =~ COMP among them
        assert row.loading == pytest.approx(ref.outer_loadings.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.weights.itertuples():
        assert row.weight == pytest.approx(ref.outer_weights.get(row.rhs, row.lhs), abs=1e-8)
    stage1 = fit.first_stage.loadings.query("lhs in ['COMP', 'LIKE']")
    for row in stage1.itertuples():  # the lower-order loadings, from stage 1
        assert row.loading == pytest.approx(ref.outer_loadings.get(row.rhs, row.lhs), abs=1e-8)
    assert "CUSA ~ COMP + LIKE" in fit.first_stage.model


def test_hoc_bootstrap_equals_seminr_on_the_same_resamples(corp):
    seminr, ref = seminr_hoc(corp)
    fit = cx.pls(corp, HOC, missing="mean")
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(2).spawn(8)]
    theirs = seminr.bootstrap_model(ref, 8, indices=_resample_indices(len(corp), rngs))
    ours = fit.bootstrap(n_boot=8, seed=2)
    assert ours.n_redrawn == 0 and theirs.fails == 0
    worst = max(
        abs(ours.draws[f"path: {row.term}"].iloc[b] - theirs.boot_paths[b].get(row.rhs, row.lhs))
        for row in fit.table.itertuples()
        for b in range(8)
    )
    assert worst < 1e-8


def test_embedded_two_stage_by_hand(corp):
    repeated = cx.pls(corp, HOC, missing="mean", higher_order="repeated")
    embedded = cx.pls(corp, HOC, missing="mean", higher_order="embedded")
    # stage 2 by hand: REP measured by the repeated-indicator model's COMP and LIKE scores
    stage2 = (
        repeated.items[["cusa", "cusl_1", "cusl_2", "cusl_3"]]
        .fillna(repeated.items.mean())
        .assign(COMP=repeated.scores["COMP"], LIKE=repeated.scores["LIKE"])
    )
    by_hand = cx.pls(
        stage2,
        "CUSA =~ cusa\nCUSL =~ cusl_1 + cusl_2 + cusl_3\nREP =~ COMP + LIKE\n"
        "CUSA ~ REP\nCUSL ~ REP + CUSA",
    )
    np.testing.assert_allclose(embedded.table["estimate"], by_hand.table["estimate"], atol=1e-10)
    disjoint = cx.pls(corp, HOC, missing="mean")
    assert np.abs(embedded.table["estimate"] - disjoint.table["estimate"]).max() > 1e-3


def test_repeated_indicators(corp):
    fit = cx.pls(corp, HOC, missing="mean", higher_order="repeated")
    rep = fit.loadings.query("lhs == 'REP'")
    assert rep["rhs"].tolist() == ["comp_1", "comp_2", "comp_3", "like_1", "like_2", "like_3"]
    assert {"COMP ~ REP", "LIKE ~ REP"} <= set(fit.table["term"])
    # the loadings are the correlations of each item with each of its constructs' scores
    x = fit.items.fillna(fit.items.mean())
    assert rep.set_index("rhs").loc["like_2", "loading"] == pytest.approx(
        np.corrcoef(x["like_2"], fit.scores["REP"])[0, 1], abs=1e-12
    )
    formative = cx.pls(
        corp, HOC.replace("REP =~", "REP <~"), missing="mean", higher_order="repeated"
    )
    assert {"REP ~ COMP", "REP ~ LIKE"} <= set(formative.table["term"])
    assert fit.first_stage is None
    with pytest.raises(ValueError, match="not available for a model with higher-order"):
        fit.predict()


def test_hoc_errors(corp):
    with pytest.raises(ValueError, match="higher_order must be one of"):
        cx.pls(corp, HOC, missing="mean", higher_order="two_stage")
    with pytest.raises(ValueError, match="mixes constructs and items"):
        cx.pls(corp, HOC.replace("REP =~ COMP + LIKE", "REP =~ COMP + cusa"), missing="mean")
    with pytest.raises(ValueError, match=r"'COMP' is a dimension .* cannot be in a path too"):
        cx.pls(corp, HOC + "CUSL ~ COMP", missing="mean")
    with pytest.raises(ValueError, match="supported by cx.pls only"):
        cx.pls_mga(corp, HOC, by="servicetype", missing="mean")
    assert isinstance(cx.pls(corp, HOC, missing="mean").first_stage.items, pd.DataFrame)
