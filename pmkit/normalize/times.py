"""Datetimes, dates, timeframes and durations as people write them, read into UTC.

Postmortems write ``2026-03-04 14:05 UTC``, ``Mar 4, 2026 2:05 PM PST``, ``[08:47]`` under a dated
heading, ``12:45 PM PST Saturday Oct 30th``. python-dateutil reads the date and clock parts; this
module only cleans the text first, finds the zone itself (dateutil reads ``UTC+2`` the POSIX way,
backwards) and converts to naive UTC. Anything that cannot be read is ``None``, never a guess.
Results are cached: the same strings recur across a corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from dateutil import parser as du_parser
from dateutil import tz as du_tz

from pmkit.normalize.placeholders import is_placeholder

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


def _fixed(hours: float) -> tzinfo:
    return du_tz.tzoffset(None, int(hours * 3600))


_UTC = du_tz.UTC
ZONES: dict[str, tzinfo] = {
    "UTC": _UTC,
    "GMT": _UTC,
    "Z": _UTC,
    "UT": _UTC,
    "PST": _fixed(-8),
    "PDT": _fixed(-7),
    "MST": _fixed(-7),
    "MDT": _fixed(-6),
    "CST": _fixed(-6),
    "CDT": _fixed(-5),
    "EST": _fixed(-5),
    "EDT": _fixed(-4),
    "AKST": _fixed(-9),
    "AKDT": _fixed(-8),
    "HST": _fixed(-10),
    "CET": _fixed(1),
    "CEST": _fixed(2),
    "MET": _fixed(1),
    "MEST": _fixed(2),
    "WET": _fixed(0),
    "WEST": _fixed(1),
    "EET": _fixed(2),
    "EEST": _fixed(3),
    "BST": _fixed(1),
    "IST": _fixed(5.5),
    "MSK": _fixed(3),
    "SGT": _fixed(8),
    "HKT": _fixed(8),
    "JST": _fixed(9),
    "KST": _fixed(9),
    "AEST": _fixed(10),
    "AEDT": _fixed(11),
    "NZST": _fixed(12),
    "NZDT": _fixed(13),
}
"""Abbreviation -> zone. Fixed offsets: ``PST`` means UTC-8 even in July, as written."""

_REGIONAL = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
    "PACIFIC": "America/Los_Angeles",
    "EASTERN": "America/New_York",
    "CENTRAL": "America/Chicago",
    "MOUNTAIN": "America/Denver",
}
"""Zones that follow daylight saving: the offset depends on the date."""

_ABBREVIATIONS = sorted([*ZONES, *_REGIONAL], key=len, reverse=True)
_ZONE_ABBR = "|".join(a for a in _ABBREVIATIONS if len(a) <= 4)
_OFFSET_RE = re.compile(
    r"\b(?:UTC|GMT)\s*(?P<sign>[+-−])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?\b", re.I
)
_REGION_RE = re.compile(
    r"\b(?:US|America|Europe|Asia|Australia|Africa|Pacific|Etc)/[A-Za-z_]+(?:/[A-Za-z_]+)?"
)
_WORD_RE = re.compile(r"\b[A-Za-z]{1,8}\b")
_ISO_TAIL_RE = re.compile(r"(?<=\d)\s?(?:(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})|Z)$")
_ZONE_WORDS = frozenset(
    [*(a for a in _ABBREVIATIONS if len(a) <= 4), "Pacific", "Eastern", "Central", "Mountain"]
)
_ANY_CASE_ZONES = frozenset(
    "UTC GMT PST PDT EST EDT CST CDT MST MDT CET CEST BST IST JST AEST AEDT".split()
)
"""Zones also read in lower case (``14:05 pst``); ``met``, ``wet`` and ``west`` are words."""
_ANY_CASE_ABBR = "UTC|GMT|PST|PDT|EST|EDT|CST|CDT|MST|MDT|CET|CEST|BST|IST"
_TZ_HINT_RE = re.compile(
    r"\b(?:all\s+times?|times?|timeline|timestamps?|clock)\b[^.\n|]{0,25}?"
    rf"(?P<zone>\b(?:UTC|GMT)\s*[+-]\s*\d{{1,2}}(?::?\d{{2}})?\b|\b(?-i:{_ZONE_ABBR})\b"
    rf"|\b(?:{_ANY_CASE_ABBR})\b"
    r"|\b(?:US|America|Europe|Asia|Australia)/[A-Za-z_]+|\b(?-i:Pacific|Eastern)\b)",
    re.I,
)

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


_UNKNOWN_CLOCK = re.compile(r"(?:--|\?\?|[xX]{2}|HH|hh):(?:--|\?\?|[xX]{2}|MM|mm)")
"""``2019-12-03 --:--``: the writer says the time is unknown; midnight would be a guess."""

_PARSER = du_parser.parser()


@dataclass(frozen=True)
class _Zone:
    name: str
    tzinfo: tzinfo


@lru_cache(maxsize=256)
def resolve_zone(name: str | None) -> _Zone | None:
    """``PST``, ``utc``, ``UTC+2``, ``+05:30``, ``US/Pacific``, ``Pacific`` -> a zone, else None."""
    if not name:
        return None
    text = name.strip().strip("()[]").strip()
    upper = text.upper()
    if upper in ZONES:
        return _Zone(upper, ZONES[upper])
    if upper in _REGIONAL:
        zone = du_tz.gettz(_REGIONAL[upper])
        return _Zone(upper if len(upper) <= 4 else text, zone) if zone else None
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?", upper)
    if match:
        sign = -1 if match.group(1) in "-−" else 1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            return None
        return _Zone(text, du_tz.tzoffset(None, sign * (hours * 3600 + minutes * 60)))
    if "/" in text:
        zone = du_tz.gettz(text)
        return _Zone(text, zone) if zone else None
    return None


def _extract_zone(text: str) -> tuple[str, _Zone | None, bool]:
    """Remove the first zone mention; returns the rest, the zone, and whether one was written.

    A written zone that cannot be resolved (``UTC+25``) returns found=True with no zone, so the
    caller gives up instead of guessing.
    """
    found = _find_zone(text)
    if found is None:
        return text, None, False
    begin, end, zone = found
    rest = text[:begin] + " " + text[end:]
    return rest, zone, True


def _find_zone(text: str) -> tuple[int, int, _Zone | None] | None:
    """Where the zone is written: ``UTC+2``, then ``US/Pacific``, then ``PST``, then ``+02:00``."""
    match = _OFFSET_RE.search(text) if ("UTC" in text.upper() or "GMT" in text.upper()) else None
    if match:
        sign = "-" if match.group("sign") in "-−" else "+"
        zone = resolve_zone(f"UTC{sign}{match.group('oh')}:{match.group('om') or '00'}")
        written = match.group(0).replace(" ", "").upper()
        return match.start(), match.end(), _Zone(written, zone.tzinfo) if zone else None
    if "/" in text:
        match = _REGION_RE.search(text)
        if match:
            return match.start(), match.end(), resolve_zone(match.group(0))
    for word in _WORD_RE.finditer(text):
        token = word.group(0)
        if token in _ZONE_WORDS or token.upper() in _ANY_CASE_ZONES:
            return word.start(), word.end(), resolve_zone(token)
    match = _ISO_TAIL_RE.search(text, max(0, len(text) - 8))
    if match:
        written = f"{match.group('sign')}{match.group('h')}:{match.group('m')}"
        return match.start(), match.end(), resolve_zone(written if match.group("sign") else "Z")
    return None


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
class _Local:
    """Wall-clock reading before conversion; timeframes need the local date."""

    local: datetime
    zone: _Zone | None
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
def _read(text: str, base_date: date | None, tz_hint: str | None) -> _Local | None:
    if not text or len(text) > _MAX_LEN:
        return None
    if text.endswith(")") and "(" in text:
        # "14:05 UTC (16:05 CEST)", "14:05 (approx)": the part before the brackets is the time
        head = text[: text.rindex("(")].strip()
        if head and any(c.isdigit() for c in head):
            text = head
    rest, zone, has_zone = _extract_zone(text)
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
    return _Local(local, zone, has_date, has_time, has_zone)


def _to_result(reading: _Local) -> TimeParse:
    if not reading.has_time or reading.zone is None:
        return TimeParse(
            at=reading.local,
            has_date=reading.has_date,
            has_time=reading.has_time,
            assumed_utc=reading.zone is None,
            tz=reading.zone.name if reading.zone else None,
        )
    aware = reading.local.replace(tzinfo=reading.zone.tzinfo)
    at = aware.astimezone(_UTC).replace(tzinfo=None)
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
    reading = _read(text.strip(), base_date, tz_hint)
    return _to_result(reading) if reading else None


def to_local(at: datetime, tz: str | None) -> datetime:
    """A naive UTC time back on the wall clock of the zone it was written in (``PST``,
    ``US/Pacific``, ``+02:00``): the day a reader of the document sees. Unchanged for UTC or an
    unknown zone."""
    zone = resolve_zone(tz) if tz else None
    if zone is None:
        return at
    return at.replace(tzinfo=_UTC).astimezone(zone.tzinfo).replace(tzinfo=None)


def find_tz_hint(text: str) -> str | None:
    """``All times in PST``, ``Timeline (all times PST )``, ``Time (UTC)`` -> ``PST``/``UTC``."""
    if not text:
        return None
    match = _TZ_HINT_RE.search(text)
    if not match:
        return None
    zone = match.group("zone")
    zone = zone.replace(" ", "")
    if "/" not in zone and zone.upper() not in _REGIONAL or len(zone) <= 2:
        zone = zone.upper()
    return zone if resolve_zone(zone) else None


def parse_date(text: str) -> date | None:
    """A calendar date with day, month and year (due dates); placeholders and partial dates: None."""
    if text is None or len(text) > _MAX_LEN:
        return None
    return _parse_date(text)


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> date | None:
    if is_placeholder(text):
        return None
    reading = _read(text.strip(), None, None)
    if reading is None or not reading.has_date:
        return None
    return reading.local.date()


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
    _, right_zone, right_has_zone = _extract_zone(right_text)
    _, _, left_has_zone = _extract_zone(left_text)
    left_hint = right_zone.name if (right_zone and not left_has_zone) else tz_hint
    left = _read(left_text, base_date, left_hint)
    if left is None:
        right = _read(right_text, base_date, tz_hint)
        return None, _to_result(right) if right else None
    right_hint = tz_hint if right_has_zone else (left.zone.name if left.zone else tz_hint)
    right = _read(right_text, left.local.date(), right_hint)
    if right is None:
        return _to_result(left), None
    if not right.has_date and right.local < left.local:
        right = _Local(
            right.local + timedelta(days=1),
            right.zone,
            right.has_date,
            right.has_time,
            right.has_zone,
        )
    start, end = _to_result(left), _to_result(right)
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
