"""Scheduling ``pmkit report`` with what every machine already has: cron or a systemd timer.

Nothing here runs a daemon. :func:`crontab_line` and :func:`systemd_units` print entries that run
the same ``pmkit report`` with absolute paths and append to a log file; :func:`install_crontab`
adds the line to the current user's crontab (replacing an earlier pmkit line: idempotent).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CRON = "0 7 * * MON"
MARKER = "# pmkit-report"
"""Ends the crontab line, so a later ``--install`` finds and replaces it."""
UNIT_NAME = "pmkit-report"

_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
_SYSTEMD_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
_NAMES = ["minute", "hour", "day of month", "month", "day of week"]


class ScheduleError(ValueError):
    """A cron expression or crontab that cannot be used; the message says which part."""


@dataclass(frozen=True)
class ReportSchedule:
    """What the scheduled job runs; every path absolute."""

    workdir: Path
    db_path: Path
    corpora: tuple[Path, ...]
    """The postmortem folders each run ingests first."""
    out_dir: Path
    log_file: Path
    lookback_days: int = 365
    cron: str = DEFAULT_CRON
    only: tuple[str, ...] = ()
    """Run only these reports (``--only``); empty = all."""
    config: Path | None = None
    """The ``pmkit.toml`` each run reads (``--config``); None: found as every run finds it."""
    program: tuple[str, ...] = ()
    """How to start pmkit; default: this interpreter with ``-m pmkit.cli``."""

    @classmethod
    def create(
        cls,
        workdir: Path,
        db_path: Path,
        corpora: Sequence[Path] | Path,
        out_dir: Path,
        log_file: Path | None = None,
        lookback_days: int = 365,
        cron: str = DEFAULT_CRON,
        only: tuple[str, ...] = (),
        config: Path | None = None,
    ) -> ReportSchedule:
        """Resolve every path against ``workdir`` and check the cron expression."""
        workdir = Path(workdir).expanduser().resolve()

        def absolute(p: Path) -> Path:
            p = Path(p).expanduser()
            return (p if p.is_absolute() else workdir / p).resolve()

        out = absolute(out_dir)
        log = absolute(log_file) if log_file else out / "pmkit-report.log"
        check_cron(cron)
        folders = (corpora,) if isinstance(corpora, Path | str) else tuple(corpora)
        made = cls(
            workdir,
            absolute(db_path),
            tuple(absolute(c) for c in folders),
            out,
            log,
            lookback_days,
            cron,
            tuple(only),
            absolute(config) if config is not None else None,
        )
        paths = [made.workdir, made.db_path, *made.corpora, out, log]
        paths += [made.config] if made.config is not None else []
        for value in (*map(str, paths), *only):
            # a crontab and a systemd unit are line-based: a line break would start a new entry
            if any(c in value for c in "\n\r\x00"):
                raise ScheduleError(f"{value!r}: a line break cannot go into a crontab or unit")
        return made

    def argv(self) -> list[str]:
        """The ``pmkit report`` command line (``--as-of`` left out: each run uses its own today)."""
        program = list(self.program) or [sys.executable, "-m", "pmkit.cli"]
        return [
            *program,
            "report",
            "--db",
            str(self.db_path),
            *[arg for corpus in self.corpora for arg in ("--corpus", str(corpus))],
            *(["--config", str(self.config)] if self.config is not None else []),
            "--out",
            str(self.out_dir),
            "--lookback",
            str(self.lookback_days),
            *[arg for name in self.only for arg in ("--only", name)],
        ]

    def shell_command(self) -> str:
        """One ``sh`` line: make the log folder, cd to the work folder, run, append to the log."""
        run = " ".join(shlex.quote(a) for a in self.argv())
        log = shlex.quote(str(self.log_file))
        return (
            f"mkdir -p {shlex.quote(str(self.log_file.parent))} && "
            f"cd {shlex.quote(str(self.workdir))} && {run} >> {log} 2>&1"
        )


def _cron_value(part: str, index: int) -> int:
    low, high = _RANGES[index]
    if part.isdigit():
        value = int(part)
    elif index == 4 and part.upper() in _DAYS:
        value = _DAYS.index(part.upper())
    elif index == 3 and part.upper() in _MONTHS:
        value = _MONTHS.index(part.upper()) + 1
    else:
        raise ScheduleError(f"cron {_NAMES[index]} {part!r} is not a value")
    if not low <= value <= high:
        raise ScheduleError(f"cron {_NAMES[index]} {part} is outside {low}..{high}")
    return value


def check_cron(expr: str) -> list[str]:
    """Split a five-field cron expression, rejecting anything cron would not take."""
    fields = expr.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"cron expression needs 5 fields (minute hour day month weekday), got {expr!r}"
        )
    for index, value in enumerate(fields):
        for item in value.split(","):
            base, _, step = item.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                raise ScheduleError(f"cron {_NAMES[index]} step {step!r} is not a positive number")
            if base == "*":
                continue
            bounds = [_cron_value(b, index) for b in base.split("-")]
            if len(bounds) > 2 or bounds != sorted(bounds):
                raise ScheduleError(f"cron {_NAMES[index]} range {base!r} is not valid")
    return fields


_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def crontab_line(schedule: ReportSchedule) -> str:
    """The crontab entry (``%`` escaped, as cron requires), ending with :data:`MARKER`."""
    return f"{schedule.cron} {schedule.shell_command().replace('%', chr(92) + '%')} {MARKER}"


def _systemd_field(value: str, names: list[str] | None = None, first: int = 0) -> str:
    """A cron field in systemd calendar syntax: ``*/15`` -> ``0/15``, lists and ranges kept."""
    parts = []
    for part in value.split(","):
        if part.startswith("*/"):
            parts.append(f"{first}/{part[2:]}" if names is None else part)
            continue
        if names is not None:
            part = "..".join(_day_name(p, names) for p in part.split("-"))
        else:
            part = part.replace("-", "..")
        parts.append(part)
    return ",".join(parts)


def _day_name(part: str, names: list[str]) -> str:
    if part.isdigit():
        return names[int(part) % 7]
    return names[_DAYS.index(part.upper())]


def on_calendar(cron: str) -> str:
    """Translate a cron expression to a systemd ``OnCalendar=`` value."""
    minute, hour, dom, month, dow = check_cron(cron)
    if "/" in dow or "/" in month and not month.startswith("*/"):
        raise ScheduleError(
            f"cannot translate {cron!r} to a systemd timer; write OnCalendar= by hand"
        )
    months = month.upper()
    for i, name in enumerate(_MONTHS, start=1):
        months = months.replace(name, str(i))
    days = "" if dow == "*" else _systemd_field(dow, _SYSTEMD_DAYS) + " "
    month_, day_, hour_, minute_ = (
        "*" if value == "*" else re.sub(r"\b(\d)\b", r"0\1", _systemd_field(value, first=first))
        for value, first in ((months, 1), (dom, 1), (hour, 0), (minute, 0))
    )
    return f"{days}*-{month_}-{day_} {hour_}:{minute_}:00"


def systemd_units(schedule: ReportSchedule) -> tuple[str, str]:
    """A user service + timer pair (for ``~/.config/systemd/user/``) running the same report."""
    exec_start = " ".join(shlex.quote(a) for a in schedule.argv())
    service = f"""[Unit]
