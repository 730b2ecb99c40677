import math

import pytest

from scoring.explain.points import PointsScale


def test_default_scale_anchors() -> None:
    scale = PointsScale()
    assert scale.of(1 / 20) == pytest.approx(600.0)  # odds 19 : 1
    assert scale.of(1 / 39) == pytest.approx(650.0)  # odds doubled: +50
    assert scale.of(1 / 10.5) == pytest.approx(550.0)  # odds halved (9.5 : 1): -50
    assert scale.of(0.5) == pytest.approx(600 - 50 * math.log2(19))


def test_more_risk_fewer_points_and_inverse() -> None:
    scale = PointsScale(points=500, odds=50, pdo=20)
    probabilities = [0.001, 0.01, 0.05, 0.2, 0.5, 0.9]
    points = [scale.of(p) for p in probabilities]
    assert points == sorted(points, reverse=True)
    assert scale.of(1 / 51) == pytest.approx(500.0)
    for p in probabilities:
        assert scale.probability_at(scale.of(p)) == pytest.approx(p)


def test_extremes_stay_finite_and_bad_scales_are_refused() -> None:
    assert math.isfinite(PointsScale().of(0.0)) and math.isfinite(PointsScale().of(1.0))
    with pytest.raises(ValueError, match="pdo > 0"):
        PointsScale(pdo=0)
