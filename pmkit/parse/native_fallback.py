"""Where markdown-it.rs and markdown-it-py read the same Markdown into different blocks: the
checks that send a document to markdown-it-py (:class:`Fallback`, whose message names the case).

Why a module of its own: each check is an edge of two CommonMark versions, found by
``tests/test_parse_native.py``'s fuzz or ``benchmarks/compare_parsers.py``, and reads on its own;
:mod:`pmkit.parse.native` and :mod:`pmkit.parse.native_reader` call them while they read the tree.

Pure: text in, a yes or no (or :class:`Fallback`) out.
"""

from __future__ import annotations

import re

MD_TRIM = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""What markdown-it-py (4.x, ``mdTrim``) trims from an inline token's source; markdown-it.rs
trims spaces and tabs only."""

_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")
_LOWER_DECLARATION = re.compile(r"<![a-z]")
_QUOTE_TAB = re.compile(r"^(?=[ \t>*+.)0-9-]*>)[ \t>*+.)0-9-]*\t", re.M)
_CONTAINER_MARKS = " \t>-*+0123456789.)"
_MAYBE_DELIMITER = re.compile(r"^[ \t]*[-:|][-:| \t]+$", re.M)
_DELIMITER_CELL = re.compile(r":?-+:?")
_ESCAPED_PIPE_HEADER = re.compile(r"\\\|[^\n]*\n[ \t]*[-:|][-:| \t]*$", re.M)
MAX_LABEL = 1100
"""Where to look for a link definition's ``]:`` (a label is at most 999 characters)."""
_PY_ONLY_SPACE = re.compile(
    "[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
"""What Python's ``\\s`` matches beyond spaces, tabs and newlines: markdown-it-py's HTML block
patterns take it as a space, markdown-it.rs not."""
_TRIM_ONLY_SPACE = re.compile("[\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
"""What markdown-it-py's ``mdTrim`` trims beyond spaces, tabs and line ends."""
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


class Fallback(Exception):
    """A document where the two parsers would give different blocks (the message says why)."""


def check_text(src: str) -> None:
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
            if start == 0 or not is_delimiter_row(m.group()):
                continue
            header = src[src.rfind("\n", 0, start - 1) + 1 : start - 1]
            if _TRIM_ONLY_SPACE.search(header):
                # ``|:--|\xa0`` over ``|:--|``: markdown-it-py trims the no-break space and
                # counts one column, markdown-it.rs a second cell: no table
                raise Fallback("a table header with a Unicode space")
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


def lazy_edge(line: str, following: str, depth: int) -> bool:
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
    return "|" in line and is_delimiter_row(following)


def is_delimiter_row(line: str) -> bool:
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


def refdef_edge(text: str) -> bool:
    """Link definitions the two parsers were seen to read differently: a backslash or a Unicode
    space (markdown-it-py: a definition, .rs: text), or nothing after the colon but a list
    item on the next line (markdown-it-py: a list)."""
    colon = text.find("]:", 0, MAX_LABEL)
    if colon < 0:
        return True
    lines = text[colon + 2 :].split("\n", 2)
    head = text[: colon + 2] + "\n".join(lines[:2])
    if "\\" in head or _PY_ONLY_SPACE.search(head):
        return True
    return not lines[0].strip(" \t") and len(lines) > 1 and _LIST_MARKER.match(lines[1]) is not None


def ends_table(line: str) -> bool:
    """markdown-it-py ends a table at a line that any list item starts (markdown-it.rs only at
    one that could interrupt a paragraph) and at one of only Unicode spaces."""
    return not line.strip(MD_TRIM) or _LIST_MARKER.match(line) is not None


def open_html(content: str) -> bool:
    """An HTML block of kinds 1-5 whose closing text never came."""
    start = content.lstrip(" \t")
    for opening, closing in _HTML_OPEN_CLOSE:
        if opening.match(start):
            return closing.search(content) is None
    return False
