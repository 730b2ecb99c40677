"""The `scoring` command line: one subcommand per pipeline step (the apps: python -m api, -m dashboard)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from scoring.command_errors import ScoringCommands, fail
from scoring.db.command import audit_app, audit_promotion, db_app, users_app
from scoring.drift.command import DRIFT_FOUND, drift
from scoring.home import DEMO_CLIENTS
from scoring.settings import default_raw_dir, get_paths
from scoring.strategy.command import strategy_app
from scoring.vocabulary import Engine

app = typer.Typer(cls=ScoringCommands, no_args_is_help=True, add_completion=False, help=__doc__)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
app.add_typer(strategy_app, name="strategy")


EngineOption = Annotated[Engine, typer.Option(help="duckdb (in-process, one machine) or spark.")]
MasterOption = Annotated[
    str | None,
    typer.Option(
        help="Spark master: local[*], spark://host:7077, yarn (default: spark-submit's or local[*])."
    ),
]
ConfOption = Annotated[
    list[str] | None, typer.Option(help="Spark setting KEY=VALUE, repeatable (e.g. spark.driver.memory=4g).")
]


def _spark(master: str | None, conf: list[str] | None):  # noqa: ANN202 - pyspark is an optional import
    """The Spark session for `--engine spark` (raises SparkUnavailable with what is missing)."""
    from scoring.spark import parse_conf, spark_session

    return spark_session(master, parse_conf(conf or []))


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
    from scoring.data.synth import generate_tables, parse_drift

    summary = generate_tables(clients, seed, out or get_paths().synthetic, parse_drift(drift))
    typer.echo(summary.describe())


@app.command()
def calibrate(
    sample: Annotated[Path, typer.Option(help="Directory of real Kaggle CSV rows (the 7 tables).")],
    out: Annotated[
        Path | None, typer.Option(help="JSON to write (default: the packaged scoring/data/calibration.json).")
    ] = None,
) -> None:
    """Compute the generator's calibration statistics from real rows and write them as JSON."""
    from scoring.data.twin_calibration import (
        CALIBRATION_PATH,
        compute_calibration,
        write_calibration,
    )

    try:
        path = write_calibration(compute_calibration(sample), out or CALIBRATION_PATH)
    except OSError as exc:
        fail(str(exc))
    typer.echo(f"calibration of {sample} written to {path}")


@app.command()
def ingest(
    raw: Annotated[Path | None, typer.Option(help="Directory of Kaggle CSV or Parquet files.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output directory (default data/interim).")] = None,
) -> None:
    """Validate the raw tables and write them as typed Parquet."""
    from scoring.data.ingest import ingest_tables

    report = ingest_tables(raw or default_raw_dir(), out or get_paths().interim)
    typer.echo(report.describe())


@app.command()
def data(
    clients: Annotated[
        int, typer.Option(help="Synthetic clients when no real files are present.")
    ] = DEMO_CLIENTS,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic data.")] = 42,
) -> None:
    """Ingest data/raw/ (real Kaggle files), or generate the synthetic twin first when there are none."""
    raw = default_raw_dir()
    if raw == get_paths().synthetic and not (raw / "application_train.csv").exists():
        generate(clients=clients, seed=seed, out=raw, drift=None)
    ingest(raw=raw, out=None)


@app.command()
def features(
    interim: Annotated[
        Path | None, typer.Option(help="Directory of ingested tables (default data/interim).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Feature table to write (default data/processed/features.parquet); "
            "the feature dictionary is written beside it."
        ),
    ] = None,
    engine: EngineOption = Engine.DUCKDB,
    master: MasterOption = None,
    conf: ConfOption = None,
) -> None:
    """Build the per-client feature table and its feature dictionary from the ingested tables."""
    from scoring.features.build import build_features

    paths = get_paths()
    target = out or paths.features
    dictionary = paths.feature_dictionary if out is None else target.with_name(paths.feature_dictionary.name)
    if engine is Engine.SPARK:
        from scoring.features.spark_engine import build_features_spark

        session = _spark(master, conf)
        summary = build_features_spark(interim or paths.interim, target, dictionary, session)
    else:
        summary = build_features(interim or paths.interim, target, dictionary)
    typer.echo(summary.describe())


