"""The model bundle: everything the API and the dashboard load, with no MLflow needed to read it.

Layout, ``models/<version>/`` with ``version`` like ``20261123T130501Z-1a2b3c4d`` (UTC creation time and the
first 8 hex digits of the data fingerprint):

- ``model.txt``: LightGBM native model (``Booster.save_model``), trained on all labelled rows; it predicts
  the probability of default (TARGET = 1) from the features in model order.
- ``metadata.json`` (strict JSON, non-finite numbers written as null):
  - ``version``; ``created_at`` (ISO 8601 UTC); ``data_fingerprint`` (SHA-256 of features.parquet);
  - ``features``: [{name, dtype, label, kind, levels}] in model order (dtype as in features.parquet;
    categorical code i means levels[i]);
  - ``threshold``: refuse when the probability of default >= threshold;
  - ``cost``: {mode ("count" | "monetary"), w_fn, w_fp, loss_given_default, margin, unit, beta};
  - ``cv_metrics`` (out-of-fold, at the threshold): {auc, threshold, recall, precision, fbeta, beta,
    approval_rate, cost, cost_per_1000, accept_all_cost_per_1000, cost_vs_accept_all, cost_per_1000_at_0_5,
    tp, fp, fn, tn, oracle_auc (null on real data)};
  - ``candidates``: rows of the comparison table {candidate, model, strategy, auc, cost_per_1000,
    cost_vs_accept_all, threshold, recall, precision, fbeta, rounds, rows, seconds, selected};
  - ``strategy`` (imbalance strategy), ``params`` (LightGBM), ``rounds``, ``folds``, ``compare_folds``,
    ``n_train``, ``default_rate``, ``tuning`` (null or the Optuna summary), ``mlflow_run_id`` (or null);
  - ``reference_stats``: {feature: {mean, std, min, max, q01, q05, q25, q50, q75, q95, q99, missing_share}}
    over the training rows;
  - ``base_value``: SHAP base value (log-odds); ``fairness``: rows of the fairness table (see fairness.py).
- ``importance.json``: list of {feature, label, mean_abs_shap, gain}, sorted by mean_abs_shap descending.
- ``shap_sample.parquet``: ~2,000 training clients stratified on TARGET: ``SK_ID_CURR``, ``TARGET``,
  ``probability`` (the model's prediction at training time), the feature values (Float32, model order) and
  their SHAP values in log-odds (``SHAP__<feature>``, Float64); contributions + base_value = raw score.
- ``oof.parquet``: every training client: ``SK_ID_CURR``, ``TARGET``, ``probability`` (out-of-fold),
  ``APP_AMT_CREDIT`` (null when the feature is absent): enough to recompute threshold and cost for any
  cost weights.

``models/champion.json`` = {"version", "path"} (path relative to ``models/``) names the promoted bundle. A
bundle is written into a temporary directory inside ``models/``, checked, then renamed into place; the pointer
is replaced atomically, and only for a bundle that passes ``check_bundle``.

Integrity (``scoring/modeling/integrity.py``): ``metadata.json`` also holds ``checksums``, the SHA-256 of
every file the writer wrote; ``load_bundle`` verifies them, then loads ``model.txt`` once in a child process,
before LightGBM reads anything in the caller's process; a damaged bundle is a ``BundleError`` naming the file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from scoring.io import atomic_dir, write_json_atomic
from scoring.modeling.integrity import (
    CHECKSUMS,
    checksum_problems,
    content_digest,
    model_load_problem,
    write_checksums,
)

logger = logging.getLogger(__name__)

MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
IMPORTANCE_FILE = "importance.json"
SHAP_FILE = "shap_sample.parquet"
OOF_FILE = "oof.parquet"
BUNDLE_FILES = (MODEL_FILE, METADATA_FILE, IMPORTANCE_FILE, SHAP_FILE, OOF_FILE)
CHAMPION_FILE = "champion.json"
SHAP_PREFIX = "SHAP__"
PROBABILITY = "probability"
REQUIRED_METADATA = ("version", "created_at", "features", "threshold", "cost", "cv_metrics", "base_value")
SERVING = {"num_threads": 1}


class BundleError(RuntimeError):
    """A bundle is missing, incomplete or fails its checks."""


@dataclass(frozen=True)
class Contributions:
    """SHAP values (clients x features, log-odds) and the base value: values + base value = raw score."""

    values: np.ndarray
    base_value: float

    def raw_score(self) -> np.ndarray:
        return self.values.sum(axis=1) + self.base_value


def tree_shap(booster: lgb.Booster, X: np.ndarray, threads: int = 1) -> Contributions:
    """The one SHAP path: LightGBM's own TreeSHAP (`pred_contrib`, the last column is the base value).

    Serving calls it through `Bundle.contributions`; training calls it on the booster it has just fitted.
    """
    out = np.asarray(booster.predict(X, pred_contrib=True, num_threads=threads), dtype=np.float64)
    return Contributions(out[:, :-1], float(out[0, -1]) if len(out) else 0.0)


@dataclass(frozen=True)
class BundleContent:
    """What training hands to the writer."""

    booster: lgb.Booster
    metadata: dict
    importance: list[dict]
    shap_sample: pl.DataFrame
    oof: pl.DataFrame


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle: the booster (1 thread, for serving), its metadata and readers of its tables."""

    path: Path
    booster: lgb.Booster
    metadata: dict
    digest: str = field(default="", compare=False)  # content of every file: keys the serving cache

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def threshold(self) -> float:
        return float(self.metadata["threshold"])

    @property
    def feature_names(self) -> list[str]:
        return [f["name"] for f in self.metadata["features"]]

    @property
    def base_value(self) -> float:
        return float(self.metadata["base_value"])

    def matrix(self, frame: pl.DataFrame) -> np.ndarray:
        """Feature matrix (float32, model order) from a frame holding at least the model's features."""
        missing = [n for n in self.feature_names if n not in frame.columns]
        if missing:
            raise BundleError(
                f"model {self.version}: {len(missing)} of its features missing from the data "
                f"(e.g. {', '.join(missing[:5])}); were the features changed since it was trained?"
            )
        return np.ascontiguousarray(
            frame.select(self.feature_names).cast(pl.Float32).to_numpy(), dtype=np.float32
        )

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of default of each row of a feature matrix in model order."""
        return np.asarray(self.booster.predict(X, **SERVING))

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.booster.predict(X, raw_score=True, **SERVING))

    def contributions(self, X: np.ndarray, threads: int = 1) -> Contributions:
        """SHAP values (log-odds) of each row of a feature matrix in model order, and the base value."""
        return tree_shap(self.booster, X, threads)

    def refuse(self, prob: np.ndarray) -> np.ndarray:
        return np.asarray(prob) >= self.threshold

    def importance(self) -> list[dict]:
        return json.loads((self.path / IMPORTANCE_FILE).read_text())

    def shap_sample(self) -> pl.DataFrame:
        return pl.read_parquet(self.path / SHAP_FILE)

    def oof(self) -> pl.DataFrame:
        return pl.read_parquet(self.path / OOF_FILE)


def make_version(fingerprint: str, now: datetime | None = None) -> str:
    """Bundle version: UTC time stamp and the first 8 hex digits of the data fingerprint."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{fingerprint[:8]}"


