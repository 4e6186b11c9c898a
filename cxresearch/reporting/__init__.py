"""The ``cxresearch report`` command: a CX driver report on your own survey file.

:func:`report` reads a survey file (SPSS, Stata, Qualtrics or CSV; see
:func:`cxresearch.read_survey`), runs a parameterised notebook on it with papermill
and renders the executed notebook to one self-contained HTML page (figures embedded,
no script or style sheet fetched from the network, code hidden): the data and its
codebook, missing data, NPS and CSAT with confidence intervals by group, the
reliability of each multi-item scale, the driver model (robust or clustered standard
errors, VIFs), the key-driver ranking with bootstrap intervals, the
importance-performance map and the penalty-reward (Kano) analysis.

A survey file is untrusted input, so every string that comes from it (the file's name,
column and scale names, variable and value labels, group levels) is data on the page,
never markup: the notebook shows text only through :func:`_say` and :func:`_show`,
which escape it (``<script>``, ``onerror=``, ``{{ }}`` and ``${}`` appear as the
characters they are and do nothing); figures draw labels as plain text (no mathtext);
``report.json`` is strict JSON holding them as strings. The page and ``report.json``
name the file, never the folder it is in.

Before any model, two sanity gates:

* **keying** -- a multi-item scale with a negative Cronbach's alpha, or an item whose
  corrected item-total correlation is negative (the
  :class:`cxresearch.ReverseKeyedWarning` of :func:`cxresearch.cronbach_alpha`), stops
  the report with a message naming the items to reverse; name the reverse-keyed items
  with ``--reverse ITEMS`` (``reverse=``) and they are reversed on their scale's range
  (:func:`cxresearch.reverse_code`) before scoring;
* **CSAT** -- the top-2-box share is shown unasked only for a labelled rating scale
  (whole numbers on 3 to 11 points with labelled ends); any other column only when
  named with ``--csat`` (``csat=``), so a 40-85 score does not become a "CSAT".

The page opens with a first page in plain words for a manager (who answered, the
headline metrics with intervals and the group differences that hold up, the drivers
that matter most, what to fix first; variable labels instead of column names) and then
the technical appendix. ``--lang fa`` or ``--lang ru`` writes it in Persian (right to
left) or Russian with the course glossary's terms; ``--pdf`` prints it to a PDF with
headless Chromium. The analyses and sections are functions in
:mod:`cxresearch.reporting.sections`; the template notebook only calls them.

Everything is written into the ``out`` folder, never next to or over the input file
(atomically, refusing symbolic links there, one run at a time):

* ``report.html`` -- the page (``report.pdf`` with ``--pdf``);
* ``report.json`` -- every table of the page, machine-readable (``{"parameters": ...,
  "tables": {name: [row, ...]}}``), so its numbers can be checked or reused;
* ``report.ipynb`` -- the executed notebook with its code, to rerun or extend.

:func:`prepare_report` does the checks and the data preparation the notebook starts
with (labelled answers to codes, scale scores); :func:`main` is the command line
(``cxresearch report survey.sav --outcome ... --drivers ...`` or
``python -m cxresearch report ...``). papermill and nbconvert come with the ``report``
extra: ``pip install "cxresearch[report]"``.

Examples
--------
>>> import tempfile, pathlib
>>> import cxresearch as cx
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cx.load_dataset("cx_survey").to_csv(folder / "survey.csv", index=False)
>>> prep = cx.prepare_report(
...     folder / "survey.csv",
...     outcome="satisfaction",
...     drivers=["service", "price"],
... )
>>> prep.outcome, prep.drivers, prep.scales["service"]
('satisfaction', ('service', 'price'), ('service_1', 'service_2', 'service_3', 'service_4'))
>>> prep.table.loc[1, "source"]
'mean of service_1 ... service_4 (at least 2)'
"""

from __future__ import annotations

from ._cli import main
from ._prepare import ReportData, prepare_report
from ._run import OUTPUTS, TEMPLATE, TEMPLATE_DIR, Report, report

__all__ = ["OUTPUTS", "TEMPLATE", "TEMPLATE_DIR", "Report", "ReportData", "main",
           "prepare_report", "report"]  # fmt: skip
