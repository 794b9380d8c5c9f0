"""The incident table: every matching incident, sortable and searchable, in a box that scrolls.

An ``anywidget`` (its JavaScript below is inlined, so nothing comes from the network). Python
holds the rows: it filters them by the search text and sorts them, so the export, the count
and the screen always agree; the browser only draws the rows in view (a table of 10,000
incidents stays quick), reports clicks (a heading: sort; a row: ``selected``) and tells Python
where JupyterLab serves files from (``page``), so each row can link to its Markdown file.

Every cell is set with ``textContent`` and every link's address is built here from a file path,
so nothing a postmortem says can become markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import anywidget
import pandas as pd
import traitlets

from pmkit.explore.table_assets import TABLE_CSS, TABLE_JS
from pmkit.present.format import MISSING, fmt_value, level_label

KEY_SEP = "\x1f"
"""Joins root, path and incident_id into a row id (a character no path or id contains)."""


@dataclass(frozen=True)
class Column:
    """One column: the frame column it shows, its heading, its width in px (0: the rest)."""

    key: str
    label: str
    width: int
    numeric: bool = False
    help: str = ""
    """The heading's tooltip: what the column counts, where that is not obvious."""


COLUMNS: tuple[Column, ...] = (
    Column("day", "Date", 88),
    Column("incident_id", "Incident", 150),
    Column("title", "Title", 0),
    Column(
        "severity", "Severity", 96, help="As written, and the normalised level (L0 = most severe)"
    ),
    Column("n_actions", "Actions", 68, numeric=True, help="Action items listed"),
    Column(
        "n_open",
        "Open",
        50,
        numeric=True,
        help="Actions not done (one with no status written counts: nothing says it is done)",
    ),
    Column(
        "n_overdue",
        "Overdue",
        74,
        numeric=True,
        help="Open actions due before the window's end (the To date)",
    ),
    Column("team", "Team", 96),
    Column("services", "Services", 140),
    Column("template", "Template", 80),
    Column("file", "File", 180),
)
"""What matters most first: at the width of a notebook beside JupyterLab's file browser the
columns up to Team fit; the others scroll into view inside the table's box."""
SORTABLE = {c.key for c in COLUMNS}
TITLE_MIN_WIDTH = 240


def row_id(root: Any, path: Any, incident_id: Any) -> str:
    return KEY_SEP.join((str(root), str(path), str(incident_id)))


def split_id(value: str) -> tuple[str, str, str] | None:
    parts = value.split(KEY_SEP)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def severity_text(label: object, level: object) -> str:
    """``SEV2 (L2)``: the label as written and the normalised level; ``unknown`` when neither."""
    shown = level_label(level)
    if isinstance(label, str) and label.strip():
        return f"{label} ({shown})"
    return shown


def lab_href(source: str, page: Mapping[str, str]) -> str | None:
    """The JupyterLab address that opens ``source`` (an absolute file path), when the server
    that shows this page serves it (``page``: its ``serverRoot`` and ``baseUrl``)."""
    root, base = page.get("serverRoot") or "", page.get("baseUrl") or ""
    if not root or not base.startswith("/"):
        return None
    try:
        rel = Path(source).resolve().relative_to(Path(root).expanduser().resolve())
    except (ValueError, OSError):
        return None
    base = base if base.endswith("/") else base + "/"
    return f"{base}lab/tree/{quote(PurePosixPath(rel).as_posix())}"


def files_href(target: Path, page: Mapping[str, str]) -> str | None:
    """The address that downloads ``target`` from the Jupyter server (``?download=1``)."""
    href = lab_href(str(target), page)
    if href is None:
        return None
    base = page.get("baseUrl") or "/"
    base = base if base.endswith("/") else base + "/"
    return base + "files/" + href.split("lab/tree/", 1)[1] + "?download=1"


def display_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    """The table's cells as text, one column per :data:`COLUMNS` entry (missing: ``MISSING``),
    plus ``_id`` and ``_source`` (the file's absolute path)."""
    out = pd.DataFrame(index=incidents.index)
    out["_id"] = [
        row_id(r, p, i)
        for r, p, i in zip(
            incidents["root"], incidents["path"], incidents["incident_id"], strict=True
        )
    ]
    out["_source"] = [
        str(Path(r) / p) if isinstance(r, str) and r else str(p)
        for r, p in zip(incidents["root"], incidents["path"], strict=True)
    ]
    severity = [
        severity_text(lab, lev)
        for lab, lev in zip(incidents["severity_label"], incidents["severity_level"], strict=True)
    ]
    for column in COLUMNS:
        if column.key == "severity":
            out["severity"] = [MISSING if s == "unknown" else s for s in severity]
        elif column.key == "file":
            out["file"] = [str(p) for p in incidents["path"]]
        else:
            out[column.key] = [fmt_value(v) for v in incidents[column.key]]
    return out


