"""Typed dependencies shared by the routes: the request's session, its token, its workspace."""

import random
import time
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.database import session_factory
from app.errors import Forbidden, Unauthorized
from app.models import ApiToken, Workspace
from app.models.enums import TokenScope
from app.services.tokens import authenticate_token


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error.

    GET and HEAD requests use a read-only session (no write lock on SQLite).
    """
    read_only = request.method in ("GET", "HEAD")
    session = session_factory(request.app.state.engine, read_only=read_only)()
    try:
        if not read_only:
            _begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


LOCK_ATTEMPTS = 3


def _begin_write(session: Session) -> None:
    """On SQLite, take the write lock now (BEGIN IMMEDIATE), retrying with jitter if the busy
    timeout runs out, so that "database is locked" never reaches a client under load."""
    if session.get_bind().dialect.name != "sqlite":
        return
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            session.connection()
            return
        except OperationalError as error:
            session.rollback()
            if attempt == LOCK_ATTEMPTS or "locked" not in str(error.orig).lower():
                raise
            time.sleep(random.uniform(0.05, 0.25))


# scope="function": the commit runs before the response is sent, so a 2xx means the work is
# durable and a failed commit becomes an error response. (With FastAPI's default "request"
# scope the commit would run after the client already had its 200: a crash or a commit error
# there would lose a write the client believes saved.)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An API token from `maillage token create`.")

# Each scope includes the ones before it.
SCOPE_RANK = {TokenScope.READ: 0, TokenScope.INGEST: 1, TokenScope.ADMIN: 2}


def get_token(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> ApiToken:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("missing bearer token (Authorization: Bearer <token>)")
    token = authenticate_token(session, secret=credentials.credentials)
    if token is None:
        raise Unauthorized("invalid or revoked token")
    return token


CurrentToken = Annotated[ApiToken, Depends(get_token)]


def get_workspace(session: SessionDep, token: CurrentToken) -> Workspace:
    return session.get_one(Workspace, token.workspace_id)


CurrentWorkspace = Annotated[Workspace, Depends(get_workspace)]


def require_scope(scope: TokenScope) -> Callable[[ApiToken], ApiToken]:
    def check(token: CurrentToken) -> ApiToken:
        if SCOPE_RANK[TokenScope(token.scope)] < SCOPE_RANK[scope]:
            raise Forbidden(f"this token's scope is {token.scope!r}; this needs {scope.value!r}")
        return token

    return check


ReadToken = Annotated[ApiToken, Depends(require_scope(TokenScope.READ))]
IngestToken = Annotated[ApiToken, Depends(require_scope(TokenScope.INGEST))]
AdminToken = Annotated[ApiToken, Depends(require_scope(TokenScope.ADMIN))]


def actor_of(token: ApiToken) -> str:
    return f"token:{token.name}"
