"""What a report notebook opens with: a read-only connection, the filters, the settings, a header.

Each notebook's ``parameters`` cell feeds :func:`open_report`, so the notebooks share one way of
turning papermill parameters into ``metrics.Filters`` (and stay thin). The settings the pages
need from ``pmkit.toml`` (``[people]``, ``[links]``, ``[reports]``, ``[targets]``) come with it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.config import Config, load_config
from pmkit.metrics.scope import as_of_date
from pmkit.normalize.owners import People
from pmkit.present.links import Links
from pmkit.present.page import Html, header
from pmkit.present.shared import THREADS_ENV, database_identity, shared_results


@dataclass
class Report:
    """An open report: query with ``metrics.<fn>(report.con, report.filters)``."""

    con: duckdb.DuckDBPyConnection
    filters: metrics.Filters
    db_path: Path
    config: Config

    @property
    def as_of(self) -> str:
        return self.filters.as_of.isoformat()

    @property
    def lookback_days(self) -> int:
        return int(self.filters.lookback_days or 0)

    @property
    def min_n(self) -> int:
        """``[reports] min_n``: below it a share is a count and no change is called real."""
        return self.config.report_min_n

    @property
    def trend_min_n(self) -> int:
        return self.config.trend_min_n

    @property
    def draft_target_hours(self) -> float:
        return float(self.config.draft_target_hours)

    @property
    def review_target_days(self) -> int:
        return int(self.config.review_target_business_days)

    @cached_property
    def links(self) -> Links:
        return Links.from_config(self.config)

    @cached_property
    def period(self) -> str:
        """week, month or quarter: the time axis every trend of this report uses."""
        return metrics.period_for(self.con, self.filters)

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

    def with_links(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` ready to list: ``file_url`` (its postmortem file, from ``root`` and
        ``path``), ``tracking_url`` (its ``tracking_ref`` as a link), ``what`` (an action's
        text without the owner, due date, reference and status its row shows) and
        ``severity`` (``L1``) where it has the columns these need."""
        from pmkit.present.page import action_text, level_label

        out = frame.copy()
        if "text" in out.columns and "action_id" in out.columns:
            owners = out["owner_written"] if "owner_written" in out.columns else out["owner"]
            nones = [None] * len(out)

            def column(name: str) -> list[Any]:  # Python values at once, not a pandas scalar each
                return out[name].tolist() if name in out.columns else nones

            out["what"] = [
                action_text(t, o, d, r, st)
                for t, o, d, r, st in zip(
                    out["text"].tolist(),
                    owners.tolist(),
                    column("due_date"),
                    column("tracking_ref"),
                    column("status_text"),
                    strict=True,
                )
            ]
        if "severity_level" in out.columns:
            out["severity"] = [level_label(v) for v in out["severity_level"].tolist()]
        if "path" in out.columns:
            roots = out["root"].tolist() if "root" in out.columns else [None] * len(out)
            out["file_url"] = [
                self.links.file_url(r, p) for r, p in zip(roots, out["path"].tolist(), strict=True)
            ]
        if "tracking_ref" in out.columns:
            out["tracking_url"] = [self.links.tracking_url(r) for r in out["tracking_ref"].tolist()]
        return out


def open_report(
    db_path: str | Path,
    as_of: str,
    lookback_days: int,
    severity_levels: Sequence[int] = (),
    services: Sequence[str] = (),
    teams: Sequence[str] = (),
    templates: Sequence[str] = (),
    config_path: str | Path | None = None,
) -> Report:
    """Open ``db_path`` read-only and build the filters from the notebook parameters.

    A plain read-only DuckDB connection: the store swaps in a new file atomically on ingest, so a
    reader keeps a complete snapshot, and a report kernel need not import the parser.
    ``config_path`` is the ``pmkit.toml`` to read (``""`` or None: the one
    ``pmkit.config.find_config_file`` finds, else the defaults). A relative ``db_path`` is found
    as ``Config.locate`` finds it.
    """
    config = load_config(Path(config_path) if config_path else None)
    path = config.locate(db_path)  # opened interactively, the kernel runs in its own folder
    if not path.is_file():
        raise FileNotFoundError(f"database {path} does not exist (run `pmkit ingest` first)")
    filters = metrics.Filters(
        as_of=as_of_date(as_of),  # papermill passes ISO text
        lookback_days=int(lookback_days),
        severity_levels=tuple(int(v) for v in severity_levels),
        services=tuple(services),
        teams=tuple(teams),
        templates=tuple(templates),
        people=People.from_config(config),
    )
    identity = database_identity(path)
    con = duckdb.connect(str(path), read_only=True)
    threads = os.environ.get(THREADS_ENV, "")
    if threads.isdigit() and int(threads) > 0:  # under ``pmkit report``: its share of the cores
        con.execute(f"SET threads = {int(threads)}")
    # read-only: a question asked twice is answered once; under ``pmkit report``, once a run
    # (unless an ingest replaced the file while it was being opened)
    shared = shared_results(identity) if database_identity(path) == identity else None
    metrics.remember_results(con, shared)
    return Report(con, filters, path, config)
