"""The staging step of the book build (``tools/book.py``): pages, notebooks' book-only touches.

Every change made here is made to a *copy* of a notebook in ``build/_book``; the
notebooks students open in JupyterLab are never rewritten by a build. What the copies
get:

* **figures**: each code cell's ``cxresearch`` metadata ``alt`` and ``caption`` become
  the image's alt text and the figure's caption (MyST-NB's ``mystnb`` cell metadata);
* **widgets**: a live widget needs the Jupyter widget manager, which a static page would
  fetch from a CDN, so each widget output is replaced by a still drawn by the
  expression in the cell's ``cxresearch.static`` metadata (the notebook keeps the widget);
* **glossary**: in every notebook, the first use of each glossary term links to its
  entry on the glossary page (built from ``datasets/glossary.csv``);
* **references**: each notebook's ``## References`` cell becomes a bibliography of the
  keys in its ``cxresearch.references`` metadata, rendered from ``book/references.bib``
  with DOIs; in-text citations written as "Author (Year)" or "Author et al. (Year)"
  link to their entries.

The hidden check cells (code cells tagged ``remove-cell``, which assert what the prose
says about the outputs; see ``tests/test_claims.py``) stay in the book's copies, where
Jupyter Book removes them from the page; the slide decks drop them, and the instructor
guide's study-time estimate does not count them.
"""

from __future__ import annotations

import base64
import copy
import csv
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
GLOSSARY = ROOT / "datasets" / "glossary.csv"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TIMES = BOOK / "notebook_times.json"
HIDDEN_TAG = "remove-cell"  # Jupyter Book leaves such a cell out of the page


# --------------------------------------------------------------------------- helpers


