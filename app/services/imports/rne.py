"""Import of the Répertoire national des élus (RNE, Ministère de l'Intérieur).

The RNE publishes one file per mandate: maires, conseillers municipaux, conseillers
communautaires (by EPCI SIREN), conseillers départementaux, conseillers régionaux (and
conseillers d'arrondissement). Its format moves between releases — separator ``;``, ``,`` or
tab; UTF-8 or latin-1; dates dd/mm/yyyy, d/m/yyyy or ISO; département codes without their
leading zero; header spellings that change (``rne_headers_by_generation.json`` in the shared
data lists them) — so every one of these is detected rather than configured.

The RNE has no identifier for a person. The same élu is recognised across files and releases
by an HMAC-SHA256, keyed with the instance secret (:func:`app.services.instance.secret_key`), of
their normalised last name, first name and birth date; that hash is kept as a ``PersonRef``
(source ``rne``). The birth date itself is never stored (data minimisation).

Only rows about the workspace's territory are imported (its body, member EPCIs, their communes,
départements and régions) unless ``include_all``. Rows that match no institution of the
referential, or fall outside the territory, are reported with their line numbers. Importing the
same file twice changes nothing the second time.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import Affiliation, Institution, Person, PersonRef, Workspace
from app.models.base import utcnow
from app.models.enums import InstitutionKind, RoleCategory
from app.services import audit
from app.services.imports.files import (
    cell_getter,
    cells,
    chunks,
    describe_separator,
    header_key,
    normalize_person_name,
    parse_date,
    read_table,
)
from app.services.imports.report import ImportReport, Progress, dry_run_scope
from app.services.instance import secret_key
from app.services.territory import territory_institution_ids
from app.services.workspaces import bump_data_version

RNE_SOURCE = "rne"
CHUNK = 900

# Every header spelling seen since 2019 (see the module docstring), by canonical field.
_HEADERS: dict[str, tuple[str, ...]] = {
    "departement_code": ("Code du département", "Code du département (Maire)", "code_departement",
                         "Code département"),
    "region_code": ("Code de la région", "code_region", "Code région"),
    "csp_code": ("Code de la collectivité à statut particulier", "code_collectivite_statut_particulier"),
    "canton_code": ("Code du canton", "code_canton"),
    "commune_code": ("Code de la commune", "Code Insee de la commune", "code_commune", "Code commune",
                     "Code INSEE commune"),
    "commune_name": ("Libellé de la commune", "libelle_commune"),
    "epci_siren": ("N° SIREN", "SIREN", "Numéro SIREN", "siren_epci", "N° SIREN de l'EPCI", "code_siren"),
    "epci_name": ("Libellé de l'EPCI", "libelle_epci"),
    "sector": ("Libellé du secteur", "libelle_secteur"),
    "last_name": ("Nom de l'élu", "Nom de l’élu", "nom_elu", "Nom"),
    "first_name": ("Prénom de l'élu", "Prénom de l’élu", "prenom_elu", "Prénom"),
    "sex": ("Code sexe", "sexe_elu", "Sexe", "code_sexe"),
    "birth_date": ("Date de naissance", "date_naissance_elu", "date_naissance"),
    "mandate_start": ("Date de début du mandat", "date_debut_mandat"),
    "function": ("Libellé de la fonction", "Libellé de fonction", "libelle_fonction"),
    "function_start": ("Date de début de la fonction", "date_debut_fonction"),
    "function_end": ("Date de fin de la fonction", "date_fin_fonction"),
    # Columns that identify files Maillage does not import (députés, membres d'assemblée).
    "legislative": ("Code de la circonscription législative",),
    "assembly": ("Code de la circonscription métropolitaine",
                 "Code de la section - collectivité à statut particulier"),
}
ALIASES = {header_key(spelling): name for name, spellings in _HEADERS.items() for spelling in spellings}


@dataclass(frozen=True)
class RneFile:
    """One kind of RNE file: where its élus sit and the title of a member without a function."""

    name: str
    label: str
    institution_kind: str
    title_m: str
    title_f: str


FILES = {
    "maires": RneFile("maires", "maires", InstitutionKind.COMMUNE.value, "Maire", "Maire"),
    "municipal": RneFile("municipal", "conseillers municipaux", InstitutionKind.COMMUNE.value,
                         "Conseiller municipal", "Conseillère municipale"),
    "arrondissement": RneFile("arrondissement", "conseillers d'arrondissement", InstitutionKind.COMMUNE.value,
                              "Conseiller d'arrondissement", "Conseillère d'arrondissement"),
    "epci": RneFile("epci", "conseillers communautaires", InstitutionKind.EPCI.value,
                    "Conseiller communautaire", "Conseillère communautaire"),
    "departemental": RneFile("departemental", "conseillers départementaux", InstitutionKind.DEPARTEMENT.value,
                             "Conseiller départemental", "Conseillère départementale"),
    "regional": RneFile("regional", "conseillers régionaux", InstitutionKind.REGION.value,
                        "Conseiller régional", "Conseillère régionale"),
}
SUPPORTED = "maires, conseillers municipaux, communautaires (EPCI), départementaux or régionaux"

# Overseas départements as some RNE releases code them.
_OVERSEAS = {"ZA": "971", "ZB": "972", "ZC": "973", "ZD": "974", "ZM": "976", "ZS": "975", "ZX": "977",
             "ZW": "986", "ZP": "987", "ZN": "988"}
_FEMALE = {"f", "feminin", "femme", "2"}
_MALE = {"m", "masculin", "homme", "h", "1"}


def _looks_like_header(cells_: list[str]) -> bool:
    keys = {ALIASES.get(header_key(cell)) for cell in cells_}
    return "last_name" in keys and "first_name" in keys


def detect_file(fields: set[str]) -> RneFile:
    """Which RNE file a header describes, from the columns it has."""
    if "legislative" in fields:
        raise Invalid(f"this is the RNE file of députés; Maillage imports the files of {SUPPORTED}")
    if "assembly" in fields:
        raise Invalid(f"this is the RNE file of members of an assembly; Maillage imports the files of {SUPPORTED}")
    if "epci_siren" in fields:
        return FILES["epci"]
    if "commune_code" in fields:
        if "sector" in fields:
            return FILES["arrondissement"]
        return FILES["municipal"] if "function" in fields else FILES["maires"]
    if "canton_code" in fields:
        return FILES["departemental"]
    if "region_code" in fields:
        return FILES["regional"]
    if "departement_code" in fields:
        raise Invalid(f"this looks like the RNE file of sénateurs; Maillage imports the files of {SUPPORTED}")
    raise Invalid(f"not an RNE file Maillage knows: expected the columns of the files of {SUPPORTED}")


def departement_code(value: str) -> str:
    """A département code as the referential has it: ``1`` → ``01``, ``ZA`` → ``971``, ``2a`` → ``2A``."""
    code = value.strip().upper()
    code = _OVERSEAS.get(code, code)
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def region_code(value: str) -> str:
    code = value.strip()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def commune_code(value: str, departement: str) -> str:
    """A commune's INSEE code, rebuilt when a file splits it (département + 3 digits, 2019) or
    drops its leading zero."""
    code = value.strip().upper()
    if code.isdigit() and len(code) <= 3 and departement:
        return departement[:2] + code.zfill(3)
    if code.isdigit() and len(code) == 4:
        return code.zfill(5)
    return code


def identity_hash(key: bytes, last_name: str, first_name: str, birth_date: date) -> str:
    """The keyed hash that recognises an élu across RNE files without keeping the birth date."""
    message = f"{normalize_person_name(last_name)}|{normalize_person_name(first_name)}|{birth_date.isoformat()}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass
class _Coverage:
    """What a file speaks for: the areas it has rows in, and institutions with a row that could
    not be read (their élus' absence proves nothing). ``unplaced``: a row without the code of its
    institution, which could be anywhere."""

    areas: set[str] = field(default_factory=set)
    unreadable: set[int] = field(default_factory=set)
    unplaced: bool = False


@dataclass
class _Row:
    line: int
    ref: str
    institution_id: int
    full_name: str
    title: str
    start: date | None
    end: date | None


def import_rne(
    session: Session,
    *,
    workspace: Workspace,
    data: bytes,
    actor: str,
    include_all: bool = False,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one RNE file into ``workspace``: create or update élus (public figures) and their
    mandates (affiliations with role category ``elected``).

    Raises :class:`Invalid` for a file it cannot read, or with every bad row (``details``:
    ``{"line", "field", "message"}``) unless ``skip_invalid``. ``dry_run`` computes the same
    report and writes nothing.
    """
    table = read_table(data, find_header=_looks_like_header,
                       no_header="not an RNE file: no line of column names with the élu's name "
                       "(Nom de l'élu, Prénom de l'élu) in its first lines", lazy=True)
    positions, _unknown = cell_getter(table.header, ALIASES)
    rne_file = detect_file(set(positions))
    report = ImportReport(kind="rne", dry_run=dry_run)
    report.info.update(file=rne_file.name, label=rne_file.label, encoding=table.encoding,
                       separator=describe_separator(table.separator), include_all=include_all)
    if not {"last_name", "first_name", "birth_date"} <= set(positions):
        raise Invalid("the file has no column for the élu's last name, first name or birth date")

    territory = None if include_all else territory_institution_ids(session, workspace=workspace)
    if territory is not None and workspace.body_id is None:
        raise Invalid(f"workspace {workspace.slug!r} has no territory: create it with `maillage territory create`, "
                      "or import every row with --all")
    institutions = _institution_index(session, rne_file.institution_kind)
    key = secret_key(session).encode()
    coverage = _Coverage()
    rows = _read_rows(table, positions, rne_file, institutions, territory, key, report, progress, coverage)
    report.refuse_if_invalid(skip_invalid=skip_invalid)

    with dry_run_scope(session, dry_run):
        person_by_ref = _write(session, workspace, rows, report, progress)
        listed = {(person_by_ref[row.ref], row.institution_id) for row in rows}
        _end_vanished_mandates(session, workspace, rne_file, listed, coverage, territory, report)
        if report.changed:
            bump_data_version(session, workspace_id=workspace.id)
        audit.record(session, workspace_id=workspace.id, actor=actor, action="import", object_type="rne",
                     details={"file": report.info["file"], **report.summary()})
        session.flush()
    return report


def _institution_index(session: Session, kind: str) -> dict[str, tuple[int, str, str]]:
    """``{code or SIREN: (id, name, area)}`` for the referential's institutions of ``kind``
    (the area: see :func:`_area`)."""
    column = Institution.siren if kind == InstitutionKind.EPCI.value else Institution.insee_code
    return {
        code: (institution_id, name, _area(kind, institution_id, departement, region))
        for institution_id, code, name, departement, region in session.execute(
            select(Institution.id, column, Institution.name, Institution.departement_code,
                   Institution.region_code).where(Institution.workspace_id.is_(None), Institution.kind == kind)
        )
        if code
    }


def _area(kind: str, institution_id: int, departement: str | None, region: str | None) -> str:
    """The part of France an RNE file must cover for the absence of an institution's élu to mean
    their mandate ended: the région for regional councils, else the département (an EPCI over
    several départements stands for itself). RNE extracts often hold a few départements only."""
    if kind == InstitutionKind.REGION.value:
        return f"region:{region}"
    return f"departement:{departement}" if departement else f"institution:{institution_id}"


def _read_rows(table, positions, rne_file: RneFile, institutions, territory, key: bytes, report: ImportReport,
               progress: Progress | None, coverage: _Coverage) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[tuple[str, int], int] = {}
    total = table.estimated_rows
    kind = rne_file.institution_kind
    for count, (line, record) in enumerate(table.records, start=1):
        if progress and count % 5_000 == 0:
            progress("reading", count, max(total, count))
        report.rows += 1
        values = cells(record, positions)
        located = _locate(values, kind, line, report)
        if located is None:
            coverage.unplaced = True
            continue
        code, what = located
        found = institutions.get(code)
        if found is None:
            report.skip(line, "unknown_institution", f"unknown {what} {code}")
            continue
        institution_id, institution_name, area = found
        coverage.areas.add(area)
        if territory is not None and institution_id not in territory:
            report.skip(line, "outside_territory", f"{institution_name} is outside the workspace's territory")
            continue
        row = _parse_person(values, rne_file, institution_id, line, report, key)
        if row is None:
            coverage.unreadable.add(institution_id)
            continue
        previous = seen.get((row.ref, institution_id))
        if previous is not None:
            report.skip(line, "duplicate", f"the same élu and institution as line {previous}")
            continue
        seen[(row.ref, institution_id)] = line
        rows.append(row)
    if progress:
        progress("reading", report.rows, report.rows)
    return rows


def _locate(values: dict[str, str], kind: str, line: int, report: ImportReport) -> tuple[str, str] | None:
    """The row's institution code and what it is, or None after recording an error."""
    # Martinique, Guyane, Corse…: a collectivité à statut particulier may stand in for the département.
    departement = departement_code(values.get("departement_code", "") or values.get("csp_code", ""))
    if kind == InstitutionKind.COMMUNE.value:
        raw = values.get("commune_code", "")
        if not raw:
            report.error(line, "commune_code", "no commune code")
            return None
        return commune_code(raw, departement), "commune INSEE code"
    if kind == InstitutionKind.EPCI.value:
        siren = "".join(values.get("epci_siren", "").split())
        if not siren:
            report.error(line, "epci_siren", "no EPCI SIREN")
            return None
        return siren, "EPCI SIREN"
    if kind == InstitutionKind.DEPARTEMENT.value:
        if not departement:
            report.error(line, "departement_code", "no département code")
            return None
        return departement, "département"
    code = region_code(values.get("region_code", ""))
    if not code:
        report.error(line, "region_code", "no région code")
        return None
    return code, "région"


def _parse_person(values: dict[str, str], rne_file: RneFile, institution_id: int, line: int,
                  report: ImportReport, key: bytes) -> _Row | None:
    ok = True
    last_name = " ".join(values.get("last_name", "").split())
    first_name = " ".join(values.get("first_name", "").split())
    if not last_name:
        report.error(line, "last_name", "no last name")
        ok = False
    if not first_name:
        report.error(line, "first_name", "no first name")
        ok = False
    dates: dict[str, date | None] = {}
    for name in ("birth_date", "mandate_start", "function_start", "function_end"):
        try:
            dates[name] = parse_date(values.get(name, ""))
        except ValueError as error:
            report.error(line, name, str(error))
            ok = False
    if ok and dates["birth_date"] is None:
        report.error(line, "birth_date", "no birth date (needed to recognise the élu across files)")
        ok = False
    full_name = f"{first_name} {last_name}"
    if len(full_name) > 200:
        report.error(line, "last_name", "the name is longer than 200 characters")
        ok = False
    if not ok:
        return None
    function = " ".join(values.get("function", "").split())
    if rne_file.name == "maires":
        function = function or "Maire"
    # A function (maire, adjoint, président…) starts on its own date; a plain mandate with the mandate.
    start = (dates["function_start"] if function else None) or dates["mandate_start"]
    if not function:
        sex = header_key(values.get("sex", ""))
        function = rne_file.title_f if sex in _FEMALE else rne_file.title_m
    end = dates["function_end"]
    if start is not None and end is not None and end < start:
        report.error(line, "function_end", "the function ends before it starts")
        return None
    assert dates["birth_date"] is not None
    return _Row(line=line, ref=identity_hash(key, last_name, first_name, dates["birth_date"]),
                institution_id=institution_id, full_name=full_name, title=function[:200], start=start, end=end)


def _write(session: Session, workspace: Workspace, rows: list[_Row], report: ImportReport,
           progress: Progress | None) -> dict[str, int]:
    """Create or update the élus and mandates of ``rows``; returns the person id of each RNE identity."""
    people = report.count("people")
    affiliations = report.count("affiliations")
    if progress:
        progress("writing", 0, 3)
    # 1. Who is already known: by RNE identity hash, else by name at the same institution.
    refs = sorted({row.ref for row in rows})
    person_by_ref: dict[str, int] = {}
    for chunk in chunks(refs, CHUNK):
        person_by_ref.update(
            session.execute(
                select(PersonRef.ref, PersonRef.person_id).where(
                    PersonRef.workspace_id == workspace.id, PersonRef.source == RNE_SOURCE, PersonRef.ref.in_(chunk)
                )
            ).all()
        )
    linked = _link_by_name(session, workspace, [row for row in rows if row.ref not in person_by_ref])
    person_by_ref.update(linked)

    # 2. New people, and the RNE identity of people linked by name.
    first_row: dict[str, _Row] = {}
    for row in rows:
        first_row.setdefault(row.ref, row)
    new_refs = [ref for ref in first_row if ref not in person_by_ref]
    now = utcnow()
    if new_refs:
        ids = session.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [{"workspace_id": workspace.id, "full_name": first_row[ref].full_name, "is_public_figure": True,
              "created_at": now, "updated_at": now} for ref in new_refs],
        ).all()
        person_by_ref.update(zip(new_refs, ids, strict=True))
    new_ref_rows = [{"workspace_id": workspace.id, "person_id": person_by_ref[ref], "source": RNE_SOURCE, "ref": ref}
                    for ref in [*new_refs, *linked]]
    if new_ref_rows:
        session.execute(insert(PersonRef), new_ref_rows)
    people.created = len(new_refs)
    if progress:
        progress("writing", 1, 3)

    # 3. Known people become public figures (their mandates are public).
    new_set = set(new_refs)
    known_ids = sorted({person_by_ref[ref] for ref in first_row if ref not in new_set})
    not_public: set[int] = set()
    for chunk in chunks(known_ids, CHUNK):
        not_public.update(session.scalars(
            select(Person.id).where(Person.id.in_(chunk), Person.is_public_figure.is_(False))
        ))
    if not_public:
        session.execute(update(Person), [{"id": pid, "is_public_figure": True, "updated_at": now}
                                         for pid in sorted(not_public)])
    linked_ids = {person_by_ref[ref] for ref in linked}
    people.updated = len(not_public | linked_ids)
    people.unchanged = len(known_ids) - people.updated

    # 4. Mandates: one RNE affiliation per person and institution, updated in place.
    existing = _existing_affiliations(session, known_ids)
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for row in rows:
        person_id = person_by_ref[row.ref]
        wanted = {"role_category": RoleCategory.ELECTED.value, "title": row.title, "start": row.start, "end": row.end}
        current = existing.get((person_id, row.institution_id, RNE_SOURCE))
        adopted = False
        if current is None:
            # An affiliation entered by hand (CSV, API) for the same mandate becomes the RNE's.
            current = existing.get((person_id, row.institution_id, row.title.casefold()))
            adopted = current is not None
        if current is None:
            to_insert.append({"person_id": person_id, "institution_id": row.institution_id, "source": RNE_SOURCE,
                              "created_at": now, "updated_at": now, **wanted})
        elif adopted or any(current[name] != value for name, value in wanted.items()):
            to_update.append({"id": current["id"], "source": RNE_SOURCE, "updated_at": now, **wanted})
        else:
            affiliations.unchanged += 1
    if to_insert:
        session.execute(insert(Affiliation), to_insert)
    if to_update:
        session.execute(update(Affiliation), to_update)
    affiliations.created = len(to_insert)
    affiliations.updated = len(to_update)
    if progress:
        progress("writing", 3, 3)
    return person_by_ref


