"""Features of the application row itself: cleaned raw fields, categorical codes and domain ratios.

Each feature is an expression (`scoring.features.expr`), so the same definition runs as SQL in the batch
build and as compiled Python when one posted application is scored.
"""

from __future__ import annotations

from functools import cache

from scoring.data.schema import APPLICATION_TEST, CAT
from scoring.features.application_feature import PREFIX, SOURCE, ApplicationFeature, derived
from scoring.features.encoding import MISSING_CODE
from scoring.features.expr import (
    Code,
    Col,
    Expr,
    RowCount,
    RowExtreme,
    RowSum,
    row_mean,
    row_product,
    row_std,
)
from scoring.features.feature import FeatureDefinition
from scoring.features.field_labels import application_label, application_label_fr, official_description
from scoring.features.loan_pricing import pricing_features
from scoring.vocabulary import FeatureKind

ANOMALY_FLAG = "DAYS_EMPLOYED_ANOM"
DAYS_PER_YEAR = 365.25

_KIND_OF_UNIT = {"code": FeatureKind.CATEGORICAL, "flag": FeatureKind.FLAG, "count": FeatureKind.COUNT}
_EXT_SOURCES = tuple(Col(f"EXT_SOURCE_{i}") for i in (1, 2, 3))
# Weights of the weighted external score: the third score, usually the strongest, counts most.
_EXT_WEIGHTS = (1.0, 2.0, 3.0)
_DOCUMENTS = tuple(Col(f"FLAG_DOCUMENT_{i}") for i in range(2, 22))
_CONTACT_FLAGS = tuple(
    Col(c)
    for c in (
        "FLAG_MOBIL",
        "FLAG_EMP_PHONE",
        "FLAG_WORK_PHONE",
        "FLAG_CONT_MOBILE",
        "FLAG_PHONE",
        "FLAG_EMAIL",
    )
)
_ADDRESS_FLAGS = tuple(
    Col(f"{a}_{level}_NOT_{b}_{level}")
    for level in ("REGION", "CITY")
    for a, b in (("REG", "LIVE"), ("REG", "WORK"), ("LIVE", "WORK"))
)
_BUREAU_ENQUIRIES = tuple(
    Col(f"AMT_REQ_CREDIT_BUREAU_{p}") for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")
)
_BUILDING = tuple(
    Col(c.name)
    for c in APPLICATION_TEST.columns
    if c.name.endswith(("_AVG", "_MODE", "_MEDI")) and c.kind != CAT and c.name != "TOTALAREA_MODE"
)


def _raw(column: str, expr: Expr, levels: tuple[str, ...] = ()) -> ApplicationFeature:
    label, unit = application_label(column)
    feature = FeatureDefinition(
        name=PREFIX + column,
        source=SOURCE,
        aggregation="categorical code" if levels else "raw",
        unit=unit,
        kind=_KIND_OF_UNIT.get(unit, FeatureKind.NUMERIC),
        label=label,
        levels=levels,
        description=official_description(SOURCE, column),
        label_fr=application_label_fr(column),
    )
    return ApplicationFeature(feature, expr)


def _raw_fields() -> list[ApplicationFeature]:
    features = []
    for column in APPLICATION_TEST.columns[1:]:
        if column.kind == CAT:
            features.append(_raw(column.name, Code(column.name, column.levels, MISSING_CODE), column.levels))
        else:
            features.append(_raw(column.name, Col(column.name)))
    anomaly = FeatureDefinition(
        name=PREFIX + ANOMALY_FLAG,
        source=SOURCE,
        aggregation="raw",
        unit="flag",
        kind=FeatureKind.FLAG,
        label="No employment start recorded (pensioner or unemployed)",
        label_fr="Pas de début d'emploi enregistré (retraité ou sans emploi)",
        description="1 when DAYS_EMPLOYED held the code 365243 in the raw data",
    )
    return [*features, ApplicationFeature(anomaly, Col(ANOMALY_FLAG))]


def _weighted_mean(items: tuple[Expr, ...], weights: tuple[float, ...]) -> Expr:
    """Weighted mean of the present items (a missing item drops out with its weight)."""
    numerator = RowSum(tuple(x * w for x, w in zip(items, weights, strict=True)))
    denominator = RowSum(tuple(x * 0.0 + w for x, w in zip(items, weights, strict=True)))
    return numerator / denominator


