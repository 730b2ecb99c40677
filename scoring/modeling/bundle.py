"""The model bundle: everything the API and the dashboard load, with no MLflow needed to read it.

Layout, ``models/<version>/`` with ``version`` like ``20261123T130501Z-1a2b3c4d`` (UTC creation time and the
first 8 hex digits of the data fingerprint; a challenger bundle of the same run adds ``-<kind>``):

- the model files named by metadata ``model`` (see ``models``): ``model.txt`` (and ``model-1.txt``, ... for
  bagged seeds) for LightGBM, ``linear.json`` for the logistic part of a blend, ``scorecard.json`` for a
  scorecard. Whatever the kind, the model gives a raw score in log-odds and exact per-feature contributions.
- ``calibrator.json``: the map from raw score to calibrated probability of default (``calibration``), fitted
  on out-of-fold raw scores. ``Bundle.predict_proba`` = calibrator(raw score): the one probability path.
- ``metadata.json`` (strict JSON, non-finite numbers written as null):
  - ``version``; ``created_at`` (ISO 8601 UTC); ``data_fingerprint`` (SHA-256 of features.parquet);
  - ``kind`` (lightgbm | linear | blend | scorecard), ``model`` (its files), ``role`` (champion | challenger);
  - ``features``: the features the model uses, in model order, as ``ModelFeature.to_dict()`` entries
    {name, dtype, label, kind, levels} (categorical code i means levels[i]);
  - ``monotone``: {feature: +1 | -1} for the constrained features and the policy's ``levers``;
  - ``protected``: {attributes: [{column, attribute, source}], features: {feature: [columns]}}: the raw
    fields no model may use, their legal source, and the features computed from them, kept out of the model;
  - ``threshold``: refuse when the calibrated probability of default >= threshold;
  - ``cost``: {mode ("count" | "monetary"), w_fn, w_fp, loss_given_default, margin, unit, beta};
  - ``cv_metrics`` (out-of-fold, calibrated, every repeat pooled, at the threshold): {auc, threshold,
    recall, precision, fbeta, beta, approval_rate, cost, cost_per_1000, accept_all_cost_per_1000,
    cost_vs_accept_all, cost_per_1000_at_0_5, tp, fp, fn, tn, oracle_auc (null on real data), brier,
    log_loss, ece, mean_pd, observed_rate, auc_std, cost_vs_accept_all_std, ece_std};
  - ``calibration``: {method, table (each method's cross-validated brier, log_loss, ece, mean_pd),
    reliability (10 equal-frequency bins: predicted, observed, clients)};
  - ``candidates``: the comparison table (mean and std over the repeats of auc, cost_per_1000,
    cost_vs_accept_all, ece, brier, ...; complexity, eligible, selected) and ``selection_rule``;
  - ``feature_selection``: {method, n_input, n_selected, max_features, full_auc, selected_auc, folds};
  - ``strategy`` (imbalance strategy), ``params`` (LightGBM), ``rounds``, ``bags``, ``folds``, ``repeats``,
    ``n_train``, ``default_rate``, ``tuning`` (null or the Optuna summary), ``mlflow_run_id`` (or null);
  - ``challenger``: the other model of the run {kind, version, auc, cost_vs_accept_all, ece, n_features};
    ``scorecard``: the points table (PDO scaling) of whichever model of the run is the scorecard;
  - ``reference_stats``: {feature: {mean, std, min, max, q01, q05, q25, q50, q75, q95, q99, missing_share}}
    over the training rows;
  - ``base_value``: the model's base value (log-odds); ``fairness``: rows of the fairness table.
- ``importance.json``: list of {feature, label, mean_abs_shap, gain}, sorted by mean_abs_shap descending.
- ``shap_sample.parquet``: ~2,000 training clients stratified on TARGET: ``SK_ID_CURR``, ``TARGET``,
  ``probability`` (the calibrated prediction at training time), the feature values (Float32, model order)
  and their contributions in log-odds of the raw model (``SHAP__<feature>``, Float64); contributions +
  base_value = raw score.
- ``oof.parquet``: every training client: ``SK_ID_CURR``, ``TARGET``, ``probability`` (out-of-fold,
  calibrated by a map fitted without the client; first repeat), ``raw_score`` (out-of-fold log-odds),
  ``APP_AMT_CREDIT`` (null when absent): enough to recompute threshold, cost and calibration.

``models/champion.json`` = {"version", "path"} (path relative to ``models/``) names the promoted bundle. A
bundle is written into a temporary directory inside ``models/``, checked, then renamed into place; the pointer
is replaced atomically, and only for a bundle that passes ``check_bundle``.

Integrity (``scoring/modeling/integrity.py``): ``metadata.json`` also holds ``checksums``, the SHA-256 of
every file the writer wrote; ``load_bundle`` verifies them, then loads ``model.txt`` once in a child process,
before LightGBM reads anything in the caller's process; a damaged bundle is a ``BundleError`` naming the file.
Signature (``scoring/modeling/signing.py``): the writer signs ``metadata.json`` (HMAC-SHA-256, a key kept
outside ``models/``); ``load_bundle`` refuses a bundle the accepted keys do not verify, for every caller (the
API, batch scoring, drift, evaluation, retraining, the MLflow pyfunc): the keys given, by default the home's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from scoring.errors import ScoringError
from scoring.features.feature import ModelFeature
from scoring.io import atomic_dir, write_json_atomic
from scoring.modeling.calibration import CalibrationError, Calibrator
from scoring.modeling.integrity import (
    CHECKSUMS,
    checksum_problems,
    content_digest,
    model_load_problem,
    write_checksums,
)
from scoring.modeling.models import (
    LIGHTGBM_FILES,
    Contributions,
    ModelError,
    ScoringModel,
    load_model,
    model_files,
)
from scoring.modeling.signing import Keyring, SigningError, keyring, sign_bundle, signature_problem

logger = logging.getLogger(__name__)

METADATA_FILE = "metadata.json"
CALIBRATOR_FILE = "calibrator.json"
IMPORTANCE_FILE = "importance.json"
SHAP_FILE = "shap_sample.parquet"
OOF_FILE = "oof.parquet"
BUNDLE_FILES = (METADATA_FILE, CALIBRATOR_FILE, IMPORTANCE_FILE, SHAP_FILE, OOF_FILE)
CHAMPION_FILE = "champion.json"
SHAP_PREFIX = "SHAP__"
PROBABILITY = "probability"
RAW_SCORE = "raw_score"
REQUIRED_METADATA = (
    "version",
    "created_at",
    "kind",
    "model",
    "features",
    "threshold",
    "cost",
    "cv_metrics",
    "base_value",
)


class BundleError(ScoringError, RuntimeError):
    """A bundle is missing, incomplete or fails its checks."""


@dataclass(frozen=True)
class BundleContent:
    """What training hands to the writer."""

    model: ScoringModel
    calibrator: Calibrator
    metadata: dict
    importance: list[dict]
    shap_sample: pl.DataFrame
    oof: pl.DataFrame


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle: the model, its calibrator, its metadata and readers of its tables.

    The one interface of every model kind: ``predict_proba`` (calibrated probability of default),
    ``raw_score`` (log-odds of the raw model) and ``contributions`` (log-odds, adding up with ``base_value``
    to the raw score). Predictions use one thread unless told otherwise (serving runs requests in parallel).
    """

    path: Path
    model: ScoringModel
    calibrator: Calibrator
    metadata: dict
    digest: str = field(default="", compare=False)  # content of every file: keys the serving cache

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def threshold(self) -> float:
        return float(self.metadata["threshold"])

    @property
    def feature_names(self) -> list[str]:
        return [f["name"] for f in self.metadata["features"]]

    @property
    def features(self) -> list[ModelFeature]:
        return [ModelFeature.from_metadata(f) for f in self.metadata["features"]]

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

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability of default of raw scores (log-odds)."""
        return self.calibrator(raw)

    def predict_proba(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Calibrated probability of default of each row of a feature matrix in model order."""
        return self.calibrator(self.model.raw_score(X, threads))

    def raw_score(self, X: np.ndarray, threads: int = 1) -> np.ndarray:
        """Raw score (log-odds of the uncalibrated model) of each row."""
        return np.asarray(self.model.raw_score(X, threads), dtype=np.float64)

    def contributions(self, X: np.ndarray, threads: int = 1) -> Contributions:
        """Per-feature contributions (log-odds of the raw model), one column per feature, and the base value:
        the one explanation path of every model kind."""
        return Contributions(
            np.asarray(self.model.contributions(X, threads), dtype=np.float64), self.base_value
        )

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
    spec = content.model.save(directory)
    if spec != content.metadata["model"]:
        raise BundleError(f"model files {spec} differ from metadata {content.metadata['model']}")
    write_json_atomic(directory / CALIBRATOR_FILE, content.calibrator.to_dict())
    write_json_atomic(directory / METADATA_FILE, content.metadata)
    write_json_atomic(directory / IMPORTANCE_FILE, content.importance)
    content.shap_sample.write_parquet(directory / SHAP_FILE)
    content.oof.write_parquet(directory / OOF_FILE)


