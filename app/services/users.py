"""Web users of a workspace."""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid
from app.models import User, Workspace
from app.models.enums import UserRole
from app.security import generate_password, hash_password
from app.services import audit

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD_LENGTH = 10


def normalize_email(email: str) -> str:
    cleaned = (email or "").strip().lower()
    if not EMAIL_PATTERN.fullmatch(cleaned) or len(cleaned) > 320:
        raise Invalid(f"invalid email address {email!r}")
    return cleaned


def create_user(
    session: Session,
    *,
    workspace: Workspace,
    email: str,
    role: str,
    password: str | None = None,
    actor: str = "cli",
) -> tuple[User, str]:
    """Create a user; returns it with its password (generated when none is given)."""
    email = normalize_email(email)
    if role not in UserRole.__members__.values():
        raise Invalid(f"unknown role {role!r}: use one of {', '.join(UserRole)}")
    if password is None:
        password = generate_password()
    elif len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists")
    user = User(workspace_id=workspace.id, email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="user",
        object_id=user.id, details={"role": role},
    )
    return user, password


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
