"""`make run` on a fresh clone: from `git clone` to the dashboard answering, as a new user would see it.

Usage: python -m benchmarks.bench_make_run [--timeout 1800] [--keep-caches]. The repository's committed HEAD
is cloned into a temporary directory and `make run` is started there with empty pip and uv caches (the
packages come from the registry, as on a fresh machine), its own virtualenv, free ports and no `SCORING_*`
setting of this shell; the time runs until the dashboard answers on its port. Then the whole process group
gets a Ctrl-C (SIGINT), as in a terminal. Target: <= 3 min on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.figures import Figure, record
from devtools.servers import clean_environment, free_port

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 180.0


def serve_time(clone: Path, timeout: float, keep_caches: bool) -> tuple[float, Path]:
    """Seconds from `make run` to the dashboard answering 200, and the run's log."""
    api_port, dashboard_port = free_port(), free_port()
    caches = {} if keep_caches else {"PIP_NO_CACHE_DIR": "1", "UV_NO_CACHE": "1"}
    env = clean_environment(API_PORT=str(api_port), DASHBOARD_PORT=str(dashboard_port), **caches)
    env.pop("VIRTUAL_ENV", None)
    log = clone / "make-run.log"
    url = f"http://127.0.0.1:{dashboard_port}/"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            while time.monotonic() - started < timeout:
                if process.poll() is not None:
                    raise RuntimeError(f"make run exited with {process.returncode}: see {log}")
                try:
                    if httpx.get(url, timeout=2, follow_redirects=True).status_code == 200:  # sign-in
                        return time.monotonic() - started, log
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            raise TimeoutError(f"the dashboard did not answer within {timeout:.0f} s: see {log}")
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--keep-caches", action="store_true", help="let pip and uv use their caches")
    args, _ = parser.parse_known_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-make-run-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        seconds, log = serve_time(clone, args.timeout, args.keep_caches)
        steps = [line for line in log.read_text(errors="replace").splitlines() if line.endswith("...")]
    verdict = "OK" if seconds <= TARGET_S else "ABOVE TARGET"
    print(
        f"make run on a fresh clone: the dashboard answered after {seconds:.0f} s ({seconds / 60:.1f} min; "
        f"target <= {TARGET_S / 60:.0f} min: {verdict}); load average {load:.1f} at start; steps: "
        + "; ".join(steps)
    )
    caches = "pip and uv caches kept" if args.keep_caches else "empty pip and uv caches"
    figure = Figure(
        "make_run.fresh",
        f"`make run` on a fresh clone ({caches}): clone → setup → pipeline → the dashboard answering",
        f"{seconds:.0f} s ({seconds / 60:.1f} min)",
        f"≤ {TARGET_S / 60:.0f} min",
    )
    record("bench_make_run", [figure])


if __name__ == "__main__":
    main()
