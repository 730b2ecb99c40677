"""The simulation's PD of an asked loan at another price: the out-of-fold PD moved as the model moves."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from scoring.home import Paths
from scoring.modeling.bundle import load_bundle
from scoring.strategy.definition import load_strategy
from scoring.strategy.population import oof_population

DEMO = resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")
ROWS = np.arange(0, 400, 8)


def test_the_out_of_fold_pd_moves_with_the_loan_as_the_model_does(demo_home: Path) -> None:
    paths = Paths(demo_home)
    population = oof_population(paths, load_bundle(paths.models), load_strategy(DEMO).columns)
    frame = population.frame.iloc[ROWS]
    amount = frame["AMT_CREDIT"].to_numpy(dtype=float)
    annuity = frame["AMT_ANNUITY"].to_numpy(dtype=float)
    at_loan = population.probability_of
    assert at_loan is not None
    own = at_loan(amount, annuity, ROWS)  # the application's own loan: the PD as measured out of fold
    np.testing.assert_allclose(own, population.probability[ROWS], rtol=1e-9, atol=1e-12)
    heavier = at_loan(amount, annuity * 1.5, ROWS)
    lighter = at_loan(amount, annuity / 1.5, ROWS)
    assert np.all((heavier > 0) & (heavier < 1) & (lighter > 0) & (lighter < 1))
    if np.allclose(heavier, own) and np.allclose(lighter, own):
        return  # this home's model does not read the instalment (the synthetic sample's): nothing moves
    assert np.mean(heavier > lighter) > 0.5  # a heavier instalment mostly raises the PD
    assert np.corrcoef(own, heavier)[0, 1] == pytest.approx(1.0, abs=0.1)  # from where it was measured
