"""parse_datetime / parse_date / parse_timeframe / parse_duration_minutes / find_tz_hint tables.

Every expected value is naive UTC. Real-corpus formats first, then zones, DST, midnight and the
invalid inputs that must give None rather than a guess.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit.normalize import datetimes
from pmkit.normalize.times import (
    find_tz_hint,
    parse_date,
    parse_datetime,
    parse_duration_minutes,
    parse_timeframe,
    resolve_zone,
)
from pmkit.normalize.zones import UTC_TZ

BASE = date(2021, 10, 30)  # a Saturday
BASE2 = date(2026, 3, 4)  # a Wednesday


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# text, base_date, tz_hint -> at (UTC), has_date, has_time, assumed_utc, tz
FULL_CASES = [
    ("2026-03-04T14:05:00Z", None, None, "2026-03-04T14:05", True, True, False, "Z"),
    ("2026-03-04T14:05:00+02:00", None, None, "2026-03-04T12:05", True, True, False, "+02:00"),
    ("2026-03-04T14:05", None, None, "2026-03-04T14:05", True, True, True, None),
    ("2026-03-04 14:05 UTC", None, None, "2026-03-04T14:05", True, True, False, "UTC"),
    ("2026-03-04 14:05 utc", None, None, "2026-03-04T14:05", True, True, False, "UTC"),
    ("Mar 4, 2026 2:05 PM PST", None, None, "2026-03-04T22:05", True, True, False, "PST"),
    ("Feb-05-2022 10:30am", None, None, "2022-02-05T10:30", True, True, True, None),
    ("2019-11-30 08:24", None, "CET", "2019-11-30T07:24", True, True, False, "CET"),
    ("[08:47]", BASE, None, "2021-10-30T08:47", False, True, True, None),
    ("08:47", BASE, None, "2021-10-30T08:47", False, True, True, None),
    ("**16:58 UTC**", BASE, None, "2021-10-30T16:58", False, True, False, "UTC"),
    ("1625", BASE, None, "2021-10-30T16:25", False, True, True, None),
    ("2:54 PM PST", BASE, None, "2021-10-30T22:54", False, True, False, "PST"),
    ("12:45 PM PST Saturday Oct 30th", BASE, None, "2021-10-30T20:45", True, True, False, "PST"),
    ("16:22 PST", BASE, None, "2021-10-31T00:22", False, True, False, "PST"),
    ("0:59 CET", BASE, None, "2021-10-29T23:59", False, True, False, "CET"),
    ("Jan 14, 10:18 AM", BASE, None, "2021-01-14T10:18", True, True, True, None),
    ("2017-11-30 4:23PM PST", None, None, "2017-12-01T00:23", True, True, False, "PST"),
    ("4:49 AM", BASE, "PST", "2021-10-30T12:49", False, True, False, "PST"),
    ("2026-03-04 at 14:05", None, None, "2026-03-04T14:05", True, True, True, None),
    ("14:05 (approx)", BASE, None, "2021-10-30T14:05", False, True, True, None),
    ("~14:05", BASE, None, "2021-10-30T14:05", False, True, True, None),
    ("13:55 PM", BASE, None, "2021-10-30T13:55", False, True, True, None),
    ("2:05 p.m.", BASE, None, "2021-10-30T14:05", False, True, True, None),
    # dates alone: midnight, not converted
    ("2026-03-04", None, None, "2026-03-04T00:00", True, False, True, None),
    ("March 4th, 2026", None, None, "2026-03-04T00:00", True, False, True, None),
    ("January 23rd, 2019", None, None, "2019-01-23T00:00", True, False, True, None),
    ("04/03/2026", None, None, "2026-04-03T00:00", True, False, True, None),
    ("2026/03/04", None, None, "2026-03-04T00:00", True, False, True, None),
    # zones
    ("14:05 UTC+2", BASE, None, "2021-10-30T12:05", False, True, False, "UTC+2"),
    ("14:05 GMT-5", BASE, None, "2021-10-30T19:05", False, True, False, "GMT-5"),
    ("14:05 GMT", BASE, None, "2021-10-30T14:05", False, True, False, "GMT"),
    ("2026-03-04 14:05 -0800", None, None, "2026-03-04T22:05", True, True, False, "-08:00"),
    ("2026-01-04 14:05 IST", None, None, "2026-01-04T08:35", True, True, False, "IST"),
    ("2026-07-04 14:05 BST", None, None, "2026-07-04T13:05", True, True, False, "BST"),
    ("2026-07-04 14:05 CEST", None, None, "2026-07-04T12:05", True, True, False, "CEST"),
    ("2026-07-04 14:05 EDT", None, None, "2026-07-04T18:05", True, True, False, "EDT"),
    ("2026-01-04 14:05 EST", None, None, "2026-01-04T19:05", True, True, False, "EST"),
    ("2026-01-04 14:05 CST", None, None, "2026-01-04T20:05", True, True, False, "CST"),
    ("2026-07-04 14:05 MDT", None, None, "2026-07-04T20:05", True, True, False, "MDT"),
    # PT / ET follow daylight saving by date
    ("2026-07-04 14:05 PT", None, None, "2026-07-04T21:05", True, True, False, "PT"),
    ("2026-01-04 14:05 PT", None, None, "2026-01-04T22:05", True, True, False, "PT"),
    ("2026-07-04 14:05 ET", None, None, "2026-07-04T18:05", True, True, False, "ET"),
    ("2026-01-04 14:05 ET", None, None, "2026-01-04T19:05", True, True, False, "ET"),
    ("14:05", date(2026, 7, 1), "US/Pacific", "2026-07-01T21:05", False, True, False, "US/Pacific"),
    ("2:05 PM Pacific", date(2026, 1, 5), None, "2026-01-05T22:05", False, True, False, "Pacific"),
    # US DST starts 2026-03-08 02:00 local
    ("2026-03-07 12:00 PT", None, None, "2026-03-07T20:00", True, True, False, "PT"),
    ("2026-03-08 12:00 PT", None, None, "2026-03-08T19:00", True, True, False, "PT"),
    # a zone written next to the time wins over the document's hint
    ("14:05 UTC", BASE, "PST", "2021-10-30T14:05", False, True, False, "UTC"),
    ("14:05 UTC (16:05 CEST)", BASE, None, "2021-10-30T14:05", False, True, False, "UTC"),
    ("2.05pm", BASE, None, "2021-10-30T14:05", False, True, True, None),
    ("14.05 UTC", BASE, None, "2021-10-30T14:05", False, True, False, "UTC"),
    ("Saturday 14:05", BASE, None, "2021-10-30T14:05", False, True, True, None),
    (
        "Tuesday, March 4, 2026 at 2:05 PM EST",
        None,
        None,
        "2026-03-04T19:05",
        True,
        True,
        False,
        "EST",
    ),
    ("2026-03-04T14:05:00.123Z", None, None, "2026-03-04T14:05", True, True, False, "Z"),
    # midnight and day boundaries
    ("00:00", BASE, None, "2021-10-30T00:00", False, True, True, None),
    ("12:00 AM", BASE, None, "2021-10-30T00:00", False, True, True, None),
    ("12:00 PM", BASE, None, "2021-10-30T12:00", False, True, True, None),
    ("23:59 PST", date(2021, 12, 31), None, "2022-01-01T07:59", False, True, False, "PST"),
    ("2024-02-29 10:00", None, None, "2024-02-29T10:00", True, True, True, None),
]


@pytest.mark.parametrize(
    ("text", "base", "hint", "at", "has_date", "has_time", "assumed", "tz"), FULL_CASES
)
def test_parse_datetime(
    text: str,
    base: date | None,
    hint: str | None,
    at: str,
    has_date: bool,
    has_time: bool,
    assumed: bool,
    tz: str | None,
) -> None:
    got = parse_datetime(text, base_date=base, tz_hint=hint)
    assert got is not None, text
    assert got.at == dt(at)
    assert got.at.tzinfo is None
    assert (got.has_date, got.has_time, got.assumed_utc, got.tz) == (
        has_date,
        has_time,
        assumed,
        tz,
    )


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("", BASE),
        ("08:47", None),  # a time without any date
        ("Jan 14, 10:18 AM", None),  # no year anywhere
        ("2026-02-30", None),
        ("2023-02-29 10:00", None),
        ("99:99", BASE),
        ("25:00", BASE),
        ("24:00", BASE),
        ("14:60", BASE),
        ("1969-12-31", None),
        ("2101-01-01", None),
        ("2026-03-04 14:05 XYZ", None),  # an unknown zone is not guessed
        ("14:05 UTC+25", BASE),
        ("2019", None),  # a bare year is not a datetime
        ("2460", BASE),  # not a valid military time
        ("March 2026", None),
        ("Outage began 14:05", BASE),
        ("HH:MM", BASE),
        ("[HH:MM]", BASE),
        ("YYYY-MM-DD HH:MM", None),
        ("yesterday", BASE),
        ("TBD", BASE),
        ("2019-12-03 --:--", None),  # the time is unknown: midnight would be a guess
        ("2019-12-03 ??:??", None),
        ("Sunday 14:05", BASE2),  # BASE2 is a Wednesday
        ("14 14:05", BASE),
    ],
)
def test_parse_datetime_rejects(text: str, base: date | None) -> None:
    assert parse_datetime(text, base_date=base) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("Mar 4 2026", date(2026, 3, 4)),
        ("2026/03/04", date(2026, 3, 4)),
        ("04 Mar 2026", date(2026, 3, 4)),
        ("March 4th, 2026", date(2026, 3, 4)),
        ("03/04/2026", date(2026, 3, 4)),
        ("**2026-03-04**", date(2026, 3, 4)),
        ("2026-03-04 14:05 UTC", date(2026, 3, 4)),
        ("2019-12-03 --:--", date(2019, 12, 3)),
        ("YYYY-MM-DD", None),
        ("[Date]", None),
        ("TBD", None),
        ("", None),
        ("Q2 2026", None),
        ("March 2026", None),
        ("2026-02-30", None),
        ("next sprint", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "base", "start", "end"),
    [
        ("14:05 to 16:35 (2h 30m)", BASE2, "2026-03-04T14:05", "2026-03-04T16:35"),
        ("2026-03-04 14:05 - 16:35 UTC", None, "2026-03-04T14:05", "2026-03-04T16:35"),
        (
            "2026-03-04 14:05 UTC \u2013 2026-03-05 01:10 UTC",
            None,
            "2026-03-04T14:05",
            "2026-03-05T01:10",
        ),
        ("March 4, 2026, 14:05\u201316:35 UTC", None, "2026-03-04T14:05", "2026-03-04T16:35"),
        ("2026-03-04 23:10 to 01:20", None, "2026-03-04T23:10", "2026-03-05T01:20"),
        ("23:10 - 01:20 PST", BASE2, "2026-03-05T07:10", "2026-03-05T09:20"),
        ("10:30am-11:45am", BASE2, "2026-03-04T10:30", "2026-03-04T11:45"),
        ("14:05-16:35", BASE2, "2026-03-04T14:05", "2026-03-04T16:35"),
        (
            "2026-03-04 14:05 PST to 2026-03-04 15:00 UTC",
            None,
            "2026-03-04T22:05",
            "2026-03-04T15:00",
        ),
    ],
)
def test_parse_timeframe(text: str, base: date | None, start: str, end: str) -> None:
    got_start, got_end = parse_timeframe(text, base_date=base)
    assert got_start is not None and got_end is not None
    assert got_start.at == dt(start)
    assert got_end.at == dt(end)


def test_parse_timeframe_end_takes_start_date() -> None:
    start, end = parse_timeframe("2026-03-04 14:05 - 16:35 UTC")
    assert start is not None and end is not None
    assert end.has_date is True
    assert end.tz == "UTC" and start.tz == "UTC"


@pytest.mark.parametrize(
    "text",
    ["[Start time] to [End time] ([Total duration])", "", "TBD", "YYYY-MM-DD HH:MM"],
)
def test_parse_timeframe_placeholders(text: str) -> None:
    assert parse_timeframe(text, base_date=BASE2) == (None, None)


def test_parse_timeframe_single_value() -> None:
    start, end = parse_timeframe("2026-03-04 14:05 UTC")
    assert start is not None and start.at == dt("2026-03-04T14:05")
    assert end is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2h 30m", 150.0),
        ("(2h 30m)", 150.0),
        ("0h 16m", 16.0),
        ("02:30", 150.0),
        ("1:02:30", 62.5),
        ("45 minutes", 45.0),
        ("1 day 3 hours", 1620.0),
        ("90 min", 90.0),
        ("1.5 hours", 90.0),
        ("2h30m", 150.0),
        ("~2 hours", 120.0),
        ("2 hours and 30 minutes", 150.0),
        ("approximately 3 hrs", 180.0),
        ("30 seconds", 0.5),
        ("3 days", 4320.0),
        ("HH:MM", None),
        ("[Total duration]", None),
        ("TBD", None),
        ("", None),
        (None, None),
        ("5 minutes after the deploy", None),
        ("ongoing", None),
        ("2026-03-04", None),
    ],
)
def test_parse_duration_minutes(text: str | None, minutes: float | None) -> None:
    assert parse_duration_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("All times in PST", "PST"),
        ("Timeline (all times PST )", "PST"),
        ("Timeline (all times PST) 02/13/2025 - 02/19/2025.", "PST"),
        ("Time (UTC)", "UTC"),
        ("Timeline (UTC)", "UTC"),
        ("Date and Time in CET", "CET"),
        ("All times US/Pacific, 24-hour clock.", "US/Pacific"),
        ("All times PDT.", "PDT"),
        ("Time (PT)", "PT"),
        ("## Timeline (all times utc) Monday", "UTC"),
        ("All times are in UTC+2", "UTC+2"),
        ("All times Pacific", "Pacific"),
        ("Timeline (all times PT)", "PT"),
        ("Timeline", None),
        ("All times approximate", None),
        ("The root cause was a bad config", None),
        ("", None),
    ],
)
def test_find_tz_hint(text: str, zone: str | None) -> None:
    assert find_tz_hint(text) == zone


def test_hint_names_resolve() -> None:
    for name in ("PST", "UTC", "CET", "US/Pacific", "PT", "UTC+2", "+05:30", "ist"):
        assert resolve_zone(name) is not None, name
    assert resolve_zone("Mars/Olympus") is None
    assert resolve_zone("XYZ") is None


# --- properties -----------------------------------------------------------------------------

_MONTH_NAMES = ["Jan", "February", "Mar", "april", "May", "Jun", "July", "Aug", "Sept", "Oct"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    day=st.integers(1, 28),
    month=st.sampled_from(_MONTH_NAMES),
    year=st.integers(1971, 2099),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    shape=st.sampled_from(
        ["{m} {d}, {y} {H}:{M:02d}", "{d} {m} {y} {H}:{M:02d}", "{m} {d} {y}, {h}:{M:02d} {ap}"]
    ),
)
def test_month_name_fast_path_agrees_with_dateutil(
    day: int, month: str, year: int, hour: int, minute: int, shape: str
) -> None:
    h12 = hour % 12 or 12
    ap = "PM" if hour >= 12 else "AM"
    text = shape.format(m=month, d=day, y=year, H=hour, M=minute, h=h12, ap=ap)
    fast = datetimes._fields(text)
    slow = datetimes._PARSER._parse(text)[0]
    assert slow is not None
    assert fast is not None
    assert fast[:6] == (slow.year, slow.month, slow.day, slow.hour, slow.minute or 0, 0)


@pytest.mark.parametrize("day", ["", "2026-03-04 ", "2024-02-29, ", "2026-12-31, "])
@pytest.mark.parametrize("ampm", ["", " AM", " PM", "am", "pm", " pM"])
def test_clock_fast_path_agrees_with_dateutil(day: str, ampm: str) -> None:
    """``2:05 PM``, ``2026-03-04 2:05 PM``, ``2026-03-04, 14:05``: every clock the fast path
    reads is read as dateutil reads it (out of range, it leaves the text to dateutil)."""
    checked = 0
    for hour in range(25):
        for minute, second in ((0, None), (5, None), (59, 7), (60, None), (30, 60)):
            clock = f"{hour}:{minute:02d}" + (f":{second:02d}" if second is not None else "")
            for text in {f"{day}{clock}{ampm}", f"{day}{hour:02d}{clock[len(str(hour)) :]}{ampm}"}:
                match = datetimes._CLOCK_AMPM.match(text)
                fast = datetimes._clock_ampm_fields(match) if match else None
                if fast is None:
                    continue
                slow = datetimes._PARSER._parse(text)[0]
                assert slow is not None, text
                want = (slow.year, slow.month, slow.day, slow.hour, slow.minute, slow.second or 0)
                assert fast[:6] == want, text
                checked += 1
    assert checked >= 40


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["UTC", "PST", "CET", "IST", "PT", "ET", "UTC+2", "GMT-5"]),
)
def test_iso_with_zone_round_trips(moment: datetime, zone: str) -> None:
    moment = moment.replace(second=0, microsecond=0)
    got = parse_datetime(f"{moment:%Y-%m-%d %H:%M} {zone}")
    assert got is not None
    tzinfo = resolve_zone(zone)
    assert tzinfo is not None
    expected = moment.replace(tzinfo=tzinfo.tzinfo).astimezone(UTC_TZ)
    assert got.at == expected.replace(tzinfo=None)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("14:05 pst", "PST"), ("14:05 Utc", "UTC"), ("we met at 14:05", None), ("14:05 west", None)],
)
def test_zone_words_and_case(text: str, zone: str | None) -> None:
    got = parse_datetime(text, base_date=BASE)
    if zone is None:
        assert got is None or got.tz is None
    else:
        assert got is not None and got.tz == zone


def test_unknown_tz_hint_is_not_read_as_utc() -> None:
    base = date(2026, 3, 4)
    assert parse_datetime("10:00", base_date=base, tz_hint="Zurich local") is None
    # a zone written next to the time still wins over any hint
    tp = parse_datetime("10:00 UTC", base_date=base, tz_hint="Zurich local")
    assert tp is not None and tp.at == datetime(2026, 3, 4, 10, 0)
