"""What the document tells: summary, customer impact, root cause, trigger, lessons, contributing
factors. Fields first, then the sections whose heading names the part."""

from __future__ import annotations

import re

from pmkit.model import ContributingFactor, Postmortem
from pmkit.normalize.placeholders import is_placeholder
from pmkit.parse.context import Document
from pmkit.parse.fields import field_for_key
from pmkit.parse.fieldset import is_field_block, joined
from pmkit.parse.inline import Marked, plain, plain_marked
from pmkit.parse.keyvalues import split_key_value
from pmkit.parse.prose import children_prose, prose_texts, section_prose
from pmkit.parse.sections import names_safeguards, names_the_root_cause, section_role
from pmkit.parse.tree import Block, ListBlock, ListItem, Paragraph, Section, Table


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


def root_cause_text(doc: Document) -> str | None:
    """The root cause itself. A root-cause analysis split into subsections (seed-002: The
    Problem, How It Happened, Why It Happened, Contributing Factors, 5 Whys) gives the text
    above its subsections and the subsection that names the cause; otherwise the whole
    section. Either way a subsection with a role of its own (Contributing Factors, Trigger)
    is read as that, not as the cause, and so is a ``- **Key**:`` item read as another field
    (seed-001's Triggering Event, Contributing Factors) or naming safeguards."""
    parts: list[str] = []
    for section in doc.sections.get("root_cause", []):
        texts = [t for b in _cause_blocks(section.blocks) for t in prose_texts(b)]
        itself = [c for c in section.children if names_the_root_cause(c.title)]
        if itself:
            texts += [section_prose(c) for c in itself]
            parts.append("\n".join(t for t in texts if t).strip())
            continue
        texts += children_prose(section, lambda c: section_role(c.title) in (None, "root_cause"))
        parts.append("\n".join(t for t in texts if t).strip())
    return joined(parts)


def summary_text(doc: Document) -> str | None:
    """The summary sections' prose. A list of fields under a summary heading (seed-004's
    "Incident Summary": ``- **Start Time (UTC):** ...``) is the document's metadata, read as
    fields; it is not the summary."""
    parts: list[str] = []
    for section in doc.sections.get("summary", []):
        texts = [t for b in section.blocks if not is_field_block(b) for t in prose_texts(b)]
        texts += children_prose(section)
        parts.append("\n".join(t for t in texts if t).strip())
    return joined(parts)


def _prose_beside_fields(section: Section) -> str:
    """A section's prose without its lists of fields, in subsections too (a paragraph of
    ``**Key:** value`` lines stays: in hand-written impact sections it is the author's)."""
    texts = [
        t
        for b in section.blocks
        if not (isinstance(b, ListBlock) and is_field_block(b))
        for t in prose_texts(b)
    ]
    for child in section.children:
        text = _prose_beside_fields(child)
        if text:
            texts += [plain(child.title), text]
    return "\n".join(t for t in texts if t).strip()


def impact_text(doc: Document) -> str | None:
    """The impact sections' prose. Their lists of fields (seed-000's ``- **Systems/services
    affected:** api``, seed-001's ``- **Duration of Impact:** ...``) are read as those fields;
    they are not the customer impact, and a section holding nothing else holds none."""
    return joined([_prose_beside_fields(s) for s in doc.sections.get("impact", [])])


_FACTOR_SPLIT = re.compile(r"\s*;\s*")


def _unmarked(text: str) -> Marked:
    """Text with nothing known to be literal (front matter values, table cells joined)."""
    return Marked(text, text)


def _is_template_factor(m: Marked) -> bool:
    """A placeholder, or a line whose label is one (``[Factor]: ...``, ``Owner: ...`` left
    from a template). Only a colon written as markup ends a label: ``Owner\\: nobody
    reviewed the alert`` is a factor."""
    colon = m.masked.find(":")
    return is_placeholder(m.text) or (colon >= 0 and is_placeholder(m.text[:colon]))


def factors(doc: Document) -> list[ContributingFactor]:
    texts: list[tuple[Marked, int | None]] = []
    kv = doc.fields.values.get("factors")
    if kv is not None:
        if kv.items:
            sources = (
                map(plain_marked, kv.item_sources()) if kv.blocks else map(_unmarked, kv.items)
            )
            texts.extend((m, kv.line) for m in sources)
        elif kv.value:
            texts.extend((m, kv.line) for m in plain_marked(kv.raw).split(_FACTOR_SPLIT))
    for section in doc.sections.get("factors", []):
        for block in section.blocks:
            if isinstance(block, ListBlock):
                texts.extend((plain_marked(i.raw), i.line) for i in block.items)
            elif isinstance(block, Table):
                texts.extend(
                    (_unmarked(" - ".join(plain(c) for c in row[:2] if c)), ln)
                    for row, ln in zip(block.rows, block.row_lines, strict=False)
                )
        if not any(isinstance(b, (ListBlock, Table)) for b in section.blocks):
            texts.extend(
                (plain_marked(b.raw), b.line) for b in section.blocks if isinstance(b, Paragraph)
            )
    out: list[ContributingFactor] = []
    seen: set[str] = set()
    for marked, line in texts:
        m = marked.strip()
        if m.text and m.text not in seen and not _is_template_factor(m):
            out.append(ContributingFactor(len(out) + 1, m.text, line))
            seen.add(m.text)
    return out


def read_narrative(doc: Document, pm: Postmortem) -> None:
    f = doc.fields
    pm.customer_impact = f.text("customer_impact") or impact_text(doc)
    pm.executive_summary = f.text("executive_summary") or summary_text(doc)
    pm.root_cause = f.text("root_cause") or root_cause_text(doc)
    pm.trigger = f.text("trigger") or doc.role_text("trigger")
    pm.lessons = doc.role_text("lessons")
    pm.factors = factors(doc)
