"""`scoring users ...`, `scoring audit ...` and `scoring db ...`: accounts, the audit trail and migrations
from the command line, on the database of the settings (SCORING_DATABASE_URL / DATABASE_URL, else the home's
SQLite file). Each command first brings the schema to the newest revision; each change is audited as
`cli:<operating-system user>`."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scoring.command_errors import fail

if TYPE_CHECKING:  # images run `scoring dashboard` or `scoring pipeline` without some of these: import on use
    from sqlalchemy import Engine

    from scoring.db.audit import Actor
    from scoring.settings import ScoringSettings


def _settings() -> ScoringSettings:
    from scoring.settings import ScoringSettings

    return ScoringSettings()


users_app = typer.Typer(no_args_is_help=True, help="Accounts of the dashboard: add, list, disable, reset.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail: verify its chain, export, purge.")
db_app = typer.Typer(no_args_is_help=True, help="Schema migrations of the product database (Alembic).")
TAMPERED = 1


def cli_actor() -> Actor:
    from scoring.db.audit import Actor

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(f"cli:{name}", source="cli")


def _engine() -> Engine:
    from scoring.db.engine import open_database

    return open_database(_settings().database)


def _password(from_stdin: bool) -> str:
    """A password from standard input (one line) or typed twice at a prompt."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("no password on standard input")
        return line
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _utc(value: datetime | None) -> datetime | None:
    """Typer's naive datetimes are taken as UTC."""
    return None if value is None else value.replace(tzinfo=value.tzinfo or UTC)


# -- users -------------------------------------------------------------------------------------------------


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option(help="officer, senior, analyst or admin.")],
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (else: prompt twice).")
    ] = False,
    sso: Annotated[bool, typer.Option(help="Single sign-on only: no password.")] = False,
) -> None:
    """Add an account with a role; the password is read from a prompt or from standard input."""
    from scoring.db.users import create_user

    password = None if sso else _password(password_stdin)
    user = create_user(_engine(), name, role, password, cli_actor())
    typer.echo(f"account {user.username!r} added with role {user.role}")


@users_app.command("list")
def users_list() -> None:
    """Every account: name, role, state, last sign-in."""
    from scoring.db.users import list_users

    typer.echo(f"{'name':<24} {'role':<8} {'state':<9} last sign-in (UTC)")
    for user in list_users(_engine()):
        state = "active" if user.active else "disabled"
        last = user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "never"
        typer.echo(f"{user.username:<24} {user.role:<8} {state:<9} {last}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Disable an account: it can no longer sign in, and its open sessions end."""
    from scoring.db.sessions import revoke_user
    from scoring.db.users import set_active

    engine = _engine()
    revoke_user(engine, set_active(engine, name, False, cli_actor()).id)
    typer.echo(f"account {name!r} disabled")


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Enable a disabled account again; its failed sign-ins are forgotten."""
    from scoring.db.users import set_active

    set_active(_engine(), name, True, cli_actor())
    typer.echo(f"account {name!r} enabled")


@users_app.command("reset-password")
def users_reset_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Set a new password; its open sessions end and its failed sign-ins are forgotten."""
    from scoring.db.sessions import revoke_user
    from scoring.db.users import reset_password

    engine = _engine()
    revoke_user(engine, reset_password(engine, name, _password(password_stdin), cli_actor()).id)
    typer.echo(f"password of {name!r} reset")


# -- audit -------------------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain and its signed anchors; name the first row edited, inserted or deleted, rows cut
    at the end, or an anchor with a wrong signature (exit code 1 if any)."""
    from scoring.db.anchors import AnchorSettings, check_anchors
    from scoring.db.audit import verify

    engine = _engine()
    result = verify(engine)
    typer.echo(result.describe())
    anchors = check_anchors(engine, AnchorSettings())
    typer.echo(anchors.describe())
    if not result.ok or anchors.problem is not None:
        raise typer.Exit(code=TAMPERED)


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option(help="CSV file to write (atomically, private).")],
    since: Annotated[datetime | None, typer.Option(help="First moment included (UTC).")] = None,
    until: Annotated[datetime | None, typer.Option(help="End, excluded (UTC).")] = None,
) -> None:
    """Write the audit rows of [since, until) to a CSV file, hashes included; anchor the chain's head."""
    from scoring.db.anchors import AnchorSettings, write_anchor
    from scoring.db.export import export_csv

    engine = _engine()
    try:
        count = export_csv(engine, out, cli_actor(), _utc(since), _utc(until))
    except OSError as error:
        fail(f"{out}: {error.strerror or error}")
    anchor = write_anchor(engine, AnchorSettings(), "export")
    typer.echo(f"{count} audit rows written to {out}; chain anchored at row {anchor['last_id']}")


@audit_app.command("purge")
def audit_purge(
    before: Annotated[
        datetime | None, typer.Option(help="Purge rows older than this (UTC; default: the retention).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Purge without asking.")] = False,
) -> None:
    """Delete rows older than the retention (SCORING_AUDIT_RETENTION_DAYS), logging the purge in the trail."""
    from scoring.db.audit import purge_older_than

    settings = _settings()
    if not yes:
        typer.confirm(f"Delete audit rows older than {settings.audit_retention_days} days?", abort=True)
    try:
        deleted = purge_older_than(_engine(), settings.audit_retention_days, cli_actor(), _utc(before))
    except ValueError as error:
        fail(str(error))
    typer.echo(f"{deleted} audit rows purged" if deleted else "nothing to purge")


# -- migrations --------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the schema up (the API does it at start)."""
    from scoring.db.engine import create_db_engine, current_revision, upgrade

    engine = create_db_engine(_settings().database)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision ('base': no tables).")],
) -> None:
    """Migrate the schema down (dropped tables lose their rows)."""
    from scoring.db.engine import create_db_engine, current_revision, downgrade

    engine = create_db_engine(_settings().database)
    downgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Argument(help="What the revision changes, e.g. 'labels table'.")],
) -> None:
    """Write the next revision from the models' difference with the database (at head); review it."""
    from scoring.db.engine import create_db_engine, new_revision

    path = new_revision(create_db_engine(_settings().database), message)
    typer.echo(f"revision written to {path}: review it (and its downgrade) before committing")


@db_app.command("current")
def db_current() -> None:
    """The schema's revision."""
    from scoring.db.engine import create_db_engine, current_revision

    typer.echo(current_revision(create_db_engine(_settings().database)) or "empty (no revision)")


def audit_promotion(version: str, how: str) -> None:
    """Record a model promotion in the audit trail (the CLI's `train` calls it after promoting)."""
    from scoring.db.audit import record_promotion

    try:
        record_promotion(_engine(), version, cli_actor(), {"by": how})
    except Exception as error:  # the bundle is promoted already: say so, and fail
        fail(f"model {version} promoted, but its audit row could not be written: {error}")
