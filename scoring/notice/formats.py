"""Numbers, amounts, percentages and dates written the way a reader of the letter's language expects
(Babel's CLDR data: 1 234,5 and 27 novembre 2026 in French; 1,234.5 and November 27, 2026 in English)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent


def money(value: float, currency: str, language: str) -> str:
    return format_currency(value, currency, locale=language)


def whole(value: float, language: str) -> str:
    return format_decimal(round(value), locale=language)


def points(value: float, threshold: float, language: str) -> tuple[str, str]:
    """Score points and the threshold's points: whole numbers, with as many decimals as it takes (up to 3)
    for the two not to look equal."""
    digits = next((d for d in range(4) if round(value, d) != round(threshold, d)), 3)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return (
        format_decimal(value, format=pattern, locale=language),
        format_decimal(threshold, format=pattern, locale=language),
    )


def percent(value: float, language: str, digits: int = 1) -> str:
    return format_percent(round(value, digits + 2), locale=language, decimal_quantization=False)


def long_date(value: date, language: str) -> str:
    return format_date(value, "long", locale=language)
