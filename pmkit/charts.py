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

import numpy as np
import pandas as pd

from pmkit.fastimport import skip_slow_optional_imports
from pmkit.present import (
    SMALL_N,
    Html,
    coverage_text,
    level_label,
    mostly_missing,
    small_n_note,
)

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


# --- shared pieces --------------------------------------------------------------------------

OUTLIER_MIN_N = 3
"""A group resting on fewer values is left out of a chart's scale (it is in the table): one
incident of unknown severity lasting a week must not squeeze every other bar to nothing."""
MAX_LINES = 6
"""At most this many lines share one trend chart; more become small multiples."""


def _count_axis(largest: Any = None) -> alt.Axis:
    """An axis of whole things: integer ticks only (never "0, 0.5, 1 incidents").

    Vega's ``tickMinStep`` is not honoured by the renderer here, so below :data:`FEW_TICKS`
    the ticks are given outright (0, 1, 2, ...); above it the automatic ticks are whole anyway.
    """
    import altair as alt

    top = 0 if largest is None or pd.isna(largest) else int(np.ceil(float(largest)))
    if top < FEW_TICKS:
        return alt.Axis(format="d", values=list(range(0, max(top, 1) + 1)))
    return alt.Axis(format="d", tickMinStep=1)


FEW_TICKS = 8
"""Counts up to this get one tick per whole number."""


def _histogram_top(values: pd.Series, step: float, upper: float) -> int:
    """About the tallest bin of a histogram of ``values`` in bins of ``step`` from 0 to
    ``upper`` (enough to choose the count axis's ticks)."""
    if values.empty:
        return 0
    counts, _ = np.histogram(values.clip(0, upper), bins=np.arange(0, upper + step, step))
    return int(counts.max())


def _period_axis(data: pd.DataFrame, title: str) -> alt.X:
    """Every period of the window on the x axis, in order, empty ones included (``*`` = partial)."""
    import altair as alt

    labels = list(dict.fromkeys(data["period_label"]))
    angle = 0 if len(labels) <= 14 else -50
    return alt.X(
        "period_label:O",
        title=title,
        sort=labels,
        scale=alt.Scale(domain=labels),
        axis=alt.Axis(labelAngle=angle, labelOverlap=True),
    )


def _partial_opacity() -> Any:
    """Paler marks for a period the window cuts (its count covers only part of it)."""
    import altair as alt

    return alt.condition("datum.partial", alt.value(0.4), alt.value(1.0))


def _period_title(period: str, data: pd.DataFrame, paler: bool = True) -> str:
    partial = "partial" in data.columns and bool(data["partial"].astype(bool).any())
    mark = " (* = partial, paler)" if paler else " (* = partial)"
    return f"{period.capitalize()}" + (mark if partial else "")


# --- severity ------------------------------------------------------------------------------


