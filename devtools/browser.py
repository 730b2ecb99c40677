"""Headless Debian Chromium driven by Playwright (nothing is downloaded), and axe-core for accessibility."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.settings import ToolSettings

CHROMIUM = ToolSettings().chromium
AXE = ToolSettings().axe_core_js
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing_tools() -> str | None:
    """Why the browser cannot run here (None when it can)."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (make setup-test installs Debian's chromium)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (make setup-test installs it with npm)"
    return None


def cannot_browse(home: Path, champion: Path) -> str | None:
    """Why a browser benchmark cannot run on a home (None when it can): no browser, or no promoted model."""
    reason = missing_tools()
    if reason is None and not champion.exists():
        reason = f"no promoted model in {home / 'models'} (run `make run` first)"
    return reason


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium (Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_client(page: object, base_url: str, client_id: int, timeout_ms: float = 30_000) -> float:
    """Seconds from submitting a client ID in the search box to its decision and explanation shown."""
    page.goto(base_url + "/")
    page.wait_for_selector("#client-search")
    page.fill("#client-search", str(client_id))
    started = time.perf_counter()
    page.press("#client-search", "Enter")
    page.wait_for_selector(f"#client-heading:text('Client {client_id}')", timeout=timeout_ms)
    page.wait_for_selector("#client-waterfall-graph .hbars-row", timeout=timeout_ms)
    page.wait_for_selector("#client-reasons", timeout=timeout_ms)
    return time.perf_counter() - started
