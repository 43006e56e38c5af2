"""Institutions: the national referential plus the workspace's own, and their memberships."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import AfterValidator

from app.api.deps import AdminToken, CurrentWorkspace, ReadToken, SessionDep, actor_of
from app.models.enums import InstitutionKind
from app.schemas.common import Page, Pagination, pagination
from app.schemas.institutions import (
    MAX_ID,
    NO_CONTROL,
    InstitutionCreate,
    InstitutionRead,
    MemberRead,
    MembershipCreate,
    MembershipRead,
    insee_code_query,
    siren_query,
)
from app.services import institutions as institution_service

router = APIRouter(prefix="/institutions", tags=["institutions"])

InstitutionId = Annotated[int, Path(ge=1, le=MAX_ID, description="An institution's id.")]


@router.get(
    "",
    response_model=Page[InstitutionRead],
    summary="List and search institutions",
    description="The national referential and the workspace's own institutions, by name. Every filter "
    "given must match. `q` searches names ignoring case, accents and hyphens (`saint etienne` finds "
    "`Saint-Étienne`); `member_of` keeps the current members of an institution (e.g. the communes of an "
    "EPCI, the EPCIs of the PETR).",
)
def list_institutions(
    session: SessionDep,
    workspace: CurrentWorkspace,
    _token: ReadToken,
    page: Annotated[Pagination, Depends(pagination)],
    kind: Annotated[InstitutionKind | None, Query(description="Institution kind.")] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL, description="Part of the name.")] = None,
    siren: Annotated[str | None, Query(max_length=20, description="Exact SIREN (9 digits)."),
                     AfterValidator(siren_query)] = None,
    insee_code: Annotated[str | None, Query(max_length=10, description="Exact COG code (commune, département, "
                                            "région)."), AfterValidator(insee_code_query)] = None,
    member_of: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Id of the group institution.")] = None,
) -> Page[InstitutionRead]:
    items, total = institution_service.list_institutions(
        session, workspace=workspace, kind=kind.value if kind else None, q=q, siren=siren, insee_code=insee_code,
        member_of=member_of, limit=page.limit, offset=page.offset,
    )
    return Page(items=[InstitutionRead.of(i) for i in items], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response_model=InstitutionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a workspace-local institution (admin)",
    description="For bodies the referential lacks: a State service, an association, a chamber, a "
    "territorial body. A SIREN is unique across the instance (409 when taken).",
)
def create_institution(
    body: InstitutionCreate, session: SessionDep, workspace: CurrentWorkspace, token: AdminToken
) -> InstitutionRead:
    institution = institution_service.create_institution(
        session, workspace=workspace, name=body.name, kind=body.kind.value, subtype=body.subtype, siren=body.siren,
        insee_code=body.insee_code, departement_code=body.departement_code, region_code=body.region_code,
        population=body.population, member_of=body.member_of, actor=actor_of(token),
    )
    return InstitutionRead.of(institution)


@router.get("/{institution_id}", response_model=InstitutionRead, summary="Get an institution")
def get_institution(
    institution_id: InstitutionId, session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken
) -> InstitutionRead:
    return InstitutionRead.of(
        institution_service.get_institution(session, workspace=workspace, institution_id=institution_id)
    )


@router.post(
    "/{institution_id}/memberships",
    response_model=MembershipRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record that the institution belongs to another (admin)",
    description="E.g. an EPCI ∈ the PETR. Both must be visible to the workspace; the membership is the "
    "workspace's own. An unknown `group_id` is a 422.",
)
def add_membership(
    institution_id: InstitutionId, body: MembershipCreate, session: SessionDep, workspace: CurrentWorkspace,
    token: AdminToken,
) -> MembershipRead:
    membership = institution_service.add_membership(
        session, workspace=workspace, member_id=institution_id, group_id=body.group_id,
        valid_from=body.valid_from, valid_to=body.valid_to, actor=actor_of(token),
    )
    return MembershipRead.of(membership)


@router.get(
    "/{institution_id}/members",
    response_model=Page[MemberRead],
    summary="List the institution's members",
    description="Every visible membership, past and future included, with its dates; `at` keeps those "
    "valid on that day.",
)
def list_members(
    institution_id: InstitutionId,
    session: SessionDep,
    workspace: CurrentWorkspace,
    _token: ReadToken,
    page: Annotated[Pagination, Depends(pagination)],
    at: Annotated[date | None, Query(description="Only memberships valid on this day.")] = None,
) -> Page[MemberRead]:
    rows, total = institution_service.list_members(
        session, workspace=workspace, institution_id=institution_id, at=at, limit=page.limit, offset=page.offset
    )
    items = [
        MemberRead(**InstitutionRead.of(member).model_dump(), membership=MembershipRead.of(membership))
        for member, membership in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
