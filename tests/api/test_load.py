"""A real server (uvicorn, 2 workers) under load: no failed request, no lost log row after a graceful stop.

The load lasts SCORING_LOAD_SECONDS (default 5 s; the issue's 60 s run: SCORING_LOAD_SECONDS=60).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.bench_api import Server
from tests.api.load_client import mixed_requests, run_load

SECONDS = float(os.environ.get("SCORING_LOAD_SECONDS", "5"))


@pytest.mark.slow
def test_load_without_failures_or_lost_rows(demo_home: Path, tmp_path: Path) -> None:
    server = Server(demo_home, tmp_path / "predictions.db", workers=2, api_key="load-key")
    try:
        server.wait_ready(timeout=120)
        stats = run_load(server.port, mixed_requests(demo_home, "load-key"), concurrency=16, seconds=SECONDS)
    finally:
        server.stop()
    assert server.process.returncode == 0, server.output()
    assert stats.scored > 0 and stats.failures == 0, stats.statuses
    assert server.logged_scores() == stats.scored
