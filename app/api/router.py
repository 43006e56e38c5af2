"""The `/api/v1` router: every resource's routes, behind a bearer token."""

from fastapi import APIRouter


def include_routers() -> APIRouter:
    from app.api import graph, imports, institutions, interactions, maps, people, tokens

    api_router = APIRouter(prefix="/api/v1")
    api_router.include_router(tokens.router)
    api_router.include_router(institutions.router)
    api_router.include_router(people.router)
    api_router.include_router(interactions.router)
    api_router.include_router(graph.router)
    api_router.include_router(maps.router)
    api_router.include_router(imports.router)
    return api_router
