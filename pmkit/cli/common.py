"""What the commands share: the settings they read, the options they take alike, and how a known
error becomes a one-line message with the right exit status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from pmkit.config import Config, ConfigError, load_config

F = TypeVar("F", bound=Callable[..., Any])


class SetupError(click.ClickException):
    """A problem with the set-up, not the data: a database folder that cannot be written, a bad
    ``pmkit.toml``. One line, exit status 2 (as for a bad option)."""

    exit_code = 2


def known_error(exc: Exception) -> click.ClickException:
    """A library error as a one-line CLI error: exit 2 when the database or the reports folder
    cannot be written (a set-up problem), else 1."""
    from pmkit.reports.errors import OutputNotWritable
    from pmkit.store import DatabaseNotWritable

    setup = (DatabaseNotWritable, OutputNotWritable)
    if isinstance(exc, setup) or isinstance(exc.__cause__, setup):
        return SetupError(str(exc))
    return click.ClickException(str(exc))


def db_option(help_text: str = "DuckDB file to write or read.") -> Callable[[F], F]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"{help_text} [default: db_path of pmkit.toml, else data/pmkit.duckdb]",
    )


def config_option(what: str = "") -> Callable[[F], F]:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"pmkit.toml{f' ({what})' if what else ''} [default: $PMKIT_CONFIG, else the "
        "nearest pmkit.toml in this folder or above, else the defaults].",
    )


def settings(config_path: Path | None) -> Config:
    """The settings every command reads: ``--config``, else the ``pmkit.toml`` found the one way
    (``pmkit.config.find_config_file``). A bad or missing file is a set-up error (exit 2)."""
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise SetupError(str(exc)) from exc


def database(db_path: Path | None, config: Config) -> Path:
    """``--db``, else the configured database, found as every entry point finds it."""
    return db_path if db_path is not None else config.locate(config.db_path)


def check_exist(paths: Iterable[Path]) -> None:
    """A usage error (exit 2) naming the paths that do not exist."""
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
