"""Shared pieces of the response models: the value type, models filled from library results, orjson
responses."""

from __future__ import annotations

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict

Value = float | str | None


class FromResult(BaseModel):
    """A response model filled from a library result's attributes."""

    model_config = ConfigDict(from_attributes=True)


def json_response(payload: object) -> Response:
    """A JSON response serialised with orjson (the payload must already match the route's response model)."""
    return Response(orjson.dumps(payload), media_type="application/json")
