"""Model page, points table: every bin of a time reads apart from the others, dates before the application
read as a person tells time (English and French), and categories in the page's language."""

from __future__ import annotations

import pytest

from api.schemas.model import ScorecardRowOut
from dashboard.components.model_quality import bin_text, points_table
from dashboard.i18n import ENGLISH, Translator, translator
from tests.support.components import components

FR = translator("fr")


def bins(feature: str, unit: str, cuts: list[float]) -> list[dict]:
    """A characteristic's rows as the API sends them: one per bin between consecutive cuts, both ends open."""
    edges = [None, *cuts, None]
    return [
        ScorecardRowOut.model_validate(
            {
                "feature": feature,
                "label": feature,
                "unit": unit,
                "bin": "",
                "low": low,
                "high": high,
                "points": 1.0,
            }
        ).model_dump()
        for low, high in zip(edges[:-1], edges[1:], strict=True)
    ]


DELAY = bins("INST_DPD_MEAN", "days", [0.0227, 0.2, 0.6, 1.0, 1.3, 3.5, 12.0, 45.3])
SPREAD = bins("INST_DPD_STD", "days", [0.05, 0.4, 0.7, 2.0])
REGISTERED = bins("APP_DAYS_REGISTRATION", "days", [-1972.0, -1461.0, -500.0, -30.0])
MODEL = {"scorecard": DELAY + SPREAD + REGISTERED}


def shown_bins(t: Translator) -> dict[str, list[str]]:
    """The Bin column of the points table, by characteristic."""
    table = next(c for c in components(points_table(MODEL, t)) if getattr(c, "id", None) == "model-points")
    body = table.children[1].children
    found: dict[str, list[str]] = {}
    for row in body:
        feature, text = row.children[0].children, row.children[1].children
        found.setdefault(feature, []).append(text)
    return found


@pytest.mark.parametrize("t", [ENGLISH, FR], ids=["en", "fr"])
def test_every_bin_of_a_time_reads_apart_from_the_others(t: Translator) -> None:
    for feature, texts in shown_bins(t).items():
        assert len(set(texts)) == len(texts), (feature, texts)
    spread = shown_bins(t)["INST_DPD_STD"]
    assert not any("0 days" in text or "0 jours" in text for text in spread)  # no 'under 0 days'


def test_sub_day_bounds_show_just_the_digits_that_tell_them_apart() -> None:
    assert shown_bins(ENGLISH)["INST_DPD_MEAN"] == [
        "under 0.023 days",
        "0.023 to under 0.2 days",
        "0.2 to under 0.6 days",
        "0.6 to under 1.0 days",
        "1.0 to under 1.3 days",
        "1.3 to under 3.5 days",
        "3.5 to under 12 days",
        "12 to under 45 days",
        "45 days or more",
    ]
    assert shown_bins(FR)["INST_DPD_STD"][:2] == ["moins de 0,05 jour", "de 0,05 à moins de 0,4 jour"]
    french = shown_bins(FR)["INST_DPD_MEAN"]  # the unit agrees with the upper bound: singular under 2
    assert french[3:6] == [
        "de 0,6 à moins de 1,0 jour",
        "de 1,0 à moins de 1,3 jour",
        "de 1,3 à moins de 3,5 jours",
    ]
    assert shown_bins(ENGLISH)["INST_DPD_STD"][-1] == "2 days or more"


def test_dates_before_the_application_read_from_the_earlier_to_the_later() -> None:
    assert shown_bins(ENGLISH)["APP_DAYS_REGISTRATION"] == [
        "more than 5.4 years ago",
        "between 5.4 and 4.0 years ago",
        "between 4.0 years and 16 months ago",
        "between 16 months and 30 days ago",
        "less than 30 days ago",
    ]
    assert shown_bins(FR)["APP_DAYS_REGISTRATION"] == [
        "il y a plus de 5,4 ans",
        "il y a entre 4,0 et 5,4 ans",
        "il y a entre 16 mois et 4,0 ans",
        "il y a entre 30 jours et 16 mois",
        "il y a moins de 30 jours",
    ]


def test_a_lone_bin_reads_its_two_bounds_apart() -> None:
    assert bin_text({"feature": "INST_DPD_MEAN", "unit": "days", "low": 0.2, "high": 0.6}) == (
        "0.2 to under 0.6 days"
    )
    months = {"feature": "POS_MONTHS_BALANCE_MAX", "unit": "months", "low": -13.0, "high": -2.0}
    assert bin_text(months, FR) == "il y a entre 2 et 13 mois"


def test_categories_of_a_bin_in_the_pages_language_the_long_lists_shortened() -> None:
    education = {"feature": "APP_NAME_EDUCATION_TYPE", "levels": ["Higher education", "Academic degree"]}
    assert bin_text(education) == "Higher education, Academic degree"
    assert bin_text(education, FR) == "Études supérieures, Diplôme universitaire"
    organisations = ["Business Entity Type 1", "Trade: type 3", "Self-employed", "Other", "Medicine"]
    organisation = {"feature": "APP_ORGANIZATION_TYPE", "levels": organisations}
    assert bin_text(organisation) == "Business Entity Type 1, Trade: type 3, Self-employed and 2 more"
    assert bin_text(organisation, FR) == "Entreprise de type 1, Commerce : type 3, Indépendant et 2 autres"


def test_a_label_does_not_name_the_unit_of_days_its_bins_read_in_years() -> None:
    registered = [
        {**row, "label": "Registration changed (days before the application)"} for row in REGISTERED
    ]
    table = next(
        c
        for c in components(points_table({"scorecard": registered}, ENGLISH))
        if getattr(c, "id", None) == "model-points"
    )
    labels = {row.children[0].children for row in table.children[1].children}
    assert labels == {"Registration changed"}
