"""The exploration notebook's data: one filter state in, the frames every chart and table needs out.

The queries are the report metrics (``pmkit.metrics``), run unchanged over the views of
:class:`pmkit.explore.db.ExploreDB` (which add the action-status filter and the linked views'
narrowing); a chart narrowed by the other charts' selections is recomputed the same way
(:func:`restricted_view`), and what a chart lacks is said in words (:func:`coverage_notes`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.config import DRAFT_TARGET_HOURS
from pmkit.explore.db import ExploreDB, ExploreError, Key
from pmkit.metrics.frames import as_people
from pmkit.normalize.owners import People
from pmkit.present.format import coverage_text


@dataclass(frozen=True)
class ExploreState:
    """The one filter state. Empty tuples mean "no filter"; ``start=None`` means all history."""

    end: date
    start: date | None = None
    severity_levels: tuple[int, ...] = ()
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    action_statuses: tuple[str, ...] = ()

    def to_filters(self, people: People | None = None) -> metrics.Filters:
        """The metric filters (all but action status, which the views apply); ``people``
        merges the names one person is written as (``[people]``)."""
        if self.start is not None and self.start > self.end:
            raise ExploreError(
                f"the start date {self.start.isoformat()} is after the end date "
                f"{self.end.isoformat()}"
            )
        lookback = None if self.start is None else (self.end - self.start).days
        return metrics.Filters(
            as_of=self.end,
            lookback_days=lookback,
            severity_levels=self.severity_levels,
            services=self.services,
            teams=self.teams,
            templates=self.templates,
            people=people or People(),
        )

    @property
    def period(self) -> str:
        """Weeks for a window up to ~4 months, months beyond (bars stay readable)."""
        if self.start is not None and self.end - self.start <= timedelta(days=120):
            return "week"
        return "month"


@dataclass
class ExploreData:
    """Everything shown for one state. Frames keep ``root``, ``path`` and ``incident_id`` where
    they have incidents, so a chart selection can be turned into the incidents behind it."""

    state: ExploreState
    filters: metrics.Filters
    incidents: pd.DataFrame
    severity: pd.DataFrame
    drafts: pd.DataFrame
    factors: pd.DataFrame
    factor_incidents: pd.DataFrame
    overdue: pd.DataFrame
    overdue_by_owner: pd.DataFrame
    coverage: dict[str, int] = field(default_factory=dict)
    """``metrics.coverage`` and ``metrics.action_summary`` (one row each) as one dict: how
    many incidents (actions) have each value a chart needs."""
    target_hours: float = DRAFT_TARGET_HOURS


# The primary category of each factor (contributing_factors.category), as factor_frequency
# counts them: a click on a bar must select the incidents the bar counts.
_FACTOR_INCIDENTS_SQL = """
SELECT DISTINCT root, path, incident_id, COALESCE(category, 'unclassified') AS category
FROM contributing_factors
"""

_OPEN_ACTIONS_SQL = """
SELECT root, path, incident_id, count(*) FILTER (WHERE status <> 'done') AS n_open
FROM action_items
GROUP BY root, path, incident_id
"""

PARTS: dict[str, tuple[str, ...]] = {
    "severity": ("severity",),
    "drafts": ("drafts",),
    "factors": ("factors",),
    "overdue": ("overdue_by_owner",),
}
"""What each chart draws: the ``ExploreData`` frames :func:`restricted_view` recomputes."""


def _keys_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["root", "path", "incident_id"]].drop_duplicates()


def load(db: ExploreDB, state: ExploreState) -> ExploreData:
    """Run every query for ``state``: the metric functions plus the incident list."""
    f = state.to_filters(People.from_config(db.config))
    target = db.config.draft_target_hours
    db.set_action_statuses(state.action_statuses)
    con = db.con
    incidents = metrics.incident_list(con, f)
    opened = con.execute(_OPEN_ACTIONS_SQL).df()
    incidents = incidents.merge(opened, how="left", on=["root", "path", "incident_id"])
    incidents["n_open"] = incidents["n_open"].fillna(0).astype("int64")
    factor_incidents = con.execute(_FACTOR_INCIDENTS_SQL).df().merge(_keys_frame(incidents))
    overdue = metrics.overdue_actions(con, f)
    return ExploreData(
        coverage=_coverage(con, f),
        state=state,
        filters=f,
        incidents=incidents,
        severity=metrics.severity_by_period(con, f, state.period),
        drafts=metrics.time_to_draft(con, f, target),
        factors=metrics.factor_frequency(con, f),
        factor_incidents=factor_incidents,
        overdue=overdue,
        overdue_by_owner=metrics.overdue_grouped(overdue, "owner"),
        target_hours=target,
    )


def restricted_view(
    db: ExploreDB, data: ExploreData, part: str, keys: Collection[Key]
) -> ExploreData:
    """``data`` with the frames of chart ``part`` (a key of :data:`PARTS`) recomputed on the
    incidents in ``keys`` only: what a chart shows when the other charts' selections narrow it.
    The same metric functions, so a narrowed chart counts what the table lists."""
    f, con = data.filters, db.con
    db.set_action_statuses(data.state.action_statuses)
    if part not in PARTS:
        raise ValueError(f"unknown chart data {part!r}")
    with db.restricted(keys):
        view = replace(data, coverage=_coverage(con, f))
        if part == "severity":
            view.severity = metrics.severity_by_period(con, f, data.state.period)
        elif part == "drafts":
            view.drafts = metrics.time_to_draft(con, f, data.target_hours)
        elif part == "factors":
            view.factors = metrics.factor_frequency(con, f)
        else:
            view.overdue_by_owner = metrics.overdue_by_owner(con, f)
    return view


_LISTED_ACTIONS_SQL = """
SELECT a.*
FROM action_backlog(as_of := $as_of) AS a
JOIN explore_listed AS k ON k.root = a.root AND k.path = a.path AND k.incident_id = a.incident_id
ORDER BY k.ord, a.line NULLS LAST, a.action_id
"""


def listed_actions(db: ExploreDB, data: ExploreData, incidents: pd.DataFrame) -> pd.DataFrame:
    """The action items of ``incidents`` (the table's rows), in the table's order and then as
    written, with the action-status filter applied and overdue as of the window's end: what the
    action export holds. ``owner`` is the person ``[people]`` names (``owner_written`` as written).
    """
    db.set_action_statuses(data.state.action_statuses)
    keys = incidents[["root", "path", "incident_id"]].reset_index(drop=True)
    keys = keys.assign(ord=range(len(keys)))
    db.con.register("explore_listed", keys)
    try:
        found = db.con.execute(_LISTED_ACTIONS_SQL, {"as_of": data.filters.as_of}).df()
    finally:
        db.con.unregister("explore_listed")
    return as_people(found, data.filters)


def _coverage(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> dict[str, int]:
    row = metrics.coverage(con, f).iloc[0].to_dict()
    row.update(metrics.action_summary(con, f).iloc[0].to_dict())
    return {str(k): int(v) for k, v in row.items() if v is not None and not pd.isna(v)}


def _known(known: int, total: int, what: str, of: str = "incidents") -> str:
    """A coverage line when some lack the value; empty when all have it."""
    return "" if known >= total else coverage_text(known, total, what, of)


def coverage_notes(data: ExploreData) -> dict[str, str]:
    """Per chart data (:data:`PARTS`), what the chart lacks, in words ("" when nothing):
    missing data is said, never drawn as zero."""
    c = data.coverage
    n = c.get("n_incidents", 0)
    severity = _known(c.get("n_severity", 0), n, "severity")
    undated = c.get("n_undated", 0)
    if undated:
        severity = "; ".join(
            filter(None, [severity, f"{undated:,} without a date (in no window): not shown"])
        )
    return {
        "severity": severity,
        "drafts": _known(c.get("n_draft_and_resolved", 0), n, "resolution and draft time"),
        "factors": _known(c.get("n_with_factors", 0), n, "contributing factors"),
        "overdue": _known(
            c.get("n_open_with_due", 0), c.get("n_open", 0), "due date", "open actions"
        ),
    }
