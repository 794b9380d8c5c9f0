"""parse_timeframe: a range whose AM/PM is written once, at the end (``1:00 - 2:30 PM``)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pmkit.normalize.times import parse_timeframe

BASE = date(2026, 3, 4)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("1:00 - 2:30 PM", datetime(2026, 3, 4, 13, 0), datetime(2026, 3, 4, 14, 30)),
        ("10:00 - 11:30 AM", datetime(2026, 3, 4, 10, 0), datetime(2026, 3, 4, 11, 30)),
        # 11 PM would come after the end: the start stays 11:00 (morning)
        ("11:00 - 1:00 PM", datetime(2026, 3, 4, 11, 0), datetime(2026, 3, 4, 13, 0)),
        ("12:30 - 1:15 PM", datetime(2026, 3, 4, 12, 30), datetime(2026, 3, 4, 13, 15)),
        # a 24-hour start keeps its hour
        ("13:00 - 2:30 PM", datetime(2026, 3, 4, 13, 0), datetime(2026, 3, 4, 14, 30)),
        ("00:25 - 00:29 AM", datetime(2026, 3, 4, 0, 25), datetime(2026, 3, 4, 0, 29)),
        # both marked: nothing is shared
        ("11:00 PM - 1:00 AM", datetime(2026, 3, 4, 23, 0), datetime(2026, 3, 5, 1, 0)),
        # the zone after the end applies to both ends (PST = UTC-8)
        ("9:15 to 10:05 pm PST", datetime(2026, 3, 5, 5, 15), datetime(2026, 3, 5, 6, 5)),
        (
            "March 4, 2026, 1:05–4:35 PM UTC",
            datetime(2026, 3, 4, 13, 5),
            datetime(2026, 3, 4, 16, 35),
        ),
    ],
)
def test_meridiem_written_once(text: str, start: datetime, end: datetime) -> None:
    first, last = parse_timeframe(text, base_date=BASE)
    assert first is not None and last is not None
    assert (first.at, last.at) == (start, end)
