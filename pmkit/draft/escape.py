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

from pmkit.normalize.placeholders import find_placeholder

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


def _escape_chars(s: str, always: str = "") -> list[str]:
    """One output piece per character of ``s`` (so indexes still match ``s``); backslashes typed
    are settled last, by :func:`_joined`. ``always``: more characters to escape wherever."""
    mojibake = _MOJIBAKE_PAIR.search(s) is not None
    tildes = s.count("~") >= 2
    out: list[str] = []
    for i, c in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if c == "\\":
            escape = False  # decided by _joined, once the next character's piece is known
        elif c in "`*[<|" or c in always:
            escape = True
        elif c == "_":
            # intraword only between letters written as letters: a mojibake lead beside it is
            # written as a reference below, and "&#xC2;_y_" would open emphasis
            beside_ref = mojibake and any(_MOJIBAKE_LEAD.match(n) for n in (prev, nxt) if n)
            escape = not (prev.isalnum() and nxt.isalnum()) or beside_ref
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
    return out


def _mark(out: list[str], index: int) -> None:
    """Escape one more character (ASCII punctuation), unless it is already."""
    if not out[index].startswith(("\\", "&#")):
        out[index] = "\\" + out[index]


def _reference(out: list[str], index: int, char: str) -> None:
    """Write one character as a numeric reference: how a letter is written literally."""
    if not out[index].startswith(("\\", "&#")):
        out[index] = f"&#{ord(char)};"


def _settle(s: str, out: list[str]) -> list[str]:
    """Each typed backslash: escaped where the output's next character would make it one."""
    for i in range(len(out) - 1, -1, -1):
        # a backslash is literal unless ASCII punctuation follows it in the output
        if s[i] == "\\" and (i + 1 == len(out) or out[i + 1][0] in _ASCII_PUNCT):
            out[i] = "\\\\"
    return out


def _joined(s: str, out: list[str]) -> str:
    return "".join(_settle(s, out))


def _is_literal(piece: str) -> bool:
    """A piece the parser reads as a character written literally (escaped, a reference)."""
    return piece.startswith(("\\", "&#")) and piece != "\\"


def _line_pieces(s: str, always: str = "") -> list[str]:
    """The pieces of one typed line, with what would open a block or a field escaped."""
    out = _escape_chars(s, always)
    if s[0] in ":>" or (s[0] in "-+=" and (_LIST_MARK.match(s) or _RULE_OR_UNDERLINE.match(s))):
        _mark(out, 0)  # a leading ":" would be taken for the colon of the key before it
    ordered = _ORDERED_MARK.match(s)
    if ordered:
        _mark(out, len(ordered.group(1)))
    key = _KEY_COLON.match(s)
    if key:
        _mark(out, key.end() - 1)
    return out


def escape_line(text: str) -> str:
    """One line of typed text as Markdown text that reads back as :func:`typed_line` of it,
    wherever it is put: a heading, a paragraph or list item line, a table cell."""
    s = typed_line(text)
    return _joined(s, _line_pieces(s)) if s else ""


_ID_TITLE_KEY = re.compile(r"^[A-Z][A-Z0-9]*(?=-)")
"""``OPS-12: DB down``: pmkit reads a title shaped so as an incident id and a title."""


def escape_title(text: str) -> str:
    """A title: :func:`escape_line`, and what pmkit's parser would read as more than a title
    written literally too: the ``-`` of a leading ``KEY-12`` (an incident id) and every ``{``,
    ``}`` (``{{ template }}`` braces)."""
    s = typed_line(text)
    if not s:
        return ""
    out = _line_pieces(s, always="{}")
    key = _ID_TITLE_KEY.match(s)
    if key:
        _mark(out, key.end())
    return _joined(s, out)


