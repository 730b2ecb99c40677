"""The Model page in a real browser: from navigation to every figure drawn, and the bytes of its first paint.

Starts the API and the dashboard (`devtools.servers`) on free loopback ports against $SCORING_HOME (default:
the project, e.g. after `make run`), waits until the model is loaded, then in headless Chromium opens /model
once to warm the scripts and times BENCH_MODEL_PAGE_RUNS navigations to /model until every figure (cost
curve, importance, reason codes, SHAP summary, dependence, confusion, ROC, calibration) is drawn
and the fairness table (and the button showing the scorecard points) are on screen. Prints the p50 and the
slowest, the load average beside them (the machine may be shared), and the bytes of first paint: the API
answers the page's callbacks ask for (the same requests, sent again here) and what the browser received from
the dashboard's callbacks. Targets: <= 2 s p50, <= 300 KB of API payloads.

Where the browser's time goes, whatever the load: the main-thread milliseconds each figure's first draw took
(`Plotly.react`, timed by a script the page runs first) and the long tasks (> 50 ms) until every figure was
drawn, medians over the visits.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from devtools.browser import cannot_browse, chromium
from devtools.servers import start_api, start_dashboard, wait_api_ready
from devtools.workload import MODEL_PAGE_BUDGET_BYTES, MODEL_PAGE_FIRST_PAINT
from scoring.settings import get_paths

API_KEY = "bench-model-page-key-0123456789"
TARGET_SECONDS = 2.0
GRAPHS = ("cost", "importance", "codes", "beeswarm", "dependence", "confusion", "roc", "calibration")
TABLES = ("#model-points-show", "#model-fairness tbody tr")  # the points table itself is on demand
SHOWN = [f"#model-{graph}-graph .main-svg" for graph in GRAPHS] + list(TABLES)
ALL_SHOWN = f"() => {SHOWN!r}.every(s => document.querySelector(s))"  # polled at each frame
TIMING = """(() => {
  window.modelDraws = {}; window.modelLongTasks = [];
  new PerformanceObserver(list => list.getEntries().forEach(e => window.modelLongTasks.push(e.duration)))
    .observe({type: 'longtask'});
  const timed = plotly => {
    const react = plotly.react;
    plotly.react = function (gd, ...rest) {
      const started = performance.now(), drawn = react.call(this, gd, ...rest);
      const host = gd.closest && gd.closest('[id]');
      if (host && !(host.id in window.modelDraws)) window.modelDraws[host.id] = performance.now() - started;
      return drawn;
    };
  };
  let plotly;
  const set = p => { plotly = p; timed(p); };
  Object.defineProperty(window, 'Plotly', {configurable: true, get: () => plotly, set});
})()"""  # Plotly's main-thread time per figure's first draw, and the long tasks, from navigation on


def api_bytes(api_url: str) -> dict[str, int]:
    """Bytes of each API answer of the page's first paint."""
    with httpx.Client(base_url=f"{api_url}/api/v1", headers={"X-API-Key": API_KEY}, timeout=60) as api:
        return {path: len(api.get(path, params=params).content) for path, params in MODEL_PAGE_FIRST_PAINT}


@dataclass
class Visit:
    """One navigation to /model: seconds until everything is shown, bytes from the dashboard's callbacks,
    milliseconds of each figure's first draw and of the long tasks meanwhile."""

    seconds: float
    received: int
    draws: dict[str, float]
    long_tasks: list[float]


def open_model_page(page: object, url: str, timeout_ms: float = 60_000) -> Visit:
    """Navigate to /model and wait until every figure and table is on screen (one check of them all at each
    frame: waiting for them one by one would add a round trip to the browser per selector)."""
    from playwright.sync_api import Error as PlaywrightError  # installed with the browser (devtools.browser)

    received: list[int] = []

    def count(response: object) -> None:
        if "_dash-update-component" in response.url:
            with contextlib.suppress(PlaywrightError):  # answered after the next navigation began
                received.append(len(response.body()))

    page.on("response", count)
    started = time.perf_counter()
    page.goto(url + "/model")
    page.wait_for_function(ALL_SHOWN, timeout=timeout_ms)
    seconds = time.perf_counter() - started
    page.remove_listener("response", count)
    draws, long_tasks = page.evaluate("[window.modelDraws, window.modelLongTasks]")
    return Visit(seconds, sum(received), draws, long_tasks)


