"""Benchmark: simulate_panel against a NumPy floor of the same size, in one run.

    python benchmarks/bench_simulate.py                  # 1,000,000 customers x 12 periods
    python benchmarks/bench_simulate.py --n-customers 100000

The floor is the least any simulator of this table must do: draw as many float32 standard
normal numbers as the returned table has numeric cells (integer and float columns; the
categorical and boolean columns are not counted) and run the AR(1) recursion
``x[:, t] = rho * x[:, t-1] + e[:, t]`` over an array of the same customers x periods.
Targets (issue 3): simulate_panel within 3x of the floor's time, and a peak of traced
memory during the simulation at most 2x the returned DataFrame's
``memory_usage(deep=True)``. Peak memory is measured with ``tracemalloc`` (NumPy and
pandas report their buffers to it), in a separate pass from the timing so that tracing
does not slow the timed run. Quote ratios, not seconds: the machines are shared.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc

import numpy as np

from cxresearch.simulate import simulate_panel


def numpy_floor(n_rows: int, n_numeric: int, n_customers: int, n_periods: int, seed: int) -> float:
    """Seconds to draw ``n_rows * n_numeric`` float32 normals plus an AR(1) recursion."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    chunk = 1 << 24  # draw in chunks so that the floor itself does not need the whole table
    buf = np.empty(chunk, dtype=np.float32)
    left = n_rows * n_numeric
    while left > 0:
        k = min(chunk, left)
        rng.standard_normal(k, dtype=np.float32, out=buf[:k])
        left -= k
    x = rng.standard_normal((n_customers, n_periods), dtype=np.float32)
    rho = np.float32(0.4)
    for t in range(1, n_periods):
        col = x[:, t]
        col += rho * x[:, t - 1]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-customers", type=int, default=1_000_000)
    parser.add_argument("--n-periods", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (best is kept)")
    parser.add_argument("--seed", type=int, default=20091)
    args = parser.parse_args()
    n, T = args.n_customers, args.n_periods

    # peak memory, traced (one untimed pass)
    gc.collect()
    tracemalloc.start()
    frame = simulate_panel(n, T, seed=args.seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = int(frame.memory_usage(deep=True).sum())
    n_numeric = frame.select_dtypes("number").shape[1]
    n_rows = len(frame)
    del frame
    gc.collect()

    sim_times, floor_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        frame = simulate_panel(n, T, seed=args.seed)
        sim_times.append(time.perf_counter() - start)
        del frame
        gc.collect()
        floor_times.append(numpy_floor(n_rows, n_numeric, n, T, args.seed))
        gc.collect()
    sim, floor = min(sim_times), min(floor_times)

    print(
        f"simulate_panel({n:,} customers x {T} periods): {n_rows:,} rows, "
        f"{n_numeric} numeric columns, {size / 2**20:,.0f} MiB"
    )
    print(f"simulate_panel time : {sim:8.3f} s (best of {args.repeat})")
    print(f"NumPy floor time    : {floor:8.3f} s ({n_rows * n_numeric:,} float32 normals + AR(1))")
    print(f"time ratio          : {sim / floor:8.2f}x   (target <= 3)")
    print(f"peak traced memory  : {peak / 2**20:,.0f} MiB")
    print(f"memory ratio        : {peak / size:8.2f}x   (peak / DataFrame size; target <= 2)")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (
        1 if sys.platform == "darwin" else 1024
    )
    print(
        f"process max RSS     : {maxrss / 2**20:,.0f} MiB (whole run, interpreter and libraries included)"
    )


if __name__ == "__main__":
    main()
