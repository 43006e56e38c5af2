"""Bearer tokens: 401 without or with a bad one, 403 for a too-small scope, revocation."""


def test_missing_token_is_401_with_the_error_shape(client):
    response = client.get("/api/v1/tokens")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


def test_bad_token_is_401(client):
    response = client.get("/api/v1/tokens", headers={"Authorization": "Bearer mlg_not-a-real-token"})
    assert response.status_code == 401


def test_wrong_scope_is_403(client, read_headers, ingest_headers):
    for headers in (read_headers, ingest_headers):
        response = client.get("/api/v1/tokens", headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


def test_admin_creates_lists_and_revokes_tokens(client, admin_headers):
    created = client.post("/api/v1/tokens", json={"name": "calendar", "scope": "ingest"}, headers=admin_headers)
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("mlg_") and body["id"]
    listed = client.get("/api/v1/tokens", headers=admin_headers).json()
    assert "calendar" in [t["name"] for t in listed["items"]]
    assert all("token" not in t for t in listed["items"])
    new_headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/tokens", headers=new_headers).status_code == 403  # ingest < admin
    revoked = client.delete(f"/api/v1/tokens/{body['id']}", headers=admin_headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/tokens", headers=new_headers).status_code == 401


def test_another_workspaces_token_is_404(client, admin_headers, other_workspace, token_headers):
    other = client.post("/api/v1/tokens", json={"name": "x", "scope": "read"},
                        headers=token_headers(other_workspace, "admin")).json()
    response = client.delete(f"/api/v1/tokens/{other['id']}", headers=admin_headers)
    assert response.status_code == 404


def test_duplicate_token_name_is_409(client, admin_headers):
    client.post("/api/v1/tokens", json={"name": "dup", "scope": "read"}, headers=admin_headers)
    response = client.post("/api/v1/tokens", json={"name": "dup", "scope": "read"}, headers=admin_headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_invalid_body_is_422_with_fields(client, admin_headers):
    response = client.post("/api/v1/tokens", json={"name": "", "scope": "root"}, headers=admin_headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "scope"}
