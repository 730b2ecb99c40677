"""The feature dictionary: every feature has a plain label, a source table, a unit and a kind."""

from __future__ import annotations

import re

import pytest

from scoring.data.schema import TABLES
from scoring.features.aggregation import Agg, Post, Subset, TableSpec, Term, outputs
from scoring.features.dictionary import feature_dictionary, feature_labels

RAW_NAME = re.compile(r"\b[A-Z0-9]+(_[A-Z0-9]+)+\b")


def test_every_entry_is_complete() -> None:
    kinds = {"numeric", "categorical", "flag", "count"}
    sources = {"application", *TABLES}
    for entry in feature_dictionary():
        assert entry["label"] and entry["unit"] and entry["aggregation"], entry["name"]
        assert entry["kind"] in kinds, entry["name"]
        assert entry["source"] in sources, entry["name"]
        if entry["kind"] == "categorical":
            assert entry["levels"] and entry["missing_code"] == -1, entry["name"]
        if entry["kind"] == "count" and entry["source"] != "application":
            assert entry["default"] == 0.0, entry["name"]


def test_labels_are_plain_language_and_unique() -> None:
    labels = feature_labels()
    for name, label in labels.items():
        assert not RAW_NAME.search(label), (name, label)
        assert label[0].isupper(), (name, label)
    assert len(set(labels.values())) == len(labels)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("APP_AMT_CREDIT", "Credit amount of the loan"),
        ("APP_DAYS_BIRTH", "Age (days, negative)"),
        ("APP_CREDIT_INCOME_RATIO", "Credit amount / income"),
        ("INST_DPD_MEAN", "Average delay of instalment payments (days)"),
        ("PREV_REFUSED_COUNT", "Number of refused previous applications"),
        ("BUREAU_DAYS_CREDIT_MAX", "Latest opening date of bureau credits (days)"),
        ("BUREAU_BB_STATUS_1_MONTHS_SUM", "Total months in status 1 (1-30 days late) of bureau credits"),
        ("CC_LAST12M_LATE_MEAN", "Share of monthly credit card statements of the last 12 months past due"),
        (
            "PREV_CODE_REJECT_REASON_SCO_SHARE",
            "Share of previous applications with rejection reason 'credit score (code SCO)'",
        ),
    ],
)
def test_label_examples(name: str, label: str) -> None:
    assert feature_labels()[name] == label


def test_bureau_balance_features_name_their_source() -> None:
    sources = {e["name"]: e["source"] for e in feature_dictionary()}
    assert sources["BUREAU_BB_MONTHS_SUM"] == "bureau_balance"
    assert sources["BUREAU_AMT_CREDIT_SUM_SUM"] == "bureau"


def _spec(post: tuple[Post, ...] = (), aggs: tuple[Agg, ...] = ()) -> TableSpec:
    return TableSpec(
        table="bureau",
        prefix="B",
        terms={"AMT_ANNUITY": Term("annuity of {rows}", "currency")},
        subsets=(Subset("", None, "credits", aggs),),
        post=post,
    )


def test_spec_errors_are_caught_when_compiled() -> None:
    assert [o.feature.name for o in outputs(_spec(aggs=(Agg("AMT_ANNUITY", ("max",)),)))] == [
        "B_COUNT",
        "B_AMT_ANNUITY_MAX",
    ]
    with pytest.raises(KeyError, match="no term"):
        outputs(_spec(aggs=(Agg("AMT_CREDIT_SUM", ("max",)),)))
    with pytest.raises(KeyError, match="unknown aggregates"):
        outputs(_spec(post=(Post("B_X", "{B_NOPE} / 2", "ratio", "x"),)))
    with pytest.raises(KeyError, match="duplicate"):
        outputs(_spec(aggs=(Agg("AMT_ANNUITY", ("max",)), Agg("AMT_ANNUITY", ("max",)))))


ENGLISH_WORDS = re.compile(
    r"\b(average|previous|applications?|credit card|of the|share of|number of|with|amount|loans?|payments?|"
    r"days|months|years|late|income|bureau credits|statements|the|of|and|owns|married|working)\b",
    re.IGNORECASE,
)


def test_every_feature_has_a_french_label() -> None:
    """Each entry carries its label per language; the French one is French (no English words left)."""
    entries = feature_dictionary()
    assert len(entries) > 600
    for entry in entries:
        labels = entry["labels"]
        assert labels["en"] == entry["label"], entry["name"]
        assert labels["fr"] and labels["fr"] != labels["en"], entry["name"]
        assert not ENGLISH_WORDS.search(labels["fr"]), (entry["name"], labels["fr"])
        assert not RAW_NAME.search(labels["fr"]) and labels["fr"][0].isupper(), (entry["name"], labels["fr"])
    french = feature_labels("fr")
    assert len(set(french.values())) == len(french)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("PREV_REFUSED_AMT_ANNUITY_MEAN", "Mensualité des demandes précédentes refusées (moyenne)"),
        ("PREV_REFUSED_COUNT", "Nombre de demandes précédentes refusées"),
        ("INST_DPD_MEAN", "Retard des paiements d'échéances (moyenne, jours)"),
        ("BUREAU_DAYS_CREDIT_MAX", "Date d'ouverture des crédits déclarés au bureau (au plus tard, jours)"),
        ("APP_NAME_FAMILY_STATUS", "Situation familiale"),
        (
            "BUREAU_CREDIT_TYPE_CREDIT_CARD_SHARE",
            "Part des crédits déclarés au bureau avec type de crédit « Carte de crédit »",
        ),
        ("INST_LATE_SUM", "Nombre de paiements d'échéances payés en retard"),
        ("APP_LIVINGAREA_MEDI", "Immeuble : surface habitable (normalisé, médiane)"),
    ],
)
def test_french_label_examples(name: str, label: str) -> None:
    assert feature_labels("fr")[name] == label


def test_feature_label_in_a_language_falls_back_to_the_bundle_label() -> None:
    from scoring.features.dictionary import feature_label

    assert feature_label("APP_AMT_CREDIT", "fr", "x") == "Montant du crédit"
    assert feature_label("APP_AMT_CREDIT", "en", "x") == "Credit amount of the loan"
    assert feature_label("OLD_FEATURE", "fr", "Old feature") == "Old feature"
    assert feature_label("APP_AMT_CREDIT", "de", "Credit amount of the loan") == "Credit amount of the loan"
