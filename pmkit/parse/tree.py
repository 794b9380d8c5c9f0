"""The tree every reader walks: sections of blocks (paragraphs, lists, tables, code, HTML,
quotes), each with its 1-based source line. Built by :mod:`pmkit.parse.blocks` from
markdown-it-py tokens or by :mod:`pmkit.parse.native` from markdown-it.rs's tree; plain
dataclasses, knowing nothing of either parser (nor of DuckDB).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    raw: str
    """Markdown source of the paragraph (soft breaks kept as newlines)."""
    line: int


@dataclass
class ListItem:
    raw: str
    """Markdown source of the item's own paragraphs (not its nested lists)."""
    line: int
    checked: bool | None = None
    """True/False for ``- [x]`` / ``- [ ]`` checklist items, None otherwise."""
    children: list[Block] = field(default_factory=list)
    paragraphs: tuple[str, ...] = ()
    """The Markdown source of each of the item's paragraphs, which :attr:`raw` joins."""


@dataclass
class ListBlock:
    items: list[ListItem]
    ordered: bool
    line: int


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    line: int
    row_lines: list[int]


@dataclass
class Code:
    text: str
    line: int


@dataclass
class Html:
    text: str
    line: int


@dataclass
class Quote:
    blocks: list[Block]
    line: int


Block = Paragraph | ListBlock | Table | Code | Html | Quote


@dataclass
class Section:
    level: int
    """Heading level 1-6; 0 for the document root."""
    title: str
    """Heading text as written (Markdown source)."""
    line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """This section and every section below it, in document order."""
        stack = [self]  # iterative: a generator per level cost more than the walk itself
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))


@dataclass
class MarkdownDoc:
    root: Section
    front_matter: str | None
    front_matter_line: int | None
    refdefs: dict[str, str]
    """Reference-style link definitions (``[label]: url``), labels lower-cased."""
    front_matter_format: str = "yaml"
    """``yaml`` (between ``---`` lines) or ``toml`` (between ``+++`` lines, as Hugo and Zola
    blogs write it)."""


_CHECKBOX = re.compile(r"^\[( |x|X)\]\s+")


def list_item(inner: list[Block], line: int) -> ListItem:
    """A list item from the blocks it holds: its paragraphs make its text (a leading ``[ ]`` or
    ``[x]`` its checkbox), the other blocks its children."""
    paras = [b for b in inner if isinstance(b, Paragraph)]
    rest: list[Block] = [b for b in inner if not isinstance(b, Paragraph)]
    sources = [p.raw for p in paras]
    raw = "\n".join(sources)
    checked = None
    m = _CHECKBOX.match(raw)
    if m:
        checked = m.group(1) != " "
        raw = raw[m.end() :]
        sources[0] = _CHECKBOX.sub("", sources[0], count=1)
    return ListItem(raw, line, checked, rest, tuple(sources))
