"""Timeline events from whatever shape the timeline has.

Shapes seen in real corpora: a table (``| Time | Event |``), bullets (``- 2:54 PM PST: ...``),
one heading per time (``### 16:59 PST`` then paragraphs), bold or bracketed times leading a
paragraph line (``**10:30** ...``, ``[08:47] ...``), and date headings or date-only bullets that
date the bare times after them. A bare time takes the current date; a timeline that crosses
midnight keeps counting forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pmkit.model import ParseIssue, TimelineEvent
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.times import TimeParse, find_tz_hint, parse_date, parse_datetime, to_local
from pmkit.parse.blocks import (
    Block,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Table,
    block_texts,
    plain,
)
from pmkit.parse.fields import field_for_key, normalize_key
from pmkit.parse.keyvalues import split_key_value
from pmkit.parse.textdates import date_in, leading_date

_SEPARATORS = (": ", " - ", " – ", " — ", " -- ", " | ")
_LEADING_BRACKET = re.compile(r"^\s*[\[(](?P<t>[^\])]{1,40})[\])]\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_LEADING_CODE = re.compile(r"^\s*`(?P<t>[^`]{1,40})`\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_LEADING_CLOCK = re.compile(
    r"^\s*(?P<t>\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[-–]\s*\d{1,2}:\d{2})?"
    r"(?:\s+(?:UTC|GMT|[A-Z]{1,2}[SD]?T))?)\s+(?P<rest>(?![AaPp]\.?[Mm]\b)[^\d\s].*)$",
    re.S,
)
_MASKED_TIME = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}\s+)?(?=[\d:X?-]*[X?])(?:[\dX?]{1,2}:[\dX?]{2}|X{1,2}|\?+)(?:\s+\(.*\))?$"
)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}$")
_MASKED_DATE = re.compile(
    r"^\d{4}-(?=[\dMDX?-]*[MDX?])(?:MM|XX|\?\?|\d{1,2})-(?:DD|XX|\?\?|\d{1,2})$", re.I
)
"""``2023-MM-DD``: the writer knows the year, not the day: an event with no date read."""
_LEADING_BOLD = re.compile(r"^\s*(\*\*|__)(?P<t>[^*_]{1,60}?)\1\s*[:\-–—]?\s*(?P<rest>.*)$", re.S)
_MILITARY = re.compile(
    r"^\s*(?P<t>(?:[01]\d|2[0-3])[0-5]\d)(?:\s*(?:hrs|h|Z|UTC))?\s*[:\-–—]?\s+(?P<rest>\S.*)$", re.S
)
_HAS_DIGIT = re.compile(r"\d")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]{1,20}\]")
"""``2023-03-03[^3]:``: a footnote marker after a date is not part of it."""
_DATE_NOTE = re.compile(
    r"\b(?:unless otherwise (?:noted|stated|specified|indicated)|all (?:events|entries|times))\b",
    re.IGNORECASE,
)
""""Unless otherwise noted all events happened on 2019-10-21": the day of every bare time."""
_FOLLOW_UP = re.compile(r"\bfollow[\s-]*ups?\b|\bafter(?:math|wards)\b|\bpost[\s-]incident\b", re.I)
_YEAR_WRITTEN = re.compile(r"\b\d{4}\b")
_WHOLE_BOLD = re.compile(r"^\s*\*\*((?:(?!\*\*).)+)\*\*\s*$", re.S)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_ROLL_THRESHOLD = timedelta(hours=3)
_NO_DATE = date(1970, 1, 1)
_DAY = timedelta(days=1)
_ZERO = timedelta(0)
MAX_ROLLOVER_DAYS = 3
"""Bare times may roll past midnight onto at most this many days after the last date written;
later ones are left undated with a warning (a timeline of 24,000 bare times was once dated into
2048). A reader cannot tell the day of a bare time four midnights on either."""

_TIME_COLS = (
    "time",
    "date time",
    "date",
    "when",
    "timestamp",
    "date and time",
    "date time",
    "time utc",
)
_EVENT_COLS = (
    "event",
    "description",
    "what happened",
    "events",
    "details",
    "activity",
    "action",
    "summary",
    "change",
    "what",
    "notes",
    "note",
    "comment",
)
_ACTOR_COLS = ("actor", "owner", "who", "by", "person", "responder")


@dataclass
class _Clock:
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
        if not cleaned or not _HAS_DIGIT.search(cleaned):
            return None
        # without a date to go with it a bare time still marks an event (stored with no timestamp)
        base = self.base_date or _NO_DATE
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
                days = behind // _DAY + 1
                if days > MAX_ROLLOVER_DAYS:
                    self.over = True
                    return None
                at += days * _DAY
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


def _date_only(text: str, year: int | None = None) -> date | None:
    """A heading or bullet that is just a date (``2019-01-22``, ``Saturday Oct 30th``); a day
    with no year (``15 May``, ``July 22``) takes ``year``, the timeline's current year."""
    t = plain(text).strip(" :")
    if not t or len(t) > 40 or not _HAS_DIGIT.search(t):
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


