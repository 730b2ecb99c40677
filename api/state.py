"""What the app holds between requests: the scoring service (once loaded), the log writer, the salt."""

from __future__ import annotations

import atexit
import gc
import logging
import threading
import time
from datetime import UTC, datetime

import orjson
from sqlalchemy import Engine

from api import prometheus
from api.log_store import PredictionLog
from api.schemas.scores import score_payload
from api.settings import Settings
from scoring.serving.log_privacy import LogVector
from scoring.serving.prediction_log import ClientHashes
from scoring.serving.reload import ModelReloader
from scoring.serving.service import ScoreResult, ScoringService, load_service
from scoring.serving.strategy_state import StrategyWatcher
from scoring.vocabulary import Language, ScoreKind

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

    def __init__(self, settings: Settings, engine: Engine, writer: PredictionLog) -> None:
        self.settings = settings
        self.engine = engine
        self.writer = writer
        self.salt = settings.salt()
        self.hashes = ClientHashes(self.salt)
        self.service: ScoringService | None = None
        self.log_vectors: dict[str, LogVector] = {}  # by model version: a reload swaps the service, not these
        self.error: str | None = None
        self.loaded = threading.Event()
        self.strategies = StrategyWatcher(engine, settings.strategy_ttl_seconds)
        self.reloader = ModelReloader(
            settings.paths,
            self._load_service,
            self._install,
            lambda service: service.scorer.version,
            settings.reload_poll_seconds,
        )

    def load(self) -> None:
        """Load the bundle and the client store, start the precomputation of explanations, then watch for
        reload requests (a new champion swapped in without downtime, see scoring.serving.reload)."""
        try:
            service = self._load_service(None)
            self._install(service)
            self.reloader.started(service)
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            logger.exception("the scoring service could not be loaded")
        finally:
            self.loaded.set()

    def _load_service(self, version: str | None) -> ScoringService:
        s = self.settings
        return load_service(
            s.models_dir,
            s.features_path,
            s.interim_dir,
            version or s.model_version,
            s.points_scale,
            s.model_keys(),
        )

    def _install(self, service: ScoringService) -> None:
        """Put a loaded service in service: requests already running keep the one they started with."""
        service.decider.source = self.strategies.current
        vector = _log_vector(service)
        self.log_vectors[service.scorer.version] = vector
        self.writer.register_model(service.scorer.version, vector.names)
        if self.settings.precompute_explanations:
            service.start_precomputation(lambda result, language: score_payload(result, False, language))
        self.service = service
        gc.unfreeze()  # a replaced service's objects may be frozen: let the collector free them
        freeze_loaded()

    def log_scores(self, results: list[ScoreResult], kind: str, request_id: str, started: float) -> None:
        """Write one prediction-log row per result to the local spool (delivered in the background)."""
        latency_ms = (time.perf_counter() - started) * 1000
        now = datetime.now(UTC).replace(tzinfo=None)
        for r in results:
            prometheus.observe_score(kind, r.decision, r.probability)
            self.writer.log_prediction(
                {
                    "created_at": now,
                    "request_id": request_id,
                    "kind": kind,
                    "model_version": r.model_version,
                    "client_hash": self.hashes.of(r.client_id),
                    "features": self.log_vectors[r.model_version].encode(r.features),
                    "probability": r.probability,
                    "decision": r.decision,
                    "threshold": r.threshold,
                    "latency_ms": latency_ms,
                    "rules": orjson.dumps(r.rules_fired).decode() if r.rules_fired else None,
                }
            )

    def stored_score(
        self,
        service: ScoringService,
        row: int,
        contributions: bool,
        language: Language,
        request_id: str,
        started: float,
    ) -> bytes | None:
        """The serialised score response of a stored client in `language` under the strategy in force,
        logged as `log_scores` logs any score; None until the responses are serialised."""
        active = self.strategies.current()
        body = service.stored_body(row, contributions, language, active)
        if body is not None:
            result = service.client_result(row, None, service.stored_decision(row, active))
            self.log_scores([result], ScoreKind.CLIENT, request_id, started)
        return body


def _log_vector(service: ScoringService) -> LogVector:
    """What the log stores of this model's inputs (the most important features, no direct identifier)."""
    try:
        importance = service.scorer.bundle.importance()
    except FileNotFoundError:
        importance = []
    return LogVector.for_model(service.scorer.feature_names, importance)
