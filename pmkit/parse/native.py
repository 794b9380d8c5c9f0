"""markdown-it-pyrs (markdown-it.rs, the Rust port of the same parser) -> the block tokens that
:mod:`pmkit.parse.blocks` folds into sections, as markdown-it-py would give them.

Why: tokenizing was most of an ingest's CPU, and the Rust tokenizer does the same block-level
work ~10x faster. Only what :mod:`pmkit.parse.blocks` reads is reproduced: each token's type, its
first line, the source of inline tokens (``content``), of code, HTML and front matter, and the
heading level; plus the reference definitions. Inline children and attributes are left out, as
pmkit switches markdown-it-py's inline pass off anyway.

The two parsers follow different CommonMark versions and differ at some edges. Where the
difference is in a value, it is corrected (the source and the front matter rule, which is ported:
:mod:`.native_source`; trailing newlines and which spaces are trimmed: :mod:`.native_reader`).
Where it is in the structure, :func:`block_tokens` returns None and the caller tokenizes that
document with markdown-it-py (:class:`pmkit.parse.native_fallback.Fallback` names each case, in
:mod:`.native_fallback`). This module holds the entry points and the two readings of the tree.
``benchmarks/compare_parsers.py`` (every table of an ingest, row for row) and
``tests/test_parse_native.py`` (fuzzed Markdown, document for document) check the result.

Knows nothing of DuckDB, nor of the model: text in, tokens out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from pmkit.parse.native_fallback import Fallback
from pmkit.parse.native_reader import Reader, inline_text
from pmkit.parse.native_source import prepare
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

BLOCK_RULES = [
    "blockquote",
    "code",
    "fence",
    "heading",
    "hr",
    "lheading",
    "list",
    "paragraph",
    "reference",
    "html_block",
    "table",
]
"""markdown-it.rs's block rules that markdown-it-py's ``commonmark`` preset has (plus ``table``),
on its ``zero`` preset: no inline rule, so each inline node is one text node holding the source,
as markdown-it-py's ``inline`` token ``content`` is."""


