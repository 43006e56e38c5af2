"""Paramètres (administrators): analysis thresholds, expected liaisons, users, API tokens."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.errors import Conflict, Invalid, NotFound
from app.models.enums import TokenScope, UserRole
from app.services.tokens import create_token, list_tokens, revoke_token
from app.services.users import MIN_PASSWORD_LENGTH, create_user, normalize_email
from app.services.workspace_admin import (
    SETTING_BOUNDS,
    add_expected_liaison,
    list_expected_liaisons,
    list_users,
    remove_expected_liaison,
    update_analysis_settings,
)
from app.services.workspaces import workspace_settings
from web.auth import AdminUser, CsrfChecked
from web.routes.actors import institution_choices
from web.routes.common import parse_int
from web.templating import templates

router = APIRouter(include_in_schema=False)

SCOPES = {"read": "Lecture", "ingest": "Envoi d'échanges (et lecture)", "admin": "Administration"}
assert set(SCOPES) == set(TokenScope)
DONE = {
    "seuils": "Seuils enregistrés : l'analyse est recalculée avec ces valeurs.",
    "liaison": "Liaison attendue ajoutée.",
    "liaison-retiree": "Liaison attendue retirée.",
    "jeton-revoque": "Jeton révoqué : il ne donne plus accès à l'API.",
}
SETTING_TEXTS = {
    "window_days": ("Période analysée", "jours, jusqu'à aujourd'hui"),
    "dormancy_days": ("Seuil de mise en sommeil", "jours sans échange"),
    "half_life_days": ("Demi-vie des échanges", "jours (vide : pas d'atténuation)"),
    "weakening_ratio": ("Seuil d'affaiblissement", "part de l'activité précédente (ex. 0,5)"),
}


def _page(request: Request, session: Session, user, *, status: int = 200, **context: Any) -> HTMLResponse:
    workspace = user.workspace
    current = workspace_settings(workspace)
    settings_values = context.pop("settings_values", None) or {
        name: "" if current.get(name) is None else str(current[name]).replace(".", ",") for name in SETTING_BOUNDS
    }
    defaults = {"settings_errors": {}, "liaison_values": {}, "liaison_errors": {}, "user_values": {"role": "viewer"},
                "user_errors": {}, "token_values": {"scope": "read"}, "token_errors": {}, "secret": None,
                "new_password": None, "done": None}
    response = templates.TemplateResponse(request, "settings.html", {
        **defaults, **context,
        "settings_values": settings_values, "setting_texts": SETTING_TEXTS, "bounds": SETTING_BOUNDS,
        "liaisons": list_expected_liaisons(session, workspace=workspace),
        "choices": institution_choices(session, workspace),
        "users": list_users(session, workspace=workspace), "roles": UserRole,
        "tokens": list_tokens(session, workspace=workspace), "scopes": SCOPES,
        "min_password": MIN_PASSWORD_LENGTH,
    }, status_code=status)
    # A page may show a token or a password once: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/parametres", response_class=HTMLResponse)
def settings_page(request: Request, session: SessionDep, user: AdminUser, fait: str = "") -> HTMLResponse:
    return _page(request, session, user, done=DONE.get(fait))


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    return float(cleaned)


@router.post("/parametres/seuils", response_class=HTMLResponse)
def save_thresholds(
    request: Request, session: SessionDep, user: AdminUser, _csrf: CsrfChecked,
    window_days: Annotated[str, Form()] = "", dormancy_days: Annotated[str, Form()] = "",
    half_life_days: Annotated[str, Form()] = "", weakening_ratio: Annotated[str, Form()] = "",
) -> Response:
    typed = {"window_days": window_days, "dormancy_days": dormancy_days, "half_life_days": half_life_days,
             "weakening_ratio": weakening_ratio}
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, text in typed.items():
        low, high, nullable = SETTING_BOUNDS[name]
        bounds = f"entre {str(low).replace('.', ',')} et {str(high).replace('.', ',')}"
        try:
            number = _number(text)
        except ValueError:
            errors[name] = f"Indiquez un nombre {bounds}."
            continue
        if number is None:
            if nullable:
                values[name] = None
            else:
                errors[name] = f"Indiquez un nombre {bounds}."
            continue
        if name != "weakening_ratio" and number != int(number):
            errors[name] = f"Indiquez un nombre entier de jours {bounds}."
        elif not low <= number <= high:
            errors[name] = f"Indiquez un nombre {bounds}."
        else:
            values[name] = number if name == "weakening_ratio" else int(number)
    if not errors:
        try:
            with session.begin_nested():
                update_analysis_settings(session, workspace=user.workspace, values=values,
                                         actor=user.actor)
        except Invalid as error:
            for detail in error.details or []:
                errors[str(detail.get("field"))] = "Valeur refusée."
    if errors:
        return _page(request, session, user, status=400, settings_values=typed, settings_errors=errors)
    return RedirectResponse("/parametres?fait=seuils#seuils", status_code=303)


@router.post("/parametres/liaisons", response_class=HTMLResponse)
def add_liaison(
    request: Request, session: SessionDep, user: AdminUser, _csrf: CsrfChecked,
    institution_a: Annotated[str, Form()] = "", institution_b: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    typed = {"institution_a": institution_a, "institution_b": institution_b, "note": note}
    errors: dict[str, str] = {}
    first, second = parse_int(institution_a), parse_int(institution_b)
    if first is None:
        errors["institution_a"] = "Choisissez la première structure."
    if second is None:
        errors["institution_b"] = "Choisissez la seconde structure."
    elif first == second:
        errors["institution_b"] = "Choisissez deux structures différentes."
    if len(note) > 500:
        errors["note"] = "La note ne peut dépasser 500 caractères."
    if not errors:
        try:
            with session.begin_nested():
                add_expected_liaison(session, workspace=user.workspace, institution_a_id=first,
                                     institution_b_id=second, note=note, actor=user.actor)
        except Conflict:
            errors["institution_b"] = "Cette liaison est déjà attendue."
        except Invalid as error:
            field = str((error.details or [{}])[0].get("field", ""))
            errors["institution_a" if field.endswith("a_id") else "institution_b"] = (
                "Cette structure n'est pas disponible dans cet espace de travail.")
    if errors:
        return _page(request, session, user, status=400, liaison_values=typed, liaison_errors=errors)
    return RedirectResponse("/parametres?fait=liaison#liaisons", status_code=303)


@router.post("/parametres/liaisons/{liaison_id}/retirer")
def remove_liaison(session: SessionDep, user: AdminUser, _csrf: CsrfChecked, liaison_id: int) -> Response:
    try:
        remove_expected_liaison(session, workspace=user.workspace, liaison_id=liaison_id,
                                actor=user.actor)
    except NotFound:
        pass  # already removed (a second click): the page shows the current list
    return RedirectResponse("/parametres?fait=liaison-retiree#liaisons", status_code=303)


@router.post("/parametres/utilisateurs", response_class=HTMLResponse)
def add_user(
    request: Request, session: SessionDep, user: AdminUser, _csrf: CsrfChecked,
    email: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "viewer",
    password: Annotated[str, Form()] = "",
) -> Response:
    typed = {"email": email, "role": role}
    errors: dict[str, str] = {}
    try:
        normalize_email(email)
    except Invalid:
        errors["user_email"] = "Adresse électronique invalide (exemple : prenom.nom@petr.fr)."
    if role not in UserRole.__members__.values():
        errors["user_role"] = "Choisissez un rôle."
    if password and len(password) < MIN_PASSWORD_LENGTH:
        errors["user_password"] = f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
    if not errors:
        try:
            with session.begin_nested():
                created, secret = create_user(session, workspace=user.workspace, email=email, role=role,
                                              password=password or None, actor=user.actor)
        except Conflict:
            errors["user_email"] = "Un compte existe déjà avec cette adresse."
        except Invalid:
            errors["user_email"] = "Ce compte n'a pas pu être créé : vérifiez les champs."
    if errors:
        return _page(request, session, user, status=400, user_values=typed, user_errors=errors)
    return _page(request, session, user, done=f"Compte créé pour {created.email}.",
                 new_password=None if password else {"email": created.email, "password": secret})


@router.post("/parametres/jetons", response_class=HTMLResponse)
def add_token(
    request: Request, session: SessionDep, user: AdminUser, _csrf: CsrfChecked,
    name: Annotated[str, Form()] = "", scope: Annotated[str, Form()] = "read",
) -> Response:
    typed = {"name": name, "scope": scope}
    errors: dict[str, str] = {}
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 100:
        errors["token_name"] = "Donnez un nom au jeton (100 caractères au plus), par exemple « Agenda partagé »."
    if scope not in SCOPES:
        errors["token_scope"] = "Choisissez une portée."
    if not errors:
        try:
            with session.begin_nested():
                token, secret = create_token(session, workspace=user.workspace, name=cleaned, scope=scope,
                                             actor=user.actor)
        except Conflict:
            errors["token_name"] = "Un jeton porte déjà ce nom."
        except Invalid:
            errors["token_name"] = "Ce jeton n'a pas pu être créé."
    if errors:
        return _page(request, session, user, status=400, token_values=typed, token_errors=errors)
    return _page(request, session, user, done=f"Jeton « {token.name} » créé.",
                 secret={"name": token.name, "value": secret})


@router.post("/parametres/jetons/{token_id}/revoquer")
def revoke(session: SessionDep, user: AdminUser, _csrf: CsrfChecked, token_id: int) -> Response:
    try:
        revoke_token(session, workspace=user.workspace, token_id=token_id, actor=user.actor)
    except NotFound:
        pass
    return RedirectResponse("/parametres?fait=jeton-revoque#jetons", status_code=303)
