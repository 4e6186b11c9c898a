"""Interactive panels for teaching (ipywidgets), each backed by a plain figure function.

An instructor moves a slider and the figure is redrawn from a fresh simulation. Every
panel has a static twin that draws the same figure for fixed values, so a notebook
executed headless (nbval, the HTML course) still shows the idea.

``ipywidgets`` comes with the ``course`` extra; only :func:`moderator_explorer` needs it.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

__all__ = ["moderator_explorer", "moderator_figure"]


def moderator_figure(
    crowding_x_hedonic: float = 0.45,
    carryover: float = 0.4,
    *,
    params: Any = None,
    n_customers: int = 1_500,
    n_periods: int = 8,
    n_paths: int = 5,
    seed: Any = 11,
    axes: Any = None,
):
    """Draw how the crowding x goal moderation and the carryover shape experience.

    Simulates a panel with :func:`cxresearch.simulate_panel` under the given strength of
    the crowding x hedonic-goal moderation and the carryover of last period's experience,
    then draws two panels: mean experience against perceived crowding for each shopping
    goal (the sign flip), and the experience paths of a few customers over time (the
    carryover).

    Parameters
    ----------
    crowding_x_hedonic : float, default 0.45
        How much more (or less) crowding adds to the experience of a hedonic shopper than
        of a utilitarian one (``RetailParams.crowding_x_hedonic``).
    carryover : float, default 0.4
        Share of last period's experience carried into this one
        (``RetailParams.carryover``, in [0, 1)).
    params : RetailParams, optional
        The other parameters (default: ``RetailParams()``).
    n_customers, n_periods : int
        Size of the simulated panel.
    n_paths : int, default 5
        How many customers' paths to draw in the right-hand panel.
    seed : int or numpy.random.Generator, default 11
        Seed of the simulation.
    axes : pair of matplotlib Axes, optional
        Where to draw; a new 1 x 2 figure by default.

    Returns
    -------
    numpy.ndarray of matplotlib Axes
        The two panels.

    Examples
    --------
    >>> axes = moderator_figure(0.8, 0.8, n_customers=300, n_periods=4)
    >>> [ax.get_xlabel() for ax in axes]
    ['perceived crowding (SD units)', 'quarter']
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from .simulate import RetailParams, simulate_panel

    base = RetailParams() if params is None else params
    if not isinstance(base, RetailParams):
        raise TypeError(f"params must be a RetailParams, got {type(base).__name__}.")
    if isinstance(n_paths, bool) or not isinstance(n_paths, numbers.Integral):
        raise TypeError(f"n_paths must be a positive whole number, got {n_paths!r}.")
    if n_paths < 1:
        raise ValueError(f"n_paths must be a positive whole number, got {n_paths!r}.")
    varied = dataclasses.replace(base, crowding_x_hedonic=crowding_x_hedonic, carryover=carryover)
    data = simulate_panel(n_customers, n_periods, params=varied, seed=seed)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    left, right = np.asarray(axes).ravel()
    for goal, group in data.groupby("goal", observed=True):
        bins = pd.qcut(group["crowding"], 8)
        means = group.groupby(bins, observed=True)[["crowding", "cx"]].mean()
        left.plot(means["crowding"], means["cx"], marker="o", label=str(goal))
    left.set_xlabel("perceived crowding (SD units)")
    left.set_ylabel("mean experience (CX)")
    left.legend(title="shopping goal")
    for customer in range(1, min(n_paths, n_customers) + 1):
        one = data[data["customer_id"] == customer]
        right.plot(one["period"], one["cx"], marker="o")
    right.set_xlabel("quarter")
    right.set_ylabel(f"experience (CX), {min(n_paths, n_customers)} customers")
    left.figure.tight_layout()
    return np.asarray([left, right])


def moderator_explorer(*, params: Any = None, n_customers: int = 1_500, seed: Any = 11):
    """Sliders for the crowding x goal moderation and the carryover, with a Draw button.

    Each press of *Draw* simulates a fresh panel and redraws :func:`moderator_figure`.
    The figure is drawn only on request (``manual=True``), so a notebook that displays
    the panel stores nothing that changes from run to run but the widget's id.

    Parameters
    ----------
    params : RetailParams, optional
        The other parameters (default: ``RetailParams()``).
    n_customers : int, default 1500
        Customers per simulated panel (fewer redraws faster).
    seed : int, default 11
        Seed of each simulation: the same slider values always give the same figure.

    Returns
    -------
    ipywidgets.interactive
        Display it (leave it as the last line of a cell).
    """
    try:
        import ipywidgets as widgets
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "moderator_explorer needs ipywidgets; install it with: pip install 'cxresearch[course]'"
        ) from exc
    import matplotlib.pyplot as plt

    def draw(crowding_x_hedonic: float, carryover: float) -> None:
        moderator_figure(
            crowding_x_hedonic, carryover, params=params, n_customers=n_customers, seed=seed
        )
        plt.show()

    return widgets.interactive(
        draw,
        {"manual": True, "manual_name": "Draw"},
        crowding_x_hedonic=widgets.FloatSlider(
            value=0.45, min=-0.5, max=1.0, step=0.05, description="crowding × hedonic"
        ),
        carryover=widgets.FloatSlider(value=0.4, min=0.0, max=0.9, step=0.05),
    )
