"""API fixtures: workspaces and bearer tokens of each scope."""

from collections.abc import Callable

import pytest

from app.models import Workspace
from app.services.tokens import create_token
from app.services.workspaces import create_workspace

Headers = dict[str, str]


@pytest.fixture
def workspace(db) -> Workspace:
    return create_workspace(db, slug="petr-a", name="PETR A")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return create_workspace(db, slug="petr-b", name="PETR B")


@pytest.fixture
def token_headers(db) -> Callable[[Workspace, str], Headers]:
    """``token_headers(workspace, scope)`` → Authorization headers for a new token."""
    counter = iter(range(1_000_000))

    def make(workspace: Workspace, scope: str, name: str | None = None) -> Headers:
        _token, secret = create_token(db, workspace=workspace, name=name or f"client-{next(counter)}", scope=scope)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def read_headers(workspace, token_headers) -> Headers:
    return token_headers(workspace, "read")


@pytest.fixture
def ingest_headers(workspace, token_headers) -> Headers:
    return token_headers(workspace, "ingest")


@pytest.fixture
def admin_headers(workspace, token_headers) -> Headers:
    return token_headers(workspace, "admin")
