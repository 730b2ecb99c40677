"""Properties over random valid applications: a probability in [0, 1], the same for the same input."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import API

amount = st.one_of(st.just(0.0), st.floats(0.01, 1e9))
REQUIRED = {
    "NAME_CONTRACT_TYPE": st.sampled_from(["Cash loans", "Revolving loans", "XNA"]),
    "AMT_INCOME_TOTAL": amount,
    "AMT_CREDIT": st.floats(1000, 1e9),
    "DAYS_BIRTH": st.integers(-36_525, -6_574),  # an applicant aged 18 to 100 (api/plausibility.json)
}
OPTIONAL = {
    "CODE_GENDER": st.sampled_from(["F", "M", "XNA"]),
    "AMT_ANNUITY": amount,
    "AMT_GOODS_PRICE": amount,
    "DAYS_EMPLOYED": st.one_of(st.integers(-40_000, 0), st.just(365243)),
    "EXT_SOURCE_1": st.floats(0, 1),
    "EXT_SOURCE_2": st.floats(0, 1),
    "EXT_SOURCE_3": st.floats(0, 1),
    "CNT_CHILDREN": st.integers(0, 30),
    "CNT_FAM_MEMBERS": st.floats(1, 40),
    "OCCUPATION_TYPE": st.sampled_from(["Laborers", "Managers", "IT staff"]),
    "FLAG_OWN_CAR": st.sampled_from(["Y", "N"]),
}
applications = st.fixed_dictionaries(REQUIRED, optional=OPTIONAL).filter(
    lambda a: a.get("AMT_ANNUITY", 0) <= a["AMT_CREDIT"]  # a term of at least one annuity
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(application=applications)
def test_probability_is_bounded_and_deterministic(client: TestClient, application: dict) -> None:
    first = client.post(f"{API}/score", json=application)
    assert first.status_code == 200, first.text
    body = first.json()
    assert 0.0 <= body["probability"] <= 1.0 and math.isfinite(body["explanation"]["raw_score"])
    assert body["decision"] == ("refuse" if body["probability"] >= body["threshold"] else "accept")
    again = client.post(f"{API}/score", json=application).json()
    assert again["probability"] == body["probability"] and again["explanation"] == body["explanation"]
    [batched] = client.post(f"{API}/score/batch", json={"applications": [application]}).json()["results"]
    assert batched["probability"] == body["probability"]
