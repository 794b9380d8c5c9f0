"""The database file: its schema (``pmkit/sql/schema.sql``, the contract every reader queries),
its analysis views (``pmkit/sql/views.sql``, see ``pmkit.store.views``), connections, and
whether a file was written by this version.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import duckdb


class IngestError(RuntimeError):
    """A write that could not run at all (locked database, unwritable folder, no database)."""


class DatabaseNotWritable(IngestError):
    """The database, its lock file or its folder cannot be written (permissions, read-only disk)."""


def schema_sql() -> str:
    return resources.files("pmkit").joinpath("sql/schema.sql").read_text(encoding="utf-8")


def views_sql() -> str:
    """The analysis views: ``CREATE OR REPLACE`` statements over the tables of the schema."""
    return resources.files("pmkit").joinpath("sql/views.sql").read_text(encoding="utf-8")


def connect(db_path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a writable connection also creates any missing table and (re)creates
    the analysis views, so every ingest leaves the file with this version's views."""
    db_path = Path(db_path)
    if read_only:
        if not db_path.exists():
            raise IngestError(f"{db_path}: no database yet (run `pmkit ingest` first)")
        return duckdb.connect(str(db_path), read_only=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    con.execute(schema_sql())
    con.execute(views_sql())
    return con


_COLUMNS_SQL = (
    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
    "WHERE schema_name = 'main' ORDER BY table_name, column_index"
)


@cache
def schema_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """Table -> its (column, type) pairs in the order ``schema.sql`` declares them."""
    con = duckdb.connect()
    try:
        con.execute(schema_sql())
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in con.execute(_COLUMNS_SQL).fetchall():
            tables.setdefault(table, []).append((column, kind))
        return {table: tuple(columns) for table, columns in tables.items()}
    finally:
        con.close()


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database has every column of this version's schema.

    A database written by an older pmkit lacks new columns; it is rebuilt from the files (every
    file parsed again) rather than patched, so no row holds a column its parser never filled."""
    wanted = {(t, c) for t, columns in schema_columns().items() for c, _kind in columns}
    have = {(t, c) for t, c, _kind in con.execute(_COLUMNS_SQL).fetchall()}
    return wanted <= have


def db_is_current(db_path: Path) -> bool:
    """Whether the database file has every column of this version's schema."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return is_current(con)
    finally:
        con.close()


def stored_files(db_path: Path) -> dict[tuple[str, str], tuple[int, int | None, str]]:
    """(root, path) -> (size, mtime_ns, sha256) of every stored document; empty for a database
    of an older schema, which the next write rebuilds."""
    if not db_path.exists():
        return {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if not is_current(con):
            return {}
        rows = con.execute(
            "SELECT root, path, size_bytes, mtime_ns, sha256 FROM documents"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def existing_database(db_path: Path) -> Path:
    """``db_path`` when it is a database of this version; else :class:`IngestError` saying
    what to run first (for the commands that rewrite a database: classify, similar)."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise IngestError(f"{db_path}: no such database (run `pmkit ingest` first)")
    if not db_is_current(db_path):
        raise IngestError(
            f"{db_path}: written by an older pmkit (run `pmkit ingest` to rebuild it first)"
        )
    return db_path
