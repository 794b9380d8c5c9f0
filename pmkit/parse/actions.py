"""Action items from tables, numbered or bulleted lists, checklists and one-paragraph subsections.

The kind (short-term, preventive, ...) comes from the nearest heading that says it; the status from
a Status column, a checkbox or inline words ("Done", "(pending)"); the tracking reference from a
link column or the first link in the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pmkit.model import ActionItem
from pmkit.normalize.links import extract_tracking_ref
from pmkit.normalize.owners import normalize_owner
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.status import find_inline_status, normalize_action_status
from pmkit.normalize.times import parse_date
from pmkit.parse.fields import normalize_key
from pmkit.parse.inline import plain
from pmkit.parse.names import owner_in
from pmkit.parse.sections import action_kind, section_role
from pmkit.parse.tree import Block, ListBlock, Paragraph, Quote, Section, Table

_TEXT_COLS = (
    "action",
    "action item",
    "description",
    "item",
    "task",
    "what",
    "action items",
    "follow up",
    "remediation",
    "title",
)
_OWNER_COLS = ("owner", "assignee", "assigned to", "who", "responsible", "dri")
_DUE_COLS = ("due date", "due", "target date", "deadline", "eta", "target", "by when", "date")
_STATUS_COLS = ("status", "state", "done", "progress")
_PRIORITY_COLS = ("priority", "prio", "severity")
_ID_COLS = ("id", "ref", "number", "no", "key")
_TRACK_COLS = (
    "tracking link",
    "tracking",
    "ticket",
    "issue",
    "link",
    "jira",
    "tracking ref",
    "tracking reference",
    "bug",
    "pr",
)

_INLINE_OWNER = re.compile(
    r"(?:owner|assignee|assigned to|dri)\s*[:=]\s*(?P<o>@?[\w.\- ]{1,40}?)(?=\s*[,;)(\]]|\s*$| due| by |\.\s)",
    re.IGNORECASE,
)
_TRAILING_HANDLE = re.compile(r"\(\s*(?P<o>@[\w.\-]+)\s*\)|(?:^|\s)[-–—]\s*(?P<o2>@[\w.\-]+)\s*$")
_INLINE_DUE = re.compile(
    r"\bdue(?: date)?\s*[:=]?\s*(?:by\s+|on\s+)?(?P<d>\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})",
    re.IGNORECASE,
)
_META_CHECKLIST = re.compile(
    r"\b(sections? above|this (document|report|post-?mortem)|incident title|after-action report|"
    r"filled out|has been dealt with|actionable items above)\b",
    re.IGNORECASE,
)
_DONE_HEADING = re.compile(
    r"\((completed|done|finished)\)|\b(completed|done) actions\b", re.IGNORECASE
)
_ACTION_LEAD = re.compile(
    r"^\s*(\*\*|__)(action(?: item)?|todo|follow[- ]?up)s?\s*:?\s*\1\s*:?\s*", re.IGNORECASE
)
_BRACES = re.compile(r"\{\{\s*|\s*\}\}")
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_NONE_TEXT = re.compile(r"^(none|n/?a|nothing|no action items?|tbd|-)\.?$", re.IGNORECASE)


_DEFINITION_ITEM = re.compile(
    r"^\s*(?:\*\*|__)?(?P<term>[\w/&+.-]+(?:\s[\w/&+.-]+){0,2})(?:\*\*|__)?\s*"
    r"(?:[-–—:=]|\bmeans\b|\bis\b)\s+\S"
)
_DEFINES = re.compile(
    r"\b(?:types?|priorit(?:y|ies)|severit(?:y|ies)|levels?|definitions?|categories|legend|means|"
    r"kinds?|classes)\b",
    re.IGNORECASE,
)
_WRAPPED = re.compile(r"[^.!?:;)\]]$")
_CONTINUES = re.compile(r"^\s*[a-z(\[`\"']")
_MID_SENTENCE = re.compile(
    r"(?:[-\"'”,]|\b(?:the|a|an|of|to|and|or|for|with|in|on|by|that|than|as|from|at|into|is|are|"
    r"be|will|we|our|this|these|which|who|when|where|while|if|but|so|not|no|any|all|each))$",
    re.IGNORECASE,
)
"""A line that ends in a word no sentence ends with ("the", "of", a hyphen, a comma) goes on."""


def _is_definition_list(block: ListBlock, previous: Block | None) -> bool:
    """A list of ``Term - meaning`` items right after a paragraph that announces definitions
    ("... three types. Types:", "... should have assigned priority:"): a legend, not actions."""
    if not isinstance(previous, Paragraph) or not block.items:
        return False
    intro = plain(previous.raw).rstrip()
    if not intro.endswith(":") or not _DEFINES.search(intro[-200:]):
        return False
    return all(_DEFINITION_ITEM.match(plain(item.raw)) for item in block.items)


def _logical_lines(raw: str) -> list[tuple[int, str]]:
    """The paragraph's lines, a line that stops mid-sentence joined with the next one when that
    one goes on in lower case (a hard-wrapped paragraph is one item, not one per line)."""
    out: list[tuple[int, str]] = []
    for offset, line in enumerate(raw.split("\n")):
        text = line.strip()
        if not text:
            continue
        prev = out[-1][1] if out else ""
        if out and _WRAPPED.search(prev) and (_CONTINUES.match(text) or _MID_SENTENCE.search(prev)):
            out[-1] = (out[-1][0], f"{out[-1][1]} {text}")
        else:
            out.append((offset, text))
    return out


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    norm = [normalize_key(plain(h)) for h in header]
    for name in names:
        for i, h in enumerate(norm):
            if h == name:
                return i
    for name in names:
        for i, h in enumerate(norm):
            if h.startswith(name + " ") or h.endswith(" " + name):
                return i
    return None


_Columns = tuple[int, int | None, int | None, int | None, int | None, int | None, int | None]


@lru_cache(maxsize=1024)
def _columns(h: tuple[str, ...]) -> _Columns:
    """Which column of a table with header ``h`` holds the text, owner, due date, status,
    priority, id and tracking link. Cached: a corpus repeats its templates' headers."""
    header = list(h)
    c_text = _col(header, _TEXT_COLS)
    c_owner = _col(header, _OWNER_COLS)
    c_due = _col(header, _DUE_COLS)
    c_status = _col(header, _STATUS_COLS)
    c_prio = _col(header, _PRIORITY_COLS)
    c_id = _col(header, _ID_COLS)
    c_track = _col(header, _TRACK_COLS)
    if c_text is None:
        used = {c_owner, c_due, c_status, c_prio, c_id, c_track}
        c_text = next((i for i in range(len(h)) if i not in used), 0)
    return c_text, c_owner, c_due, c_status, c_prio, c_id, c_track


