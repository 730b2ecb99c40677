"""The product's vocabularies, one home each: decisions, feature kinds, kinds of scoring request.

They are `StrEnum`s: each member equals its string value, which is what JSON, the database and the API carry.
"""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    """The model's decision: refuse when the probability of default reaches the threshold."""

    ACCEPT = "accept"
    REFUSE = "refuse"

    @classmethod
    def at(cls, probability: float, threshold: float) -> Decision:
        return cls.REFUSE if probability >= threshold else cls.ACCEPT


class FeatureKind(StrEnum):
    """How a feature's values are read: a number, the code of a level, a 0/1 flag or a count."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    FLAG = "flag"
    COUNT = "count"


class ScoreKind(StrEnum):
    """What a logged score was: a stored client, a posted application, one of a batch, a what-if."""

    CLIENT = "client"
    APPLICATION = "application"
    BATCH = "batch"
    WHAT_IF = "what-if"


class AlertKind(StrEnum):
    """What the monitoring loop tells people about (scoring/monitoring/alerts.json: meaning and action)."""

    DATA_DRIFT = "data_drift"
    PREDICTION_DRIFT = "prediction_drift"
    PERFORMANCE_DROP = "performance_drop"
    LATENCY = "latency"
    ERROR_RATE = "error_rate"
    MODEL_PROMOTED = "model_promoted"
