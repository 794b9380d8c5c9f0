"""The explorer's four charts and their five selections (linked views).

Unlike the report charts (``pmkit.present.charts``, static SVG), these are shown live through
``alt.JupyterChart``, whose selections come back to Python. Each selection picks values of one
field: a period (click a bar of the severity trend), a severity level (click its legend entry),
a time-to-draft bucket, a factor category, an owner. Selected values are plain strings (a
period as ISO text, never a timestamp), so a selection means the same in every browser time
zone. A chart is drawn with its selections' current values (``picked``), so that a chart
redrawn because another chart's selection narrowed it keeps its own highlight. Postmortem text
reaches the charts only as data, which Vega renders as SVG text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from pmkit.fastimport import skip_slow_optional_imports
from pmkit.present.charts import BUCKET_ORDER, SEVERITY_COLORS
from pmkit.present.format import fmt_hours, level_label

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)

WIDTH = 300
HEIGHT = 180
DIMMED = 0.3

SEVERITY = "severity"
DRAFT = "draft"
FACTOR = "factor"
OVERDUE = "overdue"
CHARTS: tuple[str, ...] = (SEVERITY, DRAFT, FACTOR, OVERDUE)
"""The chart names (CSS class ``pmkit-x-chart-<name>``)."""

PERIOD = "period"
LEVEL = "level"
BUCKET = "bucket"
CATEGORY = "category"
OWNER = "owner"
SELECTIONS: dict[str, tuple[str, str]] = {
    PERIOD: (SEVERITY, "period"),
    LEVEL: (SEVERITY, "severity"),
    BUCKET: (DRAFT, "bucket"),
    CATEGORY: (FACTOR, "category"),
    OWNER: (OVERDUE, "owner"),
}
"""Each selection: the chart it is made in and the data field it picks. Its Vega-Lite
parameter is ``pick_<selection>``."""

Picked = Mapping[str, Sequence[str]]
"""Selection name -> the values picked (empty or missing: nothing picked)."""


def selections_of(chart: str) -> tuple[str, ...]:
    """The selections made in ``chart``."""
    return tuple(name for name, (owner, _) in SELECTIONS.items() if owner == chart)


DRAFT_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 d", 24.0),
    ("1-2 d", 48.0),
    ("2-3 d", 72.0),
    ("3-7 d", 168.0),
    ("1-2 wk", 336.0),
    ("2+ wk", float("inf")),
)
"""Time-to-draft buckets: label and upper bound in hours (exclusive)."""
NO_OWNER = "(no owner)"


def selection_name(selection: str) -> str:
    """The Vega-Lite parameter name of a selection."""
    return f"pick_{selection}"


def period_label(day: Any, period: str) -> str:
    """The severity chart's period of ``day``: ISO Monday of the week, or ``YYYY-MM``."""
    if day is None or pd.isna(day):
        return ""
    value = pd.Timestamp(day).date()
    if period == "week":
        return date.fromordinal(value.toordinal() - value.weekday()).isoformat()
    return f"{value.year:04d}-{value.month:02d}"


def draft_bucket(hours: float) -> str:
    """The bucket label of a time to draft (a negative time, drafted early, counts as < 1 d)."""
    for label, upper in DRAFT_BUCKETS:
        if hours < upper:
            return label
    return DRAFT_BUCKETS[-1][0]


def _count_scale(top: float) -> dict[str, Any]:
    """Axis and scale of a count: whole-number ticks given explicitly (Vega's own ticks on a
    short axis fall on halves, which a "d" format shows as 0 1 1 2 2) and a domain from 0 to
    the last tick (an empty chart keeps a readable 0..1 axis instead of a lone 0)."""
    top = max(int(math.ceil(top)), 1)
    step = next((c for c in _STEPS if top / c <= 6), int(math.ceil(top / 6)))
    ticks = list(range(0, top + step, step))
    if ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return {
        "axis": alt.Axis(values=ticks, format="d"),
        "scale": alt.Scale(domain=[0, ticks[-1]], nice=False),
    }


