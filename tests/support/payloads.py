"""Answers of a fake API for the dashboard tests, each checked against the API's own response model.

`checked` validates a payload with the `api.schemas` model of its route and requires it to come back
unchanged from the model's JSON dump: a payload the API could not send (a field missing, misspelt or of
another type) fails here instead of making a page test pass against an API that does not exist. A fake API
(`checked_api.CheckedTransport`) applies it to every answer, with the model of the route it fakes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from api.applications import application_fields
from api.routes.recourse import RecourseOut
from api.schemas.access import DecisionHistoryOut, DecisionVocabularyOut
from api.schemas.clients import ApplicationFieldsOut, ClientOut
from api.schemas.offers import OfferOut
from api.schemas.scores import ScoreOut
from scoring.db.decisions import barrier_message
from scoring.explain.policy_reasons import PRICE_ABOVE_CAP

Payload = TypeVar("Payload", dict[str, Any], list[Any])


def checked(shape: Any, payload: Payload) -> Payload:
    """`payload`, once the response model `shape` (a model, or `list[Model]`) accepts it as it is: nothing
    dropped, nothing added, dumped back as FastAPI sends it."""
    adapter = TypeAdapter(shape)
    name = getattr(shape, "__name__", str(shape))
    try:
        dumped = adapter.dump_python(adapter.validate_python(payload), mode="json", by_alias=True)
    except ValidationError as error:  # an AssertionError: no page's error handling can swallow it
        raise AssertionError(f"not what the API sends as {name}: {error}") from None
    if dumped != payload:
        raise AssertionError(f"not what the API sends as {name}:\n{payload}\nvs\n{dumped}")
    return payload


LATE = {"feature": "A", "label": "Late payments", "contribution": 1.0, "value": 3, "unit": "count"}
EXTERNAL = {"feature": "B", "label": "External score", "contribution": -0.1, "value": 0.6, "unit": "score"}
SCORE = checked(
    ScoreOut,
    {
        "client_id": 100002,
        "probability": 0.3,
        "decision": "refuse",
        "rules_fired": [],
        "strategy": None,
        "threshold": 0.1,
        "distance_to_threshold": 0.2,
        "model_version": "v1",
        "points": 536.6,
        "threshold_points": 600.0,
        "explanation": {
            "scale": "raw log-odds",
            "base_value": -2.0,
            "raw_score": -0.85,
            "base_probability": 0.08,
            "probability": 0.3,
            "base_points": 600.0,
            "points_per_log_odds": 72.13475204444817,
            "contributions": None,
            "raising": [LATE],
            "lowering": [EXTERNAL],
            "reasons": [
                {
                    "code": "LATE_INSTALMENTS",
                    "title": "Late instalments on previous credits",
                    "text": "Instalments on your previous credits were paid late.",
                    "evidence": "adverse",
                    "officer_text": "Days past due",
                    "actionable": True,
                    "action": "Pay every instalment on time from now on.",
                    "contribution": 1.25,
                    "share": 1.0,
                    "features": [LATE],
                }
            ],
            "codes": [
                {
                    "code": "LATE_INSTALMENTS",
                    "title": "Late instalments on previous credits",
                    "contribution": 1.25,
                    "share": 1.0,
                    "features": [LATE],
                },
                {
                    "code": "EXT_SCORES",
                    "title": "External credit scores",
                    "contribution": -0.1,
                    "share": 1.0,
                    "features": [EXTERNAL],
                },
            ],
        },
        "grade": None,
        "offer": None,
        "alternatives": None,
        "limits": None,
    },
)
RECOURSE = checked(
    RecourseOut,
    {
        "client_id": 100002,
        "decision": "refuse",
        "probability": 0.3,
        "points": 536.6,
        "threshold": 0.1,
        "amount": 100000.0,
        "annuity": 5000.0,
        "term": 24.0,
        "options": [
            {
                "kind": "amount",
                "amount": 80000.0,
                "annuity": 4000.0,
                "term": 24.0,
                "probability": 0.09,
                "points": 610.0,
                "change": 0.2,
                "annual_rate": None,
                "goods_price": None,
            }
        ],
        "recommended": {
            "kind": "amount",
            "amount": 80000.0,
            "annuity": 4000.0,
            "term": 24.0,
            "probability": 0.09,
            "points": 610.0,
            "change": 0.2,
            "annual_rate": None,
            "goods_price": None,
        },
        "annual_rate": 0.1,
        "max_term": 84,
        "model_version": "v1",
    },
)
FACTS = checked(
    ClientOut,
    {
        "client_id": 100002,
        "split": "train",
        "known_outcome": 1,
        "facts": [{"name": "AMT_CREDIT", "label": "Credit amount", "value": 100000.0}],
    },
)
FIELDS = checked(ApplicationFieldsOut, {"fields": application_fields()})
LEVELS = {f["name"]: tuple(f["levels"]) for f in FIELDS["fields"] if f["levels"]}


def _terms(amount: float, term: int, rate: float, apr: float, instalment: float, probability: float) -> dict:
    fees = amount / 100
    payable = round(instalment * term + fees, 2)
    return {
        "amount": amount,
        "term_months": term,
        "annual_rate": rate,
        "apr": apr,
        "instalment": instalment,
        "fees": fees,
        "total_cost": round(payable - amount, 2),
        "total_payable": payable,
        "probability": probability,
        "grade": "C",
        "goods_price": amount * 1.1,
    }


OFFER = checked(
    OfferOut,
    {  # the asked 100,000 over 24 months is not affordable: 80,000 is offered
        "client_id": 100002,
        "model_version": "20261127T034232Z-0796769f",
        "threshold": 0.1,
        "decision": "refuse",
        "rules_fired": [],
        "strategy": None,
        "probability": 0.3,
        "grade": "C",
        "reason_code": "NOT_AFFORDABLE",
        "asked": {"amount": 100_000.0, "term_months": 24},
        "offer": {**_terms(80_000.0, 24, 0.089, 0.0995, 3_651.11, 0.082), "kind": "lower_amount"},
        "alternatives": [
            {**_terms(80_000.0, 24, 0.089, 0.0995, 3_651.11, 0.082), "kind": "lower_amount"},
            {**_terms(100_000.0, 36, 0.094, 0.1021, 3_198.62, 0.095), "kind": "longer_term"},
        ],
        "limits": {
            "max_instalment": 3_700.0,
            "debt_service_ratio": 0.346,
            "stressed_debt_service_ratio": 0.361,
            "max_debt_service_ratio": 0.35,
            "bound": "affordability",
            "max_amount": 80_000.0,
            "existing_instalments": 1_200.0,
            "existing_instalments_source": "bureau",
            "residual_income_per_member": 2_100.0,
            "min_residual_income_per_member": 700.0,
            "period": "monthly",
        },
    },
)

VOCABULARY = checked(
    DecisionVocabularyOut,
    {
        "decisions": [
            {"value": "accept", "label": "Accept"},
            {"value": "accept-counter-offer", "label": "Accept the counter-offer"},
            {"value": "refuse", "label": "Refuse"},
            {"value": "refer", "label": "Refer to a senior officer"},
        ],
        "override_reasons": [{"value": "verified-income", "label": "Verified income"}],
        "overrides": {"accept": ["accept-counter-offer", "refuse"], "refer": [], "refuse": ["accept"]},
        "min_justification": 20,
    },
)
HISTORY = checked(
    DecisionHistoryOut,
    {  # client 100002 (SCORE refuses, OFFER counter-offers): its application as asked is priced above the cap
        "client_id": 100002,
        "decisions": [],
        "overriding": ["accept"],
        "barred": [
            {
                "decision": "accept",
                "reason_code": PRICE_ABOVE_CAP,
                "message": barrier_message(PRICE_ABOVE_CAP),
            }
        ],
    },
)
