"""The exploration panel without a browser: build it on a real DuckDB file ingested from
``tests/fixtures/explore/corpus`` (ten postmortems of the demo corpus, one with HTML-like text),
set widget values, and check the DataFrames, the chart specs, the table and the detail it shows.

Chart clicks are simulated the way the browser reports them: by setting the JupyterChart's
``_vl_selections`` trait (``ExplorePanel.select`` does exactly that). The fixture as a table
(day, severity level; * = drafted after as-of 2026-10-23):

    2026-06-05 L4   2026-07-06 L1   2026-08-05 L3   2026-08-23 L4   2026-08-27 L2
    2026-09-12 L2   2026-09-23 L3   2026-10-01 L2   2026-10-05 L2   2026-10-23 L2*

October's three incidents cite (primary category) capacity twice, monitoring_gap twice,
dependency_failure, software_bug and process_gap once; one of their actions is overdue at
2026-10-23 (@yhaddad's, due 2026-10-22); two were drafted by then, both within a day
(7.98 h and 17.57 h).
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
from pmkit.explore.data import coverage_notes
from pmkit.explore.db import filter_options
from pmkit.explore.detail import incident_detail
from pmkit.explore.table import COLUMNS, lab_href, row_id, widths
from pmkit.explore.table_assets import MIN_WIDTH
from pmkit.store import ingest_paths

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
HOSTILE_ID = "2026-10-23-hostile-html"
AUTH_ID = "2026-10-05-auth-service-crash-loop"
TODAY = date(2026, 10, 23)
"""Pinned "today": the day of the last fixture incident, so overdue counts never drift."""
OCTOBER = {"INC-20261001-001", "2026-10-05-auth-service-crash-loop", HOSTILE_ID}


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus ingested once into a real DuckDB file."""
    db = tmp_path_factory.mktemp("explore") / "pmkit.duckdb"
    summary = ingest_paths([CORPUS], db, workers=1)
    assert summary.incidents == 10 and summary.errors == 0
    return db


@pytest.fixture
def panel(fixture_db: Path, tmp_path: Path) -> Iterator[ExplorePanel]:
    built = explore(fixture_db, today=TODAY, export_dir=tmp_path / "exports")
    yield built
    built.db.close()


def _sql(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _ids(frame: pd.DataFrame) -> set[str]:
    return set(frame["incident_id"])


def _chart_rows(panel: ExplorePanel, name: str) -> list[dict[str, object]]:
    """The data rows a chart's spec carries (Altair puts DataFrames into ``datasets``)."""
    spec = panel.charts[name].spec
    assert spec is not None
    (rows,) = spec["datasets"].values()
    return list(rows)


def _params(panel: ExplorePanel, name: str) -> dict[str, object]:
    """A chart's selection parameters: name -> initial value (None when nothing is picked)."""
    return {p["name"]: p.get("value") for p in panel.charts[name].spec["params"]}


def _subtitle(panel: ExplorePanel, name: str) -> str:
    return " / ".join(panel.charts[name].spec["title"].get("subtitle", []))


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
    assert len(panel.table_frame) == len(panel.table.rows) == 10
    assert panel.table.caption == "10 incidents match the filters."
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.SEVERITY)) == 10
    assert _params(panel, xcharts.SEVERITY) == {"pick_period": None, "pick_level": None}
    assert _params(panel, xcharts.DRAFT) == {"pick_bucket": None}
    assert _params(panel, xcharts.FACTOR) == {"pick_category": None}
    assert _params(panel, xcharts.OVERDUE) == {"pick_owner": None}
    level = next(
        p for p in panel.charts[xcharts.SEVERITY].spec["params"] if p["name"] == "pick_level"
    )
    assert level["bind"] == "legend"
    # the draft chart is the metric's own per-incident time to draft, bucketed
    drafts = metrics.time_to_draft(panel.db.con, panel.data.filters)
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.DRAFT)) == len(drafts) == 9
    # the overdue chart counts the metric's overdue actions
    overdue = _sql(
        fixture_db,
        "SELECT count(*) FROM action_items WHERE due_date < DATE '2026-10-23' AND status <> 'done'",
    )[0][0]
    assert sum(int(r["n"]) for r in _chart_rows(panel, xcharts.OVERDUE)) == overdue > 0
    assert panel.clear_button.disabled and panel.chips.children == ()
    assert panel.clear_button.layout.width == "auto"  # "Clear chart selections", never cut


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
    assert panel.table.caption == "5 incidents match the filters."


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
    want = _sql(fixture_db, "SELECT count(*) FROM documents WHERE template = 'freeform'")[0][0]
    assert len(panel.table_frame) == want >= 2


