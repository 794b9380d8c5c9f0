"""Time axes: every period of the window, in order, the cut ones marked partial."""

from __future__ import annotations

from datetime import date

import pytest

from pmkit.periods import label, period_for_days, period_grid, period_start


@pytest.mark.parametrize(
    ("days", "period"),
    [(0, "week"), (92, "week"), (93, "month"), (365, "month"), (1096, "month"), (1097, "quarter")],
)
def test_period_by_window_length(days: int, period: str) -> None:
    assert period_for_days(days) == period


def test_period_starts_and_labels() -> None:
    sunday = date(2026, 3, 1)
    assert period_start(sunday, "week") == date(2026, 2, 23)  # ISO weeks start on Monday
    assert period_start(sunday, "month") == sunday
    assert period_start(date(2026, 8, 19), "quarter") == date(2026, 7, 1)
    assert label(date(2026, 7, 1), "quarter") == "2026 Q3"
    assert label(date(2026, 7, 1), "month") == "2026-07"
    assert label(date(2026, 2, 23), "week") == "2026-02-23"
    with pytest.raises(ValueError, match="period"):
        period_start(sunday, "year")


def test_grid_holds_every_period_and_marks_the_cut_ones() -> None:
    # 2025-03-31 .. 2026-03-31: 13 months; March 2025 is cut (the window starts on the 31st),
    # March 2026 ends on as_of, its last day: whole
    grid = period_grid(date(2025, 3, 31), date(2026, 3, 31), "month")
    assert len(grid) == 13
    assert list(grid["label"])[:2] == ["2025-03*", "2025-04"]
    assert list(grid["partial"]) == [True] + [False] * 12
    assert grid["period_end"].iloc[-1].date() == date(2026, 3, 31)
    # ending mid-month: the last period stops at as_of and is partial
    mid = period_grid(date(2026, 1, 1), date(2026, 3, 16), "month")
    assert list(mid["label"]) == ["2026-01", "2026-02", "2026-03*"]
    assert mid["period_end"].iloc[-1].date() == date(2026, 3, 16)
    # all history: the data's own start is no cut
    whole = period_grid(date(2026, 1, 20), date(2026, 3, 31), "month", cut_first=False)
    assert list(whole["partial"]) == [False, False, False]
    weeks = period_grid(date(2026, 3, 1), date(2026, 3, 31), "week")
    assert list(weeks["label"]) == [
        "2026-02-23*",
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30*",
    ]
    assert period_grid(None, date(2026, 3, 31), "month").empty
    assert period_grid(date(2026, 4, 1), date(2026, 3, 31), "month").empty
