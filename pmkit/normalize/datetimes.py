"""Datetimes and dates as people write them, read into naive UTC.

Postmortems write ``2026-03-04 14:05 UTC``, ``Mar 4, 2026 2:05 PM PST``, ``[08:47]`` under a dated
heading, ``12:45 PM PST Saturday Oct 30th``. python-dateutil reads the date and clock parts; this
module only cleans the text first, has the zone found (``pmkit.normalize.zones``) and converts to
naive UTC. Anything that cannot be read is ``None``, never a guess. Results are cached: the same
strings recur across a corpus. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from dateutil import parser as du_parser

from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.zones import UTC_TZ, Zone, extract_zone, resolve_zone

MIN_YEAR = 1970
MAX_YEAR = 2100
_MAX_LEN = 120
"""A datetime field longer than this is prose, not a timestamp (and would bloat the caches)."""


@dataclass(frozen=True)
class TimeParse:
    """A datetime read from text, and how much of it the text actually said."""

    at: datetime
    """Naive UTC. Midnight of the date, unconverted, when the text gave no time."""
    has_date: bool
    """False when the date came from ``base_date``."""
    has_time: bool
    assumed_utc: bool
    """True when neither the text nor a tz hint named a zone."""
    tz: str | None
    """The zone as written (``PST``, ``UTC``, ``+02:00``, the hint), None when assumed."""


_DOTTED_CLOCK = re.compile(r"^(\d{1,2})\.([0-5]\d)(\s*[ap]m)?$", re.I)
"""``14.05`` and ``2.05pm``: a clock with a dot, never a day or a decimal hour."""
_NOISE_WORDS = ("approx", "around", "about", "circa")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.I)
_NOISE = re.compile(r"[\[\]*_`]|~|\bapprox(?:imately|\.)?\b|\baround\b|\babout\b|\bcirca\b", re.I)
_AT_WORD = re.compile(r"\b(?:at|on|@)\b|(?<=\s)@(?=\s)", re.I)
_EDGE_PUNCT = re.compile(r"^[\s\-–—:,;.()]+|[\s\-–—:,;(]+$")
_SPACES = re.compile(r"\s+")
_BAD_AMPM = re.compile(r"\b(1[3-9]|2[0-3])(:\d{2}(?::\d{2})?)\s*(?:[ap]\.?m\.?)(?![a-z])", re.I)
_DOTTED_AMPM = re.compile(r"\b([ap])\.m\.?(?![a-z])", re.I)
_MILITARY = re.compile(r"^(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?:\s*h(?:rs)?)?$")
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?$"
)
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?$")
_SAFE_SKIPPED = re.compile(
    r"^[\s,;:()\-–—/]*(?:local|time|hrs|h|the|of|and|approx)?[\s,;:()\-–—/]*$", re.I
)

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_CLOCK_TAIL = r"(?:,?\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ap>[ap]m))?)?$"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_MONTH_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<mon>[a-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}){_CLOCK_TAIL}",
    re.I,
)
_DAY_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})\s+(?P<mon>[a-z]{{3,9}})\.?,?\s+(?P<y>\d{{4}}){_CLOCK_TAIL}",
    re.I,
)
"""Fast paths for ``March 4, 2026 14:05`` and ``4 Mar 2026 2:05 pm``: the same reading as
dateutil (a test checks that), without its tokenizer on the formats a corpus repeats most."""
_CLOCK_AMPM = re.compile(
    r"^(?:(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2}),? )?"
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?(?: ?(?P<ap>[AaPp][Mm]))?$"
)
"""Fast path for ``2:05 PM``, ``2026-03-04 2:05 PM`` and ``2026-03-04, 14:05``, read as dateutil
reads them (a test checks that) when every part is in range; anything else goes to dateutil."""


class _Parts(NamedTuple):
    """What the text said; None for the parts it did not give."""

    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int
    second: int
    weekday: int | None = None
    """Monday = 0; only kept when no day was given (``Sunday 14:05``)."""


def _month_name_fields(match: re.Match[str]) -> _Parts:
    hour = int(match.group("h")) if match.group("h") else None
    ampm = (match.group("ap") or "").lower()
    if hour is not None and ampm:
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
    return _Parts(
        int(match.group("y")),
        _MONTHS[match.group("mon").lower()],
        int(match.group("d")),
        hour,
        int(match.group("mi") or 0),
        int(match.group("s") or 0),
    )


def _clock_ampm_fields(match: re.Match[str]) -> _Parts | None:
    """:data:`_CLOCK_AMPM`'s reading, None when a part is out of range (dateutil then decides)."""
    hour, minute = int(match.group("h")), int(match.group("mi"))
    second = int(match.group("s") or 0)
    ampm = (match.group("ap") or "").lower()
    if minute > 59 or second > 59 or hour > (12 if ampm else 23):
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if match.group("y") is None:
        return _Parts(None, None, None, hour, minute, second)
    year, month, day = int(match.group("y")), int(match.group("mo")), int(match.group("d"))
    try:
        date(year, month, day)
    except ValueError:
        return None
    return _Parts(year, month, day, hour, minute, second)


