"""Reasons by code on the demo data: coverage of the push towards refusal and stability under noise.

Loads the champion bundle and the client store of $SCORING_HOME (default: the project, e.g. after `make
run`) and prints: the median share of the push towards refusal that the 4 principal reason codes cover for
refused clients (target >= 75 %, and the same for 4 single features for comparison), and the share of
clients whose top-4 code set keeps a Jaccard index >= 0.75 under +/-1 % noise on the numeric application
fields (target >= 90 %). Also times the explanation payload of one stored client.

Environment: BENCH_REASONS_COVERAGE_CLIENTS (random stored clients whose refused ones are measured, default
5000), BENCH_REASONS_STABILITY_CLIENTS (default 2000), BENCH_REASONS_SEED (default 0).
"""

from __future__ import annotations

import os
import time

import numpy as np

from api.schemas import score_payload
from scoring.config import get_paths
from scoring.modeling.bundle import CHAMPION_FILE
from scoring.serving.reason_quality import measure
from scoring.serving.service import load_service
from scoring.vocabulary import Language

COVERAGE_TARGET = 0.75
STABILITY_TARGET = 0.90


def payload_ms(service, rows: np.ndarray) -> tuple[float, float]:  # noqa: ANN001 - ScoringService
    """Median time of a stored client's explained result and of its JSON-ready payload (French texts)."""
    explain, payload = [], []
    for row in rows:
        values = service.explanations.compute_row(int(row))
        started = time.perf_counter()
        result = service.client_result(int(row), values)
        middle = time.perf_counter()
        score_payload(result, False, Language.FR)
        explain.append(middle - started)
        payload.append(time.perf_counter() - middle)
    return 1000 * float(np.median(explain)), 1000 * float(np.median(payload))


def main() -> None:
    paths = get_paths()
    if not (paths.models / CHAMPION_FILE).exists():
        print(f"skipped: no promoted model in {paths.models} (run `make run` first)")
        return
    seed = int(os.environ.get("BENCH_REASONS_SEED", "0"))
    service = load_service(paths.models, paths.features, paths.interim)
    started = time.perf_counter()
    quality = measure(
        service,
        int(os.environ.get("BENCH_REASONS_COVERAGE_CLIENTS", "5000")),
        int(os.environ.get("BENCH_REASONS_STABILITY_CLIENTS", "2000")),
        seed=seed,
    )
    seconds = time.perf_counter() - started
    store = len(service.store)
    print(f"home {paths.home}: model {service.scorer.version}, {store:,} stored clients, seed {seed}")
    for line in quality.lines():
        print(line)
    coverage = "OK" if quality.coverage_median >= COVERAGE_TARGET else "BELOW TARGET"
    stability = "OK" if quality.stable_share >= STABILITY_TARGET else "BELOW TARGET"
    print(
        f"targets: coverage >= {COVERAGE_TARGET:.0%} {coverage}; "
        f"stability >= {STABILITY_TARGET:.0%} {stability}"
    )
    explain, payload = payload_ms(service, np.arange(min(200, len(service.store))))
    print(
        f"per stored client (contributions given): result with code breakdown {explain:.3f} ms, "
        f"payload with French texts {payload:.3f} ms (medians); measures took {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
