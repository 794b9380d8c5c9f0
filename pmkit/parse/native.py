"""markdown-it-pyrs (markdown-it.rs, the Rust port of the same parser) -> the block tokens that
:mod:`pmkit.parse.blocks` folds into sections, as markdown-it-py would give them.

Why: tokenizing was most of an ingest's CPU, and the Rust tokenizer does the same block-level
work ~10x faster. Only what :mod:`pmkit.parse.blocks` reads is reproduced: each token's type, its
first line, the source of inline tokens (``content``), of code, HTML and front matter, and the
heading level; plus the reference definitions. Inline children and attributes are left out, as
pmkit switches markdown-it-py's inline pass off anyway.

The two parsers follow different CommonMark versions and differ at some edges. Where the
difference is in a value, it is corrected here (trailing newlines, which spaces are trimmed, the
front matter rule, which is ported). Where it is in the structure, :func:`block_tokens` returns
None and the caller tokenizes that document with markdown-it-py (:class:`Fallback` names each
case). ``benchmarks/compare_parsers.py`` (every table of an ingest, row for row) and
``tests/test_parse_native.py`` (fuzzed Markdown, document for document) check the result.

Knows nothing of DuckDB, nor of the model: text in, tokens out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

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

MAX_NESTING = 20
"""markdown-it-py's ``maxNesting`` for the ``commonmark`` preset: content nested deeper is
dropped. markdown-it.rs keeps it, so such a document goes to markdown-it-py (with a margin)."""
_NESTING_MARGIN = 4

MD_TRIM = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""What markdown-it-py (4.x, ``mdTrim``) trims from an inline token's source; markdown-it.rs
trims spaces and tabs only."""

