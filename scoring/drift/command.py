"""`scoring drift`: the Evidently drift report of current clients against the training data."""

from __future__ import annotations

from typing import Annotated

import typer

from scoring.command_errors import fail
from scoring.drift import defaults as drift_defaults

DRIFT_FOUND = 3  # exit code of `scoring drift` when drift is detected: a verdict, not a failure


def drift(
    current: Annotated[
        str,
        typer.Option(
            help="'test' (application_test scored by the model), 'log' (the API's prediction log) "
            "or a directory of raw tables (a labelled batch, e.g. from `scoring generate --drift`)."
        ),
    ] = "test",
    since: Annotated[str | None, typer.Option(help="Log window start, ISO date or date-time (UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Log window end (excluded), same format.")] = None,
    features: Annotated[
        int, typer.Option(help="Number of most important model features checked.")
    ] = drift_defaults.TOP_FEATURES,
    drift_share: Annotated[
        float, typer.Option(help="Alert when this share of the checked features drifts.")
    ] = drift_defaults.DRIFT_SHARE,
    num_method: Annotated[
        str | None, typer.Option(help="Evidently method for numeric columns (default: by size).")
    ] = None,
    cat_method: Annotated[
        str | None, typer.Option(help="Evidently method for categorical columns (default: by size).")
    ] = None,
    num_threshold: Annotated[float | None, typer.Option(help="Threshold of the numeric method.")] = None,
    cat_threshold: Annotated[float | None, typer.Option(help="Threshold of the categorical method.")] = None,
    reference_rows: Annotated[
        int, typer.Option(help="Training clients in the reference (stratified sample beyond).")
    ] = drift_defaults.REFERENCE_ROWS,
    min_rows: Annotated[
        int, typer.Option(help="Fewer current rows: 'insufficient data', no verdict.")
    ] = drift_defaults.MIN_ROWS,
    seed: Annotated[int, typer.Option(help="Seed of the reference sample.")] = drift_defaults.SEED,
    auc_drop: Annotated[
        float, typer.Option(help="Alert when the estimated AUC (CBPE) is this much below the reference's.")
    ] = drift_defaults.AUC_DROP,
    version: Annotated[str | None, typer.Option(help="Bundle version (default: the champion).")] = None,
    database_url: Annotated[
        str | None,
        typer.Option(help="Prediction log (default: $DATABASE_URL or data/runtime/predictions.db)."),
    ] = None,
) -> None:
    """Evidently drift report of current clients against the training data, in reports/drift/.

    Exit code 3 when drift is detected, 2 on errors; too few current rows print 'insufficient data' (0).
    """
    from scoring.drift.errors import InsufficientData
    from scoring.drift.run import DriftRequest, run_drift
    from scoring.drift.settings import DriftSettings

    try:
        settings = DriftSettings(
            features,
            drift_share,
            num_method,
            cat_method,
            num_threshold,
            cat_threshold,
            reference_rows,
            min_rows,
            seed,
            auc_drop,
        )
        request = DriftRequest(current, since, until, settings, version, database_url)
        result = run_drift(request)
    except InsufficientData as exc:
        typer.echo(str(exc))
        return
    except OSError as exc:
        fail(str(exc))
    typer.echo(result.describe())
    if result.drift_detected:
        raise typer.Exit(code=DRIFT_FOUND)
