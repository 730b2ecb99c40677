"""The model card in numbers: version, threshold, cost, CV metrics, features and labels."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from api.schemas.model import FeatureOut, ModelOut, ScorecardRowOut
from scoring.features.dictionary import feature_label, feature_unit
from scoring.serving.offering import model_profit
from scoring.serving.scorecard_table import readable_points

router = APIRouter(tags=["model"])


@router.get("/model", response_model=ModelOut, responses=error_responses(401, 422, 500, 503))
def model(service: ServiceDep, language: LanguageDep) -> ModelOut:
    """The served model: version, kind, threshold, cost weights, out-of-fold metrics and calibration, the
    candidate comparison, the challenger, the scorecard's points and the features it uses, with labels (in
    the request's language); the expected profit per 1,000 applicants at the threshold (first call: read
    from the bundle's out-of-fold PDs); the decision strategy in force, when one decides instead of the
    threshold alone."""
    meta = service.scorer.bundle.metadata
    profit = model_profit(service)
    active = service.decider.current()
    return ModelOut(
        version=service.scorer.version,
        created_at=str(meta.get("created_at", "")),
        kind=service.scorer.kind,
        candidate=meta.get("candidate"),
        threshold=service.scorer.threshold,
        cost=meta.get("cost") or {},
        cv_metrics=meta.get("cv_metrics") or {},
        calibration=meta.get("calibration"),
        candidates=meta.get("candidates") or [],
        selection_rule=meta.get("selection_rule"),
        feature_selection=meta.get("feature_selection"),
        monotone=meta.get("monotone"),
        challenger=meta.get("challenger"),
        scorecard=_readable(meta.get("scorecard"), meta.get("features") or [], language),
        base_value=service.scorer.base_value,
        base_probability=service.scorer.base_probability,
        features=[
            FeatureOut(
                name=f.name,
                label=feature_label(f.name, language, f.label),
                kind=f.kind,
                levels=list(f.levels),
            )
            for f in service.scorer.features
        ],
        clients=len(service.store),
        expected_profit_per_1000=None if profit is None else profit["expected_profit_per_1000"],
        profit=profit,
        strategy=None if active is None else active.describe(),
    )


def _readable(rows: list[dict] | None, features: list[dict], language: str) -> list[ScorecardRowOut] | None:
    """The scorecard's rows in readable units, twins merged, each with its feature's label in `language`
    and the unit of its bounds."""
    if rows is None:
        return None
    levels = {f["name"]: f.get("levels") or [] for f in features}
    labels = {r["feature"]: r.get("label") or r["feature"] for r in rows}
    return [
        ScorecardRowOut.model_validate(
            {
                **r,
                "label": feature_label(r["feature"], language, labels.get(r["feature"], r["feature"])),
                "unit": feature_unit(r["feature"]),
            }
        )
        for r in readable_points(rows, levels)
    ]
