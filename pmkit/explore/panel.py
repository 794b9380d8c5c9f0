"""The explorer's widgets: filters driving four linked charts, the incident table, the incident
detail, exports and the matching report command.

One state (:class:`ExploreState`, read from the filter widgets) is turned into one
:class:`ExploreData` by :func:`load`. Clicks on the charts are selections (``picked``): each
narrows the table and every *other* chart (linked views); they show as chips that remove
them, and a filter change clears them (the bars they pointed at may be gone). A chart narrowed
by others is recomputed by the same metric functions on the incidents left
(:func:`restricted_view`) and drawn again with its own selections kept. A click arrives as a
change of the JupyterChart's ``_vl_selections`` trait (what the browser sets); charts render
through ``alt.JupyterChart`` with its JavaScript bundled from vl-convert (``enable_offline``),
so nothing is fetched from the network.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from html import escape
from pathlib import Path
from typing import Any, cast

import ipywidgets as w

from pmkit.config import Config
from pmkit.explore import charts, render
from pmkit.explore import similar as similar_panel
from pmkit.explore.data import (
    ExploreData,
    ExploreDB,
    ExploreError,
    ExploreState,
    FilterOptions,
    Key,
    coverage_notes,
    filter_options,
    incident_detail,
    load,
    restricted_view,
)
from pmkit.explore.export import FORMATS, ReportCommand, report_command, write_export
from pmkit.explore.selection import (
    LABELS,
    active,
    describe,
    narrow,
    narrowing_chart,
    values_from_points,
)
from pmkit.explore.table import IncidentTable, files_href, lab_href, row_id, split_id
from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)

_LIST_HEIGHT = 5
EMBED_OPTIONS: dict[str, Any] = {"renderer": "svg", "actions": False}
"""SVG keeps chart text in the page (testable, crisp); no action menu (it links to the web)."""
CHART_PARTS: dict[str, str] = {
    charts.SEVERITY: "severity",
    charts.DRAFT: "drafts",
    charts.FACTOR: "factors",
    charts.OVERDUE: "overdue",
}
"""Each chart's frames in :data:`pmkit.explore.data.PARTS`."""
CSS = """<style>
.pmkit-explore-panel .pmkit-x-chip button, .pmkit-explore-panel button.pmkit-x-chip {
  border-radius: 12px; background: #e8f0fa; }
.pmkit-explore-panel .pmkit-x-command pre { white-space: pre-wrap; overflow-wrap: anywhere;
  background: #f7f7f7; padding: 6px; margin: 2px 0; font-size: 12px; user-select: all; }
.pmkit-explore-panel .pmkit-x-command ul, .pmkit-explore-panel .pmkit-x-command p {
  margin: 2px 0; font-size: 12px; color: #555; }
.pmkit-explore-panel a, .pmkit-explore-panel a:visited { color: #1a5fb4; text-decoration: underline; }
</style>"""


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
    _none_to_pick(box)
    return box


def _none_to_pick(box: w.SelectMultiple) -> None:
    """A list the database has no values for is disabled and says so."""
    box.disabled = not box.options
    box.tooltip = "None recorded in these postmortems" if not box.options else None


def _button(label: str, css: str, icon: str = "") -> w.Button:
    """A button as wide as its label (the default width cuts long labels)."""
    button = w.Button(description=label, icon=icon, layout=w.Layout(width="auto"))
    button.add_class(css)
    return button


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


