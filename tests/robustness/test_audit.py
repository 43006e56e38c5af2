"""Security checks: no traceback or exception message in any response, no secret in the logs,
tokens found by hash (never compared as plain text)."""

import re

import httpx
import pytest
from sqlalchemy import select

from app.models import ApiToken
from app.security import hash_token
from app.services.tokens import authenticate_token, create_token
from app.services.workspaces import create_workspace
from tests.robustness.conftest import USER_PASSWORD

SECRET_MESSAGE = "boom: internal detail /srv/maillage/secret.py password=hunter2"
LEAKS = ("Traceback", "RuntimeError", "OperationalError", "File \"", "secret.py", "hunter2", "internal detail",
         "sqlalchemy", "SELECT ")


def broken(*_args, **_kwargs):
    raise RuntimeError(SECRET_MESSAGE)


def db_broken(*_args, **_kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT secret FROM api_tokens", {}, Exception("disk I/O error hunter2"))


@pytest.fixture
def headers(db):
    workspace = create_workspace(db, slug="audit", name="Audit")
    _token, secret = create_token(db, workspace=workspace, name="audit-admin", scope="admin")
    return {"Authorization": f"Bearer {secret}"}


ITEM = {"external_id": "a-1", "occurred_at": "2026-01-05T10:00:00+01:00", "kind": "call", "title": "Appel",
        "participants": [{"name": "Camille Test"}]}


@pytest.mark.parametrize("error", [broken, db_broken], ids=["exception", "database-error"])
@pytest.mark.parametrize(("target", "method", "path", "body"), [
    ("app.services.analysis.full_analysis", "GET", "/api/v1/graph/metrics", None),
    ("app.api.interactions.ingest_interactions", "POST", "/api/v1/interactions/batch", {"items": [ITEM]}),
    ("app.services.tokens.list_tokens", "GET", "/api/v1/tokens", None),
])
def test_no_traceback_or_exception_message_in_a_response(client, headers, monkeypatch, error, target, method, path,
                                                         body):
    module, _, name = target.rpartition(".")
    monkeypatch.setattr(f"{module}.{name}", error)
    response = client.request(method, path, headers=headers, json=body)
    assert response.status_code == 500, response.text
    assert response.json() == {"error": {"code": "internal_error", "message": "an unexpected error occurred"}}
    for leak in LEAKS:
        assert leak not in response.text


def test_a_web_page_error_shows_no_traceback(client, monkeypatch):
    import web.routes.login as login

    monkeypatch.setattr(login, "authenticate", broken)
    response = client.post("/connexion", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 500
    for leak in LEAKS:
        assert leak not in response.text


def test_tokens_are_stored_hashed_and_found_by_hash(db):
    workspace = create_workspace(db, slug="hash", name="Hash")
    token, secret = create_token(db, workspace=workspace, name="h", scope="read")
    row = db.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert row.token_hash == hash_token(secret) and secret not in (row.token_hash, row.prefix)
    assert authenticate_token(db, secret=secret).id == token.id
    # A secret one character off finds nothing: the lookup is by the SHA-256 of the whole secret,
    # an equality on a unique index, so the time taken reveals nothing about how close it was.
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert authenticate_token(db, secret=wrong) is None
    assert authenticate_token(db, secret=secret[:10]) is None


@pytest.mark.slow
def test_secrets_never_reach_the_server_log(live_server):
    bad_token = "mlg_" + "Zq9" * 14
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        for token in (bad_token, live_server.ingest_token, live_server.read_token):
            client.get("/api/v1/graph/metrics", headers={"Authorization": f"Bearer {token}"})
            client.post("/api/v1/interactions/batch", headers={"Authorization": f"Bearer {token}"},
                        content=b"{not json")
        response = client.get("/api/v1/graph/metrics", headers={"Authorization": f"Bearer {bad_token}"})
        assert response.status_code == 401 and bad_token not in response.text
        # Web logins: a wrong password, then the right one.
        client.post("/connexion", data={"email": live_server.user_email, "password": "Wrong-password-123"})
        response = client.post("/connexion", data={"email": live_server.user_email, "password": USER_PASSWORD})
        assert response.status_code in (200, 303), response.text[:300]
        assert USER_PASSWORD not in response.text
    live_server.stop()
    log = live_server.log()
    assert "POST /connexion" in log  # the access log was captured
    for secret in (bad_token, live_server.ingest_token, live_server.read_token, USER_PASSWORD, "Wrong-password-123"):
        assert secret not in log
        assert secret[4:20] not in log  # not even a part of it
    assert not re.search(r"Bearer\s+\S", log)
