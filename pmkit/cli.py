"""The ``pmkit`` command: a thin layer over the library (each command parses options, calls one
function, and turns known errors into clean messages)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from pmkit import __version__
from pmkit.config import ConfigError

DEFAULT_DB = Path("data/pmkit.duckdb")


class SetupError(click.ClickException):
    """A problem with the set-up, not the data: a database folder that cannot be written, a bad
    ``pmkit.toml``. One line, exit status 2 (as for a bad option)."""

    exit_code = 2


def _ingest_failed(exc: Exception) -> click.ClickException:
    """An ingest error as a one-line CLI error: exit 2 when the database cannot be written."""
    from pmkit.store import DatabaseNotWritable

    cause = exc if isinstance(exc, DatabaseNotWritable) else exc.__cause__
    if isinstance(cause, DatabaseNotWritable):
        return SetupError(str(exc))
    return click.ClickException(str(exc))


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="DuckDB file to write or read.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmkit")
def cli() -> None:
    """pmkit: parse a corpus of Markdown postmortems into DuckDB, report on it, draft new ones."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--strict", is_flag=True, help="Exit 1 when any error-level parse issue exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, summary only.")
@click.option(
    "--register",
    "registers",
    multiple=True,
    metavar="[FORMAT:]FILE",
    help="An incident export (pagerduty, opsgenie, incidentio, jira or generic; recognised "
    "from its columns when FORMAT is left out), besides [register] in pmkit.toml (repeatable).",
)
@click.option("--register-tz", metavar="ZONE", help="Zone of --register dates written without one.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="pmkit.toml [default: ./pmkit.toml if present].",
)
def ingest(
    paths: tuple[Path, ...],
    db_path: Path,
    strict: bool,
    quiet: bool,
    registers: tuple[str, ...],
    register_tz: str | None,
    config_path: Path | None,
) -> None:
    """Parse the postmortems under PATHS (files or folders, recursively) into the database.

    Incremental: unchanged files are skipped, changed files replace their rows and files that are
    gone are removed. One transaction: a crash never leaves half an ingest.
    """
    from pmkit.config import load_config
    from pmkit.store import IngestError, ingest_paths

    _check_exist(paths)
    try:
        config = load_config(config_path)
        sources = [*config.register_sources, *_register_sources(registers, register_tz)]
        summary = ingest_paths(
            list(paths),
            db_path,
            progress=not quiet and sys.stderr.isatty(),
            config=config,
            registers=sources,
        )
    except IngestError as exc:
        raise _ingest_failed(exc) from exc
    click.echo(summary.render())
    if strict and summary.errors:
        sys.exit(1)


def _register_sources(values: tuple[str, ...], timezone: str | None) -> list:
    """``--register [FORMAT:]FILE`` values as ``RegisterSource``s (a missing file: usage error)."""
    from pmkit.config import RegisterSource
    from pmkit.register.formats import FORMAT_NAMES

    out = []
    for value in values:
        fmt, _, rest = value.partition(":")
        if rest and fmt in FORMAT_NAMES:
            path, name = Path(rest), fmt
        else:
            path, name = Path(value), None
        if not path.is_file():
            raise click.UsageError(f"--register: no such file: {path}")
        out.append(RegisterSource(path, name, timezone))
    return out


@cli.command()
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/corpus"),
    show_default=True,
    help="Corpus folder the form saves into.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8866,
    show_default=True,
    help="Port on 127.0.0.1.",
)
@db_option
@click.option(
    "--template",
    type=click.Choice(["canonical", "seed-000", "seed-001", "seed-002", "seed-004"]),
    default="canonical",
    show_default=True,
    help="Template the form writes.",
)
def draft(corpus: Path, port: int, db_path: Path, template: str) -> None:
    """Serve the drafting form (notebooks/draft.ipynb) with Voila on 127.0.0.1 and print its URL."""
    from pmkit.draft.serve import PortInUseError, check_port, serve, serve_spec

    try:
        check_port(port)
    except PortInUseError as exc:
        raise click.ClickException(str(exc)) from exc
    spec = serve_spec(corpus, port, db_path, template)
    click.echo(f"Drafting form: {spec.url}  (Ctrl-C stops it)", err=False)
    sys.stdout.flush()
    code = serve(spec)
    if code:
        raise click.ClickException(f"voila exited with status {code}")


