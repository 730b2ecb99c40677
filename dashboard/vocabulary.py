"""The API's vocabularies that the dashboard shows in the page's language.

The API sends these values (and, for some, an English label); the dashboard cannot import `scoring`, so it
keeps their English labels here, marked for translation, and a test keeps these tables equal to the
`scoring` vocabularies they mirror. A value the dashboard does not know (a newer API) is shown with the
API's own label, or as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dashboard.i18n import ENGLISH, N_, Translator
from dashboard.levels import CATEGORY_LEVELS

DECISIONS = {  # scoring.vocabulary.Decision: the automatic decision of a score
    "accept": N_("Credit granted"),
    "refer": N_("Referred to a credit officer"),
    "refuse": N_("Credit refused"),
}
OFFICER_DECISIONS = {  # scoring.vocabulary.OfficerDecision
    "accept": N_("Accept"),
    "accept-counter-offer": N_("Accept the counter-offer"),
    "refuse": N_("Refuse"),
    "refer": N_("Refer to a senior officer"),
}
# scoring.vocabulary.DecisionStatus
FINAL, AWAITING_APPROVAL, REJECTED = "final", "awaiting-approval", "rejected"
ANNOUNCED = frozenset(
    {"accept", "accept-counter-offer", "refuse"}
)  # OfficerDecision.announced: a letter follows
OVERRIDE_REASONS = {  # scoring.vocabulary.OverrideReason
    "information-outside-model": N_("Information the model does not have (documents, interview)"),
    "data-error": N_("Error or out-of-date value in the application or history"),
    "verified-income": N_("Income or employment verified differently"),
    "collateral-or-guarantor": N_("Collateral or a guarantor"),
    "existing-relationship": N_("Existing relationship with the lender"),
    "affordability": N_("Affordability concern the score does not capture"),
    "fraud-suspicion": N_("Suspected fraud or inconsistent documents"),
    "policy-rule": N_("Lending policy rule"),
    "other": N_("Other (explained in the justification)"),
}
ROLES = {  # scoring.vocabulary.Role
    "officer": N_("Credit officer"),
    "senior": N_("Senior credit officer"),
    "analyst": N_("Risk analyst"),
    "admin": N_("Administrator"),
}
AUDIT_ACTIONS = {  # scoring.vocabulary.AuditAction (a test checks each has words; older rows keep theirs)
    "sign-in": N_("Signed in"),
    "sign-in-failed": N_("Failed sign-in"),
    "account-locked": N_("Account locked"),
    "sign-out": N_("Signed out"),
    "access-denied": N_("Access refused"),
    "view-client": N_("Viewed a client"),
    "score": N_("Scored a client"),
    "decision": N_("Decision recorded"),
    "override": N_("Model overridden"),
    "decision-approved": N_("Decision above the limits approved"),
    "decision-rejected": N_("Decision above the limits rejected"),
    "case-taken": N_("Worklist case taken"),
    "letter-issued": N_("Letter issued"),
    "model-promoted": N_("Model promoted"),
    "strategy-activated": N_("Decision strategy activated"),
    "strategy-proposed": N_("Decision strategy proposed"),
    "strategy-rejected": N_("Decision strategy rejected"),
    "user-created": N_("Account added"),
    "user-disabled": N_("Account disabled"),
    "user-enabled": N_("Account enabled"),
    "password-reset": N_("Password set"),
    "password-changed": N_("Own password changed"),
    "audit-exported": N_("Audit trail exported"),
    "audit-purged": N_("Old audit rows purged"),
}
PSI_BANDS = {  # scoring.drift.psi
    "stable": N_("stable"),
    "moderate": N_("moderate shift"),
    "significant": N_("significant shift"),
}
RETRAIN_OUTCOMES = {  # scoring.monitoring.history
    "promoted": N_("\u2b06 promoted"),
    "kept": N_("\u2714 champion kept"),
    "skipped": N_("\u2013 skipped"),
}
SELECTION_RULES = {  # scoring.modeling.candidates.RULE
    "simplest eligible candidate whose mean AUC is within one standard deviation (across repeats) of the "
    "highest mean AUC": N_(
        "simplest eligible candidate whose mean AUC is within one standard deviation (across repeats) of "
        "the highest mean AUC"
    ),
}
CANDIDATES = {  # scoring.modeling.candidates.candidate_list: the models compared at training
    "dummy (prior)": N_("dummy (prior)"),
    "scorecard": N_("scorecard"),
    "logistic regression": N_("logistic regression"),
    "LightGBM": N_("LightGBM"),
    "LightGBM class_weight": N_("LightGBM, classes weighted"),
    "LightGBM undersample": N_("LightGBM, undersampled"),
    "LightGBM smote": N_("LightGBM, SMOTE"),
    "LightGBM + logistic regression": N_("LightGBM + logistic regression"),
    "LightGBM + logistic regression + scorecard": N_("LightGBM + logistic regression + scorecard"),
}
CALIBRATIONS = {  # scoring.modeling.calibration: how a candidate's scores became probabilities
    "platt": N_("Platt (logistic)"),
    "isotonic": N_("isotonic"),
}
FAIRNESS_ATTRIBUTES = {  # scoring.modeling.fairness
    "CODE_GENDER": N_("Gender"),
    "age band": N_("Age band"),
}
SEGMENTS = {  # scoring/drift/segments.json: the segments the drift run watches
    "NAME_CONTRACT_TYPE": N_("Contract type"),
    "NAME_INCOME_TYPE": N_("Income type"),
    "REGION_RATING_CLIENT": N_("Region rating"),
    "AGE_BAND": N_("Age band"),
    "RISK_GRADE": N_("Risk grade"),
}
LEVELS = {"missing": N_("missing")}  # a fairness group or a scorecard bin without a value
# segments and fairness attributes whose values are the API's own words (a grade, a band), not the data's
# category levels: "F" there is a risk grade, not "Female"
PLAIN_VALUES = frozenset({"RISK_GRADE", "AGE_BAND", "age band"})
CBPE_CALIBRATIONS = {  # scoring.drift.cbpe
    "bundle (calibrated)": N_("the model's calibrated probabilities"),
    "isotonic map fitted on the reference's out-of-fold probabilities": N_(
        "an isotonic map fitted on the reference's out-of-fold probabilities"
    ),
}


def label(
    table: Mapping[str, str], value: object, t: Translator = ENGLISH, fallback: str | None = None
) -> str:
    """The label of `value` in the page's language; the API's `fallback` label (or the value) when unknown."""
    key = str(value) if value is not None else ""
    if key in table:
        return t.gettext(table[key])
    return fallback if fallback is not None else key


# 0/1 columns: FLAG_*, REG_REGION_NOT_LIVE_REGION-like address checks, DAYS_EMPLOYED_ANOM (with or
# without the model's APP_ prefix)
_FLAG_COLUMN = re.compile(r"(^|_)FLAG_|_NOT_|_ANOM$")
_FLAG_VALUES = {0: N_("No"), 1: N_("Yes")}


def level_label(column: str, level: object, t: Translator = ENGLISH) -> str:
    """A categorical value in the page's language: a level of the raw tables (`Married`, `Y`), or 0/1 of a
    flag column (`FLAG_EMP_PHONE`, `APP_REG_CITY_NOT_WORK_CITY`) as No/Yes; any other value as it is.

    `column` is the raw column or model feature the value belongs to (a segment or attribute of
    `PLAIN_VALUES` keeps its values as they are).
    """
    if column in PLAIN_VALUES:
        return "" if level is None else str(level)
    if isinstance(level, str):
        return t.gettext(CATEGORY_LEVELS[level]) if level in CATEGORY_LEVELS else level
    if _FLAG_COLUMN.search(column) and isinstance(level, int | float) and level in _FLAG_VALUES:
        return t.gettext(_FLAG_VALUES[int(level)])
    return "" if level is None else str(level)


def group_label(attribute: str, group: object, t: Translator = ENGLISH) -> str:
    """A fairness group in the page's language: a gender level in words ("Female"), an age band as it is, a
    group without a value "missing"."""
    if str(group) in LEVELS:
        return label(LEVELS, group, t)
    return level_label(attribute, group, t)


def selection_rule(rule: str | None, t: Translator = ENGLISH) -> str:
    """How the candidates were chosen (the lowest cost when the model does not say)."""
    if rule is None:
        return t.gettext("the lowest cost")
    return label(SELECTION_RULES, rule, t)
