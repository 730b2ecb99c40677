"""The policy reason catalogue: reasons that are rules of the lender's policy, not model features (data).

The catalogue is `policy_reasons.json` beside this module. Each code has a short title, the sentence a
customer reads (`customer`: why the policy counted against the application, in plain words) and the officer's
description of what the rule checks, in every language of the catalogue. A strategy rule's `code` must be
one of these (`scoring.strategy.definition`); the offer's affordability, legal-maximum-price and
product-range checks use `NOT_AFFORDABLE`, `PRICE_ABOVE_CAP` and `OUTSIDE_PRODUCT`. No policy code is also a
feature reason code (reason_codes.json), so a code names one kind of reason wherever it is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

CATALOGUE_FILE = "policy_reasons.json"
TEXTS = ("title", "customer", "officer")
NOT_AFFORDABLE = "NOT_AFFORDABLE"
PRICE_ABOVE_CAP = "PRICE_ABOVE_CAP"
OUTSIDE_PRODUCT = "OUTSIDE_PRODUCT"


@dataclass(frozen=True)
class PolicyReason:
    """One policy code and its texts by language."""

    code: str
    title: Mapping[str, str]
    customer: Mapping[str, str]
    officer: Mapping[str, str]

    def text(self, kind: str, language: str) -> str:
        """One of the texts (title, customer, officer) in `language`."""
        if kind not in TEXTS:
            raise KeyError(f"policy reason {self.code}: no text `{kind}` (one of {', '.join(TEXTS)})")
        return getattr(self, kind)[language]


def _texts(entry: Mapping, key: str, languages: Sequence[str]) -> dict[str, str]:
    texts = entry.get(key)
    missing = [lang for lang in languages if not (texts or {}).get(lang)]
    if missing:
        raise ValueError(f"policy reason {entry.get('code')}: `{key}` has no text in {', '.join(missing)}")
    return {lang: texts[lang] for lang in languages}


def _code(entry: Mapping, languages: Sequence[str]) -> PolicyReason:
    name = entry.get("code")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        raise ValueError(f"policy reason {name!r}: a code is upper-case letters, digits and underscores")
    return PolicyReason(code=name, **{key: _texts(entry, key, languages) for key in TEXTS})


class PolicyCatalogue:
    """The policy codes in catalogue order and their lookup by code."""

    def __init__(self, document: Mapping) -> None:
        self.version = str(document["version"])
        self.languages = tuple(document["languages"])
        self.codes = tuple(_code(e, self.languages) for e in document["codes"])
        names = [c.code for c in self.codes]
        if len(set(names)) != len(names):
            raise ValueError("policy reasons: a code appears twice")
        self.by_code = {c.code: c for c in self.codes}

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __getitem__(self, code: str) -> PolicyReason:
        return self.by_code[code]

    def __len__(self) -> int:
        return len(self.codes)


@cache
def policy_catalogue() -> PolicyCatalogue:
    """The packaged policy catalogue (read once)."""
    text = resources.files("scoring.explain").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return PolicyCatalogue(json.loads(text))


def is_policy_code(code: str) -> bool:
    """Whether `code` is a policy reason (not a model feature's reason code)."""
    return code in policy_catalogue()


def policy_title(code: str, language: str) -> str:
    """The policy reason's title in `language` (a code no longer in the catalogue as itself)."""
    catalogue = policy_catalogue()
    return catalogue[code].text("title", language) if code in catalogue else code
