"""The worklist and the authority limits in headless Chromium, signed in, against an API of its own whose
active strategy is the demo one (scoring/strategy/examples/demo.yaml): the stored clients it refers are on
the officer's worklist, oldest first, with their age in the queue, PD, amount asked and the rule or band that
referred them (in English and French); the officer takes a case above the authority limits and accepts it,
which awaits approval with no letter; a senior approves it (the officer may not), the decision is final, the
letter links appear, and the audit trail holds both actions. axe-core on each step; screenshots with
`make screenshots`.

The API is its own (not the stack's): an active strategy and an approved grant would change what the other
browser tests see. The referrals are the strategy's own decisions on the scores the test asks for; only
their times in the prediction log are moved back, so that the queue has ages of hours and days."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import polars as pl
import pytest
from sqlalchemy import Engine

from dashboard import offer_text
from dashboard.i18n import ENGLISH
from dashboard.settings import currency
from dashboard.values import money
from devtools.servers import API, Service
from scoring.db.audit import verify
from scoring.db.strategies import activate
from scoring.explain.policy_reasons import policy_title
from scoring.home import Paths
from scoring.strategy.authority import authority_limits
from scoring.strategy.definition import load_strategy
from tests.dashboard.conftest import (
    API_KEY,
    SAVE_SCREENSHOTS,
    SCREENSHOTS,
    TIMEOUT_MS,
    Visit,
    new_context,
    sign_in,
)
from tests.support.own_api import CLI, OwnApi, own_api

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]  # its own API, 3 sign-ins

DEMO_STRATEGY = Path(__file__).resolve().parents[2] / "scoring" / "strategy" / "examples" / "demo.yaml"
SALT = "worklist-test-salt"
PASSWORD = "the worklist needs a long password"
OFFICER, SENIOR, ADMIN = "wl-olivia", "wl-sam", "wl-adam"
NOTE = "Three recent payslips and the employer's letter confirm a stable income."
APPROVAL = "Income documents checked again: the loan is affordable at this amount."
SHIFTS = (80.5, 30.5, 5.5)  # hours moved back, from the last referral scored: the queue's oldest
AGES = ("3 days", "30 h", "5 h")  # as the worklist shows them (whole hours under two days, else days)
WITHIN = 3  # referrals within the amount limit on the worklist


@dataclass(frozen=True)
class Referral:
    """A stored client the demo strategy referred, as its score said."""

    client_id: int
    probability: float
    amount: float
    rules: list[str]


@dataclass
class Product:
    """The API (demo strategy active), its database, and a dashboard with sign-in against it."""

    api: Service
    dashboard: Service
    engine: Engine
    queue: list[Referral]  # the worklist's expected order: oldest referral first
    above_limits: list[Referral]  # referred, asking more than one officer may grant alone
    hashed: Callable[[int], str]  # a client's hash in the log and the audit trail


def _token(api: Service, username: str) -> dict[str, str]:
    """The API key and a session token of `username` (the dashboard sends both)."""
    key = {"X-API-Key": API_KEY}
    body = {"username": username, "password": PASSWORD}
    login = httpx.post(f"{api.url}{API}/auth/login", json=body, headers=key, timeout=30)
    login.raise_for_status()
    return {**key, "Authorization": f"Bearer {login.json()['token']}"}


def _score(own: OwnApi, client_id: int, amount: float) -> Referral | None:
    """The stored client's score (logged as an officer's view is); the referral if the strategy referred."""
    score = own.score(client_id)
    if score["decision"] != "refer":
        return None
    return Referral(client_id, score["probability"], amount, score["rules_fired"])


def _grantable(own: OwnApi, client_id: int) -> bool:
    """Whether the application can be granted as asked: the offer lends the amount asked at the term asked
    (an officer's acceptance as asked is refused otherwise, e.g. repayments not affordable)."""
    found = own.http.get(f"/clients/{client_id}/offer").json()
    terms, asked = found["offer"], found["asked"]
    return terms is not None and (terms["amount"], terms["term_months"]) == (
        asked["amount"],
        asked["term_months"],
    )


def _refer(own: OwnApi) -> tuple[list[Referral], list[Referral]]:
    """Referrals of the demo strategy, in the order scored, and those above the authority limits that can be
    granted as asked (one the refer band referred first, when there is one).

    Stored clients within the amount limit are scored in ID order until WITHIN are referred, then those
    asking more until two grantable ones are referred, one of them by the refer band rather than by a rule
    (its PD is then below refuse_from, which is the PD limit) when there is one. The demo strategy refers few
    of the test home's clients (2 of its 620 on 6 Dec 2026): the scan may go through them all. Every referral
    scored is on the worklist."""
    limit = authority_limits().amount_limit
    columns = ["SK_ID_CURR", "AMT_CREDIT"]
    parts = [
        pl.read_parquet(Paths(own.home).interim / f"application_{part}.parquet", columns=columns)
        for part in ("train", "test")
    ]
    rows = pl.concat(parts).sort("SK_ID_CURR")
    found: list[Referral] = []
    for client_id, amount in rows.filter(pl.col("AMT_CREDIT") <= limit).iter_rows():
        if len(found) >= WITHIN:
            break
        referral = _score(own, client_id, amount)
        found += [referral] if referral else []
    large: list[Referral] = []
    for client_id, amount in rows.filter(pl.col("AMT_CREDIT") > limit).iter_rows():
        referral = _score(own, client_id, amount)
        found += [referral] if referral else []
        large += [referral] if referral and _grantable(own, client_id) else []
        if len(large) >= 2 and any(not r.rules for r in large):
            break
    assert len(large) >= 2, (
        "the demo strategy referred fewer than two grantable test clients above the limits"
    )
    return found, sorted(large, key=lambda r: bool(r.rules))


def _age(own: OwnApi, referrals: list[Referral]) -> list[Referral]:
    """Move the last referrals' scores back in time (SHIFTS, the last one the oldest); the queue's order."""
    count = min(len(SHIFTS), len(referrals))
    moved = list(reversed(referrals[len(referrals) - count :]))
    for referral, hours in zip(moved, SHIFTS[:count], strict=True):
        own.move_back(referral.client_id, timedelta(hours=hours))
    return moved + referrals[: len(referrals) - count]


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory, demo_home: Path) -> Iterator[Product]:
    settings = {"SCORING_STRATEGY_TTL_SECONDS": "0"}
    with own_api(tmp_path_factory, demo_home, "worklist", API_KEY, SALT, **settings) as own:
        activate(own.engine, load_strategy(DEMO_STRATEGY.read_text(), str(DEMO_STRATEGY)), "tests", CLI)
        own.add_users({OFFICER: "officer", SENIOR: "senior", ADMIN: "admin"}, PASSWORD)
        referrals, above = _refer(own)
        own.wait_logged([r.client_id for r in referrals])
        queue = _age(own, referrals)
        yield Product(own.api, own.dashboard, own.engine, queue, above, own.hashed)