@app.command()
def score(
    out: Annotated[Path, typer.Option(help="Folder of Parquet parts to write (replaced as a whole).")],
    features: Annotated[
        Path | None, typer.Option(help="Feature table (default data/processed/features.parquet).")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Bundle version (default: the champion).")] = None,
    engine: EngineOption = Engine.DUCKDB,
    master: MasterOption = None,
    conf: ConfOption = None,
    partitions: Annotated[
        int | None, typer.Option(min=1, help="Spark: partitions (= parts) to score in parallel.")
    ] = None,
    threads: Annotated[int, typer.Option(min=1, help="DuckDB: chunks scored at a time.")] = 2,
    reasons: Annotated[
        bool, typer.Option(help="Give the 4 reason codes pushing towards each decision (a SHAP per row).")
    ] = True,
) -> None:
    """Score every client of the feature table with the model: calibrated probability of default, decision
    (the active strategy's: accept, refer or refuse, with the rules that fired; else the threshold's),
    threshold, score points, version and the reason codes towards the decision."""
    from scoring.modeling.bundle import load_bundle
    from scoring.serving.batch import BatchScorer, score_duckdb
    from scoring.serving.strategy_state import active_of
    from scoring.settings import ScoringSettings

    settings = ScoringSettings()
    paths = settings.paths
    bundle, strategy = load_bundle(paths.models, version), active_of(settings.database)
    scorer = BatchScorer(bundle, settings.points_scale, reasons, strategy, paths.interim)
    if engine is Engine.SPARK:
        from scoring.serving.batch_spark import score_spark

        summary = score_spark(scorer, features or paths.features, out, _spark(master, conf), partitions)
    else:
        summary = score_duckdb(scorer, features or paths.features, out, threads)
    typer.echo(summary.describe())


@app.command()
def train(
    cost: Annotated[
        str, typer.Option(help="Business cost: 'count' (w_fn*FN + w_fp*FP) or 'monetary'.")
    ] = "count",
    w_fn: Annotated[float, typer.Option(help="Count mode: cost of accepting a defaulter.")] = 10.0,
    w_fp: Annotated[float, typer.Option(help="Count mode: cost of refusing a good client.")] = 1.0,
    lgd: Annotated[
        float, typer.Option(help="Monetary mode: loss given default (share of the credit).")
    ] = 1.0,
    margin: Annotated[
        float, typer.Option(help="Monetary mode: margin lost on a refused good client.")
    ] = 0.19,
    folds: Annotated[int, typer.Option(help="Folds of the cross-validation.")] = 5,
    repeats: Annotated[int, typer.Option(help="Repeats of the stratified K-fold comparison.")] = 3,
    compare_rows: Annotated[
        int, typer.Option(help="Stratified sample size for selection, comparison and tuning.")
    ] = 30_000,
    max_features: Annotated[
        int,
        typer.Option(help="Most features the selection keeps (0 = by size: 60 below 20,000 rows, else 200)."),
    ] = 0,
    strategies: Annotated[
        str,
        typer.Option(help="LightGBM imbalance strategies compared: none, class_weight, undersample, smote."),
    ] = "none,undersample",
    model: Annotated[
        str,
        typer.Option(
            help="'auto': the comparison's winner is the champion, the scorecard the challenger; "
            "'scorecard': the scorecard is the champion."
        ),
    ] = "auto",
    tune_trials: Annotated[int, typer.Option(help="Optuna trials (0 = no limit / no tuning).")] = 0,
    tune_minutes: Annotated[float, typer.Option(help="Optuna time budget (0 = no limit / no tuning).")] = 0.0,
    tune_metric: Annotated[str, typer.Option(help="Tuning objective: 'cost' or 'auc'.")] = "cost",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    threads: Annotated[int, typer.Option(help="LightGBM threads.")] = 2,
    mlflow: Annotated[bool, typer.Option(help="Track the run in MLflow and register the model.")] = True,
    progress: Annotated[
        bool, typer.Option(help="Show progress on stderr: a line per stage, and bars on a terminal.")
    ] = True,
) -> None:
    """Select features, compare models by repeated CV, calibrate, pick the cost-minimising threshold,
    write and promote the champion bundle (and the challenger's), draw the model card."""
    from scoring.modeling.card import feature_counts
    from scoring.modeling.cost import CostSpec
    from scoring.modeling.train import TrainConfig, TrainInputs, train_model

    spec = CostSpec(cost, w_fn, w_fp, lgd, margin)
    config = TrainConfig(
        spec,
        folds=folds,
        repeats=repeats,
        compare_rows=compare_rows,
        max_features=max_features,
        strategies=tuple(s.strip() for s in strategies.split(",") if s.strip()),
        model=model,
        tune_trials=tune_trials,
        tune_minutes=tune_minutes,
        tune_metric=tune_metric,
        seed=seed,
        threads=threads,
        track=mlflow,
        progress=progress,
    )
    result = train_model(TrainInputs.from_paths(), config)
    audit_promotion(result.metadata["version"], "scoring train")
    typer.echo(result.describe())
    typer.echo(f"Features: {feature_counts(result.metadata)}")


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="Labelled application CSV or Parquet (Kaggle columns, TARGET).")],
    raw_dir: Annotated[
        Path | None, typer.Option(help="Directory of secondary tables (default: beside the data file).")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Bundle version (default: the champion).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="CSV to write SK_ID_CURR,probability,decision per row.")
    ] = None,
) -> None:
    """Score a labelled application file with the bundle: AUC, cost at its threshold, confusion matrix,
    calibration (Brier, ECE, mean probability vs observed default rate)."""
    import json

    from scoring.io import clean_json
    from scoring.modeling.evaluate import evaluate_file, write_scores

    result = evaluate_file(data, get_paths().models, raw_dir, version)
    try:
        if out is not None:
            write_scores(result, out)
    except OSError as exc:
        fail(f"{out}: cannot be written ({exc.strerror or exc})")
    typer.echo(
        json.dumps(clean_json(result.to_dict()), allow_nan=False) if json_output else result.describe()
    )