def title_of(nb: nbformat.NotebookNode) -> str:
    """The notebook's first heading, without the leading #'s."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            return cell.source.strip().splitlines()[0].lstrip("# ").strip()
    return ""


def meta(cell_or_nb) -> dict:
    return dict(cell_or_nb.metadata.get("cxresearch", {}))


def is_hidden(cell: nbformat.NotebookNode) -> bool:
    """A cell the book does not show: a hidden check cell (tagged ``remove-cell``)."""
    return HIDDEN_TAG in cell.metadata.get("tags", [])


def has_image(cell: nbformat.NotebookNode) -> bool:
    return any(
        "image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
        for out in cell.get("outputs", [])
    )


# Markdown that must not be touched when linking terms: code, math, links, HTML, roles,
# headings and directive fences.
_PROTECTED = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$\n]+\$|!?\[[^\]]*\]\([^)]*\)|<[^>\n]+>"
    r"|\{[a-z:-]+\}`[^`]*`|^#[^\n]*$|^:::[^\n]*$|https?://\S+",
    re.S | re.M,
)


def _unprotected_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _PROTECTED.finditer(text):
        if match.start() > pos:
            spans.append((pos, match.start()))
        pos = match.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def replace_first(text: str, pattern: re.Pattern, make) -> tuple[str, bool]:
    """Replace the first match of ``pattern`` outside protected markdown by ``make(match)``."""
    for start, end in _unprotected_spans(text):
        match = pattern.search(text, start, end)
        if match:
            return text[: match.start()] + make(match) + text[match.end() :], True
    return text, False


# -------------------------------------------------------------------------- glossary


def load_glossary() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def term_patterns(term: str) -> list[re.Pattern]:
    """Ways a glossary term appears in prose: its phrase and its abbreviations."""
    phrase, _, rest = term.partition(" (")
    # hyphen, en dash and space are the same joint: "peak-end", "peak–end", "peak end"
    body = re.sub(r"\\?[- –]", "[-– ]", re.escape(phrase))
    pats = [re.compile(r"(?<![\w-])" + body + r"(?:s|es)?(?![\w-])", re.I)]
    for abbr in re.split(r",\s*", rest.rstrip(")")) if rest else []:
        if abbr and abbr.upper() == abbr:  # abbreviations only match in capitals
            pats.append(re.compile(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])"))
    return pats


#: Shorter ways the prose of a term's own notebook writes it (used only in that notebook).
SHORT_FORMS = {
    "customer experience strategy": ["CX strategy"],
    "customer retention": ["retention"],
    "levels of experience": ["levels"],
    "sensory experience": ["sensory"],
    "digital environment": ["digital"],
}


def link_terms(nb: nbformat.NotebookNode, glossary: list[dict[str, str]], stem: str = "") -> int:
    """Link the first use of each glossary term in ``nb`` to the glossary; return the count."""
    linked = 0
    for row in glossary:
        term = row["term_en"]
        patterns = term_patterns(term)
        if row.get("notebook") == stem:
            patterns += [term_patterns(form)[0] for form in SHORT_FORMS.get(term, [])]
        done = False
        for cell in nb.cells:  # headings are protected, so the title cell is safe
            if cell.cell_type != "markdown" or done:
                continue
            for pattern in patterns:
                cell.source, done = replace_first(
                    cell.source, pattern, lambda m, t=term: f"{{term}}`{m.group(0)} <{t}>`"
                )
                if done:
                    linked += 1
                    break
    return linked


def glossary_page(glossary: list[dict[str, str]], titles: dict[str, str]) -> str:
    lines = [
        "# Glossary",
        "",
        "Every term the course teaches, in English, Persian and Russian (the languages of",
        "the course's source documents), with a short definition and the notebook that",
        "teaches it. In the notebooks, the first use of a term links here.",
        "",
        ":::{glossary}",
        ":sorted:",
        "",
    ]
    for row in glossary:
        stem = row["notebook"]
        where = f"Taught in [{titles[stem]}](notebooks/{stem}.ipynb)." if stem in titles else ""
        lines += [
            row["term_en"],
            f"  {row['definition']}",
            "",
            f'  Persian: <span lang="fa" dir="rtl" class="persian">{html.escape(row["term_fa"])}</span>'
            f' · Russian: <span lang="ru">{html.escape(row["term_ru"])}</span>. {where}',
            "",
        ]
    lines.append(":::")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------- figures and widgets


def add_figure_text(nb: nbformat.NotebookNode, stem: str) -> list[str]:
    """Alt text and captions from cell metadata; the cells with a figure but no alt text."""
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not has_image(cell):
            continue
        info = meta(cell)
        if not info.get("alt"):
            missing.append(f"{stem} cell {index}")
            continue
        mystnb = dict(cell.metadata.get("mystnb", {}))
        mystnb["image"] = {"alt": info["alt"]}
        if info.get("caption"):
            mystnb["figure"] = {"caption": info["caption"], "name": f"fig-{stem[:2]}-{index}"}
        cell.metadata["mystnb"] = mystnb
    return missing


def still_png(expression: str) -> str:
    """Base64 PNG of the figure the expression draws (``cx`` is the package)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import cxresearch as cx

    result = eval(expression, {"cx": cx, "plt": plt})
    fig = getattr(result, "figure", None) or plt.gcf()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close("all")
    return base64.b64encode(buffer.getvalue()).decode()


def replace_widgets(nb: nbformat.NotebookNode, stem: str) -> int:
    """Swap every widget output for a still; return how many were swapped."""
    swapped = 0
    for index, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", [])
        if not any(WIDGET_MIME in out.get("data", {}) for out in outputs):
            continue
        expression = meta(cell).get("static")
        if not expression:
            raise SystemExit(
                f"{stem} cell {index} shows a widget but has no cxresearch.static metadata "
                "(an expression that draws a still of it, e.g. 'cx.widgets.moderator_figure()')"
            )
        # One output only: the still (a caption note says it is a widget's starting view).
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"image/png": still_png(expression)})
        ]
        info = dict(cell.metadata.get("cxresearch", {}))
        note = "In the notebook this is an interactive widget; here is its starting view."
        info["caption"] = f"{info.get('caption', '')} {note}".strip()
        cell.metadata["cxresearch"] = info
        swapped += 1
    nb.metadata.pop("widgets", None)
    return swapped


# --------------------------------------------------------------------------- references


def load_bib() -> dict[str, dict[str, str]]:
    """Entries of book/references.bib: key -> {field: value} (authors, year, title...)."""
    path = BOOK / "references.bib"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    entries = {}
    for match in re.finditer(r"@(\w+)\{([^,\s]+),(.*?)\n\}", text, re.S):
        fields = {
            f.group(1).lower(): f.group(2).strip()
            for f in re.finditer(r"(\w+)\s*=\s*\{((?:[^{}]|\{[^{}]*\})*)\}", match.group(3))
        }
        fields["type"] = match.group(1).lower()
        fields["key"] = match.group(2)
        entries[match.group(2)] = fields
    return entries