def test_action_status_filter_narrows_incidents_and_overdue(
    panel: ExplorePanel, fixture_db: Path
) -> None:
    panel.statuses.value = ("done",)
    assert panel.data is not None
    with_done = {
        i for (i,) in _sql(fixture_db, "SELECT incident_id FROM action_items WHERE status = 'done'")
    }
    assert _ids(panel.table_frame) == with_done
    assert 0 < len(with_done) < 10
    assert panel.data.overdue.empty  # done actions are never overdue
    assert _chart_rows(panel, xcharts.OVERDUE) == []
    assert (panel.table_frame["n_open"] == 0).all()  # only the done actions count
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


def test_a_month_narrows_the_table_and_every_other_chart(panel: ExplorePanel) -> None:
    severity_spec = panel.charts[xcharts.SEVERITY].spec
    panel.select(xcharts.SEVERITY, [{"period": "2026-10"}])
    assert panel.picked == {"period": ("2026-10",)}
    assert _ids(panel.table_frame) == OCTOBER
    assert panel.table.caption == (
        "3 of 10 incidents matching the filters (narrowed by period 2026-10)."
    )
    # the clicked chart is not redrawn (the browser shows the click); the others are narrowed
    assert panel.charts[xcharts.SEVERITY].spec is severity_spec
    factors = {r["category"]: r["n_incidents"] for r in _chart_rows(panel, xcharts.FACTOR)}
    assert {k: v for k, v in factors.items() if v} == {
        "capacity": 2,
        "monitoring_gap": 2,
        "dependency_failure": 1,
        "software_bug": 1,
        "process_gap": 1,
    }
    owners = {(r["owner"], r["n"]) for r in _chart_rows(panel, xcharts.OVERDUE)}
    assert owners == {("@yhaddad", 1)}
    drafts = {r["bucket"]: r["n"] for r in _chart_rows(panel, xcharts.DRAFT)}
    assert drafts == {"< 1 d": 2, "1-2 d": 0, "2-3 d": 0, "3-7 d": 0, "1-2 wk": 0, "2+ wk": 0}
    for name in (xcharts.DRAFT, xcharts.FACTOR, xcharts.OVERDUE):
        assert "narrowed by period 2026-10" in _subtitle(panel, name)
    assert "narrowed" not in _subtitle(panel, xcharts.SEVERITY)
    assert [c.description for c in panel.chips.children] == ["period: 2026-10 \u2715"]
    assert not panel.clear_button.disabled


def test_a_narrowed_chart_counts_what_its_metric_counts_on_those_incidents(
    panel: ExplorePanel, fixture_db: Path, tmp_path: Path
) -> None:
    """The linked view equals the metric run on a database holding only those incidents."""
    panel.select(xcharts.FACTOR, [{"category": "capacity"}])
    cited = panel.table_frame
    assert len(cited) == 5
    files = {str(p) for p in cited["path"]}
    corpus = tmp_path / "only"
    corpus.mkdir()
    for name in files:
        shutil.copy(CORPUS / name, corpus / name)
    db = tmp_path / "only.duckdb"
    ingest_paths([corpus], db, workers=1)
    with duckdb.connect(str(db), read_only=True) as con:
        f = metrics.Filters(as_of=TODAY, lookback_days=(TODAY - date(2026, 6, 5)).days)
        alone = metrics.severity_by_period(con, f, "month")
        overdue = metrics.overdue_by_owner(con, f)
    shown = pd.DataFrame(_chart_rows(panel, xcharts.SEVERITY))
    assert shown.groupby("period")["n"].sum().to_dict() == {
        f"{d:%Y-%m}": n for d, n in alone.groupby("period_start")["n"].sum().items()
    }
    owners = pd.DataFrame(_chart_rows(panel, xcharts.OVERDUE)).groupby("owner")["n"].sum()
    assert owners.to_dict() == dict(zip(overdue["owner"], overdue["n_overdue"], strict=True))


