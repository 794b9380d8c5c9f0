"""Severity over time, the severe share, durations by severity, services, MTTx over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pmkit.present.charts.common import (
    OUTLIER_MIN_N,
    base,
    builder,
    count_axis,
    labelled_share,
    partial_opacity,
    period_axis,
    period_title,
    severity_order,
    severity_scale,
    with_levels,
)

if TYPE_CHECKING:
    import altair as alt


@builder
def severity_over_time(df: pd.DataFrame, period: str = "month") -> alt.Chart:
    """Stacked bars: incidents per period by severity level (``metrics.severity_by_period``),
    every period of the window on the axis."""
    import altair as alt

    data = with_levels(df)
    order = severity_order(data[data["n"] > 0]) or severity_order(data)
    return (
        base(data, f"Incidents per {period} by severity")
        .mark_bar()
        .encode(
            x=period_axis(data, period_title(period, data)),
            y=alt.Y(
                "sum(n):Q",
                title="Incidents",
                axis=count_axis(data.groupby("period_label")["n"].sum().max()),
            ),
            color=alt.Color(
                "severity:N",
                title="Severity (L0 = most severe)",
                sort=order,
                scale=severity_scale(order),
            ),
            order=alt.Order("severity:N"),
            opacity=partial_opacity(),
            tooltip=["period_label:N", "severity:N", "n:Q"],
        )
    )


@builder
def severity_share_over_time(
    df: pd.DataFrame, period: str = "month"
) -> alt.LayerChart | alt.FacetChart:
    """Points and line: share of incidents at level <= 1 per period, drawn only where a level is
    known (``metrics.severity_share(period=)``), each labelled with its n."""
    import altair as alt

    data = df.assign(has=df["n_known"] > 0)
    axis = period_axis(data, period_title(period, data))
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
            opacity=partial_opacity(),
            tooltip=["period_label:N", "n_known:Q", "n_level_le_1:Q"],
        )
    )
    return labelled_share(
        data,
        known,
        axis,
        (line, points),
        "share_level_le_1",
        "n_known",
        "Share of severe incidents (level 0-1; labels: incidents with a severity)",
    )


@builder
def duration_by_severity(df: pd.DataFrame) -> alt.Chart:
    """Median and p90 incident duration (hours) per severity level (``duration_by_severity``);
    levels with fewer than ``OUTLIER_MIN_N`` incidents are left out (they stay in the table)."""
    import altair as alt

    data = with_levels(df)
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
        base(long, title)
        .mark_bar()
        .encode(
            y=alt.Y("severity:N", title="Severity", sort=severity_order(kept)),
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
        base(data, "Services most often involved", height=max(120, 22 * len(order)))
        .mark_bar()
        .encode(
            y=alt.Y("service:N", title="Service", sort=order),
            x=alt.X("sum(count):Q", title="Incidents", axis=count_axis(df["n_incidents"].max())),
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
        title=period_title(period, df, paler=False),
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
