"""Commands that read postmortem files or write the database: ingest, classify, stats, lint,
synth."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from pmkit.cli.common import (
    check_exist,
    config_option,
    database,
    db_option,
    known_error,
    settings,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option()
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
@config_option()
def ingest(
    paths: tuple[Path, ...],
    db_path: Path | None,
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
    from pmkit.register.read import register_source
    from pmkit.store import IngestError, ingest_paths

    check_exist(paths)
    config = settings(config_path)
    given = [register_source(value, register_tz) for value in registers]
    for source in given:
        if not source.path.is_file():
            raise click.UsageError(f"--register: no such file: {source.path}")
    try:
        summary = ingest_paths(
            list(paths),
            database(db_path, config),
            progress=not quiet and sys.stderr.isatty(),
            config=config,
            registers=[*config.register_sources, *given],
        )
    except IngestError as exc:
        raise known_error(exc) from exc
    click.echo(summary.render())
    if strict and summary.errors:
        sys.exit(1)


@click.command()
@db_option()
@click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Taxonomy TOML [default: taxonomy_path of pmkit.toml when it exists, else the bundled "
    "pmkit/data/taxonomy.toml].",
)
@config_option()
def classify(db_path: Path | None, taxonomy_path: Path | None, config_path: Path | None) -> None:
    """Re-categorise contributing factors and triggers after editing the taxonomy (no re-parse)."""
    from pmkit.store import IngestError, classify_database
    from pmkit.taxonomy import TaxonomyError

    config = settings(config_path)
    try:
        summary = classify_database(database(db_path, config), config, taxonomy_path)
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from exc
    except IngestError as exc:
        raise known_error(exc) from exc
    click.echo(summary.render())


@click.command()
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


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="path:line: level: message lines and a totals line, or a JSON list.",
)
@config_option("[severity.levels], [targets]")
def lint(paths: tuple[Path, ...], fmt: str, config_path: Path | None) -> None:
    """Check postmortem files (or folders of them) against the postmortem process.

    Exit status 1 when any error is found (missing field, placeholder left, untracked action...),
    0 when there are only warnings (late draft or review, blaming language) or nothing; 2 for a
    path that does not exist. The text output ends with a totals line.
    """
    from pmkit.lint import has_errors, lint_run, render, totals

    check_exist(paths)
    run = lint_run(list(paths), settings(config_path))
    out = render(run.messages, fmt)
    if out:
        click.echo(out)
    if fmt == "text":
        click.echo(totals(run.messages, run.files))
    if has_errors(run.messages):
        sys.exit(1)


@click.command()
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
