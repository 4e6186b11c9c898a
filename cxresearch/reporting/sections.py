"""The report's analyses and its sections, as functions the template notebook calls.

:func:`analyse` runs every analysis of the report once on the prepared data
(:func:`cxresearch.prepare_report`) and returns a :class:`Findings`; each section
function turns findings into a :class:`Section` (its HTML, escaped, and the tables it
shows), in English, Persian or Russian. :class:`Page` calls them in order and keeps
every table for ``report.json``. The template notebook only calls these, so a user can
open ``report.ipynb`` and rerun or extend one section.

Examples
--------
>>> import tempfile, pathlib
>>> import cxresearch as cx
>>> from cxresearch.reporting import sections
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
>>> prep = cx.prepare_report(
...     folder / "survey.csv", outcome="loyalty", drivers=["service", "price", "atmosphere"]
... )
>>> findings = sections.analyse(prep, n_boot=50, seed=1)
>>> first = sections.summary(findings)
>>> first.title, sorted(first.tables)
('At a glance', ['summary'])
>>> first.tables["summary"]["statement"].tolist()
['respondents', 'outcome_mean', 'driver', 'driver', 'driver', 'fix_first']
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from .. import _validate as v
from ..keydrivers import dominance_analysis, importance_performance, penalty_reward
from ..metrics import csat, csat_test, nps, nps_test
from ..models import fit_drivers
from ..reliability import cronbach_alpha, reliability_table
from ..survey import missing_report
from ..tables import format_p
from . import _figures
from ._html import _figure_html, _Number, _Safe, _table_html
from ._prepare import ReportData, _formula
from ._text import LANGUAGES, check_lang, plain, text

__all__ = [
    "APPENDIX",
    "Findings",
    "Page",
    "Section",
    "about_section",
    "analyse",
    "appendix",
    "data_section",
    "heading",
    "ipa_section",
    "kano_section",
    "metrics_section",
    "missing_section",
    "model_section",
    "ranking_section",
    "reliability_section",
    "summary",
]


@dataclasses.dataclass(frozen=True)
class Section:
    """One section of the page: its title, its HTML (everything from the data escaped)
    and the tables it shows (for ``report.json``). Shown as its HTML in a notebook."""

    key: str
    title: str
    html: str
    tables: dict = dataclasses.field(default_factory=dict)

    def _repr_html_(self) -> str:
        return self.html


@dataclasses.dataclass(frozen=True, eq=False)
class Findings:
    """Everything :func:`analyse` computed, once, for the sections to show.

    ``prep`` is the prepared data; the other fields are the tables and result objects
    of the analyses (``None`` where an analysis does not apply), and ``notes`` the
    warnings of the driver model, each shown on the page.
    """

    prep: ReportData
    ci: float
    n_boot: int
    seed: int | None
    used: list
    missing: Any
    outcome_mean: pd.DataFrame
    nps: pd.DataFrame | None
    nps_test: pd.DataFrame | None
    csat: pd.DataFrame | None
    csat_test: pd.DataFrame | None
    skipped: list
    alpha: pd.DataFrame | None
    reliability: pd.DataFrame | str | None
    fit: Any
    formula: str
    notes: tuple
    dominance: Any
    relative_weights: Any
    ipa: Any
    penalty_reward: Any
    cuts: dict

    @property
    def numeric(self) -> list:
        """The numeric drivers (the key-driver sections need numbers)."""
        return [d for d in self.prep.drivers if d not in self.prep.categorical]


# ------------------------------------------------------------------------- the analyses


def _used(prep: ReportData) -> list:
    """The columns the report uses, scale items included, in order."""
    used = [prep.outcome, *prep.drivers, *prep.csat]
    for name in [prep.outcome, *prep.drivers]:
        used += list(prep.scales.get(name, ()))
    used += [c for c in (prep.weights, prep.by, prep.cluster, prep.nps) if c is not None]
    return [c for c in dict.fromkeys(used) if c in prep.data.columns]


def _mean(prep: ReportData, ci: float) -> pd.DataFrame:
    """The outcome's (weighted) mean with a t interval: ``n, mean, ci_low, ci_high``."""
    from statsmodels.stats.weightstats import DescrStatsW

    cols = [prep.outcome] + ([prep.weights] if prep.weights else [])
    rows = prep.data[cols].dropna()
    w = rows[prep.weights].to_numpy(float) if prep.weights else None
    stats = DescrStatsW(rows[prep.outcome].to_numpy(float), weights=w)
    if w is not None:  # the variance of a weighted mean with Kish's effective n
        n_eff = w.sum() ** 2 / (w**2).sum()
        half = stats.std * math.sqrt(1 / n_eff) * _t(ci, n_eff - 1)
        low, high = stats.mean - half, stats.mean + half
    else:
        low, high = stats.tconfint_mean(alpha=1 - ci)
    return pd.DataFrame(
        {"n": [len(rows)], "mean": [stats.mean], "ci_low": [low], "ci_high": [high]}
    )


