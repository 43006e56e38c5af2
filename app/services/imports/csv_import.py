"""Import (and export) of spreadsheets: people, affiliations, institutions, interactions.

The columns are documented in ``docs/imports.md`` and shipped as templates
(``app/services/imports/templates/<type>.csv``). A file may use ``;``, ``,`` or tab, UTF-8 with
or without BOM (Excel's "CSV UTF-8") or Windows-1252 (Excel's "CSV (séparateur :
point-virgule)"). Headers are matched without regard to case or accents, and a few French
names are understood (``nom``, ``courriel``…); an unknown column is refused rather than
silently dropped.

All or nothing: every row is checked first, and a file with a bad row is refused whole with
the list of bad rows (line number, column, message) — unless ``skip_invalid``, in which case
the valid rows go in and the report lists the others. Importing the same file twice changes
nothing the second time; an empty cell leaves the stored value as it is.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.models import (
    Affiliation,
    Institution,
    Interaction,
    Participation,
    Person,
    PersonRef,
    Topic,
    Workspace,
    interaction_topics,
)
from app.models.base import utcnow
from app.models.enums import InstitutionKind, InteractionKind, RoleCategory
from app.schemas.interactions import InteractionIn
from app.services import audit
from app.services.imports.files import (
    Table,
    cell_getter,
    cells,
    chunks,
    describe_separator,
    header_key,
    normalize_person_name,
    parse_date,
    read_table,
)
from app.services.imports.ics import guess_kind
from app.services.imports.report import ImportReport, Progress, dry_run_scope
from app.services.ingest import BatchOutcome, guess_role_category, ingest_interactions
from app.services.institutions import (
    normalize_departement_code,
    normalize_insee_code,
    normalize_region_code,
    own_first,
    visible_institutions_filter,
)
from app.services.users import normalize_email
from app.services.workspaces import bump_data_version
from app.siren import normalize_siren

CSV_SOURCE = "csv"
TYPES = ("people", "affiliations", "institutions", "interactions")
CHUNK = 900
BATCH = 5_000
LOCAL_ZONE = ZoneInfo("Europe/Paris")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Columns per type: canonical name → accepted spellings (compared with header_key).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "full_name": ("full_name", "nom", "nom complet", "name", "acteur"),
        "email": ("email", "courriel", "mail", "e-mail", "adresse email"),
        "ref": ("ref", "identifiant", "id externe", "reference"),
        "is_public_figure": ("is_public_figure", "public", "personnalite publique", "elu"),
        "notes": ("notes", "note", "remarques", "commentaire"),
    },
    "affiliations": {
        "person_ref": ("person_ref", "ref personne", "ref"),
        "person_email": ("person_email", "email personne", "courriel", "email"),
        "person_name": ("person_name", "nom personne", "nom", "full_name"),
        "institution_siren": ("institution_siren", "siren"),
        "institution_insee_code": ("institution_insee_code", "code insee", "insee"),
        "institution_kind": ("institution_kind", "type institution", "kind"),
        "institution_name": ("institution_name", "institution", "structure"),
        "role_category": ("role_category", "categorie", "categorie de role"),
        "title": ("title", "fonction", "titre", "intitule"),
        "start": ("start", "debut", "date de debut"),
        "end": ("end", "fin", "date de fin"),
    },
    "institutions": {
        "name": ("name", "nom"),
        "kind": ("kind", "type"),
        "subtype": ("subtype", "sous type"),
        "siren": ("siren",),
        "insee_code": ("insee_code", "code insee", "insee"),
        "departement_code": ("departement_code", "code departement", "departement"),
        "region_code": ("region_code", "code region", "region"),
        "population": ("population",),
    },
    "interactions": {
        "external_id": ("external_id", "id", "identifiant"),
        "occurred_at": ("occurred_at", "date", "date et heure", "quand"),
        "kind": ("kind", "type"),
        "formal": ("formal", "formel"),
        "title": ("title", "titre", "objet"),
        "summary": ("summary", "resume", "compte rendu", "description"),
        "location": ("location", "lieu"),
        "topics": ("topics", "thematiques", "themes"),
        "organiser": ("organiser", "organizer", "organisateur", "organisatrice"),
        "participants": ("participants", "participant"),
        "source": ("source",),
    },
}
REQUIRED = {
    "people": ("full_name",),
    "affiliations": ("title",),
    "institutions": ("name", "kind"),
    "interactions": ("external_id", "occurred_at", "title", "participants"),
}

_KIND_NAMES = {header_key(k): v for k, v in {
    **{kind.value: kind.value for kind in InteractionKind},
    "réunion": "meeting", "rendez-vous": "meeting", "informel": "informal", "appel": "call",
    "téléphone": "call", "visio": "call", "courriel": "email", "mail": "email", "permanence": "office_hours",
    "événement": "event", "visite": "visit", "autre": "other",
}.items()}
_INSTITUTION_KINDS = {header_key(k): v for k, v in {
    **{kind.value: kind.value for kind in InstitutionKind},
    "état": "state_central", "service de l'état": "state_service", "région": "region",
    "département": "departement", "intercommunalité": "epci", "pays": "petr", "parc naturel régional": "pnr",
    "syndicat mixte": "syndicat", "autre": "other",
}.items()}
_ROLE_CATEGORIES = {header_key(k): v for k, v in {
    **{role.value: role.value for role in RoleCategory},
    "élu": "elected", "élue": "elected", "direction": "executive", "technique": "technical", "autre": "other",
}.items()}
_TRUE = {"1", "true", "yes", "oui", "vrai", "o", "y", "x"}
_FALSE = {"0", "false", "no", "non", "faux", "n"}


def template_text(name: str) -> str:
    """The template of ``name`` (people, affiliations, institutions, interactions): a header and
    an example row."""
    if name not in TYPES:
        raise NotFound(f"no template {name!r}: use one of {', '.join(TYPES)}")
    return resources.files("app.services.imports").joinpath("templates", f"{name}.csv").read_text(encoding="utf-8")


# --- reading ---------------------------------------------------------------------------------

@dataclass
class _Rows:
    """A file's rows as ``(line, {column: value})``, and the column positions found."""

    table: Table
    positions: dict[str, int]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _read(data: bytes, kind: str) -> _Rows:
    table = read_table(data)
    aliases = {header_key(s): name for name, spellings in COLUMNS[kind].items() for s in spellings}
    positions, unknown = cell_getter(table.header, aliases)
    expected = ", ".join(COLUMNS[kind])
    if unknown:
        raise Invalid(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)} "
                      f"in a {kind} file; the columns are: {expected}")
    missing = [name for name in REQUIRED[kind] if name not in positions]
    if missing:
        raise Invalid(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} in a {kind} file; "
                      f"the columns are: {expected}")
    return _Rows(table, positions, [(line, cells(record, positions)) for line, record in table.records])


