"""Decisions under an active strategy: accept, refer or refuse with the rules that fired, the same on every
path (stored and posted clients, the DuckDB batch), picked up without a restart; no letter for a referral."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from api.settings import Settings
from scoring.db.audit import Actor
from scoring.db.strategies import activate
from scoring.explain.policy_reasons import PRICE_ABOVE_CAP, policy_catalogue
from scoring.features.loan_rows import LoanRows
from scoring.features.serving import vectorizer
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.notice.content import texts
from scoring.offer.affordability import affordability_policy
from scoring.offer.requested_loan import requested_figures
from scoring.serving.batch import BatchScorer, score_duckdb
from scoring.serving.prediction_log import open_log, read_predictions
from scoring.strategy.conditions import NUMBER
from scoring.strategy.decide import decide_one
from scoring.strategy.definition import load_strategy
from scoring.strategy.names import known_names
from scoring.vocabulary import Decision, Language
from tests.api.conftest import API, make_settings, wait_for_explanations
from tests.api.test_notice import text_of_html
from tests.api.test_score import _raw_rows

CLI = Actor("cli:test", source="cli")
REFERRED = "referred to an officer: the letter follows the officer's decision"
KNOCK_OUT, REFER_RULE, UNAFFORDABLE = "INCOME_BELOW_MINIMUM", "AGE_AT_TERM_END", "UNAFFORDABLE_DSR"
EXISTING = "BUREAU_ACTIVE_AMT_ANNUITY_SUM"
LOAN_FIELDS = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "CNT_FAM_MEMBERS")


@dataclass(frozen=True)
class Case:
    """The test strategy and clients of the demo home it decides each way."""

    text: str
    knocked_out: int  # under the refuse rule, PD below accept_below
    referred: int  # PD in the band, no rule fired
    accepted: int  # PD below accept_below, no rule fired
    unaffordable: int  # PD below accept_below, only the stressed debt-service rule fired
    knocked_out_unaffordable: int  # under the refuse rule whatever the loan, the asked loan not affordable
    applications: pl.DataFrame  # the ingested applications (raw fields) of the home


def _applications(home: Path) -> pl.DataFrame:
    interim = Paths(home).interim
    frames = [pl.read_parquet(interim / f"{t}.parquet") for t in ("application_train", "application_test")]
    return pl.concat(frames, how="diagonal_relaxed")


def band_case(home: Path) -> Case:
    """A strategy on the home's clients: refuse the lowest incomes and the loans whose price would be above
    the usury threshold (read as a grade too: a text column in the SQL), refer the oldest applicants and the
    loans over the stressed debt-service cap (the offer's figures), refer the PDs between the 40th and the
    80th percentiles; and a client decided each way."""
    paths = Paths(home)
    bundle = load_bundle(paths.models)
    features = pl.read_parquet(
        paths.features, columns=["SK_ID_CURR", *{*bundle.feature_names, "APP_AGE_YEARS", EXISTING}]
    )
    X = bundle.matrix(features)
    probability = bundle.predict_proba(X)
    applications = _applications(home)
    frame = features.select("SK_ID_CURR", "APP_AGE_YEARS", EXISTING).with_columns(probability=probability)
    loan = applications.select("SK_ID_CURR", *LOAN_FIELDS, "AMT_GOODS_PRICE")
    frame = frame.join(loan, on="SK_ID_CURR", how="left")
    at_loan = LoanRows(bundle.feature_names).probability_of(X, frame, bundle.predict_proba)
    figures = requested_figures(frame, probability, probability_of=at_loan)  # each loan scored as priced
    frame = frame.with_columns(
        pl.Series("above", figures["OFFER_ABOVE_USURY"]),
        pl.Series("grade", figures["OFFER_GRADE"].tolist(), dtype=pl.String),
        pl.Series("stressed", figures["OFFER_DSR_STRESSED"], nan_to_null=True),
        pl.Series("carried", figures["OFFER_ANY_AFFORDABLE"]),
    )
    accept_below, refuse_from = (round(float(q), 6) for q in np.quantile(probability, [0.4, 0.8]))
    income = round(float(frame["AMT_INCOME_TOTAL"].quantile(0.1)), 2)
    age = round(float(frame["APP_AGE_YEARS"].quantile(0.9)), 4)
    text = (
        "name: test-band\n"
        f"cutoffs: {{accept_below: {accept_below}, refuse_from: {refuse_from}}}\n"
        "rules:\n"
        f"  - {{code: {KNOCK_OUT}, when: 'AMT_INCOME_TOTAL < {income}', action: refuse}}\n"
        f"  - {{code: {REFER_RULE}, when: 'APP_AGE_YEARS > {age}', action: refer}}\n"
        f"  - {{code: {UNAFFORDABLE}, when: 'OFFER_DSR_STRESSED > OFFER_DSR_CAP', action: refer}}\n"
        f"  - {{code: {PRICE_ABOVE_CAP}, action: refuse,\n"
        "      when: \"OFFER_ABOVE_USURY = 1 AND OFFER_GRADE != 'A'\"}\n"
    )
    cap = affordability_policy().max_debt_service_ratio
    affordable = pl.col("stressed").is_null() | (pl.col("stressed") <= cap)
    lawful = (pl.col("above") != 1) | (pl.col("grade") == "A")
    quiet = (pl.col("AMT_INCOME_TOTAL") >= income) & (pl.col("APP_AGE_YEARS") <= age) & affordable & lawful
    low = pl.col("probability") < accept_below
    band = (pl.col("probability") >= accept_below) & (pl.col("probability") < refuse_from)

    def first(condition: pl.Expr) -> int:
        return int(frame.filter(condition).sort("SK_ID_CURR")["SK_ID_CURR"][0])

    knocked_out = (
        (pl.col("AMT_INCOME_TOTAL") < income) & (pl.col("APP_AGE_YEARS") <= age) & affordable & lawful
    )
    return Case(
        text,
        knocked_out=first(knocked_out & low),
        referred=first(quiet & band),
        accepted=first(quiet & low),
        unaffordable=first(
            (pl.col("AMT_INCOME_TOTAL") >= income)
            & (pl.col("APP_AGE_YEARS") <= age)
            & lawful
            & low
            & (pl.col("stressed") > cap)
        ),
        knocked_out_unaffordable=first(
            (pl.col("AMT_INCOME_TOTAL") < income)
            & (pl.col("stressed") > cap)
            & (pl.col("carried") == 1)
            & low
        ),
        applications=applications,
    )


@pytest.fixture(scope="module")
def case(demo_home: Path) -> Case:
    return band_case(demo_home)


def _activate(engine: Engine, text: str, names: dict | None = None) -> None:
    activate(engine, load_strategy(text, names=names), "analyst", CLI)


@pytest.fixture
def settings(demo_home: Path, tmp_path: Path) -> Settings:
    return make_settings(demo_home, tmp_path / "product.db", strategy_ttl_seconds=0)


@pytest.fixture
def client(settings: Settings, case: Case) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        _activate(test_client.app.state.scoring.engine, case.text)
        yield test_client


def _score(client: TestClient, client_id: int, **params: object) -> dict:
    got = client.get(f"{API}/clients/{client_id}/score", params=params)
    assert got.status_code == 200, got.text
    return got.json()


def test_a_knock_out_refuses_and_the_band_refers(client: TestClient, case: Case) -> None:
    refused = _score(client, case.knocked_out)
    assert (refused["decision"], refused["rules_fired"]) == ("refuse", [KNOCK_OUT])
    assert refused["strategy"]["name"] == "test-band" and refused["strategy"]["version"] == 1
    assert refused["probability"] < refused["strategy"]["accept_below"]  # the score alone would accept
    reasons = refused["explanation"]["reasons"]
    assert reasons[0]["code"] == KNOCK_OUT
    assert reasons[0]["text"] == policy_catalogue()[KNOCK_OUT].text("customer", "en")
    french = _score(client, case.knocked_out, lang="fr")["explanation"]["reasons"][0]
    assert french["text"] == policy_catalogue()[KNOCK_OUT].text("customer", "fr")

    referred = _score(client, case.referred)
    assert (referred["decision"], referred["rules_fired"]) == ("refer", [])
    assert (
        referred["strategy"]["accept_below"] <= referred["probability"] < referred["strategy"]["refuse_from"]
    )
    assert _score(client, case.accepted)["decision"] == "accept"
    offer = client.get(f"{API}/clients/{case.referred}/offer").json()
    assert offer["decision"] == "refer" and offer["strategy"]["name"] == "test-band"
    assert offer["threshold"] == offer["strategy"]["refuse_from"]  # the offer's risk limit is the strategy's
    recourse = {
        c: client.get(f"{API}/clients/{c}/recourse").json() for c in (case.knocked_out, case.referred)
    }
    assert recourse[case.knocked_out]["decision"] == "refuse"  # the rule's, not the score's acceptance
    lower = client.get(f"{API}/clients/{case.knocked_out_unaffordable}/offer").json()
    assert lower["offer"]["kind"] in (
        "lower_amount",
        "longer_term",
    )  # the offer alone would lend otherwise...
    knocked = client.get(f"{API}/clients/{case.knocked_out_unaffordable}/recourse").json()
    assert (knocked["decision"], knocked["options"]) == ("refuse", [])  # ...which the income rule refuses too
    assert recourse[case.referred]["decision"] == "refer"
    assert recourse[case.referred]["threshold"] == offer["strategy"]["refuse_from"]
    ready = client.get(f"{API}/ready").json()
    assert ready["strategy"]["name"] == "test-band" and ready["strategy_error"] is None
    assert client.get(f"{API}/model").json()["strategy"] == refused["strategy"]  # the Model page says so

    state = client.app.state.scoring
    active, row = state.strategies.current(), state.service.store.row(case.knocked_out)
    wait_for_explanations(client)
    deadline = time.monotonic() + 60
    while state.service.stored_body(row, False, Language.EN, active) is None:  # serialised in the background
        assert time.monotonic() < deadline, "responses under the strategy not serialised in time"
        time.sleep(0.05)
    assert state.service.responses[Language.EN].ready
    fast = orjson.loads(state.service.stored_body(row, False, Language.EN, active))
    assert (fast["decision"], fast["rules_fired"]) == ("refuse", [KNOCK_OUT])
    assert _score(client, case.knocked_out) == refused


def test_the_offer_rules_decide_the_stored_client_and_its_what_if(client: TestClient, case: Case) -> None:
    stored = _score(client, case.unaffordable)
    assert (stored["decision"], stored["rules_fired"]) == ("refer", [UNAFFORDABLE])
    assert stored["explanation"]["reasons"][0]["code"] == UNAFFORDABLE
    path = f"{API}/clients/{case.unaffordable}/what-if"
    same = client.post(path, json={"changes": {}}).json()["score"]
    assert (same["decision"], same["rules_fired"]) == ("refer", [UNAFFORDABLE])
    smaller = client.post(path, json={"changes": {"AMT_CREDIT": 45_000.0, "AMT_ANNUITY": 2_500.0}}).json()
    assert UNAFFORDABLE not in smaller["score"]["rules_fired"]  # the smaller loan fits the household


def test_no_letter_for_a_referral_and_the_rule_in_a_refusal_letter(client: TestClient, case: Case) -> None:
    got = client.get(f"{API}/clients/{case.referred}/notice", params={"format": "html"})
    assert got.status_code == 409 and got.json()["detail"] == REFERRED
    for language in ("en", "fr"):
        page = client.get(
            f"{API}/clients/{case.knocked_out}/notice", params={"format": "html", "lang": language}
        )
        assert page.status_code == 200, page.text
        text = text_of_html(page.text)
        assert policy_catalogue()[KNOCK_OUT].text("customer", language) in text
        assert texts()["reasons_refused"][language] in text  # the rule refused, what its risk alone accepted:
        assert texts()["weighed_in_favourable_rules"][language] in text  # the model's reasons did not refuse


def test_the_prediction_log_carries_the_referral(settings: Settings, case: Case) -> None:
    with TestClient(create_app(settings)) as client:
        _activate(client.app.state.scoring.engine, case.text)
        for client_id in (case.referred, case.knocked_out):
            _score(client, client_id)
    logged = read_predictions(open_log(settings.database_url))
    assert sorted(logged["decision"].to_list()) == ["refer", "refuse"]
    assert set(logged["kind"]) == {"client"}


def _posted(case: Case, client_id: int) -> dict:
    row = case.applications.filter(pl.col("SK_ID_CURR") == client_id).row(0, named=True)
    fields = ("NAME_CONTRACT_TYPE", "CODE_GENDER", "AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY")
    fields += ("AMT_GOODS_PRICE", "DAYS_BIRTH", "DAYS_EMPLOYED", "EXT_SOURCE_2", "EXT_SOURCE_3")
    return {"SK_ID_CURR": client_id, **{f: row[f] for f in fields if row[f] is not None}}


def test_stored_posted_and_duckdb_batch_paths_agree(
    client: TestClient, case: Case, demo_home: Path, tmp_path: Path
) -> None:
    paths = Paths(demo_home)
    strategy = load_strategy(case.text)
    scorer = BatchScorer(
        load_bundle(paths.models), reasons=False, strategy=strategy, interim_dir=paths.interim
    )
    summary = score_duckdb(scorer, paths.features, tmp_path / "scores", chunk_rows=150)
    batch = pl.read_parquet(tmp_path / "scores" / "*.parquet").sort("SK_ID_CURR")
    assert summary.referred == (batch["decision"] == "refer").sum() > 0 and summary.strategy == "test-band"
    assert set(batch["decision"]) == {"accept", "refer", "refuse"}
    offer_rules = pl.col("rules_fired").str.contains(UNAFFORDABLE) | pl.col("rules_fired").str.contains(
        PRICE_ABOVE_CAP
    )
    fired = set(",".join(batch["rules_fired"].drop_nulls()).split(","))
    assert {UNAFFORDABLE, PRICE_ABOVE_CAP} <= fired  # the offer's figures decide some clients
    checked = pl.concat([batch.gather_every(23), batch.filter(offer_rules).head(4)])
    for row in checked.iter_rows(named=True):
        served = _score(client, row["SK_ID_CURR"])
        assert served["probability"] == row["probability"]
        assert served["decision"] == row["decision"]
        assert served["rules_fired"] == (row["rules_fired"].split(",") if row["rules_fired"] else [])

    ids = [case.knocked_out, case.referred, case.accepted]
    posted = client.post(f"{API}/score/batch", json={"applications": [_posted(case, i) for i in ids]})
    assert posted.status_code == 200, posted.text
    for client_id, result in zip(ids, posted.json()["results"], strict=True):
        one = client.post(f"{API}/score", json=_posted(case, client_id)).json()
        assert (one["decision"], one["rules_fired"]) == (result["decision"], result["rules_fired"])
        expected = decide_one(strategy, _values(case, client_id), result["probability"])
        assert (result["decision"], result["rules_fired"]) == (expected[0], expected[1])
    assert posted.json()["results"][0]["decision"] == Decision.REFUSE  # the knock-out, whatever the score


def _values(case: Case, client_id: int) -> dict:
    """The raw fields and the application feature the test strategy reads, of a posted application (no
    family size and no bureau posted: the offer's figures count one member and no existing instalment)."""
    posted = _posted(case, client_id)
    layer = vectorizer()
    age = float(layer.vector(posted)[layer.feature_names.index("APP_AGE_YEARS")])
    return {name: posted.get(name) for name in LOAN_FIELDS} | {"APP_AGE_YEARS": age}


def test_a_new_activation_is_served_after_the_ttl(demo_home: Path, tmp_path: Path, case: Case) -> None:
    fresh = make_settings(demo_home, tmp_path / "fresh.db", strategy_ttl_seconds=0)
    with TestClient(create_app(fresh)) as client:
        before = _score(client, case.referred)
        assert before["strategy"] is None and before["decision"] in ("accept", "refuse")
        assert before["rules_fired"] == []
        _activate(client.app.state.scoring.engine, case.text)
        after = _score(client, case.referred)
        assert (after["decision"], after["strategy"]["version"]) == ("refer", 1)
    slow = make_settings(demo_home, tmp_path / "slow.db", strategy_ttl_seconds=3600)
    with TestClient(create_app(slow)) as client:
        assert _score(client, case.referred)["strategy"] is None
        _activate(client.app.state.scoring.engine, case.text)
        assert _score(client, case.referred)["strategy"] is None  # checked again only after the TTL


def test_a_stored_strategy_that_no_longer_validates_keeps_the_previous_one(
    client: TestClient, case: Case
) -> None:
    assert _score(client, case.referred)["decision"] == "refer"
    names = {**known_names(), "GONE_FEATURE": NUMBER}
    broken = "name: broken\ncutoffs: {accept_below: 0.5, refuse_from: 0.5}\nrules:\n"
    broken += f"  - {{code: {KNOCK_OUT}, when: 'GONE_FEATURE > 1', action: refuse}}\n"
    _activate(client.app.state.scoring.engine, broken, names)
    served = _score(client, case.referred)
    assert (served["decision"], served["strategy"]["name"]) == ("refer", "test-band")
    ready = client.get(f"{API}/ready").json()
    assert ready["strategy"]["version"] == 1 and "version 2 is not valid" in ready["strategy_error"]
    assert "GONE_FEATURE" in ready["strategy_error"]


def test_a_posted_history_is_decided_as_the_stored_client(client: TestClient, demo_home: Path) -> None:
    """Rules on a raw field and on a history feature: the posted application with its history rows fires
    the rules the stored client fires."""
    service = client.app.state.scoring.service
    prev = pl.read_parquet(Paths(demo_home).interim / "previous_application.parquet")
    train_ids = set(service.store.ids[service.store.train_rows].tolist())
    client_id = next(i for i in prev["SK_ID_CURR"].unique().sort().to_list() if i in train_ids)
    application, history = _raw_rows(demo_home, client_id)
    features = pl.read_parquet(Paths(demo_home).features).filter(pl.col("SK_ID_CURR") == client_id)
    name = next(c for c in features.columns if c.startswith("PREV_") and features[c][0] is not None)
    text = (
        "name: history\ncutoffs: {accept_below: 0.5, refuse_from: 0.9}\nrules:\n"
        f"  - {{code: BUREAU_CURRENT_OVERDUE, when: '{name} >= {float(features[name][0]) - 1e-6!r}', "
        "action: refer}\n"
        f"  - {{code: {KNOCK_OUT}, when: 'AMT_INCOME_TOTAL <= {application['AMT_INCOME_TOTAL']!r}', "
        "action: refuse}\n"
    )
    _activate(client.app.state.scoring.engine, text)
    stored = _score(client, client_id)
    posted = client.post(f"{API}/score", json={**application, "history": history}).json()
    expected = ("refuse", [KNOCK_OUT, "BUREAU_CURRENT_OVERDUE"])
    assert (
        (stored["decision"], stored["rules_fired"]) == (posted["decision"], posted["rules_fired"]) == expected
    )
    without = client.post(f"{API}/score", json=application).json()
    assert without["rules_fired"] == [KNOCK_OUT]  # no history posted: the history feature is missing
