"""Drift by segment on frames built here (fixed seeds): a shift of one segment is flagged in it and not in the
whole, small segment values are not reported, the segments file is checked, the binomial test is exact."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from scipy.stats import binom

from scoring.drift.alert import SEGMENT_DRIFT, drift_alerts
from scoring.drift.cbpe import identity
from scoring.drift.psi import critical_psi
from scoring.drift.sample import PROBABILITY, REFUSED, TARGET, Sample
from scoring.drift.segment_drift import segment_drift, segment_entry
from scoring.drift.segments import POLICY_FILE, SegmentsError, parse_policy, segment_policy
from scoring.drift.stability import stability
from scoring.features.feature import ModelFeature
from scoring.monitoring.alerts import catalogue
from scoring.vocabulary import FeatureKind

INCOME_CODES = (0, 1, 2, 5)  # Working, Commercial associate, Pensioner, Student (schema levels)
PENSIONER = 2
INCOME = "APP_AMT_INCOME_TOTAL"
FEATURES = [
    ModelFeature(INCOME, "Income"),
    ModelFeature("EXT_SOURCE_MEAN", "External score"),
    *(ModelFeature(f"NOISE_{i}", f"Noise {i}") for i in range(3)),
    ModelFeature("APP_NAME_CONTRACT_TYPE", "Contract type", FeatureKind.CATEGORICAL, ("Cash", "Revolving")),
]


def _clients(seed: int, n: int, pensioner_income: float = 1.0) -> Sample:
    """Clients whose PD falls with income and external score; pensioners' income times `pensioner_income`."""
    rng = np.random.default_rng(seed)
    income_type = rng.choice(INCOME_CODES, size=n, p=[0.58, 0.25, 0.15, 0.02])
    income = np.exp(rng.normal(11.5, 0.5, n)) * np.where(income_type == PENSIONER, pensioner_income, 1.0)
    ext = rng.uniform(0, 1, n)
    logit = -2.5 - 2.0 * (ext - 0.5) - 1.5 * (np.log(income) - 11.5)
    probability = 1 / (1 + np.exp(-logit))
    frame = pl.DataFrame(
        {
            INCOME: income,
            "EXT_SOURCE_MEAN": ext,
            **{f"NOISE_{i}": rng.normal(0, 1, n) for i in range(3)},
            "APP_NAME_CONTRACT_TYPE": rng.choice([0, 1], size=n, p=[0.9, 0.1]).astype(np.float64),
            "APP_NAME_INCOME_TYPE": income_type.astype(np.float64),
            "APP_REGION_RATING_CLIENT": rng.choice([1, 2, 3], size=n, p=[0.1, 0.75, 0.15]).astype(np.float64),
            "APP_DAYS_BIRTH": -rng.uniform(20, 70, n) * 365.25,
            PROBABILITY: probability,
            REFUSED: probability >= 0.12,
            TARGET: (rng.random(n) < probability).astype(np.int64),
        }
    )
    return Sample(frame, "test", f"{n} synthetic clients")


@pytest.fixture(scope="module")
def shifted() -> tuple[Sample, Sample, list[dict], dict]:
    """The reference, and a current batch whose pensioners earn 40 % less: the segments and their check."""
    reference, current = _clients(1, 8_000), _clients(2, 3_000, pensioner_income=0.6)
    entries, check = segment_drift(reference, current, FEATURES, segment_policy(), identity(), 0.3)
    return reference, current, entries, check


def _entry(entries: list[dict], name: str) -> dict:
    return next(e for e in entries if e["name"] == name)


def test_a_shift_in_one_segment_is_flagged_there_and_not_in_the_whole(shifted: tuple) -> None:
    reference, current, entries, check = shifted
    pensioners = _entry(entries, "NAME_INCOME_TYPE=Pensioner")
    assert pensioners["drifted"] and pensioners["score_drifted"]
    assert pensioners["score_psi"] > 0.25 > pensioners["score_psi_critical"]
    assert INCOME in [m["feature"] for m in pensioners["features_moved"]]
    assert pensioners["mean_pd"] > pensioners["reference_mean_pd"]
    whole = stability(reference, current, FEATURES)
    assert not whole["score"]["drifted"] and whole["drifted_share"] < 0.3
    unrelated = ("NAME_CONTRACT_TYPE", "REGION_RATING_CLIENT", "AGE_BAND")
    others = [e for e in entries if e["segment"] in unrelated]
    assert others and not any(e["drifted"] for e in others)
    for name in ("NAME_INCOME_TYPE=Working", "NAME_INCOME_TYPE=Commercial associate"):
        assert not _entry(entries, name)["drifted"]
    assert "NAME_INCOME_TYPE=Pensioner" in check["drifted"]


def test_the_drifted_segment_raises_a_segment_alert_with_its_meaning(shifted: tuple) -> None:
    entries = shifted[2]
    prediction = {name: {"drifted": False} for name in ("probability", "decision")}
    alerts = drift_alerts(0.0, 0.3, prediction, segments=entries)
    kinds = {a["kind"] for a in alerts}
    assert kinds == {SEGMENT_DRIFT}
    assert any("NAME_INCOME_TYPE=Pensioner" in a["message"] for a in alerts)
    assert len(alerts) == sum(e["drifted"] for e in entries)
    assert catalogue()[SEGMENT_DRIFT]["action"]


