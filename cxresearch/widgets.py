"""Interactive panels for teaching (ipywidgets), each backed by a plain figure function.

An instructor moves a slider and the figure is redrawn from a fresh simulation. Every
panel has a static twin that draws the same figure for fixed values, so a notebook
executed headless (nbval, the HTML course) still shows the idea.

Two panels: :func:`moderator_explorer` / :func:`moderator_figure` (the crowding x goal
moderation and the carryover) and :func:`situation_explorer` / :func:`situation_figure`
(the situation moderators of Verhoef et al. 2009 -- store type, location, culture,
season, economic climate, competition -- and the price-quality inference, each changing
the weight of one determinant).

``ipywidgets`` comes with the ``course`` extra; only the two explorers need it.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where it is used: the module stays cheap
    import numpy as np

__all__ = [
    "SITUATION_PATHS",
    "moderator_explorer",
    "moderator_figure",
    "situation_explorer",
    "situation_figure",
]


def moderator_figure(
    crowding_x_hedonic: float = 0.45,
    carryover: float = 0.4,
    *,
    params: Any = None,
    n_customers: int = 1_500,
    n_periods: int = 8,
    n_paths: int = 5,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 11,
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
        How many customers' paths to draw in the second (lower) panel.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 11
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
        _, axes = plt.subplots(2, 1, figsize=(7.5, 6.6))
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


def moderator_explorer(
    *,
    params: Any = None,
    n_customers: int = 1_500,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 11,
):
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
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 11
        Seed of each simulation: with an int or a ``SeedSequence`` the same slider
        values always give the same figure; a Generator goes on with its stream at each
        press of *Draw*.

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

    from . import _validate as v

    v.make_rng(seed)  # a bad seed fails now, not at the first press of Draw

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


#: The situation moderators of Verhoef et al. (2009) in the simulator, plus the
#: price-quality inference: for each, the determinant whose weight it changes, the panel
#: column, and the RetailParams field that :func:`situation_figure`'s ``strength`` sets.
SITUATION_PATHS: dict[str, tuple[str, str, str]] = {
    "store type": ("atmosphere", "store_type", "atmosphere_x_specialty"),
    "location": ("crowding", "location", "crowding_x_city_centre"),
    "culture (region)": ("service", "region", "service_x_south"),
    "season": ("crowding", "season", "crowding_x_winter"),
    "economic climate": ("price", "economy", "price_x_poor_economy"),
    "competition": ("price", "competition", "price_x_competition"),
    "prior expectation (price-quality)": (
        "price",
        "prior_expectation",
        "price_x_prior_expectation",
    ),
}


def _true_slopes(p: Any, data: Any, determinant: str) -> Any:
    """The true weight of ``determinant`` in each visit's CX (every moderator included)."""
    import numpy as np

    def lookup(column: str, values: dict[str, float]) -> Any:
        return data[column].astype(str).map(values).fillna(0.0).to_numpy(float)

    num = {c: data[c].to_numpy(float) for c in ["age", "tech_readiness", "price_consciousness"]}
    if determinant == "crowding":
        return (
            p.crowding_weight
            + p.crowding_x_hedonic * (data["goal"] == "hedonic").to_numpy(float)
            + lookup(
                "location", {"city_centre": p.crowding_x_city_centre, "mall": p.crowding_x_mall}
            )
            + p.crowding_x_winter * (data["season"] == "winter").to_numpy(float)
        )
    if determinant == "service":
        return (
            p.service_weight
            + p.service_x_age * (num["age"] - 45) / 10
            + p.service_x_tech_readiness * num["tech_readiness"]
            + lookup(
                "region",
                {"south": p.service_x_south, "east": p.service_x_east, "west": p.service_x_west},
            )
        )
    if determinant == "atmosphere":
        return p.atmosphere_weight + lookup(
            "store_type",
            {
                "supermarket": p.atmosphere_x_supermarket,
                "department": p.atmosphere_x_department,
                "specialty": p.atmosphere_x_specialty,
            },
        )
    return (  # price
        p.price_weight
        + p.price_x_price_consciousness * num["price_consciousness"]
        + p.price_x_poor_economy * (data["economy"] == "poor").to_numpy(float)
        + p.price_x_competition * data["competition"].to_numpy(float)
        + p.price_x_prior_expectation * data["prior_expectation"].to_numpy(float)
        + np.zeros(len(data))
    )


