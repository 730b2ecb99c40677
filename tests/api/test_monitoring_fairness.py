"""The monitoring summary's fairness over time: stored clients' sex from the client store, everyone's age band
from the log's coarse age, each applicant once per month."""

from __future__ import annotations

import polars as pl
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.conftest import API, APPLICATION


def test_summary_has_approval_ratios_by_sex_and_age_band(
    client: TestClient, settings: Settings, stored_ids: dict[str, int]
) -> None:
    for _ in range(3):
        client.get(f"{API}/clients/{stored_ids['train']}/score")
    client.get(f"{API}/clients/{stored_ids['test']}/score")
    client.post(f"{API}/score", json=APPLICATION)  # not in the store: its sex is unknown to the monitoring
    body = client.get(f"{API}/monitoring/summary", params={"bucket": "1d"}).json()
    [period] = body["fairness"]["periods"]
    assert period["applicants"] == 3
    store = pl.read_parquet(settings.resolved().features_path, columns=["SK_ID_CURR", "APP_CODE_GENDER"])
    codes = store.filter(pl.col("SK_ID_CURR").is_in(list(stored_ids.values())))["APP_CODE_GENDER"]
    assert period["known"] == {"CODE_GENDER": int((codes >= 0).sum()), "age band": 3}
    sexes = [g for g in period["groups"] if g["attribute"] == "CODE_GENDER"]
    assert sum(g["n"] for g in sexes) == period["known"]["CODE_GENDER"]
    assert all(0 <= g["approval_rate"] <= 1 for g in period["groups"])
    assert body["fairness"]["four_fifths"] == 0.8
