"""``Key: value`` pairs wherever templates put them: bullets, bold header lines, italic footers,
plain ``Created By:`` lines and YAML front matter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from pmkit.parse.blocks import (
    Block,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    block_texts,
    plain,
)
from pmkit.parse.fields import field_for_key


@dataclass
class KeyValue:
    key: str
    """The key as written, without emphasis markers."""
    field: str | None
    """Canonical field (see ``fields.ALIASES``), None for keys pmkit does not use."""
    raw: str
    """The value's Markdown source (may be empty when the value sits in a nested list)."""
    line: int
    items: list[str] = field(default_factory=list)
    """Plain texts of nested list items under the key (``Services Affected:`` then a list)."""
    section: str = ""
    """Title of the section the pair sits in."""
    blocks: list[Block] = field(default_factory=list)
    """The nested blocks under the key, for keys that head a list (``- **Key events**``)."""

    @property
    def value(self) -> str:
        return plain(self.raw)


# **Key:** value | **Key**: value | **Key** (qualifier): value | __Key__: value | *Key:* value
_BOLD_KEY = re.compile(
    r"^\s*(?P<m>\*\*|__|\*|_)(?P<k>[^*_\n]{1,80}?)\s*(?P<c1>:?)\s*(?P=m)"
    r"(?P<q>\s*\([^)\n]{0,80}\))?\s*(?P<c2>:?)\s*(?P<v>.*)$"
)
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<k>[^*_\n]{1,60}?)\1\s*:?\s*$")
_PLAIN_KEY = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z0-9 /&()'.-]{0,48}?)\s*:\s+(?P<v>.*)$")
_PLAIN_KEY_EMPTY = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z0-9 /&()'.-]{0,48}?)\s*:\s*$")


def split_key_value(line: str) -> tuple[str, str] | None:
    """Split one source line into (key, value raw) when it is shaped like a field."""
    m = _BOLD_KEY.match(line)
    if m and m.group("c1") and m.group("q"):
        # "**Primary Cause:** (see below)": the key ended at its colon, the parentheses are the
        # value; only "**Key** (qualifier):" qualifies a key
        return m.group("k").strip(), line[m.start("q") :].strip()
    if m and (m.group("c1") or m.group("c2")):
        return m.group("k").strip(), m.group("v").strip()
    if m and m.group("m") in ("**", "__") and field_for_key(m.group("k")):
        # "**Incident Commander** Jane" with no colon: accept only known keys
        return m.group("k").strip(), m.group("v").strip()
    m = _PLAIN_KEY.match(line) or _PLAIN_KEY_EMPTY.match(line)
    if m and field_for_key(m.group("k")):
        return m.group("k").strip(), (m.groupdict().get("v") or "").strip()
    return None


def _nested_items(children: list[Block]) -> list[str]:
    out: list[str] = []
    for child in children:
        if isinstance(child, ListBlock):
            for item in child.items:
                text = plain(item.raw)
                if text:
                    out.append(text)
    return out


def _from_blocks(blocks: list[Block], section: str) -> Iterator[KeyValue]:
    for block in blocks:
        if isinstance(block, Paragraph):
            for offset, line in enumerate(block.raw.split("\n")):
                kv = split_key_value(line)
                if kv:
                    key, raw = kv
                    yield KeyValue(key, field_for_key(key), raw, block.line + offset, [], section)
        elif isinstance(block, ListBlock):
            for item in block.items:
                first, _, rest = item.raw.partition("\n")
                kv = split_key_value(first)
                if kv is None and item.children:
                    m = _BOLD_ONLY.match(first)
                    kv = (m.group("k").strip(), "") if m else None
                if kv:
                    key, raw = kv
                    if rest:
                        raw = f"{raw}\n{rest}".strip()
                    items = _nested_items(item.children)
                    yield KeyValue(
                        key, field_for_key(key), raw, item.line, items, section, item.children
                    )
                    continue
                # a list item holding a nested list of pairs (``- **Key events**`` then items)
                for child in item.children:
                    yield from _from_blocks([child], section)
        elif isinstance(block, Quote):
            yield from _from_blocks(block.blocks, section)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: the same documents, ~10x faster than pure Python."""


def key_values(root: Section, front_matter: str | None, fm_line: int | None) -> list[KeyValue]:
    """Every key/value pair in the document, in order, front matter first."""
    out: list[KeyValue] = []
    if front_matter:
        try:
            data = yaml.load(front_matter, Loader=_YAML_LOADER)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, list):
                    items = [str(v) for v in value]
                    raw = ", ".join(items)
                else:
                    items = []
                    raw = "" if value is None else str(value)
                k = str(key)
                out.append(KeyValue(k, field_for_key(k), raw, fm_line or 1, items, "front matter"))
    for section in root.walk():
        out.extend(_from_blocks(section.blocks, plain(section.title)))
    return out


def item_texts(blocks: list[Block]) -> list[str]:
    """Plain texts of the blocks, flattened (used for free-text sections)."""
    out: list[str] = []
    for block in blocks:
        out.extend(block_texts(block))
    return out