def _end_vanished_mandates(session: Session, workspace: Workspace, rne_file: RneFile,
                           listed: set[tuple[int, int]], coverage: _Coverage, territory: set[int] | None,
                           report: ImportReport) -> None:
    """Close the open RNE mandates this file should list and does not: the élu left office.

    Each RNE file is the complete list of current mandates of its kind, so a mandate from an
    earlier release that is missing now has ended (after an election, a resignation, a death).
    Only mandates the file speaks for are closed: of its institution kind, in the areas it has
    rows in, inside the workspace's territory (unless importing everything), and of its own
    titles where files share an institution kind (the maires file lists maires only, the
    arrondissement file conseillers d'arrondissement). They end on the day of the import; an
    élu listed again later has the mandate reopened by that import. ``listed``: the file's
    (person, institution) pairs. A row left out without its institution's code could be about any
    institution: then nothing is closed, and the report says so.
    """
    if coverage.unplaced:
        report.info["mandates_left_open"] = ("rows without their institution's code were left out: no mandate "
                                             "is closed by this import")
        return
    open_mandates = (
        select(Affiliation.id, Affiliation.person_id, Affiliation.institution_id, Affiliation.title,
               Affiliation.start, Institution.departement_code, Institution.region_code)
        .join(Institution, Institution.id == Affiliation.institution_id)
        .join(Person, Person.id == Affiliation.person_id)
        .where(Person.workspace_id == workspace.id, Affiliation.source == RNE_SOURCE, Affiliation.end.is_(None),
               Institution.kind == rne_file.institution_kind, Institution.workspace_id.is_(None))
    )
    now = utcnow()
    today = now.date()
    ended: list[dict[str, Any]] = []
    for row in session.execute(open_mandates):
        if ((row.person_id, row.institution_id) in listed or row.institution_id in coverage.unreadable
                or (territory is not None and row.institution_id not in territory)
                or _area(rne_file.institution_kind, row.institution_id, row.departement_code,
                         row.region_code) not in coverage.areas
                or not _lists_title(rne_file, row.title)):
            continue
        ended.append({"id": row.id, "end": max(today, row.start) if row.start else today, "updated_at": now})
    if ended:
        session.execute(update(Affiliation), ended)
    report.count("affiliations").ended = len(ended)


