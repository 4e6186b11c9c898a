"""MICOM (cx.micom; Henseler, Ringle & Sarstedt 2016) against a hand calculation from
separate group fits, and its permutation test's behaviour on split and shifted data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import cxresearch as cx
from tests.test_latent import ECSI

SIMPLE = json.loads((Path(__file__).parent / "reference" / "pls_primer_corp_rep.json").read_text())[
    "model"
]


def test_micom_by_hand():
    data = cx.load_dataset("corp_rep_data")
    res = cx.micom(data, SIMPLE, by="servicetype", n_perm=50, seed=3, missing="mean")
    items = list(cx.pls(data, SIMPLE, missing="mean").items.columns)
    pooled = data.loc[data["servicetype"].isin([1, 2]), items].astype(float)
    pooled = pooled.fillna(pooled.mean())
    g = data.loc[pooled.index, "servicetype"].to_numpy()
    z = (pooled - pooled.mean()) / pooled.std()
    fits = [cx.pls(pooled[g == level], SIMPLE) for level in (1, 2)]
    table = res.table.set_index("construct")
    for c in ["COMP", "LIKE", "CUSL"]:
        cols = [i for i in items if i.startswith(c.lower())]
        w = [f.weights.loc[f.weights["lhs"] == c, "weight"].to_numpy() for f in fits]
        s1, s2 = z[cols] @ w[0], z[cols] @ w[1]
        assert table.loc[c, "c"] == pytest.approx(np.corrcoef(s1, s2)[0, 1], abs=1e-12)
    scores = cx.pls(pooled, SIMPLE).scores
    diff = scores[g == 1].mean() - scores[g == 2].mean()
    np.testing.assert_allclose(table["mean_diff"], diff[table.index], atol=1e-12)
    log_var = np.log(scores[g == 1].var()) - np.log(scores[g == 2].var())
    np.testing.assert_allclose(table["log_var_diff"], log_var[table.index], atol=1e-12)
    # permutation p-values are (1 + k) / (1 + n_perm)
    k = res.table["c_p_value"] * 51 - 1
    np.testing.assert_allclose(k, np.round(k), atol=1e-9)
    assert (res.n_1, res.n_2, res.n_perm) == ((g == 1).sum(), (g == 2).sum(), 50)


def test_micom_sees_a_mean_shift_but_not_a_random_split():
    mobi = cx.load_dataset("mobi")
    rng = np.random.default_rng(1)
    split = mobi.assign(g=rng.integers(0, 2, len(mobi)))
    res = cx.micom(split, ECSI, by="g", n_perm=199, seed=1)
    assert res.table["compositional"].mean() >= 6 / 7
    assert (res.table["mean_p_value"] > 0.01).all()
    # shift every loyalty answer of group 1 by two points: equal means fails for LOY only
    shifted = split.copy()
    for item in ["CUSL1", "CUSL2", "CUSL3"]:
        shifted.loc[shifted["g"] == 1, item] += 2
    res = cx.micom(shifted, ECSI, by="g", n_perm=199, seed=1).table.set_index("construct")
    assert res.loc["LOY", "mean_p_value"] == pytest.approx(1 / 200)
    assert res.loc["LOY", "invariance"] == "partial"
    assert (res.drop("LOY")["mean_p_value"] > 0.01).all()


def test_micom_errors():
    data = cx.load_dataset("corp_rep_data")
    with pytest.raises(ValueError, match=r"levels: \[9\] not found"):
        cx.micom(data, SIMPLE, by="servicetype", levels=[1, 9], missing="mean")
    with pytest.raises(ValueError, match="supported by cx.pls only"):
        cx.micom(data, SIMPLE + "\nCUSL ~ COMP:LIKE", by="servicetype", missing="mean")
