"""One measurement per process: ``python benchmarks/measure.py KIND ARGS...`` prints one JSON object.

Why a child process per measurement: peak RSS (``ru_maxrss``) only ever grows within a process,
and a fresh interpreter gives every measurement the same start (no warm caches from an earlier
one). Times are taken inside the child around the work itself, so interpreter start-up is not
counted (it is the same for pmkit and for the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest waited-for child (pool workers), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(children, 1)


class TreeMemory:
    """Samples the memory of this process and its children (the pool workers) together, 4 times
    a second. PSS (proportional set size) counts a page shared by forked workers once, where
    summing RSS would count it in every process; without /proc it stays 0."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, _tree_pss_mb(os.getpid()))
            if self._stop.wait(self.interval):
                return


def _pss_kb(proc: Path) -> int:
    for line in (proc / "smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _tree_pss_mb(pid: int) -> float:
    """PSS of ``pid`` plus its direct children, in MB, from /proc."""
    total_kb = 0
    proc = Path("/proc")
    if not (proc / "self" / "smaps_rollup").exists():
        return 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.name != str(pid):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
                    continue
            total_kb += _pss_kb(entry)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return total_kb / 1024


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


_FLOOR_MD: Any = None
"""The floor's parser, made before the workers fork (as pmkit's workers inherit theirs)."""


def _floor_one(path: str) -> None:
    _FLOOR_MD.parse(Path(path).read_bytes().decode("utf-8", errors="replace"))


def floor_workers(files: int) -> int:
    """As many parse workers as ``pmkit ingest`` runs for ``files`` new files
    (``pmkit.store.pool``: two, one per core, from ``PARALLEL_MIN_FILES`` files on)."""
    from pmkit.store.pool import PARALLEL_MIN_FILES

    workers = min(2, os.cpu_count() or 1)
    return workers if files >= PARALLEL_MIN_FILES else 1


def floor_parse(corpus: Path, workers: int | None = None) -> dict[str, Any]:
    """The floor for a full ingest: read + bare ``MarkdownIt().parse`` of the same files, with
    the parallelism pmkit's ingest has (forked workers, the same chunks), so that the two compare
    like with like."""
    global _FLOOR_MD
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from markdown_it import MarkdownIt

    from pmkit.corpus import discover

    files = [str(f.path) for f in discover([corpus])[0]]
    workers = workers or floor_workers(len(files))
    _FLOOR_MD = MarkdownIt()
    cpu0 = _cpu_seconds()
    started = time.perf_counter()
    if workers <= 1:
        for path in files:
            _floor_one(path)
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_floor_one, files, chunksize=64))
    seconds = time.perf_counter() - started
    return {
        "files": len(files),
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu0,
    }


def ingest(corpus: Path, db: Path) -> dict[str, Any]:
    """``pmkit ingest CORPUS --db DB`` as the CLI runs it (``ingest_paths``), timed in-process."""
    from pmkit.store import ingest_paths

    cpu0 = _cpu_seconds()
    with TreeMemory() as tree:
        started = time.perf_counter()
        summary = ingest_paths([corpus], db, progress=False)
        seconds = time.perf_counter() - started
    own, workers = _rss_mb()
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu0,
        "files": summary.files,
        "parsed": summary.parsed,
        "unchanged": summary.unchanged,
        "incidents": summary.incidents,
        "errors": summary.errors,
        "rss_mb": own,
        "worker_rss_mb": workers,
        "total_pss_mb": round(tree.peak_mb, 1),
    }


def _empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def papermill_floor(out: Path, runs: int, jobs: int = 1) -> dict[str, Any]:
    """The floor for the report suite: papermill running an empty notebook ``runs`` times.

    Same start-up trick as the report runner (``pmkit.fastimport``), so only real work differs.
    ``jobs`` > 1 runs that many at a time in threads, as ``pmkit report`` does; papermill's
    ``cwd=`` changes the directory of the whole process, so those runs go without it (an empty
    notebook does not care where it runs).
    """
    from concurrent.futures import ThreadPoolExecutor

    from pmkit.fastimport import skip_slow_optional_imports

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    skip_slow_optional_imports()
    import papermill

    source = _empty_notebook(out / "empty.ipynb")

    run_seconds: list[float] = []

    def run(i: int) -> None:
        began = time.perf_counter()
        papermill.execute_notebook(
            str(source),
            str(out / f"empty-{i}.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(out) if jobs == 1 else None,
        )
        run_seconds.append(round(time.perf_counter() - began, 2))

    if jobs == 1:
        for i in range(runs):
            run(i)
    else:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(run, range(runs)))
    seconds = time.perf_counter() - started
    return {
        "runs": runs,
        "jobs": jobs,
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds(),
        "run_seconds": run_seconds,
    }


