"""Time axes for the reports: every week, month or quarter of a window, and which ones are partial.

A trend drawn only over the periods that had incidents skips the quiet ones (37 bars for ~108
months, side by side) and a window that starts or ends inside a month makes its first and last
bars dip. So every chart's axis comes from :func:`period_grid`: all periods from the window's
start to as-of, each marked ``partial`` when the window cuts it. Pure (pandas only): knows
nothing of DuckDB; ``pmkit.metrics`` joins its counts onto this grid.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

PERIODS: tuple[str, ...] = ("week", "month", "quarter")
WEEKS_UP_TO_DAYS = 92
"""Windows up to about a quarter are drawn by week."""
MONTHS_UP_TO_DAYS = 1096
"""Up to three years by month; longer windows by quarter (at most ~40 bars for ten years)."""
PARTIAL_MARK = "*"
"""Appended to a partial period's label; captions say what it means."""


def check_period(period: str) -> str:
    """``period`` if it is one of :data:`PERIODS`; ValueError otherwise."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    return period


def period_for_days(days: int) -> str:
    """The period a window of ``days`` days is drawn in: week, month or quarter."""
    if days <= WEEKS_UP_TO_DAYS:
        return "week"
    if days <= MONTHS_UP_TO_DAYS:
        return "month"
    return "quarter"


def period_start(day: date, period: str) -> date:
    """First day of the ISO week (Monday), month or quarter holding ``day``."""
    check_period(period)
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def next_start(start: date, period: str) -> date:
    """First day of the period after the one starting on ``start``."""
    if period == "week":
        return start + timedelta(days=7)
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def label(start: date, period: str) -> str:
    """``2026-03-09`` (week of), ``2026-03`` or ``2026 Q1``."""
    if period == "week":
        return start.isoformat()
    if period == "month":
        return start.strftime("%Y-%m")
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def period_grid(
    first: date | None, as_of: date, period: str, cut_first: bool = True
) -> pd.DataFrame:
    """Every period from the one holding ``first`` to the one holding ``as_of``, in order.

    Columns: ``period_start``, ``period_end`` (its last day, but never after ``as_of``),
    ``label`` (with :data:`PARTIAL_MARK` when partial) and ``partial``: the window starts after
    the period's first day (only when ``cut_first``: a window of all history is not cut, its data
    just begins) or ends before its last day. Empty when ``first`` is None or after ``as_of``.
    """
    check_period(period)
    columns = ["period_start", "period_end", "label", "partial"]
    if first is None or first > as_of:
        return pd.DataFrame(
            {
                "period_start": pd.Series(dtype="datetime64[us]"),
                "period_end": pd.Series(dtype="datetime64[us]"),
                "label": pd.Series(dtype=object),
                "partial": pd.Series(dtype=bool),
            }
        )[columns]
    rows = []
    start = period_start(first, period)
    while start <= as_of:
        following = next_start(start, period)
        last_day = following - timedelta(days=1)
        partial = (cut_first and first > start) or as_of < last_day
        text = label(start, period) + (PARTIAL_MARK if partial else "")
        rows.append((start, min(last_day, as_of), text, partial))
        start = following
    grid = pd.DataFrame(rows, columns=columns)
    for column in ("period_start", "period_end"):
        grid[column] = pd.to_datetime(grid[column]).astype("datetime64[us]")
    return grid
