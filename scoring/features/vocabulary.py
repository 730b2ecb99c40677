"""Plain-language labels and units of the application's raw fields.

The labels are short rewrites of the official column descriptions (`column_descriptions.json`, from
HomeCredit_columns_description.csv), written for people reading a score explanation.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

APPLICATION_LABELS: dict[str, tuple[str, str]] = {
    "NAME_CONTRACT_TYPE": ("Contract type (cash or revolving loan)", "code"),
    "CODE_GENDER": ("Gender", "code"),
    "FLAG_OWN_CAR": ("Owns a car", "code"),
    "FLAG_OWN_REALTY": ("Owns a house or flat", "code"),
    "CNT_CHILDREN": ("Number of children", "count"),
    "AMT_INCOME_TOTAL": ("Income of the client", "currency"),
    "AMT_CREDIT": ("Credit amount of the loan", "currency"),
    "AMT_ANNUITY": ("Loan annuity", "currency"),
    "AMT_GOODS_PRICE": ("Price of the goods financed", "currency"),
    "NAME_TYPE_SUITE": ("Who accompanied the client when applying", "code"),
    "NAME_INCOME_TYPE": ("Income type", "code"),
    "NAME_EDUCATION_TYPE": ("Highest education level", "code"),
    "NAME_FAMILY_STATUS": ("Family status", "code"),
    "NAME_HOUSING_TYPE": ("Housing situation", "code"),
    "REGION_POPULATION_RELATIVE": ("Population density of the client's region (normalised)", "normalised"),
    "DAYS_BIRTH": ("Age (days, negative)", "days"),
    "DAYS_EMPLOYED": ("Start of current employment (days, negative)", "days"),
    "DAYS_REGISTRATION": ("Last change of registration (days, negative)", "days"),
    "DAYS_ID_PUBLISH": ("Last change of identity document (days, negative)", "days"),
    "OWN_CAR_AGE": ("Age of the client's car", "years"),
    "FLAG_MOBIL": ("Gave a mobile phone", "flag"),
    "FLAG_EMP_PHONE": ("Gave an employer phone", "flag"),
    "FLAG_WORK_PHONE": ("Gave a work phone", "flag"),
    "FLAG_CONT_MOBILE": ("Mobile phone was reachable", "flag"),
    "FLAG_PHONE": ("Gave a home phone", "flag"),
    "FLAG_EMAIL": ("Gave an email address", "flag"),
    "OCCUPATION_TYPE": ("Occupation", "code"),
    "CNT_FAM_MEMBERS": ("Number of family members", "count"),
    "REGION_RATING_CLIENT": ("Rating of the client's region (1 to 3)", "rating"),
    "REGION_RATING_CLIENT_W_CITY": ("Rating of the client's region and city (1 to 3)", "rating"),
    "WEEKDAY_APPR_PROCESS_START": ("Weekday of the application", "code"),
    "HOUR_APPR_PROCESS_START": ("Hour of the application", "hour"),
    "REG_REGION_NOT_LIVE_REGION": ("Permanent and contact addresses in different regions", "flag"),
    "REG_REGION_NOT_WORK_REGION": ("Permanent and work addresses in different regions", "flag"),
    "LIVE_REGION_NOT_WORK_REGION": ("Contact and work addresses in different regions", "flag"),
    "REG_CITY_NOT_LIVE_CITY": ("Permanent and contact addresses in different cities", "flag"),
    "REG_CITY_NOT_WORK_CITY": ("Permanent and work addresses in different cities", "flag"),
    "LIVE_CITY_NOT_WORK_CITY": ("Contact and work addresses in different cities", "flag"),
    "ORGANIZATION_TYPE": ("Type of employer organisation", "code"),
    "EXT_SOURCE_1": ("External credit score 1 (normalised)", "score"),
    "EXT_SOURCE_2": ("External credit score 2 (normalised)", "score"),
    "EXT_SOURCE_3": ("External credit score 3 (normalised)", "score"),
    "FONDKAPREMONT_MODE": ("Building: capital repairs fund", "code"),
    "HOUSETYPE_MODE": ("Building: house type", "code"),
    "TOTALAREA_MODE": ("Building: total area (normalised)", "normalised"),
    "WALLSMATERIAL_MODE": ("Building: wall material", "code"),
    "EMERGENCYSTATE_MODE": ("Building: in emergency state", "code"),
    "OBS_30_CNT_SOCIAL_CIRCLE": ("Acquaintances observed 30+ days past due", "count"),
    "DEF_30_CNT_SOCIAL_CIRCLE": ("Acquaintances who defaulted 30+ days past due", "count"),
    "OBS_60_CNT_SOCIAL_CIRCLE": ("Acquaintances observed 60+ days past due", "count"),
    "DEF_60_CNT_SOCIAL_CIRCLE": ("Acquaintances who defaulted 60+ days past due", "count"),
    "DAYS_LAST_PHONE_CHANGE": ("Last change of phone (days, negative)", "days"),
    "AMT_REQ_CREDIT_BUREAU_HOUR": ("Credit bureau enquiries in the last hour", "count"),
    "AMT_REQ_CREDIT_BUREAU_DAY": ("Credit bureau enquiries in the last day (before the last hour)", "count"),
    "AMT_REQ_CREDIT_BUREAU_WEEK": ("Credit bureau enquiries in the last week (before the last day)", "count"),
    "AMT_REQ_CREDIT_BUREAU_MON": (
        "Credit bureau enquiries in the last month (before the last week)",
        "count",
    ),
    "AMT_REQ_CREDIT_BUREAU_QRT": (
        "Credit bureau enquiries in the last 3 months (before the last month)",
        "count",
    ),
    "AMT_REQ_CREDIT_BUREAU_YEAR": (
        "Credit bureau enquiries in the last year (before the last 3 months)",
        "count",
    ),
}

_BUILDING_PARTS = {
    "APARTMENTS": "apartment size",
    "BASEMENTAREA": "basement area",
    "YEARS_BEGINEXPLUATATION": "years in use",
    "YEARS_BUILD": "age of the building",
    "COMMONAREA": "common area",
    "ELEVATORS": "number of elevators",
    "ENTRANCES": "number of entrances",
    "FLOORSMAX": "highest floor",
    "FLOORSMIN": "lowest floor",
    "LANDAREA": "land area",
    "LIVINGAPARTMENTS": "living apartments",
    "LIVINGAREA": "living area",
    "NONLIVINGAPARTMENTS": "non-living apartments",
    "NONLIVINGAREA": "non-living area",
}
_BUILDING_STATS = {"AVG": "average", "MODE": "mode", "MEDI": "median"}


def application_label(column: str) -> tuple[str, str]:
    """(label, unit) of one raw application field."""
    if column in APPLICATION_LABELS:
        return APPLICATION_LABELS[column]
    if column.startswith("FLAG_DOCUMENT_"):
        return f"Provided document {column.removeprefix('FLAG_DOCUMENT_')}", "flag"
    part, _, stat = column.rpartition("_")
    if part in _BUILDING_PARTS and stat in _BUILDING_STATS:
        return f"Building: {_BUILDING_PARTS[part]} (normalised, {_BUILDING_STATS[stat]})", "normalised"
    raise KeyError(f"no label for application field {column}")


@cache
def official_descriptions() -> dict[str, dict[str, str]]:
    """Official description of each raw column: {table: {column: text}} ('application' for both)."""
    text = resources.files("scoring.features").joinpath("column_descriptions.json").read_text("utf-8")
    return json.loads(text)


def official_description(table: str, column: str) -> str:
    key = "application" if table.startswith("application") else table
    return official_descriptions().get(key, {}).get(column, "")