class _RowErrors:
    """Collects a row's errors in the report; ``ok`` tells whether the row may go in."""

    def __init__(self, report: ImportReport, line: int) -> None:
        self.report, self.line, self.ok = report, line, True

    def __call__(self, field_name: str, message: str) -> None:
        self.report.error(self.line, field_name, message)
        self.ok = False

    def text(self, values: dict[str, str], name: str, limit: int, *, required: bool = False,
             multiline: bool = False) -> str | None:
        value = values.get(name, "")
        value = value.strip() if multiline else " ".join(value.split())
        if not value:
            if required:
                self(name, f"{name} is required")
            return None
        if _CONTROL.search(value):
            self(name, "control characters are not allowed")
            return None
        if len(value) > limit:
            self(name, f"at most {limit} characters")
            return None
        return value

    def date(self, values: dict[str, str], name: str) -> date | None:
        try:
            return parse_date(values.get(name, ""))
        except ValueError as error:
            self(name, str(error))
            return None

    def boolean(self, values: dict[str, str], name: str) -> bool | None:
        value = values.get(name, "").strip().casefold()
        if not value:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self(name, f"{values[name]!r} is not yes/no (oui/non, true/false, 1/0)")
        return None

    def choice(self, values: dict[str, str], name: str, choices: dict[str, str]) -> str | None:
        value = values.get(name, "").strip()
        if not value:
            return None
        found = choices.get(header_key(value))
        if found is None:
            self(name, f"unknown {name} {value!r}: use one of {', '.join(sorted(set(choices.values())))}")
        return found


