"""fit_drivers at a million rows: time and peak memory against the direct statsmodels call.

Usage: ``python benchmarks/bench_fit_drivers.py [--rows 1000000] [--repeat 7] [--panel]``

Each measurement runs in a fresh subprocess (so one call's peak memory cannot hide
another's): the subprocess builds the data (1,000,000 rows x 12 numeric drivers, seed
0), records its peak resident set size (``ru_maxrss``), runs the call once on 5,000 rows to warm up
the imports and then ``--repeat`` times on all rows, timing the first and the fastest run, and reports the peak RSS
again; the CPU time (all threads) is reported next to the wall time because it is less
disturbed by other work on a shared machine. The memory figure compared is the *increase* of the peak over the baseline with
the data in memory (the call's own working memory); the total peak is printed too.

The time ratio to read is the first line of each comparison: both calls alternately,
``--repeat`` times each, in two processes (one starting with each call, see
:func:`alternating` for why the order matters here), the median of the pooled times.
The second line repeats it with numpy's request for transparent huge pages switched
off in both calls: slower, but without the kernel's huge-page lottery, so the steadiest
ratio. Then each call alone in a fresh process: fastest and first run, CPU time, and
peak memory.

Compared, like for like:

* ``fit_drivers(data, formula, robust=None)`` vs ``smf.ols(formula, data).fit()``;
* ``fit_drivers(data, formula)`` (HC3 by default) vs
  ``smf.ols(formula, data).fit(cov_type="HC3")``.

``--panel`` also times ``fit_drivers`` with ``CX_FORMULA`` on a simulated panel
(``--panel-customers`` x 12 quarters) against the direct statsmodels call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import gc, json, resource, sys, time, warnings
    import numpy as np, pandas as pd
    import statsmodels.formula.api as smf
    import cxresearch as cx

    kind, which, rows, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if sys.argv[5] == "off":  # numpy asks the kernel for no transparent huge pages
        np._core.multiarray._set_madvise_hugepage(False)

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    if kind == "drivers":
        rng = np.random.default_rng(0)
        x = rng.normal(size=(rows, 12))
        data = pd.DataFrame(x, columns=[f"d{i}" for i in range(12)])
        data["y"] = x @ np.linspace(-0.5, 0.6, 12) + rng.normal(size=rows)
        del x
        formula = "y ~ " + " + ".join(f"d{i}" for i in range(12))
    else:
        data = cx.simulate_panel(rows, 12, seed=0)
        formula = cx.CX_FORMULA
    gc.collect()
    # warm up imports and caches on a small slice (does not raise the peak much)
    small = data.iloc[:5000]
    smf.ols(formula, small).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cx.fit_drivers(small, formula)
    del small
    gc.collect()
    base = peak_mb()

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rank-deficient seasons etc. are not the point
            if which == "direct":
                return smf.ols(formula, data).fit()
            if which == "direct_hc3":
                return smf.ols(formula, data).fit(cov_type="HC3")
            if which == "fit_drivers":
                return cx.fit_drivers(data, formula, robust=None)
            return cx.fit_drivers(data, formula)

    if which.startswith("interleave:"):  # the two calls alternately, medians of each
        pair = which.split(":")[1:]
        got = {w: [] for w in pair}
        for _ in range(repeat):
            for w in pair:
                which = w
                gc.collect()
                t0 = time.perf_counter()
                run()
                got[w].append(time.perf_counter() - t0)
        print(json.dumps(got))
        sys.exit()
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        del res
        gc.collect()
    out = {"time": min(times), "cpu": min(cpu), "first": times[0], "first_cpu": cpu[0],
           "base_mb": base, "peak_mb": peak_mb()}  # fmt: skip
    print(json.dumps(out))
    """
)


def measure(kind: str, which: str, rows: int, repeat: int, huge: str = "on") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, which, str(rows), str(repeat), huge],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if isinstance(res, dict) and "peak_mb" in res:
        res["extra_mb"] = res["peak_mb"] - res["base_mb"]
    return res


def alternating(kind: str, ours: str, theirs: str, rows: int, repeat: int, huge: str) -> dict:
    """Both calls alternately, in two processes: ours first in one, theirs first in the other.

    The order matters on this machine: with numpy's default request for transparent
    huge pages, every other call that comes *first* in a pair pays about 0.25 s more
    system time (the kernel's huge-page allocation; the same number of page faults,
    each dearer), whichever function it is. Pooling both orders gives each call the
    same share of those hits.
    """
    pooled: dict[str, list[float]] = {ours: [], theirs: []}
    for order in (f"interleave:{ours}:{theirs}", f"interleave:{theirs}:{ours}"):
        got = measure(kind, order, rows, max(repeat, 2), huge)
        for w, t in got.items():
            pooled[w].extend(t)
    return pooled


def compare(kind: str, pairs: list[tuple[str, str]], rows: int, repeat: int) -> None:
    for ours, theirs in pairs:
        for huge, label in (("on", "numpy's default memory"), ("off", "huge pages off")):
            pooled = alternating(kind, ours, theirs, rows, repeat, huge)
            a, b = statistics.median(pooled[ours]), statistics.median(pooled[theirs])
            print(
                f"{ours:>16} vs {theirs:<11} alternating, both orders ({label}), median of "
                f"{len(pooled[ours])}: {a:6.2f} s vs {b:6.2f} s: ratio {a / b:.2f}"
            )
        a = measure(kind, ours, rows, repeat)
        b = measure(kind, theirs, rows, repeat)
        print(
            f"{ours:>16} vs {theirs:<11} time {a['time']:6.2f} s vs {b['time']:6.2f} s "
            f"(ratio {a['time'] / b['time']:.2f}; CPU time ratio {a['cpu'] / b['cpu']:.2f}; "
            f"first call {a['first']:.2f} s vs {b['first']:.2f} s, ratio "
            f"{a['first'] / b['first']:.2f}, CPU {a['first_cpu'] / b['first_cpu']:.2f}); "
            f"working memory {a['extra_mb']:7.0f} MB vs "
            f"{b['extra_mb']:7.0f} MB (ratio {a['extra_mb'] / max(b['extra_mb'], 1):.2f}); total peak "
            f"{a['peak_mb']:.0f} vs {b['peak_mb']:.0f} MB (ratio {a['peak_mb'] / b['peak_mb']:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--panel", action="store_true")
    parser.add_argument("--panel-customers", type=int, default=100_000)
    args = parser.parse_args()
    pairs = [("fit_drivers", "direct"), ("fit_drivers_hc3", "direct_hc3")]
    print(f"{args.rows:,} rows x 12 numeric drivers, OLS (fastest of {args.repeat})")
    compare("drivers", pairs, args.rows, args.repeat)
    if args.panel:
        n = args.panel_customers
        print(f"CX_FORMULA on a simulated panel: {n:,} customers x 12 quarters = {12 * n:,} rows")
        compare("panel", pairs[:1], n, 3)


if __name__ == "__main__":
    main()