_NEWLINES = re.compile(r"\r\n?")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")
_NESTED_FRONT_MATTER = re.compile(r"-[^\n]*--")
_LOWER_DECLARATION = re.compile(r"<![a-z]")
_QUOTE_TAB = re.compile(r"^(?=[ \t>*+.)0-9-]*>)[ \t>*+.)0-9-]*\t", re.M)
_CONTAINER_MARKS = " \t>-*+0123456789.)"
_MAYBE_DELIMITER = re.compile(r"^[ \t]*[-:|][-:| \t]+$", re.M)
_DELIMITER_CELL = re.compile(r":?-+:?")
_ESCAPED_PIPE_HEADER = re.compile(r"\\\|[^\n]*\n[ \t]*[-:|][-:| \t]*$", re.M)
_MAX_LABEL = 1100
"""Where to look for a link definition's ``]:`` (a label is at most 999 characters)."""
_PLAIN_ASCII = re.compile(rb"[\t\n\x20-\x7e]*")
_PY_ONLY_SPACE = re.compile(
    "[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
"""What Python's ``\\s`` matches beyond spaces, tabs and newlines: markdown-it-py's HTML block
patterns take it as a space, markdown-it.rs not."""
_HTML_OPEN_CLOSE = [
    (
        re.compile(r"<(?:script|pre|style|textarea)(?:\s|>|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
    ),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
]
"""HTML blocks of kinds 1-5, which run to their closing text."""


@dataclass(slots=True)
class Tok:
    """The part of a markdown-it-py ``Token`` that pmkit reads."""

    type: str
    map: tuple[int] | None = None
    """``(first line,)``, 0-based, for the tokens markdown-it-py gives a line map."""
    content: str = ""
    tag: str = ""


class Fallback(Exception):
    """A document where the two parsers would give different blocks (the message says why)."""


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
        src, front_matter = _prepare(text)
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
        src, front_matter = _prepare(text)
        return _tokens(src, front_matter, _parser().tree(src))
    except Fallback:
        return None


def fallback_reason(text: str) -> str | None:
    """Why :func:`document` hands ``text`` to markdown-it-py, or None (for the comparison)."""
    try:
        src, front_matter = _prepare(text)
        _tokens(src, front_matter, _parser().tree(src))
    except Fallback as exc:
        return str(exc)
    return None


def _prepare(text: str) -> tuple[str, tuple[str, int] | None]:
    """The source as markdown-it.rs gets it (normalized, the front matter's lines blanked) and
    the front matter (content, lines taken); raises :class:`Fallback`."""
    src = normalize(text)
    fm = yaml_front_matter(src)
    if fm is not None:
        taken = fm[1]
        rest = src.split("\n", taken)
        src = "\n" * taken + (rest[taken] if len(rest) > taken else "")
    elif src.startswith("-") and _NESTED_FRONT_MATTER.match(src):
        # markdown-it-py's front matter rule fires again inside a list item on the first line
        # (and counts the item's first character as a dash)
        raise Fallback("a list item on the first line holding --")
    _check_text(src)
    try:
        src.encode("utf-8")
    except UnicodeEncodeError:
        raise Fallback("not valid Unicode (a lone surrogate)") from None
    return src, fm


def _tokens(
    src: str, front_matter: tuple[str, int] | None, tree: Any
) -> tuple[list[Tok], dict[str, str]]:
    tokens = [] if front_matter is None else [Tok("front_matter", (0,), front_matter[0])]
    walk = _Walk(src, tokens)
    walk.nodes(tree.children, 0, 0)
    return tokens, walk.refdefs


def _check_text(src: str) -> None:
    """Structural differences seen in the source alone."""
    if "<!" in src and _LOWER_DECLARATION.search(src):
        # CommonMark 0.31 (markdown-it-py) made ``<!doctype html>`` an HTML block; 0.30
        # (markdown-it.rs) wants an upper-case letter after ``<!``
        raise Fallback("<! and a lower-case letter")
    if "\t" in src and ">" in src and _QUOTE_TAB.search(src):
        # a tab partly taken by a blockquote's marker: columns counted differently
        raise Fallback("a tab in a blockquote's indentation")
    if "<" in src and _PY_ONLY_SPACE.search(src):
        for line in src.split("\n"):
            if "<" in line and _PY_ONLY_SPACE.search(line):
                raise Fallback("an HTML tag on a line with a Unicode space")
    if "|" in src:
        for m in _MAYBE_DELIMITER.finditer(src):
            start = m.start()
            if start == 0 or not _is_delimiter_row(m.group()):
                continue
            header = src[src.rfind("\n", 0, start - 1) + 1 : start - 1]
            if ("|" in header) != ("|" in m.group()):
                # ``a |`` over ``---``: a one-column table for markdown-it-py, a heading for
                # .rs; ``a`` over ``|-``: one paragraph for markdown-it-py, two for .rs
                raise Fallback("a table delimiter row and header, one of them without a pipe")
            body = header.lstrip(_CONTAINER_MARKS)
            if ">" in header[: len(header) - len(body)]:
                # ``> a |`` over ``-|-``: a quote's paragraph for markdown-it-py, a table for .rs
                raise Fallback("a table header in a blockquote over a delimiter row outside it")
            if _LIST_MARKER.match(header):
                # ``- a |`` over ``-|-``: markdown-it-py ends the list for a table there
                raise Fallback("a table header in a list item")
            if body.startswith(("```", "~~~", "<", "[")):
                # markdown-it-py tries the table rule first, markdown-it.rs the fence, HTML
                # and link definition rules
                raise Fallback("a table header that opens a fence, HTML or a link definition")
        if "\\|" in src and _ESCAPED_PIPE_HEADER.search(src):
            # markdown-it-py counts an escaped pipe as the header's pipe, markdown-it.rs not
            raise Fallback("an escaped pipe in a table header")


def normalize(text: str) -> str:
    """markdown-it-py's ``normalize`` core rule (CR LF and lone CR end a line, NUL is U+FFFD),
    and without a last line of only spaces and tabs that no newline ends (markdown-it-py gives it
    no line, markdown-it.rs does)."""
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if text and text[-1] in " \t":
        cut = text.rfind("\n") + 1
        if not text[cut:].strip(" \t"):
            text = text[:cut]
    return text


def _indent(line: str) -> tuple[int, int]:
    """Leading spaces and tabs: characters, and columns with tabs expanded (``sCount``)."""
    chars = cols = 0
    for c in line:
        if c == " ":
            cols += 1
        elif c == "\t":
            cols += 4 - cols % 4
        else:
            break
        chars += 1
    return chars, cols


def yaml_front_matter(src: str) -> tuple[str, int] | None:
    """mdit-py-plugins' ``front_matter`` rule at the top of ``src`` (normalized): the content
    between the ``---`` lines and the number of lines the block takes, or None.

    A port rather than markdown-it.rs's own front matter rule, whose edge cases differ (a ``...``
    end marker, text after the opening dashes).
    """
    if not src.startswith("---"):
        return None
    lines = src.split("\n")
    if src.endswith("\n"):
        lines.pop()  # no line after the last newline
    first = lines[0]
    markers = len(first) - len(first.lstrip("-"))
    for n in range(1, len(lines)):
        line = lines[n]
        chars, cols = _indent(line)
        body = line[chars:]
        if cols == 0 and line.startswith("...") and not line[3:].strip(" \t"):
            break  # YAML's document end marker
        if not body.startswith("-") or cols >= 4:
            continue
        run = len(body) - len(body.lstrip("-"))
        if run < markers or body[run:].strip(" \t"):
            continue
        break
    else:
        return None
    return "\n".join(lines[1:n]), n + 1


def _label(label: str) -> str:
    """markdown-it-py's ``normalizeReference``, then lower-cased as pmkit keys them."""
    return re.sub(r"\s+", " ", label.strip()).lower().upper().lower()


class _HeadingInside(Exception):
    """A heading inside a list item or a quote: read through the token stream."""


class _Reader:
    """What both readings of markdown-it.rs's tree share: positions, the checks that send a
    document to markdown-it-py (:class:`Fallback`), link definitions, code contents."""

    def __init__(self, src: str) -> None:
        self.data = data = src.encode("utf-8")
        self.newlines = [m.start() for m in re.finditer(b"\n", data)]
        self.refdefs: dict[str, str] = {}
        # markdown-it-py keeps a block's last newline only where the source has one
        self.open_end = -1 if data.endswith(b"\n") else len(data)

    def quote_ends(self, node: Any, depth: int) -> None:
        after = self.next_line(node)
        if after and _lazy_edge(after, self.line_after(node, 2), depth):
            # markdown-it-py may read that line as the quote's lazy continuation
            raise Fallback("a blockquote followed by an indented, list or table line")

    def html_in_container(self, node: Any, level: int) -> None:
        if node.name == "html_block" and level and _open_html(node.meta["content"]):
            # markdown-it-py keeps the list item's blank lines after it, .rs not
            raise Fallback("an HTML block left open inside a container")

    def check_paragraph(self, texts: Any, quoted: int) -> None:
        if quoted and self.lazy(texts, quoted):
            raise Fallback("a lazy continuation line in a blockquote")
        self.refdef_like(texts)

    def check_row(self, part: str, row: Any) -> None:
        text = self.line_at(row.srcmap[0])
        if part == "thead":
            if "|" not in text or "|" not in self.next_line(row):
                raise Fallback("a table without a pipe in its header or delimiter row")
        elif _ends_table(text):
            raise Fallback("a table row markdown-it-py reads as the table's end")
        if "\\|" in text or text.strip(" \t") != text.strip(MD_TRIM):
            raise Fallback("a table row with an escaped pipe or Unicode spaces")

    # -- positions --------------------------------------------------------------------------
    def line(self, node: Any) -> tuple[int]:
        return (bisect_right(self.newlines, node.srcmap[0]),)

    def source(self, node: Any) -> bytes:
        return self.data[node.srcmap[0] : node.srcmap[1]]

    def line_at(self, offset: int) -> str:
        """The whole source line holding byte ``offset``."""
        begin = self.data.rfind(b"\n", 0, offset) + 1
        end = self.data.find(b"\n", offset)
        return self.data[begin : end if end >= 0 else len(self.data)].decode()

    def next_line(self, node: Any) -> str:
        """The source line after the one where ``node`` ends."""
        return self.line_after(node, 1)

    def line_after(self, node: Any, n: int) -> str:
        """The ``n``-th source line after the one where ``node`` ends ("" past the end)."""
        pos = max(node.srcmap[1] - 1, node.srcmap[0])
        for _ in range(n):
            end = self.data.find(b"\n", pos)
            if end < 0:
                return ""
            pos = end + 1
        return self.line_at(pos)

    def nesting(self, node: Any, inner: int) -> None:
        if node.children and inner >= MAX_NESTING - _NESTING_MARGIN:
            raise Fallback("containers nested deeper than markdown-it-py's limit")

    def refdef_like(self, texts: Any) -> None:
        """A paragraph or heading that starts like a link definition, markdown-it.rs's reading;
        markdown-it-py may read a definition where :func:`_refdef_edge` says."""
        first = texts[0].meta["content"] if texts else ""
        if first.lstrip(" \t").startswith("[") and "]:" in first[:_MAX_LABEL]:
            if _refdef_edge(first):
                raise Fallback("a paragraph markdown-it-py may read as a link definition")

    def lazy(self, texts: Any, depth: int) -> bool:
        """A paragraph line in a blockquote without its ``>`` that the parsers read differently:
        markdown-it-py keeps its indentation and lets an empty list item end the paragraph there,
        markdown-it.rs not (:func:`_lazy_edge`)."""
        start, end = texts[0].srcmap[0], texts[-1].srcmap[1]
        if self.data.find(b"\n", start, end) < 0:
            return False
        lines = self.data[start:end].decode().split("\n")
        lines.append(self.next_line(texts[-1]))
        return any(
            _lazy_edge(line, following, depth)
            for line, following in zip(lines[1:-1], lines[2:], strict=True)
        )

    def code(self, node: Any) -> str:
        """markdown-it-py ends an indented code block with a newline always, and an HTML block
        or fence with one only where the source has it."""
        content: str = node.meta["content"]
        if node.name == "code_block":
            return content if content.endswith("\n") else content + "\n"
        if node.srcmap[1] != self.open_end or not content.endswith("\n"):
            return content
        if node.name == "fence" and self.source(node).count(b"\n") > content.count("\n"):
            return content  # closed by its last line
        return content[:-1]

    def definition(self, node: Any) -> None:
        source = self.source(node)
        if _PLAIN_ASCII.fullmatch(source) is None or b"&" in source:
            # markdown-it-py puts a non-ASCII host name in punycode, .rs percent-encodes it;
            # entities: not compared
            raise Fallback("a link definition with escapes or non-ASCII text")
        if _refdef_edge(source.decode()):
            raise Fallback("a link definition markdown-it-py may read as a paragraph")
        key = _label(node.meta["label"])
        if key not in self.refdefs:  # the first definition of a label counts
            self.refdefs[key] = node.meta["destination"]


class _Tree(_Reader):
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
                section = Section(level, _text(node.children).strip(), self.line(node)[0] + 1)
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
        return Paragraph(_text(texts), line[0] + 1)

    def table(self, node: Any) -> Table:
        table = Table([], [], self.line(node)[0] + 1, [])
        for part in node.children:
            for row in part.children:
                self.check_row(part.name, row)
                cells = [_text(cell.children).strip() for cell in row.children]
                if part.name == "thead":
                    table.header = cells
                else:
                    table.rows.append(cells)
                    table.row_lines.append(self.line(row)[0] + 1)
        return table


class _Walk(_Reader):
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
                    self.refdef_like(node.children)
                out.append(Tok("heading_open", self.line(node), tag=f"h{node.meta['level']}"))
                out.append(Tok("inline", content=_text(node.children)))
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
        self.out.append(Tok("inline", content=_text(texts)))
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
                    out.append(Tok("inline", content=_text(cell.children)))
                out.append(Tok("tr_close"))
            out.append(Tok(part.name + "_close"))
        out.append(Tok("table_close"))


def _lazy_edge(line: str, following: str, depth: int) -> bool:
    """A line after the paragraph of a blockquote ``depth`` deep, with fewer ``>`` than that
    (lazy), that the two parsers continue or end the quote differently with: indented, a list
    item (empty, or numbered from other than 1) or a table's header (``following`` is the next
    line); or any in a nested quote that keeps some of its ``>``."""
    if not line.strip():
        return False
    prefix = len(line) - len(line.lstrip(" \t>"))
    quotes = line.count(">", 0, prefix)
    if quotes >= depth:
        return False
    if quotes:
        return bool(line[prefix:].strip())
    if line[0] in " \t" or _LIST_MARKER.match(line) is not None:
        return True
    return "|" in line and _is_delimiter_row(following)


def _is_delimiter_row(line: str) -> bool:
    """markdown-it-py's test of a table's second line (``|---|:-:|``, ``--``), but that it
    does not look at the indentation (a code block's line would pass here)."""
    body = line.lstrip(" \t")
    if len(body) < 2 or body[0] not in "|-:" or body[1] not in "|-: \t":
        return False
    if (body[0] == "-" and body[1] in " \t") or body.strip("|-: \t"):
        return False
    cells = body.split("|")
    for i, cell in enumerate(cells):
        cell = cell.strip(MD_TRIM)
        if not cell:
            if i in (0, len(cells) - 1):
                continue
            return False
        if not _DELIMITER_CELL.fullmatch(cell):
            return False
    return True


def _refdef_edge(text: str) -> bool:
    """Link definitions the two parsers were seen to read differently: a backslash or a Unicode
    space (markdown-it-py: a definition, .rs: text), or nothing after the colon but a list
    item on the next line (markdown-it-py: a list)."""
    colon = text.find("]:", 0, _MAX_LABEL)
    if colon < 0:
        return True
    lines = text[colon + 2 :].split("\n", 2)
    head = text[: colon + 2] + "\n".join(lines[:2])
    if "\\" in head or _PY_ONLY_SPACE.search(head):
        return True
    return not lines[0].strip(" \t") and len(lines) > 1 and _LIST_MARKER.match(lines[1]) is not None


def _ends_table(line: str) -> bool:
    """markdown-it-py ends a table at a line that any list item starts (markdown-it.rs only at
    one that could interrupt a paragraph) and at one of only Unicode spaces."""
    return not line.strip(MD_TRIM) or _LIST_MARKER.match(line) is not None


def _open_html(content: str) -> bool:
    """An HTML block of kinds 1-5 whose closing text never came."""
    start = content.lstrip(" \t")
    for opening, closing in _HTML_OPEN_CLOSE:
        if opening.match(start):
            return closing.search(content) is None
    return False


def _text(nodes: Any) -> str:
    """An inline token's source, trimmed as markdown-it-py trims it."""
    parts = []
    for node in nodes:
        if node.name != "text":
            raise Fallback(f"a {node.name} node in inline text")
        parts.append(node.meta["content"])
    return "".join(parts).strip(MD_TRIM)
