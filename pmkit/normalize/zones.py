"""Time zones as postmortems write them: ``PST``, ``utc``, ``UTC+2``, ``+05:30``, ``US/Pacific``,
``Pacific``, and the document-wide hint (``All times in PST``).

dateutil reads ``UTC+2`` the POSIX way (backwards), so the zone is found here and taken out of the
text before the date and clock are read (``pmkit.normalize.datetimes``). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from functools import lru_cache

from dateutil import tz as du_tz


def _fixed(hours: float) -> tzinfo:
    return du_tz.tzoffset(None, int(hours * 3600))


UTC_TZ = du_tz.UTC
ZONES: dict[str, tzinfo] = {
    "UTC": UTC_TZ,
    "GMT": UTC_TZ,
    "Z": UTC_TZ,
    "UT": UTC_TZ,
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

REGIONAL = {
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

_ABBREVIATIONS = sorted([*ZONES, *REGIONAL], key=len, reverse=True)
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
_ZONE_WORD_RE = re.compile(
    r"\b(?=[A-Za-z])(?:"
    + "|".join(sorted(_ZONE_WORDS, key=len, reverse=True))
    + "|(?ai:"
    + "|".join(sorted(_ANY_CASE_ZONES, key=len, reverse=True))
    + r"))\b"
)
"""The first word of ``_WORD_RE`` that is in ``_ZONE_WORDS`` or, in any case, in
``_ANY_CASE_ZONES``: one search instead of a Python loop over every word of the text (the
lookahead skips the alternatives where no word starts: most of a time's characters)."""
_ANY_CASE_ABBR = "UTC|GMT|PST|PDT|EST|EDT|CST|CDT|MST|MDT|CET|CEST|BST|IST"
_TZ_HINT_RE = re.compile(
    r"\b(?:all\s+times?|times?|timeline|timestamps?|clock)\b[^.\n|]{0,25}?"
    rf"(?P<zone>\b(?:UTC|GMT)\s*[+-]\s*\d{{1,2}}(?::?\d{{2}})?\b|\b(?-i:{_ZONE_ABBR})\b"
    rf"|\b(?:{_ANY_CASE_ABBR})\b"
    r"|\b(?:US|America|Europe|Asia|Australia)/[A-Za-z_]+|\b(?-i:Pacific|Eastern)\b)",
    re.I,
)


@dataclass(frozen=True)
class Zone:
    """A zone as written (``name``) and the tzinfo it means."""

    name: str
    tzinfo: tzinfo


@lru_cache(maxsize=256)
def resolve_zone(name: str | None) -> Zone | None:
    """``PST``, ``utc``, ``UTC+2``, ``+05:30``, ``US/Pacific``, ``Pacific`` -> a zone, else None."""
    if not name:
        return None
    text = name.strip().strip("()[]").strip()
    upper = text.upper()
    if upper in ZONES:
        return Zone(upper, ZONES[upper])
    if upper in REGIONAL:
        zone = du_tz.gettz(REGIONAL[upper])
        return Zone(upper if len(upper) <= 4 else text, zone) if zone else None
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?", upper)
    if match:
        sign = -1 if match.group(1) in "-−" else 1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            return None
        return Zone(text, du_tz.tzoffset(None, sign * (hours * 3600 + minutes * 60)))
    if "/" in text:
        zone = du_tz.gettz(text)
        return Zone(text, zone) if zone else None
    return None


def extract_zone(text: str) -> tuple[str, Zone | None, bool]:
    """Remove the first zone mention; returns the rest, the zone, and whether one was written.

    A written zone that cannot be resolved (``UTC+25``) returns found=True with no zone, so the
    caller gives up instead of guessing.
    """
    found = find_zone(text)
    if found is None:
        return text, None, False
    begin, end, zone = found
    rest = text[:begin] + " " + text[end:]
    return rest, zone, True


def find_zone(text: str) -> tuple[int, int, Zone | None] | None:
    """Where the zone is written: ``UTC+2``, then ``US/Pacific``, then ``PST``, then ``+02:00``."""
    match = _OFFSET_RE.search(text) if ("UTC" in text.upper() or "GMT" in text.upper()) else None
    if match:
        sign = "-" if match.group("sign") in "-−" else "+"
        zone = resolve_zone(f"UTC{sign}{match.group('oh')}:{match.group('om') or '00'}")
        written = match.group(0).replace(" ", "").upper()
        return match.start(), match.end(), Zone(written, zone.tzinfo) if zone else None
    if "/" in text:
        match = _REGION_RE.search(text)
        if match:
            return match.start(), match.end(), resolve_zone(match.group(0))
    word = _ZONE_WORD_RE.search(text)
    if word:
        return word.start(), word.end(), resolve_zone(word.group(0))
    match = _ISO_TAIL_RE.search(text, max(0, len(text) - 8))
    if match:
        written = f"{match.group('sign')}{match.group('h')}:{match.group('m')}"
        return match.start(), match.end(), resolve_zone(written if match.group("sign") else "Z")
    return None


def find_tz_hint(text: str) -> str | None:
    """``All times in PST``, ``Timeline (all times PST )``, ``Time (UTC)`` -> ``PST``/``UTC``."""
    if not text:
        return None
    match = _TZ_HINT_RE.search(text)
    if not match:
        return None
    zone = match.group("zone")
    zone = zone.replace(" ", "")
    if "/" not in zone and zone.upper() not in REGIONAL or len(zone) <= 2:
        zone = zone.upper()
    return zone if resolve_zone(zone) else None
