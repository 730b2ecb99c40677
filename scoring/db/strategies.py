"""Decision strategies in the product database: every version stored (YAML text, SHA-256, author, who
proposed and approved it and when), at most one active. None active: the bundle's single threshold decides.

Activation stores the strategy (or finds the stored version with the same text), makes it the only active
one and appends a `strategy-activated` audit row, all in one transaction. The text stored is the file as
given: it is validated again when read (`load`), so a stored strategy that no longer validates (a feature
renamed, a reason code removed) fails loudly rather than deciding differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.engine import write_transaction
from scoring.db.models import strategies, utc_now
from scoring.strategy.schema import Strategy, load_strategy
from scoring.vocabulary import AuditAction


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
        stored = _store(conn, strategy, author)
        now = utc_now()
        conn.execute(strategies.update().where(strategies.c.active).values(active=False))
        conn.execute(
            strategies.update()
            .where(strategies.c.version == stored.version)
            .values(active=True, activated_at=now, approved_by=actor.name, approved_at=now)
        )
        detail = {"name": stored.name, "sha256": stored.sha256, "author": stored.author}
        event = AuditEvent(AuditAction.STRATEGY_ACTIVATED, actor, target=f"v{stored.version}", detail=detail)
        append(conn, [event])
        row = conn.execute(select(strategies).where(strategies.c.version == stored.version)).one()
    return _stored(row)


def active_strategy(engine: Engine) -> StoredStrategy | None:
    """The active strategy, or None (the bundle's single threshold decides)."""
    with engine.connect() as conn:
        row = conn.execute(select(strategies).where(strategies.c.active)).first()
    return None if row is None else _stored(row)
