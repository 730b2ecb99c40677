"""Load test of the scoring API on loopback: requests/s and latency percentiles per route, lost log rows.

Starts the API (`python -m api`, uvicorn, 2 workers; `devtools.servers`) on a free port against
$SCORING_HOME (default: the project; else the demo home that bench_train leaves in $SCORING_BENCH_DIR, when
either holds a promoted model), with the prediction log in a temporary SQLite file, waits until the
explanations are precomputed, then drives each route with wrk (one thread, one keep-alive connection per
concurrent user; see benchmarks/wrk.py) for a bounded time. The framework's ceiling is measured in the
same run, back to back with the product: a bare FastAPI app (`bare_app`: the same `/health` route, no
middleware, the same uvicorn settings and workers) before and after the product's `/health` and
stored-client score; the score's rate is printed as a share of the ceiling's mean (target >= 0.8, p99 <=
50 ms), with the load average of the machine and the CPU time the server's processes spent per request
(user + system, all threads, until the server is idle again: the background log and audit delivery
included, and printed apart from the workers' main threads), which a loaded machine disturbs much less than
the rates. At the end the server is stopped
gracefully and the logged scores are counted against the successful scoring responses.

Environment: BENCH_API_SECONDS (per phase, default 10), BENCH_API_WORKERS (default 2),
BENCH_API_CONCURRENCY (default 32), BENCH_API_LOAD_SECONDS (a final mixed 60 s load phase when set).
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fastapi import FastAPI

from api.schemas.scores import Health
from benchmarks.figures import Figure, record
from benchmarks.measure import process_tree, tree_background_cpu_seconds, tree_cpu_seconds
from benchmarks.settings import BenchSettings
from benchmarks.wrk import Req, WrkResult, run_wrk
from devtools.servers import (
    API,
    LOCALHOST,
    Service,
    clean_environment,
    free_port,
    start,
    start_api,
    wait_api_ready,
)
from devtools.workload import applications, client_ids, logged_scores
from scoring.home import DEMO_CLIENTS
from scoring.settings import get_paths

CEILING = "bare FastAPI GET /health (ceiling)"
HEALTH = "GET /health"
STORED = "GET /clients/{id}/score"
MIXED = "mixed (90% GET, 10% POST score)"
TARGET_SHARE = 0.8
TARGET_P99_MS = 50.0


def bare_app() -> FastAPI:
    """The framework's ceiling: FastAPI with the product's `/health` route alone, no middleware."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health", response_model=Health)
    async def health() -> Health:
        return Health()

    return app


def start_bare(log: Path, workers: int) -> Service:
    """`bare_app` under uvicorn as `python -m api` runs the product (workers, no access or proxy headers)."""
    port = free_port()
    args = ["benchmarks.bench_api:bare_app", "--factory", "--host", LOCALHOST, "--port", str(port)]
    args += ["--workers", str(workers), "--no-access-log", "--no-proxy-headers"]
    return start("uvicorn", args, clean_environment(), log, f"http://{LOCALHOST}:{port}")


@dataclass(frozen=True)
class PhaseCpu:
    """The server's CPU per request of a phase (µs, user + system): all its threads, and the threads other
    than the workers' main threads (the background delivery of the log rows and audit notes, the metrics)."""

    total: float
    background: float


def line(name: str, concurrency: int, result: WrkResult, cpu: PhaseCpu | None = None) -> str:
    spent = (
        "" if cpu is None else f"  CPU {cpu.total:5.0f} µs/req ({cpu.background:.0f} in background threads)"
    )
    return (
        f"{name:<42} c={concurrency:<3} {result.requests:>7} req {result.rate:>8.0f} req/s  "
        f"p50 {result.p50:6.2f} ms  p95 {result.p95:6.2f} ms  p99 {result.p99:6.2f} ms  "
        f"failed {result.failed}{spent}"
    )


def cpu_seconds(server: Service) -> float:
    """User + system CPU time so far of the server and its workers (every thread)."""
    return tree_cpu_seconds(server.process.pid)


