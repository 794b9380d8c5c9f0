"""The benchmark scripts still run end to end, at a tiny size (20 files).

Nothing here is timed: the numbers only mean something at 10k files (``make bench``). The run
checks itself (every file parsed once, nothing re-parsed when unchanged, exactly one file when one
changed) and exits non-zero when a check fails.

Slow (~75 s: it runs the report suite and the similarity runs of the benchmark too), so in
``make test-slow``, not ``make test``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SUITE = f"report suite ({len(list((REPO / 'pmkit' / 'reports' / 'notebooks').glob('*.ipynb')))} notebooks"
"""How the rows of the report suite start: as many notebooks as are shipped."""
BENCH = REPO / "benchmarks" / "bench.py"
MEASURE = REPO / "benchmarks" / "measure.py"


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One full run (ingest, re-ingests, reports, metrics) at 20 files, recorded to a copy."""
    work = tmp_path_factory.mktemp("bench")
    results = work / "RESULTS.md"
    results.write_text("# Benchmark results\n\nearlier run kept\n", encoding="utf-8")
    proc = _bench(
        "--sizes",
        "20",
        "--report-size",
        "20",
        "--repeat",
        "1",
        "--rounds",
        "2",
        "--workdir",
        str(work / "w"),
        "--record",
        str(results),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return work, proc.stdout


def test_bench_prints_every_measure(bench_run: tuple[Path, str]) -> None:
    _work, out = bench_run
    for measure in (
        "full ingest",
        "unchanged re-ingest",
        "one file changed",
        "peak memory, full ingest",
        SUITE,
        "metrics queries",
        "similarity, every incident",
        "similarity, one incident changed",
        "similar to a draft",
        "lint one file (start-up included)",
    ):
        assert f"| {measure}" in out, measure
    if (os.cpu_count() or 1) > 1:  # pmkit report runs two notebooks at a time
        for measure in (
            f"{SUITE}, 2 at a time)",
            f"{SUITE}, 1 at a time)",
            "report suite vs floor, both 2 at a time",
        ):
            assert f"| {measure}" in out, measure


def test_bench_appends_to_results_and_keeps_earlier_runs(bench_run: tuple[Path, str]) -> None:
    work, _out = bench_run
    text = (work / "RESULTS.md").read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\nearlier run kept\n")
    assert "## Run " in text and "cores" in text and "memory" in text
    assert "| full ingest" in text


def test_bench_keeps_raw_numbers_and_restores_the_corpus(bench_run: tuple[Path, str]) -> None:
    work, _out = bench_run
    raw = json.loads((work / "w" / "last-run.json").read_text(encoding="utf-8"))["raw"]
    assert raw["ingest_20"]["full"]["parsed"] == 20
    assert raw["ingest_20"]["floor"]["files"] == 20
    assert all(r["parsed"] == 0 for r in raw["reingest_20"]["unchanged"])
    assert all(r["parsed"] == 1 for r in raw["reingest_20"]["one_changed"])
    reports = raw["reports_20"]
    shipped = len(list((REPO / "pmkit" / "reports" / "notebooks").glob("*.ipynb")))
    assert reports["suite"]["runs"] == reports["floor"]["runs"] == shipped
    assert reports["floor"]["jobs"] == 1  # the floor: one empty notebook after another
    if reports["suite"]["jobs"] > 1:
        assert reports["suite_1"]["jobs"] == 1 and reports["suite_1"]["runs"] == shipped
        assert reports["floor_n"]["jobs"] == reports["suite"]["jobs"]
    assert set(raw["metrics_20"]["queries_ms"]) >= {"severity_by_period", "overdue_actions"}
    # the edited file was put back: the cached corpus is again what `pmkit synth` writes
    corpus = work / "w" / "corpus-20-seed8"
    fresh = work / "fresh"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pmkit.cli",
            "synth",
            "--n",
            "20",
            "--seed",
            "8",
            "--out",
            str(fresh),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    files = sorted(p.relative_to(corpus) for p in corpus.rglob("*.md"))
    assert files == sorted(p.relative_to(fresh) for p in fresh.rglob("*.md"))
    assert all((corpus / f).read_bytes() == (fresh / f).read_bytes() for f in files)


def test_reports_only_runs_just_the_report_suite(bench_run: tuple[Path, str]) -> None:
    work, _out = bench_run
    results = work / "RESULTS-reports.md"
    proc = _bench(
        "--reports-only",
        "--report-size",
        "20",
        "--rounds",
        "1",
        "--workdir",
        str(work / "w"),
        "--record",
        str(results),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = results.read_text(encoding="utf-8")
    assert "Report suite only (`--reports-only`), on the 20 database" in text
    assert f"| {SUITE}" in text
    assert "| full ingest" not in text and "| metrics queries" in text


def test_measure_rejects_an_unknown_kind() -> None:
    proc = subprocess.run(
        [sys.executable, str(MEASURE), "nonsense"], capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0
    assert "invalid choice" in proc.stderr
