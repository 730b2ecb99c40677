"""The officer's worklist: stored clients the model referred and no officer has finally decided on since.

A client's **referral** is a run of consecutive `refer` scores of kind `client` in the prediction log (each
view of the client scores it again: the run goes on); a score that is not a referral ends it. The run is
**decided** by the first final accept or refusal an officer records during it (a grant above the authority
limits once approved: its time is the approval's). The worklist holds the clients whose latest score is a
referral whose run is not decided, oldest referral first; an officer's own "refer", a decision awaiting
approval or a rejected one leaves the client on it. Claims (`worklist_claims`) say who has taken a client.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, Select, select

from scoring.db.audit import Actor, AuditEvent, append
from scoring.db.decisions import CLOSING
from scoring.db.engine import write_transaction
from scoring.db.tables import REFERRED, decisions, predictions, users, utc_now, worklist_claims
from scoring.errors import ScoringError
from scoring.vocabulary import AuditAction, Decision, DecisionStatus, ScoreKind

REFER = str(Decision.REFER)
CLIENT = str(ScoreKind.CLIENT)


@dataclass(frozen=True)
class Referral:
    """One run of referrals of a client: when it began, its latest score, and its deciding time if any."""

    client_hash: str
    referred_at: datetime
    probability: float
    model_version: str
    rules: list[str] | None  # the policy rules the latest score logged (None: not logged)
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Case:
    """A client on the worklist: its open referral, who has taken it, and its latest officer decision."""

    referral: Referral
    taken_by: str | None = None
    taken_at: datetime | None = None
    decision: Mapping | None = None  # id, decision, status and username of the latest officer decision


class ClaimError(ScoringError, ValueError):
    """A client someone else has taken (`holder`, since `taken_at`)."""

    def __init__(self, holder: str, taken_at: datetime) -> None:
        super().__init__(f"taken by {holder} since {taken_at.isoformat(timespec='seconds')}")
        self.holder = holder
        self.taken_at = taken_at


def _utc(value: datetime) -> datetime:
    """A prediction-log time (naive UTC) or a stored time, aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _rules(text: str | None) -> list[str] | None:
    return None if text is None else [str(code) for code in json.loads(text)]


def referred_clients() -> Select:
    """The hashes of the clients the model referred, found by the partial index of the referred scores."""
    return select(predictions.c.client_hash).where(predictions.c.kind == CLIENT, REFERRED)