app.command()(drift)


def _test_set_drift() -> None:
    """`scoring drift --current test`, where drift found is the report's verdict, not a failure."""
    try:
        drift(current="test")
    except typer.Exit as exc:
        if exc.exit_code != DRIFT_FOUND:
            raise


def _pipeline_steps() -> list[tuple[str, Path, Callable[[], None]]]:
    """(name, output, run) of each pipeline step, in order; run calls the step's command function."""
    paths = get_paths()
    return [
        ("data", paths.manifest, data),
        ("features", paths.features, features),
        ("train", paths.champion, train),
        ("drift", paths.drift_index, _test_set_drift),
    ]


@app.command()
def pipeline(
    force: Annotated[bool, typer.Option("--force", help="Rerun every step, even those done.")] = False,
) -> None:
    """Run data, features, train and drift (test set) in order, each only when its output is missing."""
    for name, output, run in _pipeline_steps():
        if output.exists() and not force:
            typer.echo(f"pipeline: {name} already done ({output}), skipped")
            continue
        typer.echo(f"pipeline: {name}")
        try:
            run()
        except KeyboardInterrupt:
            typer.echo(f"pipeline: {name} interrupted; run it again to go on from {name}", err=True)
            raise typer.Exit(130) from None


def _register_monitoring() -> None:
    from scoring.monitoring.command import register

    register(app)


_register_monitoring()
