"""The monitoring loop's commands: `scoring labels`, `scoring retrain`, `scoring scheduler`."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from scoring.command_errors import fail


def _settings(**overrides: object):  # noqa: ANN202 - MonitoringSettings, imported lazily
    from scoring.monitoring.settings import MonitoringSettings

    try:
        settings = MonitoringSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail(f"invalid monitoring settings: {problems}")
    placeholders = settings.placeholder_secrets()
    if placeholders:
        fail("; ".join(placeholders))
    return settings


def labels(
    file: Annotated[
        Path, typer.Option("--file", help="CSV with SK_ID_CURR, TARGET (0/1), DATE_KNOWN (ISO).")
    ],
) -> None:
    """Load known outcomes into the labels table (joined to the prediction log by the hashed client ID)."""
    from scoring.monitoring.labels import load_labels
    from scoring.serving.prediction_log import open_log

    settings = _settings()
    settings.runtime_dir()
    engine = open_log(settings.database)
    try:
        report = load_labels(file, engine, settings.salt())
    finally:
        engine.dispose()
    typer.echo(report.describe())


def retrain(
    window_days: Annotated[int | None, typer.Option(help="Out-of-time window (days of score dates).")] = None,
    min_window: Annotated[int | None, typer.Option(help="Labelled clients the window needs.")] = None,
    auc_margin: Annotated[float | None, typer.Option(help="AUC gain the challenger needs.")] = None,
    cost_margin: Annotated[
        float | None, typer.Option(help="Relative cost cut it needs (0: not higher).")
    ] = None,
    mlflow: Annotated[bool, typer.Option(help="Track the run and register the challenger in MLflow.")] = True,
    reload: Annotated[bool, typer.Option(help="Ask the API to load a promoted challenger.")] = True,
    json_output: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
    recalibrate: Annotated[
        bool,
        typer.Option(help="Challenger: the champion with a prior-shift of its calibrator, not a new model."),
    ] = False,
    reject_inference: Annotated[
        str | None,
        typer.Option(
            help="Rows inferred for the applicants the champion refuses: none, fuzzy or parcelling."
        ),
    ] = None,
) -> None:
    """Train a challenger on the newest labelled data, compare it with the champion on the same recent
    out-of-time window and promote it only when it is better; the decision is kept in models/history.json.
    With --recalibrate the challenger is the champion recalibrated to the window's realised default rate."""
    from scoring.monitoring.history import PROMOTED
    from scoring.monitoring.retrain import describe
    from scoring.monitoring.retrain import retrain as run_retrain
    from scoring.monitoring.scheduler import reload_api, retrain_request
    from scoring.reject_inference.augment import check_method, policy
    from scoring.serving.prediction_log import open_log

    settings = _settings(
        retrain_window_days=window_days,
        retrain_min_window=min_window,
        promote_auc_margin=auc_margin,
        promote_cost_margin=cost_margin,
    )
    method = check_method(policy().default if reject_inference is None else reject_inference)
    settings.runtime_dir()
    engine = open_log(settings.database)
    try:
        if recalibrate:
            from scoring.monitoring.recalibrate import recalibrate as run_recalibrate

            decision = run_recalibrate(retrain_request(settings, engine, track=mlflow))
        else:
            request = replace(retrain_request(settings, engine, track=mlflow), reject_inference=method)
            decision = run_retrain(request)
    finally:
        engine.dispose()
    from scoring.io import clean_json

    if decision["outcome"] == PROMOTED and reload:
        decision["reload"] = reload_api(settings)
    typer.echo(json.dumps(clean_json(decision), allow_nan=False) if json_output else describe(decision))
    if not json_output and decision.get("reload"):
        typer.echo(decision["reload"])


def scheduler(
    run_once: Annotated[
        str | None, typer.Option(help="Run one job now and exit: drift, operations or retrain.")
    ] = None,
) -> None:
    """Run the monitoring loop on its schedule (settings: SCORING_DRIFT_CRON, SCORING_NOTIFY_URLS...)."""
    from scoring.monitoring.scheduler import JOBS, MonitoringJobs, build_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = _settings()
    if run_once is not None and run_once not in JOBS:
        fail(f"--run-once {run_once!r}: one of {', '.join(JOBS)}")
    jobs = MonitoringJobs(settings)
    if run_once is not None:
        from scoring.io import clean_json

        typer.echo(json.dumps(clean_json(jobs.run(run_once)), allow_nan=False))
        return
    schedule = build_scheduler(jobs)
    for job in schedule.get_jobs():
        typer.echo(f"scheduled {job.id}: {job.trigger}")
    schedule.start()


def register(app: typer.Typer) -> None:
    """Add the commands to the `scoring` application."""
    app.command()(labels)
    app.command()(retrain)
    app.command()(scheduler)
