"""`scoring strategy ...`: simulate a strategy on past applications, activate it, show the active one.

The product database is the settings' (SCORING_DATABASE_URL / DATABASE_URL, else the home's SQLite file),
brought to the newest revision first; an activation is audited as `cli:<operating-system user>`. Everything
heavy is imported inside the commands, so `scoring --help` stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scoring.command_errors import fail

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from scoring.strategy.definition import InForce, Strategy

strategy_app = typer.Typer(
    no_args_is_help=True, help="Decision strategies: simulate one on past applications, activate it, show it."
)
FileArgument = Annotated[Path, typer.Argument(help="The strategy's YAML file.", show_default=False)]


def _strategy(path: Path) -> Strategy:
    from scoring.strategy.definition import load_strategy

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})")
    return load_strategy(text, str(path))


def _engine() -> Engine:
    from scoring.db.engine import open_database
    from scoring.settings import ScoringSettings

    return open_database(ScoringSettings().database)


def _current(engine: Engine, threshold: float) -> InForce:
    """The active strategy, else the bundle's single threshold."""
    from scoring.db.strategies import in_force
    from scoring.strategy.definition import StrategyError

    try:
        return in_force(engine, threshold)
    except StrategyError as error:
        fail(f"the active strategy no longer validates:\n{error}")


@strategy_app.command()
def simulate(
    file: FileArgument,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Labelled application CSV or Parquet to simulate on instead of the bundle's clients."
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Write the approval / bad-rate chart to this HTML file.")
    ] = None,
) -> None:
    """Simulate FILE on the bundle's out-of-fold clients (or on --data) against the active strategy:
    approval, refer and refusal rates, bad rates, expected loss, refer volume, rules fired, swap set."""
    from scoring.io import clean_json
    from scoring.modeling.bundle import BundleError, load_bundle
    from scoring.settings import get_paths
    from scoring.strategy.chart import write_chart
    from scoring.strategy.population import file_population, oof_population
    from scoring.strategy.simulate import Compared, describe, settings, simulate
    from scoring.strategy.traffic import scores_per_day

    strategy = _strategy(file)
    paths = get_paths()
    try:
        bundle = load_bundle(paths.models)
        engine = _engine()
        current = _current(engine, bundle.threshold)
        columns = strategy.columns | current.strategy.columns
        population = (
            file_population(data, bundle, columns) if data else oof_population(paths, bundle, columns)
        )
        compared = Compared.of(strategy, current, population)
        result = simulate(compared, scores_per_day(engine, settings()["traffic_days"]))
        if chart is not None:
            write_chart(compared, chart)
    except (BundleError, ValueError) as error:  # PopulationError, DataError, a chart not .html
        fail(str(error))
    except OSError as error:
        fail(f"{chart}: cannot be written ({error.strerror or error})")
    typer.echo(json.dumps(clean_json(result), allow_nan=False) if json_output else describe(result))
    if chart is not None and not json_output:
        typer.echo(f"chart written to {chart}")


@strategy_app.command()
def activate(
    file: FileArgument,
    author: Annotated[str, typer.Option(help="Who wrote the strategy (recorded with it).")],
) -> None:
    """Validate FILE, store it as a new version (or find the stored one with the same text) and make it the
    active strategy; audited."""
    from scoring.db.command import cli_actor
    from scoring.db.strategies import activate as activate_strategy

    strategy = _strategy(file)
    try:
        stored = activate_strategy(_engine(), strategy, author, cli_actor())
    except ValueError as error:
        fail(str(error))
    typer.echo(
        f"strategy {stored.name} version {stored.version} is active "
        f"(sha256 {stored.sha256[:12]}, author {stored.author}, approved by {stored.approved_by})"
    )


@strategy_app.command()
def show(json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Print the active strategy (its version, author, approval and YAML text)."""
    from scoring.db.strategies import active_strategy

    stored = active_strategy(_engine())
    if json_output:
        typer.echo(json.dumps({"active": None if stored is None else stored.to_dict()}))
        return
    if stored is None:
        typer.echo(
            "no active strategy: the bundle's single threshold decides (scoring strategy activate FILE)"
        )
        return
    typer.echo(
        f"strategy {stored.name} version {stored.version} "
        f"(active since {stored.activated_at:%Y-%m-%d %H:%M} UTC)\n"
        f"author {stored.author}; approved by {stored.approved_by}; sha256 {stored.sha256}\n"
    )
    typer.echo(stored.yaml.rstrip("\n"))
