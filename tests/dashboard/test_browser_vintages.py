"""The Operations page's vintage curves and calibration watch in headless Chromium, signed in as an analyst,
against an API of its own: the test home's training clients are scored through the API, their scores spread
over six months of the prediction log, and their known outcomes loaded as `scoring labels` loads them; the
page draws the realised default rate by vintage and risk grade against the mean PD given, and the calibration
by month and segment, in English and French. axe-core on each; screenshots with `make screenshots`.

The API is its own (not the stack's): loaded outcomes and a back-dated log would change what the other
browser tests see."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import polars as pl
import pytest
from sqlalchemy import Engine, select

from devtools.servers import API, Service, start_api, start_dashboard, wait_api_ready
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.tables import predictions
from scoring.db.users import create_user
from scoring.home import Paths
from scoring.monitoring.labels import load_labels
from scoring.serving.prediction_log import client_hash
from tests.dashboard.conftest import API_KEY, Visit, new_context, sign_in
from tests.support.logged import wait_logged

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]  # its own API, 500 scores

SALT = "vintage-test-salt"
PASSWORD = "the analyst needs a long password"
ANALYST = "vt-ana"
MONTHS = 6  # the scores are spread over this many months of the log
CLI = Actor("cli:tests", source="cli")


@dataclass
class Product:
    api: Service
    dashboard: Service
    engine: Engine
    labelled: int
    months: set[str]  # the months of the logged scores (YYYY-MM)


def _spread(engine: Engine, hashes: list[str]) -> set[str]:
    """Move each client's logged scores back by whole months (client i by i % MONTHS months and a day);
    the months the scores then fall in."""
    months = set()
    with engine.begin() as conn:
        for i, hashed in enumerate(hashes):
            shift = timedelta(days=30 * (i % MONTHS) + 1)
            rows = conn.execute(
                select(predictions.c.id, predictions.c.created_at).where(predictions.c.client_hash == hashed)
            ).all()
            for row_id, created_at in rows:
                moved = created_at - shift
                months.add(moved.strftime("%Y-%m"))
                conn.execute(predictions.update().where(predictions.c.id == row_id).values(created_at=moved))
    return months


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory, demo_home: Path) -> Iterator[Product]:
    home = tmp_path_factory.mktemp("vintages") / "home"
    shutil.copytree(demo_home, home)
    logs = tmp_path_factory.mktemp("vintages-logs")
    database = f"sqlite:///{logs / 'product.db'}"
    api = start_api(home, logs / "api.log", database, API_KEY, salt=SALT)
    dashboard = engine = None
    try:
        wait_api_ready(api, 120)
        engine = open_database(database)
        create_user(engine, ANALYST, "analyst", PASSWORD, CLI)
        columns = ["SK_ID_CURR", "TARGET"]
        train = pl.read_parquet(Paths(home).interim / "application_train.parquet", columns=columns)
        with httpx.Client(base_url=f"{api.url}{API}", headers={"X-API-Key": API_KEY}, timeout=30) as client:
            for client_id in train["SK_ID_CURR"].to_list():
                client.get(f"/clients/{client_id}/score").raise_for_status()
        hashes = [client_hash(int(c), SALT.encode()) or "" for c in train["SK_ID_CURR"].to_list()]
        wait_logged(engine, set(hashes))
        months = _spread(engine, hashes)
        outcomes = logs / "outcomes.csv"
        known = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
        train.with_columns(pl.lit(known).alias("DATE_KNOWN")).write_csv(outcomes)
        report = load_labels(outcomes, engine, SALT.encode())
        dashboard = start_dashboard(api.url, logs / "dashboard.log", API_KEY, auth=True)
        dashboard.wait("/login", 60)
        yield Product(api, dashboard, engine, report.rows, months)
    finally:
        for server in (dashboard, api):
            if server is not None:
                server.stop()
        if engine is not None:
            engine.dispose()


def _signed_in(browser: object, product: Product, locale: str) -> tuple[object, Visit]:
    context = new_context(browser, locale=locale)
    return context, sign_in(context, product.dashboard.url, ANALYST, PASSWORD, "/operations")


@pytest.mark.parametrize(("locale", "suffix"), [("en-GB", ""), ("fr-FR", "-fr")])
def test_vintage_curves_and_calibration_on_the_operations_page(
    browser: object, product: Product, locale: str, suffix: str
) -> None:
    context, visit = _signed_in(browser, product, locale)
    try:
        page = visit.page
        page.wait_for_selector("#operations-vintages-graph .main-svg")
        page.wait_for_selector("#operations-calibration-graph .main-svg")
        vintages = page.locator("#operations-vintages-table tbody tr").count()
        assert vintages == len(product.months)  # one row per month of origination
        curves = page.locator("#operations-vintages-graph .scatterlayer .trace").count()
        assert curves >= 2  # realised and mean PD lines of the grades present
        months = page.locator("#operations-calibration-periods tbody tr").count()
        assert months == len(product.months)  # one row per month of scores
        assert page.inner_text("#operations-calibration-verdict")
        page.locator("#operations-vintages").scroll_into_view_if_needed()
        visit.check(f"operations-vintages{suffix}")
    finally:
        context.close()
