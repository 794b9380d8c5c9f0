"""Parsed files as table rows: one column list, the schema's.

Each table's columns and types come from ``pmkit/sql/schema.sql`` itself (:func:`table_columns`).
A column is filled from the model object of its row (``pmkit.model``: a ``Postmortem`` for
``incidents``, a ``TimelineEvent`` for ``timeline_events``...) by the attribute of the same name,
unless the store supplies it (the keys ``root``, ``path`` and the file's own facts) or it is
derived after the rows are written (categories, by ``pmkit.store.classify``). A column the
schema gains is then written as soon as the model has an attribute of that name; the tests check
that every column is accounted for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmkit.corpus import CorpusProblem, SourceFile
from pmkit.model import (
    ActionItem,
    ContributingFactor,
    ParsedDocument,
    ParseIssue,
    Postmortem,
    TimelineEvent,
)
from pmkit.store.db import schema_columns


@dataclass(frozen=True)
class TableRows:
    """How one table's rows are made: the model class whose attributes fill its columns, the
    columns the store supplies, and the columns written later (never at ingest)."""

    table: str
    model: type
    supplied: tuple[str, ...]
    derived: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns an ingest writes, in schema order."""
        return tuple(c for c, _ in schema_columns()[self.table] if c not in self.derived)

    @property
    def from_model(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.supplied)


TABLES: tuple[TableRows, ...] = (
    TableRows(
        "documents",
        ParsedDocument,
        ("root", "sha256", "size_bytes", "mtime_ns", "ingested_at"),
    ),
    TableRows("incidents", Postmortem, ("root", "path"), ("trigger_category",)),
    TableRows("timeline_events", TimelineEvent, ("root", "path", "incident_id")),
    TableRows("action_items", ActionItem, ("root", "path", "incident_id")),
    TableRows(
        "contributing_factors", ContributingFactor, ("root", "path", "incident_id"), ("category",)
    ),
    TableRows("parse_issues", ParseIssue, ("root", "path")),
)
"""The tables an ingest writes, one row source each (every row belongs to a file)."""
TABLE_NAMES: tuple[str, ...] = tuple(t.table for t in TABLES)


def unaccounted() -> list[str]:
    """``table.column`` of every ingest column that is neither supplied nor a model attribute
    (the tests keep this empty)."""
    missing = []
    for t in TABLES:
        names = {f.name for f in fields(t.model)}
        missing += [f"{t.table}.{c}" for c in t.from_model if c not in names]
    return missing


class _Table:
    """Rows of one table being collected: the supplied values, then the model's (the frame's
    columns in that order; ``insert`` names them)."""

    def __init__(self, spec: TableRows) -> None:
        self.spec = spec
        self.get = _attrgetter_tuple(spec.from_model)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, supplied: tuple[Any, ...], obj: Any) -> None:
        self.rows.append(supplied + self.get(obj))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=[*self.spec.supplied, *self.spec.from_model])


@dataclass(frozen=True)
class FileRows:
    """One parsed file and the facts about it the store supplies."""

    src: SourceFile
    doc: ParsedDocument
    sha256: str
    size: int
    mtime: int | None


def frames(
    files: Iterable[FileRows],
    now: datetime,
    git: dict[Path, dict[str, datetime]],
    problems: Iterable[CorpusProblem] = (),
) -> dict[str, pd.DataFrame]:
    """Every ingest table's new rows for ``files`` (and the folders that could not be listed).

    An incident with no draft time gets the file's first git commit (``git``: root -> path ->
    time), as ``drafted_source`` says."""
    tables = {t.table: _Table(t) for t in TABLES}
    documents, incidents = tables["documents"], tables["incidents"]
    events, actions = tables["timeline_events"], tables["action_items"]
    factors, issues = tables["contributing_factors"], tables["parse_issues"]
    for f in files:
        root, doc = str(f.src.root), f.doc
        documents.add((root, f.sha256, f.size, f.mtime, now), doc)
        git_dates = git.get(f.src.root, {})
        for pm in doc.incidents:
            if pm.drafted_at is None and doc.path in git_dates:
                pm.drafted_at, pm.drafted_source = git_dates[doc.path], "git"
            key = (root, doc.path, pm.incident_id)
            incidents.add(key[:2], pm)
            for event in pm.timeline:
                events.add(key, event)
            for action in pm.actions:
                actions.add(key, action)
            for factor in pm.factors:
                factors.add(key, factor)
        for issue in doc.issues:
            issues.add((root, doc.path), issue)
    for p in problems:
        issues.add((str(p.root), p.rel), ParseIssue("folder", "error", p.message))
    return {name: table.frame() for name, table in tables.items()}


def _attrgetter_tuple(names: Sequence[str]) -> Any:
    """``attrgetter`` that returns a tuple even for one name."""
    get = attrgetter(*names)
    return (lambda obj: (get(obj),)) if len(names) == 1 else get


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``table``, each column cast to the type the schema declares."""
    if frame.empty:
        return
    types = dict(schema_columns()[table])
    exprs = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in frame.columns)
    view = f"_pmkit_new_{table}"
    con.register(view, frame)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    # identifiers come from the schema, never from input
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {view}")  # noqa: S608
    con.unregister(view)
