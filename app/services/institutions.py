"""Institutions (structures) as a workspace sees them, and their memberships.

A workspace sees the national referential (``workspace_id IS NULL``) plus its own local
institutions; another workspace's institutions do not exist for it (404, never their data).
The same holds for memberships: the referential's are shared, a workspace's own are its alone.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ColumnElement, String, and_, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.errors import Conflict, Invalid, NotFound
from app.models import Institution, InstitutionMembership, Workspace
from app.models.base import utcnow
from app.models.enums import InstitutionKind
from app.services import audit
from app.services.workspaces import bump_data_version
from app.siren import normalize_siren

# --- accent- and case-insensitive search, the same on SQLite and PostgreSQL -----------------
#
# Neither backend can be relied on to unaccent (PostgreSQL's unaccent is an extension; SQLite's
# lower() only knows ASCII), so both sides are folded the same way: accented letters (either
# case) → their plain letter, ligatures spelt out, typographic apostrophes → "'", hyphens →
# spaces; then lower-case. "saint etienne" finds "Saint-Étienne", "coeur" finds "Cœur".
# PostgreSQL computes it with translate() and replace(); SQLite (whose parser cannot nest
# that many calls) with this very Python function, registered on each connection.
_LETTERS = {
    "a": "àáâãäåÀÁÂÃÄÅ", "c": "çÇ", "e": "èéêëÈÉÊË", "i": "ìíîïÌÍÎÏ", "n": "ñÑ",
    "o": "òóôõöÒÓÔÕÖ", "u": "ùúûüÙÚÛÜ", "y": "ýÿÝŸ",
}
_SINGLE_FOLDS: dict[str, str] = {char: plain for plain, chars in _LETTERS.items() for char in chars}
_SINGLE_FOLDS.update({"’": "'", "‘": "'", "-": " ", "‐": " "})
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}
_FOLD_TABLE = str.maketrans({**_SINGLE_FOLDS, **_LIGATURES})
_SQLITE_FOLD = "maillage_fold"


def fold_text(text: str) -> str:
    """The search form of ``text`` (what :func:`folded` computes in SQL).

    >>> fold_text("Saint-Étienne-du-Rouvray")
    'saint etienne du rouvray'
    """
    return text.translate(_FOLD_TABLE).lower()


class _Folded(FunctionElement[str]):
    """``fold_text(column)`` in SQL."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(_Folded)
def _compile_folded(element: _Folded, compiler, **kw) -> str:
    (expression,) = element.clauses.clauses
    for ligature, spelt in _LIGATURES.items():
        expression = func.replace(expression, literal(ligature), literal(spelt))
    expression = func.translate(expression, literal("".join(_SINGLE_FOLDS)), literal("".join(_SINGLE_FOLDS.values())))
    return compiler.process(func.lower(expression), **kw)


@compiles(_Folded, "sqlite")
def _compile_folded_sqlite(element: _Folded, compiler, **kw) -> str:
    return f"{_SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


def enable_search(session: Session) -> None:
    """Make :func:`folded` usable on the session's connection (SQLite needs the function defined)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi = connection.connection
    if not dbapi.info.get(_SQLITE_FOLD):
        dbapi.driver_connection.create_function(
            _SQLITE_FOLD, 1, lambda value: None if value is None else fold_text(value), deterministic=True
        )
        dbapi.info[_SQLITE_FOLD] = True


def folded(column: ColumnElement[str]) -> ColumnElement[str]:
    """SQL for :func:`fold_text` applied to ``column`` (call :func:`enable_search` first)."""
    return _Folded(column)


# Letters folding can produce from another character: in a LIKE pre-filter, any character may stand there.
_FOLD_TARGETS = set(_SINGLE_FOLDS.values())


def _like_prefilter(folded_text: str) -> str:
    """A LIKE pattern every text containing ``folded_text`` once folded matches (a cheap first pass)."""
    pattern = []
    position = 0
    while position < len(folded_text):
        pair = folded_text[position : position + 2]
        if pair in _LIGATURES.values():  # "oe" may be one "œ"
            pattern.append("%")
            position += 2
            continue
        char = folded_text[position]
        pattern.append("_" if char in _FOLD_TARGETS or not char.isascii() else
                       "/" + char if char in "%_/" else char)
        position += 1
    return f"%{''.join(pattern)}%"


def folded_contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, ignoring case, accents, ligatures and hyphens.

    A case-insensitive LIKE with a wildcard wherever folding may have changed a character
    discards most rows cheaply; the folded comparison then decides.
    """
    target = fold_text(text)
    return and_(column.ilike(_like_prefilter(target), escape="/"), folded(column).contains(target, autoescape=True))


# --- visibility ------------------------------------------------------------------------------

