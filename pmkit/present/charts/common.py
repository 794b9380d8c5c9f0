"""What every chart shares: size, colours, the severity scale, whole-number count axes, the
period axis (partial periods paler), and the registry of builders the report runner may call.

Importing this does not import altair: each helper imports it when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from pmkit.present.format import level_label

if TYPE_CHECKING:
    import altair as alt


WIDTH = 620
HEIGHT = 240
TARGET_COLOR = "#c0392b"
BUCKET_ORDER = ["1-7", "8-30", "31-90", ">90"]

Builder = TypeVar("Builder", bound=Callable[..., Any])
BUILDERS: dict[str, Callable[..., Any]] = {}
"""Every chart builder by name: the only functions a report runner calls to draw a chart that a
kernel handed over by name (``pmkit.present.figures``)."""


def builder(fn: Builder) -> Builder:
    """Register ``fn`` as a chart builder (see :data:`BUILDERS`)."""
    BUILDERS[fn.__name__] = fn
    return fn


def with_levels(df: pd.DataFrame, column: str = "severity_level") -> pd.DataFrame:
    out = df.copy()
    out["severity"] = [level_label(v) for v in out[column]]
    return out


def as_dates(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = df.copy()
    for column in columns:
        out[column] = pd.to_datetime(out[column])
    return out


def severity_order(df: pd.DataFrame) -> list[str]:
    known = sorted({s for s in df["severity"] if s != "unknown"}, key=lambda s: int(s[1:]))
    return known + (["unknown"] if "unknown" in set(df["severity"]) else [])


SEVERITY_COLORS = ("#67000d", "#cb181d", "#fb6a4a", "#fcae91", "#fee5d9")
"""L0 (darkest) to L4+; unknown severity is grey."""


def severity_scale(order: list[str]) -> alt.Scale:
    import altair as alt

    colors = [
        "#bdbdbd" if s == "unknown" else SEVERITY_COLORS[min(int(s[1:]), len(SEVERITY_COLORS) - 1)]
        for s in order
    ]
    return alt.Scale(domain=order, range=colors)


def base(df: pd.DataFrame, title: str, height: int = HEIGHT) -> alt.Chart:
    import altair as alt

    return alt.Chart(df, title=title, width=WIDTH, height=height)


# --- shared pieces --------------------------------------------------------------------------

OUTLIER_MIN_N = 3
"""A group resting on fewer values is left out of a chart's scale (it is in the table): one
incident of unknown severity lasting a week must not squeeze every other bar to nothing."""
MAX_LINES = 6
"""At most this many lines share one trend chart; more become small multiples."""


def count_axis(largest: Any = None) -> alt.Axis:
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


def histogram_top(values: pd.Series, step: float, upper: float) -> int:
    """About the tallest bin of a histogram of ``values`` in bins of ``step`` from 0 to
    ``upper`` (enough to choose the count axis's ticks)."""
    if values.empty:
        return 0
    counts, _ = np.histogram(values.clip(0, upper), bins=np.arange(0, upper + step, step))
    return int(counts.max())


def period_axis(data: pd.DataFrame, title: str) -> alt.X:
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


def partial_opacity() -> Any:
    """Paler marks for a period the window cuts (its count covers only part of it)."""
    import altair as alt

    return alt.condition("datum.partial", alt.value(0.4), alt.value(1.0))


def period_title(period: str, data: pd.DataFrame, paler: bool = True) -> str:
    partial = "partial" in data.columns and bool(data["partial"].astype(bool).any())
    mark = " (* = partial, paler)" if paler else " (* = partial)"
    return f"{period.capitalize()}" + (mark if partial else "")


def labelled_share(
    data: pd.DataFrame,
    known: pd.DataFrame,
    axis: alt.X,
    marks: tuple[alt.Chart, alt.Chart],
    share: str,
    n: str,
    title: str,
) -> alt.LayerChart | alt.FacetChart:
    """A share per period: its line and points (``marks``), each point's ``n`` written above
    it, over an invisible layer that keeps every period (the empty ones too) on the axis."""
    import altair as alt

    counts = (
        alt.Chart(known)
        .mark_text(dy=-10, fontSize=9, color="#555")
        .encode(x=axis, y=alt.Y(f"{share}:Q"), text=alt.Text(f"{n}:Q", format="d"))
    )
    frame = alt.Chart(data).mark_tick(opacity=0).encode(x=axis)
    return alt.layer(frame, *marks, counts, data=data).properties(
        title=title, width=WIDTH, height=HEIGHT
    )
