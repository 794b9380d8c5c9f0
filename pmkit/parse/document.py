"""One file -> ParsedDocument: decode, tokenize, read, assemble incidents.

Never raises on bad content: every problem becomes a ParseIssue with a line, and the raw text is
always kept so nothing is lost. The reading itself is split by what it reads, each module taking
the shared :class:`pmkit.parse.context.Document`: identity (title, id, day, severity), people
(responders), narrative (summary, cause, factors), chronology and milestones (timeline, when it
started and ended), incidents (one or several per file).
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from pmkit.config import Config, load_config
from pmkit.model import ParsedDocument, ParseIssue
from pmkit.parse.context import Document
from pmkit.parse.decode import decode_bytes
from pmkit.parse.identity import is_unfilled
from pmkit.parse.incidents import read_incident, split_incidents

MAX_PARSE_CHARS = 2 * 1024 * 1024
"""Text beyond this (cut at a line end) is kept in ``raw_text`` but not parsed: postmortems are
kilobytes, and a 20 MB log dump saved as ``.md`` would otherwise take a minute and ~1 GB."""


def parse_text(text: str, path: str = "<text>", config: Config | None = None) -> ParsedDocument:
    """Parse decoded Markdown. ``path`` is used for ids and messages only."""
    config = config or load_config()
    doc = ParsedDocument(path=path, template="freeform", raw_text=text)
    if not text.strip():
        doc.template = "empty"
        doc.issues.append(ParseIssue("document", "warning", "empty file", 1))
        return doc
    if len(text) > MAX_PARSE_CHARS:
        cut = text.rfind("\n", 0, MAX_PARSE_CHARS) + 1 or MAX_PARSE_CHARS
        line = text.count("\n", 0, cut) + 1
        message = f"file too long: parsing stopped at line {line}, the rest is kept as raw text"
        doc.issues.append(ParseIssue("document", "warning", message, line))
        text = text[:cut]
    try:
        b = Document(text, path, config)
        doc.template = b.shape
        if b.shape == "process":
            doc.is_process_doc = True
            doc.issues.append(
                ParseIssue("document", "info", "process document, not a postmortem", 1)
            )
            return doc
        pm = read_incident(b)
        if is_unfilled(b):
            doc.is_unfilled_template = True
            doc.issues.append(
                ParseIssue("document", "info", "unfilled template: kept out of metrics", 1)
            )
        doc.incidents = split_incidents(b, pm)
        for issue in b.issues:
            issue.incident_id = issue.incident_id or pm.incident_id
        doc.issues.extend(b.issues)
    except Exception as exc:  # a parser bug must never stop an ingest: record it, keep the text
        doc.issues.append(
            ParseIssue("document", "error", f"parser failed: {type(exc).__name__}: {exc}", None)
        )
    return doc


def parse_file(
    path: Path, root: Path | None = None, config: Config | None = None
) -> ParsedDocument:
    """Read, decode and parse one file; ``root`` makes the stored path relative."""
    rel = path.relative_to(root).as_posix() if root is not None else path.as_posix()
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # reading a named pipe would block forever
            raise OSError(errno.EINVAL, "not a regular file (pipe, socket or device)")
        data = path.read_bytes()
    except OSError as exc:
        doc = ParsedDocument(path=rel, template="unreadable", raw_text="")
        doc.issues.append(
            ParseIssue("document", "error", f"cannot read file: {exc.strerror or exc}", None)
        )
        return doc
    return parse_bytes(data, rel, config)


def parse_bytes(data: bytes, path: str, config: Config | None = None) -> ParsedDocument:
    decoded = decode_bytes(data)
    if decoded.is_binary:
        doc = ParsedDocument(path=path, template="binary", raw_text=decoded.text)
        doc.issues.append(
            ParseIssue("document", "error", "binary file, not Markdown: not parsed", None)
        )
        return doc
    doc = parse_text(decoded.text, path, config)
    for fix in decoded.fixes:
        doc.issues.append(ParseIssue("encoding", "info", fix, None))
    return doc
