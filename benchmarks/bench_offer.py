"""The offer: its speed for stored clients, what bounds the amounts, and the grade table.

Loads the champion bundle and the client store of $SCORING_HOME (default: the project, e.g. after `make run`)
and prints: the grade table (PD band, nominal rate, expected loss, APR with the fee at 12, 24 and 60 months
against the usury threshold); offers per second and the p50/p95 latency of one stored client's offer
(`scoring.serving.offering.stored_offer`: application row, bureau instalments, the search over the model;
target p50 <= 20 ms) over BENCH_OFFER_CLIENTS random stored clients (default 2000); the share of the clients
bound by each limit (risk, affordability, product, none: at most 10 %), the decisions and policy reason codes,
the offers made to refused clients by kind, the candidates scored and fixed-point passes per offer, the
clients whose score and offer decisions differ (the priced instalment is not the posted annuity), and the
expected profit per 1,000 applicants of the bundle's out-of-fold PDs. Then the same shares on the real sample
rows (../shared/data/homecredit-sample/ or $HOMECREDIT_SAMPLE), ingested and trained once with the default
settings in a temporary home (BENCH_OFFER_REAL=0 skips them). BENCH_OFFER_SEED (default 0) draws the clients.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.bench_train import prepare
from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from scoring.home import Paths
from scoring.modeling.bundle import CHAMPION_FILE
from scoring.modeling.train import TrainConfig, TrainInputs, train_model
from scoring.offer.apr import apr, instalment
from scoring.offer.policy import OfferPolicy
from scoring.offer.search import AFFORDABILITY, NONE, PRODUCT, RISK
from scoring.serving.offering import OfferResult, model_profit, stored_offer
from scoring.serving.service import ScoringService, load_service
from scoring.settings import get_paths

P50_TARGET_MS = 20.0
NONE_TARGET = 0.10
BOUNDS = (RISK, AFFORDABILITY, PRODUCT, NONE)


def grade_table(policy: OfferPolicy) -> None:
    """One line per grade: PD band, nominal rate, expected loss, APR (fee included) at 12, 24, 60 months."""
    product, usury = policy.product, policy.usury
    cap = float(usury.max_apr(100_000.0)[0])
    print(
        f"grade table (APR with a fee of {product.fee_rate:.1%}; usury threshold {cap:.2%} above 6,000, "
        f"{usury.quarter}):"
    )
    print(f"  {'grade':<6}{'PD band':<16}{'rate':>7}{'EL/year':>9}{'APR 12m':>9}{'APR 24m':>9}{'APR 60m':>9}")
    for g in policy.pricer.grades:
        aprs = []
        for months in (12, 24, 60):
            payment = round(float(instalment(100_000.0, g.annual_rate, months)), 2)
            rate = float(apr(100_000.0, payment, months, float(product.fees(100_000.0)))[0])
            aprs.append(f"{rate:>8.2%}{'*' if rate > cap else ' '}")
        band = f"[{g.pd_min:.1%}, {g.pd_max:.1%})"
        print(f"  {g.name:<6}{band:<16}{g.annual_rate:>7.2%}{g.expected_loss:>9.2%}{''.join(aprs)}")
    print("  (* above the usury threshold: a client of that grade cannot be offered that term)")


def offers_of(service: ScoringService, rows: np.ndarray) -> tuple[list[OfferResult], np.ndarray]:
    """The offers of stored clients and the seconds each took."""
    service.offer_data.application(int(service.store.ids[0]))  # the first call loads the rows
    found, seconds = [], []
    for row in rows:
        started = time.perf_counter()
        result = stored_offer(service, int(row))
        seconds.append(time.perf_counter() - started)
        if result is not None:
            found.append(result)
    return found, np.array(seconds)


def shares(
    key: str, label: str, service: ScoringService, rows: np.ndarray, offers: list[OfferResult]
) -> Figure:
    """What bounds the amounts, the decisions, the reasons, the alternatives, and the disagreements."""
    n = max(len(offers), 1)
    bounds = Counter(o.found.limits.bound for o in offers)
    verdict = "OK" if bounds[NONE] / n <= NONE_TARGET else "ABOVE TARGET"
    print(
        f"{label}: bound by "
        + ", ".join(f"{b} {bounds[b] / n:.1%}" for b in BOUNDS)
        + f" of {len(offers):,} clients (none <= {NONE_TARGET:.0%}: {verdict})"
    )
    decisions = Counter(str(o.found.decision) for o in offers)
    reasons = Counter(o.found.reason_code for o in offers if o.found.decision == "refuse")
    refused = [o for o in offers if o.found.decision == "refuse"]
    kinds = Counter(o.found.offer.kind if o.found.offer else "nothing" for o in refused)
    print(
        f"{label}: asked terms offered {decisions['accept'] / n:.1%}, refused {decisions['refuse'] / n:.1%} "
        f"(model risk {reasons[None] / n:.1%}, NOT_AFFORDABLE {reasons['NOT_AFFORDABLE'] / n:.1%}, "
        f"PRICE_ABOVE_CAP {reasons['PRICE_ABOVE_CAP'] / n:.1%}); refused clients offered a lower amount "
        f"{kinds['lower_amount']}, a longer term {kinds['longer_term']}, nothing {kinds['nothing']}"
    )
    by_id = {int(service.store.ids[r]): r for r in rows}
    differ = sum(
        (service.probabilities[by_id[o.client_id]] < o.found.threshold)
        != (o.found.probability < o.found.threshold)
        for o in offers
    )
    passes = Counter(o.found.passes for o in offers)
    evaluations = np.array([o.found.evaluations for o in offers])
    grades = Counter(o.found.grade for o in offers)
    print(
        f"{label}: score and priced asked terms on different sides of the threshold for {differ} clients "
        f"({differ / n:.1%}); candidates scored per offer median {np.median(evaluations):.0f}, p95 "
        f"{np.percentile(evaluations, 95):.0f}; fixed-point passes "
        + ", ".join(f"{k}: {v}" for k, v in sorted(passes.items()))
        + "; grades of the asked terms "
        + ", ".join(f"{k or 'refused on risk'} {v / n:.1%}" for k, v in sorted(grades.items(), key=str))
    )
    step = f"offers bound by {' / '.join(BOUNDS)}, {label} ({len(offers):,} clients)"
    measured = " / ".join(f"{bounds[b] / n:.1%}" for b in BOUNDS)
    return Figure(key, step, measured, f"{NONE} ≤ {NONE_TARGET:.0%}")


def speed(service: ScoringService, rows: np.ndarray) -> tuple[list[OfferResult], Figure]:
    load = os.getloadavg()[0]
    offers, seconds = offers_of(service, rows)
    p50, p95 = np.percentile(seconds * 1000, [50, 95])
    verdict = "OK" if p50 <= P50_TARGET_MS else "ABOVE TARGET"
    print(
        f"speed: {len(rows) / seconds.sum():,.0f} offers per second on one thread; p50 {p50:.1f} ms, p95 "
        f"{p95:.1f} ms per stored client (target p50 <= {P50_TARGET_MS:.0f} ms: {verdict}); load average "
        f"{load:.1f} at start"
    )
    step = f"offer per stored client ({len(rows):,} clients, one thread)"
    measured = f"{len(rows) / seconds.sum():,.0f} offers/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    return offers, Figure("offer.speed", step, measured, f"p50 ≤ {P50_TARGET_MS:.0f} ms")


def real_rows(seed: int) -> Figure | None:
    """The shares on the real sample rows, trained once with the default settings in a temporary home."""
    sample = BenchSettings().homecredit_sample
    if not (sample / "application_train.csv").exists():
        print("real sample rows not found: set HOMECREDIT_SAMPLE to measure them")
        return None
    with tempfile.TemporaryDirectory(prefix="bench-offer-real-") as tmp:
        paths = prepare(Path(tmp), None, seed, raw=sample)
        train_model(
            TrainInputs.from_paths(paths), replace(TrainConfig(), track=False, progress=False, seed=seed)
        )
        service = load_service(paths.models, paths.features, paths.interim)
        rows = np.arange(len(service.store))
        offers, _ = offers_of(service, rows)
        print(
            f"real sample rows: model {service.scorer.version} ({service.scorer.kind}), {len(rows):,} clients"
        )
        return shares("offer.bound_real", "real sample rows", service, rows, offers)


def print_profit(profit: dict | None) -> None:
    if not profit:
        return
    money = {k: f"{v:,.0f}" for k, v in profit.items() if k.endswith("_per_1000") and v is not None}
    print(
        f"expected profit per 1,000 applicants (out-of-fold PDs): {money['expected_profit_per_1000']} "
        f"(realised {money.get('realised_profit_per_1000', 'unknown')}; interest "
        f"{money['interest_income_per_1000']}, expected loss {money['expected_loss_per_1000']}, cost of "
        f"funds {money['cost_of_funds_per_1000']}, operating cost {money['operating_cost_per_1000']}); "
        f"offered {profit['offered_share']:.1%}, refused on price {profit['refused_on_price_share']:.1%}"
    )


def main() -> None:
    paths: Paths = get_paths()
    bench = BenchSettings()
    grade_table(OfferPolicy())
    figures: list[Figure] = []
    if not (paths.models / CHAMPION_FILE).exists():
        print(f"skipped the demo home: no promoted model in {paths.models} (run `make run` first)")
    else:
        seed = bench.offer_seed
        service = load_service(paths.models, paths.features, paths.interim)
        count = min(bench.offer_clients, len(service.store))
        rows = np.random.default_rng(seed).choice(len(service.store), count, replace=False)
        print(
            f"home {paths.home}: model {service.scorer.version} ({service.scorer.kind}), "
            f"{len(service.store):,} stored clients, {count:,} drawn (seed {seed})"
        )
        offers, timing = speed(service, rows)
        figures += [timing, shares("offer.bound_demo", "demo home", service, rows, offers)]
        print_profit(model_profit(service))
    real = real_rows(bench.offer_seed) if bench.offer_real else None
    record("bench_offer", [*figures, real] if real else figures)


if __name__ == "__main__":
    main()
