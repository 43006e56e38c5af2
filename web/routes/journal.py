"""Journal: the interaction log with its filters, and (editors) a quick form to log an exchange.

The form goes through the API's ingestion (``ingest_interactions``, source ``web``), so a
logged exchange is validated, audited and counted in the analysis like any other.
"""

import re
from datetime import datetime, time
from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.errors import Invalid, NotFound
from app.models import Person, Workspace
from app.models.enums import INFORMAL_BY_DEFAULT, InteractionKind
from app.schemas.interactions import InteractionIn, InteractionRead
from app.services.ingest import ingest_interactions
from app.services.institutions import fold_text, institution_names
from app.services.interaction_queries import get_interaction, list_interactions
from app.services.people import affiliation_institution_names, get_person, list_people
from app.services.workspace_admin import (
    list_topics,
    person_names,
    territory_institutions,
)
from web.auth import CsrfChecked, CurrentUser, EditorUser
from web.routes.common import (
    PER_PAGE,
    Pagination,
    page_number,
    paris_today,
    parse_day,
    parse_int,
    read_period,
)
from web.templating import INTERACTION_KINDS, PARIS, templates

router = APIRouter(include_in_schema=False)

PARTICIPANT_ROWS = 3
DATALIST_LIMIT = 400
_PERSON_ID = re.compile(r"\(n°\s*(\d+)\)\s*$")


def describe_interactions(session: Session, workspace: Workspace,
                          items: list[InteractionRead]) -> list[dict[str, Any]]:
    """Each interaction with the names of its people and institutions, for the tables."""
    people = person_names(session, workspace=workspace,
                          person_ids=[p.person_id for item in items for p in item.participants if p.person_id])
    bodies = institution_names(session, institution_ids=[p.institution_id for item in items for p in item.participants
                                                         if p.institution_id])
    return [{
        "item": item,
        "people": sorted(({"id": p.person_id, "name": people[p.person_id]} for p in item.participants
                          if p.person_id in people), key=lambda person: person["name"]),
        "institutions": [{"id": p.institution_id, "name": bodies[p.institution_id]} for p in item.participants
                         if p.institution_id in bodies],
    } for item in items]


def person_option(person: Person, names: dict[int, str]) -> str:
    """How a person is written in the participant fields: « Nom — fonction, structure (n° 12) »."""
    current = [a for a in person.affiliations if a.end is None] or list(person.affiliations)
    if current:
        first = min(current, key=lambda a: (a.role_category != "executive", a.id))
        return f"{person.full_name} — {first.title}, {names.get(first.institution_id, '?')} (n° {person.id})"
    return f"{person.full_name} (n° {person.id})"


def people_options(session: Session, workspace: Workspace, q: str | None = None,
                   limit: int = DATALIST_LIMIT) -> tuple[list[str], int]:
    people, total = list_people(session, workspace=workspace, q=q, limit=limit, offset=0)
    names = affiliation_institution_names(session, people=people)
    return [person_option(person, names) for person in people], total


def _plain(name: str) -> str:
    """A name as compared: no case, no accents, hyphens as spaces, spaces collapsed."""
    return " ".join(fold_text(name).split())


def resolve_participant(session: Session, workspace: Workspace, text: str) -> tuple[int | None, str | None]:
    """The person a participant field names: (id, None) or (None, French error)."""
    match = _PERSON_ID.search(text)
    if match:
        try:
            return get_person(session, workspace=workspace, person_id=int(match.group(1))).id, None
        except NotFound:
            return None, "Cet acteur n'existe pas : choisissez un nom dans la liste."
    name = text.split(" — ")[0].strip()
    candidates, _ = list_people(session, workspace=workspace, q=name, limit=50)
    exact = [p for p in candidates if _plain(p.full_name) == _plain(name)]
    if len(exact) == 1:
        return exact[0].id, None
    if len(exact) > 1:
        return None, f"Plusieurs acteurs s'appellent « {name} » : choisissez le bon dans la liste."
    return None, f"Aucun acteur « {name} » : choisissez un nom dans la liste, ou ajoutez d'abord l'acteur."


# --- the list ---------------------------------------------------------------------------------

