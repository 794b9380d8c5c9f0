"""Altair chart builders for the reports: one function per chart, each taking a metric DataFrame.

Charts are rendered to static inline SVG with vl-convert (:func:`figure`), never through a
renderer that loads Vega from a CDN, so a report opens with no network. Every chart has a title
and axis titles; :func:`figure` adds the one-line caption saying what to read from it. Text from
postmortems (service names, owners, categories) ends up as SVG text, which vl-convert escapes.

Importing this module does not import altair (~0.3 s) or vl-convert: each builder imports altair
when it runs. A report kernel that hands its charts to the report runner (``pmkit.figures``)
therefore never loads either; the runner builds and draws every chart of a run in one process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from pmkit.fastimport import skip_slow_optional_imports
from pmkit.present import Html, small_n_note

if TYPE_CHECKING:
    import altair as alt

skip_slow_optional_imports()  # before anything imports altair (and with it jsonschema)

WIDTH = 620
HEIGHT = 240
TARGET_COLOR = "#c0392b"
BUCKET_ORDER = ["1-7", "8-30", "31-90", ">90"]
_XMLNS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')

Builder = TypeVar("Builder", bound=Callable[..., Any])
BUILDERS: dict[str, Callable[..., Any]] = {}
"""Every chart builder by name: the only functions a report runner calls to draw a chart that a
kernel handed over by name (``pmkit.figures``)."""


def builder(fn: Builder) -> Builder:
    """Register ``fn`` as a chart builder (see :data:`BUILDERS`)."""
    BUILDERS[fn.__name__] = fn
    return fn


def level_label(level: Any) -> str:
    """Severity level as shown on charts: ``L0`` (most severe) ... or ``unknown``."""
    if level is None or pd.isna(level):
        return "unknown"
    return f"L{int(level)}"


def _levels(df: pd.DataFrame, column: str = "severity_level") -> pd.DataFrame:
    out = df.copy()
    out["severity"] = [level_label(v) for v in out[column]]
    return out


def _dates(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = df.copy()
    for column in columns:
        out[column] = pd.to_datetime(out[column])
    return out


def _severity_sort(df: pd.DataFrame) -> list[str]:
    known = sorted({s for s in df["severity"] if s != "unknown"}, key=lambda s: int(s[1:]))
    return known + (["unknown"] if "unknown" in set(df["severity"]) else [])


SEVERITY_COLORS = ("#67000d", "#cb181d", "#fb6a4a", "#fcae91", "#fee5d9")
"""L0 (darkest) to L4+; unknown severity is grey."""


def _severity_scale(order: list[str]) -> alt.Scale:
    import altair as alt

    colors = [
        "#bdbdbd" if s == "unknown" else SEVERITY_COLORS[min(int(s[1:]), len(SEVERITY_COLORS) - 1)]
        for s in order
    ]
    return alt.Scale(domain=order, range=colors)


def _base(df: pd.DataFrame, title: str, height: int = HEIGHT) -> alt.Chart:
    import altair as alt

    return alt.Chart(df, title=title, width=WIDTH, height=height)


# --- severity ------------------------------------------------------------------------------


@builder
def severity_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Stacked bars: incidents per period by severity level (``metrics.severity_by_period``)."""
    import altair as alt

    data = _levels(_dates(df, "period_start"))
    unit = "yearmonth" if period == "month" else "yearmonthdate"
    return (
        _base(data, f"Incidents per {period} by severity")
        .mark_bar()
        .encode(
            x=alt.X(f"{unit}(period_start):O", title=period.capitalize()),
            y=alt.Y("sum(n):Q", title="Incidents"),
            color=alt.Color(
                "severity:N",
                title="Severity (L0 = most severe)",
                sort=_severity_sort(data),
                scale=_severity_scale(_severity_sort(data)),
            ),
            order=alt.Order("severity:N"),
            tooltip=["period_start:T", "severity:N", "n:Q"],
        )
    )


