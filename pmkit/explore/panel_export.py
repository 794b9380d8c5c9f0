"""What leaves the explorer panel: the table's rows written as a file (CSV, Parquet) with a
download link, and the ``pmkit report`` line ("make this a report") for what the panel shows.

A base of :class:`pmkit.explore.panel.ExplorePanel`; the files and the command themselves are
made by :mod:`pmkit.explore.export` (no widgets there). Why a module of its own: the panel's
hand-offs to a file and to a report, kept in step with the table, read apart from its charts.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from pmkit.explore.data import ExploreData, ExploreState, listed_actions
from pmkit.explore.db import ExploreDB, FilterOptions
from pmkit.explore.export import ReportCommand, report_command, write_export
from pmkit.explore.table import IncidentTable, files_href, split_id


class PanelExport:
    """Exports and the report command; the state is :class:`pmkit.explore.panel.ExplorePanel`'s."""

    db: ExploreDB
    options: FilterOptions
    picked: dict[str, tuple[str, ...]]
    table: IncidentTable
    command: w.HTML
    export_message: w.HTML
    export_dir: Path
    exported: list[Path]
    data: ExploreData | None

    if TYPE_CHECKING:

        @property
        def state(self) -> ExploreState: ...

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

    def export(self, fmt: str, what: str = "incidents") -> Path:
        """Write the table's rows (all of them, in its order) as ``fmt`` into ``export_dir``;
        ``what="actions"``: those incidents' action items instead, a row each."""
        if what == "actions":
            if self.data is None:
                raise RuntimeError("nothing loaded yet")
            rows = listed_actions(self.db, self.data, self.table.frame)
            counted = f"{len(rows):,} action items of {len(self.table.frame):,} incidents"
        else:
            rows = self.table.frame
            counted = f"{len(rows):,} incidents"
        target = write_export(rows, self.export_dir, fmt, what=what)
        self.exported.append(target)
        href = files_href(target.resolve(), dict(self.table.page))
        name = escape(str(target))
        link = (
            f' <a class="pmkit-x-download" href="{escape(href, quote=True)}" download>download</a>'
            if href
            else ""
        )
        self.export_message.value = f"Wrote <code>{name}</code> ({counted}).{link}"
        return target