def import_csv(
    session: Session,
    *,
    workspace: Workspace,
    data: bytes,
    kind: str,
    actor: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV file of ``kind`` (people, affiliations, institutions, interactions) into
    ``workspace``; all or nothing unless ``skip_invalid``; ``dry_run`` writes nothing."""
    if kind not in TYPES:
        raise Invalid(f"unknown import type {kind!r}: use one of {', '.join(TYPES)}")
    rows = _read(data, kind)
    report = ImportReport(kind=f"csv:{kind}", dry_run=dry_run, rows=len(rows.rows))
    report.info.update(type=kind, encoding=rows.table.encoding, separator=describe_separator(rows.table.separator))
    importer: Callable[..., None] = {
        "people": _import_people, "affiliations": _import_affiliations, "institutions": _import_institutions,
        "interactions": _import_interactions,
    }[kind]
    if progress:
        progress(f"checking {len(rows.rows):,} rows", 0, len(rows.rows))
    with dry_run_scope(session, dry_run):
        importer(session, workspace=workspace, rows=rows.rows, report=report, actor=actor,
                 skip_invalid=skip_invalid, progress=progress)
        if progress:
            progress("done", len(rows.rows), len(rows.rows))
        if report.changed:
            bump_data_version(session, workspace_id=workspace.id)
        audit.record(session, workspace_id=workspace.id, actor=actor, action="import", object_type="csv",
                     details={"type": kind, **report.summary()})
        session.flush()
    return report


def _first_seen(report: ImportReport, seen: dict[Any, int], key: Any, line: int, field_name: str, what: str) -> bool:
    """False (and an error) when ``key`` was already on an earlier line."""
    if key in seen:
        report.error(line, field_name, f"the same {what} as line {seen[key]}")
        return False
    seen[key] = line
    return True


# --- people ----------------------------------------------------------------------------------

@dataclass
class _PersonRow:
    line: int
    full_name: str
    email: str | None
    ref: str | None
    is_public_figure: bool | None
    notes: str | None


class _PeopleIndex:
    """The workspace's people by CSV ref, email and normalised name, loaded in a few queries."""

    def __init__(self, session: Session, workspace: Workspace, *, refs: set[str], emails: set[str],
                 load_names: bool) -> None:
        self.by_ref: dict[str, int] = {}
        for chunk in chunks(sorted(refs), CHUNK):
            self.by_ref.update(session.execute(
                select(PersonRef.ref, PersonRef.person_id).where(
                    PersonRef.workspace_id == workspace.id, PersonRef.source == CSV_SOURCE, PersonRef.ref.in_(chunk))
            ).all())
        self.by_email: dict[str, int] = {}
        for chunk in chunks(sorted(emails), CHUNK):
            self.by_email.update(session.execute(
                select(Person.email, Person.id).where(Person.workspace_id == workspace.id, Person.email.in_(chunk))
            ).all())
        self.by_name: dict[str, list[tuple[int, str | None]]] = {}
        if load_names:
            for person_id, full_name, email in session.execute(
                select(Person.id, Person.full_name, Person.email).where(Person.workspace_id == workspace.id)
            ):
                self.by_name.setdefault(normalize_person_name(full_name), []).append((person_id, email))

    def by_unique_name(self, name: str, email: str | None = None) -> int | None | bool:
        """The one person with this name (and no other email); None if none; False if several."""
        found = [pid for pid, other in self.by_name.get(normalize_person_name(name), [])
                 if email is None or other is None or other == email]
        if not found:
            return None
        return found[0] if len(found) == 1 else False


def _import_people(session: Session, *, workspace: Workspace, rows, report: ImportReport, actor: str,
                   skip_invalid: bool, progress: Progress | None) -> None:
    planned: list[_PersonRow] = []
    seen_refs: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for line, values in rows:
        check = _RowErrors(report, line)
        full_name = check.text(values, "full_name", 200, required=True)
        email = None
        if values.get("email", "").strip():
            try:
                email = normalize_email(values["email"])
            except Invalid as error:
                check("email", error.message)
        ref = check.text(values, "ref", 200)
        public = check.boolean(values, "is_public_figure")
        notes = check.text(values, "notes", 10_000, multiline=True)
        if ref is not None and not _first_seen(report, seen_refs, ref, line, "ref", "ref"):
            check.ok = False
        if email is not None and not _first_seen(report, seen_emails, email, line, "email", "email"):
            check.ok = False
        if full_name and ref is None and email is None and not _first_seen(
                report, seen_names, normalize_person_name(full_name), line, "full_name",
                "name (add an email or a ref to tell them apart)"):
            check.ok = False
        if check.ok:
            assert full_name is not None
            planned.append(_PersonRow(line, full_name, email, ref, public, notes))
    report.refuse_if_invalid(skip_invalid=skip_invalid)

    index = _PeopleIndex(session, workspace, refs={r.ref for r in planned if r.ref},
                         emails={r.email for r in planned if r.email},
                         load_names=True)
    current: dict[int, dict[str, Any]] = {}
    matched: list[tuple[_PersonRow, int | None]] = []
    for row in planned:
        person_id = index.by_ref.get(row.ref) if row.ref else None
        if person_id is None and row.email:
            person_id = index.by_email.get(row.email)
        if person_id is None:
            found = index.by_unique_name(row.full_name, row.email)
            if found is False:
                report.error(row.line, "full_name", "several people of the workspace have this name: "
                             "add their email or ref to tell which")
                continue
            person_id = found
        matched.append((row, person_id))
    report.refuse_if_invalid(skip_invalid=skip_invalid)

    ids = sorted({pid for _row, pid in matched if pid is not None})
    for chunk in chunks(ids, CHUNK):
        for row in session.execute(
            select(Person.id, Person.full_name, Person.email, Person.is_public_figure, Person.notes)
            .where(Person.id.in_(chunk))
        ).mappings():
            current[row["id"]] = dict(row)
    refs_of: dict[int, set[str]] = {}
    for chunk in chunks(ids, CHUNK):
        for person_id, ref in session.execute(
            select(PersonRef.person_id, PersonRef.ref).where(PersonRef.person_id.in_(chunk),
                                                             PersonRef.source == CSV_SOURCE)
        ):
            refs_of.setdefault(person_id, set()).add(ref)

    counts = report.count("people")
    now = utcnow()
    new_rows = [row for row, pid in matched if pid is None]
    updates: list[dict[str, Any]] = []
    new_refs: list[dict[str, Any]] = []
    claimed_emails = {row.email: row.line for row, pid in matched if row.email and pid is None}
    for row, person_id in matched:
        if person_id is None:
            continue
        person = current[person_id]
        changes: dict[str, Any] = {}
        if row.full_name != person["full_name"]:
            changes["full_name"] = row.full_name
        if row.email is not None and row.email != person["email"]:
            holder = index.by_email.get(row.email)
            if (holder is not None and holder != person_id) or row.email in claimed_emails:
                report.error(row.line, "email", "another person already has this email")
                continue
            changes["email"] = row.email
        if row.is_public_figure is not None and row.is_public_figure != person["is_public_figure"]:
            changes["is_public_figure"] = row.is_public_figure
        if row.notes is not None and row.notes != person["notes"]:
            changes["notes"] = row.notes
        ref_added = row.ref is not None and row.ref not in refs_of.get(person_id, set())
        if ref_added:
            new_refs.append({"workspace_id": workspace.id, "person_id": person_id, "source": CSV_SOURCE,
                             "ref": row.ref})
        if changes:
            updates.append({"id": person_id, "updated_at": now, **changes})
        if changes or ref_added:
            counts.updated += 1
        else:
            counts.unchanged += 1
    report.refuse_if_invalid(skip_invalid=skip_invalid)
    if new_rows:
        ids_created = session.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [{"workspace_id": workspace.id, "full_name": r.full_name, "email": r.email,
              "is_public_figure": bool(r.is_public_figure), "notes": r.notes, "created_at": now, "updated_at": now}
             for r in new_rows],
        ).all()
        new_refs.extend({"workspace_id": workspace.id, "person_id": pid, "source": CSV_SOURCE, "ref": r.ref}
                        for r, pid in zip(new_rows, ids_created, strict=True) if r.ref)
        counts.created = len(ids_created)
    if updates:
        session.execute(update(Person), updates)
    if new_refs:
        session.execute(insert(PersonRef), new_refs)


