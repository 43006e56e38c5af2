"""Web login: a signed, HttpOnly, SameSite session cookie; CSRF tokens; roles; lockout.

The cookie carries only the user id, a CSRF token and a fragment of the password hash (so a
password change logs every other session out). It is signed with the instance's secret key.
"""

import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.models import User, Workspace
from app.models.base import utcnow
from app.models.enums import UserRole
from app.security import verify_password
from app.services import audit
from app.services.instance import secret_key

COOKIE = "maillage_session"
SESSION_MAX_AGE = int(timedelta(hours=12).total_seconds())
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
ROLE_RANK = {UserRole.VIEWER: 0, UserRole.EDITOR: 1, UserRole.ADMIN: 2}


class LoginRequired(Exception):
    """Raised by page dependencies; the handler redirects to the login page."""


class RoleRequired(Exception):
    """The user is logged in but their role does not allow this page or action."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class CsrfFailed(Exception):
    """A form was posted without its CSRF token (or with another session's)."""


def _serializer(session: Session) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(session), salt="maillage-web-session")


def read_cookie(request: Request, session: Session) -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return _serializer(session).loads(raw, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None


def session_cookie(session: Session, user: User, csrf: str | None = None) -> str:
    payload = {"uid": user.id, "csrf": csrf or secrets.token_urlsafe(24), "pw": user.password_hash[-16:]}
    return _serializer(session).dumps(payload)


def cookie_options(request: Request) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
        "max_age": SESSION_MAX_AGE,
        "path": "/",
    }


class WebUser:
    """The logged-in user of a page request, with their workspace and CSRF token."""

    def __init__(self, user: User, workspace: Workspace, csrf: str) -> None:
        self.user = user
        self.workspace = workspace
        self.csrf = csrf
        # What the page header shows, read now: an error page is rendered after the request's
        # session has rolled back and closed, when the ORM objects can no longer load anything.
        self.email = user.email
        self.workspace_name = workspace.name
        self._role = user.role

    @property
    def role(self) -> str:
        return self._role

    @property
    def actor(self) -> str:
        """Who the audit trail names for this user's changes (ids only, never the email)."""
        return f"user:{self.user.id}"

    def can(self, role: str) -> bool:
        return ROLE_RANK[UserRole(self._role)] >= ROLE_RANK[UserRole(role)]


def current_user(request: Request, session: SessionDep) -> WebUser:
    data = read_cookie(request, session)
    if not data:
        raise LoginRequired()
    user = session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("pw"):
        raise LoginRequired()
    workspace = session.get_one(Workspace, user.workspace_id)
    web_user = WebUser(user, workspace, data.get("csrf", ""))
    request.state.web_user = web_user
    return web_user


CurrentUser = Annotated[WebUser, Depends(current_user)]


def require_role(role: str):
    def check(user: CurrentUser) -> WebUser:
        if not user.can(role):
            raise RoleRequired(role)
        return user

    return check


EditorUser = Annotated[WebUser, Depends(require_role(UserRole.EDITOR))]
AdminUser = Annotated[WebUser, Depends(require_role(UserRole.ADMIN))]


async def check_csrf(request: Request, user: CurrentUser) -> WebUser:
    """Every state-changing form carries the session's CSRF token in ``csrf_token``."""
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not token or not secrets.compare_digest(token, user.csrf):
        raise CsrfFailed()
    return user


CsrfChecked = Annotated[WebUser, Depends(check_csrf)]


def authenticate(session: Session, *, email: str, password: str) -> tuple[User | None, str | None]:
    """Check a login. Returns (user, None) or (None, French error message).

    After ``MAX_FAILURES`` failures the account is locked for ``LOCKOUT``; the same message is
    given for an unknown email and a wrong password, so logins cannot be enumerated.
    """
    generic = "Adresse électronique ou mot de passe incorrect."
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    now = utcnow()
    if user is None:
        # Same work as a real check, so timing does not reveal which emails exist.
        verify_password("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", password)
        return None, generic
    if user.locked_until is not None and user.locked_until > now:
        return None, "Trop de tentatives : compte verrouillé quelques minutes. Réessayez plus tard."
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record(session, workspace_id=user.workspace_id, actor="web", action="lock", object_type="user",
                         object_id=user.id)
        return None, generic
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, workspace_id=user.workspace_id, actor=f"user:{user.id}", action="login",
                 object_type="user", object_id=user.id)
    return user, None
