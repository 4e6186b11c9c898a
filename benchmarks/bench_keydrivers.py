"""Benchmark: exact dominance analysis against the dominance-analysis package, in one run.

    python benchmarks/bench_keydrivers.py                    # n = 2,000; p = 8, 10, 12
    python benchmarks/bench_keydrivers.py --p 8 10 --big 22

For each number of drivers p the peer and cxresearch.dominance_analysis get the same
data; the script checks that the general dominance weights agree to 1e-10 and prints
the time of each and the ratio. The peer is the PyPI package ``dominance-analysis``
(``Dominance(...).incremental_rsquare()``, one scikit-learn regression per subset);
when it is not installed, the naive approach (one statsmodels OLS per subset) stands
in. The naive statsmodels approach is also timed for p <= 10. Then cxresearch alone
runs the exact analysis for ``--big`` drivers (target: p = 20 within 5 s).
Targets (issue 5): equal to 1e-10 for p <= 12, >= 1,000x faster at p = 12.

The peer is not among the project's dependencies (it pins bokeh 2.4, plotly and
cufflinks); install it into the environment to compare: ``pip install dominance-analysis``.

dominance-analysis 1.1.9 imports plotly, cufflinks and bokeh at import time (for its
plots, which are not timed) and its pinned bokeh 2.4 fails on NumPy 2; the script
puts empty stand-ins for those three in ``sys.modules`` before importing it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import sys
import time
import types
import warnings

import numpy as np
import pandas as pd


def make_data(n: int, p: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mix = np.eye(p) + 0.3 * rng.normal(size=(p, p))
    x = rng.normal(size=(n, p)) @ mix
    d = pd.DataFrame(x, columns=[f"driver_{j:02d}" for j in range(p)])
    d["satisfaction"] = x @ rng.uniform(0, 0.5, size=p) + rng.normal(size=n)
    return d


def load_peer():
    """dominance_analysis.Dominance, with its plotting imports stubbed; None if absent."""

    def noop(*args, **kwargs):
        return None

    stubs = {
        "plotly": {},
        "plotly.offline": {"init_notebook_mode": noop, "iplot": noop},
        "cufflinks": {},
        "bokeh": {},
        "bokeh.plotting": {"figure": noop, "show": noop},
        "bokeh.io": {"output_notebook": noop},
        "bokeh.models": {"ColumnDataSource": noop, "LabelSet": noop},
        "bokeh.models.formatters": {"NumeralTickFormatter": noop},
    }
    saved = {name: sys.modules.get(name) for name in stubs}
    for name, attrs in stubs.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        sys.modules[name] = module
    sys.modules["plotly"].offline = sys.modules["plotly.offline"]
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from dominance_analysis import Dominance
    except ImportError:
        return None
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return Dominance


def peer_dominance(Dominance, d: pd.DataFrame, drivers: list[str]) -> np.ndarray:
    frame = d.copy()  # the peer may add columns to its input
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        model = Dominance(data=frame, target="satisfaction", objective=1, top_k=len(drivers))
        weights = model.incremental_rsquare()
    return np.array([weights[j] for j in drivers])


def naive_dominance(d: pd.DataFrame, drivers: list[str]) -> np.ndarray:
    """One statsmodels OLS per subset, then the Shapley average."""
    import statsmodels.api as sm

    y = d["satisfaction"]
    r2 = {(): 0.0}
    for k in range(1, len(drivers) + 1):
        for subset in itertools.combinations(drivers, k):
            r2[subset] = sm.OLS(y, sm.add_constant(d[list(subset)])).fit().rsquared
    p = len(drivers)
    out = []
    for j in drivers:
        others = [o for o in drivers if o != j]
        total = 0.0
        for k in range(p):
            gains = [
                r2[tuple(v for v in drivers if v in s or v == j)] - r2[s]
                for s in itertools.combinations(others, k)
            ]
            total += sum(gains) / len(gains)
        out.append(total / p)
    return np.array(out)


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    from cxresearch.keydrivers import dominance_analysis

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--p", type=int, nargs="+", default=[8, 10, 12])
    parser.add_argument("--big", type=int, default=20, help="drivers for the exact-only run")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of cxresearch")
    parser.add_argument("--seed", type=int, default=20091)
    args = parser.parse_args()

    Dominance = load_peer()
    peer_name = "dominance-analysis" if Dominance is not None else "naive statsmodels"
    print(f"n = {args.n}; peer: {peer_name}")
    print(f"{'p':>3}{'cxresearch':>13}{peer_name:>21}{'ratio':>10}{'naive sm':>11}{'ratio':>9}")
    for p in args.p:
        d = make_data(args.n, p, args.seed)
        drivers = [c for c in d.columns if c != "satisfaction"]

        def ours(d=d, drivers=drivers):
            return dominance_analysis(d, y="satisfaction", x=drivers).table["estimate"].to_numpy()

        ours()  # warm-up
        t_ours, w_ours = best_time(ours, args.repeat)
        if Dominance is not None:
            t_peer, w_peer = best_time(lambda d=d, dr=drivers: peer_dominance(Dominance, d, dr), 1)
        else:
            t_peer, w_peer = best_time(lambda d=d, dr=drivers: naive_dominance(d, dr), 1)
        diff = float(np.max(np.abs(w_ours - w_peer)))
        assert diff < 1e-10, f"p={p}: weights differ by {diff:g}"
        naive = ""
        if p <= 10 and Dominance is not None:
            t_naive, w_naive = best_time(lambda d=d, dr=drivers: naive_dominance(d, dr), 1)
            assert np.max(np.abs(w_ours - w_naive)) < 1e-10
            naive = f"{t_naive:>10.3f}s{t_naive / t_ours:>8.0f}x"
        print(f"{p:>3}{t_ours:>12.4f}s{t_peer:>20.3f}s{t_peer / t_ours:>9.0f}x{naive}")
    d = make_data(args.n, args.big, args.seed)
    t_big, _ = best_time(lambda: dominance_analysis(d, y="satisfaction"), 1)
    print(f"exact dominance with p = {args.big} ({2**args.big - 1:,} subsets): {t_big:.2f}s")
    print("general dominance weights equal to the peer's to 1e-10 at every p")


if __name__ == "__main__":
    main()
