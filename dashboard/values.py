"""Values as a person reads them: money with its currency and the period the data gives it, days as years,
months or days ago, ratios and shares as percentages, score points at one precision per page, and a risk
beside its threshold with enough digits to tell on which side it is.

Pure functions of numbers and a translator. A feature's value is formatted by the unit of the feature
dictionary that the API sends with it (`unit`: currency, days, months, years, ratio, share, flag...).

Periods of amounts: in the Home Credit data `AMT_ANNUITY` is a monthly instalment (in the previous
applications, annuity × number of monthly payments is 1.26 × the credit at the median) and the official
description gives no period for `AMT_INCOME_TOTAL`; the income is read in the same period as the annuity
(the median annuity is 16 % of the income: a usual share of a month's income, and twice a twelfth of it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from babel import Locale
from babel.numbers import format_currency

from dashboard.i18n import ENGLISH, Translator

DEFAULT_CURRENCY = "EUR"
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
MONTHLY = "month"
PERIODS = {  # amounts paid or earned per period (the others are stocks: a credit, a price, a debt)
    "AMT_INCOME_TOTAL": MONTHLY,
    "AMT_ANNUITY": MONTHLY,
    "APP_AMT_INCOME_TOTAL": MONTHLY,
    "APP_AMT_ANNUITY": MONTHLY,
    "APP_INCOME_PER_PERSON": MONTHLY,
    "APP_ANNUITY_PER_PERSON": MONTHLY,
}
AGE_IN_DAYS = frozenset({"DAYS_BIRTH", "APP_DAYS_BIRTH"})
PERCENT_UNITS = frozenset({"ratio", "share"})
TIME_UNITS = frozenset({"days", "months"})
MAX_RISK_DIGITS = 4
MAX_POINTS_DIGITS = 2
# "(days, negative)", "(jours)", ", days)" in a label: dropped once the value itself says years or months
_UNIT_ALONE = re.compile(r"\s*\((?:days|jours|months|mois)\b[^)]*\)")
_UNIT_LAST = re.compile(r",\s*(?:days|jours|months|mois)\)")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def money(
    value: object, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY, period: str | None = None
) -> str:
    """An amount to the unit with its currency: '€135,000' (en), '135 000 €' (fr); '... a month' with a
    monthly period; not a number -> 'unknown'."""
    if not is_number(value):
        return t.unknown()
    pattern = Locale.parse(t.language).currency_formats["standard"].pattern.replace(".00", "")
    amount = format_currency(value, currency, format=pattern, currency_digits=False, locale=t.language)
    if period == MONTHLY:
        return t.gettext("{amount} a month").format(amount=amount)
    return amount


def amount(name: str, value: object, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """The money of a field or feature, with the period the data gives it."""
    return money(value, t, currency, PERIODS.get(name))


def duration(days: float, t: Translator = ENGLISH) -> str:
    """A length of time given in days: '12 days', '5 months', '3.2 years'."""
    days = abs(days)
    if days < 61:
        count = round(days)
        return t.ngettext("{count} day", "{count} days", count).format(count=t.number(count))
    if days < 2 * DAYS_PER_YEAR:
        return months(days / DAYS_PER_MONTH, t)
    return t.gettext("{years} years").format(years=t.number(days / DAYS_PER_YEAR, 1))


def months(count: float, t: Translator = ENGLISH) -> str:
    """'24 months', '1 month', '7.5 months'."""
    count = abs(count)
    if float(count).is_integer() or count >= 10:
        whole = round(count)
        text = t.gettext("{count} month") if whole == 1 else t.gettext("{count} months")
        return text.format(count=t.number(whole))
    return t.gettext("{count} months").format(count=t.number(count, 1))


def age(days: float, t: Translator = ENGLISH) -> str:
    """An age given in days (negative, before the application): '25 years'."""
    return age_in_years(abs(days) / DAYS_PER_YEAR, t)


def age_in_years(years: float, t: Translator = ENGLISH) -> str:
    """An age in whole years, as people tell theirs: 25.9 -> '25 years'."""
    whole = math.floor(years)
    text = t.gettext("{count} year") if whole == 1 else t.gettext("{count} years")
    return text.format(count=t.number(whole))


def _ago(text: str, negative: bool, t: Translator) -> str:
    return t.gettext("{time} ago").format(time=text) if negative else text


def feature_value(feature: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """A feature's value ({feature, value, unit} of the API) as a person reads it, by its unit."""
    value, unit, name = feature.get("value"), feature.get("unit"), feature.get("feature") or ""
    if not is_number(value):
        return value_text(value, t)
    if unit == "currency":
        return amount(name, value, t, currency)
    if unit == "days":
        return age(value, t) if name in AGE_IN_DAYS else _ago(duration(value, t), value < 0, t)
    if unit == "months":
        return _ago(months(value, t), value < 0, t)
    if unit == "years":
        return t.gettext("{years} years").format(years=t.number(value, 1))
    if unit in PERCENT_UNITS:
        return t.percent(value, 1 if abs(value) < 1 else 0)
    if unit == "flag" and value in (0, 1):
        return t.gettext("yes") if value == 1 else t.gettext("no")
    return value_text(value, t)


def feature_label(feature: Mapping) -> str:
    """The feature's label without a unit of days or months that its value now says itself."""
    label = feature.get("label") or feature.get("feature") or ""
    if feature.get("unit") not in TIME_UNITS or not is_number(feature.get("value")):
        return label
    return _UNIT_LAST.sub(")", _UNIT_ALONE.sub("", label))


def labelled_value(feature: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """'Age: 25 years' ('Âge : 25 ans'): a feature's label and its value as a person reads them."""
    return t.gettext("{label}: {value}").format(
        label=feature_label(feature), value=feature_value(feature, t, currency)
    )


def value_text(value: object, t: Translator = ENGLISH) -> str:
    """A value without a unit: level names as they are, numbers rounded sensibly."""
    if value is None:
        return t.unknown()
    if not is_number(value):
        return str(value)
    if abs(value) >= 1000 or float(value).is_integer():
        return t.number(value)
    return t.decimal(value)


def risk_digits(probability: float, threshold: float) -> int:
    """Decimals of the percentages of a risk and its threshold: 1, or as many (up to 4) as it takes for the
    two and their difference not to look equal."""
    if probability == threshold:
        return 1
    for digits in range(1, MAX_RISK_DIGITS + 1):
        apart = round(100 * probability, digits) != round(100 * threshold, digits)
        if apart and round(100 * abs(probability - threshold), digits) > 0:
            return digits
    return MAX_RISK_DIGITS


def points_digits(values: Iterable[object], threshold: object) -> int:
    """Decimals of the score points of a page: none, or the fewest (up to 2) with which no score shown
    looks equal to the threshold's points (so none seems on the wrong side of it)."""
    if not is_number(threshold):
        return 0
    shown = [v for v in values if is_number(v) and v != threshold]
    for digits in range(MAX_POINTS_DIGITS + 1):
        if all(round(v, digits) != round(threshold, digits) for v in shown):
            return digits
    return MAX_POINTS_DIGITS


def signed_points(value: float, digits: int = 0, t: Translator = ENGLISH) -> str:
    """A change of score points with its sign: '-21 points', '+12 points', '0 points'."""
    shown = round(value, digits)
    if shown == 0:
        return t.gettext("{points} points").format(points=t.number(0, digits))
    one = digits == 0 and abs(shown) == 1
    message = t.gettext("{points} point") if one else t.gettext("{points} points")
    return message.format(points=t.signed(value, digits))
