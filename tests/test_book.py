"""The book's staging step (tools/bookpages.py) and the files the book is built from."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import bookpages as bp  # noqa: E402
import vendor  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def notebook(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[md("# Title"), *cells])


# ------------------------------------------------------------------------ glossary links


def test_first_use_of_a_term_is_linked_once_per_notebook():
    nb = notebook(md("A touchpoint here."), md("Another touchpoint there."))
    glossary = [{"term_en": "touchpoint"}]
    assert bp.link_terms(nb, glossary) == 1
    assert nb.cells[1].source == "A {term}`touchpoint <touchpoint>` here."
    assert nb.cells[0].source == "# Title"
    assert nb.cells[2].source == "Another touchpoint there."


@pytest.mark.parametrize(
    "text",
    [
        "## NPS in a heading",
        "code `NPS` only",
        "a link [NPS](x.ipynb) only",
        "math $NPS$ only",
        "```\nNPS\n```",
        "an address https://example.org/NPS only",
    ],
)
def test_terms_in_headings_code_math_and_links_are_left_alone(text):
    nb = notebook(md(text))
    bp.link_terms(nb, [{"term_en": "Net Promoter Score (NPS)"}])
    assert nb.cells[1].source == text


def test_abbreviations_match_in_capitals_only_and_after_a_heading():
    nb = notebook(md("## Heading\n\nthe nps of a store, then the NPS"))
    bp.link_terms(nb, [{"term_en": "Net Promoter Score (NPS)"}])
    assert nb.cells[1].source.endswith("then the {term}`NPS <Net Promoter Score (NPS)>`")


def test_every_glossary_term_is_linked_somewhere_in_the_course():
    glossary = bp.load_glossary()
    linked = set()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        bp.link_terms(nb, glossary, path.stem)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        linked |= set(re.findall(r"\{term\}`[^<`]*<([^>]+)>`", text))
    missing = sorted({row["term_en"] for row in glossary} - linked)
    assert not missing, f"glossary terms never used in a notebook's prose: {missing}"


def test_glossary_page_has_three_languages_and_right_to_left_persian():
    glossary = bp.load_glossary()
    page = bp.glossary_page(glossary, {"01-what-is-cx": "01 · What is CX?"})
    assert page.count('lang="fa" dir="rtl"') == len(glossary)
    assert page.count('lang="ru"') == len(glossary)
    assert ":::{glossary}" in page


# --------------------------------------------------------------------------- references


def test_in_text_citations_match_the_ways_the_notebooks_write_them():
    one = {"author": "Milliman, Ronald E.", "year": "1982"}
    two = {"author": "Reichheld, F. and Sasser, W.", "year": "1990"}
    many = {"author": "Verhoef, P. and Lemon, K. and Parasuraman, A.", "year": "2009"}
    assert bp.in_text_pattern(one).search("as Milliman (1982) found")
    assert bp.in_text_pattern(one).search("(Milliman 1982)").group(0) == "Milliman 1982"
    assert bp.in_text_pattern(two).search("Reichheld & Sasser (1990)")
    assert bp.in_text_pattern(two).search("Reichheld and Sasser, 1990")
    assert bp.in_text_pattern(many).search("Verhoef et al.\n(2009)")
    assert bp.in_text_pattern(many).search("Verhoef, Lemon and Parasuraman (2009)")
    assert not bp.in_text_pattern(one).search("Milliman (1986)")
    first = {"author": "Anonymous", "key": "anonymousnda"}
    second = {"author": "Anonymous", "key": "anonymousndb"}
    text = "a web article (Anonymous, n.d.-b) and (Anonymous, n.d.-a)"
    assert bp.in_text_pattern(first).search(text).group(0) == "Anonymous, n.d.-a"
    assert bp.in_text_pattern(second).search(text).group(0) == "Anonymous, n.d.-b"
    undated = {"author": "Rae, Jeananne", "key": "raend"}
    assert bp.in_text_pattern(undated).search("Jeananne Rae (n.d.) wrote")


def test_references_cell_becomes_a_bibliography_of_the_notebooks_keys():
    nb = notebook(md("As Milliman (1982) showed."), md("## References\n\n* Milliman..."))
    nb.metadata["cxresearch"] = {"references": ["milliman1982"]}
    bib = {"milliman1982": {"author": "Milliman, Ronald E.", "year": "1982"}}
    assert bp.cite(nb, "03-x", bib) == 1
    assert nb.cells[1].source == 'As <a href="#cite-n03-milliman1982">Milliman (1982)</a> showed.'
    assert ':filter: key in {"milliman1982"}' in nb.cells[2].source
    assert ":keyprefix: n03-" in nb.cells[2].source


def test_unknown_reference_keys_stop_the_build():
    nb = notebook(md("## References"))
    nb.metadata["cxresearch"] = {"references": ["nobody2020"]}
    with pytest.raises(SystemExit, match="nobody2020"):
        bp.cite(nb, "01-x", {})


# ------------------------------------------------------------------- figures and widgets


def _figure_cell(**info):
    cell = nbformat.v4.new_code_cell("plot()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    if info:
        cell.metadata["cxresearch"] = info
    return cell


def test_alt_text_and_caption_go_to_mystnb_metadata_and_missing_alt_is_reported():
    nb = notebook(_figure_cell(alt="Bars of NPS by store", caption="NPS by store"), _figure_cell())
    missing = bp.add_figure_text(nb, "02-x")
    assert missing == ["02-x cell 2"]
    assert nb.cells[1].metadata["mystnb"]["image"]["alt"] == "Bars of NPS by store"
    assert nb.cells[1].metadata["mystnb"]["figure"]["name"] == "fig-02-1"


def test_every_figure_in_the_course_has_alt_text():
    missing = []
    for path in NOTEBOOKS:
        missing += bp.add_figure_text(nbformat.read(path, as_version=4), path.stem)
    assert not missing, missing


def test_a_widget_without_a_still_stops_the_build_and_with_one_becomes_an_image():
    cell = nbformat.v4.new_code_cell("cx.widgets.moderator_explorer()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={bp.WIDGET_MIME: {"model_id": "x"}})
    ]
    nb = notebook(cell)
    nb.metadata["widgets"] = {"state": {}}
    with pytest.raises(SystemExit, match="cxresearch.static"):
        bp.replace_widgets(nb, "03-x")
    cell.metadata["cxresearch"] = {"static": "plt.figure(figsize=(2, 2))"}
    assert bp.replace_widgets(nb, "03-x") == 1
    assert len(cell.outputs) == 1 and "image/png" in cell.outputs[0]["data"]
    assert "widgets" not in nb.metadata and "interactive widget" in bp.meta(cell)["caption"]


def test_every_widget_in_the_course_has_a_still():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if any(bp.WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
                assert bp.meta(cell).get("static"), f"{path.name}: widget without a still"


# -------------------------------------------------------------------------------- slides


def test_slide_copy_keeps_tagged_cells_and_shows_code_output_only():
    long_text = "## Section\n\n" + " ".join(["word"] * 200)
    fig = _figure_cell(alt="x")
    fig.metadata["tags"] = ["subslide"]
    title = md("# Title")
    title.metadata["tags"] = ["slide"]
    section = md(long_text)
    section.metadata["tags"] = ["slide"]
    nb = nbformat.v4.new_notebook(cells=[title, section, fig, md("not on a slide")])
    deck = bp.slide_copy(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in deck.cells]
    # the cut section and the figure (its alt text) get speaker notes after them
    assert kinds == ["slide", "slide", "notes", "subslide", "notes", "skip"]
    assert deck.cells[3].source == "" and deck.cells[3].outputs
    assert len(deck.cells[1].source.split()) < 80
    assert deck.cells[2].source == long_text.split("\n\n")[1] and deck.cells[4].source == "x"
    assert nb.cells[2].source == "plot()"  # the notebook itself is untouched


def test_every_notebook_has_a_slide_deck():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if set(c.metadata.get("tags", [])) & {"slide", "subslide"}]
        assert len(tagged) >= 3, f"{path.name}: fewer than 3 cells tagged for slides"


# ---------------------------------------------------------------------- configuration


def test_toc_lists_every_notebook_then_the_reference_pages():
    notebooks = {p.stem: nbformat.read(p, as_version=4) for p in NOTEBOOKS}
    toc = yaml.safe_load(bp.toc(notebooks))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files == [f"notebooks/{p.stem}" for p in NOTEBOOKS] + [
        "glossary",
        "references",
        "instructor",
    ]


def test_book_config_serves_math_locally_and_runs_no_code():
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    sphinx = config["sphinx"]["config"]
    assert "://" not in sphinx["mathjax_path"]
    assert config["execute"]["execute_notebooks"] == "off"


def test_vendored_assets_are_pinned_by_checksum():
    for name, (version, integrity, keep) in vendor.ASSETS.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), name
        assert integrity.startswith("sha512-") and len(integrity) > 80, name
        assert keep


def test_the_book_build_fails_on_a_notebook_error(tmp_path, monkeypatch):
    """A cell that raises stops the build and names the notebook (no kernel for the rest)."""
    import book

    bad = tmp_path / "99-bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")]), bad)
    with pytest.raises(SystemExit, match="99-bad.ipynb"):
        book.execute_all([bad], tmp_path / "cache")


def test_make_lab_allows_root_and_opens_at_the_repository_root():
    out = subprocess.run(
        ["make", "-n", "lab"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert f'--ServerApp.root_dir="{ROOT}"' in out
    import os

    assert ("--allow-root" in out) == (os.getuid() == 0)


def test_every_cx_call_on_the_front_pages_exists():
    # the front page once told students to call cx.check(...), which does not exist
    import re

    import cxresearch as cx

    root = Path(__file__).resolve().parent.parent
    for page in [root / "book" / "intro.md", root / "book" / "instructor.md", root / "README.md"]:
        for chain in re.findall(r"`(cx(?:\.[A-Za-z_]\w*)+)\(", page.read_text(encoding="utf-8")):
            obj = cx
            for part in chain.split(".")[1:]:
                assert hasattr(obj, part), f"{page.name}: {chain} does not exist"
                obj = getattr(obj, part)
            assert callable(obj), f"{page.name}: {chain} is not callable"


def _sleepy_notebook(path: Path, seconds: float) -> Path:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})\nprint('done')")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_a_notebook_over_budget_warns_and_the_build_goes_on(tmp_path, monkeypatch, capsys):
    # make run (tools/book.py) and make notebooks (tools/course.py) once stopped at 60 s:
    # a student's slow laptop would never get the course built
    import course

    import book

    slow = _sleepy_notebook(tmp_path / "99-slow.ipynb", 1.5)
    monkeypatch.setattr(book, "BUDGET", 0.5)
    executed, timings = book.execute_all([slow], tmp_path / "cache")
    out = capsys.readouterr().out
    assert "warning: 99-slow.ipynb took" in out and "over the 0 s budget" in out
    assert timings["99-slow"] > 0.5
    assert executed["99-slow"].cells[0].outputs[0]["text"] == "done\n"  # built all the same
    assert "without encryption" not in out  # the kernel runs over IPC, quietly

    monkeypatch.setattr(course, "BUDGET", 0.5)
    monkeypatch.setattr(course, "TIMES", tmp_path / "times.json")
    assert course.execute([slow]) == 0
    out = capsys.readouterr().out
    assert "warning: 99-slow.ipynb took" in out and "1 notebook(s) over the 0 s budget" in out
    assert nbformat.read(slow, as_version=4).cells[0].outputs[0]["text"] == "done\n"


# ------------------------------------------------------------------ launch buttons


@pytest.mark.parametrize(
    "remote, url",
    [
        ("https://github.com/owner/cx-course.git", "https://github.com/owner/cx-course"),
        ("git@github.com:owner/cx.course", "https://github.com/owner/cx.course"),
        ("ssh://git@github.com/owner/repo/", "https://github.com/owner/repo"),
        ("https://gitlab.com/owner/repo.git", None),
        ("/srv/git/cxresearch.git", None),
        ("", None),
    ],
)
def test_launch_buttons_follow_the_git_remote(remote, url):
    assert bp.github_url(remote) == url
    config = yaml.safe_load((bp.BOOK / "_config.yml").read_text(encoding="utf-8"))
    staged = bp.launch_config(config, url)
    if url:
        assert staged["repository"]["url"] == url and staged["launch_buttons"]["colab_url"]
        assert staged["html"]["use_repository_button"] is True
    else:  # no button to a placeholder address
        assert "launch_buttons" not in staged and "repository" not in staged
        assert staged["html"]["use_repository_button"] is False
    assert config == yaml.safe_load((bp.BOOK / "_config.yml").read_text(encoding="utf-8"))


def test_this_checkout_stages_the_buttons_its_remote_allows(tmp_path):
    url = bp.repository_url()
    done = subprocess.run(["git", "-C", str(bp.ROOT), "remote", "get-url", "origin"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert url == (bp.github_url(done.stdout) if done.returncode == 0 else None)


def test_the_guide_counts_exercises_and_prompts_from_their_sources():
    # the guide said 0 or 1 exercises per notebook; the answer files hold 63
    notebooks = {p.stem: nbformat.read(p, as_version=4) for p in NOTEBOOKS}
    table = bp.times_table(notebooks, {})
    keys = [json.loads(p.read_text()) for p in sorted(bp.EXERCISES.glob("*.json"))]
    total = sum(len(k) for k in keys)
    assert total >= 60 and f"| **{total}** |" in table
    assert bp.exercise_count("04-drivers-to-loyalty") == len(keys[4])
    prompts = sum(
        "".join(c["source"]).count("**Check it yourself.**")
        for nb in notebooks.values() for c in nb.cells if c.cell_type == "markdown"
    )  # fmt: skip
    assert prompts > 50 and table.endswith(f"| **{prompts}** |")


def test_each_weeks_readings_are_cited_by_its_notebooks():
    bib = bp.load_bib()
    table = bp.readings_table(bib)
    assert table.count("\n") == len(bp.READINGS) + 1
    for week, (*stems, keys) in bp.READINGS.items():
        cited = set()
        for stem in stems:
            nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
            cited |= set(nb.metadata.get("cxresearch", {}).get("references", []))
        assert set(keys) <= cited, (week, set(keys) - cited)
        for key in keys:
            assert bp.reference_text(bib[key]).split(" (")[0] in table


def test_slides_cut_at_sentences_and_keep_the_rest_as_speaker_notes():
    ends_on_colon, cut, notes = [], 0, 0
    for path in NOTEBOOKS:
        deck = bp.slide_copy(nbformat.read(path, as_version=4))
        for i, cell in enumerate(deck.cells):
            kind = cell.metadata["slideshow"]["slide_type"]
            if kind == "notes":
                notes += 1
                continue
            if kind == "skip":
                continue
            if cell.cell_type == "code" and "slide-code" not in cell.metadata.get("tags", []):
                assert bp.HIDE_INPUT in cell.metadata["tags"]  # no empty In[] box
            if cell.cell_type == "markdown":
                text = cell.source.rstrip()
                if text.endswith(":"):
                    ends_on_colon.append(f"{path.stem}: {text[-60:]!r}")
                nxt = deck.cells[i + 1] if i + 1 < len(deck.cells) else None
                if nxt is not None and nxt.metadata["slideshow"]["slide_type"] == "notes":
                    cut += 1
                    assert (
                        text.split("\n\n")[-1].rstrip(" .…") in nxt.source
                    )  # a cut, not a rewrite
                    assert text.count("[") == text.count("]")  # no link left open
    assert ends_on_colon == []
    assert cut > 50 and notes >= cut


def test_search_texts_keep_anchors_escape_text_and_drop_code():
    sys.path.insert(0, str(ROOT / "tools"))
    import booksite

    page = (
        '<html><body><nav>menu</nav><main role="main"><section id="s-1"><h2>Title'
        '<a class="headerlink">#</a></h2><p>a &lt;b&gt; promoter</p>'
        '<div class="cell_input"><pre>secret_code()</pre></div>'
        "<script>alert(1)</script></section></main></body></html>"
    )
    text = booksite.page_text(page)
    assert '<div id="s-1">' in text
    assert "a &lt;b&gt; promoter" in text and "Title" in text
    assert "secret_code" not in text and "alert" not in text and "menu" not in text
    assert booksite.page_text("<html><body>no main part</body></html>") is None


def test_every_notebook_starts_with_an_install_cell_for_colab():
    import importlib.util

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].get("id") == "colab-install", path.name
        assert bp.INSTALL_FROM in code[0].source and "find_spec" in code[0].source
        assert not code[0].outputs  # installed here: the cell does nothing
    assert importlib.util.find_spec("cxresearch") is not None
    nb = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4)
    assert bp.point_install_cell(nb, "https://github.com/someone/fork")
    assert (
        "git+https://github.com/someone/fork"
        in nb.cells[[c.get("id") for c in nb.cells].index("colab-install")].source
    )
