"""MLflow tracking of training runs and the model registry (the only module that imports MLflow).

Tracking URI: ``$MLFLOW_TRACKING_URI`` when set, else a SQLite store ``<home>/mlflow.db`` with artifacts under
``<home>/mlruns``. Each run logs parameters, metrics, the model card figures, the candidates, importance and
fairness tables, the bundle metadata of the champion and the challenger, and both bundles as MLflow pyfunc
models (the calibrated probability of default, ``scoring.modeling.pyfunc``) registered as ``credit-scoring``;
the promoted version gets the alias ``champion``, the other model of the run (the scorecard) the alias
``challenger``. A run that does not promote (`scoring retrain`) puts ``challenger`` on its model, and
``champion`` once the retrain promotes it. Telemetry is off; MLflow logs warnings only (MLFLOW_LOGGING_LEVEL),
draws no artifact progress bars and registers without its console messages.
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

from scoring.db.engine import prepare_sqlite_file
from scoring.io import make_dirs
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


class _OwnPickleNotice(logging.Filter):
    """Drops MLflow's caution against models pickled by CloudPickle: the pickled object is `BundleModel` (a
    home's path; its code is the installed `scoring` package), written to and read from the home's store."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "serialized using CloudPickle" not in record.getMessage()


_OWN_PICKLE_NOTICE = _OwnPickleNotice()


def _prepare() -> None:
    """No telemetry, MLflow's logging at WARNING and no artifact progress bars (unless the environment says
    otherwise), set before MLflow is imported and applied again after (in case it was imported before)."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow  # noqa: F401 - configures its loggers on first import

    level = os.environ["MLFLOW_LOGGING_LEVEL"].upper()
    for name in ("alembic", "mlflow"):
        logging.getLogger(name).setLevel(level)
    logging.getLogger("mlflow.pyfunc").addFilter(_OWN_PICKLE_NOTICE)


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

    def register_model(self, content: BundleContent, bundle_dir: Path, name: str) -> str:
        """Log a bundle as a pyfunc model (calibrated probability) and register it; returns its version."""
        import mlflow
        import mlflow.pyfunc
        from mlflow.models import infer_signature

        from scoring.modeling.pyfunc import BundleModel

        meta = content.metadata
        sample = content.shap_sample.select([f["name"] for f in meta["features"]]).head(5).to_pandas()
        signature = infer_signature(sample, content.shap_sample["probability"].head(5).to_numpy())
        info = mlflow.pyfunc.log_model(
            name=name,
            python_model=BundleModel(bundle_dir.parent.parent),  # its home: the signing key's
            artifacts={"bundle": str(bundle_dir)},
            signature=signature,
            input_example=sample,
            pip_requirements=[f"lightgbm=={lgb.__version__}", f"numpy=={np.__version__}", "scoring"],
        )
        # Registered here rather than by log_model(registered_model_name=...), which prints to the console.
        client = mlflow.MlflowClient()
        if not client.search_registered_models(filter_string=f"name = '{MODEL_NAME}'"):
            client.create_registered_model(MODEL_NAME)
        created = client.create_model_version(MODEL_NAME, info.model_uri, self.run_id, model_id=info.model_id)
        version = str(created.version)
        client.set_model_version_tag(MODEL_NAME, version, "bundle_version", meta["version"])
        client.set_model_version_tag(MODEL_NAME, version, "kind", meta["kind"])
        return version

    def log_training(
        self, settings: dict, contents: dict[str, BundleContent], bundles: dict[str, Path], card_dir: Path
    ) -> dict[str, str]:
        """Log what a training produced and register both models; returns role -> registry version."""
        meta = contents["champion"].metadata
        kept = ("kind", "strategy", "rounds", "bags", "folds", "repeats", "n_train", "data_fingerprint")
        self.log_params(
            {
                **{f"cost_{k}": v for k, v in meta["cost"].items()},
                **{f"lgbm_{k}": v for k, v in (meta["params"] or {}).items()},
                **{k: meta[k] for k in kept},
                **settings,
                "n_features": len(meta["features"]),
                "calibration": meta["calibration"]["method"],
                "bundle_version": meta["version"],
            }
        )
        self.log_metrics(meta["cv_metrics"], prefix="cv_")
        self.log_metrics(contents["challenger"].metadata["cv_metrics"], prefix="challenger_cv_")
        self.log_metrics(
            {
                k: v
                for k, v in meta["feature_selection"].items()
                if k not in ("selected_per_fold", "features", "gain_share")
            },
            "selection_",
        )
        for row in meta["candidates"]:
            self.log_metrics(
                {k: row[k] for k in ("auc", "auc_std", "cost_per_1000", "cost_per_1000_std", "ece")},
                prefix=f"candidate_{row['candidate']}_",
            )
        self.log_table(meta["candidates"], "candidates.json")
        self.log_table(meta["fairness"], "fairness.json")
        self.log_table(contents["champion"].importance, "importance.json")
        if meta.get("scorecard"):
            self.log_table(meta["scorecard"], "scorecard_points.json")
        self.log_files(sorted(card_dir.iterdir()), "model_card")
        for role, path in bundles.items():
            self.log_files([path / METADATA_FILE], f"bundle_{role}")
        return {
            role: self.register_model(contents[role], bundles[role], role)
            for role in ("champion", "challenger")
        }

    def set_aliases(self, registry: dict[str, str], promoted: bool = True) -> None:
        """Alias ``champion`` on the promoted model and ``challenger`` on the other one of the run; a run that
        does not promote puts ``challenger`` on its model (it competes with the production champion)."""
        if promoted:
            set_alias(registry["champion"], CHAMPION_ALIAS)
            set_alias(registry["challenger"], CHALLENGER_ALIAS)
        else:
            set_alias(registry["champion"], CHALLENGER_ALIAS)


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
    if location:
        make_dirs(settings.paths.mlruns)  # private, as the SQLite store
    if settings.tracking_uri.startswith("sqlite:"):
        prepare_sqlite_file(settings.tracking_uri)  # 0600 before MLflow creates it
    try:
        mlflow.set_tracking_uri(settings.tracking_uri)
        with mlflow.start_run(experiment_id=_experiment_id(mlflow, location), run_name=run_name) as run:
            yield TrackedRun(run.info.run_id)
    finally:
        # set_tracking_uri exports MLFLOW_TRACKING_URI: restore it so a later run with another home is not
        # sent to this store.
        if configured is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