_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def _top(data: pd.DataFrame, by: str) -> float:
    """The longest stacked bar: the largest sum of ``n`` per ``by``."""
    return float(data.groupby(by)["n"].sum().max()) if len(data) else 0.0


def _pick(selection: str, picked: Picked, **kwargs: Any) -> Any:
    """The point selection ``selection``, starting with the values ``picked`` for it."""
    field = SELECTIONS[selection][1]
    values = [{field: v} for v in picked.get(selection, ())]
    return alt.selection_point(
        name=selection_name(selection),
        fields=[field],
        value=values if values else alt.Undefined,
        **kwargs,
    )


def _title(text: str, notes: Sequence[str]) -> alt.Title:
    """The chart title; subtitle lines say what narrowed the chart and what data it lacks."""
    lines = [n for n in notes if n]
    if lines:
        return alt.Title(text, subtitle=lines, subtitleColor="#b35900")
    return alt.Title(text)


def _opacity(pick: Any) -> Any:
    return alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(DIMMED))


def _severity_order(labels: pd.Series) -> list[str]:
    known = sorted({s for s in labels if s != "unknown"}, key=lambda s: int(s[1:]))
    return known + (["unknown"] if "unknown" in set(labels) else [])


def severity_frame(severity: pd.DataFrame, period: str) -> pd.DataFrame:
    """``metrics.severity_by_period`` rows with text ``period`` and ``severity`` fields."""
    return pd.DataFrame(
        {
            "period": [period_label(d, period) for d in severity["period_start"]],
            "severity": [level_label(v) for v in severity["severity_level"]],
            "n": severity["n"].astype(int),
        }
    )


def severity_chart(
    severity: pd.DataFrame, period: str, picked: Picked | None = None, notes: Sequence[str] = ()
) -> alt.Chart:
    """Stacked bars: incidents per period and severity level. A click on a bar picks its
    period (shift-click: several); a click on a legend entry picks that level."""
    data = severity_frame(severity, period)
    order = _severity_order(data["severity"])
    colors = [
        "#bdbdbd" if s == "unknown" else SEVERITY_COLORS[min(int(s[1:]), len(SEVERITY_COLORS) - 1)]
        for s in order
    ]
    picked = picked or {}
    # Only a click on a bar picks a period: a click on the legend (a level) must keep it.
    period_pick = _pick(PERIOD, picked, on="rect:click")
    level_pick = _pick(LEVEL, picked, bind="legend")
    n = int(data["n"].sum())
    return (
        alt.Chart(data, title=_title(f"Severity trend: incidents per {period} (n = {n:,})", notes))
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                title=period.capitalize(),
                sort="ascending",
                axis=alt.Axis(labelAngle=-45, labelOverlap=True),
            ),
            y=alt.Y("sum(n):Q", title="Incidents", **_count_scale(_top(data, "period"))),
            color=alt.Color(
                "severity:N",
                title="Severity",
                sort=order,
                scale=alt.Scale(domain=order, range=colors) if order else alt.Undefined,
            ),
            order=alt.Order("severity:N"),
            opacity=_opacity(period_pick & level_pick),
            tooltip=["period:N", "severity:N", alt.Tooltip("sum(n):Q", title="incidents")],
        )
        .add_params(period_pick, level_pick)
        .properties(width=WIDTH, height=HEIGHT)
    )


def draft_frame(drafts: pd.DataFrame, target_hours: float) -> pd.DataFrame:
    """Incidents per time-to-draft bucket, with whether the bucket is within the target."""
    labels = [label for label, _ in DRAFT_BUCKETS]
    buckets = [draft_bucket(float(h)) for h in drafts["hours"].dropna()]
    counts = pd.Series(buckets, dtype=object).value_counts()
    uppers = dict(DRAFT_BUCKETS)
    return pd.DataFrame(
        {
            "bucket": labels,
            "n": [int(counts.get(label, 0)) for label in labels],
            "draft": [
                "within target" if uppers[label] <= target_hours else "late" for label in labels
            ],
        }
    )


