"""DuckDB storage: the parsed postmortems written to one database file, all or nothing.

Modules, every arrow pointing down:

- ``db``: the schema (``pmkit/sql/schema.sql``, the contract every reader queries), connections,
  whether a file was written by this version.
- ``atomic``: one writer at a time (a lock file) writing a private copy renamed over the
  database at the end; ingest, ``pmkit classify`` and ``pmkit similar --refresh`` all write so.
- ``rows``: parsed files as table rows, the columns taken from the schema itself.
- ``pool``: parsing in worker processes.
- ``classify``: the taxonomy's categories written to the database (``pmkit.taxonomy`` has the
  rules).
- ``ingest``: the incremental ingest of files and folders (found by ``pmkit.corpus``);
  ``summary`` is what it did.
- ``similar``: ``pmkit similar --refresh``.

Knows nothing of metrics, charts or notebooks. Readers open the file read-only (``connect``) and
keep the snapshot they opened while a writer works on its copy.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmkit.store.atomic import ingest_lock, lock_wait_seconds, private_copy
    from pmkit.store.classify import ReclassifySummary, classify_database, reclassify
    from pmkit.store.db import (
        DatabaseNotWritable,
        IngestError,
        connect,
        db_is_current,
        schema_sql,
    )
    from pmkit.store.ingest import MAX_FILE_BYTES, ingest_paths
    from pmkit.store.summary import IngestSummary

_HOME = {
    "ingest_lock": "atomic",
    "lock_wait_seconds": "atomic",
    "private_copy": "atomic",
    "ReclassifySummary": "classify",
    "classify_database": "classify",
    "reclassify": "classify",
    "DatabaseNotWritable": "db",
    "IngestError": "db",
    "connect": "db",
    "db_is_current": "db",
    "schema_sql": "db",
    "MAX_FILE_BYTES": "ingest",
    "ingest_paths": "ingest",
    "IngestSummary": "summary",
}
"""Where each name lives: loaded on first use (PEP 562), so a reader of the database (the report
kernels' warm parent, through ``pmkit.store.views``) does not load the ingest, its worker pool
and the parser (~0.13 s)."""


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"pmkit.store.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "MAX_FILE_BYTES",
    "DatabaseNotWritable",
    "IngestError",
    "IngestSummary",
    "ReclassifySummary",
    "classify_database",
    "connect",
    "db_is_current",
    "ingest_lock",
    "ingest_paths",
    "lock_wait_seconds",
    "private_copy",
    "reclassify",
    "schema_sql",
]
