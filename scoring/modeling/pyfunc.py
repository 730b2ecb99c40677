"""A model bundle as an MLflow pyfunc model: ``predict`` gives the calibrated probability of default.

The bundle directory travels as the model's artifact, so the registered model scores exactly like the API.
"""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd

from scoring.modeling.bundle import Bundle, load_bundle


class BundleModel(mlflow.pyfunc.PythonModel):
    """Loads the bundle artifact; predicts from a frame holding the model's features."""

    bundle: Bundle | None = None

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        directory = Path(context.artifacts["bundle"])
        self.bundle = load_bundle(directory.parent, directory.name)

    def predict(self, context: mlflow.pyfunc.PythonModelContext, model_input: pd.DataFrame, params=None):  # noqa: ANN001, ANN201
        X = np.ascontiguousarray(model_input[self.bundle.feature_names].to_numpy(dtype=np.float32))
        return self.bundle.predict_proba(X)
