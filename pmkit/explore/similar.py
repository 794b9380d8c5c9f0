"""The explorer's "similar incidents" panel: the selected incident's most similar earlier
incidents (``incident_similarity``, written at ingest by ``pmkit.similar``), with the reasons.
Everything from a postmortem is escaped."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import duckdb
import pandas as pd

from pmkit.explore.db import ExploreDB
from pmkit.present.page import Html, table

_SQL = """
SELECT s.rank, s.score, round(s.days_apart) AS days_before, s.similar_root AS root,
       s.similar_path AS path, s.similar_incident_id AS incident_id, i.title,
       COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day, i.severity_label,
       s.shared_services, s.same_trigger, s.shared_factor_categories,
       s.title_score, s.summary_score, s.root_cause_score, s.factors_score, s.window_best
FROM src.incident_similarity AS s
LEFT JOIN src.incidents AS i
    ON i.root = s.similar_root AND i.path = s.similar_path
   AND i.incident_id = s.similar_incident_id
WHERE s.root = $root AND s.path = $path AND s.incident_id = $iid AND s.rank IS NOT NULL
ORDER BY s.rank
"""
_FIELDS = (
    ("title_score", "title"),
    ("summary_score", "summary"),
    ("root_cause_score", "root cause"),
    ("factors_score", "factors"),
)


def similar_incidents(db: ExploreDB, root: str, path: str, incident_id: str) -> pd.DataFrame | None:
    """The incident's (its file: ``root``/``path``) most similar earlier incidents, best first,
    with a ``why`` column; None when the database has no similarity table, or one without
    roots (written by an older pmkit: the next ingest rebuilds it)."""
    try:
        frame = db.con.execute(_SQL, {"root": root, "path": path, "iid": incident_id}).df()
    except (duckdb.CatalogException, duckdb.BinderException):
        return None
    frame["why"] = [_why(row) for row in frame.to_dict("records")]
    frame["score_text"] = [f"{v:.2f}" for v in frame["score"]]
    return frame


def _why(row: Mapping[Hashable, Any]) -> str:
    parts = []
    services = row.get("shared_services")
    if services is not None and len(services):
        parts.append("service " + ", ".join(services))
    trigger = row.get("same_trigger")
    if isinstance(trigger, str) and trigger:
        parts.append(f"trigger {trigger}")
    cats = row.get("shared_factor_categories")
    if cats is not None and len(cats):
        parts.append("factors " + ", ".join(cats))
    texts = [(name, row.get(col)) for col, name in _FIELDS]
    shown = sorted(
        ((n, float(v)) for n, v in texts if v is not None and not pd.isna(v) and float(v) >= 0.1),
        key=lambda t: -t[1],
    )
    parts.extend(f"{n} {v:.2f}" for n, v in shown)
    return "; ".join(parts)


def render(frame: pd.DataFrame | None) -> Html:
    """The panel's HTML."""
    head = "<h3>Similar earlier incidents</h3>"
    if frame is None:
        return Html(
            f'<div class="pmkit-explore">{head}<p class="pmkit-note">Not computed for this '
            "database: run <code>pmkit ingest</code> again.</p></div>"
        )
    body = table(
        frame,
        {
            "rank": "#",
            "score_text": "Score",
            "day": "Date",
            "days_before": "Days before",
            "incident_id": "Incident",
            "title": "Title",
            "severity_label": "Severity",
            "why": "Why",
            "path": "File",
        },
        max_rows=None,
        empty="No earlier incident to compare with (or this one has no date).",
    )
    return Html(f'<div class="pmkit-explore pmkit-x-similar-panel">{head}{body}</div>')


def panel_html(db: ExploreDB, key: tuple[str, str, str] | None) -> str:
    """The panel for the selected incident, (root, path, incident_id) (empty when none is
    selected)."""
    if key is None:
        return ""
    return str(render(similar_incidents(db, *key)))