def escape_factor(text: str) -> str:
    """A contributing factor: :func:`escape_line`, and each colon whose text before it reads as
    a placeholder written literally, since pmkit drops a factor whose label is one (``Owner:``
    or ``[Factor]:`` left from a template)."""
    s = typed_line(text)
    if not s:
        return ""
    out = _line_pieces(s)
    for i, c in enumerate(s):
        if c == ":" and find_placeholder(s[:i].strip()) is not None:
            _mark(out, i)
    return _joined(s, out)


NAME_SEPARATORS = ",;&+/"
"""What splits a list of people (``Alice & Bob``, ``ops/infra``), written literally in a name."""
_NAME_TRIM = ",;:."
"""Punctuation pmkit drops around a name (``Owner: Jane.``), written literally at its ends."""
_AND = re.compile(r"\band\b", re.IGNORECASE)
_IN_PARENS = re.compile(r"\([^)]*\)")
_NOTE_AT_END = re.compile(r"\([^)]*\)$")
_LITERAL = "\ue000"


def _masked(s: str, out: list[str]) -> str:
    """``s`` as pmkit's parser sees it: each character written literally is no character."""
    return "".join(_LITERAL if _is_literal(p) else c for c, p in zip(s, out, strict=True))


def _owner_pieces(s: str, always: str = "") -> list[str]:
    out = _line_pieces(s, always)
    for i in (0, len(s) - 1):
        if s[i] in _NAME_TRIM:
            _mark(out, i)
    return out


def escape_owner(text: str) -> str:
    """An owner (of the incident, of an action): :func:`escape_line`, and ``,;:.`` at its ends
    written literally, since pmkit drops them around a name (``Owner: Jane.``)."""
    s = typed_line(text)
    return _joined(s, _owner_pieces(s)) if s else ""


def _name_pieces(s: str) -> list[str]:
    out = _owner_pieces(s, always=NAME_SEPARATORS)
    grouped = {i for m in _IN_PARENS.finditer(s) for i in (m.start(), m.end() - 1)}
    for i, c in enumerate(s):
        if c in "()" and i not in grouped:
            _mark(out, i)  # a parenthesis left open would hold the next name's comma
    note = _NOTE_AT_END.search(s)
    if note:
        _mark(out, note.start())  # "api (v2)": pmkit reads a trailing "(...)" as a note
    while (m := _AND.search(_masked(s, out))) is not None:
        _reference(out, m.start(), s[m.start()])  # "and" splits a list; "&#97;nd" does not
    return out


def escape_name(text: str) -> str:
    """A name (a responder, a service) as one item of a list pmkit splits: every
    separator it holds (``,;&+/``, the word ``and``), a parenthesis left open, a trailing
    ``(note)`` and ``,;:.`` at its ends are written literally, so it reads back whole."""
    s = typed_line(text)
    return _joined(s, _name_pieces(s)) if s else ""


def escape_names(names: list[str]) -> str:
    """Names as one ``, ``-separated list that reads back name by name. A list that as a whole
    looks like a template's placeholder (``error rates, latency spikes, or downtime metrics``)
    is template text to pmkit unless some character in it is written literally: then its first
    character is."""
    typed = [typed_line(n) for n in names if typed_line(n)]
    pieces = [_settle(s, _name_pieces(s)) for s in typed]
    literal = any(_is_literal(p) for out in pieces for p in out)
    if typed and not literal and find_placeholder(", ".join(typed)) is not None:
        first = typed[0][0]
        pieces[0][0] = f"&#{ord(first)};" if first not in _ASCII_PUNCT else "\\" + first
    return ", ".join(_joined(s, out) for s, out in zip(typed, pieces, strict=True))


def escape_paragraphs(text: str) -> str:
    """Free text: each non-empty typed line its own paragraph, so a line that looks like a list
    item or a field stays a line of text and the rendered page shows the lines as typed."""
    return "\n\n".join(escape_line(line) for line in typed_lines(text))


def escape_item_paragraphs(text: str, indent: str = "  ") -> str:
    """Free text as the value of a ``- **Key:**`` list item: later paragraphs indented into it."""
    return f"\n\n{indent}".join(escape_line(line) for line in typed_lines(text))
