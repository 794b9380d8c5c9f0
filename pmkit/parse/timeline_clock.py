"""Reading the time that leads a timeline entry, and dating bare times.

``Clock`` keeps the current date and the last time seen, so a bare ``14:05`` takes the date of
the heading or entry above it and a timeline that crosses midnight keeps counting forward;
``split_time_prefix`` finds the time an entry starts with (``2:54 PM PST: merged``, ``**10:30**``,
``[08:47]``, ``1405 hrs``); ``timed_entries`` finds a timeline by its content. Used by
``pmkit.parse.timeline`` and ``pmkit.parse.chronology``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from pmkit.model import ParseIssue
from pmkit.normalize.times import TimeParse, parse_date, parse_datetime, to_local
from pmkit.parse.fields import field_for_key
from pmkit.parse.inline import plain
from pmkit.parse.keyvalues import split_key_value
from pmkit.parse.textdates import date_in, leading_date
from pmkit.parse.tree import ListBlock, Section

_SEPARATORS = (": ", " - ", " – ", " — ", " -- ", " | ")
_LEADING_BRACKET = re.compile(r"^\s*[\[(](?P<t>[^\])]{1,40})[\])]\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_LEADING_CODE = re.compile(r"^\s*`(?P<t>[^`]{1,40})`\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_ZONE_ONLY = re.compile(r"(?:UTC|GMT|[A-Z]{1,2}[SD]?T)[:.]?")
_LEADING_CLOCK = re.compile(
    r"^\s*(?P<t>\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[-–]\s*\d{1,2}:\d{2})?"
    r"(?:\s+(?:UTC|GMT|[A-Z]{1,2}[SD]?T))?)\s+(?P<rest>(?![AaPp]\.?[Mm]\b)[^\d\s].*)$",
    re.S,
)
_MASKED_TIME = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}\s+)?(?=[\d:X?-]*[X?])(?:[\dX?]{1,2}:[\dX?]{2}|X{1,2}|\?+)(?:\s+\(.*\))?$"
)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}$")
MASKED_DATE = re.compile(
    r"^\d{4}-(?=[\dMDX?-]*[MDX?])(?:MM|XX|\?\?|\d{1,2})-(?:DD|XX|\?\?|\d{1,2})$", re.I
)
"""``2023-MM-DD``: the writer knows the year, not the day: an event with no date read."""
_LEADING_BOLD = re.compile(r"^\s*(\*\*|__)(?P<t>[^*_]{1,60}?)\1\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_MILITARY = re.compile(
    r"^\s*(?P<t>(?:[01]\d|2[0-3])[0-5]\d)(?:\s*(?:hrs|h|Z|UTC))?\s*[:\-–—]?\s+(?P<rest>\S.*)$", re.S
)
HAS_DIGIT = re.compile(r"\d")
_ROLL_THRESHOLD = timedelta(hours=3)
NO_DATE = date(1970, 1, 1)
DAY = timedelta(days=1)
_ZERO = timedelta(0)
MAX_ROLLOVER_DAYS = 3
"""Bare times may roll past midnight onto at most this many days after the last date written;
later ones are left undated with a warning (a timeline of 24,000 bare times was once dated into
2048). A reader cannot tell the day of a bare time four midnights on either."""


@dataclass
class Clock:
    """Current date and last time seen, so bare times get a date and roll over midnight."""

    base_date: date | None
    tz_hint: str | None
    last: datetime | None = None
    issues: list[ParseIssue] = field(default_factory=list)
    over: bool = False
    """A bare time would have rolled past ``MAX_ROLLOVER_DAYS``: it was left undated."""
    pinned: bool = False
    """A note gave the day of every bare time: a dated entry does not move it."""

    def read(self, text: str, line: int | None) -> TimeParse | None:
        cleaned = clean_time_text(text)
        if not cleaned or not HAS_DIGIT.search(cleaned):
            return None
        # without a date to go with it a bare time still marks an event (stored with no timestamp)
        base = self.base_date or NO_DATE
        return parse_datetime(cleaned, base_date=base, tz_hint=self.tz_hint)

    def place(self, tp: TimeParse) -> datetime | None:
        """The event's timestamp; None for a bare time that would roll more than
        ``MAX_ROLLOVER_DAYS`` past the last date written (``over`` then says so)."""
        at = tp.at
        if tp.tz and not tp.assumed_utc:
            self.tz_hint = tp.tz  # "16:59 PST" then "17:07": the zone carries over
        if not tp.has_date and self.over:
            return None  # past the limit: bare times stay undated until a date is written
        if not tp.has_date and self.last is not None:
            behind = self.last - _ROLL_THRESHOLD - at
            if behind > _ZERO:
                # a time earlier than the last one went past midnight: the next day (or as many
                # days as it takes, computed at once: a loop was quadratic over long timelines)
                days = behind // DAY + 1
                if days > MAX_ROLLOVER_DAYS:
                    self.over = True
                    return None
                at += days * DAY
        if tp.has_date and tp.has_time and not self.pinned:
            # the day as written (in its zone), which bare times after it share
            self.base_date = to_local(at, None if tp.assumed_utc else tp.tz).date()
            self.over = False
        self.last = at
        return at


_YEARLESS_DAY = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?)$",
    re.IGNORECASE,
)


def date_only(text: str, year: int | None = None) -> date | None:
    """A heading or bullet that is just a date (``2019-01-22``, ``Saturday Oct 30th``); a day
    with no year (``15 May``, ``July 22``) takes ``year``, the timeline's current year."""
    t = plain(text).strip(" :")
    if not t or len(t) > 40 or not HAS_DIGIT.search(t):
        return None
    d = parse_date(t)
    if d is None and year is not None and _YEARLESS_DAY.match(t):
        tp = parse_datetime(t, base_date=date(year, 1, 1))
        return tp.at.date() if tp is not None and tp.has_date and not tp.has_time else None
    if d is None:
        lead = leading_date(t)
        if lead is None or not _NUMERIC_DATE.match(t):
            return None
        return lead
    tp = parse_datetime(t)
    if tp is not None and tp.has_time:
        return None
    return d


