"""What every reader of one document shares: its Markdown tree, its fields, its sections by role,
and the list of issues found so far.

Built once per document (:class:`Document`); the readers (identity, people, narrative, milestones,
incidents) each take it and read their part. Nothing here decides a value of the model.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pmkit.config import Config
from pmkit.model import ParseIssue
from pmkit.normalize.times import TimeParse, find_tz_hint, parse_date, parse_datetime
from pmkit.parse.blocks import block_texts, parse_markdown
from pmkit.parse.fields import field_for_key, key_has_utc
from pmkit.parse.fieldset import Fields, collect_fields, joined
from pmkit.parse.inline import plain
from pmkit.parse.keyvalues import KeyValue, key_values, split_key_value
from pmkit.parse.prose import section_prose
from pmkit.parse.sections import is_section_name, section_role
from pmkit.parse.shapes import detect_shape
from pmkit.parse.textdates import date_in
from pmkit.parse.tree import Code, Html, ListBlock, Paragraph, Section

TITLE_PREFIX = re.compile(
    r"^(incident\s+)?(post[- ]?mortem|postmortem|incident report|pir)\s*[:\-–—]\s*", re.IGNORECASE
)
_TRAILING_STAMP = re.compile(
    r"^(?P<k>[A-Za-z][A-Za-z ]{2,40}?)\s+(?P<v>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}.*)$"
)
_TZ_STATEMENT = re.compile(
    r"\ball times\b|\btimes (?:are )?(?:in|shown in|given in)\b|\btime ?zone\b", re.IGNORECASE
)


def _may_say_time(text: str) -> bool:
    """False when :data:`_TZ_STATEMENT` cannot match: each of its phrases holds "time", and only
    U+0130 and U+0131 match its "i" while not lower-casing to it (a cheap test before a slow
    case-insensitive search of every paragraph)."""
    return "time" in text.lower() or "\u0130" in text or "\u0131" in text


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATED_HEADING = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH} \d{{1,2}}\b|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}(?:\s|,|$))",
    re.IGNORECASE,
)
"""``## Feb 21, 13:00``, ``## 15 May``, ``### 14 Sep 2026``, ``## 2025-07-26 Saturday``: a
heading that starts with a day, read as part of the timeline when it follows one."""
_SUFFIXES = (".md", ".markdown", ".mdown", ".mdx", ".txt", ".erb", ".html", ".htm")


def file_stem(path: str) -> str:
    """The file name without folders and without its Markdown suffixes (``.md``, ``.html.md.erb``),
    and nothing else: ``06_org__repo.name__2017-09-27-hub-403.md`` keeps ``repo.name``."""
    name = Path(path).name
    while True:
        lower = name.lower()
        suffix = next((s for s in _SUFFIXES if lower.endswith(s) and len(name) > len(s)), None)
        if suffix is None:
            return name
        name = name[: -len(suffix)]


def _prose_of(section: Section) -> str:
    parts = [
        t for b in section.blocks if isinstance(b, (Paragraph, ListBlock)) for t in block_texts(b)
    ]
    return "\n".join(p for p in parts if p).strip()


class Document:
    """One document as the readers see it; collects issues as they go."""

    def __init__(self, text: str, path: str, config: Config) -> None:
        self.path = path
        self.config = config
        self.md_text = text
        self.issues: list[ParseIssue] = []
        self.md = parse_markdown(text)
        self.kvs = key_values(
            self.md.root,
            self.md.front_matter,
            self.md.front_matter_line,
            self.md.front_matter_format,
            self.issues,
        )
        self.pseudo = self._pseudo_sections()
        self.fields: Fields = collect_fields(self.kvs + self._milestone_items())
        self.shape = detect_shape(self.md.root, [kv.key for kv in self.kvs])
        self.title_heading = self._title_heading()
        self.sections = self._sections_by_role()
        self.weak_date = date_in(Path(path).name)
        """A date in the file name: the last resort for the incident's day."""
        self._tz_hint: str | None | bool = False

    def issue(self, fld: str, level: str, message: str, line: int | None) -> None:
        self.issues.append(ParseIssue(fld, level, message, line))  # type: ignore[arg-type]

    # -- sections ---------------------------------------------------------------------------
    def _pseudo_sections(self) -> dict[str, list[Section]]:
        """A bold key heading a nested list (``- **Review actions**:`` then items) acts as a section."""
        out: dict[str, list[Section]] = {}
        for kv in self.kvs:
            if not kv.blocks:
                continue
            role = section_role(kv.key) or "other"
            out.setdefault(role, []).append(Section(9, kv.key, kv.line, list(kv.blocks)))
        return out

    def _milestone_items(self) -> list[KeyValue]:
        """``- Fault occurs 2020-02-12 11:45`` / ``- First detected: ...`` under a key-events list."""
        out: list[KeyValue] = []
        for section in self.pseudo.get("timeline", []):
            for block in section.blocks:
                if not isinstance(block, ListBlock):
                    continue
                for item in block.items:
                    text = plain(item.raw)
                    kv = split_key_value(text)
                    if kv is None:
                        m = _TRAILING_STAMP.match(text)
                        kv = (m.group("k"), m.group("v")) if m else None
                    if kv is not None and field_for_key(kv[0]):
                        out.append(KeyValue(kv[0], field_for_key(kv[0]), kv[1], item.line))
        return out

    def _title_heading(self) -> Section | None:
        """The document's title heading, which is never a section with a role: its words may name
        one ("# Timeline of the checkout outage") but it heads the whole document.

        The first heading is the title when it is an H1 and it says so ("Postmortem: ..."), or the
        whole document sits under it with subsections of two or more other roles (a body, not the
        parts of one section such as "# Action items" > "## Short-term"), or with no subsections
        at all unless the heading is only a section's name ("# Timeline" over a table), or it
        holds nothing and more sections follow (a title line above a document of H1 sections).
        """
        top = self.md.root.children
        if not top or top[0].level != 1:
            return None
        first = top[0]
        if TITLE_PREFIX.match(plain(first.title)):
            return first
        if len(top) == 1 and not first.children:
            # "# Incident on 2022-01-22 - some DNS records deleted" over fields and prose
            above = any(not isinstance(b, (Html, Code)) for b in self.md.root.blocks)
            return None if above or is_section_name(first.title) else first
        if len(top) == 1:
            own = section_role(first.title)
            body = {section_role(child.title) for child in first.children} - {None, own}
            return first if len(body) >= 2 else None
        return first if not first.blocks and not first.children else None

    def _sections_by_role(self) -> dict[str, list[Section]]:
        out: dict[str, list[Section]] = {}
        title = self.title_heading

        def visit(section: Section, inherited: str | None) -> None:
            role = section_role(section.title) if section.level and section is not title else None
            if role and role != inherited:
                out.setdefault(role, []).append(section)
            after_timeline = False
            for child in section.children:
                visit(child, role or inherited)
                child_role = section_role(child.title)
                if child_role == "timeline":
                    after_timeline = True
                elif child_role is not None:
                    after_timeline = False
                elif after_timeline and DATED_HEADING.match(plain(child.title)):
                    # "## Feb 21, 13:00" or "## 15 May" after "## Timeline": the timeline goes on
                    out.setdefault("timeline_more", []).append(child)

        visit(self.md.root, None)
        return out

    def role_text(self, role: str) -> str | None:
        return joined([section_prose(s) for s in self.sections.get(role, [])])

    def opening_text(self) -> str:
        """The document's first paragraphs: where prose says when it happened (the text above
        the first heading, else under it). Paragraphs and lists only: a table at the top is
        the document's own metadata ("| Date | 2022-04-20 |", when it was written)."""
        root = self.md.root
        first = root.children[0] if root.children else root
        return _prose_of(root) or _prose_of(first)

    def tz_hint(self) -> str | None:
        """A zone stated once for the whole document ("All times in PDT (UTC-7)")."""
        if self._tz_hint is not False:
            return self._tz_hint  # type: ignore[return-value]
        hint = None
        for section in self.md.root.walk():
            for block in section.blocks:
                if (
                    isinstance(block, Paragraph)
                    and _may_say_time(block.raw)
                    and _TZ_STATEMENT.search(block.raw)
                ):
                    hint = find_tz_hint(" ".join(plain(block.raw)[:300].split()))
                    if hint:
                        break
            if hint:
                break
        self._tz_hint = hint
        return hint

    # -- fields -----------------------------------------------------------------------------
    def time(self, name: str, base: date | None) -> TimeParse | None:
        """A datetime field read with ``base`` as its day when it gives only a time; an unreadable
        one is a warning on its line."""
        kv = self.fields.values.get(name)
        if kv is None:
            return None
        tz = "UTC" if key_has_utc(kv.key) else None
        tp = parse_datetime(kv.value, base_date=base, tz_hint=tz)
        if tp is None:
            self.issue(
                name, "warning", f"unreadable time {kv.value!r} in field {kv.key!r}", kv.line
            )
        return tp

    def stamp(self, name: str) -> datetime | None:
        """A date or datetime field (drafted, reviewed) as a timestamp (midnight for a date)."""
        value = self.fields.get(name)
        if not value:
            return None
        tp = parse_datetime(value)
        if tp is None:
            d = parse_date(value)
            return datetime(d.year, d.month, d.day) if d else None
        return tp.at
