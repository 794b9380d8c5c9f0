"""``Key: value`` pairs wherever templates put them: bullets, bold header lines, italic footers,
plain ``Created By:`` lines and YAML front matter."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache

import yaml

from pmkit.model import ParseIssue
from pmkit.parse.blocks import block_texts
from pmkit.parse.fields import field_for_key
from pmkit.parse.inline import plain
from pmkit.parse.tree import Block, ListBlock, Paragraph, Quote, Section


@dataclass
class KeyValue:
    key: str
    """The key as written, without emphasis markers."""
    field: str | None
    """Canonical field (see ``fields.ALIASES``), None for keys pmkit does not use."""
    raw: str
    """The value's Markdown source (may be empty when the value sits in a nested list)."""
    line: int
    items: list[str] = dataclass_field(default_factory=list)
    """Plain texts of nested list items under the key (``Services Affected:`` then a list)."""
    section: str = ""
    """Title of the section the pair sits in."""
    blocks: list[Block] = dataclass_field(default_factory=list)
    """The nested blocks under the key, for keys that head a list (``- **Key events**``)."""
    paragraphs: tuple[str, ...] = ()
    """:attr:`raw` paragraph by paragraph, when the value goes on in more paragraphs of its
    list item (``- **What happened:** ...`` then indented paragraphs); empty otherwise."""

    @property
    def value(self) -> str:
        return plain(self.raw)

    def value_paragraphs(self) -> tuple[str, ...]:
        """The Markdown source of the value's paragraphs (one for a one-paragraph value)."""
        return self.paragraphs or ((self.raw,) if self.raw else ())

    def item_sources(self) -> list[str]:
        """The Markdown source of each of :attr:`items` (front matter: the values as written),
        for readers that read the Markdown themselves (see ``pmkit.parse.names``)."""
        if not self.blocks:
            return list(self.items)
        return [
            item.raw
            for child in self.blocks
            if isinstance(child, ListBlock)
            for item in child.items
            if plain(item.raw)
        ]


# **Key:** value | **Key**: value | **Key** (qualifier): value | __Key__: value | *Key:* value
_BOLD_KEY = re.compile(
    r"^\s*(?P<m>\*\*|__|\*|_)(?P<k>[^*_\n]{1,80}?)\s*(?P<c1>:?)\s*(?P=m)"
    r"(?P<q>\s*\([^)\n]{0,80}\))?\s*(?P<c2>:?)\s*(?P<v>.*)$"
)
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<k>[^*_\n]{1,60}?)\1\s*:?\s*$")
_PLAIN_KEY = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z0-9 /&()'.-]{0,48}?)\s*:\s+(?P<v>.*)$")
_PLAIN_KEY_EMPTY = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z0-9 /&()'.-]{0,48}?)\s*:\s*$")


@lru_cache(maxsize=16384)
def split_key_value(line: str) -> tuple[str, str] | None:
    """Split one source line into (key, value raw) when it is shaped like a field. Cached: the
    readers ask about the same lines (a field list is read as fields, prose and milestones)."""
    if ":" not in line and line.lstrip()[:1] not in ("*", "_"):
        return None  # neither a colon nor a leading emphasis: no pattern below can match
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
            text = block.raw
            if ":" not in text and "*" not in text and "_" not in text:
                continue  # no line can be a pair (see split_key_value's early out)
            for offset, line in enumerate(text.split("\n")):
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
                    paragraphs: tuple[str, ...] = ()
                    if len(item.paragraphs) > 1:
                        more = item.paragraphs[0].partition("\n")[2]
                        paragraphs = (f"{raw}\n{more}".strip(), *item.paragraphs[1:])
                    if rest:
                        raw = f"{raw}\n{rest}".strip()
                    items = _nested_items(item.children)
                    yield KeyValue(
                        key,
                        field_for_key(key),
                        raw,
                        item.line,
                        items,
                        section,
                        item.children,
                        paragraphs,
                    )
                    continue
                # a list item holding a nested list of pairs (``- **Key events**`` then items)
                for child in item.children:
                    yield from _from_blocks([child], section)
        elif isinstance(block, Quote):
            yield from _from_blocks(block.blocks, section)