def surnames(entry: dict[str, str]) -> list[str]:
    names = []
    for author in re.split(r"\s+and\s+", entry.get("author", "")):
        author = author.strip().strip("{}")
        if not author or author == "others":
            continue
        names.append(author.split(",")[0].strip().strip("{}"))
    return names


def in_text_pattern(entry: dict[str, str]) -> re.Pattern:
    """How the notebooks cite an entry in prose: "Smith (2001)", "Smith and Lee, 2001", ..."""
    names = [re.escape(n) for n in surnames(entry)] or ["(?!)"]
    year = re.escape(entry.get("year", ""))
    if not year:  # undated: "n.d.", or "n.d.-a" for the first of several (key ...nda)
        letter = re.fullmatch(r".*nd([a-z])", entry.get("key", ""))
        year = r"n\.d\." + (f"-{letter.group(1)}" if letter else "")
    sep = r"(?:,\s*(?:&|and)\s+|\s+(?:&|and)\s+|,\s*)"
    full = sep.join(names)
    who = f"(?:{names[0]}\\s+et\\s+al\\.?|{full})" if len(names) >= 3 else full
    return re.compile(who + r"(?:\s*\(" + year + r"[a-z]?\)|,?\s+" + year + r"[a-z]?(?![\w-]))")


def cite(nb: nbformat.NotebookNode, stem: str, bib: dict[str, dict[str, str]]) -> int:
    """Turn the References cell into a bibliography and link in-text citations."""
    keys = meta(nb).get("references", [])
    unknown = [k for k in keys if k not in bib]
    if unknown:
        raise SystemExit(f"{stem}: references not in book/references.bib: {unknown}")
    if not keys:
        return 0
    prefix = f"n{stem[:2]}-"
    linked = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if re.match(r"#+\s*References\s*$", cell.source.strip().splitlines()[0]):
            wanted = ", ".join(f'"{k}"' for k in keys)
            cell.source = (
                "## References\n\n"
                f"```{{bibliography}}\n:keyprefix: {prefix}\n:filter: key in {{{wanted}}}\n```\n"
            )
            continue
        for key in keys:
            pattern = in_text_pattern(bib[key])
            cell.source, done = replace_first(
                cell.source,
                pattern,
                lambda m, k=key: f'<a href="#cite-{prefix}{k}">{m.group(0)}</a>',
            )
            linked += done
    return linked


# ------------------------------------------------------------------------ the pages


def course_map(notebooks: dict[str, nbformat.NotebookNode]) -> str:
    rows = ["| # | notebook | what you learn | before you start |", "|---|---|---|---|"]
    for stem, nb in notebooks.items():
        info = meta(nb)
        rows.append(
            f"| {stem[:2]} | [{title_of(nb)}](notebooks/{stem}.ipynb) "
            f"| {info.get('goal', '')} | {info.get('prerequisites', '')} |"
        )
    return "\n".join(rows)


def notebook_times(timings: dict[str, float]) -> dict[str, float]:
    """Measured execution times: this build's, else the ones stored by the last full build."""
    stored = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    stored.update({k: round(v, 1) for k, v in timings.items()})
    return stored


def toc(notebooks: dict[str, nbformat.NotebookNode]) -> str:
    lines = ["format: jb-book", "root: intro", "parts:", "  - caption: The course", "    chapters:"]
    lines += [f"      - file: notebooks/{stem}" for stem in notebooks]
    lines += ["  - caption: Reference", "    chapters:"]
    lines += [f"      - file: {page}" for page in ("glossary", "references", "instructor")]
    lines += ["        sections:", "          - file: project"]  # the term project, in the guide
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- launch buttons


def github_url(remote: str) -> str | None:
    """The https address of a GitHub remote (https or ssh form), else None.

    >>> github_url("git@github.com:owner/cx-course.git")
    'https://github.com/owner/cx-course'
    >>> github_url("https://gitlab.com/owner/repo") is None
    True
    """
    m = re.fullmatch(
        r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
        r"([\w.-]+)/([\w.-]+?)(?:\.git)?/?",
        remote.strip(),
    )
    return f"https://github.com/{m[1]}/{m[2]}" if m else None


