"""``plain()``: Markdown inline source -> the text a reader of the rendered page sees.

Backslash escapes, code spans and entity references follow CommonMark, so text that was escaped
to be written as Markdown (by the drafting form or by hand) reads back as it was typed.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit.parse.inline import plain

PUNCT = frozenset(string.punctuation)
"""ASCII punctuation: every character CommonMark lets a backslash escape."""


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        # backslash escapes: the character, never its markup
        (r"\<tag\>", "<tag>"),
        (r"a \| b", "a | b"),
        (r"\# not a heading", "# not a heading"),
        (r"1\. not a list", "1. not a list"),
        (r"\- not a bullet", "- not a bullet"),
        (r"\===", "==="),
        (r"\*not emphasis\*", "*not emphasis*"),
        (r"\_not emphasis\_", "_not emphasis_"),
        (r"\[not a link\](x)", "[not a link](x)"),
        (r"**bold with \* star**", "bold with * star"),
        (r"\\", "\\"),
        (r"¯\\\_(ツ)\_/¯", r"¯\_(ツ)_/¯"),
        (r"C:\temp\new", r"C:\temp\new"),  # a backslash before a letter is kept
        (r"\&amp;", "&amp;"),  # an escaped "&" starts no entity
        # entity and numeric character references
        ("S&amp;O", "S&O"),
        ("&lt;script&gt;", "<script>"),  # decoded after tags are removed: text, not a tag
        ("&#65;&#x42;&#X43;", "ABC"),
        ("&#0;", "\ufffd"),
        ("R&D, AT&T;, &copy2024, &ampx;", "R&D, AT&T;, &copy2024, &ampx;"),  # not references
        # code spans are literal: no escapes, entities or emphasis inside
        ("`__init__`", "__init__"),
        ("`a\\*b` and `&amp;`", "a\\*b and &amp;"),
        (r"\`not code\`", "`not code`"),
        # what plain() always did
        ("**bold** and _it_ and *em*", "bold and it and em"),
        ("[text](http://x.example) and <http://y.example>", "text and http://y.example"),
        ("a <b>tag</b>", "a tag"),
        ("  many   spaces  ", "many spaces"),
    ],
)
def test_plain(raw: str, text: str) -> None:
    assert plain(raw) == text


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n\r"), max_size=60
)


def _collapsed(text: str) -> str:
    """What ``plain`` does to spacing: runs of spaces and tabs become one space, ends stripped."""
    return re.sub(r"[ \t]+", " ", text).strip()


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=_TEXT)
def test_any_text_backslash_escaped_reads_back(text: str) -> None:
    escaped = "".join("\\" + c if c in PUNCT else c for c in text)
    assert plain(escaped) == _collapsed(text)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=_TEXT, hexadecimal=st.booleans())
def test_any_text_as_character_references_reads_back(text: str, hexadecimal: bool) -> None:
    def ref(c: str) -> str:
        return (f"&#x{ord(c):X};" if hexadecimal else f"&#{ord(c)};") if c in PUNCT else c

    assert plain("".join(ref(c) for c in text)) == _collapsed(text)


_MARKDOWN = st.lists(
    st.one_of(
        st.sampled_from(list("\\`*_[]()<>&#;:, \t!") + ["&amp;", "&#97;", "<b>", "](u)", "**"]),
        st.text(max_size=3),
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(raw=_MARKDOWN)
def test_plain_marked_is_plain(raw: str) -> None:
    """``plain_marked`` reads exactly what ``plain`` reads; it only marks what was literal."""
    from pmkit.parse.inline import LITERAL, plain_marked

    m = plain_marked(raw)
    assert m.text == plain(raw)
    assert len(m.masked) == len(m.text)
    assert all(k in (c, LITERAL) or c == " " for c, k in zip(m.text, m.masked, strict=True))
