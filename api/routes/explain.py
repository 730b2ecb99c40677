"""Global explanations: importance and the training-time SHAP sample for summary and dependence plots, raw
(`/explain/global`) or binned (`/explain/summary`, what the Model page draws)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.model import (
    BeeswarmRowOut,
    DependenceOut,
    GlobalExplanationOut,
    GlobalSummaryOut,
    ImportanceOut,
    ShapSample,
    SummaryImportanceOut,
)
from scoring.features.dictionary import feature_label, feature_unit
from scoring.serving.shap_summary import bundle_summary

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


@router.get("/summary", response_model=GlobalSummaryOut, responses=error_responses(401, 422, 500, 503))
def summary(
    service: ServiceDep,
    language: LanguageDep,
    top: Annotated[int, Query(ge=1, le=50, description="Features binned (by importance)")] = 10,
    bins: Annotated[int, Query(ge=5, le=100, description="SHAP bins of the summary")] = 30,
    value_bins: Annotated[int, Query(ge=2, le=50, description="Value bins of a dependence curve")] = 20,
    features: Annotated[int, Query(ge=1, le=1000, description="Features of the importance list")] = 30,
) -> GlobalSummaryOut:
    """Importance of the `features` most important features (twins in two units, e.g. age in years and in
    days, merged), the SHAP summary of the `top` features as counts per SHAP bin with the mean rank of their
    values, and each one's dependence curve in value bins: a few kilobytes whatever the sample's size."""
    found = bundle_summary(service.scorer.bundle.path, top, bins, value_bins)
    labels = {
        q.feature: feature_label(q.feature, language, _bundle_label(service, q.feature))
        for q in found.importance
    }
    return GlobalSummaryOut(
        model_version=service.scorer.version,
        base_value=service.scorer.base_value,
        clients=found.clients,
        importance=[
            SummaryImportanceOut(
                feature=q.feature,
                label=labels[q.feature],
                mean_abs_shap=q.mean_abs_shap,
                gain=q.gain,
                members=list(q.members),
            )
            for q in found.importance[:features]
        ],
        edges=found.edges,
        beeswarm=[
            BeeswarmRowOut.model_validate({**vars(r), "label": labels[r.feature]}) for r in found.beeswarm
        ],
        dependence=[
            DependenceOut.model_validate(
                {**vars(d), "label": labels[d.feature], "unit": feature_unit(d.feature)}
            )
            for d in found.dependence
        ],
    )


def _bundle_label(service: ServiceDep, feature: str) -> str:
    """The bundle's own label of a feature (its name when the model does not use it)."""
    return next((f.label for f in service.scorer.features if f.name == feature), feature)
