"""SHAP contributions of every stored client, computed once per model version and data, then read from disk.

`pred_contrib` costs milliseconds per row, far too slow per request, so the contributions of all stored
clients are computed in the background after start-up (in chunks, one thread, so serving keeps its core)
and saved as float32 in the serving cache, memory-mapped by every worker. Until they are ready, a client's
contributions are computed on demand and kept in a small LRU cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from scoring.serving.cache import ArrayCache

logger = logging.getLogger(__name__)

CONTRIBUTIONS = "contributions"
Explain = Callable[[np.ndarray], np.ndarray]


class ClientExplanations:
    """Contributions (float32, store order x model features) of the stored clients."""

    def __init__(self, matrix: np.ndarray, explain: Explain, cache: ArrayCache, lru_size: int = 2048) -> None:
        self._features = matrix
        self._explain = explain
        self._cache = cache
        self._lru: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lru_size = lru_size
        self._lock = threading.Lock()
        self.contributions: np.ndarray | None = (
            cache.load(CONTRIBUTIONS) if cache.has(CONTRIBUTIONS) else None
        )
        self.status = "ready" if self.contributions is not None else "pending"

    def row(self, row: int) -> np.ndarray | None:
        """Precomputed contributions of a client, or None while they are not ready."""
        return None if self.contributions is None else self.contributions[row]

    def compute_row(self, row: int) -> np.ndarray:
        """Contributions of one client computed now (LRU-cached), for use before the precomputation ends."""
        with self._lock:
            if row in self._lru:
                self._lru.move_to_end(row)
                return self._lru[row]
        values = self._explain(self._features[row : row + 1])[0].astype(np.float32)
        with self._lock:
            self._lru[row] = values
            if len(self._lru) > self._lru_size:
                self._lru.popitem(last=False)
        return values

    def start_background(
        self, chunk: int = 1024, after: Callable[[], None] | None = None
    ) -> threading.Thread | None:
        """Compute and save the contributions in a daemon thread (or wait for the worker that does), then
        run `after` (status "computing" until it returns)."""
        if self.contributions is not None and after is None:
            return None
        thread = threading.Thread(target=self._build, args=(chunk, after), name="explanations", daemon=True)
        thread.start()
        return thread

    def _build(self, chunk: int, after: Callable[[], None] | None) -> None:
        try:
            if self.contributions is None:
                self._precompute(chunk)
        except Exception:
            self.status = "failed"
            logger.exception("precomputation of the client explanations failed; they stay computed on demand")
            return
        if after is not None:
            self.status = "computing"
            try:
                after()
            except Exception:
                logger.exception("the step after the explanations failed; responses are built per request")
        self.status = "ready"

    def _precompute(self, chunk: int) -> None:
        with self._cache.lock(blocking=False) as mine:
            if mine and not self._cache.has(CONTRIBUTIONS):
                self.status = "computing"
                self._compute_and_save(chunk)
        while not self._cache.has(CONTRIBUTIONS) and self._cache.directory is not None:
            self.status = "computing"
            time.sleep(1.0)
        if self._cache.directory is not None:
            self.contributions = self._cache.load(CONTRIBUTIONS)
        self._lru.clear()

    def _compute_and_save(self, chunk: int) -> None:
        started = time.monotonic()
        n = len(self._features)
        width = self._explain(self._features[:1]).shape[1]
        with self._cache.writing(CONTRIBUTIONS, (n, width), np.dtype(np.float32)) as out:
            for start in range(0, n, chunk):
                out[start : start + chunk] = self._explain(self._features[start : start + chunk])
            if self._cache.directory is None:
                self.contributions = out
        logger.info("explanations of %d clients computed in %.1f s", n, time.monotonic() - started)
