"""The prediction log: one row per score and one per HTTP request, in any SQLAlchemy database.

Tables (defined in `scoring.db.tables`, created by its migrations):
- `predictions`: created_at (UTC, naive), request_id, kind ("client", "application", "batch", "what-if"),
  model_version, client_hash (salted SHA-256 of SK_ID_CURR, never the ID), features (the minimised input
  vector of `scoring.serving.log_privacy`: the most important model features, no direct identifier, age and
  income in coarse bands; little-endian float32 bytes, NaN = missing, in the order of `model_features`),
  probability, decision ("accept"/"refer"/"refuse": a referral is neither an acceptance nor a refusal),
  threshold (the bundle's), latency_ms, row_key.
- `requests`: created_at, request_id, method, route (the path template, never the raw path), status_code,
  latency_ms, row_key.
- `model_features`: model_version, feature_names (JSON list) to decode the feature vectors.

`row_key` (unique, "<spool segment>:<line>") makes delivery idempotent: a row shipped twice from the API's
spool (a worker killed between the commit and the deletion of its segment) is stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import polars as pl
from sqlalchemy import Connection, Engine, delete, exc, select

from scoring.db.engine import open_database
from scoring.db.tables import created_between, model_features, predictions, requests

KEYED = (predictions, requests)


def open_log(database_url: str) -> Engine:
    """An engine on the prediction log, its schema migrated to the newest revision (`scoring.db`)."""
    return open_database(database_url)


def purge_before(conn: Connection, cutoff: datetime) -> int:
    """Delete the rows of both log tables created before `cutoff`; returns how many."""
    return sum(conn.execute(delete(t).where(t.c.created_at < cutoff)).rowcount or 0 for t in KEYED)


def client_hash(client_id: int | None, salt: bytes) -> str | None:
    """Salted hash of a client ID (HMAC-SHA-256, hex): joins log rows of one client without storing the ID."""
    if client_id is None:
        return None
    return hmac.new(salt, str(int(client_id)).encode(), hashlib.sha256).hexdigest()


class ClientHashes:
    """`client_hash` under one salt, each client ID hashed once (at most `kept` kept: emptied when full)."""

    def __init__(self, salt: bytes, kept: int = 1 << 17) -> None:
        self.salt = salt
        self.kept = kept
        self._known: dict[int, str] = {}

    def of(self, client_id: int | None) -> str | None:
        if client_id is None:
            return None
        known = self._known.get(client_id)
        if known is None:
            known = client_hash(client_id, self.salt)
            if len(self._known) >= self.kept:
                self._known.clear()
            self._known[client_id] = known
        return known


def encode_features(vector: np.ndarray) -> bytes:
    """A feature vector as little-endian float32 bytes."""
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def decode_features(blob: bytes) -> np.ndarray:
    """The feature vector stored by `encode_features`."""
    return np.frombuffer(blob, dtype="<f4")


def register_model(engine: Engine, version: str, feature_names: Sequence[str]) -> bool:
    """Record the order of the stored features of a model version (idempotent; the first record stays).

    Returns False when the version was registered with other names (the log's policy changed under one
    model version: its rows decode with the first names).
    """
    names = list(feature_names)
    query = select(model_features.c.feature_names).where(model_features.c.model_version == version)
    with engine.connect() as conn:
        known = conn.execute(query).scalar()
    if known is None:
        with contextlib.suppress(exc.IntegrityError), engine.begin() as conn:  # or another worker's insert
            conn.execute(
                model_features.insert(), {"model_version": version, "feature_names": json.dumps(names)}
            )
        return True
    return json.loads(known) == names


def read_requests(
    engine: Engine, since: datetime | None = None, until: datetime | None = None
) -> pl.DataFrame:
    """Logged requests in [since, until): created_at, route, method, status_code, latency_ms."""
    t = requests
    query = select(t.c.created_at, t.c.route, t.c.method, t.c.status_code, t.c.latency_ms).where(
        *created_between(t, since, until)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    schema = {
        "created_at": pl.Datetime("us"),
        "route": pl.String,
        "method": pl.String,
        "status_code": pl.Int64,
        "latency_ms": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def read_predictions(
    engine: Engine,
    since: datetime | None = None,
    until: datetime | None = None,
    with_features: bool = False,
) -> pl.DataFrame:
    """Logged scores in [since, until); with_features adds one Float32 column per feature of each version."""
    t = predictions
    columns = [t.c.created_at, t.c.kind, t.c.model_version, t.c.client_hash, t.c.probability, t.c.decision]
    columns += [t.c.threshold, t.c.latency_ms] + ([t.c.features] if with_features else [])
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).where(*created_between(t, since, until)).order_by(t.c.id)).all()
    schema = {
        "created_at": pl.Datetime("us"),
        "kind": pl.String,
        "model_version": pl.String,
        "client_hash": pl.String,
        "probability": pl.Float64,
        "decision": pl.String,
        "threshold": pl.Float64,
        "latency_ms": pl.Float64,
    }
    if not with_features:
        return pl.DataFrame(rows, schema=schema, orient="row")
    frame = pl.DataFrame([r[:-1] for r in rows], schema=schema, orient="row")
    return _with_feature_columns(engine, frame, [r[-1] for r in rows])


def _with_feature_columns(engine: Engine, frame: pl.DataFrame, blobs: list[bytes]) -> pl.DataFrame:
    """Decode the feature blobs into columns named after each row's model version."""
    with engine.connect() as conn:
        names = {v: json.loads(n) for v, n in conn.execute(select(model_features)).all()}
    parts = []
    for version in frame["model_version"].unique(maintain_order=True).to_list():
        mask = (frame["model_version"] == version).to_numpy()
        if version not in names:
            raise KeyError(f"prediction log: no feature names registered for model version {version}")
        matrix = np.stack([decode_features(b) for b, m in zip(blobs, mask, strict=True) if m])
        values = pl.DataFrame(matrix, schema=names[version], orient="row").fill_nan(None)
        parts.append(pl.concat([frame.filter(pl.Series(mask)), values], how="horizontal"))
    return pl.concat(parts, how="diagonal_relaxed") if parts else frame
