"""The scheduler's liveness: a time stamp written every minute, and the health check that reads it.

`python -m scoring.monitoring.heartbeat` exits 0 when the stamp is younger than 3 minutes, 1 otherwise (the
compose health check of the scheduler service).
"""

from __future__ import annotations

import sys
import time

from scoring.home import Paths
from scoring.io import PRIVATE_FILE_MODE, write_text_atomic

INTERVAL_SECONDS = 60
STALE_SECONDS = 180


def beat(paths: Paths) -> None:
    """Record that the scheduler is alive now."""
    write_text_atomic(paths.scheduler_heartbeat, f"{time.time():.0f}\n", PRIVATE_FILE_MODE)


def age_seconds(paths: Paths) -> float | None:
    """Seconds since the last beat, or None when there is none."""
    try:
        return time.time() - float(paths.scheduler_heartbeat.read_text())
    except (OSError, ValueError):
        return None


def main() -> int:
    from scoring.settings import ScoringSettings

    age = age_seconds(ScoringSettings().paths)
    if age is None or age > STALE_SECONDS:
        print(f"scheduler heartbeat {'missing' if age is None else f'{age:.0f} s old'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
