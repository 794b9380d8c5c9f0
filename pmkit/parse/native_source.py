"""The source as markdown-it-py prepares it, before markdown-it.rs reads it: line ends and NUL
normalized, a trailing blank line dropped, and the YAML front matter found by a port of
mdit-py-plugins' rule (its lines blanked so that every later line keeps its number).

Why a module of its own: these are the fix-ups of the text itself, done once per document
before either reading of :mod:`pmkit.parse.native`; the checks of the text alone
(:func:`pmkit.parse.native_fallback.check_text`) run here too.

Pure: text in, text out.
"""

from __future__ import annotations

import re

from pmkit.parse.native_fallback import Fallback, check_text

_NEWLINES = re.compile(r"\r\n?")
_NESTED_FRONT_MATTER = re.compile(r"-[^\n]*--")


def prepare(text: str) -> tuple[str, tuple[str, int] | None]:
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
    check_text(src)
    try:
        src.encode("utf-8")
    except UnicodeEncodeError:
        raise Fallback("not valid Unicode (a lone surrogate)") from None
    return src, fm


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
