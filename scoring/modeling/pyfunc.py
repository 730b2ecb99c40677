"""A model bundle as an MLflow pyfunc model: ``predict`` gives the calibrated probability of default.

The bundle directory travels as the model's artifact, so the registered model scores exactly like the API;
its signature is verified on loading, as the API does, with the keys of the home that registered it
(SCORING_MODEL_SIGNING_KEY and SCORING_MODEL_VERIFY_KEYS when set, else that home's key file; the current
SCORING_HOME's for a model registered without its home).
"""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd

from scoring.modeling.bundle import Bundle, home_keys, load_bundle
from scoring.settings import ScoringSettings


class BundleModel(mlflow.pyfunc.PythonModel):
    """Loads the bundle artifact; predicts from a frame holding the model's features."""

    bundle: Bundle | None = None
    home: str | None = None  # the home that registered it: where its signing key is

    def __init__(self, home: Path | None = None) -> None:
        self.home = None if home is None else str(home)

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        directory = Path(context.artifacts["bundle"])
        home = Path(self.home) if self.home else ScoringSettings().paths.home
        self.bundle = load_bundle(directory.parent, directory.name, home_keys(home, directory.name))

    def predict(self, context: mlflow.pyfunc.PythonModelContext, model_input: pd.DataFrame, params=None):  # noqa: ANN001, ANN201
        X = np.ascontiguousarray(model_input[self.bundle.feature_names].to_numpy(dtype=np.float32))
        return self.bundle.predict_proba(X)
