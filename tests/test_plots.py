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


# ---------------------------------------------------------- readability of the figures


def _text_sizes(fig) -> list[float]:
    """Font size (pt) of every visible text of a figure: labels, ticks, legend, notes."""
    fig.canvas.draw()
    return [
        t.get_fontsize()
        for t in fig.findobj(matplotlib.text.Text)
        if t.get_visible() and t.get_text().strip()
    ]


def _data_bbox(ax, artists):
    from matplotlib.transforms import Bbox

    return Bbox.union([a.get_window_extent() for a in artists])


def test_plot_nps_legend_does_not_cover_the_bars(survey):
    ax = plots.plot_nps(survey, by="store")
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    for bar in ax.patches:
        assert not legend.overlaps(bar.get_window_extent())
    assert legend.y0 >= ax.get_window_extent().y1 - 1  # above the axes


def test_plot_interaction_names_mean_and_sd_lines():
    from cxresearch import fit_drivers

    rng = np.random.default_rng(4)
    n = 400
    data = pd.DataFrame({"sat": rng.normal(4, 1, n), "competition": rng.normal(0.2, 1.1, n)})
    eta = -0.5 + 0.6 * (data["sat"] - 4) - 0.3 * data["competition"]
    data["returned"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    fit = fit_drivers(data, "returned ~ sat * competition", family="logit")
    ax = plots.plot_interaction(fit, focal="sat", moderator="competition")
    m, s = data["competition"].mean(), data["competition"].std(ddof=1)
    expected = [
        f"mean − 1 SD ({m - s:.2f})".replace("-", "−"),
        f"mean ({m:.2f})".replace("-", "−"),
        f"mean + 1 SD ({m + s:.2f})".replace("-", "−"),
    ]
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == expected
    assert legend.get_title().get_text() == "competition"
    # chosen values are shown as they are
    ax = plots.plot_interaction(fit, focal="sat", moderator="competition", at=[0, 1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "competition = 0",
        "competition = 1",
    ]


def test_plot_interaction_on_a_weighted_fit_names_the_weighted_mean_and_sd():
    from cxresearch import fit_drivers

    rng = np.random.default_rng(5)
    n = 300
    data = pd.DataFrame({"sat": rng.normal(4, 1, n), "competition": rng.normal(0, 1, n)})
    data["w"] = np.where(data["competition"] > 0, 3.0, 1.0)  # weights move the mean
    data["y"] = data["sat"] * (1 + 0.3 * data["competition"]) + rng.normal(size=n)
    fit = fit_drivers(data, "y ~ sat * competition", weights="w")
    ax = plots.plot_interaction(fit, focal="sat", moderator="competition")
    x, w = data["competition"].to_numpy(), data["w"].to_numpy()
    m = np.average(x, weights=w)
    s = np.sqrt(np.sum(w * (x - m) ** 2) / (w.sum() - (w**2).sum() / w.sum()))  # by hand
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"mean − 1 SD ({m - s:.2f})".replace("-", "−"),
        f"mean ({m:.2f})".replace("-", "−"),
        f"mean + 1 SD ({m + s:.2f})".replace("-", "−"),
    ]
    plt.close("all")


def test_plot_life_cycle_puts_units_and_profit_on_their_own_axes():
    import cxresearch as cx

    plc = cx.product_life_cycle(market_size=1_000, p=0.03, q=0.38, n_periods=20)
    ax = plots.plot_life_cycle(plc)
    twins = [a for a in ax.figure.axes if a is not ax]
    assert len(twins) == 1
    right = twins[0]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), plc["sales"])
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), plc["profit"])
    assert "nits" in ax.get_ylabel() and "rofit" in right.get_ylabel()
    # the zero of both axes is at the same height
    (a0, a1), (b0, b1) = ax.get_ylim(), right.get_ylim()
    assert -a0 / (a1 - a0) == pytest.approx(-b0 / (b1 - b0))
    # both series fit inside their axis
    assert a0 <= plc["sales"].min() and plc["sales"].max() <= a1
    assert b0 <= plc["profit"].min() and plc["profit"].max() <= b1
    # periods are whole numbers: every tick label is an integer
    ax.figure.canvas.draw()
    labels = [t.get_text().replace("−", "-") for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(float(x).is_integer() for x in labels)
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Units sold (left axis)",
        "Profit (right axis)",
    ]


def test_plot_life_cycle_without_profit_has_one_axis():
    import cxresearch as cx

    ax = plots.plot_life_cycle(cx.product_life_cycle(), profit=None)
    assert len(ax.figure.axes) == 1


