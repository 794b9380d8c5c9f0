"""Datetimes, dates, timeframes and durations as people write them, read into UTC: the one
import for callers. The work is done in ``zones`` (which zone a text names), ``datetimes`` (one
datetime or date) and ``timeframes`` (a start and an end; a duration). Pure: no I/O.
"""

from pmkit.normalize.datetimes import (
    MAX_YEAR,
    MIN_YEAR,
    TimeParse,
    parse_date,
    parse_datetime,
    to_local,
)
from pmkit.normalize.timeframes import parse_duration_minutes, parse_timeframe
from pmkit.normalize.zones import ZONES, find_tz_hint, resolve_zone

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "ZONES",
    "TimeParse",
    "find_tz_hint",
    "parse_date",
    "parse_datetime",
    "parse_duration_minutes",
    "parse_timeframe",
    "resolve_zone",
    "to_local",
]
