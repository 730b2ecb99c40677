"""Decision letters: one decision, one letter. The first delivery of a decision's letter issues it (a
`letters` row and one `letter-issued` audit row, written before the letter is sent); every later view,
format or language of the same decision carries the same reference and issue date, is listed on that
letter (`letter_deliveries`, once per language and format) and writes no audit row of issue.

A letter row says which letter (its printed reference and the SHA-256 of the first document), who issued it
(the signed-in user, or the API service), to which client (salted hash, never the ID), which decision it
announces (and the officer's recorded decision it follows, if any), the model's probability and version, and
the language and format of the first delivery. The decision is named by `decision_key`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.tables import letter_deliveries, letters
from scoring.vocabulary import AuditAction


def decision_key(
    client_hash: str, decision_id: int | None, model_decision: str, model_version: str, probability: float
) -> str:
    """The decision a letter announces, as a SHA-256: the officer's recorded decision when the letter follows
    one, else the model's decision, version and probability of default for the client."""
    if decision_id is not None:
        named = f"officer:{decision_id}"
    else:
        named = f"model:{model_decision}:{model_version}:{probability!r}"
    return hashlib.sha256(f"{client_hash}|{named}".encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLetter:
    """One delivery of a decision's letter (the issuer comes from the actor)."""

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
    decision_key: str
    decision_id: int | None = None


@dataclass(frozen=True)
class FirstIssue:
    """A decision's letter as first issued: what every delivery of it prints."""

    id: int
    reference: str
    issued_at: datetime


def _first(conn: Connection, key: str) -> FirstIssue | None:
    query = select(letters.c.id, letters.c.reference, letters.c.created_at)
    row = conn.execute(query.where(letters.c.decision_key == key)).first()
    return None if row is None else FirstIssue(row.id, row.reference, row.created_at)


def first_issue(engine: Engine, key: str) -> FirstIssue | None:
    """The letter already issued for the decision `key`, if any."""
    with engine.connect() as conn:
        return _first(conn, key)


def _delivery(letter: IssuedLetter, letter_id: int, actor: Actor) -> dict:
    return {
        "letter_id": letter_id,
        "delivered_at": letter.created_at,
        "language": letter.language,
        "format": letter.format,
        "document_sha256": letter.document_sha256,
        "request_id": letter.request_id,
        "user_id": actor.id,
        "delivered_by": actor.name,
    }


def _record(engine: Engine, actor: Actor, letter: IssuedLetter) -> FirstIssue:
    with write_transaction(engine) as conn:
        first = _first(conn, letter.decision_key)
        if first is not None:
            if first.reference == letter.reference:
                listed = select(letter_deliveries.c.id).where(
                    letter_deliveries.c.letter_id == first.id,
                    letter_deliveries.c.language == letter.language,
                    letter_deliveries.c.format == letter.format,
                )
                if conn.execute(listed).first() is None:
                    conn.execute(letter_deliveries.insert().values(**_delivery(letter, first.id, actor)))
            return first
        row = {**asdict(letter), "user_id": actor.id, "issued_by": actor.name}
        letter_id = conn.execute(letters.insert().values(**row)).inserted_primary_key[0]
        conn.execute(letter_deliveries.insert().values(**_delivery(letter, letter_id, actor)))
        detail = {
            "letter_id": letter_id,
            "reference": letter.reference,
            "kind": letter.kind,
            "language": letter.language,
            "format": letter.format,
            "decision_id": letter.decision_id,
        }
        event = AuditEvent(AuditAction.LETTER_ISSUED, actor, client_hash=letter.client_hash, detail=detail)
        append(conn, [event])
    return FirstIssue(letter_id, letter.reference, letter.created_at)


def record_delivery(engine: Engine, actor: Actor, letter: IssuedLetter) -> FirstIssue:
    """Record a delivery of the letter of `letter.decision_key` and return that decision's letter.

    The first delivery issues it (letter, delivery and audit row in one transaction: the letter is not sent
    unless all are written); a later one in a new language or format is listed on it; a repeat writes
    nothing. A delivery rendered with another reference than the decision's letter (another request issued
    it first) writes nothing either: the caller renders again with the reference returned.
    """
    try:
        return _record(engine, actor, letter)
    except IntegrityError:  # PostgreSQL: another request wrote the same letter or delivery in between
        return _record(engine, actor, letter)


def read_letters(engine: Engine) -> pl.DataFrame:
    """Every letter issued, oldest first."""
    columns = [c for c in letters.columns if c.name != "id"]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(letters.c.id)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=[c.name for c in columns], orient="row")


def read_deliveries(engine: Engine) -> pl.DataFrame:
    """Every language and format delivered of each letter, with the letter's reference, oldest first."""
    columns = [
        letters.c.reference,
        *(c for c in letter_deliveries.columns if c.name not in ("id", "letter_id")),
    ]
    query = select(*columns).join_from(letter_deliveries, letters).order_by(letter_deliveries.c.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=[c.name for c in columns], orient="row")