_ASIDE = re.compile(r"\s*\([^)]*\)")
_APPROX = re.compile(r"^(?:~|approx\.?|approximately|around|about|circa|ca\.)\s*", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?P<a>.+?)\s+and\s+.+$", re.IGNORECASE)
_RANGE = re.compile(
    r"^(?P<a>.*?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*(?:-|–|—|to)\s*~?\d{1,2}(?:[:.]\d{2})*(?:\s*[AaPp]\.?[Mm]\.?)?(?P<z>\s+[A-Z]{2,5})?$"
)
_TRAILING_DT = re.compile(
    r"^(?P<rest>.+?)[\s:,(\-–—]+(?P<t>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:UTC|Z|[A-Z]{2,4}T))?)\)?\s*$"
)


@lru_cache(maxsize=16384)
def clean_time_text(text: str) -> str:
    """``~16:05:00`` -> ``16:05:00``; ``16:54:15 - 17:15:31`` and ``Between 02:00 and 02:30`` -> the
    start of the range."""
    t = _APPROX.sub("", _ASIDE.sub(" ", text).strip().strip("*_[]{}() ").strip())
    m = _BETWEEN.search(t)
    if m:
        t = (t[: m.start()] + m.group("a")).strip()
    m = _RANGE.match(t)
    if m:
        t = m.group("a") + (m.group("z") or "")
    return t.strip()


