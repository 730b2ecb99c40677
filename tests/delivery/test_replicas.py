"""Two API replicas behind nginx sharing one PostgreSQL log: 60 s of load, one replica killed mid-run and
restarted; failures bounded by the requests in flight at the kill, no lost or doubled log row, the restarted
replica takes traffic again.

The replica is killed (SIGKILL: a crash, the OOM killer): its log rows are in its spool on disk, shipped when
it restarts. Requests nginx could not hand to it go to the other replica (connection refused: any method; GET
also after a failure); one that fails all the same (a POST cut by the kill) is counted, and bounded by the
number of requests in flight.
The load runs SCORING_REPLICA_LOAD_SECONDS (default 60 s) and at least a quarter of that after the restarted
replica is ready, however long its restart took on a busy machine.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from devtools.settings import ToolSettings
from scoring.data.synth import generate_tables
from scoring.home import Paths
from scoring.serving.prediction_log import predictions
from tests.api.load_client import Stats, mixed_requests, run_load
from tests.delivery.balancer import Balancer, Replica
from tests.support.home import build_home

SECONDS = ToolSettings().replica_load_seconds
CONCURRENCY = 8


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scoring home on a small generated population with a promoted tiny bundle."""
    home = tmp_path_factory.mktemp("replicas-home")
    generate_tables(400, 5, Paths(home).raw)
    build_home(home, Paths(home).raw)
    return home


def _load_in_background(port: int, home: Path, stats: list[Stats], stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(
        target=lambda: stats.append(run_load(port, mixed_requests(home, None), CONCURRENCY, SECONDS, stop))
    )
    thread.start()
    return thread


@pytest.mark.slow
def test_replicas_behind_nginx_lose_nothing_when_one_stops(
    home: Path, fresh_database: str, tmp_path: Path
) -> None:
    replicas = [Replica(home, fresh_database), Replica(home, fresh_database)]
    for i, replica in enumerate(replicas):
        replica.start(tmp_path / f"replica-{i}.log")
    stats: list[Stats] = []
    stop = threading.Event()
    balancer = None
    try:
        for replica in replicas:
            replica.wait_ready()
        balancer = Balancer.start([r.port for r in replicas], tmp_path / "nginx")
        started = time.time()
        load = _load_in_background(balancer.port, home, stats, stop)
        time.sleep(SECONDS / 4)
        stopped = time.time()
        replicas[1].kill()  # its spooled log rows wait on disk for the restart
        time.sleep(2)
        replicas[1].start(tmp_path / "replica-1.log")
        replicas[1].wait_ready()
        rejoined = time.time()
        time.sleep(max(SECONDS / 4, started + SECONDS - rejoined))
        stop.set()
        load.join(60)
        assert not load.is_alive()
    finally:
        stop.set()
        if balancer is not None:
            balancer.stop()
        codes = [replica.stop() for replica in replicas]
    assert all(codes), [r.output() for r in replicas]
    [result] = stats
    served = balancer.served()
    port_a, port_b = (f"127.0.0.1:{r.port}" for r in replicas)
    print(
        f"replicas: {sum(result.statuses.values())} requests in {time.time() - started:.0f} s, "
        f"{result.scored} scored, "
        f"{result.failures} failed ({result.errors} socket errors), statuses {dict(result.statuses)}, "
        f"{sum(', ' in upstream for _, upstream, _ in served)} retried on the other replica"
    )

    assert result.failures <= CONCURRENCY, result.statuses  # at most the requests in flight at the kill
    with create_engine(fresh_database).connect() as conn:
        logged = conn.execute(select(func.count()).select_from(predictions)).scalar_one()
    # No lost and no doubled log row: every score answered is logged; a score whose answer the kill cut
    # may be logged too (it was spooled before the answer left).
    assert result.scored <= logged <= result.scored + result.failures, (logged, result.scored)

    def answered_by(port: str, since: float, until: float) -> int:
        return sum(upstream.endswith(port) for moment, upstream, _ in served if since <= moment < until)

    assert answered_by(port_a, started, stopped) > 0 and answered_by(port_b, started, stopped) > 0
    assert answered_by(port_b, stopped + 1, rejoined - 1) == 0  # while down, nothing ends on it
    assert answered_by(port_b, rejoined, time.time()) > 0  # the restarted replica rejoined
