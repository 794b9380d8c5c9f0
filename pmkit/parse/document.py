"""One file -> ParsedDocument: decode, tokenize, find fields and sections, assemble incidents.

Never raises on bad content: every problem becomes a ParseIssue with a line, and the raw text is
always kept so nothing is lost.
"""

from __future__ import annotations

import errno
import re
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pmkit.config import Config, load_config
from pmkit.model import ContributingFactor, ParsedDocument, ParseIssue, Postmortem
from pmkit.normalize.owners import normalize_owner, split_people
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.severity import is_severity_placeholder, parse_severity
from pmkit.normalize.status import normalize_incident_status
from pmkit.normalize.times import (
    TimeParse,
    find_tz_hint,
    parse_date,
    parse_datetime,
    parse_duration_minutes,
    parse_timeframe,
)
from pmkit.parse.actions import read_actions
from pmkit.parse.blocks import (
    Block,
    Code,
    Html,
    ListBlock,
    ListItem,
    Paragraph,
    Section,
    Table,
    parse_markdown,
    plain,
    section_text,
)
from pmkit.parse.decode import decode_bytes
from pmkit.parse.fields import field_for_key, key_has_utc
from pmkit.parse.keyvalues import KeyValue, key_values, split_key_value
from pmkit.parse.prose import blocks_prose, children_prose, prose_texts, section_prose
from pmkit.parse.sections import (
    is_section_name,
    names_safeguards,
    names_the_root_cause,
    section_role,
)
from pmkit.parse.shapes import detect_shape
from pmkit.parse.textdates import date_in, leading_date
from pmkit.parse.timeline import read_timeline

_MAX_TEXT = 4000
MAX_PARSE_CHARS = 2 * 1024 * 1024
"""Text beyond this (cut at a line end) is kept in ``raw_text`` but not parsed: postmortems are
kilobytes, and a 20 MB log dump saved as ``.md`` would otherwise take a minute and ~1 GB."""
_IDENTITY_FIELDS = frozenset(
    {"title", "date", "timeframe", "start", "end", "severity", "incident_id"}
)
_TITLE_PREFIX = re.compile(
    r"^(incident\s+)?(post[- ]?mortem|postmortem|incident report|pir)\s*[:\-–—]\s*", re.IGNORECASE
)
_TRAILING_STAMP = re.compile(
    r"^(?P<k>[A-Za-z][A-Za-z ]{2,40}?)\s+(?P<v>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}.*)$"
)
_TITLE_NOISE = re.compile(
    r"^\s*\[(incident|postmortem|post-mortem)\]\s*|\{\{\s*|\s*\}\}", re.IGNORECASE
)
_TEMPLATE_TITLE = re.compile(
    r"^(issue|incident|title|name|issue name|incident name|incident title|summary)$", re.IGNORECASE
)
_TZ_STATEMENT = re.compile(
    r"\ball times\b|\btimes (?:are )?(?:in|shown in|given in)\b|\btime ?zone\b", re.IGNORECASE
)
_DATED_HEADING = re.compile(
    r"^(\d{4}-\d{2}-\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2})\b",
    re.IGNORECASE,
)
_MULTI_TITLE = re.compile(
    r"\b(multiple|several|series of|recurring)\b.*\b(outages|incidents)\b", re.IGNORECASE
)
_ID_TITLE = re.compile(
    r"^\s*(?P<id>[A-Z][A-Z0-9]*-[\w-]*\d[\w-]*)(?:\s*[/:|–—]|\s+-)\s*(?P<title>.+)$"
)
_SPLIT_LIST = re.compile(r"\s*(?:,|;|\band\b)\s*")
_PARENS = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass
class _Fields:
    """First filled value per canonical field, plus what placeholders were seen."""

    values: dict[str, KeyValue] = field(default_factory=dict)
    placeholders: dict[str, KeyValue] = field(default_factory=dict)
    filled_identity: int = 0
    unfilled_identity: int = 0

    def get(self, name: str) -> str | None:
        """The field's value; for a key whose value is the list nested under it
        (``- **Customer Impact:**`` then ``- All regions``), the items, one per line."""
        kv = self.values.get(name)
        if kv is None:
            return None
        return kv.value or "\n".join(blocks_prose(kv.blocks))[:_MAX_TEXT]

    def line(self, name: str) -> int | None:
        kv = self.values.get(name) or self.placeholders.get(name)
        return kv.line if kv else None


