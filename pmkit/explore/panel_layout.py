"""The explorer panel's widgets and their layout: the filter row, the four charts, the chips,
the table, the export buttons, the report command, the incident detail, and the style sheet.

A base of :class:`pmkit.explore.panel.ExplorePanel`, which holds the state; the callbacks wired
here (``reset_filters``, ``export``, ``_selection_handler``...) are the panel's. Why a module of
its own: what the page is made of and where it sits reads apart from what a click does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

import ipywidgets as w

from pmkit.explore import charts, render
from pmkit.explore.db import FilterOptions
from pmkit.explore.export import FORMATS
from pmkit.explore.table import IncidentTable
from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)

_LIST_HEIGHT = 5
EMBED_OPTIONS: dict[str, Any] = {"renderer": "svg", "actions": False}
"""SVG keeps chart text in the page (testable, crisp); no action menu (it links to the web)."""
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
    none_to_pick(box)
    return box


def none_to_pick(box: w.SelectMultiple) -> None:
    """A list the database has no values for is disabled and says so."""
    box.disabled = not box.options
    box.tooltip = "None recorded in these postmortems" if not box.options else None


def _button(label: str, css: str, icon: str = "") -> w.Button:
    """A button as wide as its label (the default width cuts long labels)."""
    button = w.Button(description=label, icon=icon, layout=w.Layout(width="auto"))
    button.add_class(css)
    return button


class PanelLayout:
    """Builds the widgets (``_build_filters``, ``_build_outputs``) and lays them out
    (:attr:`widget`); the callbacks are :class:`pmkit.explore.panel.ExplorePanel`'s."""

    options: FilterOptions
    _default_end: Callable[[FilterOptions], date]
    _on_filter: Callable[[Mapping[str, Any]], None]
    reset_filters: Callable[[], None]
    reload: Callable[[], None]
    _selection_handler: Callable[[str], Any]
    clear_selections: Callable[[], None]
    _show_detail: Callable[[], None]
    _after_table: Callable[[], None]
    export: Callable[[str, str], Path]

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
        labels = dict(zip(FORMATS, ("CSV", "Parquet"), strict=True))
        self.export_buttons = {
            fmt: _button(f"Export {labels[fmt]}", f"pmkit-x-export-{fmt}", "download")
            for fmt in FORMATS
        }
        for fmt, button in self.export_buttons.items():
            button.on_click(lambda _, fmt=fmt: self.export(fmt, "incidents"))
        self.action_export_buttons = {
            fmt: _button(
                f"Export their actions {labels[fmt]}", f"pmkit-x-export-actions-{fmt}", "download"
            )
            for fmt in FORMATS
        }
        for fmt, button in self.action_export_buttons.items():
            button.on_click(lambda _, fmt=fmt: self.export(fmt, "actions"))
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
                    w.HBox(
                        [
                            *self.export_buttons.values(),
                            *self.action_export_buttons.values(),
                            self.export_message,
                        ],
                        layout=_wrap(),
                    ),
                    self.command,
                    self.detail,
                    self.similar,
                ]
            )
            self._widget.add_class("pmkit-explore-panel")
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