@cli.command()
@click.option(
    "--n",
    "n",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Number of postmortems to write.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2024-11-16",
    show_default=True,
    help="First possible incident day (UTC).",
)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2026-11-16",
    show_default=True,
    help="As-of day: incidents end before it, action status is as of it.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write YYYY/MM/<date>-<slug>.md files into.",
)
@click.option(
    "--register",
    "register_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the corpus's incident register here, one export per tool format.",
)
def synth(
    n: int, seed: int, start: datetime, end: datetime, out: Path, register_dir: Path | None
) -> None:
    """Write N synthetic postmortems in every shape pmkit reads, byte-for-byte the same per seed."""
    from pmkit.synth import write_corpus

    try:
        written = write_corpus(n, seed, start.date(), end.date(), out)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {len(written)} postmortems to {out}")
    if register_dir is not None:
        from pmkit.synth.register import write_register

        truth = write_register(written, seed, end.date(), register_dir)
        click.echo(
            f"wrote a register of {len(truth.rows)} incidents to {register_dir} "
            f"({len(truth.owed())} postmortems owed at {end.date()})"
        )


@cli.command()
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Report day, YYYY-MM-DD [default: today, UTC]."
)
@click.option(
    "--lookback", type=int, default=365, show_default=True, help="Window in days (1..3650)."
)
@click.option("--only", multiple=True, metavar="NAME", help="Run only this report (repeatable).")
@db_option
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/corpus"),
    show_default=True,
    help="Postmortem folder, ingested (incrementally) before the reports run.",
)
@click.option("--no-ingest", is_flag=True, help="Report on the database as it is.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Reports folder: runs go to OUT/<as-of>/, the list of runs to OUT/index.html.",
)
@click.option(
    "--notebooks",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of report notebooks [default: the shipped notebooks/reports].",
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
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="pmkit.toml for the ingest and the reports [default: ./pmkit.toml if present].",
)
def report(
    as_of: str | None,
    lookback: int,
    only: tuple[str, ...],
    db_path: Path,
    corpus: Path,
    no_ingest: bool,
    out: Path,
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

    from pmkit.reports import DEFAULT_NOTEBOOK_DIR, ReportError
    from pmkit.reports.job import report_job

    try:
        result = report_job(
            None if no_ingest else corpus,
            db_path,
            out,
            as_of=as_of,
            lookback_days=lookback,
            only=only,
            notebook_dir=notebooks or DEFAULT_NOTEBOOK_DIR,
            severity_levels=severity,
            services=service,
            teams=team,
            templates=template,
            jobs=jobs,
            config_path=config_path,
            console=Console(stderr=True),
        )
    except ReportError as exc:
        raise _ingest_failed(exc) from exc
    click.echo(f"reports: {result.run_dir}")
    click.echo(f"index:   {result.index_path}")


@cli.command()
@click.option(
    "--cron", default="0 7 * * MON", show_default=True, help="When to run (crontab syntax)."
)
@click.option("--install", is_flag=True, help="Add the line to your crontab (idempotent).")
@click.option("--systemd", is_flag=True, help="Print a systemd user service + timer instead.")
@db_option
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("data/corpus")
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"))
@click.option("--lookback", type=click.IntRange(1, 3650), default=365, show_default=True)
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Log file [default: OUT/pmkit-report.log].",
)
@click.option("--only", multiple=True, metavar="NAME", help="Run only this report (repeatable).")
def schedule(
    cron: str,
    install: bool,
    systemd: bool,
    db_path: Path,
    corpus: Path,
    out: Path,
    lookback: int,
    log_file: Path | None,
    only: tuple[str, ...],
) -> None:
    """Print (or install) a crontab line, or a systemd timer, that runs `pmkit report` with
    absolute paths and appends to a log file. Paths are taken relative to the current folder."""
    from pmkit.schedule import (
        ReportSchedule,
        ScheduleError,
        crontab_line,
        install_crontab,
        systemd_units,
    )

    if install and systemd:
        raise click.UsageError("--install edits the crontab; copy the --systemd units yourself")
    try:
        spec = ReportSchedule.create(
            Path.cwd(), db_path, corpus, out, log_file, lookback, cron, only
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


@cli.command()
@db_option
@click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Taxonomy TOML [default: taxonomy_path from pmkit.toml, else data/taxonomy.toml].",
)
def classify(db_path: Path, taxonomy_path: Path | None) -> None:
    """Re-categorise contributing factors and triggers after editing the taxonomy (no re-parse)."""
    from pmkit.config import load_config
    from pmkit.store import IngestError, classify_database
    from pmkit.taxonomy import TaxonomyError

    try:
        summary = classify_database(db_path, load_config(), taxonomy_path)
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from exc
    except IngestError as exc:
        raise _ingest_failed(exc) from exc
    click.echo(summary.render())


