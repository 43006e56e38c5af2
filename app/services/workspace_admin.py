"""What a workspace's administrators and its web pages need beyond the API's services.

Analysis thresholds, expected liaisons, the workspace's users, its topics, and its territory's
institutions as lists to choose from. Like every service: a Session and keyword arguments in,
never a commit; writes are audited and bump the workspace's data version when they can change
an analysis.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import Conflict, Invalid, NotFound
from app.models import (
    ExpectedLiaison,
    Institution,
    InstitutionMembership,
    Person,
    Topic,
    User,
    Workspace,
)
from app.models.base import utcnow
from app.services import audit
from app.services.institutions import (
    enable_search,
    folded_contains,
    get_institution,
    visible_institutions_filter,
    visible_memberships_filter,
)
from app.services.territory import territory_institution_ids
from app.services.workspaces import bump_data_version, workspace_settings

# The thresholds an administrator may set, with their bounds (None allowed where noted).
SETTING_BOUNDS: dict[str, tuple[float, float, bool]] = {
    # name: (minimum, maximum, may be None)
    "window_days": (7, 3650, False),
    "dormancy_days": (7, 1825, False),
    "half_life_days": (1, 3650, True),
    "weakening_ratio": (0.05, 0.95, False),
}


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message}])


# --- analysis thresholds -----------------------------------------------------------------------

def update_analysis_settings(
    session: Session, *, workspace: Workspace, values: Mapping[str, Any], actor: str
) -> dict[str, Any]:
    """Set some of the thresholds of :data:`SETTING_BOUNDS`; returns the workspace's settings.

    Every value is checked before anything changes (:class:`Invalid` lists them all). A change
    bumps the data version, so cached analyses are recomputed with the new thresholds.
    """
    errors: list[dict[str, str]] = []
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in SETTING_BOUNDS:
            errors.append({"field": name, "message": f"unknown setting {name!r}"})
            continue
        low, high, nullable = SETTING_BOUNDS[name]
        if value is None:
            if not nullable:
                errors.append({"field": name, "message": f"{name} is required"})
            else:
                cleaned[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            errors.append({"field": name, "message": f"{name} is a number from {low} to {high}"})
            continue
        cleaned[name] = value if name == "weakening_ratio" else int(value)
    if errors:
        raise Invalid(errors[0]["message"] if len(errors) == 1 else "the settings are not valid", details=errors)
    current = workspace_settings(workspace)
    changed = sorted(name for name, value in cleaned.items() if current.get(name) != value)
    if changed:
        # A new dict, so that the JSON column is seen as changed.
        workspace.settings = {**(workspace.settings or {}), **{name: cleaned[name] for name in changed}}
        session.flush()
        bump_data_version(session, workspace_id=workspace.id)
        audit.record(session, workspace_id=workspace.id, actor=actor, action="update_settings",
                     object_type="workspace", object_id=workspace.id,
                     details={"fields": changed, "values": {name: cleaned[name] for name in changed}})
    return workspace_settings(workspace)


# --- expected liaisons -------------------------------------------------------------------------

def list_expected_liaisons(
    session: Session, *, workspace: Workspace
) -> list[tuple[ExpectedLiaison, Institution, Institution]]:
    """The workspace's configured liaisons, with both institutions, by the names of their sides."""
    side_a, side_b = aliased(Institution), aliased(Institution)
    rows = session.execute(
        select(ExpectedLiaison, side_a, side_b)
        .join(side_a, side_a.id == ExpectedLiaison.institution_a_id)
        .join(side_b, side_b.id == ExpectedLiaison.institution_b_id)
        .where(ExpectedLiaison.workspace_id == workspace.id)
        .order_by(side_a.name, side_b.name, ExpectedLiaison.id)
    ).all()
    return [(liaison, a, b) for liaison, a, b in rows]


def add_expected_liaison(
    session: Session, *, workspace: Workspace, institution_a_id: int, institution_b_id: int,
    note: str | None = None, actor: str,
) -> ExpectedLiaison:
    """Expect regular contact between two visible institutions (either order is the same pair)."""
    if institution_a_id == institution_b_id:
        raise _field_error("institution_b_id", "a liaison joins two different institutions")
    for field, institution_id in (("institution_a_id", institution_a_id), ("institution_b_id", institution_b_id)):
        try:
            get_institution(session, workspace=workspace, institution_id=institution_id)
        except NotFound as error:
            raise _field_error(field, error.message) from None
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > 500:
        raise _field_error("note", "a note has at most 500 characters")
    existing = session.scalar(
        select(ExpectedLiaison.id).where(
            ExpectedLiaison.workspace_id == workspace.id,
            or_(
                and_(ExpectedLiaison.institution_a_id == institution_a_id,
                     ExpectedLiaison.institution_b_id == institution_b_id),
                and_(ExpectedLiaison.institution_a_id == institution_b_id,
                     ExpectedLiaison.institution_b_id == institution_a_id),
            ),
        )
    )
    if existing is not None:
        raise Conflict(f"this liaison is already expected (id {existing})")
    liaison = ExpectedLiaison(workspace_id=workspace.id, institution_a_id=institution_a_id,
                              institution_b_id=institution_b_id, note=note)
    session.add(liaison)
    session.flush()
    bump_data_version(session, workspace_id=workspace.id)
    audit.record(session, workspace_id=workspace.id, actor=actor, action="create", object_type="expected_liaison",
                 object_id=liaison.id, details={"institutions": [institution_a_id, institution_b_id]})
    return liaison


