"""The model card in numbers: version, threshold, cost, CV metrics, features and labels."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.errors import error_responses
from api.schemas import FeatureOut, ModelOut

router = APIRouter(tags=["model"])


@router.get("/model", response_model=ModelOut, responses=error_responses(401, 500, 503))
async def model(service: ServiceDep) -> ModelOut:
    """The served model: version, creation date, threshold, cost weights, CV metrics, features with labels."""
    meta = service.scorer.bundle.metadata
    return ModelOut(
        version=service.scorer.version,
        created_at=str(meta.get("created_at", "")),
        threshold=service.scorer.threshold,
        cost=meta.get("cost") or {},
        cv_metrics=meta.get("cv_metrics") or {},
        base_value=service.scorer.base_value,
        features=[
            FeatureOut(name=f.name, label=f.label, kind=f.kind, levels=list(f.levels))
            for f in service.scorer.features
        ],
        clients=len(service.store),
    )