def _slopes_by_level(data: Any, determinant: str, column: str, true: Any) -> Any:
    """Per level of ``column`` (thirds of a numeric one): the estimated average slope of CX
    on the determinant and the mean true slope of the visits in that level.

    The estimate comes from the whole model (:data:`CX_FORMULA`, every moderator of every
    determinant, standard errors clustered by customer), as the derivative of the fitted
    CX with respect to the determinant averaged over the visits of the level, with its
    delta-method interval. A short regression within each level, which leaves out the
    other determinants' moderators and the expectation terms, gave estimates below the
    truth for price and service and intervals that missed it (issue 24).
    """
    import numpy as np
    import pandas as pd

    from . import _design
    from .simulate import CX_FORMULA

    # a short panel misses some seasons: unused categories would give all-zero columns
    data = data.assign(
        **{
            c: data[c].cat.remove_unused_categories()
            for c in data.columns
            if isinstance(data[c].dtype, pd.CategoricalDtype)
        }
    )
    import warnings

    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import SingularMatrixWarning

    with warnings.catch_warnings():
        # a small simulated chain can confound two store-level dummies (economy following
        # region); the slope of a determinant is still estimable, so the pseudo-inverse
        # fit is used as it is (cx.fit_drivers would rightly refuse such a design)
        warnings.filterwarnings(
            "ignore", "The design matrix is rank-deficient", SingularMatrixWarning
        )
        fit = smf.ols(CX_FORMULA, data).fit(
            cov_type="cluster", cov_kwds={"groups": data["customer_id"].to_numpy()}
        )
    model = fit.model
    b, cov = fit.params.to_numpy(), fit.cov_params().to_numpy()
    shifted = data.assign(**{determinant: data[determinant] + 1.0})
    # CX_FORMULA is linear in each determinant: one unit more is the exact derivative
    step = _design.design_rows(model, shifted, data) - _design.design_rows(model, data.copy(), data)
    group = data[column]
    if not isinstance(group.dtype, pd.CategoricalDtype):
        group = pd.qcut(group, 3, labels=["low third", "middle third", "high third"])
    rows = []
    for level, part in data.groupby(group, observed=True):
        gradient = step[data.index.get_indexer(part.index)].mean(axis=0)
        estimate = float(gradient @ b)
        half = 1.959963984540054 * float(np.sqrt(gradient @ cov @ gradient))
        rows.append(
            {
                "level": str(level),
                "estimate": estimate,
                "ci_low": estimate - half,
                "ci_high": estimate + half,
                "true": float(np.mean(true[part.index.to_numpy()])),
                "n": len(part),
            }
        )
    return pd.DataFrame(rows)