@cli.command()
@click.option(
    "--coverage",
    "coverage_db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="DB",
    help="Print the field coverage of the database DB: for each incidents column the share of "
    "incidents that have it, for each milestone the share by source.",
)
def stats(coverage_db: Path) -> None:
    """Statistics about an ingested database (the parser's field coverage)."""
    from pmkit.metrics.fields import CoverageError, field_coverage

    try:
        click.echo(field_coverage(coverage_db).render())
    except CoverageError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="path:line: level: message lines, or a JSON list.",
)
def lint(paths: tuple[Path, ...], fmt: str) -> None:
    """Check postmortem files (or folders of them) against the postmortem process.

    Exit status 1 when any error is found (missing field, placeholder left, untracked action...),
    0 when there are only warnings (late draft or review, blaming language) or nothing; 2 for a
    path that does not exist. The text output ends with a totals line.
    """
    from pmkit.config import load_config
    from pmkit.lint import has_errors, lint_run, render, totals

    _check_exist(paths)
    run = lint_run(list(paths), load_config())
    out = render(run.messages, fmt)
    if out:
        click.echo(out)
    if fmt == "text":
        click.echo(totals(run.messages, run.files))
    if has_errors(run.messages):
        sys.exit(1)


def _check_exist(paths: tuple[Path, ...]) -> None:
    """A usage error (exit 2) naming the paths that do not exist."""
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")


@cli.command()
@db_option
@click.option(
    "--as-of", "as_of", metavar="DATE", help="Day to judge at, YYYY-MM-DD [default: today, UTC]."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="pmkit.toml ([policy], [targets], [people]) [default: ./pmkit.toml if present].",
)
def owed(db_path: Path, as_of: str | None, config_path: Path | None) -> None:
    """List the postmortems owed: register incidents the [policy] says need one, resolved by
    as-of, with none drafted. Exit 1 when any is past its draft target (for a daily job)."""
    from pmkit.metrics.owed import owed_report

    try:
        text, late = owed_report(db_path, as_of, config_path)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(text)
    if late:
        sys.exit(1)


@cli.command()
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@db_option
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="How many.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Bring the database's similar incidents up to date (as ingest does, also above "
    "[recurrence] max_incidents) instead of comparing a file.",
)
@click.option("--full", is_flag=True, help="With --refresh: refit the model, score everything.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="pmkit.toml [default: ./pmkit.toml if present].",
)
def similar(
    path: Path | None, db_path: Path, k: int, refresh: bool, full: bool, config_path: Path | None
) -> None:
    """Print the past postmortems most like the one in PATH (a draft: parsed, not ingested),
    best first, each with its score and why (shared service, trigger, factors, text); or, with
    --refresh, compute the database's similar incidents now."""
    from pmkit.config import ConfigError, load_config

    if (path is None) == (not refresh):
        raise click.UsageError("give a PATH to compare, or --refresh (not both)")
    try:
        config = load_config(config_path)
        if refresh:
            from pmkit.store import IngestError
            from pmkit.store.similar import refresh_database

            try:
                click.echo(refresh_database(db_path, config, full=full).render())
            except IngestError as exc:
                raise click.ClickException(str(exc)) from exc
            return
        from pmkit.similar.draft import for_file

        assert path is not None
        results, errors = for_file(path, db_path, k, config)
    except (ConfigError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    for message in errors:
        click.echo(f"error: {message}", err=True)
    for pm, found in results:
        click.echo(f"{path}: {pm.title or pm.incident_id}")
        if not found:
            click.echo("  no similar past postmortem")
        for n, s in enumerate(found, start=1):
            day = s.day.isoformat() if s.day else "no date"
            severity = f" ({s.severity_label})" if s.severity_label else ""
            click.echo(f"  {n}. {s.score:.2f}  {day}  {s.title}{severity}")
            click.echo(f"     {s.path}")
            click.echo(f"     {'; '.join(s.reasons()) or 'text'}")
    if not results:
        sys.exit(1)


def main(argv: list[str] | None = None) -> int:
    """Entry point for the console script and for tests that call it directly."""
    try:
        cli.main(args=argv, prog_name="pmkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ConfigError as exc:  # any command reading pmkit.toml
        SetupError(str(exc)).show()
        return SetupError.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
