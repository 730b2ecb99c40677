"""A new champion in service without downtime: 2 workers swap models under load, no request fails, and every
logged score carries the version that produced it (and that version's probability)."""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from api.main import create_app
from devtools.servers import start_api, wait_api_ready
from scoring.home import Paths
from scoring.modeling.bundle import load_bundle, promote
from scoring.modeling.train import TrainInputs, train_model
from scoring.serving.prediction_log import predictions
from tests.api.conftest import make_settings
from tests.support.home import FAST_TRAINING

ADMIN = "admin-key-0123456789abcdefgh"
API = "/api/v1"
SEEN = 20  # answers before the swap, and to requests sent after it


def write_second_bundle(home: Path) -> str:
    """Another model trained on the same features by the real training (another seed, fewer rows compared),
    written beside the champion but not promoted."""
    config = replace(FAST_TRAINING, seed=11, compare_rows=300, promote=False)
    return train_model(TrainInputs.from_paths(Paths(home)), config).metadata["version"]


@pytest.fixture(scope="module")
def second_model(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A copy of the demo home with its champion and a second bundle (not promoted), trained once."""
    home = tmp_path_factory.mktemp("two-models") / "home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("runtime"))
    old = load_bundle(Paths(home).models).version
    return home, old, write_second_bundle(home)


@pytest.fixture
def two_models(second_model: tuple[Path, str, str], tmp_path: Path) -> tuple[Path, str, str]:
    """A copy of its own of the home with the two models (a test promotes or reloads in it)."""
    built, old, new = second_model
    home = tmp_path / "home"
    shutil.copytree(built, home, ignore=shutil.ignore_patterns("runtime"))
    return home, old, new


def test_reload_needs_the_admin_key(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_home, tmp_path / "p.db")
    with TestClient(create_app(settings)) as client:
        assert client.post(f"{API}/admin/reload").status_code == 403
    settings = make_settings(demo_home, tmp_path / "p.db", admin_key=ADMIN)
    with TestClient(create_app(settings)) as client:
        assert client.post(f"{API}/admin/reload", headers={"X-Admin-Key": "wrong"}).status_code == 401
        missing = client.post(f"{API}/admin/reload", json={"version": "nope"}, headers={"X-Admin-Key": ADMIN})
        assert missing.status_code == 404
        bad = client.post(f"{API}/admin/reload", json={"version": "../x"}, headers={"X-Admin-Key": ADMIN})
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "version"


def test_reload_swaps_the_model_in_process(two_models: tuple[Path, str, str], tmp_path: Path) -> None:
    home, old, new = two_models
    settings = make_settings(home, tmp_path / "p.db", admin_key=ADMIN, reload_poll_seconds=0.05)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{API}/model").json()["version"] == old
        answer = client.post(f"{API}/admin/reload", json={"version": new}, headers={"X-Admin-Key": ADMIN})
        assert answer.status_code == 202 and answer.json()["version"] == new
        deadline = time.monotonic() + 30
        while not client.get(f"{API}/admin/reload", headers={"X-Admin-Key": ADMIN}).json()["done"]:
            assert time.monotonic() < deadline, "the worker did not reload"
            time.sleep(0.05)
        assert client.get(f"{API}/model").json()["version"] == new


@dataclass
class Load:
    """Requests sent by a few threads until stopped: every answer (or failure) is kept."""

    port: int
    ids: list[int]
    answers: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, kind: Callable[[dict], bool], count: int = SEEN, timeout: float = 60.0) -> None:
        """Until `count` answers of a kind have come back (or a request failed: the test then says which)."""
        deadline = time.monotonic() + timeout
        while sum(map(kind, list(self.answers))) < count and not self.failures:
            assert time.monotonic() < deadline, f"fewer than {count} answers in {timeout:.0f} s"
            time.sleep(0.05)

    def user(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}{API}", timeout=30) as http:
            while not self.stop.is_set():
                client_id = int(rng.choice(self.ids))
                request_id = uuid.uuid4().hex
                sent = time.monotonic()
                try:
                    response = http.get(f"/clients/{client_id}/score", headers={"X-Request-ID": request_id})
                except httpx.HTTPError as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                if response.status_code != 200:
                    self.failures.append(f"HTTP {response.status_code}: {response.text[:200]}")
                    continue
                body = response.json()
                self.answers.append(
                    {
                        "request_id": request_id,
                        "client_id": client_id,
                        "version": body["model_version"],
                        "probability": body["probability"],
                        "sent": sent,
                    }
                )


def _expected(home: Path, version: str, ids: list[int]) -> dict[int, float]:
    """Each client's probability under one model version."""
    bundle = load_bundle(Paths(home).models, version)
    frame = pl.read_parquet(Paths(home).features).filter(pl.col("SK_ID_CURR").is_in(ids))
    probability = bundle.predict_proba(bundle.matrix(frame))
    return dict(zip(frame["SK_ID_CURR"].to_list(), probability.tolist(), strict=True))


@pytest.mark.slow
def test_reload_under_load_fails_no_request(two_models: tuple[Path, str, str], tmp_path: Path) -> None:
    home, old, new = two_models
    ids = pl.read_parquet(Paths(home).features, columns=["SK_ID_CURR"])["SK_ID_CURR"].head(200).to_list()
    database_url = f"sqlite:///{tmp_path / 'predictions.db'}"
    server = start_api(
        home,
        tmp_path / "api.log",
        database_url,
        workers=2,
        SCORING_ADMIN_KEY=ADMIN,
        SCORING_RELOAD_POLL_SECONDS="0.2",
    )
    load = Load(int(server.url.rsplit(":", 1)[1]), ids)
    users = [threading.Thread(target=load.user, args=(i,)) for i in range(4)]
    try:
        wait_api_ready(server, 120)
        for user in users:
            user.start()
        load.wait_for(lambda a: True)  # answers of the old model
        promote(Paths(home).models, new)
        admin = httpx.Client(base_url=f"{server.url}{API}", headers={"X-Admin-Key": ADMIN})
        assert admin.post("/admin/reload").status_code == 202
        deadline = time.monotonic() + 90
        while not (status := admin.get("/admin/reload").json())["done"] or len(status["workers"]) < 2:
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert {w["version"] for w in status["workers"]} == {new}
        swapped = time.monotonic()
        load.wait_for(lambda a: a["sent"] > swapped)  # answers to requests sent after the swap
    finally:
        load.stop.set()
        for user in users:
            user.join(timeout=60)
        server.stop()
    assert load.failures == [], load.failures[:5]
    versions = [a["version"] for a in load.answers]
    assert versions.count(old) > 0 and versions.count(new) > 0
    assert all(a["version"] == new for a in load.answers if a["sent"] > swapped)
    with create_engine(database_url).connect() as conn:
        logged = {
            r.request_id: (r.model_version, r.probability)
            for r in conn.execute(
                select(predictions.c.request_id, predictions.c.model_version, predictions.c.probability)
            )
        }
    assert len(logged) == len(load.answers)
    expected = {v: _expected(home, v, ids) for v in (old, new)}
    for answer in load.answers:
        version, probability = logged[answer["request_id"]]
        assert version == answer["version"]
        assert probability == pytest.approx(answer["probability"])
        assert probability == pytest.approx(expected[version][answer["client_id"]], abs=1e-9)
