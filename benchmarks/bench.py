"""pmkit benchmarks: ingest and reports on synthetic corpora, each against a floor from the same run.

``python benchmarks/bench.py`` (or ``make bench``) generates corpora with ``pmkit synth`` (fixed
seed, cached in the work folder), measures each step in its own child process
(``benchmarks/measure.py``), prints one table and, with ``--record``, appends it to
``benchmarks/RESULTS.md`` with the machine and the date. Sizes and the rest come from options or
the ``BENCH_*`` environment variables (``BENCH_SIZES=1000,10000``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MEASURE = Path(__file__).with_name("measure.py")
AS_OF = "2026-11-16"
"""The synth corpus ends the day before (``pmkit synth`` default ``--end``)."""
FULL_INGEST_TARGET = 0.5
"""Issue 19: a 10k full ingest in at most half the floor's time, the floor parsing the same
files with markdown-it-py with the same parallelism (``measure.py floor``)."""
UNCHANGED_TARGET_S = 0.3
"""Issue 19: an unchanged 10k corpus re-ingested in at most 0.3 s."""
STALL_SECONDS = 2.5
"""An empty notebook taking longer than this hit ipykernel's occasional 3.5 s wait on shutdown
(jupyter_client waits that long before it kills a kernel that did not exit)."""


@dataclass
class Settings:
    sizes: list[int]
    seed: int
    workdir: Path
    floor_max: int
    report_size: int | None
    repeat: int
    record: Path | None
    rounds: int = 2
    reports_only: bool = False
    lint_only: bool = False


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    size: int | None
    value: str
    floor: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.measure} ({_size(row.size)}): {row.value} {row.ratio}".rstrip(), flush=True)


def _size(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _run(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (cwd: the repository) and return its JSON."""
    cmd = [sys.executable, str(MEASURE), kind, *args]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus(settings: Settings, n: int) -> Path:
    """The synthetic corpus of ``n`` files for the seed; generated once, then reused."""
    path = settings.workdir / f"corpus-{n}-seed{settings.seed}"
    done = path.with_name(path.name + ".done")
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        print(f"  generating {n} postmortems (seed {settings.seed}) ...", flush=True)
        pmkit = [sys.executable, "-m", "pmkit.cli"]
        subprocess.run(
            [*pmkit, "synth", "--n", str(n), "--seed", str(settings.seed), "--out", str(path)],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.touch()
    return path


def _fresh_db(settings: Settings, n: int) -> Path:
    db = settings.workdir / f"bench-{n}.duckdb"
    for stale in (db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".lock")):
        stale.unlink(missing_ok=True)
    return db


