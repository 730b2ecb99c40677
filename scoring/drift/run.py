"""One drift check end to end: the bundle's top features, reference and current data, Evidently report,
summary, files under reports/drift/ and the index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scoring.drift.current import application_test_sample, batch_current
from scoring.drift.errors import DriftError, InsufficientData
from scoring.drift.estimate import calibration_for, estimated_performance
from scoring.drift.index import report_directory, save_report, write_index
from scoring.drift.log import default_database_url, log_sample, parse_time
from scoring.drift.reference import load_reference
from scoring.drift.report import build_report
from scoring.drift.sample import Sample
from scoring.drift.segment_drift import segment_drift
from scoring.drift.segments import SegmentPolicy, segment_policy
from scoring.drift.settings import DriftSettings
from scoring.drift.stability import stability
from scoring.drift.summary import summarise
from scoring.drift.watched_features import top_features
from scoring.features.feature import ModelFeature
from scoring.home import Paths
from scoring.modeling.bundle import Bundle, BundleError, load_bundle
from scoring.serving.log_privacy import identifiers
from scoring.settings import get_paths

TEST, LOG = "test", "log"


@dataclass(frozen=True)
class DriftRequest:
    """What to compare: `current` is "test", "log" or a directory of raw tables (a labelled batch)."""

    current: str
    since: str | None = None
    until: str | None = None
    settings: DriftSettings = field(default_factory=DriftSettings)
    version: str | None = None
    database_url: str | None = None
    paths: Paths = field(default_factory=get_paths)
    drift_dir: Path | None = None
    segments: SegmentPolicy = field(default_factory=segment_policy)

    @property
    def reports_dir(self) -> Path:
        return self.drift_dir or self.paths.drift_reports


@dataclass(frozen=True)
class DriftResult:
    """The written report's directory and its summary."""

    directory: Path
    summary: dict

    @property
    def drift_detected(self) -> bool:
        return bool(self.summary["drift_detected"])

    def describe(self) -> str:
        s = self.summary
        prediction = s["prediction_drift"]
        lines = [
            f"drift report {self.directory}",
            f"  reference: {s['reference']['description']}",
            f"  current:   {s['current']['description']}",
            f"  drifted features: {s['drifted_count']} of {s['features_checked']} "
            f"(share {s['share_drifted']:.2f}, threshold {s['settings']['drift_share']:.2f})",
            f"  prediction drift: {'yes' if prediction['drifted'] else 'no'} (refusal rate "
            f"{prediction['decision']['reference_refusal_rate']:.1%} -> "
            f"{prediction['decision']['current_refusal_rate']:.1%})",
        ]
        lines += [f"  drifted: {d['feature']} ({d['method']} {d['score']})" for d in s["drifted_features"]]
        check = s.get("segment_check")
        if check:
            drifted = ", ".join(check["drifted"]) or "none"
            lines.append(
                f"  segments: {check['values_checked']} values of at least {check['min_clients']} clients "
                f"checked; drifted: {drifted}"
            )
        verdict = "DRIFT DETECTED: " + "; ".join(s["alerts"]) if self.drift_detected else "no drift detected"
        return "\n".join([*lines, verdict])


def _bundle(request: DriftRequest) -> Bundle:
    try:
        return load_bundle(request.paths.models, request.version)
    except BundleError as exc:
        raise DriftError(str(exc)) from None


def _current(request: DriftRequest, bundle: Bundle, features: list[ModelFeature]) -> Sample:
    keep = request.segments.columns()
    if request.current != LOG and (request.since or request.until):
        raise DriftError("--since and --until select a window of the prediction log: use --current log")
    if request.current == LOG:
        since, until = parse_time(request.since, "--since"), parse_time(request.until, "--until")
        return log_sample(request.database_url or default_database_url(), features, since, until, keep)
    if request.current == TEST:
        return application_test_sample(request.paths.features, bundle, features, keep)
    directory = Path(request.current)
    if not directory.is_dir():
        raise DriftError(f"--current must be 'test', 'log' or a directory of raw tables; {directory} is none")
    return batch_current(directory, bundle, features, keep)


def _check_rows(current: Sample, minimum: int) -> None:
    if current.rows == 0 and current.source != LOG:
        raise DriftError(f"{current.description}: no rows to compare")
    if current.rows < minimum:
        raise InsufficientData(current.rows, minimum, current.description)


def run_drift(request: DriftRequest) -> DriftResult:
    """Compare the current data of `request` with the training data; write and index the report.

    Raises DriftError when the data cannot be compared and InsufficientData when there are too few rows.
    """
    settings = request.settings
    bundle = _bundle(request)
    private = identifiers() if request.current == LOG else ()  # the log never stores them
    features = top_features(bundle, settings.top_features, exclude=private)
    current = _current(request, bundle, features)
    _check_rows(current, settings.min_rows)
    current.check_columns([f.name for f in features])
    rows, seed = settings.reference_rows, settings.seed
    keep = request.segments.columns()
    reference = load_reference(request.paths.features, bundle, features, rows, seed, keep)
    created = datetime.now(UTC).replace(microsecond=0)
    directory = report_directory(request.reports_dir, created, f"train_vs_{current.source}")
    metadata = {"model_version": bundle.version, "current": current.description}
    run = build_report(reference, current, features, settings, bundle.threshold, metadata)
    model = {"version": bundle.version, "threshold": bundle.threshold}
    psi = stability(reference, current, run.tested)
    estimated = estimated_performance(reference, current, bundle, settings.auc_drop)
    calibration = calibration_for(bundle, reference)
    segments = request.segments
    by_segment = segment_drift(reference, current, features, segments, calibration, settings.drift_share)
    summary = summarise(
        run, reference, current, settings, model, directory.name, created, psi, estimated, by_segment
    )
    save_report(run.snapshot, summary, directory)
    write_index(request.reports_dir)
    return DriftResult(directory, summary)
