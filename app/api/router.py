"""The `/api/v1` router: every resource's routes, behind a bearer token."""

from fastapi import APIRouter

api_router = APIRouter(prefix="/api/v1")


def include_routers() -> APIRouter:
    from app.api import tokens

    api_router.include_router(tokens.router)
    return api_router
