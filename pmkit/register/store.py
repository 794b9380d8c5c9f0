"""The register in DuckDB: read the exports before the ingest, write them inside it.

The one module of ``pmkit.register`` that knows DuckDB. The ingest (``pmkit.store``) calls
:func:`load` before it takes its lock (reading files needs no database) and :func:`apply` on
its private copy of the database, inside its transaction, just before the copy is renamed over
the original: register rows and matches change in the same atomic step as the postmortems, so
a report never sees one without the other. Matches are recomputed on every write, since a new
or changed postmortem can match an old register incident. All SQL is parameterized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pmkit.config import Config, RegisterSource
from pmkit.register.match import PostmortemRef, match
from pmkit.register.model import RegisterIncident, RegisterIssue
from pmkit.register.read import RegisterError, read_register

__all__ = ["RegisterBatch", "RegisterError", "apply", "load", "stored_incidents"]


@dataclass
class RegisterBatch:
    """The exports of one ingest, read: replaces the stored rows of the same files."""

    sources: list[str] = field(default_factory=list)
    incidents: list[RegisterIncident] = field(default_factory=list)
    issues: list[RegisterIssue] = field(default_factory=list)
    matched: int = 0
    ambiguous: int = 0
    unmatched: int = 0

    def render(self) -> str:
        """The summary line of ``pmkit ingest`` (empty when no register was given)."""
        if not self.sources:
            return ""
        errors = sum(i.level == "error" for i in self.issues)
        warnings = sum(i.level == "warning" for i in self.issues)
        lines = [
            f"register: {len(self.incidents)} incidents from {len(self.sources)} file(s); "
            f"{self.matched} matched to a postmortem, {self.ambiguous} ambiguous, "
            f"{self.unmatched} without one; {errors} errors, {warnings} warnings"
        ]
        lines.extend(f"  {i.render()}" for i in self.issues if i.level != "info")
        return "\n".join(lines)


def load(sources: Sequence[RegisterSource], config: Config) -> RegisterBatch:
    """Read every export (raises RegisterError naming the file when one cannot be read). A file
    given twice (in ``[register]`` and on the command line) is read once, as given last."""
    last = {str(Path(src.path).resolve()): src for src in sources}
    batch = RegisterBatch()
    for name, src in last.items():
        incidents, issues = read_register(src.path, src.format, config, src.timezone, name)
        batch.sources.append(name)
        batch.incidents.extend(incidents)
        batch.issues.extend(issues)
    return batch


_COLUMNS = (
    "source",
    "line",
    "format",
    "key",
    "title",
    "url",
    "other_ids",
    "severity_label",
    "severity_scheme",
    "severity_level",
    "status",
    "started_at",
    "resolved_at",
    "duration_minutes",
    "services",
    "team",
    "owner",
    "customer_impact",
    "flags",
)
_CASTS = {
    "line": "INTEGER",
    "other_ids": "VARCHAR[]",
    "severity_level": "INTEGER",
    "started_at": "TIMESTAMP",
    "resolved_at": "TIMESTAMP",
    "duration_minutes": "DOUBLE",
    "services": "VARCHAR[]",
    "customer_impact": "BOOLEAN",
    "flags": "VARCHAR[]",
}


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    view = f"_pmkit_new_{table}"
    con.register(view, frame)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    exprs = ", ".join(
        f'CAST("{c}" AS {_CASTS[c]}) AS "{c}"' if c in _CASTS else f'"{c}"' for c in frame.columns
    )
    # table and column names come from the fixed lists of this module, never from input
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {view}")  # noqa: S608
    con.unregister(view)


def _incident_rows(incidents: Sequence[RegisterIncident]) -> pd.DataFrame:
    rows = [
        (
            i.source,
            i.line,
            i.format,
            i.key,
            i.title,
            i.url,
            list(i.other_ids),
            i.severity_label,
            i.severity_scheme,
            i.severity_level,
            i.status,
            i.started_at,
            i.resolved_at,
            i.duration_minutes,
            list(i.services),
            i.team,
            i.owner,
            i.customer_impact,
            None if i.flags is None else list(i.flags),
        )
        for i in incidents
    ]
    return pd.DataFrame(rows, columns=list(_COLUMNS), dtype=object)


def stored_incidents(con: duckdb.DuckDBPyConnection) -> list[RegisterIncident]:
    """Every register incident in the database, in file order."""
    cols = ", ".join(f'"{c}"' for c in _COLUMNS if c != "duration_minutes")
    rows = con.execute(
        f"SELECT {cols} FROM register_incidents ORDER BY source, line"  # noqa: S608
    ).fetchall()
    out = []
    for r in rows:
        values = dict(zip([c for c in _COLUMNS if c != "duration_minutes"], r, strict=True))
        values["other_ids"] = tuple(values["other_ids"] or ())
        values["services"] = list(values["services"] or [])
        values["flags"] = None if values["flags"] is None else tuple(values["flags"])
        out.append(RegisterIncident(**values))
    return out


_POSTMORTEMS_SQL = """
SELECT i.path, i.incident_id, i.started_at, i.resolved_at, i.incident_date, i.services,
       d.raw_text, i.root
