import math

import numpy as np

from scoring.explain.reasons import top_reasons
from scoring.features.feature import ModelFeature
from scoring.vocabulary import FeatureKind

FEATURES = [
    ModelFeature("A", "Feature a"),
    ModelFeature("B", "Feature b"),
    ModelFeature("GENDER", "Gender", FeatureKind.CATEGORICAL, ("F", "M")),
    ModelFeature("D", "Feature d"),
    ModelFeature("E", "Feature e"),
    ModelFeature("F", "Feature f"),
]


def test_top_reasons_split_by_sign_strongest_first() -> None:
    contributions = np.array([0.5, -0.2, 0.9, 0.0, -0.7, 0.1])
    values = np.array([1.5, np.nan, 1.0, 3.0, 0.30000001192092896, 2.0], dtype=np.float64)
    raising, lowering = top_reasons(contributions, values, FEATURES, k=2)
    assert [r.feature for r in raising] == ["GENDER", "A"]
    assert [r.feature for r in lowering] == ["E", "B"]
    assert raising[0].label == "Gender" and raising[0].value == "M"
    assert lowering[1].value is None
    assert lowering[0].value == 0.3
    assert raising[1].contribution == 0.5


def test_zero_contributions_are_never_reasons() -> None:
    raising, lowering = top_reasons(np.zeros(6), np.ones(6), FEATURES, k=4)
    assert raising == [] and lowering == []


def test_at_most_k_each_way() -> None:
    contributions = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    raising, lowering = top_reasons(contributions, np.zeros(6), FEATURES, k=4)
    assert len(raising) == 4 and lowering == []
    assert [r.contribution for r in raising] == [0.6, 0.5, 0.4, 0.3]


def test_display_of_values() -> None:
    gender = FEATURES[2]
    assert gender.display(0.0) == "F"
    assert gender.display(-1.0) is None
    assert gender.display(7.0) is None
    assert FEATURES[0].display(math.nan) is None
    assert FEATURES[0].display(12.0) == 12 and isinstance(FEATURES[0].display(12.0), int)


def test_from_metadata_falls_back_to_name() -> None:
    info = ModelFeature.from_metadata({"name": "X", "label": None, "kind": None, "levels": None})
    assert (info.label, info.kind, info.levels) == ("X", "numeric", ())
