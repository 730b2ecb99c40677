"""What the app holds between requests: the scoring service (once loaded), the log writer, the salt."""

from __future__ import annotations

import atexit
import gc
import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Engine

from api import metrics
from api.log_store import LogWriter
from api.schemas import score_payload
from api.settings import Settings
from scoring.serving.prediction_log import client_hash, encode_features, register_model
from scoring.serving.service import ScoreResult, ScoringService, load_service
from scoring.vocabulary import ScoreKind

logger = logging.getLogger("api.state")


def freeze_loaded() -> None:
    """Move the long-lived objects just loaded out of the collector's way (shorter pauses).

    They are unfrozen at exit: frozen objects are never freed, and DuckDB's bindings then report their
    module's objects as leaks at interpreter shutdown (and the process can crash on the way out).
    """
    gc.collect()
    gc.freeze()
    atexit.unregister(gc.unfreeze)
    atexit.register(gc.unfreeze)


class AppState:
    """The service is loaded in the background: /ready answers 503 until it is there (or says why not)."""

    def __init__(self, settings: Settings, engine: Engine, writer: LogWriter) -> None:
        self.settings = settings
        self.engine = engine
        self.writer = writer
        self.salt = settings.salt()
        self.service: ScoringService | None = None
        self.error: str | None = None
        self.loaded = threading.Event()

    def load(self) -> None:
        """Load the bundle and the client store; start the precomputation of explanations."""
        s = self.settings
        try:
            service = load_service(s.models_dir, s.features_path, s.interim_dir, s.model_version)
            register_model(self.engine, service.scorer.version, service.scorer.feature_names)
            if s.precompute_explanations:
                service.start_precomputation(lambda result: score_payload(result, contributions=False))
            freeze_loaded()
            self.service = service
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            logger.exception("the scoring service could not be loaded")
        finally:
            self.loaded.set()

    def log_scores(self, results: list[ScoreResult], kind: str, request_id: str, started: float) -> None:
        """Queue one prediction-log row per result (the write happens in the background)."""
        latency_ms = (time.perf_counter() - started) * 1000
        now = datetime.now(UTC).replace(tzinfo=None)
        for r in results:
            metrics.observe_score(kind, r.decision, r.probability)
            self.writer.log_prediction(
                {
                    "created_at": now,
                    "request_id": request_id,
                    "kind": kind,
                    "model_version": r.model_version,
                    "client_hash": client_hash(r.client_id, self.salt),
                    "features": encode_features(r.features),
                    "probability": r.probability,
                    "decision": r.decision,
                    "threshold": r.threshold,
                    "latency_ms": latency_ms,
                }
            )

    def stored_score(
        self, service: ScoringService, row: int, contributions: bool, request_id: str, started: float
    ) -> bytes | None:
        """The serialised score response of a stored client, logged as `log_scores` logs any score; None
        until the responses are serialised."""
        body = service.responses.body(row, contributions)
        if body is not None:
            self.log_scores([service.client_result(row, None)], ScoreKind.CLIENT, request_id, started)
        return body
