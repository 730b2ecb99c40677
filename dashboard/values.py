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
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale
from babel.numbers import format_currency

from dashboard import vocabulary
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
SAID_UNITS = TIME_UNITS | {"years"}  # units a value says itself ('25 years'): not repeated by its label
MAX_RISK_DIGITS = 4
MAX_POINTS_DIGITS = 2
DAY, MONTH, YEAR = "day", "month", "year"
MAX_BOUND_DIGITS = 4
BOUND_SIGNIFICANT = 2  # a bin's bound under 10 of its unit shows 2 significant digits: 0.23 days, 3.5 days
# "(days, negative)", "(jours)", ", days)" in a label: dropped once the value itself says years or months
_UNIT_ALONE = re.compile(r"\s*\((?:days|jours|months|mois|years|ans|années)\b[^)]*\)")
_UNIT_LAST = re.compile(r",\s*(?:days|jours|months|mois|years|ans|années)\)")


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


def time_span(value: float, unit: str | None = "days") -> tuple[float, str]:
    """A time in days (or months), either sign, as the length a person reads: (0.6, 'day'), (13.1, 'month'),
    (5.4, 'year')."""
    if unit == "months":
        return abs(value), MONTH
    days = abs(value)
    if days < 61:
        return days, DAY
    if days < 2 * DAYS_PER_YEAR:
        return days / DAYS_PER_MONTH, MONTH
    return days / DAYS_PER_YEAR, YEAR


def _usual_digits(amount: float, unit: str) -> int:
    """Whole days, months to 0.1 under 10 (unless whole), years to 0.1."""
    if unit == YEAR:
        return 1
    return 1 if unit == MONTH and amount < 10 and not float(amount).is_integer() else 0


def length(amount: float, unit: str, t: Translator = ENGLISH, digits: int | None = None) -> str:
    """Days, months or years to `digits` decimals (by default the usual ones): '12 days', '0.6 days',
    '1 month', '7.5 months', '5.4 years'."""
    digits = _usual_digits(amount, unit) if digits is None else digits
    if unit == YEAR:
        return years(amount, t, digits)
    count, n = t.number(amount, digits), t.shown_count(amount, digits)  # '1.0 days' / '0,5 jour'
    if unit == MONTH:
        return t.ngettext("{count} month", "{count} months", n).format(count=count)
    return t.ngettext("{count} day", "{count} days", n).format(count=count)


def years(value: float, t: Translator = ENGLISH, digits: int = 1) -> str:
    """A number of years to `digits` decimals: '5.4 years', '1 year', '0,5 an'."""
    n = t.shown_count(value, digits)
    return t.ngettext("{years} year", "{years} years", n).format(years=t.number(value, digits))


def duration(days: float, t: Translator = ENGLISH) -> str:
    """A length of time given in days: '12 days', '5 months', '3.2 years'."""
    return length(*time_span(days), t)


def months(count: float, t: Translator = ENGLISH) -> str:
    """'24 months', '1 month', '7.5 months'."""
    return length(abs(count), MONTH, t)


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


def _significant(amount: float) -> int:
    """Decimals of two significant digits of an amount under 10, trailing zeros dropped: 0.23 -> 2, 0.2 -> 1,
    3.5 -> 1; none for a whole or a large amount."""
    if amount >= 10 or float(amount).is_integer():
        return 0
    decimals = BOUND_SIGNIFICANT - 1 - math.floor(math.log10(amount))
    while decimals > 0 and round(amount, decimals - 1) == round(amount, decimals):
        decimals -= 1
    return decimals


def bound_digits(bounds: Iterable[float], unit: str | None = "days") -> dict[float, int]:
    """Decimals of each bound of a time's bins: the unit's usual ones, two significant digits under 10, and as
    many more (up to 4) as it takes to read each bound apart from its neighbours in the same unit."""
    cuts = sorted(set(bounds))
    spans = [time_span(cut, unit) for cut in cuts]
    digits = {}
    for index, (amount, name) in enumerate(spans):
        near = [a for a, n in spans[max(index - 1, 0) : index + 2] if n == name and a != amount]
        start = max(_usual_digits(amount, name), _significant(amount))
        apart = (
            d for d in range(start, MAX_BOUND_DIGITS) if all(round(amount, d) != round(a, d) for a in near)
        )
        digits[cuts[index]] = next(apart, max(start, MAX_BOUND_DIGITS))
    return digits


def time_bin(
    low: float | None, high: float | None, unit: str | None, t: Translator, digits: Mapping[float, int]
) -> str:
    """A bin [low, high) of a time in days or months (a bound None: open), its bounds to `digits` decimals:
    '0.2 to under 0.6 days', 'under 0.05 days'; before the application (negative) 'more than 5.4 years ago',
    'between 5.4 and 4.0 years ago', 'less than 4.0 years ago'."""
    if (high is not None and high <= 0) or (high is None and low is not None and low < 0):
        return _past_bin(low, high, unit, t, digits)
    if low is None or high is None:
        return _open_bin(low, high, unit, t, digits)
    (low_amount, low_unit), (high_amount, high_unit) = time_span(low, unit), time_span(high, unit)
    if low < 0 or low_unit != high_unit:
        return t.gettext("{low} to under {high}").format(
            low=_bound(low, unit, t, digits), high=_bound(high, unit, t, digits)
        )
    return _to_under(low_unit, t, t.shown_count(high_amount, digits[high])).format(
        low=t.number(low_amount, digits[low]), high=t.number(high_amount, digits[high])
    )


