"""Benchmark: cxresearch's PLS path model against seminr-py, in one run.

    python benchmarks/bench_pls.py               # 5,000 resamples (seminr takes ~40 s)
    python benchmarks/bench_pls.py --n-boot 500  # a quick run

The simple corporate-reputation model of Hair et al.'s Primer on ``corp_rep_data``
(missing values replaced by item means, path weighting). Both libraries fit the
same model; the script checks that the point estimates agree to 1e-8, then times

* a single fit: ``cx.pls`` vs ``seminr.estimate_pls`` (target: ratio >= 1);
* the bootstrap: ``PLSResult.bootstrap`` vs ``seminr.bootstrap_model`` with the same
  number of resamples (target: ratio >= 30);
* the bootstrap of a moderated model (mobi: SAT ~ IMAG + EXPE + IMAG:EXPE, two-stage
  interaction, rebuilt in every resample; seminr's ``interaction_term(two_stage)``),
  5,000 resamples (target: ratio >= 30);
* the bootstrap of the simple model with consistent PLS (PLSc: reflective constructs,
  seminr's ``reflective()``), 5,000 resamples (target: ratio >= 30);
* PLSpredict, 10 folds x 10 repetitions (seminr's ``predict_pls`` run once per
  repetition with the same row order; target: ratio >= 10);
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
    parser.add_argument("--only", choices=["basic", "moderated", "plsc", "predict"], default=None)
    args = parser.parse_args()
    import seminr

    data = cx.load_dataset("corp_rep_data")
    spec = parse_model(MODEL)
    if args.only in (None, "moderated"):
        bench_moderated(seminr, args.n_boot, args.repeat)
    if args.only in (None, "plsc"):
        bench_plsc(seminr, data, spec, args.n_boot, args.repeat)
    if args.only in (None, "predict"):
        bench_predict(seminr, data, spec, 10, 10, args.repeat)
    if args.only not in (None, "basic"):
        return
    items = data[list(spec.items)].astype(float)
    mm, sm = seminr_model(seminr, spec)

    t_ours, fit = best_time(lambda: cx.pls(data, MODEL, missing="mean"), args.repeat)
    t_theirs, ref = best_time(lambda: seminr.estimate_pls(items, mm, sm), args.repeat)
    diff = max(
        abs(row.estimate - ref.path_coef.get(row.rhs, row.lhs)) for row in fit.table.itertuples()
    )
    diff = max(
        diff,
        max(
            abs(row.loading - ref.outer_loadings.get(row.rhs, row.lhs))
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
        assert abs(row.estimate - sboot.model.path_coef.get(row.rhs, row.lhs)) < 1e-8
    print(f"bootstrap  : {n} resamples; identical point estimates (paths, 1e-8)")
    print(f"             cx {t_boot:8.3f} s   seminr.bootstrap_model {t_sboot:8.3f} s")
    print(f"             ratio (seminr / cx) = {t_sboot / t_boot:.0f}x   (target >= 30x)")

    t_floor, _ = best_time(lambda: floor_pass(fit, n, 1), args.repeat)
    print(
        f"floor      : one batched pass (draws + {n} correlation matrices + one update) "
        f"{t_floor:.3f} s; the bootstrap takes {t_boot / t_floor:.1f}x the floor "
        f"({fit.iterations} outer iterations per fit, plus the estimates and HTMT)"
    )


def bench_plsc(seminr, data, spec, n: int, repeat: int) -> None:
    """Bootstrap of the PLSc model: cx vs seminr's reflective() constructs."""
    mm = seminr.constructs(*[seminr.reflective(c.name, list(c.items)) for c in spec.constructs])
    sm = seminr.relationships(*[seminr.paths(from_=a, to=b) for a, b in spec.paths])
    ref = seminr.estimate_pls(data[list(spec.items)].astype(float), mm, sm)
    fit = cx.pls(data, MODEL, missing="mean", consistent=True)
    diff = max(
        abs(row.estimate - ref.path_coef.get(row.rhs, row.lhs)) for row in fit.table.itertuples()
    )
    assert diff < 1e-8, diff
    t_ours, boot = best_time(lambda: fit.bootstrap(n_boot=n, seed=1), repeat)
    idx = _resample_indices(len(data), [v.make_rng(c) for c in v.seed_sequence(1).spawn(n)])
    start = time.perf_counter()
    sboot = seminr.bootstrap_model(ref, n, indices=idx)
    t_theirs = time.perf_counter() - start
    worst = max(
        abs(boot.draws[f"path: {row.term}"].iloc[b] - sboot.boot_paths[b].get(row.rhs, row.lhs))
        for row in fit.table.itertuples()
        for b in range(0, n, max(1, n // 50))
    )
    assert boot.n_redrawn == 0 and sboot.fails == 0 and worst < 1e-8, worst
    print(f"PLSc boot  : {n} resamples, same resamples: paths equal to {worst:.1e}")
    print(f"             cx {t_ours:8.3f} s   seminr.bootstrap_model {t_theirs:8.3f} s")
    print(f"             ratio (seminr / cx) = {t_theirs / t_ours:.0f}x   (target >= 30x)")


MODERATED = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
SAT  =~ CUSA1 + CUSA2 + CUSA3
SAT ~ IMAG + EXPE + IMAG:EXPE
"""


def bench_moderated(seminr, n: int, repeat: int) -> None:
    """Bootstrap of a two-stage moderated model: cx vs seminr's interaction_term."""
    data = cx.load_dataset("mobi")
    mm = seminr.constructs(
        seminr.composite("IMAG", [f"IMAG{i}" for i in range(1, 6)]),
        seminr.composite("EXPE", ["CUEX1", "CUEX2", "CUEX3"]),
        seminr.composite("SAT", ["CUSA1", "CUSA2", "CUSA3"]),
        seminr.interaction_term(iv="IMAG", moderator="EXPE", method=seminr.two_stage),
    )
    sm = seminr.relationships(seminr.paths(from_=["IMAG", "EXPE", "IMAG*EXPE"], to="SAT"))
    ref = seminr.estimate_pls(data, mm, sm)
    fit = cx.pls(data, MODERATED)
    t_ours, boot = best_time(lambda: fit.bootstrap(n_boot=n, seed=1), repeat)
    idx = _resample_indices(len(data), [v.make_rng(c) for c in v.seed_sequence(1).spawn(n)])
    start = time.perf_counter()
    sboot = seminr.bootstrap_model(ref, n, indices=idx)
    t_theirs = time.perf_counter() - start
    worst = max(
        abs(
            boot.draws[f"path: {row.term}"].iloc[b]
            - sboot.boot_paths[b].get(row.rhs.replace(":", "*"), row.lhs)
        )
        for row in fit.table.itertuples()
        for b in range(0, n, max(1, n // 50))
    )
    assert boot.n_redrawn == 0 and sboot.fails == 0 and worst < 1e-8, worst
    print(f"moderated  : {n} resamples (two-stage), same resamples: paths equal to {worst:.1e}")
    print(f"             cx {t_ours:8.3f} s   seminr.bootstrap_model {t_theirs:8.3f} s")
    print(f"             ratio (seminr / cx) = {t_theirs / t_ours:.0f}x   (target >= 30x)")


def bench_predict(seminr, data, spec, folds: int, reps: int, repeat: int) -> None:
    """PLSpredict, folds x repetitions: cx vs seminr.predict_pls once per repetition."""
    mm, sm = seminr_model(seminr, spec)
    ref = seminr.estimate_pls(data[list(spec.items)].astype(float), mm, sm)
    fit = cx.pls(data, MODEL, missing="mean")
    t_ours, ours = best_time(lambda: fit.predict(folds, reps, seed=1), repeat)
    rng = v.make_rng(1)
    orders = [rng.permutation(len(data)) for _ in range(reps)]
    start = time.perf_counter()
    runs = [seminr.predict_pls(ref, no_folds=folds, ordering=o) for o in orders]
    t_theirs = time.perf_counter() - start
    item = ours.table["item"].iloc[-1]
    want = np.mean([r.items.pls_out_of_sample.column(item) for r in runs], axis=0)
    worst = float(np.abs(ours.predictions[f"pls: {item}"].to_numpy() - want).max())
    assert worst < 1e-8, worst
    print(f"PLSpredict : {folds} folds x {reps} repetitions; predictions equal to {worst:.1e}")
    print(f"             cx {t_ours:8.3f} s   seminr.predict_pls x {reps} {t_theirs:8.3f} s")
    print(f"             ratio (seminr / cx) = {t_theirs / t_ours:.0f}x   (target >= 10x)")


if __name__ == "__main__":
    main()
