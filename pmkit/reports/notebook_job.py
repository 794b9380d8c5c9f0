"""One notebook of a run: execute it (a runner thread), then draw its charts, write it and export
it (the drawing thread), each failure named after the notebook and the cell."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.reports.errors import NotebookFailed, ReportError
from pmkit.reports.execute import execute
from pmkit.reports.export import notebook_html
from pmkit.reports.failures import FigureFailed, failed_cell, keep_failed
from pmkit.reports.request import ReportRequest

if TYPE_CHECKING:  # jupyter_client: only the runner's threads need it, not a report kernel
    from pmkit.reports.drawer import Drawer
    from pmkit.reports.kernels import KernelPool

Progress = Callable[[str, str, int, int, float | None], None]
"""``(event, notebook, position, total, seconds)``; event is ``start``, ``done`` or ``failed``."""


@dataclass
class NotebookResult:
    """One executed report inside a run folder."""

    name: str
    title: str
    html: str
    """File name of the HTML page, relative to the run folder."""
    ipynb: str
    seconds: float


def notebook_title(path: Path) -> str:
    """A report's title: ``metadata.pmkit.title`` in the notebook, else its name in words."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        title = meta.get("pmkit", {}).get("title")
    except (OSError, ValueError, AttributeError):
        title = None
    return str(title) if title else path.stem.replace("_", " ").capitalize()


@dataclass(frozen=True)
class NotebookJob:
    """One notebook of a run: where it comes from, where it goes, and how to report progress."""

    request: ReportRequest
    out_dir: Path
    tmp: Path
    source: Path
    position: int
    total: int
    progress: Progress | None
    started: float
    pages: list[tuple[str, str]]
    """Every page of the run (name, title), for the navigation bar."""
    kernels: KernelPool | None = None
    """The run's kernels, one per thread, reused from one notebook to the next."""
    drawer: Drawer | None = None
    """Where the charts are drawn (else in this process)."""

    @property
    def name(self) -> str:
        return self.source.stem

    @property
    def executed(self) -> Path:
        return self.tmp / f"{self.name}.ipynb"

    def tell(self, event: str) -> float:
        """Report ``event`` ("start", "done", "failed"); returns the seconds since the start."""
        seconds = time.monotonic() - self.started
        if self.progress:
            when = None if event == "start" else seconds
            self.progress(event, self.name, self.position, self.total, when)
        return seconds


def _run_one(job: NotebookJob) -> Any:
    """Execute one notebook; returns the executed notebook, raises a :class:`ReportError`."""
    job.tell("start")
    try:
        km = job.kernels.kernel() if job.kernels is not None else None
        return execute(job.source, job.executed, job.request, job.tmp, km)
    except BaseException:
        if job.kernels is not None:  # a failed notebook's kernel is never reused
            job.kernels.discard()
        raise


def run_notebook(job: NotebookJob) -> Any:
    """Execute one notebook (returns it executed); its failure named after the notebook."""
    try:
        return _run_one(job)
    except NotebookFailed as exc:
        kept = keep_failed(job.out_dir, job.request, job.executed)
        cell, code = failed_cell(kept, job.source) if kept else (exc.cell_index, None)
        job.tell("failed")
        raise NotebookFailed(exc.notebook, cell, exc.ename, exc.evalue, kept, code) from exc
    except Exception as exc:  # kernel died, bad notebook JSON, ...: name the notebook
        job.tell("failed")
        raise ReportError(
            f"report {job.name!r} could not run: {type(exc).__name__}: {exc}"
        ) from exc


def _finish(nb: Any, job: NotebookJob, html: Path, title: str) -> None:
    """Draw the charts the kernel handed over, rewrite the executed notebook with them, export it.

    A chart that cannot be drawn fails the report like a cell that raised, naming that cell.
    """
    import nbformat

    from pmkit.present.figures import FigureError, draw, draw_deferred

    executed = job.executed
    try:
        draw_deferred(nb, job.drawer.draw if job.drawer is not None else draw)
    except FigureError as exc:
        nbformat.write(nb, executed)
        raise FigureFailed(nb.cells[exc.cell_index].get("id"), exc) from exc
    nbformat.write(nb, executed)
    html.write_text(notebook_html(nb, title, job.pages), encoding="utf-8")


def publish_notebook(nb: Any, job: NotebookJob) -> NotebookResult:
    """Draw, write and export one executed notebook; raises :class:`NotebookFailed`."""
    name = job.name
    title = notebook_title(job.source)
    try:
        _finish(nb, job, job.tmp / f"{name}.html", title)
    except FigureFailed as exc:
        kept = keep_failed(job.out_dir, job.request, job.executed)
        cell, code = failed_cell(kept, job.source, exc.cell_id) if kept else (None, None)
        job.tell("failed")
        failure = exc.error  # a pmkit.present.figures.FigureError
        ename = getattr(failure.error, "ename", type(failure.error).__name__)  # drawn elsewhere
        evalue = f"chart {failure.builder}: {failure.error}"
        raise NotebookFailed(name, cell, ename, evalue, kept, code) from exc
    seconds = job.tell("done")
    return NotebookResult(name, title, f"{name}.html", f"{name}.ipynb", seconds)