def _to_under(unit: str, t: Translator, n: int) -> str:
    """'{low} to under {high} days' in `unit`, which agrees with the larger bound's count `n`."""
    if unit == DAY:
        return t.ngettext("{low} to under {high} day", "{low} to under {high} days", n)
    if unit == MONTH:
        return t.ngettext("{low} to under {high} month", "{low} to under {high} months", n)
    return t.ngettext("{low} to under {high} year", "{low} to under {high} years", n)


def _between_ago(unit: str, t: Translator, n: int) -> str:
    """'between {earlier} and {later} days ago' in `unit`, which agrees with the larger (earlier) bound's
    count `n` (the French reads the bounds the other way round, the earlier beside the unit)."""
    if unit == DAY:
        return t.ngettext(
            "between {earlier} and {later} day ago", "between {earlier} and {later} days ago", n
        )
    if unit == MONTH:
        return t.ngettext(
            "between {earlier} and {later} month ago", "between {earlier} and {later} months ago", n
        )
    return t.ngettext("between {earlier} and {later} year ago", "between {earlier} and {later} years ago", n)


def _bound(value: float, unit: str | None, t: Translator, digits: Mapping[float, int]) -> str:
    return _ago(length(*time_span(value, unit), t, digits[value]), value < 0, t)


def _open_bin(
    low: float | None, high: float | None, unit: str | None, t: Translator, digits: Mapping[float, int]
) -> str:
    if low is None:
        return t.gettext("under {high}").format(high=_bound(high, unit, t, digits))
    return t.gettext("{low} or more").format(low=_bound(low, unit, t, digits))


def _past_bin(
    low: float | None, high: float | None, unit: str | None, t: Translator, digits: Mapping[float, int]
) -> str:
    """A bin of dates before the application, read from the earlier to the later."""
    if low is None:
        return t.gettext("more than {time} ago").format(time=length(*time_span(high, unit), t, digits[high]))
    if high is None:
        return t.gettext("less than {time} ago").format(time=length(*time_span(low, unit), t, digits[low]))
    (earlier, earlier_unit), (later, later_unit) = time_span(low, unit), time_span(high, unit)
    if earlier_unit != later_unit:
        return t.gettext("between {earlier} and {later} ago").format(
            earlier=length(earlier, earlier_unit, t, digits[low]),
            later=length(later, later_unit, t, digits[high]),
        )
    return _between_ago(earlier_unit, t, t.shown_count(earlier, digits[low])).format(
        earlier=t.number(earlier, digits[low]), later=t.number(later, digits[high])
    )


def feature_value(feature: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """A feature's value ({feature, value, unit} of the API) as a person reads it, by its unit."""
    value, unit, name = feature.get("value"), feature.get("unit"), feature.get("feature") or ""
    if isinstance(value, str):
        return vocabulary.level_label(name, value, t)  # a level of the raw tables, in the page's language
    if not is_number(value):
        return value_text(value, t)
    if unit == "currency":
        return amount(name, value, t, currency)
    if unit == "days":
        return age(value, t) if name in AGE_IN_DAYS else _ago(duration(value, t), value < 0, t)
    if unit == "months":
        return _ago(months(value, t), value < 0, t)
    if unit == "years":
        return years(value, t)
    if unit in PERCENT_UNITS:
        return t.percent(value, 1 if abs(value) < 1 else 0)
    if unit == "flag" and value in (0, 1):
        return t.gettext("yes") if value == 1 else t.gettext("no")
    return value_text(value, t)


def feature_label(feature: Mapping) -> str:
    """The feature's label without a unit of days, months or years that its value now says itself."""
    label = feature.get("label") or feature.get("feature") or ""
    if feature.get("unit") not in SAID_UNITS or not is_number(feature.get("value")):
        return label
    return _UNIT_LAST.sub(")", _UNIT_ALONE.sub("", label))


def labelled_value(feature: Mapping, t: Translator = ENGLISH, currency: str = DEFAULT_CURRENCY) -> str:
    """'Age: 25 years' ('Âge : 25 ans'): a feature's label and its value as a person reads them."""
    return t.gettext("{label}: {value}").format(
        label=feature_label(feature), value=feature_value(feature, t, currency)
    )


def first_of(names: Sequence[str], shown: int, t: Translator = ENGLISH) -> str:
    """The first `shown` names and how many others there are: 'Pensioner, Working and 2 more'."""
    text, more = ", ".join(names[:shown]), len(names) - shown
    if more <= 0:
        return text
    return text + " " + t.ngettext("and {count} more", "and {count} more", more).format(count=t.number(more))


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


def as_shown(value: float, digits: int = 0) -> float:
    """`value` rounded as the page writes it (Babel: its decimal digits, half to even)."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN))


def rounded_to_total(values: Sequence[float], total: float, digits: int = 0) -> list[float]:
    """`values` rounded to `digits` decimals so that they add up to `total` (a difference of two numbers as
    shown, `as_shown`): the largest remainders take the units the plain roundings lose or gain, so the steps
    shown between two shown ends add up to their gap."""
    unit = 10.0**-digits
    whole = [round(as_shown(v, digits) / unit) for v in values]
    missing = round(total / unit) - sum(whole)
    step = 1 if missing > 0 else -1
    by_remainder = sorted(range(len(whole)), key=lambda i: (values[i] / unit - whole[i]) * step, reverse=True)
    for i in by_remainder[: abs(missing)]:
        whole[i] += step
    return [as_shown(w * unit, digits) for w in whole]