def _write_files(directory: Path, content: BundleContent) -> None:
    content.booster.save_model(str(directory / MODEL_FILE))
    write_json_atomic(directory / METADATA_FILE, content.metadata)
    write_json_atomic(directory / IMPORTANCE_FILE, content.importance)
    content.shap_sample.write_parquet(directory / SHAP_FILE)
    content.oof.write_parquet(directory / OOF_FILE)


def write_bundle(models_dir: Path, content: BundleContent) -> Path:
    """Write, check and move a bundle into ``models_dir/<version>``; nothing is left behind on failure."""
    target = models_dir / content.metadata["version"]
    if target.exists():
        raise BundleError(f"bundle {target} already exists")
    with atomic_dir(target) as tmp:
        _write_files(tmp, content)
        write_checksums(tmp)
        problems = check_bundle(tmp)
        if problems:
            raise BundleError(f"bundle {target.name} fails its checks: {'; '.join(problems)}")
    return target


def _check_predictions(directory: Path, booster: lgb.Booster, metadata: dict) -> list[str]:
    sample = pl.read_parquet(directory / SHAP_FILE)
    names = [f["name"] for f in metadata["features"]]
    if booster.feature_name() != names:
        return ["model features differ from metadata features"]
    missing = [c for c in ("SK_ID_CURR", "TARGET", PROBABILITY, *names) if c not in sample.columns]
    missing += [SHAP_PREFIX + n for n in names if SHAP_PREFIX + n not in sample.columns]
    if missing:
        return [f"{SHAP_FILE} lacks {len(missing)} column(s), e.g. {', '.join(missing[:3])}"]
    X = sample.select(names).to_numpy()
    problems = []
    gap = np.max(np.abs(booster.predict(X, **SERVING) - sample[PROBABILITY].to_numpy()), initial=0.0)
    if gap > 1e-12:
        problems.append(f"predictions of the saved model differ from training time by {gap:.3g}")
    raw = booster.predict(X, raw_score=True, **SERVING)
    shap = sample.select([SHAP_PREFIX + n for n in names]).to_numpy().sum(axis=1) + float(
        metadata["base_value"]
    )
    error = np.max(np.abs(shap - raw), initial=0.0)
    if error > 1e-6:
        problems.append(f"SHAP values + base value differ from the raw score by {error:.3g}")
    return problems


