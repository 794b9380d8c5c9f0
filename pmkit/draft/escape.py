"""Typed text -> Markdown that a reader (and pmkit's parser) sees exactly as it was typed.

Pure, and knows nothing of templates or widgets. Every field the form writes goes through here:
what CommonMark, GitHub or HTML would take as markup (``<tag>``, ``*emphasis*``, ``` `code` ```,
``[link]``, ``&amp;``, a leading ``- ``/``1. ``/``#``/``>``, a ``|`` in a table, a ``Key: value``
line the parser would read as a field) gets a backslash, and nothing else does, so the file stays
readable. Whitespace is the one thing not kept as typed, because Markdown does not keep it either:
runs of spaces, tabs and line breaks inside a line read as one space, and blank lines separate
paragraphs. :func:`typed_line` / :func:`typed_text` give that normal form, which is what reads back.
"""

from __future__ import annotations

import re
import string

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters (tab and line feed aside): never text a person means to type,
and a file dense in them is taken for a binary file by the ingest."""
_BLANKS = re.compile(r"[ \t\n]+")
_ASCII_PUNCT = frozenset(string.punctuation)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4]")
_MOJIBAKE_PAIR = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\u00c2$"
)
"""What the ingest takes for UTF-8 read as cp1252 (``Ã©``) and repairs, line by line (the
marker of ``pmkit.parse.decode``). Typed on purpose, its first letters are written as character
references (``&#xC3;``), which a Markdown reader shows as typed and the repair never sees."""

# What opens a block when it starts a line.
_LIST_MARK = re.compile(r"^([-+*])(?=[ \t]|$)")
_ORDERED_MARK = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_RULE_OR_UNDERLINE = re.compile(r"^[-=_* \t]+$")
_KEY_COLON = re.compile(r"^([A-Za-z][A-Za-z0-9 /&()'.\-]{0,60}?)(\s*):(?=\s|$)")
"""``Owner: Bob`` at the start of a line is a field to pmkit's parser (and to many templates)."""


def clean(text: str) -> str:
    """Control characters out, every line ending as ``\\n``."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def typed_line(text: str) -> str:
    """One line as it reads back: spaces, tabs and line breaks collapsed, ends trimmed."""
    return _BLANKS.sub(" ", clean(text)).strip()


def typed_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each as :func:`typed_line` gives it."""
    return [line for line in (typed_line(x) for x in clean(text).split("\n")) if line]


def typed_text(text: str) -> str:
    """Free text as it reads back: its non-empty lines, one per line."""
    return "\n".join(typed_lines(text))


def _hash_closes_heading(s: str, i: int) -> bool:
    """``#`` starting a trailing run of ``#`` after a space: an ATX heading's closing sequence."""
    return (i == 0 or s[i - 1] in " \t") and s[i:].rstrip(" \t").strip("#") == ""


def _escape_chars(s: str) -> list[str]:
    """One output piece per character of ``s`` (so indexes still match ``s``)."""
    mojibake = _MOJIBAKE_PAIR.search(s) is not None
    tildes = s.count("~") >= 2
    out: list[str] = []
    for i, c in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if c == "\\":
            escape = False  # decided below, once the next character's piece is known
        elif c in "`*[<|":
            escape = True
        elif c == "_":
            escape = not (prev.isalnum() and nxt.isalnum())
        elif c == "&":
            escape = _ENTITY.match(s, i) is not None
        elif c == "~":
            escape = tildes
        elif c == "#":
            escape = i == 0 or _hash_closes_heading(s, i)
        else:
            escape = False
        if mojibake and _MOJIBAKE_LEAD.match(c):
            out.append(f"&#x{ord(c):X};")
        else:
            out.append("\\" + c if escape else c)
    for i in range(len(out) - 1, -1, -1):
        # a backslash is literal unless ASCII punctuation follows it in the output
        if s[i] == "\\" and (i + 1 == len(out) or out[i + 1][0] in _ASCII_PUNCT):
            out[i] = "\\\\"
    return out


def escape_line(text: str) -> str:
    """One line of typed text as Markdown text that reads back as :func:`typed_line` of it,
    wherever it is put: a heading, a paragraph or list item line, a table cell."""
    s = typed_line(text)
    if not s:
        return ""
    out = _escape_chars(s)

    def mark(index: int) -> None:
        if not out[index].startswith(("\\", "&#")):
            out[index] = "\\" + out[index]

    if s[0] in ":>" or (s[0] in "-+=" and (_LIST_MARK.match(s) or _RULE_OR_UNDERLINE.match(s))):
        mark(0)  # a leading ":" would be taken for the colon of the key before it
    ordered = _ORDERED_MARK.match(s)
    if ordered:
        mark(len(ordered.group(1)))
    key = _KEY_COLON.match(s)
    if key:
        mark(key.end() - 1)
    return "".join(out)


def escape_paragraphs(text: str) -> str:
    """Free text: each non-empty typed line its own paragraph, so a line that looks like a list
    item or a field stays a line of text and the rendered page shows the lines as typed."""
    return "\n\n".join(escape_line(line) for line in typed_lines(text))


def escape_item_paragraphs(text: str, indent: str = "  ") -> str:
    """Free text as the value of a ``- **Key:**`` list item: later paragraphs indented into it."""
    return f"\n\n{indent}".join(escape_line(line) for line in typed_lines(text))
