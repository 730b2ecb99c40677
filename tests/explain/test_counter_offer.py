import numpy as np
import pytest

from scoring.explain.counter_offer import max_accepted_amount

THRESHOLD = 0.3


def logistic(boundary: float):  # noqa: ANN201
    """Probability rising with the amount, crossing the threshold exactly at `boundary`."""
    shift = np.log(THRESHOLD / (1 - THRESHOLD))
    return lambda amounts: 1 / (1 + np.exp(-(shift + (np.asarray(amounts) - boundary) / 1e5)))


def test_finds_the_boundary_of_a_monotone_model() -> None:
    offer = max_accepted_amount(logistic(1_234_567.0), 500_000, THRESHOLD, upper=4_000_000)
    assert offer.max_amount is not None
    assert 1_234_567.0 - 500 <= offer.max_amount < 1_234_567.0
    assert offer.max_amount % 500 == 0
    assert offer.probability_at_max < THRESHOLD
    assert not offer.capped
    assert offer.current_probability < THRESHOLD


def test_capped_when_every_amount_is_accepted() -> None:
    offer = max_accepted_amount(lambda a: np.full(len(a), 0.01), 300_000, THRESHOLD, upper=2_000_000)
    assert offer.capped and offer.max_amount == 2_000_000


def test_none_when_nothing_is_accepted() -> None:
    offer = max_accepted_amount(lambda a: np.full(len(a), 0.9), 300_000, THRESHOLD, upper=2_000_000)
    assert offer.max_amount is None and offer.probability_at_max is None
    assert offer.current_probability == pytest.approx(0.9)


def test_no_monotonicity_assumed() -> None:
    def bumpy(amounts: np.ndarray) -> np.ndarray:
        a = np.asarray(amounts)
        return np.where((a > 800_000) & (a < 1_500_000), 0.9, np.where(a < 2_500_000, 0.1, 0.9))

    offer = max_accepted_amount(bumpy, 1_000_000, THRESHOLD, upper=4_000_000)
    assert offer.current_probability == pytest.approx(0.9)
    assert 2_500_000 - 500 <= offer.max_amount < 2_500_000


def test_search_range_covers_the_current_amount() -> None:
    offer = max_accepted_amount(lambda a: np.full(len(a), 0.01), 5_000_000, THRESHOLD, upper=2_000_000)
    assert offer.max_amount == 5_000_000 and offer.capped


def test_bad_range_is_refused() -> None:
    with pytest.raises(ValueError, match="lower < upper"):
        max_accepted_amount(lambda a: a, 1.0, THRESHOLD, upper=0.0)