# --- affiliations ----------------------------------------------------------------------------

class _InstitutionIndex:
    """Visible institutions by SIREN, (kind, INSEE code) and (name, kind), for a file's rows."""

    def __init__(self, session: Session, workspace: Workspace, *, sirens: set[str], codes: set[str],
                 names: set[str]) -> None:
        visible = visible_institutions_filter(workspace)
        # The workspace's own come last and win over the referential's (see own_first).
        self.by_siren: dict[str, int] = {}
        for chunk in chunks(sorted(sirens), CHUNK):
            self.by_siren.update(session.execute(
                select(Institution.siren, Institution.id).where(visible, Institution.siren.in_(chunk))
                .order_by(own_first().desc())).all())
        self.by_code: dict[tuple[str, str], int] = {}
        for chunk in chunks(sorted(codes), CHUNK):
            for kind, code, institution_id in session.execute(
                select(Institution.kind, Institution.insee_code, Institution.id).where(
                    visible, Institution.insee_code.in_(chunk)).order_by(own_first().desc())
            ):
                self.by_code[(kind, code)] = institution_id
        self.by_name: dict[str, list[tuple[int, str, bool]]] = {}
        for chunk in chunks(sorted(names), CHUNK):
            for institution_id, name, kind, workspace_id in session.execute(
                select(Institution.id, Institution.name, Institution.kind, Institution.workspace_id).where(
                    visible, Institution.name.in_(chunk))
            ):
                self.by_name.setdefault(name, []).append((institution_id, kind, workspace_id is not None))

    def resolve(self, values: dict[str, str], check: _RowErrors) -> int | None:
        siren = values.get("institution_siren", "").strip()
        code = values.get("institution_insee_code", "").strip()
        name = " ".join(values.get("institution_name", "").split())
        kind = check.choice(values, "institution_kind", _INSTITUTION_KINDS)
        if siren:
            try:
                siren = normalize_siren(siren)
            except Invalid as error:
                check("institution_siren", error.message)
                return None
            found = self.by_siren.get(siren)
            if found is None:
                check("institution_siren", f"no institution with SIREN {siren}")
            return found
        if code:
            try:
                code = normalize_insee_code(code)
            except Invalid as error:
                check("institution_insee_code", error.message)
                return None
            kind = kind or (InstitutionKind.COMMUNE.value if len(code) == 5 else None)
            if kind is None:
                check("institution_kind", f"say which institution {code} is: institution_kind departement or region")
                return None
            found = self.by_code.get((kind, code))
            if found is None:
                check("institution_insee_code", f"no {kind} with INSEE code {code}")
            return found
        if name:
            candidates = [c for c in self.by_name.get(name, []) if kind is None or c[1] == kind]
            local = [c for c in candidates if c[2]]
            if len(local) == 1 or len(candidates) == 1:
                return (local or candidates)[0][0]
            if not candidates:
                check("institution_name", f"no institution named {name!r}" + (f" of kind {kind}" if kind else ""))
            else:
                check("institution_name", f"several institutions are named {name!r}: give its SIREN or INSEE code")
            return None
        check("institution_siren", "name the institution by institution_siren, institution_insee_code "
              "or institution_name")
        return None


