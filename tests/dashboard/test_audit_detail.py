"""An audit row's details in words, in the page's language."""

from __future__ import annotations

import pytest

from dashboard import audit_detail
from dashboard.audit_detail import detail_parts
from dashboard.i18n import ENGLISH, translator
from scoring.strategy.authority import AuthorityLimits
from scoring.vocabulary import DecisionStatus, Role

FR = translator("fr")


def test_an_audited_request_reads_as_method_route_and_status() -> None:
    detail = {"method": "GET", "route": "/api/v1/clients/{client_id}/offer", "status": 200, "note": "n-7"}
    assert detail_parts(detail) == ["GET /clients/{client_id}/offer \u2192 200"]


def test_an_account_and_a_refused_sign_in_in_french() -> None:
    assert detail_parts({"role": "analyst", "password": True}, FR) == [
        "rôle : Analyste risque",
        "mot de passe défini : oui",
    ]
    refused = detail_parts({"reason": "wrong password", "delay_seconds": 4}, FR)
    assert refused[0] == "motif : mot de passe erroné"


def test_an_officers_decision_reads_in_words() -> None:
    detail = {
        "decision_id": 12,
        "decision": "accept-counter-offer",
        "model_decision": "refuse",
        "probability": 0.0923,
        "status": "awaiting-approval",
        "limits_exceeded": ["pd_limit", "amount_limit"],
        "offer": {"amount": 180000.0, "term_months": 36, "annual_rate": 0.079},
    }
    assert detail_parts(detail, ENGLISH) == [
        "decision no.: 12",
        "officer's decision: Accept the counter-offer",
        "model's decision: Credit refused",
        "risk: 9.23%",
        "status: awaiting approval",
        "limits exceeded: risk limit, amount limit",
        "counter-offer: €180,000 over 36 months",
    ]


def test_unknown_keys_and_values_are_shown_as_the_api_names_them() -> None:
    assert detail_parts({"shard": 3, "method": "magic-link"}) == ["shard: 3", "method: magic-link"]


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (audit_detail.STATUSES, {str(s) for s in DecisionStatus}),
        (
            audit_detail.LIMITS,
            set(AuthorityLimits(0.1, 1000.0, frozenset({Role.SENIOR})).exceeded(0.5, 2000.0)),
        ),
    ],
)
def test_the_vocabularies_cover_what_the_api_writes(table: dict, values: set[str]) -> None:
    assert set(table) == values


def test_numbers_reasons_and_separators_read_in_french() -> None:
    parts = detail_parts({"reason": "role", "delay_seconds": 2.5}, FR)
    assert parts == ["motif : le rôle n'y a pas droit", "prochain essai après (secondes) : 2,5"]
    assert audit_detail.detail_text(parts, FR) == " ; ".join(parts)


def test_empty_values_are_left_out() -> None:
    assert detail_parts({"decision_id": None, "reason_category": None, "format": "html"}) == ["format: html"]