def _touch_one(path: Path, i: int) -> None:
    """Change one file the way an edit does: new content, new size, new mtime."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n<!-- benchmark edit {i} -->\n")


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["seconds"])


def _full_ingest(
    settings: Settings, n: int, path: Path
) -> tuple[dict[str, Any] | None, dict[str, Any], Path]:
    """Floor and full ingest, alternated ``rounds`` times; the fastest of each counts.

    Alternating (rather than all floors, then all ingests) exposes both to the same spells of
    load from other work on the machine; the fastest run is the one least disturbed by it.
    """
    floors: list[dict[str, Any]] = []
    ingests: list[dict[str, Any]] = []
    rounds = settings.rounds if n <= settings.floor_max else 1
    db = _fresh_db(settings, n)
    for _ in range(rounds):
        if n <= settings.floor_max:
            floors.append(_run("floor", str(path)))
        db = _fresh_db(settings, n)
        run = _run("ingest", str(path), str(db))
        if run["parsed"] != n:
            raise SystemExit(f"ingest of {path} parsed {run['parsed']} files, expected {n}")
        ingests.append(run)
    return (_fastest(floors) if floors else None), _fastest(ingests), db


def bench_ingest(settings: Settings, results: Results) -> dict[int, Path]:
    """Full ingest per size (vs the floor where measured), re-ingests, scaling and peak RSS."""
    dbs: dict[int, Path] = {}
    full: dict[int, float] = {}
    for n in settings.sizes:
        print(f"ingest, {n} files", flush=True)
        path = corpus(settings, n)
        floor, first, db = _full_ingest(settings, n, path)
        full[n] = first["seconds"]
        dbs[n] = db
        results.raw[f"ingest_{n}"] = {"floor": floor, "full": first}
        value = f"{first['seconds']:.2f} s (cpu {first['cpu_seconds']:.1f} s)"
        if floor:
            ratio = first["seconds"] / floor["seconds"]
            target = f"<= {FULL_INGEST_TARGET}x floor" if n == 10_000 else ""
            results.add(
                Row(
                    "full ingest",
                    n,
                    value,
                    f"{floor['seconds']:.2f} s (cpu {floor['cpu_seconds']:.1f} s, "
                    f"{floor.get('workers', 1)} workers)",
                    f"{ratio:.2f}x",
                    target,
                    _verdict(ratio <= FULL_INGEST_TARGET) if target else "",
                )
            )
        else:
            results.add(Row("full ingest", n, value))

        again = [_run("ingest", str(path), str(db)) for _ in range(settings.repeat)]
        if any(r["parsed"] for r in again):
            raise SystemExit(f"unchanged re-ingest of {path} parsed files again")
        secs = statistics.median(r["seconds"] for r in again)
        target = f"<= {UNCHANGED_TARGET_S} s" if n == 10_000 else ""
        results.add(
            Row(
                "unchanged re-ingest",
                n,
                f"{secs:.3f} s",
                target=target,
                verdict=_verdict(secs <= UNCHANGED_TARGET_S) if target else "",
            )
        )

        files = sorted(path.rglob("*.md"))
        picked = [files[(i * 7919) % len(files)] for i in range(settings.repeat)]
        originals = {f: f.read_bytes() for f in picked}
        changed = []
        try:
            for i, f in enumerate(picked):
                _touch_one(f, i)
                changed.append(_run("ingest", str(path), str(db)))
        finally:  # the cached corpus stays what the seed generates
            for f, data in originals.items():
                f.write_bytes(data)
        if any(r["parsed"] != 1 for r in changed):
            raise SystemExit(
                f"one-file re-ingest of {path} parsed {[r['parsed'] for r in changed]}"
            )
        secs = statistics.median(r["seconds"] for r in changed)
        target = "<= 1 s" if n == 10_000 else ""
        results.add(
            Row(
                "one file changed",
                n,
                f"{secs:.3f} s",
                target=target,
                verdict=_verdict(secs <= 1.0) if target else "",
            )
        )
        results.raw[f"reingest_{n}"] = {"unchanged": again, "one_changed": changed}

        # sampled memory of main + workers together; per-process peak RSS where /proc is missing
        rss = first["total_pss_mb"] or first["rss_mb"] + first["worker_rss_mb"]
        target = "<= 1024 MB" if n == 100_000 else ""
        results.add(
            Row(
                "peak memory, full ingest",
                n,
                f"{rss:.0f} MB PSS in all (peak RSS {first['rss_mb']:.0f} MB main, "
                f"{first['worker_rss_mb']:.0f} MB a worker)",
                target=target,
                verdict=_verdict(rss <= 1024) if target else "",
            )
        )
    ordered = sorted(full)
    for small, big in zip(ordered, ordered[1:], strict=False):
        ratio = full[big] / full[small]
        limit = 10.5 * big / small / 10
        target = f"<= {limit:.1f}x" if (small, big) == (10_000, 100_000) else ""
        results.add(
            Row(
                f"scaling {_size(big)} / {_size(small)}",
                None,
                f"{full[big]:.1f} s / {full[small]:.1f} s",
                ratio=f"{ratio:.2f}x",
                target=target,
                verdict=_verdict(ratio <= limit) if target else "",
            )
        )
    return dbs


def bench_similarity(settings: Settings, results: Results, db: Path, n: int) -> None:
    """Similar incidents (issue 18) on the ``n``-file database: all of them, then one changed
    incident, then a draft (``measure.py similarity``, on a copy)."""
    print(f"similarity, {n} files", flush=True)
    run = _run("similarity", str(db), str(settings.workdir))
    results.raw[f"similarity_{n}"] = run
    target = n == 10_000
    results.add(
        Row(
            "similarity, every incident",
            n,
            f"{run['full_seconds']:.1f} s (cpu {run['full_cpu_seconds']:.1f} s; "
            f"{run['incidents']:,} incidents; peak {run['full_peak_mb']:.0f} MB PSS; "
            f"database {run['db_mb']:.0f} MB)",
            target="< 60 s" if target else "",
            verdict=_verdict(run["full_seconds"] < 60) if target else "",
        )
    )
    results.add(
        Row(
            "similarity, one incident changed",
            n,
            f"{run['one_seconds']:.2f} s ({run['one_mode']}, {run['one_rescored']} re-scored)",
            target="< 2 s" if target else "",
            verdict=_verdict(run["one_seconds"] < 2) if target else "",
        )
    )
    results.add(
        Row(
            "similar to a draft",
            n,
            f"{run['draft_query_seconds'] * 1000:.0f} ms a query "
            f"(index opened once in {run['draft_open_seconds']:.2f} s)",
        )
    )


def bench_reports(settings: Settings, results: Results, db: Path, n: int) -> None:
    """The report suite on the ``n``-file database vs papermill running empty notebooks.

    The floor is papermill running an empty notebook as many times as there are reports, one
    after another. ``pmkit report`` runs its notebooks two at a time (on 2+ cores), so each
    round also runs the suite one at a time (``--jobs 1``) and the empty notebooks two at a time,
    to show what running side by side brings. Floors and suites alternate ``rounds`` times and
    the fastest of each counts, as for the ingest. Now and then a kernel of the floor waits
    3.5 s to shut down (``pmkit report`` stops its kernels at once); the fastest round usually
    has no such wait, and the table says so when every round had one.
    """
    print(f"reports, {n}-file database", flush=True)
    out = settings.workdir / f"reports-{n}"
    floor_dir = settings.workdir / "papermill-floor"
    best: dict[str, dict[str, Any]] = {}

    def measure(key: str, kind: str, *args: str) -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(floor_dir, ignore_errors=True)
        run = _run(kind, *args)
        if key not in best or run["seconds"] < best[key]["seconds"]:
            best[key] = run

    for _ in range(settings.rounds):
        measure("suite", "reports", str(db), str(out), AS_OF)
        runs, jobs = best["suite"]["runs"], best["suite"]["jobs"]
        measure("floor", "papermill-floor", str(floor_dir), str(runs))
        if jobs > 1:
            measure("suite_1", "reports", str(db), str(out), AS_OF, "--jobs", "1")
            measure("floor_n", "papermill-floor", str(floor_dir), str(runs), "--jobs", str(jobs))
    suite, floor = best["suite"], best["floor"]
    runs, jobs = suite["runs"], suite["jobs"]
    results.raw[f"reports_{n}"] = best
    ratio = suite["seconds"] / floor["seconds"]
    side_by_side = f", {jobs} at a time" if jobs > 1 else ""
    floor_text = f"{floor['seconds']:.1f} s{_cpu(floor)}"
    if max(floor["run_seconds"], default=0) > STALL_SECONDS:  # in every round: flag it
        floor_text += " (a kernel stalled on shutdown: rerun)"
    results.add(
        Row(
            f"report suite ({runs} notebooks{side_by_side})",
            n,
            f"{suite['seconds']:.1f} s{_cpu(suite)}",
            floor_text,
            f"{ratio:.2f}x",
            "<= 1.3x floor",
            _verdict(ratio <= 1.3),
        )
    )
    if jobs > 1:
        one = best["suite_1"]["seconds"]
        results.add(
            Row(
                f"report suite ({runs} notebooks, 1 at a time)",
                n,
                f"{one:.1f} s{_cpu(best['suite_1'])}",
                floor_text,
                f"{one / floor['seconds']:.2f}x",
            )
        )
        both = best["floor_n"]["seconds"]
        results.add(
            Row(
                f"report suite vs floor, both {jobs} at a time",
                n,
                f"{suite['seconds']:.1f} s{_cpu(suite)}",
                f"{both:.1f} s{_cpu(best['floor_n'])}",
                f"{suite['seconds'] / both:.2f}x",
                f"<= {SAME_PARALLELISM_TARGET}x floor",
                _verdict(suite["seconds"] / both <= SAME_PARALLELISM_TARGET),
            )
        )
    queries = _run("metrics", str(db), AS_OF, "--repeat", str(max(3, settings.repeat)))
    results.raw[f"metrics_{n}"] = queries
    slowest = sorted(queries["queries_ms"].items(), key=lambda kv: -kv[1])[:3]
    detail = ", ".join(f"{k} {v:.0f}" for k, v in slowest)
    results.add(
        Row(
            f"metrics queries ({len(queries['queries_ms'])})",
            n,
            f"{queries['total_ms']:.0f} ms in all (slowest: {detail} ms)",
        )
    )


def _cpu(run: dict[str, Any]) -> str:
    """`` (cpu N s)``: what a run cost the machine (its processes, kernels included), steadier
    than wall time on shared cores; the fastest round's."""
    return f" (cpu {run['cpu_seconds']:.1f} s)" if "cpu_seconds" in run else ""


