"""Web fixtures: users of each role, and logging in through the real form."""

import re

import pytest

from app.services.users import create_user
from app.services.workspaces import create_workspace

PASSWORD = "un mot de passe solide"


@pytest.fixture
def web_workspace(db):
    return create_workspace(db, slug="web", name="PETR du Web")


@pytest.fixture
def make_user(db, web_workspace):
    def make(role: str, email: str | None = None):
        user, _ = create_user(db, workspace=web_workspace, email=email or f"{role}@petr.example", role=role,
                              password=PASSWORD)
        return user

    return make


def login(client, email: str, password: str = PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password}, follow_redirects=False)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def logged_in(client, make_user):
    """``logged_in(role)`` → the client, logged in as a new user of that role."""

    def as_role(role: str):
        user = make_user(role)
        response = login(client, user.email)
        assert response.status_code == 303, response.text
        return client

    return as_role
