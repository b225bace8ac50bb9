"""Property-based requests generated from the OpenAPI schema: every operation, a bounded
number of examples; no 5xx and every answer as the schema documents it."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from techmatch.api.app import create_app
from techmatch.db import make_engine
from tests.support import TEST_DATABASE_URL, bearer, make_user, settings_for_tests

# Module level, because schemathesis parametrizes at collection time (reading the schema
# starts the app, which migrates its database). No background index refresh: each request
# that matches builds from what it finds.
app = create_app(settings_for_tests(migrate_on_start=True), engine=make_engine(TEST_DATABASE_URL))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.specs.openapi.checks.status_code_conformance,
    schemathesis.specs.openapi.checks.content_type_conformance,
    schemathesis.specs.openapi.checks.response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("TECHMATCH_FUZZ_EXAMPLES", "40")),
    derandomize=os.environ.get("TECHMATCH_FUZZ_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_answers_as_documented(case: schemathesis.Case, admin: dict) -> None:
    # As an admin, who may do everything: the writes get past the login to the handlers.
    case.call_and_validate(checks=CHECKS, headers=admin)


@pytest.fixture
def admin(engine: Engine) -> dict[str, str]:
    return bearer(make_user(engine, "admin", username="fuzz-admin"))