SAME_PARALLELISM_TARGET = 1.5
"""Issue 19: the suite against empty notebooks run as many at a time as the suite runs."""
LINT_RUNS_PER_REPEAT = 5
"""Start-up times are short and noisy: ``5 x --repeat`` (15) alternated runs of each, the fastest
counts."""
LINT_TARGET = 0.3


def _wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: the file has findings, which is a normal lint run
        sys.stderr.write(proc.stdout.decode() + proc.stderr.decode())
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    return seconds


def bench_lint(settings: Settings, results: Results) -> None:
    """``pmkit lint FILE`` as a pre-commit hook runs it: a fresh process, start-up and one file
    (the console script, wall time) vs the floor of starting Python at all (``python -c pass``).
    The target is on the absolute time, which is what a person committing waits for."""
    print("lint, one file", flush=True)
    script = Path(sys.executable).with_name("pmkit")
    pmkit = [str(script)] if script.exists() else [sys.executable, "-m", "pmkit.cli"]
    sample = REPO / "data" / "corpus" / "2025" / "03"
    target = sorted(sample.glob("*.md"))[0]
    lint_runs: list[float] = []
    floor_runs: list[float] = []
    for _ in range(LINT_RUNS_PER_REPEAT * settings.repeat):
        floor_runs.append(_wall([sys.executable, "-c", "pass"]))
        lint_runs.append(_wall([*pmkit, "lint", str(target)]))
    best, floor = min(lint_runs), min(floor_runs)
    results.raw["lint"] = {"file": str(target), "runs": lint_runs, "floor_runs": floor_runs}
    results.add(
        Row(
            "lint one file (start-up included)",
            1,
            f"{best:.3f} s (median {statistics.median(lint_runs):.3f} s)",
            f"{floor:.3f} s (python -c pass)",
            f"+{best - floor:.3f} s",
            f"<= {LINT_TARGET} s",
            _verdict(best <= LINT_TARGET),
        )
    )


