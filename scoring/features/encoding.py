"""Categorical codes and name-safe level tokens.

A categorical application field becomes one numeric column holding the index of its value in the
schema's levels (`scoring.data.schema`). Missing values and levels never seen in the schema all map to
`MISSING_CODE` (-1): the code never depends on the data, so training and serving always agree.
"""

from __future__ import annotations

import re

MISSING_CODE = -1


def level_token(level: str) -> str:
    """Upper-case token of a level, safe inside a feature name: 'Spouse, partner' -> 'SPOUSE_PARTNER'."""
    token = re.sub(r"[^0-9A-Za-z]+", "_", level).strip("_").upper()
    return token or "BLANK"
