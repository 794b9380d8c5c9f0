"""``pmkit stats --coverage``: the field-coverage table on a database built by hand.

The fixture holds four incidents (a fifth belongs to an unfilled template and is left out):

| incident | started_at (source) | resolved_at (source) | services | owner | events (timed) |
| --- | --- | --- | --- | --- | --- |
| a | field | timeline | [api] | ann | 2 (2) |
| b | timeline | - | [] | '' | 1 (0) |
| c | prose | prose | - | - | - |
| d | - | - | [x, y] | bo | 3 (1) |
| t (template) | field | field | [api] | ann | 1 (1) |

so started_at is filled for 3 of 4 (field 1, timeline 1, prose 1, none 1), resolved_at for 2,
services for 2 (an empty list is not a value), owner for 2 (a blank string is not either), and of
the 2 incidents with a timed event (a, d), 1 has started_at and 1 resolved_at.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmkit.cli import cli
from pmkit.metrics.fields import CoverageError, field_coverage
from pmkit.store import connect

T = datetime(2026, 3, 4, 14, 5)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    db_file = tmp_path / "cov.duckdb"
    con = connect(db_file)
    docs = [("a.md", False), ("b.md", False), ("c.md", False), ("d.md", False), ("t.md", True)]
    for name, unfilled in docs:
        con.execute(
            "INSERT INTO documents (path, sha256, size_bytes, ingested_at, template, "
            "is_unfilled_template, is_process_doc) VALUES (?, 'x', 1, ?, 'freeform', ?, false)",
            [name, T, unfilled],
        )
    rows = [
        ("a.md", "a", T, "field", T, "timeline", ["api"], "ann"),
        ("b.md", "b", T, "timeline", None, None, [], ""),
        ("c.md", "c", T, "prose", T, "prose", None, None),
        ("d.md", "d", None, None, None, None, ["x", "y"], "bo"),
        ("t.md", "t", T, "field", T, "field", ["api"], "ann"),
    ]
    for path, iid, s, ss, r, rs, services, owner in rows:
        con.execute(
            "INSERT INTO incidents (path, incident_id, started_at, started_source, resolved_at, "
            "resolved_source, services, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [path, iid, s, ss, r, rs, services, owner],
        )
    events = [("a.md", "a", T), ("a.md", "a", T), ("b.md", "b", None)]
    events += [("d.md", "d", T), ("d.md", "d", None), ("d.md", "d", None), ("t.md", "t", T)]
    for seq, (path, iid, at) in enumerate(events, start=1):
        con.execute(
            "INSERT INTO timeline_events (path, incident_id, seq, occurred_at) VALUES (?, ?, ?, ?)",
            [path, iid, seq, at],
        )
    con.close()
    return db_file


def test_coverage_counts_by_hand(db: Path) -> None:
    cov = field_coverage(db)
    assert (cov.incidents, cov.left_out) == (4, 1)
    filled = {c.column: c.filled for c in cov.columns}
    assert filled["started_at"] == 3
    assert filled["resolved_at"] == 2
    assert filled["services"] == 2
    assert filled["owner"] == 2
    assert filled["title"] == 0
    assert "started_source" not in filled and "path" not in filled
    started = next(m for m in cov.milestones if m.milestone == "started")
    assert started.by_source == {"field": 1, "timeline": 1, "prose": 1}
    assert started.missing == 1
    resolved = next(m for m in cov.milestones if m.milestone == "resolved")
    assert resolved.by_source == {"field": 0, "timeline": 1, "prose": 1}
    assert resolved.missing == 2
    assert (cov.with_events, cov.dated_timeline) == (3, 2)
    assert (cov.dated_started, cov.dated_resolved) == (1, 1)


def test_stats_coverage_cli_prints_the_tables(db: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--coverage", str(db)])
    assert result.exit_code == 0, result.output
    assert "incidents: 4 (1 of unfilled templates or process documents left out)" in result.output
    assert "| started_at | 3 | 75% |" in result.output
    assert "| started_at | 1 (25%) | 1 (25%) | 1 (25%) | 1 (25%) |" in result.output
    assert "| ... of those, with resolved_at | 1 | 50% |" in result.output


def test_stats_coverage_of_a_missing_database_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--coverage", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no database" in result.output
    with pytest.raises(CoverageError):
        field_coverage(tmp_path / "none.duckdb")


def test_stats_help() -> None:
    result = CliRunner().invoke(cli, ["stats", "--help"])
    assert result.exit_code == 0
    assert "--coverage" in result.output
