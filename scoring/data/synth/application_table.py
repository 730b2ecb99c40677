"""The application table (without TARGET): calibrated marginals plus the relations of the real file.

Relations kept: retirement (DAYS_EMPLOYED = 365243, ORGANIZATION_TYPE = XNA, no occupation, no employer
phone) follows age; employment starts after 18; income, education, occupation and car ownership follow
a wealth trait; EXT_SOURCE_* fall with a risk trait and EXT_SOURCE_1 rises with age; goods price, credit
and annuity are tied by the loan terms; the building columns are missing together and their
AVG/MODE/MEDI versions agree; family size counts the children and the partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, ndtri

from scoring.data.schema import APPLICATION_TEST, DAYS_EMPLOYED_ANOMALY
from scoring.data.synth.clients import Population
from scoring.data.synth.sampling import (
    Categorical,
    TableStats,
    Values,
    gaussian_uniform,
    inverse_cdf,
    quantize,
    rng_for,
)

DAYS_PER_YEAR = 365.25
WORKING_AGE = 18
ID_AGE = 14
RETIREMENT_SPREAD_YEARS = 3.0
UNEMPLOYED_BELOW_AGE = 45
GENDER_XNA_SHARE = 4 / 307_511  # Kaggle's application_train has 4 clients of gender "XNA"
REVOLVING_STEP = 22500.0
RATE_LOADING = -0.6
EDUCATION_ORDER = (
    "Academic degree",
    "Higher education",
    "Incomplete higher",
    "Secondary / secondary special",
    "Lower secondary",
)
OCCUPATION_ORDER = (
    "Managers",
    "High skill tech staff",
    "IT staff",
    "Accountants",
    "HR staff",
    "Core staff",
    "Medicine staff",
    "Realty agents",
    "Secretaries",
    "Private service staff",
    "Sales staff",
    "Cooking staff",
    "Drivers",
    "Security staff",
    "Waiters/barmen staff",
    "Cleaning staff",
    "Laborers",
    "Low-skill Laborers",
)
BUILDING_CATEGORIES = ("FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE")
BUILDING_SIZE_BASES = (
    "APARTMENTS",
    "BASEMENTAREA",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
    "TOTALAREA",
)


@dataclass
class _Context:
    stats: TableStats
    seed: int
    population: Population
    drift: dict[str, float]
    out: dict[str, Values] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.population.size

    def rng(self, key: str) -> np.random.Generator:
        return rng_for(self.seed, "application", key)

    def draw(self, name: str, **kwargs: object) -> Values:
        values = self.stats.draw(name, self.rng(name), self.n, **kwargs)
        self.out[name] = values
        return values


def _age_years(ctx: _Context) -> np.ndarray:
    return -ctx.out["DAYS_BIRTH"] / DAYS_PER_YEAR


def _calibrated_ages(stats: TableStats) -> np.ndarray:
    """Ages (years) at 1,000 evenly spaced levels of the calibrated DAYS_BIRTH law."""
    return -inverse_cdf(stats.columns["DAYS_BIRTH"], np.linspace(0.0005, 0.9995, 1000)) / DAYS_PER_YEAR


def _retirement_threshold(stats: TableStats, share: float) -> float:
    """Age at which half the clients are retired, so that the calibrated age law gives the share retired."""
    ages = _calibrated_ages(stats)
    low, high = -200.0, 300.0
    for _ in range(60):
        middle = (low + high) / 2
        if expit((ages - middle) / RETIREMENT_SPREAD_YEARS).mean() > share:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _age(ctx: _Context) -> None:
    risk = ctx.population.risk
    days = ctx.draw("DAYS_BIRTH", u=gaussian_uniform(ctx.rng("age-copula"), ctx.n, (0.25, risk)))
    ctx.out["DAYS_BIRTH"] = np.round(days - ctx.drift.get("age", 0.0) * DAYS_PER_YEAR)


def _employment(ctx: _Context) -> None:
    """DAYS_EMPLOYED (365243 when retired or unemployed), income type, organisation and occupation."""
    share = ctx.drift.get("unemployed", ctx.stats.columns["DAYS_EMPLOYED"].get("anomaly", 0.0))
    age = _age_years(ctx)
    threshold = _retirement_threshold(ctx.stats, share)
    retired = ctx.rng("retired").random(ctx.n) < expit((age - threshold) / RETIREMENT_SPREAD_YEARS)
    u = gaussian_uniform(ctx.rng("employment-copula"), ctx.n, (0.3, ctx.population.risk))
    days = ctx.draw("DAYS_EMPLOYED", u=u, missing_u=np.ones(ctx.n)).astype(float)
    days = np.where(days == DAYS_EMPLOYED_ANOMALY, np.nan, days)
    earliest = ctx.out["DAYS_BIRTH"] + WORKING_AGE * DAYS_PER_YEAR
    refill = np.round(earliest * ctx.rng("employment-refill").uniform(0.02, 1.0, ctx.n))
    days = np.where(np.isnan(days) | (days < earliest), np.minimum(refill, -1.0), days)
    ctx.out["DAYS_EMPLOYED"] = np.where(retired, float(DAYS_EMPLOYED_ANOMALY), days)
    ctx.out["FLAG_EMP_PHONE"] = np.where(retired, 0.0, 1.0)
    _income_type(ctx, retired, age)
    _organisation(ctx, retired)


def _without(stats: dict, *levels: str) -> dict:
    frequencies = {k: v for k, v in stats["frequencies"].items() if k not in levels}
    return {**stats, "frequencies": frequencies}


def _income_type(ctx: _Context, retired: np.ndarray, age: np.ndarray) -> None:
    """Working clients draw among the working income types; the others are pensioners or, if younger
    than UNEMPLOYED_BELOW_AGE, unemployed."""
    name = "NAME_INCOME_TYPE"
    working = TableStats({"columns": {name: _without(ctx.stats.columns[name], "Pensioner", "Unemployed")}})
    drawn = working.draw(name, ctx.rng(name), ctx.n, missing_u=np.ones(ctx.n))
    levels = tuple(dict.fromkeys((*ctx.stats.levels(name), "Pensioner", "Unemployed")))
    remapped = np.array([levels.index(v) for v in drawn.levels], dtype=np.int16)[drawn.codes]
    idle = np.where(age < UNEMPLOYED_BELOW_AGE, levels.index("Unemployed"), levels.index("Pensioner"))
    ctx.out[name] = Categorical(np.where(retired, idle, remapped).astype(np.int16), levels)


def _organisation(ctx: _Context, retired: np.ndarray) -> None:
    """ORGANIZATION_TYPE is XNA exactly for the retired; OCCUPATION_TYPE is then missing."""
    wealth = ctx.population.wealth
    for name, xna, order in (("ORGANIZATION_TYPE", "XNA", ()), ("OCCUPATION_TYPE", None, OCCUPATION_ORDER)):
        stats = ctx.stats.columns[name]
        levels = tuple(dict.fromkeys((*ctx.stats.levels(name), *([xna] if xna else []))))
        base_share = ctx.stats.columns["DAYS_EMPLOYED"].get("anomaly", 0.0)
        missing = 0.0 if xna else max(stats["missing"] - base_share, 0.0) / max(1.0 - base_share, 1e-9)
        employed = TableStats({"columns": {name: {**_without(stats, "XNA"), "missing": missing}}})
        u = gaussian_uniform(ctx.rng(f"{name}-copula"), ctx.n, (-0.5, wealth))
        drawn = employed.draw(name, ctx.rng(name), ctx.n, u=u, order=order)
        mapping = np.array([levels.index(v) for v in drawn.levels], dtype=np.int16)
        codes = np.where(drawn.codes < 0, np.int16(-1), mapping[np.maximum(drawn.codes, 0)])
        idle = levels.index(xna) if xna else -1
        ctx.out[name] = Categorical(np.where(retired, idle, codes).astype(np.int16), levels)


def _household(ctx: _Context) -> None:
    wealth = ctx.population.wealth
    gender = ctx.draw("CODE_GENDER")
    levels = (*gender.levels, "XNA")
    xna = ctx.rng("gender-xna").random(ctx.n) < GENDER_XNA_SHARE
    ctx.out["CODE_GENDER"] = Categorical(
        np.where(xna, len(levels) - 1, gender.codes).astype(np.int16), levels
    )
    ctx.draw(
        "NAME_EDUCATION_TYPE",
        u=gaussian_uniform(ctx.rng("edu"), ctx.n, (-0.6, wealth)),
        order=EDUCATION_ORDER,
    )
    car = ctx.draw(
        "FLAG_OWN_CAR", u=gaussian_uniform(ctx.rng("car"), ctx.n, (-0.5, wealth)), order=("Y", "N")
    )
    age = ctx.draw("OWN_CAR_AGE", missing_u=np.ones(ctx.n))
    ctx.out["OWN_CAR_AGE"] = np.where(car.codes == car.code("Y"), age, np.nan)
    family = ctx.draw("NAME_FAMILY_STATUS")
    children = ctx.draw("CNT_CHILDREN")
    couple = family.isin("Married", "Civil marriage")
    members = children + 1.0 + couple
    missing = ctx.rng("fam-missing").random(ctx.n) < ctx.stats.missing("CNT_FAM_MEMBERS")
    ctx.out["CNT_FAM_MEMBERS"] = np.where(missing, np.nan, members)


def _income(ctx: _Context) -> None:
    name = "AMT_INCOME_TOTAL"
    u = gaussian_uniform(ctx.rng("income-copula"), ctx.n, (0.7, ctx.population.wealth))
    income = ctx.draw(name, u=u) * (1.0 + ctx.drift.get("income", 0.0))
    ctx.out[name] = np.maximum(quantize(income, ctx.stats.columns[name]["step"]), 1.0)


def _loan(ctx: _Context, relations: dict) -> None:
    """Contract type, goods price, credit (goods times the calibrated credit-to-goods ratio) and annuity
    (credit times the calibrated payment rate, lower for larger loans); ratios are per contract type."""
    rng = ctx.rng("loan")
    stats = ctx.stats.columns["NAME_CONTRACT_TYPE"]
    share = ctx.drift.get("contract_type", stats["frequencies"].get("Revolving loans", 0.0))
    levels = ctx.stats.levels("NAME_CONTRACT_TYPE")
    revolving = rng.random(ctx.n) < share
    contract = Categorical(
        np.where(revolving, levels.index("Revolving loans"), levels.index("Cash loans")).astype(np.int16),
        levels,
    )
    ctx.out["NAME_CONTRACT_TYPE"] = contract
    u = gaussian_uniform(ctx.rng("goods-copula"), ctx.n, (0.5, ctx.population.wealth))
    goods = ctx.draw("AMT_GOODS_PRICE", u=u, missing_u=np.ones(ctx.n))
    goods = np.where(revolving, np.maximum(np.round(goods / REVOLVING_STEP), 1.0) * REVOLVING_STEP, goods)
    markup, rate = np.ones(ctx.n), np.zeros(ctx.n)
    markup_u = rng.random(ctx.n)
    rate_u = gaussian_uniform(rng, ctx.n, (RATE_LOADING, ndtri(u)))
    for code, name in enumerate(levels):
        rows = contract.codes == code
        markup[rows] = inverse_cdf(
            {"quantiles": relations["credit_to_goods"][name], "step": 0.0}, markup_u[rows]
        )
        rate[rows] = inverse_cdf({"quantiles": relations["payment_rate"][name], "step": 0.0}, rate_u[rows])
    credit = goods * markup
    scale = 1.0 + ctx.drift.get("credit", 0.0)
    for name, values in (("AMT_GOODS_PRICE", goods), ("AMT_CREDIT", credit), ("AMT_ANNUITY", credit * rate)):
        column = ctx.stats.columns[name]
        missing = ctx.rng(f"{name}-missing").random(ctx.n) < column["missing"]
        ctx.out[name] = np.where(missing, np.nan, quantize(values * scale, column["step"]))


def _region(ctx: _Context) -> None:
    """Denser regions (higher REGION_POPULATION_RELATIVE) get the better ratings (1)."""
    z = ndtri(gaussian_uniform(ctx.rng("region"), ctx.n, (-0.2, ctx.population.risk)))
    ctx.draw("REGION_POPULATION_RELATIVE", u=gaussian_uniform(ctx.rng("pop"), ctx.n, (0.8, z)))
    rating = gaussian_uniform(ctx.rng("rating"), ctx.n, (-0.9, z))
    ctx.draw("REGION_RATING_CLIENT", u=rating)
    city = gaussian_uniform(ctx.rng("rating-city"), ctx.n, (0.97, ndtri(rating)))
    ctx.draw("REGION_RATING_CLIENT_W_CITY", u=city)


def _external_scores(ctx: _Context) -> None:
    """EXT_SOURCE_*: lower for riskier clients; EXT_SOURCE_1 strongly, EXT_SOURCE_3 mildly older-is-higher."""
    risk = ctx.population.risk
    ages = _calibrated_ages(ctx.stats)
    age_z = (_age_years(ctx) - ages.mean()) / ages.std()
    loadings = {
        "EXT_SOURCE_1": ((-0.35, risk), (0.6, age_z)),
        "EXT_SOURCE_2": ((-0.35, risk),),
        "EXT_SOURCE_3": ((-0.35, risk), (0.2, age_z)),
    }
    shift = ctx.drift.get("ext_source", 0.0)
    for name, loading in loadings.items():
        values = ctx.draw(name, u=gaussian_uniform(ctx.rng(f"{name}-copula"), ctx.n, *loading))
        if shift:
            ctx.out[name] = np.clip(values + shift, 1e-6, 1.0 - 1e-6)


def _is_building(name: str) -> bool:
    return name in BUILDING_CATEGORIES or name.endswith(("_AVG", "_MODE", "_MEDI"))


def _building(ctx: _Context) -> None:
    """Building columns: missing together; one draw per base feature shared by its AVG/MODE/MEDI."""
    group_missing = ctx.rng("building-missing").random(ctx.n)
    size = ctx.rng("building-size").standard_normal(ctx.n)
    bases: dict[str, np.ndarray] = {}
    for name in (c.name for c in APPLICATION_TEST.columns if _is_building(c.name)):
        if name in BUILDING_CATEGORIES:
            ctx.draw(name, missing_u=group_missing)
            continue
        base = name.rsplit("_", 1)[0]
        if base not in bases:
            coef = 0.6 if base in BUILDING_SIZE_BASES else 0.0
            bases[base] = ndtri(gaussian_uniform(ctx.rng(f"base-{base}"), ctx.n, (coef, size)))
        ctx.draw(name, u=gaussian_uniform(ctx.rng(name), ctx.n, (0.97, bases[base])), missing_u=group_missing)


def _social_circle(ctx: _Context) -> None:
    """Observed and defaulted acquaintances: missing together, defaults never above observations."""
    missing_u = ctx.rng("social-missing").random(ctx.n)
    seen = ctx.rng("social-observed").random(ctx.n)
    defaults = gaussian_uniform(
        ctx.rng("social-default"), ctx.n, (0.75, ndtri(seen)), (0.3, ctx.population.risk)
    )
    obs30 = ctx.draw("OBS_30_CNT_SOCIAL_CIRCLE", u=seen, missing_u=missing_u)
    obs60 = ctx.draw("OBS_60_CNT_SOCIAL_CIRCLE", u=seen, missing_u=missing_u)
    def30 = np.minimum(ctx.draw("DEF_30_CNT_SOCIAL_CIRCLE", u=defaults, missing_u=missing_u), obs30)
    def60 = ctx.draw("DEF_60_CNT_SOCIAL_CIRCLE", u=defaults, missing_u=missing_u)
    ctx.out["DEF_30_CNT_SOCIAL_CIRCLE"] = def30
    ctx.out["DEF_60_CNT_SOCIAL_CIRCLE"] = np.minimum(np.minimum(def60, def30), obs60)


def _dates(ctx: _Context) -> None:
    """Registration and ID dates after birth (ID from age 14)."""
    birth = ctx.out["DAYS_BIRTH"]
    ctx.out["DAYS_REGISTRATION"] = np.maximum(ctx.draw("DAYS_REGISTRATION"), birth)
    id_days = ctx.draw("DAYS_ID_PUBLISH")
    ctx.out["DAYS_ID_PUBLISH"] = np.maximum(id_days, np.round(birth + ID_AGE * DAYS_PER_YEAR))


def _bureau_requests(ctx: _Context) -> None:
    missing_u = ctx.rng("requests-missing").random(ctx.n)
    for name in (c.name for c in APPLICATION_TEST.columns if c.name.startswith("AMT_REQ_CREDIT_BUREAU")):
        ctx.draw(name, missing_u=missing_u)


def application_columns(
    population: Population, stats: TableStats, relations: dict, seed: int, drift: dict[str, float]
) -> dict[str, Values]:
    """Every application column but TARGET, for all clients of the population (relations: calibrated
    payment rates and credit-to-goods ratios per contract type)."""
    ctx = _Context(stats, seed, population, drift)
    ctx.out["SK_ID_CURR"] = population.ids
    _age(ctx)
    _employment(ctx)
    _household(ctx)
    _income(ctx)
    _loan(ctx, relations)
    _region(ctx)
    _external_scores(ctx)
    _building(ctx)
    _social_circle(ctx)
    _dates(ctx)
    _bureau_requests(ctx)
    for column in APPLICATION_TEST.columns:
        if column.name not in ctx.out:
            ctx.draw(column.name)
    return ctx.out
