"""Read an incident export (CSV or JSON) into :class:`RegisterIncident` records.

One bad row never stops the file: it becomes a :class:`RegisterIssue` naming the file and line,
and the other rows are read. Dates go through the postmortems' own time normalizer (zones as
written, else the source's ``timezone``, else UTC, said once per file); severity labels through
the postmortems' severity normalizer with the configuration's ``[severity.levels]``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pmkit.config import Config, RegisterSource
from pmkit.normalize.severity import parse_severity
from pmkit.normalize.times import parse_datetime, resolve_zone
from pmkit.register.formats import (
    FORMAT_NAMES,
    LIST_FIELDS,
    Format,
    FormatError,
    by_name,
    detect,
    squash,
)
from pmkit.register.model import RegisterIncident, RegisterIssue

Row = list[tuple[str, str]]
"""(squashed column name, cell text) in file order; a column may repeat."""

_SPLIT = re.compile(r"\s*[,;]\s*")
_NO = frozenset({"no", "false", "0", "n", "none", "noimpact", "trivial", "minimal", "-"})
_YES_NO_EMPTY = frozenset({"", "n/a", "na", "unknown", "tbd"})


class RegisterError(ValueError):
    """A file that cannot be read as a register at all (unreadable, unknown columns)."""


def _decode(data: bytes, source: str, issues: list[RegisterIssue]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.append(RegisterIssue(source, None, "info", "not UTF-8: read as cp1252"))
        return data.decode("cp1252", errors="replace")


def _plain(value: Any) -> str:
    """A JSON value as cell text: an object by its name (PagerDuty's ``service.summary``), a
    list as its items joined by commas."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("summary", "name", "label", "value"):
            if isinstance(value.get(key), str | int | float):
                return str(value[key])
        return ""
    if isinstance(value, list):
        return ", ".join(t for t in (_plain(v) for v in value) if t)
    return str(value)


def _csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        return [], iter(())
    names = [squash(h) for h in headers]

    def rows() -> Iterator[tuple[int, Row]]:
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                yield line, list(zip(names, record, strict=False))
            line = reader.line_num + 1

    return headers, rows()


def _json_rows(text: str) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    data = json.loads(text)
    if isinstance(data, dict):
        for key in ("incidents", "data", "issues", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise RegisterError('a JSON register is a list of objects (or {"incidents": [...]})')
    headers: list[str] = []
    for item in data:
        headers.extend(k for k in item if k not in headers)
    items = [[(squash(k), _plain(v)) for k, v in item.items()] for item in data]
    return headers, iter(enumerate(items, start=1))


def _values(row: Row, fmt: Format, name: str) -> list[str]:
    """Cells of the first candidate column with a value in this row (every cell of it, and of
    its repeats, for list fields)."""
    present = {k for k, _ in row}
    for column in fmt.candidates(name):
        if column in present:
            cells = [v.strip() for k, v in row if k == column]
            values = (
                [p for c in cells for p in _SPLIT.split(c) if p]
                if name in LIST_FIELDS
                else [c for c in cells if c][:1]
            )
            if values:
                return values
    return []


def _has(headers: set[str], fmt: Format, name: str) -> bool:
    return any(c in headers for c in fmt.candidates(name))


def _impact(text: str) -> bool | None:
    value = squash(text) if text else ""
    if value in {squash(v) for v in _YES_NO_EMPTY}:
        return None
    if value in _NO:
        return False
    return True


def _flags(tags: list[str], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """Policy flags named by the tags: a tag whose words include a flag (``systemic-gap``)."""
    found: list[str] = []
    for tag in tags:
        words = set(re.split(r"[^0-9a-z]+", tag.lower()))
        found.extend(f for f in wanted if f in words and f not in found)
    return tuple(found)


def _when(
    row: Row,
    form: Format,
    field: str,
    timezone: str | None,
    where: RegisterIssue,
    issues: list[RegisterIssue],
) -> tuple[datetime | None, bool]:
    """The ``field`` time of ``row`` in UTC and whether its zone was assumed; an unreadable one
    is None and a warning (``where`` gives the file and line)."""
    text = next(iter(_values(row, form, field)), "")
    if not text:
        return None, False
    read = parse_datetime(text, tz_hint=timezone)
    if read is None or not read.has_date:
        where.message = f"{field} time {text!r} unreadable"
        issues.append(where)
        return None, False
    return read.at, read.assumed_utc


def register_source(value: str, timezone: str | None = None) -> RegisterSource:
    """``[FORMAT:]FILE`` (``pmkit ingest --register``) as a source: ``pagerduty:export.csv``
    names its format; a bare path (or one whose prefix is no format name) is recognised from
    its columns."""
    fmt, _, rest = value.partition(":")
    if rest and fmt in FORMAT_NAMES:
        return RegisterSource(Path(rest), fmt, timezone)
    return RegisterSource(Path(value), None, timezone)


def read_register(
    path: Path | str,
    fmt: str | None = None,
    config: Config | None = None,
    timezone: str | None = None,
    name: str | None = None,
) -> tuple[list[RegisterIncident], list[RegisterIssue]]:
    """Every incident of the export at ``path`` and the problems met; ``fmt`` None recognises
    the format from the columns. ``timezone`` is the zone of dates written without one.
    ``name`` is how the file is named in records and messages (default: the path as given).
    Raises :class:`RegisterError` for a file that cannot be read at all."""
    config = config or Config()
    path = Path(path)
    source = name or str(path)
    issues: list[RegisterIssue] = []
    if timezone is not None and resolve_zone(timezone) is None:
        raise RegisterError(f"{source}: unknown time zone {timezone!r}")
    try:
        text = _decode(path.read_bytes(), source, issues)
    except OSError as exc:
        raise RegisterError(f"{source}: cannot read: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
            headers, rows = _json_rows(text)
        else:
            headers, rows = _csv_rows(text)
    except (json.JSONDecodeError, csv.Error, RegisterError) as exc:
        raise RegisterError(f"{source}: not a CSV or JSON register: {exc}") from exc
    try:
        form = (
            by_name(fmt, config.register_columns)
            if fmt
            else detect(headers, config.register_columns)
        )
    except FormatError as exc:
        raise RegisterError(f"{source}: {exc}") from exc
    if form is None:
        raise RegisterError(
            f"{source}: columns {', '.join(headers[:12]) or '(none)'} are not a PagerDuty, "
            "Opsgenie, incident.io or Jira export; name the format or map the columns in "
            "[register.columns]"
        )
    have = {squash(h) for h in headers}
    if not _has(have, form, "key"):
        raise RegisterError(
            f"{source}: no id column for the {form.name} format "
            f"(looked for {', '.join(form.columns['key'])})"
        )
    out: list[RegisterIncident] = []
    assumed_utc = False
    skipped_types: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        if form.include_types and _has(have, form, "type"):
            kind = next(iter(_values(row, form, "type")), "")
            if squash(kind) not in {squash(t) for t in form.include_types}:
                skipped_types[kind or "(none)"] = skipped_types.get(kind or "(none)", 0) + 1
                continue
        key = next(iter(_values(row, form, "key")), "")
        if not key:
            issues.append(RegisterIssue(source, line, "error", "no incident id: row skipped"))
            continue
        if key in first_line:
            issues.append(
                RegisterIssue(
                    source,
                    line,
                    "warning",
                    f"id {key!r} again (first on line {first_line[key]}): row skipped",
                )
            )
            continue
        first_line[key] = line

        label = next(iter(_values(row, form, "severity")), None)
        severity = parse_severity(label, config) if label else None
        if label and severity is None:
            issues.append(
                RegisterIssue(
                    source,
                    line,
                    "warning",
                    f"severity {label!r} is not a known label (add it to [severity.levels])",
                )
            )
        started, utc_a = _when(
            row, form, "started", timezone, RegisterIssue(source, line, "warning", ""), issues
        )
        resolved, utc_b = _when(
            row, form, "resolved", timezone, RegisterIssue(source, line, "warning", ""), issues
        )
        assumed_utc = assumed_utc or utc_a or utc_b
        if started and resolved and resolved < started:
            issues.append(
                RegisterIssue(source, line, "warning", "resolved before it started: times dropped")
            )
            started = resolved = None
        impact = next(iter(_values(row, form, "customer_impact")), "")
        out.append(
            RegisterIncident(
                source=source,
                line=line,
                format=form.name,
                key=key,
                title=next(iter(_values(row, form, "title")), None),
                url=next(iter(_values(row, form, "url")), None),
                other_ids=tuple(i for i in _values(row, form, "other_ids") if i != key),
                severity_label=severity.label if severity else label,
                severity_scheme=severity.scheme if severity else None,
                severity_level=severity.level if severity else None,
                status=next(iter(_values(row, form, "status")), None),
                started_at=started,
                resolved_at=resolved,
                services=list(dict.fromkeys(_values(row, form, "services"))),
                team=next(iter(_values(row, form, "team")), None),
                owner=next(iter(_values(row, form, "owner")), None),
                customer_impact=_impact(impact) if _has(have, form, "customer_impact") else None,
                flags=_flags(_values(row, form, "tags"), config.policy.flags)
                if _has(have, form, "tags")
                else None,
            )
        )
    if assumed_utc:
        why = f" ({form.zone_note})" if form.zone_note else ""
        issues.append(
            RegisterIssue(
                source,
                None,
                "warning",
                f"dates without a zone read as UTC{why}: set timezone for this source",
            )
        )
    for kind, count in sorted(skipped_types.items()):
        issues.append(
            RegisterIssue(source, None, "info", f"{count} row(s) of type {kind!r} skipped")
        )
    return out, issues
