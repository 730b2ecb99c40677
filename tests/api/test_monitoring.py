"""Operations summary per time bucket, from the logged requests and scores."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from fastapi.testclient import TestClient

from scoring.serving.monitoring import bucket_seconds, summarise
from tests.api.conftest import API, APPLICATION


def test_summary_of_the_traffic(client: TestClient, stored_ids: dict[str, int]) -> None:
    for _ in range(3):
        client.get(f"{API}/clients/{stored_ids['train']}/score")
    client.post(f"{API}/score", json=APPLICATION)
    client.get(f"{API}/clients/1/score")
    client.post(f"{API}/score", json={"AMT_CREDIT": "x"})
    body = client.get(f"{API}/monitoring/summary", params={"bucket": "1d"}).json()
    [bucket] = body["buckets"]
    assert bucket["requests"] == 6
    assert bucket["errors"] == {"404": 1, "422": 1}
    assert bucket["scores"] == 4
    assert 0 <= bucket["refusal_rate"] <= 1 and 0 <= bucket["mean_probability"] <= 1
    assert 0 <= bucket["probability_p10"] <= bucket["probability_p50"] <= bucket["probability_p90"] <= 1
    assert bucket["latency_ms_p50"] <= bucket["latency_ms_p95"] <= bucket["latency_ms_p99"]


def test_bad_windows_and_buckets(client: TestClient) -> None:
    assert client.get(f"{API}/monitoring/summary", params={"bucket": "5 minutes"}).status_code == 422
    window = {"since": "2024-01-02T00:00:00Z", "until": "2024-01-01T00:00:00Z"}
    assert client.get(f"{API}/monitoring/summary", params=window).json()["buckets"] == []
    extreme = {"since": "0001-01-01T00:00:00+05:00", "until": "9999-12-31T23:59:59-05:00"}
    assert client.get(f"{API}/monitoring/summary", params=extreme).status_code == 200
    empty = client.get(
        f"{API}/monitoring/summary", params={"since": "2020-01-01T00:00:00", "until": "2020-01-02T00:00:00"}
    )
    assert empty.status_code == 200 and empty.json()["buckets"] == []


def test_buckets_split_by_time() -> None:
    times = [datetime(2024, 1, 1, 10, 0, 5), datetime(2024, 1, 1, 10, 0, 50), datetime(2024, 1, 1, 10, 3, 0)]
    requests = pl.DataFrame(
        {
            "created_at": times,
            "route": ["/a"] * 3,
            "method": ["GET"] * 3,
            "status_code": [200, 500, 200],
            "latency_ms": [1.0, 3.0, 10.0],
        }
    )
    predictions = pl.DataFrame(
        {"created_at": times[:1] + times[2:], "decision": ["refuse", "accept"], "probability": [0.8, 0.2]}
    )
    first, second = summarise(requests, predictions, "1m")
    assert first["start"] == datetime(2024, 1, 1, 10, 0) and second["start"] == datetime(2024, 1, 1, 10, 3)
    assert (first["requests"], first["errors"], first["scores"], first["refusal_rate"]) == (
        2,
        {"500": 1},
        1,
        1.0,
    )
    assert first["latency_ms_p50"] == 2.0
    assert (second["requests"], second["errors"], second["refusal_rate"]) == (1, {}, 0.0)
    assert bucket_seconds("30s") == 30 and bucket_seconds("2h") == 7200
