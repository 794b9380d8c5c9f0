"""Every command and every option of ``pmkit`` says what it is for (``--help``), as
sqlite-utils' tests require of its CLI."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from pmkit.cli import cli

COMMANDS = sorted(cli.commands)


def test_the_commands() -> None:
    assert COMMANDS == [
        "classify",
        "draft",
        "ingest",
        "lint",
        "owed",
        "report",
        "schedule",
        "similar",
        "stats",
        "synth",
    ]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help, f"pmkit {name} has no help text"
    missing = [
        param.name for param in command.params if isinstance(param, click.Option) and not param.help
    ]
    assert not missing, f"pmkit {name}: options without help: {missing}"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output