def visible_institutions_filter(workspace: Workspace) -> ColumnElement[bool]:
    """Institutions ``workspace`` may see: the national referential and its own."""
    return or_(Institution.workspace_id.is_(None), Institution.workspace_id == workspace.id)


def own_first() -> ColumnElement[bool]:
    """Order for resolving a SIREN or INSEE code among visible institutions: the workspace's own
    before the referential's (both may hold it when the referential later lists a body the
    workspace created first; the workspace's own is the one its data already points to)."""
    return Institution.workspace_id.is_(None)


def visible_memberships_filter(workspace: Workspace) -> ColumnElement[bool]:
    """Memberships ``workspace`` may see: the referential's and its own."""
    return or_(InstitutionMembership.workspace_id.is_(None), InstitutionMembership.workspace_id == workspace.id)


def _valid_on(day: date) -> ColumnElement[bool]:
    return and_(
        or_(InstitutionMembership.valid_from.is_(None), InstitutionMembership.valid_from <= day),
        or_(InstitutionMembership.valid_to.is_(None), InstitutionMembership.valid_to >= day),
    )


def get_institution(session: Session, *, workspace: Workspace, institution_id: int) -> Institution:
    """The institution, if ``workspace`` may see it; :class:`NotFound` otherwise."""
    institution = session.get(Institution, institution_id)
    if institution is None or institution.workspace_id not in (None, workspace.id):
        raise NotFound(f"no institution {institution_id}")
    return institution


# --- codes ---------------------------------------------------------------------------------

_COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
_INSEE_CODE = re.compile(r"\d{2,3}|\d{5}|2[AB]|2[AB]\d{3}")
_DEPARTEMENT_CODE = re.compile(r"\d{2,3}|2[AB]")
_REGION_CODE = re.compile(r"\d{2}")


def normalize_code(value: str, *, what: str, pattern: re.Pattern[str], example: str) -> str:
    cleaned = re.sub(r"\s", "", value or "").upper()
    if not pattern.fullmatch(cleaned):
        raise Invalid(f"invalid {what} {value!r} (e.g. {example})")
    return cleaned


def normalize_commune_code(value: str) -> str:
    """A commune's INSEE (COG) code: 5 characters, e.g. ``11076`` or ``2A004``."""
    return normalize_code(value, what="commune INSEE code", pattern=_COMMUNE_CODE, example="11076 or 2A004")


def normalize_insee_code(value: str) -> str:
    """A COG code: commune (5), département (2–3) or région (2)."""
    return normalize_code(value, what="INSEE code", pattern=_INSEE_CODE, example="11076, 2A or 76")


def normalize_departement_code(value: str) -> str:
    return normalize_code(value, what="département code", pattern=_DEPARTEMENT_CODE, example="11, 2A or 974")


def normalize_region_code(value: str) -> str:
    return normalize_code(value, what="région code", pattern=_REGION_CODE, example="76")


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message}])


# --- resolving a reference -----------------------------------------------------------------

def resolve_institution(
    session: Session,
    *,
    workspace: Workspace,
    institution_id: int | None = None,
    siren: str | None = None,
    insee_code: str | None = None,
) -> Institution:
    """The visible institution named by exactly one of its id, its SIREN or (for a commune) its
    INSEE code.

    Raises :class:`Invalid` when not exactly one is given or the SIREN or code is malformed, and
    :class:`NotFound` when no visible institution matches (another workspace's institutions are
    not visible, so they are "not found" too).
    """
    given = [name for name, value in
             (("institution_id", institution_id), ("siren", siren), ("insee_code", insee_code)) if value is not None]
    if len(given) != 1:
        raise Invalid("name the institution by exactly one of its id, its SIREN or (for a commune) its INSEE code")
    visible = visible_institutions_filter(workspace)
    if institution_id is not None:
        return get_institution(session, workspace=workspace, institution_id=institution_id)
    if siren is not None:
        siren = normalize_siren(siren)
        institution = session.scalar(
            select(Institution).where(visible, Institution.siren == siren).order_by(own_first()).limit(1)
        )
        if institution is None:
            raise NotFound(f"no institution with SIREN {siren}")
        return institution
    code = normalize_commune_code(insee_code or "")
    institution = session.scalar(
        select(Institution).where(visible, Institution.kind == InstitutionKind.COMMUNE.value,
                                  Institution.insee_code == code).order_by(own_first()).limit(1)
    )
    if institution is None:
        raise NotFound(f"no commune with INSEE code {code}")
    return institution


# --- listing -------------------------------------------------------------------------------

