"""Commands for the people writing postmortems: draft (the form, served), similar."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pmkit.cli.common import config_option, database, db_option, known_error, settings


@click.command()
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus folder the form saves into [default: corpus_dir of pmkit.toml, else data/corpus].",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8866,
    show_default=True,
    help="Port on 127.0.0.1.",
)
@db_option("DuckDB file the form ingests a saved draft into.")
@click.option(
    "--template",
    type=click.Choice(["canonical", "seed-000", "seed-001", "seed-002", "seed-004"]),
    default="canonical",
    show_default=True,
    help="Template the form writes.",
)
@config_option("passed to the form")
def draft(
    corpus: Path | None,
    port: int,
    db_path: Path | None,
    template: str,
    config_path: Path | None,
) -> None:
    """Serve the drafting form (notebooks/draft.ipynb) with Voila on 127.0.0.1 and print its URL."""
    from pmkit.draft.serve import PortInUseError, check_port, serve, serve_spec

    config = settings(config_path)
    try:
        check_port(port)
    except PortInUseError as exc:
        raise click.ClickException(str(exc)) from exc
    folder = corpus if corpus is not None else config.locate(config.corpus_dir)
    spec = serve_spec(folder, port, database(db_path, config), template, config.source)
    click.echo(f"Drafting form: {spec.url}  (Ctrl-C stops it)", err=False)
    sys.stdout.flush()
    code = serve(spec)
    if code:
        raise click.ClickException(f"voila exited with status {code}")


@click.command()
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@db_option()
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="How many.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Bring the database's similar incidents up to date (as ingest does, also above "
    "[recurrence] max_incidents) instead of comparing a file.",
)
@click.option("--full", is_flag=True, help="With --refresh: refit the model, score everything.")
@config_option()
def similar(
    path: Path | None,
    db_path: Path | None,
    k: int,
    refresh: bool,
    full: bool,
    config_path: Path | None,
) -> None:
    """Print the past postmortems most like the one in PATH (a draft: parsed, not ingested),
    best first, each with its score and why (shared service, trigger, factors, text); or, with
    --refresh, compute the database's similar incidents now."""
    from pmkit.store import IngestError

    if (path is None) == (not refresh):
        raise click.UsageError("give a PATH to compare, or --refresh (not both)")
    config = settings(config_path)
    db = database(db_path, config)
    if refresh:
        from pmkit.store.similar import refresh_database

        try:
            click.echo(refresh_database(db, config, full=full).render())
        except IngestError as exc:
            raise known_error(exc) from exc
        return
    from pmkit.similar.draft import for_file

    assert path is not None
    try:
        results, errors = for_file(path, db, k, config)
    except FileNotFoundError as exc:
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
