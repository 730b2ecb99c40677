"""Global explanations: importance and the training-time SHAP sample for summary and dependence plots."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.model import GlobalExplanationOut, ImportanceOut, ShapSample
from scoring.features.dictionary import feature_label

router = APIRouter(prefix="/explain", tags=["explanations"])


@router.get("/global", response_model=GlobalExplanationOut, responses=error_responses(401, 422, 500, 503))
def global_explanation(
    service: ServiceDep,
    language: LanguageDep,
    top: Annotated[int, Query(ge=1, le=100, description="Features of the sample (by importance)")] = 20,
    rows: Annotated[int, Query(ge=1, le=5000, description="Clients of the sample")] = 2000,
) -> GlobalExplanationOut:
    """Mean |SHAP| of every feature (labels in the request's language), and the SHAP sample for the `top`
    features."""
    importance = service.scorer.bundle.importance()
    sample = service.shap_sample().head(rows)
    names = [e["feature"] for e in importance[:top] if e["feature"] in sample.columns]
    return GlobalExplanationOut(
        model_version=service.scorer.version,
        base_value=service.scorer.base_value,
        importance=[
            ImportanceOut(
                **{k: e.get(k) for k in ("feature", "mean_abs_shap", "gain")},
                label=feature_label(e["feature"], language, e.get("label") or e["feature"]),
            )
            for e in importance
        ],
        sample=ShapSample(
            client_ids=sample["SK_ID_CURR"].to_list(),
            target=sample["TARGET"].to_list(),
            probability=sample["probability"].to_list(),
            values={n: sample[n].cast(float).fill_nan(None).to_list() for n in names},
            shap={n: sample[f"SHAP__{n}"].to_list() for n in names},
        ),
    )
