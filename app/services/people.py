"""People (acteurs): create, search, edit, their affiliations, data-subject export and erasure.

A person belongs to one workspace; another workspace's people do not exist for it (NotFound,
never their data). Audit entries about a person carry ids and field names, never a name,
an email or a free-text value, so that erasure leaves nothing behind in the audit trail.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from app.errors import Conflict, Invalid, NotFound
from app.models import (
    Affiliation,
    AnalysisCache,
    AuditEntry,
    ExpectedLiaison,
    Institution,
    Interaction,
    Participation,
    Person,
    PersonRef,
    Workspace,
)
from app.models.base import utcnow
from app.models.enums import RoleCategory
from app.services import audit
from app.services.institutions import (
    enable_search,
    fold_text,
    folded_contains,
    institution_names,
    resolve_institution,
)
from app.services.users import normalize_email
from app.services.workspaces import bump_data_version

# What an erased person's name or email becomes in the free text that mentioned them.
ERASED = "[personne effacée]"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _invalid(errors: list[dict[str, str]], summary: str) -> Invalid:
    return Invalid(errors[0]["message"] if len(errors) == 1 else summary, details=errors)


def normalize_full_name(value: str) -> str:
    """Trimmed, inner whitespace collapsed; 1 to 200 characters."""
    name = " ".join((value or "").split())
    if not name or len(name) > 200:
        raise Invalid("a full name has 1 to 200 characters")
    return name


# --- reading -------------------------------------------------------------------------------

def get_person(session: Session, *, workspace: Workspace, person_id: int) -> Person:
    """The workspace's person, or :class:`NotFound` (also for another workspace's person)."""
    person = session.get(Person, person_id)
    if person is None or person.workspace_id != workspace.id:
        raise NotFound(f"no person {person_id}")
    return person


def find_person(
    session: Session, *, workspace: Workspace, email: str | None = None, source: str | None = None,
    ref: str | None = None,
) -> Person | None:
    """The workspace's person with this email, or with this ``ref`` for ``source``; None if none."""
    if email is not None:
        return session.scalar(
            select(Person).where(Person.workspace_id == workspace.id, Person.email == email.strip().lower())
        )
    if ref is not None and source is not None:
        return session.scalar(
            select(Person).join(PersonRef, PersonRef.person_id == Person.id).where(
                PersonRef.workspace_id == workspace.id, PersonRef.source == source, PersonRef.ref == ref
            )
        )
    raise Invalid("find a person by email, or by source and ref")


def list_people(
    session: Session,
    *,
    workspace: Workspace,
    q: str | None = None,
    institution_id: int | None = None,
    source: str | None = None,
    ref: str | None = None,
    limit: int = 50,
    offset: int = 0,
    in_office_first_on: date | None = None,
) -> tuple[list[Person], int]:
    """The workspace's people matching every filter given, by name; returns (page, total).

    ``q`` searches names (ignoring case and accents) and emails; ``institution_id`` keeps people
    with an affiliation (past or present) there, and with ``in_office_first_on`` (a day) lists
    first those whose affiliation there is in force that day; ``ref`` (with ``source``
    optionally) finds a client's own id.
    """
    conditions: list[ColumnElement[bool]] = [Person.workspace_id == workspace.id]
    if q is not None and q.strip():
        text = q.strip()
        enable_search(session)
        conditions.append(or_(folded_contains(Person.full_name, text),
                              Person.email.contains(text.lower(), autoescape=True)))
    if institution_id is not None:
        # The workspace's people hold affiliations to visible institutions only: another
        # workspace's institution gives an empty page, as an unknown one does.
        conditions.append(Person.id.in_(select(Affiliation.person_id).where(Affiliation.institution_id == institution_id)))
    if ref is not None or source is not None:
        refs = select(PersonRef.person_id).where(PersonRef.workspace_id == workspace.id)
        if ref is not None:
            refs = refs.where(PersonRef.ref == ref)
        if source is not None:
            refs = refs.where(PersonRef.source == source)
        conditions.append(Person.id.in_(refs))
    total = session.scalar(select(func.count()).select_from(Person).where(*conditions)) or 0
    order: list[ColumnElement[Any]] = []
    if institution_id is not None and in_office_first_on is not None:
        in_office = exists().where(
            Affiliation.person_id == Person.id, Affiliation.institution_id == institution_id,
            or_(Affiliation.start.is_(None), Affiliation.start <= in_office_first_on),
            or_(Affiliation.end.is_(None), Affiliation.end >= in_office_first_on),
        )
        order.append(case((in_office, 0), else_=1))
    people = list(
        session.scalars(
            select(Person).where(*conditions).options(selectinload(Person.affiliations), selectinload(Person.refs))
            .order_by(*order, Person.full_name, Person.id).limit(limit).offset(offset)
        )
    )
    return people, total


