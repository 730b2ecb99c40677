"""The offer on the tests' small home: same features as the feature layer, price rising with risk over 500
clients, and what bounds the amounts."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from scoring.home import Paths
from scoring.offer.affordability import stressed_instalment
from scoring.offer.requested_loan import requested_figures
from scoring.offer.search import AFFORDABILITY, NONE, PRODUCT, RISK
from scoring.serving.offering import stored_offer
from scoring.serving.rule_inputs import stored_frame
from scoring.serving.service import ScoringService, load_service
from scoring.strategy.definition import load_strategy

CLIENTS = 500


@pytest.fixture(scope="module")
def service(demo_home: Path) -> ScoringService:
    paths = Paths(demo_home)
    return load_service(paths.models, paths.features, paths.interim)


@pytest.fixture(scope="module")
def offers(service: ScoringService) -> list:
    rows = np.random.default_rng(0).choice(len(service.store), CLIENTS, replace=False)
    found = [stored_offer(service, int(r)) for r in rows]
    assert all(f is not None for f in found)
    return found


def test_loan_rows_are_the_feature_layers_rows(service: ScoringService) -> None:
    for row in range(0, 60, 6):
        client = int(service.store.ids[row])
        application = service.offer_data.application(client)
        assert application == service.raw_application(client)
        amounts = np.array([60_000.0, 250_000.0, 1_300_000.0])
        payments = np.array([5_000.0, 13_000.0, np.nan])
        goods = application.get("AMT_GOODS_PRICE")
        share = None if goods is None else goods / application["AMT_CREDIT"]
        fast = service.loan_rows.rows(service.store.matrix[row], application, amounts, payments, share)
        changed = [
            {
                **application,
                "AMT_CREDIT": a,
                "AMT_ANNUITY": None if np.isnan(p) else p,
                "AMT_GOODS_PRICE": None if share is None else a * share,
            }
            for a, p in zip(amounts, payments, strict=True)
        ]
        slow = np.repeat(service.store.matrix[row][None, :], len(amounts), axis=0)
        service.featurizer.replace_application_features(slow, changed)
        np.testing.assert_array_equal(fast, slow)


def test_no_higher_pd_gets_a_lower_rate_over_500_clients(offers: list) -> None:
    terms = [t for o in offers for t in (o.found.asked, *o.found.alternatives) if t.grade]
    terms = [t for t in terms if t.probability < offers[0].found.threshold]
    assert len(terms) >= CLIENTS // 2
    order = sorted(terms, key=lambda t: t.probability)
    rates = np.array([t.annual_rate for t in order])
    assert (np.diff(rates) >= 0).all()
    assert len(set(rates.tolist())) >= 3  # the price does vary with the risk


def test_every_offer_and_alternative_is_accepted_affordable_and_lawful(
    service: ScoringService, offers: list
) -> None:
    policy = service.offer_policy
    for result in offers:
        found = result.found
        room = found.limits.max_instalment
        for t in [*found.alternatives, *([found.offer] if found.offer else [])]:
            assert t.probability < found.threshold
            assert t.apr <= float(policy.usury.max_apr(t.amount)[0]) + 1e-12
            stressed = float(
                stressed_instalment(t.amount, t.annual_rate, t.term_months, policy.affordability)
            )
            assert stressed <= room + 0.01
        if found.decision == "accept":
            assert found.offer.amount == found.amount and found.offer.term_months == found.term_months


def test_what_bounds_the_amount(offers: list) -> None:
    bounds = Counter(o.found.limits.bound for o in offers)
    assert set(bounds) <= {RISK, AFFORDABILITY, PRODUCT, NONE}
    assert bounds[NONE] <= 0.10 * len(offers)  # formerly 73 % were accepted at every amount tried
    assert bounds[AFFORDABILITY] > 0 and bounds[RISK] > 0


def test_the_offer_pd_is_the_models_on_the_offered_terms(service: ScoringService, offers: list) -> None:
    """Rescoring the application with the offer's amount, instalment and goods price gives its PD."""
    checked = exact = 0
    for result in offers[:80]:
        offer = result.found.offer
        if offer is None or result.found.decision == "accept":
            continue
        row = service.store.row(result.client_id)
        application = service.offer_data.application(result.client_id)
        changed = {
            **application,
            "AMT_CREDIT": offer.amount,
            "AMT_ANNUITY": offer.instalment,
            "AMT_GOODS_PRICE": offer.goods_price,
        }
        X = np.asarray(service.store.matrix[row : row + 1]).copy()
        service.featurizer.replace_application_features(X, [changed])
        rescored = float(service.scorer.predict(X)[0])
        assert rescored <= offer.probability + 1e-9  # the offer states the PD, or a higher one it showed
        exact += rescored == pytest.approx(offer.probability, rel=1e-6)
        checked += 1
    assert checked > 0 and exact >= 0.9 * checked


def test_the_strategy_s_figures_of_the_asked_loan_are_the_offer_s_asked_terms(
    service: ScoringService, offers: list, demo_home: Path
) -> None:
    """The price rule and the offer read one price: the asked loan scored again at its priced instalment."""
    demo = load_strategy(
        resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")
    )
    paths = Paths(demo_home)
    frame = stored_frame(demo, service.store.ids, paths.interim, paths.features)
    at_loan = service.loan_rows.probability_of(service.store.matrix, frame, service.scorer.predict)
    figures = requested_figures(frame, service.probabilities, probability_of=at_loan)
    pricer, usury = service.offer_policy.pricer, service.offer_policy.usury
    moved = 0
    for result in offers:
        row = service.store.row(result.client_id)
        asked = result.found.asked
        assert figures["OFFER_GRADE"][row] == asked.grade
        assert figures["OFFER_APR"][row] == pytest.approx(asked.apr, abs=1e-6)
        assert figures["OFFER_INSTALMENT"][row] == pytest.approx(asked.instalment, abs=0.005)
        assert figures["OFFER_ABOVE_USURY"][row] == float(asked.apr > float(usury.max_apr(asked.amount)[0]))
        moved += int(pricer.name(int(pricer.grade_index(service.probabilities[row])[0])) != asked.grade)
    rows = np.array([service.store.row(r.client_id) for r in offers])
    amounts, annuities = frame["AMT_CREDIT"].to_numpy(float)[rows], frame["AMT_ANNUITY"].to_numpy(float)[rows]
    responsive = not np.allclose(at_loan(amounts, annuities * 1.5, rows), at_loan(amounts, annuities, rows))
    assert moved > 0 or not responsive  # a model reading the instalment moves some asked loans' grade
