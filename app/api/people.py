"""People (acteurs) of the workspace, their affiliations, data-subject export and erasure."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import CurrentWorkspace, IngestToken, ReadToken, SessionDep, actor_of
from app.schemas.common import Page, Pagination, pagination
from app.schemas.institutions import MAX_ID, NO_CONTROL
from app.schemas.people import (
    AffiliationCreate,
    AffiliationRead,
    AffiliationUpdate,
    PersonCreate,
    PersonExport,
    PersonRead,
    PersonUpdate,
)
from app.services import people as people_service
from app.services.institutions import institution_names

router = APIRouter(prefix="/people", tags=["people"])

PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="A person's id.")]
AffiliationId = Annotated[int, Path(ge=1, le=MAX_ID, description="An affiliation's id.")]


def _read(session, person) -> PersonRead:
    return PersonRead.of(person, people_service.affiliation_institution_names(session, people=[person]))


def _affiliation_read(session, affiliation) -> AffiliationRead:
    return AffiliationRead.of(affiliation, institution_names(session, institution_ids=[affiliation.institution_id]))


@router.get(
    "",
    response_model=Page[PersonRead],
    summary="List and search people",
    description="By name. `q` searches names (ignoring case and accents) and emails; `institution_id` keeps "
    "people with an affiliation there (past or present); `ref` finds a client's own id (with `source`, "
    "else in any source).",
)
def list_people(
    session: SessionDep,
    workspace: CurrentWorkspace,
    _token: ReadToken,
    page: Annotated[Pagination, Depends(pagination)],
    q: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL, description="Part of a name or email.")] = None,
    institution_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="An institution's id.")] = None,
    ref: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL, description="A client's id.")] = None,
    source: Annotated[str | None, Query(max_length=100, pattern=NO_CONTROL, description="The ref's source.")] = None,
) -> Page[PersonRead]:
    people, total = people_service.list_people(
        session, workspace=workspace, q=q, institution_id=institution_id, ref=ref, source=source,
        limit=page.limit, offset=page.offset,
    )
    names = people_service.affiliation_institution_names(session, people=people)
    return Page(items=[PersonRead.of(p, names) for p in people], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response_model=PersonRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a person",
    description="With optional affiliations, each naming its institution by `institution_id`, "
    "`institution_siren` or `institution_insee_code` (a commune). An email already used in the workspace, "
    "or a `ref` already used for the same `source`, is a 409.",
)
def create_person(body: PersonCreate, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken) -> PersonRead:
    person = people_service.create_person(
        session, workspace=workspace, full_name=body.full_name, email=body.email, notes=body.notes,
        is_public_figure=body.is_public_figure, ref=body.ref, source=body.source or token.name,
        affiliations=[a.model_dump() for a in body.affiliations], actor=actor_of(token),
    )
    return _read(session, person)


@router.get("/{person_id}", response_model=PersonRead, summary="Get a person")
def get_person(person_id: PersonId, session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken) -> PersonRead:
    return _read(session, people_service.get_person(session, workspace=workspace, person_id=person_id))


@router.patch(
    "/{person_id}",
    response_model=PersonRead,
    summary="Change a person",
    description="Only the fields sent change; `email` or `notes` sent as null are cleared.",
)
def update_person(
    person_id: PersonId, body: PersonUpdate, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken
) -> PersonRead:
    person = people_service.update_person(
        session, workspace=workspace, person_id=person_id, **body.model_dump(exclude_unset=True), actor=actor_of(token)
    )
    return _read(session, person)


@router.delete(
    "/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Erase a person (right to erasure)",
    description="Deletes the person, their affiliations, participations and refs, and replaces their full "
    "name and email by `[personne effacée]` wherever the workspace's free text mentions them (interaction "
    "titles, summaries and locations, other people's notes, affiliation titles, local institution names, "
    "liaison notes). Interactions stay, without them. The audit entry left names no one.",
)
def erase_person(person_id: PersonId, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken) -> Response:
    people_service.erase_person(session, workspace=workspace, person_id=person_id, actor=actor_of(token))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{person_id}/export",
    response_model=PersonExport,
    summary="Export everything held about a person (right of access)",
    description="The person's fields and refs, their affiliations with institution names, every interaction "
    "they took part in (other participants by id only) and the audit entries about them.",
)
def export_person(person_id: PersonId, session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken) -> PersonExport:
    return PersonExport.model_validate(people_service.export_person(session, workspace=workspace, person_id=person_id))


@router.get("/{person_id}/affiliations", response_model=Page[AffiliationRead], summary="List a person's affiliations")
def list_affiliations(
    person_id: PersonId,
    session: SessionDep,
    workspace: CurrentWorkspace,
    _token: ReadToken,
    page: Annotated[Pagination, Depends(pagination)],
) -> Page[AffiliationRead]:
    items, total = people_service.list_affiliations(
        session, workspace=workspace, person_id=person_id, limit=page.limit, offset=page.offset
    )
    names = institution_names(session, institution_ids=[a.institution_id for a in items])
    return Page(items=[AffiliationRead.of(a, names) for a in items], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/{person_id}/affiliations",
    response_model=AffiliationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Give a person a role in an institution",
    description="Name the institution by exactly one of `institution_id`, `institution_siren` or "
    "`institution_insee_code` (a commune): an unknown one is a 422. The same affiliation twice is a 409.",
)
def add_affiliation(
    person_id: PersonId, body: AffiliationCreate, session: SessionDep, workspace: CurrentWorkspace, token: IngestToken
) -> AffiliationRead:
    affiliation = people_service.add_affiliation(
        session, workspace=workspace, person_id=person_id, **body.model_dump(), source=token.name,
        actor=actor_of(token),
    )
    return _affiliation_read(session, affiliation)


@router.patch(
    "/{person_id}/affiliations/{affiliation_id}",
    response_model=AffiliationRead,
    summary="Change an affiliation (e.g. end a mandate)",
)
def update_affiliation(
    person_id: PersonId, affiliation_id: AffiliationId, body: AffiliationUpdate, session: SessionDep,
    workspace: CurrentWorkspace, token: IngestToken,
) -> AffiliationRead:
    affiliation = people_service.update_affiliation(
        session, workspace=workspace, person_id=person_id, affiliation_id=affiliation_id,
        **body.model_dump(exclude_unset=True), actor=actor_of(token),
    )
    return _affiliation_read(session, affiliation)


@router.delete(
    "/{person_id}/affiliations/{affiliation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove an affiliation",
)
def remove_affiliation(
    person_id: PersonId, affiliation_id: AffiliationId, session: SessionDep, workspace: CurrentWorkspace,
    token: IngestToken,
) -> Response:
    people_service.remove_affiliation(
        session, workspace=workspace, person_id=person_id, affiliation_id=affiliation_id, actor=actor_of(token)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
