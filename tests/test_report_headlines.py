"""Headline numbers: every one carries its n, links only in the summary, and an empty database
gives dashes and zeros rather than an exception."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_report_fixture_db import AS_OF, SCHEMA, build_fixture_db

from pmkit import metrics
from pmkit.present import headlines

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
    from pmkit.present.report import open_report

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


@pytest.fixture(scope="module")
def pinned(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The hand-computed fixture of test_metrics (its docstring is the table)."""
    from test_metrics import _build

    path = tmp_path_factory.mktemp("headlines") / "metrics.duckdb"
    _build(path)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _tiles(stats: list[object]) -> list[tuple[object, ...]]:
    return [(s.label, s.value, s.n, s.coverage) for s in stats]  # type: ignore[attr-defined]


def test_headline_numbers_on_the_hand_computed_fixture(pinned: duckdb.DuckDBPyConnection) -> None:
    from test_metrics import AS_OF as METRICS_AS_OF
    from test_metrics import FP

    f = metrics.Filters(as_of=METRICS_AS_OF)
    assert _tiles(headlines.severity(pinned, f)) == [
        ("Incidents in window", "6", 6, ""),
        ("Severe (L0-L1) share", "3 of 5", 5, "severity known for 5 of 6 incidents"),
        ("Median time to resolve", "2.0 h", 5, "start and resolution known for 5 of 6 incidents"),
        ("Most involved service", "api", 3, "services known for 4 of 6 incidents"),
    ]
    # with min_n 3 the same share is a percentage
    assert headlines.severity(pinned, f, min_n=3)[1].value == "60%"
    drafted = "resolution and draft time known for 4 of 6 incidents"
    assert _tiles(headlines.drafting(pinned, f)) == [
        ("Median time to draft", "2.6 d", 4, drafted),  # 24 48 78 144 h -> 63 h
        ("p90 time to draft", "–", 4, drafted),  # fewer than 10 drafts
        ("Drafted within 48 h", "2 of 4", 4, drafted),
        (
            "Median business days to review",
            "4",
            3,
            "review date known for 3 of 4 drafted postmortems",
        ),
        ("No postmortem yet", "2", 7, "draft date known for 5 of 7 incidents resolved by as-of"),
        ("Waiting for review", "1", 1, "draft date known for 5 of 7 incidents up to as-of"),
    ]
    listing = "contributing factors known for 5 of 6 incidents"
    assert _tiles(headlines.factors(pinned, f)) == [
        ("Most cited factor category", "config_change", 2, listing),
        ("Factors listed", "8", 5, listing),  # each factor once
        ("Unclassified factors", "2", 8, ""),
        ("Most common trigger", "deploy", 2, "trigger known for 4 of 6 incidents"),
    ]
    due = "due date known for 7 of 8 open actions"
    expected = [
        ("Open actions", "8", 11, ""),
        ("Overdue actions", "5", 7, due),
        ("Oldest overdue", "638 days", 5, due),
        ("Untracked open actions", "4", 8, ""),
        ("Owners with overdue actions", "4", 5, due),
    ]
    assert _tiles(headlines.actions(pinned, f)) == expected
    # the backlog is the same whatever the window; [people] makes alice and @asmith one owner
    assert (
        _tiles(headlines.actions(pinned, metrics.Filters(as_of=METRICS_AS_OF, lookback_days=1)))
        == expected
    )
    assert headlines.actions(pinned, FP)[-1].value == "3"


def test_a_tile_whose_value_most_incidents_lack_states_none(
    pinned: duckdb.DuckDBPyConnection,
) -> None:
    from test_metrics import AS_OF as METRICS_AS_OF

    # the search service: INC-3 and INC-6; both list factors, INC-3 has a draft time (48 h)
    # and INC-6's draft comes after as_of: 1 of 2 is not "fewer than half"
    f = metrics.Filters(as_of=METRICS_AS_OF, services=("search",))
    factors = headlines.factors(pinned, f)
    assert factors[0].value == "capacity" and not factors[0].thin  # 2 of 2 list factors
    drafting = headlines.drafting(pinned, f)
    assert drafting[0].value == "2.0 d" and not drafting[0].thin
    # seeds 001 and 002 hold INC-6 and INC-5, neither with a draft time at as_of: no median
    one = metrics.Filters(as_of=METRICS_AS_OF, templates=("seed-001", "seed-002"))
    tiles = headlines.drafting(pinned, one)
    assert tiles[0].value == "–" and tiles[0].thin
    assert tiles[0].coverage == "resolution and draft time known for 0 of 2 incidents"