def list_institutions(
    session: Session,
    *,
    workspace: Workspace,
    kind: str | None = None,
    q: str | None = None,
    siren: str | None = None,
    insee_code: str | None = None,
    member_of: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Institution], int]:
    """Visible institutions matching every filter given, by name; returns (page, total).

    ``q`` searches names ignoring case and accents; ``member_of`` keeps the current members
    (membership valid today, through a visible membership) of that institution.
    """
    conditions: list[ColumnElement[bool]] = [visible_institutions_filter(workspace)]
    if kind is not None:
        if kind not in InstitutionKind.__members__.values():
            raise _field_error("kind", f"unknown kind {kind!r}: use one of {', '.join(InstitutionKind)}")
        conditions.append(Institution.kind == kind)
    if q is not None and q.strip():
        enable_search(session)
        conditions.append(folded_contains(Institution.name, q.strip()))
    if siren is not None:
        try:
            conditions.append(Institution.siren == normalize_siren(siren))
        except Invalid as error:
            raise _field_error("siren", error.message) from None
    if insee_code is not None:
        try:
            conditions.append(Institution.insee_code == normalize_insee_code(insee_code))
        except Invalid as error:
            raise _field_error("insee_code", error.message) from None
    if member_of is not None:
        # An invisible group has no visible members: the page is empty, as for an unknown SIREN.
        members = select(InstitutionMembership.member_id).where(
            InstitutionMembership.group_id == member_of,
            visible_memberships_filter(workspace),
            _valid_on(utcnow().date()),
        )
        conditions.append(Institution.id.in_(members))
    total = session.scalar(select(func.count()).select_from(Institution).where(*conditions)) or 0
    items = list(
        session.scalars(
            select(Institution).where(*conditions).order_by(Institution.name, Institution.id).limit(limit).offset(offset)
        )
    )
    return items, total


def list_members(
    session: Session,
    *,
    workspace: Workspace,
    institution_id: int,
    at: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[tuple[Institution, InstitutionMembership]], int]:
    """The visible members of a visible institution, with their membership; returns (page, total).

    Every membership, past and future included, unless ``at`` keeps those valid on that day.
    """
    group = get_institution(session, workspace=workspace, institution_id=institution_id)
    conditions = [
        InstitutionMembership.group_id == group.id,
        visible_memberships_filter(workspace),
        visible_institutions_filter(workspace),
    ]
    if at is not None:
        conditions.append(_valid_on(at))
    base = select(Institution, InstitutionMembership).join(
        InstitutionMembership, InstitutionMembership.member_id == Institution.id
    ).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(Institution.name, Institution.id, InstitutionMembership.valid_from).limit(limit).offset(offset)
    ).all()
    return [(member, membership) for member, membership in rows], total


# --- writing -------------------------------------------------------------------------------

def _visible_or_invalid(session: Session, *, workspace: Workspace, institution_id: int, field: str) -> Institution:
    """A visible institution named inside a request (not in its path): unknown → 422 on ``field``."""
    try:
        return get_institution(session, workspace=workspace, institution_id=institution_id)
    except NotFound as error:
        raise _field_error(field, error.message) from None


def create_institution(
    session: Session,
    *,
    workspace: Workspace,
    name: str,
    kind: str,
    subtype: str | None = None,
    siren: str | None = None,
    insee_code: str | None = None,
    departement_code: str | None = None,
    region_code: str | None = None,
    population: int | None = None,
    member_of: Sequence[int] = (),
    actor: str,
) -> Institution:
    """Create a workspace-local institution (a State service, an association, a chamber…),
    optionally member of visible institutions. A SIREN (or a kind and INSEE code) may not repeat
    one of the national referential or of the workspace; other workspaces' are not looked at."""
    errors: list[dict[str, str]] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    name = " ".join((name or "").split())
    if not name or len(name) > 300:
        error("name", "a name has 1 to 300 characters")
    if kind not in InstitutionKind.__members__.values():
        error("kind", f"unknown kind {kind!r}: use one of {', '.join(InstitutionKind)}")
    subtype = (subtype or "").strip() or None
    if subtype is not None and len(subtype) > 40:
        error("subtype", "a subtype has at most 40 characters")
    codes: dict[str, str | None] = {}
    for field, value, normalize in (
        ("siren", siren, normalize_siren),
        ("insee_code", insee_code, normalize_insee_code),
        ("departement_code", departement_code, normalize_departement_code),
        ("region_code", region_code, normalize_region_code),
    ):
        codes[field] = None
        if value is not None and value.strip():
            try:
                codes[field] = normalize(value)
            except Invalid as invalid:
                error(field, invalid.message)
    if population is not None and not 0 <= population <= 2_147_483_647:
        error("population", "a population is a whole number from 0")
    groups: list[Institution] = []
    for position, group_id in enumerate(dict.fromkeys(member_of)):
        try:
            groups.append(get_institution(session, workspace=workspace, institution_id=group_id))
        except NotFound as not_found:
            error(f"member_of.{position}", not_found.message)
    if errors:
        raise Invalid(errors[0]["message"] if len(errors) == 1 else "the institution is not valid", details=errors)

    visible = visible_institutions_filter(workspace)
    if codes["siren"] is not None:
        holder = session.scalar(select(Institution).where(visible, Institution.siren == codes["siren"]).limit(1))
        if holder is not None:
            raise Conflict(_taken("SIREN", codes["siren"], holder))
    if codes["insee_code"] is not None:
        holder = session.scalar(
            select(Institution).where(visible, Institution.kind == kind, Institution.insee_code == codes["insee_code"])
            .limit(1)
        )
        if holder is not None:
            raise Conflict(_taken(f"INSEE code (for a {kind})", codes["insee_code"], holder))

    institution = Institution(
        workspace_id=workspace.id, name=name, kind=kind, subtype=subtype, siren=codes["siren"],
        insee_code=codes["insee_code"], departement_code=codes["departement_code"],
        region_code=codes["region_code"], population=population,
    )
    session.add(institution)
    session.flush()
    for group in groups:
        _check_no_cycle(session, workspace=workspace, member=institution, group=group)
        session.add(InstitutionMembership(workspace_id=workspace.id, member_id=institution.id, group_id=group.id))
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="institution",
        object_id=institution.id,
        details={"kind": kind, "siren": codes["siren"], "member_of": [g.id for g in groups]},
    )
    bump_data_version(session, workspace_id=workspace.id)
    return institution


