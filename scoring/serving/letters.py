"""The record of decision letters issued: who asked for it, when, for which client (salted hash, never the
ID), its reference, decision, language and format. One row per letter, written before the letter is sent,
in the prediction log's database (table `letters_issued`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, select

from scoring.serving.prediction_log import letters_issued


@dataclass(frozen=True)
class LetterRecord:
    created_at: datetime
    reference: str
    request_id: str
    issued_by: str
    client_hash: str
    model_version: str
    decision: str
    probability: float
    language: str
    format: str


def record_letter(engine: Engine, letter: LetterRecord) -> None:
    """Write one issued letter (synchronously: the letter is not sent unless its row is written)."""
    row = asdict(letter)
    row["created_at"] = letter.created_at.astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(letters_issued.insert(), row)


def read_letters(engine: Engine) -> pl.DataFrame:
    """Every letter issued, oldest first."""
    t = letters_issued
    columns = [c for c in t.columns if c.name != "id"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(t.c.id)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=[c.name for c in columns], orient="row")
