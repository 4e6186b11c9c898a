"""Execute the course notebooks and build the browsable HTML course.

    python tools/course.py execute notebooks/01-what-is-cx.ipynb ...   # refresh in place
    python tools/course.py build --output build                        # the HTML course

``execute`` runs each notebook top to bottom in a fresh kernel and stores the outputs in
the file itself (what ``make notebooks`` does); execution timings are not recorded, so
an unchanged notebook re-executes to an unchanged file. ``build`` executes copies of all
notebooks and writes one HTML page per notebook plus an ``index.html`` that lists them in
order with their one-line goals (read from each notebook's ``cxresearch`` metadata).
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 300  # seconds per cell
BUDGET = 60.0  # seconds a whole notebook may take (issue #2: instructors need fast notebooks)


def _execute(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        record_timing=False,
    )
    client.execute()
    return nb


def execute(paths: list[Path]) -> int:
    """Re-execute notebooks in place; return 1 if any took longer than the budget."""
    slow = []
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _execute(nb, path.parent)
        nbformat.write(nb, path)
        elapsed = time.perf_counter() - start
        print(f"executed {path.relative_to(ROOT)} in {elapsed:.1f} s")
        if elapsed > BUDGET:
            slow.append(f"{path.name} ({elapsed:.0f} s)")
    if slow:
        print(f"over the {BUDGET:.0f} s budget per notebook: {', '.join(slow)}")
        return 1
    return 0


def _meta(nb: nbformat.NotebookNode) -> dict[str, str]:
    meta = dict(nb.metadata.get("cxresearch", {}))
    if "title" not in meta:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                meta["title"] = first.lstrip("# ").strip()
                break
    return meta


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>cxresearch: a course on customer experience</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 54rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f4f4f4; }}
.small {{ color: #666; font-size: .9rem; }}
</style></head>
<body>
<h1>cxresearch: a course on customer experience</h1>
<p>Every page below was executed from the notebook of the same name. Work through them in
order; each page opens with what you will learn and what you should know first.</p>
<table>
<tr><th>#</th><th>notebook</th><th>what you learn</th><th>prerequisites</th></tr>
{rows}
</table>
<p class="small">Built with <code>make run</code>. The notebooks themselves are in
<code>notebooks/</code>; open them with <code>make lab</code> to change and rerun the code.</p>
</body></html>
"""


def build(output: Path) -> None:
    """Execute every notebook and write the HTML course to ``output``."""
    output.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    rows = []
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks found in {NOTEBOOKS}")
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _execute(nb, path.parent)
        body, _ = exporter.from_notebook_node(nb)
        page = output / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        meta = _meta(nb)
        rows.append(
            '<tr><td>{num}</td><td><a href="{href}">{title}</a></td>'
            "<td>{goal}</td><td>{pre}</td></tr>".format(
                num=html.escape(path.stem[:2]),
                href=html.escape(page.name),
                title=html.escape(meta.get("title", path.stem)),
                goal=html.escape(meta.get("goal", "")),
                pre=html.escape(meta.get("prerequisites", "")),
            )
        )
        print(f"built {page.relative_to(output.parent)} in {time.perf_counter() - start:.1f} s")
    (output / "index.html").write_text(INDEX.format(rows="\n".join(rows)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_exec = sub.add_parser("execute", help="re-execute notebooks in place")
    p_exec.add_argument("notebooks", nargs="+", type=Path)
    p_build = sub.add_parser("build", help="execute all notebooks into an HTML course")
    p_build.add_argument("--output", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    if args.command == "execute":
        return execute([p.resolve() for p in args.notebooks])
    build(args.output.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
