"""The report's analyses and sections (cxresearch.reporting.sections), called directly.

The template notebook only calls these functions, so they are tested here without a
kernel: the first page's numbers against the appendix's tables and the direct calls, its
sentences against its numbers, the three languages against each other and the course
glossary, the codebook's direction, a 0/1 outcome, and the output folder's safety rules.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch.reporting import _run, _text, sections

pyreadstat = pytest.importorskip("pyreadstat")
sys.path.insert(0, str(Path(__file__).parent))
from test_report import DRIVERS, REVERSED, write_survey  # noqa: E402


@pytest.fixture(scope="module")
def survey_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sections") / "survey.sav"
    write_survey(path)
    return path


@pytest.fixture(scope="module")
def prep(survey_file):
    return cx.prepare_report(
        survey_file, outcome="satisfaction", drivers=DRIVERS, weights="weight",
        by="store_type", cluster="store", reverse=REVERSED,
    )  # fmt: skip


@pytest.fixture(scope="module")
def findings(prep):
    return sections.analyse(prep, n_boot=200, seed=3)


@pytest.fixture(scope="module")
def first(findings):
    return {lang: sections.summary(findings, lang) for lang in ("en", "fa", "ru")}


# ------------------------------------------------------------------ the first page


def test_the_first_page_states_the_appendix_numbers(findings, first, prep):
    rows = first["en"].tables["summary"]
    by = {k: part for k, part in rows.groupby("statement")}
    assert by["respondents"]["estimate"].item() == 1000
    data = prep.data.dropna(subset=["satisfaction", "weight"])
    mean = np.average(data["satisfaction"], weights=data["weight"])
    assert by["outcome_mean"]["estimate"].item() == pytest.approx(mean, rel=1e-12)
    assert by["nps"]["estimate"].item() == findings.nps["nps"].iloc[0]
    ranked = findings.dominance.table.sort_values("estimate", ascending=False).head(3)
    assert by["driver"]["subject"].tolist() == ranked["term"].tolist()
    np.testing.assert_allclose(by["driver"]["ci_low"], ranked["ci_low"])
    fix = findings.ipa.table.query("quadrant == 'concentrate here'")
    assert sorted(by.get("fix_first", pd.DataFrame({"subject": []}))["subject"]) == sorted(
        fix["term"]
    )
    # every difference stated holds up: its interval excludes zero, as in the test table
    for _, row in rows[rows["statement"].str.endswith("_difference")].iterrows():
        assert row["ci_low"] > 0 and row["ci_high"] > row["ci_low"]


def test_each_sentence_shows_its_number(findings, first):
    page, rows = first["en"].html, first["en"].tables["summary"]
    m = rows.set_index("statement").loc["outcome_mean"]
    assert f"averages {m['estimate']:.2f}" in page
    assert f"interval {m['ci_low']:.2f} to {m['ci_high']:.2f}" in page
    nps = rows.set_index("statement").loc["nps"]
    assert "Score</b> (<bdi>How likely are you to recommend us to a friend?</bdi>): " in page
    assert f"{nps['estimate']:.0f} (95% confidence interval {nps['ci_low']:.0f}" in page
    r2 = findings.dominance.r_squared
    for _, row in rows[rows["statement"] == "driver"].iterrows():
        shown = f"{100 * row['estimate']:.1f} of the {100 * r2:.1f} percentage points"
        assert shown in page
    assert page.count('<figure class="cx-figure">') == 4  # groups, NPS, drivers, map


def test_the_first_page_in_persian_is_right_to_left_with_the_glossary_terms(first):
    terms = _text.glossary("fa")
    page = first["fa"].html
    assert 'dir="rtl" lang="fa"' in page
    assert terms["confidence interval"] in page and terms["Net Promoter Score (NPS)"] in page
    assert re.search("[۰-۹]", page)  # Persian digits in the sentences
    assert "people answered" not in page
    ru = first["ru"].html
    assert _text.glossary("ru")["confidence interval"] in ru and "Ответили" in ru
    assert "0,0" in ru or re.search(r"\d,\d", ru)  # the decimal comma


def test_every_message_has_three_languages_with_the_same_fields():
    fields = string.Formatter()
    terms = {lang: _text.glossary(lang) for lang in ("fa", "ru")}
    for key, variants in _text.MESSAGES.items():
        assert len(variants) == 3 and all(v.strip() for v in variants), key
        names = []
        for lang, template in zip(("en", "fa", "ru"), variants, strict=True):
            used = {f for _, f, _, _ in fields.parse(template) if f and not f.startswith("g[")}
            names.append(used)
            for term in re.findall(r"\{g\[([^\]]+)\]\}", template):
                assert lang == "en" or term in terms[lang], (key, term)
        assert names[0] == names[1] == names[2], key


def test_a_language_outside_the_three_is_refused(findings):
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'fa', 'ru'.*got 'de'"):
        sections.Page(findings, lang="de")
    with pytest.raises(TypeError, match="prep must be what cx.prepare_report returns"):
        sections.analyse(pd.DataFrame())


# ------------------------------------------------------------------------ the appendix


def test_every_section_in_every_language(findings):
    names = {}
    for lang in ("en", "fa", "ru"):
        page = sections.Page(findings, lang=lang)
        titles = [page.show(sections.heading, "survey.sav").title]
        titles += [page.show(section).title for section in sections.APPENDIX]
        titles.append(page.show(sections.about_section, {"path": "survey.sav"}).title)
        names[lang] = set(page.tables)
        assert len(set(titles)) == len(titles)
    assert names["en"] == names["fa"] == names["ru"]
    assert {"drivers", "dominance", "alpha", "nps", "csat", "penalty_reward"} <= names["en"]


def test_the_driver_model_section_equals_fit_drivers(findings, prep):
    section = sections.model_section(findings)
    fit = cx.fit_drivers(prep.data, "satisfaction ~ service + atmosphere + assortment + price",
                         weights="weight", cluster="store", missing="listwise")  # fmt: skip
    pd.testing.assert_frame_equal(section.tables["drivers"], fit.table)
    assert "30 clusters" in section.html


# --------------------------------------------------------- codebook direction, 0/1 outcome


def test_a_descending_scale_is_turned_by_its_codebook_direction(tmp_path):
    data = cx.load_dataset("cx_survey").head(400)
    items = [f"price_{i}" for i in range(1, 5)]
    stored = data.copy()
    stored[items] = 8 - stored[items]  # 1 = "Strongly agree" ... 7 = "Strongly disagree"
    labels = {c: {1: "Strongly agree", 4: "Neutral", 7: "Strongly disagree"} for c in items}
    path = tmp_path / "descending.sav"
    pyreadstat.write_sav(stored, str(path), variable_value_labels=labels)
    prep = cx.prepare_report(path, outcome="loyalty", drivers=["price", "service"])
    assert prep.descending == tuple(items) and prep.reverse == ()
    np.testing.assert_array_equal(prep.data[items], data[items])  # back to 7 = agree
    alpha = cx.cronbach_alpha(data, items=items)["alpha"].iloc[0]
    findings = sections.analyse(prep, n_boot=0)
    got = findings.alpha.set_index("scale").loc["price", "alpha"]
    assert got == pytest.approx(alpha, rel=1e-12)
    html = sections.data_section(findings).html
    assert "direction <i>descending</i>" in html


def test_a_binary_outcome_reads_as_a_share(tmp_path):
    data = cx.load_dataset("cx_survey").head(500)
    sat = data[[f"satisfaction_{i}" for i in range(1, 5)]].mean(axis=1)
    data["bought"] = (sat >= sat.median()).astype(int)
    data.to_csv(tmp_path / "bought.csv", index=False)
    prep = cx.prepare_report(tmp_path / "bought.csv", outcome="bought",
                             drivers=["service", "price"])  # fmt: skip
    first = sections.summary(sections.analyse(prep, n_boot=0))
    share = data["bought"].mean()
    assert f"{share:.0%} answered yes (1)" in first.html
    assert "linear probability model" in first.html


# ------------------------------------------------------------------- the output folder


def test_a_symbolic_link_in_the_output_folder_is_refused(tmp_path, survey_file):
    before = survey_file.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.ipynb").symlink_to(survey_file)  # would overwrite the survey
    with pytest.raises(ValueError, match="'report.ipynb' in the output folder is a symbolic"):
        cx.report(survey_file, outcome="satisfaction", drivers=DRIVERS, reverse=REVERSED,
                  out=out, progress=False)  # fmt: skip
    assert survey_file.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["report.ipynb"]


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with _run._locked(out):
        assert (out / ".cxreport.lock").read_text() == str(os.getpid())
        with pytest.raises(FileExistsError, match=r"another report \(process \d+\)"):
            with _run._locked(out):
                pass
    assert not (out / ".cxreport.lock").exists()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (out / ".cxreport.lock").write_text(dead)  # left by a run that was killed
    (out / ".cxreport-abc123").mkdir()  # with its work folder
    (out / ".cxreport-abc123" / "report.ipynb").write_text("{}")
    with _run._locked(out):
        assert (out / ".cxreport.lock").read_text() == str(os.getpid())
        assert not (out / ".cxreport-abc123").exists()


def test_the_kernel_keeps_its_caches_out_of_home(tmp_path):
    work = tmp_path / "work"
    before = dict(os.environ)
    with _run._kernel_home(work):
        for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "XDG_CACHE_HOME"):
            assert Path(os.environ[name]).is_relative_to(work)
    assert dict(os.environ) == before


def test_n_boot_has_an_upper_limit(survey_file, tmp_path):
    with pytest.raises(ValueError, match="n_boot must be at most 100000 .the limit here"):
        cx.report(survey_file, outcome="satisfaction", drivers=DRIVERS, out=tmp_path / "o",
                  n_boot=10**9, progress=False)  # fmt: skip
    assert not (tmp_path / "o").exists()


def test_a_crashing_file_reader_is_one_clear_error(survey_file, tmp_path, monkeypatch):
    # ReadStat, under pyreadstat, can kill the whole process on a damaged SPSS file: the
    # report reads the file in a child process, so a crash there is a message here
    monkeypatch.setattr(_run, "_CHILD", "import os; os.abort()")
    with pytest.raises(ValueError, match=r"reading 'survey.sav' crashed the file reader "
                       r"\(signal 6\); the file looks damaged"):  # fmt: skip
        cx.report(survey_file, outcome="satisfaction", drivers=DRIVERS, out=tmp_path / "o",
                  progress=False)  # fmt: skip
    assert not (tmp_path / "o").exists()


def test_bad_input_found_in_the_child_is_the_same_error(survey_file, tmp_path):
    with pytest.raises(ValueError, match=r"outcome: \['nope'\] is neither a column nor a scale"):
        cx.report(survey_file, outcome="nope", drivers=DRIVERS, out=tmp_path / "o",
                  progress=False)  # fmt: skip
    with pytest.raises(TypeError, match="scales must be a dict"):
        cx.report(survey_file, outcome="satisfaction", drivers=DRIVERS, scales=3,
                  out=tmp_path / "o", progress=False)  # fmt: skip
    assert not (tmp_path / "o").exists()