def _journal_context(request: Request, session: Session, user, *, du, au, type_, thematique, personne,
                     institution, page) -> dict[str, Any]:
    workspace = user.workspace
    errors: dict[str, str] = {}
    period = read_period(workspace, du, au, errors, default_window=False)
    kind = type_ if type_ in INTERACTION_KINDS else None
    person_id = parse_int(personne)
    institution_id = parse_int(institution)
    pages = Pagination(page=page_number(page), total=0)
    items: list[InteractionRead] = []
    if not errors:
        items, pages.total = list_interactions(
            session, workspace=workspace, limit=PER_PAGE, offset=pages.offset, since=period.since,
            until=period.until, kind=kind, topic=(thematique or "").strip()[:100] or None, person_id=person_id,
            institution_id=institution_id,
        )
    person = None
    if person_id is not None:
        try:
            person = get_person(session, workspace=workspace, person_id=person_id)
        except NotFound:
            person = None
    institutions, _ = territory_institutions(session, workspace=workspace, by_echelon=True)
    return {
        "filter_errors": errors, "period": period, "type": kind or "", "thematique": (thematique or "").strip(),
        "personne": person, "institution": institution_id, "pages": pages,
        "rows": describe_interactions(session, workspace, items),
        "topics": list_topics(session, workspace=workspace),
        "institutions": institutions,
        "filtered": any((du, au, kind, thematique, person_id, institution_id)),
    }


def _form_context(session: Session, user, values: dict[str, Any] | None = None,
                  errors: dict[str, str] | None = None) -> dict[str, Any]:
    if not user.can("editor"):
        return {"can_log": False}
    options, total = people_options(session, user.workspace)
    values = values or {"date": paris_today().isoformat(), "heure": "", "type": "meeting", "caractere": "",
                        "titre": "", "thematiques": [], "autres_thematiques": "", "participants": [],
                        "resume": "", "lieu": ""}
    typed = [i for i, text in enumerate(values["participants"]) if text.strip()]
    rows = max(PARTICIPANT_ROWS, (typed[-1] + 2) if typed else 0)  # what was typed, in place, and one more
    return {"can_log": True, "values": values, "errors": errors or {}, "kinds": INTERACTION_KINDS,
            "people_options": options if total <= DATALIST_LIMIT else [],
            "participant_rows": [values["participants"][i] if i < len(values["participants"]) else ""
                                 for i in range(rows)]}


@router.get("/journal", response_class=HTMLResponse)
def journal_page(
    request: Request, session: SessionDep, user: CurrentUser, du: str | None = None, au: str | None = None,
    type: str = "", thematique: str = "", personne: str = "", institution: str = "", page: str = "1",
    enregistre: str = "",
) -> HTMLResponse:
    context = _journal_context(request, session, user, du=du, au=au, type_=type, thematique=thematique,
                               personne=personne, institution=institution, page=page)
    saved = None
    saved_id = parse_int(enregistre)
    if saved_id is not None:
        try:
            saved = get_interaction(session, workspace=user.workspace, interaction_id=saved_id)
        except NotFound:
            saved = None
    return templates.TemplateResponse(request, "journal.html", {
        **context, **_form_context(session, user), "saved": saved,
    }, status_code=400 if context["filter_errors"] else 200)


@router.get("/journal/personnes")
def people_lookup(session: SessionDep, user: CurrentUser, q: str = "") -> JSONResponse:
    """Participant suggestions for the form's datalist: ``{"items": ["Nom — fonction, structure (n° 12)"]}``."""
    q = q.strip()[:100]
    options, total = people_options(session, user.workspace, q=q or None, limit=20)
    return JSONResponse({"items": options, "total": total}, headers={"Cache-Control": "private, no-store"})


# --- logging an exchange ----------------------------------------------------------------------

