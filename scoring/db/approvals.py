"""Four eyes on grants above the authority limits: a decision awaiting approval is approved (it becomes final)
or rejected (the client goes back to the worklist) by a second person with the right, never its author; each
review is audited (`decision-approved`, `decision-rejected`) in the transaction that records it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Exists, and_, exists, select

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.decisions import MIN_JUSTIFICATION, MIN_WORDS, columns, is_written, joined, out
from scoring.db.engine import write_transaction
from scoring.db.tables import decisions, utc_now, worklist_claims
from scoring.errors import ScoringError
from scoring.strategy.authority import AuthorityLimits
from scoring.vocabulary import AuditAction, DecisionStatus, Role

MAX_NOTE = 4000
LATER = decisions.alias("later")


class ReviewError(ScoringError, ValueError):
    """A review that cannot be recorded: `status` is the HTTP status it maps to (403, 404, 409, 422)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Review:
    """A second person's verdict on a decision awaiting approval, with their justification."""

    approve: bool
    note: str


def _superseded() -> Exists:
    """A later decision on the same client exists (the awaiting one no longer stands)."""
    return exists().where(and_(LATER.c.client_hash == decisions.c.client_hash, LATER.c.id > decisions.c.id))


def awaiting(engine: Engine) -> list[dict]:
    """Decisions awaiting approval that are still their client's latest, oldest first, with the officer's
    name."""
    query = (
        joined(select(*columns()))
        .where(decisions.c.status == str(DecisionStatus.AWAITING_APPROVAL), ~_superseded())
        .order_by(decisions.c.id)
    )
    with engine.connect() as conn:
        return [out(row) for row in conn.execute(query).mappings()]


def _checked(review: Review, actor: Actor, limits: AuthorityLimits) -> str:
    note = review.note.strip()
    if actor.role is None or not limits.may_approve(Role(actor.role)):
        roles = ", ".join(sorted(limits.approvers))
        raise ReviewError(403, f"the role {actor.role} may not approve or reject decisions ({roles})")
    if len(note) > MAX_NOTE:
        raise ReviewError(422, f"at most {MAX_NOTE} characters", "justification")
    if not is_written(note):
        raise ReviewError(
            422,
            f"an approval or rejection needs a written justification (at least {MIN_JUSTIFICATION} "
            f"characters and {MIN_WORDS} words)",
            "justification",
        )
    return note


def review(engine: Engine, decision_id: int, verdict: Review, actor: Actor, limits: AuthorityLimits) -> dict:
    """Approve (final) or reject a decision awaiting approval, with its audit row; returns the decision.

    ReviewError: 403 for its own author or a role without the right, 404 for an unknown decision, 409 when
    it does not await approval (already reviewed, final, or superseded by a later decision), 422 for a
    justification that is not written text."""
    note = _checked(verdict, actor, limits)
    with write_transaction(engine) as conn:
        row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).mappings().first()
        if row is None:
            raise ReviewError(404, f"no decision {decision_id}")
        if row["status"] != DecisionStatus.AWAITING_APPROVAL:
            raise ReviewError(409, f"decision {decision_id} is {row['status']}: it does not await approval")
        if conn.execute(select(_superseded()).where(decisions.c.id == decision_id)).scalar():
            raise ReviewError(409, f"decision {decision_id} was superseded by a later decision on the client")
        if row["user_id"] == actor.id:
            raise ReviewError(
                403, "four eyes: a decision awaiting approval must be approved or rejected by someone else"
            )
        status = DecisionStatus.FINAL if verdict.approve else DecisionStatus.REJECTED
        changes = {
            "status": str(status),
            "reviewed_by": actor.id,
            "reviewed_at": utc_now(),
            "review_note": note,
        }
        conn.execute(decisions.update().where(decisions.c.id == decision_id).values(**changes))
        if verdict.approve:
            conn.execute(worklist_claims.delete().where(worklist_claims.c.client_hash == row["client_hash"]))
        action = AuditAction.DECISION_APPROVED if verdict.approve else AuditAction.DECISION_REJECTED
        detail = {
            "decision_id": decision_id,
            "decision": row["decision"],
            "decided_by": row["user_id"],
            "probability": row["probability"],
            "status": str(status),
        }
        append(conn, [AuditEvent(action, actor, client_hash=row["client_hash"], detail=detail)])
        stored = (
            conn.execute(joined(select(*columns())).where(decisions.c.id == decision_id)).mappings().one()
        )
    return out(stored)