def situation_figure(
    moderator: str = "location",
    strength: float | None = None,
    *,
    params: Any = None,
    n_customers: int = 2_000,
    n_periods: int = 8,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 11,
    ax: Any = None,
):
    """Draw how a situation moderator changes the weight of its determinant.

    Simulates a panel with :func:`cxresearch.simulate_panel` in which the moderation of
    ``moderator`` (see :data:`SITUATION_PATHS`) has the given ``strength``, then draws,
    for each level of the moderator (thirds of a numeric one), the estimated slope of
    experience on the determinant with its 95% interval (from the whole retail model,
    :data:`cxresearch.CX_FORMULA`, with standard errors clustered by customer: the slope
    averaged over the visits of the level), next to the true slope averaged over the same
    visits (crosses: every moderator of the determinant included, e.g. the shopping goal
    for crowding).

    Parameters
    ----------
    moderator : str, default "location"
        One of the keys of :data:`SITUATION_PATHS`: ``"store type"``, ``"location"``,
        ``"culture (region)"``, ``"season"``, ``"economic climate"``,
        ``"competition"``, ``"prior expectation (price-quality)"``.
    strength : float, optional
        Value of the moderation parameter (``SITUATION_PATHS[moderator][2]``, e.g.
        ``crowding_x_city_centre``). Default: its value in ``params``.
    params : RetailParams, optional
        The other parameters (default ``RetailParams()``).
    n_customers, n_periods : int
        Size of the simulated panel.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 11
        Seed of the simulation.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = situation_figure("season", 0.6, n_customers=400, n_periods=4)
    >>> ax.get_ylabel()
    'slope of CX on crowding'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from .simulate import RetailParams, simulate_panel

    if not isinstance(moderator, str) or moderator not in SITUATION_PATHS:
        raise ValueError(
            f"moderator must be one of {', '.join(map(repr, SITUATION_PATHS))}, got {moderator!r}."
        )
    base = RetailParams() if params is None else params
    if not isinstance(base, RetailParams):
        raise TypeError(f"params must be a RetailParams, got {type(base).__name__}.")
    determinant, column, parameter = SITUATION_PATHS[moderator]
    if strength is not None:
        base = dataclasses.replace(base, **{parameter: strength})
    data = simulate_panel(n_customers, n_periods, params=base, seed=seed)
    table = _slopes_by_level(data, determinant, column, _true_slopes(base, data, determinant))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    x = np.arange(len(table))
    err = np.vstack([table["estimate"] - table["ci_low"], table["ci_high"] - table["estimate"]])
    ax.errorbar(x, table["estimate"], yerr=err, fmt="o", capsize=4, label="estimated (95% CI)")
    ax.scatter(x, table["true"], marker="x", s=70, color="black", zorder=3, label="true (mean)")
    ax.axhline(0, color="grey", linewidth=0.8)
    # long level names lean so that they do not run into each other in a narrow panel
    lean = {"rotation": 20, "ha": "right"} if len(table) > 3 else {}
    ax.set_xticks(x, table["level"], **lean)
    ax.set_xlabel(f"{moderator}\n({parameter} = {getattr(base, parameter):g})")
    ax.set_ylabel(f"slope of CX on {determinant}")
    ax.legend(loc="best", fontsize="small")
    ax.figure.tight_layout()
    return ax


def situation_explorer(
    *,
    params: Any = None,
    n_customers: int = 2_000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 11,
):
    """A moderator menu and a strength slider for :func:`situation_figure`, with a Draw button.

    Pick a situation moderator (store type, location, culture, season, economic
    climate, competition, or the price-quality inference of a high prior expectation),
    set the strength of its moderation and press *Draw*: a fresh panel is simulated and
    the slope of the determinant in each level is drawn next to the truth.

    Parameters
    ----------
    params : RetailParams, optional
        The other parameters (default: ``RetailParams()``).
    n_customers : int, default 2000
        Customers per simulated panel.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, default 11
        Seed of each simulation, as in :func:`moderator_explorer`.

    Returns
    -------
    ipywidgets.interactive
        Display it (leave it as the last line of a cell).
    """
    try:
        import ipywidgets as widgets
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "situation_explorer needs ipywidgets; install it with: pip install 'cxresearch[course]'"
        ) from exc
    import matplotlib.pyplot as plt

    from . import _validate as v

    v.make_rng(seed)  # a bad seed fails now, not at the first press of Draw

    def draw(moderator: str, strength: float) -> None:
        situation_figure(moderator, strength, params=params, n_customers=n_customers, seed=seed)
        plt.show()

    return widgets.interactive(
        draw,
        {"manual": True, "manual_name": "Draw"},
        moderator=widgets.Dropdown(options=list(SITUATION_PATHS), value="location"),
        strength=widgets.FloatSlider(
            value=-0.10, min=-0.6, max=0.6, step=0.05, description="moderation"
        ),
    )