def _taken(what: str, value: str, holder: Institution) -> str:
    where = "the national referential" if holder.workspace_id is None else "this workspace"
    return f"{what} {value} is already {holder.name!r} (id {holder.id}) in {where}"


def _descendants(session: Session, *, workspace: Workspace, institution_id: int) -> set[int]:
    """Ids of every institution below ``institution_id`` through visible memberships."""
    seen: set[int] = set()
    frontier = {institution_id}
    while frontier:
        below = set(
            session.scalars(
                select(InstitutionMembership.member_id).where(
                    InstitutionMembership.group_id.in_(frontier), visible_memberships_filter(workspace)
                )
            )
        )
        frontier = below - seen
        seen |= below
    return seen


def _check_no_cycle(session: Session, *, workspace: Workspace, member: Institution, group: Institution) -> None:
    if group.id == member.id:
        raise _field_error("group_id", "an institution cannot be a member of itself")
    if group.id in _descendants(session, workspace=workspace, institution_id=member.id):
        raise _field_error("group_id", f"{group.name!r} is already a member of {member.name!r} (directly or not)")


def add_membership(
    session: Session,
    *,
    workspace: Workspace,
    member_id: int,
    group_id: int,
    valid_from: date | None = None,
    valid_to: date | None = None,
    actor: str,
) -> InstitutionMembership:
    """Record, for this workspace, that ``member_id`` belongs to ``group_id`` (both visible).

    An unknown member is :class:`NotFound` (it is the resource the call is about); an unknown
    group is :class:`Invalid` on ``group_id``.
    """
    member = get_institution(session, workspace=workspace, institution_id=member_id)
    group = _visible_or_invalid(session, workspace=workspace, institution_id=group_id, field="group_id")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise _field_error("valid_to", "valid_to must not be before valid_from")
    _check_no_cycle(session, workspace=workspace, member=member, group=group)
    same_start = (InstitutionMembership.valid_from.is_(None) if valid_from is None
                  else InstitutionMembership.valid_from == valid_from)
    same = select(InstitutionMembership.id).where(
        InstitutionMembership.member_id == member.id, InstitutionMembership.group_id == group.id, same_start
    )
    if session.scalar(same.where(visible_memberships_filter(workspace))) is not None:
        raise Conflict(f"{member.name!r} is already recorded as a member of {group.name!r} from that date")
    if valid_from is not None and session.scalar(same) is not None:
        # (member, group, valid_from) is unique instance-wide: another workspace recorded the same
        # membership of two referential institutions. Say so without telling which workspace.
        raise Conflict("another workspace already recorded this membership from that date; "
                       "record it without valid_from or from another date")
    membership = InstitutionMembership(
        workspace_id=workspace.id, member_id=member.id, group_id=group.id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(membership)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="institution_membership",
        object_id=membership.id, details={"member_id": member.id, "group_id": group.id},
    )
    bump_data_version(session, workspace_id=workspace.id)
    return membership


def institution_names(session: Session, *, institution_ids: Iterable[int]) -> dict[int, str]:
    """``{id: name}`` for the given institutions (callers pass ids they may already see)."""
    ids = sorted(set(institution_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names.update(session.execute(select(Institution.id, Institution.name).where(Institution.id.in_(chunk))).all())
    return names
