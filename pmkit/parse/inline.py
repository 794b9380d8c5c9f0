"""Inline Markdown source -> the plain text a reader of the rendered page sees (:func:`plain`), and
that text knowing which characters were written literally (:func:`plain_marked`, :class:`Marked`).

Why a module of its own: the parser reads only each inline token's source (markdown-it's inline
pass is switched off, see :mod:`pmkit.parse.blocks`), so links, emphasis, tags, escapes, code
spans and character references are undone here, once, for every reader. The readers import
these names from :mod:`pmkit.parse.blocks`, with the tree's classes.

Pure: a string in, a string out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.entities import html5

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
