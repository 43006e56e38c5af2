"""The FastAPI application."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from app import __version__
from app.api import health
from app.api.errors import install_error_handlers
from app.api.router import include_routers
from app.api.security import install_security
from app.database import get_engine
from web.app import install as install_web


@asynccontextmanager
async def lifespan(_application: FastAPI) -> AsyncIterator[None]:
    # Everything loaded at start-up lives as long as the server: moving it out of the
    # collector's reach keeps each request's collections short (a large part of a batch's
    # validation time was the cyclic collector walking the start-up heap).
    gc.collect()
    gc.freeze()
    yield


def create_app(engine: Engine | None = None) -> FastAPI:
    application = FastAPI(
        lifespan=lifespan,
        title="Maillage",
        version=__version__,
        description="Who talks to whom in French local public action: people, institutions, "
        "interactions, liaison gaps and maps. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `maillage token create`).",
        docs_url=None,
        redoc_url=None,
    )
    application.state.engine = engine or get_engine()
    install_error_handlers(application)
    install_security(application)
    application.include_router(health.router)
    application.include_router(include_routers())
    install_web(application)
    return application
