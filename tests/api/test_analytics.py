"""The dashboard's extra routes: example clients, distributions, scatter, threshold and performance from the
out-of-fold predictions, and the what-if of a stored client."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from scoring.modeling.cost import CostSpec
from scoring.modeling.metrics import calibration_bins, ece
from scoring.modeling.models import KINDS
from scoring.modeling.threshold import curve_for
from scoring.serving.performance import CalibrationReport, oof_arrays
from scoring.serving.service import ScoringService
from scoring.vocabulary import FeatureKind
from tests.api.conftest import API

SHARED_APP = True  # the tests only read: one app for the module (tests/api/conftest.py `client`)


def _numeric(service: ScoringService, n: int) -> list[str]:
    """The first n numeric features of the model (the lean model's features vary with its data)."""
    return [f.name for f in service.scorer.features if f.kind == FeatureKind.NUMERIC][:n]


def test_calibration_report_over_bins_of_equal_counts() -> None:
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    prob = np.linspace(0.1, 0.8, 8)
    calibration = CalibrationReport.of(y, prob, 2)
    assert calibration.clients == [4, 4] and calibration.observed == [0.25, 0.75]
    assert calibration.predicted == pytest.approx([0.25, 0.65])
    assert calibration.ece == pytest.approx(0.5 * 0.0 + 0.5 * 0.1)
    assert calibration.brier == pytest.approx(np.mean((prob - y) ** 2))
    assert calibration.mean_pd == pytest.approx(0.45) and calibration.observed_rate == 0.5


def test_examples(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/analytics/examples").json()
    kinds = {e["kind"]: e for e in body["examples"]}
    assert set(kinds) == {"safe", "borderline", "risky"}
    assert kinds["risky"]["decision"] == "refuse" and kinds["safe"]["decision"] == "accept"
    nearest = np.min(np.abs(service.probabilities - body["threshold"]))
    assert abs(kinds["borderline"]["probability"] - body["threshold"]) == pytest.approx(nearest)


def test_distribution_of_all_labelled_clients(client: TestClient, service: ScoringService) -> None:
    client_id = int(service.store.ids[service.store.train_rows[0]])
    body = client.get(
        f"{API}/analytics/distribution",
        params={"feature": _numeric(service, 1)[0], "client_id": client_id, "bins": 8},
    ).json()
    labelled = len(service.store.train_rows)
    assert body["group"] == "all" and body["clients"] == labelled
    assert len(body["edges"]) == 9 and len(body["repaid"]) == 8
    total = sum(body["repaid"]) + sum(body["defaulted"]) + body["missing_repaid"] + body["missing_defaulted"]
    assert total == labelled
    assert sum(body["defaulted"]) + body["missing_defaulted"] == int(np.nansum(service.store.target))
    assert body["edges"][0] <= body["client_value"] <= body["edges"][-1]


def test_distribution_of_similar_clients_and_a_category(client: TestClient, service: ScoringService) -> None:
    """A categorical feature when the model uses one (gender on the real rows), else a numeric one."""
    client_id = int(service.store.ids[0])
    categories = [f.name for f in service.scorer.features if f.kind == FeatureKind.CATEGORICAL]
    feature = (categories or _numeric(service, 1))[0]
    body = client.get(
        f"{API}/analytics/similar/{client_id}/distribution", params={"feature": feature, "k": 20}
    ).json()
    assert body["group"] == "similar" and body["clients"] == 20
    if categories:
        assert body["levels"] and body["edges"] is None
    else:
        assert body["edges"] and body["levels"] is None
    assert (
        sum(body["repaid"]) + sum(body["defaulted"]) + body["missing_repaid"] + body["missing_defaulted"]
        == 20
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/analytics/distribution", {"feature": "NOT_A_FEATURE"}),
        ("/analytics/distribution", {"feature": "APP_AMT_CREDIT", "client_id": 1}),
        ("/analytics/similar/1/distribution", {"feature": "APP_AMT_CREDIT"}),
        ("/analytics/scatter", {"x": "APP_CODE_GENDER", "y": "APP_AMT_CREDIT"}),
    ],
)
def test_unknown_clients_and_features_are_not_found(client: TestClient, path: str, params: dict) -> None:
    response = client.get(f"{API}{path}", params=params)
    assert response.status_code == 404
    assert "not found" in response.json()["detail"] or "no " in response.json()["detail"]


def test_scatter(client: TestClient, service: ScoringService) -> None:
    client_id = int(service.store.ids[0])
    x, y = _numeric(service, 2)
    params = {"x": x, "y": y, "client_id": client_id, "rows": 50}
    body = client.get(f"{API}/analytics/scatter", params=params).json()
    assert 0 < len(body["client_ids"]) <= 50
    assert len(body["x_values"]) == len(body["y_values"]) == len(body["outcome"]) == len(body["client_ids"])
    assert set(body["outcome"]) <= {0, 1}
    assert body["client"]["client_id"] == client_id


def test_threshold_under_cost_weights(client: TestClient, service: ScoringService) -> None:
    y, prob = oof_arrays(service.scorer.bundle.path)
    body = client.get(f"{API}/analytics/threshold", params={"w_fn": 5, "w_fp": 1, "points": 20}).json()
    curve = curve_for(y, prob, CostSpec(w_fn=5, w_fp=1))
    assert body["best"]["threshold"] == pytest.approx(curve.best_threshold)
    assert body["best"]["cost_per_1000"] == pytest.approx(1000 * curve.best_cost / len(y))
    assert body["best"]["cost_per_1000"] <= body["production"]["cost_per_1000"] + 1e-9
    assert body["production"]["threshold"] == service.scorer.threshold
    assert min(body["curve"]["cost_per_1000"]) == pytest.approx(body["best"]["cost_per_1000"])
    higher = client.get(f"{API}/analytics/threshold", params={"w_fn": 50, "w_fp": 1}).json()
    assert higher["best"]["threshold"] <= body["best"]["threshold"]
    assert client.get(f"{API}/analytics/threshold", params={"w_fn": 0}).status_code == 422


def test_performance(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/analytics/performance", params={"bins": 5}).json()
    y, prob = oof_arrays(service.scorer.bundle.path)
    confusion = body["confusion"]
    assert sum(confusion.values()) == body["clients"] == len(y)
    assert confusion["tp"] + confusion["fn"] == int(y.sum())
    assert confusion["tp"] + confusion["fp"] == int((prob >= service.scorer.threshold).sum())
    assert body["roc"]["fpr"][0] == 0 and body["roc"]["tpr"][-1] == 1
    assert sum(body["calibration"]["clients"]) == len(y)
    assert body["calibration"]["observed_rate"] == pytest.approx(y.mean())
    assert body["calibration"]["mean_pd"] == pytest.approx(prob.mean())
    assert 0 <= body["calibration"]["ece"] < 0.2 and 0 < body["calibration"]["log_loss"] < 1
    assert body["model_version"] == service.scorer.version


def test_performance_calibration_is_the_model_cards(client: TestClient, service: ScoringService) -> None:
    """The dashboard's calibration (API default) equals the model card's: 10 bins of equal client counts."""
    body = client.get(f"{API}/analytics/performance").json()
    y, prob = oof_arrays(service.scorer.bundle.path)
    card = calibration_bins(y, prob)
    assert len(body["calibration"]["clients"]) == 10
    assert {k: body["calibration"][k] for k in ("predicted", "observed", "clients")} == {
        "predicted": card.predicted,
        "observed": card.observed,
        "clients": card.clients,
    }
    assert body["calibration"]["ece"] == pytest.approx(ece(y, prob))


def test_model_document(client: TestClient, service: ScoringService) -> None:
    body = client.get(f"{API}/model").json()
    assert body["kind"] == service.scorer.kind and body["kind"] in KINDS
    assert [f["name"] for f in body["features"]] == service.scorer.feature_names
    assert body["base_probability"] == pytest.approx(service.scorer.base_probability)
    assert 0 < body["base_probability"] < 1
    assert body["strategy"] is None  # no strategy in force: the threshold decides


def test_what_if_without_changes_matches_the_stored_score(
    client: TestClient, stored_ids: dict[str, int]
) -> None:
    client_id = stored_ids["train"]
    stored = client.get(f"{API}/clients/{client_id}/score").json()
    body = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": {}}).json()
    assert body["changed"] == []
    assert body["score"]["probability"] == pytest.approx(stored["probability"], abs=1e-6)
    assert body["counter_offer"]["client_id"] == client_id


def test_what_if_changes_the_application_only(client: TestClient, stored_ids: dict[str, int]) -> None:
    client_id = stored_ids["train"]
    changes = {"EXT_SOURCE_3": 0.01, "EXT_SOURCE_2": 0.01, "AMT_CREDIT": 2_000_000.0}
    body = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": changes}).json()
    stored = client.get(f"{API}/clients/{client_id}/score").json()
    assert body["changed"] == sorted(changes)
    assert body["score"]["probability"] != pytest.approx(stored["probability"], abs=1e-9)
    assert body["counter_offer"]["current_amount"] == 2_000_000.0


def test_what_if_errors(client: TestClient, stored_ids: dict[str, int]) -> None:
    client_id = stored_ids["train"]
    changes = {"AMT_CREDIT": -1, "NOPE": 1, "AMT_INCOME_TOTAL": None, "AMT_ANNUITY": "12"}
    bad = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": changes})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["detail"]} == {f"changes.{name}" for name in changes}
    cleared = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": {"AMT_ANNUITY": None}})
    assert cleared.status_code == 200 and cleared.json()["changed"] == ["AMT_ANNUITY"]
    assert client.post(f"{API}/clients/1/what-if", json={"changes": {}}).status_code == 404


def test_what_if_changes_are_checked_against_the_stored_application(
    client: TestClient, service: ScoringService, stored_ids: dict[str, int]
) -> None:
    client_id = stored_ids["train"]
    stored = service.raw_application(client_id)
    credit, annuity = float(stored["AMT_CREDIT"]), float(stored["AMT_ANNUITY"])
    for field, value in (("AMT_ANNUITY", credit * 2), ("AMT_CREDIT", max(annuity / 2, 1000.0))):
        bad = client.post(f"{API}/clients/{client_id}/what-if", json={"changes": {field: value}})
        assert bad.status_code == 422, field
        assert [p["field"] for p in bad.json()["detail"]] == [f"changes.{field}"]
    both = {"AMT_CREDIT": annuity / 2, "AMT_ANNUITY": annuity / 4}
    assert client.post(f"{API}/clients/{client_id}/what-if", json={"changes": both}).status_code == 200
