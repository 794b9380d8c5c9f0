"""Headline numbers: every one carries its n, links only in the summary, and an empty database
gives dashes and zeros rather than an exception."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_report_fixture_db import AS_OF, SCHEMA, build_fixture_db

from pmkit import metrics
from pmkit.reports import headlines

SETS = [headlines.severity, headlines.drafting, headlines.factors, headlines.actions]


@pytest.fixture(scope="module")
def filters() -> metrics.Filters:
    return metrics.Filters(as_of=AS_OF, lookback_days=365)


def test_headlines_on_the_fixture(tmp_path: Path, filters: metrics.Filters) -> None:
    con = duckdb.connect(str(build_fixture_db(tmp_path / "f.duckdb")), read_only=True)
    try:
        for make in SETS:
            stats = make(con, filters)
            assert stats and all(isinstance(s.n, int) and s.n >= 0 for s in stats)
            assert all(s.href is None for s in stats)
            linked = make(con, filters, link=True)
            assert linked[0].href in headlines.REPORT_PAGES.values()
        assert headlines.incident_count(con, filters) == 40
        assert 0 < headlines.resolved_count(con, filters) <= 40
        assert headlines.severity(con, filters)[0].value == "40"
    finally:
        con.close()


def test_headlines_on_an_empty_database(tmp_path: Path, filters: metrics.Filters) -> None:
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    try:
        for make in SETS:
            for stat in make(con, filters):
                assert stat.value in {"0", "–"}, stat
    finally:
        con.close()


def test_open_report_builds_filters_and_rejects_a_missing_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmkit.reports.context import open_report

    db = build_fixture_db(tmp_path / "f.duckdb")
    report = open_report(db, "2026-11-16", 30, [0, 1], ["checkout"], [], ["seed-002"])
    try:
        assert report.filters.severity_levels == (0, 1)
        assert report.filters.services == ("checkout",)
        assert report.as_of == "2026-11-16" and report.lookback_days == 30
        assert "services: checkout" in report.header("X")
    finally:
        report.con.close()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="pmkit ingest"):
        open_report("no/such.duckdb", "2026-11-16", 30)