def remove_expected_liaison(session: Session, *, workspace: Workspace, liaison_id: int, actor: str) -> None:
    liaison = session.get(ExpectedLiaison, liaison_id)
    if liaison is None or liaison.workspace_id != workspace.id:
        raise NotFound(f"no expected liaison {liaison_id}")
    pair = [liaison.institution_a_id, liaison.institution_b_id]
    session.delete(liaison)
    session.flush()
    bump_data_version(session, workspace_id=workspace.id)
    audit.record(session, workspace_id=workspace.id, actor=actor, action="delete", object_type="expected_liaison",
                 object_id=liaison_id, details={"institutions": pair})


# --- users and topics --------------------------------------------------------------------------

def list_users(session: Session, *, workspace: Workspace) -> list[User]:
    return list(session.scalars(select(User).where(User.workspace_id == workspace.id).order_by(User.email)))


def list_topics(session: Session, *, workspace: Workspace) -> list[str]:
    """The names of the workspace's topics (thématiques), alphabetically."""
    return list(session.scalars(select(Topic.name).where(Topic.workspace_id == workspace.id).order_by(Topic.name)))


# --- the territory's institutions --------------------------------------------------------------

# From the State down to the communes: how a territory's institutions are listed.
ECHELON_ORDER = ("state_central", "state_service", "region", "departement", "petr", "pnr", "syndicat", "epci",
                 "commune", "other")


def territory_institutions(
    session: Session, *, workspace: Workspace, q: str | None = None, kind: str | None = None,
    limit: int | None = None, offset: int = 0, by_echelon: bool = False,
) -> tuple[list[Institution], int]:
    """Institutions of the workspace's territory (and its own); returns (page, total).

    By name, or by échelon then name (``by_echelon``: the State first, the communes last).
    ``q`` searches names ignoring case and accents; ``kind`` keeps one kind.
    """
    ids = territory_institution_ids(session, workspace=workspace)
    if not ids:
        return [], 0
    conditions = [Institution.id.in_(sorted(ids)), visible_institutions_filter(workspace)]
    if kind:
        conditions.append(Institution.kind == kind)
    if q is not None and q.strip():
        enable_search(session)
        conditions.append(folded_contains(Institution.name, q.strip()))
    total = session.scalar(select(func.count()).select_from(Institution).where(*conditions)) or 0
    order = [Institution.name, Institution.id]
    if by_echelon:
        order.insert(0, case({name: rank for rank, name in enumerate(ECHELON_ORDER)}, value=Institution.kind,
                             else_=len(ECHELON_ORDER)))
    query = select(Institution).where(*conditions).order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), total


def institution_groups(
    session: Session, *, workspace: Workspace, institution_id: int, at: date | None = None
) -> list[Institution]:
    """The visible institutions ``institution_id`` is a member of on ``at`` (today by default)."""
    member = get_institution(session, workspace=workspace, institution_id=institution_id)
    day = at or utcnow().date()
    return list(
        session.scalars(
            select(Institution)
            .join(InstitutionMembership, InstitutionMembership.group_id == Institution.id)
            .where(
                InstitutionMembership.member_id == member.id,
                visible_memberships_filter(workspace),
                visible_institutions_filter(workspace),
                or_(InstitutionMembership.valid_from.is_(None), InstitutionMembership.valid_from <= day),
                or_(InstitutionMembership.valid_to.is_(None), InstitutionMembership.valid_to >= day),
            )
            .order_by(Institution.name, Institution.id)
        )
    )


def person_names(session: Session, *, workspace: Workspace, person_ids: Iterable[int]) -> dict[int, str]:
    """``{id: full name}`` of the workspace's people among ``person_ids``."""
    ids = sorted(set(person_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names.update(session.execute(
            select(Person.id, Person.full_name).where(Person.workspace_id == workspace.id, Person.id.in_(chunk))
        ).all())
    return names
