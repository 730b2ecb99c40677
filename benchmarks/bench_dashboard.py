"""Dashboard speed in a real browser: from submitting a client ID to the decision and explanation rendered.

Starts the API and the dashboard (`python -m api`, `python -m dashboard`; `devtools.servers`) on free
loopback ports against $SCORING_HOME (default: the project, e.g. after `make run`), waits until the API has
precomputed the stored clients' explanations, then in headless Chromium types each client ID into the
Client decision page's search box, presses Enter and times until the decision, the SHAP waterfall and the
reasons are on screen. Targets: p50 <= 300 ms at full scale, <= 200 ms on the demo home (30,000 clients).
The same lookup is also timed on Chromium's own clock, split into stages: Enter to the decision's callback
sent, its round trip (to the answer's first byte, then its transfer), the answer to the decision in the
page, and to the next frame painted.

Beside the times it prints what a lookup costs: the dashboard callbacks (`/_dash-update-component` round
trips, with the bytes sent and received) before the first paint and after it (offer, officer's form and
decision history, until the page is quiet), and the API calls the dashboard made (counted in its log, where
each call is one line `GET /api/v1/clients/{id}/score 200`), with the load average (the machine may be
shared).

Environment: BENCH_DASHBOARD_CLIENTS (clients timed, default 20), BENCH_DASHBOARD_READY_SECONDS (how long
to wait for the API to load and precompute, default 1800).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from devtools.browser import cannot_browse, chromium
from devtools.servers import start_api, start_dashboard, wait_api_ready
from scoring.settings import get_paths

API_KEY = "bench-dashboard-key-0123456789"
TARGET_SECONDS = 0.3  # full scale; the demo home's target is DEMO_TARGET_SECONDS
DEMO_TARGET_SECONDS = 0.2
DEMO_CLIENTS = 50_000  # a home of at most this many stored clients is held to the demo target
CALLBACK = "/_dash-update-component"
API_CALL = re.compile(r"\b(GET|POST) (/api/v1/\S+) \d{3}\b")
QUIET_SECONDS = 0.5  # no callback in flight for this long: the page has settled
SETTLE_SECONDS = 15.0
WATERFALL = "#client-waterfall-graph .hbars-row"  # a step of the waterfall drawn
REASONS = "#client-reasons"
# Chromium's own clock (ms since the epoch): the Enter key's event, the moment the decision, the waterfall
# and the reasons are all in the page, and the next frame after it (painted).
WATCH = """([clientId, selectors]) => {
  const marks = window.__lookup = {};
  const now = () => performance.timeOrigin + performance.now();
  document.getElementById("client-search").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && marks.enter === undefined) {
      marks.enter = performance.timeOrigin + event.timeStamp;
    }
  });
  const shown = () => (document.getElementById("client-heading")?.textContent || "").includes(clientId)
    && selectors.every((s) => document.querySelector(s));
  const observer = new MutationObserver(() => {
    if (marks.dom === undefined && shown()) {
      marks.dom = now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { marks.painted = now(); }, 0));
    }
  });
  observer.observe(document.body, {childList: true, subtree: true});
}"""
PAINTED = "() => window.__lookup.painted !== undefined"
STAGES = (
    ("Enter -> the decision's callback sent", "enter", "sent"),
    ("its round trip (dashboard + API + transfer)", "sent", "arrived"),
    ("  of which to its answer's first byte (the dashboard and the API at work)", "sent", "first_byte"),
    ("  and the answer's transfer", "first_byte", "arrived"),
    ("answer -> decision, waterfall, reasons in the page", "arrived", "dom"),
    ("-> the next frame painted", "dom", "painted"),
    ("Enter -> painted (in all)", "enter", "painted"),
)


@dataclass
class Trip:
    """One callback request: what it updates, the bytes sent and received, whether it was sent before the
    decision arrived, and when it was sent (ms since the epoch)."""

    outputs: str
    sent: int
    received: int
    to_decision: bool
    start: float = 0.0


@dataclass
class Lookup:
    """One client looked up: seconds to the first paint, its callbacks and the API calls behind them, and
    the moments of Chromium's own clock (`WATCH`, plus when the decision's callback was sent and answered)."""

    seconds: float
    trips: list[Trip] = field(default_factory=list)
    api_calls: list[str] = field(default_factory=list)
    moments: dict[str, float] = field(default_factory=dict)

    def sent_before_paint(self) -> int:
        """Callbacks of after the decision (offer, drill-down, officer) sent before its frame was painted."""
        painted = self.moments.get("painted", np.inf)
        return sum(1 for t in self.trips if not t.to_decision and t.start < painted)

    def stage(self, start: str, end: str) -> float:
        """Milliseconds from one moment to another (NaN when one is missing)."""
        return self.moments.get(end, np.nan) - self.moments.get(start, np.nan)

    def count(self, before: bool) -> tuple[int, int]:
        """Round trips and bytes (sent + received) until the decision arrived (`before`) or after it."""
        chosen = [t for t in self.trips if t.to_decision == before]
        return len(chosen), sum(t.sent + t.received for t in chosen)


def client_ids(api_url: str, count: int) -> list[int]:
    """The three example clients, then the first client of successive 3-digit ID prefixes."""
    headers = {"X-API-Key": API_KEY}
    with httpx.Client(base_url=f"{api_url}/api/v1", headers=headers, timeout=30) as api:
        ids = [e["client_id"] for e in api.get("/analytics/examples").json()["examples"]]
        for prefix in range(100, 1000):
            if len(ids) >= count:
                break
            ids += api.get("/clients", params={"prefix": str(prefix), "limit": 1}).json()["ids"]
    return list(dict.fromkeys(ids))[:count]


def _outputs(request: object) -> str:
    try:
        return str(json.loads(request.post_data or "{}").get("output", "?"))
    except ValueError:
        return "?"


def _body(request: object) -> bytes:
    response = request.response()
    return response.body() if response else b""


def _ended(request: object) -> float:
    """When the answer to `request` had arrived (ms since the epoch, as its `startTime`)."""
    return request.timing["startTime"] + request.timing["responseEnd"]


def look_up(page: object, base_url: str, client_id: int, log: Path, timeout_ms: float = 30_000) -> Lookup:
    """Submit `client_id` in the search box of the Client decision page: seconds until its decision,
    waterfall and reasons are on screen; then every callback from Enter until the page is quiet, split at
    the answer that brought the decision (those sent before it arrived are the decision's; the others come
    after), and the API calls the dashboard made meanwhile."""
    page.goto(base_url + "/")
    page.wait_for_selector("#client-search")
    sent: list[object] = []
    finished: list[object] = []

    def on_request(request: object) -> None:
        if CALLBACK in request.url:
            sent.append(request)

    def on_done(request: object) -> None:
        if request in sent:
            finished.append(request)

    page.on("request", on_request)
    page.on("requestfinished", on_done)
    page.on("requestfailed", on_done)
    page.fill("#client-search", str(client_id))
    settle(page, lambda: len(finished) < len(sent))  # the suggestions while typing are not the lookup's
    sent.clear()
    finished.clear()
    offset = log.stat().st_size
    page.evaluate(WATCH, [f"Client {client_id}", [WATERFALL, REASONS]])
    started = time.perf_counter()
    page.press("#client-search", "Enter")
    page.wait_for_function(PAINTED, polling="raf", timeout=timeout_ms)  # one wait: few driver round trips
    lookup = Lookup(time.perf_counter() - started)
    lookup.moments = page.evaluate("() => window.__lookup")
    settle(page, lambda: len(finished) < len(sent))
    page.remove_listener("request", on_request)
    page.remove_listener("requestfinished", on_done)
    page.remove_listener("requestfailed", on_done)
    bodies = {request: _body(request) for request in finished}
    decision = [r for r, body in bodies.items() if b'"client-heading"' in body]
    arrived = min(_ended(r) for r in decision) if decision else float("inf")
    if decision:
        first = min(decision, key=_ended)
        start = first.timing["startTime"]
        first_byte = start + first.timing["responseStart"]
        lookup.moments |= {"sent": start, "first_byte": first_byte, "arrived": _ended(first)}
    for request, body in bodies.items():
        size = len(request.post_data_buffer or b"")
        start = request.timing["startTime"]
        lookup.trips.append(Trip(_outputs(request), size, len(body), start < arrived, start))
    with log.open(errors="replace") as handle:
        handle.seek(offset)
        lookup.api_calls = [m.group(1) + " " + m.group(2) for m in API_CALL.finditer(handle.read())]
    return lookup


def settle(page: object, busy: Callable[[], bool]) -> None:
    """Wait until no callback has been in flight (`busy`) for QUIET_SECONDS (at most SETTLE_SECONDS)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)
        if busy():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_SECONDS:
            return


