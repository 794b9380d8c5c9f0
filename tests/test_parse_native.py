"""markdown-it-pyrs behind the parse seam: every document reads exactly as with markdown-it-py.

``pmkit.parse.blocks.parse_markdown`` tokenizes with markdown-it-pyrs and falls back to
markdown-it-py where the two differ (``pmkit.parse.native``). Each test parses the same text both
ways (``PMKIT_MARKDOWN=markdown-it-py`` forces the Python parser) and wants the same
``MarkdownDoc``: every section, block, line number, inline source, front matter and link
definition pmkit reads. Fuzzed with pieces that sit at the two parsers' known edges (containers,
tables, HTML blocks, link definitions, Unicode spaces, tabs, line endings), with the parser fuzz's
Markdown (``tests/test_fuzz.py``) and with any text. CI runs a few thousand derandomized
examples; ``make test-slow`` 100,000 fresh ones. The whole-ingest check, every table row for
row on the real corpora, is ``benchmarks/compare_parsers.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import markdown  # the parser fuzz's Markdown strategy

from pmkit.parse import blocks, native
from pmkit.parse.decode import decode_bytes
from pmkit.parse.tree import MarkdownDoc

pytestmark = pytest.mark.skipif(not native.available(), reason="markdown-it-pyrs not installed")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CI = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=1500,
    suppress_health_check=list(HealthCheck),
)
SLOW = settings(
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("PMKIT_FUZZ_EXAMPLES", "100000")),
    suppress_health_check=list(HealthCheck),
)

# Each piece is at an edge where markdown-it-py and markdown-it.rs were seen to differ, or near one.
PIECES = [
    *["-", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "0. ", "1)", " -", "\t- ", "  - ", "- [ ] "],
    *["- [x] ", "> ", ">", "\n> ", "   > ", "#", "## ", "### x ##", "#\t", "    ", "  ", "\t"],
    *[" ", "   ", "---", "***", "___", "===", "...", "+++", "```", "~~~", "```js", "~~~~"],
    *["| a | b |", "|---|---|", "| 1 |", "|", "\\|", "\\\\|", "`|`", "|:--|", "| - |", "--"],
    *["\n| x | y |\n|:-|-:|\n", "x||\n-|-\n", "<div>", "</div>", "<!--", "-->", "<pre>"],
    *["</pre>", "<?x", "?>", "<![CDATA[", "]]>", "<!DOCTYPE", "<!doctype html>", "<e>"],
    *['<a href="x">', "\n<table>\n", "<script>", "[a]: http://x", "[a]:", "[a]: <x>"],
    *["<http://y z>", '"t"', "'t'", "(t)", "[A  b]: /u", "[x]: javascript:1", " [a]: x"],
    *["[a]:\n  http://z\n", "[a]: http://x 't'\n", "  [a]", "[a\nb]: /u\n", "[b]\n"],
    *['[b]: http://q "t"\n', "%20", "http://é.com", "word", "é", "日本", "&amp;", "\\", "*"],
    *["_", "**b**", "[l](u)", "title: x", "a: 1", "\x00", "\r\n", "\r", "\n", "\n", "\n\n"],
    *["\n- ", "\n---\n", "\n```\n", "\n~~~~\n", "  \n", "\t\n", "\xa0", "\u2003", "\u3000"],
    *["\x1c", "\x85", "\x0b", "\x0c", "\u2028", "\ufeff"],
]


@st.composite
def edgy(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)))


def both_ways(text: str) -> tuple[MarkdownDoc, MarkdownDoc]:
    """(markdown-it-py's reading, the default one) of ``text``."""
    old = os.environ.get(blocks.PARSER_ENV)
    os.environ[blocks.PARSER_ENV] = "markdown-it-py"
    try:
        python = blocks.parse_markdown(text)
    finally:
        if old is None:
            del os.environ[blocks.PARSER_ENV]
        else:
            os.environ[blocks.PARSER_ENV] = old
    return python, blocks.parse_markdown(text)


def same(text: str) -> None:
    python, default = both_ways(text)
    assert default == python, native.fallback_reason(text)


@CI
@given(edgy())
def test_edges_read_the_same(text: str) -> None:
    same(text)


@CI
@given(markdown())
def test_fuzz_markdown_reads_the_same(text: str) -> None:
    same(text)


@CI
@given(st.text())
def test_any_text_reads_the_same(text: str) -> None:
    same(text)


@pytest.mark.slow
@SLOW
@given(st.one_of(edgy(), markdown(), st.text()))
def test_reads_the_same_100k(text: str) -> None:
    same(text)


def _corpus_files() -> list[Path]:
    folders = [REPO / "data" / "corpus", REPO / "tests" / "fixtures"]
    folders += [SHARED / name for name in ("seeds", "corpus-real", "corpus-real2")]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.md"))


def test_every_corpus_file_reads_the_same_and_natively() -> None:
    """The demo, seed and real postmortems and the fixtures: same reading, and none of them
    needs markdown-it-py (the fallback is for edges, not for what people write)."""
    files = _corpus_files()
    assert len(files) > 300
    fallbacks = []
    for path in files:
        decoded = decode_bytes(path.read_bytes())
        if decoded.is_binary:
            continue
        same(decoded.text)
        reason = native.fallback_reason(decoded.text)
        if reason is not None:
            fallbacks.append((path.name, reason))
    assert not fallbacks


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- |--\nb", "a list item on the first line holding --"),
        ("<!doctype html>\n<p>x</p>", "<! and a lower-case letter"),
        ("a |\n---", "a table delimiter row and header, one of them without a pipe"),
        ("> quote\n  lazy", "a lazy continuation line in a blockquote"),
        ("> quote\n-", "a lazy continuation line in a blockquote"),
        ("> quote\na | b\n-|-", "a blockquote followed by an indented, list or table line"),
        ("- <pre>\n\n- b", "an HTML block left open inside a container"),
        ("[a]: http://é.com\n", "a link definition with escapes or non-ASCII text"),
        ("| a |\n|---|\n| 1 |\n2. x", "a table row markdown-it-py reads as the table's end"),
        ("```x|\n-|-\n", "a table header that opens a fence, HTML or a link definition"),
        ("[a]:\n*", "a link definition markdown-it-py may read as a paragraph"),
        ("-\n- x||\n-|-\n", "a table header in a list item"),
        ("[a]:\xa0", "a paragraph markdown-it-py may read as a link definition"),
        ("> a\n>\tb", "a tab in a blockquote's indentation"),
        ("<e>\x1c", "an HTML tag on a line with a Unicode space"),
        ("> " * 17 + "deep", "containers nested deeper than markdown-it-py's limit"),
        ("|:--|\xa0  \n|:--|", "a table header with a Unicode space"),
        ("> `|`  \n-\n> -", "a setext heading underline lazily continuing a blockquote"),
    ],
)
def test_known_differences_go_to_markdown_it_py(text: str, reason: str) -> None:
    """Each structural difference found by the fuzz: named, and read by markdown-it-py."""
    assert native.fallback_reason(text) == reason
    same(text)


