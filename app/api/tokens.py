"""API tokens of the caller's workspace (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.api.deps import AdminToken, CurrentWorkspace, SessionDep, actor_of
from app.schemas.common import MAX_ID, Page
from app.schemas.tokens import TokenCreate, TokenCreated, TokenRead
from app.services import tokens as token_service

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.get("", response_model=Page[TokenRead], summary="List the workspace's tokens")
def list_tokens(session: SessionDep, workspace: CurrentWorkspace, _token: AdminToken) -> Page[TokenRead]:
    items = token_service.list_tokens(session, workspace=workspace)
    return Page(items=[TokenRead.model_validate(t) for t in items], total=len(items), limit=len(items), offset=0)


@router.post("", response_model=TokenCreated, status_code=status.HTTP_201_CREATED, summary="Create a token")
def create_token(body: TokenCreate, session: SessionDep, workspace: CurrentWorkspace, token: AdminToken) -> TokenCreated:
    created, secret = token_service.create_token(session, workspace=workspace, name=body.name, scope=body.scope,
                                                 actor=actor_of(token))
    return TokenCreated(**TokenRead.model_validate(created).model_dump(), token=secret)


@router.delete("/{token_id}", response_model=TokenRead, summary="Revoke a token")
def revoke_token(token_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, workspace: CurrentWorkspace, token: AdminToken) -> TokenRead:
    revoked = token_service.revoke_token(session, workspace=workspace, token_id=token_id, actor=actor_of(token))
    return TokenRead.model_validate(revoked)
