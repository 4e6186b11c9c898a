"""Build the course as a Jupyter Book: an offline site with navigation, search and slides.

    python tools/book.py build              # execute the notebooks (cached), build build/html
    python tools/book.py build --stored     # use the notebooks' stored outputs (the tests)

What a build does, in order:

1. **Execute** every notebook in ``notebooks/`` in a fresh kernel, into
   ``build/_executed/``. A notebook whose code, package and data are unchanged since the
   last build is not run again (the cache key is a hash of all three). A cell that
   raises fails the build; a notebook over its time budget (:data:`BUDGET`) only warns
   (a slow or busy machine is not a slow notebook).
   ``--stored`` skips this step and takes the outputs committed in the notebooks, which
   nbval has already checked against a fresh execution.
2. **Stage** a Jupyter Book source folder in ``build/_book``: the pages of ``book/``,
   the notebooks with their book-only touches (figure alt text and captions from the
   cells' ``cxresearch`` metadata, a still figure in place of each live widget, glossary
   terms linked at their first use, each notebook's references as a bibliography with
   DOIs), the glossary page from ``datasets/glossary.csv``, the table of contents, and
   MathJax (from ``.venv/vendor``, see ``tools/vendor.py``).
3. **Build** the HTML with Sphinx (the engine of Jupyter Book 1.x; warnings are errors)
   into ``build/html``, then a reveal.js slide deck per notebook from the cells tagged
   for slides into ``build/html/slides``.

Nothing in the built site loads from the network: open ``build/html/index.html``.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bookpages
import booksite
import course
import vendor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
BUDGET = course.BUDGET  # seconds a whole notebook may take (instructors need fast notebooks)


def notebook_paths() -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks found in {NOTEBOOKS}")
    return paths


def _tree_hash(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(nb: nbformat.NotebookNode, package_hash: str) -> str:
    digest = hashlib.sha256(package_hash.encode())
    for cell in nb.cells:
        digest.update(cell.cell_type.encode())
        digest.update(cell.source.encode())
    return digest.hexdigest()


def execute_all(paths: list[Path], cache: Path) -> tuple[dict[str, nbformat.NotebookNode], dict]:
    """Executed copies of the notebooks (from the cache when nothing changed) and timings."""
    cache.mkdir(parents=True, exist_ok=True)
    package_hash = _tree_hash(ROOT / "cxresearch", ROOT / "datasets")
    executed, timings, failures = {}, {}, []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        key = _cache_key(nb, package_hash)
        stored, stamp = cache / path.name, cache / f"{path.stem}.key"
        if stored.exists() and stamp.exists() and stamp.read_text().split()[0] == key:
            executed[path.stem] = nbformat.read(stored, as_version=4)
            timings[path.stem] = float(stamp.read_text().split()[1])
            print(f"cached   {path.name} (ran in {timings[path.stem]:.1f} s)")
            continue
        start = time.perf_counter()
        try:
            course.run_notebook(nb, NOTEBOOKS)
        except Exception as err:  # nbclient's CellExecutionError names the cell
            failures.append(f"{path.name}: {str(err).strip().splitlines()[-1]}")
            print(f"FAILED   {path.name}\n{err}")
            continue
        elapsed = time.perf_counter() - start
        timings[path.stem] = elapsed
        print(f"executed {path.name} in {elapsed:.1f} s")
        warning = course.over_budget(path.name, elapsed, BUDGET)
        if warning:
            print(warning)  # a slow machine is not a slow notebook: warn and build
        nbformat.write(nb, stored)
        stamp.write_text(f"{key} {elapsed:.2f}\n")
        executed[path.stem] = nb
    if failures:
        sys.exit("the book was not built:\n  " + "\n  ".join(failures))
    return executed, timings


def stored_outputs(paths: list[Path]) -> dict[str, nbformat.NotebookNode]:
    return {p.stem: nbformat.read(p, as_version=4) for p in paths}


def sphinx_build(source: Path, output: Path, doctrees: Path) -> None:
    """Sphinx HTML build of the staged book; any warning fails it."""
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "jupyter-book"), "config", "sphinx", str(source)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # sphinx-thebe (live code through a remote kernel, off here) is registered twice by
    # Jupyter Book 1.0.4 and its script then fails on every page; the book runs no code.
    conf = source / "conf.py"
    text = conf.read_text().replace("'sphinx_thebe', ", "").replace("'sphinx_comments', ", "")
    # The sidebar has its search field; the theme's second one in a header row only
    # takes space (and hides the top of the sidebar when scrolled).
    text += "\nhtml_theme_options['navbar_persistent'] = []\n"
    # `jupyter-book config sphinx` names the book's local extensions (book/_ext) but, unlike
    # `jupyter-book build`, does not put their folder on the path.
    text = "import os, sys\nsys.path.insert(0, os.path.abspath('_ext'))\n" + text
    conf.write_text(text)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going"]
    cmd += ["-d", str(doctrees), str(source), str(output)]
    result = subprocess.run(cmd, check=False)
    if result.returncode:
        sys.exit(f"Sphinx failed (exit {result.returncode}); see the warnings above")


def build(output: Path, *, stored: bool, draft: bool = False, pdf: bool = True) -> None:
    start = time.perf_counter()
    if not (vendor.target("mathjax") / ".complete").exists():
        vendor.main([])
    paths = notebook_paths()
    build_dir = output.parent
    if stored:
        notebooks, timings = stored_outputs(paths), {}
    else:
        notebooks, timings = execute_all(paths, build_dir / "_executed")
    source = build_dir / "_book"
    bookpages.stage(notebooks, source, timings=timings, strict=not draft)
    shutil.rmtree(output, ignore_errors=True)
    sphinx_build(source, output, build_dir / "_doctrees")
    n_texts = booksite.search_texts(output)
    n_decks = bookpages.slides(notebooks, output / "slides")
    made = booksite.book_pdf(source, output, build_dir / "_doctrees") if pdf else None
    if not made:
        booksite.drop_pdf_link(output)
    else:
        print(f"the whole book as one PDF: {made} ({made.stat().st_size / 1e6:.1f} MB)")
    pages = len(list(output.glob("**/*.html")))
    print(
        f"built {output}: {pages} HTML pages ({n_texts} with offline search snippets), "
        f"{n_decks} slide decks "
        f"in {time.perf_counter() - start:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the book into build/html")
    p_build.add_argument("--output", type=Path, default=ROOT / "build" / "html")
    p_build.add_argument(
        "--stored", action="store_true", help="use the notebooks' stored outputs; run nothing"
    )
    p_build.add_argument(
        "--draft", action="store_true", help="allow figures without alt text (while writing)"
    )
    p_build.add_argument(
        "--no-pdf", action="store_true", help="leave out the whole-book PDF (saves a minute)"
    )
    args = parser.parse_args(argv)
    build(args.output.resolve(), stored=args.stored, draft=args.draft, pdf=not args.no_pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
