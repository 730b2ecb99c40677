"""Load test of the scoring API on loopback: requests/s and latency percentiles per route, lost log rows.

Starts `scoring api` (uvicorn, 2 workers) on a free port against $SCORING_HOME (default: the project; else the
demo home that bench_train leaves in $SCORING_BENCH_DIR, when either holds a promoted model), with
the prediction log in a temporary SQLite file, waits until the explanations are precomputed, then drives
each route with a small asyncio HTTP/1.1 keep-alive client (one connection per concurrent user) for a
bounded time. /health is measured in the same run as the framework's ceiling. At the end the server is
stopped gracefully and the logged scores are counted against the successful scoring responses.

Environment: BENCH_API_SECONDS (per phase, default 10), BENCH_API_WORKERS (default 2),
BENCH_API_CONCURRENCY (default 32), BENCH_API_LOAD_SECONDS (a final mixed 60 s load phase when set).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import psutil
from sqlalchemy import create_engine, func, select

from scoring.config import DEMO_CLIENTS, get_paths
from scoring.serving.prediction_log import predictions

API = "/api/v1"
SCORING_ROUTES = ("/clients/", "/score")


@dataclass
class Stats:
    """Latencies (s) and status counts of one phase."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    scored: int = 0
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        return self.errors + sum(n for s, n in self.statuses.items() if s >= 400)

    def line(self, name: str, concurrency: int) -> str:
        done = len(self.latencies)
        p50, p95, p99 = (np.percentile(self.latencies, [50, 95, 99]) * 1000) if done else (np.nan,) * 3
        rate = done / self.seconds if self.seconds else 0.0
        return (
            f"{name:<34} c={concurrency:<3} {done:>7} req {rate:>8.0f} req/s  "
            f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms  failed {self.failures}"
        )


def get(path: str, key: str | None) -> bytes:
    auth = f"X-API-Key: {key}\r\n" if key else ""
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n".encode()


def post(path: str, body: dict, key: str | None) -> bytes:
    data = json.dumps(body).encode()
    auth = f"X-API-Key: {key}\r\n" if key else ""
    head = f"POST {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\n"
    return head.encode() + f"Content-Length: {len(data)}\r\n\r\n".encode() + data


async def _response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _user(port: int, next_request: Callable[[], bytes], deadline: float, stats: Stats) -> None:
    """One keep-alive connection sending requests back to back until the deadline."""
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            payload = next_request()
            started = time.perf_counter()
            writer.write(payload)
            status = await _response(reader)
            stats.latencies.append(time.perf_counter() - started)
            stats.statuses[status] += 1
            if status == 200 and any(r in payload.split(b" ", 2)[1].decode() for r in SCORING_ROUTES):
                stats.scored += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats.errors += 1
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _drive(port: int, next_request: Callable[[], bytes], concurrency: int, seconds: float) -> Stats:
    stats = Stats()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_user(port, next_request, deadline, stats) for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - started
    return stats


def run_load(port: int, next_request: Callable[[], bytes], concurrency: int, seconds: float) -> Stats:
    """Drive one route (or a mix) at `concurrency` for `seconds`."""
    try:
        import uvloop

        return uvloop.run(_drive(port, next_request, concurrency, seconds))
    except ImportError:
        return asyncio.run(_drive(port, next_request, concurrency, seconds))


def free_port() -> int:
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
                conn.sendall(get(f"{API}/ready", None).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
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


def requests_of(home: Path, key: str | None, seed: int = 0) -> dict[str, Callable[[], bytes]]:
    """Request makers per phase: health, stored-client score, posted application score."""
    rng = random.Random(seed)
    ids = _client_ids(home, 5000, seed)
    scores = [get(f"{API}/clients/{i}/score", key) for i in ids]
    applications = [post(f"{API}/score", a, key) for a in _applications(home, 500, seed)]
    health = get(f"{API}/health", key)
    return {
        "GET /health (ceiling)": lambda: health,
        "GET /clients/{id}/score": lambda: rng.choice(scores),
        "POST /score": lambda: rng.choice(applications),
        "mixed (90% GET, 10% POST score)": lambda: (
            rng.choice(scores) if rng.random() < 0.9 else rng.choice(applications)
        ),
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
            makers = requests_of(home, None)
            phases = [(name, concurrency) for name in list(makers)[:3]]
            phases += [("GET /clients/{id}/score", 1), ("POST /score", 1)]
            scored = 0
            for name, users in phases:
                stats = run_load(server.port, makers[name], users, seconds)
                scored += stats.scored
                print(stats.line(name + (" sequential" if users == 1 else ""), users))
            if load_seconds:
                mixed = "mixed (90% GET, 10% POST score)"
                stats = run_load(server.port, makers[mixed], concurrency, load_seconds)
                scored += stats.scored
                print(stats.line(f"{mixed} {load_seconds:.0f} s", concurrency))
            rss, pss = server.memory_mb()
            print(f"memory of the API processes: RSS {rss:,.0f} MB, PSS {pss:,.0f} MB (mapped arrays shared)")
        finally:
            server.stop()
        logged = server.logged_scores()
        print(f"prediction log: {logged:,} rows for {scored:,} successful scores -> {scored - logged:,} lost")


if __name__ == "__main__":
    main()