def draft_chart(
    drafts: pd.DataFrame,
    target_hours: float,
    picked: Picked | None = None,
    notes: Sequence[str] = (),
) -> alt.Chart:
    """Bars: how many postmortems were drafted how long after resolution. Click: that bucket."""
    data = draft_frame(drafts, target_hours)
    hours = drafts["hours"].dropna().astype(float)
    if len(hours):
        stats = (
            f"median {fmt_hours(float(hours.quantile(0.5)))}, "
            f"p90 {fmt_hours(float(hours.quantile(0.9)))}, n = {len(hours):,}"
        )
    else:
        stats = "n = 0"
    pick = _pick(BUCKET, picked or {})
    return (
        alt.Chart(data, title=_title(f"Time to draft ({stats}; target {target_hours:g} h)", notes))
        .mark_bar()
        .encode(
            x=alt.X(
                "bucket:N",
                title="Resolution to draft",
                sort=[label for label, _ in DRAFT_BUCKETS],
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "n:Q", title="Postmortems", **_count_scale(data["n"].max() if len(data) else 0)
            ),
            color=alt.Color(
                "draft:N",
                title="Draft",
                scale=alt.Scale(domain=["within target", "late"], range=["#4c78a8", "#e45756"]),
            ),
            opacity=_opacity(pick),
            tooltip=["bucket:N", "n:Q"],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=HEIGHT)
    )


def factor_chart(
    factors: pd.DataFrame, picked: Picked | None = None, notes: Sequence[str] = ()
) -> alt.Chart:
    """Horizontal bars: incidents citing each factor category (the factor's primary category,
    as ``metrics.factor_frequency`` counts). Click: that category."""
    data = factors[["category", "n_incidents", "n_factors"]].copy()
    order = list(data.sort_values(["n_incidents", "category"], ascending=[False, True])["category"])
    pick = _pick(CATEGORY, picked or {})
    return (
        alt.Chart(data, title=_title("Contributing-factor categories", notes))
        .mark_bar(color="#4c78a8")
        .encode(
            y=alt.Y("category:N", title="Category", sort=order),
            x=alt.X(
                "n_incidents:Q",
                title="Incidents citing it",
                **_count_scale(data["n_incidents"].max() if len(data) else 0),
            ),
            opacity=_opacity(pick),
            tooltip=["category:N", "n_incidents:Q", "n_factors:Q"],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=max(HEIGHT, 18 * len(order)))
    )


def overdue_frame(by_owner: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """``metrics.overdue_by_owner`` (top owners) in long form: owner, days past due, count."""
    head = by_owner.head(top)
    if head.empty:
        return pd.DataFrame(columns=["owner", "days_overdue", "n", "rank"])
    long = head.melt(
        id_vars=["owner"], value_vars=list(BUCKET_ORDER), var_name="days_overdue", value_name="n"
    )
    long["owner"] = long["owner"].astype(str)
    long["n"] = long["n"].astype(int)
    long["rank"] = [BUCKET_ORDER.index(b) for b in long["days_overdue"]]
    return long[long["n"] > 0].reset_index(drop=True)


def overdue_chart(
    by_owner: pd.DataFrame, picked: Picked | None = None, notes: Sequence[str] = (), top: int = 15
) -> alt.Chart:
    """Stacked bars: overdue actions per owner by days past due. Click: that owner."""
    data = overdue_frame(by_owner, top)
    order = [str(o) for o in by_owner.head(top)["owner"]]
    n = int(by_owner["n_overdue"].sum()) if not by_owner.empty else 0
    pick = _pick(OWNER, picked or {})
    return (
        alt.Chart(data, title=_title(f"Overdue actions by owner (n = {n:,})", notes))
        .mark_bar()
        .encode(
            y=alt.Y("owner:N", title="Owner", sort=order),
            x=alt.X("sum(n):Q", title="Overdue actions", **_count_scale(_top(data, "owner"))),
            color=alt.Color(
                "days_overdue:N",
                title="Days past due",
                sort=list(BUCKET_ORDER),
                scale=alt.Scale(domain=list(BUCKET_ORDER), scheme="oranges"),
            ),
            order=alt.Order("rank:Q"),
            opacity=_opacity(pick),
            tooltip=["owner:N", "days_overdue:N", "n:Q"],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=max(HEIGHT, 18 * len(order)))
    )
