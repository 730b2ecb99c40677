"""The reason-code catalogue as the served model uses it: texts in the requested language, member
features, and each code's global importance (mean |SHAP| summed per code over the bundle's SHAP sample)."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import ServiceDep
from api.errors import error_responses
from api.language import LanguageDep
from scoring.explain.reason_codes import catalogue

router = APIRouter(prefix="/reason-codes", tags=["explanations"])


class ReasonCodeInfo(BaseModel):
    code: str
    title: str
    adverse: str = Field(description="Customer sentence when the code counts against an application")
    favourable: str = Field(description="Customer sentence when it counts in favour")
    officer_text: str
    actionable: bool
    action: str | None
    protected: bool = Field(description="Groups a protected characteristic (age, gender, family status)")
    features: list[str] = Field(description="The served model's features in this code")
    importance: float = Field(description="Mean |sum of the code's SHAP values| over the SHAP sample")
    importance_share: float = Field(ge=0, le=1, description="Share of the total importance of the codes")


class ReasonCodesOut(BaseModel):
    version: str = Field(description="Version of the catalogue")
    language: str
    model_version: str
    clients: int = Field(description="Clients of the SHAP sample behind the importance")
    codes: list[ReasonCodeInfo] = Field(description="Most important first")


@router.get("", response_model=ReasonCodesOut, responses=error_responses(401, 422, 500, 503))
def reason_codes(service: ServiceDep, language: LanguageDep) -> ReasonCodesOut:
    """Every reason code with its sentences, member features and global importance for the served model."""
    names = service.scorer.feature_names
    importance = service.code_importance()
    total = float(importance.sum()) or 1.0
    codes = catalogue()
    infos = []
    for i in np.argsort(-importance, kind="stable"):
        code = codes[service.grouping.codes[i]]
        infos.append(
            ReasonCodeInfo(
                code=code.code,
                title=code.text("title", language),
                adverse=code.text("adverse", language),
                favourable=code.text("favourable", language),
                officer_text=code.text("officer", language),
                actionable=code.actionable,
                action=code.text("action", language) if code.actionable else None,
                protected=code.protected,
                features=[names[j] for j in service.grouping.member_positions[i]],
                importance=float(importance[i]),
                importance_share=float(importance[i]) / total,
            )
        )
    return ReasonCodesOut(
        version=codes.version,
        language=language,
        model_version=service.scorer.version,
        clients=len(service.shap_sample()),
        codes=infos,
    )
