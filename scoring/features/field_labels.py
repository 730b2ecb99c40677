"""Plain-language labels and units of the application's raw fields, in English and French, and the French
names of the categorical levels (`levels_fr.json`).

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

APPLICATION_LABELS_FR: dict[str, str] = {
    "NAME_CONTRACT_TYPE": "Type de contrat (prêt personnel ou crédit renouvelable)",
    "CODE_GENDER": "Sexe",
    "FLAG_OWN_CAR": "Possède une voiture",
    "FLAG_OWN_REALTY": "Possède une maison ou un appartement",
    "CNT_CHILDREN": "Nombre d'enfants",
    "AMT_INCOME_TOTAL": "Revenu du client",
    "AMT_CREDIT": "Montant du crédit",
    "AMT_ANNUITY": "Mensualité du prêt",
    "AMT_GOODS_PRICE": "Prix du bien financé",
    "NAME_TYPE_SUITE": "Accompagnant du client lors de la demande",
    "NAME_INCOME_TYPE": "Type de revenu",
    "NAME_EDUCATION_TYPE": "Niveau d'études le plus élevé",
    "NAME_FAMILY_STATUS": "Situation familiale",
    "NAME_HOUSING_TYPE": "Situation de logement",
    "REGION_POPULATION_RELATIVE": "Densité de population de la région du client (normalisée)",
    "DAYS_BIRTH": "Âge (jours, négatif)",
    "DAYS_EMPLOYED": "Début de l'emploi actuel (jours, négatif)",
    "DAYS_REGISTRATION": "Dernier changement d'enregistrement (jours, négatif)",
    "DAYS_ID_PUBLISH": "Dernier changement de pièce d'identité (jours, négatif)",
    "OWN_CAR_AGE": "Âge de la voiture du client",
    "FLAG_MOBIL": "A donné un téléphone portable",
    "FLAG_EMP_PHONE": "A donné le téléphone de l'employeur",
    "FLAG_WORK_PHONE": "A donné un téléphone professionnel",
    "FLAG_CONT_MOBILE": "Téléphone portable joignable",
    "FLAG_PHONE": "A donné un téléphone fixe",
    "FLAG_EMAIL": "A donné une adresse électronique",
    "OCCUPATION_TYPE": "Profession",
    "CNT_FAM_MEMBERS": "Nombre de membres de la famille",
    "REGION_RATING_CLIENT": "Note de la région du client (1 à 3)",
    "REGION_RATING_CLIENT_W_CITY": "Note de la région et de la ville du client (1 à 3)",
    "WEEKDAY_APPR_PROCESS_START": "Jour de la semaine de la demande",
    "HOUR_APPR_PROCESS_START": "Heure de la demande",
    "REG_REGION_NOT_LIVE_REGION": "Adresses permanente et de contact dans des régions différentes",
    "REG_REGION_NOT_WORK_REGION": "Adresses permanente et professionnelle dans des régions différentes",
    "LIVE_REGION_NOT_WORK_REGION": "Adresses de contact et professionnelle dans des régions différentes",
    "REG_CITY_NOT_LIVE_CITY": "Adresses permanente et de contact dans des villes différentes",
    "REG_CITY_NOT_WORK_CITY": "Adresses permanente et professionnelle dans des villes différentes",
    "LIVE_CITY_NOT_WORK_CITY": "Adresses de contact et professionnelle dans des villes différentes",
    "ORGANIZATION_TYPE": "Type d'organisme employeur",
    "EXT_SOURCE_1": "Score de crédit externe 1 (normalisé)",
    "EXT_SOURCE_2": "Score de crédit externe 2 (normalisé)",
    "EXT_SOURCE_3": "Score de crédit externe 3 (normalisé)",
    "FONDKAPREMONT_MODE": "Immeuble : fonds pour gros travaux",
    "HOUSETYPE_MODE": "Immeuble : type de logement",
    "TOTALAREA_MODE": "Immeuble : surface totale (normalisée)",
    "WALLSMATERIAL_MODE": "Immeuble : matériau des murs",
    "EMERGENCYSTATE_MODE": "Immeuble : en état d'urgence",
    "OBS_30_CNT_SOCIAL_CIRCLE": "Connaissances observées avec 30 jours de retard ou plus",
    "DEF_30_CNT_SOCIAL_CIRCLE": "Connaissances en défaut avec 30 jours de retard ou plus",
    "OBS_60_CNT_SOCIAL_CIRCLE": "Connaissances observées avec 60 jours de retard ou plus",
    "DEF_60_CNT_SOCIAL_CIRCLE": "Connaissances en défaut avec 60 jours de retard ou plus",
    "DAYS_LAST_PHONE_CHANGE": "Dernier changement de téléphone (jours, négatif)",
    "AMT_REQ_CREDIT_BUREAU_HOUR": "Consultations du bureau de crédit dans la dernière heure",
    "AMT_REQ_CREDIT_BUREAU_DAY": (
        "Consultations du bureau de crédit dans le dernier jour (avant la dernière heure)"
    ),
    "AMT_REQ_CREDIT_BUREAU_WEEK": (
        "Consultations du bureau de crédit dans la dernière semaine (avant le dernier jour)"
    ),
    "AMT_REQ_CREDIT_BUREAU_MON": (
        "Consultations du bureau de crédit dans le dernier mois (avant la dernière semaine)"
    ),
    "AMT_REQ_CREDIT_BUREAU_QRT": (
        "Consultations du bureau de crédit dans les 3 derniers mois (avant le dernier mois)"
    ),
    "AMT_REQ_CREDIT_BUREAU_YEAR": (
        "Consultations du bureau de crédit dans la dernière année (avant les 3 derniers mois)"
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
_BUILDING_PARTS_FR = {
    "APARTMENTS": "taille des appartements",
    "BASEMENTAREA": "surface du sous-sol",
    "YEARS_BEGINEXPLUATATION": "années d'exploitation",
    "YEARS_BUILD": "âge de l'immeuble",
    "COMMONAREA": "parties communes",
    "ELEVATORS": "nombre d'ascenseurs",
    "ENTRANCES": "nombre d'entrées",
    "FLOORSMAX": "étage le plus haut",
    "FLOORSMIN": "étage le plus bas",
    "LANDAREA": "surface du terrain",
    "LIVINGAPARTMENTS": "logements habités",
    "LIVINGAREA": "surface habitable",
    "NONLIVINGAPARTMENTS": "locaux non habitables",
    "NONLIVINGAREA": "surface non habitable",
}
_BUILDING_STATS_FR = {"AVG": "moyenne", "MODE": "mode", "MEDI": "médiane"}


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


def application_label_fr(column: str) -> str:
    """French label of one raw application field."""
    if column in APPLICATION_LABELS_FR:
        return APPLICATION_LABELS_FR[column]
    if column.startswith("FLAG_DOCUMENT_"):
        return f"Document {column.removeprefix('FLAG_DOCUMENT_')} fourni"
    part, _, stat = column.rpartition("_")
    if part in _BUILDING_PARTS_FR and stat in _BUILDING_STATS_FR:
        return f"Immeuble : {_BUILDING_PARTS_FR[part]} (normalisé, {_BUILDING_STATS_FR[stat]})"
    raise KeyError(f"no French label for application field {column}")


@cache
def _level_names(language: str) -> dict[str, str]:
    text = resources.files("scoring.features").joinpath(f"levels_{language}.json").read_text("utf-8")
    return json.loads(text)


def levels_fr() -> dict[str, str]:
    """French name of each categorical level of the raw tables, by its English (Kaggle) name."""
    return _level_names("fr")


def level_fr(level: str) -> str:
    """The French name of a categorical level (the level itself when it has none)."""
    return levels_fr().get(level, level)


def level_en(level: str) -> str:
    """The English a person reads for a categorical level: the level itself, unless it is a bare code of the
    data (the rejection reasons' SCO, HC...), whose words are in `levels_en.json`."""
    return _level_names("en").get(level, level)


@cache
def official_descriptions() -> dict[str, dict[str, str]]:
    """Official description of each raw column: {table: {column: text}} ('application' for both)."""
    text = resources.files("scoring.features").joinpath("column_descriptions.json").read_text("utf-8")
    return json.loads(text)


def official_description(table: str, column: str) -> str:
    key = "application" if table.startswith("application") else table
    return official_descriptions().get(key, {}).get(column, "")