def write_bundle(models_dir: Path, content: BundleContent, keys: Keyring | None = None) -> Path:
    """Write, sign, check and move a bundle into ``models_dir/<version>``; nothing is left behind on failure.

    Signed with `keys`, by default those of the home whose ``models/`` it is (generated on first use)."""
    target = models_dir / content.metadata["version"]
    if target.exists():
        raise BundleError(f"bundle {target} already exists")
    with atomic_dir(target) as tmp:
        _write_files(tmp, content)
        write_checksums(tmp)
        try:
            sign_bundle(tmp, keys or keyring(models_dir.parent, create=True))
        except SigningError as exc:
            raise BundleError(f"bundle {target.name} not signed: {exc}") from None
        problems = check_bundle(tmp)
        if problems:
            raise BundleError(f"bundle {target.name} fails its checks: {'; '.join(problems)}")
    return target


def _check_predictions(directory: Path, bundle: Bundle) -> list[str]:
    sample = pl.read_parquet(directory / SHAP_FILE)
    names = bundle.feature_names
    if bundle.model.names != names:
        return ["model features differ from metadata features"]
    missing = [c for c in ("SK_ID_CURR", "TARGET", PROBABILITY, *names) if c not in sample.columns]
    missing += [SHAP_PREFIX + n for n in names if SHAP_PREFIX + n not in sample.columns]
    if missing:
        return [f"{SHAP_FILE} lacks {len(missing)} column(s), e.g. {', '.join(missing[:3])}"]
    X = sample.select(names).cast(pl.Float32).to_numpy()
    problems = []
    gap = np.max(np.abs(bundle.predict_proba(X) - sample[PROBABILITY].to_numpy()), initial=0.0)
    if gap > 1e-12:
        problems.append(f"predictions of the saved model differ from training time by {gap:.3g}")
    shap = sample.select([SHAP_PREFIX + n for n in names]).to_numpy().sum(axis=1) + bundle.base_value
    error = np.max(np.abs(shap - bundle.raw_score(X)), initial=0.0)
    if error > 1e-6:
        problems.append(f"contributions + base value differ from the raw score by {error:.3g}")
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
    if damaged:
        return problems + damaged  # never parse a file that is not the one written
    oof_columns = pl.read_parquet_schema(directory / OOF_FILE)
    problems += [
        f"{OOF_FILE} lacks {c}" for c in ("SK_ID_CURR", "TARGET", PROBABILITY) if c not in oof_columns
    ]
    try:
        bundle = _open(directory, metadata)
    except BundleError as exc:
        return [*problems, str(exc)]
    return problems + _check_predictions(directory, bundle)