def time_clients(dashboard_url: str, ids: list[int], log: Path) -> list[Lookup]:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        look_up(page, dashboard_url, ids[0], log)  # warm: scripts and the first figures
        return [look_up(page, dashboard_url, client_id, log) for client_id in ids]


def report(lookups: list[Lookup]) -> None:
    """The round trips, bytes and API calls of a lookup (medians), and those of the first one by name."""
    for before, when in ((True, "Enter -> the decision's answer"), (False, "after it (offer, officer)")):
        counts = np.array([lookup.count(before) for lookup in lookups])
        trips, size = np.median(counts, axis=0)
        print(f"{when}: {trips:.0f} callback round trips, {size / 1000:.1f} KB (sent + received; median)")
    early = np.median([lookup.sent_before_paint() for lookup in lookups])
    print(f"callbacks after the decision sent before its frame was painted: median {early:.0f}")
    print("Chromium's own clock, medians (ms):")
    for name, start, end in STAGES:
        print(f"  {name}: {np.nanmedian([lookup.stage(start, end) for lookup in lookups]):.0f}")
    calls = np.median([len(lookup.api_calls) for lookup in lookups])
    print(f"API calls the dashboard made per lookup (until the page is quiet): median {calls:.0f}")
    first = lookups[0]
    for trip in first.trips:
        moment = "to the decision" if trip.to_decision else "after it       "
        sizes = f"{trip.sent / 1000:6.1f} KB sent {trip.received / 1000:6.1f} KB received"
        print(f"  {moment} {sizes}  {trip.outputs}")
    for call, times in Counter(first.api_calls).items():
        print(f"  API {call} x{times}")