def repository_url(root: Path = ROOT) -> str | None:
    """The GitHub address of git's ``origin`` remote, or None (no remote, not GitHub)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return github_url(done.stdout) if done.returncode == 0 else None


def launch_config(config: dict, url: str | None) -> dict:
    """The book's configuration with its launch buttons pointing at ``url`` (Binder,
    Colab and the repository button), or without them when there is no repository to
    launch from -- never a button to a placeholder address."""
    config = copy.deepcopy(config)
    html = config.setdefault("html", {})
    if url:
        config.setdefault("repository", {})["url"] = url
        html["use_repository_button"] = True
        return config
    config.pop("launch_buttons", None)
    config.pop("repository", None)
    html["use_repository_button"] = False
    return config


#: The address the notebooks' install cell (cell id ``colab-install``) installs from.
INSTALL_FROM = "git+https://github.com/cxresearch/cxresearch"


def point_install_cell(nb: nbformat.NotebookNode, url: str | None) -> bool:
    """Make the install cell install from this repository's ``url``; True if it has one.

    Colab opens a notebook without the package: its first code cell installs it (and does
    nothing where the package is present). The book's copies install from the repository
    the launch buttons point at.
    """
    for cell in nb.cells:
        if cell.get("id") == "colab-install":
            if url:
                cell.source = cell.source.replace(INSTALL_FROM, f"git+{url}")
            return True
    return False


def stage(
    notebooks: dict[str, nbformat.NotebookNode],
    dest: Path,
    *,
    timings: dict[str, float],
    strict: bool = True,
) -> None:
    """Write the book's source folder to ``dest`` (see the module docstring)."""
    import vendor

    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(BOOK, dest, ignore=shutil.ignore_patterns("_templates", "*.json"))
    (dest / "notebooks").mkdir()
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    url = repository_url()
    config = launch_config(config, url)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    glossary, bib = load_glossary(), load_bib()
    titles, missing_alt = {}, []
    for stem, original in sorted(notebooks.items()):
        nb = copy.deepcopy(original)
        titles[stem] = title_of(nb)
        replace_widgets(nb, stem)
        point_install_cell(nb, url)
        missing_alt += add_figure_text(nb, stem)
        cite(nb, stem, bib)
        link_terms(nb, glossary, stem)
        link_deck(nb, stem)  # last: figure labels and links above use the cells' positions
        nbformat.write(nb, dest / "notebooks" / f"{stem}.ipynb")
    if missing_alt and strict:
        raise SystemExit(
            "figures without alt text (add cxresearch.alt to the cell metadata): "
            + ", ".join(missing_alt)
        )
    if not (dest / "references.bib").exists():
        (dest / "references.bib").write_text("", encoding="utf-8")
    (dest / "glossary.md").write_text(glossary_page(glossary, titles), encoding="utf-8")
    (dest / "_toc.yml").write_text(toc(dict(sorted(notebooks.items()))), encoding="utf-8")
    times = notebook_times(timings)
    for page in ("intro.md", "instructor.md"):
        text = (dest / page).read_text(encoding="utf-8")
        text = text.replace("{{course_map}}", course_map(dict(sorted(notebooks.items()))))
        text = text.replace("{{times}}", times_table(notebooks, times))
        text = text.replace("{{figures}}", figures_table(notebooks))
        text = text.replace("{{widgets}}", widgets_list(notebooks))
        text = text.replace("{{slides}}", slides_list(notebooks))
        text = text.replace("{{readings}}", readings_table(bib))
        (dest / page).write_text(text, encoding="utf-8")
    # Not in _static: Jupyter Book adds every .js file there to every page.
    shutil.copytree(vendor.target("mathjax") / "es5", dest / "_vendor" / "mathjax")


def reading_minutes(nb: nbformat.NotebookNode) -> int:
    words = sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    code = sum(1 for c in nb.cells if c.cell_type == "code" and not is_hidden(c))
    return int(round(words / 150 + code * 1.5, -1)) or 10  # prose at 150 wpm, a code cell 1.5 min


