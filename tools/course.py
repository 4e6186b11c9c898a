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
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMES = ROOT / "book" / "notebook_times.json"
TIMEOUT = 300  # seconds per cell
BUDGET = 60.0  # seconds a whole notebook may take (issue #2: instructors need fast notebooks)


def _ipc_kernel_manager(path: Path) -> type:
    """A kernel-manager class whose kernels listen on IPC sockets at ``path``-1, -2, ..."""

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(transport="ipc", ip=str(path), **kwargs)

    return IPCKernelManager


def run_notebook(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Execute ``nb`` top to bottom in a fresh kernel, in ``workdir`` (outputs stored in it).

    The kernel talks to this process over local IPC sockets in a private temporary folder,
    not TCP: nothing listens on a network port, and the kernel has no reason to print its
    "running over TCP without encryption" warning before every notebook.
    """
    with tempfile.TemporaryDirectory(prefix="cx-kernel-") as sockets:
        client = NotebookClient(
            nb,
            timeout=TIMEOUT,
            kernel_name="python3",
            kernel_manager_class=_ipc_kernel_manager(Path(sockets) / "kernel"),
            resources={"metadata": {"path": str(workdir)}},
            record_timing=False,
        )
        client.execute()  # nbclient owns the kernel: it shuts it down and closes its sockets
    return nb


def over_budget(name: str, elapsed: float, budget: float = BUDGET) -> str | None:
    """The warning for a notebook slower than ``budget`` seconds, or None.

    The budget is a developer's check that notebooks stay quick to teach with; on a slow
    or busy machine a notebook may take longer without anything being wrong, so the two
    commands warn and go on (``benchmarks/bench_notebooks.py`` checks the budget on a
    calibrated machine).
    """
    if elapsed <= budget:
        return None
    return (
        f"warning: {name} took {elapsed:.0f} s, over the {budget:.0f} s budget per notebook "
        f"(a slow or busy machine; the course is built all the same)"
    )


def execute(paths: list[Path]) -> int:
    """Re-execute notebooks in place; warn about any that took longer than the budget."""
    slow = []
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        run_notebook(nb, path.parent)
        nbformat.write(nb, path)
        elapsed = time.perf_counter() - start
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        print(f"executed {shown} in {elapsed:.1f} s")
        times[path.stem] = round(elapsed)
        warning = over_budget(path.name, elapsed, BUDGET)
        if warning:
            slow.append(warning)
            print(warning)
    TIMES.write_text(json.dumps(dict(sorted(times.items())), indent=1) + "\n")
    if slow:
        print(f"{len(slow)} notebook(s) over the {BUDGET:.0f} s budget (see above)")
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
