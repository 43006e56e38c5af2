"""Acteurs: search and list people, one page per person, and (editors) create and edit them."""

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.errors import Conflict, Invalid, NotFound
from app.models import Institution, Person, Workspace
from app.models.enums import RoleCategory
from app.services.analysis import full_analysis, neighbourhood_of
from app.services.interaction_queries import list_interactions
from app.services.people import (
    add_affiliation,
    affiliation_institution_names,
    create_person,
    get_person,
    list_people,
    update_person,
)
from app.services.users import normalize_email
from app.services.workspace_admin import territory_institutions
from web.auth import CsrfChecked, CurrentUser, EditorUser
from web.routes.common import (
    PER_PAGE,
    PageNotFound,
    Pagination,
    page_number,
    parse_day,
    parse_int,
    window_days,
)
from web.routes.gaps import concerning
from web.routes.journal import describe_interactions
from web.templating import INSTITUTION_KINDS, templates

router = APIRouter(include_in_schema=False)

PERSON_FIELDS = ("full_name", "email", "notes", "is_public_figure")
AFFILIATION_FIELDS = ("institution_id", "role_category", "title", "start", "end")


def institution_choices(session: Session, workspace: Workspace) -> list[tuple[str, list[Institution]]]:
    """The territory's institutions grouped by kind (for a <select> with <optgroup>s)."""
    items, _ = territory_institutions(session, workspace=workspace, by_echelon=True)
    return [(INSTITUTION_KINDS.get(kind, kind), list(group)) for kind, group in groupby(items, key=lambda i: i.kind)]


def _person_or_404(session: Session, workspace: Workspace, person_id: int) -> Person:
    try:
        return get_person(session, workspace=workspace, person_id=person_id)
    except NotFound:
        raise PageNotFound("Cet acteur n'existe pas (ou plus) dans cet espace de travail.") from None


