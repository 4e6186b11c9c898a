"""Customer experience metrics with honest uncertainty: NPS, CSAT, CES, top-box, Likert.

Every function takes a DataFrame of survey answers (one row per respondent) and
returns a tidy DataFrame with one row per group: the estimate, its standard error and
a confidence interval, and the number of answers ``n`` it rests on.

Missing values raise unless ``missing="listwise"`` is passed; then the incomplete rows
are dropped and counted in a column ``n_dropped`` (rows dropped from that group). Rows
whose *group label* is missing belong to no group, so no row of the table can count
them: they are dropped with a ``UserWarning`` that gives their number.

Weights (``weights="column"``) are survey weights. Shares and means are weighted;
standard errors use Kish's effective sample size
``n_eff = (sum w)^2 / sum w^2`` in place of ``n``, which treats the weights as
fixed and ignores any stratification or clustering (for a full design-based
analysis, use a survey package). Weights are rescaled by a power of two before they
are summed, so huge weights (1e308) give the same shares as small ones instead of
overflowing to NaN.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._numeric import pow2_rescale, pow2_restore

__all__ = [
    "ces",
    "csat",
    "csat_test",
    "likert_table",
    "mean_test",
    "nps",
    "nps_sample_size",
    "nps_test",
    "top_box",
    "top_box_test",
]

NPS_SCALE = (0, 10)

#: Fewest answers (Kish effective n with weights) per group that :func:`nps_test`
#: accepts: its adjusted Wald interval keeps 93-97% coverage for a 95% level from here
#: on (Monte Carlo check in tests/test_metrics.py).
NPS_TEST_MIN_N = 10

#: Pseudo-answers added to each group by :func:`nps_test`: Rocks' (2016) adjusted Wald
#: adds 3 (3/4 promoter, 3/2 passive, 3/4 detractor) to one sample; for a difference
#: it is split between the two groups, as Agresti & Caffo (2000) split Agresti-Coull.
_NPS_PSEUDO = 1.5


# --------------------------------------------------------------------------- helpers


def _z(ci: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + ci / 2))


def _kish(w: np.ndarray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    return float(w.sum() ** 2 / (w**2).sum())


def _prepare(
    data: Any,
    *,
    score: Hashable | Sequence[Hashable],
    score_argument: str,
    by: Hashable | Sequence[Hashable] | None,
    weights: Hashable | None,
    scale: tuple[int, int] | None,
    integer: bool,
    missing: str,
) -> tuple[pd.DataFrame, list[Hashable], list[Hashable], int]:
    """Check the input; return (complete rows, score columns, by columns, n_dropped)."""
    data = v.unique_index(v.check_dataframe(data))  # rows are matched to groups by label
    if isinstance(score, list | tuple):
        raise TypeError(f"{score_argument} must name one column, got {score!r}.")
    scores = v.check_columns(data, score, score_argument)
    if not scores:
        raise ValueError(f"{score_argument} must name at least one column.")
    by_cols = v.check_columns(data, by, "by")
    overlap = set(by_cols) & set(scores)
    if overlap:
        raise ValueError(f"by: {v.format_values(overlap)} is also the score column.")
    data = v.likert_as_codes(data, scores, score_argument, scale)
    v.check_numeric(data, scores, score_argument)
    if weights is not None:
        v.check_weights(data, weights)
    if len(data) == 0:
        raise ValueError("data has no rows; at least one answer is needed.")
    needed = [*scores, *by_cols, *([weights] if weights is not None else [])]
    clean, n_dropped = v.drop_missing(data, needed, missing=missing, argument=score_argument)
    for col in scores:
        if integer:
            v.check_integer_valued(clean[col], col, score_argument)
        if scale is not None:
            v.check_range(clean[col], col, score_argument, *scale)
    if len(clean) == 0:
        raise ValueError(
            f"no complete rows left after dropping {n_dropped} row(s) with missing values."
        )
    return clean, scores, by_cols, n_dropped


def _groups(
    data: pd.DataFrame, clean: pd.DataFrame, by_cols: list[Hashable]
) -> list[tuple[tuple, pd.DataFrame, int]]:
    """(group key, rows, rows dropped from that group) for each group; raises on empty groups.

    ``clean`` holds the complete rows of ``data`` under :func:`v.unique_index` labels."""
    data = v.unique_index(data)
    if not by_cols:
        return [((), clean, len(data) - len(clean))]
    for col in by_cols:
        if isinstance(data[col].dtype, pd.CategoricalDtype):
            empty = sorted(set(data[col].cat.categories) - set(clean[col].unique()), key=str)
            if empty:
                raise ValueError(
                    f"by: group(s) {v.format_values(empty)} of column {col!r} have no "
                    f"(complete) answers, so no estimate exists for them. Drop unused "
                    f"levels with .cat.remove_unused_categories() or collect answers."
                )
    key = by_cols if len(by_cols) > 1 else by_cols[0]
    dropped_rows = data.loc[data.index.difference(clean.index), by_cols]
    n_unlabelled = int(dropped_rows.isna().any(axis=1).sum())
    if n_unlabelled:
        warnings.warn(
            f"by: {n_unlabelled} row(s) with a missing value in {v.format_values(by_cols)} "
            f"belong to no group; they were dropped (missing='listwise') and are not counted in "
            f"any row's n_dropped.",
            UserWarning,
            stacklevel=3,
        )
    dropped_counts = (
        dropped_rows.dropna().groupby(key, observed=True, sort=False).size()
        if len(dropped_rows)
        else pd.Series(dtype=int)
    )
    out = []
    for name, rows in clean.groupby(key, sort=True, observed=True):
        name_t = name if isinstance(name, tuple) else (name,)
        lookup = name_t if len(by_cols) > 1 else name_t[0]
        out.append((name_t, rows, int(dropped_counts.get(lookup, 0))))
    return out


def _assemble(
    rows: list[dict[str, Any]],
    groups: list[tuple[tuple, pd.DataFrame, int]],
    by_cols: list[Hashable],
    *,
    missing: str,
) -> pd.DataFrame:
    records = []
    for (name, _, dropped), row in zip(groups, rows, strict=True):
        rec: dict[Hashable, Any] = dict(zip(by_cols, name, strict=True))
        if missing == "listwise":
            rec["n_dropped"] = dropped
        rec.update(row)
        records.append(rec)
    out = pd.DataFrame.from_records(records)
    if missing == "listwise":  # n_dropped goes right after n (and n_eff)
        cols = list(out.columns)
        cols.remove("n_dropped")
        anchor = cols.index("n_eff") if "n_eff" in cols else cols.index("n")
        cols.insert(anchor + 1, "n_dropped")
        out = out[cols]
    return out


def _weights_of(rows: pd.DataFrame, weights: Hashable | None, group: tuple) -> np.ndarray:
    if weights is None:
        return np.ones(len(rows))
    w, _ = pow2_rescale(rows[weights].to_numpy(dtype=float))  # no overflow in sums
    if w.sum() <= 0:
        raise ValueError(
            f"weights: column {weights!r} sums to 0 in group {group!r}; "
            f"weights must have a positive total in every group."
        )
    return w


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson (1927) score interval for a proportion p from n answers."""
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return max(0.0, centre - half), min(1.0, centre + half)


