"""Bibliography labels that name the work: "Verhoef et al. 2009", "Anonymous n.d.-a".

Each notebook page has its own bibliography of the works it cites, so a label must mean
the same work on every page. Numeric labels ([1], [2]) restart on each page and BibTeX's
alpha labels ("Ano", "Anob") depend on which entries share a page; a label built from the
first author, the year and the key's disambiguating letter does not.
"""

from __future__ import annotations

import re

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [" ".join(p.last_names).strip("{}") for p in people]
            if not last:
                who = entry.key
            elif len(last) == 1:
                who = last[0]
            elif len(last) == 2:
                who = f"{last[0]} & {last[1]}"
            else:
                who = f"{last[0]} et al."
            year = entry.fields.get("year", "")
            letter = re.fullmatch(r".*(?:\d{4}|nd)([a-z])", entry.key)
            if not year:
                year = "n.d." + (f"-{letter.group(1)}" if letter else "")
            elif letter:
                year += letter.group(1)
            yield f"{who} {year}"


class AuthorYearStyle(PlainStyle):
    default_label_style = "cx_author_year"


def setup(app):
    register_plugin("pybtex.style.labels", "cx_author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "cx_plain", AuthorYearStyle)
    return {"parallel_read_safe": True}
