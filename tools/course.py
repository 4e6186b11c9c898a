"""Execute the course notebooks in place (what ``make notebooks`` does).

    python tools/course.py execute notebooks/01-what-is-cx.ipynb ...

Each notebook runs top to bottom in a fresh kernel and its outputs are stored in the file
itself; cell timings are not recorded, so an unchanged notebook re-executes to an
unchanged file. How long each notebook took (whole seconds) goes to
``book/notebook_times.json`` for the instructor guide. The book itself is built by
``tools/book.py`` (``make run``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMES = ROOT / "book" / "notebook_times.json"
TIMEOUT = 300  # seconds per cell
BUDGET = 60.0  # seconds a whole notebook may take (issue #2: instructors need fast notebooks)


def run_notebook(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Execute ``nb`` top to bottom in a fresh kernel, in ``workdir`` (outputs stored in it)."""
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
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        run_notebook(nb, path.parent)
        nbformat.write(nb, path)
        elapsed = time.perf_counter() - start
        print(f"executed {path.relative_to(ROOT)} in {elapsed:.1f} s")
        times[path.stem] = round(elapsed)
        if elapsed > BUDGET:
            slow.append(f"{path.name} ({elapsed:.0f} s)")
    TIMES.write_text(json.dumps(dict(sorted(times.items())), indent=1) + "\n")
    if slow:
        print(f"over the {BUDGET:.0f} s budget per notebook: {', '.join(slow)}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_exec = sub.add_parser("execute", help="re-execute notebooks in place")
    p_exec.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    return execute([p.resolve() for p in args.notebooks])


if __name__ == "__main__":
    sys.exit(main())
