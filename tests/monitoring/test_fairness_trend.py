"""Fairness over time from the prediction log: approval rates and ratios by sex and age band per month match a
direct count; sex comes from the client store through the salted hash, never from the log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.monitoring.fairness_trend import AGE, fairness_trend, store_groups
from scoring.serving.prediction_log import client_hash

SALT = b"test-salt"
SEX = "CODE_GENDER"
N = 600


def _log(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scores of N stored clients over two months (women refused more in November), and their sex."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], size=N)
    month = rng.choice([10, 11], size=N)
    age = rng.choice([20.0, 30.0, 35.0, 45.0, 55.0, 65.0], size=N)
    refused = rng.random(N) < np.where((sex == "F") & (month == 11), 0.5, 0.2)
    hashes = [f"h{i}" for i in range(N)]
    log = pl.DataFrame(
        {
            "created_at": [datetime(2026, int(m), 1 + i % 27) for i, m in enumerate(month)],
            "kind": "client",
            "client_hash": hashes,
            "decision": np.where(refused, "refuse", "accept"),
            "probability": rng.random(N),
            "AGE_BAND_YEARS": age,
        }
    )
    return log, pl.DataFrame({"client_hash": hashes, SEX: sex})


def test_ratios_match_a_direct_count() -> None:
    log, sex = _log(3)
    trend = fairness_trend(log, sex)
    assert [p["period"] for p in trend["periods"]] == ["2026-10", "2026-11"]
    joined = log.join(sex, on="client_hash").with_columns(pl.col("created_at").dt.month().alias("m"))
    for period in trend["periods"]:
        rows = joined.filter(pl.col("m") == int(period["period"][-2:]))
        rate = {g: (rows.filter(pl.col(SEX) == g)["decision"] != "refuse").mean() for g in ("F", "M")}
        by_group = {r["group"]: r for r in period["groups"] if r["attribute"] == SEX}
        assert by_group["F"]["approval_rate"] == pytest.approx(rate["F"])
        assert by_group["F"]["approval_ratio"] == pytest.approx(rate["F"] / max(rate.values()))
        assert by_group["F"]["n"] + by_group["M"]["n"] == rows.height == period["applicants"]
        ages = {r["group"]: r["n"] for r in period["groups"] if r["attribute"] == AGE}
        assert ages["30-39"] == rows.filter(pl.col("AGE_BAND_YEARS").is_in([30.0, 35.0])).height
        assert ages["< 30"] == rows.filter(pl.col("AGE_BAND_YEARS") == 20.0).height
    november = {r["group"]: r for r in trend["periods"][1]["groups"] if r["attribute"] == SEX}
    assert november["F"]["flagged"] and not november["M"]["flagged"]


def test_an_applicant_counts_once_per_month_and_what_ifs_not_at_all() -> None:
    log, sex = _log(4)
    again = log.head(10).with_columns(
        pl.lit("refuse").alias("decision"), pl.col("created_at").dt.offset_by("1h")
    )
    what_if = log.head(50).with_columns(pl.lit("what-if").alias("kind"), pl.lit(None).alias("client_hash"))
    trend = fairness_trend(pl.concat([log, again, what_if]), sex)
    assert sum(p["applicants"] for p in trend["periods"]) == N


def test_applicants_outside_the_store_count_in_age_groups_only() -> None:
    log, sex = _log(5)
    posted = log.head(40).with_columns(pl.lit(None, dtype=pl.String).alias("client_hash"))
    trend = fairness_trend(pl.concat([log, posted]), sex)
    known = [p["known"] for p in trend["periods"]]
    assert sum(k[SEX] for k in known) == N and sum(k[AGE] for k in known) == N + 40
    assert fairness_trend(log, None)["periods"][0]["known"][SEX] == 0


def test_sex_comes_from_the_store_through_the_salted_hash(tmp_path: Path) -> None:
    path = tmp_path / "features.parquet"
    pl.DataFrame({"SK_ID_CURR": [1, 2, 3], "APP_CODE_GENDER": [0.0, 1.0, -1.0]}).write_parquet(path)
    groups = store_groups(path, SALT)
    assert groups.to_dicts() == [
        {"client_hash": client_hash(1, SALT), SEX: "F"},
        {"client_hash": client_hash(2, SALT), SEX: "M"},
        {"client_hash": client_hash(3, SALT), SEX: None},
    ]
    assert store_groups(tmp_path / "absent.parquet", SALT) is None


def test_groups_under_the_minimum_are_shown_but_not_judged() -> None:
    log, sex = _log(6)
    trend = fairness_trend(log.head(40), sex)
    rows = [r for p in trend["periods"] for r in p["groups"]]
    assert rows and all(r["n"] < 30 for r in rows)
    assert all(not r["judged"] and r["approval_ratio"] is None and not r["flagged"] for r in rows)
