"""What both readings of markdown-it.rs's tree in :mod:`pmkit.parse.native` share: positions
(byte offsets to lines), the checks that send a document to markdown-it-py while the tree is read
(:class:`pmkit.parse.native_fallback.Fallback`), the link definitions, and the value fix-ups of
code and inline text (trailing newlines, which spaces are trimmed).

Why a module of its own: the two readings (the sections straight away, or markdown-it-py's token
stream) must check and correct the same things; one base class keeps them from drifting.

Knows nothing of DuckDB, nor of the model.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from pmkit.parse.native_fallback import (
    MAX_LABEL,
    MD_TRIM,
    Fallback,
    ends_table,
    lazy_edge,
    open_html,
    refdef_edge,
)

MAX_NESTING = 20
"""markdown-it-py's ``maxNesting`` for the ``commonmark`` preset: content nested deeper is
dropped. markdown-it.rs keeps it, so such a document goes to markdown-it-py (with a margin)."""
_NESTING_MARGIN = 4
_PLAIN_ASCII = re.compile(rb"[\t\n\x20-\x7e]*")


def _label(label: str) -> str:
    """markdown-it-py's ``normalizeReference``, then lower-cased as pmkit keys them."""
    return re.sub(r"\s+", " ", label.strip()).lower().upper().lower()


class Reader:
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
        if after and lazy_edge(after, self.line_after(node, 2), depth):
            # markdown-it-py may read that line as the quote's lazy continuation
            raise Fallback("a blockquote followed by an indented, list or table line")

    def html_in_container(self, node: Any, level: int) -> None:
        if node.name == "html_block" and level and open_html(node.meta["content"]):
            # markdown-it-py keeps the list item's blank lines after it, .rs not
            raise Fallback("an HTML block left open inside a container")

    def check_paragraph(self, texts: Any, quoted: int) -> None:
        if quoted and self.lazy(texts, quoted):
            raise Fallback("a lazy continuation line in a blockquote")
        self.refdef_like(texts)

    def check_lheading(self, node: Any, quoted: int) -> None:
        """A setext heading in a quote whose underline (or text) lost the ``>``: markdown-it.rs
        makes it a heading, markdown-it-py (as CommonMark says: a lazy line is paragraph text
        only) a paragraph and a list or rule after the quote."""
        if quoted:
            start, end = node.srcmap
            lines = self.data[start:end].decode().split("\n")[1:]
            if any(not line.lstrip(" \t").startswith(">") for line in lines):
                raise Fallback("a setext heading underline lazily continuing a blockquote")
        self.refdef_like(node.children)

    def check_row(self, part: str, row: Any) -> None:
        text = self.line_at(row.srcmap[0])
        if part == "thead":
            if "|" not in text or "|" not in self.next_line(row):
                raise Fallback("a table without a pipe in its header or delimiter row")
        elif ends_table(text):
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
        markdown-it-py may read a definition where :func:`refdef_edge` says."""
        first = texts[0].meta["content"] if texts else ""
        if first.lstrip(" \t").startswith("[") and "]:" in first[:MAX_LABEL]:
            if refdef_edge(first):
                raise Fallback("a paragraph markdown-it-py may read as a link definition")

    def lazy(self, texts: Any, depth: int) -> bool:
        """A paragraph line in a blockquote without its ``>`` that the parsers read differently:
        markdown-it-py keeps its indentation and lets an empty list item end the paragraph there,
        markdown-it.rs not (:func:`lazy_edge`)."""
        start, end = texts[0].srcmap[0], texts[-1].srcmap[1]
        if self.data.find(b"\n", start, end) < 0:
            return False
        lines = self.data[start:end].decode().split("\n")
        lines.append(self.next_line(texts[-1]))
        return any(
            lazy_edge(line, following, depth)
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
        if refdef_edge(source.decode()):
            raise Fallback("a link definition markdown-it-py may read as a paragraph")
        key = _label(node.meta["label"])
        if key not in self.refdefs:  # the first definition of a label counts
            self.refdefs[key] = node.meta["destination"]


def inline_text(nodes: Any) -> str:
    """An inline token's source, trimmed as markdown-it-py trims it."""
    parts = []
    for node in nodes:
        if node.name != "text":
            raise Fallback(f"a {node.name} node in inline text")
        parts.append(node.meta["content"])
    return "".join(parts).strip(MD_TRIM)
