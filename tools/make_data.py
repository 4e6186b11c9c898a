"""Regenerate the generated datasets and the README tables that are made from metadata.

    python tools/make_data.py            # what `make data` runs
    python tools/make_data.py --check    # exit 1 if anything would change (used by tests)

* Every resource in ``datasets/datapackage.json`` with a ``generator`` block is rebuilt by
  calling that function with the recorded arguments and seed, then written as CSV with
  the recorded float format. Same seed, same file, byte for byte.
* The README's dataset table (between ``<!-- datasets:start -->`` and
  ``<!-- datasets:end -->``) is rewritten from the codebook, and its course map (between
  ``<!-- course:start -->`` and ``<!-- course:end -->``) from the notebooks' metadata.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
README = ROOT / "README.md"


def generate(resource: dict) -> str:
    """Return the CSV text of a generated resource, rebuilt from its generator block."""
    spec = resource["generator"]
    module_name, _, func_name = spec["function"].rpartition(".")
    func = getattr(importlib.import_module(module_name), func_name)
    result = func(**spec["arguments"], seed=spec["seed"])
    frame = getattr(result, spec["attribute"]) if spec.get("attribute") else result
    buffer = io.StringIO()
    frame.to_csv(
        buffer, index=False, float_format=spec.get("float_format", "%.4f"), lineterminator="\n"
    )
    return buffer.getvalue()


def course_map_markdown() -> str:
    """The README's course map: one row per notebook, from its ``cxresearch`` metadata."""
    lines = ["| notebook | what you learn | prerequisites |", "|---|---|---|"]
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata.get("cxresearch", {})
        lines.append(
            f"| [`{path.stem}`](notebooks/{path.name}) | {meta.get('goal', '')} "
            f"| {meta.get('prerequisites', '')} |"
        )
    return "\n".join(lines) + "\n"


def _replace_block(text: str, tag: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {tag}:start -->\n)(.*?)(<!-- {tag}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md lacks the markers <!-- {tag}:start --> / <!-- {tag}:end -->")
    return pattern.sub(lambda m: m.group(1) + body + m.group(3), text)


def readme_text() -> str:
    """README.md as it should be, with both generated tables current."""
    from cxresearch.datasets import codebook_markdown

    text = README.read_text(encoding="utf-8")
    text = _replace_block(text, "datasets", codebook_markdown())
    return _replace_block(text, "course", course_map_markdown())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    args = parser.parse_args(argv)
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    stale = []
    targets = [
        (DATASETS / r["path"], lambda r=r: generate(r))
        for r in package["resources"]
        if "generator" in r
    ]
    targets.append((README, readme_text))
    for path, make in targets:
        new = make()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if new != old:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
        print(f"{'stale' if new != old else 'current'}: {path.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date (run `make data`):", ", ".join(map(str, stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