def affiliation_institution_names(session: Session, *, people: Iterable[Person]) -> dict[int, str]:
    """``{institution id: name}`` for every affiliation of ``people`` (for PersonRead)."""
    return institution_names(session, institution_ids=[a.institution_id for p in people for a in p.affiliations])


# --- writing people ------------------------------------------------------------------------

def _check_email_free(session: Session, *, workspace: Workspace, email: str, person_id: int | None = None) -> None:
    holder = session.scalar(select(Person.id).where(Person.workspace_id == workspace.id, Person.email == email))
    if holder is not None and holder != person_id:
        raise Conflict(f"person {holder} already has this email")


def create_person(
    session: Session,
    *,
    workspace: Workspace,
    full_name: str,
    email: str | None = None,
    notes: str | None = None,
    is_public_figure: bool = False,
    ref: str | None = None,
    source: str | None = None,
    affiliations: Sequence[Mapping[str, Any]] = (),
    actor: str,
) -> Person:
    """Create a person, with the client's ``ref`` for ``source`` and affiliations.

    Each affiliation is a mapping of :func:`add_affiliation`'s keyword arguments (``institution_id``
    or ``institution_siren`` or ``institution_insee_code``, ``role_category``, ``title``, ``start``,
    ``end``). Everything is checked before anything is written: errors come back together
    (``affiliations.<i>.<field>``).
    """
    errors: list[dict[str, str]] = []
    try:
        full_name = normalize_full_name(full_name)
    except Invalid as error:
        errors.append({"field": "full_name", "message": error.message})
    if email is not None:
        try:
            email = normalize_email(email)
        except Invalid as error:
            errors.append({"field": "email", "message": error.message})
    if ref is not None:
        ref = ref.strip()
        source = (source or "").strip()
        if not ref or len(ref) > 200:
            errors.append({"field": "ref", "message": "a ref has 1 to 200 characters"})
        if not source or len(source) > 100:
            errors.append({"field": "source", "message": "a ref needs a source of 1 to 100 characters"})
    planned: list[tuple[Institution, dict[str, Any]]] = []
    for position, spec in enumerate(affiliations):
        try:
            planned.append(_plan_affiliation(session, workspace=workspace, **spec))
        except Invalid as error:
            for detail in error.details or [{"field": "", "message": error.message}]:
                field = f"affiliations.{position}.{detail['field']}".rstrip(".")
                errors.append({"field": field, "message": detail["message"]})
    if errors:
        raise _invalid(errors, "the person is not valid")
    if email is not None:
        _check_email_free(session, workspace=workspace, email=email)
    if ref is not None:
        _check_ref_free(session, workspace=workspace, source=source or "", ref=ref)
    seen: set[tuple[Any, ...]] = set()
    for position, (institution, values) in enumerate(planned):
        key = (institution.id, values["role_category"], values["title"].casefold(), values["start"])
        if key in seen:
            raise Conflict(f"affiliation {position} repeats an earlier one")
        seen.add(key)

    person = Person(workspace_id=workspace.id, full_name=full_name, email=email, notes=notes or None,
                    is_public_figure=bool(is_public_figure))
    if ref is not None:
        person.refs.append(PersonRef(workspace_id=workspace.id, source=source, ref=ref))
    for institution, values in planned:
        person.affiliations.append(Affiliation(institution_id=institution.id, source=source, **values))
    session.add(person)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="create", object_type="person", object_id=person.id,
        details={"ref_source": source if ref is not None else None, "affiliations": [a.id for a in person.affiliations],
                 "is_public_figure": person.is_public_figure},
    )
    bump_data_version(session, workspace_id=workspace.id)
    return person