def time_page(dashboard_url: str, runs: int) -> list[Visit]:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(TIMING)
        open_model_page(page, dashboard_url)  # warm: scripts and the API's first computations
        return [open_model_page(page, dashboard_url) for _ in range(runs)]


def draw_times(runs: list[Visit]) -> str:
    """Median milliseconds of each figure's first draw, their total, and the long tasks'."""
    per_graph = {g: float(np.median([r.draws.get(f"model-{g}-graph", np.nan) for r in runs])) for g in GRAPHS}
    total = float(np.median([sum(r.draws.values()) for r in runs]))
    long_tasks = float(np.median([sum(r.long_tasks) for r in runs]))
    parts = ", ".join(f"{graph} {ms:.0f}" for graph, ms in per_graph.items())
    return f"Plotly first draws {total:.0f} ms ({parts}); long tasks {long_tasks:.0f} ms in all"


def main() -> None:
    paths = get_paths()
    home = paths.home
    reason = cannot_browse(home, paths.champion)
    if reason:
        print(f"skipped: {reason}")
        return
    bench = BenchSettings()
    with tempfile.TemporaryDirectory(prefix="bench-model-page-") as tmp:
        logs = Path(tmp)
        api = start_api(home, logs / "api.log", f"sqlite:///{logs / 'predictions.db'}", api_key=API_KEY)
        dashboard = start_dashboard(api.url, logs / "dashboard.log", API_KEY, timeout=60.0)
        try:
            wait_api_ready(api, bench.dashboard_ready_seconds, explanations=False)
            dashboard.wait("/", 60)
            clients = httpx.get(f"{api.url}/api/v1/ready", timeout=10).json()["clients"]
            sizes = api_bytes(api.url)
            runs = time_page(dashboard.url, bench.model_page_runs)
        finally:
            dashboard.stop()
            api.stop()
    seconds = np.array([r.seconds for r in runs])
    browser_bytes = int(np.median([r.received for r in runs]))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    total = sum(sizes.values())
    print(f"home {home}: {clients:,} stored clients; /model opened {len(runs)} times in Chromium")
    verdict = "OK" if np.median(seconds) <= TARGET_SECONDS else "ABOVE TARGET"
    print(
        f"navigation -> every figure drawn: p50 {np.median(seconds) * 1000:.0f} ms, max "
        f"{seconds.max() * 1000:.0f} ms (target <= {TARGET_SECONDS * 1000:.0f} ms: {verdict}); load average "
        f"{load} on {os.cpu_count()} cores"
    )
    parts = ", ".join(f"{path} {size / 1000:.1f}" for path, size in sizes.items())
    verdict = "OK" if total <= MODEL_PAGE_BUDGET_BYTES else "ABOVE TARGET"
    print(
        f"first paint: API payloads {total / 1000:.1f} KB ({parts}; "
        f"target <= {MODEL_PAGE_BUDGET_BYTES / 1000:.0f} KB: "
        f"{verdict}); the browser received {browser_bytes / 1000:.1f} KB from the dashboard's callbacks"
    )
    draws = draw_times(runs)
    print(f"main thread, medians per visit: {draws}")
    step = f"dashboard, Model page ({clients:,} clients: navigation → every figure drawn, {len(runs)} visits)"
    measured = (
        f"p50 {np.median(seconds):.2f} s (max {seconds.max():.2f} s); API payloads at first paint "
        f"{total / 1000:.0f} KB, callbacks {browser_bytes / 1000:.0f} KB; {draws}"
    )
    target = f"≤ {TARGET_SECONDS:g} s, ≤ {MODEL_PAGE_BUDGET_BYTES / 1000:.0f} KB"
    record("bench_model_page", [Figure("model_page.demo", step, measured, target)])


if __name__ == "__main__":
    main()
