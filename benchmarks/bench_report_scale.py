"""Benchmark: `cxresearch report` on 1,000 and on 1,000,000 respondents, time and memory.

    python benchmarks/bench_report_scale.py                      # 1,000 and 1,000,000
    python benchmarks/bench_report_scale.py --respondents 1000 100000

The survey is the test suite's SPSS file (cx_survey with labelled 1-7 items, a declared
missing code, a reverse-keyed item, an NPS question, stores, store types and weights),
its rows drawn with replacement up to the wanted size (seeded), so every size has the
same structure. Each size runs the command as a user would (a subprocess, the default
1,000 bootstrap resamples, weights, groups and clusters) while the process tree's
resident memory (the command plus its notebook kernel) is sampled every 0.1 s.

The goals (issue 20): 1,000 respondents under 60 s; 1,000,000 under 2 minutes with
peak memory under 4 GB. The ratio to the 1,000 case shows how the cost grows with n.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

DRIVERS = ["service", "atmosphere", "assortment", "price"]


def write(path: Path, n: int) -> None:
    """The test survey's rows drawn with replacement up to ``n`` rows, as ``.sav``."""
    import pyreadstat
    from test_report import write_survey

    small = path.with_name("small.sav")
    write_survey(small)
    data, meta = pyreadstat.read_sav(str(small), user_missing=True)
    rows = np.random.default_rng(2026).integers(0, len(data), n)
    pyreadstat.write_sav(
        data.iloc[rows].reset_index(drop=True),
        str(path),
        column_labels=dict(zip(meta.column_names, meta.column_labels, strict=True)),
        variable_value_labels=meta.variable_value_labels,
        missing_ranges=meta.missing_ranges,
        variable_measure=meta.variable_measure,
    )


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(path: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (GB) of one report run, kernel included."""
    command = [sys.executable, "-m", "cxresearch", "report", str(path), "--outcome",
               "satisfaction", "--drivers", *DRIVERS, "--weights", "weight", "--by",
               "store_type", "--cluster", "store", "--reverse", "atmosphere_3", "--out",
               str(out), "--no-progress"]  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    watched = psutil.Process(child.pid)

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss(watched))
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - start
    watcher.join()
    if child.returncode != 0:
        raise SystemExit(f"report failed: {err.decode()[-2000:]}")
    return seconds, peak[0] / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, nargs="+", default=[1000, 1_000_000])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.respondents:
            path = Path(tmp) / f"survey_{n}.sav"
            write(path, n)
            seconds, gb = run(path, Path(tmp) / f"out_{n}")
            results[n] = seconds
            print(f"{n:>9,} respondents: {seconds:6.1f} s, peak memory {gb:.2f} GB", flush=True)
    first = args.respondents[0]
    for n in args.respondents[1:]:
        print(f"ratio {n:,} / {first:,} respondents: {results[n] / results[first]:.1f}x")


if __name__ == "__main__":
    main()