def _check_ref_free(session: Session, *, workspace: Workspace, source: str, ref: str) -> None:
    holder = session.scalar(
        select(PersonRef.person_id).where(
            PersonRef.workspace_id == workspace.id, PersonRef.source == source, PersonRef.ref == ref
        )
    )
    if holder is not None:
        raise Conflict(f"ref {ref!r} of source {source!r} already names person {holder}")


def update_person(
    session: Session,
    *,
    workspace: Workspace,
    person_id: int,
    full_name: str = UNSET,
    email: str | None = UNSET,
    notes: str | None = UNSET,
    is_public_figure: bool = UNSET,
    actor: str,
) -> Person:
    """Change the fields given (``UNSET`` ones are kept; ``email=None`` or ``notes=None`` clear)."""
    person = get_person(session, workspace=workspace, person_id=person_id)
    changes: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    if full_name is not UNSET:
        try:
            changes["full_name"] = normalize_full_name(full_name)
        except Invalid as error:
            errors.append({"field": "full_name", "message": error.message})
    if email is not UNSET:
        try:
            changes["email"] = normalize_email(email) if email is not None else None
        except Invalid as error:
            errors.append({"field": "email", "message": error.message})
    if notes is not UNSET:
        changes["notes"] = notes or None
    if is_public_figure is not UNSET:
        if is_public_figure is None:
            errors.append({"field": "is_public_figure", "message": "is_public_figure is true or false"})
        else:
            changes["is_public_figure"] = bool(is_public_figure)
    if errors:
        raise _invalid(errors, "the change is not valid")
    if changes.get("email") is not None:
        _check_email_free(session, workspace=workspace, email=changes["email"], person_id=person.id)
    changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
    for name in changed:
        setattr(person, name, changes[name])
    if changed:
        session.flush()
        audit.record(
            session, workspace_id=workspace.id, actor=actor, action="update", object_type="person",
            object_id=person.id, details={"fields": changed},
        )
        bump_data_version(session, workspace_id=workspace.id)
    return person


# --- affiliations --------------------------------------------------------------------------

def _plan_affiliation(
    session: Session,
    *,
    workspace: Workspace,
    institution_id: int | None = None,
    institution_siren: str | None = None,
    institution_insee_code: str | None = None,
    role_category: str,
    title: str,
    start: date | None = None,
    end: date | None = None,
) -> tuple[Institution, dict[str, Any]]:
    """Check an affiliation; returns its institution and column values, or raises :class:`Invalid`
    with every error (an unknown institution is an error of the request, so 422 too)."""
    errors: list[dict[str, str]] = []
    references = {"institution_id": institution_id, "institution_siren": institution_siren,
                  "institution_insee_code": institution_insee_code}
    given = [name for name, value in references.items() if value is not None]
    institution = None
    if len(given) != 1:
        errors.append({"field": given[1] if len(given) > 1 else "institution_id",
                       "message": "name the institution by exactly one of institution_id, institution_siren "
                       "or institution_insee_code"})
    else:
        try:
            institution = resolve_institution(session, workspace=workspace, institution_id=institution_id,
                                              siren=institution_siren, insee_code=institution_insee_code)
        except (NotFound, Invalid) as error:
            errors.append({"field": given[0], "message": error.message})
    role = str(role_category.value if isinstance(role_category, RoleCategory) else role_category)
    if role not in RoleCategory.__members__.values():
        errors.append({"field": "role_category",
                       "message": f"unknown role category {role!r}: use one of {', '.join(RoleCategory)}"})
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        errors.append({"field": "title", "message": "a title has 1 to 200 characters"})
    if start is not None and end is not None and end < start:
        errors.append({"field": "end", "message": "end must not be before start"})
    if errors:
        raise _invalid(errors, "the affiliation is not valid")
    assert institution is not None
    return institution, {"role_category": role, "title": title, "start": start, "end": end}


