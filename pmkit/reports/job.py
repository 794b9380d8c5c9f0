"""The whole ``pmkit report`` job: check parameters, ingest the corpus, run every report.

Parameters that need no database are checked before the ingest, so a typo in ``--as-of`` or
``--only`` fails at once instead of after a long ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from pmkit.reports.errors import ParameterError, ReportError
from pmkit.reports.params import (
    DEFAULT_LOOKBACK,
    build_params,
    check_jobs,
    check_lookback,
    parse_as_of,
    select_notebooks,
    severity_level,
)
from pmkit.reports.runner import DEFAULT_NOTEBOOK_DIR, Progress, RunResult, run_reports


def console_progress(console: Console) -> Progress:
    """Progress lines per notebook (``[2/5] time_to_draft … done in 2.6 s``) on ``console``."""

    def show(event: str, name: str, position: int, total: int, seconds: float | None) -> None:
        step = f"[{position}/{total}]"
        if event == "start":
            console.print(f"{step} {name} …", highlight=False)
        elif event == "done":
            console.print(f"{step} {name} [green]done[/] in {seconds or 0:.1f} s", highlight=False)
        else:
            console.print(
                f"{step} {name} [red]FAILED[/] after {seconds or 0:.1f} s", highlight=False
            )

    return show


def report_job(
    corpus: Path | None,
    db_path: Path,
    out_dir: Path,
    as_of: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK,
    only: Sequence[str] = (),
    notebook_dir: Path = DEFAULT_NOTEBOOK_DIR,
    severity_levels: Sequence[int | str] = (),
    services: Sequence[str] = (),
    teams: Sequence[str] = (),
    templates: Sequence[str] = (),
    console: Console | None = None,
    jobs: int | None = None,
    config_path: Path | None = None,
) -> RunResult:
    """Ingest ``corpus`` into ``db_path`` (incremental; skipped when ``corpus`` is None), then run
    the reports into ``out_dir/<as_of>/``, ``jobs`` notebooks at a time (default: 2, or 1 on a
    one-core machine). ``config_path`` is the ``pmkit.toml`` for both (default: ``./pmkit.toml``
    when there is one). Raises :class:`ReportError` subclasses."""
    from pmkit.config import CONFIG_FILENAME, ConfigError, load_config

    parse_as_of(as_of)
    check_lookback(lookback_days)
    if jobs is not None:
        check_jobs(jobs)
    select_notebooks(notebook_dir, tuple(only))
    if config_path is None and (Path.cwd() / CONFIG_FILENAME).is_file():
        config_path = Path.cwd() / CONFIG_FILENAME
    try:
        config = load_config(config_path) if config_path is not None else None
    except ConfigError as exc:
        raise ParameterError(str(exc)) from exc
    for value in severity_levels:
        severity_level(value, config)
    if corpus is not None:
        if not corpus.is_dir():
            raise ParameterError(f"corpus folder {corpus} does not exist (or use --no-ingest)")
        from pmkit.store import IngestError, ingest_paths

        try:
            summary = ingest_paths([corpus], db_path, progress=False, config=config)
        except IngestError as exc:
            raise ReportError(f"ingest of {corpus} failed: {exc}") from exc
        if console:
            console.print(f"ingested {corpus}:\n{summary.render()}", highlight=False)
    params = build_params(
        db_path,
        as_of,
        lookback_days,
        only=tuple(only),
        notebook_dir=notebook_dir,
        severity_levels=tuple(severity_levels),
        services=tuple(services),
        teams=tuple(teams),
        templates=tuple(templates),
        config_path=config_path,
    )
    progress = console_progress(console) if console else None
    return run_reports(params, out_dir, notebook_dir, progress, jobs)
