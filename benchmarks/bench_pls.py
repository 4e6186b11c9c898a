"""Benchmark: cxresearch's PLS path model against seminr-py, in one run.

    python benchmarks/bench_pls.py               # 5,000 resamples (seminr takes ~40 s)
    python benchmarks/bench_pls.py --n-boot 500  # a quick run

The simple corporate-reputation model of Hair et al.'s Primer on ``corp_rep_data``
(missing values replaced by item means, path weighting). Both libraries fit the
same model; the script checks that the point estimates agree to 1e-8, then times

* a single fit: ``cx.pls`` vs ``seminr.estimate_pls`` (target: ratio >= 1);
* the bootstrap: ``PLSResult.bootstrap`` vs ``seminr.bootstrap_model`` with the same
  number of resamples (target: ratio >= 30);
* the floor: one batched NumPy pass -- drawing the resamples and forming their
  correlation matrices, plus one outer-weight update on the whole stack -- which
  any implementation that refits every resample must pay at least once; the
  bootstrap's time over the floor says how close it is.

seminr-py is GPL-3 and used here only as a peer (never imported by cxresearch).
Quote ratios, not seconds: machines are shared.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import cxresearch as cx
from cxresearch import _validate as v
from cxresearch.latent import _algorithm as _pls
from cxresearch.latent.plspm import _resample_indices
from cxresearch.latent.syntax import parse_model

MODEL = json.loads(
    (
        Path(__file__).resolve().parent.parent / "tests/reference/pls_primer_corp_rep.json"
    ).read_text()
)["model"]


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def seminr_model(seminr, spec):
    mm = seminr.constructs(
        *[seminr.composite(c.name, list(c.items), weights=seminr.mode_A) for c in spec.constructs]
    )
    sm = seminr.relationships(*[seminr.paths(from_=a, to=b) for a, b in spec.paths])
    return mm, sm


def floor_pass(fit, n_boot: int, seed: int) -> None:
    """Draw the resamples, form their correlation matrices, one update of the stack."""
    st = _pls.Structure.from_spec(parse_model(fit.model))
    x = fit.items.to_numpy(dtype=float)
    rngs = [v.make_rng(c) for c in v.seed_sequence(seed).spawn(n_boot)]
    idx = _resample_indices(x.shape[0], rngs)
    s, _ = _pls.cov_stack(x, idx, fit.standardized)
    _pls.iterate(s, st, fit.scheme, 1, fit.tol)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import seminr

    data = cx.load_dataset("corp_rep_data")
    spec = parse_model(MODEL)
    items = data[list(spec.items)].astype(float)
    mm, sm = seminr_model(seminr, spec)

    t_ours, fit = best_time(lambda: cx.pls(data, MODEL, missing="mean"), args.repeat)
    t_theirs, ref = best_time(lambda: seminr.estimate_pls(items, mm, sm), args.repeat)
    diff = max(
        abs(row.estimate - ref.path_coef.get(row.source, row.target))
        for row in fit.table.itertuples()
    )
    diff = max(
        diff,
        max(
            abs(row.loading - ref.outer_loadings.get(row.item, row.construct))
            for row in fit.loadings.itertuples()
        ),
    )
    assert diff < 1e-8, diff
    print(f"point estimates: largest |cx - seminr| = {diff:.2e} (paths and loadings)")
    print(
        f"single fit : cx.pls {t_ours * 1e3:8.2f} ms   seminr.estimate_pls {t_theirs * 1e3:8.2f} ms"
    )
    print(f"             ratio (seminr / cx) = {t_theirs / t_ours:.1f}x   (target >= 1x)")

    n = args.n_boot
    t_boot, boot = best_time(lambda: fit.bootstrap(n_boot=n, seed=1), args.repeat)
    start = time.perf_counter()
    sboot = seminr.bootstrap_model(ref, n, seed=1)
    t_sboot = time.perf_counter() - start
    assert boot.n_boot == n and sboot.boots == n
    est = boot.table.query("kind == 'path'")
    for row in est.itertuples():
        a, b = row.term.split(" -> ")
        assert abs(row.estimate - sboot.model.path_coef.get(a, b)) < 1e-8
    print(f"bootstrap  : {n} resamples; identical point estimates (paths, 1e-8)")
    print(f"             cx {t_boot:8.3f} s   seminr.bootstrap_model {t_sboot:8.3f} s")
    print(f"             ratio (seminr / cx) = {t_sboot / t_boot:.0f}x   (target >= 30x)")

    t_floor, _ = best_time(lambda: floor_pass(fit, n, 1), args.repeat)
    print(
        f"floor      : one batched pass (draws + {n} correlation matrices + one update) "
        f"{t_floor:.3f} s; the bootstrap takes {t_boot / t_floor:.1f}x the floor "
        f"({fit.iterations} outer iterations per fit, plus the estimates and HTMT)"
    )


if __name__ == "__main__":
    main()
