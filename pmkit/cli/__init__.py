"""The ``pmkit`` command: a thin layer over the library (each command parses options, calls one
function, and turns known errors into clean messages).

Commands by module: ``data`` (ingest, classify, stats, lint, synth), ``reports`` (report,
schedule, owed), ``tools`` (draft, similar); ``common`` holds the shared options, the settings
every command reads (``pmkit.toml``, found one way) and the error mapping (exit 2 for a set-up
problem such as a folder that cannot be written, 1 for a failure, 0 for success).
"""

from __future__ import annotations

import click

from pmkit import __version__
from pmkit.cli import data, reports, tools
from pmkit.cli.common import SetupError
from pmkit.config import ConfigError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmkit")
def cli() -> None:
    """pmkit: parse a corpus of Markdown postmortems into DuckDB, report on it, draft new ones."""


for command in (
    data.ingest,
    tools.draft,
    data.synth,
    reports.report,
    reports.schedule,
    data.classify,
    data.stats,
    data.lint,
    reports.owed,
    tools.similar,
):
    cli.add_command(command)


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


__all__ = ["cli", "main"]
