"""The exploration panel without a browser: build it on a real DuckDB file ingested from
``tests/fixtures/explore/corpus`` (ten postmortems of the demo corpus, one with HTML-like text),
set widget values, and check the DataFrames, the chart specs, the table and the detail it shows.

Chart clicks are simulated the way the browser reports them: by setting the JupyterChart's
``_vl_selections`` trait (``ExplorePanel.select`` does exactly that).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmkit import metrics
from pmkit.config import Config, locate
from pmkit.explore import ExploreDB, ExploreError, ExplorePanel, ExploreState, explore, load, render
from pmkit.explore import charts as xcharts
from pmkit.explore.data import filter_options
from pmkit.store import ingest_paths

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
HOSTILE_ID = "2026-10-23-hostile-html"
TODAY = date(2026, 10, 23)
"""Pinned "today": the day of the last fixture incident, so overdue counts never drift."""


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus ingested once into a real DuckDB file."""
    db = tmp_path_factory.mktemp("explore") / "pmkit.duckdb"
    summary = ingest_paths([CORPUS], db, workers=1)
    assert summary.incidents == 10 and summary.errors == 0
    return db


@pytest.fixture
def panel(fixture_db: Path) -> Iterator[ExplorePanel]:
    built = explore(fixture_db, today=TODAY)
    yield built
    built.db.close()


def _sql(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["path"], frame["incident_id"], strict=True))


def _chart_rows(panel: ExplorePanel, name: str) -> list[dict[str, object]]:
    """The data rows a chart's spec carries (Altair puts DataFrames into ``datasets``)."""
    spec = panel.charts[name].spec
    assert spec is not None
    (rows,) = spec["datasets"].values()
    return list(rows)


def test_filter_options_come_from_the_database(fixture_db: Path) -> None:
    db = ExploreDB(fixture_db)
    try:
        options = filter_options(db)
    finally:
        db.close()
    assert options.first_day == date(2026, 6, 5)
    assert options.last_day == date(2026, 10, 23)
    assert options.severity_levels == (1, 2, 3, 4)
    assert options.teams == ("Data", "Edge", "Identity", "Payments", "Platform")
    assert options.templates == ("freeform", "seed-000", "seed-001", "seed-002", "seed-004")
    assert "checkout-api" in options.services
    assert set(options.action_statuses) <= {"open", "in_progress", "done", "unknown"}


def test_initial_panel_shows_every_incident(panel: ExplorePanel, fixture_db: Path) -> None:
    assert panel.state == ExploreState(end=date(2026, 10, 23), start=date(2026, 6, 5))
    assert panel.data is not None
    assert len(panel.data.incidents) == 10
    assert len(panel.table_frame) == 10
    assert "10 incidents match the filters." in panel.table.value
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.SEVERITY)) == 10
    for name in xcharts.CHARTS:
        params = panel.charts[name].spec["params"]
        assert params[0]["name"] == f"pick_{name}"
        assert params[0]["select"]["fields"] == list(xcharts.SELECTION_FIELDS[name])
    # the draft chart is the metric's own per-incident time to draft, bucketed
    drafts = metrics.time_to_draft(panel.db.con, panel.data.filters)
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.DRAFT)) == len(drafts) > 0
    # the overdue chart counts the metric's overdue actions
    overdue = _sql(
        fixture_db,
        "SELECT count(*) FROM action_items WHERE due_date < DATE '2026-10-23' AND status <> 'done'",
    )[0][0]
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.OVERDUE)) == overdue > 0


def test_a_filter_change_updates_charts_and_table_at_once(panel: ExplorePanel) -> None:
    before_severity = _chart_rows(panel, xcharts.SEVERITY)
    before_factor = _chart_rows(panel, xcharts.FACTOR)
    panel.severity.value = (2,)
    assert panel.data is not None
    assert set(panel.data.incidents["severity_level"]) == {2}
    assert len(panel.table_frame) == len(panel.data.incidents) == 5
    assert {r["severity"] for r in _chart_rows(panel, xcharts.SEVERITY)} == {"L2"}
    assert _chart_rows(panel, xcharts.SEVERITY) != before_severity
    assert _chart_rows(panel, xcharts.FACTOR) != before_factor
    assert set(panel.data.drafts["severity_level"]) <= {2}
    assert "5 incidents match the filters." in panel.table.value


