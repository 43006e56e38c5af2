"""Schemathesis generates requests from the app's own OpenAPI document: no input gives a 5xx.

It runs against a dedicated database per backend (its writes are committed), with an admin
token, and a bounded number of examples per operation.
"""

import json

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from app.database import create_db_engine, transaction
from app.main import create_app
from app.schema import upgrade
from app.services.tokens import create_token
from app.services.workspaces import create_workspace

EXAMPLES = 25  # per operation and mode (valid, invalid input): bounded, derandomized


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_context, value) -> bytes:
    # The stream endpoint takes raw NDJSON text: send whatever was generated as lines.
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


@pytest.fixture(scope="module")
def fuzz_target(backend, fresh_database_url):
    url = fresh_database_url(backend)
    upgrade(url)
    engine = create_db_engine(url)
    with transaction(engine) as session:
        workspace = create_workspace(session, slug="fuzz")
        _token, secret = create_token(session, workspace=workspace, name="fuzz", scope="admin")
    application = create_app(engine)
    yield application, secret
    engine.dispose()


def test_no_input_gives_a_server_error(fuzz_target):
    application, secret = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", application)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        # Revoking tokens by generated ids would revoke the fuzzer's own token.
        if result.ok().label != "DELETE /api/v1/tokens/{token_id}"
    ]
    assert len(operations) >= 8
    statuses: list[int] = []
    cases = [(operation, mode) for operation in operations for mode in schemathesis.GenerationMode]
    for operation, mode in cases:

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        def no_server_error(case):
            response = case.call(headers={"Authorization": f"Bearer {secret}"})
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )

        try:
            no_server_error()
        except Unsatisfiable:
            # An operation without inputs (GET /health) has no invalid input to generate.
            assert mode is schemathesis.GenerationMode.NEGATIVE
    # Generated input reached the handlers, valid and invalid, and the token still works.
    assert any(200 <= status < 300 for status in statuses)
    assert any(status == 422 for status in statuses)
    client = TestClient(application)
    assert client.get("/api/v1/interactions", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
