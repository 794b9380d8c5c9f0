"""One incident as the explorer's detail pane shows it: its fields, timeline, factors and
actions, its source file and text.

Why a module of its own: the detail reads one incident from the database file itself (all its
actions, whatever the explorer's filters), not the filtered views the charts and the table read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pmkit.explore.db import ExploreDB
from pmkit.normalize.owners import People


@dataclass
class IncidentDetail:
    """One incident as the detail pane shows it (all its actions, whatever the status filter)."""

    incident: dict[str, Any]
    source: str
    timeline: pd.DataFrame
    factors: pd.DataFrame
    actions: pd.DataFrame
    raw_text: str | None = None
    """The file as read at ingest (None when the database has no document for it)."""
    as_of: date | None = None
    """The day "overdue" is judged at (the explorer's end date); None: not judged."""


def incident_detail(
    db: ExploreDB,
    path: str,
    incident_id: str,
    root: str | None = None,
    as_of: date | None = None,
) -> IncidentDetail | None:
    """The incident's fields, timeline, factors and actions, its source file path and text.
    ``root`` tells apart two corpus folders holding the same ``path`` (None: the first)."""
    con = db.con
    found = con.execute(
        """
        SELECT i.root FROM src.incidents AS i
        WHERE i.path = $path AND i.incident_id = $incident_id
          AND ($root IS NULL OR i.root = $root)
        ORDER BY i.root LIMIT 1
        """,
        {"path": path, "incident_id": incident_id, "root": root},
    ).fetchall()
    if not found:
        return None
    key = {"root": found[0][0], "path": path, "incident_id": incident_id}
    rows = con.execute(
        """
        SELECT i.*, d.template, d.raw_text
        FROM src.incidents AS i
        LEFT JOIN src.documents AS d ON d.root = i.root AND d.path = i.path
        WHERE i.root = $root AND i.path = $path AND i.incident_id = $incident_id
        LIMIT 1
        """,
        key,
    ).df()
    incident = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    raw_text = incident.pop("raw_text", None)
    root_dir = incident.get("root")
    source = str(Path(root_dir) / path) if isinstance(root_dir, str) and root_dir else path
    where = "WHERE root = $root AND path = $path AND incident_id = $incident_id"
    timeline = con.execute(
        "SELECT seq, occurred_at, occurred_on, time_text, event, actor, line "  # noqa: S608
        f"FROM src.timeline_events {where} ORDER BY seq",
        key,
    ).df()
    factors = con.execute(
        """
        SELECT cf.seq, cf.text,
               COALESCE(string_agg(DISTINCT fc.category, ', ' ORDER BY fc.category),
                        any_value(cf.category), 'unclassified') AS categories
        FROM src.contributing_factors AS cf
        LEFT JOIN src.factor_categories AS fc
          ON fc.root = cf.root AND fc.path = cf.path AND fc.incident_id = cf.incident_id
         AND fc.seq = cf.seq
        WHERE cf.root = $root AND cf.path = $path AND cf.incident_id = $incident_id
        GROUP BY cf.seq, cf.text ORDER BY cf.seq
        """,
        key,
    ).df()
    actions = con.execute(
        "SELECT action_id, text, owner, due_date, status, status_text, priority, kind, "  # noqa: S608
        f"tracking_ref, line FROM src.action_items {where} "
        "ORDER BY line NULLS LAST, action_id",
        key,
    ).df()
    # Who owns an action, as the reports count it: the person [people] names for what was written.
    people = People.from_config(db.config)
    actions["person"] = pd.Series(
        [people.person(o) if isinstance(o, str) else None for o in actions["owner"]],
        index=actions.index,
        dtype=object,
    )
    text = raw_text if isinstance(raw_text, str) else None
    return IncidentDetail(incident, source, timeline, factors, actions, text, as_of)