def _person_reference(values: dict[str, str], check: _RowErrors, prefix: str = "person_") -> tuple[str, str] | None:
    """``("ref"|"email"|"name", value)`` naming an existing person, or None after an error."""
    ref = " ".join(values.get(f"{prefix}ref", "").split())
    email = values.get(f"{prefix}email", "").strip()
    name = " ".join(values.get(f"{prefix}name", "").split())
    if ref:
        return "ref", ref
    if email:
        try:
            return "email", normalize_email(email)
        except Invalid as error:
            check(f"{prefix}email", error.message)
            return None
    if name:
        return "name", name
    check(f"{prefix}ref", "name the person by person_ref, person_email or person_name")
    return None


def _resolve_person(index: _PeopleIndex, reference: tuple[str, str], check: _RowErrors,
                    field_prefix: str = "person_") -> int | None:
    kind, value = reference
    if kind == "ref":
        found = index.by_ref.get(value)
    elif kind == "email":
        found = index.by_email.get(value)
    else:
        unique = index.by_unique_name(value)
        if unique is False:
            check(f"{field_prefix}name", f"several people are named {value!r}: give their email or ref")
            return None
        found = unique
    if found is None:
        check(f"{field_prefix}{kind}", f"no person with {kind} {value!r} (import the people file first)")
    return found


def _import_affiliations(session: Session, *, workspace: Workspace, rows, report: ImportReport, actor: str,
                         skip_invalid: bool, progress: Progress | None) -> None:
    references: list[tuple[int, dict[str, str], tuple[str, str] | None]] = []
    for line, values in rows:
        check = _RowErrors(report, line)
        references.append((line, values, _person_reference(values, check)))
    index = _PeopleIndex(
        session, workspace, refs={r[1] for _l, _v, r in references if r and r[0] == "ref"},
        emails={r[1] for _l, _v, r in references if r and r[0] == "email"},
        load_names=any(r and r[0] == "name" for _l, _v, r in references),
    )
    institutions = _InstitutionIndex(
        session, workspace,
        sirens={"".join(v.get("institution_siren", "").split()) for _l, v, _r in references} - {""},
        codes={v.get("institution_insee_code", "").strip().upper() for _l, v, _r in references} - {""},
        names={" ".join(v.get("institution_name", "").split()) for _l, v, _r in references} - {""},
    )
    planned: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, values, reference in references:
        check = _RowErrors(report, line)
        person_id = _resolve_person(index, reference, check) if reference else None
        institution_id = institutions.resolve(values, check)
        title = check.text(values, "title", 200, required=True)
        role = check.choice(values, "role_category", _ROLE_CATEGORIES)
        role = role or (guess_role_category(title) if title else None)
        start, end = check.date(values, "start"), check.date(values, "end")
        if start and end and end < start:
            check("end", "end must not be before start")
        if not check.ok or reference is None:
            continue
        key = (person_id, institution_id, (title or "").casefold(), start)
        if not _first_seen(report, seen, key, line, "title", "person, institution, title and start"):
            continue
        planned.append({"line": line, "person_id": person_id, "institution_id": institution_id,
                        "role_category": role, "title": title, "start": start, "end": end})
    report.refuse_if_invalid(skip_invalid=skip_invalid)

    existing: dict[tuple, dict[str, Any]] = {}
    for chunk in chunks(sorted({p["person_id"] for p in planned}), CHUNK):
        for row in session.execute(
            select(Affiliation.id, Affiliation.person_id, Affiliation.institution_id, Affiliation.role_category,
                   Affiliation.title, Affiliation.start, Affiliation.end).where(Affiliation.person_id.in_(chunk))
            .order_by(Affiliation.id)
        ).mappings():
            key = (row["person_id"], row["institution_id"], row["title"].casefold(), row["start"])
            existing.setdefault(key, dict(row))
    counts = report.count("affiliations")
    now = utcnow()
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for plan in planned:
        del plan["line"]
        current = existing.get((plan["person_id"], plan["institution_id"], plan["title"].casefold(), plan["start"]))
        if current is None:
            to_insert.append({**plan, "source": CSV_SOURCE, "created_at": now, "updated_at": now})
            continue
        changes = {name: plan[name] for name in ("role_category", "title", "end")
                   if plan[name] != current[name] and not (name == "end" and plan[name] is None)}
        if changes:
            to_update.append({"id": current["id"], "updated_at": now, **changes})
        else:
            counts.unchanged += 1
    if to_insert:
        session.execute(insert(Affiliation), to_insert)
    if to_update:
        session.execute(update(Affiliation), to_update)
    counts.created, counts.updated = len(to_insert), len(to_update)


# --- institutions ----------------------------------------------------------------------------

