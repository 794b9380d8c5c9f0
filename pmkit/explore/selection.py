"""What a selection means: the incidents behind the picked values, and how selections combine.

A selection picks values of one field (``charts.SELECTIONS``): the periods, severity levels,
time-to-draft buckets, factor categories or owners clicked. Its incidents are those with any
of the values (shift-click adds values); selections combine by intersection. A chart is
narrowed by the selections made in the *other* charts (so its own bars stay clickable), the
table by all of them: the usual cross-filtering of linked views.

The points Vega-Lite reports (``{"vlPoint": {"or": [{field: value}, ...]}}``) are turned into
plain value tuples here, so the rest of the explorer never sees the browser's format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmkit.explore.charts import (
    BUCKET,
    CATEGORY,
    LEVEL,
    NO_OWNER,
    OWNER,
    PERIOD,
    SELECTIONS,
    Picked,
    draft_bucket,
    period_label,
    selections_of,
)
from pmkit.explore.data import ExploreData
from pmkit.explore.db import Key
from pmkit.present.format import level_label

LABELS: dict[str, str] = {
    PERIOD: "period",
    LEVEL: "severity",
    BUCKET: "time to draft",
    CATEGORY: "factor",
    OWNER: "owner",
}
"""How a selection is named in chips, chart subtitles and the table's caption."""


def values_from_points(selection: str, points: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The picked values of ``selection`` from Vega-Lite's points (order kept, no repeats)."""
    field = SELECTIONS[selection][1]
    values = [str(p[field]) for p in points if field in p and p[field] is not None]
    return tuple(dict.fromkeys(values))


def _keys(frame: pd.DataFrame) -> set[Key]:
    return {
        (str(r), str(p), str(i))
        for r, p, i in zip(frame["root"], frame["path"], frame["incident_id"], strict=True)
    }


def _having(frame: pd.DataFrame, labels: Sequence[str], values: Sequence[str]) -> set[Key]:
    wanted = set(values)
    return _keys(frame.loc[np.asarray([v in wanted for v in labels], dtype=bool)])


def incidents_for(data: ExploreData, selection: str, values: Sequence[str]) -> set[Key]:
    """The incidents behind ``values`` of ``selection`` (any of them), from the unnarrowed data:
    the period or severity of the incident, the bucket of its time to draft, the primary
    category of one of its factors, the owner of one of its overdue actions."""
    if selection == PERIOD:
        inc = data.incidents
        labels = [period_label(d, data.state.period) for d in inc["day"]]
        return _having(inc, labels, values)
    if selection == LEVEL:
        inc = data.incidents
        return _having(inc, [level_label(v) for v in inc["severity_level"]], values)
    if selection == BUCKET:
        drafts = data.drafts.dropna(subset=["hours"])
        return _having(drafts, [draft_bucket(float(h)) for h in drafts["hours"]], values)
    if selection == CATEGORY:
        factors = data.factor_incidents
        return _having(factors, [str(c) for c in factors["category"]], values)
    if selection == OWNER:
        overdue = data.overdue
        owners = [NO_OWNER if o is None or pd.isna(o) else str(o) for o in overdue["owner"]]
        return _having(overdue, owners, values)
    raise ValueError(f"unknown selection {selection!r}")


def active(picked: Picked) -> dict[str, tuple[str, ...]]:
    """The selections with at least one value, in the order of ``charts.SELECTIONS``."""
    return {name: tuple(picked[name]) for name in SELECTIONS if picked.get(name)}


def keys_for(data: ExploreData, picked: Picked, skip: Iterable[str] = ()) -> set[Key] | None:
    """The incidents every active selection (but those in ``skip``) holds; None when no
    selection narrows anything."""
    keys: set[Key] | None = None
    for name, values in active(picked).items():
        if name in set(skip):
            continue
        found = incidents_for(data, name, values)
        keys = found if keys is None else keys & found
    return keys


def narrowing_chart(data: ExploreData, chart: str, picked: Picked) -> set[Key] | None:
    """The incidents ``chart`` is drawn on: those of the selections made in other charts."""
    return keys_for(data, picked, skip=selections_of(chart))


def narrow(data: ExploreData, picked: Picked) -> pd.DataFrame:
    """The incident list of ``data`` narrowed by every active selection."""
    table = data.incidents
    keys = keys_for(data, picked)
    if keys is None:
        return table.reset_index(drop=True)
    mask = [
        (str(r), str(p), str(i)) in keys
        for r, p, i in zip(table["root"], table["path"], table["incident_id"], strict=True)
    ]
    return table.loc[np.asarray(mask, dtype=bool)].reset_index(drop=True)


def describe(picked: Picked, skip: Iterable[str] = ()) -> str:
    """The active selections in words, e.g. ``period 2026-10; factor capacity, deploy``."""
    skipped = set(skip)
    return "; ".join(
        f"{LABELS[name]} {', '.join(values)}"
        for name, values in active(picked).items()
        if name not in skipped
    )