def _t(ci: float, df: float) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + ci / 2, max(df, 1)))


def _overall_and_by(prep: ReportData, metric: Any, ci: float, **kw: Any) -> pd.DataFrame:
    whole = metric(prep.data, weights=prep.weights, ci=ci, missing="listwise", **kw)
    if not prep.by:
        return whole
    whole.insert(0, prep.by, "(all)")
    groups = metric(prep.data, by=prep.by, weights=prep.weights, ci=ci, missing="listwise", **kw)
    groups[prep.by] = groups[prep.by].astype(str)
    return pd.concat([whole, groups], ignore_index=True)


def _pairs(prep: ReportData) -> list:
    if not prep.by:
        return []
    levels = list(pd.unique(prep.data[prep.by].dropna()))
    return list(itertools.combinations(levels, 2)) if 2 <= len(levels) <= 6 else []


def _scale(prep: ReportData, col: Hashable) -> tuple[int, int]:
    low, high = prep.ranges[col]
    return int(round(low)), int(round(high))


def _compare(prep: ReportData, test: Any, scores: list, ci: float, skipped: list) -> Any:
    """Pairwise group tests of each score; pairs that cannot be tested go to ``skipped``."""
    rows = []
    for col, (a, b) in itertools.product(scores, _pairs(prep)):
        extra = {"scale": _scale(prep, col), "top": 2} if test is csat_test else {}
        try:
            row = test(prep.data, score=col, by=prep.by, levels=[a, b], weights=prep.weights,
                       ci=ci, missing="listwise", **extra)  # fmt: skip
        except ValueError as e:
            skipped.append((col, a, b, str(e)))
        else:
            row.insert(0, "score", col)
            rows.append(row)
    return pd.concat(rows, ignore_index=True) if rows else None


def _metrics(prep: ReportData, ci: float) -> dict:
    skipped: list = []
    out: dict[str, Any] = {"nps": None, "nps_test": None, "csat": None, "csat_test": None}
    if prep.nps is not None:
        out["nps"] = _overall_and_by(prep, nps, ci, score=prep.nps)
        out["nps_test"] = _compare(prep, nps_test, [prep.nps], ci, skipped)
    parts = []
    for col in prep.csat:
        part = _overall_and_by(prep, csat, ci, score=col, scale=_scale(prep, col), top=2)
        part.insert(0, "score", col)
        parts.append(part)
    if parts:
        out["csat"] = pd.concat(parts, ignore_index=True)
        out["csat_test"] = _compare(prep, csat_test, list(prep.csat), ci, skipped)
    out["skipped"] = skipped
    return out


def _reliability(prep: ReportData, ci: float) -> dict:
    if not prep.scales:
        return {"alpha": None, "reliability": None}
    rows = []
    for name, items in prep.scales.items():
        row = cronbach_alpha(prep.data, items=list(items), weights=prep.weights, ci=ci,
                             missing="listwise")  # fmt: skip
        row.insert(0, "scale", name)
        rows.append(row)
    constructs = {k: list(items) for k, items in prep.scales.items()}
    try:
        table: Any = reliability_table(prep.data, constructs=constructs, missing="listwise")
    except ValueError as e:
        table = str(e)
    return {"alpha": pd.concat(rows, ignore_index=True), "reliability": table}


