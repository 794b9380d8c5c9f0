"""Timeline events from whatever shape the timeline has.

Shapes seen in real corpora: a table (``| Time | Event |``), bullets (``- 2:54 PM PST: ...``),
one heading per time (``### 16:59 PST`` then paragraphs), bold or bracketed times leading a
paragraph line (``**10:30** ...``, ``[08:47] ...``), and date headings or date-only bullets that
date the bare times after them. A bare time takes the current date; a timeline that crosses
midnight keeps counting forward (``pmkit.parse.timeline_clock`` reads the times and dates them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pmkit.model import ParseIssue, TimelineEvent
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.times import TimeParse, find_tz_hint, parse_date, to_local
from pmkit.parse.blocks import block_texts
from pmkit.parse.inline import plain
from pmkit.parse.textdates import date_in, leading_date
from pmkit.parse.timeline_clock import (
    DAY,
    HAS_DIGIT,
    MASKED_DATE,
    MAX_ROLLOVER_DAYS,
    Clock,
    clean_time_text,
    date_only,
    split_time_prefix,
)
from pmkit.parse.timeline_columns import YEAR, columns
from pmkit.parse.tree import Block, ListBlock, Paragraph, Quote, Section, Table

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
    first_date: date | None
    """The first date written in the timeline itself (not inherited)."""

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
        self.clock = Clock(base_date, tz_hint)
        self.reference = base_date
        """The document's own day: a month and day with no year more than a month after it is
        last year's ("12-05" in a March postmortem about a bug from December)."""
        self.events: list[TimelineEvent] = []
        self.notes: list[EventNote] = []
        """What the milestone reader needs to know of each event, in step with ``events``."""
        self.issues: list[ParseIssue] = []
        self.first_date = None
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
            if at.date() > ref + 31 * DAY:
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
            and not MASKED_DATE.match(time_text)
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
        d = date_in(title) if HAS_DIGIT.search(title) else None
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
        d = date_only(title, self._year())
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
            d = date_only(text, self._year())
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
            d = date_only(text, self._year())
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
            elif not only_timed and text and HAS_DIGIT.search(text[:25]):
                pass  # prose with numbers, not an event
            for child in item.children:
                if isinstance(child, ListBlock):
                    self._list(child, only_timed=True)

    def _table(self, table: Table) -> None:
        hint, t_col, d_col, year, e_col, a_col = columns(tuple(table.header))
        if hint:
            self.clock.tz_hint = hint
        for row, line in zip(table.rows, table.row_lines, strict=False):
            if len(row) <= max(t_col, e_col):
                continue
            time_raw = plain(row[t_col])
            if d_col is not None and d_col < len(row) and plain(row[d_col]):
                day = plain(row[d_col])
                if year and not YEAR.search(day):
                    day = f"{day} {year}"
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
