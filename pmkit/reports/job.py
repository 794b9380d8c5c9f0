"""The whole ``pmkit report`` job: ingest the request's corpus folders, then run every report.

The request (``pmkit.reports.request.ReportRequest``) was checked when it was built, before
this job starts, so a typo in ``--as-of`` or ``--only`` fails at once instead of after a long
ingest.
"""

from __future__ import annotations

from rich.console import Console

from pmkit.reports.errors import ReportError
from pmkit.reports.request import ReportRequest
from pmkit.reports.runner import Progress, RunResult, run_reports


def console_progress(console: Console) -> Progress:
    """Progress lines per notebook (``[2/5] time_to_draft … done in 2.6 s``) on ``console``."""

    def show(event: str, name: str, position: int, total: int, seconds: float | None) -> None:
        step = f"[{position}/{total}]"
        if event == "start":
            console.print(f"{step} {name} …", highlight=False)
        elif event == "done":
            console.print(f"{step} {name} [green]done[/] in {seconds or 0:.1f} s", highlight=False)
        else:
            console.print(
                f"{step} {name} [red]FAILED[/] after {seconds or 0:.1f} s", highlight=False
            )

    return show


def report_job(request: ReportRequest, console: Console | None = None) -> RunResult:
    """Ingest ``request.corpora`` into its database (incremental; none: the database as it is),
    then run the reports into ``out_dir/<as_of>/``. Raises :class:`ReportError` subclasses."""
    if request.corpora:
        from pmkit.store import IngestError, ingest_paths

        try:
            summary = ingest_paths(
                list(request.corpora), request.db_path, progress=False, config=request.config()
            )
        except IngestError as exc:
            folders = ", ".join(map(str, request.corpora))
            raise ReportError(f"ingest of {folders} failed: {exc}") from exc
        if console:
            folders = ", ".join(map(str, request.corpora))
            console.print(f"ingested {folders}:\n{summary.render()}", highlight=False)
    progress = console_progress(console) if console else None
    return run_reports(request, progress)
