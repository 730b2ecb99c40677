"""Load test of the scoring API on loopback: requests/s and latency percentiles per route, lost log rows.

Starts `scoring api` (uvicorn, 2 workers) on a free port against $SCORING_HOME (default: the project; else the
demo home that bench_train leaves in $SCORING_BENCH_DIR, when either holds a promoted model), with
the prediction log in a temporary SQLite file, waits until the explanations are precomputed, then drives
each route with wrk (one thread, one keep-alive connection per concurrent user; see benchmarks/wrk.py) for a
bounded time. /health is measured in the same run as the framework's ceiling. At the end the server is
stopped gracefully and the logged scores are counted against the successful scoring responses.

Environment: BENCH_API_SECONDS (per phase, default 10), BENCH_API_WORKERS (default 2),
BENCH_API_CONCURRENCY (default 32), BENCH_API_LOAD_SECONDS (a final mixed 60 s load phase when set).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import psutil
from sqlalchemy import create_engine, func, select

from benchmarks.wrk import Req, WrkResult, run_wrk
from scoring.config import DEMO_CLIENTS, get_paths
from scoring.serving.prediction_log import predictions

API = "/api/v1"


def line(name: str, concurrency: int, result: WrkResult) -> str:
    return (
        f"{name:<34} c={concurrency:<3} {result.requests:>7} req {result.rate:>8.0f} req/s  "
        f"p50 {result.p50:6.2f} ms  p95 {result.p95:6.2f} ms  p99 {result.p99:6.2f} ms  "
        f"failed {result.failed}"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`scoring api` in a subprocess, stopped gracefully (SIGINT) so the prediction log is flushed."""

    def __init__(self, home: Path, database: Path, workers: int, api_key: str | None = None) -> None:
        self.port = free_port()
        self.database_url = f"sqlite:///{database}"
        env = {**os.environ, "SCORING_HOME": str(home), "SCORING_DATABASE_URL": self.database_url}
        env.pop("DATABASE_URL", None)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if api_key:
            env["SCORING_API_KEY"] = api_key
        command = [
            sys.executable,
            "-c",
            "from scoring.cli import app; app()",
            "api",
            "--port",
            str(self.port),
        ]
        command += ["--workers", str(workers), "--no-access-log"]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server process
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float, explanations: bool = True) -> dict:
        """Wait for /ready (and the precomputed explanations); return its body."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API exited early:\n{self.output()}")
            body = self._ready()
            if (
                body
                and body.get("status") == "ready"
                and (not explanations or body.get("explanations") == "ready")
            ):
                return body
            time.sleep(0.5)
        raise TimeoutError(f"the API was not ready within {timeout:.0f} s:\n{self.output()}")

    def _ready(self) -> dict | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
                conn.sendall(f"GET {API}/ready HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            return json.loads(data.split(b"\r\n\r\n", 1)[1])
        except (OSError, ValueError, IndexError):
            return None

    def memory_mb(self) -> tuple[float, float]:
        """RSS and PSS (MB) of the server and its workers (PSS shares the memory-mapped arrays fairly)."""
        rss = pss = 0.0
        for proc in [
            psutil.Process(self.process.pid),
            *psutil.Process(self.process.pid).children(recursive=True),
        ]:
            info = proc.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        return rss / 2**20, pss / 2**20

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def logged_scores(self) -> int:
        with create_engine(self.database_url).connect() as conn:
            return conn.execute(select(func.count()).select_from(predictions)).scalar_one()


def _applications(home: Path, count: int, seed: int) -> list[dict]:
    """Real-shaped posted applications: rows of the ingested application_test (or train) table."""
    interim = home / "data" / "interim"
    path = interim / "application_test.parquet"
    if not path.exists():
        path = interim / "application_train.parquet"
    frame = pl.read_parquet(path).drop("TARGET", strict=False)
    rows = []
    for row in frame.sample(min(count, frame.height), seed=seed).to_dicts():
        if row.pop("DAYS_EMPLOYED_ANOM", 0):
            row["DAYS_EMPLOYED"] = 365243
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def _client_ids(home: Path, count: int, seed: int) -> list[int]:
    ids = pl.read_parquet(home / "data" / "processed" / "features.parquet", columns=["SK_ID_CURR"])[
        "SK_ID_CURR"
    ]
    return ids.sample(min(count, len(ids)), seed=seed).to_list()


def pools_of(home: Path) -> dict[str, list[tuple[float, list[Req]]]]:
    """Request pools per phase: health, stored-client score, posted application score, a 90/10 mix."""
    scores = [Req("GET", f"{API}/clients/{i}/score") for i in _client_ids(home, 5000, 0)]
    applications = [Req("POST", f"{API}/score", json.dumps(a)) for a in _applications(home, 500, 0)]
    return {
        "GET /health (ceiling)": [(1.0, [Req("GET", f"{API}/health")])],
        "GET /clients/{id}/score": [(1.0, scores)],
        "POST /score": [(1.0, applications)],
        "mixed (90% GET, 10% POST score)": [(0.9, scores), (0.1, applications)],
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
    demo = Path(os.environ.get("SCORING_BENCH_DIR", "/tmp/scoring-bench")) / f"train-{DEMO_CLIENTS}-42"
    for home in (get_paths().home, demo):
        if (home / "models" / "champion.json").exists():
            return home
    return None


def main() -> None:
    home = bench_home()
    if home is None:
        print(
            f"bench_api: skipped, no promoted model in {get_paths().models} (run `make run` or `make train`)"
        )
        return
    seconds = float(os.environ.get("BENCH_API_SECONDS", "10"))
    workers = int(os.environ.get("BENCH_API_WORKERS", "2"))
    concurrency = int(os.environ.get("BENCH_API_CONCURRENCY", "32"))
    load_seconds = float(os.environ.get("BENCH_API_LOAD_SECONDS", "0"))
    median, p99 = lookup_micros(home)
    print(
        f"client store lookup (ID -> features + facts), in process: median {median:.1f} µs, p99 {p99:.1f} µs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        server = Server(home, Path(tmp) / "predictions.db", workers)
        try:
            server.wait_ready(timeout=60, explanations=False)
            ready_s = time.monotonic() - started
            body = server.wait_ready(timeout=1800)
            print(
                f"API on {body['clients']:,} clients, model {body['model_version']}, {workers} workers: "
                f"ready in {ready_s:.1f} s, explanations precomputed after {time.monotonic() - started:.1f} s"
            )
            pools = pools_of(home)
            phases = [(name, concurrency) for name in list(pools)[:3]]
            phases += [("GET /clients/{id}/score", 1), ("POST /score", 1)]
            scored = 0
            for name, users in phases:
                result = run_wrk(server.port, pools[name], users, seconds)
                scored += 0 if name.startswith("GET /health") else result.succeeded
                print(line(name + (" sequential" if users == 1 else ""), users, result))
            if load_seconds:
                mixed = "mixed (90% GET, 10% POST score)"
                result = run_wrk(server.port, pools[mixed], concurrency, load_seconds)
                scored += result.succeeded
                print(line(f"{mixed} {load_seconds:.0f} s", concurrency, result))
            rss, pss = server.memory_mb()
            print(f"memory of the API processes: RSS {rss:,.0f} MB, PSS {pss:,.0f} MB (mapped arrays shared)")
        finally:
            server.stop()
        logged = server.logged_scores()
        print(
            f"prediction log: {logged:,} rows for {scored:,} scores answered 200 -> "
            f"{max(scored - logged, 0):,} lost (wrk drops the requests in flight when a phase ends, "
            "so the server may log a few more rows)"
        )


if __name__ == "__main__":
    main()
