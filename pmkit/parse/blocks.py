"""Markdown -> a small tree of sections and blocks (:mod:`pmkit.parse.tree`), from markdown-it tokens.

Everything downstream (fields, timeline, actions) walks this tree instead of the text, so that a
``- **Severity:**`` inside a code fence or a table cell is never mistaken for a field. Each block keeps
its 1-based source line so that every parse issue can name it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from html.entities import html5
from typing import TYPE_CHECKING, Any

from pmkit.parse import native
from pmkit.parse.tree import (  # the tree's classes, imported from here by every reader
    Block,
    Code,
    Html,
    ListBlock,
    ListItem,
    MarkdownDoc,
    Paragraph,
    Quote,
    Section,
    Table,
    list_item,
)

__all__ = [
    "Block",
    "Code",
    "Html",
    "ListBlock",
    "ListItem",
    "LITERAL",
    "MarkdownDoc",
    "Marked",
    "Paragraph",
    "Quote",
    "Section",
    "Table",
    "block_texts",
    "parse_markdown",
    "plain",
    "plain_marked",
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


# --- inline Markdown to plain text --------------------------------------------------------------

# link text stops at any bracket: with ``[^\]]`` a run of 20,000 "[" took seconds (quadratic)
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REFLINK = re.compile(r"\[([^\[\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_EMPH = re.compile(
    r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)\*(?![\w*])|(?<!\w)_(?!\s)([^_]+?)_(?!\w)"
)
_SPACES = re.compile(r"[ \t]+")

# A backslash before any ASCII punctuation makes it a literal character, and a code span's text
# is literal too (CommonMark). One left-to-right pass finds both, so "\`" never opens a code span
# and a backslash inside a code span stays. Each literal punctuation character is hidden as NUL +
# a private-use character while the markup rules run (NUL never survives tokenizing: markdown-it
# makes it U+FFFD), then put back.
_ESCAPE_OR_CODE = re.compile(r"\\([!-/:-@\[-`{-~])|`+([^`]*)`+")
_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
_HIDDEN = re.compile("\x00([\ue021-\ue07e])")
_HIDE_OFFSET = 0xE000
# entity and numeric character references (CommonMark: the name must be known, ";" is required)
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));")


def _hide(char: str) -> str:
    return "\x00" + chr(_HIDE_OFFSET + ord(char))


def _hide_literal(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return _hide(m.group(1))
    return _PUNCT.sub(lambda p: _hide(p.group(0)), m.group(2))


def _unhide(m: re.Match[str]) -> str:
    return chr(ord(m.group(1)) - _HIDE_OFFSET)


def _entity(m: re.Match[str]) -> str:
    dec, hexa, name = m.groups()
    if name is not None:
        return html5.get(name + ";", m.group(0))
    code = int(dec, 10) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def _emph(m: re.Match[str]) -> str:
    return m.group(2) or m.group(3) or m.group(4) or ""


def _without_markup(raw: str) -> tuple[str, bool]:
    """``raw`` with links, tags and emphasis gone; its literal punctuation still hidden and its
    references not yet decoded (what :func:`plain` and :func:`plain_marked` share). True when
    something was hidden."""
    s = raw
    hidden = "`" in s or "\\" in s
    if hidden:
        s = _ESCAPE_OR_CODE.sub(_hide_literal, s.replace("\x00", "\ufffd"))
    if "[" in s:
        s = _IMAGE.sub(r"\1", s)
        s = _LINK.sub(r"\1", s)
        s = _REFLINK.sub(r"\1", s)
    if "<" in s:
        s = _AUTOLINK.sub(r"\1", s)
        s = _TAG.sub("", s)
    if "*" in s or "_" in s:
        for _ in range(2):
            s = _EMPH.sub(_emph, s)
    return s, hidden


_PLAIN_CACHE = 1 << 15
"""Texts :func:`plain` and :func:`plain_marked` remember: the readers ask for the same few a
hundred times a document (a field's paragraph is read as a key, a value, prose, a milestone)."""


@lru_cache(maxsize=_PLAIN_CACHE)
def plain(raw: str) -> str:
    """Markdown inline source -> readable text, as a reader of the rendered page sees it: links
    keep their text, emphasis markers and HTML tags go, code spans and backslash-escaped characters
    are literal (``\\<tag\\>`` reads ``<tag>``), entities are decoded (``&lt;`` reads ``<``)."""
    if not raw:
        return ""
    s, hidden = _without_markup(raw)
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    if hidden:
        s = _HIDDEN.sub(_unhide, s)
    return _SPACES.sub(" ", s).strip()


LITERAL = "\ue000"
"""What stands for a literal character in :attr:`Marked.masked`: no pattern's separator."""


@dataclass(frozen=True)
class Marked:
    """Plain text that remembers which of its characters were written literally.

    A character the source escaped (``\\&``, ``\\:``), wrote as a reference (``&#97;``) or put
    in a code span is text, never markup or a separator: ``Ops \\& Infra`` is one team,
    ``OPS-12\\: DB down`` a title without an id. Readers that split or trim a value run their
    patterns over :attr:`masked` and cut :attr:`text` at the same places.
    """

    text: str
    """The plain text, as :func:`plain` gives it."""
    masked: str
    """``text`` with every literal character replaced by :data:`LITERAL` (same length)."""

    def __getitem__(self, key: slice) -> Marked:
        return Marked(self.text[key], self.masked[key])

    def strip(self, chars: str | None = None) -> Marked:
        """Without the leading and trailing ``chars`` (whitespace by default) written as markup."""
        left = len(self.masked) - len(self.masked.lstrip(chars))
        right = len(self.masked.rstrip(chars))
        return self[left : max(left, right)]

    def split(self, pattern: re.Pattern[str]) -> list[Marked]:
        """Cut at every match of ``pattern`` in :attr:`masked` (no literal character splits)."""
        out: list[Marked] = []
        start = 0
        for m in pattern.finditer(self.masked):
            if m.end() > m.start():
                out.append(self[start : m.start()])
                start = m.end()
        out.append(self[start:])
        return out

    def sub(self, pattern: re.Pattern[str], repl: str = "") -> Marked:
        """Every match of ``pattern`` in :attr:`masked` replaced by ``repl`` (taken as markup)."""
        text, masked, start = [], [], 0
        for m in pattern.finditer(self.masked):
            text += [self.text[start : m.start()], repl]
            masked += [self.masked[start : m.start()], repl]
            start = m.end()
        if not text:
            return self
        return Marked("".join(text) + self.text[start:], "".join(masked) + self.masked[start:])


@lru_cache(maxsize=_PLAIN_CACHE)
def plain_marked(raw: str) -> Marked:
    """:func:`plain` of ``raw``, knowing which characters were written literally (a backslash
    escape, a character reference, punctuation in a code span)."""
    if not raw:
        return Marked("", "")
    s, hidden = _without_markup(raw)
    text: list[str] = []
    masked: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if hidden and c == "\x00" and i + 1 < n and _HIDDEN.match(s, i):
            text.append(_unhide(_HIDDEN.match(s, i)))  # type: ignore[arg-type]
            masked.append(LITERAL)
            i += 2
            continue
        m = _ENTITY.match(s, i) if c == "&" else None
        if m is not None:
            decoded = _entity(m)
            text.append(decoded)
            masked.append(LITERAL * len(decoded))
            i = m.end()
            continue
        text.append(c)
        masked.append(c)
        i += 1
    return _collapse(Marked("".join(text), "".join(masked)))


def _collapse(marked: Marked) -> Marked:
    """:func:`plain`'s spacing: a run of spaces and tabs is one space, the ends stripped."""
    text, masked, start = [], [], 0
    for m in _SPACES.finditer(marked.text):
        text += [marked.text[start : m.start()], " "]
        masked += [marked.masked[start : m.start()], " "]
        start = m.end()
    text.append(marked.text[start:])
    masked.append(marked.masked[start:])
    t = "".join(text)
    left = len(t) - len(t.lstrip())
    right = len(t.rstrip())
    return Marked(t[left:right], "".join(masked)[left:right])


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