def _model(prep: ReportData, ci: float) -> dict:
    formula = _formula(prep)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # every warning of the model becomes a note
        fit = fit_drivers(prep.data, formula, family=prep.family, weights=prep.weights,
                          cluster=prep.cluster, ci=ci, missing="listwise")  # fmt: skip
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    return {"fit": fit, "formula": formula, "notes": notes}


def _ranking(prep: ReportData, numeric: list, ci: float, n_boot: int, seed: Any) -> dict:
    from ..keydrivers import relative_weights

    if len(numeric) < 2:
        return {"dominance": None, "relative_weights": None, "ipa": None}
    kw = dict(y=prep.outcome, x=numeric, n_boot=n_boot, ci=ci, seed=seed, missing="listwise",
              weights=prep.weights)  # fmt: skip
    ipa = importance_performance(prep.data, y=prep.outcome, x=numeric, missing="listwise",
                                 weights=prep.weights)  # fmt: skip
    return {
        "dominance": dominance_analysis(prep.data, **kw),
        "relative_weights": relative_weights(prep.data, **kw),
        "ipa": ipa,
    }


def _kano(prep: ReportData, numeric: list, ci: float) -> dict:
    cuts = {}
    for d in numeric:
        low, high = prep.ranges[d]
        cuts[d] = (low + (high - low) / 3, high - (high - low) / 3)
    try:
        result: Any = penalty_reward(
            prep.data,
            y=prep.outcome,
            x=numeric,
            low={d: c[0] for d, c in cuts.items()},
            high={d: c[1] for d, c in cuts.items()},
            ci=ci,
            missing="listwise",
            weights=prep.weights,
        )
    except ValueError as e:
        result = str(e)
    return {"penalty_reward": result if numeric else None, "cuts": cuts}


def analyse(
    prep: ReportData,
    *,
    ci: float = 0.95,
    n_boot: int = 1000,
    seed: int | np.random.Generator | np.random.SeedSequence | None = 0,
) -> Findings:
    """Run every analysis of the report once.

    Parameters
    ----------
    prep : ReportData
        What :func:`cxresearch.prepare_report` returned.
    ci : float, default 0.95
        Confidence level of every interval.
    n_boot : int, default 1000
        Bootstrap resamples of the key-driver ranking (0: no intervals).
    seed : int, Generator, SeedSequence or None, default 0
        Seed of the bootstrap.

    Returns
    -------
    Findings
        The tables and results the sections show.
    """
    if not isinstance(prep, ReportData):
        raise TypeError(f"prep must be what cx.prepare_report returns, got {type(prep).__name__}.")
    ci = v.check_level(ci)
    n_boot = v.check_resample_count(n_boot, "n_boot", minimum=0)
    numeric = [d for d in prep.drivers if d not in prep.categorical]
    used = _used(prep)
    return Findings(
        prep=prep,
        ci=ci,
        n_boot=n_boot,
        seed=seed if seed is None or isinstance(seed, int) else None,
        used=used,
        missing=missing_report(prep.data, columns=used),
        outcome_mean=_mean(prep, ci),
        **_metrics(prep, ci),
        **_reliability(prep, ci),
        **_model(prep, ci),
        **_ranking(prep, numeric, ci, n_boot, seed),
        **_kano(prep, numeric, ci),
    )


# ------------------------------------------------------------------ the first page


def _wrap(key: str, title: str, parts: list, lang: str, level: int = 2) -> str:
    body = "".join(parts)
    return (
        f'<section class="cx-section" id="cx-{key}" dir="{LANGUAGES[lang]}" lang="{lang}">'
        f"<h{level}>{title}</h{level}>{body}</section>"
    )


def _label(findings: Findings, name: Hashable) -> str:
    return str(findings.prep.labels.get(name, name))