Description=pmkit postmortem reports (pmkit report)

[Service]
Type=oneshot
WorkingDirectory={schedule.workdir}
ExecStartPre=/bin/mkdir -p {schedule.log_file.parent}
ExecStart={exec_start}
StandardOutput=append:{schedule.log_file}
StandardError=append:{schedule.log_file}
"""
    timer = f"""[Unit]
Description=Run pmkit reports on a schedule ({schedule.cron})

[Timer]
OnCalendar={on_calendar(schedule.cron)}
Persistent=true
Unit={UNIT_NAME}.service

[Install]
WantedBy=timers.target
"""
    return service, timer


def _run_crontab(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["crontab", *args], input=stdin, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise ScheduleError("the `crontab` command is not installed on this machine") from exc


def merge_crontab(current: str, line: str) -> str:
    """``current`` with every earlier pmkit line replaced by ``line`` (once, at the end)."""
    kept = [row for row in current.splitlines() if not row.rstrip().endswith(MARKER)]
    return "\n".join([*kept, line]) + "\n"


def install_crontab(schedule: ReportSchedule) -> str:
    """Add (or replace) the pmkit line in the current user's crontab; returns the new crontab."""
    listed = _run_crontab(["-l"])
    if listed.returncode == 0:
        current = listed.stdout
    elif "no crontab" in listed.stderr.lower():
        current = ""
    else:
        raise ScheduleError(f"`crontab -l` failed: {listed.stderr.strip()}")
    merged = merge_crontab(current, crontab_line(schedule))
    written = _run_crontab(["-"], merged)
    if written.returncode != 0:
        raise ScheduleError(f"`crontab -` failed: {written.stderr.strip()}")
    return merged