_UNKNOWN_CLOCK = re.compile(r"(?:--|\?\?|[xX]{2}|HH|hh):(?:--|\?\?|[xX]{2}|MM|mm)")
"""``2019-12-03 --:--``: the writer says the time is unknown; midnight would be a guess."""

_PARSER: Any = du_parser.parser()
"""dateutil's parser; ``_parse`` (its reading before defaults fill the parts not written, which
the stubs do not declare) says which parts the text gave."""


def _clean(text: str) -> str:
    """Brackets, emphasis, ``approx``, ordinals, ``at``, ``p.m.``, ``13:55 PM``; cheap guards
    skip the substitutions a string cannot need."""
    lowered = text.lower()
    value = text
    if any(c in value for c in "[]*_`~") or any(w in lowered for w in _NOISE_WORDS):
        value = _NOISE.sub(" ", value)
    if any(w in lowered for w in ("st", "nd", "rd", "th")):
        value = _ORDINAL.sub("", value)
    if "at" in lowered or "on" in lowered or "@" in value:
        value = _AT_WORD.sub(" ", value)
    if "m" in lowered:
        if ".m" in lowered:
            value = _DOTTED_AMPM.sub(r"\1m", value)
        value = _BAD_AMPM.sub(r"\1\2", value)
    value = _EDGE_PUNCT.sub("", _SPACES.sub(" ", value))
    dotted = _DOTTED_CLOCK.match(value)
    if dotted:
        value = f"{dotted.group(1)}:{dotted.group(2)}{dotted.group(3) or ''}"
    return value


@dataclass(frozen=True)
class LocalReading:
    """Wall-clock reading before conversion; timeframes (``pmkit.normalize.timeframes``) need
    the local date."""

    local: datetime
    zone: Zone | None
    has_date: bool
    has_time: bool
    has_zone: bool


def _valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def _fields(text: str) -> _Parts | None:
    """The date and clock parts of ``text`` (zone already removed); None when unreadable."""
    match = _ISO.match(text)
    if match:
        hour = match.group("h")
        return _Parts(
            int(match.group("y")),
            int(match.group("mo")),
            int(match.group("d")),
            int(hour) if hour is not None else None,
            int(match.group("mi") or 0),
            int(match.group("s") or 0),
        )
    match = _CLOCK.match(text) or _MILITARY.match(text)
    if match:
        groups = match.groupdict()
        return _Parts(
            None,
            None,
            None,
            int(groups["h"]),
            int(groups.get("mi") or groups.get("m") or 0),
            int(groups.get("s") or 0),
        )
    if text.isdigit():
        return None  # a bare number is a year, a count or an id: not a datetime
    match = _MONTH_FIRST.match(text) or _DAY_FIRST.match(text)
    if match and match.group("mon").lower() in _MONTHS:
        return _month_name_fields(match)
    match = _CLOCK_AMPM.match(text)
    if match:
        fast = _clock_ampm_fields(match)
        if fast is not None:
            return fast
    try:
        result = _PARSER._parse(text)[0]
    except (ValueError, OverflowError, TypeError):
        result = None
    if result is None:
        try:
            result, skipped = _PARSER._parse(text, fuzzy_with_tokens=True)
        except (ValueError, OverflowError, TypeError):
            return None
        if result is None or not all(_SAFE_SKIPPED.match(token) for token in skipped or ()):
            return None
    if result.tzname or result.tzoffset is not None:
        return None  # a zone word we do not know: do not let dateutil guess it
    if result.hour is None and result.day is None:
        return None
    if (result.day is None) != (result.month is None):
        return None  # "March 2026" or "14.05" read as a day: not a date
    if result.weekday is not None and result.day is None:
        return _Parts(None, None, None, result.hour, result.minute or 0, 0, result.weekday)
    return _Parts(
        result.year,
        result.month,
        result.day,
        result.hour,
        result.minute or 0,
        result.second or 0,
    )