def _scores(engine: Engine) -> dict[str, list[Mapping]]:
    """Client scores of every client ever referred, by client hash, in time order (the log's writers ship
    rows in batches: ids alone need not follow the times)."""
    referred = referred_clients()
    query = (
        select(
            predictions.c.id,
            predictions.c.client_hash,
            predictions.c.created_at,
            predictions.c.decision,
            predictions.c.probability,
            predictions.c.model_version,
            predictions.c.rules,
        )
        .where(predictions.c.kind == CLIENT, predictions.c.client_hash.in_(referred.distinct()))
        .order_by(predictions.c.created_at, predictions.c.id)
    )
    found: dict[str, list[Mapping]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            found[row["client_hash"]].append(row)
    return found


def _final_times(engine: Engine, hashes: Iterable[str]) -> dict[str, list[tuple[datetime, datetime]]]:
    """Per client, (recorded at, final at) of each final accept or refusal, in the order recorded."""
    hashes = list(hashes)
    query = (
        select(decisions.c.client_hash, decisions.c.created_at, decisions.c.reviewed_at)
        .where(
            decisions.c.client_hash.in_(hashes),
            decisions.c.status == str(DecisionStatus.FINAL),
            decisions.c.decision.in_(CLOSING),
        )
        .order_by(decisions.c.id)
    )
    found: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            recorded = _utc(row["created_at"])
            final = recorded if row["reviewed_at"] is None else _utc(row["reviewed_at"])
            found[row["client_hash"]].append((recorded, final))
    return found


def _runs(client_hash: str, scores: Sequence[Mapping], finals: Sequence[tuple[datetime, datetime]]) -> list:
    """The client's referral runs, each with the time of the final decision that decided it (if any)."""
    runs: list[Referral] = []
    i = 0
    while i < len(scores):
        if scores[i]["decision"] != REFER:
            i += 1
            continue
        j = i
        while j + 1 < len(scores) and scores[j + 1]["decision"] == REFER:
            j += 1
        start = _utc(scores[i]["created_at"])
        end = _utc(scores[j + 1]["created_at"]) if j + 1 < len(scores) else None
        decided = next(
            (final for recorded, final in finals if recorded >= start and (end is None or recorded < end)),
            None,
        )
        last = scores[j]
        runs.append(
            Referral(
                client_hash,
                start,
                float(last["probability"]),
                str(last["model_version"]),
                _rules(last["rules"]),
                decided,
            )
        )
        i = j + 1
    return runs


def referrals(engine: Engine) -> tuple[list[Referral], list[Referral]]:
    """(open referrals oldest first, decided referrals): a client's latest run is open when its latest score
    is a referral and no final decision decided it."""
    scores = _scores(engine)
    finals = _final_times(engine, scores)
    open_runs: list[Referral] = []
    decided: list[Referral] = []
    for client_hash, rows in scores.items():
        runs = _runs(client_hash, rows, finals.get(client_hash, []))
        decided += [run for run in runs if run.decided_at is not None]
        last = runs[-1] if runs else None
        if last is not None and last.decided_at is None and rows[-1]["decision"] == REFER:
            open_runs.append(last)
    return sorted(open_runs, key=lambda r: (r.referred_at, r.client_hash)), decided


def _latest_decisions(engine: Engine, hashes: Sequence[str]) -> dict[str, Mapping]:
    columns = (
        decisions.c.id,
        decisions.c.client_hash,
        decisions.c.decision,
        decisions.c.status,
        users.c.username,
    )
    query = (
        select(*columns)
        .join_from(decisions, users, decisions.c.user_id == users.c.id)
        .where(decisions.c.client_hash.in_(hashes))
        .order_by(decisions.c.id)
    )
    with engine.connect() as conn:
        return {row["client_hash"]: dict(row) for row in conn.execute(query).mappings()}


def _claims(engine: Engine) -> dict[str, tuple[str, int, datetime]]:
    """Who has taken each client: (user name, user id, taken at)."""
    query = select(worklist_claims.c.client_hash, users.c.username, users.c.id, worklist_claims.c.taken_at)
    query = query.join_from(worklist_claims, users, worklist_claims.c.user_id == users.c.id)
    with engine.connect() as conn:
        return {row[0]: (row[1], row[2], _utc(row[3])) for row in conn.execute(query)}


def cases(engine: Engine, open_runs: Sequence[Referral] | None = None) -> list[Case]:
    """The worklist: open referrals oldest first (`referrals` when not given), with who has taken each and
    its latest officer decision."""
    if open_runs is None:
        open_runs, _ = referrals(engine)
    claims = _claims(engine)
    latest = _latest_decisions(engine, [r.client_hash for r in open_runs])
    result = []
    for run in open_runs:
        claim = claims.get(run.client_hash)
        taken_by, taken_at = (claim[0], claim[2]) if claim else (None, None)
        result.append(Case(run, taken_by, taken_at, latest.get(run.client_hash)))
    return result


def take(
    engine: Engine, client_hash: str, actor: Actor, take_over: bool = False
) -> tuple[datetime, str | None]:
    """Assign the client to `actor` (audited); returns (taken at, the previous holder if taken over).

    Taking one's own case again changes nothing; a case someone else holds raises ClaimError unless
    `take_over` (the route allows it to seniors and admins)."""
    with write_transaction(engine) as conn:
        query = select(worklist_claims.c.user_id, worklist_claims.c.taken_at, users.c.username)
        query = query.join_from(worklist_claims, users, worklist_claims.c.user_id == users.c.id)
        held = conn.execute(query.where(worklist_claims.c.client_hash == client_hash)).first()
        if held is not None and held[0] == actor.id:
            return _utc(held[1]), None
        if held is not None and not take_over:
            raise ClaimError(held[2], _utc(held[1]))
        now = utc_now()
        conn.execute(worklist_claims.delete().where(worklist_claims.c.client_hash == client_hash))
        conn.execute(worklist_claims.insert().values(client_hash=client_hash, user_id=actor.id, taken_at=now))
        previous = None if held is None else str(held[2])
        detail = {"taken_over_from": previous} if previous else {}
        append(conn, [AuditEvent(AuditAction.CASE_TAKEN, actor, client_hash=client_hash, detail=detail)])
    return now, previous


def _hours(values: Sequence[float], q: float) -> float | None:
    return float(np.quantile(np.array(values), q)) if values else None


def metrics(
    engine: Engine, since: datetime | None = None, until: datetime | None = None, now: datetime | None = None
) -> dict:
    """Queue size now (taken, awaiting approval) and the time from referral to final decision of the
    referrals decided in [since, until): count, median and 90th percentile in hours."""
    open_runs, decided = referrals(engine)
    found = cases(engine, open_runs)
    within = [
        r
        for r in decided
        if r.decided_at is not None
        and (since is None or r.decided_at >= since)
        and (until is None or r.decided_at < until)
    ]
    hours = [(r.decided_at - r.referred_at).total_seconds() / 3600 for r in within if r.decided_at]
    moment = now or utc_now()
    ages = [(moment - c.referral.referred_at).total_seconds() / 3600 for c in found]
    awaiting = sum(
        1 for c in found if c.decision and c.decision["status"] == DecisionStatus.AWAITING_APPROVAL
    )
    return {
        "queue_size": len(found),
        "taken": sum(1 for c in found if c.taken_by is not None),
        "awaiting_approval": awaiting,
        "oldest_hours": max(ages) if ages else None,
        "decided": len(hours),
        "time_to_decision_median_hours": _hours(hours, 0.5),
        "time_to_decision_p90_hours": _hours(hours, 0.9),
    }
