"""Weighted PLS (survey weights, Becker & Ismail 2016): integer weights fit exactly as
the rows repeated that many times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from tests.test_latent import ECSI


@pytest.fixture(scope="module")
def weighted():
    data = cx.load_dataset("mobi")
    w = np.random.default_rng(0).integers(1, 5, len(data))
    repeated = data.loc[data.index.repeat(w)].reset_index(drop=True)
    return data.assign(w=w), repeated


@pytest.mark.parametrize("consistent", [False, True])
def test_integer_weights_equal_repeated_rows(weighted, consistent):
    data, repeated = weighted
    a = cx.pls(data, ECSI, weights="w", consistent=consistent)
    b = cx.pls(repeated, ECSI, consistent=consistent)
    assert a.weight_column == "w" and b.weight_column is None
    for column, table in [("estimate", "table"), ("loading", "loadings"), ("weight", "weights")]:
        np.testing.assert_allclose(getattr(a, table)[column], getattr(b, table)[column], atol=1e-12)
    np.testing.assert_allclose(a.r_squared["r_squared"], b.r_squared["r_squared"], atol=1e-12)
    np.testing.assert_allclose(a.reliability["rho_a"], b.reliability["rho_a"], atol=1e-12)
    np.testing.assert_allclose(a.htmt["htmt"], b.htmt["htmt"], atol=1e-12)
    # the scores of a row equal those of each of its copies
    first = np.r_[0, np.cumsum(data["w"].to_numpy())[:-1]]
    np.testing.assert_allclose(a.scores.to_numpy(), b.scores.to_numpy()[first], atol=1e-12)


def test_weights_matter_and_unit_weights_do_not(weighted):
    data, _ = weighted
    plain = cx.pls(data, ECSI)
    ones = cx.pls(data.assign(w=1.0), ECSI, weights="w")
    pd.testing.assert_frame_equal(plain.table, ones.table)
    assert (
        np.abs(cx.pls(data, ECSI, weights="w").table["estimate"] - plain.table["estimate"]).max()
        > 1e-3
    )


def test_weighted_bootstrap_keeps_each_rows_weight(weighted):
    data, _ = weighted
    fit = cx.pls(data, ECSI, weights="w")
    boot = fit.bootstrap(n_boot=5, seed=3)
    rngs = [cx._validate.make_rng(c) for c in np.random.SeedSequence(3).spawn(5)]
    from cxresearch.latent.plspm import _resample_indices

    idx = _resample_indices(len(data), rngs)
    for b in range(5):
        one = cx.pls(data.iloc[idx[b]].reset_index(drop=True), ECSI, weights="w")
        got = boot.draws[[f"path: {t}" for t in one.table["term"]]].iloc[b].to_numpy()
        np.testing.assert_allclose(got, one.table["estimate"], atol=1e-10)


def test_weights_errors(weighted):
    data, _ = weighted
    with pytest.raises(ValueError, match="must hold finite, non-negative weights"):
        cx.pls(data.assign(w=-1.0), ECSI, weights="w")
    with pytest.raises(ValueError, match=r"weights: column \['nope'\] not found"):
        cx.pls(data, ECSI, weights="nope")
    with pytest.raises(ValueError, match="supported with missing='raise' or 'listwise'"):
        cx.pls(data, ECSI, weights="w", missing="mean")
    with pytest.raises(ValueError, match="not available for a weighted fit"):
        cx.pls(data, ECSI, weights="w").predict()
