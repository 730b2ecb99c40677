"""Numbers, amounts, percentages and dates written the way a reader of the letter's language expects
(Babel's CLDR data: 1 234,5 and 27 novembre 2026 in French; 1,234.5 and November 27, 2026 in English)."""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

MAX_DIGITS = 6


def money(value: float, currency: str, language: str) -> str:
    return format_currency(value, currency, locale=language)


def whole(value: float, language: str) -> str:
    return format_decimal(round(value), locale=language)


def points(value: float, threshold: float, language: str) -> tuple[str, str]:
    """Score points and the threshold's points: whole numbers, with as many decimals as it takes (up to 6)
    for the two not to look equal, so that the side of the threshold shows."""
    digits = next((d for d in range(MAX_DIGITS + 1) if round(value, d) != round(threshold, d)), MAX_DIGITS)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return (
        format_decimal(round(value, digits), format=pattern, locale=language),
        format_decimal(round(threshold, digits), format=pattern, locale=language),
    )


def long_date(value: date, language: str) -> str:
    return format_date(value, "long", locale=language)


def percent(value: float, language: str) -> str:
    """A rate as a percentage with two decimals, in the language's pattern (8.90% in English, 8,90 % in
    French)."""
    pattern = Locale.parse(language).percent_formats[None].pattern
    last = pattern.rindex("0") + 1
    return format_percent(value, pattern[:last] + ".00" + pattern[last:], locale=language)
