"""Taking the current selection elsewhere: as a file (CSV, Parquet) and as a report.

The export holds the rows the table lists (filters, chart selections and search applied), in
its order, with the incident's file and its counts of actions; the action export holds those
incidents' action items (the action-status filter applied), a row each, in the same order. The report command is the
``pmkit report`` line that gives the same window and filters on the same database; what a report
cannot be asked for (a chart selection other than severity, the action-status filter, a
search) is said next to it, never silently dropped.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pmkit.explore.charts import LEVEL, Picked
from pmkit.explore.data import ExploreState
from pmkit.explore.selection import LABELS, active

FORMATS: tuple[str, ...] = ("csv", "parquet")
EXPORT_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "title",
    "day",
    "severity_label",
    "severity_level",
    "status",
    "team",
    "owner",
    "services",
    "template",
    "started_at",
    "resolved_at",
    "drafted_at",
    "n_actions",
    "n_open",
    "n_overdue",
    "root",
    "path",
)
"""The exported columns: the incident list's, in this order (``file`` is root/path)."""
ACTION_EXPORT_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "title",
    "action_id",
    "text",
    "owner",
    "owner_written",
    "owner_team",
    "due_date",
    "status",
    "status_text",
    "is_open",
    "is_overdue",
    "days_overdue",
    "priority",
    "kind",
    "tracking_ref",
    "team",
    "services",
    "root",
    "path",
    "line",
)
"""The exported action columns: ``owner`` is the person ``[people]`` names (``owner_written`` as
written), overdue as of the explorer's window end, ``line`` where the action is in ``file``."""
EXPORTS: dict[str, tuple[str, ...]] = {
    "incidents": EXPORT_COLUMNS,
    "actions": ACTION_EXPORT_COLUMNS,
}
LOOKBACK_RANGE = (1, 3650)
"""What ``pmkit report --lookback`` accepts (days)."""


def export_frame(rows: pd.DataFrame, columns: tuple[str, ...] = EXPORT_COLUMNS) -> pd.DataFrame:
    """The rows to export: ``columns`` and ``file``, the postmortem's full path."""
    out = rows.reindex(columns=list(columns)).reset_index(drop=True)
    out["file"] = [
        str(Path(r) / p) if isinstance(r, str) and r else str(p)
        for r, p in zip(out["root"], out["path"], strict=True)
    ]
    out["services"] = pd.Series(
        [
            [str(s) for s in v] if isinstance(v, list | tuple) or hasattr(v, "tolist") else None
            for v in out["services"]
        ],
        index=out.index,
        dtype=object,
    )
    return out


def _target(folder: Path, fmt: str, now: datetime, what: str) -> Path:
    stem = f"pmkit-{what}-{now:%Y%m%d-%H%M%S}"
    target = folder / f"{stem}.{fmt}"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.{fmt}"
        n += 1
    return target


def write_export(
    rows: pd.DataFrame,
    folder: Path,
    fmt: str,
    now: datetime | None = None,
    what: str = "incidents",
) -> Path:
    """Write the rows to a new file in ``folder`` (created) and return its path: ``what`` is
    ``incidents`` (:data:`EXPORT_COLUMNS`) or ``actions`` (:data:`ACTION_EXPORT_COLUMNS`).

    CSV lists a row's services as ``a; b``; Parquet keeps them a list. The file is written under
    a temporary name and renamed, so a reader never sees half of it."""
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if what not in EXPORTS:
        raise ValueError(f"export must be one of {', '.join(EXPORTS)}, got {what!r}")
    folder.mkdir(parents=True, exist_ok=True)
    frame = export_frame(rows, EXPORTS[what])
    target = _target(folder, fmt, now or datetime.now(), what)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if fmt == "csv":
            services = ["; ".join(v) if v is not None else None for v in frame["services"]]
            flat = frame.assign(services=pd.Series(services, index=frame.index, dtype=object))
            flat.to_csv(partial, index=False, encoding="utf-8")
        else:
            con = duckdb.connect()
            try:
                # The relation API takes the file name as an argument: no SQL text is built.
                con.from_df(frame).write_parquet(str(partial))
            finally:
                con.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class ReportCommand:
    """The ``pmkit report`` command line for an explorer state, and what it leaves out."""

    argv: list[str]
    left_out: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The command, shell-quoted, on one line."""
        return shlex.join(self.argv)

    @property
    def lines(self) -> str:
        """The command, shell-quoted, one option a line (``\\`` continues it): easy to read,
        and it pastes into a shell as one command."""
        groups = [shlex.join(self.argv[:2])]
        rest = self.argv[2:]
        i = 0
        while i < len(rest):
            takes_value = i + 1 < len(rest) and not rest[i + 1].startswith("--")
            groups.append(shlex.join(rest[i : i + 2] if takes_value else rest[i : i + 1]))
            i += 2 if takes_value else 1
        return " \\\n  ".join(groups)


def pmkit_executable() -> str:
    """``pmkit`` when it is on the PATH, else the one next to this Python (the venv's)."""
    if shutil.which("pmkit"):
        return "pmkit"
    beside = Path(sys.executable).parent / "pmkit"
    return str(beside) if beside.exists() else "pmkit"


def report_command(
    db_path: Path,
    state: ExploreState,
    picked: Picked,
    first_day: date | None = None,
    query: str = "",
    config_path: Path | None = None,
) -> ReportCommand:
    """The ``pmkit report`` line with the explorer's window and filters, on its database as it
    is (``--no-ingest``), with the explorer's ``pmkit.toml`` (``config_path``: the same
    ``[people]`` and targets). ``first_day`` (the first incident's) stands for "all history".

    A severity selection (the legend) is a filter the report knows: it is carried over,
    together with the severity filter. Everything else that narrows the explorer is listed
    in ``left_out``."""
    argv = [pmkit_executable(), "report", "--db", str(Path(db_path).resolve()), "--no-ingest"]
    if config_path is not None:
        argv += ["--config", str(Path(config_path).resolve())]
    argv += ["--as-of", state.end.isoformat()]
    left_out: list[str] = []
    start = state.start or first_day
    low, high = LOOKBACK_RANGE
    if start is None:
        lookback = 365
        left_out.append("the window (no incident has a date): the report's default, 365 days")
    else:
        lookback = (state.end - start).days
        if lookback < low:
            left_out.append(f"a window of one day: a report's window is at least {low} day")
        elif lookback > high:
            left_out.append(f"a window of {lookback:,} days: a report's is at most {high:,}")
        lookback = min(max(lookback, low), high)
    argv += ["--lookback", str(lookback)]

    levels = list(state.severity_levels)
    chosen = active(picked)
    if LEVEL in chosen:
        picked_levels = {int(v[1:]) for v in chosen[LEVEL] if v.startswith("L")}
        if "unknown" in chosen[LEVEL]:
            left_out.append("severity unknown (a report filters by level only)")
        levels = sorted(set(levels) & picked_levels) if levels else sorted(picked_levels)
        if not levels:
            left_out.append("the severity selection (no level in common with the filter)")
    for level in levels:
        argv += ["--severity", str(level)]
    for option, values in (
        ("--service", state.services),
        ("--team", state.teams),
        ("--template", state.templates),
    ):
        for value in values:
            argv += [option, value]
    if state.action_statuses:
        left_out.append("the action-status filter (" + ", ".join(state.action_statuses) + ")")
    for name, values in chosen.items():
        if name != LEVEL:
            left_out.append(f"the {LABELS[name]} selection ({', '.join(values)})")
    if query.strip():
        left_out.append(f"the table search ({query.strip()})")
    return ReportCommand(argv, left_out)
