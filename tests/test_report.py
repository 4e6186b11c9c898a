"""The `cxresearch report` command: one run on a 1,000-respondent SPSS file, checked.

The report runs once (module fixture, as a subprocess through ``python -m cxresearch``);
the tests then read its page, its machine-readable tables (report.json) and the input
file. Bad input goes through ``main(argv)`` in this process: it must fail before the
notebook starts, with one message and a non-zero exit code.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch import reporting
from cxresearch.reporting import _figures, _run  # noqa: F401  (submodules used as reporting._run)

sys.path.insert(0, str(Path(__file__).parent))
from _browser import CHROMIUM, NO_CHROMIUM

pytest.importorskip("papermill")
pyreadstat = pytest.importorskip("pyreadstat")

DRIVERS = ["service", "atmosphere", "assortment", "price"]
SCALES = ["service", "atmosphere", "assortment", "price", "satisfaction", "loyalty"]
MISSING = ["service_2", "price_3", "satisfaction_4"]  # 99 = "No answer", declared missing
REVERSED = "atmosphere_3"  # worded the other way in the file: the report needs --reverse
LIKERT = dict(
    enumerate(
        [
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ],
        start=1,
    )
)


def write_survey(path: Path) -> None:
    """cx_survey as an SPSS file: labelled 1-7 items with user-missing 99, one item
    worded the other way (reverse-keyed), an NPS question, stores (clusters), store
    type (groups) and survey weights."""
    data = cx.load_dataset("cx_survey")
    data[REVERSED] = 8 - data[REVERSED]  # "The store feels gloomy": agreement is bad
    rng = np.random.default_rng(11)
    n = len(data)
    data["store"] = rng.integers(1, 31, n)
    data["store_type"] = np.where(data["store"] <= 15, 1, 2)
    data["weight"] = np.round(rng.uniform(0.5, 2.0, n), 3)
    loyalty = data[[f"loyalty_{i}" for i in range(1, 5)]].mean(axis=1)
    noisy = (loyalty - 1) * 10 / 6 + rng.normal(0, 1.5, n)
    data["recommend"] = np.clip(np.round(noisy), 0, 10).astype(int)
    for col in MISSING:
        data.loc[rng.random(n) < 0.04, col] = 99
    items = [c for c in data.columns if re.fullmatch(r"[a-z]+_\d", c)]
    labels = {c: dict(LIKERT) for c in items}
    for col in MISSING:
        labels[col][99] = "No answer"
    labels["store_type"] = {1: "City centre", 2: "Shopping mall"}
    labels["recommend"] = {0: "Not at all likely", 10: "Extremely likely"}
    pyreadstat.write_sav(
        data,
        str(path),
        column_labels={"recommend": "How likely are you to recommend us to a friend?"},
        variable_value_labels=labels,
        missing_ranges={c: [99] for c in MISSING},
        variable_measure={**dict.fromkeys(items, "ordinal"), "store_type": "nominal"},
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def survey_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "survey.sav"
    write_survey(path)
    return path


@pytest.fixture(scope="module")
def run(survey_file, tmp_path_factory):
    """One report run, shared by the tests below."""
    out = tmp_path_factory.mktemp("run") / "report"
    before = sha256(survey_file)
    command = [sys.executable, "-m", "cxresearch", "report", str(survey_file)]
    command += ["--outcome", "satisfaction", "--drivers", *DRIVERS, "--weights", "weight"]
    command += ["--by", "store_type", "--cluster", "store", "--out", str(out), "--seed", "3"]
    command += ["--reverse", REVERSED]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    print(f"\ncxresearch report on 1,000 respondents: {seconds:.1f} s")
    return {
        "done": done,
        "seconds": seconds,
        "out": out,
        "hash_before": before,
        "tables": json.loads((out / "report.json").read_text()) if done.returncode == 0 else {},
    }


@pytest.fixture(scope="module")
def direct(survey_file) -> pd.DataFrame:
    """The same data prepared by hand: codes, the reverse-keyed item reversed, then mean
    scores of at least 2 of 4 items."""
    survey = cx.read_survey(survey_file)
    items = [c for c in survey.data.columns if re.fullmatch(r"[a-z]+_\d", c)]
    data = cx.reverse_code(survey.as_codes(items), columns=REVERSED, scale=(1, 7))
    for scale in SCALES:
        cols = [f"{scale}_{i}" for i in range(1, 5)]
        data[scale] = cx.scale_score(data, items=cols, min_items=2).score
    return data


def table(run, name: str) -> pd.DataFrame:
    return pd.DataFrame(run["tables"]["tables"][name])


# ------------------------------------------------------------------------------- the run


def test_report_runs_and_prints_the_page(run):
    # its time is measured against the direct calls in benchmarks/bench_report.py
    done = run["done"]
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(run["out"] / "report.html")
    assert "Executing" in done.stderr  # papermill's progress bar


def test_writes_only_into_out_and_never_touches_the_input(run, survey_file):
    assert sorted(p.name for p in run["out"].iterdir()) == sorted(reporting.OUTPUTS)
    assert sha256(survey_file) == run["hash_before"]
    assert [p.name for p in survey_file.parent.iterdir()] == ["survey.sav"]


def test_the_notebook_names_the_file_never_its_folder(run, survey_file):
    # papermill stored the absolute path of the input in the parameters cell and metadata
    text = (run["out"] / "report.ipynb").read_text(encoding="utf-8")
    for folder in (survey_file.parent, run["out"]):
        assert str(folder) not in text
    nb = json.loads(text)
    params = nb["metadata"]["papermill"]["parameters"]
    assert params["path"] == "survey.sav" and params["json_path"] == "report.json"
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'path = "survey.sav"' in "".join(injected[0]["source"])


def test_page_is_self_contained_with_code_hidden(run):
    page = (run["out"] / "report.html").read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page, re.IGNORECASE)
    fetched = [t for t in tags if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", t)]
    assert fetched == []
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page)
    assert len(re.findall(r'<img[^>]+src="data:image/svg\+xml;base64,', page)) >= 6
    assert "cx.fit_drivers(" not in page and "prepare_report(" not in page  # inputs hidden
    body = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    assert "Traceback" not in body and "jupyter.stderr" not in body  # no error, no warning
    for heading in ["codebook", "Missing data", "NPS and CSAT", "Reliability",
                    "driver model", "Key-driver ranking", "Importance-performance",
                    "Penalty-reward"]:  # fmt: skip
        assert heading in page


def test_screenshot_when_chromium_is_installed(run, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium not installed (the page is checked without it above)")
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,3000", (run["out"] / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    # an installed Chromium that cannot render the page is a failure, not a skip
    assert shot.exists(), f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


# ----------------------------------------------------- the numbers equal the direct calls


def test_driver_model_equals_fit_drivers(run, direct):
    fit = cx.fit_drivers(
        direct,
        "satisfaction ~ service + atmosphere + assortment + price",
        weights="weight",
        cluster="store",
        missing="listwise",
    )
    got = table(run, "drivers")
    assert got["term"].tolist() == fit.table["term"].tolist()
    cols = ["estimate", "std_error", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(got[cols], fit.table[cols], rtol=1e-10, atol=1e-12)
    vif = table(run, "vif")
    np.testing.assert_allclose(vif["vif"], fit.collinearity["vif"], rtol=1e-10)
    stats = table(run, "fit_stats").set_index("statistic")["value"]
    assert stats["n_clusters"] == 30 and stats["n"] == 1000
    assert stats["r_squared"] == pytest.approx(fit.fit["r_squared"], rel=1e-12)


def test_nps_and_csat_equal_the_metrics(run, direct):
    nps = table(run, "nps")
    whole = cx.nps(direct, score="recommend", weights="weight", missing="listwise")
    groups = cx.nps(
        direct, score="recommend", by="store_type", weights="weight", missing="listwise"
    )
    assert nps["store_type"].tolist() == ["(all)", "City centre", "Shopping mall"]
    expected = pd.concat([whole, groups], ignore_index=True)
    for col in ["nps", "ci_low", "ci_high", "n"]:
        np.testing.assert_allclose(nps[col], expected[col], rtol=1e-10)
    csat = table(run, "csat").query("score == 'satisfaction_4'")
    direct_csat = cx.csat(
        direct, score="satisfaction_4", scale=(1, 7), top=2, by="store_type",
        weights="weight", missing="listwise",
    )  # fmt: skip
    np.testing.assert_allclose(csat["csat"].iloc[1:], direct_csat["csat"], rtol=1e-10)
    assert csat["n_dropped"].iloc[0] == 43  # the declared missing code 99
    test = table(run, "csat_test").query("score == 'satisfaction_1'")
    direct_test = cx.csat_test(
        direct, score="satisfaction_1", by="store_type", scale=(1, 7), top=2,
        weights="weight", missing="listwise", levels=["City centre", "Shopping mall"],
    )  # fmt: skip
    np.testing.assert_allclose(test["estimate"], direct_test["estimate"], rtol=1e-10)


def test_alpha_of_every_scale_equals_cronbach_alpha_on_the_reversed_items(run, direct):
    alpha = table(run, "alpha")
    assert alpha["scale"].tolist() == SCALES
    for scale, row in zip(SCALES, alpha.itertuples(), strict=True):
        items = [f"{scale}_{i}" for i in range(1, 5)]
        expected = cx.cronbach_alpha(direct, items=items, weights="weight", missing="listwise")
        assert row.alpha == pytest.approx(expected["alpha"].iloc[0], rel=1e-12)
        assert row.ci_low == pytest.approx(expected["ci_low"].iloc[0], rel=1e-12)
    assert alpha.set_index("scale").loc["atmosphere", "alpha"] > 0.7
    assert run["tables"]["parameters"]["reverse"] == [REVERSED]


def test_a_mis_keyed_scale_stops_the_report_naming_the_item(survey_file, tmp_path, capsys):
    # on the file as it is (atmosphere_3 worded the other way) and no --reverse
    out = tmp_path / "out"
    args = ["--outcome", "satisfaction", "--drivers", *DRIVERS, "--out", str(out)]
    code = reporting.main(["report", str(survey_file), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert "'atmosphere' (alpha = " in err[0]
    assert f"reverse ['{REVERSED}']" in err[0] and f"--reverse {REVERSED} " in err[0]
    assert not out.exists()  # stopped before anything was written or scored
    # reversing the wrong item: the message says to undo it and to reverse the right one
    wrong = rf"'service' \(alpha = .*--reverse {REVERSED} .*reversed so far: \['service_2'\]"
    with pytest.raises(ValueError, match=wrong):
        cx.prepare_report(survey_file, outcome="satisfaction", drivers=DRIVERS, reverse="service_2")


def test_key_driver_ranking_equals_dominance_with_the_same_seed(run, direct):
    kw = dict(
        y="satisfaction", x=DRIVERS, n_boot=1000, seed=3, missing="listwise", weights="weight"
    )
    expected = cx.dominance_analysis(direct, **kw).table
    got = table(run, "dominance")
    cols = ["estimate", "share", "rank", "ci_low", "ci_high"]
    np.testing.assert_allclose(got[cols], expected[cols], rtol=1e-10)
    rw = cx.relative_weights(direct, **kw).table
    np.testing.assert_allclose(table(run, "relative_weights")["estimate"], rw["estimate"])
    ipa = cx.importance_performance(
        direct, y="satisfaction", x=DRIVERS, missing="listwise", weights="weight"
    )
    assert (
        table(run, "importance_performance")["quadrant"].tolist() == ipa.table["quadrant"].tolist()
    )
    pr = cx.penalty_reward(  # weighted, as every other section (defect 3 of issue 19)
        direct, y="satisfaction", x=DRIVERS, low=3, high=5, missing="listwise", weights="weight"
    )
    np.testing.assert_allclose(table(run, "penalty_reward")["penalty"], pr.table["penalty"])


# -------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, survey_file) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    data = pd.DataFrame(
        {"y": [1, 2, 3, 4, 5, 6], "x": [2, 3, 3, 5, 4, 6], "empty": [None] * 6,
         "w": [1, 1, -1, 1, 2, 1]}
    )  # fmt: skip
    data.to_csv(folder / "plain.csv", index=False)
    (folder / "broken.sav").write_bytes(b"this is not an SPSS file\n" * 10)
    (folder / "survey.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return {"folder": folder, "survey": survey_file}


BAD = {
    "unreadable file": ("broken.sav", ["--outcome", "y", "--drivers", "x"], "broken.sav"),
    "unknown format": ("survey.xlsx", ["--outcome", "y", "--drivers", "x"], ".xlsx"),
    "no such file": ("missing.sav", ["--outcome", "y", "--drivers", "x"], "no such file"),
    "outcome not in the data": ("plain.csv", ["--outcome", "nps", "--drivers", "x"], "'nps'"),
    "driver all missing": ("plain.csv", ["--outcome", "y", "--drivers", "x,empty"], "'empty'"),
    "negative weights": (
        "plain.csv",
        ["--outcome", "y", "--drivers", "x", "--weights", "w"],
        "non-negative",
    ),
    "scale without items": (
        "plain.csv",
        ["--outcome", "y", "--drivers", "x", "--scales", "s=x"],
        "at least two items",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_message_and_a_nonzero_exit(case, bad_files, tmp_path, capsys):
    name, args, fragment = BAD[case]
    out = tmp_path / "out"
    code = reporting.main(["report", str(bad_files["folder"] / name), *args, "--out", str(out)])
    captured = capsys.readouterr()
    assert code != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("cxresearch report: error:")
    assert fragment in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()  # checked before anything is written


def test_bad_input_through_python_m_exits_nonzero(bad_files, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "cxresearch", "report", str(bad_files["folder"] / "plain.csv"),
         "--outcome", "nope", "--drivers", "x", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "cxresearch report: error: outcome: ['nope'] is neither a column nor a scale. "
        "Scales: []; columns: ['y', 'x', 'empty', 'w']."
    ]


def test_a_malformed_command_line_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        reporting.main(["report", "survey.sav", "--drivers", "x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--outcome" in err[0]


def test_a_failing_cell_is_one_message(bad_files, tmp_path, monkeypatch, capsys):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    failing = tmp_path / "failing.ipynb"
    params = new_code_cell("path = None", metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[params, new_code_cell("raise ValueError('no rows left')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, failing)
    monkeypatch.setattr(reporting._run, "TEMPLATE", failing)
    out = tmp_path / "out"
    args = ["--outcome", "y", "--drivers", "x", "--out", str(out), "--no-progress"]
    code = reporting.main(["report", str(bad_files["folder"] / "plain.csv"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and "ValueError: no rows left" in err[0]
    failed = out / "report.failed.ipynb"  # the partly run notebook, inside out
    assert str(failed) in err[0] and failed.exists()
    assert sorted(p.name for p in out.iterdir()) == ["report.failed.ipynb"]  # no temp, no lock


# ------------------------------------------------------------------------- preparation


def test_scales_from_an_option_or_from_item_names(bad_files, survey_file):
    prep = cx.prepare_report(
        survey_file, outcome="satisfaction", drivers="sq", scales="sq=service_1,service_3;"
        "satisfaction=satisfaction_1,satisfaction_2",
    )  # fmt: skip
    assert prep.scales == {
        "sq": ("service_1", "service_3"),
        "satisfaction": ("satisfaction_1", "satisfaction_2"),
    }
    found = cx.prepare_report(
        survey_file, outcome="loyalty", drivers=["price", "service_1"], reverse=REVERSED
    )
    assert sorted(found.scales) == sorted(SCALES)
    assert found.nps == "recommend"  # found by its question text
    assert found.ranges["price"] == (1.0, 7.0)  # the 99 'No answer' label is no scale point
    assert found.csat == ("loyalty_1", "loyalty_2", "loyalty_3", "loyalty_4")
    with pytest.raises(ValueError, match="cannot read 'oops'"):
        cx.prepare_report(survey_file, outcome="loyalty", drivers="price", scales="oops")


def test_outcome_among_the_drivers_is_refused(survey_file):
    with pytest.raises(ValueError, match="differ from the outcome 'price'"):
        cx.prepare_report(survey_file, outcome="price", drivers=["service", "price"])


def test_reverse_names_items_of_a_scale(survey_file):
    kw = dict(outcome="satisfaction", drivers=DRIVERS)
    with pytest.raises(ValueError, match=r"reverse: \['store'\] is not an item of a multi-item"):
        cx.prepare_report(survey_file, reverse=[REVERSED, "store"], **kw)
    with pytest.raises(ValueError, match=r"reverse: column \['nope'\] not found"):
        cx.prepare_report(survey_file, reverse="nope", **kw)
    with pytest.raises(ValueError, match="reverse lists a column more than once"):
        cx.prepare_report(survey_file, reverse=[REVERSED, REVERSED], **kw)
    prep = cx.prepare_report(survey_file, reverse=REVERSED, **kw)
    assert prep.reverse == (REVERSED,)
    assert prep.table.set_index("name").loc["atmosphere", "source"] == (
        f"mean of atmosphere_1 ... atmosphere_4 (at least 2; reversed: {REVERSED})"
    )


def test_csat_only_for_a_labelled_rating_scale_or_when_asked(tmp_path):
    # a 40-85 percent-favourable score became "CSAT 3.3% (top two points, 84 or 85)"
    rng = np.random.default_rng(7)
    n = 200
    rating = rng.integers(1, 6, n)
    data = pd.DataFrame(
        {
            "favourable": np.clip(40 + 9 * rating + rng.integers(-4, 5, n), 40, 85),
            "rating": rating,
            "middle_only": rating,
            "x": rating + rng.normal(0, 1, n),
        }
    )
    path = tmp_path / "scores.sav"
    pyreadstat.write_sav(
        data,
        str(path),
        variable_value_labels={
            "rating": {1: "Very dissatisfied", 5: "Very satisfied"},
            "middle_only": {3: "Neutral"},
        },
    )
    assert cx.prepare_report(path, outcome="favourable", drivers="x").csat == ()
    assert cx.prepare_report(path, outcome="middle_only", drivers="x").csat == ()
    assert cx.prepare_report(path, outcome="rating", drivers="x").csat == ("rating",)
    asked = cx.prepare_report(path, outcome="favourable", drivers="x", csat="favourable")
    assert asked.csat == ("favourable",)
    data.to_csv(tmp_path / "scores.csv", index=False)  # no value labels at all
    assert cx.prepare_report(tmp_path / "scores.csv", outcome="rating", drivers="x").csat == ()


# ------------------------------------ the key-driver chart, few clusters, categorical drivers


def test_key_driver_chart_shows_contributions_as_such_and_shares_at_the_bars():
    # the chart labelled "Share of R²" plotted the raw contributions (adding up to R²)
    table = pd.DataFrame(
        {"term": ["a", "b"], "estimate": [0.1, 0.3], "share": [0.25, 0.75],
         "ci_low": [0.05, 0.2], "ci_high": [0.15, 0.4]}
    )  # fmt: skip
    fig = reporting._figures.dominance_figure(table, 0.4, 0.95)
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.1, 0.3])
    assert [t.get_text() for t in ax.texts] == ["25%", "75%"]
    assert ax.get_xlabel().startswith("Contribution to R² = 0.400")
    assert "Share of R²" not in ax.get_xlabel()
    fig.clf()


REGIONS = {1: "North", 2: "South", 3: "East", 4: "West"}


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    """8 stores (too few clusters), a labelled nominal region and a text shelf column."""
    data = cx.load_dataset("cx_survey")
    rng = np.random.default_rng(5)
    n = len(data)
    data["store"] = rng.integers(1, 9, n)
    data["region"] = rng.choice([1, 2, 3, 4], n, p=[0.2, 0.4, 0.25, 0.15])
    data["shelf"] = rng.choice(["top", "middle", "bottom"], n, p=[0.3, 0.2, 0.5])
    sat = [f"satisfaction_{i}" for i in range(1, 5)]
    shift = data["region"].map({1: 0, 2: 1, 3: -1, 4: 0}).to_numpy()
    data[sat] = np.clip(data[sat].to_numpy() + shift[:, None], 1, 7)
    path = tmp_path_factory.mktemp("small") / "stores.sav"
    pyreadstat.write_sav(
        data, str(path), variable_value_labels={"region": REGIONS},
        variable_measure={"region": "nominal"},
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def small_run(small_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("small_run") / "report"
    result = cx.report(
        small_file, outcome="satisfaction", drivers=["service", "price", "region", "shelf"],
        cluster="store", out=out, n_boot=50, progress=False,
    )  # fmt: skip
    return {
        "page": Path(result.html).read_text(encoding="utf-8"),
        "tables": json.loads(Path(result.json).read_text()),
    }


def test_few_clusters_warn_on_the_page(small_run):
    page = small_run["page"]
    body = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    assert "Traceback" not in body and "jupyter.stderr" not in body
    note = re.search(r'<p class="cx-note"[^>]*><b>Note:</b> <bdi>([^<]*)</bdi></p>', page)
    assert note is not None and "8 clusters" in note.group(1)
    stats = table(small_run, "fit_stats").set_index("statistic")["value"]
    assert stats["n_clusters"] == 8


def test_categorical_drivers_by_level_against_the_most_frequent(small_run, small_file):
    survey = cx.read_survey(small_file)
    data = survey.data.copy()
    for scale in ["service", "price", "satisfaction"]:
        cols = [f"{scale}_{i}" for i in range(1, 5)]
        data[scale] = cx.scale_score(data, items=cols, min_items=2).score
    with pytest.warns(UserWarning, match="only 8 clusters"):
        fit = cx.fit_drivers(
            data,
            "satisfaction ~ service + price + C(region, Treatment(reference='South'))"
            " + C(shelf, Treatment(reference='bottom'))",
            cluster="store", missing="listwise",
        )  # fmt: skip
    got = table(small_run, "drivers")
    assert got["term"].tolist() == fit.table["term"].tolist()
    levels = got["term"].str.contains(r"\[T\.")
    assert levels.sum() == 5  # North, East, West; middle, top
    cols = ["estimate", "std_error", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(got[cols], fit.table[cols], rtol=1e-9, atol=1e-12)
    page = small_run["page"]
    assert "reference level <b><bdi>South</bdi></b>" in page
    assert "reference level <b><bdi>bottom</bdi></b>" in page
    assert "Left out of the sections below" in page
    assert table(small_run, "dominance")["term"].tolist() == ["service", "price"]


def test_a_binary_outcome_gets_a_logit_with_average_marginal_effects(tmp_path):
    data = cx.load_dataset("cx_survey")
    sat = data[[f"satisfaction_{i}" for i in range(1, 5)]].mean(axis=1)
    data["bought"] = (sat >= sat.median()).astype(int)
    data.to_csv(tmp_path / "bought.csv", index=False)
    result = cx.report(
        tmp_path / "bought.csv", outcome="bought", drivers=["service", "price"],
        out=tmp_path / "report", n_boot=20, progress=False,
    )  # fmt: skip
    tables = json.loads(Path(result.json).read_text())["tables"]
    for scale in ["service", "price"]:
        cols = [f"{scale}_{i}" for i in range(1, 5)]
        data[scale] = cx.scale_score(data, items=cols, min_items=2).score
    fit = cx.fit_drivers(data, "bought ~ service + price", family="logit", missing="listwise")
    got = pd.DataFrame(tables["marginal_effects"])
    assert got["term"].tolist() == fit.marginal_effects["term"].tolist()
    cols = ["estimate", "std_error", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(got[cols], fit.marginal_effects[cols], rtol=1e-9, atol=1e-12)
    page = Path(result.html).read_text(encoding="utf-8")
    assert "logistic regression (logit)" in page and "Average marginal effects" in page


# ------------------------------------------- the page as a person sees it: phone, Persian, PDF


@pytest.fixture(scope="module")
def persian(survey_file, tmp_path_factory):
    """The report in Persian (and as a PDF when Chromium is installed), run with an empty
    home folder: the kernel must keep its caches out of it."""
    out = tmp_path_factory.mktemp("fa") / "report"
    home = tmp_path_factory.mktemp("home")
    command = [sys.executable, "-m", "cxresearch", "report", str(survey_file), "--outcome",
               "satisfaction", "--drivers", *DRIVERS, "--by", "store_type", "--reverse",
               REVERSED, "--out", str(out), "--lang", "fa", "--n-boot", "50", "--no-progress"]  # fmt: skip
    if CHROMIUM:
        command.append("--pdf")
    env = {**os.environ, "HOME": str(home)}
    for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "XDG_CACHE_HOME"):
        env.pop(name, None)
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"out": out, "home": home}


def test_nothing_is_written_into_home(persian):
    assert [p.relative_to(persian["home"]) for p in persian["home"].rglob("*")] == []


def test_the_persian_page_is_right_to_left(persian):
    page = (persian["out"] / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fa">' in page and 'dir="rtl"' in page
    assert "گزارش محرک‌های تجربهٔ مشتری" in page and "در یک نگاه" in page


def test_the_pdf_is_printed_offline(persian):
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    pdf = (persian["out"] / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_the_screen(run, persian, browser, width):
    fonts = subprocess.run(["fc-list", ":lang=fa"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no font with Persian glyphs (Debian's fonts-dejavu-core)"
    for page_file, direction in ((run["out"], "ltr"), (persian["out"], "rtl")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto((page_file / "report.html").as_uri(), wait_until="load")
        seen = page.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                direction: getComputedStyle(document.body).direction,
                summary: document.querySelector('#cx-summary').getBoundingClientRect().width,
                images: [...document.images].every(i => i.complete && i.naturalWidth > 0
                    && i.getBoundingClientRect().width <= window.innerWidth),
            })"""
        )
        context.close()
        assert seen["scroll"] <= width  # wide tables scroll in their own box
        assert seen["direction"] == direction
        assert 0.5 * width < seen["summary"] <= width and seen["images"]