def check_bundle(directory: Path) -> list[str]:
    """Problems of a bundle directory (empty when it is complete, loads and reproduces its predictions)."""
    absent = [f for f in BUNDLE_FILES if not (directory / f).is_file()]
    if absent:
        return [f"missing file(s): {', '.join(absent)}"]
    metadata = json.loads((directory / METADATA_FILE).read_text())
    problems = [f"metadata lacks {k}" for k in REQUIRED_METADATA if k not in metadata]
    if problems:
        return problems
    threshold = metadata["threshold"]
    if not (isinstance(threshold, int | float) and 0 < threshold < 1):
        problems.append(f"threshold {threshold!r} is not in (0, 1)")
    damaged = checksum_problems(directory, metadata)
    problems += damaged
    if any(p.startswith(MODEL_FILE) for p in damaged):
        return problems  # never parse a model file that is not the one written
    oof_columns = pl.read_parquet_schema(directory / OOF_FILE)
    problems += [
        f"{OOF_FILE} lacks {c}" for c in ("SK_ID_CURR", "TARGET", PROBABILITY) if c not in oof_columns
    ]
    try:
        booster = lgb.Booster(model_file=str(directory / MODEL_FILE))
    except lgb.basic.LightGBMError as exc:
        return [*problems, f"{MODEL_FILE} does not load: {exc}"]
    return problems + _check_predictions(directory, booster, metadata)


def promote(models_dir: Path, version: str) -> Path:
    """Point ``champion.json`` at a bundle after checking it; returns the pointer's path."""
    directory = models_dir / version
    problems = check_bundle(directory) if directory.is_dir() else [f"{directory} not found"]
    if problems:
        raise BundleError(f"bundle {version} not promoted: {'; '.join(problems)}")
    pointer = models_dir / CHAMPION_FILE
    write_json_atomic(pointer, {"version": version, "path": version})
    return pointer


def champion_version(models_dir: Path) -> str:
    """Version named by ``champion.json``."""
    pointer = models_dir / CHAMPION_FILE
    if not pointer.exists():
        raise BundleError(f"no promoted model: {pointer} not found (run `scoring train`)")
    return json.loads(pointer.read_text())["version"]


def load_bundle(models_dir: Path, version: str | None = None) -> Bundle:
    """Load a bundle (the champion by default) with a booster set to predict on one thread.

    Its files are checked against their checksums and the model is loaded once in a child process first, so
    a damaged bundle raises BundleError (with the reason) instead of crashing the caller.
    """
    directory = models_dir / (version or champion_version(models_dir))
    absent = [f for f in (MODEL_FILE, METADATA_FILE) if not (directory / f).is_file()]
    if absent:
        raise BundleError(f"bundle {directory} is incomplete: missing {', '.join(absent)}")
    try:
        metadata = json.loads((directory / METADATA_FILE).read_text())
    except ValueError as exc:
        raise BundleError(f"bundle {directory.name}: {METADATA_FILE} is not valid JSON ({exc})") from None
    if CHECKSUMS not in metadata:
        logger.warning(
            "bundle %s has no checksums (written by an older version): not verified", directory.name
        )
    damaged = checksum_problems(directory, metadata)
    if damaged:
        raise BundleError(f"bundle {directory.name} is damaged: {'; '.join(damaged)}")
    problem = model_load_problem(directory / MODEL_FILE)
    if problem:
        raise BundleError(f"bundle {directory.name}: {MODEL_FILE}: {problem}")
    booster = lgb.Booster(model_file=str(directory / MODEL_FILE))
    return Bundle(directory, booster, metadata, content_digest(directory))