def test_a_severity_from_the_legend_and_a_month_intersect(panel: ExplorePanel) -> None:
    panel.select(xcharts.SEVERITY, [{"severity": "L3"}], selection=xcharts.LEVEL)
    assert _ids(panel.table_frame) == {"INC-20260805-001", "INC-20260923-001"}
    panel.select(xcharts.SEVERITY, [{"period": "2026-08"}])
    assert panel.picked == {"period": ("2026-08",), "level": ("L3",)}
    assert _ids(panel.table_frame) == {"INC-20260805-001"}
    assert "period 2026-08; severity L3" in panel.table.caption
    # shift-click: a second month adds its incidents
    panel.select(xcharts.SEVERITY, [{"period": "2026-08"}, {"period": "2026-09"}])
    assert _ids(panel.table_frame) == {"INC-20260805-001", "INC-20260923-001"}


def test_bucket_category_and_owner_selections(panel: ExplorePanel, fixture_db: Path) -> None:
    panel.select(xcharts.FACTOR, [{"category": "monitoring_gap"}])
    cited = {
        i
        for (i,) in _sql(
            fixture_db,
            "SELECT DISTINCT incident_id FROM contributing_factors WHERE category = ?",
            ["monitoring_gap"],
        )
    }
    assert _ids(panel.table_frame) == cited
    assert panel.data is not None
    row = panel.data.factors.set_index("category").loc["monitoring_gap"]
    assert len(cited) == int(row["n_incidents"])  # the bar's number: the table's rows

    panel.select(xcharts.FACTOR, [])
    panel.select(xcharts.DRAFT, [{"bucket": "1-2 d"}])
    drafts = panel.data.drafts
    in_bucket = drafts[(drafts["hours"] >= 24) & (drafts["hours"] < 48)]
    assert _ids(panel.table_frame) == _ids(in_bucket) != set()

    panel.select(xcharts.DRAFT, [])
    owner = str(panel.data.overdue_by_owner["owner"].iloc[0])
    panel.select(xcharts.OVERDUE, [{"owner": owner}])
    overdue = panel.data.overdue
    mine = overdue[overdue["owner"].astype(object).fillna(xcharts.NO_OWNER) == owner]
    assert _ids(panel.table_frame) == _ids(mine) != set()
    assert (panel.table_frame["n_overdue"] > 0).all()


def test_charts_redrawn_by_others_keep_their_own_selection(panel: ExplorePanel) -> None:
    panel.select(xcharts.FACTOR, [{"category": "capacity"}])
    panel.select(xcharts.SEVERITY, [{"period": "2026-10"}])
    # the factor chart was narrowed by the month and drawn again with "capacity" still picked
    assert _params(panel, xcharts.FACTOR) == {"pick_category": [{"category": "capacity"}]}
    assert "narrowed by period 2026-10" in _subtitle(panel, xcharts.FACTOR)
    assert _ids(panel.table_frame) == {"INC-20261001-001", "2026-10-05-auth-service-crash-loop"}
    # the severity chart, narrowed by the factor, was clicked: not redrawn (the browser shows
    # its click) until another selection narrows it again, with its month kept
    assert "narrowed by factor capacity" in _subtitle(panel, xcharts.SEVERITY)
    assert _params(panel, xcharts.SEVERITY)["pick_period"] is None
    panel.select(xcharts.OVERDUE, [{"owner": "@yhaddad"}])
    assert _params(panel, xcharts.SEVERITY)["pick_period"] == [{"period": "2026-10"}]
    assert "narrowed by factor capacity; owner @yhaddad" in _subtitle(panel, xcharts.SEVERITY)
    assert _ids(panel.table_frame) == {"2026-10-05-auth-service-crash-loop"}
    panel.select(xcharts.OVERDUE, [])
    # Python's own spec changes are no clicks: the selections survived the redraws
    assert panel.picked == {"period": ("2026-10",), "category": ("capacity",)}


