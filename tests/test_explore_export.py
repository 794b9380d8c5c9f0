"""Taking the explorer's selection elsewhere: CSV and Parquet files read back, and the
``pmkit report`` command line, checked by the real command's own option parser and parameter
validation; the timeline strip and the detail's Markdown, escaped."""

from __future__ import annotations

import shlex
import subprocess
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmkit.cli import cli
from pmkit.explore import ExploreState, explore
from pmkit.explore import charts as xcharts
from pmkit.explore.export import report_command, write_export
from pmkit.explore.render import markdown, web_url
from pmkit.explore.strip import _label, _label_width, _rows, marks, timeline_strip
from pmkit.reports import ReportRequest
from pmkit.store import ingest_paths

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("explore-export") / "pmkit.duckdb"
    ingest_paths([CORPUS], db, workers=1)
    return db


def test_exports_hold_the_tables_rows_in_its_order(fixture_db: Path, tmp_path: Path) -> None:
    panel = explore(fixture_db, today=date(2026, 10, 23), export_dir=tmp_path / "out")
    try:
        panel.select(xcharts.FACTOR, [{"category": "capacity"}])
        panel.table.sort = ["title", "asc"]
        shown = list(panel.table_frame["incident_id"])
        assert len(shown) == 5
        csv_path = panel.export("csv")
        parquet_path = panel.export("parquet")
        assert csv_path.parent == parquet_path.parent == tmp_path / "out"
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
            [csv_path.name, parquet_path.name]
        )  # no partial file left behind
        csv = pd.read_csv(csv_path)
        assert list(csv["incident_id"]) == shown
        with duckdb.connect() as con:
            parquet = con.execute("SELECT * FROM read_parquet(?)", [str(parquet_path)]).df()
        assert list(parquet["incident_id"]) == shown
        row = parquet[parquet["incident_id"] == "INC-20261001-001"].iloc[0]
        assert list(row["services"]) == ["cdn-edge", "events-pipeline"]
        assert (row["n_actions"], row["n_open"], row["n_overdue"]) == (4, 1, 0)
        assert row["file"] == str(CORPUS.resolve() / "2026-10-01-cdn-edge-crash-loop.md")
        line = csv[csv["incident_id"] == "INC-20261001-001"].iloc[0]
        assert line["services"] == "cdn-edge; events-pipeline"
        assert (
            "Wrote" in panel.export_message.value and "(5 incidents)" in panel.export_message.value
        )
        assert "download" not in panel.export_message.value  # no Jupyter page known: no link
        panel.table.page = {"serverRoot": str(tmp_path), "baseUrl": "/"}
        panel.export("csv")
        assert f'href="/files/out/{panel.exported[-1].name}?download=1"' in (
            panel.export_message.value
        )
    finally:
        panel.db.close()