# ------------------------------------------------------------------------------- NPS


def _nps_parts(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    total = w.sum()
    p_pro = float(w[x >= 9].sum() / total)
    p_det = float(w[x <= 6].sum() / total)
    return p_pro, 1 - p_pro - p_det, p_det


def _nps_se(p_pro: float, p_det: float, n: float) -> float:
    """Standard error of NPS (in points) from the +1/0/-1 scoring."""
    var = p_pro + p_det - (p_pro - p_det) ** 2
    return 100 * math.sqrt(max(var, 0.0) / n)


def _nps_bootstrap(
    x: np.ndarray, w: np.ndarray, n_boot: int, rng: np.random.Generator, weighted: bool
) -> np.ndarray:
    """Bootstrap replicates of NPS (points) by resampling respondents."""
    if not weighted:  # resampling n answers = multinomial counts of the three classes
        p_pro, p_pas, p_det = _nps_parts(x, w)
        counts = rng.multinomial(len(x), [p_pro, max(p_pas, 0.0), p_det], size=n_boot)
        return 100 * (counts[:, 0] - counts[:, 2]) / len(x)
    s = np.where(x >= 9, 1.0, np.where(x <= 6, -1.0, 0.0))
    out = np.empty(n_boot)
    chunk = max(1, 2_000_000 // len(x))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, len(x), size=(stop - start, len(x)))
        ww = w[idx]
        tot = ww.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = 100 * (ww * s[idx]).sum(axis=1) / tot
    return out[np.isfinite(out)]


def nps(
    data: pd.DataFrame,
    *,
    score: Hashable = "likelihood_to_recommend",
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    method: str = "wald",
    n_boot: int = 2000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Net Promoter Score with its standard error and confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str, default "likelihood_to_recommend"
        Column with the 0-10 answer to "How likely is it that you would recommend
        us to a friend or colleague?". Whole numbers 0 to 10 only.
    by : str or list of str, optional
        Column(s) defining groups; one row per group in the result.
    weights : str, optional
        Column of non-negative survey weights (see Notes).
    ci : float, default 0.95
        Confidence level of the interval.
    method : {"wald", "bootstrap"}, default "wald"
        ``"wald"``: NPS +/- z * SE (clipped to [-100, 100]). ``"bootstrap"``:
        percentile interval from ``n_boot`` resamples of respondents within each
        group; ``std_error`` is then the standard deviation of the replicates.
    n_boot : int, default 2000
        Bootstrap resamples (``method="bootstrap"`` only; 100 to 10**6).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Randomness for the bootstrap. Ignored by the Wald method.
    missing : {"raise", "listwise"}, default "raise"
        Missing scores, group labels or weights raise ``ValueError`` unless
        ``missing="listwise"``; then those rows are dropped and counted per group in a
        column ``n_dropped`` (see the module notes for rows without a group label).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (answers), ``n_eff`` (Kish
        effective n; weighted only), ``pct_promoters``, ``pct_passives``,
        ``pct_detractors`` (percent), ``nps`` (points, -100 to 100),
        ``std_error``, ``ci_low``, ``ci_high`` (points).

    Notes
    -----
    Promoters answer 9-10, passives 7-8, detractors 0-6 (Reichheld 2003), and
    ``NPS = 100 (p_P - p_D)``. Scoring each answer +1 (promoter), 0 (passive) or
    -1 (detractor), NPS is 100 times the mean score, whose variance per answer is
    ``p_P + p_D - (p_P - p_D)^2``. Hence

    ``SE(NPS) = 100 * sqrt((p_P + p_D - (p_P - p_D)^2) / n)``

    and the Wald interval is ``NPS +/- z_(1+ci)/2 * SE``. With weights, the shares
    are weighted and ``n`` is replaced by Kish's effective sample size
    ``n_eff = (sum w)^2 / sum w^2``. When every answer falls in one class the
    standard error is 0 and the interval collapses to a point; collect more
    answers rather than trust it.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
    Review*, 81(12), 46-54.

    Kish, L. (1965). *Survey Sampling*. New York: Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> store_a = [10, 9, 9, 8, 7, 6, 10, 9, 3, 10]
    >>> store_b = [5, 6, 7, 8, 9, 10, 2, 8, 9, 6]
    >>> answers = pd.DataFrame(
    ...     {"store": ["A"] * 10 + ["B"] * 10, "likelihood_to_recommend": store_a + store_b}
    ... )
    >>> res = cx.nps(answers, by="store")
    >>> print(res.round(1).to_string(index=False))
    store  n  pct_promoters  pct_passives  pct_detractors   nps  std_error  ci_low  ci_high
        A 10           60.0          20.0            20.0  40.0       25.3    -9.6     89.6
        B 10           30.0          30.0            40.0 -10.0       26.3   -61.5     41.5
    """
    ci = v.check_level(ci)
    v.check_one_of(method, ("wald", "bootstrap"), "method")
    if method == "bootstrap":
        n_boot = v.check_resample_count(n_boot, "n_boot", minimum=100)
    rng = v.make_rng(seed)  # checked even for "wald", so a bad seed never passes silently
    clean, _, by_cols, _ = _prepare(
        data,
        score=score,
        score_argument="score",
        by=by,
        weights=weights,
        scale=NPS_SCALE,
        integer=True,
        missing=missing,
    )
    z = _z(ci)
    groups = _groups(data, clean, by_cols)
    rows = []
    for name, g, _ in groups:
        x = g[score].to_numpy(dtype=float)
        w = _weights_of(g, weights, name)
        n_eff = _kish(w)
        p_pro, p_pas, p_det = _nps_parts(x, w)
        est = 100 * (p_pro - p_det)
        row: dict[str, Any] = {"n": len(x)}
        if weights is not None:
            row["n_eff"] = n_eff
        row.update(
            pct_promoters=100 * p_pro,
            pct_passives=100 * p_pas,
            pct_detractors=100 * p_det,
            nps=est,
        )
        if method == "wald":
            se = _nps_se(p_pro, p_det, n_eff)
            low, high = max(-100.0, est - z * se), min(100.0, est + z * se)
        else:
            reps = _nps_bootstrap(x, w, n_boot, rng, weights is not None)
            se = float(np.std(reps, ddof=1))
            low, high = (float(q) for q in np.quantile(reps, [(1 - ci) / 2, (1 + ci) / 2]))
        row.update(std_error=se, ci_low=low, ci_high=high)
        rows.append(row)
    return _assemble(rows, groups, by_cols, missing=missing)


def _adjusted_difference(
    p_pro_1: Any,
    p_det_1: Any,
    n_1: Any,
    p_pro_2: Any,
    p_det_2: Any,
    n_2: Any,
    z: float,
) -> tuple[Any, Any, Any, Any]:
    """Adjusted Wald interval for NPS_2 - NPS_1 (points); works on arrays too.

    Returns (centre, standard error, ci_low, ci_high) of the adjusted difference.
    """

    def adjusted(p_pro: Any, p_det: Any, n: Any) -> tuple[Any, Any]:
        m = n + _NPS_PSEUDO
        pro = (n * p_pro + _NPS_PSEUDO / 4) / m
        det = (n * p_det + _NPS_PSEUDO / 4) / m
        return pro - det, (pro + det - (pro - det) ** 2) / m

    d_1, var_1 = adjusted(p_pro_1, p_det_1, n_1)
    d_2, var_2 = adjusted(p_pro_2, p_det_2, n_2)
    centre = 100 * (d_2 - d_1)
    se = 100 * np.sqrt(var_1 + var_2)
    return centre, se, np.maximum(centre - z * se, -200.0), np.minimum(centre + z * se, 200.0)


def _two_levels(
    data: pd.DataFrame, by: Any, levels: Any, missing: str, who: str
) -> tuple[list[Any], pd.DataFrame, int]:
    """The two compared levels of ``by``, the rows in them, and rows without a label.

    Rows without a group label raise (or, with ``missing="listwise"``, are dropped and
    counted) rather than being dropped silently by the ``isin`` selection.
    """
    missing = v.check_missing(missing)
    if by is None or not isinstance(by, Hashable) or isinstance(by, tuple | list):
        raise TypeError(f"by must name one column, got {by!r}.")
    v.check_columns(data, by, "by")
    if levels is None:
        present = data[by].dropna().unique()
        if len(present) != 2:
            raise ValueError(
                f"by: column {by!r} has {len(present)} distinct value(s) "
                f"{v.format_values(sorted(present, key=str))}; {who} compares exactly two. "
                f"Pick two with levels=(first, second)."
            )
        levels = sorted(present, key=lambda x: (str(type(x)), x))
    else:
        if isinstance(levels, str) or not isinstance(levels, Sequence) or len(levels) != 2:
            raise TypeError(f"levels must be a pair (first, second), got {levels!r}.")
        if levels[0] == levels[1]:
            raise ValueError(f"levels must name two different groups, got {levels!r}.")
        present = set(data[by].dropna().unique())
        absent = [gr for gr in levels if gr not in present]
        if absent:
            raise ValueError(
                f"levels: {v.format_values(absent)} not found in column {by!r}; "
                f"it holds {v.format_values(sorted(present, key=str), 10)}."
            )
    n_missing_by = int(data[by].isna().sum())
    if n_missing_by and missing == "raise":
        v.check_no_missing(data, [by], "by", allowed=v.LISTWISE)
    subset = data.loc[data[by].isin(list(levels))]
    if isinstance(subset[by].dtype, pd.CategoricalDtype):
        subset = subset.assign(**{by: subset[by].cat.remove_unused_categories()})
    return list(levels), subset, n_missing_by


def _comparison_row(
    levels: Sequence[Any], n_1: int, n_2: int, n_dropped: int | None, **values: Any
) -> pd.DataFrame:
    """The one-row table of a two-group comparison: groups, sizes, then ``values``."""
    row: dict[str, Any] = {
        "term": f"{levels[1]} - {levels[0]}",
        "group_1": levels[0],
        "group_2": levels[1],
        "n_1": n_1,
        "n_2": n_2,
    }
    if n_dropped is not None:
        row["n_dropped"] = n_dropped
    row.update(values)
    return pd.DataFrame({k: [val] for k, val in row.items()})


def nps_test(
    data: pd.DataFrame,
    *,
    score: Hashable = "likelihood_to_recommend",
    by: Hashable,
    levels: Sequence[Any] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Compare the NPS of two independent groups (two stores, two survey waves).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str, default "likelihood_to_recommend"
        Column with the 0-10 recommendation answer.
    by : str
        Column whose values name the groups.
    levels : pair of values, optional
        The two values of ``by`` to compare, in order ``(first, second)``; the
        difference is ``NPS(second) - NPS(first)`` (for survey waves: later minus
        earlier). By default ``by`` must have exactly two values, taken in sorted
        order.
    weights : str, optional
        Survey weights; standard errors then use Kish's effective n (see :func:`nps`).
    ci : float, default 0.95
        Confidence level of the interval for the difference.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`nps`.

    Returns
    -------
    pandas.DataFrame
        One row: ``term`` ("second - first"), ``group_1``, ``group_2``, ``n_1``,
        ``n_2`` (and ``n_dropped`` with ``missing="listwise"``, rows without a group label
        included), ``nps_1``, ``nps_2``, ``estimate`` (the observed difference in
        points), ``std_error``, ``statistic`` (z), ``p_value`` (two-sided),
        ``ci_low``, ``ci_high`` (adjusted Wald, see Notes).

    Raises
    ------
    ValueError
        If a group has fewer than ``NPS_TEST_MIN_N`` (10) answers (Kish effective n
        with weights): below that no normal-theory interval for the difference keeps
        its coverage, and a group of one answer (standard error 0) would give an
        absurdly confident test.

    Notes
    -----
    The plain Wald interval ``diff +/- z sqrt(SE_1^2 + SE_2^2)`` covers too rarely in
    small groups (about 91% for a nominal 95% with 10 answers per group) and
    collapses when a group's answers all fall in one class. This function uses an
    adjusted Wald interval instead: each group gets ``T = 1.5`` pseudo-answers,
    ``T/4`` promoters, ``T/2`` passives and ``T/4`` detractors, so that with ``x``
    promoters and ``y`` detractors among ``n`` answers

    ``p~_P = (x + T/4) / (n + T)``, ``p~_D = (y + T/4) / (n + T)``,
    ``NPS~ = p~_P - p~_D``, ``V~ = (p~_P + p~_D - NPS~^2) / (n + T)``

    and the interval is ``NPS~_2 - NPS~_1 +/- z sqrt(V~_1 + V~_2)`` (times 100,
    clipped to [-200, 200]). This is Rocks' (2016) adjusted Wald interval for one NPS
    (3 pseudo-answers) with the pseudo-answers split between the two groups, as
    Agresti & Caffo (2000) split the Agresti-Coull adjustment for a difference of
    proportions. ``statistic`` is the adjusted difference over its standard error,
    so ``p_value < 1 - ci`` exactly when the interval excludes 0; ``estimate`` is
    the observed difference. With weights, ``n`` is Kish's effective n. In a Monte
    Carlo study over 81 pairs of trinomial distributions the 95% interval covered
    the true difference 95.0% of the time on average (worst pair 93.3%) with 10
    answers per group, and 95.0% (94.5%) with 50; the plain Wald interval gave 91.0%
    (85.9%) and 94.4% (93.8%).

    The test assumes the two groups are different respondents. For the same
    respondents asked twice, the covariance of their answers must be subtracted,
    which this function does not do.

    References
    ----------
    Agresti, A., & Caffo, B. (2000). Simple and effective confidence intervals for
    proportions and differences of proportions result from adding two successes and
    two failures. *The American Statistician*, 54(4), 280-288.

    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The
    American Statistician*, 70(4), 365-372.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> store_a = [10, 9, 9, 8, 7, 6, 10, 9, 3, 10]
    >>> store_b = [5, 6, 7, 8, 9, 10, 2, 8, 9, 6]
    >>> answers = pd.DataFrame(
    ...     {"store": ["A"] * 10 + ["B"] * 10, "likelihood_to_recommend": store_a + store_b}
    ... )
    >>> res = cx.nps_test(answers, by="store")
    >>> cols = ["term", "estimate", "std_error", "p_value", "ci_low", "ci_high"]
    >>> print(res[cols].round(3).to_string(index=False))
     term  estimate  std_error  p_value   ci_low  ci_high
    B - A     -50.0     33.703    0.197 -109.534   22.577
    """
    from scipy import stats

    v.check_dataframe(data)
    levels, subset, n_missing_by = _two_levels(data, by, levels, missing, "nps_test")
    res = nps(subset, score=score, by=by, weights=weights, ci=ci, missing=missing)
    res = res.set_index(by)
    r1, r2 = res.loc[levels[0]], res.loc[levels[1]]
    n_col = "n_eff" if weights is not None else "n"
    for level, r in ((levels[0], r1), (levels[1], r2)):
        if r[n_col] < NPS_TEST_MIN_N:
            size = (
                f"an effective n of {r[n_col]:.1f} ({int(r['n'])} weighted answers)"
                if weights is not None
                else f"only {int(r['n'])} answer(s)"
            )
            raise ValueError(
                f"by: group {level!r} of column {by!r} has {size}; nps_test needs at least "
                f"{NPS_TEST_MIN_N} per group, because below that no normal-theory interval "
                f"for the difference keeps its confidence level. Collect more answers or "
                f"merge groups."
            )
    diff = float(r2["nps"] - r1["nps"])
    centre, se, low, high = _adjusted_difference(
        r1["pct_promoters"] / 100,
        r1["pct_detractors"] / 100,
        float(r1[n_col]),
        r2["pct_promoters"] / 100,
        r2["pct_detractors"] / 100,
        float(r2[n_col]),
        _z(ci),
    )
    stat = float(centre / se)
    dropped = int(res["n_dropped"].sum()) + n_missing_by if missing == "listwise" else None
    return _comparison_row(
        levels,
        int(r1["n"]),
        int(r2["n"]),
        dropped,
        nps_1=float(r1["nps"]),
        nps_2=float(r2["nps"]),
        estimate=diff,
        std_error=float(se),
        statistic=stat,
        p_value=float(2 * stats.norm.sf(abs(stat))),
        ci_low=float(low),
        ci_high=float(high),
    )


def nps_sample_size(
    margin_of_error: float,
    *,
    p_promoters: float | None = None,
    p_detractors: float | None = None,
    ci: float = 0.95,
    design_effect: float = 1.0,
) -> int:
    """Number of answers needed for an NPS margin of error of ``margin_of_error`` points.

    Parameters
    ----------
    margin_of_error : float
        Wanted half-width of the confidence interval, in NPS points (0-200 scale
        units, e.g. ``5`` for +/- 5 points).
    p_promoters, p_detractors : float, optional
        Planning guesses of the shares (0-1). Without them the worst case
        ``p_P = p_D = 0.5`` (variance 1) is used, which is never too small.
    ci : float, default 0.95
        Confidence level.
    design_effect : float, default 1.0
        Multiplies the answer: e.g. ``n / n_eff`` of the weights you expect.

    Returns
    -------
    int
        The smallest ``n`` with ``z * SE(NPS) <= margin_of_error``.

    Notes
    -----
    ``n = ceil(deff * z^2 * (p_P + p_D - (p_P - p_D)^2) / (margin_of_error / 100)^2)``.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
    Review*, 81(12), 46-54.

    Examples
    --------
    >>> import cxresearch as cx
    >>> cx.nps_sample_size(5)
    1537
    >>> cx.nps_sample_size(5, p_promoters=0.5, p_detractors=0.2)
    938
    """
    margin_of_error = v.check_number(
        margin_of_error, "margin_of_error", low=0, high=200, open_low=True
    )
    ci = v.check_level(ci)
    if (p_promoters is None) != (p_detractors is None):
        raise ValueError("give both p_promoters and p_detractors, or neither (worst case).")
    if p_promoters is None or p_detractors is None:
        var = 1.0
    else:
        p_pro = v.check_number(p_promoters, "p_promoters", low=0, high=1)
        p_det = v.check_number(p_detractors, "p_detractors", low=0, high=1)
        if p_pro + p_det > 1:
            raise ValueError(
                f"p_promoters + p_detractors must not exceed 1, got {p_promoters} + {p_detractors}."
            )
        var = p_pro + p_det - (p_pro - p_det) ** 2
    design_effect = v.check_number(design_effect, "design_effect", low=1)
    z = _z(ci)
    n = design_effect * z**2 * var / (margin_of_error / 100) ** 2
    return max(1, math.ceil(n - 1e-9))


# ------------------------------------------------------------------- top box / CSAT


def _top_box_rows(
    data: pd.DataFrame,
    *,
    score: Hashable,
    scale: tuple[int, int],
    top: int,
    by: Any,
    weights: Hashable | None,
    ci: float,
    missing: str,
    extra: Callable[[np.ndarray, np.ndarray], dict[str, float]] | None,
    label: str,
) -> pd.DataFrame:
    low, high = v.check_scale(scale)
    top = v.check_positive_int(top, "top")
    if top >= high - low + 1:
        raise ValueError(
            f"top must be smaller than the number of answer options ({high - low + 1} "
            f"on the scale {low}-{high}), got {top}."
        )
    ci = v.check_level(ci)
    clean, _, by_cols, _ = _prepare(
        data,
        score=score,
        score_argument="score",
        by=by,
        weights=weights,
        scale=(low, high),
        integer=True,
        missing=missing,
    )
    z = _z(ci)
    groups = _groups(data, clean, by_cols)
    rows = []
    for name, g, _ in groups:
        x = g[score].to_numpy(dtype=float)
        w = _weights_of(g, weights, name)
        n_eff = _kish(w)
        p = float(w[x >= high - top + 1].sum() / w.sum())
        lo, hi = _wilson(p, n_eff, z)
        if extra is not None:  # csat: the mean's standard error needs two answers
            _check_two_answers(w, name, by_cols, label, weights is not None)
        row: dict[str, Any] = {"n": len(x)}
        if weights is not None:
            row["n_eff"] = n_eff
        row.update({label: 100 * p, "ci_low": 100 * lo, "ci_high": 100 * hi})
        if extra is not None:
            row.update(extra(x, w))
        rows.append(row)
    return _assemble(rows, groups, by_cols, missing=missing)


def _check_two_answers(
    w: np.ndarray, name: tuple, by_cols: list[Hashable], func: str, weighted: bool
) -> None:
    """Raise ``ValueError`` unless a group has the 2 answers (weighted: ``n_eff > 1``)
    that the standard error of its mean needs."""
    n_eff = _kish(w)
    if n_eff > 1:
        return
    where = f"group {dict(zip(by_cols, name, strict=True))!r}" if by_cols else "data"
    if weighted and len(w) > 1:
        raise ValueError(
            f"weights: in {where} one row carries all the weight (effective sample size "
            f"n_eff = {n_eff:.3g}); {func} needs n_eff above 1 (at least 2 weighted "
            f"answers) for the standard error of the mean."
        )
    per_group = " per group" if by_cols else ""
    raise ValueError(
        f"score: {where} has {len(w)} answer(s); {func} needs at least 2{per_group} for "
        f"the standard error of the mean (and its interval). Collect more answers"
        + (" or merge groups." if by_cols else ".")
    )


def _mean_and_se(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted mean, its standard error (Kish n_eff) and the degrees of freedom.

    Computed on ``x / 2**e`` (exact) and scaled back, so huge scores do not overflow.
    """
    xs, e = pow2_rescale(x)
    mean = float(np.ldexp(np.average(xs, weights=w), e))
    n_eff = _kish(w)
    if n_eff <= 1:
        return mean, math.nan, math.nan
    var = float(np.average((xs - np.average(xs, weights=w)) ** 2, weights=w))
    return mean, float(np.ldexp(math.sqrt(var / (n_eff - 1)), e)), n_eff - 1


def top_box(
    data: pd.DataFrame,
    *,
    score: Hashable,
    scale: tuple[int, int] = (1, 5),
    top: int = 1,
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Share of answers in the top ``top`` categories of a rating scale (top-box).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str
        Column of whole-number answers on ``scale``.
    scale : (int, int), default (1, 5)
        Lowest and highest answer code; higher means better.
    top : int, default 1
        How many of the highest categories count (``top=2``: top-2-box).
    by, weights, ci, missing
        As in :func:`nps`.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``n`` (``n_eff`` if weighted),
        ``top_box`` (percent), ``ci_low``, ``ci_high`` (Wilson interval, percent).

    Notes
    -----
    ``p = share of answers >= high - top + 1``. The Wilson (1927) score interval is
    ``(p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``; unlike the Wald
    interval it stays inside [0, 1] and keeps its coverage near 0 and 1. With
    weights, ``p`` is weighted and ``n`` is Kish's effective n.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209-212.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame({"rating": [5, 4, 4, 3, 5, 2, 4, 5, 1, 4]})
    >>> print(cx.top_box(answers, score="rating", top=1).round(2).to_string(index=False))
     n  top_box  ci_low  ci_high
    10     30.0   10.78    60.32
    """
    return _top_box_rows(
        data,
        score=score,
        scale=scale,
        top=top,
        by=by,
        weights=weights,
        ci=ci,
        missing=missing,
        extra=None,
        label="top_box",
    )


def csat(
    data: pd.DataFrame,
    *,
    score: Hashable = "satisfaction",
    scale: tuple[int, int] = (1, 5),
    top: int = 2,
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Customer satisfaction score (CSAT): top-2-box share and mean rating.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str, default "satisfaction"
        Column of whole-number answers on ``scale`` (higher = more satisfied).
    scale : (int, int), default (1, 5)
        Lowest and highest answer code.
    top : int, default 2
        Categories counted as satisfied (2: "satisfied" and "very satisfied").
    by, weights, ci, missing
        As in :func:`nps`.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``n`` (``n_eff`` if weighted), ``csat``
        (percent satisfied), ``ci_low``, ``ci_high`` (Wilson interval, percent),
        ``mean`` (mean rating) and ``mean_std_error``.

    Raises
    ------
    ValueError
        Besides bad input (as in :func:`nps`): a group with fewer than 2 answers
        (with weights: an effective sample size ``n_eff`` of 1), whose mean has no
        standard error.

    Notes
    -----
    ``CSAT = 100 * share of answers in the top ``top`` categories``, with the
    Wilson (1927) interval (see :func:`top_box`). ``mean_std_error = s / sqrt(n)``
    (weighted: the weighted standard deviation over ``sqrt(n_eff - 1)`` with the
    population-form variance, which equals ``s / sqrt(n)`` without weights).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209-212.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame({"satisfaction": [5, 4, 4, 3, 5, 2, 4, 5, 1, 4]})
    >>> print(cx.csat(answers).round(2).to_string(index=False))
     n  csat  ci_low  ci_high  mean  mean_std_error
    10  70.0   39.68    89.22   3.7            0.42
    """

    def extra(x: np.ndarray, w: np.ndarray) -> dict[str, float]:
        mean, se, _ = _mean_and_se(x, w)
        return {"mean": mean, "mean_std_error": se}

    return _top_box_rows(
        data,
        score=score,
        scale=scale,
        top=top,
        by=by,
        weights=weights,
        ci=ci,
        missing=missing,
        extra=extra,
        label="csat",
    )


def ces(
    data: pd.DataFrame,
    *,
    score: Hashable = "customer_effort",
    scale: tuple[int, int] = (1, 7),
    top: int = 3,
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Customer Effort Score (CES): mean agreement that the task was easy.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str, default "customer_effort"
        Column of whole-number answers to "The company made it easy for me to
        handle my issue" on ``scale``, higher = easier (CES 2.0). If your survey
        asks "how much effort" (higher = harder), reverse it first:
        ``low + high - answer``.
    scale : (int, int), default (1, 7)
        Lowest and highest answer code.
    top : int, default 3
        Categories counted as "easy" for ``pct_easy`` (5-7 on a 1-7 scale).
    by, weights, ci, missing
        As in :func:`nps`.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``n`` (``n_eff`` if weighted), ``ces``
        (mean), ``std_error``, ``ci_low``, ``ci_high`` (t interval) and
        ``pct_easy`` (percent in the top ``top`` categories).

    Raises
    ------
    ValueError
        Besides bad input (as in :func:`nps`): a group with fewer than 2 answers
        (with weights: an effective sample size ``n_eff`` of 1), whose mean has no
        standard error or interval.

    Notes
    -----
    ``CES = mean answer``, ``SE = s / sqrt(n)``, interval
    ``CES +/- t_(n-1) SE`` (weighted: weighted mean, Kish ``n_eff`` for ``n``).
    The agree/disagree wording on a 1-7 scale ("The company made it easy for me to
    handle my issue") is CES 2.0 (Dixon, Toman & DeLisi 2013); the first CES (Dixon,
    Freeman & Toman 2010) asked about effort on a 1-5 scale, where low is good.

    References
    ----------
    Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight your
    customers. *Harvard Business Review*, 88(7/8), 116-122.

    Dixon, M., Toman, N., & DeLisi, R. (2013). *The effortless experience:
    Conquering the new battleground for customer loyalty*. Portfolio/Penguin.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame({"customer_effort": [7, 6, 5, 5, 3, 7, 2, 6]})
    >>> print(cx.ces(answers).round(2).to_string(index=False))
     n  ces  std_error  ci_low  ci_high  pct_easy
     8 5.12       0.64    3.61     6.64      75.0
    """
    from scipy import stats

    low, high = v.check_scale(scale)
    top = v.check_positive_int(top, "top")
    if top >= high - low + 1:
        raise ValueError(
            f"top must be smaller than the number of answer options ({high - low + 1}), got {top}."
        )
    ci = v.check_level(ci)
    clean, _, by_cols, _ = _prepare(
        data,
        score=score,
        score_argument="score",
        by=by,
        weights=weights,
        scale=(low, high),
        integer=True,
        missing=missing,
    )
    groups = _groups(data, clean, by_cols)
    rows = []
    for name, g, _ in groups:
        x = g[score].to_numpy(dtype=float)
        w = _weights_of(g, weights, name)
        _check_two_answers(w, name, by_cols, "ces", weights is not None)
        mean, se, df = _mean_and_se(x, w)
        t = float(stats.t.ppf(0.5 + ci / 2, df))
        row: dict[str, Any] = {"n": len(x)}
        if weights is not None:
            row["n_eff"] = _kish(w)
        row.update(
            ces=mean,
            std_error=se,
            ci_low=mean - t * se,
            ci_high=mean + t * se,
            pct_easy=100 * float(w[x >= high - top + 1].sum() / w.sum()),
        )
        rows.append(row)
    return _assemble(rows, groups, by_cols, missing=missing)


# ----------------------------------------------------------------------------- Likert


def likert_table(
    data: pd.DataFrame,
    *,
    items: Sequence[Hashable],
    scale: tuple[int, int] = (1, 5),
    labels: Sequence[str] | Mapping[int, str] | None = None,
    by: Hashable | Sequence[Hashable] | None = None,
    weights: Hashable | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Share of each answer per item (and group): the table behind a Likert chart.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, one column per item.
    items : list of str
        Item columns, all answered on ``scale``.
    scale : (int, int), default (1, 5)
        Lowest and highest answer code.
    labels : list of str or dict, optional
        Wording of each answer (a list from low to high, or ``{code: label}``);
        adds a ``label`` column.
    by : str or list of str, optional
        Group column(s).
    weights : str, optional
        Survey weights; the shares are then weighted (``n`` stays a head count).
    missing : {"raise", "listwise"}, default "raise"
        Missing answers raise unless ``missing="listwise"``; then the incomplete rows
        are dropped item by item (each item keeps its own complete answers, with its
        group label and weight), and the number dropped per item (and group) is in
        ``n_dropped``.

    Returns
    -------
    pandas.DataFrame
        One row per item x (group) x answer, every answer of the scale present
        (zero counts included): ``item``, ``by`` columns, ``answer``, ``label``
        (if given), ``n`` (count), ``pct`` (percent of the item's answers).

    Notes
    -----
    ``pct = 100 * sum of weights with that answer / sum of weights`` per item and
    group; the percentages of each item add up to 100.

    References
    ----------
    Likert, R. (1932). A technique for the measurement of attitudes. *Archives of
    Psychology*, 22(140), 1-55.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame({"q1": [1, 2, 2, 3], "q2": [3, 3, 2, 3]})
    >>> tab = cx.likert_table(answers, items=["q1", "q2"], scale=(1, 3))
    >>> print(tab.to_string(index=False))
    item  answer  n  pct
      q1       1  1 25.0
      q1       2  2 50.0
      q1       3  1 25.0
      q2       1  0  0.0
      q2       2  1 25.0
      q2       3  3 75.0
    """
    low, high = v.check_scale(scale)
    data = v.unique_index(v.check_dataframe(data))  # rows are matched to groups by label
    item_list = v.check_columns(data, items, "items")
    if not item_list:
        raise ValueError("items must name at least one column.")
    answers = list(range(low, high + 1))
    label_map: dict[int, str] | None = None
    if labels is not None:
        if isinstance(labels, Mapping):
            label_map = {int(k): str(val) for k, val in labels.items()}
            unlabelled = [a for a in answers if a not in label_map]
            if unlabelled:
                raise ValueError(f"labels: no label for answer(s) {v.format_values(unlabelled)}.")
        else:
            labels = list(labels)
            if len(labels) != len(answers):
                raise ValueError(
                    f"labels must have one entry per answer {low}-{high} "
                    f"({len(answers)}), got {len(labels)}."
                )
            label_map = dict(zip(answers, map(str, labels), strict=True))
    data = v.likert_as_codes(data, item_list, "items", (low, high))
    v.check_numeric(data, item_list, "items")
    by_cols = v.check_columns(data, by, "by")
    if weights is not None:
        v.check_weights(data, weights)
    if len(data) == 0:
        raise ValueError("data has no rows; at least one answer is needed.")
    frames = []
    for item in item_list:
        needed = [item, *by_cols, *([weights] if weights is not None else [])]
        part = data[needed]
        clean, _ = v.drop_missing(part, needed, missing=missing, argument="items")
        v.check_integer_valued(clean[item], item, "items")
        v.check_range(clean[item], item, "items", low, high)
        if len(clean) == 0:
            raise ValueError(f"items: column {item!r} has no answers left after dropping NaN.")
        for name, g, dropped in _groups(part, clean, by_cols):
            x = g[item].to_numpy(dtype=float)
            w = _weights_of(g, weights, name)
            counts = np.array([(x == a).sum() for a in answers])
            shares = np.array([w[x == a].sum() for a in answers]) / w.sum()
            frame = pd.DataFrame({"answer": answers, "n": counts, "pct": 100 * shares})
            if label_map is not None:
                frame.insert(1, "label", [label_map[a] for a in answers])
            for col, val in reversed(list(zip(by_cols, name, strict=True))):
                frame.insert(0, col, val)
            frame.insert(0, "item", item)
            if missing == "listwise":
                frame["n_dropped"] = dropped
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- two groups


def _check_min_n(level: Any, by: Any, n: float, n_answers: int, weighted: bool, who: str) -> None:
    if n < NPS_TEST_MIN_N:
        size = (
            f"an effective n of {n:.1f} ({n_answers} weighted answers)"
            if weighted
            else f"only {n_answers} answer(s)"
        )
        raise ValueError(
            f"by: group {level!r} of column {by!r} has {size}; {who} needs at least "
            f"{NPS_TEST_MIN_N} per group. Collect more answers or merge groups."
        )


def top_box_test(
    data: pd.DataFrame,
    *,
    score: Hashable,
    by: Hashable,
    levels: Sequence[Any] | None = None,
    scale: tuple[int, int] = (1, 5),
    top: int = 1,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Compare the top-box share of two independent groups (two stores, two waves).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str
        Column with the rating.
    by : str
        Column whose values name the groups.
    levels : pair of values, optional
        The two values of ``by`` to compare, ``(first, second)``; the difference is
        ``second - first``. By default ``by`` must have exactly two values (sorted).
    scale, top : as in :func:`top_box`
        The rating scale and how many of its top answers count.
    weights : str, optional
        Survey weights; the interval then uses Kish's effective n.
    ci : float, default 0.95
        Confidence level of the interval for the difference.
    missing : {"raise", "listwise"}, default "raise"
        As in :func:`top_box`.

    Returns
    -------
    pandas.DataFrame
        One row: ``term``, ``group_1``, ``group_2``, ``n_1``, ``n_2``, ``share_1``,
        ``share_2`` (percent), ``estimate`` (the observed difference in percentage
        points), ``std_error``, ``statistic`` (z), ``p_value``, ``ci_low``, ``ci_high``
        (Agresti-Caffo, see Notes).

    Raises
    ------
    ValueError
        A group with fewer than 10 answers (effective n with weights).

    Notes
    -----
    The plain Wald interval for a difference of proportions covers too rarely in
    small groups and collapses when a group's answers are all in (or all out of) the
    top box. Agresti & Caffo (2000) add one success and one failure to each group:
    :math:`\\tilde p_i = (x_i + 1)/(n_i + 2)`, interval
    :math:`\\tilde p_2 - \\tilde p_1 \\pm z\\sqrt{\\sum_i \\tilde p_i(1-\\tilde p_i)/(n_i+2)}`.
    ``statistic`` is the adjusted difference over its standard error, so
    ``p_value < 1 - ci`` exactly when the interval excludes 0.

    References
    ----------
    Agresti, A., & Caffo, B. (2000). Simple and effective confidence intervals for
    proportions and differences of proportions result from adding two successes and
    two failures. *The American Statistician*, 54(4), 280-288.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxresearch as cx
    >>> answers = pd.DataFrame(
    ...     {"wave": [1] * 12 + [2] * 12, "rating": [5, 4, 3, 5, 2, 4, 4, 3, 5, 1, 4, 3] * 2}
    ... )
    >>> answers.loc[12:16, "rating"] = 5
    >>> res = cx.top_box_test(answers, score="rating", by="wave")
    >>> print(
    ...     res[["term", "share_1", "share_2", "estimate", "p_value"]]
    ...     .round(3)
    ...     .to_string(index=False)
    ... )
     term  share_1  share_2  estimate  p_value
    2 - 1     25.0     50.0      25.0    0.234
    """
    from scipy import stats

    v.check_dataframe(data)
    levels, subset, n_missing_by = _two_levels(data, by, levels, missing, "top_box_test")
    res = top_box(
        subset, score=score, scale=scale, top=top, by=by, weights=weights, ci=ci, missing=missing
    )
    return _share_difference(res, "top_box", by, levels, weights, ci, missing, n_missing_by, stats)


def csat_test(
    data: pd.DataFrame,
    *,
    score: Hashable = "satisfaction",
    by: Hashable,
    levels: Sequence[Any] | None = None,
    scale: tuple[int, int] = (1, 5),
    top: int = 2,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Compare the CSAT (share of the top ``top`` answers) of two independent groups.

    :func:`top_box_test` with the defaults of :func:`csat` (a 1-5 scale, the top two
    answers). Same parameters, result and interval (Agresti & Caffo 2000).

    Examples
    --------
    >>> import cxresearch as cx
    >>> panel = cx.load_dataset("retail_panel")
    >>> res = cx.csat_test(panel, scale=(1, 7), by="store_type", levels=["discounter", "specialty"])
    >>> print(res[["term", "estimate", "ci_low", "ci_high"]].round(2).to_string(index=False))
                      term  estimate  ci_low  ci_high
    specialty - discounter     20.86   18.03    23.65
    """
    from scipy import stats

    v.check_dataframe(data)
    levels, subset, n_missing_by = _two_levels(data, by, levels, missing, "csat_test")
    res = csat(
        subset, score=score, scale=scale, top=top, by=by, weights=weights, ci=ci, missing=missing
    )
    return _share_difference(res, "csat", by, levels, weights, ci, missing, n_missing_by, stats)


def _share_difference(res, column, by, levels, weights, ci, missing, n_missing_by, stats):
    res = res.set_index(by)
    r1, r2 = res.loc[levels[0]], res.loc[levels[1]]
    n_col = "n_eff" if weights is not None else "n"
    who = f"{column}_test" if column == "csat" else "top_box_test"
    for level, r in ((levels[0], r1), (levels[1], r2)):
        _check_min_n(level, by, float(r[n_col]), int(r["n"]), weights is not None, who)
    p1, p2 = float(r1[column]) / 100, float(r2[column]) / 100
    n1, n2 = float(r1[n_col]), float(r2[n_col])
    a1, a2 = (p1 * n1 + 1) / (n1 + 2), (p2 * n2 + 1) / (n2 + 2)
    se = math.sqrt(a1 * (1 - a1) / (n1 + 2) + a2 * (1 - a2) / (n2 + 2))
    z = _z(ci)
    stat = (a2 - a1) / se
    dropped = (
        int(res.get("n_dropped", pd.Series([0])).sum()) + n_missing_by
        if missing == "listwise"
        else None
    )
    return _comparison_row(
        levels,
        int(r1["n"]),
        int(r2["n"]),
        dropped,
        share_1=100 * p1,
        share_2=100 * p2,
        estimate=100 * (p2 - p1),
        std_error=100 * se,
        statistic=stat,
        p_value=float(2 * stats.norm.sf(abs(stat))),
        ci_low=100 * max(-1.0, a2 - a1 - z * se),
        ci_high=100 * min(1.0, a2 - a1 + z * se),
    )


def mean_test(
    data: pd.DataFrame,
    *,
    score: Hashable,
    by: Hashable,
    levels: Sequence[Any] | None = None,
    weights: Hashable | None = None,
    ci: float = 0.95,
    missing: str = "raise",
) -> pd.DataFrame:
    """Compare the mean score of two independent groups (Welch's t test).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    score : str
        A numeric column (a rating, a spend).
    by, levels : as in :func:`top_box_test`
        The group column and the two groups; the difference is ``second - first``.
    weights : str, optional
        Survey weights: weighted means, standard errors from Kish's effective n.
    ci : float, default 0.95
        Confidence level.
    missing : {"raise", "listwise"}, default "raise"
        Missing scores (or group labels, or weights) raise; with ``"listwise"`` those
        rows are dropped and counted in ``n_dropped``.

    Returns
    -------
    pandas.DataFrame
        One row: ``term``, ``group_1``, ``group_2``, ``n_1``, ``n_2``, ``mean_1``,
        ``mean_2``, ``estimate`` (``mean_2 - mean_1``), ``std_error``, ``statistic``
        (t), ``df`` (Welch-Satterthwaite), ``p_value``, ``ci_low``, ``ci_high``.

    Raises
    ------
    ValueError
        A group with fewer than 2 answers, or both groups without any variation (the
        standard error would be 0 and the test meaninglessly confident).

    Notes
    -----
    :math:`t = (\\bar x_2 - \\bar x_1)/\\sqrt{s_1^2/n_1 + s_2^2/n_2}` with
    :math:`\\nu = (s_1^2/n_1 + s_2^2/n_2)^2 / \\sum_i (s_i^2/n_i)^2/(n_i - 1)` degrees of
    freedom (Welch 1947): no equal-variance assumption, nominal coverage with unequal
    groups. Without weights it equals ``scipy.stats.ttest_ind(..., equal_var=False)``.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several
    different population variances are involved. *Biometrika*, 34(1-2), 28-35.

    Examples
    --------
    >>> import cxresearch as cx
    >>> panel = cx.load_dataset("retail_panel")
    >>> res = cx.mean_test(panel, score="spend", by="goal", levels=["utilitarian", "hedonic"])
    >>> print(res[["term", "mean_1", "mean_2", "estimate", "df"]].round(1).to_string(index=False))
                     term  mean_1  mean_2  estimate     df
    hedonic - utilitarian    62.1    84.5      22.4 8313.4
    """
    from scipy import stats

    v.check_dataframe(data)
    levels, subset, n_missing_by = _two_levels(data, by, levels, missing, "mean_test")
    v.check_columns(subset, score, "score")
    v.check_numeric(subset, [score], "score")
    if weights is not None:
        v.check_weights(subset, weights, "weights")
    needed = [score, *([weights] if weights is not None else [])]
    clean, n_dropped = v.drop_missing(subset, needed, missing=missing, argument="score")
    v.check_finite(clean, [score], "score")
    # the test on score / 2**e (one power of two for both groups: exact), in data units
    # at the end: se**4 of scores of 1e80 (or 1e-80) would overflow (underflow) otherwise
    _, e = pow2_rescale(clean[score].to_numpy(dtype=float))
    parts = []
    for level in levels:
        rows = clean.loc[clean[by] == level]
        x = np.ldexp(rows[score].to_numpy(dtype=float), -e)
        w = np.ones(len(x)) if weights is None else rows[weights].to_numpy(dtype=float)
        w = pow2_rescale(w)[0]  # weights count only relative to each other
        if len(x) < 2:
            raise ValueError(
                f"by: group {level!r} of column {by!r} has {len(x)} answer(s); mean_test "
                f"needs at least 2 per group to estimate its variance."
            )
        parts.append((len(x), *_mean_and_se(x, w)))
    (n1, m1, se1, df1), (n2, m2, se2, df2) = parts
    if not (se1 > 0 or se2 > 0):
        raise ValueError(
            f"score: column {score!r} does not vary within either group, so the difference "
            f"of means has no standard error; there is nothing to test."
        )
    se = math.sqrt(se1**2 + se2**2)
    df = (se1**2 + se2**2) ** 2 / (se1**4 / df1 + se2**4 / df2)
    t = (m2 - m1) / se
    crit = float(stats.t.ppf(0.5 + v.check_level(ci) / 2, df))
    dropped = n_dropped + n_missing_by if missing == "listwise" else None
    scaled = [m1, m2, m2 - m1, se, m2 - m1 - crit * se, m2 - m1 + crit * se]
    what = f"score: a mean of column {score!r}"
    m1, m2, diff, se, low, high = (float(x) for x in pow2_restore(scaled, e, what))
    return _comparison_row(
        levels,
        n1,
        n2,
        dropped,
        mean_1=m1,
        mean_2=m2,
        estimate=diff,
        std_error=se,
        statistic=t,
        df=df,
        p_value=float(2 * stats.t.sf(abs(t), df)),
        ci_low=low,
        ci_high=high,
    )