def test_chips_remove_selections_and_clear_removes_all(panel: ExplorePanel) -> None:
    panel.select(xcharts.SEVERITY, [{"period": "2026-10"}])
    panel.select(xcharts.FACTOR, [{"category": "capacity"}, {"category": "monitoring_gap"}])
    labels = [c.description for c in panel.chips.children]
    assert labels == [
        "period: 2026-10 \u2715",
        "factor: capacity \u2715",
        "factor: monitoring_gap \u2715",
    ]
    panel.chips.children[1].click()  # remove "capacity" only
    assert panel.picked == {"period": ("2026-10",), "category": ("monitoring_gap",)}
    assert _params(panel, xcharts.FACTOR) == {"pick_category": [{"category": "monitoring_gap"}]}
    assert _ids(panel.table_frame) == {"INC-20261001-001", HOSTILE_ID}
    panel.clear_button.click()
    assert panel.picked == {}
    assert len(panel.table_frame) == 10 and panel.chips.children == ()
    assert _params(panel, xcharts.SEVERITY) == {"pick_period": None, "pick_level": None}
    assert "narrowed" not in _subtitle(panel, xcharts.FACTOR)


def test_a_filter_change_clears_the_selections(panel: ExplorePanel) -> None:
    panel.select(xcharts.FACTOR, [{"category": "capacity"}])
    assert len(panel.table_frame) < 10
    panel.severity.value = (2, 3)  # the charts are redrawn: the bars picked may be gone
    assert panel.picked == {}
    assert panel.data is not None and len(panel.table_frame) == len(panel.data.incidents)


def test_the_table_sorts_searches_and_lists_every_row(panel: ExplorePanel) -> None:
    assert [c["key"] for c in panel.table.columns] == [c.key for c in COLUMNS]
    assert MIN_WIDTH == widths()  # the CSS's smallest width is the columns' own
    days = list(panel.table_frame["day"])
    assert days == sorted(days, reverse=True)  # latest first
    panel.table.sort = ["severity", "asc"]
    levels = list(panel.table_frame["severity_level"])
    assert levels == sorted(levels) and levels[0] == 1
    assert panel.table.rows[0]["cells"][3] == "P1 (L1)"
    panel.table.sort = ["title", "desc"]
    titles = [t.casefold() for t in panel.table_frame["title"]]
    assert titles == sorted(titles, reverse=True)
    panel.table.query = "AUTH crash"  # every word, any case, anywhere in the row's text
    assert _ids(panel.table_frame) == {"2026-10-05-auth-service-crash-loop"}
    assert (
        panel.table.caption
        == "1 of 10 incidents matching the filters (search \u201cAUTH crash\u201d)."
    )
    panel.table.query = "identity"  # a team
    assert set(panel.table_frame["team"]) == {"Identity"}
    panel.table.query = ""
    assert len(panel.table.rows) == 10
    with pytest.raises(ValueError, match="unknown column"):
        from pmkit.explore.table import sort_frame

        sort_frame(panel.table_frame, "nope", False)


