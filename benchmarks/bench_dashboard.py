"""Dashboard speed in a real browser: from submitting a client ID to the decision and explanation rendered.

Starts the API and the dashboard (`python -m api`, `python -m dashboard`; `devtools.servers`) on free
loopback ports against $SCORING_HOME (default: the project, e.g. after `make run`), waits until the API has
precomputed the stored clients' explanations, then in headless Chromium types each client ID into the
Client decision page's search box, presses Enter and times until the decision, the SHAP waterfall and the
reasons are on screen. Target: <= 1 s.

Environment: BENCH_DASHBOARD_CLIENTS (clients timed, default 20), BENCH_DASHBOARD_READY_SECONDS (how long
to wait for the API to load and precompute, default 1800).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import numpy as np

from benchmarks.settings import BenchSettings
from devtools.browser import cannot_browse, chromium, open_client
from devtools.servers import start_api, start_dashboard, wait_api_ready
from scoring.settings import get_paths

API_KEY = "bench-dashboard-key-0123456789"

TARGET_SECONDS = 1.0


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


def time_clients(dashboard_url: str, ids: list[int]) -> list[float]:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_client(page, dashboard_url, ids[0])  # warm: scripts and the first figures
        return [open_client(page, dashboard_url, client_id) for client_id in ids]


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
            seconds = np.array(time_clients(dashboard.url, ids))
        finally:
            dashboard.stop()
            api.stop()
    p50, p95 = np.percentile(seconds, [50, 95])
    verdict = "OK" if p95 <= TARGET_SECONDS else "ABOVE TARGET"
    print(f"home {home}: {clients:,} stored clients; {len(seconds)} client IDs submitted in Chromium")
    print(
        f"submit -> decision + explanation rendered: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {seconds.max() * 1000:.0f} ms (target <= {TARGET_SECONDS * 1000:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