def reports(db: Path, out: Path, as_of: str, jobs: int | None = None) -> dict[str, Any]:
    """``pmkit report --no-ingest`` on ``db``: every shipped notebook, executed and exported,
    ``jobs`` at a time (default: as ``pmkit report``)."""
    started = time.perf_counter()
    from pmkit.reports import ReportRequest
    from pmkit.reports.job import report_job
    from pmkit.reports.runner import default_jobs

    result = report_job(ReportRequest.build(db, as_of, out_dir=out, jobs=jobs))
    return {
        "runs": len(result.notebooks),
        "jobs": jobs or default_jobs(),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds(),  # kernels, their warm parent and the drawing process too
        "notebooks": {nb.name: round(nb.seconds, 2) for nb in result.notebooks},
    }


def metrics(db: Path, as_of: str, repeat: int) -> dict[str, Any]:
    """Each public query of ``pmkit.metrics`` on ``db``: median milliseconds over ``repeat`` runs."""
    from pmkit import metrics as m
    from pmkit.store import connect

    con = connect(db, read_only=True)
    f = m.Filters(as_of=as_of)
    timings: dict[str, float] = {}
    try:
        for query in m.QUERIES:
            fn: Callable[..., Any] = query
            name = query.__name__
            fn(con, f)  # warm: the first run pays for DuckDB loading the columns
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                fn(con, f)
                runs.append((time.perf_counter() - started) * 1000)
            timings[name] = round(statistics.median(runs), 2)
    finally:
        con.close()
    return {"queries_ms": timings, "total_ms": round(sum(timings.values()), 1)}


def similarity(db: Path, work: Path) -> dict[str, Any]:
    """``pmkit.similar`` on a copy of an ingested database: every incident against every
    earlier one (``refresh(full=True)``, scikit-learn imported inside the timing, as a first
    ingest pays it), then one incident's title changed and an incremental refresh (what ingest
    runs after one file changed), then a draft against the corpus (``pmkit similar``)."""
    import shutil

    import duckdb

    copy = work / "similarity.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        cpu0 = _cpu_seconds()
        with TreeMemory() as tree:
            started = time.perf_counter()
            from pmkit.similar.cache import refresh

            con.execute("BEGIN")
            full = refresh(con, full=True)
            con.execute("COMMIT")
            full_seconds = time.perf_counter() - started
        full_cpu = _cpu_seconds() - cpu0
        (path, iid) = con.execute(
            "SELECT path, incident_id FROM similarity_vectors ORDER BY path LIMIT 1 OFFSET "
            "(SELECT count(*) // 2 FROM similarity_vectors)"
        ).fetchone()
        con.execute(
            "UPDATE incidents SET title = title || ' (Redis ran out of memory again)' "
            "WHERE path = ? AND incident_id = ?",
            [path, iid],
        )
        started = time.perf_counter()
        con.execute("BEGIN")
        one = refresh(con)
        con.execute("COMMIT")
        one_seconds = time.perf_counter() - started
        size_mb = copy.stat().st_size / 1e6
    finally:
        con.close()
    from pmkit.model import Postmortem
    from pmkit.similar.draft import SimilarIndex

    started = time.perf_counter()
    index = SimilarIndex.open(copy)
    open_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index.query(Postmortem("draft", title="checkout-api outage", root_cause="Redis ran out"))
    query_seconds = time.perf_counter() - started
    copy.unlink()
    return {
        "incidents": full.incidents,
        "full_seconds": full_seconds,
        "full_cpu_seconds": full_cpu,
        "full_peak_mb": round(tree.peak_mb, 1),
        "one_mode": one.mode,
        "one_rescored": one.rescored,
        "one_seconds": one_seconds,
        "db_mb": round(size_mb, 1),
        "draft_open_seconds": open_seconds,
        "draft_query_seconds": query_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("floor")
    p.add_argument("corpus", type=Path)
    p.add_argument("--workers", type=int, default=None, help="default: as pmkit ingest")
    p = sub.add_parser("ingest")
    p.add_argument("corpus", type=Path)
    p.add_argument("db", type=Path)
    p = sub.add_parser("papermill-floor")
    p.add_argument("out", type=Path)
    p.add_argument("runs", type=int)
    p.add_argument("--jobs", type=int, default=1)
    p = sub.add_parser("reports")
    p.add_argument("db", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("as_of")
    p.add_argument("--jobs", type=int, default=None)
    p = sub.add_parser("similarity")
    p.add_argument("db", type=Path)
    p.add_argument("work", type=Path)
    p = sub.add_parser("metrics")
    p.add_argument("db", type=Path)
    p.add_argument("as_of")
    p.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.kind == "floor":
        result = floor_parse(args.corpus, args.workers)
    elif args.kind == "ingest":
        result = ingest(args.corpus, args.db)
    elif args.kind == "papermill-floor":
        result = papermill_floor(args.out, args.runs, args.jobs)
    elif args.kind == "reports":
        result = reports(args.db, args.out, args.as_of, args.jobs)
    elif args.kind == "similarity":
        result = similarity(args.db, args.work)
    else:
        result = metrics(args.db, args.as_of, args.repeat)
    sys.stdout.flush()
    os.write(1, (json.dumps(result) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