def _who(f: Findings, lang: str, rows: list) -> list:
    prep, miss = f.prep, f.missing
    parts = [text("who", lang, n=miss.n_rows, complete=miss.n_complete,
                  share=miss.n_complete / max(miss.n_rows, 1))]  # fmt: skip
    rows.append({"statement": "respondents", "subject": "", "estimate": miss.n_rows,
                 "ci_low": None, "ci_high": None, "p_value": None})  # fmt: skip
    if prep.weights:
        parts.append(text("who_weights", lang, weights=_label(f, prep.weights)))
    figure = ""
    if prep.by:
        counts = prep.data[prep.by].value_counts(sort=False).sort_index()
        counts = counts[counts > 0]
        total = counts.sum()
        groups = [text("group_count", lang, level=str(k), n=int(n), share=n / total)
                  for k, n in counts.items()]  # fmt: skip
        parts.append(text("who_by", lang, by=_label(f, prep.by), groups=groups))
        alt = plain("alt_who", lang, by=_label(f, prep.by), groups=groups)
        figure = _figure_html(_figures.groups_figure(counts, _label(f, prep.by), lang), alt)
    return [f"<p>{''.join(parts)}</p>", figure]


def _headline(f: Findings, lang: str, rows: list) -> list:
    prep, ci = f.prep, f.ci
    m = f.outcome_mean.iloc[0]
    low, high = prep.ranges.get(prep.outcome, (math.nan, math.nan))
    key = "share_yes" if prep.family == "logit" else "mean"
    parts = [text(key, lang, outcome=_label(f, prep.outcome), mean=m["mean"], low=low,
                  high=high, ci=ci, lo=m["ci_low"], hi=m["ci_high"])]  # fmt: skip
    rows.append({"statement": "outcome_mean", "subject": prep.outcome, "estimate": m["mean"],
                 "ci_low": m["ci_low"], "ci_high": m["ci_high"], "p_value": None})  # fmt: skip
    if f.nps is not None:
        whole = f.nps.iloc[0]
        parts.append(text("nps", lang, column=_label(f, prep.nps), value=whole["nps"], ci=ci,
                          lo=whole["ci_low"], hi=whole["ci_high"],
                          promoters=whole["pct_promoters"] / 100,
                          detractors=whole["pct_detractors"] / 100))  # fmt: skip
        rows.append({"statement": "nps", "subject": prep.nps, "estimate": whole["nps"],
                     "ci_low": whole["ci_low"], "ci_high": whole["ci_high"], "p_value": None})  # fmt: skip
    if f.csat is not None:
        whole = f.csat.drop_duplicates("score")
        for _, row in whole.iterrows():
            rows.append({"statement": "csat", "subject": row["score"], "estimate": row["csat"],
                         "ci_low": row["ci_low"], "ci_high": row["ci_high"], "p_value": None})  # fmt: skip
        if len(whole) == 1:
            row = whole.iloc[0]
            parts.append(text("csat", lang, column=_label(f, row["score"]), value=row["csat"],
                              ci=ci, lo=row["ci_low"], hi=row["ci_high"]))  # fmt: skip
        else:
            ordered = whole.sort_values("csat")
            first, last = ordered.iloc[0], ordered.iloc[-1]
            parts.append(text("csat_range", lang, k=len(whole), outcome=_label(f, prep.outcome),
                              low=first["csat"], high=last["csat"],
                              first=_label(f, first["score"]), last=_label(f, last["score"])))  # fmt: skip
    parts += _differences(f, lang, rows)
    figure = ""
    if f.nps is not None:
        figure = _nps_figure(f, lang)
    return ["<p>" + " ".join(parts) + "</p>", figure]


