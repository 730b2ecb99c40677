"""Decision letters issued: one row per letter, written with its audit row before the letter is sent.

A row says which letter (its printed reference and the SHA-256 of the document), who issued it (the signed-in
user, or the API service), to which client (salted hash, never the ID), which decision it announces (and the
officer's recorded decision it follows, if any), the model's probability and version, language and format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Engine, select

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.models import letters
from scoring.vocabulary import AuditAction


@dataclass(frozen=True)
class IssuedLetter:
    """What is recorded of a letter (the issuer comes from the actor)."""

    created_at: datetime
    reference: str
    request_id: str | None
    client_hash: str
    kind: str
    probability: float
    language: str
    format: str
    model_version: str
    document_sha256: str
    decision_id: int | None = None


def record_letter(engine: Engine, actor: Actor, letter: IssuedLetter) -> dict:
    """Store the letter and its audit row in one transaction (the letter is not sent unless both are
    written); returns the stored row."""
    row = {**asdict(letter), "user_id": actor.id, "issued_by": actor.name}
    with write_transaction(engine) as conn:
        row["id"] = conn.execute(letters.insert().values(**row)).inserted_primary_key[0]
        detail = {
            "letter_id": row["id"],
            "reference": letter.reference,
            "kind": letter.kind,
            "language": letter.language,
            "format": letter.format,
            "decision_id": letter.decision_id,
        }
        event = AuditEvent(AuditAction.LETTER_ISSUED, actor, client_hash=letter.client_hash, detail=detail)
        append(conn, [event])
    return row


def read_letters(engine: Engine) -> pl.DataFrame:
    """Every letter issued, oldest first."""
    columns = [c for c in letters.columns if c.name != "id"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(letters.c.id)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=[c.name for c in columns], orient="row")