def test_plot_consideration_explains_a_rising_mean_at_purchase():
    import cxresearch as cx

    fvj = cx.funnel_vs_journey(n_customers=2_000, n_cycles=1, seed=1)
    funnel = fvj[fvj["model"] == "funnel"].set_index("step")
    # the rise the figure must explain: fewer customers, larger mean among them
    assert funnel.loc[5, "mean_set_size"] > funnel.loc[4, "mean_set_size"]
    assert funnel.loc[5, "reach"] < 1
    ax = plots.plot_consideration(fvj)
    notes = [t.get_text() for t in ax.texts]
    assert len(notes) == 1  # the journey loses (almost) nobody: no note for it
    assert f"only {100 * funnel.loc[5, 'reach']:.0f}% reach the purchase" in notes[0]
    hollow = ax.collections[0].get_offsets()
    np.testing.assert_allclose(hollow[:, 0], funnel.index[funnel["reach"] < 0.99])
    # without a reach column there is nothing to mark
    ax = plots.plot_consideration(fvj.drop(columns="reach"))
    assert len(ax.texts) == 0 and len(ax.collections) == 0


def test_plot_retail_model_draws_the_verhoef_model():
    ax = plots.plot_retail_model()
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 15  # 14 boxes and the "carryover" label
    assert "customer experience\nCX(t)" in texts and "previous experience CX(t-1)" in texts
    assert sum("moderators" in t for t in texts) == 2
    assert not ax.axison
    fig, given = plt.subplots()
    assert plots.plot_retail_model(ax=given) is given


@pytest.mark.parametrize(
    "draw",
    [
        lambda s: plots.plot_nps(s, by="store"),
        lambda s: plots.plot_likert(s, items=["q1", "q2", "q3"]),
        lambda s: plots.plot_retail_model(),
        lambda s: plots.plot_life_cycle(__import__("cxresearch").product_life_cycle()),
        lambda s: plots.plot_consideration(
            __import__("cxresearch").funnel_vs_journey(n_customers=300, n_cycles=1, seed=2)
        ),
    ],
    ids=["nps", "likert", "retail_model", "life_cycle", "consideration"],
)
def test_every_text_is_at_least_9_pt(survey, draw):
    ax = draw(survey)
    sizes = _text_sizes(ax.figure)
    assert sizes and min(sizes) >= 9, sorted(sizes)[:5]
    plt.close("all")


def test_plot_communication_flow_draws_boxes_in_a_row_and_the_bypass():
    from matplotlib.text import Annotation

    steps = ["brand", "mass media", "opinion\nleaders", "followers"]
    ax = plots.plot_communication_flow(
        steps, name="two-step flow", bypass=(1, 3), bypass_label="straight from the media"
    )
    boxes = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert [b.get_text() for b in boxes] == steps
    xs = [b.get_position()[0] for b in boxes]
    np.testing.assert_allclose(xs, np.linspace(0.1, 0.88, 4))  # evenly spaced, left to right
    assert {b.get_position()[1] for b in boxes} == {0.62}
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    assert len(arrows) == 4  # one between neighbours, plus the bypass
    # each solid arrow leaves a box and points at the next one
    for k, arrow in enumerate(arrows[:3]):
        assert arrow.anncoords is boxes[k] and arrow.xycoords is boxes[k + 1]
        assert arrow.arrow_patch.get_linestyle() in {"-", "solid"}
    assert arrows[3].anncoords is boxes[1] and arrows[3].xycoords is boxes[3]
    assert arrows[3].arrow_patch.get_linestyle() in {"--", "dashed"}
    notes = {t.get_text(): t.get_position() for t in ax.texts if t.get_bbox_patch() is None}
    assert notes["two-step flow"] == (-0.02, 0.62)
    assert notes["straight from the media"] == pytest.approx(((xs[1] + xs[3]) / 2, 0.0))
    assert not ax.axison

    fig, given = plt.subplots()
    plain = plots.plot_communication_flow(["brand", "mass media", "customer"], ax=given)
    assert plain is given
    assert sum(isinstance(t, Annotation) for t in plain.texts) == 2  # no bypass, no name
    assert len(plain.texts) == 5
    sizes = _text_sizes(ax.figure)
    assert min(sizes) >= 9


def test_plot_communication_flow_bad_input():
    with pytest.raises(TypeError, match="steps must be a list of strings, got 'brand'"):
        plots.plot_communication_flow("brand")
    with pytest.raises(TypeError, match=r"steps must hold strings, got \[3\]"):
        plots.plot_communication_flow(["brand", 3])
    with pytest.raises(ValueError, match="at least two boxes"):
        plots.plot_communication_flow(["brand"])
    with pytest.raises(ValueError, match=r"bypass must be between 0 and 2, got 3"):
        plots.plot_communication_flow(["a", "b", "c"], bypass=(0, 3))
    with pytest.raises(ValueError, match="bypass must be two positions"):
        plots.plot_communication_flow(["a", "b", "c"], bypass=(0, 1, 2))
    with pytest.raises(ValueError, match="more than once"):
        plots.plot_communication_flow(["a", "b", "c"], bypass=(1, 1))
    with pytest.raises(ValueError, match="bypass_label needs bypass"):
        plots.plot_communication_flow(["a", "b"], bypass_label="direct")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plots.plot_communication_flow(["a", "b"], ax="top")
