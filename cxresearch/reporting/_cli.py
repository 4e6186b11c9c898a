"""The command line: ``cxresearch report FILE --outcome Y --drivers X1 X2 ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._run import report


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage dump) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cxresearch", description="cxresearch on the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cmd = commands.add_parser(
        "report",
        help="a CX driver report on a survey file, as one HTML page",
        description="Run the CX driver report on a survey file (SPSS, Stata, Qualtrics, "
        "CSV) and write report.html, report.json and report.ipynb into --out. Text from the "
        "file is escaped on the page and only the file's name is shown. A scale with a "
        "negative alpha or an item correlating negatively with the rest of its scale stops "
        "the report until its reverse-keyed items are named with --reverse; CSAT is shown "
        "only for a labelled rating scale unless asked for with --csat.",
    )
    cmd.add_argument("path", help="the survey file (.sav, .zsav, .por, .dta, .csv, .tsv)")
    cmd.add_argument("--outcome", required=True, help="outcome column or scale name")
    cmd.add_argument(
        "--drivers", required=True, nargs="+", help="driver columns or scale names "
        "(space- or comma-separated)"
    )  # fmt: skip
    cmd.add_argument("--weights", help="column of survey weights")
    cmd.add_argument("--by", help="group column for NPS/CSAT by group")
    cmd.add_argument("--cluster", help="cluster column (clustered standard errors)")
    cmd.add_argument("--scales", help="'name=item,item;name=item,...' (default: name_1..name_k)")
    cmd.add_argument("--nps", help="0-10 likelihood-to-recommend column")
    cmd.add_argument(
        "--csat", help="rating column(s) for CSAT (top-2-box), comma-separated (default: "
        "the outcome or its items, only when a labelled rating scale of 3 to 11 points)"
    )  # fmt: skip
    cmd.add_argument(
        "--reverse", metavar="ITEMS", help="reverse-keyed items, comma-separated: reversed "
        "on their scale's range before scoring (a scale with a negative alpha or an item "
        "correlating negatively with the rest stops the report and names the items)"
    )  # fmt: skip
    cmd.add_argument("--out", default="cxreport", help="output folder (default: cxreport)")
    cmd.add_argument(
        "--lang", default="en", choices=["en", "fa", "ru"], help="language of the page: "
        "English, Persian (right to left) or Russian (default en)"
    )  # fmt: skip
    cmd.add_argument(
        "--pdf", action="store_true", help="also print the page to report.pdf (needs "
        "Chromium)"
    )  # fmt: skip
    cmd.add_argument("--ci", type=float, default=0.95, help="confidence level (default 0.95)")
    cmd.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000, at "
        "most 100000)"
    )  # fmt: skip
    cmd.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _split(values: Sequence[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else values
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``cxresearch report FILE --outcome Y --drivers X1 X2 ...``.

    Prints the path of the page and returns 0; on bad input prints one message to
    stderr and returns 1 (2 for a malformed command line).

    Examples
    --------
    >>> main(["report", "no_such_file.sav", "--outcome", "y", "--drivers", "x"])
    1
    """
    args = _parser().parse_args(argv)
    try:
        result = report(
            args.path,
            outcome=args.outcome,
            drivers=_split(args.drivers),
            weights=args.weights,
            by=args.by,
            cluster=args.cluster,
            scales=args.scales,
            nps=args.nps,
            csat=_split(args.csat),
            reverse=_split(args.reverse),
            out=args.out,
            lang=args.lang,
            pdf=args.pdf,
            ci=args.ci,
            n_boot=args.n_boot,
            seed=args.seed,
            progress=not args.no_progress,
        )
    except (TypeError, ValueError, RuntimeError, OSError, ImportError) as e:
        print(f"cxresearch report: error: {e}", file=sys.stderr)
        return 1
    print(result.html)
    return 0