def check_exchange(session: Session, workspace: Workspace, values: dict[str, Any],
                   errors: dict[str, str]) -> InteractionIn | None:
    """French checks of the quick form; the ingestion item when everything is right."""
    day = None
    try:
        day = parse_day(values["date"])
        if day is None:
            errors["date"] = "Indiquez la date de l'échange."
        elif not 1990 <= day.year <= paris_today().year + 1:
            errors["date"] = "Choisissez une date entre 1990 et l'an prochain."
    except ValueError:
        errors["date"] = "Date invalide : utilisez le format jj/mm/aaaa."
    # No time: now for an exchange of today (so that it is already in the analysed window), noon otherwise.
    now = datetime.now(PARIS)
    moment = now.time().replace(second=0, microsecond=0) if day == now.date() else time(12, 0)
    if values["heure"].strip():
        match = re.fullmatch(r"(\d{1,2})\s*[:h]\s*(\d{2})?", values["heure"].strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
            errors["heure"] = "Heure invalide : par exemple 14:30."
        else:
            moment = time(int(match.group(1)), int(match.group(2) or 0))
    if values["type"] not in INTERACTION_KINDS:
        errors["type"] = "Choisissez le type d'échange."
    if values["caractere"] not in ("formel", "informel"):
        if values["caractere"] == "" and values["type"] in INTERACTION_KINDS:
            values["caractere"] = "informel" if values["type"] in INFORMAL_BY_DEFAULT else "formel"
        else:
            errors["caractere"] = "Indiquez si l'échange était formel ou informel."
    title = " ".join(values["titre"].split())
    if not title:
        errors["titre"] = "Donnez un titre à l'échange (par exemple « Café avec la DGS »)."
    elif len(title) > 300:
        errors["titre"] = "Le titre ne peut dépasser 300 caractères."
    topics = list(dict.fromkeys(
        [t.strip() for t in values["thematiques"] if t.strip()]
        + [t.strip() for t in re.split(r"[,;]", values["autres_thematiques"]) if t.strip()]
    ))
    if len(topics) > 30 or any(len(t) > 100 for t in topics):
        errors["autres_thematiques"] = "Au plus 30 thématiques de 100 caractères chacune."
    people: list[int] = []
    typed = [(i, text.strip()) for i, text in enumerate(values["participants"]) if text.strip()]
    for index, text in typed:
        person_id, error = resolve_participant(session, workspace, text)
        if error:
            errors[f"participant-{index + 1}"] = error
        elif person_id not in people:
            people.append(person_id)
    if not typed:
        errors["participant-1"] = "Indiquez au moins un participant."
    for name, limit in (("resume", 10_000), ("lieu", 300)):
        if len(values[name]) > limit:
            errors[name] = f"Au plus {limit:,} caractères.".replace(",", "\u202f")
    if errors:
        return None
    try:
        return InteractionIn(
            external_id=f"web-{uuid4()}", source="web",
            occurred_at=datetime.combine(day, moment, tzinfo=PARIS), kind=InteractionKind(values["type"]).value,
            formal=values["caractere"] == "formel", title=title, summary=values["resume"].strip() or None,
            location=values["lieu"].strip() or None, topics=topics,
            participants=[{"person_id": person_id} for person_id in people],
        )
    except ValidationError:
        errors["form"] = "L'échange n'a pas pu être enregistré : vérifiez les champs."
        return None


@router.post("/journal", response_class=HTMLResponse)
def log_exchange(
    request: Request, session: SessionDep, user: EditorUser, _csrf: CsrfChecked,
    date: Annotated[str, Form()] = "", heure: Annotated[str, Form()] = "", type: Annotated[str, Form()] = "",
    caractere: Annotated[str, Form()] = "", titre: Annotated[str, Form()] = "",
    thematiques: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    autres_thematiques: Annotated[str, Form()] = "",
    participant: Annotated[list[str], Form()] = [],  # noqa: B006
    resume: Annotated[str, Form()] = "", lieu: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "date": date, "heure": heure, "type": type, "caractere": caractere, "titre": titre,
        "thematiques": thematiques[:100], "autres_thematiques": autres_thematiques,
        "participants": participant[:100], "resume": resume, "lieu": lieu,
    }
    errors: dict[str, str] = {}
    item = check_exchange(session, user.workspace, values, errors)
    if item is not None:
        try:
            with session.begin_nested():
                outcome = ingest_interactions(session, workspace=user.workspace, items=[item], default_source="web",
                                              actor=user.actor)
        except Invalid:
            errors["form"] = "L'échange n'a pas pu être enregistré : un participant n'existe plus. Vérifiez la liste."
        else:
            return RedirectResponse(f"/journal?enregistre={outcome.ids[0]}#echange-{outcome.ids[0]}", status_code=303)
    context = _journal_context(request, session, user, du=None, au=None, type_="", thematique="", personne="",
                               institution="", page="1")
    return templates.TemplateResponse(request, "journal.html", {
        **context, **_form_context(session, user, values, errors), "saved": None,
    }, status_code=400)
