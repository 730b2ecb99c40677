"""The one place the command line reports library errors: any `ScoringError` a subcommand (or a subgroup's)
raises ends as one 'error:' line and exit code 2, while other exceptions stay bugs with their traceback."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from scoring.command_errors import USAGE_ERROR, ScoringCommands
from scoring.errors import ScoringError


class PolicyMissing(ScoringError, LookupError):
    """A library error, also a built-in kind."""


def app_raising(error: Exception) -> typer.Typer:
    app = typer.Typer(cls=ScoringCommands)
    group = typer.Typer()

    @app.command()
    def top() -> None:
        raise error

    @group.command()
    def nested() -> None:
        raise error

    app.add_typer(group, name="group")
    return app


def test_a_library_error_is_one_line_and_exit_code_2_at_any_depth() -> None:
    app = app_raising(PolicyMissing("policy.json: missing; run `scoring train` first"))
    for args in (["top"], ["group", "nested"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == USAGE_ERROR
        assert result.stderr == "error: policy.json: missing; run `scoring train` first\n"
        assert "Traceback" not in result.output


def test_any_other_exception_is_not_dressed_as_a_user_error() -> None:
    result = CliRunner().invoke(app_raising(KeyError("bug")), ["top"])
    assert result.exit_code == 1 and isinstance(result.exception, KeyError)
