"""Contributing factors: frequency, trend (small multiples), by severity; triggers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pmkit.present.charts.common import (
    MAX_LINES,
    base,
    builder,
    count_axis,
    partial_opacity,
    period_title,
    severity_order,
    with_levels,
)

if TYPE_CHECKING:
    import altair as alt


@builder
def factor_frequency(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: share of the incidents listing factors with one in each category (each
    factor counted once, in its primary category)."""
    import altair as alt

    data = df[df["n_factors"] > 0] if "n_factors" in df.columns else df
    order = list(data.sort_values("n_incidents", ascending=False)["category"])
    return (
        base(
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
        title=period_title(period, df),
        sort=labels,
        scale=alt.Scale(domain=labels),
        axis=alt.Axis(labelAngle=0 if len(labels) <= 6 else -50, labelOverlap=True),
    )
    return (
        alt.Chart(data)
        .mark_bar(color="#4c78a8")
        .encode(
            x=x,
            y=alt.Y("n_incidents:Q", title="Incidents", axis=count_axis(data["n_incidents"].max())),
            opacity=partial_opacity(),
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
def factor_by_severity(df: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Heat map: incidents per category and severity level."""
    import altair as alt

    data = with_levels(df)
    order = list(data.groupby("category")["n_incidents"].sum().sort_values(ascending=False).index)
    heat = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "severity:N",
                title="Severity (L0 = most severe)",
                sort=severity_order(data),
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
            x=alt.X("severity:N", sort=severity_order(data)),
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
        base(df, "What triggered the incidents", height=max(120, 22 * len(order)))
        .mark_bar(color="#f58518")
        .encode(
            y=alt.Y("trigger_category:N", title="Trigger", sort=order),
            x=alt.X("n_incidents:Q", title="Incidents", axis=count_axis(df["n_incidents"].max())),
            tooltip=["trigger_category:N", "n_incidents:Q", alt.Tooltip("share:Q", format=".0%")],
        )
    )
