"""The explorer panel's linked charts: a click on a chart is a selection (``picked``) that
narrows the table and every *other* chart, shows as a chip that removes it, and redraws what it
changes.

A base of :class:`pmkit.explore.panel.ExplorePanel`. A click arrives as a change of the
JupyterChart's ``_vl_selections`` trait (what the browser sets); a chart narrowed by others is
recomputed by the same metric functions on the incidents left
(:func:`pmkit.explore.data.restricted_view`) and drawn again with its own selections kept. What a
selection means is :mod:`pmkit.explore.selection`'s; this module is the widgets' side of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w

from pmkit.explore import charts
from pmkit.explore.data import ExploreData, coverage_notes, restricted_view
from pmkit.explore.db import ExploreDB
from pmkit.explore.selection import (
    LABELS,
    active,
    describe,
    narrow,
    narrowing_chart,
    values_from_points,
)
from pmkit.explore.table import IncidentTable
from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)

CHART_PARTS: dict[str, str] = {
    charts.SEVERITY: "severity",
    charts.DRAFT: "drafts",
    charts.FACTOR: "factors",
    charts.OVERDUE: "overdue",
}
"""Each chart's frames in :data:`pmkit.explore.data.PARTS`."""


def chart_spec(name: str, data: ExploreData, picked: charts.Picked, narrowed_by: str = "") -> Any:
    """The Altair chart ``name`` for ``data``, drawn with its selections ``picked``; its
    subtitle says what narrowed it (``narrowed_by``) and what data it lacks."""
    lacking = coverage_notes(data)[CHART_PARTS[name]]
    notes = [f"narrowed by {narrowed_by}" if narrowed_by else "", lacking]
    if name == charts.SEVERITY:
        return charts.severity_chart(data.severity, data.state.period, picked, notes)
    if name == charts.DRAFT:
        return charts.draft_chart(data.drafts, data.target_hours, picked, notes)
    if name == charts.FACTOR:
        return charts.factor_chart(data.factors, picked, notes)
    return charts.overdue_chart(data.overdue_by_owner, picked, notes)


class PanelLinks:
    """Chart clicks -> selections -> chips and redraws; the state is
    :class:`pmkit.explore.panel.ExplorePanel`'s."""

    db: ExploreDB
    data: ExploreData | None
    picked: dict[str, tuple[str, ...]]
    views: dict[str, ExploreData]
    _drawn: dict[str, Any]
    _embedding: bool
    charts: dict[str, alt.JupyterChart]
    chips: w.HBox
    clear_button: w.Button
    table: IncidentTable
    _after_table: Callable[[], None]

    def _selection_handler(self, chart: str) -> Any:
        def handler(change: Mapping[str, Any]) -> None:
            if self._embedding:
                return  # Python set a new spec: its empty selections are no click
            raw = change.get("new") or {}
            picked = dict(self.picked)
            for name in charts.selections_of(chart):
                entry = raw.get(charts.selection_name(name)) or {}
                signal = entry.get("value") or {}
                points = signal.get("vlPoint", {}).get("or", []) if isinstance(signal, dict) else []
                picked[name] = values_from_points(name, points)
            self._set_picked(picked, source=chart)

        return handler

    def _set_picked(self, picked: Mapping[str, Sequence[str]], source: str | None) -> None:
        clean = active(picked)
        if clean == active(self.picked):
            return
        self.picked = dict(clean)
        self._update(source)

    def select(
        self, chart: str, points: Sequence[Mapping[str, Any]], selection: str | None = None
    ) -> None:
        """Pick ``points`` in ``chart`` as a click in the browser does (sets ``_vl_selections``):
        the chart's first selection, or ``selection`` (e.g. ``level``, the severity legend)."""
        name = selection or charts.selections_of(chart)[0]
        current = dict(self.charts[chart]._vl_selections or {})
        for other in charts.selections_of(chart):
            field = charts.SELECTIONS[other][1]
            values = points if other == name else [{field: v} for v in self.picked.get(other, ())]
            value = {"vlPoint": {"or": [dict(p) for p in values]}} if values else None
            current[charts.selection_name(other)] = {"value": value, "store": []}
        self.charts[chart]._vl_selections = current

    def remove_selection(self, selection: str, value: str | None = None) -> None:
        """Drop one picked ``value`` of ``selection`` (None: all of them), as its chip does."""
        picked = dict(self.picked)
        kept = () if value is None else tuple(v for v in picked.get(selection, ()) if v != value)
        picked[selection] = kept
        self._set_picked(picked, source=None)

    def clear_selections(self) -> None:
        """Drop every chart selection."""
        self._set_picked({}, source=None)

    # --- drawing -----------------------------------------------------------------------------

    def _update(self, source: str | None = None) -> None:
        """Redraw what the selections change: each chart whose narrowing or own selection
        changed (not the one clicked: the browser already shows its click), the chips, the
        table, the report command."""
        data = self.data
        if data is None:
            return
        for name in charts.CHARTS:
            keys = narrowing_chart(data, name, self.picked)
            own = {s: self.picked.get(s, ()) for s in charts.selections_of(name)}
            drawn = (None if keys is None else frozenset(keys), tuple(sorted(own.items())))
            if self._drawn.get(name) == drawn:
                continue
            if name == source and self._drawn.get(name, (None,))[0] == drawn[0]:
                self._drawn[name] = drawn  # the browser shows this click already
                continue
            self._drawn[name] = drawn
            view = data if keys is None else restricted_view(self.db, data, CHART_PARTS[name], keys)
            self.views[name] = view
            spec = chart_spec(
                name, view, self.picked, describe(self.picked, charts.selections_of(name))
            )
            self._embedding = True
            try:
                # Replacing the spec re-embeds the chart, with its own selections as given.
                self.charts[name].chart = spec
            finally:
                self._embedding = False
        self._update_chips()
        undated = data.coverage.get("n_undated", 0)
        note = (
            f"{undated:,} postmortem{'s' if undated != 1 else ''} without a date "
            f"{'are' if undated != 1 else 'is'} not listed (no window holds {'them' if undated != 1 else 'it'})."
            if undated
            else ""
        )
        self.table.show(narrow(data, self.picked), len(data.incidents), describe(self.picked), note)
        self._after_table()

    def _update_chips(self) -> None:
        chips = []
        for name, values in active(self.picked).items():
            for value in values:
                chip = w.Button(
                    description=f"{LABELS[name]}: {value} \u2715",
                    tooltip=f"Remove this selection ({LABELS[name]} {value})",
                    layout=w.Layout(width="auto"),
                )
                chip.add_class("pmkit-x-chip")
                chip.on_click(lambda _, n=name, v=value: self.remove_selection(n, v))
                chips.append(chip)
        self.chips.children = chips
        self.clear_button.disabled = not chips
