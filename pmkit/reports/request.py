"""One report run, asked for once: ``ReportRequest``, built and validated before anything runs.

The CLI (or any caller) builds the request with :meth:`ReportRequest.build`, which checks every
value a user typed: a bad ``--as-of`` or an unknown notebook name fails in a tenth of a second
with a clear message, not after an ingest or a kernel start. The request is then passed whole to
the job (``pmkit.reports.job``), the runner and, as papermill parameters, to every notebook; the
notebooks' ``parameters`` cells use the names of :meth:`ReportRequest.notebook_parameters`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from pmkit.config import (
    MAX_SEVERITY_LEVEL,
    Config,
    ConfigError,
    check_severity_level,
    find_config_file,
    load_config,
    normalize_severity_key,
)
from pmkit.reports.errors import OutputNotWritable, ParameterError

DEFAULT_NOTEBOOK_DIR = Path(str(resources.files("pmkit").joinpath("reports", "notebooks")))
"""The shipped report notebooks (package data: ``pmkit/reports/notebooks/``)."""
MAX_FUTURE_DAYS = 1
"""How far past today (UTC) ``as_of`` may be: one day of slack for time zones."""
MIN_AS_OF = date(1970, 1, 1)
LOOKBACK_RANGE = (1, 3650)
DEFAULT_LOOKBACK = 365
JOBS_RANGE = (1, 16)


@dataclass(frozen=True)
class ReportRequest:
    """What one report run is computed for, and where it goes; every path absolute."""

    db_path: Path
    as_of: date
    lookback_days: int = DEFAULT_LOOKBACK
    out_dir: Path = Path("reports").absolute()
    """Runs go to ``out_dir/<as_of>/``, the list of runs to ``out_dir/index.html``."""
    corpora: tuple[Path, ...] = ()
    """Folders ingested (incrementally) into ``db_path`` before the notebooks run; empty: none."""
    severity_levels: tuple[int, ...] = ()
    """Only these severity levels (0 = most severe); empty = all."""
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    """The notebooks to run (names), in running order (``summary`` last)."""
    notebook_dir: Path = DEFAULT_NOTEBOOK_DIR
    jobs: int | None = None
    """Notebooks run at a time; None: 2, or 1 on a one-core machine."""
    config_path: Path | None = None
    """The ``pmkit.toml`` the ingest and the notebooks read ([people], [links], [reports],
    [targets], [register]...); None: the defaults."""

    @classmethod
    def build(
        cls,
        db_path: Path | str,
        as_of: str | date | None = None,
        lookback_days: int = DEFAULT_LOOKBACK,
        *,
        out_dir: Path | str = Path("reports"),
        corpora: Sequence[Path | str] = (),
        only: Sequence[str] = (),
        notebook_dir: Path | None = None,
        severity_levels: Sequence[int | str] = (),
        services: Sequence[str] = (),
        teams: Sequence[str] = (),
        templates: Sequence[str] = (),
        jobs: int | None = None,
        config_path: Path | str | None = None,
        today: date | None = None,
    ) -> ReportRequest:
        """Check everything a run needs and return it; raises :class:`ParameterError`.

        ``severity_levels`` may hold levels or labels (``P1``); labels become their level, read
        with the severity table of the ``pmkit.toml`` (``config_path``, else the one
        ``pmkit.config.find_config_file`` finds). Without ``corpora`` the database must exist.
        """
        parsed = parse_as_of(as_of, today)
        check_lookback(lookback_days)
        if jobs is not None:
            check_jobs(jobs)
        folder = Path(notebook_dir) if notebook_dir is not None else DEFAULT_NOTEBOOK_DIR
        selected = tuple(select_notebooks(folder, only))
        found = Path(config_path) if config_path is not None else find_config_file()
        config_file = found.expanduser().resolve() if found is not None else None
        try:
            config = load_config(config_file) if config_file is not None else Config()
        except ConfigError as exc:
            raise ParameterError(str(exc)) from exc
        levels = tuple(dict.fromkeys(severity_level(v, config) for v in severity_levels))
        for name, values in (("service", services), ("team", teams), ("template", templates)):
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    raise ParameterError(
                        f"{name} filter values must be non-empty text, got {value!r}"
                    )
        folders = tuple(Path(c).expanduser().resolve() for c in corpora)
        for corpus in folders:
            if not corpus.is_dir():
                raise ParameterError(f"corpus folder {corpus} does not exist (or use --no-ingest)")
        db = Path(db_path).expanduser().resolve()
        if not folders and not db.is_file():
            raise ParameterError(f"database {db} does not exist (run `pmkit ingest` first)")
        out = Path(out_dir).expanduser().absolute()
        check_writable(out)
        return cls(
            db_path=db,
            as_of=parsed,
            lookback_days=lookback_days,
            out_dir=out,
            corpora=folders,
            severity_levels=levels,
            services=tuple(services),
            teams=tuple(teams),
            templates=tuple(templates),
            only=selected,
            notebook_dir=folder,
            jobs=jobs,
            config_path=config_file,
        )

    def config(self) -> Config:
        """The settings of this run (the defaults without a ``pmkit.toml``)."""
        return load_config(self.config_path) if self.config_path is not None else Config()

    def notebook_parameters(self) -> dict[str, Any]:
        """The values injected into each notebook's ``parameters`` cell (plain JSON types)."""
        return {
            "db_path": str(self.db_path),
            "as_of": self.as_of.isoformat(),
            "lookback_days": self.lookback_days,
            "severity_levels": list(self.severity_levels),
            "services": list(self.services),
            "teams": list(self.teams),
            "templates": list(self.templates),
            "config_path": "" if self.config_path is None else str(self.config_path),
        }


