"""Regenerate the generated datasets and the README tables that are made from metadata.

    python tools/make_data.py            # what `make data` runs
    python tools/make_data.py --check    # exit 1 if anything would change (used by tests)

* Every resource in ``datasets/datapackage.json`` with a ``generator`` block is rebuilt by
  calling that function with the recorded arguments and seed, then written as CSV with
  the recorded float format. Same seed, same file, byte for byte.
* ``datasets/exports/`` holds the bundled ``cx_survey`` as a labelled SPSS file and a
  Qualtrics-style CSV export, for practising ``cx.read_survey`` on real file formats.
  The SPSS header carries a timestamp, so a file is rewritten only when what it holds
  (read back with ``cx.read_survey``) differs from the bundled data.
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


EXPORTS = DATASETS / "exports"
AGREE_7 = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Somewhat disagree",
    4: "Neither agree nor disagree",
    5: "Somewhat agree",
    6: "Agree",
    7: "Strongly agree",
}
QUALTRICS_IMPORT_IDS = {
    "StartDate": "startDate",
    "EndDate": "endDate",
    "Status": "status",
    "Progress": "progress",
    "Duration (in seconds)": "duration",
    "Finished": "finished",
    "RecordedDate": "recordedDate",
    "ResponseId": "_recordId",
    "DistributionChannel": "distributionChannel",
    "UserLanguage": "userLanguage",
}


def export_sav(path: Path) -> None:
    """cx_survey as an SPSS file: variable labels, a 7-point agree scale, ordinal items."""
    import pyreadstat

    import cxresearch as cx

    data = cx.load_dataset("cx_survey")
    book = cx.describe_dataset("cx_survey").set_index("column")
    items = [c for c in data.columns if c != "respondent_id"]
    pyreadstat.write_sav(
        data.astype("float64"),
        str(path),
        file_label="cxresearch cx_survey (simulated; see datapackage.json)",
        column_labels={c: book.loc[c, "description"] for c in data.columns},
        variable_value_labels=dict.fromkeys(items, AGREE_7),
        variable_measure={**dict.fromkeys(items, "ordinal"), "respondent_id": "nominal"},
    )


def qualtrics_csv() -> str:
    """cx_survey as a Qualtrics CSV export: three header rows, fixed response metadata."""
    import pandas as pd

    import cxresearch as cx

    data = cx.load_dataset("cx_survey")
    book = cx.describe_dataset("cx_survey").set_index("column")
    items = [c for c in data.columns if c != "respondent_id"]
    ids = data["respondent_id"]
    start = pd.Timestamp("2024-03-04 09:00:00") + pd.to_timedelta(ids * 7, unit="min")
    duration = 120 + (ids * 37) % 300
    fmt = "%Y-%m-%d %H:%M:%S"
    meta = pd.DataFrame(
        {
            "StartDate": start.dt.strftime(fmt),
            "EndDate": (start + pd.to_timedelta(duration, unit="s")).dt.strftime(fmt),
            "Status": 0,
            "Progress": 100,
            "Duration (in seconds)": duration,
            "Finished": 1,
            "RecordedDate": (start + pd.to_timedelta(duration + 1, unit="s")).dt.strftime(fmt),
            "ResponseId": [f"R_{i:06d}" for i in ids],
            "DistributionChannel": "anonymous",
            "UserLanguage": "EN",
        }
    )
    table = pd.concat([meta, data], axis=1)
    constructs = list(dict.fromkeys(c.rsplit("_", 1)[0] for c in items))
    questions, import_ids = [], []
    for col in table.columns:
        if col in meta.columns:
            questions.append(cx.survey.QUALTRICS_METADATA[col])
            import_ids.append({"ImportId": QUALTRICS_IMPORT_IDS[col]})
        elif col == "respondent_id":
            questions.append("respondent_id")
            import_ids.append({"ImportId": "respondent_id"})  # embedded data
        else:
            construct, item = col.rsplit("_", 1)
            questions.append(
                "How much do you agree with these statements? - " + book.loc[col, "description"]
            )
            import_ids.append({"ImportId": f"QID{constructs.index(construct) + 1}_{item}"})
    header = pd.DataFrame(
        [questions, [json.dumps(i, separators=(",", ":")) for i in import_ids]],
        columns=table.columns,
    )
    buffer = io.StringIO()
    pd.concat([header, table.astype(str)]).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def sav_is_current(path: Path) -> bool:
    """Whether the SPSS export holds exactly the bundled cx_survey."""
    import cxresearch as cx

    if not path.exists():
        return False
    read = cx.read_survey(path).as_codes()
    bundled = cx.load_dataset("cx_survey")
    return read.shape == bundled.shape and bool(
        (read.astype(float).to_numpy() == bundled.astype(float).to_numpy()).all()
    )


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
    targets.append((EXPORTS / "cx_survey_qualtrics.csv", qualtrics_csv))
    sav = EXPORTS / "cx_survey.sav"
    if not sav_is_current(sav):
        stale.append(sav.relative_to(ROOT))
        if not args.check:
            EXPORTS.mkdir(exist_ok=True)
            export_sav(sav)
    print(f"{'stale' if stale else 'current'}: {sav.relative_to(ROOT)}")
    for path, make in targets:
        new = make()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if new != old:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(new, encoding="utf-8")
        print(f"{'stale' if new != old else 'current'}: {path.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date (run `make data`):", ", ".join(map(str, stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
