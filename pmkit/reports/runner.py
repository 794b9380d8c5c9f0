"""Run the report notebooks with papermill and publish them as one dated folder, atomically.

Everything is written to ``<out>/.<as_of>.tmp-XXXX/`` first; only when every notebook ran and was
exported does that folder become ``<out>/<as_of>/``, replacing a run of the same date in one step
(``pmkit.reports.publish``), so ``index.html`` never links a missing folder. A failing notebook
leaves earlier runs untouched and its executed copy is kept under ``<out>/failed/`` for debugging.

How a run spends its time: papermill runs each notebook in a ``python3`` kernel, ``jobs`` of them
at a time (default: 2, or 1 on a one-core machine); each thread keeps its kernel for its next
notebook, namespace cleared (``pmkit.reports.kernels``), so pandas and duckdb load once a thread. The kernels compute the numbers and
hand their charts over by name and data (``pmkit.present.figures``); one drawing thread in this process
builds every chart of the run with altair, draws it with one vl-convert (started once, not once
per kernel), writes the executed notebook with its charts and exports it to HTML, while the
kernels go on with the next notebooks.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit import __version__
from pmkit.fastimport import skip_slow_optional_imports
from pmkit.reports.errors import NotebookFailed, OutputNotWritable, ReportError
from pmkit.reports.export import notebook_html, run_pages
from pmkit.reports.index import MANIFEST, write_index
from pmkit.reports.publish import carry_over, clean_leftovers, hold, publish
from pmkit.reports.request import ReportRequest, available_notebooks

if TYPE_CHECKING:  # jupyter_client: only the runner's threads need it, not a report kernel
    from pmkit.reports.kernels import KernelPool

KERNEL = "python3"
CELL_TIMEOUT_SECONDS = 900
"""A scheduled run must end: a cell running longer than this fails the report."""
FAILED_DIR = "failed"
MAX_DEFAULT_JOBS = 2


def default_jobs() -> int:
    """Notebooks run at a time when not told: 2, or 1 on a one-core machine."""
    return max(1, min(MAX_DEFAULT_JOBS, os.cpu_count() or 1))


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


@dataclass
class RunResult:
    """What a successful run produced."""

    run_dir: Path
    index_path: Path
    notebooks: list[NotebookResult] = field(default_factory=list)


def notebook_title(path: Path) -> str:
    """A report's title: ``metadata.pmkit.title`` in the notebook, else its name in words."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        title = meta.get("pmkit", {}).get("title")
    except (OSError, ValueError, AttributeError):
        title = None
    return str(title) if title else path.stem.replace("_", " ").capitalize()


