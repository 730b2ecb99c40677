"""The issue's reflected XSS and its relatives, driven in headless Chromium: script payloads in a drift report
name, a client ID, the search box and a report's own HTML run nothing in the dashboard's origin; every
response carries the security headers; the logs hold no client ID."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.dashboard.conftest import API_KEY, Stack, Visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(document.domain)">'
EVIL_REPORT = """<!DOCTYPE html><html lang="en"><title>evil</title><body><p id="evil">not run</p><script>
document.getElementById("evil").textContent = "script ran";
try { window.parent.__xss = 1; window.parent.document.title = "pwned"; } catch (e) {}
try { document.cookie = "stolen=1"; localStorage.setItem("stolen", "1"); } catch (e) {}
</script></body></html>"""


class Watched:
    """A page whose dialogs are counted (the issue's payload called alert)."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.page = visit.page
        self.dialogs: list[str] = []

        def dismiss(dialog: object) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", dismiss)

    def assert_nothing_ran(self) -> None:
        self.page.wait_for_timeout(300)  # let an onerror handler fire if one was planted
        for frame in self.page.frames:
            if frame.url.startswith(self.visit.base_url) and "/drift-report/" not in frame.url:
                assert frame.evaluate("() => window.__xss") is None, frame.url
        assert self.dialogs == []
        assert self.page.title() != "pwned"


@pytest.fixture
def watched(visit: Visit) -> Watched:
    return Watched(visit)


@pytest.fixture
def evil_reports(stack: Stack) -> Iterator[list[str]]:
    """Two more entries in the drift index: one named with the payload, one whose HTML carries a script."""
    drift = stack.home / "reports" / "drift"
    index_path = drift / "index.json"
    original = index_path.read_text()
    first = json.loads(original)[0]
    (drift / "evil").mkdir(exist_ok=True)
    (drift / "evil" / "report.html").write_text(EVIL_REPORT)
    entries = [
        {**first, "name": PAYLOAD},
        {**first, "name": "evil", "html_path": "evil/report.html"},
    ]
    index_path.write_text(json.dumps([*json.loads(original), *entries]))
    try:
        yield [e["name"] for e in entries]
    finally:
        index_path.write_text(original)


def test_a_payload_in_the_drift_report_url_runs_nothing(watched: Watched) -> None:
    page = watched.page
    response = page.goto(f"{watched.visit.base_url}/drift-report/{quote(PAYLOAD, safe='')}")
    assert response.status == 404
    assert "onerror" not in response.text() and "<img" not in response.text()
    assert response.headers["content-security-policy"].startswith("sandbox allow-scripts;")
    watched.assert_nothing_ran()


def test_payloads_in_a_client_id_and_the_search_box_run_nothing(watched: Watched) -> None:
    page = watched.visit.goto(f"/client/{quote(PAYLOAD, safe='')}")
    page.wait_for_selector("#client-unknown")
    assert "is not a client ID" in page.inner_text("#client-unknown")
    watched.assert_nothing_ran()
    page = watched.visit.goto("/")
    page.fill("#client-search", PAYLOAD)  # typed: the suggestions search runs with it
    page.press("#client-search", "Enter")
    page.wait_for_selector("#client-search-message:has-text('digits only')")
    watched.visit.settle()
    watched.assert_nothing_ran()
    assert watched.visit.errors == []


def test_report_names_and_report_scripts_stay_out_of_the_dashboard(
    watched: Watched, evil_reports: list[str]
) -> None:
    page = watched.visit.goto("/drift")
    page.wait_for_selector("#drift-facts")
    options = page.locator("#drift-report option")
    assert PAYLOAD in [options.nth(i).get_attribute("value") for i in range(options.count())]
    page.select_option("#drift-report", PAYLOAD)  # a report named with the payload: shown as text
    page.wait_for_selector("iframe.drift-frame")
    watched.visit.settle()
    watched.assert_nothing_ran()
    page.select_option("#drift-report", "evil")  # a report whose HTML runs a script
    frame = page.locator("iframe.drift-frame")
    assert frame.get_attribute("sandbox") == "allow-scripts"
    page.frame_locator("iframe.drift-frame").locator("#evil:has-text('script ran')").wait_for()
    watched.assert_nothing_ran()  # it ran, sandboxed: nothing reached the dashboard
    cookies = page.evaluate("() => document.cookie")
    assert "stolen" not in cookies and page.evaluate("() => localStorage.getItem('stolen')") is None


def test_the_real_report_still_renders_in_its_sandbox(visit: Visit) -> None:
    page = visit.goto("/drift")
    page.wait_for_selector("iframe.drift-frame")
    report = page.frame_locator("iframe.drift-frame")
    report.locator("text=Dataset Drift").first.wait_for()  # drawn by the report's own scripts
    assert visit.errors == []


def _assert_headers(response: httpx.Response) -> None:
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "http" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_security_headers_on_dashboard_and_api(stack: Stack) -> None:
    dashboard = stack.dashboard.url
    for path in ("/", "/drift", "/_dash-layout", "/_dash-dependencies", "/vendor/bootstrap.min.css"):
        response = httpx.get(dashboard + path, timeout=10)
        assert response.status_code == 200, path
        _assert_headers(response)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("style-src")[0]
    report = httpx.get(dashboard + "/drift-report/nope", timeout=10)
    _assert_headers(report)
    assert report.headers["content-security-policy"].startswith("sandbox allow-scripts;")
    for path, headers in (("/api/v1/health", {}), ("/api/v1/model", {"X-API-Key": API_KEY})):
        _assert_headers(httpx.get(stack.api.url + path, headers=headers, timeout=10))


def test_no_client_id_in_the_logs(visit: Visit, stack: Stack) -> None:
    examples = httpx.get(
        f"{stack.api.url}/api/v1/analytics/examples", headers={"X-API-Key": API_KEY}, timeout=10
    ).json()["examples"]
    client_id = examples[0]["client_id"]
    page = visit.goto(f"/client/{client_id}")
    page.wait_for_selector("#client-reasons")
    logs = {server.log.name: Path(server.log).read_text() for server in (stack.api, stack.dashboard)}
    assert "GET /api/v1/clients/{id}/score 200" in logs[stack.dashboard.log.name]  # the calls are logged...
    for text in logs.values():
        for example in examples:
            assert str(example["client_id"]) not in text  # ...without the IDs