def test_team_service_and_template_filters(panel: ExplorePanel, fixture_db: Path) -> None:
    panel.teams.value = ("Data",)
    assert set(panel.table_frame["team"]) == {"Data"}
    with panel.hold():
        panel.teams.value = ()
        panel.services.value = ("checkout-api",)
    assert len(panel.table_frame) > 0
    assert all("checkout-api" in list(s) for s in panel.table_frame["services"])
    with panel.hold():
        panel.services.value = ()
        panel.templates.value = ("freeform",)
    want = _sql(
        fixture_db,
        "SELECT count(*) FROM documents WHERE template = 'freeform'",
    )[0][0]
    assert len(panel.table_frame) == want >= 2


def test_action_status_filter_narrows_incidents_and_overdue(
    panel: ExplorePanel, fixture_db: Path
) -> None:
    panel.statuses.value = ("done",)
    assert panel.data is not None
    with_done = {
        (p, i)
        for p, i in _sql(
            fixture_db, "SELECT DISTINCT path, incident_id FROM action_items WHERE status = 'done'"
        )
    }
    assert _keys(panel.table_frame) == with_done
    assert 0 < len(with_done) < 10
    assert panel.data.overdue.empty  # done actions are never overdue
    assert _chart_rows(panel, xcharts.OVERDUE) == []
    panel.statuses.value = ("open", "unknown")
    assert set(panel.data.overdue["status"]) <= {"open", "unknown"}
    assert not panel.data.overdue.empty


def test_date_range_and_bad_range(panel: ExplorePanel) -> None:
    panel.start.value = date(2026, 9, 1)
    assert panel.data is not None
    assert panel.data.state.period == "week"
    days = pd.to_datetime(panel.table_frame["day"])
    assert days.min() >= pd.Timestamp(2026, 9, 1) and days.max() <= pd.Timestamp(2026, 10, 23)
    assert len(panel.table_frame) == 5
    shown = panel.data
    panel.start.value = date(2026, 12, 1)
    assert "after the end date" in panel.message.value
    assert panel.data is shown  # the last good view stays
    panel.reset_filters()
    assert panel.message.value == ""
    assert len(panel.table_frame) == 10
    assert panel.data.state.period == "month"


def test_severity_bar_selection_narrows_the_table(panel: ExplorePanel) -> None:
    panel.select(xcharts.SEVERITY, [{"period": "2026-10", "severity": "L2"}])
    assert set(panel.table_frame["severity_level"]) == {2}
    assert {pd.Timestamp(d).month for d in panel.table_frame["day"]} == {10}
    assert len(panel.table_frame) == 3
    assert "narrowed by the chart selection" in panel.table.value
    assert "severity: 2026-10 L2" in panel.selection_text.value
    # shift-click: a second bar adds its incidents
    panel.select(
        xcharts.SEVERITY,
        [{"period": "2026-10", "severity": "L2"}, {"period": "2026-06", "severity": "L4"}],
    )
    assert len(panel.table_frame) == 4
    # an empty selection (click on the background) shows everything again
    panel.select(xcharts.SEVERITY, [])
    assert len(panel.table_frame) == 10


def test_factor_draft_and_owner_selections(panel: ExplorePanel, fixture_db: Path) -> None:
    assert panel.data is not None
    category = str(panel.data.factors["category"].iloc[0])
    panel.select(xcharts.FACTOR, [{"category": category}])
    cited = set(
        _sql(
            fixture_db,
            """SELECT DISTINCT cf.path, cf.incident_id FROM contributing_factors AS cf
               LEFT JOIN factor_categories AS fc USING (path, incident_id, seq)
               WHERE COALESCE(fc.category, cf.category) = ?""",
            [category],
        )
    )
    assert _keys(panel.table_frame) == cited
    assert len(cited) == int(panel.data.factors["n_incidents"].iloc[0])

    panel.select(xcharts.FACTOR, [])
    bucket = xcharts.draft_bucket(float(panel.data.drafts["hours"].iloc[0]))
    panel.select(xcharts.DRAFT, [{"bucket": bucket}])
    drafts = panel.data.drafts
    in_bucket = drafts[[xcharts.draft_bucket(float(h)) == bucket for h in drafts["hours"]]]
    assert _keys(panel.table_frame) == _keys(in_bucket) != set()

    panel.select(xcharts.DRAFT, [])
    owner = str(panel.data.overdue_by_owner["owner"].iloc[0])
    panel.select(xcharts.OVERDUE, [{"owner": owner}])
    overdue = panel.data.overdue
    mine = overdue[overdue["owner"].astype(object).fillna(xcharts.NO_OWNER) == owner]
    assert _keys(panel.table_frame) == _keys(mine) != set()
    assert (panel.table_frame["n_overdue"] > 0).all()


