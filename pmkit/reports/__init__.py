"""Scheduled reports: run the report notebooks (``pmkit/reports/notebooks/``, package data) with
papermill, export HTML, publish ``reports/<as_of>/`` atomically and keep ``reports/index.html``
up to date.

Modules: ``request`` (one run, validated once), ``job`` (ingest, then run), ``runner`` (the
threads of a run, atomic publishing), ``notebook_job`` (one notebook: run, draw, export),
``execute`` (papermill), ``kernel`` and ``kernels`` (the run's kernels), ``forks`` and ``warm``
(kernels forked from a warm parent), ``drawer`` (the process that draws the charts), ``failures``
(what is kept of a failed report), ``export`` (HTML), ``index`` (the list of runs), ``schedule``
(cron line or systemd timer), ``errors``.

Light to import: papermill and nbconvert load only when a run starts. What the notebooks
themselves call lives in ``pmkit.present`` (headlines, ``open_report``, charts).
"""

from __future__ import annotations

from pmkit.reports.errors import NotebookFailed, ParameterError, ReportError
from pmkit.reports.index import write_index
from pmkit.reports.request import DEFAULT_NOTEBOOK_DIR, ReportRequest, available_notebooks
from pmkit.reports.runner import RunResult, run_reports

__all__ = [
    "DEFAULT_NOTEBOOK_DIR",
    "NotebookFailed",
    "ParameterError",
    "ReportError",
    "ReportRequest",
    "RunResult",
    "available_notebooks",
    "run_reports",
    "write_index",
]
