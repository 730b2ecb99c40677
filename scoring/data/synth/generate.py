"""Generate the seven Kaggle tables of a synthetic population, with its true default probabilities."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit
from tqdm import tqdm

from scoring.data.schema import APPLICATION_TEST, APPLICATION_TRAIN, TABLES, TARGET
from scoring.data.synth.application_table import application_columns
from scoring.data.synth.bureau import bureau_tables
from scoring.data.synth.cards import card_table
from scoring.data.synth.chunk import Chunk
from scoring.data.synth.clients import Population, draw_population
from scoring.data.synth.drifted_batch import validate_drift
from scoring.data.synth.errors import GenerationError
from scoring.data.synth.previous import previous_applications
from scoring.data.synth.repayment import repayment_tables
from scoring.data.synth.sampling import TableStats, Values, load_tables, rng_for
from scoring.data.synth.truth import GROUND_TRUTH, draw_target, oracle_auc, risk_score, solve_intercept
from scoring.data.synth.writer import CsvTables, NullTables
from scoring.data.twin_calibration import CalibrationError, load_calibration

CHUNK_CLIENTS = 25_000
FIRST_BUREAU_ID = 5_000_000
FIRST_PREV_ID = 1_000_000
OUTPUT_ORDER = (*TABLES, GROUND_TRUTH.name)
MIN_CLIENTS = 20
MAX_CLIENTS = 5_000_000


@dataclass(frozen=True)
class GenerationSummary:
    """What a generation wrote: where, how many rows per table, default rate and oracle AUC."""

    out_dir: Path
    seed: int
    n_train: int
    n_test: int
    rows: dict[str, int]
    default_rate: float
    oracle_auc: float
    seconds: float
    drift: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        drift = ", ".join(f"{k}={v:g}" for k, v in self.drift.items()) or "none"
        tables = "\n".join(f"  {name:<24}{rows:>12,} rows" for name, rows in self.rows.items())
        return (
            f"synthetic tables in {self.out_dir} (seed {self.seed}, drift: {drift})\n{tables}\n"
            f"clients: {self.n_train:,} train + {self.n_test:,} test; default rate {self.default_rate:.2%}; "
            f"oracle AUC {self.oracle_auc:.4f}; {self.seconds:.1f} s"
        )


@dataclass
class _Simulation:
    population: Population
    application: dict[str, Values]
    aggregates: dict[str, np.ndarray]


def _secondary(
    population: Population,
    seed: int,
    stats: dict[str, TableStats],
    relations: dict[str, dict],
    drift: dict[str, float],
    sink: CsvTables,
) -> dict[str, np.ndarray]:
    """Write the secondary tables chunk by chunk; return the per-client aggregates of the truth."""
    parts: dict[str, list[np.ndarray]] = {}
    bureau_id, prev_id = FIRST_BUREAU_ID, FIRST_PREV_ID
    starts = range(0, population.size, CHUNK_CLIENTS)
    for index, start in enumerate(tqdm(starts, desc="secondary tables", unit="chunk", disable=None)):
        clients = population.take(slice(start, start + CHUNK_CLIENTS))
        chunk = Chunk(index, seed, clients, stats, relations, drift, bureau_id, prev_id)
        bureau, balance, bureau_agg = bureau_tables(chunk)
        previous, contracts, previous_agg = previous_applications(chunk)
        instalments, pos, repayment_agg = repayment_tables(chunk, contracts)
        cards, card_agg = card_table(chunk, contracts.select(contracts.is_card))
        for name, columns in (
            ("bureau", bureau),
            ("bureau_balance", balance),
            ("previous_application", previous),
            ("POS_CASH_balance", pos),
            ("installments_payments", instalments),
            ("credit_card_balance", cards),
        ):
            sink.append(TABLES[name], columns)
        for name, values in {**bureau_agg, **previous_agg, **repayment_agg, **card_agg}.items():
            parts.setdefault(name, []).append(values)
        bureau_id += len(bureau["SK_ID_BUREAU"])
        prev_id += len(previous["SK_ID_PREV"])
    return {name: np.concatenate(values) for name, values in parts.items()}


def _simulate(n_train: int, seed: int, drift: dict[str, float], sink: CsvTables) -> _Simulation:
    stats = load_tables()
    relations = load_calibration()["relations"]
    population = draw_population(n_train, seed)
    application = application_columns(
        population, stats["application_train"], relations["application_train"], seed, drift
    )
    aggregates = _secondary(population, seed, stats, relations, drift, sink)
    return _Simulation(population, application, aggregates)


def _target_rate() -> float:
    """Share of defaults (TARGET = 1) in the calibration sample."""
    values = load_tables()["application_train"].columns[TARGET]["values"]
    return float(dict((value, share) for value, share in values).get(1.0, 0.0))


def _intercept(simulation: _Simulation, n_train: int, seed: int, drift: dict[str, float]) -> float:
    """Solved on the undrifted population of the same seed, so drift moves the default rate."""
    reference = simulation if not drift else _simulate(n_train, seed, {}, NullTables())
    score = risk_score(reference.application, reference.aggregates)
    return solve_intercept(score[~reference.population.is_test], _target_rate())


def _select(columns: dict[str, Values], rows: np.ndarray) -> dict[str, Values]:
    return {
        name: values[rows] if isinstance(values, np.ndarray) else values.take(rows)
        for name, values in columns.items()
    }


def _write_applications(
    sink: CsvTables, simulation: _Simulation, probability: np.ndarray, target: np.ndarray
) -> None:
    test = simulation.population.is_test
    train_rows, test_rows = np.flatnonzero(~test), np.flatnonzero(test)
    application = {**simulation.application, TARGET: target}
    sink.append(APPLICATION_TRAIN, _select(application, train_rows))
    sink.append(APPLICATION_TEST, _select(application, test_rows))
    sink.append(GROUND_TRUTH, {"SK_ID_CURR": simulation.population.ids, "TRUE_PROBABILITY": probability})


def _check_request(n_clients: int, seed: int, out_dir: Path) -> None:
    if not MIN_CLIENTS <= n_clients <= MAX_CLIENTS:
        raise GenerationError(
            f"--clients must be between {MIN_CLIENTS} and {MAX_CLIENTS:,}, got {n_clients:,}"
        )
    if seed < 0:
        raise GenerationError(f"--seed must be a non-negative integer, got {seed}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenerationError(f"cannot create output directory {out_dir}: {exc}") from exc


def generate_tables(
    n_clients: int, seed: int, out_dir: Path, drift: dict[str, float] | None = None
) -> GenerationSummary:
    """Write the 7 tables (+ application_test and ground_truth.csv) of n_clients train clients to out_dir."""
    started = time.perf_counter()
    drift = validate_drift(drift or {})
    _check_request(n_clients, seed, out_dir)
    try:
        with CsvTables(out_dir) as sink:
            simulation = _simulate(n_clients, seed, drift, sink)
            score = risk_score(simulation.application, simulation.aggregates)
            probability = expit(_intercept(simulation, n_clients, seed, drift) + score)
            target = draw_target(probability, rng_for(seed, "target"))
            _write_applications(sink, simulation, probability, target)
            sink.commit()
    except (CalibrationError, OSError) as exc:
        raise GenerationError(f"generation into {out_dir} failed: {exc}") from exc
    train = ~simulation.population.is_test
    return GenerationSummary(
        out_dir=out_dir,
        seed=seed,
        n_train=int(train.sum()),
        n_test=int((~train).sum()),
        rows={name: sink.rows[name] for name in OUTPUT_ORDER},
        default_rate=float(target[train].mean()),
        oracle_auc=oracle_auc(target[train], probability[train]),
        seconds=time.perf_counter() - started,
        drift=drift,
    )
