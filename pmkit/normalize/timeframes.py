"""Timeframes and durations: ``14:05 to 16:35 (2h 30m)``, ``2026-03-04 14:05 UTC – 2026-03-05
01:10 UTC`` -> start and end in UTC; ``2h 30m``, ``1 day 3 hours`` -> minutes. Pure: no I/O.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pmkit.normalize.datetimes import LocalReading, TimeParse, parse_datetime, read_local, to_result
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.zones import extract_zone

_DURATION_TAIL = re.compile(
    r"\(\s*[^()]*\d+\s*(?:d|h|hr|hrs|hours?|m|mins?|minutes?)\b[^()]*\)\s*$", re.I
)
_RANGE_SPLIT = re.compile(
    r"\s+(?:to|until|till|through|thru)\s+|\s*[–—]\s*|\s+-+\s+|(?<=[\dmMZ])-(?=\s*\d{1,2}:\d{2})"
)


_BARE_CLOCK = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?![\d:])(?!\s*[ap]\.?m)", re.I
)
_MERIDIEM = re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):\d{2}(?::\d{2})?\s*(?P<ap>[ap])\.?m\b\.?", re.I)


def _share_meridiem(left: str, right: str) -> str:
    """``1:00 - 2:30 PM``: the start's clock takes the end's AM/PM when that keeps start <= end.

    ``11:00 - 1:00 PM`` stays 11:00 (11 PM would come after the end); 24-hour starts are kept.
    """
    end = _MERIDIEM.search(right)
    start = _BARE_CLOCK.search(left)
    if end is None or start is None or _MERIDIEM.search(left):
        return left
    hour = int(start.group("h"))
    if not 1 <= hour <= 12:
        return left
    pm = end.group("ap").lower() == "p"
    start_24 = hour % 12 + (12 if pm else 0)
    end_24 = int(end.group("h")) % 12 + (12 if pm else 0)
    if start_24 > end_24:
        return left
    return f"{left[: start.end()]} {'PM' if pm else 'AM'}{left[start.end() :]}"


def parse_timeframe(
    text: str, *, base_date: date | None = None, tz_hint: str | None = None
) -> tuple[TimeParse | None, TimeParse | None]:
    """``14:05 to 16:35 (2h 30m)``, ``2026-03-04 14:05 UTC – 2026-03-05 01:10 UTC`` -> start, end.

    The end takes the start's date and zone when it has none; an end before the start on the
    same day is the next day. A single datetime returns ``(start, None)``.
    """
    if not text or is_placeholder(text):
        return None, None
    value = _DURATION_TAIL.sub("", text.strip()).strip()
    parts = _RANGE_SPLIT.split(value, maxsplit=1)
    if len(parts) == 1:
        return parse_datetime(value, base_date=base_date, tz_hint=tz_hint), None
    left_text, right_text = parts[0].strip(), parts[1].strip()
    left_text = _share_meridiem(left_text, right_text)
    _, right_zone, right_has_zone = extract_zone(right_text)
    _, _, left_has_zone = extract_zone(left_text)
    left_hint = right_zone.name if (right_zone and not left_has_zone) else tz_hint
    left = read_local(left_text, base_date, left_hint)
    if left is None:
        right = read_local(right_text, base_date, tz_hint)
        return None, to_result(right) if right else None
    right_hint = tz_hint if right_has_zone else (left.zone.name if left.zone else tz_hint)
    right = read_local(right_text, left.local.date(), right_hint)
    if right is None:
        return to_result(left), None
    if not right.has_date and right.local < left.local:
        right = LocalReading(
            right.local + timedelta(days=1),
            right.zone,
            right.has_date,
            right.has_time,
            right.has_zone,
        )
    start, end = to_result(left), to_result(right)
    if left.has_date and not right.has_date:
        end = TimeParse(end.at, True, end.has_time, end.assumed_utc, end.tz)
    return start, end


_DURATION_UNIT = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])",
    re.I,
)
_DURATION_CLOCK = re.compile(r"^(?P<h>\d{1,3}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")
_DURATION_FILLER = re.compile(
    r"\b(?:and|approx(?:imately)?|about|around|roughly|total|of|impact|over|under|less than|"
    r"more than|nearly|almost|just)\b|[\s,;:()~+≈<>.]",
    re.I,
)
_UNIT_MINUTES = {"d": 1440.0, "h": 60.0, "m": 1.0, "s": 1 / 60}


def parse_duration_minutes(text: str | None) -> float | None:
    """``2h 30m``, ``(2h 30m)``, ``02:30``, ``45 minutes``, ``1 day 3 hours``, ``1.5 hours`` -> minutes."""
    if text is None or is_placeholder(text):
        return None
    value = text.strip().strip("()[]*_ ").strip()
    match = _DURATION_CLOCK.match(value)
    if match:
        minutes = int(match.group("h")) * 60 + int(match.group("m"))
        return float(minutes + int(match.group("s") or 0) / 60)
    total = 0.0
    found = False
    for unit_match in _DURATION_UNIT.finditer(value):
        unit = unit_match.group("unit").lower()
        key = "m" if unit.startswith("mi") or unit == "m" else unit[0]
        total += float(unit_match.group("n")) * _UNIT_MINUTES[key]
        found = True
    if not found:
        return None
    leftover = _DURATION_FILLER.sub("", _DURATION_UNIT.sub("", value))
    if leftover:
        return None
    return total
