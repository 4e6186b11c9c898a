"""Tests for cxresearch.plots: each figure draws what it says, on the Axes it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cxresearch import metrics, plots


@pytest.fixture
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "store": np.repeat(["Centre", "Mall", "Online"], 40),
            "likelihood_to_recommend": rng.integers(0, 11, 120),
            "q1": rng.integers(1, 6, 120),
            "q2": rng.integers(1, 6, 120),
            "q3": rng.integers(1, 6, 120),
        }
    )


def _bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches]


def test_plot_nps_bars_match_the_nps_table(survey):
    ax = plots.plot_nps(survey, by="store")
    res = metrics.nps(survey, by="store")
    widths = np.array(_bar_widths(ax)).reshape(3, 3)  # detractors, passives, promoters
    np.testing.assert_allclose(widths[0], res["pct_detractors"])
    np.testing.assert_allclose(widths[1], res["pct_passives"])
    np.testing.assert_allclose(widths[2], res["pct_promoters"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Centre", "Mall", "Online"]
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith(f"NPS {res['nps'].iloc[0]:+.0f}")
    assert "95% CI" in texts[0]
    assert ax.get_title() == ""


def test_plot_nps_draws_on_the_given_axes(survey):
    fig, ax = plt.subplots()
    assert plots.plot_nps(survey, ax=ax) is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All answers"]
    assert len(fig.axes) == 1


def test_plot_likert_diverges_around_zero(survey):
    ax = plots.plot_likert(
        survey, items=["q1", "q2", "q3"], labels=["1 no", "2", "3 neutral", "4", "5 yes"]
    )
    tab = metrics.likert_table(survey, items=["q1", "q2", "q3"])
    q1 = tab[tab["item"] == "q1"].set_index("answer")["pct"]
    # bars in drawing order: neutral, 2, 1 (left side), 4, 5 (right side); 3 items each
    lefts = np.array([p.get_x() for p in ax.patches]).reshape(5, 3)[:, 0]
    widths = np.array(_bar_widths(ax)).reshape(5, 3)[:, 0]
    assert lefts[0] == pytest.approx(-q1[3] / 2)  # the neutral bar straddles 0
    assert lefts[2] == pytest.approx(-q1[3] / 2 - q1[2] - q1[1])  # strong "no" leftmost
    assert widths[4] == pytest.approx(q1[5])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "1 no",
        "2",
        "3 neutral",
        "4",
        "5 yes",
    ]


def test_plot_likert_even_scale_has_no_neutral(survey):
    data = survey.assign(q1=(survey["q1"] % 4) + 1)
    ax = plots.plot_likert(data, items=["q1"], scale=(1, 4))
    lefts = [p.get_x() for p in ax.patches]
    assert min(abs(x) for x in lefts) == 0  # bars meet at 0


def test_plot_item_correlations_annotates_every_cell(survey):
    ax = plots.plot_item_correlations(survey, constructs={"A": ["q1", "q2"], "B": ["q3"]})
    assert len(ax.texts) == 9
    corr = survey[["q1", "q2", "q3"]].corr()
    assert ax.texts[1].get_text() == f"{corr.iloc[0, 1]:.2f}"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["q1", "q2", "q3"]


def test_plots_bad_input(survey):
    with pytest.raises(ValueError, match=r"score: column \['nps'\] not found"):
        plots.plot_nps(survey, score="nps")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plots.plot_nps(survey, ax="left")
    with pytest.raises(ValueError, match=r"'q1'.*\[5\]"):
        plots.plot_likert(survey, items=["q1"], scale=(1, 4))
    with pytest.raises(ValueError, match="missing"):
        plots.plot_item_correlations(survey.assign(q1=np.nan), items=["q1", "q2"])
