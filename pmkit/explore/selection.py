"""What a click on a chart means: the incidents behind the selected bars.

A selection is what Vega-Lite reports for a point selection with fields: a list of points, each
a dict of field -> value (``altair.utils.selection.PointSelection.value``). Within one chart the
points add up (shift-click selects more); across charts the selections narrow each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmkit.explore.charts import (
    DRAFT,
    FACTOR,
    NO_OWNER,
    OVERDUE,
    SEVERITY,
    draft_bucket,
    period_label,
)
from pmkit.explore.data import ExploreData
from pmkit.present.charts import level_label

Points = Sequence[Mapping[str, Any]]
Key = tuple[str, str]


def _keys(frame: pd.DataFrame) -> set[Key]:
    return {(str(p), str(i)) for p, i in zip(frame["path"], frame["incident_id"], strict=True)}


def _matches(frame: pd.DataFrame, points: Points, columns: Mapping[str, str]) -> pd.DataFrame:
    """Rows of ``frame`` equal to any point on the point's fields (``columns``: field -> column)."""
    hit = pd.Series(False, index=frame.index)
    for point in points:
        row = pd.Series(True, index=frame.index)
        for name, value in point.items():
            if name in columns:
                row &= frame[columns[name]].astype(str) == str(value)
        hit |= row
    return frame[hit]


def incidents_for(data: ExploreData, chart: str, points: Points) -> set[Key]:
    """The (path, incident_id) of the incidents behind ``points`` of ``chart``."""
    if chart == SEVERITY:
        inc = data.incidents
        frame = pd.DataFrame(
            {
                "path": inc["path"],
                "incident_id": inc["incident_id"],
                "period": [period_label(d, data.state.period) for d in inc["day"]],
                "severity": [level_label(v) for v in inc["severity_level"]],
            }
        )
        return _keys(_matches(frame, points, {"period": "period", "severity": "severity"}))
    if chart == DRAFT:
        drafts = data.drafts.dropna(subset=["hours"])
        frame = drafts.assign(bucket=[draft_bucket(float(h)) for h in drafts["hours"]])
        return _keys(_matches(frame, points, {"bucket": "bucket"}))
    if chart == FACTOR:
        return _keys(_matches(data.factor_incidents, points, {"category": "category"}))
    if chart == OVERDUE:
        overdue = data.overdue
        frame = overdue.assign(
            owner=overdue["owner"].astype(object).where(overdue["owner"].notna(), NO_OWNER)
        )
        return _keys(_matches(frame, points, {"owner": "owner"}))
    raise ValueError(f"unknown chart {chart!r}")


def narrow(data: ExploreData, selections: Mapping[str, Points]) -> pd.DataFrame:
    """The incident table for ``data`` narrowed by every chart with a non-empty selection."""
    table = data.incidents
    for chart, points in selections.items():
        if not points:
            continue
        keys = incidents_for(data, chart, points)
        mask = [
            (str(p), str(i)) in keys
            for p, i in zip(table["path"], table["incident_id"], strict=True)
        ]
        table = table.loc[np.asarray(mask, dtype=bool)]  # a list would pick columns when empty
    return table.reset_index(drop=True)


def describe(selections: Mapping[str, Points]) -> str:
    """A short text of the active selections, e.g. ``factor: capacity; severity: 2026-03 L2``."""
    parts = []
    for chart, points in selections.items():
        if points:
            values = [" ".join(str(v) for v in point.values()) for point in points]
            parts.append(f"{chart}: {', '.join(values)}")
    return "; ".join(parts)