def _cell(row: list[str], idx: int | None) -> str:
    if idx is None or idx >= len(row):
        return ""
    return row[idx]


class ActionReader:
    """Collects the actions of one document, remembering the heading each sits under."""

    def __init__(self, refdefs: dict[str, str]) -> None:
        self.refdefs = refdefs
        self.actions: list[ActionItem] = []

    def read_section(
        self, section: Section, kind: str = "unspecified", heading: str | None = None
    ) -> None:
        heading = plain(section.title) if section.level else heading
        kind = action_kind(section.title) or kind
        # prose is read as actions only where the section holds no list or table at all
        structured = any(
            isinstance(b, (ListBlock, Table)) for s in section.walk() for b in s.blocks
        )
        # "1. **Migration**" items followed by loose bullets: the bullets are details, not actions
        titled = any(
            isinstance(b, ListBlock) and b.ordered and b.items[0].raw.startswith("**")
            for b in section.blocks
        )
        previous: Block | None = None
        for block in section.blocks:
            if titled and isinstance(block, ListBlock) and not block.ordered:
                continue
            if isinstance(block, ListBlock) and _is_definition_list(block, previous):
                previous = block
                continue  # "Types: * Prevent - ..., * Detect - ..." defines words, asks nothing
            self._block(block, kind, heading, paragraphs=not structured)
            previous = block
        for child in section.children:
            role = section_role(child.title)
            if role in (None, "actions", "resolution", "detection", "process"):
                self.read_section(child, kind, heading)

    def _block(self, block: Block, kind: str, heading: str | None, paragraphs: bool) -> None:
        if isinstance(block, Table):
            self._table(block, kind, heading)
        elif isinstance(block, ListBlock):
            self._list(block, kind, heading)
        elif isinstance(block, Quote):
            return  # a quoted rule ("This post-mortem is not complete until ...") is not an action
        elif isinstance(block, Paragraph) and _ACTION_LEAD.match(block.raw):
            # "**Action item:** Start incidents earlier. ... Owner: @x" in prose
            self._add_free(
                _ACTION_LEAD.sub("", block.raw, count=1), None, kind, heading, block.line
            )
        elif isinstance(block, Paragraph) and paragraphs:
            # one action per line, except that a line wrapped mid-sentence goes on on the next
            for offset, text in _logical_lines(block.raw):
                self._add_free(text, None, kind, heading, block.line + offset)

    def _add_free(
        self,
        raw: str,
        checked: bool | None,
        kind: str,
        heading: str | None,
        line: int,
        extra_raw: str = "",
    ) -> None:
        text = plain(raw)
        if "{{" in text:
            # "{{ Adopt X }}": a value typed inside a template's braces; "{{ summary }}" is empty
            text = _BRACES.sub("", text).strip()
            if len(_BRACKETED.sub("", text).split()) < 2:
                return
        if not text or is_placeholder(text) or _NONE_TEXT.match(text):
            return
        if checked is not None and _META_CHECKLIST.search(text):
            return  # a template's own checklist ("Sections above are filled out"), not an action
        status, status_text = "unknown", None
        found_inline = find_inline_status(text) if checked is not True else None
        if checked is not None and not (found_inline and found_inline[0] == "in_progress"):
            status, status_text = ("done", "[x]") if checked else ("open", "[ ]")
        else:
            found = found_inline
            if found:
                status, status_text = found
            elif heading and _DONE_HEADING.search(heading):
                status, status_text = "done", heading
        owner = None
        m = _INLINE_OWNER.search(text)
        if m:
            owner = normalize_owner(m.group("o"))
        else:
            m2 = _TRAILING_HANDLE.search(text)
            if m2:
                owner = normalize_owner(m2.group("o") or m2.group("o2"))
        due = None
        md = _INLINE_DUE.search(text)
        if md:
            due = parse_date(md.group("d"))
        ref = extract_tracking_ref(raw, self.refdefs)
        if ref is None and extra_raw:
            ref = extract_tracking_ref(extra_raw, self.refdefs)
        self.actions.append(
            ActionItem(
                text=text,
                owner=owner,
                due_date=due,
                status=status,  # type: ignore[arg-type]
                status_text=status_text,
                kind=kind,  # type: ignore[arg-type]
                tracking_ref=ref,
                section=heading,
                line=line,
            )
        )

    def _list(self, block: ListBlock, kind: str, heading: str | None) -> None:
        for item in block.items:
            nested = [c for c in item.children if isinstance(c, ListBlock)]
            text = plain(item.raw)
            # "Follow-ups:" over a list heads the list; a checkbox "Alert on:" with sub-boxes is
            # one action whose sub-items are details
            if nested and (not text or (text.endswith(":") and item.checked is None)):
                sub_heading = text.rstrip(":") or heading
                sub_kind = action_kind(text) or kind
                for child in nested:
                    self._list(child, sub_kind, sub_heading)
                continue
            nested_raw = "\n".join(i.raw for child in nested for i in child.items)
            self._add_free(item.raw, item.checked, kind, heading, item.line, nested_raw)

    def _table(self, table: Table, kind: str, heading: str | None) -> None:
        c_text, c_owner, c_due, c_status, c_prio, c_id, c_track = _columns(tuple(table.header))
        for row, line in zip(table.rows, table.row_lines, strict=False):
            raw_text = _cell(row, c_text)
            text = plain(raw_text)
            if not text or is_placeholder(text):
                continue
            due_raw = plain(_cell(row, c_due))
            status_raw = plain(_cell(row, c_status))
            prio = plain(_cell(row, c_prio))
            action_id = plain(_cell(row, c_id))
            track_raw = _cell(row, c_track)
            status = normalize_action_status(status_raw) if status_raw else "unknown"
            if not status_raw:
                found = find_inline_status(text)
                if found:
                    status, status_raw = found
            ref = extract_tracking_ref(track_raw, self.refdefs) if track_raw else None
            if ref is None:
                ref = extract_tracking_ref(raw_text, self.refdefs)
            self.actions.append(
                ActionItem(
                    text=text,
                    action_id=action_id if action_id and not is_placeholder(action_id) else None,
                    owner=owner_in(_cell(row, c_owner)),
                    due_date=parse_date(due_raw) if due_raw else None,
                    status=status,  # type: ignore[arg-type]
                    status_text=status_raw or None,
                    priority=prio if prio and not is_placeholder(prio) else None,
                    kind=kind,  # type: ignore[arg-type]
                    tracking_ref=ref,
                    section=heading,
                    line=line,
                )
            )


def read_actions(sections: list[Section], refdefs: dict[str, str]) -> list[ActionItem]:
    reader = ActionReader(refdefs)
    for section in sections:
        reader.read_section(section)
    return reader.actions
