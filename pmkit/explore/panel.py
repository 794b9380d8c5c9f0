"""The explorer's widgets: a filter panel driving four live charts, the incident table and the
incident detail.

One state (:class:`ExploreState`, read from the filter widgets) is turned into one
:class:`ExploreData` by :func:`load`; every chart and the table are redrawn from it at once.
A click on a chart arrives as a change of the JupyterChart's ``_vl_selections`` trait (what the
browser sets) and narrows the table only; a filter change clears the selections, as the bars
they pointed at are gone. Charts render through ``alt.JupyterChart`` with its JavaScript
bundled from vl-convert (``enable_offline``), so nothing is fetched from the network.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from html import escape
from pathlib import Path
from typing import Any, cast

import ipywidgets as w
import pandas as pd

from pmkit.config import Config
from pmkit.explore import charts, render
from pmkit.explore import similar as similar_panel
from pmkit.explore.data import (
    ExploreData,
    ExploreDB,
    ExploreError,
    ExploreState,
    FilterOptions,
    filter_options,
    incident_detail,
    load,
)
from pmkit.explore.selection import Points, describe, narrow
from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)

Key = tuple[str, str, str]
"""(root, path, incident_id) of the picked incident: two roots may hold the same path."""
_NONE_LABEL = "(pick an incident)"
_LIST_HEIGHT = 5
EMBED_OPTIONS: dict[str, Any] = {"renderer": "svg", "actions": False}
"""SVG keeps chart text in the page (testable, crisp); no action menu (it links to the web)."""


def _wrap() -> w.Layout:
    """A row that wraps when the notebook is narrow."""
    return w.Layout(flex_flow="row wrap", align_items="flex-start")


def _multi(label: str, options: Sequence[Any], css: str) -> w.SelectMultiple:
    box = w.SelectMultiple(
        options=list(options),
        value=(),
        rows=min(_LIST_HEIGHT, max(2, len(options))),
        description=label,
        style={"description_width": "70px"},
        layout=w.Layout(width="260px"),
    )
    box.add_class(css)
    return box


def _chart_spec(name: str, data: ExploreData) -> alt.TopLevelSpec:
    if name == charts.SEVERITY:
        return charts.severity_chart(data.severity, data.state.period)
    if name == charts.DRAFT:
        return charts.draft_chart(data.drafts, data.target_hours)
    if name == charts.FACTOR:
        return charts.factor_chart(data.factors)
    return charts.overdue_chart(data.overdue_by_owner)


def _incident_label(row: Mapping[Hashable, Any]) -> str:
    day = row.get("day")
    day_text = pd.Timestamp(day).date().isoformat() if day is not None and not pd.isna(day) else "?"
    title = str(row.get("title") or "(no title)")
    label = f"{day_text}  {row.get('incident_id')}: {title}"
    return label if len(label) <= 100 else label[:99] + "…"


class ExplorePanel:
    """Filters, charts, incident table and incident detail over one pmkit database."""

    def __init__(
        self, db: ExploreDB, options: FilterOptions | None = None, today: date | None = None
    ) -> None:
        alt.JupyterChart.enable_offline()
        self.db = db
        self.today = today or date.today()
        """Default end of the window, the day overdue is judged at (unless incidents are later)."""
        self.options = options or filter_options(db)
        self.data: ExploreData | None = None
        self.selections: dict[str, list[dict[str, Any]]] = {c: [] for c in charts.CHARTS}
        self.table_frame = pd.DataFrame()
        self._holding = False
        self._build_filters()
        self._build_outputs()
        self.reset_filters()  # sets every filter, then draws once

    # --- construction ------------------------------------------------------------------------

    def _build_filters(self) -> None:
        o = self.options
        self.start = w.DatePicker(
            description="From", value=o.first_day, style={"description_width": "40px"}
        )
        self.end = w.DatePicker(
            description="To", value=self._default_end(o), style={"description_width": "40px"}
        )
        self.start.add_class("pmkit-x-start")
        self.end.add_class("pmkit-x-end")
        self.severity = _multi(
            "Severity", [(f"L{v}", v) for v in o.severity_levels], "pmkit-x-severity"
        )
        self.services = _multi("Services", o.services, "pmkit-x-services")
        self.teams = _multi("Teams", o.teams, "pmkit-x-teams")
        self.templates = _multi("Template", o.templates, "pmkit-x-templates")
        self.statuses = _multi("Actions", o.action_statuses, "pmkit-x-statuses")
        self.filter_widgets: tuple[w.ValueWidget, ...] = (
            self.start,
            self.end,
            self.severity,
            self.services,
            self.teams,
            self.templates,
            self.statuses,
        )
        for widget in self.filter_widgets:
            widget.observe(self._on_filter, names="value")
        self.reset_button = w.Button(description="Reset filters", icon="undo")
        self.reset_button.on_click(lambda _: self.reset_filters())
        self.reload_button = w.Button(description="Reload database", icon="refresh")
        self.reload_button.on_click(lambda _: self.reload())
        self.message = w.HTML()
        self.message.add_class("pmkit-x-message")

    def _build_outputs(self) -> None:
        self.charts: dict[str, alt.JupyterChart] = {}
        for name in charts.CHARTS:
            # no spec until the first load: the widget's trait allows None, its __init__'s
            # annotation does not say so
            chart = alt.JupyterChart(cast("alt.TopLevelSpec", None), embed_options=EMBED_OPTIONS)
            chart.add_class(f"pmkit-x-chart-{name}")
            chart.observe(self._selection_handler(name), names="_vl_selections")
            self.charts[name] = chart
        self.clear_button = w.Button(description="Clear chart selections", icon="times")
        self.clear_button.on_click(lambda _: self.clear_selections())
        self.selection_text = w.HTML()
        self.table = w.HTML()
        self.table.add_class("pmkit-x-table")
        self.incident = w.Dropdown(
            options=[(_NONE_LABEL, None)],
            value=None,
            description="Incident",
            layout=w.Layout(width="760px"),
        )
        self.incident.add_class("pmkit-x-incident")
        self.incident.observe(lambda _: self._show_detail(), names="value")
        self.detail = w.HTML(render.incident_detail(None))
        self.detail.add_class("pmkit-x-detail")
        self.similar = w.HTML()  # issue 18: the selected incident's similar earlier incidents
        self.similar.add_class("pmkit-x-similar")

    @property
    def widget(self) -> w.VBox:
        """The whole panel, for ``display``."""
        if not hasattr(self, "_widget"):
            c = self.charts
            self._widget = w.VBox(
                [
                    w.HBox(
                        [self.start, self.end, self.reset_button, self.reload_button],
                        layout=_wrap(),
                    ),
                    w.HBox(
                        [self.severity, self.statuses, self.templates, self.services, self.teams],
                        layout=_wrap(),
                    ),
                    self.message,
                    w.HBox([c[name] for name in charts.CHARTS], layout=_wrap()),
                    w.HBox([self.clear_button, self.selection_text]),
                    self.table,
                    self.incident,
                    self.detail,
                    self.similar,
                ]
            )
            self._widget.add_class("pmkit-explore-panel")
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # --- state -------------------------------------------------------------------------------

    @property
    def state(self) -> ExploreState:
        """The filter state the widgets show."""
        return ExploreState(
            end=self.end.value or self._default_end(self.options),
            start=self.start.value,
            severity_levels=tuple(self.severity.value),
            services=tuple(self.services.value),
            teams=tuple(self.teams.value),
            templates=tuple(self.templates.value),
            action_statuses=tuple(self.statuses.value),
        )

    def _default_end(self, options: FilterOptions) -> date:
        """Today, so "overdue" means overdue now; the last incident's day if that is later."""
        if options.last_day is None:
            return self.today
        return max(self.today, options.last_day)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several filters with a single refresh at the end."""
        outer = self._holding
        self._holding = True
        try:
            yield
        finally:
            self._holding = outer
        if not outer:
            self.refresh()

    def reset_filters(self) -> None:
        """Whole date range, no other filter."""
        with self.hold():
            self.start.value = self.options.first_day
            self.end.value = self._default_end(self.options)
            for box in (self.severity, self.services, self.teams, self.templates, self.statuses):
                box.value = ()

    def reload(self) -> None:
        """Re-open the database file (after an ingest), refresh the choices and redraw.

        Chosen values that still exist stay chosen; a date range that covered everything
        grows to cover the new incidents too."""
        self.db.reload()
        old, new = self.options, filter_options(self.db)
        self.options = new
        with self.hold():
            for box, options in (
                (self.severity, [(f"L{v}", v) for v in new.severity_levels]),
                (self.services, list(new.services)),
                (self.teams, list(new.teams)),
                (self.templates, list(new.templates)),
                (self.statuses, list(new.action_statuses)),
            ):
                values = {o[1] if isinstance(o, tuple) else o for o in options}
                keep = tuple(v for v in box.value if v in values)
                box.options = options
                box.value = keep
            if self.start.value == old.first_day:
                self.start.value = new.first_day
            if self.end.value == self._default_end(old):
                self.end.value = self._default_end(new)

    def _on_filter(self, _change: Mapping[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Run every query for the current state and redraw all charts and the table."""
        try:
            data = load(self.db, self.state)
        except (ExploreError, ValueError) as exc:
            self.message.value = f'<p class="pmkit-warning">{escape(str(exc))}</p>'
            return
        self.message.value = ""
        self.data = data
        self.selections = {c: [] for c in charts.CHARTS}
        for name, chart in self.charts.items():
            # Replacing the spec re-embeds the chart and resets its selection to empty.
            chart.chart = _chart_spec(name, data)
        self._update_table()

    # --- selections --------------------------------------------------------------------------

    def _selection_handler(self, name: str) -> Any:
        def handler(change: Mapping[str, Any]) -> None:
            raw = (change.get("new") or {}).get(charts.selection_name(name)) or {}
            signal = raw.get("value") or {}
            points = signal.get("vlPoint", {}).get("or", []) if isinstance(signal, dict) else []
            self.on_selection(name, points)

        return handler

    def on_selection(self, chart: str, points: Points) -> None:
        """``points`` of ``chart`` are selected (empty: none): narrow the table."""
        cleaned = [dict(p) for p in points]
        if self.selections.get(chart) == cleaned:
            return
        self.selections[chart] = cleaned
        self._update_table()

    def select(self, chart: str, points: Points) -> None:
        """Select ``points`` on ``chart`` as a click in the browser does (sets ``_vl_selections``)."""
        name = charts.selection_name(chart)
        value = {"vlPoint": {"or": [dict(p) for p in points]}} if points else None
        self.charts[chart]._vl_selections = {name: {"value": value, "store": []}}

    def clear_selections(self) -> None:
        """Drop every chart selection (re-embeds the charts, so their highlight goes too)."""
        if self.data is None:
            return
        self.selections = {c: [] for c in charts.CHARTS}
        for name, chart in self.charts.items():
            chart.chart = _chart_spec(name, self.data)
        self._update_table()

    # --- table and detail --------------------------------------------------------------------

    def _update_table(self) -> None:
        if self.data is None:
            return
        self.table_frame = narrow(self.data, self.selections)
        narrowed_by = describe(self.selections)
        self.selection_text.value = (
            f"<span>Selected: {escape(narrowed_by)}</span>" if narrowed_by else ""
        )
        self.table.value = render.incident_table(
            self.table_frame, len(self.data.incidents), narrowed_by
        )
        previous = self.incident.value
        records = self.table_frame[["root", "path", "incident_id", "title", "day"]].to_dict(
            "records"
        )
        options: list[tuple[str, Key | None]] = [(_NONE_LABEL, None)]
        options += [
            (_incident_label(r), (str(r["root"]), str(r["path"]), str(r["incident_id"])))
            for r in records
        ]
        keys = {value for _, value in options}
        self.incident.options = options
        self.incident.value = previous if previous in keys else None
        self._show_detail()

    def show_incident(self, path: str, incident_id: str, root: str | None = None) -> None:
        """Show one incident of the table in the detail pane (as picking it in the dropdown);
        ``root`` tells apart two roots holding ``path`` (default: the table's first)."""
        if root is None:
            rows = self.table_frame[
                (self.table_frame["path"] == path)
                & (self.table_frame["incident_id"] == incident_id)
            ]
            root = str(rows["root"].iloc[0]) if len(rows) else ""
        self.incident.value = (root, path, incident_id)

    def _show_detail(self) -> None:
        key = self.incident.value
        detail = incident_detail(self.db, key[1], key[2]) if key else None
        self.detail.value = render.incident_detail(detail)
        self.similar.value = similar_panel.panel_html(self.db, key)


def explore(
    db_path: str | Path | None = None, today: date | None = None, config: Config | None = None
) -> ExplorePanel:
    """Open ``db_path`` (default: the configured database) read-only and build the panel (the
    notebook's one call). Settings and a relative path are found as every entry point finds
    them (``pmkit.config``).

    ``today`` (default: the real date) is the default end of the window; tests pin it."""
    return ExplorePanel(ExploreDB(db_path, config), today=today)
