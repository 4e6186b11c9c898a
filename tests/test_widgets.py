"""The instructor panels: the static figure draws, the explorer has its two sliders."""

from __future__ import annotations

import pytest

import cxresearch as cx


def test_moderator_figure_draws_both_panels():
    left, right = cx.widgets.moderator_figure(0.8, 0.8, n_customers=200, n_periods=4, n_paths=3)
    assert left.get_xlabel() == "perceived crowding (SD units)"
    assert len(left.get_lines()) == 2  # one line per shopping goal
    assert len(right.get_lines()) == 3  # one path per customer


def test_moderator_figure_rejects_bad_arguments():
    with pytest.raises(TypeError, match="params must be a RetailParams"):
        cx.widgets.moderator_figure(params={"carryover": 0.3}, n_customers=50, n_periods=2)
    with pytest.raises(ValueError, match="n_paths must be a positive whole number"):
        cx.widgets.moderator_figure(n_paths=0, n_customers=50, n_periods=2)
    with pytest.raises(ValueError, match="carryover"):
        cx.widgets.moderator_figure(carryover=1.5, n_customers=50, n_periods=2)


def test_moderator_explorer_offers_two_sliders_and_a_draw_button():
    pytest.importorskip("ipywidgets")
    panel = cx.widgets.moderator_explorer(n_customers=100)
    sliders = [w for w in panel.children if w.__class__.__name__ == "FloatSlider"]
    assert [s.value for s in sliders] == [0.45, 0.4]
    assert any(getattr(w, "description", "") == "Draw" for w in panel.children)