@builder
def severity_share_over_time(df: pd.DataFrame) -> alt.Chart:
    """Line: share of incidents at level <= 1 per period (``metrics.severity_share(period=)``)."""
    import altair as alt

    data = _dates(df, "period_start")
    data = data[data["n_known"] > 0]
    line = (
        _base(data, "Share of severe incidents (level 0-1)")
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(period_start):T", title="Month"),
            y=alt.Y(
                "share_level_le_1:Q",
                title="Share of incidents at L0-L1",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=["period_start:T", "n_known:Q", "n_level_le_1:Q"],
        )
    )
    return line


@builder
def duration_by_severity(df: pd.DataFrame) -> alt.Chart:
    """Median and p90 incident duration (hours) per severity level (``duration_by_severity``)."""
    import altair as alt

    data = _levels(df)
    data = data.assign(median=data["median_minutes"] / 60.0, p90=data["p90_minutes"] / 60.0)
    long = data.melt(
        id_vars=["severity", "n"], value_vars=["median", "p90"], var_name="statistic"
    ).dropna(subset=["value"])
    return (
        _base(long, "Incident duration by severity (median and p90)")
        .mark_bar()
        .encode(
            y=alt.Y("severity:N", title="Severity", sort=_severity_sort(data)),
            yOffset=alt.YOffset("statistic:N"),
            x=alt.X("value:Q", title="Duration (hours)"),
            color=alt.Color(
                "statistic:N",
                title="Statistic",
                scale=alt.Scale(range=["#4c78a8", "#9ecae9"]),
            ),
            tooltip=["severity:N", "statistic:N", alt.Tooltip("value:Q", format=".1f"), "n:Q"],
        )
    )


@builder
def top_services(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: incidents per service, severe ones apart (``metrics.top_services``)."""
    import altair as alt

    data = df.assign(other=df["n_incidents"] - df["n_level_le_1"]).melt(
        id_vars=["service", "n_incidents"],
        value_vars=["n_level_le_1", "other"],
        var_name="kind",
        value_name="count",
    )
    data["kind"] = data["kind"].map({"n_level_le_1": "L0-L1", "other": "L2 and below / unknown"})
    order = list(df.sort_values("n_incidents", ascending=False)["service"])
    return (
        _base(data, "Services most often involved", height=max(120, 22 * len(order)))
        .mark_bar()
        .encode(
            y=alt.Y("service:N", title="Service", sort=order),
            x=alt.X("sum(count):Q", title="Incidents"),
            color=alt.Color(
                "kind:N", title="Severity", scale=alt.Scale(range=["#c0392b", "#f5b7b1"])
            ),
            tooltip=["service:N", "kind:N", "count:Q"],
        )
    )


# --- time to draft -------------------------------------------------------------------------


@builder
def draft_hours_by_month(summary: pd.DataFrame, target_hours: float) -> alt.Chart:
    """Median and p90 hours from resolution to draft per month, with the target as a rule."""
    import altair as alt

    data = _dates(summary, "month")
    long = data.melt(
        id_vars=["month", "n"],
        value_vars=["median_hours", "p90_hours"],
        var_name="statistic",
        value_name="hours",
    ).dropna(subset=["hours"])
    long["statistic"] = long["statistic"].map({"median_hours": "median", "p90_hours": "p90"})
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(month):T", title="Month of the incident"),
            y=alt.Y("hours:Q", title="Hours from resolution to draft"),
            color=alt.Color("statistic:N", title="Statistic"),
            tooltip=["month:T", "statistic:N", alt.Tooltip("hours:Q", format=".1f"), "n:Q"],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target_hours]}))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4])
        .encode(y="target:Q")
    )
    return alt.layer(lines, rule, data=long).properties(
        title=f"Time to draft per month (target {target_hours:g} h, dashed)",
        width=WIDTH,
        height=HEIGHT,
    )


@builder
def draft_hours_histogram(per_incident: pd.DataFrame, target_hours: float) -> alt.Chart:
    """How many drafts took how long (``metrics.time_to_draft``), capped at 14 days."""
    import altair as alt

    cap = 14 * 24.0
    # only the drawn columns: the rest (titles, paths) would be inlined in the spec for nothing
    data = per_incident.loc[per_incident["hours"].notna(), ["hours", "within_target"]]
    data = pd.DataFrame(
        {
            "days": data["hours"].clip(lower=0, upper=cap) / 24.0,
            "within": data["within_target"].map({True: "within target", False: "late"}),
        }
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "days:Q",
                bin=alt.Bin(step=0.5, extent=[0, 14]),
                title="Days to draft (14+ in last bin)",
            ),
            y=alt.Y("count():Q", title="Postmortems"),
            color=alt.Color(
                "within:N",
                title="Draft",
                scale=alt.Scale(domain=["within target", "late"], range=["#4c78a8", "#e45756"]),
            ),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target_hours / 24.0]}))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4])
        .encode(x="target:Q")
    )
    return alt.layer(bars, rule, data=data).properties(
        title="Distribution of time to draft", width=WIDTH, height=HEIGHT
    )


@builder
def review_days_histogram(per_incident: pd.DataFrame, target_days: int) -> alt.Chart:
    """Business days from draft to review (``metrics.time_to_review``), capped at 30."""
    import altair as alt

    data = pd.DataFrame({"days": per_incident["business_days"].clip(lower=0, upper=30)})
    bars = (
        alt.Chart(data)
        .mark_bar(color="#72b7b2")
        .encode(
            x=alt.X(
                "days:Q",
                bin=alt.Bin(step=1, extent=[0, 31]),
                title="Business days to review (30+ in last bin)",
            ),
            y=alt.Y("count():Q", title="Postmortems"),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [float(target_days) + 0.5]}))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4])
        .encode(x="target:Q")
    )
    return alt.layer(bars, rule, data=data).properties(
        title=f"Time to review (target {target_days} business days, dashed)",
        width=WIDTH,
        height=HEIGHT,
    )


# --- contributing factors ------------------------------------------------------------------


@builder
def factor_frequency(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: share of incidents with a factor in each category."""
    import altair as alt

    order = list(df.sort_values("n_incidents", ascending=False)["category"])
    return (
        _base(df, "Contributing-factor categories", height=max(120, 22 * len(order)))
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y("category:N", title="Category", sort=order),
            x=alt.X("share_of_incidents:Q", title="Share of incidents", axis=alt.Axis(format="%")),
            tooltip=["category:N", "n_incidents:Q", "n_factors:Q"],
        )
    )