def test_selections_in_two_charts_narrow_each_other_and_filters_clear_them(
    panel: ExplorePanel,
) -> None:
    panel.select(xcharts.SEVERITY, [{"period": "2026-10", "severity": "L2"}])
    three = _keys(panel.table_frame)
    assert panel.data is not None
    category = str(panel.data.factors["category"].iloc[0])
    panel.select(xcharts.FACTOR, [{"category": category}])
    both = _keys(panel.table_frame)
    assert both <= three
    panel.clear_selections()
    assert len(panel.table_frame) == 10 and panel.selection_text.value == ""
    panel.select(xcharts.FACTOR, [{"category": category}])
    assert len(panel.table_frame) < 10
    panel.severity.value = (2, 3)  # a filter change redraws the charts: selections are gone
    assert panel.selections == {name: [] for name in xcharts.CHARTS}
    assert len(panel.table_frame) == len(panel.data.incidents)


def test_incident_detail_shows_timeline_factors_actions_and_source(panel: ExplorePanel) -> None:
    row = panel.table_frame[panel.table_frame["incident_id"] == "INC-20261001-001"].iloc[0]
    assert (row["root"], row["path"], row["incident_id"]) in dict(panel.incident.options).values()
    panel.show_incident(row["path"], row["incident_id"])
    html = panel.detail.value
    assert "cdn-edge crash loop" in html
    assert str(CORPUS.resolve() / "2026-10-01-cdn-edge-crash-loop.md") in html
    assert "<caption>Timeline</caption>" in html
    assert "<caption>Contributing factors</caption>" in html
    assert "<caption>Action items</caption>" in html
    assert html.count("<tr>") > 6
    # a selection that drops the incident from the table clears the detail
    panel.select(xcharts.SEVERITY, [{"period": "2026-06", "severity": "L4"}])
    assert panel.incident.value is None
    assert "Pick an incident" in panel.detail.value


def test_postmortem_text_is_escaped(panel: ExplorePanel) -> None:
    row = panel.table_frame[panel.table_frame["incident_id"] == HOSTILE_ID].iloc[0]
    # the fixture writes "&lt;img ...&gt;": the parser reads it as the text "<img ...>"
    assert row["title"] == "<img src=x onerror=alert(1)> OOM kills"
    panel.show_incident(row["path"], row["incident_id"])
    for html in (panel.table.value, panel.detail.value):
        assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; OOM kills" in panel.table.value
    assert "&lt;script&gt;alert(&quot;factor&quot;)&lt;/script&gt;" in panel.detail.value
    assert "p99 &lt; 200 ms" in panel.detail.value
    # straight from a frame, too: nothing a postmortem says becomes markup
    frame = panel.table_frame.head(1).assign(
        title="<script>alert(1)</script>", team="<b>team</b>", services=[["<i>svc</i>"]]
    )
    html = render.incident_table(frame, 1)
    assert "<script>" not in html and "<b>team" not in html and "<i>svc" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_charts_load_no_javascript_from_the_network(panel: ExplorePanel) -> None:
    import altair as alt

    esm = panel.charts[xcharts.SEVERITY]._esm
    assert alt.JupyterChart._is_offline
    assert "esm.sh" not in esm and "import vegaEmbed from" not in esm
    assert "vegaEmbed" in esm or "vega" in esm
    assert panel.charts[xcharts.SEVERITY].embed_options == {"renderer": "svg", "actions": False}