def _untrusted(directory: Path) -> list[str]:
    """The signature problem of a bundle directory by the home's keys (none when its metadata is missing or
    unreadable: `check_bundle` says so)."""
    try:
        metadata = json.loads((directory / METADATA_FILE).read_text())
    except (OSError, ValueError):
        return []
    problem = signature_problem(metadata, home_keys(directory.parent.parent, directory.name))
    return [f"not trusted: {problem}"] if problem else []


def promote(models_dir: Path, version: str) -> Path:
    """Point ``champion.json`` at a bundle after checking its signature, then the bundle itself; returns the
    pointer's path."""
    directory = models_dir / version
    found = directory.is_dir()
    problems = (_untrusted(directory) or check_bundle(directory)) if found else [f"{directory} not found"]
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


def _open(directory: Path, metadata: dict) -> Bundle:
    try:
        model = load_model(directory, metadata["model"])
        calibrator = Calibrator.from_dict(json.loads((directory / CALIBRATOR_FILE).read_text()))
    except (ModelError, CalibrationError, OSError, json.JSONDecodeError, KeyError) as exc:
        raise BundleError(f"bundle {directory.name} does not load: {exc}") from None
    return Bundle(directory, model, calibrator, metadata)


def home_keys(home: Path, name: str) -> Keyring:
    """The keys that verify bundle `name` of `home` (`scoring.modeling.signing.keyring`); BundleError when a
    configured key cannot be used."""
    try:
        return keyring(home)
    except SigningError as exc:
        raise BundleError(f"bundle {name} is not trusted: {exc}") from None


