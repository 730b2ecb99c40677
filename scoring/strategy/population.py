"""The applications a strategy is simulated on, with what its rules read.

Two sources: the bundle's out-of-fold population (its training clients, each scored by a model that did not
learn from it: `oof.parquet`, with their outcomes), its rules reading the home's ingested applications
(`data/interim/application_train.parquet`) and features (`features.parquet`); or a labelled application
file (Kaggle columns, TARGET optional: a missing label is an unknown outcome) scored by the bundle as
`scoring evaluate` does, with its secondary tables read from its directory.

Rules reading the offer's figures of the requested loan price each asked loan at the PD scored again at its
priced instalment, as serving does (`Population.probability_of`): the bundle's model on the client's row
with the loan features recomputed; for out-of-fold clients that change of the model's log-odds is added to
the out-of-fold PD's, so a client's PD moves with the loan as the model says, from where it was measured.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from scoring.data.normalise import normalise
from scoring.data.schema import APPLICATION_TRAIN
from scoring.data.sources import read_source
from scoring.data.validate import TableError
from scoring.errors import ScoringError
from scoring.features.build import compute_features
from scoring.features.loan_rows import LoanRows
from scoring.home import Paths
from scoring.modeling.bundle import OOF_FILE, Bundle
from scoring.modeling.dataset import AMOUNT, ID, TARGET
from scoring.modeling.evaluate import read_secondary
from scoring.offer.candidate_loans import ProbabilityOf
from scoring.strategy.names import raw_columns

PROBABILITY = "probability"
ANNUITY = "APP_AMT_ANNUITY"
EDGE = 1e-12  # PDs are kept this far from 0 and 1 for their log-odds
LoanScorer = Callable[[pd.DataFrame], ProbabilityOf]  # the rules' frame -> each row's PD at another loan


class PopulationError(ScoringError, ValueError):
    """The population cannot be read, naming the file or the column."""


@dataclass(frozen=True)
class Population:
    """Applications with their calibrated PD, outcome (NaN: unknown), credit amount and annuity (NaN:
    unknown) and the columns the rules read (a pandas frame in the same row order)."""

    source: str
    bundle_version: str | None  # the bundle whose out-of-fold clients these are (None: a data file)
    probability: np.ndarray
    target: np.ndarray
    amount: np.ndarray
    annuity: np.ndarray
    frame: pd.DataFrame
    loan_scorer: LoanScorer | None = None

    def __len__(self) -> int:
        return len(self.probability)

    @cached_property
    def probability_of(self) -> ProbabilityOf | None:
        """The PD of each application at another (amount, instalment), for the offer's figures (the model
        rows read at the first call)."""
        if self.loan_scorer is None:
            return None
        scorer, frame = self.loan_scorer, self.frame

        @cache
        def ready() -> ProbabilityOf:
            return scorer(frame)

        return lambda amounts, instalments, candidates: ready()(amounts, instalments, candidates)


def _log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), EDGE, 1.0 - EDGE)
    return np.log(p) - np.log1p(-p)


def loan_scorer(
    bundle: Bundle, rows: Callable[[], np.ndarray], measured: np.ndarray | None = None
) -> LoanScorer:
    """The PD of each application at another loan: the bundle's model on its model row (`rows()`, read when
    first needed) with the loan features recomputed; with `measured` PDs (out-of-fold), the model's change
    of log-odds added to them."""

    def scorer(frame: pd.DataFrame) -> ProbabilityOf:
        X = rows()
        at_loan = LoanRows(bundle.feature_names).probability_of(X, frame, bundle.predict_proba)
        if measured is None:
            return at_loan
        offset = _log_odds(measured) - _log_odds(bundle.predict_proba(X))

        def shifted(amounts: np.ndarray, instalments: np.ndarray, candidates: np.ndarray) -> np.ndarray:
            odds = _log_odds(at_loan(amounts, instalments, candidates)) + offset[candidates]
            return 1.0 / (1.0 + np.exp(-odds))

        return shifted

    return scorer


def _split(columns: Iterable[str]) -> tuple[list[str], list[str]]:
    raw = raw_columns()
    wanted = sorted(set(columns))
    return [c for c in wanted if c in raw], [c for c in wanted if c not in raw]


def _select(path: Path, frame: pl.LazyFrame, columns: list[str]) -> pl.DataFrame:
    missing = [c for c in [ID, *columns] if c not in frame.collect_schema().names()]
    if missing:
        raise PopulationError(f"{path}: no column {', '.join(missing)} (read by a rule)")
    return frame.select(ID, *columns).collect()


def _as_floats(series: pl.Series) -> np.ndarray:
    return series.cast(pl.Float64).to_numpy().astype(float)


def _floats(frame: pl.DataFrame, column: str) -> np.ndarray:
    """A column as floats (NaN where missing), all NaN when the frame has no such column."""
    return _as_floats(frame[column]) if column in frame.columns else np.full(frame.height, np.nan)


def applications_of(interim: Path) -> Path:
    """The ingested applications of the training clients in a home's `data/interim` folder."""
    return interim / f"{APPLICATION_TRAIN.name}.parquet"


