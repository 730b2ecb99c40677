"""The outcomes table, on the prediction log's SQLAlchemy metadata (same database, created on first use).

- `labels`: one row per client whose outcome is known: client_hash (the prediction log's salted hash of
  SK_ID_CURR, never the ID), outcome (1 = defaulted, 0 = repaid), known_at (UTC, naive: when the outcome
  became known), loaded_at (UTC, naive) and source (the file it was loaded from). A later file replaces the
  outcome of a client it names again.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Engine, SmallInteger, String, Table

from scoring.serving.prediction_log import metadata

labels = Table(
    "labels",
    metadata,
    Column("client_hash", String(64), primary_key=True),
    Column("outcome", SmallInteger, nullable=False),
    Column("known_at", DateTime, nullable=False, index=True),
    Column("loaded_at", DateTime, nullable=False),
    Column("source", String(255), nullable=False),
)


def create_labels(engine: Engine) -> None:
    """Create the labels table when missing."""
    labels.create(engine, checkfirst=True)