def load_bundle(models_dir: Path, version: str | None = None, keys: Keyring | None = None) -> Bundle:
    """Load a bundle (the champion by default): its model, calibrator and metadata.

    Its signature is verified first, with `keys`, by default the keys of the home whose ``models/`` is
    `models_dir` (SCORING_MODEL_SIGNING_KEY, else the home's key file, and SCORING_MODEL_VERIFY_KEYS):
    BundleError when none of them signed it. Its files are checked against their checksums and each LightGBM
    model file is loaded once in a child process first, so a damaged bundle raises BundleError (with the
    reason) instead of crashing the caller.
    """
    directory = models_dir / (version or champion_version(models_dir))
    if not (directory / METADATA_FILE).is_file():
        raise BundleError(f"bundle {directory} is incomplete: missing {METADATA_FILE}")
    try:
        metadata = json.loads((directory / METADATA_FILE).read_text())
    except ValueError as exc:
        raise BundleError(f"bundle {directory.name}: {METADATA_FILE} is not valid JSON ({exc})") from None
    absent = [
        f
        for f in (CALIBRATOR_FILE, *model_files(metadata.get("model") or {}))
        if not (directory / f).is_file()
    ]
    if absent:
        raise BundleError(f"bundle {directory} is incomplete: missing {', '.join(absent)}")
    unsigned = signature_problem(
        metadata, keys if keys is not None else home_keys(models_dir.parent, directory.name)
    )
    if unsigned:
        raise BundleError(f"bundle {directory.name} is not trusted: {unsigned}")
    if CHECKSUMS not in metadata:
        logger.warning(
            "bundle %s has no checksums (written by an older version): not verified", directory.name
        )
    damaged = checksum_problems(directory, metadata)
    if damaged:
        raise BundleError(f"bundle {directory.name} is damaged: {'; '.join(damaged)}")
    for name in model_files(metadata["model"]):
        problem = model_load_problem(directory / name) if name.endswith(LIGHTGBM_FILES) else None
        if problem:
            raise BundleError(f"bundle {directory.name}: {name}: {problem}")
    return replace(_open(directory, metadata), digest=content_digest(directory))
