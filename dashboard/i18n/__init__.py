"""The dashboard in several languages: gettext message catalogues and per-locale numbers and dates.

Catalogues are GNU gettext `.po` files under `dashboard/locales/<lang>/LC_MESSAGES/messages.po`, the format
translators' tools (Poedit, Weblate, `pybabel update`) read and write. They are compiled in memory when
first used (Babel reads the `.po` and writes the `.mo` into a buffer), so no build step can leave a stale
`.mo` behind, in the image or in a checkout. English is the source language (msgids).

How to translate a page: take the page's translator `t = i18n.current()` (the request's language) and pass
it to the pure text and figure functions; wrap each sentence in `t.gettext("...")` (or `_ = t.gettext`
then `_("...")`; `t.ngettext` for plurals; `N_("...")` marks a module-level constant translated where it
is shown), format numbers and dates with `t.number`, `t.percent`, `t.date`; then `make messages` (extract
and merge into the `.po` files) and fill in the French `msgstr`s. A test fails while a marked string has no
French translation.

The language of a request: the `lang` cookie that the language switch sets (it persists per browser), else
the browser's Accept-Language, else English.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import flask
from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr")
DEFAULT = "en"
COOKIE = "lang"
NAMES = {"en": "English", "fr": "Français"}
LOCALES = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a constant for translation; it is translated where it is shown (t.gettext(constant))."""
    return message


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Translator:
    """Messages and formats of one language."""

    def __init__(self, language: str, messages: NullTranslations) -> None:
        self.language = language
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._messages.ngettext(singular, plural, n)

    def shown_count(self, value: float, decimals: int) -> int:
        """The count that picks the plural form of `value` shown with `decimals` (CLDR): in English the
        singular is "1" alone ("1.0 years"), in French any number under 2 ("0,5 an", "1,9 point")."""
        shown = round(abs(value), decimals)
        if self.language == "fr":
            return int(shown)
        return 1 if decimals == 0 and shown == 1 else 2

    def unknown(self) -> str:
        return self.gettext("unknown")

    def number(self, value: object, decimals: int = 0) -> str:
        """Grouped digits: 544491.0 -> '544,491' (en), '544 491' (fr); not a number -> 'unknown'."""
        if not _is_number(value):
            return self.unknown()
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def decimal(self, value: object, significant: int = 3) -> str:
        """A small number with `significant` digits: 0.31234 -> '0.312' (en), '0,312' (fr)."""
        if not _is_number(value):
            return self.unknown()
        rounded = float(f"{value:.{significant}g}")  # every digit kept is shown: 0.0001 is not "0"
        return format_decimal(rounded, format="#,##0.###############", locale=self.language)

    def percent(self, value: object, digits: int = 1) -> str:
        """0.0183 -> '1.8%' (en), '1,8 %' (fr); not a number -> 'unknown'."""
        if not _is_number(value):
            return self.unknown()
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        if self.language == "fr":
            pattern = pattern[:-1] + "\u202f%"
        return format_percent(value, format=pattern, locale=self.language)

    def signed(self, value: object, decimals: int = 2) -> str:
        """A change with its sign: 0.471 -> '+0.47' (en), '+0,47' (fr)."""
        if not _is_number(value):
            return self.unknown()
        digits = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=f"+{digits};-{digits}", locale=self.language)

    def date(self, value: date | datetime, form: str = "long") -> str:
        if isinstance(value, datetime):
            return format_datetime(value, form, locale=self.language)
        return format_date(value, form, locale=self.language)

    def moment(self, value: str | datetime | None) -> str:
        """A UTC time to the minute: '2026-11-27T04:52:13+00:00' -> 'Nov 27, 2026, 04:52' (en),
        '27 nov. 2026, 04:52' (fr); a naive time is taken as UTC; nothing or not a time -> 'unknown'."""
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            return self.unknown()
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        day = format_skeleton("yMMMd", moment, tzinfo=UTC, locale=self.language)
        time = format_time(moment, "HH:mm", tzinfo=UTC, locale=self.language)
        return Locale.parse(self.language).datetime_formats["medium"].format(time, day)

    @property
    def separators(self) -> str:
        """Plotly's `separators` layout attribute: decimal mark then thousands separator."""
        return get_decimal_symbol(self.language) + get_group_symbol(self.language)


@cache
def translator(language: str) -> Translator:
    """The translator of a supported language (English: the msgids themselves)."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return Translator(language, NullTranslations())
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translator(language, Translations(buffer, domain=DOMAIN))


ENGLISH = translator(DEFAULT)


def language_of(cookie: str | None, accept_language: Iterable[tuple[str, float]] | None) -> str:
    """The cookie's language if supported, else the first supported primary tag of Accept-Language (in
    order of preference: 'fr-FR,en;q=0.5' -> fr), else English."""
    if cookie in LANGUAGES:
        return cookie
    ranked = sorted(accept_language or (), key=lambda pair: -pair[1])
    for tag, quality in ranked:
        primary = tag.split("-")[0].split("_")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
    return DEFAULT


def current_language() -> str:
    """The language of the request being served (English outside a request)."""
    if not flask.has_request_context():
        return DEFAULT
    request = flask.request
    return language_of(request.cookies.get(COOKIE), request.accept_languages)


def current() -> Translator:
    return translator(current_language())