@pytest.fixture
def signed_in(browser: object, product: Product) -> Iterator[Callable[..., Visit]]:
    """Sign in as `username` (in the browser's `locale`) and open `path`."""
    contexts = []

    def open_page(username: str, path: str, locale: str = "en-GB") -> Visit:
        context = new_context(browser, locale=locale)
        contexts.append(context)
        return sign_in(context, product.dashboard.url, username, PASSWORD, path)

    yield open_page
    for context in contexts:
        context.close()


def _check_section(visit: Visit, name: str, selector: str) -> None:
    """As `Visit.check`, the screenshot of one section of the page (a client page is long)."""
    visit.settle()
    if SAVE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        clip = visit.page.eval_on_selector(
            selector,
            """(e, m) => { const r = e.getBoundingClientRect();
                return {x: Math.max(r.left + scrollX - m, 0), y: Math.max(r.top + scrollY - m, 0),
                        width: r.width + 2 * m, height: r.height + 2 * m}; }""",
            12,
        )
        visit.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=clip, full_page=True)
    assert visit.violations() == []
    assert visit.errors == []


def _rows(page: object, table: str = "#worklist-table") -> list[list[str]]:
    """A table's cells, row by row (the worklist's by default)."""
    page.wait_for_selector(f"{table} tbody tr")
    return page.eval_on_selector_all(
        f"{table} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def _row_of(page: object, client_id: int) -> list[str]:
    (row,) = [r for r in _rows(page) if r[0] == str(client_id)]
    return row


def _wait_text(page: object, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => document.querySelector(s)?.innerText.includes(t)", arg=[selector, text]
    )


def test_worklist_take_grant_above_the_limits_and_a_seniors_approval(
    signed_in: Callable[..., Visit], product: Product
) -> None:
    queue, (case, other, *_) = product.queue, product.above_limits
    officer = signed_in(OFFICER, "/worklist")
    page = officer.page
    page.wait_for_selector("#worklist-table")
    assert page.inner_text("h1") == "Worklist"
    rows = _rows(page)
    assert [r[0] for r in rows] == [str(r.client_id) for r in queue]  # oldest referral first
    aged = min(len(AGES), len(queue))
    assert [r[1] for r in rows[:aged]] == list(AGES[:aged])
    assert all(r[1] == "0 h" for r in rows[aged:])
    for row, referral in zip(rows, queue, strict=True):
        assert row[2] == ENGLISH.percent(referral.probability)
        assert row[3] == money(referral.amount, ENGLISH, currency())
        titles = [policy_title(code, "en") for code in referral.rules]  # the rules by their title
        assert row[4] == (", ".join(titles) if titles else "refer band")
        assert row[5] == "—"  # nobody has taken it yet
    assert page.locator("#worklist-review").is_hidden()  # an officer approves nobody's grant
    limits = authority_limits()
    stated = page.inner_text("#worklist-limits")
    assert ENGLISH.percent(limits.pd_limit) in stated
    assert money(limits.amount_limit, ENGLISH, currency()) in stated
    officer.check("worklist")

    french = signed_in(OFFICER, "/worklist", locale="fr-FR")
    french.page.wait_for_selector("#worklist-table")
    assert french.page.get_attribute("html", "lang") == "fr"
    assert french.page.inner_text("h1") == "À traiter"
    assert [r[0] for r in _rows(french.page)] == [str(r.client_id) for r in queue]
    assert "3 jours" in french.page.inner_text("#worklist-table")
    french.check("worklist-fr")

    page.select_option("#worklist-case", str(case.client_id))
    page.click("#worklist-take")
    page.wait_for_selector("#worklist-taken")
    page.wait_for_function(
        "([id, who]) => [...document.querySelectorAll('#worklist-table tbody tr')].some("
        "r => r.cells[0].innerText.trim() === id && r.cells[5].innerText.startsWith(who))",
        arg=[str(case.client_id), OFFICER],
    )
    page.click("#worklist-taken a")
    page.wait_for_selector(f"#client-heading:text('Client {case.client_id}')")
    page.wait_for_selector("#client-officer-decision input[value='accept']")
    assert page.locator("#client-letter a").count() == 0  # a referral: the letter follows the officer
    page.wait_for_load_state("networkidle")  # the callbacks done: the form is not drawn again under the click
    page.check("#client-officer-decision input[value='accept']", force=True)
    page.fill("#client-officer-justification", NOTE)
    page.click("#client-officer-submit")
    page.wait_for_selector("#client-officer-saved")
    assert "awaiting approval by a senior" in page.inner_text("#client-officer-saved")
    _wait_text(page, "#client-officer-status", "awaiting approval")
    assert page.locator("#client-officer-letter").count() == 0  # no letter before the approval
    _check_section(officer, "approval-awaiting", "#client-officer")
    assert page.locator("#client-letter a, #client-officer-letter a").count() == 0
    _wait_text(page, "#client-officer-no-letter", "No letter while the latest decision awaits")

    headers = _token(product.api, OFFICER)
    pending = httpx.get(f"{product.api.url}{API}/worklist", headers=headers, timeout=30).json()
    (awaiting,) = pending["awaiting_approval"]
    own = httpx.post(
        f"{product.api.url}{API}/decisions/{awaiting['id']}/approve",
        json={"justification": APPROVAL},
        headers=headers,
        timeout=30,
    )
    assert own.status_code == 403  # an officer approves nobody's grant, their own least of all

    senior = signed_in(SENIOR, "/worklist")
    page = senior.page
    page.wait_for_selector("#worklist-review:not([hidden])")
    (pending_row,) = _rows(page, "#worklist-awaiting-table")
    assert pending_row[0] == str(case.client_id) and pending_row[1] == OFFICER
    assert pending_row[5] == money(case.amount, ENGLISH, currency()) and pending_row[6] == NOTE
    assert "awaiting approval by a senior" in _row_of(page, case.client_id)[6]
    page.select_option("#worklist-review-decision", str(awaiting["id"]))
    page.fill("#worklist-review-note", APPROVAL)
    senior.check("approval-senior")
    page.click("#worklist-approve")
    page.wait_for_selector("#worklist-reviewed")
    assert "it is final" in page.inner_text("#worklist-reviewed")
    page.wait_for_selector("#worklist-none-awaiting")
    assert str(case.client_id) not in [r[0] for r in _rows(page)]  # decided: off the worklist
    assert page.input_value("#worklist-review-note") == ""  # cleared for the next one

    page.click("#worklist-reviewed a")  # to the client, where the letter now is
    page.wait_for_selector("#client-officer-history-table tbody tr")
    page.wait_for_selector("#client-officer-letter a")
    assert page.locator("#client-officer-status").count() == 0  # final: no note of a pending approval
    assert page.locator("#client-letter").count() == 0  # not "the letter follows the officer's decision"
    decided = page.inner_text("#client-officer-decided")
    assert decided.startswith("Referred to an officer, who decided on ")
    history = httpx.get(
        f"{product.api.url}{API}/clients/{case.client_id}/decisions", headers=headers, timeout=30
    )
    terms = history.json()["decisions"][0]["offer"]  # a referral accepted: the application as asked, recorded
    assert terms["amount"] == case.amount
    granted = offer_text.offer_sentence(terms, ENGLISH, currency()).rstrip(".")
    assert decided.endswith(f": Credit granted: {granted}. Approved by {SENIOR}.")  # and who approved it
    href = page.get_attribute("#client-officer-letter-pdf-en", "href")
    letter = page.request.get(product.dashboard.url + href, timeout=TIMEOUT_MS)
    assert letter.status == 200 and letter.body().startswith(b"%PDF")

    body = {"decision": "accept", "justification": NOTE}
    url = f"{product.api.url}{API}/clients/{other.client_id}/decisions"
    mine = httpx.post(url, json=body, headers=_token(product.api, SENIOR), timeout=30).json()
    assert mine["status"] == "awaiting-approval"  # a senior's own grant above the limits waits too
    page.goto(f"{product.dashboard.url}/worklist")
    page.wait_for_selector("#worklist-review:not([hidden])")
    assert [r[0] for r in _rows(page, "#worklist-awaiting-table")] == [str(other.client_id)]
    page.select_option("#worklist-review-decision", str(mine["id"]))
    page.fill("#worklist-review-note", APPROVAL)
    page.click("#worklist-approve")
    page.wait_for_selector("#worklist-review-result .alert-danger")
    assert "four eyes" in page.inner_text("#worklist-review-result")  # never one's own
    senior.settle()
    assert senior.errors == []

    admin = _token(product.api, ADMIN)
    hashed = product.hashed(case.client_id)
    found = {}
    for action in ("case-taken", "decision", "decision-approved"):
        params = {"action": action, "limit": 500}
        rows = httpx.get(f"{product.api.url}{API}/audit", params=params, headers=admin, timeout=30)
        found[action] = [(r["actor"], r["id"]) for r in rows.json()["rows"] if r["client_hash"] == hashed]
    ((taker, taken),) = found["case-taken"]
    ((decider, decided),) = found["decision"]
    ((approver, approved),) = found["decision-approved"]
    assert (taker, decider, approver) == (OFFICER, OFFICER, SENIOR)
    assert taken < decided < approved  # in the order they happened, in the hash chain
    assert verify(product.engine).ok
