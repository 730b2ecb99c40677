"""Property-based tests of every operation against the app's own OpenAPI schema, with all checks.

Each operation gets positive cases (valid per the schema: must be accepted or answered as documented) and
negative cases (invalid: must be rejected with a documented 4xx); no case may produce a server error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from api.main import create_app
from tests.api.conftest import make_settings

pytestmark = pytest.mark.slow  # every operation of the schema, generated

KEY = "schemathesis-key"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))  # per operation and mode
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture
def api_schema(demo_home: Path, tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(make_settings(demo_home, tmp_path / "log.db", api_key=KEY))
    with TestClient(app):  # runs the lifespan: the service is loaded
        yield schemathesis.openapi.from_asgi("/openapi.json", app, headers={"X-API-Key": KEY})


def _check(operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(generation_mode=mode, headers={"X-API-Key": KEY}))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=ALL_CHECKS)

    run()


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_every_operation_conforms_to_the_schema(
    api_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    failures, exercised = [], 0
    for operation in operations:
        try:
            _check(operation, mode)
            exercised += 1
        except Unsatisfiable:  # no invalid input exists (e.g. no parameter besides the API key)
            assert mode == GenerationMode.NEGATIVE, operation.label
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
    assert exercised >= 10