def settled(server: Service, idle_share: float = 0.05, step: float = 0.5, limit: float = 60.0) -> float:
    """Wait until the server is idle (under `idle_share` of a core for `step` s: its log and audit rows
    delivered), at most `limit` s; its CPU seconds then."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(server)
    while time.monotonic() < deadline:
        time.sleep(step)
        now = cpu_seconds(server)
        if now - last < idle_share * step:
            return now
        last = now
    return last


def measured(
    server: Service, port: int, pool: list, concurrency: int, seconds: float
) -> tuple[WrkResult, PhaseCpu]:
    """One wrk phase and the server's CPU time per request, counted until the server is idle again: the
    delivery of the phase's log rows and audit notes after wrk stops is the phase's too, and the next phase
    starts on a quiet machine."""
    pid = server.process.pid
    before, background = cpu_seconds(server), tree_background_cpu_seconds(pid)
    result = run_wrk(port, pool, concurrency, seconds)
    total, background = settled(server) - before, tree_background_cpu_seconds(pid) - background
    per_request = 1e6 / max(result.requests, 1)
    return result, PhaseCpu(total * per_request, background * per_request)


def memory_mb(api: Service) -> tuple[float, float]:
    """RSS and PSS (MB) of the server and its workers (PSS shares the memory-mapped arrays fairly)."""
    rss = pss = 0.0
    for proc in process_tree(api.process.pid):
        info = proc.memory_full_info()
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def pools_of(home: Path) -> dict[str, list[tuple[float, list[Req]]]]:
    """Request pools per phase: health, stored-client score, posted application score, a 90/10 mix."""
    scores = [Req("GET", f"{API}/clients/{i}/score") for i in client_ids(home, 5000, 0)]
    posted = [Req("POST", f"{API}/score", json.dumps(a)) for a in applications(home, 500, 0)]
    return {
        HEALTH: [(1.0, [Req("GET", f"{API}/health")])],
        STORED: [(1.0, scores)],
        "POST /score": [(1.0, posted)],
        MIXED: [(0.9, scores), (0.1, posted)],
    }


def lookup_micros(home: Path, count: int = 20_000) -> tuple[float, float]:
    """In-process median and p99 (µs) of a client-store lookup: ID -> feature row and facts."""
    from scoring.serving.service import load_service

    paths = home / "models", home / "data" / "processed" / "features.parquet", home / "data" / "interim"
    service = load_service(*paths)
    ids = random.Random(1).choices(service.store.ids.tolist(), k=count)
    times = []
    for client_id in ids:
        started = time.perf_counter()
        row = service.store.row(client_id)
        np.array(service.store.matrix[row])
        service.facts_of(row)
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e6), float(np.percentile(times, 99) * 1e6)


def bench_home() -> Path | None:
    """The project's home when it holds a promoted model, else bench_train's demo home when that does."""
    demo = BenchSettings().bench_dir / f"train-{DEMO_CLIENTS}-42"
    for home in (get_paths().home, demo):
        if (home / "models" / "champion.json").exists():
            return home
    return None


def load_average() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def against_ceiling(
    bare: Service, server: Service, pools: dict, concurrency: int, seconds: float
) -> tuple[int, list[str], Figure]:
    """The ceiling, the product's /health and stored-client score, the ceiling again, back to back; the
    scores answered, the printed lines (with the ratios to the ceiling's mean and the verdict) and the
    benchmark page's row."""
    ceiling = [(1.0, [Req("GET", "/health")])]
    phases = [(CEILING, bare, ceiling), (HEALTH, server, pools[HEALTH]), (STORED, server, pools[STORED])]
    phases.append((CEILING + " again", bare, ceiling))
    lines, results, cpu = [f"same run, back to back, {load_average()}"], {}, {}
    for name, target, pool in phases:
        port = int(target.url.rsplit(":", 1)[1])
        results[name], cpu[name] = measured(target, port, pool, concurrency, seconds)
        lines.append(line(name, concurrency, results[name], cpu[name]))
    ceiling_rate = (results[CEILING].rate + results[CEILING + " again"].rate) / 2
    ceiling_cpu = (cpu[CEILING].total + cpu[CEILING + " again"].total) / 2
    score = results[STORED]
    share = score.rate / ceiling_rate if ceiling_rate else 0.0
    verdict = "OK" if share >= TARGET_SHARE and score.p99 <= TARGET_P99_MS else "BELOW TARGET"
    lines += [
        f"ceiling (mean of the two bare runs) {ceiling_rate:,.0f} req/s, CPU {ceiling_cpu:.0f} µs/req; "
        f"{load_average()}",
        f"{HEALTH} at c={concurrency}: {results[HEALTH].rate / ceiling_rate:.2f} x the ceiling "
        f"(CPU per request {cpu[HEALTH].total / ceiling_cpu:.2f} x)",
        f"{STORED} at c={concurrency}: {share:.2f} x the ceiling, p99 {score.p99:.1f} ms "
        f"(CPU per request {cpu[STORED].total / ceiling_cpu:.2f} x, of which background threads "
        f"{cpu[STORED].background / ceiling_cpu:.2f} x; "
        f"target >= {TARGET_SHARE} x and p99 <= {TARGET_P99_MS:.0f} ms: {verdict})",
    ]
    figure = Figure(
        "api.ceiling",
        f"API against the framework's ceiling, same run ({concurrency} users, back to back)",
        f"bare FastAPI `/health` {ceiling_rate:,.0f} req/s; product `/health` "
        f"{results[HEALTH].rate / ceiling_rate:.2f} ×; stored-client score {score.rate:,.0f} req/s = "
        f"{share:.2f} ×, p99 {score.p99:.1f} ms; CPU per request: `/health` "
        f"{cpu[HEALTH].total / ceiling_cpu:.2f} ×, score {cpu[STORED].total / ceiling_cpu:.2f} × the bare "
        f"app's ({cpu[STORED].background / ceiling_cpu:.2f} × in the background delivery and metrics)",
        f"≥ {TARGET_SHARE} × bare `/health`, p99 ≤ {TARGET_P99_MS:.0f} ms",
    )
    return score.succeeded, lines, figure


def main() -> None:
    home = bench_home()
    if home is None:
        print(
            f"bench_api: skipped, no promoted model in {get_paths().models} (run `make run` or `make train`)"
        )
        return
    bench = BenchSettings()
    seconds, workers, concurrency = bench.api_seconds, bench.api_workers, bench.api_concurrency
    load_seconds = bench.api_load_seconds
    median, p99 = lookup_micros(home)
    print(
        f"client store lookup (ID -> features + facts), in process: median {median:.1f} µs, p99 {p99:.1f} µs"
    )
    figures = [
        Figure("api.lookup", "API client-store lookup", f"median {median:.1f} µs, p99 {p99:.1f} µs", "≤ 2 ms")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'predictions.db'}"
        started = time.monotonic()
        server = start_api(home, Path(tmp) / "api.log", database_url, workers=workers)
        bare = start_bare(Path(tmp) / "bare.log", workers)
        port = int(server.url.rsplit(":", 1)[1])
        try:
            wait_api_ready(server, timeout=300, explanations=False)  # a loaded machine starts slowly
            ready_s = time.monotonic() - started
            body = wait_api_ready(server, timeout=1800)
            bare.wait("/health", timeout=60)
            print(
                f"API on {body['clients']:,} clients, model {body['model_version']}, {workers} workers: "
                f"ready in {ready_s:.1f} s, explanations precomputed after {time.monotonic() - started:.1f} s"
            )
            figures.append(
                Figure(
                    "api.startup",
                    f"API start-up to ready ({body['clients']:,} clients, {workers} workers)",
                    f"{ready_s:.1f} s (explanations precomputed after {time.monotonic() - started:.1f} s)",
                    "≤ 10 s",
                )
            )
            pools = pools_of(home)
            scored, lines, ceiling = against_ceiling(bare, server, pools, concurrency, seconds)
            print("\n".join(lines))
            figures.append(ceiling)
            results = {}
            for name, users in [("POST /score", concurrency), (STORED, 1), ("POST /score", 1)]:
                results[name, users] = result = run_wrk(port, pools[name], users, seconds)
                scored += result.succeeded
                print(line(name + (" sequential" if users == 1 else ""), users, result))
            figures += request_figures(results, concurrency)
            if load_seconds:
                result = run_wrk(port, pools[MIXED], concurrency, load_seconds)
                scored += result.succeeded
                print(line(f"{MIXED} {load_seconds:.0f} s", concurrency, result))
            rss, pss = memory_mb(server)
            print(f"memory of the API processes: RSS {rss:,.0f} MB, PSS {pss:,.0f} MB (mapped arrays shared)")
            memory = f"PSS {pss / 1024:.2f} GB (RSS {rss / 1024:.2f} GB), {body['clients']:,} clients"
            figures.append(Figure("api.memory", f"API memory (master + {workers} workers)", memory, "≤ 3 GB"))
        finally:
            bare.stop(timeout=30)
            server.stop(timeout=60)
        logged = logged_scores(database_url)
        print(
            f"prediction log: {logged:,} rows for {scored:,} scores answered 200 -> "
            f"{max(scored - logged, 0):,} lost (wrk drops the requests in flight when a phase ends, "
            "so the server may log a few more rows)"
        )
    record("bench_api", figures)


def request_figures(results: dict, concurrency: int) -> list[Figure]:
    """The page's rows of live explanations under load and of sequential requests."""
    post, get_one, post_one = (
        results["POST /score", concurrency],
        results[STORED, 1],
        results["POST /score", 1],
    )
    return [
        Figure(
            "api.post",
            f"API `POST /score` (live SHAP), c={concurrency}",
            f"{post.rate:,.0f} req/s, p99 {post.p99:.1f} ms",
            "≥ 200 req/s",
        ),
        Figure(
            "api.sequential",
            "API one request at a time: stored-client score / `POST /score`",
            f"p50 {get_one.p50:.2f} ms, p95 {get_one.p95:.2f} ms / p50 {post_one.p50:.2f} ms",
            "≤ 1 ms (stored client)",
        ),
    ]


if __name__ == "__main__":
    main()
