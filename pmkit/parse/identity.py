"""Which incident a document is about: title, id, the day it names, severity, status, owner, team,
services, and whether it is a template nobody filled."""

from __future__ import annotations

import re
from datetime import date

from pmkit.model import Postmortem
from pmkit.normalize.owners import normalize_owner
from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.severity import parse_severity
from pmkit.normalize.status import normalize_incident_status
from pmkit.normalize.times import parse_date
from pmkit.parse.context import TITLE_PREFIX, Document, file_stem
from pmkit.parse.inline import Marked, plain, plain_marked
from pmkit.parse.names import owner_in, services_in
from pmkit.parse.sections import section_role
from pmkit.parse.textdates import date_in
from pmkit.parse.tree import Paragraph

_TITLE_NOISE = re.compile(
    r"^\s*\[(incident|postmortem|post-mortem)\]\s*|\{\{\s*|\s*\}\}", re.IGNORECASE
)
_TEMPLATE_TITLE = re.compile(
    r"^(issue|incident|title|name|issue name|incident name|incident title|summary)$", re.IGNORECASE
)
_ID_TITLE = re.compile(
    r"^\s*(?P<id>[A-Z][A-Z0-9]*-[\w-]*\d[\w-]*)(?:\s*[/:|–—]|\s+-)\s*(?P<title>.+)$"
)
_BLOG_KEYS = frozenset(
    "authors tags categories layout teaser aliases slug permalink draft excerpt path".split()
)
"""Front-matter keys of a blog post (Hugo, Zola, Jekyll, MkDocs): its ``date`` is when the post
went out, not when the incident happened."""


def _title_field(doc: Document) -> Marked | None:
    """The title field's text; read from its Markdown, so that what it writes literally
    (``OPS\\-12``, ``\\{\\{``) is title, never an id or template braces."""
    kv = doc.fields.values.get("title")
    if kv is None:
        return None
    if kv.raw:
        return plain_marked(kv.raw)
    value = doc.fields.get("title") or ""
    return Marked(value, value)


def title(doc: Document) -> str | None:
    field = _title_field(doc)
    if field is not None and field.text:
        m = _ID_TITLE.match(field.masked)
        if m:
            field = field[m.start("title") : m.end("title")]
        value = field.sub(_TITLE_NOISE).text.strip()
        if value and not is_placeholder(value):
            return value
    for section in doc.md.root.children:
        if section.level > 1 and section_role(section.title):
            break  # "## Issue summary" opens the body: there is no title heading
        t = TITLE_PREFIX.sub("", plain(section.title)).strip()
        if t and _TEMPLATE_TITLE.match(t) and section.blocks:
            # "# ISSUE NAME" left from a template: the real title is the line below it
            first = section.blocks[0]
            if isinstance(first, Paragraph):
                t = plain(first.raw.split("\n")[0])
        if t and not is_placeholder(t) and not _TEMPLATE_TITLE.match(t):
            return t
        break
    # no title anywhere: the file's name, whole (its stem can hold dots: "repo.name")
    return file_stem(doc.path) or None


def incident_id(doc: Document) -> str:
    value = doc.fields.get("incident_id")
    if value:
        m = _ID_TITLE.match(value)
        return (m.group("id") if m else value).strip()
    t = _title_field(doc)
    if t is not None:
        m = _ID_TITLE.match(t.masked)
        if m:
            return t.text[m.start("id") : m.end("id")]
    # no id written: the file name (without folders and suffixes) names the incident
    return file_stem(doc.path) or doc.path


def is_blog_front_matter(doc: Document) -> bool:
    return any(kv.section == "front matter" and kv.key.lower() in _BLOG_KEYS for kv in doc.kvs)


def publication_date(doc: Document) -> date | None:
    """A blog post's front-matter ``date``: when the post went out (the last resort)."""
    kv = doc.fields.values.get("date")
    if kv is None or kv.section != "front matter" or not is_blog_front_matter(doc):
        return None
    return date_in(kv.value) or parse_date(kv.value)


def base_date(doc: Document, title_text: str | None) -> date | None:
    """The day the document names for the incident: a date, timeframe or start field, else a
    date in the title. A blog's front-matter date is left out (see :func:`publication_date`)."""
    for name in ("date", "timeframe", "start"):
        value = doc.fields.get(name)
        kv = doc.fields.values.get(name)
        if name == "date" and kv is not None and publication_date(doc) is not None:
            continue
        d = (date_in(value) or parse_date(value)) if value else None
        if d is not None:
            return d
        if name == "date" and kv is not None and value:
            # 2026-02-30 or a year 3026: say so on its line instead of dropping it silently
            doc.issue("date", "warning", f"unreadable date {value!r} in field {kv.key!r}", kv.line)
    return date_in(title_text)


def severity(doc: Document, pm: Postmortem) -> None:
    kv = doc.fields.values.get("severity")
    if kv is None:
        return
    sev = parse_severity(kv.value, doc.config)
    if sev is None:
        doc.issue("severity", "warning", f"unrecognised severity {kv.value!r}", kv.line)
        return
    pm.severity_label, pm.severity_scheme, pm.severity_level = sev.label, sev.scheme, sev.level


def status_owner_team(doc: Document, pm: Postmortem) -> None:
    status = doc.fields.get("status")
    pm.status = normalize_incident_status(status) if status else None
    pm.owner = _owner(doc, "owner") or _owner(doc, "author") or _owner(doc, "commander")
    pm.team = doc.fields.get("team")


def _owner(doc: Document, name: str) -> str | None:
    """The field's owner, read from its Markdown (a value in a nested list: from its text)."""
    kv = doc.fields.values.get(name)
    if kv is None:
        return None
    return owner_in(kv.raw) if kv.raw else normalize_owner(doc.fields.get(name))


def services(doc: Document) -> list[str]:
    kv = doc.fields.values.get("services")
    return services_in(kv.raw, kv.item_sources()) if kv is not None else []


def is_unfilled(doc: Document) -> bool:
    f = doc.fields
    if f.filled_identity > 0:
        return False
    status = f.get("status") or ""
    return f.unfilled_identity >= 2 or status.strip().lower() == "template"
