"""The model's life in service: the trend across drift runs and the history of retrain decisions."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SettingsDep
from api.errors import error_responses
from api.schemas.monitoring import RetrainDecisionOut, TrendPointOut
from scoring.drift.trend import read_index, trend
from scoring.monitoring.history import read_history

router = APIRouter(tags=["monitoring"])


@router.get("/reports/drift-trend", response_model=list[TrendPointOut], responses=error_responses(401, 500))
def drift_trend(settings: SettingsDep) -> list[TrendPointOut]:
    """Each drift run's figures, oldest first: PSI of the score, drifted shares (Evidently and PSI), the
    estimated AUC, default rate and cost (CBPE) and the reference AUC, alert kinds."""
    return [TrendPointOut(**p) for p in trend(read_index(settings.reports_dir / "drift"))]


@router.get("/model/history", response_model=list[RetrainDecisionOut], responses=error_responses(401, 500))
def model_history(settings: SettingsDep) -> list[RetrainDecisionOut]:
    """Every retrain decision, newest first: challenger against champion on the same out-of-time window,
    each check of the promotion rule with both figures, promoted, kept or skipped."""
    path = settings.models_dir / settings.paths.model_history.name
    return [RetrainDecisionOut(**d) for d in reversed(read_history(path))]