def _differences(f: Findings, lang: str, rows: list) -> list:
    """One sentence per group difference whose interval excludes zero."""
    if not f.prep.by:
        return []
    out = []
    for name, table, metric in (("nps", f.nps_test, "NPS"), ("csat", f.csat_test, "CSAT")):
        if table is None:
            continue
        for _, row in table.iterrows():
            if not (row["ci_low"] > 0 or row["ci_high"] < 0):
                continue
            higher = row["estimate"] > 0  # estimate = group 2 - group 1
            a, b = (row["group_2"], row["group_1"]) if higher else (row["group_1"], row["group_2"])
            d = abs(row["estimate"])
            lo, hi = sorted(abs(x) for x in (row["ci_low"], row["ci_high"]))
            label = metric if name == "nps" else f"CSAT ({_label(f, row['score'])})"
            out.append(text("difference", lang, metric=label, a=a, b=b, d=d, ci=f.ci, lo=lo,
                            hi=hi, p=_Number(format_p(row["p_value"])),
                            direction=text("higher", lang)))  # fmt: skip
            rows.append({"statement": f"{name}_difference", "subject": f"{a} - {b}",
                         "estimate": d, "ci_low": lo, "ci_high": hi,
                         "p_value": row["p_value"]})  # fmt: skip
    if not out and (f.nps_test is not None or f.csat_test is not None):
        out.append(text("no_difference", lang, by=_label(f, f.prep.by), ci=f.ci))
    return out


def _nps_figure(f: Findings, lang: str) -> str:
    prep = f.prep
    fig = _figures.nps_figure(prep.data, prep, f.ci, lang)
    values = [f"{row[prep.by] if prep.by else 'NPS'} {row['nps']:.0f}"
              for _, row in f.nps.iterrows()]  # fmt: skip
    by = plain("alt_by", lang, by=_label(f, prep.by)) if prep.by else ""
    return _figure_html(fig, plain("alt_nps", lang, ci=f.ci, by=by, values=values))


def _drivers_figure(f: Findings, lang: str) -> str:
    """The key-driver chart with its alt text (the first page and section 6 share it)."""
    d = f.dominance
    top = d.table.sort_values("estimate", ascending=False).iloc[0]
    alt = plain("alt_drivers", lang, name=_label(f, top["term"]), share=top["share"],
                r2=d.r_squared)  # fmt: skip
    figure = _figures.dominance_figure(d.table, d.r_squared, f.ci, f.prep.labels, lang)
    return _figure_html(figure, alt)


def _ipa_figure(f: Findings, lang: str) -> str:
    """The importance-performance map with its alt text (first page and section 7)."""
    table = f.ipa.table
    names = [_label(f, t) for t in table.loc[table["quadrant"] == "concentrate here", "term"]]
    alt = plain("alt_ipa", lang, k=len(table), names=names or [plain("none", lang)])
    return _figure_html(_figures.ipa_figure(f.ipa, f.prep.labels, lang), alt)


def _top_drivers(f: Findings, lang: str, rows: list) -> list:
    prep = f.prep
    if f.dominance is None:
        return [f"<p>{text('one_driver', lang)}</p>"]
    table = f.dominance.table.sort_values("estimate", ascending=False)
    r2 = f.dominance.r_squared
    items = []
    for _, row in table.head(3).iterrows():
        has_ci = "ci_low" in row and pd.notna(row.get("ci_low"))
        values = dict(name=_label(f, row["term"]), points=100 * row["estimate"],
                      total=100 * r2, share=row["share"])  # fmt: skip
        if has_ci:
            items.append(text("driver_item", lang, ci=f.ci, lo=100 * row["ci_low"],
                              hi=100 * row["ci_high"], **values))  # fmt: skip
        else:
            items.append(text("driver_item_point", lang, **values))
        rows.append({"statement": "driver", "subject": row["term"], "estimate": row["estimate"],
                     "ci_low": row.get("ci_low"), "ci_high": row.get("ci_high"),
                     "p_value": None})  # fmt: skip
    head = text("drivers_head", lang, r2=r2, outcome=_label(f, prep.outcome))
    linear = f" {text('drivers_linear', lang)}" if prep.family == "logit" else ""
    shown = table.head(3)
    if "ci_low" in shown and shown["ci_low"].notna().all() and len(table) > 1:
        # the first's interval reaching below the next estimate: the order is not settled
        if (shown["ci_low"].to_numpy()[:-1] < table["estimate"].to_numpy()[1 : len(shown)]).any():
            items.append(text("overlap", lang))
    figure = _drivers_figure(f, lang)
    caveat = items.pop() if len(items) > len(shown) else ""
    listing = "".join(f"<li>{item}</li>" for item in items)
    after = f"<p>{caveat}</p>" if caveat else ""
    return [f"<p>{head}{linear}</p><ol>{listing}</ol>{after}", figure]


