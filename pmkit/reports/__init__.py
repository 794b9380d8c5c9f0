"""Scheduled reports: run the notebooks in ``notebooks/reports/`` with papermill, export HTML,
publish ``reports/<as_of>/`` atomically and keep ``reports/index.html`` up to date.

Light to import: papermill and nbconvert load only when a run starts. What the notebooks
themselves call lives in ``pmkit.present`` (headlines, ``open_report``, charts).
"""

from __future__ import annotations

from pmkit.reports.errors import NotebookFailed, ParameterError, ReportError
from pmkit.reports.index import write_index
from pmkit.reports.params import ReportParams, available_notebooks, build_params
from pmkit.reports.runner import DEFAULT_NOTEBOOK_DIR, RunResult, run_reports

__all__ = [
    "DEFAULT_NOTEBOOK_DIR",
    "NotebookFailed",
    "ParameterError",
    "ReportError",
    "ReportParams",
    "RunResult",
    "available_notebooks",
    "build_params",
    "run_reports",
    "write_index",
]
