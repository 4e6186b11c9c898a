"""IPMA of a PLS model (PLSResult.ipma; Ringle & Sarstedt 2016) against a hand
calculation from the rescaled items and the unstandardized regressions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx

SIMPLE = json.loads((Path(__file__).parent / "reference" / "pls_primer_corp_rep.json").read_text())[
    "model"
]
BLOCKS = {
    "COMP": ["comp_1", "comp_2", "comp_3"],
    "LIKE": ["like_1", "like_2", "like_3"],
    "CUSA": ["cusa"],
    "CUSL": ["cusl_1", "cusl_2", "cusl_3"],
}


@pytest.fixture(scope="module")
def fit():
    return cx.pls(cx.load_dataset("corp_rep_data"), SIMPLE, missing="mean")


def test_ipma_by_hand(fit):
    res = fit.ipma("CUSL", scale=(1, 7))
    x = fit.items.fillna(fit.items.mean())
    xr = (x - 1) / 6 * 100
    w = fit.weights.set_index("rhs")["weight"]
    lv = {}
    for c, items in BLOCKS.items():
        raw = w[items] / x[items].std()  # unstandardized weights
        lv[c] = xr[items] @ (raw / raw.sum())
    lv = pd.DataFrame(lv)

    def ols(y, xs):  # unstandardized paths, by least squares with an intercept
        design = np.column_stack([np.ones(len(lv)), lv[xs].to_numpy()])
        return dict(
            zip(xs, np.linalg.lstsq(design, lv[y].to_numpy(), rcond=None)[0][1:], strict=True)
        )

    cusa = ols("CUSA", ["COMP", "LIKE"])
    cusl = ols("CUSL", ["COMP", "LIKE", "CUSA"])
    total = {
        "COMP": cusl["COMP"] + cusa["COMP"] * cusl["CUSA"],
        "LIKE": cusl["LIKE"] + cusa["LIKE"] * cusl["CUSA"],
        "CUSA": cusl["CUSA"],
    }
    table = res.table.set_index("construct")
    for c, value in total.items():
        assert table.loc[c, "importance"] == pytest.approx(value, abs=1e-10)
        assert table.loc[c, "performance"] == pytest.approx(lv[c].mean(), abs=1e-10)
    assert res.target_performance == pytest.approx(lv["CUSL"].mean(), abs=1e-10)
    items = res.items.set_index("item")
    assert items.loc["like_2", "performance"] == pytest.approx(xr["like_2"].mean(), abs=1e-10)
    assert items.groupby("construct")["rescaled_weight"].sum().to_numpy() == pytest.approx(1.0)
    assert items.loc["like_2", "importance"] == pytest.approx(
        items.loc["like_2", "rescaled_weight"] * total["LIKE"], abs=1e-12
    )
    ax = cx.plots.plot_pls_ipma(res, items=True)
    assert [t.get_text() for t in ax.texts] == list(res.items["item"])


def test_ipma_observed_range_and_errors(fit):
    observed = fit.ipma("CUSA")
    assert observed.scale is None and list(observed.table["construct"]) == ["COMP", "LIKE"]
    x = fit.items.fillna(fit.items.mean())
    xr = (x["comp_1"] - x["comp_1"].min()) / (x["comp_1"].max() - x["comp_1"].min()) * 100
    assert observed.items.set_index("item").loc["comp_1", "performance"] == pytest.approx(xr.mean())
    with pytest.raises(ValueError, match="outcome must be one of"):
        fit.ipma("COMP")
    with pytest.raises(ValueError, match="low < high"):
        fit.ipma("CUSL", scale=(7, 1))
    plsc = cx.pls(cx.load_dataset("corp_rep_data"), SIMPLE, missing="mean", consistent=True)
    with pytest.raises(ValueError, match="consistent=False"):
        plsc.ipma("CUSL")
