"""Action items: overdue by owner, team or service; the backlog over time; completion; and the
repeat rate of recurring incidents."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pmkit.present.charts.common import (
    BUCKET_ORDER,
    base,
    builder,
    count_axis,
    labelled_share,
    partial_opacity,
    period_axis,
    period_title,
)

if TYPE_CHECKING:
    import altair as alt


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
        base(long, title, height=max(120, 22 * len(order)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{key}:N", title=key.capitalize(), sort=order),
            x=alt.X("sum(n):Q", title="Overdue actions", axis=count_axis(head["n_overdue"].max())),
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
        base(long, f"Open actions at the end of each {period}")
        .mark_line(point=True)
        .encode(
            x=period_axis(long, f"End of {period_title(period, data, paler=False).lower()}"),
            y=alt.Y("n:Q", title="Actions", axis=count_axis(long["n"].max())),
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
        base(df, f"Action items done, by {period} of the incident")
        .mark_bar(color="#54a24b")
        .encode(
            x=period_axis(df, period_title(period, df)),
            y=alt.Y(
                "completion_rate:Q",
                title="Share done (of actions with a status)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            opacity=partial_opacity(),
            tooltip=["period_label:N", "n_actions:Q", "n_status_known:Q", "n_done:Q"],
        )
    )


# --- recurrence (issue 18) -----------------------------------------------------------------


@builder
def repeat_rate_over_time(
    df: pd.DataFrame, period: str = "month"
) -> alt.LayerChart | alt.FacetChart:
    """Points and line: share of the incidents compared that repeat an earlier one, per period
    (``pmkit.similar.recurrence.repeat_rate``), each point labelled with its n; a period whose
    earlier history is shorter than the recurrence window is drawn hollow."""
    import altair as alt

    data = df.assign(has=df["n"] > 0)
    axis = period_axis(data, period_title(period, data))
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
            opacity=partial_opacity(),
            tooltip=["period_label:N", "n:Q", "n_repeats:Q"],
        )
    )
    return labelled_share(
        data,
        known,
        axis,
        (line, points),
        "repeat_rate",
        "n",
        "Repeat rate (labels: incidents compared; hollow: history shorter than the window)",
    )