def _import_institutions(session: Session, *, workspace: Workspace, rows, report: ImportReport, actor: str,
                         skip_invalid: bool, progress: Progress | None) -> None:
    planned: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, values in rows:
        check = _RowErrors(report, line)
        name = check.text(values, "name", 300, required=True)
        kind = check.choice(values, "kind", _INSTITUTION_KINDS)
        if kind is None and not values.get("kind", "").strip():
            check("kind", "kind is required")
        subtype = check.text(values, "subtype", 40)
        codes: dict[str, str | None] = {}
        for column, normalize in (("siren", normalize_siren), ("insee_code", normalize_insee_code),
                                  ("departement_code", normalize_departement_code),
                                  ("region_code", normalize_region_code)):
            raw = values.get(column, "").strip()
            codes[column] = None
            if raw:
                try:
                    codes[column] = normalize(raw)
                except Invalid as error:
                    check(column, error.message)
        population = None
        raw_population = values.get("population", "").replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if raw_population:
            if raw_population.isdigit() and int(raw_population) <= 2_147_483_647:
                population = int(raw_population)
            else:
                check("population", f"{values['population']!r} is not a whole number")
        if not check.ok:
            continue
        key = ("siren", codes["siren"]) if codes["siren"] else (
            ("code", kind, codes["insee_code"]) if codes["insee_code"] else ("name", kind, (name or "").casefold()))
        if not _first_seen(report, seen, key, line, "name", "institution"):
            continue
        planned.append({"line": line, "name": name, "kind": kind, "subtype": subtype, **codes,
                        "population": population})
    report.refuse_if_invalid(skip_invalid=skip_invalid)

    columns = ("id", "workspace_id", "name", "kind", "subtype", "siren", "insee_code", "departement_code",
               "region_code", "population")
    select_columns = [getattr(Institution, c) for c in columns]
    visible = visible_institutions_filter(workspace)
    # The workspace's own come last and win over the referential's (see own_first).
    by_siren: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted({p["siren"] for p in planned if p["siren"]}), CHUNK):
        for row in session.execute(select(*select_columns).where(visible, Institution.siren.in_(chunk))
                                   .order_by(own_first().desc())).mappings():
            by_siren[row["siren"]] = dict(row)
    by_code: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in chunks(sorted({p["insee_code"] for p in planned if p["insee_code"]}), CHUNK):
        for row in session.execute(select(*select_columns).where(visible, Institution.insee_code.in_(chunk))
                                   .order_by(own_first().desc())).mappings():
            by_code[(row["kind"], row["insee_code"])] = dict(row)
    by_name: dict[tuple[str, str], dict[str, Any]] = {}
    for row in session.execute(select(*select_columns).where(Institution.workspace_id == workspace.id)).mappings():
        by_name.setdefault((row["kind"], row["name"].casefold()), dict(row))

    counts = report.count("institutions")
    now = utcnow()
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for plan in planned:
        line = plan.pop("line")
        if plan["siren"]:
            current = by_siren.get(plan["siren"])
        elif plan["insee_code"]:
            current = by_code.get((plan["kind"], plan["insee_code"]))
        else:
            current = by_name.get((plan["kind"], plan["name"].casefold()))
        if current is None:
            to_insert.append({**plan, "workspace_id": workspace.id, "created_at": now, "updated_at": now})
            continue
        if current["workspace_id"] is None:
            report.skip(line, "in_referential",
                        f"{current['name']} is in the national referential (nothing to import)")
            counts.unchanged += 1
            continue
        changes = {name: value for name, value in plan.items() if value is not None and value != current[name]}
        if changes:
            to_update.append({"id": current["id"], "updated_at": now, **changes})
        else:
            counts.unchanged += 1
    report.refuse_if_invalid(skip_invalid=skip_invalid)
    if to_insert:
        session.execute(insert(Institution), to_insert)
    if to_update:
        session.execute(update(Institution), to_update)
    counts.created, counts.updated = len(to_insert), len(to_update)


# --- interactions ----------------------------------------------------------------------------

_PARTICIPANT = re.compile(r"^(?P<name>[^\[\]()]+?)\s*(?:\[(?P<siren>[\d\s]+)\])?\s*(?:\((?P<title>[^()]+)\))?$")
_items_adapter = TypeAdapter(list[InteractionIn])
_LOCAL_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:hH](\d{2})?(?::(\d{2}))?)?")
_LOCAL = re.compile(r"(\S+)(?:[ T]+(\d{1,2})[:hH](\d{2})?(?::(\d{2}))?)?")
_SPLITTERS: dict[str, re.Pattern[str]] = {}


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant, or a local date and time (``dd/mm/yyyy HH:MM``, ``yyyy-mm-dd HH:MM``,
    ``12h30``) read in Europe/Paris; a date alone is midnight there."""
    value = text.strip()
    match = _LOCAL_FR.fullmatch(value)
    if match:  # the common case of a French spreadsheet, without an exception on the way
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_ZONE)
    try:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=LOCAL_ZONE)
    except ValueError:
        pass
    match = _LOCAL.fullmatch(value)
    if not match:
        raise ValueError(f"{text!r} is not a date and time (e.g. 2026-10-06 12:30 or 06/10/2026 12:30)")
    day = parse_date(match.group(1))
    if day is None:
        raise ValueError("a date is required")
    hour, minute, second = (int(g) if g else 0 for g in match.groups()[1:])
    return datetime.combine(day, time(hour, minute, second), LOCAL_ZONE)


def _participant(entry: str, role: str, person_by_ref: dict[str, int]) -> dict[str, Any] | str:
    """A participant of ingest's shape, or an error message."""
    text = entry.strip()
    lower = text.casefold()
    if lower.startswith("ref:"):
        ref = text[4:].strip()
        person_id = person_by_ref.get(ref)
        return {"person_id": person_id, "role": role} if person_id else f"no person with ref {ref!r}"
    if lower.startswith("siren:"):
        return {"institution_siren": "".join(text[6:].split()), "role": role}
    if "@" in text and " " not in text:
        return {"email": text.lower(), "role": role}
    match = _PARTICIPANT.fullmatch(text)
    if not match:
        return f"cannot read participant {text!r} (email, ref:<ref>, siren:<SIREN> or Name [SIREN] (Title))"
    participant: dict[str, Any] = {"name": match["name"].strip(), "role": role}
    if match["siren"]:
        participant["institution_siren"] = "".join(match["siren"].split())
    if match["title"]:
        participant["title"] = " ".join(match["title"].split())
    return participant


