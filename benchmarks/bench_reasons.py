"""Reasons by code on the demo data: coverage of the push towards refusal and stability under noise.

Loads the champion bundle and the client store of $SCORING_HOME (default: the project, e.g. after `make
run`) and prints: the median share of the push towards refusal that the 4 principal reason codes cover for
refused clients (target >= 75 %, and the same for 4 single features for comparison), and the share of
clients whose top-4 code set keeps a Jaccard index >= 0.75 under +/-1 % noise on the numeric application
fields (target >= 90 %). Also: the time of the explanation payload of one stored client; the recourse
search on refused clients (time, and how many get an offer the model accepts, by kind); the time to render a
decision letter as PDF.

Environment: BENCH_REASONS_COVERAGE_CLIENTS (random stored clients whose refused ones are measured, default
5000), BENCH_REASONS_STABILITY_CLIENTS (default 2000), BENCH_REASONS_RECOURSE_CLIENTS (refused clients
searched, default 200), BENCH_REASONS_SEED (default 0).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np

from api.schemas.scores import score_payload
from api.settings import Settings
from benchmarks.figures import Figure, record
from benchmarks.settings import BenchSettings
from scoring.modeling.bundle import CHAMPION_FILE
from scoring.notice.content import DecisionFacts, build_notice, new_reference
from scoring.notice.pdf import render_pdf
from scoring.serving.reason_quality import applications, measure
from scoring.serving.recourse import recourse
from scoring.serving.service import ScoringService, load_service
from scoring.settings import get_paths
from scoring.vocabulary import Decision, Language

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


def recourse_figures(service: ScoringService, count: int, seed: int) -> list[Figure]:
    """Recourse search over refused clients: time per client and share with an accepted offer, by kind."""
    refused = np.flatnonzero(service.probabilities >= service.scorer.threshold)
    rows = np.random.default_rng(seed).choice(refused, min(count, len(refused)), replace=False)
    apps = applications(service, service.store.ids[rows])
    seconds, kinds, found = [], {"amount": 0, "term": 0}, []
    for row in rows:
        application = apps.get(int(service.store.ids[row]))
        if application is None:
            continue
        started = time.perf_counter()
        result = recourse(service, application, service.store.matrix[row])
        seconds.append(time.perf_counter() - started)
        found.append(result)
        for option in result.options:
            kinds[option.kind] += 1
    offered = sum(bool(r.options) for r in found)
    p50, p95 = np.percentile(np.array(seconds) * 1000, [50, 95])
    print(
        f"recourse: {offered} of {len(found)} refused clients get an offer the model accepts (lower amount: "
        f"{kinds['amount']}, longer term: {kinds['term']}); search p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    settings = Settings(_env_file=None)
    result = service.client_result(int(rows[0]), service.explanations.compute_row(int(rows[0])))
    assert result.explanation is not None
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        facts = DecisionFacts(
            int(service.store.ids[rows[0]]),
            Decision.REFUSE,
            result.points,
            result.threshold_points,
            found[0].amount,
            result.explanation.codes,
            found[0],
            result.model_version,
        )
        now = datetime.now(UTC)
        notice = build_notice(facts, settings.lender, "fr", now, new_reference(now))
        render_pdf(notice, settings.letter_font_dir)
        timings.append(time.perf_counter() - started)
    print(f"decision letter (one A4 page of PDF): p50 {np.median(timings) * 1000:.0f} ms to build and render")
    return [
        Figure(
            "reasons.recourse",
            f"recourse search on {len(found)} refused clients",
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms; {offered} of {len(found)} get an offer",
        ),
        Figure(
            "reasons.letter",
            "decision letter, one A4 page of PDF",
            f"p50 {np.median(timings) * 1000:.0f} ms to build and render",
        ),
    ]


def main() -> None:
    paths = get_paths()
    if not (paths.models / CHAMPION_FILE).exists():
        print(f"skipped: no promoted model in {paths.models} (run `make run` first)")
        return
    bench = BenchSettings()
    seed = bench.reasons_seed
    service = load_service(paths.models, paths.features, paths.interim)
    started = time.perf_counter()
    quality = measure(
        service,
        bench.reasons_coverage_clients,
        bench.reasons_stability_clients,
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
    coverage_row = Figure(
        "reasons.coverage",
        f"reasons by code ({store:,} stored clients)",
        f"coverage {quality.coverage_median:.1%}, stability {quality.stable_share:.1%}; code breakdown "
        f"{explain:.2f} ms and French payload {payload:.2f} ms per stored client",
        f"≥ {COVERAGE_TARGET:.0%}, ≥ {STABILITY_TARGET:.0%}",
    )
    record("bench_reasons", [coverage_row, *recourse_figures(service, bench.reasons_recourse_clients, seed)])


if __name__ == "__main__":
    main()
