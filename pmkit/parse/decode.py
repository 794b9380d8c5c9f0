"""Bytes -> text that never fails, with every repair recorded.

Postmortems arrive as UTF-8, UTF-8 with a BOM, UTF-16 from Windows editors (with or without a
byte-order mark), UTF-32, cp1252, and as text that was already mis-decoded once (``3â€“5`` for
``3–5``). The parser needs one string with LF line endings; the user needs to know what was
changed. Repairs never add or remove newlines, except that CR line endings become LF, so line
numbers keep pointing at the right line (of the text as read, counting CRLF, CR and LF as line
ends). ``text_as_read`` gives the text before any repair, which is what the database keeps.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import ftfy

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
"""Only encoding repairs: curly quotes, dashes, emoji, ligatures and HTML entities stay as written."""

# UTF-8 read as cp1252/latin-1 shows a lead byte as one of Â..ô followed by a character that
# came from a continuation byte (0x80-0xBF: C1 controls, Latin-1 symbols, or their cp1252 forms).
_MOJIBAKE_MARKER = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|\u00c2$",
    re.M,
)
# A no-break space (C2 A0) read as cp1252 is "Â" + NBSP; editors strip the trailing NBSP and
# leave a lone "Â" at the end of the line, which ftfy cannot see.
_STRAY_A_CIRC = re.compile(r"(?<=[^\sA-Za-z\u00c0-\u024f])\u00c2$", re.M)
_NOT_CONTROL = bytes([9, 10, 11, 12, 13, 27, *range(32, 256)])
"""Deleting these from a byte string leaves only the control bytes that text files never hold."""
_SNIFF_BYTES = 8192
_WIDE_SHARE = 0.3
"""UTF-16 without a byte-order mark: at least this share of the 16-bit units in the first
_SNIFF_BYTES hold a NUL in one half and never in the other (ASCII and Latin letters do)."""
_EXAMPLE_CONTEXT = 8
_EXAMPLE_STOP = frozenset("()[]{}<>\"'`*|")


@dataclass
class Decoded:
    """A decoded file and the repairs made on the way."""

    text: str
    """LF line endings, mojibake repaired."""
    encoding: str
    """The codec that decoded the bytes (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``...)."""
    fixes: list[str] = field(default_factory=list)
    """One human-readable line per repair (empty for clean UTF-8 with LF endings)."""
    is_binary: bool = False
    """NUL bytes or many control characters: not a text file; ``text`` is a best effort."""


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls / len(head) > 0.1


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` looks like BOM-less UTF-16 text: NULs in
    one byte of many 16-bit units and never in the other, and it decodes."""
    head = data[: _SNIFF_BYTES & ~1]
    if len(data) % 2 or len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    units = len(head) // 2
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if other == 0 and zeros >= _WIDE_SHARE * units:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec if "\x00" not in text else None
    return None


def _wide(data: bytes) -> tuple[str, str, list[str], bool] | None:
    """UTF-32 and UTF-16 marked by a byte-order mark (UTF-32 first: its LE mark starts with
    UTF-16's), or UTF-16 without one."""
    marked = (
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    )
    for bom, codec, name in marked:
        if data.startswith(bom):
            body = data[len(bom) :]
            order = codec[-2:].upper()
            try:
                text = body.decode(codec)
                fixes = [f"decoded as {name} ({order}, byte-order mark)"]
            except UnicodeDecodeError:
                text = body.decode(codec, errors="replace")
                fixes = [f"decoded as {name} ({order}) with invalid bytes replaced"]
            return text, name.lower(), fixes, "\x00" in text
    unmarked = _utf16_without_bom(data)
    if unmarked is not None:
        order = unmarked[-2:].upper()
        fixes = [f"decoded as UTF-16 ({order}, no byte-order mark)"]
        return data.decode(unmarked), "utf-16", fixes, False
    return None