def main() -> None:
    paths = get_paths()
    home = paths.home
    reason = cannot_browse(home, paths.champion)
    if reason:
        print(f"skipped: {reason}")
        return
    bench = BenchSettings()
    count, ready = bench.dashboard_clients, bench.dashboard_ready_seconds
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        logs = Path(tmp)
        api = start_api(home, logs / "api.log", f"sqlite:///{logs / 'predictions.db'}", api_key=API_KEY)
        dashboard = start_dashboard(api.url, logs / "dashboard.log", API_KEY)
        try:
            wait_api_ready(api, ready)
            dashboard.wait("/", 60)
            clients = httpx.get(f"{api.url}/api/v1/ready", timeout=10).json()["clients"]
            ids = client_ids(api.url, count)
            lookups = time_clients(dashboard.url, ids, dashboard.log)
        finally:
            dashboard.stop()
            api.stop()
    seconds = np.array([lookup.seconds for lookup in lookups])
    p50, p95 = np.percentile(seconds, [50, 95])
    target = DEMO_TARGET_SECONDS if clients <= DEMO_CLIENTS else TARGET_SECONDS
    verdict = "OK" if p50 <= target else "ABOVE TARGET"
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"home {home}: {clients:,} stored clients; {len(seconds)} client IDs submitted in Chromium")
    print(
        f"submit -> decision + explanation rendered: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {seconds.max() * 1000:.0f} ms (target p50 <= {target * 1000:.0f} ms: {verdict}); load average "
        f"{load} on {os.cpu_count()} cores"
    )
    in_page = np.array([lookup.stage("enter", "painted") for lookup in lookups])
    page50, page95 = np.nanpercentile(in_page, [50, 95])
    print(
        f"the same on Chromium's own clock (the Enter key's event -> the next frame painted, without the "
        f"driver's round trips): p50 {page50:.0f} ms, p95 {page95:.0f} ms"
    )
    report(lookups)
    scale = "demo" if clients <= DEMO_CLIENTS else "full"
    figure = Figure(
        f"dashboard.{scale}",
        f"dashboard, client ID → decision and explanation ({clients:,} clients, {len(seconds)} lookups)",
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (Chromium's clock, Enter → painted: p50 "
        f"{page50:.0f} ms, p95 {page95:.0f} ms)",
        f"p50 ≤ {target * 1000:.0f} ms",
    )
    record("bench_dashboard", [figure])


if __name__ == "__main__":
    main()
