"""Property-based tests of every operation against the app's own OpenAPI schema, with all checks.

Each operation gets positive cases (valid per the schema: must be accepted or answered as documented) and
negative cases (invalid: must be rejected with a documented 4xx); no case may produce a server error. Both
set-ups are exercised: an API with a key (the schema requires it) and a keyless one on loopback (the schema
declares no key: the checks of ignored authentication hold for what the schema says).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.main import create_app
from devtools.settings import ToolSettings
from tests.api.conftest import make_settings

pytestmark = pytest.mark.slow  # every operation of the schema, generated

KEY = "schemathesis-key"
EXAMPLES = ToolSettings().schemathesis_examples  # per operation and mode
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture(params=["keyed", "keyless"])
def api_schema(
    request: pytest.FixtureRequest, demo_home: Path, tmp_path: Path
) -> Iterator[tuple[schemathesis.BaseSchema, dict[str, str]]]:
    key = KEY if request.param == "keyed" else None
    headers = {"X-API-Key": KEY} if key else {}
    app = create_app(make_settings(demo_home, tmp_path / "log.db", api_key=key))
    with TestClient(app):  # runs the lifespan: the service is loaded
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=headers)
        assert ("APIKeyHeader" in schema.raw_schema["components"]["securitySchemes"]) is bool(key)
        yield schema, headers


def _implausible(response: schemathesis.Response) -> bool:
    """A 422 whose every problem is a plausibility rule across fields (api/plausibility.json: an annuity above
    the credit), which JSON Schema cannot express: the one refusal a schema-valid request may get."""
    if response.status_code != 422:
        return False
    problems = response.json()["detail"]
    return bool(problems) and all(problem["type"] == "implausible" for problem in problems)


def _check(operation: schemathesis.APIOperation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def run(case: schemathesis.Case) -> None:
        response = case.call()
        ruled = mode == GenerationMode.POSITIVE and _implausible(response)
        case.validate_response(
            response, checks=ALL_CHECKS, excluded_checks=[positive_data_acceptance] if ruled else None
        )

    run()


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_every_operation_conforms_to_the_schema(
    api_schema: tuple[schemathesis.BaseSchema, dict[str, str]], mode: GenerationMode
) -> None:
    schema, headers = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures, exercised = [], 0
    for operation in operations:
        try:
            _check(operation, mode, headers)
            exercised += 1
        except Unsatisfiable:  # no invalid input exists (e.g. no parameter besides the API key)
            assert mode == GenerationMode.NEGATIVE, operation.label
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
    assert exercised >= 10
