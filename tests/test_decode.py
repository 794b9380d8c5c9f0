"""decode_bytes: every encoding we meet, newline handling, mojibake repair that keeps line numbers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pmkit.parse.decode import decode_bytes, repair_mojibake

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "fixes"),
    [
        (b"# Title\nplain\n", "# Title\nplain\n", "utf-8", []),
        ("caf\u00e9 \u2013 ok\n".encode(), "caf\u00e9 \u2013 ok\n", "utf-8", []),
        (codecs.BOM_UTF8 + b"# T\n", "# T\n", "utf-8-sig", ["UTF-8 byte-order mark removed"]),
        (
            "caf\u00e9\n".encode("utf-16"),
            "caf\u00e9\n",
            "utf-16",
            ["decoded as UTF-16 (LE, byte-order mark)"],
        ),
        (
            codecs.BOM_UTF16_BE + "x\u2013y".encode("utf-16-be"),
            "x\u2013y",
            "utf-16",
            ["decoded as UTF-16 (BE, byte-order mark)"],
        ),
        (
            "\u201cquoted\u201d caf\u00e9".encode("cp1252"),
            "\u201cquoted\u201d caf\u00e9",
            "cp1252",
            ["decoded as cp1252 (not valid UTF-8)"],
        ),
        # 0x81 is undefined in cp1252: latin-1 is the last resort and never fails
        (b"a\x81b", "a\x81b", "latin-1", ["decoded as latin-1 (not UTF-8 or cp1252)"]),
        (b"a\r\nb\r\n", "a\nb\n", "utf-8", ["CRLF line endings normalised"]),
        (b"a\rb\r", "a\nb\n", "utf-8", ["CR line endings normalised"]),
        (
            b"a\r\nb\rc",
            "a\nb\nc",
            "utf-8",
            ["CRLF line endings normalised", "CR line endings normalised"],
        ),
        (b"", "", "utf-8", []),
    ],
)
def test_decode_table(data: bytes, text: str, encoding: str, fixes: list[str]) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.fixes == fixes
    assert decoded.is_binary is False


@pytest.mark.parametrize(
    ("broken", "fixed", "example"),
    [
        (
            "## Executive Summary (3\u00e2\u20ac\u201c5 sentences)\n",
            "## Executive Summary (3\u20135 sentences)\n",
            "'3\u00e2\u20ac\u201c5' -> '3\u20135'",
        ),
        ("Caf\u00c3\u00a9 menu\n", "Caf\u00e9 menu\n", "'Caf\u00c3\u00a9' -> 'Caf\u00e9'"),
        ("it\u00e2\u20ac\u2122s fine", "it\u2019s fine", "'it\u00e2\u20ac\u2122s' -> 'it\u2019s'"),
        # a no-break space whose NBSP half was stripped at the end of the line
        ("to CAT1.\u00c2\nnext", "to CAT1.\nnext", "'CAT1.\u00c2' -> 'CAT1.'"),
    ],
)
def test_mojibake_repaired_with_example(broken: str, fixed: str, example: str) -> None:
    decoded = decode_bytes(broken.encode("utf-8"))
    assert decoded.text == fixed
    assert decoded.fixes == [f"mojibake repaired: {example}"]


@pytest.mark.parametrize(
    "text",
    [
        "\u201ccurly\u201d quotes \u2018kept\u2019",
        "dashes \u2013 and \u2014 kept",
        "emoji \U0001f525 \u2705 kept",
        "entities &amp; &lt;b&gt; &mdash; kept",
        "ligature \ufb01le and fullwidth \uff21 kept",
        "na\u00efve r\u00e9sum\u00e9 \u00c0 la carte \u00e9t\u00e9",
        "math: 2 \u00d7 3 \u00f7 4 \u00b1 1, 5\u00b0C, \u00a9 2026",
        "Portuguese: \u00c2ngela and a lone \u00c2\nnext line",
    ],
)
def test_clean_text_is_left_alone(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.fixes == []


def test_mojibake_repair_never_shifts_lines() -> None:
    broken = "line 1\nA \u00e2\u20ac\u201c B\n\nline 4 caf\u00c3\u00a9\nline 5\n"
    decoded = decode_bytes(broken.encode("utf-8"))
    assert decoded.text.count("\n") == broken.count("\n")
    assert decoded.text.split("\n")[1] == "A \u2013 B"
    assert decoded.text.split("\n")[3] == "line 4 caf\u00e9"


def test_cp1252_file_with_crlf_and_mojibake_records_every_fix() -> None:
    data = "caf\u00e9\r\n".encode("cp1252") + "3\u00e2\u20ac\u201c5\r\n".encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == "caf\u00e9\n3\u20135\n"
    assert decoded.fixes[:2] == [
        "decoded as cp1252 (not valid UTF-8)",
        "CRLF line endings normalised",
    ]
    assert decoded.fixes[2].startswith("mojibake repaired: ")


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03binary", b"PK\x03\x04" + bytes(range(256)), bytes(range(32)) * 10],
)
def test_binary_is_flagged_and_never_raises(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert decoded.is_binary is True
    assert isinstance(decoded.text, str)


def test_utf16_without_bom_is_text() -> None:
    """Issue 15 item 15: it used to count as binary (more cases in test_reliability.py)."""
    decoded = decode_bytes("plain text".encode("utf-16-le"))
    assert (decoded.is_binary, decoded.text) == (False, "plain text")


def test_repair_mojibake_skips_clean_text_cheaply() -> None:
    assert repair_mojibake("ascii only") == ("ascii only", None)
    assert repair_mojibake("caf\u00e9 \u2013") == ("caf\u00e9 \u2013", None)


def test_fixture_file_round_trip() -> None:
    data = (FIXTURES / "mojibake_crlf.md").read_bytes()
    decoded = decode_bytes(data)
    assert "\r" not in decoded.text
    assert "Executive Summary (3\u20135 sentences)" in decoded.text
    assert decoded.text.count("\n") == data.count(b"\n")
    assert "CRLF line endings normalised" in decoded.fixes


def test_seed_templates_decode(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("00*_*.txt"))
    assert seeds, "no seed templates found"
    repaired = 0
    for seed in seeds:
        data = seed.read_bytes()
        decoded = decode_bytes(data)
        assert not decoded.is_binary
        assert "\u00e2\u20ac" not in decoded.text, seed.name
        assert decoded.text.count("\n") == data.count(b"\n"), seed.name
        repaired += any(fix.startswith("mojibake repaired") for fix in decoded.fixes)
    assert repaired >= 2
