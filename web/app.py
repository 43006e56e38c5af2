"""Mounting the web UI on the FastAPI application."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from web.auth import CsrfFailed, LoginRequired, RoleRequired
from web.templating import USER_ROLES, WEB_DIR, templates


def install(app: FastAPI) -> None:
    from web.routes import (
        actors,
        dashboard,
        gaps,
        imports,
        institutions,
        journal,
        login,
        settings,
    )
    from web.routes import map as carte
    from web.routes.common import PageNotFound

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(login.router)
    app.include_router(dashboard.router)
    for module in (carte, gaps, actors, institutions, journal, imports, settings):
        app.include_router(module.router)

    @app.exception_handler(PageNotFound)
    async def page_not_found(request: Request, error: PageNotFound) -> HTMLResponse:
        return templates.TemplateResponse(request, "error.html", {"title": "Page introuvable", "message": error.message},
                                          status_code=404)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error: LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/connexion?suivant={quote(target)}", status_code=303)

    @app.exception_handler(RoleRequired)
    async def role_required(request: Request, error: RoleRequired) -> HTMLResponse:
        message = f"Cette action demande le rôle « {USER_ROLES.get(str(error.role), error.role)} »."
        return templates.TemplateResponse(request, "error.html", {"title": "Accès refusé", "message": message},
                                          status_code=403)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _error: CsrfFailed) -> HTMLResponse:
        message = "Le formulaire a expiré ou ne vient pas de Maillage. Rechargez la page et recommencez."
        return templates.TemplateResponse(request, "error.html", {"title": "Formulaire refusé", "message": message},
                                          status_code=403)
