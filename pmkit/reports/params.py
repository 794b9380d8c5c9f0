"""Report parameters, checked before papermill sees them.

A bad ``--as-of`` or an unknown notebook name should fail in a tenth of a second with a clear
message, not after a kernel has started. The notebooks' ``parameters`` cells use the same names
as :meth:`ReportParams.notebook_parameters`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pmkit.config import Config, normalize_severity_key
from pmkit.reports.errors import ParameterError

MAX_FUTURE_DAYS = 1
"""How far past today (UTC) ``as_of`` may be: one day of slack for time zones."""
MIN_AS_OF = date(1970, 1, 1)
LOOKBACK_RANGE = (1, 3650)
DEFAULT_LOOKBACK = 365
JOBS_RANGE = (1, 16)


@dataclass(frozen=True)
class ReportParams:
    """What one report run is computed for; passed to every notebook as papermill parameters."""

    db_path: Path
    as_of: date
    lookback_days: int = DEFAULT_LOOKBACK
    severity_levels: tuple[int, ...] = ()
    """Only these severity levels (0 = most severe); empty = all."""
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    only: tuple[str, ...] = field(default=())
    """Notebook names to run; empty = every notebook in the folder."""
    config_path: Path | None = None
    """The ``pmkit.toml`` the notebooks read ([people], [links], [reports], [targets]); None:
    the defaults."""

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
    ``critical``, or one from ``[severity.levels]``), which filters by its level."""
    from pmkit.normalize.severity import parse_severity

    if isinstance(value, bool):
        raise ParameterError(f"--severity must be a level 0..9 or a label like P1, got {value!r}")
    text = str(value).strip()
    if isinstance(value, int) or text.isdigit():
        level = int(text)
        if not 0 <= level <= 9:
            raise ParameterError(f"severity level must be an integer 0..9, got {value!r}")
        return level
    parsed = parse_severity(text, config) if text else None
    if parsed is None or normalize_severity_key(parsed.label) != normalize_severity_key(text):
        raise ParameterError(
            f"--severity {text!r} is neither a level (0..9) nor a severity label "
            "(P1, SEV-2, critical, or one in [severity.levels] of pmkit.toml)"
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


def select_notebooks(notebook_dir: Path, only: tuple[str, ...] | list[str]) -> list[str]:
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


def build_params(
    db_path: Path,
    as_of: str | date | None = None,
    lookback_days: int = DEFAULT_LOOKBACK,
    only: tuple[str, ...] | list[str] = (),
    notebook_dir: Path | None = None,
    severity_levels: tuple[int | str, ...] | list[int | str] = (),
    services: tuple[str, ...] | list[str] = (),
    teams: tuple[str, ...] | list[str] = (),
    templates: tuple[str, ...] | list[str] = (),
    today: date | None = None,
    config_path: Path | None = None,
) -> ReportParams:
    """Validate everything a run needs and return it; raises :class:`ParameterError`.

    ``severity_levels`` may hold levels or labels (``P1``); labels become their level, read
    with the severity table of ``config_path`` (a ``pmkit.toml``; None: the defaults).
    """
    from pmkit.config import ConfigError, load_config

    parsed = parse_as_of(as_of, today)
    check_lookback(lookback_days)
    db_path = Path(db_path).expanduser().resolve()
    if not db_path.is_file():
        raise ParameterError(f"database {db_path} does not exist (run `pmkit ingest` first)")
    if config_path is not None:
        config_path = Path(config_path).expanduser().resolve()
    try:
        config = load_config(config_path) if config_path is not None else Config()
    except ConfigError as exc:
        raise ParameterError(str(exc)) from exc
    levels = tuple(dict.fromkeys(severity_level(v, config) for v in severity_levels))
    for name, values in (("service", services), ("team", teams), ("template", templates)):
        for value in values:
            if not isinstance(value, str) or not value.strip():
                raise ParameterError(f"{name} filter values must be non-empty text, got {value!r}")
    selected: tuple[str, ...] = tuple(only)
    if notebook_dir is not None:
        selected = tuple(select_notebooks(notebook_dir, only))
    return ReportParams(
        db_path=db_path,
        as_of=parsed,
        lookback_days=lookback_days,
        severity_levels=levels,
        services=tuple(services),
        teams=tuple(teams),
        templates=tuple(templates),
        only=selected,
        config_path=config_path,
    )
