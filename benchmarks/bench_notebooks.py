"""The notebooks' time budget, on a calibrated machine.

    python benchmarks/bench_notebooks.py                 # every notebook
    python benchmarks/bench_notebooks.py notebooks/05-moderators.ipynb

Instructors need notebooks that run quickly: each should run in ``BUDGET`` seconds
(60) on the development machine. ``make run`` and ``make notebooks`` only warn about a
slow notebook, because a slow or busy machine is not a slow notebook. This script is
where the budget is enforced: it first times a fixed reference workload (linear algebra,
a pandas group-by and a statsmodels fit, the kinds of work the notebooks do), scales the
budget by how much slower than the development machine this one is, then executes each
notebook and exits with status 1 if any takes longer than the scaled budget.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402

#: Best time of the reference workload on the 2-core development machine (measured with
#: this script; the budget is scaled by this machine's time over it).
REFERENCE_SECONDS = 0.60


def reference_workload() -> float:
    """Best of three runs of a fixed mix of the notebooks' kinds of work, in seconds."""
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    a = rng.normal(size=(1500, 1500))
    frame = pd.DataFrame({"g": rng.integers(0, 5_000, 3_000_000), "x": rng.normal(size=3_000_000)})
    x = sm.add_constant(rng.normal(size=(300_000, 12)))
    y = x @ rng.normal(size=13) + rng.normal(size=300_000)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        np.linalg.inv(a @ a.T + np.eye(1500))
        frame.groupby("g")["x"].agg(["mean", "std", "count"])
        sm.OLS(y, x).fit(cov_type="HC3")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    measured = reference_workload()
    factor = max(1.0, measured / REFERENCE_SECONDS)
    budget = course.BUDGET * factor
    print(f"reference workload: {measured:.2f} s here, {REFERENCE_SECONDS:.2f} s on the "
          f"development machine: budget {course.BUDGET:.0f} s x {factor:.2f} = {budget:.0f} s")  # fmt: skip
    over = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            start = time.perf_counter()
            course.run_notebook(nb, path.parent)
            elapsed = time.perf_counter() - start
            nbformat.write(nb, Path(tmp) / path.name)  # the repository's copy is untouched
            flag = "  OVER" if elapsed > budget else ""
            print(f"{path.name:45s} {elapsed:6.1f} s  ({elapsed / budget:.0%} of budget){flag}")
            if flag:
                over.append(path.name)
    if over:
        print(f"over the scaled budget: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
