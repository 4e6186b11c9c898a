"""Figures: one module per topic, next to the module whose results it draws.

* :mod:`~cxresearch.plots.metrics` -- NPS bars, diverging Likert charts, item correlations
  (:mod:`cxresearch.metrics`, :mod:`cxresearch.reliability`);
* :mod:`~cxresearch.plots.models` -- interactions, Johnson-Neyman, importance-performance
  (:mod:`cxresearch.models`, :mod:`cxresearch.keydrivers`);
* :mod:`~cxresearch.plots.journey` -- journey maps and consideration sets
  (:mod:`cxresearch.journey`);
* :mod:`~cxresearch.plots.value` -- customer pyramid, profit concentration, product life
  cycle (:mod:`cxresearch.value`);
* :mod:`~cxresearch.plots.diagrams` -- the retail CX model and the flow of a brand's
  message to customers, as boxes and arrows (:mod:`cxresearch.simulate`).

Every figure is also ``cx.plots.<name>`` and ``cx.<name>``. Each draws on ``ax`` (a new
figure when ``ax=None``) and returns the Axes; no titles (the caption is the notebook's
job) and no ``plt.show()``. :func:`~cxresearch.plots.style.use_course_style` sets the
course's figure style once per notebook (figures sized for the book's column). matplotlib and seaborn are imported inside the functions, so
``import cxresearch`` stays cheap.
"""

from __future__ import annotations

from .diagrams import plot_communication_flow, plot_retail_model
from .journey import plot_consideration, plot_journey_map
from .metrics import plot_item_correlations, plot_likert, plot_nps
from .models import plot_importance_performance, plot_interaction, plot_johnson_neyman
from .pls import plot_pls_ipma, plot_pls_slopes
from .style import use_course_style
from .value import plot_life_cycle, plot_profit_concentration, plot_pyramid

__all__ = [
    "plot_communication_flow",
    "plot_consideration",
    "plot_importance_performance",
    "plot_interaction",
    "plot_item_correlations",
    "plot_johnson_neyman",
    "plot_journey_map",
    "plot_life_cycle",
    "plot_likert",
    "plot_nps",
    "plot_pls_ipma",
    "plot_pls_slopes",
    "plot_profit_concentration",
    "plot_pyramid",
    "plot_retail_model",
    "use_course_style",
]
