"""What a report notebook opens with: a read-only connection, the filters, and its header.

Each notebook's ``parameters`` cell feeds :func:`open_report`, so the notebooks share one way of
turning papermill parameters into ``metrics.Filters`` (and stay thin).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pmkit import metrics
from pmkit.present import Html, header

REPO_ROOT = Path(__file__).resolve().parents[2]
"""Where the default ``data/pmkit.duckdb`` lives when pmkit is used from its repository."""


@dataclass
class Report:
    """An open report: query with ``metrics.<fn>(report.con, report.filters)``."""

    con: duckdb.DuckDBPyConnection
    filters: metrics.Filters
    db_path: Path

    @property
    def as_of(self) -> str:
        return self.filters.as_of.isoformat()

    @property
    def lookback_days(self) -> int:
        return int(self.filters.lookback_days or 0)

    def scope(self) -> dict[str, Any]:
        """The active filters, by name (empty ones included)."""
        f = self.filters
        return {
            "severity_levels": f.severity_levels,
            "services": f.services,
            "teams": f.teams,
            "templates": f.templates,
        }

    def header(self, title: str) -> Html:
        """Report title plus the line saying which window and filters it covers."""
        return header(title, self.as_of, self.lookback_days, self.scope())


def open_report(
    db_path: str | Path,
    as_of: str,
    lookback_days: int,
    severity_levels: Sequence[int] = (),
    services: Sequence[str] = (),
    teams: Sequence[str] = (),
    templates: Sequence[str] = (),
) -> Report:
    """Open ``db_path`` read-only and build the filters from the notebook parameters.

    A plain read-only DuckDB connection: the store swaps in a new file atomically on ingest, so a
    reader keeps a complete snapshot, and a report kernel need not import the parser.
    """
    path = Path(db_path)
    if not path.is_absolute() and not path.is_file() and (REPO_ROOT / path).is_file():
        path = REPO_ROOT / path  # opened interactively: the kernel runs in notebooks/reports/
    if not path.is_file():
        raise FileNotFoundError(f"database {path} does not exist (run `pmkit ingest` first)")
    filters = metrics.Filters(
        as_of=as_of,  # type: ignore[arg-type]  (Filters accepts ISO text from papermill)
        lookback_days=int(lookback_days),
        severity_levels=tuple(int(v) for v in severity_levels),
        services=tuple(services),
        teams=tuple(teams),
        templates=tuple(templates),
    )
    return Report(duckdb.connect(str(path), read_only=True), filters, path)