def split_time_prefix(text: str, clock: Clock) -> tuple[str, TimeParse | None, str] | None:
    """``2:54 PM PST: merged`` -> (``2:54 PM PST``, parsed, ``merged``); None if no leading time."""
    s = text.strip()
    if s[:1] in "[(`*_":
        for rx in (_LEADING_BOLD, _LEADING_BRACKET, _LEADING_CODE):
            m = rx.match(s)
            if m and _MASKED_TIME.match(m.group("t").strip()) and m.group("rest").strip():
                # "[???] availability began degrading": an entry whose time is not known
                return m.group("t").strip(), None, m.group("rest").strip()
    if not s or not HAS_DIGIT.search(s[:60]):
        return None
    for rx in (_LEADING_BOLD, _LEADING_BRACKET, _LEADING_CODE):
        m = rx.match(s)
        if m and HAS_DIGIT.search(m.group("t")):
            tp = clock.read(m.group("t"), None)
            label = m.group("t").strip().rstrip(":").strip()
            if tp is not None and (tp.has_time or (tp.has_date and m.group("rest").strip())):
                return label, tp, m.group("rest").strip()
            d = date_in(label) if tp is None and m.group("rest").strip() else None
            if d is not None:
                # "**Early morning July 12th, 2018**: ...": an entry of that day, time unknown
                day = TimeParse(datetime(d.year, d.month, d.day), True, False, True, None)
                return label, day, m.group("rest").strip()
    for sep in _SEPARATORS:
        idx = s.find(sep)
        if 0 < idx <= 60:
            head = s[:idx].strip().strip("*_[]")
            if HAS_DIGIT.search(head):
                tp = clock.read(head, None)
                if tp is not None and tp.has_time:
                    return head, tp, s[idx + len(sep) :].strip()
                if (
                    tp is not None
                    and tp.has_date
                    and (_NUMERIC_DATE.match(head) or leading_date(head))
                ):
                    return head, tp, s[idx + len(sep) :].strip()
                if tp is None and _NUMERIC_DATE.match(head) and (d := leading_date(head)):
                    # "01-31-2024 - fix merged": a dated entry with no time of day
                    day = TimeParse(datetime(d.year, d.month, d.day), True, False, True, None)
                    return head, day, s[idx + len(sep) :].strip()
    m = _LEADING_CLOCK.match(s)
    if m and not _ZONE_ONLY.fullmatch(m.group("rest").strip()):
        # "13:24 PST" alone (a heading per time) is a time and its zone, read whole below
        tp = clock.read(m.group("t"), None)
        if tp is not None and tp.has_time:
            return m.group("t"), tp, m.group("rest").strip()
    m = _TRAILING_DT.match(s)
    if m:
        tp = clock.read(m.group("t"), None)
        if tp is not None and tp.has_time:
            return m.group("t"), tp, m.group("rest").strip(" :-–—")
    m = _MILITARY.match(s)
    if m:
        tp = clock.read(m.group("t"), None)
        if tp is not None and tp.has_time:
            return m.group("t"), tp, m.group("rest").strip()
    # the whole text is a time (a heading per time)
    if len(s) <= 60:
        tp = clock.read(s.strip("*_[]{} "), None)
        if tp is not None and tp.has_time:
            return s, tp, ""
    # a time the author could not pin down ("2X:XX (not sure)", "2022-02-02 X: ..."): an event
    # whose time stays unread, never guessed
    for sep in (": ", " - "):
        head, found, rest = s.partition(sep)
        if found and (
            _MASKED_TIME.match(head.strip("*_[] ")) or MASKED_DATE.match(head.strip("*_[] "))
        ):
            return head.strip("*_[] "), None, rest.strip()
    if _MASKED_TIME.match(s.strip("*_[] ")):
        return s, None, ""
    return None


def timed_entries(section: Section, limit: int = 200) -> int:
    """How many of the section's own list items or subheadings start with a time of day: a
    timeline found by its content, whatever its heading says ("Leadup", "What happened")."""
    clock = Clock(NO_DATE, None)

    def timed(text: str) -> bool:
        head = text.strip()[:80]
        if not head or not HAS_DIGIT.search(head[:40]):
            return False
        kv = split_key_value(head)
        if kv is not None and field_for_key(kv[0]):
            return False  # "- **Start Time (UTC):** 2021-01-01 00:00" is a field, not an entry
        split = split_time_prefix(head, clock)
        return split is not None and split[1] is not None and split[1].has_time

    best = 0
    for block in section.blocks:
        if isinstance(block, ListBlock) and len(block.items) >= 2:
            items = block.items[:limit]
            hits = sum(timed(plain(i.raw.partition("\n")[0])) for i in items)
            if hits >= 2 and hits * 2 >= len(items):
                best = max(best, hits)
    heads = section.children[:limit]
    hits = sum(timed(plain(c.title)) for c in heads)
    if hits >= 2 and hits * 2 >= len(heads):
        best = max(best, hits)
    return best