def _execute(source: Path, target: Path, request: ReportRequest, cwd: Path, km: Any = None) -> Any:
    """Run ``source`` with papermill into ``target``; returns the executed notebook. ``km``: the
    kernel to run it in (``pmkit.reports.kernels``), else a kernel of its own, stopped after."""
    skip_slow_optional_imports()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from pmkit.reports.kernel import ReportKernelManager

    kernel: dict[str, Any] = (
        {"km": km}
        if km is not None
        else {
            # the kernel runs in ``cwd`` and hands its charts to this process; not papermill's
            # cwd=, which changes the directory of the whole process (two threads run notebooks)
            "kernel_manager_class": ReportKernelManager.in_folder(cwd),
            # a finished report kernel has nothing left to save: stop it at once. A graceful
            # shutdown takes as long (~0.1 s) but now and then waits 3.5 s for an ipykernel
            # that does not exit (2 kernels in 30 on our 2-core machine)
            "shutdown_kernel": "immediate",
        }
    )
    try:
        return papermill.execute_notebook(
            str(source),
            str(target),
            parameters=request.notebook_parameters(),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT_SECONDS,
            # the kernel's own log (shutdown chatter) is noise here: cell errors are in the notebook
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            **kernel,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(source.stem, exc.cell_index, exc.ename, exc.evalue, None) from exc


def _finish(nb: Any, executed: Path, html: Path, title: str, pages: list[tuple[str, str]]) -> None:
    """Draw the charts the kernel handed over, rewrite the executed notebook with them, export it.

    A chart that cannot be drawn fails the report like a cell that raised, naming that cell.
    """
    import nbformat

    from pmkit.present.figures import FigureError, draw_deferred

    try:
        draw_deferred(nb)
    except FigureError as exc:
        nbformat.write(nb, executed)
        raise _FigureFailed(nb.cells[exc.cell_index].get("id"), exc) from exc
    nbformat.write(nb, executed)
    html.write_text(notebook_html(nb, title, pages), encoding="utf-8")


class _FigureFailed(Exception):
    """A chart handed over by the kernel failed to draw (``error``), in cell ``cell_id``."""

    def __init__(self, cell_id: str | None, error: Any) -> None:
        super().__init__(str(error))
        self.cell_id = cell_id
        self.error = error


def _keep_failed(out_dir: Path, request: ReportRequest, executed: Path) -> Path | None:
    """Move the failed executed notebook to ``<out>/failed/<as_of>-<UTC time>/``."""
    if not executed.is_file():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out_dir / FAILED_DIR / f"{request.as_of.isoformat()}-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / executed.name
    shutil.move(str(executed), kept)
    return kept


def _failed_cell(
    executed: Path, source: Path, cell_id: str | None = None
) -> tuple[int | None, str | None]:
    """Index (in the source notebook) and first source line of the cell that raised (the first
    cell with an error output, or the cell with id ``cell_id``)."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
        source_ids = [c.get("id") for c in json.loads(source.read_text(encoding="utf-8"))["cells"]]
    except (OSError, ValueError, KeyError):
        return None, None
    for cell in cells:
        if cell_id is not None:
            failed = cell.get("id") == cell_id
        else:
            failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if failed:
            text = "".join(cell.get("source", ""))
            first = text.strip().splitlines()[0] if text.strip() else None
            index = source_ids.index(cell.get("id")) if cell.get("id") in source_ids else None
            return index, first
    return None, None


@dataclass(frozen=True)
class _Job:
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


def _run_one(job: _Job) -> Any:
    """Execute one notebook; returns the executed notebook, raises a :class:`ReportError`."""
    job.tell("start")
    try:
        km = job.kernels.kernel() if job.kernels is not None else None
        return _execute(job.source, job.executed, job.request, job.tmp, km)
    except BaseException:
        if job.kernels is not None:  # a failed notebook's kernel is never reused
            job.kernels.discard()
        raise


def _run_one_failing(job: _Job) -> Any:
    """:func:`_run_one`, its failure named after the notebook."""
    try:
        return _run_one(job)
    except NotebookFailed as exc:
        kept = _keep_failed(job.out_dir, job.request, job.executed)
        cell, code = _failed_cell(kept, job.source) if kept else (exc.cell_index, None)
        job.tell("failed")
        raise NotebookFailed(exc.notebook, cell, exc.ename, exc.evalue, kept, code) from exc
    except Exception as exc:  # kernel died, bad notebook JSON, ...: name the notebook
        job.tell("failed")
        raise ReportError(
            f"report {job.name!r} could not run: {type(exc).__name__}: {exc}"
        ) from exc


def _publish_one(nb: Any, job: _Job) -> NotebookResult:
    """Draw, write and export one executed notebook; raises :class:`NotebookFailed`."""
    name = job.name
    title = notebook_title(job.source)
    try:
        _finish(nb, job.executed, job.tmp / f"{name}.html", title, job.pages)
    except _FigureFailed as exc:
        kept = _keep_failed(job.out_dir, job.request, job.executed)
        cell, code = _failed_cell(kept, job.source, exc.cell_id) if kept else (None, None)
        job.tell("failed")
        failure = exc.error  # a pmkit.present.figures.FigureError
        ename, evalue = type(failure.error).__name__, f"chart {failure.builder}: {failure.error}"
        raise NotebookFailed(name, cell, ename, evalue, kept, code) from exc
    seconds = job.tell("done")
    return NotebookResult(name, title, f"{name}.html", f"{name}.ipynb", seconds)


def _warm_up(sources: list[Path]) -> None:
    """What drawing and exporting need, loaded while the first kernels start (much of a kernel
    start is waiting): the HTML exporter, and altair with vl-convert if a notebook imports
    ``pmkit.present.figures`` (hands charts over). Real work, paid once per run instead of at the first
    notebook's export; a failure here shows again, with its report, when that work is done."""
    import nbformat

    from pmkit.present import figures

    try:
        if any("pmkit.present.figures" in s.read_text(encoding="utf-8") for s in sources):
            figures.warm_up()
        notebook_html(nbformat.v4.new_notebook(), "")
    except Exception:  # noqa: S110  (see the docstring)
        pass


def _run_all(
    request: ReportRequest,
    out_dir: Path,
    tmp: Path,
    sources: list[Path],
    progress: Progress | None,
    jobs: int,
    pages: list[tuple[str, str]],
) -> list[NotebookResult]:
    """Run ``sources`` ``jobs`` at a time, each handed to the drawing thread when it has run.

    The first failure keeps the notebooks not yet started from starting (running ones finish)
    and is raised once they have.
    """
    skip_slow_optional_imports()
    import papermill  # noqa: F401  (once, before the threads that use it)

    from pmkit.reports.kernels import KernelPool

    stop = threading.Event()
    total = len(sources)

    def publish(nb: Any, job: _Job) -> NotebookResult:
        try:
            return _publish_one(nb, job)
        except BaseException:
            stop.set()
            raise

    def run(position: int, source: Path) -> Future[NotebookResult] | None:
        if stop.is_set():
            return None
        job = _Job(
            request,
            out_dir,
            tmp,
            source,
            position,
            total,
            progress,
            time.monotonic(),
            pages,
            pool,
        )
        try:
            nb = _run_one_failing(job)
        except BaseException:
            stop.set()
            raise
        return drawing.submit(publish, nb, job)

    errors: list[BaseException] = []
    results: list[NotebookResult] = []
    pool = KernelPool(tmp)
    try:
        with (
            ThreadPoolExecutor(1, thread_name_prefix="pmkit-draw") as drawing,
            ThreadPoolExecutor(min(jobs, total), thread_name_prefix="pmkit-kernel") as threads,
        ):
            _run_in(threads, drawing, run, sources, stop, errors, results)
    finally:
        pool.close()
    if errors:
        raise errors[0]
    return results


def _run_in(
    threads: ThreadPoolExecutor,
    drawing: ThreadPoolExecutor,
    run: Callable[[int, Path], Future[NotebookResult] | None],
    sources: list[Path],
    stop: threading.Event,
    errors: list[BaseException],
    results: list[NotebookResult],
) -> None:
    """Submit every notebook to ``threads``, collect what was published or failed."""
    try:
        drawing.submit(_warm_up, sources)
        runs = [threads.submit(run, i, source) for i, source in enumerate(sources, start=1)]
        published: list[Future[NotebookResult]] = []
        for future in runs:
            try:
                done = future.result()
            except Exception as exc:
                errors.append(exc)
            else:
                if done is not None:
                    published.append(done)
        for publishing in published:
            try:
                results.append(publishing.result())
            except Exception as exc:
                errors.append(exc)
    except BaseException:  # Ctrl-C: start nothing more; running notebooks end first
        stop.set()
        raise


def run_reports(request: ReportRequest, progress: Progress | None = None) -> RunResult:
    """Execute the requested notebooks and publish ``<out_dir>/<as_of>/``.

    ``request.jobs`` notebooks run at a time (default :func:`default_jobs`; 1 runs them one after
    another). Raises :class:`NotebookFailed` (naming notebook, cell and error) when a notebook
    fails.
    """
    notebook_dir = request.notebook_dir
    names = list(request.only) or available_notebooks(notebook_dir)
    jobs = default_jobs() if request.jobs is None else request.jobs
    out_dir = request.out_dir
    as_of = request.as_of.isoformat()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        clean_leftovers(out_dir)
        tmp = Path(tempfile.mkdtemp(prefix=f".{as_of}.tmp-", dir=out_dir))
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write the reports folder {out_dir}: {exc.strerror or exc}"
        ) from exc
    held = hold(tmp)
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; a published run is readable like any folder
    try:
        sources = [notebook_dir / f"{name}.ipynb" for name in names]
        every = available_notebooks(notebook_dir)
        pages = run_pages([(n, notebook_title(notebook_dir / f"{n}.ipynb")) for n in every])
        results = _run_all(request, out_dir, tmp, sources, progress, jobs, pages)
        final = out_dir / as_of
        entries = [asdict(r) for r in results]
        if final.is_dir():
            entries += carry_over(final, tmp, {r.name for r in results})
        manifest = {
            "as_of": as_of,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "pmkit_version": __version__,
            "parameters": {
                k: v for k, v in request.notebook_parameters().items() if k != "db_path"
            },
            "database": str(request.db_path),
            "notebooks": sorted(entries, key=lambda e: (e["name"] != "summary", e["name"])),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        publish(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        os.close(held)
    return RunResult(final, write_index(out_dir), results)
