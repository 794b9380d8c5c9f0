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
