"""No statement without evidence, on the 500 first clients of the demo home: every code, both directions.

The oracle below restates the rule in plain Python, value by value: a code none of whose features is
known for the client (a count of 0 counting as unknown when the client has no row in its history table,
read from the table's own row count) is told by its missing statement and nothing else; a sentence that
asserts a level is told only when every headline value present shows it (one, for an adverse sentence of
`adverse_if: any`), and the neutral sentence only when it is not shown.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.explain.by_code import CodeGrouping
from scoring.explain.evidence import code_evidence
from scoring.explain.headline import Headline
from scoring.explain.reason_codes import ReasonCode, catalogue
from scoring.explain.reasons import CodeReason
from scoring.explain.sentences import customer_sentence
from scoring.features.feature import ModelFeature
from scoring.home import Paths
from scoring.serving.service import ScoringService, load_service
from scoring.vocabulary import FeatureKind

CLIENTS = 500
KINDS = ("adverse", "favourable")
CARD_LARGE = 0.5  # the line: a utilisation of 0.265 is never "a large part of your limit"


def _records(frame: pl.DataFrame) -> dict[str, np.ndarray]:
    """Per history table (name prefix): whether each client has a row in it, from the table's row count."""
    return {p: frame[f"{p}COUNT"].to_numpy() > 0 for p in catalogue().history_prefixes}


def _evidence(feature: ModelFeature, value: float, records: dict[str, bool]) -> bool:
    if math.isnan(value) or (feature.categorical and not 0 <= value < len(feature.levels)):
        return False
    table = next((p for p in records if feature.name.startswith(p)), None)
    return not (feature.kind == FeatureKind.COUNT and table and value == 0 and not records[table])


def _zones(headline: Headline, present: Sequence[tuple[str, float]]) -> tuple[list[bool], list[bool]]:
    """Per present headline value that speaks: at the adverse end, at the favourable end."""
    adverse, favourable = [], []
    for name, value in present:
        rule = headline.rule_of(name)
        if rule is None:
            continue
        low, high = value <= rule.low, value > rule.high
        if (math.isnan(rule.low) and not high) or (math.isnan(rule.high) and not low):
            continue
        adverse.append(high if rule.adverse_high else low)
        favourable.append(low if rule.adverse_high else high)
    return adverse, favourable


def _shown(code: ReasonCode, kind: str, present: Sequence[tuple[str, float]]) -> bool:
    """Whether the client's present values show what the code's `kind` sentence says."""
    if code.headline is None:
        return True
    adverse, favourable = _zones(code.headline, present)
    if kind == "adverse":
        return any(adverse) if code.headline.adverse_if_any else bool(adverse) and all(adverse)
    return bool(favourable) and all(favourable)


def check(
    code: ReasonCode, kind: str, sentence: str, members: Sequence[tuple[ModelFeature, float]], records: dict
) -> str:
    """What the customer was told in the `kind` direction and whether the client's values allow it."""
    present = [(f.name, v) for f, v in members if _evidence(f, v, records)]
    if not present:
        assert sentence == code.text("missing", "en"), (code.code, kind, sentence, members)
        return "missing"
    assert sentence != code.text("missing", "en"), (code.code, kind, "no history told with values", present)
    if _shown(code, kind, present):
        assert sentence == code.text(kind, "en"), (code.code, kind, sentence, present)
        if code.code == "CARD_USE":
            ratios = [v for _, v in present if code.headline.rule_of(_) is not None]
            assert all(v > CARD_LARGE if kind == "adverse" else v < CARD_LARGE for v in ratios), present
        return kind if code.headline is not None else "present"
    assert sentence == code.text("neutral", "en"), (code.code, kind, sentence, present)
    return "neutral"


@pytest.fixture(scope="module")
def home(demo_home: Path) -> tuple[Paths, ScoringService, pl.DataFrame]:
    paths = Paths(demo_home)
    service = load_service(paths.models, paths.features, paths.interim)
    frame = pl.read_parquet(paths.features)
    order = pl.DataFrame({"SK_ID_CURR": service.store.ids[:CLIENTS]})
    return paths, service, order.join(frame, on="SK_ID_CURR", how="left", maintain_order="left")


def test_every_code_on_every_feature_of_500_clients(home) -> None:  # noqa: ANN001
    paths, _, frame = home
    entries = json.loads(paths.feature_dictionary.read_text(encoding="utf-8"))
    features = [ModelFeature.from_metadata(entry) for entry in entries]
    grouping = CodeGrouping.of(catalogue(), [f.name for f in features])
    values = frame.select([f.name for f in features]).cast(pl.Float64).to_numpy()
    records = _records(frame)
    told: Counter[tuple[str, str]] = Counter()
    for row in range(len(frame)):
        evidence = code_evidence(values[row], features, grouping)
        client_records = {p: bool(r[row]) for p, r in records.items()}
        for i, name in enumerate(grouping.codes):
            members = [(features[j], float(values[row, j])) for j in grouping.member_positions[i]]
            for kind in KINDS:
                reason = CodeReason(name, 1.0 if kind == "adverse" else -1.0, 1.0, [], evidence[i])
                sentence = customer_sentence(reason, kind, "en")
                told[(name, check(catalogue()[name], kind, sentence, members, client_records))] += 1
    assert len(frame) == CLIENTS
    assert {c for c, _ in told} == {c.code for c in catalogue().codes}  # every code judged
    outcomes = Counter(outcome for _, outcome in told.elements())
    assert outcomes["missing"] > 0 and outcomes["neutral"] > 0
    assert outcomes["adverse"] > 0 and outcomes["favourable"] > 0 and outcomes["present"] > 0
    assert len({c for c, o in told if o == "missing"}) >= 3
    assert len({c for c, o in told if o in KINDS}) >= 5


def test_the_served_reasons_of_500_clients_agree_with_their_values(home) -> None:  # noqa: ANN001
    _, service, frame = home
    rows = np.arange(CLIENTS)
    contributions = service.scorer.contributions(np.ascontiguousarray(service.store.matrix[rows])).values
    features = service.scorer.features
    records = _records(frame)
    told: Counter[str] = Counter()
    principal = 0
    for row in rows:
        result = service.client_result(int(row), contributions[row])
        values = np.asarray(service.store.matrix[row], dtype=np.float64)
        client_records = {p: bool(r[row]) for p, r in records.items()}
        reasons = result.explanation.reasons
        principal += len(reasons)
        for reason in [*result.explanation.codes, *reasons]:
            assert reason.evidence is not None
            kind = "adverse" if reason.contribution > 0 else "favourable"
            i = service.grouping.codes.index(reason.code)
            members = [(features[j], float(values[j])) for j in service.grouping.member_positions[i]]
            english = customer_sentence(reason, kind, "en")
            told[check(catalogue()[reason.code], kind, english, members, client_records)] += 1
            text = _kind_of(reason.code, english)
            assert customer_sentence(reason, kind, "fr") == catalogue()[reason.code].text(text, "fr")
    assert principal >= CLIENTS
    assert told["missing"] > 0 and told["neutral"] > 0 and told["adverse"] + told["favourable"] > 0


def _kind_of(code: str, english: str) -> str:
    """The catalogue text an English sentence was taken from (the French one must be its translation)."""
    texts = catalogue()[code]
    return next(k for k in ("adverse", "favourable", "neutral", "missing") if texts.text(k, "en") == english)