MAX_FRONT_MATTER_VALUES = 10_000
"""Front matter that expands to more values than this (YAML aliases: a 433-byte "alias bomb"
expands to billions) is not read; a postmortem's front matter holds a few dozen."""

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: the same documents, ~10x faster than pure Python."""


def _expanded_size(data: object, cap: int) -> int:
    """How many values ``data`` holds once every alias is expanded, counted without expanding
    (shared nodes are sized once and counted each time they are referenced); stops past ``cap``.
    Iterative, so deep nesting cannot exhaust the stack."""
    sizes: dict[int, int] = {}
    stack: list[tuple[object, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, dict):
            children: list[object] = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            children = node
        else:
            continue
        if id(node) in sizes:
            continue
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
            continue
        total = 1
        for child in children:
            total += sizes.get(id(child), 1)
            if total > cap:
                return cap + 1
        sizes[id(node)] = total
    return sizes.get(id(data), 1)


def _load_front_matter(text: str, fmt: str) -> tuple[dict[str, object] | None, str | None]:
    """The front matter's table, or None and why it could not be read."""
    try:
        data = tomllib.loads(text) if fmt == "toml" else yaml.load(text, Loader=_YAML_LOADER)
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        return None, None  # not front matter after all (a "---" rule above prose): nothing to say
    except (ValueError, RecursionError, OverflowError, MemoryError) as exc:
        # int() of a 5,000-digit number, nesting deeper than the loader allows
        return None, f"front matter not read: {type(exc).__name__}: {str(exc)[:120]}"
    if not isinstance(data, dict):
        return None, None
    if _expanded_size(data, MAX_FRONT_MATTER_VALUES) > MAX_FRONT_MATTER_VALUES:
        return None, (
            f"front matter not read: its aliases expand past {MAX_FRONT_MATTER_VALUES} values"
        )
    return data, None


def _front_matter_pairs(data: dict[str, object], line: int) -> Iterator[KeyValue]:
    """One pair per key; a table (TOML ``[extra]``, a YAML mapping) gives its keys one level
    down, after the top-level ones, unless a top-level key has the same name."""
    nested: list[tuple[object, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            nested.extend(value.items())
            continue
        yield _pair(str(key), value, line)
    top = {str(k) for k in data}
    for inner_key, inner_value in nested:
        if str(inner_key) not in top and not isinstance(inner_value, dict):
            yield _pair(str(inner_key), inner_value, line)


def _pair(key: str, value: object, line: int) -> KeyValue:
    if isinstance(value, list):
        items = [str(v) for v in value]
        raw = ", ".join(items)
    else:
        items = []
        raw = "" if value is None else str(value)
    return KeyValue(key, field_for_key(key), raw, line, items, "front matter")


def key_values(
    root: Section,
    front_matter: str | None,
    fm_line: int | None,
    fm_format: str = "yaml",
    issues: list[ParseIssue] | None = None,
) -> list[KeyValue]:
    """Every key/value pair in the document, in order, front matter first. A front matter that
    cannot be read safely adds a warning to ``issues`` (when given) and is skipped."""
    out: list[KeyValue] = []
    if front_matter:
        data, problem = _load_front_matter(front_matter, fm_format)
        if problem and issues is not None:
            issues.append(ParseIssue("front matter", "warning", problem, fm_line or 1))
        if data is not None:
            out.extend(_front_matter_pairs(data, fm_line or 1))
    for section in root.walk():
        out.extend(_from_blocks(section.blocks, plain(section.title)))
    return out


def item_texts(blocks: list[Block]) -> list[str]:
    """Plain texts of the blocks, flattened (used for free-text sections)."""
    out: list[str] = []
    for block in blocks:
        out.extend(block_texts(block))
    return out
