"""Logging in and out, lockout, CSRF, and roles enforced on the server."""

from sqlalchemy import select

from app.models import User
from tests.web.conftest import PASSWORD, csrf_of, login


def test_pages_need_a_login(client):
    response = client.get("/tableau-de-bord", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/tableau-de-bord"


def test_login_sets_a_safe_cookie_and_opens_the_dashboard(client, make_user):
    user = make_user("viewer")
    response = login(client, user.email.upper())
    assert response.status_code == 303 and response.headers["location"] == "/tableau-de-bord"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/tableau-de-bord")
    assert page.status_code == 200 and "Tableau de bord" in page.text and user.email in page.text


def test_wrong_password_gives_a_french_message_and_keeps_the_email(client, make_user):
    user = make_user("viewer")
    response = login(client, user.email, "pas le bon")
    assert response.status_code == 400
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert f'value="{user.email}"' in response.text


def test_unknown_email_gets_the_same_message(client):
    response = login(client, "personne@nulle.part", "peu importe")
    assert response.status_code == 400 and "Adresse électronique ou mot de passe incorrect." in response.text


def test_repeated_failures_lock_the_account(client, db, make_user):
    user = make_user("viewer")
    for _ in range(5):
        login(client, user.email, "mauvais")
    response = login(client, user.email, PASSWORD)  # even the right password, for a while
    assert response.status_code == 400 and "verrouillé" in response.text
    assert db.scalar(select(User.locked_until).where(User.id == user.id)) is not None


def test_next_page_after_login_stays_on_site(client, make_user):
    user = make_user("viewer")
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD,
                                               "suivant": "https://evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/tableau-de-bord"


def test_logout_needs_the_csrf_token(logged_in):
    client = logged_in("viewer")
    page = client.get("/tableau-de-bord")
    refused = client.post("/deconnexion", data={}, follow_redirects=False)
    assert refused.status_code == 403 and "Formulaire refusé" in refused.text
    forged = client.post("/deconnexion", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    done = client.post("/deconnexion", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/tableau-de-bord", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_is_ignored(client, make_user):
    user = make_user("admin")
    login(client, user.email)
    cookie = client.cookies.get("maillage_session")
    client.cookies.set("maillage_session", cookie[:-3] + "abc")
    assert client.get("/tableau-de-bord", follow_redirects=False).status_code == 303
