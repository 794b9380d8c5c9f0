"""Run the report notebooks with papermill and publish them as one dated folder, atomically.

Everything is written to ``<out>/.<as_of>.tmp-XXXX/`` first; only when every notebook ran and was
exported does that folder become ``<out>/<as_of>/``, replacing a run of the same date in one step
(``pmkit.reports.publish``), so ``index.html`` never links a missing folder. A failing notebook
leaves earlier runs untouched and its executed copy is kept under ``<out>/failed/`` for debugging.

How a run spends its time: papermill runs each notebook in a ``python3`` kernel, ``jobs`` of them
at a time (default: 2, or 1 on a one-core machine). The kernels are forked from one warm parent
process that has imported ipykernel and what the notebooks import (``pmkit.reports.forks``), and
each thread keeps its kernel for its next notebook, namespace cleared
(``pmkit.reports.kernels``); a query two pages ask is answered once (``pmkit.present.shared``).
The kernels compute the numbers and hand their charts over by name
and data (``pmkit.present.figures``); one drawing process (``pmkit.reports.drawer``) builds
every chart of the run with altair and draws it with one vl-convert (started once, not once per
kernel), and one thread here writes each executed notebook with its charts and exports it to
HTML, while the kernels go on with the next notebooks.
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
from pmkit.reports.errors import OutputNotWritable
from pmkit.reports.export import notebook_html, run_pages
from pmkit.reports.index import MANIFEST, write_index
from pmkit.reports.notebook_job import (
    NotebookJob,
    NotebookResult,
    Progress,
    notebook_title,
    publish_notebook,
    run_notebook,
)
from pmkit.reports.publish import carry_over, clean_leftovers, hold, publish
from pmkit.reports.request import ReportRequest, available_notebooks

if TYPE_CHECKING:
    from pmkit.reports.drawer import Drawer

__all__ = ["NotebookResult", "Progress", "RunResult", "default_jobs", "run_reports"]

MAX_DEFAULT_JOBS = 2


def default_jobs() -> int:
    """Notebooks run at a time when not told: 2, or 1 on a one-core machine."""
    return max(1, min(MAX_DEFAULT_JOBS, os.cpu_count() or 1))


@dataclass
class RunResult:
    """What a successful run produced."""

    run_dir: Path
    index_path: Path
    notebooks: list[NotebookResult] = field(default_factory=list)


def _warm_up() -> None:
    """The HTML exporter, loaded while the first kernels start (much of a kernel start is
    waiting): paid once per run instead of at the first notebook's export; a failure here
    shows again, with its report, when that work is done."""
    import nbformat

    try:
        notebook_html(nbformat.v4.new_notebook(), "")
    except Exception:  # noqa: S110  (see the docstring)
        pass


def _drawer(sources: list[Path]) -> Drawer | None:
    """The run's drawing process (``pmkit.reports.drawer``), started now so that altair and
    vl-convert load while the first kernels start, if a notebook hands charts over (imports
    ``pmkit.present.figures``)."""
    from pmkit.reports.drawer import Drawer

    if any("pmkit.present.figures" in s.read_text(encoding="utf-8") for s in sources):
        return Drawer()
    return None


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

    from pmkit.reports.forks import warm_parent
    from pmkit.reports.kernels import KernelPool

    stop = threading.Event()
    total = len(sources)

    def publish(nb: Any, job: NotebookJob) -> NotebookResult:
        try:
            return publish_notebook(nb, job)
        except BaseException:
            stop.set()
            raise

    def run(position: int, source: Path) -> Future[NotebookResult] | None:
        if stop.is_set():
            return None
        job = NotebookJob(
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
            drawer,
        )
        try:
            nb = run_notebook(job)
        except BaseException:
            stop.set()
            raise
        return drawing.submit(publish, nb, job)

    errors: list[BaseException] = []
    results: list[NotebookResult] = []
    drawer = _drawer(sources)
    warm = warm_parent(tmp, sources)
    # private to this user, and inside the run's folder: a killed run's results go with the
    # rest of it when the next run cleans up (removed below, before the run is published)
    shared = Path(tempfile.mkdtemp(prefix=".results-", dir=tmp))
    # the kernels query at the same time: each its share of the cores (one on two cores, where
    # DuckDB's second thread cost ~15% more CPU for the same queries and gained no time)
    pool = KernelPool(tmp, warm, shared, max(1, (os.cpu_count() or 1) // max(1, min(jobs, total))))
    try:
        with (
            ThreadPoolExecutor(1, thread_name_prefix="pmkit-draw") as drawing,
            ThreadPoolExecutor(min(jobs, total), thread_name_prefix="pmkit-kernel") as threads,
        ):
            _run_in(threads, drawing, run, sources, stop, errors, results)
    finally:
        pool.close()
        if warm is not None:
            warm.close()
        if drawer is not None:
            drawer.close()
        shutil.rmtree(shared, ignore_errors=True)
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
        drawing.submit(_warm_up)
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