def oof_population(
    paths: Paths,
    bundle: Bundle,
    columns: Iterable[str],
    applications: Path | None = None,
    features_file: Path | None = None,
) -> Population:
    """The bundle's out-of-fold clients, with the raw columns and features in `columns` (read from the home's
    ingested applications and features, or from the files given)."""
    applications = applications or applications_of(paths.interim)
    features_file = features_file or paths.features
    try:
        oof = bundle.oof()
    except FileNotFoundError:
        raise PopulationError(f"bundle {bundle.path} has no {OOF_FILE}") from None
    raw, features = _split(columns)
    joined = oof.select(ID, TARGET, PROBABILITY, *([AMOUNT] if AMOUNT in oof.columns else []))
    money = [c for c in (AMOUNT, ANNUITY) if c not in joined.columns and c not in features]
    sources = [(applications, raw), (features_file, features + money)]
    for path, wanted in sources:
        if not wanted:
            continue
        if not path.is_file():
            raise PopulationError(f"{path} not found: build the home first (`scoring pipeline`)")
        joined = joined.join(_select(path, pl.scan_parquet(path), wanted), on=ID, how="left")
    probability = _as_floats(joined[PROBABILITY])

    def rows() -> np.ndarray:
        model = pl.scan_parquet(features_file).select(ID, *bundle.feature_names).collect()
        return bundle.matrix(joined.select(ID).join(model, on=ID, how="left"))

    return Population(
        source=f"out-of-fold clients of bundle {bundle.version}",
        bundle_version=bundle.version,
        probability=probability,
        target=_as_floats(joined[TARGET]),
        amount=_floats(joined, AMOUNT),
        annuity=_floats(joined, ANNUITY),
        frame=joined.select(*raw, *features).to_pandas(),
        loan_scorer=loan_scorer(bundle, rows, probability),
    )


def _stamp(path: Path) -> tuple[str, float | None]:
    return str(path), path.stat().st_mtime if path.is_file() else None


class PopulationCache:
    """Out-of-fold populations already read (the last `size`), by bundle, columns and the files read with
    their modification times: the API simulates strategy after strategy on the same clients."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._found: OrderedDict[tuple, Population] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, paths: Paths, bundle: Bundle, columns: Iterable[str], applications: Path, features_file: Path
    ) -> Population:
        wanted = frozenset(columns)
        key = (str(bundle.path), bundle.version, wanted, _stamp(applications), _stamp(features_file))
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        population = oof_population(paths, bundle, wanted, applications, features_file)
        with self._lock:
            self._found[key] = population
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return population


def _application(path: Path) -> pl.DataFrame:
    try:
        table = read_source(APPLICATION_TRAIN, path)
        return normalise(APPLICATION_TRAIN.name, table.frame, first_row=table.first_row)
    except TableError as error:
        raise PopulationError("\n".join(f"{path.name}: {p}" for p in error.problems)) from None


def file_population(data: Path, bundle: Bundle, columns: Iterable[str]) -> Population:
    """The applications of a CSV or Parquet file scored by the bundle, with the columns in `columns`."""
    if not data.is_file():
        raise PopulationError(f"{data} not found")
    application = _application(data)
    secondary = read_secondary(data.parent, application[ID])
    features = compute_features({"application": application, **secondary})
    X = bundle.matrix(features)
    probability = bundle.predict_proba(X)
    raw, wanted = _split(columns)
    missing = [c for c in wanted if c not in features.columns]
    if missing:
        raise PopulationError(f"{data}: no feature {', '.join(missing)} computed (read by a rule)")
    frame = features.select(ID, *wanted).join(application.select(ID, *raw), on=ID, how="left")
    target = application.select(ID, TARGET) if TARGET in application.columns else None
    labels = (
        _as_floats(features.select(ID).join(target, on=ID, how="left")[TARGET])
        if target is not None
        else np.full(features.height, np.nan)
    )
    if np.any(~np.isnan(labels) & ~np.isin(labels, (0.0, 1.0))):
        raise PopulationError(f"{data}: column TARGET: a label is 1 (defaulted), 0 (repaid) or empty")
    return Population(
        source=str(data),
        bundle_version=None,
        probability=np.asarray(probability, dtype=float),
        target=labels,
        amount=_floats(features, AMOUNT),
        annuity=_floats(features, ANNUITY),
        frame=frame.select(*raw, *wanted).to_pandas(),
        loan_scorer=loan_scorer(bundle, lambda: X),
    )
