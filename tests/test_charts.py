"""Every chart builder on real metric output: a title, titled axes, and SVG with drawn marks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from test_report_fixture_db import AS_OF, build_fixture_db

from pmkit import metrics
from pmkit.present import charts
from pmkit.similar import recurrence

Builder = Callable[[duckdb.DuckDBPyConnection, metrics.Filters], Any]

BUILDERS: dict[str, Builder] = {
    "severity_over_time": lambda c, f: charts.severity_over_time(
        metrics.severity_by_period(c, f, period="month")
    ),
    "severity_share_over_time": lambda c, f: charts.severity_share_over_time(
        metrics.severity_share(c, f, period="month")
    ),
    "duration_by_severity": lambda c, f: charts.duration_by_severity(
        metrics.duration_by_severity(c, f)
    ),
    "top_services": lambda c, f: charts.top_services(metrics.top_services(c, f)),
    "mttx_over_time": lambda c, f: charts.mttx_over_time(metrics.mttx_by_period(c, f, "month")),
    "draft_hours_by_period": lambda c, f: charts.draft_hours_by_period(
        metrics.time_to_draft_summary(c, f, by="period", period="month"), 48
    ),
    "draft_hours_histogram": lambda c, f: charts.draft_hours_histogram(
        metrics.time_to_draft(c, f)[["hours", "within_target"]], 48
    ),
    "review_days_histogram": lambda c, f: charts.review_days_histogram(
        metrics.time_to_review(c, f)[["business_days"]], 5
    ),
    "factor_frequency": lambda c, f: charts.factor_frequency(metrics.factor_frequency(c, f)),
    "factor_trend": lambda c, f: charts.factor_trend(metrics.factor_trend(c, f)),
    "factor_by_severity": lambda c, f: charts.factor_by_severity(metrics.factor_by_severity(c, f)),
    "trigger_frequency": lambda c, f: charts.trigger_frequency(metrics.trigger_frequency(c, f)),
    "overdue_by_owner": lambda c, f: charts.overdue_by_group(
        metrics.overdue_by_owner(c, f), "owner", "Overdue actions by owner"
    ),
    "overdue_by_team": lambda c, f: charts.overdue_by_group(
        metrics.overdue_by_team(c, f), "team", "Overdue actions by team"
    ),
    "overdue_by_service": lambda c, f: charts.overdue_by_group(
        metrics.overdue_by_service(c, f), "service", "Overdue actions by service"
    ),
    "action_backlog": lambda c, f: charts.action_backlog(metrics.action_backlog(c, f)),
    "action_completion": lambda c, f: charts.action_completion(metrics.action_completion(c, f)),
    "repeat_rate_over_time": lambda c, f: charts.repeat_rate_over_time(
        recurrence.repeat_rate(c, f, recurrence.RecurrenceRule())
    ),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = build_fixture_db(tmp_path_factory.mktemp("charts") / "fixture.duckdb")
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def _encodings(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    inner = spec.get("spec", spec)  # a facet (small multiples) holds its chart in "spec"
    for layer in [spec, inner, *inner.get("layer", [])]:
        yield from layer.get("encoding", {}).items()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chart_has_title_axis_titles_and_marks(con: duckdb.DuckDBPyConnection, name: str) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=365)
    chart = BUILDERS[name](con, f)
    spec = chart.to_dict()
    assert spec.get("title"), f"{name} has no title"
    channels = {
        c for c, e in _encodings(spec) if c in ("x", "y") and ("field" in e or "aggregate" in e)
    }
    assert channels == {"x", "y"}, f"{name} lacks an x or y field"
    for channel in channels:  # layers share an axis: one of them must title it
        assert any(e.get("title") for c, e in _encodings(spec) if c == channel), (name, channel)
    svg = charts.to_svg(chart)
    assert svg.startswith("<svg") and "xmlns" not in svg and "http" not in svg
    assert re.search(r'class="mark-[a-z]+ role-mark', svg), f"{name} drew no marks"
    titles = re.findall(r"role-axis-title.*?<text[^>]*>([^<]+)</text>", svg, re.S)
    assert len(titles) >= 2, f"{name}: axis titles missing in the SVG ({titles})"


def test_figure_escapes_caption_and_warns_on_small_n(con: duckdb.DuckDBPyConnection) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=365)
    chart = BUILDERS["top_services"](con, f)
    html = charts.figure(chart, "Read <this>", n=7, trend=True)
    assert "Read &lt;this&gt; (n = 7)" in html
    assert "too few to trust a trend" in html
    assert "too few" not in charts.figure(chart, "ok", n=70, trend=True)
    assert "too few" not in charts.figure(chart, "ok", n=7)  # not a trend: no warning


def test_empty_data_gives_a_note_not_an_empty_chart() -> None:
    empty = pd.DataFrame(columns=["service", "n_incidents", "n_level_le_1"])
    html = charts.figure(charts.top_services(empty), "Services <x>", n=0)
    assert "<svg" not in html and "No data for this chart" in html and "&lt;x&gt;" in html


def test_hostile_text_in_a_chart_is_escaped_svg_text() -> None:
    df = pd.DataFrame(
        {"service": ["<script>alert(1)</script>"], "n_incidents": [3], "n_level_le_1": [1]}
    )
    svg = charts.to_svg(charts.top_services(df))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_level_label() -> None:
    assert charts.level_label(0) == "L0"
    assert charts.level_label(pd.NA) == "unknown"
    assert charts.level_label(None) == "unknown"


def test_no_slow_iri_grammar_in_a_report_kernel(tmp_path: Path) -> None:
    """Importing the charts (altair, jsonschema) must not pull in rfc3987_syntax (~1 s)."""
    import subprocess
    import sys

    code = "import sys, pmkit.present.charts; print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "False"


def _axis_labels(svg: str, role: str = "axis-label") -> list[str]:
    return re.findall(rf'class="role-{role}".*?</g></g>', svg, re.S)


def test_count_axes_have_whole_ticks_only() -> None:
    # 1 incident in one month: the count axis reads 0, 1, never 0, 0.5, 1 (nor "0, 1, 1")
    df = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "period_label": ["2026-01", "2026-02*"],
            "partial": [False, True],
            "severity_level": pd.array([1, 1], dtype="Int64"),
            "n": [1, 0],
        }
    )
    spec = charts.severity_over_time(df).to_dict()
    assert spec["encoding"]["y"]["axis"]["values"] == [0, 1]
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2026-01", "2026-02*"]  # empty month kept
    big = charts.top_services(
        pd.DataFrame({"service": ["a"], "n_incidents": [40], "n_level_le_1": [3]})
    ).to_dict()
    assert big["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}


def test_an_outlier_of_one_does_not_set_the_scale() -> None:
    df = pd.DataFrame(
        {
            "severity_level": pd.array([1, 2, None], dtype="Int64"),
            "n": [12, 9, 1],
            "median_minutes": [60.0, 30.0, 10080.0],
            "p90_minutes": [240.0, 120.0, 10080.0],
        }
    )
    chart = charts.duration_by_severity(df)
    spec = chart.to_dict()
    assert {row["severity"] for row in spec["datasets"][spec["data"]["name"]]} == {"L1", "L2"}
    assert "unknown (n = 1)" in " ".join(spec["title"])


def test_trends_with_many_categories_are_small_multiples(con: duckdb.DuckDBPyConnection) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=365)
    spec = charts.factor_trend(metrics.factor_trend(con, f)).to_dict()
    assert "facet" in spec and spec["columns"] == 2
    assert len(spec["facet"]["sort"]) <= charts.MAX_LINES
    mttx = charts.mttx_over_time(metrics.mttx_by_period(con, f, "month")).to_dict()
    assert mttx["facet"]["field"] == "measure"
    assert "data" not in mttx["spec"]["layer"][0]  # each panel shows its own measure only


def test_a_chart_most_incidents_lack_the_value_for_is_not_drawn(
    con: duckdb.DuckDBPyConnection,
) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=365)
    chart = BUILDERS["top_services"](con, f)
    thin = charts.figure(chart, "Read <this>", n=4, coverage=(4, 57, "services", "incidents"))
    assert "<svg" not in thin and "Not drawn: services known for 4 of 57 incidents" in thin
    drawn = charts.figure(chart, "ok", n=40, coverage=(40, 57, "services", "incidents"))
    assert "<svg" in drawn and "Services known for 40 of 57 incidents." in drawn
