"""Letters issued to clients: which decision each announces, in which language, by whom (the letter itself is
generated elsewhere; its SHA-256 is kept when there is a document). Each issue writes an audit row."""

from __future__ import annotations

from sqlalchemy import Engine

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.models import letters, utc_now
from scoring.vocabulary import AuditAction


def record_letter(
    engine: Engine,
    actor: Actor,
    client_hash: str,
    kind: str,
    language: str,
    model_version: str,
    decision_id: int | None = None,
    document_sha256: str | None = None,
) -> dict:
    """Store that a letter was issued, with its audit row, in one transaction; returns the row."""
    row = {
        "created_at": utc_now(),
        "user_id": actor.id,
        "client_hash": client_hash,
        "decision_id": decision_id,
        "kind": kind,
        "language": language,
        "model_version": model_version,
        "document_sha256": document_sha256,
    }
    with write_transaction(engine) as conn:
        row["id"] = conn.execute(letters.insert().values(**row)).inserted_primary_key[0]
        detail = {"letter_id": row["id"], "kind": kind, "language": language, "decision_id": decision_id}
        append(conn, [AuditEvent(AuditAction.LETTER_ISSUED, actor, client_hash=client_hash, detail=detail)])
    return row