@dataclass(slots=True)
class Tok:
    """The part of a markdown-it-py ``Token`` that pmkit reads."""

    type: str
    map: tuple[int] | None = None
    """``(first line,)``, 0-based, for the tokens markdown-it-py gives a line map."""
    content: str = ""
    tag: str = ""


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it_pyrs import MarkdownIt

    return MarkdownIt("zero").enable_many(cast("list[Any]", BLOCK_RULES))


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether markdown-it-pyrs is installed (a wheel exists for this platform)."""
    try:
        _parser()
    except ImportError:
        return False
    return True


def document(text: str) -> MarkdownDoc | tuple[list[Tok], dict[str, str]] | None:
    """``text``'s tree (as :func:`pmkit.parse.blocks.parse_markdown` would fold it) straight
    from markdown-it.rs; its block tokens instead where a heading sits inside a list item or a
    quote (the fold decides what such a heading ends); None where markdown-it-py is needed."""
    try:
        src, front_matter = prepare(text)
        tree = _parser().tree(src)
        try:
            return _Tree(src).document(tree.children, front_matter)
        except _HeadingInside:
            return _tokens(src, front_matter, tree)
    except Fallback:
        return None


def block_tokens(text: str) -> tuple[list[Tok], dict[str, str]] | None:
    """``text`` tokenized by markdown-it.rs, as markdown-it-py's block tokens, and the reference
    definitions (lower-cased label -> URL); None where markdown-it-py is needed."""
    try:
        src, front_matter = prepare(text)
        return _tokens(src, front_matter, _parser().tree(src))
    except Fallback:
        return None


def fallback_reason(text: str) -> str | None:
    """Why :func:`document` hands ``text`` to markdown-it-py, or None (for the comparison)."""
    try:
        src, front_matter = prepare(text)
        _tokens(src, front_matter, _parser().tree(src))
    except Fallback as exc:
        return str(exc)
    return None


def _tokens(
    src: str, front_matter: tuple[str, int] | None, tree: Any
) -> tuple[list[Tok], dict[str, str]]:
    tokens = [] if front_matter is None else [Tok("front_matter", (0,), front_matter[0])]
    walk = _Walk(src, tokens)
    walk.nodes(tree.children, 0, 0)
    return tokens, walk.refdefs


class _HeadingInside(Exception):
    """A heading inside a list item or a quote: read through the token stream."""


class _Tree(Reader):
    """markdown-it.rs's tree into sections and blocks, as blocks.py's fold of the tokens would
    make them (for documents without a heading inside a list item or a quote)."""

    def document(self, nodes: Any, front_matter: tuple[str, int] | None) -> MarkdownDoc:
        root = Section(0, "", 1)
        stack = [root]
        for node in nodes:
            name = node.name
            if name in ("heading", "lheading"):
                if name == "lheading":
                    self.refdef_like(node.children)
                level = node.meta["level"]
                section = Section(level, inline_text(node.children).strip(), self.line(node)[0] + 1)
                while stack[-1].level >= level:
                    stack.pop()
                stack[-1].children.append(section)
                stack.append(section)
            else:
                self.block(node, 0, 0, stack[-1].blocks)
        if front_matter is None:
            return MarkdownDoc(root, None, None, self.refdefs)
        return MarkdownDoc(root, front_matter[0], 1, self.refdefs)

    def blocks(self, nodes: Any, level: int, quoted: int) -> list[Block]:
        out: list[Block] = []
        pending: list[Any] = []  # text straight under a list item: a tight list's paragraph
        for node in nodes:
            if node.name == "text":
                pending.append(node)
                continue
            if pending:
                out.append(self.paragraph(pending, quoted, self.line(pending[0])))
                pending = []
            self.block(node, level, quoted, out)
        if pending:
            out.append(self.paragraph(pending, quoted, self.line(pending[0])))
        return out

    def block(self, node: Any, level: int, quoted: int, out: list[Block]) -> None:
        name = node.name
        if name == "paragraph":
            out.append(self.paragraph(node.children, quoted, self.line(node)))
        elif name in ("bullet_list", "ordered_list"):
            self.nesting(node, level + 2)
            items = [
                list_item(self.blocks(item.children, level + 2, quoted), self.line(item)[0] + 1)
                for item in node.children
            ]
            out.append(ListBlock(items, name == "ordered_list", self.line(node)[0] + 1))
        elif name == "blockquote":
            self.nesting(node, level + 1)
            inner = self.blocks(node.children, level + 1, quoted + 1)
            out.append(Quote(inner, self.line(node)[0] + 1))
            self.quote_ends(node, quoted + 1)
        elif name == "table":
            out.append(self.table(node))
        elif name in ("fence", "code_block"):
            out.append(Code(self.code(node), self.line(node)[0] + 1))
        elif name == "html_block":
            self.html_in_container(node, level)
            out.append(Html(self.code(node), self.line(node)[0] + 1))
        elif name == "definition":
            self.definition(node)
        elif name in ("heading", "lheading"):
            raise _HeadingInside
        elif name != "hr":
            raise Fallback(f"a {name} node")

    def paragraph(self, texts: Any, quoted: int, line: tuple[int]) -> Paragraph:
        self.check_paragraph(texts, quoted)
        return Paragraph(inline_text(texts), line[0] + 1)

    def table(self, node: Any) -> Table:
        table = Table([], [], self.line(node)[0] + 1, [])
        for part in node.children:
            for row in part.children:
                self.check_row(part.name, row)
                cells = [inline_text(cell.children).strip() for cell in row.children]
                if part.name == "thead":
                    table.header = cells
                else:
                    table.rows.append(cells)
                    table.row_lines.append(self.line(row)[0] + 1)
        return table


class _Walk(Reader):
    """markdown-it.rs's tree, depth first, into markdown-it-py's flat token stream."""

    def __init__(self, src: str, out: list[Tok]) -> None:
        super().__init__(src)
        self.out = out

    def nodes(self, nodes: Any, level: int, quoted: int) -> None:
        """Tokens for ``nodes``, nested ``level`` deep as markdown-it-py counts, inside
        ``quoted`` blockquotes."""
        out = self.out
        pending: list[Any] = []  # text straight under a list item: a tight list's paragraph
        for node in nodes:
            name = node.name
            if name == "text":
                pending.append(node)
                continue
            if pending:
                self.paragraph(pending, quoted, self.line(pending[0]))
                pending = []
            if name == "paragraph":
                self.paragraph(node.children, quoted, self.line(node))
            elif name in ("heading", "lheading"):
                if name == "lheading":
                    self.check_lheading(node, quoted)
                out.append(Tok("heading_open", self.line(node), tag=f"h{node.meta['level']}"))
                out.append(Tok("inline", content=inline_text(node.children)))
                out.append(Tok("heading_close"))
            elif name in ("bullet_list", "ordered_list"):
                self.nesting(node, level + 2)
                out.append(Tok(name + "_open", self.line(node)))
                for item in node.children:
                    out.append(Tok("list_item_open", self.line(item)))
                    self.nodes(item.children, level + 2, quoted)
                    out.append(Tok("list_item_close"))
                out.append(Tok(name + "_close"))
            elif name == "blockquote":
                self.nesting(node, level + 1)
                out.append(Tok("blockquote_open", self.line(node)))
                self.nodes(node.children, level + 1, quoted + 1)
                out.append(Tok("blockquote_close"))
                self.quote_ends(node, quoted + 1)
            elif name == "table":
                self.table(node)
            elif name in ("fence", "code_block", "html_block"):
                self.html_in_container(node, level)
                out.append(Tok(name, self.line(node), self.code(node)))
            elif name == "definition":
                self.definition(node)
            elif name != "hr":
                raise Fallback(f"a {name} node")
        if pending:
            self.paragraph(pending, quoted, self.line(pending[0]))

    def paragraph(self, texts: Any, quoted: int, line: tuple[int]) -> None:
        self.check_paragraph(texts, quoted)
        self.out.append(Tok("paragraph_open", line))
        self.out.append(Tok("inline", content=inline_text(texts)))
        self.out.append(Tok("paragraph_close"))

    def table(self, node: Any) -> None:
        out = self.out
        out.append(Tok("table_open", self.line(node)))
        for part in node.children:
            out.append(Tok(part.name + "_open"))
            for row in part.children:
                self.check_row(part.name, row)
                out.append(Tok("tr_open", self.line(row)))
                for cell in row.children:
                    out.append(Tok("inline", content=inline_text(cell.children)))
                out.append(Tok("tr_close"))
            out.append(Tok(part.name + "_close"))
        out.append(Tok("table_close"))