def _joined(parts: list[str]) -> str | None:
    """Section texts as one field value: placeholders dropped, cut at ``_MAX_TEXT``."""
    text = "\n\n".join(p for p in parts if p and not is_placeholder(p)).strip()
    return text[:_MAX_TEXT] or None


def _is_field_line(line: str, *, valued: bool) -> bool:
    kv = split_key_value(line)
    return kv is not None and field_for_key(kv[0]) is not None and (bool(kv[1]) or not valued)


def _is_field_block(block: Block) -> bool:
    """A list of ``- **Key:** value`` items, or a paragraph of ``Key: value`` lines, whose keys
    are all fields pmkit reads. A paragraph line with no value ("User Impact:") is a label for
    what follows, not a field list."""
    if isinstance(block, ListBlock):
        return bool(block.items) and all(
            _is_field_line(item.raw.partition("\n")[0], valued=False) for item in block.items
        )
    if isinstance(block, Paragraph):
        return all(_is_field_line(line, valued=True) for line in block.raw.split("\n"))
    return False


def _names_another_part(item: ListItem) -> bool:
    """``- **Triggering Event**: ...`` in a root-cause section: a field read as itself, or
    ``- **Safeguards That Worked**: ...``, which is not the cause either."""
    kv = split_key_value(item.raw.partition("\n")[0])
    if kv is None:
        return False
    name = field_for_key(kv[0])
    return (name is not None and name != "root_cause") or names_safeguards(kv[0])


