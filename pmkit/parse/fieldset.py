"""The document's fields, one value per canonical name, and the helpers that tell a field list from
prose. Read once per document by :mod:`pmkit.parse.context`; every reader asks it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pmkit.normalize.placeholders import is_placeholder
from pmkit.normalize.severity import is_severity_placeholder
from pmkit.parse.fields import field_for_key
from pmkit.parse.keyvalues import KeyValue, split_key_value
from pmkit.parse.names import is_literal
from pmkit.parse.prose import blocks_prose, value_prose
from pmkit.parse.tree import Block, ListBlock, Paragraph

MAX_TEXT = 4000
"""A free-text field (summary, root cause, ...) is cut here: reports show paragraphs, not logs."""
IDENTITY_FIELDS = frozenset(
    {"title", "date", "timeframe", "start", "end", "severity", "incident_id"}
)
"""The fields whose filling tells a filled template from an unfilled one."""
LIST_FIELDS = frozenset({"services"})
"""Fields whose value is a list, read item by item: such a value that looks like a placeholder
as a whole (``<, >``) is one only when written all as markup (see ``pmkit.parse.names``)."""


@dataclass
class Fields:
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
        return kv.value or "\n".join(blocks_prose(kv.blocks))[:MAX_TEXT]

    def text(self, name: str) -> str | None:
        """A free-text field's value (summary, root cause...) read as prose, its template lines
        left out as they are from a section's (see ``pmkit.parse.prose.value_prose``)."""
        kv = self.values.get(name)
        if kv is None or not kv.raw:
            return self.get(name)
        return value_prose(kv)[:MAX_TEXT] or None

    def line(self, name: str) -> int | None:
        kv = self.values.get(name) or self.placeholders.get(name)
        return kv.line if kv else None


def _is_placeholder_value(kv: KeyValue, value: str) -> bool:
    """The value as a whole is template text. A value of several paragraphs is one only when
    each paragraph is (paragraphs never make one together), a list written with a character
    escaped only when each item is (see ``pmkit.parse.names``)."""
    if not is_placeholder(value):
        return False
    if len(kv.paragraphs) > 1:
        return not value_prose(kv)
    return not (kv.field in LIST_FIELDS and is_literal(kv.raw))


def collect_fields(kvs: list[KeyValue]) -> Fields:
    out = Fields()
    for kv in kvs:
        if kv.field is None:
            continue
        value = kv.value
        empty = not value and not kv.items
        placeholder = (
            empty
            or _is_placeholder_value(kv, value)
            or (kv.field == "severity" and is_severity_placeholder(value))
        )
        if kv.items and (empty or placeholder):
            real = [i for i in kv.items if not is_placeholder(i)]
            placeholder = not real
        if placeholder:
            out.placeholders.setdefault(kv.field, kv)
            if kv.field in IDENTITY_FIELDS:
                out.unfilled_identity += 1
            continue
        if kv.field not in out.values:
            out.values[kv.field] = kv
            if kv.field in IDENTITY_FIELDS:
                out.filled_identity += 1
    return out


def joined(parts: list[str]) -> str | None:
    """Section texts as one field value, cut at ``MAX_TEXT``. Their placeholders were left out
    paragraph by paragraph (``pmkit.parse.prose``): paragraphs never make one together."""
    text = "\n\n".join(p for p in parts if p).strip()
    return text[:MAX_TEXT] or None


def _is_field_line(line: str, *, valued: bool) -> bool:
    kv = split_key_value(line)
    return kv is not None and field_for_key(kv[0]) is not None and (bool(kv[1]) or not valued)


def is_field_block(block: Block) -> bool:
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