def check_person(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """French checks of the person fields; returns the service's keyword arguments."""
    name = " ".join(values.get("full_name", "").split())
    if not name:
        errors["full_name"] = "Indiquez le prénom et le nom."
    elif len(name) > 200:
        errors["full_name"] = "Le nom ne peut dépasser 200 caractères."
    email = values.get("email", "").strip()
    if email:
        try:
            email = normalize_email(email)
        except Invalid:
            errors["email"] = "Adresse électronique invalide (exemple : prenom.nom@commune.fr)."
    notes = values.get("notes", "").strip()
    if len(notes) > 5000:
        errors["notes"] = "Les notes ne peuvent dépasser 5 000 caractères."
    return {"full_name": name, "email": email or None, "notes": notes or None,
            "is_public_figure": values.get("is_public_figure") == "1"}


def check_affiliation(values: dict[str, str], errors: dict[str, str], *, optional: bool) -> dict[str, Any] | None:
    """French checks of an affiliation; None when ``optional`` and nothing was typed."""
    if optional and not any(values.get(name, "").strip() for name in ("institution_id", "title", "start", "end")):
        return None
    institution_id = parse_int(values.get("institution_id"))
    if institution_id is None:
        errors["institution_id"] = "Choisissez la structure."
    role = values.get("role_category", "")
    if role not in RoleCategory.__members__.values():
        errors["role_category"] = "Choisissez une catégorie."
    title = " ".join(values.get("title", "").split())
    if not title:
        errors["title"] = "Indiquez la fonction (par exemple « DGS », « Maire », « Chargée de mission »)."
    elif len(title) > 200:
        errors["title"] = "La fonction ne peut dépasser 200 caractères."
    dates = {}
    for name in ("start", "end"):
        try:
            dates[name] = parse_day(values.get(name))
        except ValueError:
            errors[name] = "Date invalide : utilisez le format jj/mm/aaaa."
    if dates.get("start") and dates.get("end") and dates["end"] < dates["start"]:
        errors["end"] = "La fin ne peut précéder le début."
    return {"institution_id": institution_id, "role_category": role, "title": title,
            "start": dates.get("start"), "end": dates.get("end")}


def _service_errors(error: Invalid, errors: dict[str, str]) -> None:
    """Errors the service found that the page did not (an institution that is not visible…)."""
    for detail in error.details or [{"field": "", "message": error.message}]:
        field = str(detail.get("field", "")).split(".")[-1]
        if field in ("institution_id", "institution_siren", "institution_insee_code"):
            errors["institution_id"] = "Cette structure n'est pas disponible dans cet espace de travail."
        elif field in PERSON_FIELDS or field in AFFILIATION_FIELDS:
            errors.setdefault(field, "Valeur refusée.")
        else:
            errors.setdefault("form", "L'enregistrement a été refusé : vérifiez les champs.")


# --- list -------------------------------------------------------------------------------------

@router.get("/acteurs", response_class=HTMLResponse)
def people_page(request: Request, session: SessionDep, user: CurrentUser, q: str = "", structure: str = "",
                page: str = "1") -> HTMLResponse:
    institution_id = parse_int(structure)
    pages = Pagination(page=page_number(page), total=0)
    people, pages.total = list_people(session, workspace=user.workspace, q=q[:200] or None,
                                      institution_id=institution_id, limit=PER_PAGE, offset=pages.offset)
    names = affiliation_institution_names(session, people=people)
    return templates.TemplateResponse(request, "people.html", {
        "q": q[:200], "structure": institution_id, "people": people, "names": names, "pages": pages,
        "choices": institution_choices(session, user.workspace),
    })


# --- create -----------------------------------------------------------------------------------

def _form_page(request: Request, session: Session, user, *, person: Person | None, values: dict[str, str],
               errors: dict[str, str], status: int = 200, affiliation: dict[str, str] | None = None,
               affiliation_errors: dict[str, str] | None = None) -> HTMLResponse:
    return templates.TemplateResponse(request, "person_form.html", {
        "person": person, "values": values, "errors": errors,
        "affiliation": affiliation or {"role_category": "executive"}, "affiliation_errors": affiliation_errors or {},
        "choices": institution_choices(session, user.workspace),
        "names": affiliation_institution_names(session, people=[person]) if person else {},
    }, status_code=status)


@router.get("/acteurs/nouveau", response_class=HTMLResponse)
def new_person_page(request: Request, session: SessionDep, user: EditorUser) -> HTMLResponse:
    return _form_page(request, session, user, person=None, values={"role_category": "executive"}, errors={})


@router.post("/acteurs/nouveau", response_class=HTMLResponse)
def create_person_form(
    request: Request, session: SessionDep, user: EditorUser, _csrf: CsrfChecked,
    full_name: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "", notes: Annotated[str, Form()] = "",
    is_public_figure: Annotated[str, Form()] = "", institution_id: Annotated[str, Form()] = "",
    role_category: Annotated[str, Form()] = "executive", title: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "", end: Annotated[str, Form()] = "",
) -> Response:
    values = {"full_name": full_name, "email": email, "notes": notes, "is_public_figure": is_public_figure,
              "institution_id": institution_id, "role_category": role_category, "title": title, "start": start,
              "end": end}
    errors: dict[str, str] = {}
    person_args = check_person(values, errors)
    affiliation = check_affiliation(values, errors, optional=True)
    if not errors:
        try:
            with session.begin_nested():
                person = create_person(session, workspace=user.workspace, **person_args,
                                       affiliations=[affiliation] if affiliation else [],
                                       actor=user.actor)
        except Conflict:
            errors["email"] = "Cette adresse est déjà celle d'un autre acteur."
        except Invalid as error:
            _service_errors(error, errors)
    if errors:
        return _form_page(request, session, user, person=None, values=values, errors=errors, status=400)
    return RedirectResponse(f"/acteurs/{person.id}?enregistre=1", status_code=303)


# --- detail -----------------------------------------------------------------------------------

@router.get("/acteurs/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, session: SessionDep, user: CurrentUser, person_id: int,
                enregistre: str = "") -> HTMLResponse:
    workspace = user.workspace
    person = _person_or_404(session, workspace, person_id)
    names = affiliation_institution_names(session, people=[person])
    analysis = full_analysis(session, workspace=workspace)
    node = next((n for n in analysis["person"]["nodes"] if n["id"] == person.id), None)
    hood = neighbourhood_of(session, workspace=workspace, level="person", node_id=person.id, limit=10)
    recent, total = list_interactions(session, workspace=workspace, limit=10, offset=0, person_id=person.id)
    institution_ids = {a.institution_id for a in person.affiliations}
    gaps = concerning(analysis["gaps"], person_id=person.id, institution_ids=institution_ids)
    return templates.TemplateResponse(request, "person.html", {
        "person": person, "names": names, "node": node, "hood": hood, "window": window_days(analysis["window"]),
        "recent": describe_interactions(session, workspace, recent), "recent_total": total,
        "own_gaps": [g for g in gaps if person.id in {p["id"] for p in g["people"]}],
        "institution_gaps": [g for g in gaps if person.id not in {p["id"] for p in g["people"]}],
        "saved": enregistre == "1",
        "affiliations": sorted(person.affiliations, key=lambda a: (a.end is not None, names.get(a.institution_id, ""),
                                                                   a.title)),
    })


# --- edit -------------------------------------------------------------------------------------

def _values_of(person: Person) -> dict[str, str]:
    return {"full_name": person.full_name, "email": person.email or "", "notes": person.notes or "",
            "is_public_figure": "1" if person.is_public_figure else ""}


@router.get("/acteurs/{person_id}/modifier", response_class=HTMLResponse)
def edit_person_page(request: Request, session: SessionDep, user: EditorUser, person_id: int) -> HTMLResponse:
    person = _person_or_404(session, user.workspace, person_id)
    return _form_page(request, session, user, person=person, values=_values_of(person), errors={})


@router.post("/acteurs/{person_id}/modifier", response_class=HTMLResponse)
def update_person_form(
    request: Request, session: SessionDep, user: EditorUser, _csrf: CsrfChecked, person_id: int,
    full_name: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "", notes: Annotated[str, Form()] = "",
    is_public_figure: Annotated[str, Form()] = "",
) -> Response:
    person = _person_or_404(session, user.workspace, person_id)
    values = {"full_name": full_name, "email": email, "notes": notes, "is_public_figure": is_public_figure}
    errors: dict[str, str] = {}
    person_args = check_person(values, errors)
    if not errors:
        try:
            with session.begin_nested():
                update_person(session, workspace=user.workspace, person_id=person.id, **person_args,
                              actor=user.actor)
        except Conflict:
            errors["email"] = "Cette adresse est déjà celle d'un autre acteur."
        except Invalid as error:
            _service_errors(error, errors)
    if errors:
        session.refresh(person)
        return _form_page(request, session, user, person=person, values=values, errors=errors, status=400)
    return RedirectResponse(f"/acteurs/{person.id}?enregistre=1", status_code=303)


@router.post("/acteurs/{person_id}/fonctions", response_class=HTMLResponse)
def add_affiliation_form(
    request: Request, session: SessionDep, user: EditorUser, _csrf: CsrfChecked, person_id: int,
    institution_id: Annotated[str, Form()] = "", role_category: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "", start: Annotated[str, Form()] = "", end: Annotated[str, Form()] = "",
) -> Response:
    person = _person_or_404(session, user.workspace, person_id)
    values = {"institution_id": institution_id, "role_category": role_category, "title": title, "start": start,
              "end": end}
    errors: dict[str, str] = {}
    affiliation = check_affiliation(values, errors, optional=False)
    if not errors and affiliation is not None:
        try:
            with session.begin_nested():
                add_affiliation(session, workspace=user.workspace, person_id=person.id, **affiliation,
                                actor=user.actor)
        except Conflict:
            errors["title"] = "Cet acteur a déjà cette fonction dans cette structure."
        except Invalid as error:
            _service_errors(error, errors)
    if errors:
        session.refresh(person)
        return _form_page(request, session, user, person=person, values=_values_of(person), errors={},
                          affiliation=values, affiliation_errors=errors, status=400)
    return RedirectResponse(f"/acteurs/{person.id}?enregistre=1", status_code=303)