def test_segment_values_under_the_minimum_are_not_reported(shifted: tuple) -> None:
    reference, current, entries, check = shifted
    assert all(e["n"] >= 200 and e["n_reference"] >= 200 for e in entries)
    assert "NAME_INCOME_TYPE=Student" not in [e["name"] for e in entries]  # about 60 current clients
    assert check["values_too_small"] >= 1 and check["values_checked"] == len(entries)
    assert check["alpha"] == pytest.approx(0.05 / len(entries))
    document = {**json.loads(POLICY_FILE.read_text()), "min_clients": 20}
    loose, _ = segment_drift(reference, current, FEATURES, parse_policy(document), identity(), 0.3)
    assert "NAME_INCOME_TYPE=Student" in [e["name"] for e in loose]


def test_segment_values_are_named_and_ordered_as_the_policy_says(shifted: tuple) -> None:
    entries = shifted[2]
    names = [e["name"] for e in entries]
    ages = [n for n in names if n.startswith("AGE_BAND=")]
    assert ages == ["AGE_BAND=< 30", "AGE_BAND=30-39", "AGE_BAND=40-49", "AGE_BAND=50-59", "AGE_BAND=60+"]
    assert [n for n in names if n.startswith("REGION_RATING_CLIENT=")] == [
        "REGION_RATING_CLIENT=1",
        "REGION_RATING_CLIENT=2",
        "REGION_RATING_CLIENT=3",
    ]
    grades = [e["value"] for e in entries if e["segment"] == "RISK_GRADE"]
    assert grades and grades == sorted(grades)
    assert sum(e["n"] for e in entries if e["segment"] == "NAME_CONTRACT_TYPE") == 3_000


def test_minimum_rests_on_the_psi_noise_it_documents() -> None:
    assert segment_policy().min_clients == 200
    assert critical_psi(200, 200, 10) == pytest.approx(0.169, abs=0.001)
    assert critical_psi(100, 100, 10) > 0.25


def test_binomial_test_matches_the_exact_two_sided_count() -> None:
    n, defaults, pd = 400, 32, 0.05
    frame = pl.DataFrame(
        {
            INCOME: np.linspace(1, 2, n),
            PROBABILITY: np.full(n, pd),
            REFUSED: np.zeros(n, dtype=bool),
            TARGET: np.r_[np.ones(defaults), np.zeros(n - defaults)].astype(np.int64),
        }
    )
    sample = Sample(frame, "batch", "known count")
    segment = segment_policy().segments[0]
    entry = segment_entry(segment, "Cash loans", sample, sample, FEATURES[:1], identity(), 0.3)
    pmf = binom.pmf(np.arange(n + 1), n, pd)
    expected = pmf[pmf <= pmf[defaults] * (1 + 1e-7)].sum()
    assert entry["realised_rate"] == pytest.approx(0.08)
    assert entry["defaults"] == defaults and entry["mean_pd"] == pytest.approx(pd)
    assert entry["p_value"] == pytest.approx(expected, rel=1e-6)
    assert 0.005 < entry["p_value"] < 0.02


def test_without_outcomes_the_realised_rate_and_p_value_are_null(shifted: tuple) -> None:
    reference, current = shifted[0], shifted[1]
    unlabelled = Sample(current.frame.drop(TARGET), "log", "unlabelled")
    entries, _ = segment_drift(reference, unlabelled, FEATURES, segment_policy(), identity(), 0.3)
    assert entries and all(e["realised_rate"] is None and e["p_value"] is None for e in entries)


def _policy(**segment: object) -> dict:
    return {"version": 1, "min_clients": 200, "segments": [{"name": "S", **segment}]}


@pytest.mark.parametrize(
    ("document", "names"),
    [
        (_policy(field="NOT_A_FIELD"), ("segments[0].field", "NOT_A_FIELD")),
        (_policy(field="NAME_INCOME_TYPE", colour="red"), ("segments[0]", "colour")),
        (_policy(field="NAME_INCOME_TYPE", bands=[{"label": "a", "below": None}]), ("categorical",)),
        (_policy(field="PD"), ("segments[0].bands",)),
        (
            _policy(field="DAYS_BIRTH", bands=[{"label": "a", "below": 5}, {"label": "b", "below": 3}]),
            ("segments[0].bands[1].below",),
        ),
        ({"min_clients": 0, "segments": []}, ("min_clients",)),
    ],
)
def test_a_bad_segments_file_is_refused_naming_the_field(document: dict, names: tuple[str, ...]) -> None:
    with pytest.raises(SegmentsError) as error:
        parse_policy(document)
    assert all(name in str(error.value) for name in names), str(error.value)


def test_the_log_age_band_column_is_read_when_the_exact_age_is_not_stored() -> None:
    age = next(s for s in segment_policy().segments if s.name == "AGE_BAND")
    logged = pl.DataFrame({"AGE_BAND_YEARS": [25.0, 30.0, 35.0, 60.0, None]})
    assert age.values(logged).tolist() == ["< 30", "30-39", "30-39", "60+", None]
    assert age.values(pl.DataFrame({"OTHER": [1.0]})) is None
