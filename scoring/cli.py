"""The `scoring` command line: one subcommand per pipeline step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scoring.config import DEMO_CLIENTS, default_raw_dir, get_paths

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@app.command()
def generate(
    clients: Annotated[int, typer.Option(help="Number of application_train clients.")] = DEMO_CLIENTS,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    out: Annotated[Path | None, typer.Option(help="Output directory (default data/raw/synthetic).")] = None,
    drift: Annotated[
        str | None, typer.Option(help="Drifted batch, e.g. 'income=-0.2,contract_type=0.3'.")
    ] = None,
) -> None:
    """Write the 7 Kaggle tables of a synthetic population with its true default probabilities."""
    from scoring.data.synth import GenerationError, generate_tables, parse_drift

    try:
        summary = generate_tables(clients, seed, out or get_paths().synthetic, parse_drift(drift))
    except GenerationError as exc:
        _fail(str(exc))
    typer.echo(summary.describe())


@app.command()
def ingest(
    raw: Annotated[Path | None, typer.Option(help="Directory of Kaggle CSV or Parquet files.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output directory (default data/interim).")] = None,
) -> None:
    """Validate the raw tables and write them as typed Parquet."""
    from scoring.data.ingest import IngestError, ingest_tables

    try:
        report = ingest_tables(raw or default_raw_dir(), out or get_paths().interim)
    except IngestError as exc:
        _fail(str(exc))
    typer.echo(report.describe())


@app.command()
def data(
    clients: Annotated[int, typer.Option(help="Synthetic clients when no real files are present.")] = DEMO_CLIENTS,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic data.")] = 42,
) -> None:
    """Ingest data/raw/ (real Kaggle files), or generate the synthetic twin first when there are none."""
    raw = default_raw_dir()
    if raw == get_paths().synthetic and not (raw / "application_train.csv").exists():
        generate(clients=clients, seed=seed, out=raw, drift=None)
    ingest(raw=raw, out=None)