def sort_frame(incidents: pd.DataFrame, key: str, descending: bool) -> pd.DataFrame:
    """``incidents`` sorted by table column ``key``; missing values last either way."""
    if key not in SORTABLE:
        raise ValueError(f"unknown column {key!r}")
    if key == "severity":
        values = incidents["severity_level"]
    elif key == "file":
        values = incidents["path"].astype(str)
    elif key == "services":
        values = pd.Series(
            [fmt_value(v) if fmt_value(v) != MISSING else None for v in incidents["services"]],
            index=incidents.index,
            dtype=object,
        )
    else:
        values = incidents[key]
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        values = values.map(lambda v: v.casefold() if isinstance(v, str) else v)
    order = (
        pd.DataFrame({"v": values, "n": range(len(values))}, index=incidents.index)
        .sort_values(["v", "n"], ascending=[not descending, True], na_position="last")
        .index
    )
    return incidents.loc[order]


def search_frame(incidents: pd.DataFrame, shown: pd.DataFrame, query: str) -> pd.DataFrame:
    """The rows of ``incidents`` whose shown text holds every word of ``query`` (any case)."""
    words = [w.casefold() for w in query.split()]
    if not words:
        return incidents
    text = shown[[c.key for c in COLUMNS]].agg(" ".join, axis=1).str.casefold()
    mask = pd.Series(True, index=shown.index)
    for word in words:
        mask &= text.str.contains(word, regex=False)
    return incidents.loc[mask[mask].index]


class IncidentTable(anywidget.AnyWidget):
    """The widget. Python sets ``rows`` and ``caption``; the browser sets ``sort``, ``query``,
    ``selected`` and ``page``."""

    _esm = TABLE_JS
    _css = TABLE_CSS
    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    sort = traitlets.List(traitlets.Unicode(), default_value=["day", "desc"]).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    page = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = [
            {
                "key": c.key,
                "label": c.label,
                "width": c.width,
                "numeric": c.numeric,
                "help": c.help,
            }
            for c in COLUMNS
        ]
        self.frame = pd.DataFrame()
        """The rows shown (searched and sorted), with the incident list's columns."""
        self._incidents = pd.DataFrame()
        self._total = 0
        self._narrowed_by = ""
        self._note = ""
        self._shown = pd.DataFrame()
        self.observe(lambda _: self._refresh(), names=["sort", "query", "page"])

    def show(
        self, incidents: pd.DataFrame, total: int, narrowed_by: str = "", note: str = ""
    ) -> None:
        """Show ``incidents`` (of ``total`` matching the filters; ``narrowed_by``: the chart
        selections in words; ``note``: a sentence for the caption), searched by ``query`` and
        sorted by ``sort``."""
        self._incidents, self._total, self._narrowed_by = incidents, total, narrowed_by
        self._note = note
        self._refresh()

    def _refresh(self) -> None:
        key, direction = (list(self.sort) + ["day", "desc"])[:2]
        if key not in SORTABLE or self._incidents.empty:
            key, direction = "day", "desc"
        ordered = (
            sort_frame(self._incidents, key, direction == "desc")
            if not self._incidents.empty
            else self._incidents
        )
        shown = display_frame(ordered)
        found = search_frame(ordered, shown, self.query)
        self.frame = found.reset_index(drop=True)
        self._shown = shown.loc[found.index].reset_index(drop=True)
        page = dict(self.page)
        keys = [c.key for c in COLUMNS]
        rows = []
        for record in self._shown.to_dict("records"):
            cells = [str(record[k]) for k in keys]
            rows.append(
                {
                    "id": record["_id"],
                    "cells": cells,
                    "missing": [j for j, text in enumerate(cells) if text == MISSING],
                    "href": lab_href(record["_source"], page),
                    "source": record["_source"],
                }
            )
        with self.hold_sync():
            self.caption = " ".join(
                filter(
                    None,
                    [
                        caption(len(self.frame), self._total, self._narrowed_by, self.query),
                        self._note,
                    ],
                )
            )
            self.rows = rows

    def row_keys(self) -> list[tuple[str, str, str]]:
        """(root, path, incident_id) of the rows shown, in order."""
        return [
            (str(r), str(p), str(i))
            for r, p, i in zip(
                self.frame.get("root", []),
                self.frame.get("path", []),
                self.frame.get("incident_id", []),
                strict=True,
            )
        ]


def caption(n: int, total: int, narrowed_by: str, query: str) -> str:
    """The line above the table: how many incidents it lists and why not all."""
    if not narrowed_by and not query.strip():
        return f"{n:,} incidents match the filters."
    why = [f"narrowed by {narrowed_by}"] if narrowed_by else []
    why += [f"search \u201c{query.strip()}\u201d"] if query.strip() else []
    return f"{n:,} of {total:,} incidents matching the filters ({'; '.join(why)})."


def shown_text(table: IncidentTable) -> list[list[str]]:
    """The cells of every row as the browser gets them (for tests and exports)."""
    return [list(row["cells"]) for row in table.rows]


def widths(columns: Sequence[Column] = COLUMNS) -> int:
    """The table's smallest width in px: below it, the table scrolls sideways in its box."""
    return sum(c.width for c in columns) + TITLE_MIN_WIDTH
