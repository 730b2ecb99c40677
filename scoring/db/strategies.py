"""Decision strategies in the product database: every version stored (YAML text, SHA-256, author, who
proposed and approved it and when), at most one active. None active: the bundle's single threshold decides.

Activation stores the strategy (or finds the stored version with the same text), makes it the only active
one and appends a `strategy-activated` audit row, all in one transaction. The text stored is the file as
given: it is validated again when read (`load`), so a stored strategy that no longer validates (a feature
renamed, a reason code removed) fails loudly rather than deciding differently.

The four-eyes flow: `propose` stores a version as proposed (audited `strategy-proposed`); `approve` makes it
active, by someone who neither proposed nor wrote it (`strategy-activated`, naming the proposer); `reject`
leaves it stored, not active (`strategy-rejected`). A rejection is kept in the audit trail, which `history`
reads for each version's status (the table has no column for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.tables import audit_log, strategies, utc_now
from scoring.errors import ScoringError
from scoring.strategy.definition import InForce, Strategy, load_strategy
from scoring.vocabulary import AuditAction, StrategyStatus


@dataclass(frozen=True)
class StoredStrategy:
    """One stored version of a strategy."""

    version: int
    name: str
    yaml: str
    sha256: str
    author: str
    created_at: datetime
    proposed_by: str | None
    proposed_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    active: bool
    activated_at: datetime | None

    def load(self) -> Strategy:
        """The strategy, validated again."""
        return load_strategy(self.yaml, f"strategy version {self.version}")

    def to_dict(self) -> dict:
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in self.__dict__.items()
        }


def _stored(row: object) -> StoredStrategy:
    fields = StoredStrategy.__dataclass_fields__
    return StoredStrategy(**{name: row._mapping[name] for name in fields})  # type: ignore[attr-defined]


def _store(conn: Connection, strategy: Strategy, author: str) -> StoredStrategy:
    """The stored version with this text, else a new version."""
    same = conn.execute(
        select(strategies).where(strategies.c.sha256 == strategy.sha256).order_by(strategies.c.version.desc())
    ).first()
    if same is not None and same.yaml == strategy.text:
        return _stored(same)
    version = (conn.execute(select(func.max(strategies.c.version))).scalar() or 0) + 1
    now = utc_now()
    conn.execute(
        strategies.insert().values(
            version=version,
            name=strategy.name,
            yaml=strategy.text,
            sha256=strategy.sha256,
            author=author,
            created_at=now,
            proposed_by=author,
            proposed_at=now,
            active=False,
        )
    )
    return _stored(conn.execute(select(strategies).where(strategies.c.version == version)).one())


def activate(engine: Engine, strategy: Strategy, author: str, actor: Actor) -> StoredStrategy:
    """Store `strategy` (written by `author`) and make it the only active one, approved by `actor`;
    audited. Returns the stored version as now active."""
    if not author.strip():
        raise ValueError("author: give who wrote the strategy")
    try:
        return _activate(engine, strategy, author.strip(), actor)
    except IntegrityError:  # another activation committed first (version or active row taken)
        raise ValueError(
            "another strategy was stored or activated at the same moment: run it again"
        ) from None


def _activate(engine: Engine, strategy: Strategy, author: str, actor: Actor) -> StoredStrategy:
    with write_transaction(engine) as conn:
        return _make_active(conn, _store(conn, strategy, author), actor)


def _make_active(conn: Connection, stored: StoredStrategy, actor: Actor) -> StoredStrategy:
    """Make the stored version the only active one, approved by `actor`, with its `strategy-activated` audit
    row (in the caller's write transaction)."""
    now = utc_now()
    conn.execute(strategies.update().where(strategies.c.active).values(active=False))
    conn.execute(
        strategies.update()
        .where(strategies.c.version == stored.version)
        .values(active=True, activated_at=now, approved_by=actor.name, approved_at=now)
    )
    detail = {
        "name": stored.name,
        "sha256": stored.sha256,
        "author": stored.author,
        "proposed_by": stored.proposed_by,
    }
    event = AuditEvent(AuditAction.STRATEGY_ACTIVATED, actor, target=f"v{stored.version}", detail=detail)
    append(conn, [event])
    return _stored(conn.execute(select(strategies).where(strategies.c.version == stored.version)).one())


def active_strategy(engine: Engine) -> StoredStrategy | None:
    """The active strategy, or None (the bundle's single threshold decides)."""
    with engine.connect() as conn:
        row = conn.execute(select(strategies).where(strategies.c.active)).first()
    return None if row is None else _stored(row)


def in_force(engine: Engine, threshold: float) -> InForce:
    """The strategy deciding now: the active one, else the bundle's single `threshold`. A StrategyError
    when the active one no longer validates."""
    stored = active_strategy(engine)
    if stored is None:
        return InForce(Strategy.single_threshold(threshold), None, threshold)
    return InForce(stored.load(), stored.version, threshold)


# -- proposals: an analyst proposes, another person (an administrator) approves or rejects ------------------


class ReviewError(ScoringError, ValueError):
    """A proposal, approval or rejection refused: `kind` is `not-found`, `conflict` or `four-eyes`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Reviewed:
    """A stored version with where it stands and, when rejected, by whom and when (from the audit trail)."""

    stored: StoredStrategy
    status: StrategyStatus
    rejected_by: str | None = None
    rejected_at: datetime | None = None


def _rejections(conn: Connection) -> dict[str, tuple[str, datetime]]:
    """The last rejection of each version (audit target `v<version>`): who and when."""
    rows = conn.execute(
        select(audit_log.c.target, audit_log.c.actor, audit_log.c.created_at)
        .where(audit_log.c.action == AuditAction.STRATEGY_REJECTED.value)
        .order_by(audit_log.c.id)
    )
    return {target: (actor, at) for target, actor, at in rows}


def _reviewed(stored: StoredStrategy, rejections: dict[str, tuple[str, datetime]]) -> Reviewed:
    if stored.active:
        return Reviewed(stored, StrategyStatus.ACTIVE)
    proposed = stored.proposed_at
    if stored.approved_at is not None and (proposed is None or stored.approved_at >= proposed):
        return Reviewed(stored, StrategyStatus.RETIRED)
    rejected = rejections.get(f"v{stored.version}")
    if rejected is not None and (proposed is None or rejected[1] >= proposed):
        return Reviewed(stored, StrategyStatus.REJECTED, *rejected)
    return Reviewed(stored, StrategyStatus.PROPOSED)


def history(engine: Engine) -> list[Reviewed]:
    """Every stored version, newest first, with where it stands."""
    with engine.connect() as conn:
        rows = conn.execute(select(strategies).order_by(strategies.c.version.desc())).all()
        rejections = _rejections(conn)
    return [_reviewed(_stored(row), rejections) for row in rows]


def _version(conn: Connection, version: int) -> Reviewed:
    row = conn.execute(select(strategies).where(strategies.c.version == version)).first()
    if row is None:
        raise ReviewError("not-found", f"strategy version {version} not found")
    return _reviewed(_stored(row), _rejections(conn))


def propose(engine: Engine, strategy: Strategy, actor: Actor) -> StoredStrategy:
    """Store `strategy` as proposed by `actor` (its author when new), not active; audited
    `strategy-proposed`. The same text stored before is proposed again under its version, unless it is
    active or already waiting for an approval (a `conflict`)."""
    try:
        with write_transaction(engine) as conn:
            stored = _store(conn, strategy, actor.name)
            reviewed = _version(conn, stored.version)
            if reviewed.status is StrategyStatus.ACTIVE:
                raise ReviewError(
                    "conflict", f"this strategy is already the active one (version {stored.version})"
                )
            if reviewed.status is StrategyStatus.PROPOSED and stored.proposed_by != actor.name:
                raise ReviewError(
                    "conflict",
                    f"this strategy is already proposed (version {stored.version}, by {stored.proposed_by})",
                )
            conn.execute(
                strategies.update()
                .where(strategies.c.version == stored.version)
                .values(proposed_by=actor.name, proposed_at=utc_now())
            )
            detail = {"name": stored.name, "sha256": stored.sha256, "author": stored.author}
            append(
                conn,
                [
                    AuditEvent(
                        AuditAction.STRATEGY_PROPOSED, actor, target=f"v{stored.version}", detail=detail
                    )
                ],
            )
            return _stored(
                conn.execute(select(strategies).where(strategies.c.version == stored.version)).one()
            )
    except IntegrityError:  # another proposal took the version number first
        raise ReviewError(
            "conflict", "another strategy was stored at the same moment: propose it again"
        ) from None


def _waiting(conn: Connection, version: int, actor: Actor, verb: str) -> StoredStrategy:
    """The proposed version `actor` may approve or reject."""
    reviewed = _version(conn, version)
    if reviewed.status is not StrategyStatus.PROPOSED:
        raise ReviewError(
            "conflict", f"strategy version {version} is {reviewed.status}: only a proposed one can be {verb}"
        )
    return reviewed.stored


def approve(engine: Engine, version: int, actor: Actor) -> StoredStrategy:
    """Make the proposed `version` the active strategy, approved by `actor`, who must be neither its proposer
    nor its author (four eyes); audited `strategy-activated` with both names."""
    try:
        with write_transaction(engine) as conn:
            stored = _waiting(conn, version, actor, "approved")
            if actor.name in (stored.proposed_by, stored.author):
                raise ReviewError(
                    "four-eyes",
                    f"four eyes: {actor.name} proposed or wrote strategy version {version}, so another "
                    "administrator must approve it",
                )
            stored.load()  # one that no longer validates (a feature renamed) is never switched on
            return _make_active(conn, stored, actor)
    except IntegrityError:
        raise ReviewError(
            "conflict", "another strategy was activated at the same moment: try again"
        ) from None


def reject(engine: Engine, version: int, actor: Actor, reason: str | None = None) -> Reviewed:
    """Reject the proposed `version` (it stays stored, not active); audited `strategy-rejected`."""
    with write_transaction(engine) as conn:
        stored = _waiting(conn, version, actor, "rejected")
        detail = {"name": stored.name, "sha256": stored.sha256, "proposed_by": stored.proposed_by}
        if reason:
            detail["reason"] = reason
        append(conn, [AuditEvent(AuditAction.STRATEGY_REJECTED, actor, target=f"v{version}", detail=detail)])
        return _version(conn, version)
