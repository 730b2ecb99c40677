"""The officer's worklist on known timestamps: which referred clients are on it, oldest first; taking a case;
a final decision takes it off; queue size and time from referral to final decision (median, 90th percentile);
the migration 0011 up and down keeping the decisions recorded before it."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import Engine, select, text, update

from scoring.db import approvals, decisions, worklist
from scoring.db.audit import verify
from scoring.db.decisions import ModelOpinion, OfficerChoice
from scoring.db.engine import current_revision, downgrade, head_revision, upgrade
from scoring.db.tables import audit_log, predictions
from scoring.db.tables import decisions as decision_rows
from scoring.db.users import User, create_user
from scoring.serving.prediction_log import encode_features
from scoring.strategy.authority import AuthorityLimits
from scoring.vocabulary import Decision, DecisionStatus, OfficerDecision, OverrideReason, Role
from tests.db.conftest import CLI

NOTE = "Payslips of the last three months show a higher income."
LIMITS = AuthorityLimits(
    pd_limit=0.12, amount_limit=1_000_000.0, approvers=frozenset({Role.SENIOR, Role.ADMIN})
)
A, B, C, D, E = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


def at(hour: float) -> datetime:
    return datetime(2026, 12, 1, int(hour), int(hour % 1 * 60), tzinfo=UTC)


def score(
    engine: Engine,
    client: str,
    hour: float,
    decision: str,
    probability: float = 0.1,
    rules: str | None = None,
) -> None:
    row = {
        "created_at": at(hour).replace(tzinfo=None),
        "request_id": f"r{client[0]}{hour}",
        "kind": "client",
        "model_version": "v1",
        "client_hash": client,
        "features": encode_features(np.zeros(2, dtype=np.float32)),
        "probability": probability,
        "decision": decision,
        "threshold": 0.083,
        "latency_ms": 1.0,
        "rules": rules,
    }
    with engine.begin() as conn:
        conn.execute(predictions.insert().values(**row))


def opinion(client: str, probability: float = 0.1, amount: float | None = 500_000.0) -> ModelOpinion:
    return ModelOpinion(client, "v1", probability, 0.083, Decision.REFER, [], 90_000.0, amount=amount)


def decide(
    engine: Engine, person: User, client: str, hour: float, choice: OfficerChoice, probability: float = 0.1
) -> dict:
    row = decisions.record(engine, choice, opinion(client, probability), person.actor(), LIMITS)
    with engine.begin() as conn:
        conn.execute(update(decision_rows).where(decision_rows.c.id == row["id"]).values(created_at=at(hour)))
    return row


@pytest.fixture
def staff(sqlite_engine: Engine) -> dict[str, User]:
    return {
        name: create_user(sqlite_engine, name, role, None, CLI)
        for name, role in (("olivia", "officer"), ("otto", "officer"), ("sam", "senior"), ("root", "admin"))
    }


def history(engine: Engine, staff: dict[str, User]) -> None:
    """A referred at 09:00 (seen again at 10:00); B referred at 08:00, refused at 11:00, seen at 11:30; C
    never referred; D referred at 06:00, accepted by the model at 07:00, referred again at 10:30; E referred
    at 05:00, accepted above the PD limit at 06:00, approved at 09:00."""
    score(engine, A, 9, "refer", 0.10, '["AGE_AT_TERM_END"]')
    score(engine, A, 10, "refer", 0.10, '["AGE_AT_TERM_END"]')
    score(engine, B, 8, "refer")
    decide(engine, staff["olivia"], B, 11, OfficerChoice(OfficerDecision.REFUSE, OverrideReason.DATA_ERROR))
    score(engine, B, 11.5, "refer")
    score(engine, C, 7, "accept")
    score(engine, D, 6, "refer")
    score(engine, D, 7, "accept")
    score(engine, D, 10.5, "refer", 0.09)
    score(engine, E, 5, "refer", 0.3)
    pending = decide(engine, staff["otto"], E, 6, OfficerChoice(OfficerDecision.ACCEPT), probability=0.3)
    assert pending["status"] == DecisionStatus.AWAITING_APPROVAL
    approvals.review(engine, pending["id"], approvals.Review(True, NOTE), staff["sam"].actor(), LIMITS)
    with engine.begin() as conn:
        moved = update(decision_rows).where(decision_rows.c.id == pending["id"]).values(reviewed_at=at(9))
        conn.execute(moved)


def test_the_worklist_holds_open_referrals_oldest_first(sqlite_engine: Engine, staff: dict) -> None:
    history(sqlite_engine, staff)
    found = worklist.cases(sqlite_engine)
    assert [(c.referral.client_hash, c.referral.referred_at) for c in found] == [(A, at(9)), (D, at(10.5))]
    assert found[0].referral.rules == ["AGE_AT_TERM_END"] and found[1].referral.rules is None
    assert found[1].referral.probability == pytest.approx(0.09)
    assert all(c.taken_by is None and c.decision is None for c in found)


def test_queue_size_and_time_to_decision_on_known_times(sqlite_engine: Engine, staff: dict) -> None:
    history(sqlite_engine, staff)
    found = worklist.metrics(sqlite_engine, now=at(12))
    assert found["queue_size"] == 2 and found["taken"] == 0 and found["awaiting_approval"] == 0
    assert found["oldest_hours"] == pytest.approx(3.0)
    assert found["decided"] == 2  # B: 08:00 -> 11:00 (3 h); E: 05:00 -> approved 09:00 (4 h)
    assert found["time_to_decision_median_hours"] == pytest.approx(3.5)
    assert found["time_to_decision_p90_hours"] == pytest.approx(3.9)
    window = worklist.metrics(sqlite_engine, since=at(10), until=at(12), now=at(12))
    assert window["decided"] == 1 and window["time_to_decision_median_hours"] == pytest.approx(3.0)


def test_take_assigns_and_a_final_decision_removes_the_case(sqlite_engine: Engine, staff: dict) -> None:
    history(sqlite_engine, staff)
    olivia, otto, sam = staff["olivia"], staff["otto"], staff["sam"]
    worklist.take(sqlite_engine, A, olivia.actor())
    assert worklist.take(sqlite_engine, A, olivia.actor())[1] is None  # one's own case again: nothing changes
    with pytest.raises(worklist.ClaimError, match="taken by olivia"):
        worklist.take(sqlite_engine, A, otto.actor())
    assert worklist.take(sqlite_engine, A, sam.actor(), take_over=True)[1] == "olivia"
    assert worklist.cases(sqlite_engine)[0].taken_by == "sam"
    decide(sqlite_engine, sam, A, 11, OfficerChoice(OfficerDecision.REFER))  # a referral keeps it on the list
    assert [c.referral.client_hash for c in worklist.cases(sqlite_engine)] == [A, D]
    decide(sqlite_engine, sam, A, 11.5, OfficerChoice(OfficerDecision.REFUSE, OverrideReason.DATA_ERROR))
    assert [c.referral.client_hash for c in worklist.cases(sqlite_engine)] == [D]
    with sqlite_engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action, audit_log.c.actor, audit_log.c.detail)).all()
    taken = [(a, actor) for a, actor, _ in actions if a == "case-taken"]
    assert taken == [("case-taken", "olivia"), ("case-taken", "sam")]
    assert verify(sqlite_engine).ok


def test_a_grant_above_the_limits_awaits_a_second_person(sqlite_engine: Engine, staff: dict) -> None:
    olivia, otto, sam, root = staff["olivia"], staff["otto"], staff["sam"], staff["root"]
    score(sqlite_engine, A, 9, "refer", 0.3)
    accept = OfficerChoice(OfficerDecision.ACCEPT)
    row = decide(sqlite_engine, olivia, A, 10, accept, probability=0.3)
    assert row["status"] == DecisionStatus.AWAITING_APPROVAL
    assert "awaiting approval" in decisions.not_final(decisions.latest(sqlite_engine, A))
    case = worklist.cases(sqlite_engine)[0]
    assert case.decision["status"] == DecisionStatus.AWAITING_APPROVAL  # still on the worklist
    assert [r["id"] for r in approvals.awaiting(sqlite_engine)] == [row["id"]]
    review = approvals.Review(True, NOTE)
    for person, code in ((olivia, 403), (otto, 403)):  # officers have not the right (its author neither)
        with pytest.raises(approvals.ReviewError) as refused:
            approvals.review(sqlite_engine, row["id"], review, person.actor(), LIMITS)
        assert refused.value.status == code
    with pytest.raises(approvals.ReviewError) as short:
        approvals.review(sqlite_engine, row["id"], approvals.Review(True, "fine"), sam.actor(), LIMITS)
    assert (short.value.status, short.value.field) == (422, "justification")
    approved = approvals.review(sqlite_engine, row["id"], review, sam.actor(), LIMITS)
    assert (approved["status"], approved["reviewed_by"], approved["review_note"]) == ("final", "sam", NOTE)
    assert decisions.not_final(decisions.latest(sqlite_engine, A)) is None
    assert worklist.cases(sqlite_engine) == [] and approvals.awaiting(sqlite_engine) == []
    with pytest.raises(approvals.ReviewError) as again:
        approvals.review(sqlite_engine, row["id"], review, root.actor(), LIMITS)
    assert again.value.status == 409
    with pytest.raises(approvals.ReviewError) as unknown:
        approvals.review(sqlite_engine, 999, review, root.actor(), LIMITS)
    assert unknown.value.status == 404


def test_a_rejected_grant_goes_back_to_the_worklist(sqlite_engine: Engine, staff: dict) -> None:
    sam, root = staff["sam"], staff["root"]
    score(sqlite_engine, A, 9, "refer", 0.05)
    big = ModelOpinion(A, "v1", 0.05, 0.083, Decision.REFER, [], None, amount=1_500_000.0)
    row = decisions.record(sqlite_engine, OfficerChoice(OfficerDecision.ACCEPT), big, sam.actor(), LIMITS)
    assert row["status"] == DecisionStatus.AWAITING_APPROVAL  # a senior's own grant needs another person too
    with pytest.raises(approvals.ReviewError, match="four eyes") as own:
        approvals.review(sqlite_engine, row["id"], approvals.Review(True, NOTE), sam.actor(), LIMITS)
    assert own.value.status == 403
    rejected = approvals.review(sqlite_engine, row["id"], approvals.Review(False, NOTE), root.actor(), LIMITS)
    assert rejected["status"] == DecisionStatus.REJECTED and rejected["reviewed_by"] == "root"
    assert "rejected" in decisions.not_final(decisions.latest(sqlite_engine, A))
    assert [c.referral.client_hash for c in worklist.cases(sqlite_engine)] == [A]
    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.actor, audit_log.c.detail)).all()
    assert [(a, actor) for a, actor, _ in rows if a.startswith("decision-")] == [
        ("decision-rejected", "root")
    ]
    assert '"limits_exceeded": ["amount_limit"]' in next(d for a, _, d in rows if a == "decision")
    assert verify(sqlite_engine).ok


@pytest.mark.parametrize(
    ("choice", "probability", "amount", "status"),
    [
        (OfficerDecision.ACCEPT, 0.12, 1_000_000.0, DecisionStatus.FINAL),  # on the limits: within them
        (OfficerDecision.ACCEPT, 0.1201, 500_000.0, DecisionStatus.AWAITING_APPROVAL),
        (OfficerDecision.ACCEPT, 0.05, 1_000_001.0, DecisionStatus.AWAITING_APPROVAL),
        (OfficerDecision.ACCEPT_COUNTER_OFFER, 0.05, 1_500_000.0, DecisionStatus.FINAL),  # offer: 90,000
        (OfficerDecision.REFUSE, 0.5, 1_500_000.0, DecisionStatus.FINAL),
        (OfficerDecision.REFER, 0.5, 1_500_000.0, DecisionStatus.FINAL),
    ],
)
def test_which_decisions_need_approval(
    choice: OfficerDecision, probability: float, amount: float, status: DecisionStatus
) -> None:
    model = ModelOpinion(A, "v1", probability, 0.083, Decision.REFER, [], 90_000.0, amount=amount)
    assert bool(decisions.limits_exceeded(OfficerChoice(choice), model, LIMITS)) is (
        status is not DecisionStatus.FINAL
    )


def test_an_override_above_the_limits_needs_its_reason_and_approval(
    sqlite_engine: Engine, staff: dict
) -> None:
    refused = ModelOpinion(B, "v1", 0.4, 0.083, Decision.REFUSE, [], None, amount=200_000.0)
    choice = OfficerChoice(OfficerDecision.ACCEPT, OverrideReason.VERIFIED_INCOME, NOTE)
    row = decisions.record(sqlite_engine, choice, refused, staff["olivia"].actor(), LIMITS)
    assert row["override"] and row["status"] == DecisionStatus.AWAITING_APPROVAL
    assert [r["client_hash"] for r in approvals.awaiting(sqlite_engine)] == [B]  # not referred: not queued
    assert worklist.cases(sqlite_engine) == []


def test_migration_0011_up_and_down_keeps_decisions(bare: Engine) -> None:
    upgrade(bare, "0010")
    with bare.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, role, active, created_at) VALUES ('olivia', 'officer', true, "
                "'2026-12-01 09:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO decisions (created_at, user_id, client_hash, model_version, probability, "
                "threshold, model_decision, decision, override, reasons) VALUES ('2026-12-01 10:00:00', 1, "
                ":h, 'v1', 0.3, 0.083, 'refuse', 'accept', true, '[]')"
            ),
            {"h": A},
        )
    upgrade(bare)
    assert current_revision(bare) == head_revision()
    assert decisions.latest(bare, A)["status"] == "final"
    assert decisions.not_final(decisions.latest(bare, A)) is None
    downgrade(bare, "0010")
    with bare.connect() as conn:
        columns = set(conn.execute(text("SELECT * FROM decisions")).keys())
        assert conn.execute(text("SELECT COUNT(*) FROM decisions")).scalar_one() == 1
    assert "status" not in columns and "reviewed_by" not in columns
    upgrade(bare)
    assert decisions.latest(bare, A)["status"] == "final"


def test_the_referred_clients_are_found_by_the_partial_index(sqlite_engine: Engine, staff: dict) -> None:
    history(sqlite_engine, staff)
    query = worklist.referred_clients()
    compiled = str(query.compile(sqlite_engine, compile_kwargs={"literal_binds": True}))
    with sqlite_engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        found = {row[0] for row in conn.execute(query)}
        indexes = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_predictions_referrals'"))
        definition = indexes.scalar_one()
    assert "ix_predictions_referrals" in plan
    assert "WHERE decision = 'refer'" in definition
    assert found == {A, B, D, E}  # C was scored, never referred
