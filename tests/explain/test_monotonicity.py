"""End to end along the policy's levers: raw fields moved, features recomputed, calibrated probability served.

A synthetic home is trained by the production training (small settings) with the blend of LightGBM and the
logistic regression as champion (both constrained parts at once) and the scorecard as challenger, then again
with the blend of LightGBM, the logistic regression and the scorecard.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from scoring.data.ingest import ingest_tables
from scoring.data.synth import generate_tables
from scoring.explain.monotonicity import FACTORS, check_lever, stored_applications
from scoring.features.build import build_features
from scoring.features.monotone import Lever, monotone_policy
from scoring.home import Paths
from scoring.modeling.train import TrainConfig, TrainInputs, train_model
from scoring.offer.affordability import stressed_instalment
from scoring.offer.candidate_loans import price
from scoring.serving.service import ScoringService, load_service
from scoring.serving.whatif import counter_offer

CLIENTS = 1_500
SCORECARD_BLEND = "LightGBM + logistic regression + scorecard"
CHECKED = 500
CONFIG = TrainConfig(
    folds=2,
    repeats=1,
    strategies=("none",),
    model="LightGBM + logistic regression",
    params={"learning_rate": 0.2},
    bags=1,
    shap_rows=200,
    threads=1,
    track=False,
    progress=False,
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, dict]:
    paths = Paths(tmp_path_factory.mktemp("levers"))
    generate_tables(CLIENTS, 21, paths.synthetic, None)
    ingest_tables(paths.synthetic, paths.interim)
    build_features(paths.interim, paths.features, paths.feature_dictionary)
    result = train_model(TrainInputs.from_paths(paths), CONFIG)
    versions = {"champion": result.metadata["version"], "challenger": result.challenger["version"]}
    again = train_model(TrainInputs.from_paths(paths), replace(CONFIG, model=SCORECARD_BLEND))
    return paths, {**versions, SCORECARD_BLEND: again.metadata["version"]}


def _inputs(service: ScoringService, paths: Paths) -> tuple[np.ndarray, list[dict]]:
    rows = np.random.default_rng(0).choice(len(service.store), CHECKED, replace=False)
    applications = stored_applications(paths.interim, service.store.ids[rows].tolist())
    assert all(a is not None for a in applications)
    return np.asarray(service.store.matrix[rows]), applications


def _rescore(service: ScoringService):  # noqa: ANN202
    def rescore(X: np.ndarray, rows: list[dict]) -> np.ndarray:
        service.featurizer.replace_application_features(X, rows)
        return service.scorer.predict(X)

    return rescore


@pytest.mark.parametrize("role", ["champion", "challenger", SCORECARD_BLEND])
def test_no_lever_moves_the_probability_against_the_policy(home, role: str) -> None:
    paths, versions = home
    service = load_service(paths.models, paths.features, paths.interim, versions[role])
    assert service.scorer.kind == ("scorecard" if role == "challenger" else "blend")
    vectors, applications = _inputs(service, paths)
    rescore = _rescore(service)
    same = vectors.copy()
    service.featurizer.replace_application_features(same, applications)
    np.testing.assert_array_equal(same, vectors)  # the stored row is what the feature layer computes
    assert len(FACTORS) == 12 and FACTORS[0] == 0.5 and FACTORS[-1] == 3.0
    for lever in monotone_policy().levers:
        check = check_lever(lever, vectors, applications, rescore)
        assert check.violations == 0, check.describe()
        assert check.clients >= 100, lever.name
    size = check_lever(monotone_policy().levers[0], vectors, applications, rescore)
    assert size.clients == CHECKED  # every client has a credit and an annuity


def test_a_lever_against_the_policy_is_caught(home) -> None:
    """The same check on the opposite direction: the model does react to the loan size."""
    paths, versions = home
    service = load_service(paths.models, paths.features, paths.interim, versions["champion"])
    vectors, applications = _inputs(service, paths)
    reversed_size = Lever("loan size, reversed", ("AMT_CREDIT", "AMT_ANNUITY"), -1)
    check = check_lever(reversed_size, vectors, applications, _rescore(service))
    assert check.violations > 0 and check.largest_drop > 0


def test_stored_applications_keep_the_order_and_mark_unknown_clients(home) -> None:
    paths, _ = home
    rows = stored_applications(paths.interim, [100003, 1, 100002])
    assert rows[0]["SK_ID_CURR"] == 100003 and rows[1] is None and rows[2]["SK_ID_CURR"] == 100002


def test_the_counter_offer_is_a_real_limit_for_accepted_clients(home) -> None:
    """Below the offer the client is offered the loan, just above it the limit named stops it: the model or
    the price it needs (risk), or the household's room at the stressed rate (affordability)."""
    paths, versions = home
    service = load_service(paths.models, paths.features, paths.interim, versions["champion"])
    accepted = np.flatnonzero(service.probabilities < service.scorer.threshold)[:40]
    applications = stored_applications(paths.interim, service.store.ids[accepted].tolist())
    policy = service.offer_policy
    limits = Counter()
    for row, application in zip(accepted, applications, strict=True):
        vector = np.asarray(service.store.matrix[row])
        offer = counter_offer(service, application, vector, int(service.store.ids[row]))
        if offer.max_amount is None:
            assert offer.bound in ("risk", "affordability")
            continue
        assert offer.probability_at_max < service.scorer.threshold
        above = np.array([offer.max_amount + 1_000.0])
        share = None
        if application.get("AMT_GOODS_PRICE") is not None:
            share = application["AMT_GOODS_PRICE"] / application["AMT_CREDIT"]

        def probability_of(
            amounts, payments, _candidates, vector=vector, application=application, share=share
        ):  # noqa: ANN001, ANN202
            return service.scorer.predict(
                service.loan_rows.rows(vector, application, amounts, payments, share)
            )

        start = int(policy.pricer.grade_index(offer.probability_at_max)[0])
        term = np.array([float(offer.term_months)])
        priced = price(probability_of, above, term, start, service.scorer.threshold, np.inf, policy)
        if offer.bound == "risk":
            assert not (priced.risk_ok[0] and priced.price_ok[0])
        elif offer.bound == "affordability":
            stressed = stressed_instalment(above, priced.rate, term, policy.affordability)
            assert float(stressed[0]) > offer.max_instalment
        limits[offer.bound] += 1
    assert limits["risk"] + limits["affordability"] > 0


def test_the_api_serves_the_scorecard_with_the_same_contract(home, tmp_path: Path) -> None:
    """`--model scorecard` makes it the champion: the API serves it like any model, contributions in raw
    log-odds adding up to the raw score, calibrated probabilities at both ends."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.api.conftest import API, make_settings

    paths, versions = home
    settings = make_settings(paths.home, tmp_path / "log.db", model_version=versions["challenger"])
    with TestClient(create_app(settings)) as client:
        model = client.get(f"{API}/model").json()
        assert model["kind"] == "scorecard" and model["scorecard"]
        assert len(model["features"]) == len({r["feature"] for r in model["scorecard"]})
        client_id = int(client.app.state.scoring.service.store.ids[0])
        body = client.get(f"{API}/clients/{client_id}/score").json()
        explanation = body["explanation"]
        assert explanation["scale"] == "raw log-odds"
        total = explanation["base_value"] + sum(explanation["contributions"].values())
        assert abs(total - explanation["raw_score"]) < 1e-4
        assert abs(explanation["probability"] - body["probability"]) < 1e-6
        assert set(explanation["contributions"]) <= {f["name"] for f in model["features"]}