def test_the_action_export_lists_the_tables_incidents_actions(
    fixture_db: Path, tmp_path: Path
) -> None:
    """Counted by hand from the two fixture files: cdn-edge (INC-20261001-001) has four actions,
    one open (due 2026-10-26, not yet overdue on 2026-10-23); certificate expiry
    (INC-20260823-001) has one done and two open, due 2026-09-25 (28 days overdue) and
    2026-08-31 (53 days)."""
    panel = explore(fixture_db, today=date(2026, 10, 23), export_dir=tmp_path / "out")
    try:
        panel.table.query = "certificate expiry"
        assert list(panel.table_frame["incident_id"]) == ["INC-20260823-001"]
        panel.table.query = ""
        panel.table.sort = ["title", "asc"]
        order = list(panel.table_frame["incident_id"])
        path = panel.export("csv", "actions")
        assert path.name.startswith("pmkit-actions-")
        rows = pd.read_csv(path)
        # the table's order, then each file's own order
        firsts = list(dict.fromkeys(rows["incident_id"]))
        assert firsts == [i for i in order if i in set(rows["incident_id"])]
        cdn = rows[rows["incident_id"] == "INC-20261001-001"]
        assert list(cdn["action_id"]) == ["AI-001", "AI-002", "AI-003", "AI-004"]
        assert list(cdn["is_open"]) == [False, True, False, False]
        assert not cdn["is_overdue"].any()
        cert = rows[rows["incident_id"] == "INC-20260823-001"].set_index("action_id")
        assert list(cert.index) == ["AI-001", "AI-002", "AI-003"]
        assert list(cert["status"]) == ["done", "in_progress", "open"]
        assert cert.loc["AI-002", "days_overdue"] == 28
        assert cert.loc["AI-003", "days_overdue"] == 53
        assert cert.loc["AI-003", "owner"] == "Kavya Rao"
        assert cert.loc["AI-003", "file"] == str(
            CORPUS.resolve() / "2026-08-23-certificate-expiry-on-checkout-api.md"
        )
        assert cert.loc["AI-003", "line"] == 104
        n_incidents = len(panel.table_frame)
        assert f"({len(rows):,} action items of {n_incidents} incidents)" in (
            panel.export_message.value
        )
        # The action-status filter applies to the rows too.
        panel.statuses.value = ("open", "in_progress")
        parquet = panel.export("parquet", "actions")
    finally:
        panel.db.close()
    with duckdb.connect() as con:
        open_only = con.execute("SELECT * FROM read_parquet(?)", [str(parquet)]).df()
    assert set(open_only["status"]) <= {"open", "in_progress"}
    cert_open = open_only[open_only["incident_id"] == "INC-20260823-001"]
    assert list(cert_open["action_id"]) == ["AI-002", "AI-003"]


def test_two_exports_in_one_second_get_two_files(fixture_db: Path, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"incident_id": ["a"], "root": ["/r"], "path": ["a.md"], "services": [["x"]]}
    )
    now = datetime(2026, 10, 23, 9, 0, 0)
    first = write_export(frame, tmp_path, "csv", now)
    second = write_export(frame, tmp_path, "csv", now)
    assert first != second and first.exists() and second.exists()
    with pytest.raises(ValueError, match="csv, parquet"):
        write_export(frame, tmp_path, "xlsx")


def _parsed(argv: list[str]) -> dict[str, object]:
    """The options ``pmkit report`` reads from ``argv`` (its own parser, nothing run)."""
    command = cli.commands["report"]
    ctx = command.make_context("report", list(argv), resilient_parsing=False)
    return dict(ctx.params)