FROM incidents AS i
JOIN documents AS d ON d.root = i.root AND d.path = i.path
WHERE NOT (d.is_unfilled_template OR d.is_process_doc)
ORDER BY i.path, i.root, i.incident_id
"""


def _postmortems(con: duckdb.DuckDBPyConnection) -> list[PostmortemRef]:
    return [
        PostmortemRef(path, iid, started, resolved, day, tuple(services or ()), text or "", root)
        for path, iid, started, resolved, day, services, text, root in con.execute(
            _POSTMORTEMS_SQL
        ).fetchall()
    ]


def apply(con: duckdb.DuckDBPyConnection, batch: RegisterBatch | None = None) -> RegisterBatch:
    """Replace the rows of ``batch``'s files (if any) and recompute every match. Runs inside
    the ingest's transaction on its private copy. Returns the batch with its match counts."""
    batch = batch or RegisterBatch()
    if batch.sources:
        con.register("_pmkit_register_sources", pd.DataFrame({"source": batch.sources}))
        con.execute(
            "DELETE FROM register_incidents WHERE source IN (SELECT source FROM _pmkit_register_sources)"
        )
        con.execute(
            "DELETE FROM parse_issues WHERE field = 'register' "
            "AND path IN (SELECT source FROM _pmkit_register_sources)"
        )
        con.unregister("_pmkit_register_sources")
        _insert(con, "register_incidents", _incident_rows(batch.incidents))
        issues = pd.DataFrame(
            [("", i.source, None, "register", i.level, i.message, i.line) for i in batch.issues],
            columns=["root", "path", "incident_id", "field", "level", "message", "line"],
            dtype=object,
        )
        if not issues.empty:
            con.register("_pmkit_register_issues", issues)
            con.execute(
                "INSERT INTO parse_issues SELECT root, path, incident_id, field, level, message, "
                "CAST(line AS INTEGER) FROM _pmkit_register_issues"
            )
            con.unregister("_pmkit_register_issues")
    con.execute("DELETE FROM register_matches")
    register = stored_incidents(con)
    if not register:
        return batch
    matches = match(register, _postmortems(con))
    frame = pd.DataFrame(
        [
            (m.source, m.key, m.status, m.method, m.reason, m.root, m.path, m.incident_id)
            for m in matches
        ],
        columns=["source", "key", "status", "method", "reason", "root", "path", "incident_id"],
        dtype=object,
    )
    _insert(con, "register_matches", frame)
    per = {}
    for m in matches:
        per[(m.source, m.key)] = m.status
    batch.matched = sum(s == "matched" for s in per.values())
    batch.ambiguous = sum(s == "ambiguous" for s in per.values())
    batch.unmatched = sum(s == "none" for s in per.values())
    return batch
