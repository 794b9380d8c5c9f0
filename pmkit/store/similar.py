"""``pmkit similar --refresh``: the similar incidents (``pmkit.similar.cache``) brought up to date
on demand, also above ``[recurrence] max_incidents`` (which only ingest honours). Written like an
ingest: under its lock, into a private copy renamed over the database, so a report reading
meanwhile never sees half a refresh.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pmkit.config import Config
from pmkit.similar.cache import RefreshSummary, refresh
from pmkit.store.atomic import ingest_lock, lock_wait_seconds, private_copy
from pmkit.store.db import existing_database


def refresh_database(db_path: Path, config: Config, *, full: bool = False) -> RefreshSummary:
    """Refresh the similarity tables of ``db_path`` (``full``: refit the model, score all)."""
    unlimited = replace(config, recurrence=replace(config.recurrence, max_incidents=10**12))
    db_path = existing_database(Path(db_path))
    with ingest_lock(db_path, lock_wait_seconds()), private_copy(db_path) as con:
        return refresh(con, unlimited, full=full)
