"""Markdown -> a small tree of sections and blocks (:mod:`pmkit.parse.tree`), from markdown-it tokens.

Everything downstream (fields, timeline, actions) walks this tree instead of the text, so that a
``- **Severity:**`` inside a code fence or a table cell is never mistaken for a field. Each block keeps
its 1-based source line so that every parse issue can name it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pmkit.parse import native
from pmkit.parse.inline import plain
from pmkit.parse.tree import (
    Block,
    Code,
    Html,
    ListBlock,
    MarkdownDoc,
    Paragraph,
    Quote,
    Section,
    Table,
    list_item,
)

__all__ = [
    "block_texts",
    "parse_markdown",
    "section_text",
    "tokenize",
]

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


PARSER_ENV = "PMKIT_MARKDOWN"
"""Set to ``markdown-it-py`` to tokenize every document with markdown-it-py (the comparison in
``benchmarks/compare_parsers.py``); by default markdown-it-pyrs does, see :mod:`.native`."""


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """Block rules only: we read each inline token's source (``content``, made plain by
    :func:`plain`), never its children, so the inline pass (~45% of parse time) is skipped."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)
    return md.disable(["inline", "text_join"])


def _native() -> bool:
    return os.environ.get(PARSER_ENV) != "markdown-it-py" and native.available()


def tokenize(text: str) -> tuple[list[Any], dict[str, str]]:
    """The block tokens of ``text`` and its reference definitions (lower-cased label -> URL).

    markdown-it-pyrs tokenizes when it is installed, markdown-it-py where the two would differ
    (:func:`pmkit.parse.native.block_tokens` says where) or when :data:`PARSER_ENV` asks for it.
    """
    if _native():
        got = native.block_tokens(text)
        if got is not None:
            return got
    return _python_tokens(text)


def _python_tokens(text: str) -> tuple[list[Any], dict[str, str]]:
    env: dict[str, Any] = {}
    tokens = _markdown().parse(text, env)
    refdefs = {
        str(label).lower(): str(ref.get("href", ""))
        for label, ref in env.get("references", {}).items()
    }
    return tokens, refdefs


def _line(tok: Any) -> int:
    return tok.map[0] + 1 if tok.map else 0


def _blocks(tokens: list[Any], i: int, stop: str | None) -> tuple[list[Block], int]:
    """Read blocks from ``tokens[i:]`` until a ``stop`` closing token (exclusive of headings)."""
    out: list[Block] = []
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        t = tok.type
        if stop is not None and t == stop:
            return out, i
        if t == "heading_open":
            return out, i
        if t == "paragraph_open":
            out.append(Paragraph(tokens[i + 1].content, _line(tok)))
            i += 3
        elif t in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i)
            out.append(block)
        elif t == "table_open":
            table, i = _table(tokens, i)
            out.append(table)
        elif t in ("fence", "code_block"):
            out.append(Code(tok.content, _line(tok)))
            i += 1
        elif t == "html_block":
            out.append(Html(tok.content, _line(tok)))
            i += 1
        elif t == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            out.append(Quote(inner, _line(tok)))
            i += 1
        else:
            i += 1
    return out, i


def _list(tokens: list[Any], i: int) -> tuple[ListBlock, int]:
    open_tok = tokens[i]
    close = open_tok.type.replace("_open", "_close")
    block = ListBlock([], open_tok.type == "ordered_list_open", _line(open_tok))
    i += 1
    while tokens[i].type != close:
        tok = tokens[i]
        if tok.type == "list_item_open":
            inner, i = _blocks(tokens, i + 1, "list_item_close")
            i += 1  # list_item_close
            block.items.append(list_item(inner, _line(tok)))
        else:
            i += 1
    return block, i + 1


def _table(tokens: list[Any], i: int) -> tuple[Table, int]:
    table = Table([], [], _line(tokens[i]), [])
    row: list[str] | None = None
    in_head = False
    i += 1
    while tokens[i].type != "table_close":
        tok = tokens[i]
        t = tok.type
        if t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row = []
            if not in_head:
                table.row_lines.append(_line(tok))
        elif t == "tr_close" and row is not None:
            if in_head:
                table.header = row
            else:
                table.rows.append(row)
        elif t == "inline" and row is not None:
            row.append(tok.content.strip())
        i += 1
    return table, i + 1


_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\n(?P<body>.*?)^\+\+\+[ \t]*$", re.S | re.M)


def _toml_front_matter(text: str) -> tuple[str | None, str]:
    """``+++`` front matter (not a markdown-it rule): its body, and the text with those lines
    blanked so that every later line keeps its number."""
    if not text.startswith("+++"):
        return None, text
    m = _TOML_FENCE.match(text)
    if m is None:
        return None, text
    return m.group("body"), "\n" * m.group(0).count("\n") + text[m.end() :]


def parse_markdown(text: str) -> MarkdownDoc:
    """Tokenize once and fold the flat token stream into nested sections (markdown-it-pyrs
    gives the sections straight away, see :func:`pmkit.parse.native.document`)."""
    toml, text = _toml_front_matter(text)
    got = native.document(text) if _native() else None
    if isinstance(got, MarkdownDoc):
        doc = got
    else:
        doc = _fold(*(got or _python_tokens(text)))
    if toml is not None:
        return MarkdownDoc(doc.root, toml, 1, doc.refdefs, "toml")
    return doc


def _fold(tokens: list[Any], refdefs: dict[str, str]) -> MarkdownDoc:
    root = Section(0, "", 1)
    stack = [root]
    front_matter: str | None = None
    fm_line: int | None = None
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.type == "front_matter":
            front_matter, fm_line = tok.content, _line(tok)
            i += 1
            continue
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            section = Section(level, tokens[i + 1].content.strip(), _line(tok))
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
            i += 3
            continue
        blocks, i = _blocks(tokens, i, None)
        stack[-1].blocks.extend(blocks)
    return MarkdownDoc(root, front_matter, fm_line, refdefs)


def section_text(section: Section, *, deep: bool = True) -> str:
    """The plain text of a section's blocks (and subsections when ``deep``), paragraphs joined."""
    parts: list[str] = []
    for block in section.blocks:
        parts.extend(block_texts(block))
    if deep:
        for child in section.children:
            parts.append(plain(child.title))
            parts.append(section_text(child))
    return "\n".join(p for p in parts if p).strip()


def block_texts(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [plain(block.raw)]
    if isinstance(block, ListBlock):
        out: list[str] = []
        for item in block.items:
            out.append(plain(item.raw))
            for child in item.children:
                out.extend(block_texts(child))
        return out
    if isinstance(block, Table):
        return [" | ".join(plain(c) for c in row) for row in block.rows]
    if isinstance(block, Quote):
        out = []
        for b in block.blocks:
            out.extend(block_texts(b))
        return out
    return []