def _derived_fields() -> list[ApplicationFeature]:
    c = Col
    age, employed = c("DAYS_BIRTH"), c("DAYS_EMPLOYED")
    ratio = "ratio"
    return [
        derived(
            "AGE_YEARS", -age / DAYS_PER_YEAR, "-DAYS_BIRTH / 365.25", "years", "Age (years)", "Âge (ans)"
        ),
        derived(
            "EMPLOYED_YEARS",
            -employed / DAYS_PER_YEAR,
            "-DAYS_EMPLOYED / 365.25",
            "years",
            "Years in current employment",
            "Années dans l'emploi actuel",
        ),
        derived(
            "CREDIT_INCOME_RATIO",
            c("AMT_CREDIT") / c("AMT_INCOME_TOTAL"),
            ratio,
            ratio,
            "Credit amount / income",
            "Montant du crédit / revenu",
        ),
        derived(
            "ANNUITY_INCOME_RATIO",
            c("AMT_ANNUITY") / c("AMT_INCOME_TOTAL"),
            ratio,
            ratio,
            "Loan annuity / income",
            "Mensualité du prêt / revenu",
        ),
        derived(
            "PAYMENT_RATE",
            c("AMT_ANNUITY") / c("AMT_CREDIT"),
            ratio,
            ratio,
            "Payment rate (loan annuity / credit amount)",
            "Taux de remboursement (mensualité / montant du crédit)",
        ),
        derived(
            "CREDIT_TERM",
            c("AMT_CREDIT") / c("AMT_ANNUITY"),
            ratio,
            "annuities",
            "Loan length (credit amount / annuity)",
            "Durée du prêt (montant du crédit / mensualité)",
        ),
        derived(
            "GOODS_CREDIT_RATIO",
            c("AMT_GOODS_PRICE") / c("AMT_CREDIT"),
            ratio,
            ratio,
            "Goods price / credit amount",
            "Prix du bien / montant du crédit",
        ),
        derived(
            "CREDIT_GOODS_RATIO",
            c("AMT_CREDIT") / c("AMT_GOODS_PRICE"),
            ratio,
            ratio,
            "Credit amount / goods price",
            "Montant du crédit / prix du bien",
        ),
        derived(
            "CREDIT_GOODS_DIFF",
            c("AMT_CREDIT") - c("AMT_GOODS_PRICE"),
            "difference",
            "currency",
            "Credit amount above the goods price",
            "Montant du crédit au-delà du prix du bien",
        ),
        derived(
            "EMPLOYED_AGE_RATIO",
            employed / age,
            ratio,
            ratio,
            "Share of life spent in current employment",
            "Part de la vie passée dans l'emploi actuel",
        ),
        derived(
            "INCOME_PER_PERSON",
            c("AMT_INCOME_TOTAL") / c("CNT_FAM_MEMBERS"),
            ratio,
            "currency",
            "Income per family member",
            "Revenu par membre de la famille",
        ),
        derived(
            "ANNUITY_PER_PERSON",
            c("AMT_ANNUITY") / c("CNT_FAM_MEMBERS"),
            ratio,
            "currency",
            "Loan annuity per family member",
            "Mensualité par membre de la famille",
        ),
        derived(
            "CHILDREN_RATIO",
            c("CNT_CHILDREN") / c("CNT_FAM_MEMBERS"),
            ratio,
            ratio,
            "Share of children in the family",
            "Part des enfants dans la famille",
        ),
        derived(
            "REGISTRATION_AGE_RATIO",
            c("DAYS_REGISTRATION") / age,
            ratio,
            ratio,
            "Time since registration change / age",
            "Temps depuis le changement d'enregistrement / âge",
        ),
        derived(
            "ID_PUBLISH_AGE_RATIO",
            c("DAYS_ID_PUBLISH") / age,
            ratio,
            ratio,
            "Time since identity document change / age",
            "Temps depuis le changement de pièce d'identité / âge",
        ),
        derived(
            "PHONE_CHANGE_AGE_RATIO",
            c("DAYS_LAST_PHONE_CHANGE") / age,
            ratio,
            ratio,
            "Time since phone change / age",
            "Temps depuis le changement de téléphone / âge",
        ),
        derived(
            "CAR_AGE_RATIO",
            c("OWN_CAR_AGE") / (-age / DAYS_PER_YEAR),
            ratio,
            ratio,
            "Age of the car / age of the client",
            "Âge de la voiture / âge du client",
        ),
        derived(
            "EXT_SOURCE_MEAN",
            row_mean(_EXT_SOURCES),
            "mean over EXT_SOURCE_1-3",
            "score",
            "Average external credit score",
            "Score de crédit externe moyen",
        ),
        derived(
            "EXT_SOURCE_MIN",
            RowExtreme(_EXT_SOURCES, largest=False),
            "min over EXT_SOURCE_1-3",
            "score",
            "Lowest external credit score",
            "Score de crédit externe le plus bas",
        ),
        derived(
            "EXT_SOURCE_MAX",
            RowExtreme(_EXT_SOURCES, largest=True),
            "max over EXT_SOURCE_1-3",
            "score",
            "Highest external credit score",
            "Score de crédit externe le plus haut",
        ),
        derived(
            "EXT_SOURCE_STD",
            row_std(_EXT_SOURCES),
            "std over EXT_SOURCE_1-3",
            "score",
            "Disagreement between external credit scores (std)",
            "Désaccord entre les scores de crédit externes (écart-type)",
        ),
        derived(
            "EXT_SOURCE_PROD",
            row_product(_EXT_SOURCES),
            "product of EXT_SOURCE_1-3",
            "score",
            "Product of the three external credit scores",
            "Produit des trois scores de crédit externes",
        ),
        derived(
            "EXT_SOURCE_23_PROD",
            c("EXT_SOURCE_2") * c("EXT_SOURCE_3"),
            "EXT_SOURCE_2 * EXT_SOURCE_3",
            "score",
            "Product of external credit scores 2 and 3",
            "Produit des scores de crédit externes 2 et 3",
        ),
        derived(
            "EXT_SOURCE_WEIGHTED",
            _weighted_mean(_EXT_SOURCES, _EXT_WEIGHTS),
            "weighted mean over EXT_SOURCE_1-3 (weights 1, 2, 3)",
            "score",
            "Weighted average external credit score",
            "Score de crédit externe moyen pondéré",
        ),
        derived(
            "EXT_SOURCE_COUNT",
            RowCount(_EXT_SOURCES),
            "count present over EXT_SOURCE_1-3",
            "count",
            "Number of external credit scores available",
            "Nombre de scores de crédit externes disponibles",
        ),
        derived(
            "DOCUMENT_COUNT",
            RowSum(_DOCUMENTS),
            "sum of FLAG_DOCUMENT_2-21",
            "count",
            "Number of documents provided",
            "Nombre de documents fournis",
        ),
        derived(
            "CONTACT_FLAG_COUNT",
            RowSum(_CONTACT_FLAGS),
            "sum of phone and email flags",
            "count",
            "Number of contact channels given (phones, email)",
            "Nombre de moyens de contact donnés (téléphones, e-mail)",
        ),
        derived(
            "ADDRESS_MISMATCH_COUNT",
            RowSum(_ADDRESS_FLAGS),
            "sum of address mismatch flags",
            "count",
            "Number of mismatches between permanent, contact and work addresses",
            "Nombre d'écarts entre adresses permanente, de contact et professionnelle",
        ),
        derived(
            "BUREAU_ENQUIRY_COUNT",
            RowSum(_BUREAU_ENQUIRIES),
            "sum of AMT_REQ_CREDIT_BUREAU_*",
            "count",
            "Credit bureau enquiries in the last year",
            "Consultations du bureau de crédit dans la dernière année",
        ),
        derived(
            "SOCIAL_DEFAULT_RATIO_30",
            c("DEF_30_CNT_SOCIAL_CIRCLE") / c("OBS_30_CNT_SOCIAL_CIRCLE"),
            ratio,
            ratio,
            "Share of observed acquaintances who defaulted (30+ days)",
            "Part des connaissances observées en défaut (30 jours ou plus)",
        ),
        derived(
            "SOCIAL_DEFAULT_RATIO_60",
            c("DEF_60_CNT_SOCIAL_CIRCLE") / c("OBS_60_CNT_SOCIAL_CIRCLE"),
            ratio,
            ratio,
            "Share of observed acquaintances who defaulted (60+ days)",
            "Part des connaissances observées en défaut (60 jours ou plus)",
        ),
        derived(
            "BUILDING_INFO_COUNT",
            RowCount(_BUILDING),
            "count present over building fields",
            "count",
            "Number of building details known",
            "Nombre de caractéristiques de l'immeuble connues",
        ),
        *pricing_features(),
    ]


@cache
def application_features() -> tuple[ApplicationFeature, ...]:
    """Every application feature, in output order: raw fields (schema order), then derived ones."""
    return (*_raw_fields(), *_derived_fields())
