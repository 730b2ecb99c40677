"""How every `scoring` subcommand reports a user error: one red line on stderr, exit code 2, no traceback.

A subcommand calls `fail` for what it checks itself; any `ScoringError` the library raises reaches
`ScoringCommands`, the command group of `scoring` and of its subgroups, which reports it the same way.
"""

from __future__ import annotations

from typing import Any, NoReturn

import click
import typer
from typer.core import TyperGroup

from scoring.errors import ScoringError

USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Print 'error: <message>' and stop the command with exit code 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=USAGE_ERROR)


class ScoringCommands(TyperGroup):
    """A command group whose subcommands' `ScoringError`s end as `fail(message)`, the one place they do."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScoringError as error:
            fail(str(error))