EXERCISES = ROOT / "cxresearch" / "_exercises"
# the prompts themselves, not the start page's "a short check it yourself step"
CHECK_PROMPT = re.compile(r"\*\*Check it yourself\.\*\*")


def exercise_count(stem: str) -> int:
    """The self-check exercises of a notebook: the entries of its answer file (the
    source ``cx.exercises.check`` grades from), not a guess from headings."""
    path = EXERCISES / f"{stem[:2]}.json"
    return len(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else 0


def check_prompts(nb: nbformat.NotebookNode) -> int:
    """The "Check it yourself" prompts in a notebook's markdown."""
    return sum(len(CHECK_PROMPT.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")


#: Two readings a week for the ten-week schedule of the instructor guide: the primary
#: sources the week's notebooks build on (each cited in one of them; tests check it).
READINGS = {
    1: ("00-start-here", "01-what-is-cx", ("lemon2016", "pine1998")),
    2: ("02-measuring-cx", ("reichheld2003", "keiningham2007")),
    3: ("03-retail-cx-model", ("verhoef2009", "baker2002")),
    4: ("04-drivers-to-loyalty", ("budescu1993", "cameron2015")),
    5: ("05-moderators", ("aiken1991", "hayes2013")),
    6: ("06-dynamics-and-recovery", ("smith1998", "zhao2010")),
    7: ("07-customer-journeys", ("lemon2016", "kahneman1993")),
    8: ("08-customer-value", ("gupta2004", "rust2004")),
    9: ("09-measurement-models", ("hair2017", "henseler2015")),
    10: ("10-managing-cx", "11-your-own-survey", ("heskett1994", "little2019")),
}


def reference_text(entry: dict[str, str]) -> str:
    """A short reference: authors (et al. beyond three), year, title, where it appeared."""
    names = surnames(entry)
    who = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    where = entry.get("journal") or entry.get("booktitle") or entry.get("publisher", "")
    title = entry.get("title", "").replace("{", "").replace("}", "")
    return f"{who} ({entry.get('year', 'n.d.')}). *{title}*" + (f". {where}." if where else ".")


def readings_table(bib: dict[str, dict[str, str]]) -> str:
    """The weekly readings of the schedule, as a table built from references.bib."""
    rows = ["| week | notebooks | read |", "|---|---|---|"]
    for week, (*stems, keys) in READINGS.items():
        missing = [k for k in keys if k not in bib]
        if missing:
            raise SystemExit(f"instructor readings: not in book/references.bib: {missing}")
        read = "<br>".join(reference_text(bib[k]) for k in keys)
        rows.append(f"| {week} | {', '.join(s[:2] for s in stems)} | {read} |")
    return "\n".join(rows)


def times_table(notebooks: dict[str, nbformat.NotebookNode], times: dict[str, float]) -> str:
    rows = [
        "| notebook | runs in (measured) | study time (estimate) | exercises | "
        "check-it-yourself prompts |",
        "|---|---|---|---|---|",
    ]
    for stem, nb in sorted(notebooks.items()):
        run = f"{times[stem]:.0f} s" if stem in times else "not measured"
        rows.append(
            f"| {title_of(nb)} | {run} | {reading_minutes(nb)} min | {exercise_count(stem)} "
            f"| {check_prompts(nb)} |"
        )
    total_ex = sum(exercise_count(stem) for stem in notebooks)
    total_checks = sum(check_prompts(nb) for nb in notebooks.values())
    rows.append(f"| **all** | | | **{total_ex}** | **{total_checks}** |")
    return "\n".join(rows)


def figures_table(notebooks: dict[str, nbformat.NotebookNode]) -> str:
    rows = ["| notebook | figure | what it shows |", "|---|---|---|"]
    for stem, nb in sorted(notebooks.items()):
        for index, cell in enumerate(nb.cells):
            info = meta(cell)
            if cell.cell_type == "code" and has_image(cell) and info.get("caption"):
                rows.append(
                    f"| {stem[:2]} | {{ref}}`{info['caption']} <fig-{stem[:2]}-{index}>` "
                    f"| {info.get('alt', '')} |"
                )
    return "\n".join(rows)


def widgets_list(notebooks: dict[str, nbformat.NotebookNode]) -> str:
    items = []
    for stem, nb in sorted(notebooks.items()):
        for cell in nb.cells:
            if any(WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
                call = cell.source.strip().splitlines()[-1]
                items.append(
                    f"- [{title_of(nb)}](notebooks/{stem}.ipynb): `{call}` -- "
                    f"{meta(cell).get('alt', 'an interactive figure')} The book shows its "
                    "starting view; open the notebook in JupyterLab to use the sliders."
                )
    return "\n".join(items) if items else "The course has no widgets."


def slides_list(notebooks: dict[str, nbformat.NotebookNode]) -> str:
    items = []
    for stem, nb in sorted(notebooks.items()):
        n = sum(1 for c in nb.cells if set(c.metadata.get("tags", [])) & {"slide", "subslide"})
        if n:
            items.append(
                f'- <a href="slides/{stem}.html">{html.escape(title_of(nb))}</a> ({n} slides)'
            )
    return "\n".join(items) if items else "No notebook has cells tagged for slides yet."


# ------------------------------------------------------------------------------ slides

SLIDE_TAGS = ("slide", "subslide", "fragment")
HIDE_INPUT = "slide-output-only"  # a figure's slide shows the figure, not an empty code box


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*\[(`\"'])")


def _sentences_within(block: str, budget: int) -> str:
    """The first whole sentences of a paragraph within ``budget`` words (at least one,
    never cut inside a sentence, so no link or emphasis is left open, and the text as it
    is, line breaks and list markers included), without a last sentence that ends on a
    colon (it would announce what the slide leaves out)."""
    block = block.strip()
    ends = [m.start() for m in _SENTENCE_END.finditer(block)] + [len(block)]
    kept = [ends[0]] + [e for e in ends[1:] if len(block[:e].split()) <= budget]
    while len(kept) > 1 and block[: kept[-1]].rstrip().endswith(":"):
        kept.pop()
    text = block[: kept[-1]].rstrip()
    if len(text.split()) > 2 * budget:  # one endless sentence: cut between whole words,
        words = text.split(" ")  # where no link, code or emphasis is left open
        cuts = [i for i in range(budget, 0, -1) if _balanced(" ".join(words[:i]))]
        text = " ".join(words[: cuts[0] if cuts else budget]) + " …"
    return text


def _balanced(text: str) -> bool:
    return (
        text.count("[") == text.count("]")
        and text.count("(") == text.count(")")
        and text.count("`") % 2 == 0
        and text.count("*") % 2 == 0
    )


def _slide_text(source: str, words: int = 60) -> str:
    r"""A markdown cell cut for a slide: its heading(s) and the first whole sentences of
    its first paragraph (about ``words`` words; a paragraph that announces a list with a
    colon keeps the list's first three items); the full text goes to the speaker notes.

    >>> _slide_text("## A\n\nOne two. Three [link](x.md) four. Five:\n\n- six", words=5)
    '## A\n\nOne two. Three [link](x.md) four.'
    >>> _slide_text("Four paths:\n\n1. a\n2. b\n3. c\n4. d", words=4)
    'Four paths:\n\n1. a\n2. b\n3. c'
    """
    blocks = [b for b in source.strip().split("\n\n") if b.strip()]
    keep = []
    for i, block in enumerate(blocks):
        if block.lstrip().startswith("#"):
            keep.append(block)
            continue
        keep.append(_sentences_within(block, words))
        if keep[-1].rstrip().endswith(":") and i + 1 < len(blocks):
            keep.append("\n".join(blocks[i + 1].splitlines()[:3]))  # the list it announces
        break
    return "\n\n".join(keep)


def _notes(text: str) -> nbformat.NotebookNode:
    """A speaker-notes cell (reveal.js shows it in the notes window, key S); links
    between notebooks point at the book's pages, as on the slides."""
    text = re.sub(r"\]\((\d\d-[\w-]+)\.ipynb\)", r"](../notebooks/\1.html)", text)
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["slideshow"] = {"slide_type": "notes"}
    return cell


def slide_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The cells tagged for slides, each as its slide type.

    A code cell shows its output only (unless tagged ``slide-code``); a markdown cell its
    heading and first paragraph (unless tagged ``slide-full``): a slide is a prompt for
    the talk, the page has the full text. Hidden check cells are dropped.
    """
    deck = copy.deepcopy(nb)
    deck.metadata.pop("widgets", None)
    deck.cells = [cell for cell in deck.cells if not is_hidden(cell)]
    notes: list[tuple[nbformat.NotebookNode, str]] = []
    for cell in deck.cells:
        tags = set(cell.metadata.get("tags", []))
        kind = next((t for t in SLIDE_TAGS if t in tags), "skip")
        cell.metadata["slideshow"] = {"slide_type": kind}
        if kind == "skip":
            continue
        if cell.cell_type == "code" and meta(cell).get("alt"):
            notes.append((cell, meta(cell)["alt"]))  # what the figure shows, in words
        if cell.cell_type == "code" and "slide-code" not in tags:
            cell.source = ""
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), HIDE_INPUT]  # no empty In[]
            cell.outputs = [
                o for o in cell.get("outputs", []) if WIDGET_MIME not in o.get("data", {})
            ]
        if cell.cell_type == "markdown":
            if "slide-full" not in tags:
                full, cell.source = cell.source, _slide_text(cell.source)
                if cell.source.strip() != full.strip():  # the whole text, for the speaker
                    body = [b for b in full.split("\n\n") if not b.lstrip().startswith("#")]
                    notes.append((cell, "\n\n".join(body)))  # (the heading is on the slide)
            # links between notebooks point at the book's pages
            cell.source = re.sub(
                r"\]\((\d\d-[\w-]+)\.ipynb\)", r"](../notebooks/\1.html)", cell.source
            )
    for cell, text in reversed(notes):  # each right after its slide's cell
        deck.cells.insert(deck.cells.index(cell) + 1, _notes(text))
    return deck


def has_deck(nb: nbformat.NotebookNode) -> bool:
    """Whether any cell is tagged for the slides (the notebook then gets a deck)."""
    return any(set(c.metadata.get("tags", [])) & set(SLIDE_TAGS) for c in nb.cells)


def link_deck(nb: nbformat.NotebookNode, stem: str) -> bool:
    """Put a link to the notebook's slide deck under its title on the book's page."""
    if not has_deck(nb):
        return False
    link = nbformat.v4.new_markdown_cell(
        f'<p class="cx-deck">For class: <a href="../slides/{stem}.html">the slides of this '
        f"notebook</a> (press S in the deck for the speaker notes).</p>"
    )
    nb.cells.insert(1, link)
    return True


def _link_back(deck: nbformat.NotebookNode, stem: str) -> None:
    """A line on the title slide and a last slide that lead back to the book's page."""
    href = f"../notebooks/{stem}.html"
    back = nbformat.v4.new_markdown_cell(f"[The whole page, with the code and exercises]({href})")
    back.metadata["slideshow"] = {"slide_type": "-"}  # on the title slide
    first = next(
        i for i, c in enumerate(deck.cells) if c.metadata["slideshow"]["slide_type"] != "skip"
    )
    deck.cells.insert(first + 1, back)
    end = nbformat.v4.new_markdown_cell(f"## Read on\n\n[The book's page of this notebook]({href})")
    end.metadata["slideshow"] = {"slide_type": "slide"}
    deck.cells.append(end)


def slides(notebooks: dict[str, nbformat.NotebookNode], out: Path) -> int:
    """A reveal.js deck per notebook with tagged cells, served from ``out``; return the count."""
    import vendor
    from nbconvert import SlidesExporter

    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(vendor.target("reveal.js"), out / "reveal.js", dirs_exist_ok=True)
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = SlidesExporter(
        template_name="cx_reveal",
        extra_template_basedirs=[str(BOOK / "_templates")],
        reveal_url_prefix="reveal.js",
        reveal_theme="white",  # its fonts are in reveal.js; "simple" fetches Google Fonts
        mathjax_url="../mathjax/tex-chtml.js",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={HIDE_INPUT}, enabled=True), enabled=True
    )
    made = 0
    for stem, nb in sorted(notebooks.items()):
        deck = slide_copy(nb)
        if not any(c.metadata["slideshow"]["slide_type"] != "skip" for c in deck.cells):
            continue
        _link_back(deck, stem)
        body, _ = exporter.from_notebook_node(deck, resources={"metadata": {"name": title_of(nb)}})
        (out / f"{stem}.html").write_text(body, encoding="utf-8")
        made += 1
    return made
