"""Monte Carlo simulation studies over a grid, on joblib or a Dask cluster.

A simulation study repeats one small experiment many times: simulate data with known
truth, estimate, record the estimate, its interval and its test (Morris, White &
Crowther 2019). :func:`simulation_study` runs a user's function over a grid of
settings (effect sizes x sample sizes ...) times ``n_sims`` replications and returns
every replication as one tidy row plus a summary per grid point: mean and SD of the
estimate, its Monte Carlo standard error, bias and RMSE against a stated truth, the
coverage of the intervals and the rejection rate, each with its Monte Carlo SE.

Reproducibility does not depend on where the work runs. Replication *r* of a grid point
uses the random stream ``SeedSequence(seed, spawn_key=(*key(point), r))``, where
``key(point)`` turns each value of the point into a whole number (a non-negative
integer is itself; any other value is a 64-bit hash of its type and ``repr``, offset
past ``2**64`` so it never equals an integer value). The stream of a replication thus
depends only on ``seed``, the point's values and ``r``: not on the backend, the number of
workers, the batching, the order of the grid or which other points are in it. Each
batch runs with one BLAS thread (``threadpoolctl``), so the arithmetic is the same in
the main process, in a joblib worker and in a Dask worker: the tables are bit-identical.

Running on a cluster
--------------------
``backend="dask"`` sends batches of replications to ``dask.distributed``: with
``scheduler=None`` to a ``LocalCluster`` of single-threaded worker processes on this
machine, with ``scheduler="tcp://host:8786"`` to an existing cluster. Tasks are
submitted with retries and are not marked pure, so a worker that dies mid-study costs
only the batches it was running; the scheduler reruns them elsewhere (same seeds, same
rows).

How long a study takes on *W* single-threaded workers: with *c* the cost of one
replication, *o* the overhead of one task (a batch of *b* replications) and *s* the
start-up (client, cluster, shipping the function), *N* replications take about
:math:`T \\approx s + N c / W + (N / b)\\, o / W`. ``benchmarks/bench_simulation_study.py``
measures *c*, *o* and *s* on the machine it runs on and prints *T* for a large cluster.

References
----------
Morris, T. P., White, I. R., & Crowther, M. J. (2019). Using simulation studies to
evaluate statistical methods. *Statistics in Medicine*, 38(11), 2074-2102.

Koehler, E., Brown, E., & Haneuse, S. J.-P. A. (2009). On the assessment of Monte Carlo
error in simulation-based statistical analyses. *The American Statistician*, 63(2),
155-162.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._result import Result

__all__ = ["SimulationStudyResult", "simulation_study"]

_BACKENDS = ("joblib", "dask")
_RETRIES = 3  # resubmissions of a batch whose task failed (a dead worker is rerun anyway)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class SimulationStudyResult(Result):
    """What :func:`simulation_study` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per replication, sorted by grid point (in the grid's order) and then
        ``replication``: the grid columns, ``replication`` (0, 1, ...) and the study
        function's outputs.
    performance : pandas.DataFrame
        One row per grid point: the grid columns, ``n_sims``, ``n_missing`` (replications
        whose estimate is missing), and for the ``estimate`` output ``mean``, ``sd``,
        ``mean_mc_se`` (``sd / sqrt(n)``); with a ``truth``: ``truth``, ``bias``,
        ``bias_mc_se``, ``rmse``; with interval outputs and a truth: ``coverage`` and
        ``coverage_mc_se``; with a p-value output: ``rejection_rate`` and
        ``rejection_mc_se`` (a test rejects when ``p < 1 - ci``). Columns that cannot be
        computed are left out.
    n_sims : int
        Replications per grid point.
    n_points : int
        Grid points.
    backend : str
        ``"joblib"`` or ``"dask"``.
    """

    performance: pd.DataFrame
    n_sims: int
    n_points: int
    backend: str

    _title = "Simulation study"

    def _summary_tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("performance per grid point (.performance)", self.performance)]

    def __repr__(self) -> str:
        head = ", ".join(f"{k}={v!r}" for k, v in self._scalars().items())
        return (
            f"{type(self).__name__}({head}, {len(self.table)} rows in .table)\n"
            f"{self.performance.head(8).round(4).to_string(index=False)}"
            + (
                f"\n... {len(self.performance) - 8} more grid points"
                if len(self.performance) > 8
                else ""
            )
        )


# --------------------------------------------------------------------------- seeds


def _key_part(value: Any) -> int:
    """A whole number standing for one grid value in the replication's spawn key."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        if value >= 0:
            return int(value)
    if isinstance(value, np.generic):
        value = value.item()
    text = f"{type(value).__name__}:{value!r}".encode()
    return 2**64 + int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def _replication_seed(
    seed: np.random.SeedSequence, point: Mapping[str, Any], replication: int
) -> np.random.SeedSequence:
    """The ``SeedSequence`` of one replication of one grid point (see the module notes)."""
    key = (*seed.spawn_key, *(_key_part(x) for x in point.values()), replication)
    return np.random.SeedSequence(seed.entropy, spawn_key=key)


# --------------------------------------------------------------------------- the work


def _run_batch(
    study: Callable[..., Mapping[str, Any]],
    point: dict[str, Any],
    reps: Sequence[int],
    seed: np.random.SeedSequence,
) -> list[Any]:
    """Run replications ``reps`` of one grid point on one BLAS thread."""
    from threadpoolctl import threadpool_limits

    out = []
    with threadpool_limits(limits=1, user_api="blas"):
        for r in reps:
            rng = v.make_rng(_replication_seed(seed, point, r))
            out.append(study(rng, **point))
    return out


def _batches(points: list[dict[str, Any]], n_sims: int, size: int) -> list[tuple[int, list[int]]]:
    return [
        (i, list(range(start, min(start + size, n_sims))))
        for i in range(len(points))
        for start in range(0, n_sims, size)
    ]


def _auto_batch(n_points: int, n_sims: int, workers: int) -> int:
    """About 8 tasks per worker, at most 200 replications per task."""
    per_task = math.ceil(n_points * n_sims / (8 * max(1, workers)))
    return int(min(n_sims, 200, max(1, per_task)))


def _n_workers(n_jobs: int) -> int:
    cores = os.cpu_count() or 1
    return cores if n_jobs < 0 else n_jobs


def _run_joblib(study, points, tasks, seed, n_jobs, bar) -> dict[int, list[Any]]:
    from joblib import Parallel, delayed

    runner = Parallel(n_jobs=n_jobs, return_as="generator")
    results = runner(delayed(_run_batch)(study, points[i], reps, seed) for i, reps in tasks)
    done: dict[int, list[Any]] = {}
    for k, rows in enumerate(results):
        done[k] = rows
        bar.update(len(rows))
    return done


def _dask_client(scheduler: str | None, n_jobs: int) -> tuple[Any, Any]:
    """A ``distributed.Client`` (and the ``LocalCluster`` it owns, or None)."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=_n_workers(n_jobs),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def _run_dask(study, points, tasks, seed, client, bar) -> dict[int, list[Any]]:
    from distributed import as_completed

    # The study travels inside each task rather than scattered once: a scattered copy
    # lives only on the workers, and if every worker holding it dies (two die at once on
    # a busy machine) the remaining tasks fail for a lost dependency instead of rerunning.
    futures = {
        client.submit(_run_batch, study, points[i], reps, seed, retries=_RETRIES, pure=False): k
        for k, (i, reps) in enumerate(tasks)
    }
    done: dict[int, list[Any]] = {}
    for future in as_completed(futures):
        rows = future.result()
        done[futures[future]] = rows
        bar.update(len(rows))
    return done


# --------------------------------------------------------------------------- tables


def _table(
    points: list[dict[str, Any]],
    tasks: list[tuple[int, list[int]]],
    done: dict[int, list[Any]],
    columns: list[str],
) -> pd.DataFrame:
    records = []
    for k, (i, reps) in enumerate(tasks):
        for r, row in zip(reps, done[k], strict=True):
            where = ", ".join(f"{c}={points[i][c]!r}" for c in columns)
            row = v.check_study_row(row, f"study at grid point ({where}), replication {r}")
            clash = [key for key in row if key in columns or key == "replication"]
            if clash:
                raise ValueError(
                    f"study: the output key {clash[0]!r} at grid point ({where}) is also a "
                    f"grid column or 'replication'; rename the output."
                )
            records.append({**points[i], "replication": r, **row})
    # the tasks are in grid order and then replication order: so are the rows
    return pd.DataFrame.from_records(records)


def _share(hit: np.ndarray) -> tuple[float, float]:
    n = len(hit)
    p = float(hit.mean()) if n else math.nan
    return p, math.sqrt(p * (1 - p) / n) if n else math.nan


def _summary_row(part: pd.DataFrame, names: dict[str, Any], truth: Any, ci: float) -> dict:
    row: dict[str, Any] = {"n_sims": len(part)}
    est_col = names["estimate"]
    if est_col is not None:
        est = part[est_col].to_numpy(dtype=float)
        ok = ~np.isnan(est)
        e = est[ok]
        n = len(e)
        sd = float(np.std(e, ddof=1)) if n > 1 else math.nan
        row.update(n_missing=int((~ok).sum()), mean=float(e.mean()) if n else math.nan, sd=sd)
        row["mean_mc_se"] = sd / math.sqrt(n) if n else math.nan
    if truth is not None:
        t = (
            part[truth].to_numpy(dtype=float)
            if isinstance(truth, str)
            else np.full(len(part), truth)
        )
        row["truth"] = float(t[0]) if np.all(t == t[0]) else float(np.mean(t))
        if est_col is not None:
            err = (est - t)[ok]
            row["bias"] = float(err.mean()) if len(err) else math.nan
            row["bias_mc_se"] = row["mean_mc_se"]
            row["rmse"] = float(np.sqrt(np.mean(err**2))) if len(err) else math.nan
        if names["interval"] is not None:
            lo, hi = (part[c].to_numpy(dtype=float) for c in names["interval"])
            row["coverage"], row["coverage_mc_se"] = _share((lo <= t) & (t <= hi))
    if names["p_value"] is not None:
        p = part[names["p_value"]].to_numpy(dtype=float)
        row["rejection_rate"], row["rejection_mc_se"] = _share(np.nan_to_num(p, nan=1.0) < 1 - ci)
    return row


def _summary(
    table: pd.DataFrame, points: list[dict[str, Any]], names: dict[str, Any], truth: Any, ci: float
) -> pd.DataFrame:
    n_sims = len(table) // len(points)  # the table holds n_sims rows per point, in grid order
    rows = [
        {**point, **_summary_row(table.iloc[k * n_sims : (k + 1) * n_sims], names, truth, ci)}
        for k, point in enumerate(points)
    ]
    return pd.DataFrame(rows)


def _output_names(
    table: pd.DataFrame, columns: list[str], estimate: Any, truth: Any, interval: Any, p_value: Any
) -> tuple[dict[str, Any], Any]:
    """Which outputs the summary uses; a name given explicitly must exist."""
    available = [c for c in table.columns if c not in columns and c != "replication"]

    def pick(value: Any, default: Any, argument: str) -> Any:
        if value is None:
            return None
        wanted = [value] if isinstance(value, str) else list(value)
        missing = [w for w in wanted if w not in table.columns]
        if missing and value == default:
            return None  # the default name is optional
        if missing:
            raise ValueError(
                f"{argument}: the study returns no output {missing[0]!r}; its outputs are "
                f"{v.format_values(available, 12)}."
            )
        return value

    names = {
        "estimate": pick(estimate, "estimate", "estimate"),
        "interval": pick(interval, ("ci_low", "ci_high"), "interval"),
        "p_value": pick(p_value, "p_value", "p_value"),
    }
    if isinstance(truth, str):
        truth = pick(truth, None, "truth")
    return names, truth


# --------------------------------------------------------------------------- the function


def simulation_study(
    study: Callable[..., Mapping[str, Any]],
    grid: Mapping[str, Sequence[Any]] | pd.DataFrame,
    *,
    n_sims: int,
    seed: int | np.random.Generator | np.random.SeedSequence | None,
    backend: str = "joblib",
    scheduler: str | None = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    estimate: str | None = "estimate",
    truth: float | str | None = None,
    interval: tuple[str, str] | None = ("ci_low", "ci_high"),
    p_value: str | None = "p_value",
    ci: float = 0.95,
    progress: bool = True,
    label: str = "simulation study",
) -> SimulationStudyResult:
    """Run a Monte Carlo study: a function of (rng, settings) over a grid x ``n_sims``.

    Parameters
    ----------
    study : callable
        ``study(rng, **point) -> dict``: simulate one data set with the NumPy Generator
        ``rng`` (seeded for this replication; its ``SeedSequence`` is
        ``rng.bit_generator.seed_seq``) and one grid point's values as keyword
        arguments, estimate, and return a dict of scalars (numbers, booleans, strings,
        None), e.g. ``{"estimate": b, "ci_low": lo, "ci_high": hi, "p_value": p}``.
        For ``n_jobs > 1`` and Dask it must be picklable (cloudpickle: a function
        defined in a notebook works).
    grid : dict of lists, or DataFrame
        The settings. A dict of lists is crossed (every combination, the first key
        varying slowest); a DataFrame gives the points row by row. Its keys/columns are
        the keyword arguments of ``study``.
    n_sims : int
        Replications per grid point.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Root of every replication's stream (see the module notes). Required: pass
        ``None`` explicitly for a fresh, irreproducible run.
    backend : {"joblib", "dask"}, default "joblib"
        Where the batches run: joblib processes on this machine, or ``dask.distributed``.
    scheduler : str, optional
        Dask only: the address of a running scheduler (``"tcp://host:8786"``). Without
        it a ``LocalCluster`` of single-threaded worker processes is started and closed.
    n_jobs : int, optional
        joblib workers (default 1; -1 = all cores), or the workers of the
        ``LocalCluster`` (default: all cores). Ignored with a ``scheduler``.
    batch_size : int, optional
        Replications per task. Default: about 8 tasks per worker, at most 200.
        Results do not depend on it.
    estimate : str or None, default "estimate"
        The output summarised by ``mean``, ``sd``, ``bias`` and ``rmse``.
    truth : float or str, optional
        The true value: a number, or the name of a grid column or an output (e.g. the
        effect size the point simulates). Without it there is no bias, RMSE or coverage.
    interval : (str, str) or None, default ("ci_low", "ci_high")
        The outputs holding the interval whose coverage of ``truth`` is reported.
    p_value : str or None, default "p_value"
        The output holding a test's p-value; ``rejection_rate`` is the share of
        replications with ``p < 1 - ci`` (the power, or the size when the truth is 0).
    ci : float, default 0.95
        The confidence level the intervals and tests are read at.
    progress : bool, default True
        A tqdm progress bar (in notebooks the widget one).
    label : str, default "simulation study"
        The progress bar's label.

    Default output names (``estimate``, ``ci_low``/``ci_high``, ``p_value``) are used
    when the study returns them and skipped otherwise; a name given explicitly must be
    an output.

    Returns
    -------
    SimulationStudyResult
        ``.table`` one row per replication, ``.performance`` one row per grid point (see
        :class:`SimulationStudyResult`).

    Raises
    ------
    TypeError
        ``study`` not callable, a grid that is not a dict of lists or a DataFrame, a
        study that does not return a dict of scalars (the message names the grid point,
        the replication and the key).
    ValueError
        An empty grid or an empty list in it, grid keys that ``study`` does not take,
        ``n_sims < 1``, an unknown ``backend``, ``scheduler`` with joblib, an output
        name that the study does not return.

    Notes
    -----
    For each grid point with replications :math:`\\hat\\theta_1, \\dots,
    \\hat\\theta_R`: mean :math:`\\bar\\theta`, SD :math:`s`, Monte Carlo SE of the mean
    and of the bias :math:`s/\\sqrt R`; RMSE :math:`\\sqrt{\\frac1R \\sum(\\hat\\theta_r
    - \\theta)^2}`; coverage :math:`\\hat c = \\frac1R \\sum 1[l_r \\le \\theta \\le u_r]`
    and rejection rate :math:`\\hat p = \\frac1R\\sum 1[p_r < 1 - \\mathrm{ci}]`, each
    with Monte Carlo SE :math:`\\sqrt{\\hat c(1-\\hat c)/R}` (Morris et al. 2019,
    Table 6). Replications with a missing estimate are left out of the mean, SD, bias
    and RMSE (counted in ``n_missing``); a missing interval does not cover and a
    missing p-value does not reject.

    Examples
    --------
    The sample mean of normal data, its 95% t interval and a t-test of mean 0:

    >>> from scipy import stats
    >>> def mean_study(rng, n, mu):
    ...     x = rng.normal(mu, 1.0, size=n)
    ...     t = stats.ttest_1samp(x, 0.0)
    ...     lo, hi = t.confidence_interval(0.95)
    ...     return {"estimate": x.mean(), "ci_low": lo, "ci_high": hi, "p_value": t.pvalue}
    >>> res = simulation_study(
    ...     mean_study,
    ...     {"n": [20, 80], "mu": [0.0, 0.5]},
    ...     n_sims=200,
    ...     seed=1,
    ...     truth="mu",
    ...     progress=False,
    ... )
    >>> res.performance[["n", "mu", "mean", "coverage", "rejection_rate"]].round(3)
        n   mu   mean  coverage  rejection_rate
    0  20  0.0 -0.023     0.965           0.035
    1  20  0.5  0.513     0.950           0.565
    2  80  0.0 -0.008     0.945           0.055
    3  80  0.5  0.499     0.960           1.000
    >>> res.table.shape
    (800, 7)
    """
    study = v.check_callable(study, "study", "study(rng, **point) -> dict")
    points, columns = v.check_grid(grid, "grid")
    v.check_accepts(study, ["rng", *columns], "grid", "study")
    n_sims = v.check_integer(n_sims, "n_sims", low=1)
    root = v.seed_sequence(seed)
    backend = v.check_one_of(backend, _BACKENDS, "backend")
    if scheduler is not None and (backend != "dask" or not isinstance(scheduler, str)):
        raise ValueError(
            f"scheduler: give a scheduler address such as 'tcp://host:8786' (a string) with "
            f"backend='dask', got scheduler={scheduler!r} with backend={backend!r}."
        )
    n_jobs = (1 if backend == "joblib" else -1) if n_jobs is None else v.check_n_jobs(n_jobs)
    if batch_size is not None:
        batch_size = v.check_integer(batch_size, "batch_size", low=1)
    ci = v.check_level(ci)
    progress = v.check_bool(progress, "progress")
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {label!r}.")
    if truth is not None and not isinstance(truth, str):
        truth = v.check_number(truth, "truth")

    bar = (progress, label)
    done, tasks = _execute(study, points, n_sims, root, backend, scheduler, n_jobs, batch_size, bar)
    table = _table(points, tasks, done, columns)
    names, truth = _output_names(table, columns, estimate, truth, interval, p_value)
    return SimulationStudyResult(
        table=table,
        performance=_summary(table, points, names, truth, ci),
        n_sims=n_sims,
        n_points=len(points),
        backend=backend,
    )


def _execute(study, points, n_sims, root, backend, scheduler, n_jobs, batch_size, progress):
    """Run every batch; return ``{task index: rows}`` and the task list.

    ``progress`` is (show the bar, its label).
    """
    from tqdm.auto import tqdm

    bar = tqdm(total=len(points) * n_sims, disable=not progress[0], desc=progress[1], unit="sim")
    with bar:
        if backend == "joblib":
            size = batch_size or _auto_batch(len(points), n_sims, _n_workers(n_jobs))
            tasks = _batches(points, n_sims, size)
            return _run_joblib(study, points, tasks, root, n_jobs, bar), tasks
        client, cluster = _dask_client(scheduler, n_jobs)
        try:
            workers = len(client.scheduler_info()["workers"]) or 1
            size = batch_size or _auto_batch(len(points), n_sims, workers)
            tasks = _batches(points, n_sims, size)
            return _run_dask(study, points, tasks, root, client, bar), tasks
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