def check_writable(folder: Path) -> Path:
    """``folder``, when it (or, not made yet, the nearest folder above it) can be written;
    else :class:`OutputNotWritable`, before any ingest or kernel has run."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        why = "not a folder" if existing.exists() and not existing.is_dir() else "not writable"
        raise OutputNotWritable(f"cannot write the reports folder {folder}: {existing} is {why}")
    return folder


def today_utc() -> date:
    """Today's date in UTC (the default ``--as-of``)."""
    return datetime.now(UTC).date()


def parse_as_of(value: str | date | None, today: date | None = None) -> date:
    """An ISO date (``YYYY-MM-DD``) not in the future (beyond one day of slack) nor before 1970."""
    today = today or today_utc()
    if value is None:
        return today
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    else:
        text = str(value).strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            parsed = date.fromisoformat(text)
        except ValueError as exc:
            raise ParameterError(
                f"--as-of must be an ISO date like 2026-11-16, got {value!r}"
            ) from exc
    if parsed > today + timedelta(days=MAX_FUTURE_DAYS):
        raise ParameterError(
            f"--as-of {parsed.isoformat()} is in the future (today is {today.isoformat()} UTC)"
        )
    if parsed < MIN_AS_OF:
        raise ParameterError(f"--as-of {parsed.isoformat()} is before {MIN_AS_OF.isoformat()}")
    return parsed


def check_lookback(days: int) -> int:
    """A lookback window between 1 day and 10 years."""
    low, high = LOOKBACK_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise ParameterError(
            f"--lookback must be a whole number of days in {low}..{high}, got {days!r}"
        )
    return days


def check_jobs(jobs: int) -> int:
    """How many notebooks run at a time: a whole number from 1 to 16."""
    low, high = JOBS_RANGE
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not low <= jobs <= high:
        raise ParameterError(f"--jobs must be a whole number in {low}..{high}, got {jobs!r}")
    return jobs


def severity_level(value: int | str, config: Config | None = None) -> int:
    """A ``--severity`` value as a level: a level (``1``) or a label (``P1``, ``SEV-2``,
    ``critical``, or one from ``[severity.levels]``), which filters by its level. Levels follow
    the one rule of ``pmkit.config.check_severity_level``."""
    from pmkit.normalize.severity import parse_severity

    text = str(value).strip()
    if isinstance(value, bool) or isinstance(value, int) or text.isdigit():
        try:
            return check_severity_level(
                value if isinstance(value, int) else int(text), "--severity"
            )
        except ValueError as exc:
            raise ParameterError(str(exc)) from exc
    parsed = parse_severity(text, config) if text else None
    if parsed is None or normalize_severity_key(parsed.label) != normalize_severity_key(text):
        raise ParameterError(
            f"--severity {text!r} is neither a level (0..{MAX_SEVERITY_LEVEL}) nor a severity "
            "label (P1, SEV-2, critical, or one in [severity.levels] of pmkit.toml)"
        )
    return parsed.level


def available_notebooks(notebook_dir: Path) -> list[str]:
    """Names (file stems) of the report notebooks in ``notebook_dir``, ``summary`` last.

    The summary links to the others, so it starts after them.
    """
    if not notebook_dir.is_dir():
        raise ParameterError(f"notebook folder {notebook_dir} does not exist")
    names = sorted(p.stem for p in notebook_dir.glob("*.ipynb") if not p.name.startswith("."))
    return sorted(names, key=lambda n: (n == "summary", n))


def select_notebooks(notebook_dir: Path, only: Sequence[str]) -> list[str]:
    """The notebooks to run: all of them, or the ``only`` ones, each of which must exist."""
    names = available_notebooks(notebook_dir)
    if not names:
        raise ParameterError(f"no report notebooks (*.ipynb) in {notebook_dir}")
    if not only:
        return names
    unknown = [n for n in only if n not in names]
    if unknown:
        raise ParameterError(
            f"unknown report {', '.join(map(repr, unknown))}; known: {', '.join(names)}"
        )
    return [n for n in names if n in set(only)]