def test_reload_sees_a_new_ingest_without_blocking_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = sorted(CORPUS.glob("*.md"))
    for path in files[:3]:
        shutil.copy(path, corpus / path.name)
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([corpus], db, workers=1)
    panel = explore(db, today=date(2026, 7, 1))
    try:
        assert panel.end.value == date(2026, 8, 5)  # the last incident is after "today"
        assert len(panel.table_frame) == 3
        shutil.copy(files[3], corpus / files[3].name)
        summary = ingest_paths([corpus], db, workers=1)  # the open panel does not block it
        assert summary.parsed == 1
        assert len(panel.table_frame) == 3
        panel.teams.value = ("Data",)
        panel.reload()
        assert panel.end.value == date(2026, 8, 23)  # the range grew with the corpus
        assert panel.teams.value == ("Data",)  # the chosen team stays chosen
        assert "Payments" in panel.teams.options
        panel.teams.value = ()
        assert len(panel.table_frame) == 4
    finally:
        panel.db.close()


def test_missing_database_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ExploreError, match="no database yet"):
        ExploreDB(tmp_path / "absent.duckdb")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pmkit.duckdb").write_bytes(b"")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.delenv("PMKIT_CONFIG", raising=False)
    assert locate("data/pmkit.duckdb") == tmp_path / "data" / "pmkit.duckdb"
    assert locate("data/other.duckdb") == tmp_path / "notebooks" / "data" / "other.duckdb"


def test_the_explorer_opens_the_configured_database(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No db_path: the database of pmkit.toml, found from a folder below it (JupyterLab runs
    the notebook in notebooks/)."""
    below = fixture_db.parent / "notebooks"
    below.mkdir(exist_ok=True)
    monkeypatch.chdir(below)
    db = ExploreDB(config=Config(db_path=Path(fixture_db.name), draft_target_hours=12))
    try:
        assert db.db_path == fixture_db
        assert load(db, ExploreState(end=TODAY)).target_hours == 12  # [targets] draft_hours
    finally:
        db.close()


def test_state_to_filters(fixture_db: Path) -> None:
    state = ExploreState(end=date(2026, 10, 1), start=date(2026, 9, 1), teams=("Data",))
    f = state.to_filters()
    assert (f.as_of, f.lookback_days, f.teams) == (date(2026, 10, 1), 30, ("Data",))
    assert ExploreState(end=date(2026, 10, 1)).to_filters().lookback_days is None
    with pytest.raises(ExploreError):
        ExploreState(end=date(2026, 1, 1), start=date(2026, 2, 1)).to_filters()
    db = ExploreDB(fixture_db)
    try:
        data = load(db, ExploreState(end=date(2026, 10, 23), action_statuses=("in_progress",)))
        assert set(data.overdue["status"]) <= {"in_progress"}
    finally:
        db.close()


def test_an_empty_database_gives_an_empty_panel(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([tmp_path / "corpus"], db, workers=1)
    panel = explore(db)
    try:
        assert panel.message.value == ""
        assert panel.data is not None and panel.data.incidents.empty
        assert "0 incidents match the filters." in panel.table.value
        assert "No incident matches" in panel.table.value
        assert panel.incident.options == (("(pick an incident)", None),)
        for name in xcharts.CHARTS:
            assert panel.charts[name].spec is not None
        panel.select(xcharts.FACTOR, [{"category": "deploy"}])
        assert panel.table_frame.empty
    finally:
        panel.db.close()


def test_the_window_ends_today_so_overdue_means_overdue_now(fixture_db: Path) -> None:
    panel = explore(fixture_db, today=date(2026, 12, 31))
    try:
        assert panel.end.value == date(2026, 12, 31)
        assert panel.data is not None and len(panel.data.incidents) == 10
        overdue = _sql(
            fixture_db,
            "SELECT count(*) FROM action_items WHERE due_date < DATE '2026-12-31' "
            "AND status <> 'done'",
        )[0][0]
        assert len(panel.data.overdue) == overdue
        assert overdue > len(
            metrics.overdue_actions(panel.db.con, ExploreState(end=TODAY).to_filters())
        )
    finally:
        panel.db.close()