def test_the_report_command_has_the_explorers_window_and_filters(tmp_path: Path) -> None:
    state = ExploreState(
        end=date(2026, 10, 23),
        start=date(2026, 9, 1),
        severity_levels=(1, 2),
        services=("checkout api",),
        teams=("Bob's team",),
        templates=("seed-002",),
    )
    duckdb.connect(str(tmp_path / "my db.duckdb")).close()
    command = report_command(tmp_path / "my db.duckdb", state, {})
    assert shlex.split(command.text) == command.argv  # quoted for a shell
    assert command.lines.count("\\\n") == 9  # one option (and its value) a line
    shell = subprocess.run(  # what a shell makes of the lines shown
        ["sh", "-c", "set -- " + command.lines.split(" ", 1)[1] + '\nprintf "%s\\0" "$@"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split("\0")[:-1] == command.argv[1:]
    assert command.argv[1] == "report"
    params = _parsed(command.argv[2:])
    assert params["as_of"] == "2026-10-23" and params["lookback"] == 52
    assert params["no_ingest"] is True
    assert params["db_path"] == (tmp_path / "my db.duckdb").resolve()
    assert params["severity"] == ("1", "2")
    assert params["service"] == ("checkout api",) and params["team"] == ("Bob's team",)
    assert params["template"] == ("seed-002",)
    assert command.left_out == []
    checked = ReportRequest.build(
        params["db_path"],
        params["as_of"],
        params["lookback"],
        severity_levels=params["severity"],
        services=params["service"],
        teams=params["team"],
        templates=params["template"],
    )
    f = state.to_filters()
    assert (checked.as_of, checked.lookback_days) == (f.as_of, f.lookback_days)
    assert checked.severity_levels == f.severity_levels


def test_what_a_report_cannot_be_asked_is_listed(tmp_path: Path) -> None:
    state = ExploreState(
        end=date(2026, 10, 23), start=date(2026, 10, 23), action_statuses=("open",)
    )
    picked = {"level": ("L2", "unknown"), "category": ("capacity",), "period": ("2026-10",)}
    command = report_command(tmp_path / "x.duckdb", state, picked, query="crash")
    params = _parsed(command.argv[2:])
    assert params["lookback"] == 1 and params["severity"] == ("2",)
    assert command.left_out == [
        "a window of one day: a report's window is at least 1 day",
        "severity unknown (a report filters by level only)",
        "the action-status filter (open)",
        "the period selection (2026-10)",
        "the factor selection (capacity)",
        "the table search (crash)",
    ]
    wide = ExploreState(end=date(2026, 10, 23), start=date(2000, 1, 1), severity_levels=(3,))
    command = report_command(tmp_path / "x.duckdb", wide, {"level": ("L2",)})
    assert _parsed(command.argv[2:])["lookback"] == 3650
    assert "a window of 9,792 days: a report's is at most 3,650" in command.left_out
    assert "the severity selection (no level in common with the filter)" in command.left_out


def test_the_panel_shows_the_command_for_copying(fixture_db: Path, tmp_path: Path) -> None:
    panel = explore(fixture_db, today=date(2026, 10, 23), export_dir=tmp_path)
    try:
        assert "--as-of 2026-10-23 \\\n  --lookback 140" in panel.command.value
        assert "Not carried over" not in panel.command.value
        panel.select(xcharts.SEVERITY, [{"severity": "L2"}], selection=xcharts.LEVEL)
        assert "--severity 2" in panel.command.value
        panel.teams.value = ("Identity",)
        assert "--team Identity" in panel.command.value and "--severity" not in (
            panel.command.value  # a filter change cleared the legend's selection
        )
    finally:
        panel.db.close()


def test_the_strip_marks_milestones_and_keeps_labels_apart() -> None:
    incident = {
        "started_at": pd.Timestamp("2026-10-01 11:10"),
        "detected_at": pd.Timestamp("2026-10-01 11:10"),
        "acknowledged_at": None,
        "mitigated_at": pd.Timestamp("2026-10-01 11:39"),
        "resolved_at": pd.NaT,
    }
    timeline = pd.DataFrame(
        {
            "occurred_at": [pd.Timestamp("2026-10-01 11:20"), pd.NaT],
            "event": ['<script>x("event")</script>', "later that day"],
        }
    )
    drawn, missing, untimed = marks(incident, timeline)
    assert [m.label for m in drawn if m.milestone] == ["started", "detected", "mitigated"]
    assert missing == ["acknowledged", "resolved"] and untimed == 1
    html = timeline_strip(incident, timeline)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "not recorded: acknowledged, resolved; 1 timeline event without a readable time" in html
    assert html.count('class="pmkit-x-milestone"') == 3
    # labels at the same moment go to different rows; far apart ones share the first
    points = [(100.0, drawn[0]), (100.0, drawn[1]), (700.0, drawn[3])]
    rows = _rows(points)
    assert rows == [0, 1, 0]
    assert 100 + _label_width(_label(drawn[0])) / 2 < 700 - _label_width(_label(drawn[3])) / 2
    nothing = timeline_strip({}, pd.DataFrame({"occurred_at": [], "event": []}))
    assert "nothing to draw" in nothing and "<svg" not in nothing


def test_markdown_from_a_postmortem_is_rendered_safely() -> None:
    html = markdown(
        "**Bold** and <script>alert(1)</script>\n"
        "![pixel](https://tracker.example/p.gif) [ok](https://example.com/a) "
        "[bad](javascript:alert(1))"
    )
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html  # no picture is fetched from anywhere
    assert '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">' in html
    assert 'href="javascript' not in html
    assert "not recorded" in markdown(None) and "not recorded" in markdown("  ")
    assert web_url("https://jira.example.com/browse/X-1") == "https://jira.example.com/browse/X-1"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "PAY-3696", "https://a b", None):
        assert web_url(bad) is None
