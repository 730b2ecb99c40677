"""How every `scoring` subcommand reports a user error: one red line on stderr, exit code 2, no traceback."""

from __future__ import annotations

from typing import NoReturn

import typer

USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Print 'error: <message>' and stop the command with exit code 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=USAGE_ERROR)