def _cause_blocks(blocks: list[Block]) -> list[Block]:
    """A root-cause section's blocks without the list items that are other parts of it."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, ListBlock):
            items = [i for i in block.items if not _names_another_part(i)]
            block = ListBlock(items, block.ordered, block.line)
        out.append(block)
    return out


def _collect_fields(kvs: list[KeyValue]) -> _Fields:
    out = _Fields()
    for kv in kvs:
        if kv.field is None:
            continue
        value = kv.value
        empty = not value and not kv.items
        placeholder = (
            empty
            or is_placeholder(value)
            or (kv.field == "severity" and is_severity_placeholder(value))
        )
        if kv.items and (empty or placeholder):
            real = [i for i in kv.items if not is_placeholder(i)]
            placeholder = not real
        if placeholder:
            out.placeholders.setdefault(kv.field, kv)
            if kv.field in _IDENTITY_FIELDS:
                out.unfilled_identity += 1
            continue
        if kv.field not in out.values:
            out.values[kv.field] = kv
            if kv.field in _IDENTITY_FIELDS:
                out.filled_identity += 1
    return out


class _Builder:
    """Assembles the incidents of one document; collects issues as it goes."""

    def __init__(self, text: str, path: str, config: Config) -> None:
        self.path = path
        self.config = config
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
        self.fields = _collect_fields(self.kvs + self._milestone_items())
        self.shape = detect_shape(self.md.root, [kv.key for kv in self.kvs])
        self.sections = self._sections_by_role()

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
        if _TITLE_PREFIX.match(plain(first.title)):
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
        title = self._title_heading()

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
                elif after_timeline and _DATED_HEADING.match(plain(child.title)):
                    # "## Feb 21, 13:00" after "## Timeline": the timeline goes on
                    out.setdefault("timeline_more", []).append(child)

        visit(self.md.root, None)
        return out

    def _role_text(self, role: str) -> str | None:
        parts = [section_prose(s) for s in self.sections.get(role, [])]
        return _joined(parts)

    def _root_cause_text(self) -> str | None:
        """The root cause itself. A root-cause analysis split into subsections (seed-002: The
        Problem, How It Happened, Why It Happened, Contributing Factors, 5 Whys) gives the text
        above its subsections and the subsection that names the cause; otherwise the whole
        section. Either way a subsection with a role of its own (Contributing Factors, Trigger)
        is read as that, not as the cause, and so is a ``- **Key**:`` item read as another field
        (seed-001's Triggering Event, Contributing Factors) or naming safeguards."""
        parts: list[str] = []
        for section in self.sections.get("root_cause", []):
            texts = [t for b in _cause_blocks(section.blocks) for t in prose_texts(b)]
            itself = [c for c in section.children if names_the_root_cause(c.title)]
            if itself:
                texts += [section_prose(c) for c in itself]
                parts.append("\n".join(t for t in texts if t).strip())
                continue
            texts += children_prose(
                section, lambda c: section_role(c.title) in (None, "root_cause")
            )
            parts.append("\n".join(t for t in texts if t).strip())
        return _joined(parts)

    def _summary_text(self) -> str | None:
        """The summary sections' prose. A list of fields under a summary heading (seed-004's
        "Incident Summary": ``- **Start Time (UTC):** ...``) is the document's metadata, read as
        fields; it is not the summary."""
        parts: list[str] = []
        for section in self.sections.get("summary", []):
            texts = [t for b in section.blocks if not _is_field_block(b) for t in prose_texts(b)]
            texts += children_prose(section)
            parts.append("\n".join(t for t in texts if t).strip())
        return _joined(parts)

    # -- fields -----------------------------------------------------------------------------
    def _time(self, name: str, base: date | None) -> TimeParse | None:
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

    def title(self) -> str | None:
        value = self.fields.get("title")
        if value:
            m = _ID_TITLE.match(value)
            value = _TITLE_NOISE.sub("", (m.group("title") if m else value)).strip()
            if value and not is_placeholder(value):
                return value
        for section in self.md.root.children:
            if section.level > 1 and section_role(section.title):
                break  # "## Issue summary" opens the body: there is no title heading
            t = _TITLE_PREFIX.sub("", plain(section.title)).strip()
            if t and _TEMPLATE_TITLE.match(t) and section.blocks:
                # "# ISSUE NAME" left from a template: the real title is the line below it
                first = section.blocks[0]
                if isinstance(first, Paragraph):
                    t = plain(first.raw.split("\n")[0])
            if t and not is_placeholder(t) and not _TEMPLATE_TITLE.match(t):
                return t
            break
        stem = Path(self.path).name.split(".")[0]
        return stem.replace("_", " ").replace("-", " ").strip() or None

    def incident_id(self) -> str:
        value = self.fields.get("incident_id")
        if value:
            m = _ID_TITLE.match(value)
            return (m.group("id") if m else value).strip()
        title = self.fields.get("title")
        if title:
            m = _ID_TITLE.match(title)
            if m:
                return m.group("id")
        # no id written: the file name (without folders and suffixes) names the incident
        return Path(self.path).name.split(".")[0] or self.path

    def base_date(self, title: str | None) -> date | None:
        for name in ("date", "timeframe", "start"):
            value = self.fields.get(name)
            d = (date_in(value) or parse_date(value)) if value else None
            if d is not None:
                return d
            kv = self.fields.values.get(name)
            if name == "date" and kv is not None and value:
                # 2026-02-30 or a year 3026: say so on its line instead of dropping it silently
                self.issue(
                    "date", "warning", f"unreadable date {value!r} in field {kv.key!r}", kv.line
                )
        return date_in(title)

    def severity(self, pm: Postmortem) -> None:
        kv = self.fields.values.get("severity")
        if kv is None:
            return
        sev = parse_severity(kv.value, self.config)
        if sev is None:
            self.issue("severity", "warning", f"unrecognised severity {kv.value!r}", kv.line)
            return
        pm.severity_label, pm.severity_scheme, pm.severity_level = sev.label, sev.scheme, sev.level

    def milestones(self, pm: Postmortem, base: date | None) -> None:
        start = self._time("start", base)
        end = self._time("end", base)
        frame_kv = self.fields.values.get("timeframe")
        duration_kv = self.fields.values.get("duration")
        if (start is None or end is None) and frame_kv is not None:
            s, e = parse_timeframe(frame_kv.value, base_date=base)
            start, end = start or s, end or e
        if (
            (start is None or end is None)
            and duration_kv is not None
            and parse_duration_minutes(duration_kv.value) is None
        ):
            # "Duration: 14:05 to 16:35 (2h 30m)" holds a window; "Duration: 2h 30m" only says
            # how long, and dateutil would read it as 02:30
            s, e = parse_timeframe(duration_kv.value, base_date=base)
            start, end = start or s, end or e
        pm.started_at = start.at if start else None
        pm.resolved_at = end.at if end else None
        if pm.started_at and pm.resolved_at and pm.resolved_at < pm.started_at:
            self.issue(
                "end",
                "warning",
                "end time is before start time",
                self.fields.line("end") or self.fields.line("timeframe"),
            )
        detected = self._time("detected", base)
        pm.detected_at = detected.at if detected else None
        for name, attr in (("acknowledged", "acknowledged_at"), ("mitigated", "mitigated_at")):
            tp = self._time(name, base)
            if tp:
                setattr(pm, attr, tp.at)
        anchor = pm.detected_at or pm.started_at
        for name, attr in (
            ("tta", "acknowledged_at"),
            ("ttm", "mitigated_at"),
            ("ttr", "resolved_at"),
        ):
            value = self.fields.get(name)
            if value and anchor and getattr(pm, attr) is None:
                minutes = parse_duration_minutes(value)
                if minutes is not None:
                    setattr(pm, attr, anchor + timedelta(minutes=minutes))
        if duration_kv is not None:
            minutes = parse_duration_minutes(duration_kv.value)
            if minutes is not None:
                pm.duration_minutes = minutes
        if pm.duration_minutes is None and pm.started_at and pm.resolved_at:
            pm.duration_minutes = (pm.resolved_at - pm.started_at).total_seconds() / 60
        for name in ("started", "detected", "acknowledged", "mitigated", "resolved"):
            if getattr(pm, f"{name}_at") is not None:
                setattr(pm, f"{name}_source", "field")

    def stamp(self, name: str) -> datetime | None:
        value = self.fields.get(name)
        if not value:
            return None
        tp = parse_datetime(value)
        if tp is None:
            d = parse_date(value)
            return datetime(d.year, d.month, d.day) if d else None
        return tp.at

    def responders(self) -> list[str]:
        """Everyone named in a commander or responders field, in the order written, once each.
        Every such key counts (seed-000 has both "Primary responder" and "Contributors")."""
        people: list[str] = []
        for kv in self.kvs:
            if kv.field in ("commander", "responders"):
                for text in kv.items or [kv.value]:
                    people.extend(p for p in split_people(text) if p not in people)
        return people

    def services(self) -> list[str]:
        kv = self.fields.values.get("services")
        if kv is None:
            return []
        items = [i for i in kv.items if not is_placeholder(i)] or _SPLIT_LIST.split(kv.value)
        out: list[str] = []
        for item in items:
            name = _PARENS.sub("", plain(item)).strip(" .")
            if name and not is_placeholder(name) and name not in out:
                out.append(name)
        return out

    def factors(self) -> list[ContributingFactor]:
        texts: list[tuple[str, int | None]] = []
        kv = self.fields.values.get("factors")
        if kv is not None:
            if kv.items:
                texts.extend((i, kv.line) for i in kv.items)
            elif kv.value:
                texts.extend((t, kv.line) for t in re.split(r"\s*;\s*", kv.value) if t)
        for section in self.sections.get("factors", []):
            for block in section.blocks:
                if isinstance(block, ListBlock):
                    texts.extend((plain(i.raw), i.line) for i in block.items)
                elif isinstance(block, Table):
                    texts.extend(
                        (" - ".join(plain(c) for c in row[:2] if c), ln)
                        for row, ln in zip(block.rows, block.row_lines, strict=False)
                    )
            if not any(isinstance(b, (ListBlock, Table)) for b in section.blocks):
                texts.extend(
                    (plain(b.raw), b.line) for b in section.blocks if isinstance(b, Paragraph)
                )
        out: list[ContributingFactor] = []
        for text, line in texts:
            t = text.strip()
            if (
                t
                and not is_placeholder(t)
                and not is_placeholder(t.split(":")[0])
                and t not in {f.text for f in out}
            ):
                out.append(ContributingFactor(len(out) + 1, t, line))
        return out

    def base_postmortem(self) -> Postmortem:
        title = self.title()
        base = self.base_date(title)
        self.weak_date = date_in(Path(self.path).name)
        pm = Postmortem(incident_id=self.incident_id(), title=title, line=1)
        self.severity(pm)
        status = self.fields.get("status")
        pm.status = normalize_incident_status(status) if status else None
        pm.owner = (
            normalize_owner(self.fields.get("owner"))
            or normalize_owner(self.fields.get("author"))
            or normalize_owner(self.fields.get("commander"))
        )
        pm.team = self.fields.get("team")
        self.milestones(pm, base or self.weak_date)
        pm.incident_date = (pm.started_at.date() if pm.started_at else None) or base
        drafted = self.stamp("drafted")
        if drafted:
            pm.drafted_at, pm.drafted_source = drafted, "field"
        reviewed = self.stamp("reviewed")
        if reviewed:
            pm.reviewed_at, pm.reviewed_source = reviewed, "field"
        pm.services = self.services()
        pm.responders = self.responders()
        pm.customer_impact = self.fields.get("customer_impact") or self._role_text("impact")
        pm.executive_summary = self.fields.get("executive_summary") or self._summary_text()
        pm.root_cause = self.fields.get("root_cause") or self._root_cause_text()
        pm.trigger = self.fields.get("trigger") or self._role_text("trigger")
        pm.lessons = self._role_text("lessons")
        pm.factors = self.factors()
        pm.actions = read_actions(
            self.sections.get("actions", []) + self.pseudo.get("actions", []), self.md.refdefs
        )
        return pm

    def _opening_text(self) -> str:
        """The document's first paragraphs: where prose says when it happened."""
        root = self.md.root
        first = root.children[0] if root.children else root
        return section_text(first, deep=False) or section_text(root, deep=False)

    def tz_hint(self) -> str | None:
        """A zone stated once for the whole document ("All times in PDT (UTC-7)")."""
        for section in self.md.root.walk():
            for block in section.blocks:
                if isinstance(block, Paragraph) and _TZ_STATEMENT.search(block.raw):
                    hint = find_tz_hint(plain(block.raw)[:300])
                    if hint:
                        return hint
        return None

    def timeline_for(self, pm: Postmortem) -> None:
        sections = self.sections.get("timeline", [])
        base = pm.incident_date or self.weak_date
        reader = read_timeline(
            sections, base, self.tz_hint(), self.sections.get("timeline_more", [])
        )
        if not reader.events:
            # no timeline section: the richest dated list under a bold key ("Context", "Key events")
            best = None
            for candidates in self.pseudo.values():
                for section in candidates:
                    r = read_timeline([section], base, self.tz_hint())
                    if sum(e.occurred_at is not None for e in r.events) >= 2 and (
                        best is None or len(r.events) > len(best.events)
                    ):
                        best = r
            reader = best or reader
        pm.timeline = reader.events
        self.issues.extend(reader.issues)
        if pm.incident_date is None:
            pm.incident_date = (
                reader.first_date
                or date_in((pm.executive_summary or "")[:600])
                or date_in(self._opening_text()[:600])
                or self.weak_date
            )

    def split_incidents(self, pm: Postmortem) -> list[Postmortem]:
        """Several incidents in one file, when the title says so and the timeline has a dated
        subsection per incident."""
        title = " ".join(filter(None, [pm.title, self.md.front_matter or ""]))
        if not _MULTI_TITLE.search(title):
            return [pm]
        dated = [
            child
            for s in self.sections.get("timeline", [])
            for child in s.children
            if leading_date(plain(child.title))
        ]
        if len(dated) < 2:
            return [pm]
        out: list[Postmortem] = []
        for n, child in enumerate(dated, start=1):
            d = leading_date(plain(child.title))
            sub = Postmortem(
                incident_id=f"{pm.incident_id}#{n}",
                title=f"{pm.title}: {plain(child.title)}",
                severity_label=pm.severity_label,
                severity_scheme=pm.severity_scheme,
                severity_level=pm.severity_level,
                status=pm.status,
                owner=pm.owner,
                team=pm.team,
                incident_date=d,
                services=list(pm.services),
                drafted_at=pm.drafted_at,
                drafted_source=pm.drafted_source,
                line=child.line,
            )
            reader = read_timeline([child], d, self.tz_hint())
            sub.timeline = reader.events
            self.issues.extend(reader.issues)
            self._sub_milestones(sub, child, d)
            if n == 1:
                sub.executive_summary, sub.root_cause, sub.customer_impact = (
                    pm.executive_summary,
                    pm.root_cause,
                    pm.customer_impact,
                )
                sub.trigger, sub.lessons = pm.trigger, pm.lessons
                sub.actions, sub.factors = pm.actions, pm.factors
            out.append(sub)
        return out

    def _sub_milestones(self, sub: Postmortem, child: Section, d: date | None) -> None:
        """A per-incident ``**Duration:** 21:45 - 23:28 UTC`` line inside its subsection."""
        for kv in key_values(child, None, None):
            if kv.field == "duration":
                s, e = parse_timeframe(kv.value, base_date=d)
                if s and e:
                    sub.started_at, sub.resolved_at = s.at, e.at
                    sub.started_source = sub.resolved_source = "field"
                    sub.duration_minutes = (e.at - s.at).total_seconds() / 60
                minutes = parse_duration_minutes(kv.value)
                if minutes is not None and sub.duration_minutes is None:
                    sub.duration_minutes = minutes
                break

    def is_unfilled(self, pm: Postmortem) -> bool:
        f = self.fields
        if f.filled_identity > 0:
            return False
        status = self.fields.get("status") or ""
        return f.unfilled_identity >= 2 or status.strip().lower() == "template"


def parse_text(text: str, path: str = "<text>", config: Config | None = None) -> ParsedDocument:
    """Parse decoded Markdown. ``path`` is used for ids and messages only."""
    config = config or load_config()
    doc = ParsedDocument(path=path, template="freeform", raw_text=text)
    if not text.strip():
        doc.template = "empty"
        doc.issues.append(ParseIssue("document", "warning", "empty file", 1))
        return doc
    if len(text) > MAX_PARSE_CHARS:
        cut = text.rfind("\n", 0, MAX_PARSE_CHARS) + 1 or MAX_PARSE_CHARS
        line = text.count("\n", 0, cut) + 1
        message = f"file too long: parsing stopped at line {line}, the rest is kept as raw text"
        doc.issues.append(ParseIssue("document", "warning", message, line))
        text = text[:cut]
    try:
        b = _Builder(text, path, config)
        doc.template = b.shape
        if b.shape == "process":
            doc.is_process_doc = True
            doc.issues.append(
                ParseIssue("document", "info", "process document, not a postmortem", 1)
            )
            return doc
        pm = b.base_postmortem()
        b.timeline_for(pm)
        if b.is_unfilled(pm):
            doc.is_unfilled_template = True
            doc.issues.append(
                ParseIssue("document", "info", "unfilled template: kept out of metrics", 1)
            )
        doc.incidents = b.split_incidents(pm)
        for issue in b.issues:
            issue.incident_id = issue.incident_id or pm.incident_id
        doc.issues.extend(b.issues)
    except Exception as exc:  # a parser bug must never stop an ingest: record it, keep the text
        doc.issues.append(
            ParseIssue("document", "error", f"parser failed: {type(exc).__name__}: {exc}", None)
        )
    return doc


def parse_file(
    path: Path, root: Path | None = None, config: Config | None = None
) -> ParsedDocument:
    """Read, decode and parse one file; ``root`` makes the stored path relative."""
    rel = path.relative_to(root).as_posix() if root is not None else path.as_posix()
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # reading a named pipe would block forever
            raise OSError(errno.EINVAL, "not a regular file (pipe, socket or device)")
        data = path.read_bytes()
    except OSError as exc:
        doc = ParsedDocument(path=rel, template="unreadable", raw_text="")
        doc.issues.append(
            ParseIssue("document", "error", f"cannot read file: {exc.strerror or exc}", None)
        )
        return doc
    return parse_bytes(data, rel, config)


def parse_bytes(data: bytes, path: str, config: Config | None = None) -> ParsedDocument:
    decoded = decode_bytes(data)
    if decoded.is_binary:
        doc = ParsedDocument(path=path, template="binary", raw_text=decoded.text)
        doc.issues.append(
            ParseIssue("document", "error", "binary file, not Markdown: not parsed", None)
        )
        return doc
    doc = parse_text(decoded.text, path, config)
    for fix in decoded.fixes:
        doc.issues.append(ParseIssue("encoding", "info", fix, None))
    return doc
