"""A strategy simulated on past applications against the strategy in force.

On a population (`scoring.strategy.population`): the approval, refer and refusal rates (adding up to 1),
the expected bad rate of the accepted (their mean calibrated PD) and the observed one where outcomes are
known, the expected loss of the accepted (PD x LGD x amount, the LGD of the offer's pricing policy), their
expected profit at the offer's prices (`scoring.offer.profit`), the refer volume per day at the prediction
log's recent traffic, how often each rule fires, and the swap set against the current strategy: `swap_in`
(accepted now, not accepted by the current one) and `swap_out` (accepted by the current one, not now), each
with its count and bad rates, plus every move between the three decisions (`transitions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from scoring.explain.policy_reasons import policy_title
from scoring.offer.pricing import pricing_policy
from scoring.offer.profit import PER, expected_profit
from scoring.strategy.decide import OUTCOMES, Decisions, decide, fired_pandas
from scoring.strategy.definition import InForce, Strategy
from scoring.strategy.population import Population
from scoring.vocabulary import Decision

SETTINGS = Path(__file__).with_name("simulation.json")


@cache
def settings() -> dict:
    """Traffic window and chart resolution of the simulation (simulation.json)."""
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def _mean(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def group(population: Population, rows: np.ndarray) -> dict:
    """Count, expected bad rate (mean PD) and observed bad rate (known outcomes) of the selected rows."""
    return {
        "count": int(rows.sum()),
        "expected_bad_rate": _mean(population.probability[rows]),
        "observed_bad_rate": _mean(population.target[rows]),
        "outcomes_known": int((rows & ~np.isnan(population.target)).sum()),
    }


def rates(decisions: Decisions) -> dict[str, float]:
    """approval_rate, refer_rate and refusal_rate: the shares of the three decisions."""
    return {
        "approval_rate": decisions.share(Decision.ACCEPT),
        "refer_rate": decisions.share(Decision.REFER),
        "refusal_rate": decisions.share(Decision.REFUSE),
    }


@dataclass(frozen=True)
class Compared:
    """A strategy and the current one, decided on the same population."""

    strategy: Strategy
    in_force: InForce
    population: Population
    new: Decisions
    old: Decisions

    @property
    def current(self) -> Strategy:
        return self.in_force.strategy

    @classmethod
    def of(cls, strategy: Strategy, in_force: InForce, population: Population) -> Compared:
        p = population.probability
        current = in_force.strategy
        at_loan = population.probability_of
        new = decide(strategy, p, fired_pandas(strategy, population.frame, p, at_loan))
        old = decide(current, p, fired_pandas(current, population.frame, p, at_loan))
        return cls(strategy, in_force, population, new, old)


def _rules(decisions: Decisions, strategy: Strategy, probability: np.ndarray, language: str) -> list[dict]:
    """How often each rule fires and how many decisions it changes: the rows decided otherwise without it
    (the other rules and the cut-offs deciding them), its own effect; its title in `language`."""
    n = max(len(decisions), 1)
    found = []
    for j, rule in enumerate(strategy.rules):
        without = decisions.fired.copy()
        without[:, j] = False
        otherwise = decide(strategy, probability, without).outcome
        found.append(
            {
                "code": rule.code,
                "title": policy_title(rule.code, language),
                "action": rule.action,
                "when": rule.when,
                "fires": int(decisions.fired[:, j].sum()),
                "fire_rate": float(decisions.fired[:, j].sum() / n),
                "changes": int((otherwise != decisions.outcome).sum()),
            }
        )
    return found


def _lending(population: Population, accepted: np.ndarray) -> dict:
    """The offer's loans to the accepted, each priced at its grade's rate over its asked term, from one
    pricing (`scoring.offer.profit`): the expected loss (PD x LGD x amount) and the profit of the loans it can
    price under the usury threshold (an accepted application priced above it is lent nothing), per 1,000
    simulated applications too; realised only when every accepted outcome is known."""
    rows = int(accepted.sum())
    without_amount = int(np.isnan(population.amount[accepted]).sum())
    if not rows:
        return {
            "expected_loss": 0.0,
            "expected_loss_per_accepted": None,
            "accepted_without_amount": without_amount,
            "profit": 0.0,
            "profit_per_1000": 0.0,
            "realised_profit_per_1000": None,
            "above_price_cap": 0,
        }
    target = population.target[accepted]
    profit = expected_profit(
        population.probability[accepted],
        population.amount[accepted],
        population.annuity[accepted],
        threshold=np.inf,
        target=None if np.isnan(target).any() else target,
    )
    loss, lent = profit.expected_loss_per_1000 * rows / PER, round(profit.offered_share * rows)
    scale = rows / max(len(population), 1)  # per 1,000 accepted -> per 1,000 simulated applications
    realised = profit.realised_profit_per_1000
    return {
        "expected_loss": loss,
        "expected_loss_per_accepted": loss / lent if lent else None,
        "accepted_without_amount": without_amount,
        "profit": profit.expected_profit_per_1000 * rows / PER,
        "profit_per_1000": profit.expected_profit_per_1000 * scale,
        "realised_profit_per_1000": None if realised is None else realised * scale,
        "above_price_cap": round(profit.refused_on_price_share * rows),
    }


def simulate(compared: Compared, scores_per_day: float | None, language: str = "en") -> dict:
    """The simulation's figures as one JSON-ready document (the rules' titles in `language`)."""
    population, new, old = compared.population, compared.new, compared.old
    config = settings()
    accepted = new.outcome == Decision.ACCEPT
    was_accepted = old.outcome == Decision.ACCEPT
    shares = rates(new)
    refer_per_day = None if scores_per_day is None else scores_per_day * shares["refer_rate"]
    accepted_group, current_group = group(population, accepted), group(population, was_accepted)
    in_force = _lending(population, was_accepted)
    return {
        "strategy": compared.strategy.name,
        "sha256": compared.strategy.sha256,
        "population": population.source,
        "bundle_version": population.bundle_version,
        "n": len(population),
        **shares,
        "counts": {o.value: int((new.outcome == o).sum()) for o in OUTCOMES},
        "expected_bad_rate": accepted_group["expected_bad_rate"],
        "observed_bad_rate": accepted_group["observed_bad_rate"],
        "outcomes_known": accepted_group["outcomes_known"],
        **_lending(population, accepted),
        "lgd": pricing_policy().loss_given_default,
        "scores_per_day": scores_per_day,
        "refer_per_day": refer_per_day,
        "traffic_days": config["traffic_days"],
        "rules": _rules(new, compared.strategy, population.probability, language),
        "current": {
            **compared.in_force.to_dict(),
            **rates(old),
            "expected_bad_rate": current_group["expected_bad_rate"],
            "observed_bad_rate": current_group["observed_bad_rate"],
            "expected_loss": in_force["expected_loss"],
            "profit": in_force["profit"],
        },
        "swap_in": group(population, accepted & ~was_accepted),
        "swap_out": group(population, was_accepted & ~accepted),
        "transitions": {
            o.value: {n.value: int(((old.outcome == o) & (new.outcome == n)).sum()) for n in OUTCOMES}
            for o in OUTCOMES
        },
    }


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _profit_line(result: dict) -> str:
    realised = result["realised_profit_per_1000"]
    return (
        f"expected profit at the offer's prices: {result['profit']:,.0f} "
        f"({result['profit_per_1000']:,.0f} per 1,000 applications; realised "
        f"{'n/a' if realised is None else f'{realised:,.0f}'}); "
        f"{result['above_price_cap']:,} accepted above the legal maximum rate"
    )


def describe(result: dict) -> str:
    """The simulation for people: one figure a line."""
    c, s_in, s_out = result["current"], result["swap_in"], result["swap_out"]
    per_day = result["refer_per_day"]
    lines = [
        f"strategy {result['strategy']} on {result['n']:,} applications ({result['population']})",
        f"approval {_rate(result['approval_rate'])}, refer {_rate(result['refer_rate'])}, "
        f"refusal {_rate(result['refusal_rate'])}",
        f"bad rate of the accepted: expected {_rate(result['expected_bad_rate'])}, "
        f"observed {_rate(result['observed_bad_rate'])} ({result['outcomes_known']:,} outcomes known)",
        f"expected loss of the accepted: {result['expected_loss']:,.0f} (LGD {result['lgd']:.0%}; "
        f"{result['accepted_without_amount']:,} accepted without an amount)",
        _profit_line(result),
        "refer volume: no traffic in the prediction log"
        if per_day is None
        else f"refer volume: {per_day:,.1f} a day at {result['scores_per_day']:,.1f} scores a day "
        f"(last {result['traffic_days']} days)",
        "rules (fires / decisions it changes):",
        *(
            f"  {r['code']:<24} {r['action']:<6} {r['fires']:>7,} ({r['fire_rate']:.2%}) / {r['changes']:,}"
            for r in result["rules"]
        ),
        f"against {c['strategy']}: approval {_rate(c['approval_rate'])}, refer {_rate(c['refer_rate'])}, "
        f"refusal {_rate(c['refusal_rate'])}; bad rate expected {_rate(c['expected_bad_rate'])}, "
        f"observed {_rate(c['observed_bad_rate'])}",
        f"swap in  (now accepted, not before): {s_in['count']:,}; bad rate expected "
        f"{_rate(s_in['expected_bad_rate'])}, observed {_rate(s_in['observed_bad_rate'])}",
        f"swap out (accepted before, not now): {s_out['count']:,}; bad rate expected "
        f"{_rate(s_out['expected_bad_rate'])}, observed {_rate(s_out['observed_bad_rate'])}",
    ]
    return "\n".join(lines)
