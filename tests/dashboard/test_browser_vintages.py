"""The Operations page's vintage curves and calibration watch in headless Chromium, signed in as an analyst,
against an API of its own: the test home's training clients are scored through the API, their scores spread
over six months of the prediction log, and their known outcomes loaded as `scoring labels` loads them; the
page draws the realised default rate by vintage and risk grade against the mean PD given, and the calibration
by month and segment, in English and French. axe-core on each; screenshots with `make screenshots`.

The API is its own (not the stack's): loaded outcomes and a back-dated log would change what the other
browser tests see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from devtools.servers import Service
from scoring.home import Paths
from scoring.monitoring.labels import load_labels
from tests.dashboard.conftest import API_KEY, Visit, new_context, sign_in
from tests.support.own_api import OwnApi, own_api

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]  # its own API, 500 scores

SALT = "vintage-test-salt"
PASSWORD = "the analyst needs a long password"
ANALYST = "vt-ana"
MONTHS = 6  # the scores are spread over this many months of the log


@dataclass
class Product:
    api: Service
    dashboard: Service
    engine: Engine
    labelled: int
    months: set[str]  # the months of the logged scores (YYYY-MM)


def _spread(own: OwnApi, client_ids: list[int]) -> set[str]:
    """Move each client's logged scores back by whole months (client i by i % MONTHS months and a day);
    the months the scores then fall in."""
    months = set()
    for i, client_id in enumerate(client_ids):
        moved = own.move_back(client_id, timedelta(days=30 * (i % MONTHS) + 1))
        months.update(created_at.strftime("%Y-%m") for created_at in moved)
    return months


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory, demo_home: Path) -> Iterator[Product]:
    with own_api(tmp_path_factory, demo_home, "vintages", API_KEY, SALT) as own:
        own.add_users({ANALYST: "analyst"}, PASSWORD)
        columns = ["SK_ID_CURR", "TARGET"]
        train = pl.read_parquet(Paths(own.home).interim / "application_train.parquet", columns=columns)
        client_ids = [int(c) for c in train["SK_ID_CURR"].to_list()]
        for client_id in client_ids:
            own.score(client_id)
        own.wait_logged(client_ids)
        months = _spread(own, client_ids)
        outcomes = own.home.parent / "outcomes.csv"
        known = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
        train.with_columns(pl.lit(known).alias("DATE_KNOWN")).write_csv(outcomes)
        report = load_labels(outcomes, own.engine, SALT.encode())
        yield Product(own.api, own.dashboard, own.engine, report.rows, months)


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
