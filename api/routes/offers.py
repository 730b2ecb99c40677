"""The offer: amount, term, rate, APR and instalment a stored client or a posted application can be given."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.applications import ScoreRequest
from api.deps import ClientId, ClientRowDep, ServiceDep, application_not_found
from api.errors import error_responses
from api.schemas.base import json_response
from api.schemas.offers import OfferOut
from scoring.serving.offering import stored_offer
from scoring.serving.strategy_state import Decided
from scoring.vocabulary import Decision

router = APIRouter(tags=["offers"])


def _decided(payload: dict, decided: Decided) -> dict:
    """The offer's document under the strategy in force: its refusal or referral stands, its acceptance
    leaves the offer's decision (the asked terms offered as asked, or not); without one, the offer's."""
    if decided.strategy is None:  # the bundle's threshold: the offer decides as it always did
        return payload | {"rules_fired": [], "strategy": None}
    decision = payload["decision"] if decided.decision == Decision.ACCEPT else str(decided.decision)
    fired = list(decided.rules_fired)
    return payload | {"decision": decision, "rules_fired": fired, "strategy": decided.strategy.describe()}


@router.get(
    "/clients/{client_id}/offer", response_model=OfferOut, responses=error_responses(401, 404, 422, 500, 503)
)
def client_offer(client_id: ClientId, row: ClientRowDep, service: ServiceDep) -> Response:
    """The offer of a stored client: the asked terms when the model accepts them, they are affordable and
    lawfully priced, else the alternative changing them least (a lower amount at the asked term, the asked
    amount at a longer standard term), with the limits that bound the loan. Existing instalments: the
    client's active bureau credits. With a strategy in force its refusal or referral stands
    (`rules_fired`)."""
    found = stored_offer(service, row)
    if found is None:
        raise application_not_found()
    decided = service.stored_decision(row, service.decider.current())
    return json_response(_decided(found.payload(), decided))


@router.post("/score/offer", response_model=OfferOut, responses=error_responses(400, 401, 413, 422, 500, 503))
def application_offer(body: ScoreRequest, service: ServiceDep) -> Response:
    """The offer of a posted application (as `GET /clients/{id}/offer`); existing instalments: the active
    credits among its posted bureau rows (none posted: 0, `limits.existing_instalments_source` = "none")."""
    application = body.model_dump(exclude={"history"})
    history = {}
    if body.history is not None:
        history = {table: rows for table, rows in body.history.model_dump().items() if rows}
    vector = service.featurizer.vectors([application], [history or None])[0]
    found = service.offer(application, vector, application.get("SK_ID_CURR"), history)
    probability = float(service.scorer.predict(vector[None, :])[0])
    active = service.decider.current()
    [decided] = service.decider.posted([probability], [application], [history or None], active)
    return json_response(_decided(found.payload(), decided))
