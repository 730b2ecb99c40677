"""Current data from the API's prediction log: the clients scored in a time window, read with SQLAlchemy.

What-if simulations are left out (they are not applicants), and a client scored several times counts once,
with its latest score. Decisions are the ones the API gave, at the threshold of the model it served.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from scoring.drift.errors import DriftError
from scoring.drift.sample import PROBABILITY, REFUSED, Sample
from scoring.features.feature import ModelFeature
from scoring.serving.prediction_log import predictions, read_predictions
from scoring.settings import ScoringSettings
from scoring.vocabulary import Decision, ScoreKind


def default_database_url() -> str:
    """The API's log, as the settings name it (SCORING_DATABASE_URL, DATABASE_URL, else the home's SQLite)."""
    return ScoringSettings().database


def parse_time(text: str | None, option: str) -> datetime | None:
    """An ISO date or date-time as naive UTC (the log's clock); None stays None."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DriftError(f"{option} {text!r} is not an ISO date or date-time (e.g. 2026-01-31)") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _window(since: datetime | None, until: datetime | None) -> str:
    start = since.isoformat(sep=" ") if since else "the start"
    end = until.isoformat(sep=" ") if until else "now"
    return f"from {start} to {end}"


def _read(url: str, since: datetime | None, until: datetime | None) -> pl.DataFrame:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DriftError(f"prediction log URL {url!r} is not a database URL") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise DriftError(f"prediction log {shown} not found: no API has logged predictions there yet")
    engine = create_engine(parsed)
    try:
        if not inspect(engine).has_table(predictions.name):
            raise DriftError(f"prediction log {shown} has no {predictions.name} table")
        return read_predictions(engine, since, until, with_features=True)
    except SQLAlchemyError as exc:
        raise DriftError(f"prediction log {shown} cannot be read: {exc}") from None
    except KeyError as exc:
        raise DriftError(str(exc.args[0])) from None
    finally:
        engine.dispose()


def _latest_per_client(frame: pl.DataFrame) -> pl.DataFrame:
    known = frame.filter(pl.col("client_hash").is_not_null())
    latest = known.unique(subset="client_hash", keep="last", maintain_order=True)
    return pl.concat([latest, frame.filter(pl.col("client_hash").is_null())], how="vertical")


def log_sample(
    url: str,
    features: list[ModelFeature],
    since: datetime | None = None,
    until: datetime | None = None,
    keep: Sequence[str] = (),
) -> Sample:
    """The applicants scored in [since, until) according to the log at `url` (with the columns of `keep` it
    stores, e.g. the coarse age band of the segments)."""
    if since and until and since >= until:
        raise DriftError(f"--since {since} must be before --until {until}")
    logged = _read(url, since, until)
    frame = _latest_per_client(logged.filter(pl.col("kind") != ScoreKind.WHAT_IF.value))
    versions = sorted(frame["model_version"].unique().to_list())
    window = _window(since, until)
    columns = [f.name for f in features if f.name in frame.columns]
    columns += [c for c in dict.fromkeys(keep) if c in frame.columns and c not in columns]
    current = frame.select(
        *(pl.col(c).cast(pl.Float32) for c in columns),
        pl.col(PROBABILITY),
        (pl.col("decision") == Decision.REFUSE.value).alias(REFUSED),
    )
    details = {
        "rows": current.height,
        "logged_rows": logged.height,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "model_versions": versions,
    }
    description = f"clients scored by the API {window} ({current.height:,}, prediction log)"
    return Sample(current, "log", description, details)
