"""Field coverage: how much of each incident the parser could read, and where milestones came from.

A report is only as good as the columns under it: a time-to-resolve chart over 5 of 60 incidents
says little about the other 55. ``field_coverage`` counts, for every ``incidents`` column, the
incidents that have a value (a list counts when it is not empty, text when it is not blank), and
for each of the five milestones how many were read from a field, the timeline or the prose.
Unfilled templates and process documents are left out, as the reports leave them out.
Read-only: it never changes the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

MILESTONES = ("started", "detected", "acknowledged", "mitigated", "resolved")
SOURCES = ("field", "timeline", "prose")
_SKIPPED = frozenset({"path", "incident_id", "line"} | {f"{m}_source" for m in MILESTONES})
"""Columns every row has (keys) or that the milestone table shows."""

_KEPT = """i.path NOT IN (
    SELECT path FROM documents WHERE is_unfilled_template OR is_process_doc
)"""
_COUNTED = f"FROM incidents i WHERE {_KEPT}"
"""The incidents the reports count: not those of unfilled templates or process documents."""


class CoverageError(RuntimeError):
    """A database that cannot be read (missing, or not a pmkit database)."""


@dataclass(frozen=True)
class ColumnShare:
    column: str
    filled: int


@dataclass(frozen=True)
class MilestoneShare:
    milestone: str
    by_source: dict[str, int]
    """``field``, ``timeline``, ``prose`` -> incidents whose value came from there."""
    missing: int


@dataclass
class Coverage:
    incidents: int
    left_out: int
    """Incidents of unfilled templates and process documents, not counted."""
    columns: list[ColumnShare] = field(default_factory=list)
    milestones: list[MilestoneShare] = field(default_factory=list)
    with_events: int = 0
    """Incidents with at least one timeline event."""
    dated_timeline: int = 0
    """Incidents with at least one timeline event whose time was read (``occurred_at``)."""
    dated_started: int = 0
    dated_resolved: int = 0
    with_actions: int = 0
    with_factors: int = 0

    def render(self) -> str:
        """Markdown tables, readable in a terminal and pasteable into a README."""
        n = self.incidents

        def pct(k: int, of: int | None = None) -> str:
            total = n if of is None else of
            return f"{100 * k / total:.0f}%" if total else "-"

        out = [
            f"incidents: {n}"
            + (
                f" ({self.left_out} of unfilled templates or process documents left out)"
                if self.left_out
                else ""
            ),
            "",
            "| column | filled | share |",
            "| --- | ---: | ---: |",
        ]
        out += [f"| {c.column} | {c.filled} | {pct(c.filled)} |" for c in self.columns]
        out += [
            "",
            "| milestone | field | timeline | prose | none |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for m in self.milestones:
            cells = [f"{m.by_source[s]} ({pct(m.by_source[s])})" for s in SOURCES]
            cells.append(f"{m.missing} ({pct(m.missing)})")
            out.append(f"| {m.milestone}_at | " + " | ".join(cells) + " |")
        d = self.dated_timeline
        out += [
            "",
            "| related rows | incidents | share |",
            "| --- | ---: | ---: |",
            f"| any timeline event | {self.with_events} | {pct(self.with_events)} |",
            f"| a timeline event with a time | {d} | {pct(d)} |",
            f"| ... of those, with started_at | {self.dated_started} | {pct(self.dated_started, d)} |",
            f"| ... of those, with resolved_at | {self.dated_resolved} "
            f"| {pct(self.dated_resolved, d)} |",
            f"| any action item | {self.with_actions} | {pct(self.with_actions)} |",
            f"| any contributing factor | {self.with_factors} | {pct(self.with_factors)} |",
        ]
        return "\n".join(out)


def _filled_expr(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if data_type.endswith("[]"):
        return f"count(*) FILTER (WHERE len(coalesce(i.{quoted}, [])) > 0)"
    if column == "trigger_category":
        # every row has one; 'unknown' is what no taxonomy rule matching is called
        return f"count(*) FILTER (WHERE coalesce(i.{quoted}, 'unknown') <> 'unknown')"
    if data_type == "VARCHAR":
        return f"count(*) FILTER (WHERE trim(coalesce(i.{quoted}, '')) <> '')"
    return f"count(i.{quoted})"


def field_coverage(db_path: Path | str) -> Coverage:
    """The coverage of the incidents in the database at ``db_path`` (opened read-only)."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise CoverageError(f"{db_path}: no database (run `pmkit ingest` first)")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise CoverageError(f"{db_path}: cannot open: {exc}") from exc
    try:
        return _coverage(con)
    except duckdb.CatalogException as exc:
        raise CoverageError(f"{db_path}: not a pmkit database: {exc}") from exc
    finally:
        con.close()


def _coverage(con: duckdb.DuckDBPyConnection) -> Coverage:
    columns = [
        (name, dtype)
        for name, dtype in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = 'incidents' AND schema_name = 'main' ORDER BY column_index"
        ).fetchall()
        if name not in _SKIPPED
    ]
    if not columns:
        raise duckdb.CatalogException("no incidents table")
    total = con.execute("SELECT count(*) FROM incidents").fetchone()[0]  # type: ignore[index]
    exprs = [_filled_expr(name, dtype) for name, dtype in columns]
    row = con.execute(f"SELECT count(*), {', '.join(exprs)} {_COUNTED}").fetchone()  # noqa: S608
    assert row is not None
    cov = Coverage(incidents=row[0], left_out=total - row[0])
    cov.columns = [ColumnShare(name, k) for (name, _), k in zip(columns, row[1:], strict=True)]
    for m in MILESTONES:
        # the source column is read only where the value is there: a value without a source
        # (an older database) counts as none of the three
        counts = dict(
            con.execute(
                f"SELECT {m}_source, count(*) {_COUNTED} AND {m}_at IS NOT NULL "  # noqa: S608
                f"GROUP BY 1"
            ).fetchall()
        )
        by_source = {s: int(counts.get(s, 0)) for s in SOURCES}
        cov.milestones.append(MilestoneShare(m, by_source, cov.incidents - sum(by_source.values())))
    related = con.execute(
        f"""
        WITH ev AS (
            SELECT path, incident_id, count(*) AS n, count(occurred_at) AS dated
            FROM timeline_events GROUP BY ALL
        ),
        ac AS (SELECT DISTINCT path, incident_id FROM action_items),
        fa AS (SELECT DISTINCT path, incident_id FROM contributing_factors)
        SELECT
            count(ev.n),
            count(*) FILTER (WHERE ev.dated > 0),
            count(*) FILTER (WHERE ev.dated > 0 AND i.started_at IS NOT NULL),
            count(*) FILTER (WHERE ev.dated > 0 AND i.resolved_at IS NOT NULL),
            count(ac.path),
            count(fa.path)
        FROM incidents i
        LEFT JOIN ev ON ev.path = i.path AND ev.incident_id = i.incident_id
        LEFT JOIN ac ON ac.path = i.path AND ac.incident_id = i.incident_id
        LEFT JOIN fa ON fa.path = i.path AND fa.incident_id = i.incident_id
        WHERE {_KEPT}
        """  # noqa: S608
    ).fetchone()
    assert related is not None
    (
        cov.with_events,
        cov.dated_timeline,
        cov.dated_started,
        cov.dated_resolved,
        cov.with_actions,
        cov.with_factors,
    ) = (int(v) for v in related)
    return cov