def _fix_first(f: Findings, lang: str, rows: list) -> list:
    if f.ipa is None:
        return []
    table = f.ipa.table
    fix = table[table["quadrant"] == "concentrate here"].sort_values("importance", ascending=False)
    if len(fix):
        details = ", ".join(
            text("fix_detail", lang, name=_label(f, r["term"]), mean=r["performance"])
            for _, r in fix.iterrows()
        )
        names = [_label(f, t) for t in fix["term"]]
        sentence = text("fix_first", lang, names=names, details=_Safe(details))
    else:
        top = table.sort_values("importance", ascending=False).iloc[0]
        sentence = text("fix_none", lang, name=_label(f, top["term"]), mean=top["performance"],
                        average=table["performance"].mean())  # fmt: skip
    for _, r in fix.iterrows():
        rows.append({"statement": "fix_first", "subject": r["term"], "estimate": r["performance"],
                     "ci_low": None, "ci_high": None, "p_value": None})  # fmt: skip
    return [f"<p>{sentence}</p>", _ipa_figure(f, lang)]


def summary(findings: Findings, lang: str = "en") -> Section:
    """The first page, in plain words: who answered, the headline metrics with their
    intervals and the group differences that hold up, the drivers that matter most
    and what to fix first, each in a sentence or two with one figure.

    Its ``summary`` table holds every number the sentences state (``statement``,
    ``subject``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``), so a test or a
    reader can check them against the appendix's tables.
    """
    lang = check_lang(lang)
    rows: list = []
    parts = _who(findings, lang, rows)
    parts += _headline(findings, lang, rows)
    parts += _top_drivers(findings, lang, rows)
    parts += _fix_first(findings, lang, rows)
    title = text("h_summary", lang)
    table = pd.DataFrame(rows, columns=["statement", "subject", "estimate", "ci_low",
                                        "ci_high", "p_value"])  # fmt: skip
    return Section("summary", title, _wrap("summary", title, parts, lang), {"summary": table})


# ------------------------------------------------------------------------ the appendix


class _Parts:
    """The HTML of a section and its tables, built in order."""

    def __init__(self, lang: str) -> None:
        self.lang, self.html, self.tables = lang, [], {}

    def say(self, key: str, **values: Any) -> None:
        self.html.append(f"<p>{text(key, self.lang, **values)}</p>")

    def note(self, message: str) -> None:
        self.html.append(f'<p class="cx-note">{text("note", self.lang, message=message)}</p>')

    def table(self, name: str, table: pd.DataFrame, key: str | None = None, /,
              rows: Any = None, **values: Any) -> None:  # fmt: skip
        table = table.reset_index(drop=True)
        self.tables[name] = table
        if key:
            self.say(key, **values)
        self.html.append(_table_html(table if rows is None else table[rows(table)]))

    def section(self, key: str, level: int = 2) -> Section:
        title = text(f"h_{key}", self.lang)
        return Section(key, title, _wrap(key, title, self.html, self.lang, level), self.tables)


def appendix(findings: Findings, lang: str = "en") -> Section:
    """The appendix's heading and what it holds."""
    out = _Parts(check_lang(lang))
    out.say("appendix")
    return out.section("appendix", level=1)


def data_section(findings: Findings, lang: str = "en") -> Section:
    """1. The variables with their roles and the codebook."""
    out, prep = _Parts(check_lang(lang)), findings.prep
    out.say("data")
    if prep.descending:
        out.say("descending", items=list(prep.descending))
    out.table("variables", prep.table)
    columns = ["column", "label", "type", "measure", "values", "missing_codes", "direction",
               "n_missing", "n_user_missing"]  # fmt: skip
    book = prep.survey.codebook[columns].copy()
    book["values"] = book["values"].astype(str).str.slice(0, 60)
    out.table("codebook", book, "codebook")
    return out.section("data")