def _lists_title(rne_file: RneFile, title: str) -> bool:
    """Whether ``rne_file`` lists mandates with this title (files that share an institution kind
    split it by title: maires, conseillers d'arrondissement, the rest of the municipal council)."""
    folded = normalize_person_name(title)
    if rne_file.name == "maires":
        return folded == "maire"
    in_arrondissement = "arrondissement" in folded
    return in_arrondissement if rne_file.name == "arrondissement" else not in_arrondissement


def _link_by_name(session: Session, workspace: Workspace, rows: list[_Row]) -> dict[str, int]:
    """RNE identities of people already in the workspace (entered by hand, without an RNE
    identity) with the same name and an affiliation to the same institution; only unambiguous
    matches are linked."""
    if not rows:
        return {}
    institution_ids = sorted({row.institution_id for row in rows})
    with_rne = select(PersonRef.person_id).where(PersonRef.workspace_id == workspace.id,
                                                 PersonRef.source == RNE_SOURCE)
    candidates: dict[tuple[str, int], set[int]] = {}
    for chunk in chunks(institution_ids, CHUNK):
        for person_id, full_name, institution_id in session.execute(
            select(Person.id, Person.full_name, Affiliation.institution_id)
            .join(Affiliation, Affiliation.person_id == Person.id)
            .where(Person.workspace_id == workspace.id, Affiliation.institution_id.in_(chunk),
                   Person.id.not_in(with_rne))
        ):
            candidates.setdefault((normalize_person_name(full_name), institution_id), set()).add(person_id)
    if not candidates:
        return {}
    matches: dict[str, set[int]] = {}
    for row in rows:
        found = candidates.get((normalize_person_name(row.full_name), row.institution_id))
        if found is not None:
            matches.setdefault(row.ref, set()).update(found)
    linked: dict[str, int] = {}
    claimed: dict[int, int] = {}
    for ref, people in matches.items():
        if len(people) == 1:
            person_id = next(iter(people))
            claimed[person_id] = claimed.get(person_id, 0) + 1
            linked[ref] = person_id
    return {ref: person_id for ref, person_id in linked.items() if claimed[person_id] == 1}


def _existing_affiliations(session: Session, person_ids: list[int]) -> dict[tuple[int, int, str], dict[str, Any]]:
    """The affiliations of ``person_ids``: RNE ones by (person, institution, "rne"), others by
    (person, institution, title folded) — the latter can be adopted by the RNE."""
    found: dict[tuple[int, int, str], dict[str, Any]] = {}
    for chunk in chunks(person_ids, CHUNK):
        for row in session.execute(
            select(Affiliation.id, Affiliation.person_id, Affiliation.institution_id, Affiliation.role_category,
                   Affiliation.title, Affiliation.start, Affiliation.end, Affiliation.source)
            .where(Affiliation.person_id.in_(chunk)).order_by(Affiliation.id)
        ).mappings():
            if row["source"] == RNE_SOURCE:
                found.setdefault((row["person_id"], row["institution_id"], RNE_SOURCE), dict(row))
            elif row["role_category"] == RoleCategory.ELECTED.value:
                found.setdefault((row["person_id"], row["institution_id"], row["title"].casefold()), dict(row))
    return found
