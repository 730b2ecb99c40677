"""The names a rule's condition may read: the application's raw columns, the model's features and the offer's
figures of the requested loan (OFFER_*: `scoring.offer.requested_loan`)."""

from __future__ import annotations

from functools import cache

from scoring.data.schema import APPLICATION_TRAIN, CAT, KEY, TARGET
from scoring.features.catalog import feature_names
from scoring.offer.requested_loan import offer_names
from scoring.strategy.conditions import NUMBER, TEXT


@cache
def known_names() -> dict[str, str]:
    """Name -> number or text: every raw application column but the key and the outcome (categorical
    columns are texts, their levels as in the application), every feature (numbers), then the offer's
    figures of the requested loan (`requested_loan.json`)."""
    raw = {
        c.name: TEXT if c.kind == CAT else NUMBER
        for c in APPLICATION_TRAIN.columns
        if c.kind != KEY and c.name != TARGET
    }
    return raw | dict.fromkeys(feature_names(), NUMBER) | offer_names()


def raw_columns() -> frozenset[str]:
    """The names that are raw application columns (the others are features)."""
    return frozenset(c.name for c in APPLICATION_TRAIN.columns if c.kind != KEY and c.name != TARGET)
