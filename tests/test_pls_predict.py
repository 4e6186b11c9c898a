"""PLSpredict (PLSResult.predict) against seminr-py's predict_pls fed the same row
orders, and Q2_predict by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch.latent._plspredict import fold_ids, verdict
from tests.test_latent import ECSI, _seminr_fit

SIMPLE = json.loads((Path(__file__).parent / "reference" / "pls_primer_corp_rep.json").read_text())[
    "model"
]


def _seminr_predictions(ref, orders, k, technique):
    seminr = pytest.importorskip("seminr")
    from seminr.predict.metrics import item_metrics

    tech = {"direct": seminr.predict_DA, "earliest": seminr.predict_EA}[technique]
    runs = [seminr.predict_pls(ref, technique=tech, no_folds=k, ordering=o) for o in orders]
    return runs, [item_metrics(r) for r in runs]


@pytest.mark.parametrize(
    ("dataset", "model", "technique"),
    [
        ("corp_rep_data", SIMPLE, "direct"),
        ("corp_rep_data", SIMPLE, "earliest"),
        ("mobi", ECSI, "direct"),
    ],
)
def test_predict_matches_seminr_given_the_same_order(dataset, model, technique):
    data = cx.load_dataset(dataset)
    _, ref = _seminr_fit(data, model)
    fit = cx.pls(data, model, missing="mean")
    ours = fit.predict(n_folds=10, n_repeats=1, technique=technique, seed=5)
    orders = [cx._validate.make_rng(5).permutation(len(data))]
    runs, metrics = _seminr_predictions(ref, orders, 10, technique)
    items = ours.table["item"].tolist()
    for kind, theirs in [
        ("pls", runs[0].items.pls_out_of_sample),
        ("lm", runs[0].items.lm_out_of_sample),
    ]:
        got = ours.predictions[[f"{kind}: {i}" for i in items]].to_numpy()
        want = np.column_stack([theirs.column(i) for i in items])
        np.testing.assert_allclose(got, want, atol=1e-8)
    table = ours.table.set_index("item")
    for item in items:
        assert table.loc[item, "pls_rmse"] == pytest.approx(
            metrics[0].pls_out_of_sample.get("RMSE", item), abs=1e-8
        )
        assert table.loc[item, "pls_mae"] == pytest.approx(
            metrics[0].pls_out_of_sample.get("MAE", item), abs=1e-8
        )
        assert table.loc[item, "lm_rmse"] == pytest.approx(
            metrics[0].lm_out_of_sample.get("RMSE", item), abs=1e-8
        )
        assert table.loc[item, "lm_mae"] == pytest.approx(
            metrics[0].lm_out_of_sample.get("MAE", item), abs=1e-8
        )


def test_repetitions_average_the_predictions_of_each_order():
    data = cx.load_dataset("corp_rep_data")
    _, ref = _seminr_fit(data, SIMPLE)
    fit = cx.pls(data, SIMPLE, missing="mean")
    ours = fit.predict(n_folds=5, n_repeats=3, seed=9)
    rng = cx._validate.make_rng(9)
    orders = [rng.permutation(len(data)) for _ in range(3)]
    runs, _ = _seminr_predictions(ref, orders, 5, "direct")
    for item in ours.table["item"]:
        want = np.mean([r.items.pls_out_of_sample.column(item) for r in runs], axis=0)
        np.testing.assert_allclose(ours.predictions[f"pls: {item}"], want, atol=1e-8)


def test_q2_predict_by_hand():
    data = cx.load_dataset("corp_rep_data")
    fit = cx.pls(data, SIMPLE, missing="mean")
    res = fit.predict(n_folds=4, n_repeats=1, seed=2)
    x = fit.items.fillna(fit.items.mean())
    order = cx._validate.make_rng(2).permutation(len(x))
    fold = np.empty(len(x), dtype=int)
    fold[order] = fold_ids(len(x), 4)
    y = x["cusl_2"].to_numpy()
    naive = np.array([y[fold != fold[i]].mean() for i in range(len(y))])
    pls = res.predictions["pls: cusl_2"].to_numpy()
    q2 = 1 - ((y - pls) ** 2).sum() / ((y - naive) ** 2).sum()
    assert res.table.set_index("item").loc["cusl_2", "q2_predict"] == pytest.approx(q2, abs=1e-12)
    assert np.bincount(fold).tolist() == [86, 86, 86, 86]


def test_fold_ids_follow_r_cut():
    # R: as.integer(cut(seq_len(10), breaks = 3)) gives 1 1 1 1 2 2 2 3 3 3
    assert (fold_ids(10, 3) + 1).tolist() == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert (fold_ids(7, 7) == np.arange(7)).all()


def test_verdict_reads_the_rmse_comparison():
    def table(q2, pls, lm):
        return pd.DataFrame({"q2_predict": q2, "pls_rmse": pls, "lm_rmse": lm})

    assert verdict(table([0.3, 0.2], [1, 1], [2, 2])).startswith("high")
    assert verdict(table([0.3, 0.2, 0.1], [1, 1, 3], [2, 2, 2])).startswith("medium")
    assert verdict(table([0.3, 0.2, 0.1], [1, 3, 3], [2, 2, 2])).startswith("low")
    assert verdict(table([0.3, 0.2], [3, 3], [2, 2])).startswith("none")
    assert verdict(table([0.3, -0.1], [1, 1], [2, 2])).startswith("none (an item's Q2")


def test_predict_bad_arguments():
    fit = cx.pls(cx.load_dataset("corp_rep_data"), SIMPLE, missing="mean")
    with pytest.raises(ValueError, match="n_folds must be"):
        fit.predict(n_folds=1)
    with pytest.raises(ValueError, match="technique must be one of"):
        fit.predict(technique="DA")
    with pytest.raises(TypeError, match="n_repeats must be an integer"):
        fit.predict(n_repeats=1.5)
    small = cx.pls(cx.load_dataset("corp_rep_data").iloc[:14], SIMPLE, missing="mean")
    with pytest.raises(ValueError, match=r"n_folds=2: the training part of a fold \(7 rows\)"):
        small.predict(n_folds=2)


def test_predict_with_plsc_matches_seminr_reflective():
    from tests.test_pls_plsc import seminr_plsc

    data = cx.load_dataset("corp_rep_data")
    _, ref = seminr_plsc(data, SIMPLE)
    ours = cx.pls(data, SIMPLE, missing="mean", consistent=True).predict(3, 1, seed=4)
    runs, _ = _seminr_predictions(
        ref, [cx._validate.make_rng(4).permutation(len(data))], 3, "direct"
    )
    for item in ours.table["item"]:
        np.testing.assert_allclose(
            ours.predictions[f"pls: {item}"],
            runs[0].items.pls_out_of_sample.column(item),
            atol=1e-8,
        )
