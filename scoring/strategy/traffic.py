"""The prediction log's recent traffic: scores of applications per day, to size a strategy's refer volume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from scoring.db.tables import predictions
from scoring.vocabulary import ScoreKind


def scores_per_day(engine: Engine, days: int, now: datetime | None = None) -> float | None:
    """Applications scored per day over the last `days` days (what-ifs excluded); None without traffic."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)  # the log keeps naive UTC
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(predictions)
            .where(predictions.c.created_at >= now - timedelta(days=days))
            .where(predictions.c.created_at < now)
            .where(predictions.c.kind != ScoreKind.WHAT_IF.value)
        ).scalar_one()
    return count / days if count else None