def test_value_differences_are_corrected() -> None:
    """Differences in a value, not in the structure, are put right without the fallback."""
    cases = [
        "    code at the end",  # an indented code block always ends with a newline
        "~~~\nunclosed fence at the end",  # ... a fence or HTML block only if the source has one
        "~~~\na\n\n~~~",
        "<div>\nat the end",
        "para\xa0\n",  # markdown-it-py trims Unicode spaces
        "---\ntitle: x\n---\n# T\n",  # the front matter rule is a port of mdit-py-plugins'
        "---\ntitle: x\n...\n# T\n",
        "text\n   \t",  # a last line of blanks without a newline is no line for markdown-it-py
        "a\r\nb\rc\x00",
    ]
    for text in cases:
        assert native.fallback_reason(text) is None, text
        same(text)


def test_line_numbers_follow_the_source_bytes() -> None:
    """markdown-it.rs maps UTF-8 byte offsets; every block keeps its 1-based line."""
    text = "# Café ☕\n\nÉtape un\n\n- élément\n  suite\n\n| à | ü |\n|---|---|\n| 1 | 2 |\n"
    python, default = both_ways(text)
    assert default == python
    (section,) = default.root.children
    assert section.line == 1
    assert [b.line for b in section.blocks] == [3, 5, 8]
    assert section.blocks[2].row_lines == [10]


@pytest.mark.parametrize(
    "text",
    [
        "- # heading in an item\n  para\n- b\n\nafter",
        "> # heading in a quote\n> para\n\nafter",
        "- a\n  - # h\n    - c\n  - d\n- e\n\n# Top\n\ntext",
        "1. x\n   ## h\n   - nested\n2. y",
    ],
)
def test_a_heading_inside_a_list_or_quote_reads_the_same(text: str) -> None:
    """The fold ends such an item or quote at the heading in its own way: markdown-it.rs's
    tree goes through the token stream for these (``native.document`` returns tokens)."""
    assert isinstance(native.document(text), tuple)
    same(text)
