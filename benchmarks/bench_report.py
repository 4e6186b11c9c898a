"""Benchmark: the `cxresearch report` command against the analyses it runs, called directly.

    python benchmarks/bench_report.py            # cx_survey (1,000 respondents) as .sav
    python benchmarks/bench_report.py --repeat 3

The report reads a survey file, runs the driver model, key-driver ranking,
importance-performance and penalty-reward analyses in a notebook (papermill) and renders
one HTML page (nbconvert). The "peer" here is the same analyses called directly in this
process on the same prepared data: the ratio is the cost of the notebook, the kernel and
the page around the numbers. The old unit test asserted "under 60 s" on the wall clock;
that belongs here, where a slow machine is not mistaken for a slow report. Quote ratios,
not seconds: machines are shared.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

DRIVERS = ["service", "atmosphere", "assortment", "price"]


def direct_calls(prep) -> None:
    import cxresearch as cx

    data = prep.data.dropna(subset=[prep.outcome, *prep.drivers])
    formula = f"{prep.outcome} ~ " + " + ".join(prep.drivers)
    cx.fit_drivers(data, formula, weights=prep.weights, cluster=prep.cluster)
    cx.dominance_analysis(data, y=prep.outcome, x=list(prep.drivers), weights=prep.weights)
    cx.importance_performance(data, y=prep.outcome, x=list(prep.drivers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from test_report import write_survey

    import cxresearch as cx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.sav"
        write_survey(path)
        report_times, direct_times = [], []
        for k in range(args.repeat):
            out = Path(tmp) / f"out{k}"
            command = [sys.executable, "-m", "cxresearch", "report", str(path), "--outcome",
                       "satisfaction", "--drivers", *DRIVERS, "--weights", "weight",
                       "--cluster", "store", "--out", str(out), "--no-progress"]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            report_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            prep = cx.prepare_report(path, outcome="satisfaction", drivers=DRIVERS,
                                     weights="weight", cluster="store")  # fmt: skip
            direct_calls(prep)
            direct_times.append(time.perf_counter() - start)
    report, direct = float(np.min(report_times)), float(np.min(direct_times))
    print(f"cxresearch report, 1,000 respondents: best {report:.1f} s of {args.repeat}")
    print(f"the same analyses called directly:    best {direct:.2f} s")
    print(f"ratio (report / direct): {report / direct:.0f}x")


if __name__ == "__main__":
    main()