def get_affiliation(session: Session, *, workspace: Workspace, person_id: int, affiliation_id: int) -> Affiliation:
    person = get_person(session, workspace=workspace, person_id=person_id)
    affiliation = session.get(Affiliation, affiliation_id)
    if affiliation is None or affiliation.person_id != person.id:
        raise NotFound(f"person {person_id} has no affiliation {affiliation_id}")
    return affiliation


def add_affiliation(
    session: Session,
    *,
    workspace: Workspace,
    person_id: int,
    institution_id: int | None = None,
    institution_siren: str | None = None,
    institution_insee_code: str | None = None,
    role_category: str,
    title: str,
    start: date | None = None,
    end: date | None = None,
    source: str | None = None,
    actor: str,
) -> Affiliation:
    """Give the person a role in a visible institution; the same one twice is a :class:`Conflict`."""
    person = get_person(session, workspace=workspace, person_id=person_id)
    institution, values = _plan_affiliation(
        session, workspace=workspace, institution_id=institution_id, institution_siren=institution_siren,
        institution_insee_code=institution_insee_code, role_category=role_category, title=title, start=start, end=end,
    )
    _check_affiliation_free(session, person=person, institution_id=institution.id, values=values)
    affiliation = Affiliation(person_id=person.id, institution_id=institution.id, source=source, **values)
    session.add(affiliation)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="add_affiliation", object_type="person",
        object_id=person.id, details={"affiliation_id": affiliation.id, "institution_id": institution.id,
                                      "role_category": values["role_category"]},
    )
    bump_data_version(session, workspace_id=workspace.id)
    return affiliation


def _check_affiliation_free(
    session: Session, *, person: Person, institution_id: int, values: Mapping[str, Any], except_id: int | None = None
) -> None:
    same_start = Affiliation.start.is_(None) if values["start"] is None else Affiliation.start == values["start"]
    for other in session.scalars(
        select(Affiliation).where(Affiliation.person_id == person.id, Affiliation.institution_id == institution_id,
                                  Affiliation.role_category == values["role_category"], same_start)
    ):
        if other.id != except_id and other.title.casefold() == values["title"].casefold():
            raise Conflict(f"person {person.id} already has this affiliation (id {other.id})")


def list_affiliations(
    session: Session, *, workspace: Workspace, person_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[Affiliation], int]:
    person = get_person(session, workspace=workspace, person_id=person_id)
    condition = Affiliation.person_id == person.id
    total = session.scalar(select(func.count()).select_from(Affiliation).where(condition)) or 0
    items = list(session.scalars(select(Affiliation).where(condition).order_by(Affiliation.id).limit(limit).offset(offset)))
    return items, total


def update_affiliation(
    session: Session,
    *,
    workspace: Workspace,
    person_id: int,
    affiliation_id: int,
    role_category: str = UNSET,
    title: str = UNSET,
    start: date | None = UNSET,
    end: date | None = UNSET,
    actor: str,
) -> Affiliation:
    """Change the fields given (typically ``end`` when a mandate ends)."""
    affiliation = get_affiliation(session, workspace=workspace, person_id=person_id, affiliation_id=affiliation_id)
    current = {"role_category": affiliation.role_category, "title": affiliation.title, "start": affiliation.start,
               "end": affiliation.end}
    given = {name: value for name, value in
             (("role_category", role_category), ("title", title), ("start", start), ("end", end)) if value is not UNSET}
    _institution, values = _plan_affiliation(
        session, workspace=workspace, institution_id=affiliation.institution_id, **{**current, **given}
    )
    changed = sorted(name for name in values if values[name] != current[name])
    if changed:
        _check_affiliation_free(session, person=affiliation.person, institution_id=affiliation.institution_id,
                                values=values, except_id=affiliation.id)
        for name in changed:
            setattr(affiliation, name, values[name])
        session.flush()
        audit.record(
            session, workspace_id=workspace.id, actor=actor, action="update_affiliation", object_type="person",
            object_id=affiliation.person_id, details={"affiliation_id": affiliation.id, "fields": changed},
        )
        bump_data_version(session, workspace_id=workspace.id)
    return affiliation