@builder
def factor_trend(df: pd.DataFrame, top: int = 6) -> alt.Chart:
    """Lines: incidents per month citing each of the ``top`` most frequent categories."""
    import altair as alt

    totals = df.groupby("category")["n_incidents"].sum().sort_values(ascending=False)
    keep = [c for c in totals.index if c != "unclassified"][:top]
    data = _dates(df[df["category"].isin(keep)], "period_start")
    return (
        _base(data, f"Top {len(keep)} factor categories over time")
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(period_start):T", title="Month"),
            y=alt.Y("n_incidents:Q", title="Incidents citing the category"),
            color=alt.Color("category:N", title="Category", sort=keep),
            tooltip=["period_start:T", "category:N", "n_incidents:Q"],
        )
    )


@builder
def factor_by_severity(df: pd.DataFrame) -> alt.Chart:
    """Heat map: incidents per category and severity level."""
    import altair as alt

    data = _levels(df)
    order = list(data.groupby("category")["n_incidents"].sum().sort_values(ascending=False).index)
    heat = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "severity:N",
                title="Severity (L0 = most severe)",
                sort=_severity_sort(data),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("category:N", title="Category", sort=order),
            color=alt.Color("n_incidents:Q", title="Incidents", scale=alt.Scale(scheme="blues")),
            tooltip=["category:N", "severity:N", "n_incidents:Q"],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontSize=11)
        .encode(
            x=alt.X("severity:N", sort=_severity_sort(data)),
            y=alt.Y("category:N", sort=order),
            text="n_incidents:Q",
        )
    )
    return alt.layer(heat, text, data=data).properties(
        title="Factor categories by severity",
        width=max(160, 70 * data["severity"].nunique()),
        height=max(120, 22 * len(order)),
    )


