"""Connexion and déconnexion."""

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.deps import SessionDep
from web.auth import COOKIE, CsrfChecked, authenticate, cookie_options, read_cookie, session_cookie
from web.templating import templates

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a user to another host after login."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/tableau-de-bord"
    return target


@router.get("/connexion", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, suivant: str | None = None) -> Response:
    if read_cookie(request, session):
        return RedirectResponse(_safe_next(suivant), status_code=303)
    return templates.TemplateResponse(request, "login.html", {"next": _safe_next(suivant), "email": "", "error": None})


@router.post("/connexion", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    suivant: Annotated[str, Form(max_length=500)] = "/tableau-de-bord",
) -> Response:
    user, error = authenticate(session, email=email, password=password)
    if user is None:
        return templates.TemplateResponse(
            request, "login.html", {"next": _safe_next(suivant), "email": email, "error": error}, status_code=400
        )
    response = RedirectResponse(_safe_next(suivant), status_code=303)
    response.set_cookie(COOKIE, session_cookie(session, user), **cookie_options(request))
    return response


@router.post("/deconnexion")
def logout(_user: CsrfChecked) -> Response:
    response = RedirectResponse("/connexion", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
def root(request: Request, session: SessionDep) -> Response:
    return RedirectResponse("/tableau-de-bord" if read_cookie(request, session) else "/connexion", status_code=303)