def missing_section(findings: Findings, lang: str = "en") -> Section:
    """2. Missing answers per column and the most frequent patterns."""
    out, miss = _Parts(check_lang(lang)), findings.missing
    out.say("missing", complete=miss.n_complete, n=miss.n_rows, k=len(findings.used),
            share=miss.n_complete / max(miss.n_rows, 1), patterns=miss.n_patterns)  # fmt: skip
    complete = int((miss.table["n_missing"] == 0).sum())
    out.table("missing", miss.table, "missing_columns", rows=lambda t: t["n_missing"] > 0,
              k=complete)  # fmt: skip
    out.table("missing_patterns", miss.patterns.head(10), "missing_patterns",
              used=findings.used)  # fmt: skip
    return out.section("missing")


def metrics_section(findings: Findings, lang: str = "en") -> Section:
    """3. NPS and CSAT, overall and by group, with the tests between groups."""
    f, out = findings, _Parts(check_lang(lang))
    prep = f.prep
    out.say("metrics")
    if f.nps is None:
        out.say("no_nps")
    else:
        out.table("nps", f.nps, "nps_table", nps=prep.nps)
        out.html.append(_nps_figure(f, out.lang))
        if f.nps_test is not None:
            out.table("nps_test", f.nps_test, "group_tests")
    if f.csat is None:
        out.say("no_csat", outcome=prep.outcome)
    else:
        low, high = _scale(prep, prep.csat[0])
        out.table("csat", f.csat, "csat_table", top=high - 1, high=high, low=low)
        if f.csat_test is not None:
            out.table("csat_test", f.csat_test, "group_tests")
    for col, a, b, error in f.skipped:
        out.say("not_compared", col=col, a=a, b=b, error=error)
    return out.section("metrics")


def reliability_section(findings: Findings, lang: str = "en") -> Section:
    """4. Cronbach's alpha, composite reliability and AVE of each scale."""
    f, out = findings, _Parts(check_lang(lang))
    out.say("reliability")
    if f.alpha is None:
        out.say("no_scales")
        return out.section("reliability")
    if f.prep.reverse:
        out.say("reversed", items=list(f.prep.reverse))
    out.table("alpha", f.alpha, "alpha_table")
    if isinstance(f.reliability, str):
        out.say("no_reliability", error=f.reliability)
    else:
        out.table("reliability", f.reliability, "reliability_table")
    return out.section("reliability")


def model_section(findings: Findings, lang: str = "en") -> Section:
    """5. The driver model: estimates, marginal effects (logit), fit and VIFs."""
    f, out = findings, _Parts(check_lang(lang))
    prep, stats = f.prep, f.fit.fit
    out.say("model")
    logit = prep.family == "logit"
    clustered = (
        text("clustered_by", out.lang, cluster=prep.cluster, k=int(stats["n_clusters"]))
        if prep.cluster else ""
    )  # fmt: skip
    out.say("model_fit", formula=f.formula, n=int(stats["n"]), dropped=int(stats["n_dropped"]),
            robust=f.fit.robust or "model-based", clustered=clustered,
            r2_name="pseudo-R²" if logit else "R²",
            r2=stats["pseudo_r_squared"] if logit else stats["r_squared"])  # fmt: skip
    if logit:
        out.say("logit_note", outcome=prep.outcome)
    for driver, (reference, levels) in prep.categorical.items():
        out.say("categorical", driver=driver, k=len(levels), levels=list(levels),
                reference=reference)  # fmt: skip
    for message in f.notes:
        out.note(message)
    out.table("drivers", f.fit.table)
    if logit:
        out.table("marginal_effects", f.fit.marginal_effects, "ame_table", ci=f.ci)
    fit_table = stats.rename_axis("statistic").reset_index(name="value")
    out.table("fit_stats", fit_table, "fit_table")
    out.table("vif", f.fit.collinearity, "vif_table")
    return out.section("model")


