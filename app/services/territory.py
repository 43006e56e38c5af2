"""A workspace's territory: its body (PETR, pays, PNR, syndicat), member EPCIs, their communes,
and the départements and régions they lie in."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.models import Institution, InstitutionMembership, Workspace
from app.models.enums import InstitutionKind
from app.services import audit
from app.services.institutions import own_first, visible_institutions_filter
from app.services.workspaces import create_workspace, find_workspace
from app.siren import normalize_siren

# The --kind of `territory create` → (institution kind, subtype).
BODY_KINDS: dict[str, tuple[InstitutionKind, str | None]] = {
    "petr": (InstitutionKind.PETR, "petr"),
    "pays": (InstitutionKind.PETR, "pays"),
    "pnr": (InstitutionKind.PNR, None),
    "syndicat": (InstitutionKind.SYNDICAT, "syndicat_mixte"),
}


@dataclass
class TerritoryResult:
    workspace: Workspace
    body: Institution
    members: list[Institution]
    workspace_created: bool
    memberships_created: int


def _referential_epci(session: Session, siren_text: str) -> Institution:
    siren = normalize_siren(siren_text)
    epci = session.scalar(select(Institution).where(Institution.workspace_id.is_(None), Institution.siren == siren))
    if epci is None:
        raise NotFound(
            f"unknown EPCI SIREN {siren}: not in the referential (run `maillage referential load` first?)"
        )
    if epci.kind != InstitutionKind.EPCI:
        raise Invalid(f"SIREN {siren} is {epci.name!r}, a {epci.kind}, not an EPCI")
    return epci


def create_territory(
    session: Session,
    *,
    workspace_slug: str,
    name: str,
    epci_sirens: list[str],
    kind: str = "petr",
    siren: str | None = None,
    actor: str = "cli",
) -> TerritoryResult:
    """Create (or complete) a workspace's body and its memberships to member EPCIs.

    Every SIREN is checked before anything is written; re-running with the same arguments
    changes nothing.
    """
    if kind not in BODY_KINDS:
        raise Invalid(f"unknown territory kind {kind!r}: use one of {', '.join(BODY_KINDS)}")
    name = (name or "").strip()
    if not name or len(name) > 300:
        raise Invalid("a territory name has 1 to 300 characters")
    if not epci_sirens:
        raise Invalid("a territory needs at least one member EPCI (--epci SIREN)")
    members: list[Institution] = []
    for siren_text in epci_sirens:
        epci = _referential_epci(session, siren_text)
        if epci not in members:
            members.append(epci)
    body_siren = normalize_siren(siren) if siren else None
    institution_kind, subtype = BODY_KINDS[kind]

    workspace = find_workspace(session, slug=workspace_slug)
    workspace_created = workspace is None
    if workspace is None:
        workspace = create_workspace(session, slug=workspace_slug, name=name, actor=actor)

    body = _find_or_create_body(
        session, workspace=workspace, name=name, kind=institution_kind, subtype=subtype, siren=body_siren,
        actor=actor,
    )
    existing = set(
        session.scalars(
            select(InstitutionMembership.member_id).where(
                InstitutionMembership.group_id == body.id, InstitutionMembership.valid_to.is_(None)
            )
        )
    )
    created = 0
    for epci in members:
        if epci.id not in existing:
            session.add(InstitutionMembership(workspace_id=workspace.id, member_id=epci.id, group_id=body.id))
            created += 1
    workspace.body_id = body.id
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="territory",
        object_id=body.id, details={"members": [m.siren for m in members], "memberships_created": created},
    )
    return TerritoryResult(workspace, body, members, workspace_created, created)


def _find_or_create_body(
    session: Session,
    *,
    workspace: Workspace,
    name: str,
    kind: InstitutionKind,
    subtype: str | None,
    siren: str | None,
    actor: str,
) -> Institution:
    if workspace.body_id is not None:
        body = session.get(Institution, workspace.body_id)
        if body is not None and (siren is None or body.siren == siren):
            return body
        raise Conflict(
            f"workspace {workspace.slug!r} already has a territory body ({body.name if body else '?'})"
        )
    if siren is not None:
        body = session.scalar(
            select(Institution).where(visible_institutions_filter(workspace), Institution.siren == siren)
            .order_by(own_first()).limit(1)
        )
        if body is not None:
            if body.kind != kind:
                raise Conflict(f"SIREN {siren} is already {body.name!r}, a {body.kind}")
            return body
    body = Institution(workspace_id=workspace.id, name=name, kind=kind.value, subtype=subtype, siren=siren)
    session.add(body)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="institution",
        object_id=body.id, details={"kind": kind.value, "siren": siren},
    )
    return body


def territory_institution_ids(session: Session, *, workspace: Workspace) -> set[int]:
    """Ids of the institutions in the workspace's territory, plus its own local institutions."""
    ids: set[int] = set(
        session.scalars(select(Institution.id).where(Institution.workspace_id == workspace.id))
    )
    if workspace.body_id is None:
        return ids
    ids.add(workspace.body_id)
    members = set(
        session.scalars(
            select(InstitutionMembership.member_id).where(InstitutionMembership.group_id == workspace.body_id)
        )
    )
    ids |= members
    communes = set(
        session.scalars(select(InstitutionMembership.member_id).where(InstitutionMembership.group_id.in_(members)))
    ) if members else set()
    ids |= communes
    departement_codes = {
        code
        for code in session.scalars(
            select(Institution.departement_code).where(Institution.id.in_(members | communes))
        )
        if code
    }
    region_codes = {
        code
        for code in session.scalars(
            select(Institution.region_code).where(Institution.id.in_(members | communes))
        )
        if code
    }
    ids |= set(
        session.scalars(
            select(Institution.id).where(
                Institution.workspace_id.is_(None),
                or_(
                    (Institution.kind == InstitutionKind.DEPARTEMENT.value)
                    & Institution.insee_code.in_(departement_codes),
                    (Institution.kind == InstitutionKind.REGION.value) & Institution.insee_code.in_(region_codes),
                ),
            )
        )
    )
    return ids
