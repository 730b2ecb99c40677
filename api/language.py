"""The language of the texts a response carries: `?lang=` first, else the `Accept-Language` header, else the
configured default (SCORING_DEFAULT_LANGUAGE)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from scoring.vocabulary import Language


def negotiate(header: str | None, default: Language = Language.EN) -> Language:
    """The supported language the `Accept-Language` header prefers (highest q, then order), else `default`.

    'fr-FR,fr;q=0.9,en;q=0.8' -> fr; 'de, en;q=0.5' -> en; '*' or nothing known -> default.
    """
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in {lang.value for lang in Language} and quality > 0:
            ranked.append((-quality, position, Language(primary)))
    return min(ranked)[2] if ranked else default


def request_language(request: Request) -> Language:
    """The language of a request outside the route's dependencies (error handlers): `?lang=` if valid, else
    the `Accept-Language` header, else the configured default."""
    settings = getattr(request.app.state, "settings", None)
    default = settings.default_language if settings is not None else Language.EN
    lang = request.query_params.get("lang")
    if lang in {language.value for language in Language}:
        return Language(lang)
    return negotiate(request.headers.get("accept-language"), default)


async def get_language(
    request: Request,
    lang: Annotated[
        Language | None, Query(description="Language of the texts (default: Accept-Language, else English)")
    ] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Language:
    if lang is not None:
        return lang
    return negotiate(accept_language, request.app.state.settings.default_language)


LanguageDep = Annotated[Language, Depends(get_language)]
