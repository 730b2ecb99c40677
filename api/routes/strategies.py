"""Decision strategies (analysts and administrators): the stored versions, the active one, a simulation of a
strategy file on the bundle's out-of-fold clients against the strategy in force, and the four-eyes flow: an
analyst (or an administrator) proposes, another administrator approves (it becomes the active strategy) or
rejects; each step audited."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from fastapi.exceptions import RequestValidationError

from api.deps import ServiceDep, SettingsDep
from api.errors import error_responses
from api.identity import Admin, Analyst, DatabaseDep, actor_of
from api.language import LanguageDep
from api.schemas.strategies import (
    ActiveStrategyOut,
    RejectIn,
    SimulationOut,
    StrategyIn,
    StrategyVersionOut,
    strategy_out,
)
from scoring.db import strategies
from scoring.io import clean_json
from scoring.strategy.chart import chart_points
from scoring.strategy.definition import InForce, Strategy, StrategyError, load_strategy
from scoring.strategy.population import PopulationCache, PopulationError, applications_of
from scoring.strategy.simulate import Compared, settings, simulate
from scoring.strategy.traffic import scores_per_day

router = APIRouter(prefix="/strategies", tags=["strategies"])
READ = error_responses(401, 403, 422, 500)
CHANGE = error_responses(400, 401, 403, 404, 409, 413, 422, 500)
Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="Version of a stored strategy")]
POPULATIONS = PopulationCache()  # the out-of-fold clients, read once per bundle and columns
REVIEW_STATUS = {"not-found": status.HTTP_404_NOT_FOUND, "four-eyes": status.HTTP_403_FORBIDDEN}


@cache
def example() -> str:
    """The demo home's strategy file (scoring/strategy/examples/demo.yaml)."""
    return resources.files("scoring.strategy").joinpath("examples/demo.yaml").read_text("utf-8")


def _strategy(text: str) -> Strategy:
    """The strategy of the posted text, else a 422 with each problem naming its line and field."""
    try:
        return load_strategy(text, "yaml")
    except StrategyError as error:
        raise RequestValidationError(
            [{"loc": ("body", "yaml"), "msg": p, "type": "value_error"} for p in error.problems]
        ) from None


def _in_force(engine: DatabaseDep, threshold: float) -> InForce:
    try:
        return strategies.in_force(engine, threshold)
    except StrategyError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"the active strategy no longer validates: {error}"
        ) from None


def _refused(error: strategies.ReviewError) -> HTTPException:
    return HTTPException(REVIEW_STATUS.get(error.kind, status.HTTP_409_CONFLICT), str(error))


def _reviewed(engine: DatabaseDep, version: int) -> strategies.Reviewed:
    return next(r for r in strategies.history(engine) if r.stored.version == version)


@router.get("", response_model=list[StrategyVersionOut], responses=READ)
def strategy_versions(engine: DatabaseDep, _user: Analyst) -> list[StrategyVersionOut]:
    """Every stored version, newest first: author, proposer, approver, dates, status and YAML text."""
    return [strategy_out(r) for r in strategies.history(engine)]


@router.get("/active", response_model=ActiveStrategyOut, responses=READ)
def active(engine: DatabaseDep, _user: Analyst) -> ActiveStrategyOut:
    """The active strategy (null: the bundle's single threshold decides) and the product's example."""
    found = next((r for r in strategies.history(engine) if r.stored.active), None)
    return ActiveStrategyOut(active=None if found is None else strategy_out(found), example=example())


@router.post(
    "/simulate",
    response_model=SimulationOut,
    responses={**READ, **error_responses(400, 409, 413, 503)},
)
def simulate_strategy(
    body: StrategyIn,
    _user: Analyst,
    engine: DatabaseDep,
    service: ServiceDep,
    config: SettingsDep,
    language: LanguageDep,
) -> dict:
    """Simulate the posted strategy on the served bundle's out-of-fold clients against the strategy in force:
    the figures of `scoring strategy simulate --json` (rates adding up to 1, bad rates, expected loss and
    profit, refer volume per day, rules fired, swap set) and the chart's points of both strategies. A file
    that does not validate is a 422 naming each problem's line and field."""
    strategy = _strategy(body.yaml)
    bundle = service.scorer.bundle
    current = _in_force(engine, service.scorer.threshold)
    try:
        population = POPULATIONS.get(
            config.paths,
            bundle,
            strategy.columns | current.strategy.columns,
            applications_of(config.interim_dir or config.paths.interim),
            config.features_path or config.paths.features,
        )
    except PopulationError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"the bundle's clients cannot be read: {error}"
        ) from None
    compared = Compared.of(strategy, current, population)
    result = simulate(compared, scores_per_day(engine, settings()["traffic_days"]), language)
    return clean_json({**result, "chart": chart_points(compared)})  # type: ignore[return-value]


@router.post("", response_model=StrategyVersionOut, status_code=status.HTTP_201_CREATED, responses=CHANGE)
def propose(body: StrategyIn, request: Request, engine: DatabaseDep, user: Analyst) -> StrategyVersionOut:
    """Propose a strategy: stored as a version waiting for an administrator's approval, not active; audited
    `strategy-proposed`. 409 when the same text is active or already proposed by someone else."""
    strategy = _strategy(body.yaml)
    try:
        stored = strategies.propose(engine, strategy, actor_of(request, user))
    except strategies.ReviewError as error:
        raise _refused(error) from None
    return strategy_out(_reviewed(engine, stored.version))


@router.post("/{version}/approve", response_model=StrategyVersionOut, responses=CHANGE)
def approve(version: Version, request: Request, engine: DatabaseDep, admin: Admin) -> StrategyVersionOut:
    """Make a proposed version the active strategy (the API's decisions follow it); audited
    `strategy-activated` with the proposer and the approver. Four eyes: its proposer or author may not
    approve it (403)."""
    try:
        strategies.approve(engine, version, actor_of(request, admin))
    except strategies.ReviewError as error:
        raise _refused(error) from None
    except StrategyError as error:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"strategy version {version} no longer validates: {error}"
        ) from None
    return strategy_out(_reviewed(engine, version))


@router.post("/{version}/reject", response_model=StrategyVersionOut, responses=CHANGE)
def reject(
    version: Version, request: Request, engine: DatabaseDep, admin: Admin, body: RejectIn | None = None
) -> StrategyVersionOut:
    """Reject a proposed version: it stays stored, not active; audited `strategy-rejected`."""
    try:
        reviewed = strategies.reject(engine, version, actor_of(request, admin), body.reason if body else None)
    except strategies.ReviewError as error:
        raise _refused(error) from None
    return strategy_out(reviewed)