def ranking_section(findings: Findings, lang: str = "en") -> Section:
    """6. General dominance and relative weights with bootstrap intervals."""
    f, out = findings, _Parts(check_lang(lang))
    out.say("ranking")
    if f.prep.categorical:
        out.say("left_out", left=list(f.prep.categorical))
    if f.dominance is None:
        out.say("ranking_one")
        return out.section("ranking")
    d = f.dominance
    out.say("ranking_fit", r2=d.r_squared, n=d.n, n_boot=d.n_boot,
            seed="—" if f.seed is None else f.seed)  # fmt: skip
    out.table("dominance", d.table, "dominance_table")
    out.table("relative_weights", f.relative_weights.table, "weights_table")
    out.html.append(_drivers_figure(f, out.lang))
    return out.section("ranking")


def ipa_section(findings: Findings, lang: str = "en") -> Section:
    """7. The importance-performance map."""
    f, out = findings, _Parts(check_lang(lang))
    out.say("ipa")
    if f.ipa is None:
        out.say("ipa_two")
        return out.section("ipa")
    out.table("importance_performance", f.ipa.table)
    out.html.append(_ipa_figure(f, out.lang))
    return out.section("ipa")


def kano_section(findings: Findings, lang: str = "en") -> Section:
    """8. Penalty-reward contrasts with a Kano class per driver."""
    f, out = findings, _Parts(check_lang(lang))
    out.say("kano")
    result = f.penalty_reward
    if result is None:
        out.say("ipa_two")
    elif isinstance(result, str):
        out.say("no_kano", error=result)
    else:
        cuts = [f"{d}: ≤ {c[0]:.2f} / ≥ {c[1]:.2f}" for d, c in f.cuts.items()]
        out.table("penalty_reward", result.table, "kano_cuts", cuts=cuts, r2=result.r_squared,
                  n=result.n, dropped=result.n_dropped)  # fmt: skip
    return out.section("kano")


def about_section(findings: Findings, parameters: dict, lang: str = "en") -> Section:
    """The run's parameters (the file's name, never its folder)."""
    out = _Parts(check_lang(lang))
    out.say("about")
    table = pd.DataFrame(
        {"parameter": list(parameters), "value": [str(x) for x in parameters.values()]}
    )
    out.table("parameters", table)
    return out.section("about")


def heading(findings: Findings, name: str, lang: str = "en") -> Section:
    """The page's title and its one-paragraph description of the run."""
    from .. import __version__

    lang = check_lang(lang)
    prep = findings.prep
    roles = [("role_weights", prep.weights), ("role_by", prep.by), ("role_cluster", prep.cluster)]
    extras = [text("role", lang, what=text(key, lang), column=_label(findings, col))
              for key, col in roles if col is not None]  # fmt: skip
    intro = text("intro", lang, n=prep.survey.n_rows, k=prep.survey.n_columns,
                 format=prep.survey.format, outcome=_label(findings, prep.outcome),
                 drivers=[_label(findings, d) for d in prep.drivers], ci=findings.ci,
                 version=__version__)  # fmt: skip
    intro = intro.replace("</b>. ", "</b>" + "".join(extras) + ". ", 1) if extras else intro
    title = text("title", lang, name=name)
    html = _wrap("title", title, [f"<p>{intro}</p>"], lang, level=1)
    return Section("title", title, html, {})


#: The sections of the page after the first, in order.
APPENDIX = (
    data_section,
    missing_section,
    metrics_section,
    reliability_section,
    model_section,
    ranking_section,
    ipa_section,
    kano_section,
)


class Page:
    """The report page: shows each section it is asked for and keeps its tables.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import cxresearch as cx
    >>> from cxresearch.reporting import sections
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
    >>> prep = cx.prepare_report(folder / "survey.csv", outcome="loyalty", drivers="price")
    >>> page = sections.Page(sections.analyse(prep, n_boot=0), lang="ru")
    >>> page.show(sections.summary).title
    'Коротко'
    >>> list(page.tables)
    ['summary']
    """

    def __init__(self, findings: Findings, lang: str = "en") -> None:
        self.findings, self.lang = findings, check_lang(lang)
        self.tables: dict[str, pd.DataFrame] = {}

    def show(self, section: Any, /, *args: Any) -> Section:
        """Make ``section(findings, *args, lang=...)``, keep its tables, return it."""
        made = section(self.findings, *args, lang=self.lang)
        self.tables.update(made.tables)
        return made
