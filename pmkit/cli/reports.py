"""Commands about reports: report (ingest, then run the notebooks), schedule, owed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pmkit.cli.common import config_option, database, db_option, known_error, settings

CORPUS_HELP = "[default: corpus_dir of pmkit.toml, else data/corpus]"
OUT_HELP = "[default: reports_dir of pmkit.toml, else reports]"


@click.command()
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Report day, YYYY-MM-DD [default: today, UTC]."
)
@click.option(
    "--lookback", type=int, default=365, show_default=True, help="Window in days (1..3650)."
)
@click.option("--only", multiple=True, metavar="NAME", help="Run only this report (repeatable).")
@db_option()
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Postmortem folder, ingested (incrementally) before the reports run (repeatable, "
    f"like `pmkit ingest PATHS...`) {CORPUS_HELP}.",
)
@click.option("--no-ingest", is_flag=True, help="Report on the database as it is.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Reports folder: runs go to OUT/<as-of>/, the list of runs to OUT/index.html {OUT_HELP}.",
)
@click.option(
    "--notebooks",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of report notebooks [default: the shipped pmkit/reports/notebooks].",
)
@click.option(
    "--severity",
    multiple=True,
    help="Only this severity: a level (1) or a label (P1, SEV-2) (repeatable).",
)
@click.option("--service", multiple=True, help="Only incidents listing this service (repeatable).")
@click.option("--team", multiple=True, help="Only this team's incidents (repeatable).")
@click.option("--template", multiple=True, help="Only this template shape, e.g. seed-002.")
@click.option(
    "--jobs",
    type=int,
    default=None,
    help="Notebooks run at a time (1..16) [default: 2, or 1 on a one-core machine].",
)
@config_option("for the ingest and the reports")
def report(
    as_of: str | None,
    lookback: int,
    only: tuple[str, ...],
    db_path: Path | None,
    corpora: tuple[Path, ...],
    no_ingest: bool,
    out: Path | None,
    notebooks: Path | None,
    severity: tuple[str, ...],
    service: tuple[str, ...],
    team: tuple[str, ...],
    template: tuple[str, ...],
    jobs: int | None,
    config_path: Path | None,
) -> None:
    """Ingest the corpus, run every report notebook with papermill and write OUT/<as-of>/ (HTML
    and executed notebooks, published atomically) and OUT/index.html."""
    from rich.console import Console

    from pmkit.reports import ReportError, ReportRequest
    from pmkit.reports.job import report_job

    if no_ingest and corpora:
        raise click.UsageError("--no-ingest and --corpus: give one or the other")
    config = settings(config_path)
    folders = () if no_ingest else (corpora or (config.locate(config.corpus_dir),))
    try:
        request = ReportRequest.build(
            database(db_path, config),
            as_of,
            lookback,
            out_dir=out if out is not None else config.locate(config.reports_dir),
            corpora=folders,
            only=only,
            notebook_dir=notebooks,
            severity_levels=severity,
            services=service,
            teams=team,
            templates=template,
            jobs=jobs,
            config_path=config.source,
        )
        result = report_job(request, Console(stderr=True))
    except ReportError as exc:
        raise known_error(exc) from exc
    click.echo(f"reports: {result.run_dir}")
    click.echo(f"index:   {result.index_path}")


@click.command()
@click.option(
    "--cron", default="0 7 * * MON", show_default=True, help="When to run (crontab syntax)."
)
@click.option("--install", is_flag=True, help="Add the line to your crontab (idempotent).")
@click.option("--systemd", is_flag=True, help="Print a systemd user service + timer instead.")
@db_option("DuckDB file the scheduled run ingests into and reports on.")
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Postmortem folder each run ingests first (repeatable) {CORPUS_HELP}.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Reports folder each run writes OUT/<as-of>/ and OUT/index.html into {OUT_HELP}.",
)
@click.option(
    "--lookback",
    type=click.IntRange(1, 3650),
    default=365,
    show_default=True,
    help="Window in days of each run.",
)
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Log file [default: OUT/pmkit-report.log].",
)
@click.option("--only", multiple=True, metavar="NAME", help="Run only this report (repeatable).")
@config_option("passed to each run")
def schedule(
    cron: str,
    install: bool,
    systemd: bool,
    db_path: Path | None,
    corpora: tuple[Path, ...],
    out: Path | None,
    lookback: int,
    log_file: Path | None,
    only: tuple[str, ...],
    config_path: Path | None,
) -> None:
    """Print (or install) a crontab line, or a systemd timer, that runs `pmkit report` with
    absolute paths and appends to a log file. Paths are taken relative to the current folder."""
    from pmkit.reports.schedule import (
        ReportSchedule,
        ScheduleError,
        crontab_line,
        install_crontab,
        systemd_units,
    )

    if install and systemd:
        raise click.UsageError("--install edits the crontab; copy the --systemd units yourself")
    config = settings(config_path)
    try:
        spec = ReportSchedule.create(
            Path.cwd(),
            database(db_path, config),
            corpora or (config.locate(config.corpus_dir),),
            out if out is not None else config.locate(config.reports_dir),
            log_file,
            lookback,
            cron,
            only,
            config.source,
        )
        if systemd:
            service, timer = systemd_units(spec)
            click.echo(f"# ~/.config/systemd/user/pmkit-report.service\n{service}")
            click.echo(f"# ~/.config/systemd/user/pmkit-report.timer\n{timer}")
            click.echo(
                "# then: systemctl --user daemon-reload && "
                "systemctl --user enable --now pmkit-report.timer"
            )
            return
        if install:
            install_crontab(spec)
            click.echo(f"installed in your crontab:\n{crontab_line(spec)}")
            return
        click.echo(crontab_line(spec))
    except ScheduleError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@db_option()
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Day to judge at, YYYY-MM-DD [default: today, UTC]."
)
@config_option("[policy], [targets], [people]")
def owed(db_path: Path | None, as_of: str | None, config_path: Path | None) -> None:
    """List the postmortems owed: register incidents the [policy] says need one, resolved by
    as-of, with none drafted. Exit 1 when any is past its draft target (for a daily job)."""
    from pmkit.metrics.owed import owed_report

    config = settings(config_path)
    try:
        text, late = owed_report(database(db_path, config), as_of, config)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(text)
    if late:
        sys.exit(1)
