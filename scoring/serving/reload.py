"""A new champion in service without downtime: every API worker swaps its model, one worker at a time.

A reload request (`request_reload`, behind POST /api/v1/admin/reload) writes `Paths.reload_request`
(data/runtime/reload_request.json) = {id, version (null: the champion), requested_at}. Each worker watches
that file (a read every `poll_seconds`). On a new id it takes an exclusive lock (`Paths.reload_lock`), so
that the workers load
one after the other and the others keep serving at full strength, loads the new model beside the old one
(the old one keeps answering meanwhile), installs it with a single reference assignment and records its
status in `Paths.workers/<pid>.json`. A request in flight keeps the service it started with: its score,
explanation and prediction-log row all carry the version that produced them. A failed load leaves the old
model in service and records the error in the worker's status.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from scoring.home import Paths
from scoring.io import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, write_json_atomic
from scoring.modeling.bundle import CHAMPION_FILE, METADATA_FILE

logger = logging.getLogger(__name__)

Service = TypeVar("Service")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_request(paths: Paths) -> dict | None:
    """The latest reload request, or None."""
    try:
        data = json.loads(paths.reload_request.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def loadable(models_dir: Path, version: str | None) -> bool:
    """A reload can be asked for: the version's bundle exists (None: a champion is promoted)."""
    if version is None:
        return (models_dir / CHAMPION_FILE).is_file()
    return (models_dir / version / METADATA_FILE).is_file()


def request_reload(paths: Paths, version: str | None = None) -> dict:
    """Ask every worker to load `version` (None: the champion named by models/champion.json)."""
    request = {"id": uuid.uuid4().hex, "version": version, "requested_at": _now()}
    paths.runtime.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    write_json_atomic(paths.reload_request, request, PRIVATE_FILE_MODE)
    return request


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_statuses(paths: Paths) -> list[dict]:
    """Status of every live worker: pid, version served, last request handled, when, error."""
    statuses = []
    for path in sorted(paths.workers.glob("*.json")):
        with contextlib.suppress(OSError, ValueError):
            status = json.loads(path.read_text())
            if isinstance(status, dict) and _alive(int(status.get("pid", -1))):
                statuses.append(status)
    return statuses


class ModelReloader(Generic[Service]):
    """Watches for reload requests in one worker and swaps the service it serves.

    `load(version)` builds a new service (version None: the champion); `install(service)` puts it in
    service (one assignment); `version_of(service)` names its model version.
    """

    def __init__(
        self,
        paths: Paths,
        load: Callable[[str | None], Service],
        install: Callable[[Service], None],
        version_of: Callable[[Service], str],
        poll_seconds: float = 1.0,
    ) -> None:
        self.paths = paths
        self._load = load
        self._install = install
        self._version_of = version_of
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._check = threading.Lock()
        self._lifecycle = threading.Lock()  # started() and stop() one at a time
        request = read_request(paths)
        self.handled: str | None = request["id"] if request else None  # a new worker serves it already
        self.version: str | None = None
        self.error: str | None = None

    def started(self, service: Service) -> None:
        """Record the service loaded at start-up and start watching for requests (not once stopping: the
        model may finish loading in the background while the worker shuts down)."""
        with self._lifecycle:
            if self._stop.is_set():
                return
            self.version = self._version_of(service)
            self._write_status()
            thread = threading.Thread(target=self._watch, name="model-reloader", daemon=True)
            thread.start()
            self._thread = thread

    def stop(self) -> None:
        with self._lifecycle:
            self._stop.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._status_path.unlink()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.check()
            except Exception:  # the watcher must survive anything; the error is in the status
                logger.exception("model reload check failed")

    def check(self) -> bool:
        """Handle a pending request, if any; True when a new model was installed."""
        with self._check:
            request = read_request(self.paths)
            if request is None or request["id"] == self.handled:
                return False
            with self._exclusive():
                return self._reload(request)

    @contextlib.contextmanager
    def _exclusive(self):  # noqa: ANN202 - a context manager
        self.paths.runtime.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        with open(self.paths.reload_lock, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _reload(self, request: dict) -> bool:
        self.handled = request["id"]
        try:
            service = self._load(request["version"])
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            logger.exception("reload %s: the new model could not be loaded; the old one stays", request["id"])
            self._write_status()
            return False
        self._install(service)
        old, self.version, self.error = self.version, self._version_of(service), None
        logger.info("reload %s: model %s replaced by %s", request["id"], old, self.version)
        self._write_status()
        return True

    @property
    def _status_path(self) -> Path:
        return self.paths.workers / f"{os.getpid()}.json"

    def _write_status(self) -> None:
        status = {
            "pid": os.getpid(),
            "version": self.version,
            "request_id": self.handled,
            "updated_at": _now(),
            "error": self.error,
        }
        self.paths.workers.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        write_json_atomic(self._status_path, status, PRIVATE_FILE_MODE)
