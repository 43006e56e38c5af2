"""`/health`, the home page, and the one JSON error shape."""


def test_health_needs_no_token(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_home_redirects_to_the_login_page(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/connexion"
    page = client.get("/connexion")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text and "Connexion" in page.text


def test_unknown_route_uses_the_error_shape(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found"}}