def _split(value: str, separators: str) -> list[str]:
    if not value:
        return []
    pattern = _SPLITTERS.get(separators)
    if pattern is None:
        pattern = _SPLITTERS[separators] = re.compile(f"[{separators}]")
    return [part for part in (p.strip() for p in pattern.split(value)) if part]


def _import_interactions(session: Session, *, workspace: Workspace, rows, report: ImportReport, actor: str,
                         skip_invalid: bool, progress: Progress | None) -> None:
    refs = {entry.strip()[4:].strip()
            for _line, values in rows
            for column in ("organiser", "participants")
            for entry in _split(values.get(column, ""), "|\n")
            if entry.strip().casefold().startswith("ref:")}
    person_by_ref = _PeopleIndex(session, workspace, refs=refs, emails=set(), load_names=False).by_ref
    raw: list[dict[str, Any]] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows:
        check = _RowErrors(report, line)
        item: dict[str, Any] = {"external_id": values.get("external_id", "").strip(),
                                "title": " ".join(values.get("title", "").split())}
        try:
            item["occurred_at"] = parse_instant(values.get("occurred_at", ""))
        except ValueError as error:
            check("occurred_at", str(error))
        topics = _split(values.get("topics", ""), "|,")
        kind = check.choice(values, "kind", _KIND_NAMES)
        item["kind"] = kind or (guess_kind(item["title"], topics) if not values.get("kind", "").strip() else "other")
        formal = check.boolean(values, "formal")
        if formal is not None:
            item["formal"] = formal
        for column in ("summary", "location"):
            if values.get(column, "").strip():
                item[column] = values[column].strip()
        if values.get("source", "").strip():
            item["source"] = values["source"].strip()
        item["topics"] = topics
        participants: list[dict[str, Any]] = []
        for column, role in (("organiser", "organiser"), ("participants", "attendee")):
            for entry in _split(values.get(column, ""), "|\n"):
                parsed = _participant(entry, role, person_by_ref)
                if isinstance(parsed, str):
                    check(column, parsed)
                else:
                    participants.append(parsed)
        item["participants"] = participants
        key = (item.get("source", CSV_SOURCE), item["external_id"])
        if item["external_id"] and not _first_seen(report, seen, key, line, "external_id", "external_id"):
            continue
        if check.ok:
            raw.append(item)
            lines.append(line)
    items: list[InteractionIn] = []
    item_lines: list[int] = []
    try:
        items = _items_adapter.validate_python(raw)
        item_lines = lines
    except ValidationError as error:
        bad: set[int] = set()
        for entry in error.errors():
            location = entry.get("loc", ())
            index = location[0] if location and isinstance(location[0], int) else None
            if index is None:
                continue
            bad.add(index)
            field_name = ".".join(str(part) for part in location[1:2]) or "row"
            report.error(lines[index], field_name, entry.get("msg", "invalid value"))
        keep = [i for i in range(len(raw)) if i not in bad]
        items = _items_adapter.validate_python([raw[i] for i in keep])
        item_lines = [lines[i] for i in keep]
    # Ingestion checks what only the database can tell (unknown emails, refs, SIRENs); it runs in a
    # savepoint, undone when any row is bad, so that the report lists every bad row and nothing
    # is written.
    savepoint = session.begin_nested()
    total = BatchOutcome()
    start = 0
    while start < len(items):
        batch, batch_lines = items[start : start + BATCH], item_lines[start : start + BATCH]
        try:
            total.add(ingest_interactions(session, workspace=workspace, items=batch, default_source=CSV_SOURCE,
                                          actor=actor))
        except Invalid as error:
            bad_indexes = {detail["index"] for detail in error.details or []}
            if not bad_indexes:
                raise
            for detail in error.details or []:
                field_name = str(detail.get("field", "")).split(".")[0] or "row"
                report.error(batch_lines[detail["index"]], field_name, detail["message"])
            if not skip_invalid:
                start += BATCH
                continue
            # Leave the bad rows out and take the batch again.
            keep = [i for i in range(len(batch)) if i not in bad_indexes]
            items[start : start + BATCH] = [batch[i] for i in keep]
            item_lines[start : start + BATCH] = [batch_lines[i] for i in keep]
            continue
        start += BATCH
        if progress:
            progress("interactions", min(start, len(items)), len(items))
    if report.error_count and not skip_invalid:
        savepoint.rollback()
        report.refuse_if_invalid(skip_invalid=False)
    savepoint.commit()
    counts = report.count("interactions")
    counts.created, counts.updated, counts.unchanged = total.created, total.updated, total.unchanged