class ExplorePanel:
    """Filters, linked charts, incident table, exports, report command and incident detail."""

    def __init__(
        self,
        db: ExploreDB,
        options: FilterOptions | None = None,
        today: date | None = None,
        export_dir: str | Path = "exports",
    ) -> None:
        alt.JupyterChart.enable_offline()
        self.db = db
        self.today = today or date.today()
        """Default end of the window, the day overdue is judged at (unless incidents are later)."""
        self.export_dir = Path(export_dir)
        self.options = options or filter_options(db)
        self.data: ExploreData | None = None
        self.picked: dict[str, tuple[str, ...]] = {}
        """The chart selections: selection name -> values (see ``charts.SELECTIONS``)."""
        self.views: dict[str, ExploreData] = {}
        """What each chart is drawn from (the data narrowed by the other charts' selections)."""
        self._drawn: dict[str, Any] = {}
        self._embedding = False
        self._holding = False
        self.exported: list[Path] = []
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
        self.reset_button = _button("Reset filters", "pmkit-x-reset", "undo")
        self.reset_button.on_click(lambda _: self.reset_filters())
        self.reload_button = _button("Reload database", "pmkit-x-reload", "refresh")
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
        self.clear_button = _button("Clear chart selections", "pmkit-x-clear", "times")
        self.clear_button.on_click(lambda _: self.clear_selections())
        self.chips = w.HBox(layout=_wrap())
        self.chips.add_class("pmkit-x-chips")
        self.table = IncidentTable()
        self.table.add_class("pmkit-x-table")
        self.table.observe(lambda _: self._show_detail(), names="selected")
        self.table.observe(lambda _: self._after_table(), names=["query", "sort", "page"])
        self.export_buttons = {
            fmt: _button(f"Export {label}", f"pmkit-x-export-{fmt}", "download")
            for fmt, label in zip(FORMATS, ("CSV", "Parquet"), strict=True)
        }
        for fmt, button in self.export_buttons.items():
            button.on_click(lambda _, fmt=fmt: self.export(fmt))
        self.export_message = w.HTML()
        self.export_message.add_class("pmkit-x-export-message")
        self.command = w.HTML()
        self.command.add_class("pmkit-x-command")
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
                    w.HTML(CSS),
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
                    w.HBox([self.chips, self.clear_button], layout=_wrap()),
                    self.table,
                    w.HBox([*self.export_buttons.values(), self.export_message], layout=_wrap()),
                    self.command,
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
                _none_to_pick(box)
            if self.start.value == old.first_day:
                self.start.value = new.first_day
            if self.end.value == self._default_end(old):
                self.end.value = self._default_end(new)

    def _on_filter(self, _change: Mapping[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Run every query for the current state and redraw all charts and the table (the
        chart selections are cleared)."""
        try:
            data = load(self.db, self.state)
        except (ExploreError, ValueError) as exc:
            self.message.value = f'<p class="pmkit-warning">{escape(str(exc))}</p>'
            return
        self.message.value = ""
        self.data = data
        self.picked = {}
        self._drawn = {}
        self._update()

    # --- selections --------------------------------------------------------------------------

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

    @property
    def table_frame(self) -> Any:
        """The incidents the table lists (filters, selections, search; in its order)."""
        return self.table.frame

    def _after_table(self) -> None:
        """Keep the detail and the report command in step with the table."""
        if self.table.selected and split_id(self.table.selected) not in set(self.table.row_keys()):
            self.table.selected = ""  # no longer listed: the detail goes too
        self._update_command()

    def report_command(self) -> ReportCommand:
        """The ``pmkit report`` line for what the explorer shows."""
        return report_command(
            self.db.db_path,
            self.state,
            self.picked,
            self.options.first_day,
            self.table.query,
            self.db.config.source,
        )

    def _update_command(self) -> None:
        command = self.report_command()
        notes = "".join(f"<li>{escape(n)}</li>" for n in command.left_out)
        left_out = (
            f"<p>Not carried over (a report cannot be asked for it):</p><ul>{notes}</ul>"
            if notes
            else ""
        )
        self.command.value = (
            "<b>Make this a report</b> (run in a terminal; same window and filters, on this "
            f"database as it is):<pre>{escape(command.lines)}</pre>{left_out}"
        )

    # --- exports -----------------------------------------------------------------------------

    def export(self, fmt: str) -> Path:
        """Write the table's rows (all of them, in its order) as ``fmt`` into ``export_dir``."""
        target = write_export(self.table.frame, self.export_dir, fmt)
        self.exported.append(target)
        href = files_href(target.resolve(), dict(self.table.page))
        name = escape(str(target))
        link = (
            f' <a class="pmkit-x-download" href="{escape(href, quote=True)}" download>download</a>'
            if href
            else ""
        )
        self.export_message.value = (
            f"Wrote <code>{name}</code> ({len(self.table.frame):,} incidents).{link}"
        )
        return target

    # --- detail ------------------------------------------------------------------------------

    def show_incident(self, path: str, incident_id: str, root: str | None = None) -> None:
        """Show one incident of the table in the detail pane (as a click on its row does);
        ``root`` tells apart two roots holding ``path`` (default: the table's first)."""
        for key in self.table.row_keys():
            if key[1:] == (path, incident_id) and (root is None or key[0] == root):
                self.table.selected = row_id(*key)
                return
        raise ExploreError(f"{path} ({incident_id}) is not in the table")

    @property
    def selected(self) -> Key | None:
        """(root, path, incident_id) of the incident the detail shows."""
        return split_id(self.table.selected) if self.table.selected else None

    def _show_detail(self) -> None:
        key = self.selected
        as_of = self.data.filters.as_of if self.data is not None else None
        detail = incident_detail(self.db, key[1], key[2], key[0], as_of) if key else None
        href = lab_href(detail.source, dict(self.table.page)) if detail else None
        self.detail.value = render.incident_detail(detail, href)
        self.similar.value = similar_panel.panel_html(self.db, key)


def explore(
    db_path: str | Path | None = None,
    today: date | None = None,
    config: Config | None = None,
    export_dir: str | Path = "exports",
) -> ExplorePanel:
    """Open ``db_path`` (default: the configured database) read-only and build the panel (the
    notebook's one call). Settings and a relative path are found as every entry point finds
    them (``pmkit.config``).

    ``today`` (default: the real date) is the default end of the window; tests pin it.
    ``export_dir`` is where the export buttons write (relative: to the notebook's folder)."""
    return ExplorePanel(ExploreDB(db_path, config), today=today, export_dir=export_dir)
