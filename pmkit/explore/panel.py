"""The explorer's widgets: filters driving four linked charts, the incident table, the incident
detail, exports and the matching report command.

One state (:class:`ExploreState`, read from the filter widgets) is turned into one
:class:`ExploreData` by :func:`load`. Clicks on the charts are selections (``picked``): each
narrows the table and every *other* chart (linked views); they show as chips that remove
them, and a filter change clears them (the bars they pointed at may be gone). Charts render
through ``alt.JupyterChart`` with its JavaScript bundled from vl-convert (``enable_offline``),
so nothing is fetched from the network.

:class:`ExplorePanel` holds the state and reacts to the filters; its bases hold the rest, one job
each: :mod:`.panel_layout` (the widgets and where they sit), :mod:`.panel_links` (chart clicks,
chips and the linked redraws), :mod:`.panel_export` (exports and the report command).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from pmkit.config import Config
from pmkit.explore import render
from pmkit.explore import similar as similar_panel
from pmkit.explore.data import ExploreData, ExploreState, load
from pmkit.explore.db import ExploreDB, ExploreError, FilterOptions, Key, filter_options
from pmkit.explore.detail import incident_detail
from pmkit.explore.panel_export import PanelExport
from pmkit.explore.panel_layout import PanelLayout, none_to_pick
from pmkit.explore.panel_links import PanelLinks
from pmkit.explore.table import lab_href, row_id, split_id
from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()

import altair as alt  # noqa: E402  (after the import speed-up above)


class ExplorePanel(PanelExport, PanelLinks, PanelLayout):
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
                none_to_pick(box)
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
