"""The four-eyes flow in the product database (SQLite and PostgreSQL): a proposal is stored, not active;
its proposer cannot approve it; another person's approval makes it the only active one; a rejection keeps
it stored with its status; each step audited."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import Engine, select

from scoring.db.audit import Actor
from scoring.db.strategies import ReviewError, active_strategy, approve, history, propose, reject
from scoring.db.tables import audit_log
from scoring.strategy.definition import load_strategy
from scoring.vocabulary import StrategyStatus
from tests.delivery.conftest import postgres_url  # noqa: F401 - the session's PostgreSQL server
from tests.strategy.test_activation import engine  # noqa: F401 - SQLite and PostgreSQL
from tests.strategy.test_decide import STRATEGY

ANNA, ROOT, ADA = (
    Actor(name, role=role) for name, role in (("anna", "analyst"), ("root", "admin"), ("ada", "admin"))
)
DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")


def statuses(engine: Engine) -> list[tuple[int, StrategyStatus]]:  # noqa: F811
    return [(r.stored.version, r.status) for r in history(engine)]


def test_propose_approve_reject(engine: Engine) -> None:  # noqa: F811
    first = propose(engine, load_strategy(DEMO), ANNA)
    assert (first.version, first.author, first.proposed_by, first.active) == (1, "anna", "anna", False)
    assert active_strategy(engine) is None
    with pytest.raises(ReviewError, match="four eyes") as refused:
        approve(engine, 1, ANNA)
    assert refused.value.kind == "four-eyes"
    with pytest.raises(ReviewError, match="already proposed") as twice:
        propose(engine, load_strategy(DEMO), ROOT)
    assert twice.value.kind == "conflict"
    approved = approve(engine, 1, ROOT)
    assert (approved.active, approved.approved_by) == (True, "root")
    propose(engine, load_strategy(STRATEGY), ROOT)
    rejected = reject(engine, 2, ADA, "not now")
    assert (rejected.status, rejected.rejected_by) == (StrategyStatus.REJECTED, "ada")
    with pytest.raises(ReviewError, match="only a proposed one") as late:
        approve(engine, 2, ANNA)
    assert late.value.kind == "conflict"
    with pytest.raises(ReviewError) as missing:
        reject(engine, 3, ADA)
    assert missing.value.kind == "not-found"
    assert statuses(engine) == [(2, StrategyStatus.REJECTED), (1, StrategyStatus.ACTIVE)]
    propose(engine, load_strategy(STRATEGY), ANNA)  # proposed again, by someone else, after the rejection
    approve(engine, 2, ADA)
    assert statuses(engine) == [(2, StrategyStatus.ACTIVE), (1, StrategyStatus.RETIRED)]
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.actor, audit_log.c.target)
            .where(audit_log.c.action.like("strategy-%"))
            .order_by(audit_log.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("strategy-proposed", "anna", "v1"),
        ("strategy-activated", "root", "v1"),
        ("strategy-proposed", "root", "v2"),
        ("strategy-rejected", "ada", "v2"),
        ("strategy-proposed", "anna", "v2"),
        ("strategy-activated", "ada", "v2"),
    ]
