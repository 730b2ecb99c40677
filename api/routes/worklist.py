"""The officer's worklist: stored clients the model referred with no final officer decision since (oldest
first), taking one, and the grants awaiting a second person's approval. Client IDs are never stored: the
log's salted hashes are resolved back to the stored clients' IDs (each stored ID hashed once per store)."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy import Engine

from api.deps import ClientId, ServiceDep, StateDep, client_not_found
from api.errors import error_responses
from api.identity import Officer, actor_of
from api.language import LanguageDep
from api.schemas.worklist import AuthorityLimitsOut, AwaitingOut, TakenOut, WorklistCaseOut, WorklistOut
from scoring.db import approvals, worklist
from scoring.db.strategies import active_strategy
from scoring.explain.policy_reasons import policy_title
from scoring.serving.prediction_log import client_hash
from scoring.serving.service import ScoringService
from scoring.strategy.authority import authority_limits
from scoring.strategy.definition import StrategyError
from scoring.vocabulary import Language, OfficerDecision, Role

router = APIRouter(prefix="/worklist", tags=["decisions"])
_lock = threading.Lock()
_index: dict[tuple[int, bytes], dict[str, int]] = {}


def client_ids(service: ScoringService, salt: bytes) -> dict[str, int]:
    """Stored client ID by salted hash, computed once per client store (a reloaded store: again)."""
    key = (id(service.store), salt)
    with _lock:
        found = _index.get(key)
    if found is None:
        found = {client_hash(int(i), salt) or "": int(i) for i in service.store.ids.tolist()}
        with _lock:
            _index.clear()
            _index[key] = found
    return found


def _band(engine: Engine) -> tuple[float, float] | None:
    """The active strategy's refer band (accept_below, refuse_from); None without one (or one that no longer
    validates: the scoring routes report it)."""
    stored = active_strategy(engine)
    if stored is None:
        return None
    try:
        strategy = stored.load()
    except StrategyError:
        return None
    return strategy.accept_below, strategy.refuse_from


def _amounts(service: ScoringService, ids: list[int]) -> list[float | None]:
    credit, _ = service.offer_data.loans(ids)
    return [float(a) if math.isfinite(a) else None for a in credit.tolist()]


def _titles(codes: list[str] | None, language: Language) -> list[str] | None:
    """The policy reasons' titles of `codes` in `language` (a code no longer in the catalogue as itself)."""
    return None if codes is None else [policy_title(c, language) for c in codes]


def _cases(
    engine: Engine, service: ScoringService, ids: dict[str, int], now: datetime, language: Language
) -> list[WorklistCaseOut]:
    found = [c for c in worklist.cases(engine) if c.referral.client_hash in ids]
    band = _band(engine)
    amounts = _amounts(service, [ids[c.referral.client_hash] for c in found])
    return [
        WorklistCaseOut(
            client_id=ids[case.referral.client_hash],
            referred_at=case.referral.referred_at,
            age_hours=(now - case.referral.referred_at).total_seconds() / 3600,
            probability=case.referral.probability,
            model_version=case.referral.model_version,
            amount=amount,
            rules=case.referral.rules,
            rule_titles=_titles(case.referral.rules, language),
            band=None if band is None else band[0] <= case.referral.probability < band[1],
            taken_by=case.taken_by,
            taken_at=case.taken_at,
            decision_id=None if case.decision is None else case.decision["id"],
            decision_status=None if case.decision is None else case.decision["status"],
            decision=None if case.decision is None else case.decision["decision"],
            decided_by=None if case.decision is None else case.decision["username"],
        )
        for case, amount in zip(found, amounts, strict=True)
    ]


def _awaiting(engine: Engine, service: ScoringService, ids: dict[str, int]) -> list[AwaitingOut]:
    rows = approvals.awaiting(engine)
    stored = [ids.get(row["client_hash"]) for row in rows]
    asked = _amounts(service, [i for i in stored if i is not None])
    amounts = iter(asked)
    result = []
    for row, client_id in zip(rows, stored, strict=True):
        amount = None if client_id is None else next(amounts)
        if row["decision"] == OfficerDecision.ACCEPT_COUNTER_OFFER:
            amount = row["counter_offer_amount"]
        result.append(AwaitingOut(**row, client_id=client_id, amount=amount))
    return result


@router.get("", response_model=WorklistOut, responses=error_responses(401, 403, 422, 500, 503))
def worklist_cases(state: StateDep, service: ServiceDep, user: Officer, language: LanguageDep) -> WorklistOut:
    """The referred stored clients without a final officer decision since the referral, oldest first: age in
    the queue, PD, amount asked, the policy rules logged with the score or whether the PD is in the active
    strategy's refer band, who has taken it and the latest decision's status; and the grants above the
    authority limits awaiting approval (officers, seniors and admins)."""
    ids = client_ids(service, state.salt)
    limits = authority_limits()
    return WorklistOut(
        cases=_cases(state.engine, service, ids, datetime.now(UTC), language),
        awaiting_approval=_awaiting(state.engine, service, ids),
        can_review=limits.may_approve(user.role),
        limits=AuthorityLimitsOut(
            pd_limit=limits.pd_limit,
            amount_limit=limits.amount_limit,
            approvers=sorted(str(r) for r in limits.approvers),
        ),
    )


@router.post(
    "/{client_id}/take", response_model=TakenOut, responses=error_responses(401, 403, 404, 409, 422, 500, 503)
)
def take(
    client_id: ClientId,
    request: Request,
    state: StateDep,
    service: ServiceDep,
    user: Officer,
    take_over: Annotated[
        bool, Query(description="A senior or an admin takes over a case another officer holds")
    ] = False,
) -> TakenOut:
    """Assign a client on the worklist to oneself (audited as `case-taken`). Taking one's own case again
    changes nothing; a case another officer holds is a 409 naming them, unless a senior or an admin takes it
    over (`take_over=true`, the previous holder recorded in the audit trail). 404 when the client is not on
    the worklist."""
    if service.store.row(client_id) is None:
        raise client_not_found()
    hashed = client_hash(client_id, state.salt) or ""
    if all(c.referral.client_hash != hashed for c in worklist.cases(state.engine)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the client is not on the worklist")
    if take_over and user.role not in (Role.SENIOR, Role.ADMIN):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only a senior or an admin may take over a case")
    try:
        taken_at, previous = worklist.take(state.engine, hashed, actor_of(request, user), take_over)
    except worklist.ClaimError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"the case is {error}: a senior or an admin may take it over"
        ) from None
    return TakenOut(client_id=client_id, taken_by=user.username, taken_at=taken_at, taken_over_from=previous)