def split_time_prefix(text: str, clock: _Clock) -> tuple[str, TimeParse | None, str] | None:
    """``2:54 PM PST: merged`` -> (``2:54 PM PST``, parsed, ``merged``); None if no leading time."""
    s = text.strip()
    if s[:1] in "[(`*_":
        for rx in (_LEADING_BOLD, _LEADING_BRACKET, _LEADING_CODE):
            m = rx.match(s)
            if m and _MASKED_TIME.match(m.group("t").strip()) and m.group("rest").strip():
                # "[???] availability began degrading": an entry whose time is not known
                return m.group("t").strip(), None, m.group("rest").strip()
    if not s or not _HAS_DIGIT.search(s[:60]):
        return None
    for rx in (_LEADING_BOLD, _LEADING_BRACKET, _LEADING_CODE):
        m = rx.match(s)
        if m and _HAS_DIGIT.search(m.group("t")):
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
            if _HAS_DIGIT.search(head):
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
    if m:
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
            _MASKED_TIME.match(head.strip("*_[] ")) or _MASKED_DATE.match(head.strip("*_[] "))
        ):
            return head.strip("*_[] "), None, rest.strip()
    if _MASKED_TIME.match(s.strip("*_[] ")):
        return s, None, ""
    return None


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    norm = [normalize_key(plain(h)) for h in header]
    for name in names:
        for i, h in enumerate(norm):
            if h == name or h.startswith(name + " "):
                return i
    return None


@dataclass(frozen=True)
class EventNote:
    """What the milestone reader needs of one event beyond the stored row."""

    text: str
    """The whole entry (a time heading's every paragraph, not only the first)."""
    local_day: date | None
    """The day as written in the document's zone (the UTC date can be the next day)."""
    follow_up: bool
    """From a follow-up timeline, after the incident: never a milestone."""
    assumed_utc: bool = False
    """The time was read with no zone written or stated, as UTC."""