def reports_only(settings: Settings, results: Results) -> None:
    """Only the report suite: its database is the cached corpus, ingested incrementally (a
    no-op once it is up to date), then :func:`bench_reports`."""
    n = settings.report_size
    if n is None:
        raise SystemExit("--reports-only needs a --report-size")
    path = corpus(settings, n)
    db = settings.workdir / f"reports-{n}-seed{settings.seed}.duckdb"
    print(f"ingest (incremental, untimed), {n} files", flush=True)
    run = _run("ingest", str(path), str(db))
    if run["files"] != n:
        raise SystemExit(f"ingest of {path} saw {run['files']} files, expected {n}")
    bench_reports(settings, results, db, n)


def _machine() -> dict[str, str]:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "memory": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit or "?",
    }


def table(rows: list[Row]) -> str:
    """The results as a Markdown table (readable as plain text too)."""
    head = ("measure", "files", "pmkit", "floor", "ratio", "target", "")
    lines = [head] + [
        (r.measure, _size(r.size), r.value, r.floor, r.ratio, r.target, r.verdict) for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if i == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def record(
    path: Path, settings: Settings, machine: dict[str, str], load: str, rows: list[Row]
) -> None:
    """Append this run to ``path`` (earlier runs stay, so regressions show)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    text = text.rstrip("\n") + "\n\n"
    text += f"## Run {machine['date']} (commit {machine['commit']})\n\n"
    machine_line = (
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory']} memory, "
        f"Python {machine['python']}; load average {load}."
    )
    if settings.lint_only:
        text += f"{machine_line} `pmkit lint` of one file only (`--lint-only`).\n\n"
    elif settings.reports_only:
        text += (
            f"{machine_line} Report suite only (`--reports-only`), on the "
            f"{_size(settings.report_size)} database, synth seed {settings.seed}, fastest of "
            f"{settings.rounds} alternated floor/suite rounds.\n\n"
        )
    else:
        text += (
            f"{machine_line} Sizes {', '.join(_size(n) for n in settings.sizes)}, synth seed "
            f"{settings.seed}, fastest of {settings.rounds} alternated floor/ingest and "
            f"floor/report rounds, re-ingests the median of {settings.repeat}.\n\n"
        )
    text += table(rows) + "\n"
    path.write_text(text, encoding="utf-8")


def _env_sizes(value: str) -> list[int]:
    return sorted({int(v.strip().replace("_", "")) for v in value.split(",") if v.strip()})


def settings_from(argv: list[str] | None) -> Settings:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=env.get("BENCH_SIZES", "1000,10000,100000"))
    parser.add_argument("--seed", type=int, default=int(env.get("BENCH_SEED", "8")))
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(env.get("BENCH_WORKDIR", REPO / "benchmarks" / ".work")),
    )
    parser.add_argument(
        "--floor-max",
        type=int,
        default=int(env.get("BENCH_FLOOR_MAX", "10000")),
        help="measure the markdown-it floor for sizes up to this (it is slow at 100k)",
    )
    parser.add_argument(
        "--report-size",
        default=env.get("BENCH_REPORT_SIZE", "10000"),
        help="database size the report suite runs on ('none' skips the reports)",
    )
    parser.add_argument("--repeat", type=int, default=int(env.get("BENCH_REPEAT", "3")))
    parser.add_argument(
        "--rounds",
        type=int,
        default=int(env.get("BENCH_ROUNDS", "2")),
        help="floor and measured run (full ingest at sizes with a floor, report suite) "
        "alternated this many times, fastest counts",
    )
    parser.add_argument(
        "--reports-only",
        action="store_true",
        default=env.get("BENCH_REPORTS_ONLY", "") not in ("", "0"),
        help="only the report suite and its floors, on the --report-size corpus (ingested "
        "incrementally, untimed)",
    )
    parser.add_argument(
        "--lint-only",
        action="store_true",
        default=env.get("BENCH_LINT_ONLY", "") not in ("", "0"),
        help="only `pmkit lint` of one file (start-up included) vs `python -c pass`",
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=Path(env["BENCH_RECORD"]) if env.get("BENCH_RECORD") else None,
        help="append the results to this Markdown file (make bench: benchmarks/RESULTS.md)",
    )
    args = parser.parse_args(argv)
    sizes = _env_sizes(args.sizes)
    report = None if args.report_size.lower() == "none" else int(args.report_size)
    return Settings(
        sizes,
        args.seed,
        args.workdir.resolve(),
        args.floor_max,
        report,
        max(1, args.repeat),
        args.record,
        max(1, args.rounds),
        args.reports_only,
        args.lint_only,
    )


def main(argv: list[str] | None = None) -> int:
    settings = settings_from(argv)
    settings.workdir.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    results = Results()
    if settings.lint_only:
        bench_lint(settings, results)
    elif settings.reports_only:
        reports_only(settings, results)
    else:
        bench_lint(settings, results)
        dbs = bench_ingest(settings, results)
        for n in (size for size in dbs if size <= 10_000):
            bench_similarity(settings, results, dbs[n], n)
        if settings.report_size is not None:
            n = settings.report_size if settings.report_size in dbs else max(dbs)
            bench_reports(settings, results, dbs[n], n)
    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    load = f"{load_before} before, {load_after} after"
    print()
    print(f"{machine['date']}: {machine['cores']} cores, {machine['memory']}; load {load}")
    print(table(results.rows))
    print(f"({time.perf_counter() - started:.0f} s in all; work folder {settings.workdir})")
    (settings.workdir / "last-run.json").write_text(
        json.dumps({"machine": machine, "load": load, "raw": results.raw}, indent=2),
        encoding="utf-8",
    )
    if settings.record:
        record(settings.record, settings, machine, load, results.rows)
        print(f"appended to {settings.record}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
