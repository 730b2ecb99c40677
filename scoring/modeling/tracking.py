"""MLflow tracking of training runs and the model registry (the only module that imports MLflow).

Tracking URI: ``$MLFLOW_TRACKING_URI`` when set, else a SQLite store ``<home>/mlflow.db`` with artifacts under
``<home>/mlruns``. Each run logs parameters, metrics, the model card figures, the candidates, importance and
fairness tables, the bundle metadata and the LightGBM model, registered as ``credit-scoring``; the promoted
version gets the alias ``champion``, a retrained challenger the alias ``challenger`` (and ``champion`` when
`scoring retrain` promotes it). Telemetry is off.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from scoring.modeling.bundle import METADATA_FILE, BundleContent
from scoring.settings import ScoringSettings

EXPERIMENT = "credit-scoring"
MODEL_NAME = "credit-scoring"
CHAMPION_ALIAS = "champion"
CHALLENGER_ALIAS = "challenger"


def tracking_uri(home: Path) -> str:
    """$MLFLOW_TRACKING_URI, else the SQLite store under the project home."""
    return ScoringSettings(home=home).tracking_uri


def metric_key(name: str) -> str:
    """A metric or parameter name MLflow accepts (letters, digits, _ - . / and spaces)."""
    return re.sub(r"[^0-9A-Za-z_\-./ ]", "_", name)


def _prepare() -> None:
    """No telemetry (unless the environment says otherwise) and quiet loggers, before MLflow is imported."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    for name in ("alembic", "mlflow"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _experiment_id(mlflow: object, artifact_location: str | None) -> str:
    found = mlflow.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return found.experiment_id
    return mlflow.create_experiment(EXPERIMENT, artifact_location=artifact_location)


@dataclass(frozen=True)
class TrackedRun:
    """The active MLflow run of a training."""

    run_id: str

    def log_params(self, params: dict) -> None:
        import mlflow

        mlflow.log_params({metric_key(k): str(v)[:500] for k, v in params.items()})

    def log_metrics(self, metrics: dict, prefix: str = "") -> None:
        import mlflow

        clean = {
            metric_key(prefix + k): float(v)
            for k, v in metrics.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)
        }
        mlflow.log_metrics(clean)

    def log_table(self, rows: list[dict], artifact_file: str) -> None:
        import mlflow

        mlflow.log_table(pd.DataFrame(rows), artifact_file)

    def log_files(self, paths: list[Path], artifact_path: str) -> None:
        import mlflow

        for path in paths:
            mlflow.log_artifact(str(path), artifact_path)

    def register_model(self, booster: lgb.Booster, sample: pd.DataFrame, bundle_version: str) -> str:
        """Log the booster as the run's model and register it; returns the registry version."""
        import mlflow
        import mlflow.lightgbm
        from mlflow.models import infer_signature

        signature = infer_signature(sample, booster.predict(sample.to_numpy()))
        info = mlflow.lightgbm.log_model(
            booster,
            name="model",
            registered_model_name=MODEL_NAME,
            signature=signature,
            pip_requirements=[f"lightgbm=={lgb.__version__}"],
            tags={"bundle_version": bundle_version},
        )
        version = str(info.registered_model_version)
        mlflow.MlflowClient().set_model_version_tag(MODEL_NAME, version, "bundle_version", bundle_version)
        return version

    def log_training(self, settings: dict, content: BundleContent, bundle_dir: Path, card_dir: Path) -> str:
        """Log what a training produced and register its model; returns the registry version."""
        meta = content.metadata
        kept = ("strategy", "rounds", "folds", "compare_folds", "n_train", "data_fingerprint")
        self.log_params(
            {
                **{f"cost_{k}": v for k, v in meta["cost"].items()},
                **{f"lgbm_{k}": v for k, v in meta["params"].items()},
                **{k: meta[k] for k in kept},
                **settings,
                "n_features": len(meta["features"]),
                "bundle_version": meta["version"],
            }
        )
        self.log_metrics(meta["cv_metrics"], prefix="cv_")
        for row in meta["candidates"]:
            self.log_metrics(
                {k: row[k] for k in ("auc", "cost_per_1000")}, prefix=f"candidate_{row['candidate']}_"
            )
        self.log_table(meta["candidates"], "candidates.json")
        self.log_table(meta["fairness"], "fairness.json")
        self.log_table(content.importance, "importance.json")
        self.log_files(sorted(card_dir.iterdir()), "model_card")
        self.log_files([bundle_dir / METADATA_FILE], "bundle")
        sample = content.shap_sample.select([f["name"] for f in meta["features"]]).head(5).to_pandas()
        return self.register_model(content.booster, sample, meta["version"])

    def set_alias(self, registry_version: str, alias: str) -> None:
        set_alias(registry_version, alias)


def set_alias(registry_version: str, alias: str, home: Path | None = None) -> None:
    """Point an alias (champion, challenger) of the registered model at a version; `home`: its store."""
    _prepare()
    import mlflow

    uri = None if home is None else tracking_uri(home)
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.set_registered_model_alias(MODEL_NAME, alias, registry_version)


@contextmanager
def tracked_run(home: Path, run_name: str) -> Iterator[TrackedRun]:
    """An MLflow run in the project's experiment; marked FAILED if the block raises."""
    _prepare()
    import mlflow

    settings = ScoringSettings(home=home)
    configured = os.environ.get("MLFLOW_TRACKING_URI")
    location = None if settings.mlflow_tracking_uri else settings.paths.mlruns.as_uri()
    try:
        mlflow.set_tracking_uri(settings.tracking_uri)
        with mlflow.start_run(experiment_id=_experiment_id(mlflow, location), run_name=run_name) as run:
            yield TrackedRun(run.info.run_id)
    finally:
        # set_tracking_uri exports MLFLOW_TRACKING_URI: restore it so a later run with another home is not
        # sent to this store.
        if configured is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
