"""Institutions: the territory's structures (or all of France's), one page per structure."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import SessionDep
from app.errors import NotFound
from app.services.analysis import full_analysis, neighbourhood_of
from app.services.institutions import get_institution, list_institutions, list_members
from app.services.interaction_queries import list_interactions
from app.services.people import list_people
from app.services.workspace_admin import institution_groups, territory_institutions
from web.auth import CurrentUser
from web.routes.common import (
    PER_PAGE,
    PageNotFound,
    Pagination,
    page_number,
    paris_today,
    window_days,
)
from web.routes.gaps import concerning
from web.routes.journal import describe_interactions
from web.templating import INSTITUTION_KINDS, templates

router = APIRouter(include_in_schema=False)

SCOPES = {"territoire": "Le territoire", "france": "Toute la France"}


@router.get("/institutions", response_class=HTMLResponse)
def institutions_page(request: Request, session: SessionDep, user: CurrentUser, q: str = "", type: str = "",
                      portee: str = "territoire", page: str = "1") -> HTMLResponse:
    q = q.strip()[:200]
    kind = type if type in INSTITUTION_KINDS else None
    scope = portee if portee in SCOPES else "territoire"
    pages = Pagination(page=page_number(page), total=0)
    if scope == "france":
        items, pages.total = list_institutions(session, workspace=user.workspace, q=q or None, kind=kind,
                                               limit=PER_PAGE, offset=pages.offset)
    else:
        items, pages.total = territory_institutions(session, workspace=user.workspace, q=q or None, kind=kind,
                                                    limit=PER_PAGE, offset=pages.offset, by_echelon=True)
    return templates.TemplateResponse(request, "institutions.html", {
        "q": q, "type": kind or "", "portee": scope, "scopes": SCOPES, "items": items, "pages": pages,
        "body_id": user.workspace.body_id,
    })


@router.get("/institutions/{institution_id}", response_class=HTMLResponse)
def institution_page(request: Request, session: SessionDep, user: CurrentUser, institution_id: int) -> HTMLResponse:
    workspace = user.workspace
    try:
        institution = get_institution(session, workspace=workspace, institution_id=institution_id)
    except NotFound:
        raise PageNotFound("Cette structure n'existe pas (ou n'est pas visible dans cet espace de travail).") from None
    today = paris_today()
    members, members_total = list_members(session, workspace=workspace, institution_id=institution.id,
                                          at=today, limit=60)
    groups = institution_groups(session, workspace=workspace, institution_id=institution.id)
    people, people_total = list_people(session, workspace=workspace, institution_id=institution.id, limit=50,
                                       in_office_first_on=today)
    analysis = full_analysis(session, workspace=workspace)
    node = next((n for n in analysis["institution"]["nodes"] if n["id"] == institution.id), None)
    hood = neighbourhood_of(session, workspace=workspace, level="institution", node_id=institution.id, limit=10)
    recent, recent_total = list_interactions(session, workspace=workspace, limit=10, offset=0,
                                             institution_id=institution.id)
    roles = {
        person.id: [a for a in person.affiliations if a.institution_id == institution.id]
        for person in people
    }
    former = {person_id for person_id, held in roles.items()
              if held and all(a.end is not None and a.end < today for a in held)}
    return templates.TemplateResponse(request, "institution.html", {
        "institution": institution, "members": [m for m, _ in members], "members_total": members_total,
        "groups": groups, "people": people, "people_total": people_total, "roles": roles, "former": former, "node": node,
        "hood": hood, "window": window_days(analysis["window"]),
        "recent": describe_interactions(session, workspace, recent), "recent_total": recent_total,
        "gaps": concerning(analysis["gaps"], institution_ids={institution.id}),
        "is_body": institution.id == workspace.body_id,
    })
