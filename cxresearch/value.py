"""Customer value: the customer pyramid, the lifecycle, customer lifetime value, CX in money.

- The customer pyramid (Zeithaml, Rust & Lemon 2001): :func:`assign_tiers` sorts
  customers into profitability tiers by rules the user sets, :func:`customer_pyramid`
  compares each tier's share of customers with its share of profit,
  :func:`profit_concentration` gives the Lorenz-style (whale) curve and
  :func:`tier_migration` the movement between tiers from one period to the next.
- The customer lifecycle: :func:`lifecycle_funnel` (reach -> acquisition ->
  retention with rates, from data) and :func:`project_customers` (the same rates
  played forward in time).
- Customer lifetime value: :func:`clv` (closed form), :func:`simulate_clv` (Monte
  Carlo, agreeing with it), :func:`retention_vs_acquisition` (the value of keeping
  customers against winning more) and :func:`cx_to_money` (a CX-driven change in
  retention or spend -> revenue, CLV, customer equity and ROI).
- The product life cycle: :func:`product_life_cycle` (Bass 1969 diffusion with the
  stages development, introduction, growth, maturity, decline).

CLV convention used throughout (unless ``timing="start"`` is passed): a customer
acquired now pays margin ``m`` at the *end* of each period they are still a customer;
they stay from one period to the next with probability ``r`` (retention); money is
discounted at rate ``d`` per period. Then ``CLV = m r / (1 + d - r)`` (Gupta &
Lehmann 2003). With ``timing="start"`` the margin is also earned now, at the start of
each period: ``CLV = m (1 + d) / (1 + d - r)`` - the ``end`` value plus ``m``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "DEFAULT_TIER_SHARES",
    "LIFE_CYCLE_STAGES",
    "TIERS",
    "assign_tiers",
    "clv",
    "customer_pyramid",
    "cx_to_money",
    "lifecycle_funnel",
    "product_life_cycle",
    "profit_concentration",
    "project_customers",
    "retention_and_spend",
    "retention_vs_acquisition",
    "simulate_clv",
    "tier_migration",
]

#: Default tier names, most profitable first. Zeithaml, Rust & Lemon (2001) used four
#: tiers (platinum, gold, iron, lead); the course material uses five (platinum, gold,
#: silver, bronze/iron, lead/tin). Pass your own ``tiers`` to use other names.
TIERS: tuple[str, ...] = ("platinum", "gold", "silver", "iron", "lead")

#: Default shares of customers per tier for ``rule="quantile"`` (top 5% platinum, next
#: 15% gold, 30% silver, 30% iron, bottom 20% lead): an illustration, not a standard.
DEFAULT_TIER_SHARES: tuple[float, ...] = (0.05, 0.15, 0.30, 0.30, 0.20)

#: Stages of the product life cycle, in order.
LIFE_CYCLE_STAGES: tuple[str, ...] = (
    "development",
    "introduction",
    "growth",
    "maturity",
    "decline",
)

_TIMINGS = ("end", "start")
_TOL = 1e-9


# --------------------------------------------------------------------------- helpers


def _horizon(horizon: Any) -> int | None:
    if horizon is None:
        return None
    return v.check_positive_int(horizon, "horizon")


def _scalar_or_array(x: np.ndarray) -> float | np.ndarray:
    return float(x) if x.ndim == 0 else x


# ---------------------------------------------------------------- customer pyramid


def _check_tiers(tiers: Any) -> list[str]:
    if isinstance(tiers, str) or not isinstance(tiers, Sequence) or len(tiers) < 2:
        raise TypeError(f"tiers must be a list of at least two tier names, got {tiers!r}.")
    tiers = list(tiers)
    if len(set(tiers)) != len(tiers):
        raise ValueError(f"tiers lists a name more than once: {tiers!r}.")
    return tiers


def assign_tiers(
    data: pd.DataFrame,
    *,
    profit: Hashable = "profit",
    rule: str = "quantile",
    cuts: Sequence[float] | None = None,
    tiers: Sequence[str] = TIERS,
    name: str = "tier",
) -> pd.DataFrame:
    """Sort customers into profitability tiers (the customer pyramid).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer.
    profit : str, default "profit"
        Column with each customer's profit (may be negative).
    rule : {"quantile", "threshold"}, default "quantile"
        How to cut the tiers:

        - ``"quantile"``: ``cuts`` are the shares of customers in each tier, most
          profitable first, summing to 1 (default :data:`DEFAULT_TIER_SHARES` for the
          default tiers, otherwise equal shares);
        - ``"threshold"``: ``cuts`` are ``len(tiers) - 1`` profit thresholds in
          decreasing order; a customer with profit ``>= cuts[0]`` is in the first tier,
          ``>= cuts[1]`` in the second, and so on; the rest are in the last tier.
    cuts : sequence of float, optional
        See ``rule``. Required for ``rule="threshold"``.
    tiers : sequence of str, default :data:`TIERS`
        Tier names, most profitable first.
    name : str, default "tier"
        Name of the new column.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with a categorical column ``name`` whose categories are
        ``tiers`` in order (the input is not modified).

    Notes
    -----
    Quantile rule: customers are ranked by profit, highest first (ties keep row
    order). Customer ``i`` of ``n`` with rank ``k`` goes to the first tier whose
    cumulative share exceeds ``(k - 1/2) / n``, so each tier gets its share of
    customers up to rounding.

    References
    ----------
    Zeithaml, V. A., Rust, R. T., & Lemon, K. N. (2001). The customer pyramid: Creating
    and serving profitable customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> customers = pd.DataFrame({"profit": [500, -20, 40, 120, 10, 60, 5, 300, -5, 20]})
    >>> out = cv.assign_tiers(customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3])
    >>> out["tier"].tolist()
    ['gold', 'lead', 'silver', 'silver', 'silver', 'silver', 'lead', 'gold', 'lead', 'silver']
    >>> cv.assign_tiers(
    ...     customers, rule="threshold", cuts=[100, 0], tiers=["gold", "silver", "lead"]
    ... )["tier"].tolist()
    ['gold', 'lead', 'silver', 'gold', 'silver', 'silver', 'silver', 'gold', 'lead', 'silver']
    """
    data = v.check_dataframe(data)
    v.check_columns(data, profit, "profit")
    v.check_numeric(data, [profit], "profit")
    v.check_no_missing(data, [profit], "profit")
    tiers = _check_tiers(tiers)
    v.check_one_of(rule, ("quantile", "threshold"), "rule")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r}.")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one customer is needed.")
    x = data[profit].to_numpy(dtype=float)
    k = len(tiers)
    if cuts is not None and (isinstance(cuts, str) or not isinstance(cuts, Sequence | np.ndarray)):
        raise TypeError(f"cuts must be a list of numbers, got {cuts!r}.")
    if rule == "quantile":
        if cuts is None:
            cuts = DEFAULT_TIER_SHARES if tiers == list(TIERS) else [1 / k] * k
        shares = v.check_number_array(list(cuts), "cuts", low=0.0, high=1.0)
        if shares.size != k:
            raise ValueError(
                f"cuts: rule='quantile' needs one share per tier ({k}), got {shares.size}."
            )
        if abs(shares.sum() - 1) > 1e-6:
            raise ValueError(f"cuts: the shares must sum to 1, got {shares.sum():.6g}.")
        n = x.size
        order = np.argsort(-x, kind="stable")
        rank = np.empty(n, dtype=int)
        rank[order] = np.arange(1, n + 1)
        cum = np.cumsum(shares)
        cum[-1] = np.inf
        idx = np.searchsorted(cum, (rank - 0.5) / n, side="right")
    else:
        if cuts is None:
            raise ValueError(
                f"cuts: rule='threshold' needs {k - 1} profit thresholds, highest first."
            )
        thr = v.check_number_array(list(cuts), "cuts")
        if thr.size != k - 1:
            raise ValueError(
                f"cuts: rule='threshold' needs {k - 1} thresholds for {k} tiers, got {thr.size}."
            )
        if (np.diff(thr) >= 0).any():
            raise ValueError(f"cuts: thresholds must decrease strictly, got {list(cuts)!r}.")
        idx = (x[:, None] < thr[None, :]).sum(axis=1)
    out = data.copy()
    out[name] = pd.Categorical.from_codes(idx, categories=tiers)
    return out


def customer_pyramid(
    data: pd.DataFrame,
    *,
    profit: Hashable = "profit",
    tier: Hashable | None = None,
    rule: str = "quantile",
    cuts: Sequence[float] | None = None,
    tiers: Sequence[str] = TIERS,
) -> pd.DataFrame:
    """Share of customers against share of profit, tier by tier.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer.
    profit : str, default "profit"
        Column with each customer's profit.
    tier : str, optional
        Column that already holds the tiers. If omitted, tiers are assigned with
        :func:`assign_tiers` using ``rule``, ``cuts`` and ``tiers``.
    rule, cuts, tiers
        As in :func:`assign_tiers` (ignored when ``tier`` is given, except that
        ``tier`` categories, if categorical, set the order).

    Returns
    -------
    pandas.DataFrame
        One row per tier, top first: ``tier``, ``n_customers``, ``share_of_customers``,
        ``total_profit``, ``share_of_profit``, ``mean_profit``, and the cumulative
        ``cum_share_of_customers`` and ``cum_share_of_profit``.

    Notes
    -----
    ``share_of_profit`` is the tier's profit over the total profit; when some tiers
    lose money the top tiers' shares add up to more than 1 (the "whale curve").

    References
    ----------
    Zeithaml, V. A., Rust, R. T., & Lemon, K. N. (2001). The customer pyramid: Creating
    and serving profitable customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> customers = pd.DataFrame({"profit": [500, -20, 40, 120, 10, 60, 5, 300, -5, 20]})
    >>> res = cv.customer_pyramid(customers, tiers=["gold", "silver", "lead"], cuts=[0.2, 0.5, 0.3])
    >>> print(res.iloc[:, :6].to_string(index=False))
      tier  n_customers  share_of_customers  total_profit  share_of_profit  mean_profit
      gold            2                 0.2         800.0         0.776699   400.000000
    silver            5                 0.5         250.0         0.242718    50.000000
      lead            3                 0.3         -20.0        -0.019417    -6.666667
    """
    data = v.check_dataframe(data)
    v.check_columns(data, profit, "profit")
    v.check_numeric(data, [profit], "profit")
    v.check_no_missing(data, [profit], "profit")
    if tier is None:
        data = assign_tiers(data, profit=profit, rule=rule, cuts=cuts, tiers=tiers, name="_tier")
        tier = "_tier"
    else:
        v.check_columns(data, tier, "tier")
        v.check_no_missing(data, [tier], "tier")
    col = data[tier]
    if isinstance(col.dtype, pd.CategoricalDtype):
        levels = list(col.cat.categories)
    else:
        means = data.groupby(tier)[profit].mean().sort_values(ascending=False)
        levels = list(means.index)
    total = float(data[profit].sum())
    if total <= 0:
        raise ValueError(
            f"profit: the total profit is {total:g}; shares of profit need a positive total."
        )
    x = data[profit].to_numpy(dtype=float)
    lab = col.to_numpy()
    rows = []
    for level in levels:
        m = lab == level
        nk = int(m.sum())
        rows.append(
            {
                "tier": level,
                "n_customers": nk,
                "share_of_customers": nk / len(data),
                "total_profit": float(x[m].sum()),
                "share_of_profit": float(x[m].sum()) / total,
                "mean_profit": float(x[m].mean()) if nk else np.nan,
            }
        )
    out = pd.DataFrame.from_records(rows)
    out["cum_share_of_customers"] = out["share_of_customers"].cumsum()
    out["cum_share_of_profit"] = out["share_of_profit"].cumsum()
    return out


def profit_concentration(data: pd.DataFrame, *, profit: Hashable = "profit") -> pd.DataFrame:
    """The cumulative share of profit against the cumulative share of customers.

    Customers are sorted from most to least profitable, so the curve rises steeply
    first (a Lorenz curve read from the top). If some customers lose money, it peaks
    above 1 and falls back to 1: the "whale curve" of customer profitability.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer.
    profit : str, default "profit"
        Column with each customer's profit; the total must be positive.

    Returns
    -------
    pandas.DataFrame
        One row per customer, most profitable first: ``rank`` (1 = most profitable),
        ``profit``, ``share_of_customers`` (``rank / n``) and ``share_of_profit``
        (cumulative profit over total profit).

    References
    ----------
    Kaplan, R. S., & Cooper, R. (1998). *Cost & Effect*. Harvard Business School Press.

    Zeithaml, V. A., Rust, R. T., & Lemon, K. N. (2001). The customer pyramid: Creating
    and serving profitable customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> customers = pd.DataFrame({"profit": [10, 60, -10, 30, 10]})
    >>> print(cv.profit_concentration(customers).to_string(index=False))
     rank  profit  share_of_customers  share_of_profit
        1      60                 0.2              0.6
        2      30                 0.4              0.9
        3      10                 0.6              1.0
        4      10                 0.8              1.1
        5     -10                 1.0              1.0
    """
    data = v.check_dataframe(data)
    v.check_columns(data, profit, "profit")
    v.check_numeric(data, [profit], "profit")
    v.check_no_missing(data, [profit], "profit")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one customer is needed.")
    x = data[profit].to_numpy()
    total = float(x.sum())
    if total <= 0:
        raise ValueError(
            f"profit: the total profit is {total:g}; shares of profit need a positive total."
        )
    # rank on floats: negating a compact integer column (uint8, int8 ...) wraps around
    xs = x[np.argsort(-x.astype(float), kind="stable")]
    n = xs.size
    return pd.DataFrame(
        {
            "rank": np.arange(1, n + 1),
            "profit": xs,
            "share_of_customers": np.arange(1, n + 1) / n,
            "share_of_profit": np.cumsum(xs.astype(float)) / total,
        }
    )


def tier_migration(
    data: pd.DataFrame,
    *,
    customer: Hashable = "customer_id",
    period: Hashable = "period",
    tier: Hashable = "tier",
    normalize: bool = True,
) -> pd.DataFrame:
    """Migration between tiers from each period to the next (a transition matrix).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer and period, with the customer's tier in that period.
    customer, period, tier : str
        Column names. Periods are sorted; each period is compared with the next one.
    normalize : bool, default True
        Rows as shares (each row sums to 1: a transition matrix usable with
        :func:`cxresearch.journey.stationary_distribution`) or counts.

    Returns
    -------
    pandas.DataFrame
        Rows ``from_tier``, columns ``to_tier``. A customer present in a period but
        not the next moves to ``"lost"``; one present in a period but not the one
        before comes ``"new"``; these row/column appear only when they occur. The
        number of moves counted is the sum of the table with ``normalize=False``
        (nothing is kept in ``DataFrame.attrs``).

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> panel = pd.DataFrame(
    ...     {
    ...         "customer_id": [1, 1, 2, 2, 3, 3, 4, 4],
    ...         "period": [1, 2] * 4,
    ...         "tier": ["gold", "gold", "gold", "lead", "lead", "lead", "lead", "gold"],
    ...     }
    ... )
    >>> cv.tier_migration(panel)  # doctest: +NORMALIZE_WHITESPACE
    to_tier    gold  lead
    from_tier
    gold        0.5   0.5
    lead        0.5   0.5
    """
    data = v.check_dataframe(data)
    for arg, col in (("customer", customer), ("period", period), ("tier", tier)):
        v.check_columns(data, col, arg)
    v.check_no_missing(data, [customer, period, tier], "data")
    normalize = v.check_bool(normalize, "normalize")
    if data.duplicated([customer, period]).any():
        dup = data.loc[data.duplicated([customer, period]), [customer, period]].iloc[0]
        raise ValueError(
            f"data: customer {dup[customer]!r} has more than one row in period "
            f"{dup[period]!r}; each customer needs one tier per period."
        )
    periods = sorted(data[period].unique())
    if len(periods) < 2:
        raise ValueError(f"period: need at least two periods to compare, got {periods!r}.")
    col = data[tier]
    if isinstance(col.dtype, pd.CategoricalDtype):
        levels = list(col.cat.categories)
    else:
        present = list(pd.unique(col))
        levels = [t for t in TIERS if t in present] + sorted(
            (t for t in present if t not in TIERS), key=str
        )
    by_period = {p: data.loc[data[period] == p].set_index(customer)[tier] for p in periods}
    pairs = []
    for a, b in zip(periods[:-1], periods[1:], strict=True):
        sa, sb = by_period[a], by_period[b]
        ids = sa.index.union(sb.index)
        frm = sa.reindex(ids).astype(object).where(sa.reindex(ids).notna(), "new")
        to = sb.reindex(ids).astype(object).where(sb.reindex(ids).notna(), "lost")
        pairs.append(pd.DataFrame({"from_tier": frm.to_numpy(), "to_tier": to.to_numpy()}))
    moves = pd.concat(pairs, ignore_index=True)
    rows = levels + (["new"] if (moves["from_tier"] == "new").any() else [])
    cols = levels + (["lost"] if (moves["to_tier"] == "lost").any() else [])
    table = pd.crosstab(moves["from_tier"], moves["to_tier"]).reindex(
        index=rows, columns=cols, fill_value=0
    )
    table.index.name, table.columns.name = "from_tier", "to_tier"
    if normalize:
        sums = table.sum(axis=1)
        table = table.div(sums.where(sums > 0), axis=0)
    return table


# ------------------------------------------------------------------------- lifecycle


def lifecycle_funnel(
    data: pd.DataFrame, *, stages: Sequence[Hashable] = ("reached", "acquired", "retained")
) -> pd.DataFrame:
    """The customer lifecycle as a funnel: how many reach each stage, and the rates between.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (prospect or customer).
    stages : sequence of str, default ("reached", "acquired", "retained")
        True/False (or 1/0) columns, one per stage, in order; a person can only be in a
        stage if they are in all the stages before it.

    Returns
    -------
    pandas.DataFrame
        One row per stage: ``stage``, ``n``, ``share_of_total`` (of all rows) and
        ``rate`` (conversion from the previous stage; for the first, from all rows).

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> people = pd.DataFrame(
    ...     {
    ...         "reached": [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
    ...         "acquired": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    ...         "retained": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    ...     }
    ... )
    >>> print(cv.lifecycle_funnel(people).to_string(index=False))
       stage  n  share_of_total  rate
     reached  8             0.8  0.80
    acquired  4             0.4  0.50
    retained  3             0.3  0.75
    """
    data = v.check_dataframe(data)
    if isinstance(stages, str) or not isinstance(stages, Sequence) or not stages:
        raise TypeError(f"stages must be a list of column names, got {stages!r}.")
    cols = v.check_columns(data, list(stages), "stages")
    v.check_no_missing(data, cols, "stages")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one person is needed.")
    flags = []
    for col in cols:
        x = data[col]
        if pd.api.types.is_bool_dtype(x.dtype):
            flags.append(x.to_numpy(dtype=bool))
            continue
        if not pd.api.types.is_numeric_dtype(x.dtype) or not x.isin([0, 1]).all():
            bad = x[~x.isin([0, 1, True, False])].unique()
            raise ValueError(
                f"stages: column {col!r} must hold True/False or 1/0, found {v.format_values(bad)}."
            )
        flags.append(x.to_numpy() == 1)
    for prev, cur, a, b in zip(flags[:-1], flags[1:], cols[:-1], cols[1:], strict=True):
        bad = cur & ~prev
        if bad.any():
            raise ValueError(
                f"stages: {int(bad.sum())} row(s) are in stage {b!r} but not in the stage "
                f"before it, {a!r} (rows {v.format_values(data.index[bad])})."
            )
    n_total = len(data)
    counts = [int(f.sum()) for f in flags]
    prev_counts = [n_total, *counts[:-1]]
    return pd.DataFrame(
        {
            "stage": cols,
            "n": counts,
            "share_of_total": [c / n_total for c in counts],
            "rate": [c / p if p else np.nan for c, p in zip(counts, prev_counts, strict=True)],
        }
    )


def project_customers(
    *,
    market_size: float,
    reach_rate: float,
    acquisition_rate: float,
    retention_rate: float,
    n_periods: int = 10,
    customers: float = 0.0,
) -> pd.DataFrame:
    """Play the lifecycle rates forward: prospects reached, acquired, retained, lost.

    Each period a share ``reach_rate`` of the remaining prospects is reached, a share
    ``acquisition_rate`` of those becomes a customer, and a share ``retention_rate``
    of last period's customers stays. Lost customers do not come back.

    Parameters
    ----------
    market_size : float
        Prospects at the start (not yet customers).
    reach_rate, acquisition_rate, retention_rate : float
        Rates in [0, 1].
    n_periods : int, default 10
        Number of periods.
    customers : float, default 0
        Customers at the start.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period`` (1, 2, ...), ``prospects`` (at the start),
        ``reached``, ``acquired``, ``retained``, ``lost`` and ``customers`` (at the end
        = retained + acquired). Expected numbers, not rounded.

    Notes
    -----
    ``acquired_t = a * s * prospects_{t-1}``, ``retained_t = r * customers_{t-1}``,
    ``customers_t = retained_t + acquired_t``; in the long run, with a fixed inflow
    ``A`` of new customers, ``customers -> A / (1 - r)``: the customer base is the
    inflow times the expected lifetime ``1 / (1 - r)``.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> res = cv.project_customers(
    ...     market_size=1000, reach_rate=0.5, acquisition_rate=0.2, retention_rate=0.8, n_periods=3
    ... )
    >>> print(res.round(1).to_string(index=False))
     period  prospects  reached  acquired  retained  lost  customers
          1     1000.0    500.0     100.0       0.0   0.0      100.0
          2      900.0    450.0      90.0      80.0  20.0      170.0
          3      810.0    405.0      81.0     136.0  34.0      217.0
    """
    market_size = v.check_number(market_size, "market_size", low=0)
    s = v.check_number(reach_rate, "reach_rate", low=0, high=1)
    a = v.check_number(acquisition_rate, "acquisition_rate", low=0, high=1)
    r = v.check_number(retention_rate, "retention_rate", low=0, high=1)
    n_periods = v.check_positive_int(n_periods, "n_periods")
    cust = v.check_number(customers, "customers", low=0)
    prospects = market_size
    rows = []
    for t in range(1, n_periods + 1):
        reached = s * prospects
        acquired = a * reached
        retained = r * cust
        rows.append(
            {
                "period": t,
                "prospects": prospects,
                "reached": reached,
                "acquired": acquired,
                "retained": retained,
                "lost": cust - retained,
                "customers": retained + acquired,
            }
        )
        prospects -= acquired
        cust = retained + acquired
    return pd.DataFrame.from_records(rows)


# ----------------------------------------------------------------------------- CLV


def clv(
    margin: Any,
    retention: Any,
    discount: Any,
    *,
    timing: str = "end",
    horizon: int | None = None,
) -> float | np.ndarray:
    """Customer lifetime value from margin, retention and discount rate (closed form).

    Parameters
    ----------
    margin : float or array-like
        Margin (profit contribution) per customer per period; may be negative.
    retention : float or array-like
        Probability in [0, 1] that a customer stays from one period to the next.
    discount : float or array-like
        Discount rate per period, ``>= 0``.
    timing : {"end", "start"}, default "end"
        ``"end"``: margins are paid at the end of each period the customer is still
        there (the first one after one period, if retained) - the convention of Gupta
        & Lehmann (2003). ``"start"``: the margin of the current period is paid now
        as well (a newly acquired customer who pays at once); this adds ``margin``.
    horizon : int, optional
        Number of periods counted; ``None`` (default) = infinite horizon.

    Returns
    -------
    float or numpy.ndarray
        The CLV; an array when any input is an array (inputs broadcast).

    Notes
    -----
    With ``q = r / (1 + d)``:

    - ``timing="end"``: ``CLV = m sum_{t=1}^{T} q^t = m q (1 - q^T) / (1 - q)``, which for
      ``T -> inf`` is ``m r / (1 + d - r)``; ``r / (1 + d - r)`` is the "margin
      multiple" of Gupta & Lehmann (2003);
    - ``timing="start"``: ``CLV = m sum_{t=0}^{T-1} q^t = m (1 - q^T) / (1 - q)``, for
      ``T -> inf`` ``m (1 + d) / (1 + d - r)``.

    These are the constant-margin, constant-retention cases of Berger & Nasr (1998).
    The expected lifetime is ``1 / (1 - r)`` periods (including the first).

    References
    ----------
    Berger, P. D., & Nasr, N. I. (1998). Customer lifetime value: Marketing models and
    applications. *Journal of Interactive Marketing*, 12(1), 17-30.

    Gupta, S., & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
    Marketing*, 17(1), 9-24.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> round(cv.clv(100, 0.8, 0.1), 2)  # 100 * 0.8 / 0.3
    266.67
    >>> round(cv.clv(100, 0.8, 0.1, timing="start"), 2)  # 100 * 1.1 / 0.3
    366.67
    >>> cv.clv(100, [0.8, 0.85], 0.1).round(2)
    array([266.67, 340.  ])
    """
    m = v.check_number_array(margin, "margin")
    r = v.check_number_array(retention, "retention", low=0.0, high=1.0)
    d = v.check_number_array(discount, "discount")
    if (d < 0).any():
        raise ValueError(f"discount must be non-negative, got {v.format_values(d[d < 0])}.")
    v.check_one_of(timing, _TIMINGS, "timing")
    horizon = _horizon(horizon)
    m, r, d = np.broadcast_arrays(m, r, d)
    q = r / (1 + d)
    one = np.isclose(q, 1.0, rtol=0, atol=1e-15)
    if horizon is None:
        if one.any():
            raise ValueError(
                "retention = 1 with discount = 0 gives an infinite CLV; pass a horizon, "
                "a retention below 1 or a positive discount."
            )
        total = 1 / (1 - q)  # sum_{t>=0} q^t
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            total = np.where(one, float(horizon), (1 - q**horizon) / np.where(one, 2.0, 1 - q))
    value = m * total if timing == "start" else m * q * total
    return _scalar_or_array(np.asarray(value, dtype=float))


def simulate_clv(
    *,
    margin: float,
    retention: float,
    discount: float,
    n_customers: int = 10_000,
    timing: str = "end",
    horizon: int | None = None,
    ci: float = 0.95,
    by_customer: bool = False,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """Customer lifetime value by simulating customer lifetimes (Monte Carlo).

    Each simulated customer stays for a random number of periods (each period they
    stay with probability ``retention``) and pays ``margin`` per period, discounted at
    ``discount``, with the same ``timing`` as :func:`clv`. Their mean agrees with the
    closed form within Monte Carlo error.

    Parameters
    ----------
    margin, retention, discount, timing, horizon
        As in :func:`clv` (numbers, not arrays).
    n_customers : int, default 10000
        Number of simulated customers.
    ci : float, default 0.95
        Level of the normal confidence interval of the mean.
    by_customer : bool, default False
        Return one row per simulated customer (``customer_id``, ``periods_retained``,
        ``clv``) instead of the summary.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        One row: ``term`` ("clv"), ``estimate`` (mean simulated CLV), ``std_error``,
        ``ci_low``, ``ci_high``, ``n`` and ``closed_form`` (:func:`clv`).

    Notes
    -----
    The number of periods a customer is retained, ``K``, is geometric:
    ``P(K >= t) = r^t``. With ``delta = 1 / (1 + d)`` a customer's value is
    ``m sum_{t=1}^{min(K, T)} delta^t`` (``timing="end"``) or
    ``m sum_{t=0}^{min(K, T-1)} delta^t`` (``"start"``); its expectation is :func:`clv`.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> res = cv.simulate_clv(margin=100, retention=0.8, discount=0.1, seed=1)
    >>> print(res.round(1).to_string(index=False))
    term  estimate  std_error  ci_low  ci_high     n  closed_form
     clv     267.3        2.3   262.8    271.8 10000        266.7
    """
    m = v.check_number(margin, "margin")
    r = v.check_number(retention, "retention", low=0, high=1)
    d = v.check_number(discount, "discount", low=0)
    v.check_one_of(timing, _TIMINGS, "timing")
    horizon = _horizon(horizon)
    n = v.check_positive_int(n_customers, "n_customers", minimum=2)
    level = v.check_level(ci)
    by_customer = v.check_bool(by_customer, "by_customer")
    closed = clv(m, r, d, timing=timing, horizon=horizon)  # also rejects infinite CLV
    rng = v.make_rng(seed)
    if r < 1:
        k = (rng.geometric(1 - r, size=n) - 1).astype(float)
    else:
        k = np.full(n, np.inf)
    delta = 1 / (1 + d)
    if timing == "end":
        first, last = 1.0, k if horizon is None else np.minimum(k, horizon)
    else:
        first, last = 0.0, k if horizon is None else np.minimum(k, horizon - 1)
    if d == 0:
        n_paid = last - first + 1
        value = m * n_paid
    else:
        value = m * (delta**first - delta ** (last + 1)) / (1 - delta)
    value = np.where(last < first, 0.0, value)
    if by_customer:
        return pd.DataFrame({"customer_id": np.arange(n), "periods_retained": k, "clv": value})
    from scipy import stats

    est = float(value.mean())
    se = float(value.std(ddof=1) / math.sqrt(n))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return pd.DataFrame(
        {
            "term": ["clv"],
            "estimate": [est],
            "std_error": [se],
            "ci_low": [est - z * se],
            "ci_high": [est + z * se],
            "n": [n],
            "closed_form": [closed],
        }
    )


def retention_vs_acquisition(
    *,
    customers: float,
    new_customers: float,
    margin: float,
    retention: float,
    discount: float,
    retention_gain: float = 0.05,
    acquisition_gain: float = 0.05,
    cohorts: int = 10,
    timing: str = "start",
) -> pd.DataFrame:
    """Retention beats acquisition, in numbers: customer equity under three scenarios.

    Customer equity is the CLV of today's customers plus that of the customers
    acquired in each of the next ``cohorts`` periods, discounted to today. The
    scenarios are the baseline, retention ``retention_gain`` points higher, and
    ``acquisition_gain`` (a fraction) more new customers per period.

    Parameters
    ----------
    customers : float
        Customers today.
    new_customers : float
        New customers acquired per period.
    margin, retention, discount, timing
        As in :func:`clv` (infinite horizon per customer).
    retention_gain : float, default 0.05
        Added to the retention rate (points: 0.05 = +5 points); the result must stay
        at most 1.
    acquisition_gain : float, default 0.05
        Relative increase in new customers per period (0.05 = +5%).
    cohorts : int, default 10
        Number of future periods of acquisition counted.

    Returns
    -------
    pandas.DataFrame
        One row per scenario (``baseline``, ``retention``, ``acquisition``):
        ``scenario``, ``retention``, ``new_customers``, ``clv``, ``customer_equity``,
        ``change`` (against the baseline) and ``change_pct``.

    Notes
    -----
    ``CE = CLV (N_0 + A sum_{t=1}^{C} (1 + d)^{-t})``. Retention raises the CLV of every
    customer, today's and tomorrow's; acquisition only adds customers, so +5% new
    customers raises CE by less than 5%, while +5 points of retention raises the
    margin multiple from ``(1+d)/(1+d-r)`` to ``(1+d)/(1+d-r-0.05)`` - e.g. by 25% at
    ``r = 0.8, d = 0.05``. Reichheld & Sasser (1990) report profit gains of 25-85% from
    5 points less defection; Gupta, Lehmann & Stuart (2004) find that a 1% better
    retention raises firm value by about 5%, a 1% lower acquisition cost by about 0.1%.

    References
    ----------
    Reichheld, F. F., & Sasser, W. E. (1990). Zero defections: Quality comes to services.
    *Harvard Business Review*, 68(5), 105-111.

    Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. *Journal of
    Marketing Research*, 41(1), 7-18.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> res = cv.retention_vs_acquisition(
    ...     customers=1000, new_customers=200, margin=100, retention=0.8, discount=0.1
    ... )
    >>> print(res.round(3).to_string(index=False))
       scenario  retention  new_customers     clv  customer_equity     change  change_pct
       baseline       0.80          200.0 366.667       817268.254      0.000       0.000
      retention       0.85          200.0 440.000       980721.905 163453.651      20.000
    acquisition       0.80          210.0 366.667       839798.334  22530.079       2.757
    """
    n0 = v.check_number(customers, "customers", low=0)
    a = v.check_number(new_customers, "new_customers", low=0)
    m = v.check_number(margin, "margin")
    r = v.check_number(retention, "retention", low=0, high=1)
    d = v.check_number(discount, "discount", low=0)
    rg = v.check_number(retention_gain, "retention_gain", low=0, high=1)
    ag = v.check_number(acquisition_gain, "acquisition_gain", low=0)
    if r + rg > 1 + _TOL:
        raise ValueError(
            f"retention + retention_gain must be at most 1, got {r} + {rg} = {r + rg:g}."
        )
    cohorts = v.check_positive_int(cohorts, "cohorts", minimum=0)
    v.check_one_of(timing, _TIMINGS, "timing")
    annuity = sum((1 + d) ** -t for t in range(1, cohorts + 1))
    rows = []
    for scen, rr, aa in (
        ("baseline", r, a),
        ("retention", min(r + rg, 1.0), a),
        ("acquisition", r, a * (1 + ag)),
    ):
        value = clv(m, rr, d, timing=timing)
        rows.append(
            {
                "scenario": scen,
                "retention": rr,
                "new_customers": aa,
                "clv": value,
                "customer_equity": value * (n0 + aa * annuity),
            }
        )
    out = pd.DataFrame.from_records(rows)
    base = out["customer_equity"].iloc[0]
    out["change"] = out["customer_equity"] - base
    out["change_pct"] = 100 * out["change"] / base if base != 0 else np.nan
    return out


def retention_and_spend(
    data: pd.DataFrame,
    *,
    returned: Hashable = "returned_next",
    spend: Hashable = "spend",
    by: Hashable | Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Retention rate and mean spend per period from visit data, ready for :func:`cx_to_money`.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per customer and period, e.g. from :func:`cxresearch.simulate_panel`.
    returned : str, default "returned_next"
        True/False (or 1/0) column: did the customer come back in the next period?
    spend : str, default "spend"
        Numeric column: the customer's spend in the period.
    by : str or list of str, optional
        Column(s) to group by (e.g. ``"store_type"``); ``None`` = one row for all data.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (rows), ``retention`` (share of
        rows followed by a return), ``retention_std_error`` (binomial standard error),
        ``spend`` (mean spend per period) and ``spend_std_error``.

    Notes
    -----
    ``retention = mean(returned)`` and ``spend = mean(spend)``; the standard errors are
    ``sqrt(r (1 - r) / n)`` and ``sd(spend) / sqrt(n)``, which treat the rows as
    independent (with several periods per customer they are somewhat too small). The
    period is that of the data: with quarterly data, a quarterly retention rate and
    spend per quarter, to be used with a quarterly discount rate.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch.value as cv
    >>> visits = pd.DataFrame(
    ...     {
    ...         "store": ["a", "a", "a", "a", "b", "b"],
    ...         "returned_next": [True, True, True, False, True, False],
    ...         "spend": [40.0, 60.0, 50.0, 30.0, 100.0, 80.0],
    ...     }
    ... )
    >>> print(cv.retention_and_spend(visits).round(3).to_string(index=False))
     n  retention  retention_std_error  spend  spend_std_error
     6      0.667                0.192   60.0           10.646
    >>> print(cv.retention_and_spend(visits, by="store")[["store", "retention", "spend"]])
      store  retention  spend
    0     a       0.75   45.0
    1     b       0.50   90.0
    """
    data = v.check_dataframe(data)
    v.check_columns(data, returned, "returned")
    v.check_columns(data, spend, "spend")
    by_cols = v.check_columns(data, by, "by")
    v.check_numeric(data, [spend], "spend")
    v.check_no_missing(data, [returned, spend, *by_cols], "data")
    if len(data) == 0:
        raise ValueError("data has no rows; at least one customer-period is needed.")
    r = data[returned]
    if not pd.api.types.is_bool_dtype(r.dtype):
        if not pd.api.types.is_numeric_dtype(r.dtype) or not r.isin([0, 1]).all():
            bad = r[~r.isin([0, 1, True, False])].unique()
            raise ValueError(
                f"returned: column {returned!r} must hold True/False or 1/0, found "
                f"{v.format_values(bad)}."
            )
    d = pd.DataFrame(
        {"_r": r.to_numpy(dtype=float), "_s": data[spend].to_numpy(dtype=float)},
        index=data.index,
    )
    if by_cols:
        for i, c in enumerate(by_cols):
            d[f"_by{i}"] = data[c]
        keys = [f"_by{i}" for i in range(len(by_cols))]
        g = d.groupby(keys, observed=True, sort=True)
        out = pd.DataFrame({"n": g.size(), "retention": g["_r"].mean(), "spend": g["_s"].mean()})
        out["spend_sd"] = g["_s"].std(ddof=1)
        out = out.reset_index().rename(columns=dict(zip(keys, by_cols, strict=True)))
    else:
        out = pd.DataFrame(
            {
                "n": [len(d)],
                "retention": [d["_r"].mean()],
                "spend": [d["_s"].mean()],
                "spend_sd": [d["_s"].std(ddof=1)],
            }
        )
    n = out["n"].to_numpy(dtype=float)
    rr = out["retention"].to_numpy(dtype=float)
    out["retention_std_error"] = np.sqrt(rr * (1 - rr) / n)
    out["spend_std_error"] = out["spend_sd"].to_numpy(dtype=float) / np.sqrt(n)
    return out[[*by_cols, "n", "retention", "retention_std_error", "spend", "spend_std_error"]]


def cx_to_money(
    *,
    customers: float,
    spend: float,
    margin_rate: float,
    retention: float,
    discount: float,
    retention_change: Any = 0.0,
    spend_change: Any = 0.0,
    investment: Any = 0.0,
    timing: str = "start",
    horizon: int | None = None,
) -> pd.DataFrame:
    """Translate a change in retention and spend (e.g. from better CX) into money and ROI.

    The link from a CX improvement to retention or spend comes from elsewhere (a
    driver model, the retail simulator, an experiment); this function does the
    finance: revenue, customer lifetime value, customer equity, value created, net of
    the investment, and the return on investment.

    Parameters
    ----------
    customers : float
        Number of current customers.
    spend : float
        Revenue per customer per period.
    margin_rate : float
        Share of revenue that is margin, in [0, 1] (margin per period = spend x
        margin_rate).
    retention, discount
        Baseline retention rate and discount rate per period (as in :func:`clv`).
    retention_change : float or array-like, default 0
        Change in retention, in points (0.02 = from 0.80 to 0.82). An array gives one
        scenario per value (broadcast with ``spend_change`` and ``investment``).
    spend_change : float or array-like, default 0
        Relative change in spend per customer (0.03 = +3%).
    investment : float or array-like, default 0
        Cost of the CX improvement (in today's money).
    timing, horizon
        As in :func:`clv`; default ``"start"`` (current customers pay this period too).

    Returns
    -------
    pandas.DataFrame
        First the ``baseline`` row, then one row per scenario (``scenario_1``, ...):
        ``scenario``, ``retention``, ``spend``, ``revenue_next_period`` (expected revenue
        from today's customers next period = customers x retention x spend),
        ``lifetime_revenue`` (discounted, of today's customers), ``clv`` (per customer,
        on margin), ``customer_equity`` (customers x clv), ``value_created`` (customer
        equity minus the baseline's), ``investment``, ``net_value`` (value created minus
        investment) and ``roi`` (net value / investment; missing when nothing is
        invested).

    Notes
    -----
    ``CLV = m (1 + d) / (1 + d - r)`` for ``timing="start"`` (see :func:`clv`), with
    ``m = spend x margin_rate``; lifetime revenue uses ``spend`` in place of ``m``.
    ``ROI = (Delta CE - I) / I`` (Rust, Lemon & Zeithaml 2004 frame CX and marketing
    spending as investments in customer equity).

    References
    ----------
    Rust, R. T., Lemon, K. N., & Zeithaml, V. A. (2004). Return on marketing: Using
    customer equity to focus marketing strategy. *Journal of Marketing*, 68(1), 109-127.

    Gupta, S., & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
    Marketing*, 17(1), 9-24.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> res = cv.cx_to_money(
    ...     customers=10_000,
    ...     spend=400,
    ...     margin_rate=0.25,
    ...     retention=0.75,
    ...     discount=0.1,
    ...     retention_change=0.03,
    ...     investment=200_000,
    ... )
    >>> cols = ["scenario", "retention", "clv", "value_created", "net_value", "roi"]
    >>> print(res[cols].round(3).to_string(index=False))
      scenario  retention     clv  value_created  net_value   roi
      baseline       0.75 314.286          0.000      0.000   NaN
    scenario_1       0.78 343.750     294642.857  94642.857 0.473
    """
    n0 = v.check_number(customers, "customers", low=0)
    spend = v.check_number(spend, "spend", low=0)
    mr = v.check_number(margin_rate, "margin_rate", low=0, high=1)
    r = v.check_number(retention, "retention", low=0, high=1)
    d = v.check_number(discount, "discount", low=0)
    dr = v.check_number_array(retention_change, "retention_change", low=-1.0, high=1.0)
    ds = v.check_number_array(spend_change, "spend_change")
    inv = v.check_number_array(investment, "investment")
    if (inv < 0).any():
        raise ValueError(f"investment must be non-negative, got {v.format_values(inv[inv < 0])}.")
    if (ds < -1).any():
        raise ValueError(
            f"spend_change is a relative change and must be at least -1 (-100%), got "
            f"{v.format_values(ds[ds < -1])}."
        )
    for arr, arg in ((dr, "retention_change"), (ds, "spend_change"), (inv, "investment")):
        if arr.ndim > 1:
            raise ValueError(f"{arg} must be a number or a 1-D array, got shape {arr.shape}.")
    try:
        dr, ds, inv = np.broadcast_arrays(np.atleast_1d(dr), np.atleast_1d(ds), np.atleast_1d(inv))
    except ValueError:
        raise ValueError(
            "retention_change, spend_change and investment must have the same length "
            "(or be single numbers)."
        ) from None
    new_r = r + dr
    bad = new_r[(new_r < 0) | (new_r > 1)]
    if bad.size:
        raise ValueError(
            f"retention + retention_change must stay between 0 and 1, got {v.format_values(bad)}."
        )
    v.check_one_of(timing, _TIMINGS, "timing")
    horizon = _horizon(horizon)
    ret = np.concatenate([[r], new_r])
    sp = np.concatenate([[spend], spend * (1 + ds)])
    invest = np.concatenate([[0.0], inv])
    clv_margin = np.asarray(clv(sp * mr, ret, d, timing=timing, horizon=horizon))
    life_rev = np.asarray(clv(sp, ret, d, timing=timing, horizon=horizon))
    equity = n0 * clv_margin
    value_created = equity - equity[0]
    net = value_created - invest
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(invest > 0, net / np.where(invest > 0, invest, 1.0), np.nan)
    return pd.DataFrame(
        {
            "scenario": ["baseline", *[f"scenario_{i}" for i in range(1, len(ret))]],
            "retention": ret,
            "spend": sp,
            "revenue_next_period": n0 * ret * sp,
            "lifetime_revenue": n0 * life_rev,
            "clv": clv_margin,
            "customer_equity": equity,
            "value_created": value_created,
            "investment": invest,
            "net_value": net,
            "roi": roi,
        }
    )


# ---------------------------------------------------------------- product life cycle


def product_life_cycle(
    *,
    market_size: float = 1000.0,
    p: float = 0.03,
    q: float = 0.38,
    n_periods: int = 20,
    development_periods: int = 2,
    development_cost: float = 300.0,
    price: float = 10.0,
    unit_cost: float = 6.0,
    fixed_cost: float = 150.0,
    launch_cost: float = 150.0,
    advertising_rate: float = 0.1,
) -> pd.DataFrame:
    """Sales and profit over a product's life cycle, from the Bass (1969) diffusion model.

    Parameters
    ----------
    market_size : float, default 1000
        Eventual number of adopters ``M``.
    p, q : float, default 0.03 and 0.38
        Coefficients of innovation (adoption from outside influence: advertising) and
        imitation (word of mouth); the defaults are the averages of Sultan, Farley &
        Lehmann (1990). ``p > 0``, ``q >= 0``.
    n_periods : int, default 20
        Periods on the market after launch.
    development_periods : int, default 2
        Periods before launch (no sales, only ``development_cost``).
    development_cost : float, default 300
        Cost per development period.
    price, unit_cost : float, default 10 and 6
        Price and variable cost per unit (one unit per adopter).
    fixed_cost : float, default 150
        Fixed (overhead) cost per period on the market.
    launch_cost : float, default 150
        Extra cost per period of the introduction stage: bringing the product to market
        (distribution, launch campaign, trade promotions). With the defaults it makes
        every introduction period lose money, as the course's sources describe.
    advertising_rate : float, default 0.1
        Share of revenue spent on competitive advertising once the market is saturated
        (maturity and decline): the "percentage of sales" budgeting rule. ``0`` turns
        it off; must lie in [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period`` (1, 2, ...), ``time_since_launch`` (periods on
        the market, 0 or less during development), ``stage`` (one of
        :data:`LIFE_CYCLE_STAGES`), ``sales``, ``cumulative_sales``, ``launch_cost``,
        ``advertising``, ``profit`` and ``cumulative_profit``.

    Notes
    -----
    Cumulative adoption ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``; sales in
    period ``t`` are ``M (F(t) - F(t-1))``. Sales peak at ``t* = ln(q/p) / (p + q)``.
    The stages follow the inflection points of the adoption curve
    ``t* -+ ln(2 + sqrt 3) / (p + q)`` (Mahajan, Muller & Srivastava 1990):
    introduction before the first, growth up to the peak, maturity up to the second,
    decline after it (a period's stage is read at its midpoint). Profit is
    ``sales x (price - unit_cost) - fixed_cost - launch - advertising`` on the market
    and ``-development_cost`` before, where ``launch = launch_cost`` in introduction
    periods (0 otherwise) and ``advertising = advertising_rate x price x sales`` in
    maturity and decline (0 before). So introduction earns no profit, growth earns the
    most, and in maturity heavy advertising eats into the margin while sales begin to
    fall (the stages as the course's sources describe them; Kotler & Armstrong 2018).

    References
    ----------
    Bass, F. M. (1969). A new product growth for model consumer durables. *Management
    Science*, 15(5), 215-227.

    Mahajan, V., Muller, E., & Srivastava, R. K. (1990). Determination of adopter
    categories by using innovation diffusion models. *Journal of Marketing Research*,
    27(1), 37-50.

    Sultan, F., Farley, J. U., & Lehmann, D. R. (1990). A meta-analysis of applications
    of diffusion models. *Journal of Marketing Research*, 27(1), 70-77.

    Kotler, P., & Armstrong, G. (2018). *Principles of Marketing* (17th ed.). Pearson.

    Examples
    --------
    >>> import cxresearch.value as cv
    >>> plc = cv.product_life_cycle(n_periods=12)
    >>> by_stage = plc.groupby("stage", sort=False).agg(
    ...     periods=("period", "size"), profit=("profit", "sum"), ads=("advertising", "sum")
    ... )
    >>> print(by_stage.round(1).reset_index().to_string(index=False))
           stage  periods  profit   ads
     development        2  -600.0   0.0
    introduction        3  -298.0   0.0
          growth        3   704.9   0.0
        maturity        3   454.5 301.5
         decline        3    53.9 168.0
    >>> int(plc.loc[plc["sales"].idxmax(), "time_since_launch"])
    7
    """
    m = v.check_number(market_size, "market_size", low=0)
    p = v.check_number(p, "p")
    q = v.check_number(q, "q", low=0)
    if p <= 0:
        raise ValueError(f"p (coefficient of innovation) must be positive, got {p!r}.")
    n_periods = v.check_positive_int(n_periods, "n_periods")
    dev = v.check_positive_int(development_periods, "development_periods", minimum=0)
    dev_cost = v.check_number(development_cost, "development_cost", low=0)
    price = v.check_number(price, "price", low=0)
    unit_cost = v.check_number(unit_cost, "unit_cost", low=0)
    fixed_cost = v.check_number(fixed_cost, "fixed_cost", low=0)
    launch_cost = v.check_number(launch_cost, "launch_cost", low=0)
    ad_rate = v.check_number(advertising_rate, "advertising_rate", low=0, high=1)
    t = np.arange(0, n_periods + 1, dtype=float)
    e = np.exp(-(p + q) * t)
    cum = (1 - e) / (1 + (q / p) * e)
    sales = m * np.diff(cum)
    mid = t[1:] - 0.5
    if q > p:
        t_peak = math.log(q / p) / (p + q)
        half = math.log(2 + math.sqrt(3)) / (p + q)
        stage_idx = 1 + np.searchsorted([t_peak - half, t_peak, t_peak + half], mid, side="right")
    else:  # no take-off: sales fall from launch on
        stage_idx = np.full(mid.size, 4)
    stages = np.array(LIFE_CYCLE_STAGES, dtype=object)
    launch = np.where(stage_idx == 1, launch_cost, 0.0)
    advertising = np.where(stage_idx >= 3, ad_rate * price * sales, 0.0)
    profit_market = sales * (price - unit_cost) - fixed_cost - launch - advertising
    zeros = np.zeros(dev)
    out = pd.DataFrame(
        {
            "period": np.arange(1, dev + n_periods + 1),
            "time_since_launch": np.arange(1 - dev, n_periods + 1),
            "stage": np.concatenate([np.repeat(stages[:1], dev), stages[stage_idx]]),
            "sales": np.concatenate([zeros, sales]),
            "launch_cost": np.concatenate([zeros, launch]),
            "advertising": np.concatenate([zeros, advertising]),
            "profit": np.concatenate([np.full(dev, -dev_cost), profit_market]),
        }
    )
    out.insert(4, "cumulative_sales", out["sales"].cumsum())
    out["cumulative_profit"] = out["profit"].cumsum()
    return out
