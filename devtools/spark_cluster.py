"""A standalone Spark cluster on this machine: one master and its workers, on free loopback ports.

pyspark's wheel ships `bin/spark-class` but not `sbin/start-master.sh` or `sbin/start-worker.sh` (4.3.0 has
only spark-daemon.sh, the history and connect servers); those two scripts run the same classes as below
(`org.apache.spark.deploy.master.Master` and `...worker.Worker spark://host:port`), so the cluster is the one
they start, with each daemon a child process of ours that stopping ends for sure. Everything binds to
127.0.0.1 (SPARK_LOCAL_IP), logs and work folders go under `root`; the daemons run on a small heap with the
quick-start JIT (they only schedule: the executors they launch get the application's settings).

Usage: python -m devtools.spark_cluster [--workers 2] [--cores 1] [--memory 1g] [--dir DIR]
prints the master URL (for `scoring features --engine spark --master spark://...`) and runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from devtools.servers import LOCALHOST, free_port

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
STOP_WAIT_S = 20
# the master and workers only schedule and launch executors: a small heap, the quick-start JIT and the
# serial collector start them in a fraction of a full JVM's CPU on a shared machine
DAEMON_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
DAEMON_MEMORY = "256m"


def spark_home() -> Path:
    """The pyspark package folder: Spark's home when pyspark comes from pip."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _environment(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOCALHOST,
        "SPARK_LOG_DIR": str(root / "logs"),
        "SPARK_WORKER_DIR": str(root / "work"),
        "SPARK_NO_DAEMONIZE": "1",
        "SPARK_DAEMON_JAVA_OPTS": DAEMON_JAVA_OPTS,
        "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
    }


@contextmanager
def _daemon(name: str, root: Path, *args: str) -> Iterator[Path]:
    """One Spark daemon (`spark-class CLASS args`) as our child process; stopped (then killed) on exit."""
    log = root / f"{name}.log"
    command = [str(spark_home() / "bin" / "spark-class"), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=_environment(root), stdout=out, stderr=subprocess.STDOUT)
    try:
        yield log
    finally:
        process.terminate()
        try:
            process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(ui_port: int) -> dict | None:
    """The master's JSON status page, None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{LOCALHOST}:{ui_port}/json/", timeout=2) as answer:
            return json.load(answer)
    except OSError:
        return None


def _wait_for_workers(ui_port: int, workers: int, timeout: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(ui_port)
        if status is not None and status.get("aliveworkers", 0) >= workers:
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in logs)
    raise RuntimeError(f"the Spark cluster did not have {workers} live workers in {timeout:.0f} s\n{tails}")


@contextmanager
def standalone_cluster(
    root: Path, workers: int = 2, cores: int = 1, memory: str = "1g", timeout: float = 180.0
) -> Iterator[str]:
    """A master and `workers` workers (`cores` and `memory` each) running; yields the spark:// URL."""
    root.mkdir(parents=True, exist_ok=True)
    port, ui_port = free_port(), free_port()
    url = f"spark://{LOCALHOST}:{port}"
    with ExitStack() as stack:
        master_args = ("--host", LOCALHOST, "--port", str(port), "--webui-port", str(ui_port))
        logs = [stack.enter_context(_daemon("master", root, MASTER_CLASS, *master_args))]
        for index in range(1, workers + 1):
            worker_args = ("--host", LOCALHOST, "--cores", str(cores), "--memory", memory)
            work = ("--work-dir", str(root / "work" / str(index)), "--webui-port", str(free_port()))
            logs.append(
                stack.enter_context(_daemon(f"worker-{index}", root, WORKER_CLASS, *worker_args, *work, url))
            )
        _wait_for_workers(ui_port, workers, timeout, logs)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="1g")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="spark-cluster-"))
    with standalone_cluster(root, args.workers, args.cores, args.memory) as url:
        print(f"{url} ({args.workers} workers; logs in {root}); Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping the cluster")


if __name__ == "__main__":
    main()
