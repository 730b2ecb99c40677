"""The reason-code catalogue: groups of features a customer can understand, with their sentences (data).

The catalogue is `reason_codes.json` beside this module (versioned with the package). Each code has a short
title, an adverse sentence (why it counted against an application: the decision letter), a favourable
sentence, a neutral one (the factor without a direction) and a missing one (nothing known for the client),
an officer's description, whether the applicant can act on it and how, its member features and, when its
sentences assert a level, its headline rules (`scoring.explain.headline`). Which sentence a customer reads
is chosen from the client's own values by `scoring.explain.sentences`.
Membership is resolved in three tiers: an exact name in `features` wins, then a whole-name regular
expression of `patterns`, then a name prefix of `prefixes`; inside a tier exactly one code may match, so
every feature belongs to exactly one code or the lookup fails naming the feature.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from scoring.errors import ScoringError
from scoring.explain.headline import Headline, parse_headline

CATALOGUE_FILE = "reason_codes.json"
MIN_CODES, MAX_CODES = 20, 35
TEXTS = ("title", "adverse", "favourable", "neutral", "missing", "officer")


class UnmappedFeature(ScoringError, KeyError):
    """A feature that belongs to no reason code, or to more than one in the same tier."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class ReasonCode:
    """One code: its sentences by language, whether and how the applicant can act, its membership rules and
    its headline rules (None when its sentences assert no level)."""

    code: str
    title: Mapping[str, str]
    adverse: Mapping[str, str]
    favourable: Mapping[str, str]
    neutral: Mapping[str, str]
    missing: Mapping[str, str]
    officer: Mapping[str, str]
    action: Mapping[str, str] | None
    protected: bool
    features: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    prefixes: tuple[str, ...]
    headline: Headline | None = None

    @property
    def actionable(self) -> bool:
        return self.action is not None

    def text(self, kind: str, language: str) -> str:
        """One of the texts (title, adverse, favourable, neutral, missing, officer, action) in `language`."""
        texts = self.action if kind == "action" else getattr(self, kind)
        return "" if texts is None else texts[language]


def _texts(entry: Mapping, key: str, languages: Sequence[str]) -> dict[str, str]:
    texts = entry.get(key)
    missing = [lang for lang in languages if not (texts or {}).get(lang)]
    if missing:
        raise ValueError(f"reason code {entry.get('code')}: `{key}` has no text in {', '.join(missing)}")
    return {lang: texts[lang] for lang in languages}


def _code(entry: Mapping, languages: Sequence[str]) -> ReasonCode:
    name = entry.get("code")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        raise ValueError(f"reason code {name!r}: a code is upper-case letters, digits and underscores")
    if bool(entry.get("actionable")) != (entry.get("action") is not None):
        raise ValueError(f"reason code {name}: `actionable` must be true exactly when `action` is given")
    try:
        patterns = tuple(re.compile(p) for p in entry.get("patterns", ()))
    except re.error as error:
        raise ValueError(f"reason code {name}: bad pattern ({error})") from None
    return ReasonCode(
        code=name,
        **{key: _texts(entry, key, languages) for key in TEXTS},
        action=_texts(entry, "action", languages) if entry.get("action") is not None else None,
        protected=bool(entry.get("protected", False)),
        features=frozenset(entry.get("features", ())),
        patterns=patterns,
        prefixes=tuple(entry.get("prefixes", ())),
        headline=parse_headline(entry, name),
    )


class ReasonCatalogue:
    """The codes in catalogue order, the feature -> code lookup and the name prefixes of the history tables
    (features of a client's past credits: a count of 0 there may only mean that the client has no record)."""

    def __init__(self, document: Mapping) -> None:
        self.version = str(document["version"])
        self.languages = tuple(document["languages"])
        self.history_prefixes = tuple(document.get("history_prefixes", ()))
        self.codes = tuple(_code(e, self.languages) for e in document["codes"])
        names = [c.code for c in self.codes]
        if len(set(names)) != len(names):
            raise ValueError("reason codes: a code appears twice")
        if not MIN_CODES <= len(names) <= MAX_CODES:
            raise ValueError(f"reason codes: {len(names)} codes, expected {MIN_CODES} to {MAX_CODES}")
        self.by_code = {c.code: c for c in self.codes}
        self.position = {c.code: i for i, c in enumerate(self.codes)}
        self._exact: dict[str, str] = {}
        for c in self.codes:
            for feature in c.features:
                if feature in self._exact:
                    raise ValueError(
                        f"reason codes: {feature} is listed by {self._exact[feature]} and {c.code}"
                    )
                self._exact[feature] = c.code

    def code_of(self, feature: str) -> str:
        """The code of a feature: exact name, else the one matching pattern, else the one matching prefix."""
        if feature in self._exact:
            return self._exact[feature]
        tiers = (
            [c.code for c in self.codes if any(p.fullmatch(feature) for p in c.patterns)],
            [c.code for c in self.codes if any(feature.startswith(p) for p in c.prefixes)],
        )
        for found in tiers:
            if len(found) == 1:
                return found[0]
            if found:
                raise UnmappedFeature(f"feature {feature} matches several reason codes: {', '.join(found)}")
        raise UnmappedFeature(f"feature {feature} belongs to no reason code (see {CATALOGUE_FILE})")

    def codes_of(self, features: Iterable[str]) -> list[str]:
        return [self.code_of(f) for f in features]

    def __getitem__(self, code: str) -> ReasonCode:
        return self.by_code[code]

    def __len__(self) -> int:
        return len(self.codes)


@cache
def catalogue() -> ReasonCatalogue:
    """The packaged catalogue (read once)."""
    text = resources.files("scoring.explain").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return ReasonCatalogue(json.loads(text))
