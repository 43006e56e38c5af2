"""API tokens: shown once at creation, stored as a hash, revocable."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.models import ApiToken, Workspace
from app.models.base import utcnow
from app.models.enums import TokenScope
from app.security import generate_token, hash_token
from app.services import audit


def create_token(
    session: Session, *, workspace: Workspace, name: str, scope: str, actor: str = "cli"
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the token itself, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("a token name has 1 to 100 characters")
    if scope not in TokenScope.__members__.values():
        raise Invalid(f"unknown scope {scope!r}: use one of {', '.join(TokenScope)}")
    taken = session.scalar(
        select(ApiToken.id).where(ApiToken.workspace_id == workspace.id, ApiToken.name == name)
    )
    if taken is not None:
        raise Conflict(f"workspace {workspace.slug!r} already has a token named {name!r}")
    secret = generate_token()
    token = ApiToken(
        workspace_id=workspace.id, name=name, scope=scope, token_hash=hash_token(secret), prefix=secret[:10]
    )
    session.add(token)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="api_token",
        object_id=token.id, details={"name": name, "scope": scope},
    )
    return token, secret


def list_tokens(session: Session, *, workspace: Workspace) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.workspace_id == workspace.id).order_by(ApiToken.id))
    )


def revoke_token(session: Session, *, workspace: Workspace, token_id: int, actor: str = "cli") -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.workspace_id != workspace.id:
        raise NotFound(f"no token {token_id} in workspace {workspace.slug!r}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session, workspace_id=workspace.id, actor=actor, action="revoke", object_type="api_token",
            object_id=token.id,
        )
    return token


def authenticate_token(session: Session, *, secret: str) -> ApiToken | None:
    """The live token matching ``secret``, or None. Lookup is by hash, so timing reveals nothing."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token
