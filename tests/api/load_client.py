"""A small HTTP/1.1 load client for the load test: exact counts of answered and scored requests.

One keep-alive connection per concurrent user, each waiting for its response before the deadline ends it, so
the number of successful scoring responses can be compared exactly with the prediction-log rows.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from devtools.servers import API
from devtools.workload import applications, client_ids

SCORING_ROUTES = ("/clients/", "/score")


@dataclass
class Stats:
    """Status counts, socket errors and successful scoring responses of one run."""

    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    scored: int = 0

    @property
    def failures(self) -> int:
        return self.errors + sum(n for s, n in self.statuses.items() if s >= 400)


def get(path: str, key: str | None) -> bytes:
    auth = f"X-API-Key: {key}\r\n" if key else ""
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n".encode()


def post(path: str, body: dict, key: str | None) -> bytes:
    data = json.dumps(body).encode()
    auth = f"X-API-Key: {key}\r\n" if key else ""
    head = f"POST {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\n"
    return head.encode() + f"Content-Length: {len(data)}\r\n\r\n".encode() + data


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status of the next response, and whether the server closes the connection after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, close = 0, False
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
        close |= line.lower().replace(b" ", b"") == b"connection:close"
    await reader.readexactly(length)
    return status, close


async def _user(
    port: int, next_request: Callable[[], bytes], going: Callable[[], bool], stats: Stats
) -> None:
    """One keep-alive connection sending requests back to back while `going()` holds."""
    reader = writer = None
    while going():
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            payload = next_request()
            writer.write(payload)
            status, close = await _response(reader)
            stats.statuses[status] += 1
            if status == 200 and any(r in payload.split(b" ", 2)[1].decode() for r in SCORING_ROUTES):
                stats.scored += 1
            if close:  # e.g. a proxy's keep-alive request limit: reconnect, as HTTP clients do
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats.errors += 1
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _drive(
    port: int, next_request: Callable[[], bytes], concurrency: int, going: Callable[[], bool]
) -> Stats:
    stats = Stats()
    await asyncio.gather(*(_user(port, next_request, going, stats) for _ in range(concurrency)))
    return stats


def _run_loop(
    port: int, next_request: Callable[[], bytes], concurrency: int, going: Callable[[], bool]
) -> Stats:
    try:
        import uvloop

        return uvloop.run(_drive(port, next_request, concurrency, going))
    except ImportError:
        return asyncio.run(_drive(port, next_request, concurrency, going))


def run_load(
    port: int,
    next_request: Callable[[], bytes],
    concurrency: int,
    seconds: float,
    stop: threading.Event | None = None,
) -> Stats:
    """Drive one route (or a mix) at `concurrency` for `seconds`, or until `stop` is set when one is given, on
    an event loop in a thread of its own (the test process may already run one in its main thread:
    Playwright's, after a browser test)."""
    deadline = time.perf_counter() + seconds

    def going() -> bool:
        return not stop.is_set() if stop is not None else time.perf_counter() < deadline

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as pool:
        return pool.submit(_run_loop, port, next_request, concurrency, going).result()


def mixed_requests(home: Path, key: str | None, seed: int = 0) -> Callable[[], bytes]:
    """Requests to pick from: 90% stored-client scores, 10% posted applications."""
    rng = random.Random(seed)
    scores = [get(f"{API}/clients/{i}/score", key) for i in client_ids(home, 5000, seed)]
    posted = [post(f"{API}/score", a, key) for a in applications(home, 500, seed)]
    return lambda: rng.choice(scores) if rng.random() < 0.9 else rng.choice(posted)