def test_missing_values_sort_last_and_show_as_missing(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Outage of the API\n\nDate: 2026-03-04\nSeverity: SEV2\n")
    (corpus / "b.md").write_text("# Disk full\n\nDate: 2026-03-05\n\nThe disk filled up.\n")
    db = tmp_path / "x.duckdb"
    ingest_paths([corpus], db, workers=1)
    panel = explore(db, today=date(2026, 3, 10))
    try:
        for direction in ("asc", "desc"):
            panel.table.sort = ["severity", direction]
            assert list(panel.table_frame["path"]) == ["a.md", "b.md"]
        last = panel.table.rows[-1]
        severity = [c.key for c in COLUMNS].index("severity")
        assert last["cells"][severity] == "–" and severity in last["missing"]
    finally:
        panel.db.close()


def test_rows_link_to_their_file_when_jupyterlab_serves_it(panel: ExplorePanel) -> None:
    assert all(r["href"] is None for r in panel.table.rows)  # no page known: no link
    panel.table.page = {"serverRoot": str(CORPUS.parent), "baseUrl": "/user/x/"}
    hrefs = {r["cells"][-1]: r["href"] for r in panel.table.rows}
    assert hrefs["2026-10-01-cdn-edge-crash-loop.md"] == (
        "/user/x/lab/tree/corpus/2026-10-01-cdn-edge-crash-loop.md"
    )
    assert lab_href("/tmp/a b#c%.md", {"serverRoot": "/tmp", "baseUrl": "/"}) == (
        "/lab/tree/a%20b%23c%25.md"
    )
    assert lab_href("/etc/passwd", {"serverRoot": "/tmp", "baseUrl": "/"}) is None
    assert lab_href("/tmp/a.md", {"serverRoot": "/tmp", "baseUrl": "javascript:"}) is None


def test_incident_detail_renders_summary_strip_factors_and_actions(panel: ExplorePanel) -> None:
    panel.show_incident("2026-10-01-cdn-edge-crash-loop.md", "INC-20261001-001")
    assert panel.selected == (
        str(CORPUS.resolve()),
        "2026-10-01-cdn-edge-crash-loop.md",
        "INC-20261001-001",
    )
    html = panel.detail.value
    assert "INC-20261001-001: cdn-edge crash loop" in html
    assert str(CORPUS.resolve() / "2026-10-01-cdn-edge-crash-loop.md") in html
    assert "<h4>Executive summary</h4>" in html and "Manual maintenance was started" in html
    assert "15% of users affected<br />\nAll regions" in html  # one impact line each
    for milestone in ("started", "detected", "acknowledged", "mitigated", "resolved"):
        assert f'data-milestone="{milestone}"' in html
    assert html.count('class="pmkit-x-event"') == 8  # every timeline row has a time
    assert "process_gap" in html and "automation, capacity" in html
    assert "overdue 37 d" not in html  # judged at the explorer's end, 2026-10-23
    assert "pmkit-status-done" in html and "pmkit-status-open" in html
    assert "<summary>Markdown source</summary>" in html
    # a selection that drops the incident from the table clears the detail
    panel.select(xcharts.SEVERITY, [{"period": "2026-06"}])
    assert panel.selected is None
    assert "Click an incident in the table" in panel.detail.value
    with pytest.raises(ExploreError, match="not in the table"):
        panel.show_incident("2026-10-01-cdn-edge-crash-loop.md", "INC-20261001-001")


def test_postmortem_text_is_escaped(panel: ExplorePanel) -> None:
    row = panel.table_frame[panel.table_frame["incident_id"] == HOSTILE_ID].iloc[0]
    # the fixture writes "&lt;img ...&gt;": the parser reads it as the text "<img ...>"
    assert row["title"] == "<img src=x onerror=alert(1)> OOM kills"
    # the table sends text (the browser sets textContent): shown as written
    (cells,) = [r["cells"] for r in panel.table.rows if HOSTILE_ID in r["id"]]
    assert cells[2] == "<img src=x onerror=alert(1)> OOM kills"
    panel.show_incident(row["path"], row["incident_id"])
    html = panel.detail.value
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; OOM kills" in html
    assert "&lt;script&gt;alert(&quot;factor&quot;)&lt;/script&gt;" in html
    assert "p99 &lt; 200 ms" in html


def test_charts_load_no_javascript_from_the_network(panel: ExplorePanel) -> None:
    import altair as alt

    esm = panel.charts[xcharts.SEVERITY]._esm
    assert alt.JupyterChart._is_offline
    assert "esm.sh" not in esm and "import vegaEmbed from" not in esm
    assert "vegaEmbed" in esm or "vega" in esm
    assert panel.charts[xcharts.SEVERITY].embed_options == {"renderer": "svg", "actions": False}
    assert "http" not in panel.table._esm and "import " not in panel.table._esm


def test_count_axes_have_whole_ticks(panel: ExplorePanel) -> None:
    for name in xcharts.CHARTS:
        encoding = panel.charts[name].spec["encoding"]
        (count,) = [e for e in (encoding["x"], encoding["y"]) if e["type"] == "quantitative"]
        ticks = count["axis"]["values"]
        assert ticks[0] == 0 and all(isinstance(t, int) for t in ticks), name
        assert count["scale"]["domain"] == [0, ticks[-1]]


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


def test_the_detail_names_action_owners_as_people_says(fixture_db: Path) -> None:
    """auth-service's retries action is owned by ``@yhaddad``; [people] says that is Youssef."""
    config = Config(people={"Youssef Haddad": ("@yhaddad",)})
    db = ExploreDB(fixture_db, config)
    try:
        detail = incident_detail(db, "2026-10-05-auth-service-crash-loop.md", AUTH_ID)
        assert detail is not None
        row = detail.actions[detail.actions["owner"] == "@yhaddad"].iloc[0]
        assert row["person"] == "Youssef Haddad"
        html = render.incident_detail(detail)
        assert 'Youssef Haddad <span class="pmkit-x-written"' in html and "(@yhaddad)" in html
    finally:
        db.close()
    plain = ExploreDB(fixture_db)  # no [people]: the owner as written, nothing added
    try:
        detail = incident_detail(plain, "2026-10-05-auth-service-crash-loop.md", AUTH_ID)
        assert detail is not None
        assert "pmkit-x-written" not in render.incident_detail(detail)
    finally:
        plain.close()


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
        assert panel.table.caption == "0 incidents match the filters."
        assert panel.table.rows == []
        for name in xcharts.CHARTS:
            assert panel.charts[name].spec is not None
        panel.select(xcharts.FACTOR, [{"category": "deploy"}])
        assert panel.table_frame.empty
        assert panel.severity.disabled  # nothing to pick
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


@pytest.mark.parametrize("corpus", ["corpus-real", "corpus-real2"])
def test_real_corpora_show_missing_data_as_missing(
    corpus: str, shared_dir: Path, tmp_path: Path
) -> None:
    """On real postmortems most fields are missing: every chart says what it lacks, the table
    shows a dash where a postmortem says nothing, an undated postmortem is counted, not lost."""
    db = tmp_path / "real.duckdb"
    ingest_paths([shared_dir / corpus], db, workers=1)
    panel = explore(db, today=date(2026, 12, 1))
    try:
        data = panel.data
        assert data is not None
        c = data.coverage
        notes = coverage_notes(data)
        n, undated = c["n_incidents"], c["n_undated"]
        assert len(panel.table.rows) == n and n + undated == len(
            _sql(db, "SELECT * FROM incidents")
        )
        if c["n_severity"] < n:
            assert f"severity known for {c['n_severity']} of {n} incidents" in notes["severity"]
            assert notes["severity"] in _subtitle(panel, xcharts.SEVERITY)
        if undated:
            assert f"{undated} without a date" in notes["severity"]
            assert "without a date is not listed" in panel.table.caption
        assert c["n_draft_and_resolved"] < n  # no real postmortem here says when it was drafted
        assert "resolution and draft time known for" in _subtitle(panel, xcharts.DRAFT)
        assert f"due date known for {c['n_open_with_due']} of {c['n_open']} open actions" in (
            _subtitle(panel, xcharts.OVERDUE)
        )
        team = [col.key for col in COLUMNS].index("team")
        no_team = [r for r in panel.table.rows if team in r["missing"]]
        assert len(no_team) == int(data.incidents["team"].isna().sum()) > 0
        assert all(r["cells"][team] == "–" for r in no_team)
        key = panel.table.row_keys()[0]
        panel.table.selected = row_id(*key)
        assert "not recorded" in panel.detail.value
    finally:
        panel.db.close()
