"""Time to draft per period and as a histogram against the target; time to review."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pmkit.present.charts.common import (
    HEIGHT,
    OUTLIER_MIN_N,
    TARGET_COLOR,
    WIDTH,
    builder,
    count_axis,
    histogram_top,
    period_axis,
    period_title,
)

if TYPE_CHECKING:
    import altair as alt


@builder
def draft_hours_by_period(
    summary: pd.DataFrame, target_hours: float, period: str = "month"
) -> alt.LayerChart | alt.FacetChart:
    """Median and p90 hours from resolution to draft per period, with the target as a rule
    (``time_to_draft_summary(by="period")``); p90 only where n >= ``OUTLIER_MIN_N``."""
    import altair as alt

    data = summary.assign(p90_hours=summary["p90_hours"].where(summary["n"] >= OUTLIER_MIN_N))
    axis = period_axis(data, period_title(period, data, paler=False))
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
def draft_hours_histogram(
    per_incident: pd.DataFrame, target_hours: float
) -> alt.LayerChart | alt.FacetChart:
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
                axis=count_axis(histogram_top(data["days"], 0.5, 14)),
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
def review_days_histogram(
    per_incident: pd.DataFrame, target_days: int
) -> alt.LayerChart | alt.FacetChart:
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
                axis=count_axis(histogram_top(data["days"], 1, 31)),
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