@lru_cache(maxsize=32768)
def read_local(text: str, base_date: date | None, tz_hint: str | None) -> LocalReading | None:
    """The wall-clock reading of ``text`` and the zone it names (or ``tz_hint``); None when
    unreadable."""
    if not text or len(text) > _MAX_LEN:
        return None
    if text.endswith(")") and "(" in text:
        # "14:05 UTC (16:05 CEST)", "14:05 (approx)": the part before the brackets is the time
        head = text[: text.rindex("(")].strip()
        if head and any(c.isdigit() for c in head):
            text = head
    rest, zone, has_zone = extract_zone(text)
    if has_zone and zone is None:
        return None
    if zone is None and tz_hint:
        zone = resolve_zone(tz_hint)
        if zone is None:
            return None  # a hint we cannot read: reading the time as UTC would be a guess
    cleaned = rest.strip().strip("[]*_` ")
    if not (_ISO.match(cleaned) or _CLOCK.match(cleaned)):
        cleaned = _clean(rest)
    if not cleaned:
        return None
    fields = _fields(cleaned)
    if fields is None:
        return None
    year, month, day, hour, minute, second, weekday = fields
    if weekday is not None and (base_date is None or base_date.weekday() != weekday):
        return None  # "Sunday 14:05" under a Wednesday heading: do not pick a day
    has_date = day is not None
    has_time = hour is not None
    if has_date:
        if year is None:
            if base_date is None:
                return None
            year = base_date.year
        if month is None:
            if base_date is None:
                return None
            month = base_date.month
    else:
        if base_date is None:
            return None
        year, month, day = base_date.year, base_date.month, base_date.day
    if year is None or month is None or day is None or not _valid_year(year):
        return None
    try:
        local = datetime(year, month, day, hour or 0, minute, second)
    except ValueError:
        return None
    return LocalReading(local, zone, has_date, has_time, has_zone)


def to_result(reading: LocalReading) -> TimeParse:
    """A reading converted to naive UTC (kept as written when it has no clock or no zone)."""
    if not reading.has_time or reading.zone is None:
        return TimeParse(
            at=reading.local,
            has_date=reading.has_date,
            has_time=reading.has_time,
            assumed_utc=reading.zone is None,
            tz=reading.zone.name if reading.zone else None,
        )
    if reading.zone.tzinfo is UTC_TZ:
        at = reading.local  # astimezone to its own zone returns the time itself
    else:
        aware = reading.local.replace(tzinfo=reading.zone.tzinfo)
        at = aware.astimezone(UTC_TZ).replace(tzinfo=None)
    return TimeParse(
        at=at,
        has_date=reading.has_date,
        has_time=True,
        assumed_utc=False,
        tz=reading.zone.name,
    )


def parse_datetime(
    text: str, *, base_date: date | None = None, tz_hint: str | None = None
) -> TimeParse | None:
    """Read one datetime (or time, with ``base_date``; or date) into naive UTC.

    ``tz_hint``: the zone the document says its times are in (see ``find_tz_hint``); a zone written
    next to the time wins; a hint that names no known zone gives None. No zone at all: read as
    UTC, ``assumed_utc=True``. A date with a masked time (``2019-12-03 --:--``) is None: use
    ``parse_date`` for its date.
    """
    if text is None or len(text) > _MAX_LEN:
        return None
    return _parse_datetime(text, base_date, tz_hint)


_DURATION_SHAPED = re.compile(
    r"^[\s(~]*(?:\d+(?:\.\d+)?\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
    r"(?![a-z])[\s,]*(?:and\s+)?)+\)?$",
    re.I,
)
"""``2h 30m``, ``45 minutes``: how long something took; dateutil would read ``2h 30m`` as 02:30."""


@lru_cache(maxsize=32768)
def _parse_datetime(text: str, base_date: date | None, tz_hint: str | None) -> TimeParse | None:
    if _UNKNOWN_CLOCK.search(text):
        return None
    if _DURATION_SHAPED.match(text) and not _MILITARY.match(text.strip()):
        return None
    reading = read_local(text.strip(), base_date, tz_hint)
    return to_result(reading) if reading else None


def to_local(at: datetime, tz: str | None) -> datetime:
    """A naive UTC time back on the wall clock of the zone it was written in (``PST``,
    ``US/Pacific``, ``+02:00``): the day a reader of the document sees. Unchanged for UTC or an
    unknown zone."""
    zone = resolve_zone(tz) if tz else None
    if zone is None or zone.tzinfo is UTC_TZ:
        return at
    return at.replace(tzinfo=UTC_TZ).astimezone(zone.tzinfo).replace(tzinfo=None)


def parse_date(text: str) -> date | None:
    """A calendar date with day, month and year (due dates); placeholders and partial dates: None."""
    if text is None or len(text) > _MAX_LEN:
        return None
    return _parse_date(text)


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> date | None:
    if is_placeholder(text):
        return None
    reading = read_local(text.strip(), None, None)
    if reading is None or not reading.has_date:
        return None
    return reading.local.date()