@builder
def severity_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Stacked bars: incidents per period by severity level (``metrics.severity_by_period``),
    every period of the window on the axis."""
    import altair as alt

    data = _levels(df)
    order = _severity_sort(data[data["n"] > 0]) or _severity_sort(data)
    return (
        _base(data, f"Incidents per {period} by severity")
        .mark_bar()
        .encode(
            x=_period_axis(data, _period_title(period, data)),
            y=alt.Y(
                "sum(n):Q",
                title="Incidents",
                axis=_count_axis(data.groupby("period_label")["n"].sum().max()),
            ),
            color=alt.Color(
                "severity:N",
                title="Severity (L0 = most severe)",
                sort=order,
                scale=_severity_scale(order),
            ),
            order=alt.Order("severity:N"),
            opacity=_partial_opacity(),
            tooltip=["period_label:N", "severity:N", "n:Q"],
        )
    )


@builder
def severity_share_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Points and line: share of incidents at level <= 1 per period, drawn only where a level is
    known (``metrics.severity_share(period=)``), each labelled with its n."""
    import altair as alt

    data = df.assign(has=df["n_known"] > 0)
    axis = _period_axis(data, _period_title(period, data))
    known = data[data["has"]]
    line = alt.Chart(known).mark_line(color="#c0392b").encode(x=axis, y=alt.Y("share_level_le_1:Q"))
    points = (
        alt.Chart(known)
        .mark_circle(color="#c0392b", size=60)
        .encode(
            x=axis,
            y=alt.Y(
                "share_level_le_1:Q",
                title="Share of incidents at L0-L1",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            opacity=_partial_opacity(),
            tooltip=["period_label:N", "n_known:Q", "n_level_le_1:Q"],
        )
    )
    counts = (
        alt.Chart(known)
        .mark_text(dy=-10, fontSize=9, color="#555")
        .encode(x=axis, y=alt.Y("share_level_le_1:Q"), text=alt.Text("n_known:Q", format="d"))
    )
    # an invisible layer over every period keeps the empty ones on the axis
    frame = alt.Chart(data).mark_tick(opacity=0).encode(x=axis)
    return alt.layer(frame, line, points, counts, data=data).properties(
        title="Share of severe incidents (level 0-1; labels: incidents with a severity)",
        width=WIDTH,
        height=HEIGHT,
    )


@builder
def duration_by_severity(df: pd.DataFrame) -> alt.Chart:
    """Median and p90 incident duration (hours) per severity level (``duration_by_severity``);
    levels with fewer than ``OUTLIER_MIN_N`` incidents are left out (they stay in the table)."""
    import altair as alt

    data = _levels(df)
    kept = data[data["n"] >= OUTLIER_MIN_N]
    title = "Incident duration by severity (median and p90)"
    if len(kept) < len(data):
        left = ", ".join(
            f"{s} (n = {n})"
            for s, n in zip(data["severity"], data["n"], strict=True)
            if n < OUTLIER_MIN_N
        )
        title = [title, f"Left out, fewer than {OUTLIER_MIN_N} incidents: {left}"]  # type: ignore[assignment]
    kept = kept.assign(median=kept["median_minutes"] / 60.0, p90=kept["p90_minutes"] / 60.0)
    long = kept.melt(
        id_vars=["severity", "n"], value_vars=["median", "p90"], var_name="statistic"
    ).dropna(subset=["value"])
    return (
        _base(long, title)
        .mark_bar()
        .encode(
            y=alt.Y("severity:N", title="Severity", sort=_severity_sort(kept)),
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
            x=alt.X("sum(count):Q", title="Incidents", axis=_count_axis(df["n_incidents"].max())),
            color=alt.Color(
                "kind:N", title="Severity", scale=alt.Scale(range=["#c0392b", "#f5b7b1"])
            ),
            tooltip=["service:N", "kind:N", "count:Q"],
        )
    )


@builder
def mttx_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Small multiples, one per measure: median and p90 hours per period (``mttx_by_period``),
    each point labelled with its n; p90 only where n >= ``OUTLIER_MIN_N``."""
    import altair as alt

    data = df.assign(
        median=df["median_minutes"] / 60.0,
        p90=df["p90_minutes"].where(df["n"] >= OUTLIER_MIN_N) / 60.0,
    )
    long = data.melt(
        id_vars=["period_label", "partial", "measure", "n"],
        value_vars=["median", "p90"],
        var_name="statistic",
        value_name="hours",
    )
    labels = list(dict.fromkeys(df["period_label"]))
    x = alt.X(
        "period_label:O",
        title=_period_title(period, df, paler=False),
        sort=labels,
        scale=alt.Scale(domain=labels),
        axis=alt.Axis(labelAngle=0 if len(labels) <= 8 else -50, labelOverlap=True),
    )
    points = long.dropna(subset=["hours"])
    # the layers take their data from the facet (no data of their own), so each panel gets
    # its measure's rows only
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("hours:Q", title="Hours"),
            color=alt.Color(
                "statistic:N", title="Statistic", scale=alt.Scale(range=["#4c78a8", "#9ecae9"])
            ),
            tooltip=[
                "measure:N",
                "period_label:N",
                "statistic:N",
                alt.Tooltip("hours:Q", format=".1f"),
                "n:Q",
            ],
        )
    )
    counts = (
        alt.Chart()
        .mark_text(dy=-9, fontSize=9, color="#555")
        .encode(x=x, y=alt.Y("hours:Q"), text=alt.Text("n:Q", format="d"))
        .transform_filter(alt.datum.statistic == "median")
    )
    measures = [
        m for m in ("detect", "acknowledge", "mitigate", "resolve") if m in set(df["measure"])
    ]
    return (
        alt.layer(lines, counts, data=points)
        .properties(width=280, height=150)
        .facet(
            facet=alt.Facet(
                "measure:N", title=None, sort=measures, header=alt.Header(labelFontSize=12)
            ),
            columns=2,
            title="Time to detect / acknowledge / mitigate / resolve per period (labels: n)",
        )
        .resolve_scale(y="independent")
    )


# --- time to draft -------------------------------------------------------------------------


@builder
def draft_hours_by_period(
    summary: pd.DataFrame, target_hours: float, period: str = "month"
) -> alt.Chart:
    """Median and p90 hours from resolution to draft per period, with the target as a rule
    (``time_to_draft_summary(by="period")``); p90 only where n >= ``OUTLIER_MIN_N``."""
    import altair as alt

    data = summary.assign(p90_hours=summary["p90_hours"].where(summary["n"] >= OUTLIER_MIN_N))
    axis = _period_axis(data, _period_title(period, data, paler=False))
    long = data.melt(
        id_vars=["period_label", "partial", "n"],
        value_vars=["median_hours", "p90_hours"],
        var_name="statistic",
        value_name="hours",
    ).dropna(subset=["hours"])
    long["statistic"] = long["statistic"].map({"median_hours": "median", "p90_hours": "p90"})
    frame = alt.Chart(data).mark_tick(opacity=0).encode(x=axis)
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=axis,
            y=alt.Y("hours:Q", title="Hours from resolution to draft"),
            color=alt.Color("statistic:N", title="Statistic"),
            tooltip=["period_label:N", "statistic:N", alt.Tooltip("hours:Q", format=".1f"), "n:Q"],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target_hours]}))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4])
        .encode(y="target:Q")
    )
    return alt.layer(frame, lines, rule, data=data).properties(
        title=f"Time to draft per {period} (target {target_hours:g} h, dashed)",
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
            y=alt.Y(
                "count():Q",
                title="Postmortems",
                axis=_count_axis(_histogram_top(data["days"], 0.5, 14)),
            ),
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
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=alt.Y(
                "count():Q",
                title="Postmortems",
                axis=_count_axis(_histogram_top(data["days"], 1, 31)),
            ),
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
    """Horizontal bars: share of the incidents listing factors with one in each category (each
    factor counted once, in its primary category)."""
    import altair as alt

    data = df[df["n_factors"] > 0] if "n_factors" in df.columns else df
    order = list(data.sort_values("n_incidents", ascending=False)["category"])
    return (
        _base(
            data,
            "Contributing-factor categories (each factor once)",
            height=max(120, 22 * len(order)),
        )
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y("category:N", title="Category", sort=order),
            x=alt.X(
                "share_of_incidents:Q",
                title="Share of the incidents that list factors",
                axis=alt.Axis(format="%"),
            ),
            tooltip=["category:N", "n_incidents:Q", "n_factors:Q"],
        )
    )


@builder
def factor_trend(df: pd.DataFrame, top: int = MAX_LINES, period: str = "month") -> alt.Chart:
    """Small multiples: incidents per period citing each of the ``top`` most frequent categories
    (one panel each, every period of the window on each axis)."""
    import altair as alt

    totals = df.groupby("category")["n_incidents"].sum().sort_values(ascending=False)
    keep = [c for c in totals.index if c != "unclassified" and totals[c] > 0][:top]
    data = df[df["category"].isin(keep)]
    labels = list(dict.fromkeys(df["period_label"]))
    x = alt.X(
        "period_label:O",
        title=_period_title(period, df),
        sort=labels,
        scale=alt.Scale(domain=labels),
        axis=alt.Axis(labelAngle=0 if len(labels) <= 6 else -50, labelOverlap=True),
    )
    return (
        alt.Chart(data)
        .mark_bar(color="#4c78a8")
        .encode(
            x=x,
            y=alt.Y(
                "n_incidents:Q", title="Incidents", axis=_count_axis(data["n_incidents"].max())
            ),
            opacity=_partial_opacity(),
            tooltip=["period_label:N", "category:N", "n_incidents:Q"],
        )
        .properties(width=280, height=110)
        .facet(
            facet=alt.Facet("category:N", title=None, sort=keep),
            columns=2,
            title=f"Top {len(keep)} factor categories per {period}",
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
            color=alt.Color(
                "n_incidents:Q",
                title="Incidents",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
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
            x=alt.X("n_incidents:Q", title="Incidents", axis=_count_axis(df["n_incidents"].max())),
            tooltip=["trigger_category:N", "n_incidents:Q", alt.Tooltip("share:Q", format=".0%")],
        )
    )


# --- action items --------------------------------------------------------------------------


@builder
def overdue_by_group(df: pd.DataFrame, key: str, title: str, top: int = 15) -> alt.Chart:
    """Stacked horizontal bars: overdue actions per owner, team or service, by days past due."""
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
            x=alt.X("sum(n):Q", title="Overdue actions", axis=_count_axis(head["n_overdue"].max())),
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


BACKLOG_LINES = {
    "still_open": "open (not done)",
    "unknown_status": "open, no status written",
    "overdue": "open and overdue",
}


@builder
def action_backlog(df: pd.DataFrame, period: str = "month", overdue: bool = True) -> alt.Chart:
    """Lines: actions open at each period's end, and the parts of them with no status written
    and overdue (``metrics.action_backlog``). ``overdue=False`` leaves the overdue line out:
    when most open actions have no due date, its zero would be a claim, not a count."""
    import altair as alt

    data = df
    lines = [k for k in BACKLOG_LINES if overdue or k != "overdue"]
    long = data.melt(
        id_vars=["period_label", "partial"],
        value_vars=lines,
        var_name="kind",
        value_name="n",
    )
    long["kind"] = long["kind"].map(BACKLOG_LINES)
    kinds = [BACKLOG_LINES[k] for k in lines]
    return (
        _base(long, f"Open actions at the end of each {period}")
        .mark_line(point=True)
        .encode(
            x=_period_axis(long, f"End of {_period_title(period, data, paler=False).lower()}"),
            y=alt.Y("n:Q", title="Actions", axis=_count_axis(long["n"].max())),
            color=alt.Color(
                "kind:N",
                title="Actions",
                sort=kinds,
                scale=alt.Scale(
                    domain=kinds, range=["#4c78a8", "#bdbdbd", "#e45756"][: len(kinds)]
                ),
            ),
            tooltip=["period_label:N", "kind:N", "n:Q"],
        )
    )


@builder
def action_completion(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Bars: share of each period's actions done by now, among those with a status written
    (``metrics.action_completion``); periods with none are empty."""
    import altair as alt

    return (
        _base(df, f"Action items done, by {period} of the incident")
        .mark_bar(color="#54a24b")
        .encode(
            x=_period_axis(df, _period_title(period, df)),
            y=alt.Y(
                "completion_rate:Q",
                title="Share done (of actions with a status)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            opacity=_partial_opacity(),
            tooltip=["period_label:N", "n_actions:Q", "n_status_known:Q", "n_done:Q"],
        )
    )


# --- recurrence (issue 18) -----------------------------------------------------------------


@builder
def repeat_rate_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Points and line: share of the incidents compared that repeat an earlier one, per period
    (``pmkit.similar.recurrence.repeat_rate``), each point labelled with its n; a period whose
    earlier history is shorter than the recurrence window is drawn hollow."""
    import altair as alt

    data = df.assign(has=df["n"] > 0)
    axis = _period_axis(data, _period_title(period, data))
    known = data[data["has"]]
    y = alt.Y(
        "repeat_rate:Q",
        title="Share that repeat an earlier incident",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    line = alt.Chart(known).mark_line(color="#8e44ad").encode(x=axis, y=y)
    points = (
        alt.Chart(known)
        .mark_point(color="#8e44ad", size=60, filled=True)
        .encode(
            x=axis,
            y=y,
            fill=alt.condition("datum.history_short", alt.value("white"), alt.value("#8e44ad")),
            opacity=_partial_opacity(),
            tooltip=["period_label:N", "n:Q", "n_repeats:Q"],
        )
    )
    counts = (
        alt.Chart(known)
        .mark_text(dy=-10, fontSize=9, color="#555")
        .encode(x=axis, y=alt.Y("repeat_rate:Q"), text=alt.Text("n:Q", format="d"))
    )
    frame = alt.Chart(data).mark_tick(opacity=0).encode(x=axis)
    return alt.layer(frame, line, points, counts, data=data).properties(
        title="Repeat rate (labels: incidents compared; hollow: history shorter than the window)",
        width=WIDTH,
        height=HEIGHT,
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


def _coverage_line(text: str) -> str:
    return f'<p class="pmkit-coverage">{escape(text.strip())}</p>' if text else ""


def figure(
    chart: alt.TopLevelMixin,
    caption: str,
    n: int | None = None,
    trend: bool = False,
    coverage: tuple[int, int, str, str] | None = None,
    min_n: int = SMALL_N,
) -> Html:
    """The chart as inline SVG with its caption, ``n`` and coverage; a note instead when it has
    no data, or when most of the things in scope lack the value it needs.

    ``coverage`` is (known, total, what, of): "drafted time known for 4 of 57 incidents". With
    fewer than half known the chart is not drawn: its shape would be that of the few. With
    ``trend=True`` a chart resting on fewer than ``min_n`` things says its shape is noise.
    """
    n_text = f" (n = {n:,})" if n is not None else ""
    cover = ""
    if coverage is not None:
        known, total, what, of = coverage
        cover = coverage_text(known, total, what, of)
        if mostly_missing(known, total):
            return Html(
                f'<p class="pmkit-warning">Not drawn: {escape(cover)}, fewer than half. '
                f"{escape(caption)}</p>"
            )
        cover = f" {cover[0].upper()}{cover[1:]}."
    if not _has_rows(chart) or n == 0:
        return Html(
            f'<p class="pmkit-empty">No data for this chart in the window{escape(n_text)}: '
            f"{escape(caption)}</p>"
        )
    warning = small_n_note(n, threshold=min_n) if trend and n is not None else ""
    return Html(
        f'<figure class="pmkit-chart">{to_svg(chart)}'
        f'<figcaption class="pmkit-caption">{escape(caption + n_text)}</figcaption></figure>'
        f"{f'<p class=pmkit-coverage>{escape(cover.strip())}</p>' if cover else ''}{warning}"
    )