def remove_affiliation(
    session: Session, *, workspace: Workspace, person_id: int, affiliation_id: int, actor: str
) -> None:
    affiliation = get_affiliation(session, workspace=workspace, person_id=person_id, affiliation_id=affiliation_id)
    details = {"affiliation_id": affiliation.id, "institution_id": affiliation.institution_id}
    session.delete(affiliation)
    session.flush()
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="remove_affiliation", object_type="person",
        object_id=person_id, details=details,
    )
    bump_data_version(session, workspace_id=workspace.id)


# --- data-subject access -------------------------------------------------------------------

def export_person(session: Session, *, workspace: Workspace, person_id: int) -> dict[str, Any]:
    """Everything held about the person: fields, refs, affiliations (with institution names),
    every interaction they took part in (other participants by id only) and the audit entries
    about them. The shape is :class:`app.schemas.people.PersonExport`."""
    person = get_person(session, workspace=workspace, person_id=person_id)
    names = affiliation_institution_names(session, people=[person])
    participations = session.execute(
        select(Participation.interaction_id, Participation.role).where(Participation.person_id == person.id)
    ).all()
    role_by_interaction = dict(participations)
    interactions = list(
        session.scalars(
            select(Interaction).where(Interaction.id.in_(role_by_interaction), Interaction.workspace_id == workspace.id)
            .options(selectinload(Interaction.topics)).order_by(Interaction.occurred_at, Interaction.id)
        )
    ) if role_by_interaction else []
    others: dict[int, dict[str, list[int]]] = {i.id: {"people": [], "institutions": []} for i in interactions}
    if others:
        for interaction_id, other_person, other_institution in session.execute(
            select(Participation.interaction_id, Participation.person_id, Participation.institution_id)
            .where(Participation.interaction_id.in_(others)).order_by(Participation.id)
        ):
            if other_person is not None and other_person != person.id:
                others[interaction_id]["people"].append(other_person)
            elif other_institution is not None:
                others[interaction_id]["institutions"].append(other_institution)
    audit_entries = session.scalars(
        select(AuditEntry).where(AuditEntry.workspace_id == workspace.id, AuditEntry.object_type == "person",
                                 AuditEntry.object_id == person.id).order_by(AuditEntry.at, AuditEntry.id)
    )
    return {
        "exported_at": utcnow(),
        "workspace": workspace.slug,
        "person": {name: getattr(person, name) for name in
                   ("id", "full_name", "email", "notes", "is_public_figure", "created_at", "updated_at")},
        "refs": [{"source": r.source, "ref": r.ref} for r in sorted(person.refs, key=lambda r: (r.source, r.ref))],
        "affiliations": [
            {"id": a.id, "institution_id": a.institution_id, "institution_name": names.get(a.institution_id, ""),
             "role_category": a.role_category, "title": a.title, "start": a.start, "end": a.end, "source": a.source,
             "created_at": a.created_at, "updated_at": a.updated_at}
            for a in sorted(person.affiliations, key=lambda a: a.id)
        ],
        "interactions": [
            {"id": i.id, "occurred_at": i.occurred_at, "kind": i.kind, "formal": i.formal, "title": i.title,
             "summary": i.summary, "location": i.location, "topics": sorted(t.name for t in i.topics),
             "source": i.source, "external_id": i.external_id, "role": role_by_interaction.get(i.id),
             "other_participants": others[i.id]}
            for i in interactions
        ],
        "audit": [
            {"at": e.at, "actor": e.actor, "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "details": e.details}
            for e in audit_entries
        ],
    }


# --- erasure -------------------------------------------------------------------------------

# Text of a workspace that may mention a person: (model, its columns, its workspace scope).
# Sources, codes and enum values are not written about people; other people's names are theirs
# (a homonym keeps their name). Interaction external ids are the client's, and some clients
# build them from titles: they are scrubbed too (a replay of the original item then comes back
# as a new interaction — the client sent the name again).
def _free_text_columns(workspace: Workspace) -> list[tuple[type, list[InstrumentedAttribute[Any]], ColumnElement[bool]]]:
    people_of_workspace = select(Person.id).where(Person.workspace_id == workspace.id)
    return [
        (Interaction, [Interaction.title, Interaction.summary, Interaction.location, Interaction.external_id],
         Interaction.workspace_id == workspace.id),
        (Person, [Person.notes], Person.workspace_id == workspace.id),
        (Affiliation, [Affiliation.title], Affiliation.person_id.in_(people_of_workspace)),
        (Institution, [Institution.name], Institution.workspace_id == workspace.id),
        (ExpectedLiaison, [ExpectedLiaison.note], ExpectedLiaison.workspace_id == workspace.id),
    ]


def _scrub_column(
    session: Session, *, model: type, column: InstrumentedAttribute[Any], scope: ColumnElement[bool],
    probes: list[str], pattern: re.Pattern[str],
) -> int:
    """Scrub one column's matching rows; returns how many changed."""
    # A cheap SQL pre-filter (the longest word of the name, or the email, ignoring case and
    # accents); the regular expression then decides.
    candidates = session.execute(
        select(model.id, column).where(scope, or_(*(folded_contains(column, probe) for probe in probes)))
    ).all()
    column_type = column.expression.type
    length = column_type.length if isinstance(column_type, String) else None
    changed = 0
    for row_id, text in candidates:
        cleaned = pattern.sub(ERASED, text)
        if cleaned == text:
            continue
        if length is not None and len(cleaned) > length:
            cleaned = cleaned[:length]
        if column is Interaction.external_id:
            # Keep (workspace, source, external_id) unique when two ids scrub to the same text.
            source = session.scalar(select(Interaction.source).where(Interaction.id == row_id))
            taken = select(Interaction.id).where(scope, Interaction.source == source, Interaction.id != row_id)
            if session.scalar(taken.where(Interaction.external_id == cleaned)) is not None:
                suffix = f" #{row_id}"
                cleaned = cleaned[: length - len(suffix)] + suffix if length else cleaned + suffix
        session.execute(
            update(model).where(model.id == row_id).values({column.key: cleaned})
            .execution_options(synchronize_session="fetch")
        )
        changed += 1
    return changed


def _scrub_audit(session: Session, *, workspace: Workspace, pattern: re.Pattern[str]) -> int:
    """Audit details never name people; entries written before that rule are checked anyway."""
    changed, last_id = 0, 0
    while True:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.details)
            .where(AuditEntry.workspace_id == workspace.id, AuditEntry.details.is_not(None), AuditEntry.id > last_id)
            .order_by(AuditEntry.id).limit(1000)
        ).all()
        if not rows:
            return changed
        for entry_id, details in rows:
            cleaned = _scrub_value(details, pattern)
            if cleaned != details:
                session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(details=cleaned))
                changed += 1
        last_id = rows[-1][0]


