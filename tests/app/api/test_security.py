"""Security headers on every response; the API docs work offline under the policy."""

import pytest


@pytest.mark.parametrize("path", ["/health", "/connexion", "/api/v1/tokens", "/docs", "/openapi.json", "/nowhere"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0]  # never for scripts


def test_api_docs_are_self_hosted(client):
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_no_stack_trace_in_a_500(client, monkeypatch):
    import app.api.health as health

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(health, "text", broken)
    response = client.get("/health")
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
