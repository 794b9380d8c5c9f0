"""pmkit: an analytics workbench for blameless incident postmortems."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__version__ = "0.1.0"


def connect(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to a pmkit database with its analysis views
    (``incident_facts(as_of)``, ``action_backlog(as_of)``, ``factor_mentions``): for notebooks,
    ``con = pmkit.connect("data/pmkit.duckdb")``. See ``pmkit.store.views``."""
    from pmkit.store.views import connect as open_with_views  # lazy: pmkit stays import-light

    return open_with_views(db_path)