_SEPARATOR = r"(?:\s*,\s*|[\s\-‐]+)"


def _letter_pattern(char: str) -> str:
    """A regex matching ``char`` or any character that folds the same way (é, è, ê, E… for e)."""
    target = fold_text(char)
    if not char.isalpha() and target == char and char != "'":
        return re.escape(char)
    singles = {c for c in _FOLDABLE if fold_text(c) == target} | {char, char.lower(), char.upper()}
    longer = set()
    if len(target) == 1:
        singles |= {target, target.upper()}
    else:
        longer.add(target)  # a ligature spelt out: œ ~ oe
    options = [f"[{''.join(re.escape(v) for v in sorted(singles))}]"] + [re.escape(v) for v in sorted(longer)]
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


# Every character that search folding changes (accented letters, ligatures, apostrophes).
_FOLDABLE = "".join(c for c in map(chr, range(0x20, 0x2020)) if fold_text(c) != c.lower())


def _name_regex(tokens: list[str]) -> str:
    return _SEPARATOR.join("".join(_letter_pattern(c) for c in token) for token in tokens)


def erasure_pattern(full_name: str, email: str | None) -> re.Pattern[str]:
    """What to scrub: the full name (any case or accents, spaces or hyphens between its words,
    also "SURNAME First") and the email, ignoring case.

    Names are matched anywhere, even glued to other characters, so that no trace is left; only a
    very short one-word name ("Li") must stand as a word of its own, or it would eat other words.
    """
    tokens = [t for t in re.split(r"[\s\-‐]+", full_name.strip()) if t]
    # Every rotation: "Jean Le Gall" is also "Le Gall Jean" and "Gall, Jean Le".
    names = [_name_regex(tokens[k:] + tokens[:k]) for k in range(len(tokens))]
    name_pattern = "|".join(names)
    if len(tokens) == 1 and len(fold_text(tokens[0])) < 5:
        name_pattern = rf"(?<!\w)(?:{name_pattern})(?!\w)"
    alternatives = [name_pattern] + ([re.escape(email)] if email else [])
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def _scrub_value(value: Any, pattern: re.Pattern[str]) -> Any:
    """``value`` with every match replaced; walks JSON documents."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_scrub_value(k, pattern): _scrub_value(v, pattern) for k, v in value.items()}
    return value


@dataclass
class ErasureReport:
    affiliations: int
    participations: int
    refs: int
    texts_scrubbed: int


def erase_person(session: Session, *, workspace: Workspace, person_id: int, actor: str) -> ErasureReport:
    """Erase a person (RGPD art. 17): the person, their affiliations, participations and refs,
    and their full name and email wherever the workspace's free text mentions them (replaced by
    ``[personne effacée]``). Cached analyses of the workspace, which hold names, are dropped.
    The audit entry left names no one: it counts what went.
    """
    person = get_person(session, workspace=workspace, person_id=person_id)
    pattern = erasure_pattern(person.full_name, person.email)
    probes = [max(re.split(r"[\s\-‐]+", person.full_name.strip()), key=len)]
    if person.email:
        probes.append(person.email)

    counts = {
        "participations": session.execute(delete(Participation).where(Participation.person_id == person.id)).rowcount,
        "affiliations": session.execute(delete(Affiliation).where(Affiliation.person_id == person.id)).rowcount,
        "refs": session.execute(delete(PersonRef).where(PersonRef.person_id == person.id)).rowcount,
    }
    session.execute(delete(Person).where(Person.id == person.id))

    enable_search(session)
    scrubbed = sum(
        _scrub_column(session, model=model, column=column, scope=scope, probes=probes, pattern=pattern)
        for model, columns, scope in _free_text_columns(workspace) for column in columns
    )
    scrubbed += _scrub_audit(session, workspace=workspace, pattern=pattern)
    # Cached analyses hold names (node labels): they go, and are recomputed on demand.
    session.execute(delete(AnalysisCache).where(AnalysisCache.workspace_id == workspace.id))

    report = ErasureReport(texts_scrubbed=scrubbed, **counts)
    audit.record(
        session, workspace_id=workspace.id, actor=actor, action="erase", object_type="person", object_id=person_id,
        details={"affiliations": report.affiliations, "participations": report.participations, "refs": report.refs,
                 "texts_scrubbed": report.texts_scrubbed},
    )
    bump_data_version(session, workspace_id=workspace.id)
    session.flush()
    return report