@builder
def trigger_frequency(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: incidents per trigger category."""
    import altair as alt

    order = list(df.sort_values("n_incidents", ascending=False)["trigger_category"])
    return (
        _base(df, "What triggered the incidents", height=max(120, 22 * len(order)))
        .mark_bar(color="#f58518")
        .encode(
            y=alt.Y("trigger_category:N", title="Trigger", sort=order),
            x=alt.X("n_incidents:Q", title="Incidents"),
            tooltip=["trigger_category:N", "n_incidents:Q", alt.Tooltip("share:Q", format=".0%")],
        )
    )


# --- action items --------------------------------------------------------------------------


@builder
def overdue_by_group(df: pd.DataFrame, key: str, title: str, top: int = 15) -> alt.Chart:
    """Stacked horizontal bars: overdue actions per owner or team, by days past due."""
    import altair as alt

    head = df.head(top)
    long = head.melt(
        id_vars=[key], value_vars=BUCKET_ORDER, var_name="days_overdue", value_name="n"
    )
    order = list(head[key])
    if len(df) > top:
        title = f"{title} (top {top} of {len(df)})"
    return (
        _base(long, title, height=max(120, 22 * len(order)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{key}:N", title=key.capitalize(), sort=order),
            x=alt.X("sum(n):Q", title="Overdue actions"),
            color=alt.Color(
                "days_overdue:N",
                title="Days past due",
                sort=BUCKET_ORDER,
                scale=alt.Scale(domain=BUCKET_ORDER, scheme="oranges"),
            ),
            order=alt.Order("bucket_rank:Q"),
            tooltip=[f"{key}:N", "days_overdue:N", "n:Q"],
        )
        .transform_calculate(bucket_rank=f"indexof({BUCKET_ORDER!r}, datum.days_overdue)")
    )


@builder
def action_backlog(df: pd.DataFrame) -> alt.Chart:
    """Lines: actions still open and overdue at each month end (``metrics.action_backlog``)."""
    import altair as alt

    data = _dates(df, "month_end")
    long = data.melt(
        id_vars=["month_end"], value_vars=["still_open", "overdue"], var_name="kind", value_name="n"
    )
    long["kind"] = long["kind"].map({"still_open": "still open", "overdue": "overdue"})
    return (
        _base(long, "Open action backlog at each month end")
        .mark_line(point=True)
        .encode(
            x=alt.X("month_end:T", title="Month end"),
            y=alt.Y("n:Q", title="Actions"),
            color=alt.Color(
                "kind:N",
                title="Actions",
                scale=alt.Scale(domain=["still open", "overdue"], range=["#4c78a8", "#e45756"]),
            ),
            tooltip=["month_end:T", "kind:N", "n:Q"],
        )
    )


@builder
def action_completion(df: pd.DataFrame) -> alt.Chart:
    """Bars: share of each month's actions done by now (``action_completion_by_month``)."""
    import altair as alt

    data = _dates(df, "month")
    return (
        _base(data, "Action items done, by month of the incident")
        .mark_bar(color="#54a24b")
        .encode(
            x=alt.X("yearmonth(month):O", title="Month of the incident"),
            y=alt.Y(
                "completion_rate:Q",
                title="Share done",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=["month:T", "n_actions:Q", "n_done:Q"],
        )
    )


# --- rendering -----------------------------------------------------------------------------


def _has_rows(chart: alt.TopLevelMixin) -> bool:
    data = getattr(chart, "data", None)
    if isinstance(data, pd.DataFrame):
        return not data.empty
    return True


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render ``chart`` to an SVG string with vl-convert (no browser, no network)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    # Inline SVG in HTML needs no namespace declarations: drop them so the page holds no URL.
    return _XMLNS.sub("", svg, count=2)


def figure(
    chart: alt.TopLevelMixin, caption: str, n: int | None = None, trend: bool = False
) -> Html:
    """The chart as inline SVG with its caption and ``n``; a note instead when it has no data.

    With ``trend=True`` a chart resting on fewer than ``present.SMALL_N`` incidents also says that
    its shape is not to be trusted.
    """
    n_text = f" (n = {n:,})" if n is not None else ""
    if not _has_rows(chart):
        return Html(
            f'<p class="pmkit-empty">No data for this chart in the window{escape(n_text)}: '
            f"{escape(caption)}</p>"
        )
    warning = small_n_note(n) if trend and n is not None else ""
    return Html(
        f'<figure class="pmkit-chart">{to_svg(chart)}'
        f'<figcaption class="pmkit-caption">{escape(caption + n_text)}</figcaption></figure>'
        f"{warning}"
    )