# --- export ----------------------------------------------------------------------------------

def _person_refs(session: Session, workspace: Workspace) -> dict[int, str]:
    """Each person's ref in an exported file: their CSV ref, else ``maillage-<id>``."""
    refs = {person_id: f"maillage-{person_id}"
            for person_id in session.scalars(select(Person.id).where(Person.workspace_id == workspace.id))}
    for person_id, ref in session.execute(
        select(PersonRef.person_id, PersonRef.ref).where(PersonRef.workspace_id == workspace.id,
                                                         PersonRef.source == CSV_SOURCE).order_by(PersonRef.id)
    ):
        if refs.get(person_id, "").startswith("maillage-"):
            refs[person_id] = ref
    return refs


def export_csv(session: Session, *, workspace: Workspace, kind: str) -> str:
    """The workspace's ``kind`` (people, affiliations, institutions, interactions) as a CSV file in
    the template's columns (``;``-separated), ready to import into another workspace."""
    if kind not in TYPES:
        raise NotFound(f"no export {kind!r}: use one of {', '.join(TYPES)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(COLUMNS[kind]))
    if kind == "people":
        refs = _person_refs(session, workspace)
        for person in session.execute(
            select(Person.id, Person.full_name, Person.email, Person.is_public_figure, Person.notes)
            .where(Person.workspace_id == workspace.id).order_by(Person.id)
        ):
            writer.writerow([person.full_name, person.email or "", refs[person.id],
                             "oui" if person.is_public_figure else "non", person.notes or ""])
    elif kind == "affiliations":
        refs = _person_refs(session, workspace)
        for row in session.execute(
            select(Affiliation.person_id, Affiliation.role_category, Affiliation.title, Affiliation.start,
                   Affiliation.end, Institution.siren, Institution.insee_code, Institution.kind, Institution.name)
            .join(Person, Person.id == Affiliation.person_id)
            .join(Institution, Institution.id == Affiliation.institution_id)
            .where(Person.workspace_id == workspace.id).order_by(Affiliation.id)
        ):
            code = row.insee_code if not row.siren else ""
            writer.writerow([refs[row.person_id], "", "", row.siren or "", code or "",
                             row.kind if code else "", row.name if not (row.siren or code) else "",
                             row.role_category, row.title, _iso(row.start), _iso(row.end)])
    elif kind == "institutions":
        for row in session.execute(
            select(Institution).where(Institution.workspace_id == workspace.id).order_by(Institution.id)
        ).scalars():
            writer.writerow([row.name, row.kind, row.subtype or "", row.siren or "", row.insee_code or "",
                             row.departement_code or "", row.region_code or "",
                             "" if row.population is None else row.population])
    else:
        _export_interactions(session, workspace, writer)
    return buffer.getvalue()


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _export_interactions(session: Session, workspace: Workspace, writer) -> None:
    refs = _person_refs(session, workspace)
    participants: dict[int, list[tuple[str, str]]] = {}
    for interaction_id, person_id, institution_siren, role in session.execute(
        select(Participation.interaction_id, Participation.person_id, Institution.siren, Participation.role)
        .join(Interaction, Interaction.id == Participation.interaction_id)
        .outerjoin(Institution, Institution.id == Participation.institution_id)
        .where(Interaction.workspace_id == workspace.id).order_by(Participation.id)
    ):
        if person_id is not None:
            entry = f"ref:{refs[person_id]}"
        elif institution_siren:
            entry = f"siren:{institution_siren}"
        else:
            continue
        participants.setdefault(interaction_id, []).append((entry, role or "attendee"))
    topics: dict[int, list[str]] = {}
    for interaction_id, name in session.execute(
        select(interaction_topics.c.interaction_id, Topic.name)
        .join(Topic, Topic.id == interaction_topics.c.topic_id)
        .where(Topic.workspace_id == workspace.id).order_by(Topic.name)
    ):
        topics.setdefault(interaction_id, []).append(name)
    for row in session.execute(
        select(Interaction).where(Interaction.workspace_id == workspace.id).order_by(Interaction.occurred_at,
                                                                                   Interaction.id)
    ).scalars():
        people = participants.get(row.id, [])
        writer.writerow([
            row.external_id, row.occurred_at.astimezone(UTC).isoformat(), row.kind, "oui" if row.formal else "non",
            row.title, row.summary or "", row.location or "", "|".join(topics.get(row.id, [])),
            "|".join(e for e, role in people if role == "organiser"),
            "|".join(e for e, role in people if role != "organiser"), row.source,
        ])