class TimelineReader:
    def _year(self) -> int | None:
        known = self.clock.base_date or self.reference
        return known.year if known else None

    def _set_date(self, d: date) -> None:
        self.clock.base_date = d
        self.clock.last = None
        self.clock.over = False
        if self.first_date is None:
            self.first_date = d

    def __init__(self, base_date: date | None, tz_hint: str | None) -> None:
        self.clock = _Clock(base_date, tz_hint)
        self.reference = base_date
        """The document's own day: a month and day with no year more than a month after it is
        last year's ("12-05" in a March postmortem about a bug from December)."""
        self.events: list[TimelineEvent] = []
        self.notes: list[EventNote] = []
        """What the milestone reader needs to know of each event, in step with ``events``."""
        self.issues: list[ParseIssue] = []
        self.first_date: date | None = None
        """The first date written in the timeline itself (not inherited)."""
        self.follow_up = False
        """Events read now come from a follow-up timeline (after the incident)."""
        self.heading_date: date | None = None
        """A day named in a timeline heading, the first date when the entries name none."""

    def _last_year(self, tp: TimeParse, time_text: str) -> TimeParse:
        """A month-day with no year that would fall more than a month after the document's day
        is last year's (``[12-05 16:21] bug introduced`` in a March postmortem)."""
        ref = self.reference
        if ref is None or _YEAR_WRITTEN.search(time_text):
            return tp
        # the year of a day written without one is the document's, not the last entry's
        year = ref.year if tp.at.year == ref.year or abs(tp.at.year - ref.year) <= 1 else None
        if year is None:
            return tp
        try:
            at = tp.at.replace(year=year)
            if at.date() > ref + 31 * _DAY:
                at = at.replace(year=year - 1)
        except ValueError:  # 29 February
            return tp
        return TimeParse(at, tp.has_date, tp.has_time, tp.assumed_utc, tp.tz)

    def _add(
        self,
        time_text: str,
        tp: TimeParse | None,
        event: str,
        actor: str | None,
        line: int,
        full: str | None = None,
    ) -> None:
        at = None
        on: date | None = None
        local: date | None = None
        if (
            tp is None
            and time_text
            and not is_placeholder(time_text)
            and not _MASKED_DATE.match(time_text)
        ):
            self.issues.append(
                ParseIssue(
                    "timeline", "warning", f"unreadable time {time_text!r}: kept as text", line
                )
            )
        if tp is not None and tp.has_date:
            tp = self._last_year(tp, time_text)
            if self.first_date is None:
                self.first_date = parse_date(clean_time_text(time_text)) or tp.at.date()
            if not tp.has_time:
                on = local = tp.at.date()  # a date-only row keeps its day
        if tp is not None and tp.has_time:
            warned = self.clock.over
            at = self.clock.place(tp)
            if at is None and not warned:
                self.issues.append(
                    ParseIssue(
                        "timeline",
                        "warning",
                        f"time {time_text!r} would be more than {MAX_ROLLOVER_DAYS} midnights "
                        "after the last date written: this and later bare times are left undated",
                        line,
                    )
                )
            if at is not None and not tp.has_date and self.clock.base_date is None:
                at = None
                self.issues.append(
                    ParseIssue(
                        "timeline", "warning", f"time {time_text!r} has no date to go with it", line
                    )
                )
            if at is not None:
                on = at.date()
                local = to_local(at, tp.tz if not tp.assumed_utc else None).date()
        self.events.append(
            TimelineEvent(len(self.events) + 1, at, time_text, event, actor, line, on)
        )
        assumed = tp is not None and tp.has_time and tp.assumed_utc
        self.notes.append(EventNote(full or event, local, self.follow_up, assumed))

    def read_section(self, section: Section, follow_up: bool = False) -> None:
        """A timeline section: its heading may give the zone and the day ("## Timeline (all
        times UTC) Monday May 10th, 2021"); ``follow_up`` marks what comes after the incident."""
        title = plain(section.title)
        hint = find_tz_hint(title)
        if hint:
            self.clock.tz_hint = hint
        d = date_in(title) if _HAS_DIGIT.search(title) else None
        if d is not None:
            # the day of the bare times below; a date line in the section still comes first as
            # the timeline's own first date (a heading can give a range: "01/16/2024 - 02/28")
            self.clock.base_date, self.clock.last, self.clock.over = d, None, False
            self.heading_date = self.heading_date or d
        self.follow_up = follow_up
        self._blocks(section.blocks)
        for child in section.children:
            self._heading(child)

    def _heading(self, section: Section) -> None:
        title = plain(section.title).strip("{} ")
        d = _date_only(title, self._year())
        if d is not None:
            self._set_date(d)
            before = len(self.events)
            self._blocks(section.blocks)
            body = self._first_text(section.blocks)
            if len(self.events) == before and body:
                # "### 2018-01-15" over a paragraph: an entry of that day, its time unknown
                day = TimeParse(datetime(d.year, d.month, d.day), True, False, True, None)
                whole = " ".join(t for b in section.blocks for t in block_texts(b))
                self._add(title, day, body, None, section.line, whole)
        else:
            split = split_time_prefix(title, self.clock)
            lead = leading_date(title) if split is None else None
            if lead is not None:
                # "### 2024-03-05 Data8 outage": dates what follows, is not an event itself
                self._set_date(lead)
                self._blocks(section.blocks)
            elif split is not None:
                time_text, tp, rest = split
                body = self._first_text(section.blocks)
                event = rest if rest and not body else (f"{rest}: {body}" if rest else body)
                whole = " ".join(t for b in section.blocks for t in block_texts(b))
                self._add(time_text, tp, event, None, section.line, f"{rest} {whole}".strip())
                # nested bullets under a time heading can be events of their own
                for block in section.blocks:
                    if isinstance(block, ListBlock):
                        self._list(block, only_timed=True)
            else:
                self._blocks(section.blocks)
        for child in section.children:
            self._heading(child)

    @staticmethod
    def _first_text(blocks: list[Block]) -> str:
        for block in blocks:
            if isinstance(block, Paragraph):
                return plain(block.raw)
            if isinstance(block, ListBlock) and block.items:
                return plain(block.items[0].raw)
        return ""

    def _blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Table):
                self._table(block)
            elif isinstance(block, ListBlock):
                self._list(block)
            elif isinstance(block, Paragraph):
                self._paragraph(block)
            elif isinstance(block, Quote):
                self._blocks(block.blocks)

    def _paragraph(self, block: Paragraph) -> None:
        hint = find_tz_hint(" ".join(plain(block.raw)[:200].split())) if not self.events else None
        if hint:
            self.clock.tz_hint = hint
        if not self.events and _DATE_NOTE.search(block.raw[:300]):
            d = date_in(plain(block.raw[:300]))
            if d is not None:
                # the day of every bare time after it, whatever day a dated entry names
                self._set_date(d)
                self.clock.pinned = True
        for offset, line in enumerate(block.raw.split("\n")):
            text = line.strip()
            if not text:
                continue
            d = _date_only(text, self._year())
            if d is not None:
                self._set_date(d)
                continue
            split = split_time_prefix(text, self.clock)
            if split is not None:
                time_text, tp, rest = split
                self._add(time_text, tp, plain(rest), None, block.line + offset)
            elif self.events and self.events[-1].line is not None and offset > 0:
                # a continuation line of the previous event in the same paragraph
                prev = self.events[-1]
                prev.event = f"{prev.event} {plain(text)}".strip()
                note = self.notes[-1]
                self.notes[-1] = EventNote(
                    f"{note.text} {plain(text)}", note.local_day, note.follow_up, note.assumed_utc
                )

    def _list(self, block: ListBlock, only_timed: bool = False) -> None:
        for item in block.items:
            raw = _FOOTNOTE.sub("", item.raw) if "[^" in item.raw else item.raw
            whole = _WHOLE_BOLD.match(raw)
            if whole:
                raw = whole.group(1)  # "- **01:38: alerts fired, ... got paged**": all bold
            text = raw.replace("\n", " ").strip()
            d = _date_only(text, self._year())
            if d is not None:
                self._set_date(d)
                for child in item.children:
                    if isinstance(child, ListBlock):
                        self._list(child)
                continue
            first, _, more = raw.partition("\n")
            split = split_time_prefix(first, self.clock) if more.strip() else None
            if split is not None and not split[2].strip(" :-–—"):
                # "- 2025-04-14 16:37 UTC" with the event on the lines below
                split = (split[0].rstrip(" :"), split[1], " ".join(more.split()))
            else:
                split = split_time_prefix(text, self.clock)
            if split is not None:
                time_text, tp, rest = split
                self._add(time_text, tp, plain(rest), None, item.line)
            elif not only_timed and text and _HAS_DIGIT.search(text[:25]):
                pass  # prose with numbers, not an event
            for child in item.children:
                if isinstance(child, ListBlock):
                    self._list(child, only_timed=True)

    def _table(self, table: Table) -> None:
        header = table.header
        hint = find_tz_hint(" ".join(header))
        if hint:
            self.clock.tz_hint = hint
        t_col = _col(header, _TIME_COLS)
        if t_col is None:
            t_col = 0
        # a separate Date column ("| Date (2021) | Time (PT) |") dates the Time column
        d_col = _col(header, ("date",))
        if d_col == t_col:
            d_col = None
        year = _YEAR.search(header[d_col]) if d_col is not None else None
        e_col = _col(header, _EVENT_COLS)
        if e_col is None or e_col == t_col:
            e_col = 1 if t_col == 0 and len(header) > 1 else 0
        a_col = _col(header, _ACTOR_COLS)
        for row, line in zip(table.rows, table.row_lines, strict=False):
            if len(row) <= max(t_col, e_col):
                continue
            time_raw = plain(row[t_col])
            if d_col is not None and d_col < len(row) and plain(row[d_col]):
                day = plain(row[d_col])
                if year and not _YEAR.search(day):
                    day = f"{day} {year.group(0)}"
                time_raw = f"{day} {time_raw}".strip()
            event = plain(row[e_col])
            if is_placeholder(time_raw) and is_placeholder(event):
                continue
            if not time_raw and not event:
                continue
            actor = plain(row[a_col]) if a_col is not None and a_col < len(row) else None
            if actor is not None and is_placeholder(actor):
                actor = None
            tp = (
                self.clock.read(time_raw, line)
                if time_raw and not is_placeholder(time_raw)
                else None
            )
            self._add(time_raw, tp, event, actor or None, line)


def read_timeline(
    sections: list[Section],
    base_date: date | None,
    tz_hint: str | None,
    headings: list[Section] | None = None,
    follow_ups: list[Section] | None = None,
) -> TimelineReader:
    """Read the given timeline sections, then ``headings`` (sections whose own heading is a
    timeline entry, such as a ``## Feb 21, 13:00`` after the timeline), in document order, then
    ``follow_ups`` (a "Follow-up timeline": its events are kept, flagged as after the incident)."""
    reader = TimelineReader(base_date, tz_hint)
    for section in sections:
        reader.read_section(section)
    for section in headings or []:
        reader.follow_up = False
        reader._heading(section)
    for section in follow_ups or []:
        reader.read_section(section, follow_up=True)
    reader.first_date = reader.first_date or reader.heading_date
    return reader


def timed_entries(section: Section, limit: int = 200) -> int:
    """How many of the section's own list items or subheadings start with a time of day: a
    timeline found by its content, whatever its heading says ("Leadup", "What happened")."""
    clock = _Clock(_NO_DATE, None)

    def timed(text: str) -> bool:
        head = text.strip()[:80]
        if not head or not _HAS_DIGIT.search(head[:40]):
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
