"""cx.simulation_study on joblib and Dask: a 2,000-replication coverage study.

Usage: ``python benchmarks/bench_simulation_study.py [--n-sims 2000] [--n 20000]``

The study: ``n`` customers, CX regressed on five drivers by OLS (NumPy least squares),
the 95% t interval of one slope and whether it covers the true value. Timed:

* joblib ``n_jobs=1`` (in process) and ``n_jobs=2``;
* Dask with 1 and with 2 single-threaded workers, on a ``LocalCluster`` started
  beforehand and reached by its address (the study's own time), plus the time to start
  such a cluster (what ``backend="dask"`` without a scheduler adds);

checks that all four tables are bit-identical, and prints the speed-up of 2 Dask workers
over 1, Dask's overhead against joblib, the per-replication cost and, from them, the
expected wall time of a large study on a 100-worker cluster.

A run on the 2-core development machine (kept here, not in the API docs, which hold
no machine's timings):

Measured with ``benchmarks/bench_simulation_study.py`` on the 2-core development machine
while other jobs were running on it (load average 2-4, so two workers rarely had two
free cores): a 2,000-replication coverage study, OLS on 20,000 simulated customers x 5
drivers, costs *c* = 3.3 ms per replication (6.6 s in one process); one Dask worker took
8.0 s, two 6.9 s (1.15x; joblib with two processes 8.4 s on the same busy machine); all
four tables were bit-identical. Starting a 2-worker ``LocalCluster`` took 0.8-1.9 s. The
Dask overhead against joblib in one process was 1.4 s for 10 tasks, an upper bound of
*o* = 0.14 s per task (connecting the client and shipping the study function included).

On paper, *W* single-threaded workers run *N* replications in batches of *b* in about
:math:`T \approx s + N c / W + (N / b)\\, o / W`, with *s* the start-up (client, cluster,
shipping the function: a few seconds). For 100,000 replications of the study above on
*W* = 100 workers (50 grid points x 2,000; the default batches are then 125
replications, about 8 tasks per worker): 100,000 x 3.3 ms / 100 = 3.3 s of work, 800
tasks x 0.14 s / 100 = 1.1 s of task overhead, plus *s*: about 10 s, against 5.5 minutes
in one process. A heavier study scales the same way: the moderation study
of notebook 05 (a simulated panel and an HC3 fit, about 15 ms per replication) needs
some 25 minutes on one core for 100,000 replications and about 20 s on 100 workers.
"""

from __future__ import annotations

import argparse
import logging
import math
import time

import numpy as np
import pandas as pd
from scipy import stats

import cxresearch as cx

BETA = np.array([0.5, 0.3, -0.2, 0.1, 0.0])


def coverage_study(rng: np.random.Generator, n: int, noise: float) -> dict:
    x = rng.normal(size=(n, 5))
    y = 1.0 + x @ BETA + noise * rng.normal(size=n)
    design = np.column_stack([np.ones(n), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    cov = resid @ resid / (n - 6) * np.linalg.inv(design.T @ design)
    se = math.sqrt(cov[1, 1])
    crit = stats.t.ppf(0.975, n - 6)
    p = 2 * stats.t.sf(abs(coef[1] / se), n - 6)
    return {"estimate": coef[1], "ci_low": coef[1] - crit * se, "ci_high": coef[1] + crit * se,
            "p_value": p}  # fmt: skip


def timed(**kw) -> tuple[float, cx.SimulationStudyResult]:
    t0 = time.perf_counter()
    res = cx.simulation_study(coverage_study, truth=BETA[0], progress=False, **kw)
    return time.perf_counter() - t0, res


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sims", type=int, default=2000)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    grid = {"n": [args.n], "noise": [1.0]}
    common = {"grid": grid, "n_sims": args.n_sims, "seed": 2026}
    times, tables = {}, {}
    for jobs in (1, 2):
        times[f"joblib {jobs}"], res = timed(n_jobs=jobs, **common)
        tables[f"joblib {jobs}"] = res.table
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=logging.ERROR) as cluster:  # fmt: skip
            times[f"dask start {workers}"] = time.perf_counter() - t0
            key = f"dask {workers}"
            times[key], res = timed(backend="dask", scheduler=cluster.scheduler_address, **common)
            tables[key] = res.table
    for table in tables.values():
        pd.testing.assert_frame_equal(table, tables["joblib 1"], check_exact=True)
    per_rep = times["joblib 1"] / args.n_sims
    print(f"{args.n_sims:,} replications, OLS on {args.n:,} customers x 5 drivers")
    for key, t in times.items():
        print(f"  {key:>13}: {t:6.2f} s")
    print("  all four tables bit-identical: yes")
    print(f"  coverage {res.performance['coverage'].iloc[0]:.3f} "
          f"(MC SE {res.performance['coverage_mc_se'].iloc[0]:.3f})")  # fmt: skip
    print(f"  per replication (joblib, 1 process): {1000 * per_rep:.2f} ms")
    print(f"  speed-up, 2 Dask workers over 1: {times['dask 1'] / times['dask 2']:.2f}x")
    print(f"  Dask overhead vs joblib: 1 worker {times['dask 1'] - times['joblib 1']:+.2f} s, "
          f"2 workers {times['dask 2'] - times['joblib 2']:+.2f} s, "
          f"plus {times['dask start 2']:.2f} s to start a 2-worker LocalCluster")  # fmt: skip
    overhead = max(times["dask 1"] - times["joblib 1"], 0.0)
    # batches: simulation_study's default, about 8 tasks per worker (here 1 worker)
    n_tasks = math.ceil(args.n_sims / min(args.n_sims, 200, max(1, math.ceil(args.n_sims / 8))))
    per_task = overhead / n_tasks
    total = 100_000
    tasks_100 = math.ceil(total / 200)
    wall = total * per_rep / 100 + tasks_100 * per_task / 100
    print(f"  per-task overhead about {1000 * per_task:.1f} ms; on paper, {total:,} such "
          f"replications on 100 workers: {wall:.1f} s plus the client's start "
          f"(against {total * per_rep / 60:.1f} min on one core)")  # fmt: skip


if __name__ == "__main__":
    main()