def _decode(data: bytes) -> tuple[str, str, list[str], bool]:
    """Pick the codec; returns text, codec name, fixes, is_binary."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
        fixes = ["UTF-8 byte-order mark removed"]
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            fixes.append("invalid UTF-8 bytes replaced with U+FFFD")
        return text, "utf-8-sig", fixes, False
    # only wide encodings put NULs in text; UTF-16 of non-Latin text may hold none
    if b"\x00" in data[:_SNIFF_BYTES] or data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        wide = _wide(data)
        if wide is not None:
            return wide
    if _looks_binary(data):
        return data.decode("latin-1"), "latin-1", ["binary content: decoded as latin-1"], True
    try:
        return data.decode("utf-8"), "utf-8", [], False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", ["decoded as cp1252 (not valid UTF-8)"], False
    except UnicodeDecodeError:
        return (
            data.decode("latin-1"),
            "latin-1",
            ["decoded as latin-1 (not UTF-8 or cp1252)"],
            False,
        )


def _normalise_newlines(text: str, fixes: list[str]) -> str:
    if "\r" not in text:
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
        fixes.append("CRLF line endings normalised")
    if "\r" in text:
        text = text.replace("\r", "\n")
        fixes.append("CR line endings normalised")
    return text


def _stops(char: str) -> bool:
    return char.isspace() or char in _EXAMPLE_STOP


def _example(before: str, after: str) -> str:
    """A short ``'3â€“5' -> '3–5'`` from the first line that changed."""
    for old, new in zip(before.split("\n"), after.split("\n"), strict=False):
        if old == new:
            continue
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        end_old, end_new = len(old), len(new)
        while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
            end_old -= 1
            end_new -= 1
        left = start
        while left > 0 and start - left < _EXAMPLE_CONTEXT and not _stops(old[left - 1]):
            left -= 1
        right_old, right_new = end_old, end_new
        while (
            right_old < len(old)
            and right_old - end_old < _EXAMPLE_CONTEXT
            and not _stops(old[right_old])
        ):
            right_old += 1
            right_new += 1
        return f"{old[left:right_old]!r} -> {new[left:right_new]!r}"
    return ""


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Repair UTF-8-read-as-cp1252 text; returns the text and a fix message (None if unchanged).

    Cheap marker test first: clean text (the vast majority) never reaches ftfy, and only the
    lines that carry a marker do; a repair that would add a line break is not applied.
    """
    if text.isascii() or not _MOJIBAKE_MARKER.search(text):
        return text, None
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.isascii() and _MOJIBAKE_MARKER.search(line):
            repaired = _STRAY_A_CIRC.sub("", ftfy.fix_text(line, _FTFY_CONFIG))
            if "\n" not in repaired:
                lines[index] = repaired
    fixed = "\n".join(lines)
    if fixed == text:
        return text, None
    return fixed, f"mojibake repaired: {_example(text, fixed)}"


def decode_bytes(data: bytes) -> Decoded:
    """Decode a file's bytes; never raises. See the module docstring for the order of attempts."""
    text, encoding, fixes, is_binary = _decode(data)
    text = _normalise_newlines(text, fixes)
    # Every marker character (U+00C2..U+00F4) is C3 xx in UTF-8: no C3 byte, no mojibake.
    maybe_mojibake = not encoding.startswith("utf-8") or b"\xc3" in data
    if not is_binary and maybe_mojibake:
        text, message = repair_mojibake(text)
        if message:
            fixes.append(message)
    return Decoded(text=text, encoding=encoding, fixes=fixes, is_binary=is_binary)


def text_as_read(data: bytes, repaired: str) -> str:
    """The text of ``data`` as read: decoded, byte-order mark dropped, but line endings and any
    mojibake as in the file. ``repaired`` is what :func:`decode_bytes` gave (returned as is
    when nothing was repaired: plain ASCII with LF endings costs no second decode)."""
    if data.isascii() and b"\r" not in data:
        return repaired
    return _decode(data)[0]
