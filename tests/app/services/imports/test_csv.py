"""CSV import: the templates, Excel's quirks, bad rows refused whole, dry runs, a round trip."""

from datetime import UTC

import pytest
from sqlalchemy import select

from app.errors import Invalid, NotFound
from app.models import Affiliation, AuditEntry, Institution, Interaction, Person, PersonRef
from app.services.imports import export_csv, import_csv, template_text
from app.services.interaction_queries import to_read
from app.services.workspaces import create_workspace
from tests.app.services.imports.conftest import count

ORDER = ("institutions", "people", "affiliations", "interactions")


def load(db, workspace, kind: str, content: str | bytes, **options):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return import_csv(db, workspace=workspace, data=data, kind=kind, actor="test", **options)


def test_the_templates_import_in_order(db, lauragais):
    reports = {kind: load(db, lauragais, kind, template_text(kind)) for kind in ORDER}

    assert reports["institutions"].counts["institutions"].created == 2
    assert reports["people"].counts["people"].created == 3
    assert reports["affiliations"].counts["affiliations"].created == 3
    assert reports["interactions"].counts["interactions"].created == 2
    lunch = to_read(db.scalars(select(Interaction).where(Interaction.external_id == "agenda-2026-0142")).one())
    # "informel", a local date and time read in Europe/Paris, topics split on "|"
    assert (lunch.kind, lunch.formal, lunch.topics) == ("informal", False, ["habitat", "mobilité"])
    assert lunch.occurred_at.astimezone(UTC).isoformat() == "2026-10-06T10:30:00+00:00"
    copil = to_read(db.scalars(select(Interaction).where(Interaction.external_id == "agenda-2026-0143")).one())
    assert len(copil.participants) == 4  # organiser by ref, a ref, a new person, an institution alone
    assert count(db, Person, Person.full_name == "Marie Durand") == 1


def test_a_second_import_changes_nothing(db, lauragais):
    for kind in ORDER:
        load(db, lauragais, kind, template_text(kind))
    db.refresh(lauragais)
    version = lauragais.data_version
    for kind in ORDER:
        again = load(db, lauragais, kind, template_text(kind))
        assert not again.changed, kind
        assert again.counts[kind].unchanged == again.rows
    db.refresh(lauragais)
    assert lauragais.data_version == version


CHAMBERS = ("name;kind;subtype;siren\n"
            "Chambre d'agriculture de la Haute-Garonne;other;chambre;183100007\n"
            "Chambre de métiers de la Haute-Garonne;other;chambre;183100015\n")


def test_the_same_institutions_in_two_workspaces_are_each_their_own(db, lauragais):
    """Two workspaces import the same chambers by SIREN: each gets its own, without touching (or
    being refused because of) the other's."""
    load(db, lauragais, "institutions", CHAMBERS)
    other = create_workspace(db, slug="autre-petr")

    report = load(db, other, "institutions", CHAMBERS.replace("Chambre de métiers", "CMA"))

    assert report.counts["institutions"].created == 2 and not report.errors
    names = {workspace_id: sorted(db.scalars(select(Institution.name).where(
        Institution.workspace_id == workspace_id, Institution.siren.in_(["183100007", "183100015"]))))
        for workspace_id in (lauragais.id, other.id)}
    assert names[lauragais.id] == ["Chambre d'agriculture de la Haute-Garonne", "Chambre de métiers de la Haute-Garonne"]
    assert names[other.id] == ["CMA de la Haute-Garonne", "Chambre d'agriculture de la Haute-Garonne"]
    assert not load(db, lauragais, "institutions", CHAMBERS).changed


EXCEL_FR = "full_name;email;ref;is_public_figure;notes\r\nHélène Garçon;helene@cc.example;R1;non;Chargée de mission\r\n"


@pytest.mark.parametrize(
    ("data", "encoding", "separator"),
    [
        (EXCEL_FR.encode("utf-8"), "utf-8", "semicolon"),
        ("\ufeff".encode() + EXCEL_FR.encode("utf-8"), "utf-8-sig", "semicolon"),  # Excel "CSV UTF-8"
        (EXCEL_FR.encode("cp1252"), "windows-1252", "semicolon"),  # Excel "CSV (séparateur : point-virgule)"
        (EXCEL_FR.replace(";", ",").encode("utf-8"), "utf-8", "comma"),
        (EXCEL_FR.replace(";", "\t").encode("utf-16"), "utf-16", "tab"),  # Excel "Texte Unicode"
    ],
)
def test_excel_exports_are_read_as_they_come(db, lauragais, data, encoding, separator):
    report = load(db, lauragais, "people", data)
    assert (report.info["encoding"], report.info["separator"]) == (encoding, separator)
    person = db.scalars(select(Person).where(Person.workspace_id == lauragais.id)).one()
    assert (person.full_name, person.email, person.notes) == ("Hélène Garçon", "helene@cc.example",
                                                             "Chargée de mission")


def test_french_column_names_are_understood(db, lauragais):
    report = load(db, lauragais, "people", "Nom;Courriel;Élu\nJean Martin;jean@commune.example;oui\n")
    assert report.counts["people"].created == 1
    assert db.scalars(select(Person.is_public_figure).where(Person.email == "jean@commune.example")).one()


PEOPLE_WITH_ERRORS = """full_name;email;ref;is_public_figure;notes
Camille Exemple;camille@cc.example;R1;non;
;sans-nom@cc.example;R2;;
Jean Martin;pas-un-email;R3;peut-être;
Luc Petit;camille@cc.example;R1;;
"""


def test_bad_rows_refuse_the_whole_file_with_line_numbers(db, lauragais):
    with pytest.raises(Invalid) as refused:
        load(db, lauragais, "people", PEOPLE_WITH_ERRORS)
    assert refused.value.message.startswith("3 of 4 rows are invalid; nothing was written")
    assert refused.value.details == [
        {"line": 3, "field": "full_name", "message": "full_name is required"},
        {"line": 4, "field": "email", "message": "invalid email address 'pas-un-email'"},
        {"line": 4, "field": "is_public_figure", "message": "'peut-être' is not yes/no (oui/non, true/false, 1/0)"},
        {"line": 5, "field": "ref", "message": "the same ref as line 2"},
        {"line": 5, "field": "email", "message": "the same email as line 2"},
    ]
    assert count(db, Person, Person.workspace_id == lauragais.id) == 0


def test_skip_invalid_takes_the_good_rows(db, lauragais):
    report = load(db, lauragais, "people", PEOPLE_WITH_ERRORS, skip_invalid=True)
    assert report.counts["people"].created == 1
    assert report.error_count == 5 and {e["line"] for e in report.errors} == {3, 4, 5}


def test_dry_run_shows_what_would_change(db, lauragais):
    load(db, lauragais, "people", template_text("people"))
    changed = template_text("people").replace("DGS depuis 2021", "DGS depuis 2020") + "Paul Neuf;;;;\r\n"

    report = load(db, lauragais, "people", changed, dry_run=True)

    assert report.dry_run
    assert report.counts["people"].as_dict() == {"created": 1, "updated": 1, "unchanged": 2, "ended": 0, "deleted": 0}
    assert count(db, Person, Person.workspace_id == lauragais.id) == 3
    assert db.scalars(select(Person.notes).where(Person.full_name == "Camille Exemple")).one() == "DGS depuis 2021"
    assert count(db, AuditEntry, AuditEntry.object_type == "csv", AuditEntry.workspace_id == lauragais.id) == 1


def test_people_are_matched_by_ref_then_email_then_name(db, lauragais):
    load(db, lauragais, "people", "full_name;email;ref\nCamille Exemple;;\nJean Martin;jean@commune.example;\n")
    report = load(db, lauragais, "people",
                  "full_name;email;ref\nCamille Exemple;camille@cc.example;C1\nJean Martin;jean@commune.example;J1\n")
    assert report.counts["people"].as_dict() == {"created": 0, "updated": 2, "unchanged": 0, "ended": 0, "deleted": 0}
    renamed = load(db, lauragais, "people", "full_name;ref\nCamille Exemple-Durand;C1\n")
    assert renamed.counts["people"].updated == 1
    assert db.scalars(select(PersonRef.person_id).where(PersonRef.ref == "C1")).one() == db.scalars(
        select(Person.id).where(Person.full_name == "Camille Exemple-Durand")).one()


def test_unknown_and_missing_columns_are_refused(db, lauragais):
    with pytest.raises(Invalid, match="unknown column 'téléphone' in a people file; the columns are: full_name, "
                                      "email, ref, is_public_figure, notes"):
        load(db, lauragais, "people", "full_name;téléphone\nA;0561000000\n")
    with pytest.raises(Invalid, match="missing column title in a affiliations file"):
        load(db, lauragais, "affiliations", "person_ref;institution_siren\nR1;200071298\n")
    with pytest.raises(Invalid, match="unknown import type 'elus'"):
        load(db, lauragais, "elus", "a;b\n")


def test_affiliation_errors_name_the_row_and_column(db, lauragais):
    load(db, lauragais, "people", template_text("people"))
    content = """person_ref;person_name;institution_siren;institution_insee_code;institution_kind;role_category;title;start;end
CRM-0042;;200071299;;;executive;DGS;;
CRM-9999;;200071298;;;executive;DGS;;
;Jean Martin;;76;;elected;Conseiller régional;;
CRM-0042;;200071298;;;chef;DGA;01/09/2021;31/08/2021
"""
    with pytest.raises(Invalid) as refused:
        load(db, lauragais, "affiliations", content)
    assert refused.value.details == [
        {"line": 2, "field": "institution_siren",
         "message": "invalid SIREN '200071299': its check digit is wrong (Luhn)"},
        {"line": 3, "field": "person_ref", "message": "no person with ref 'CRM-9999' (import the people file first)"},
        {"line": 4, "field": "institution_kind",
         "message": "say which institution 76 is: institution_kind departement or region"},
        {"line": 5, "field": "role_category",
         "message": "unknown role_category 'chef': use one of elected, executive, other, technical"},
        {"line": 5, "field": "end", "message": "end must not be before start"},
    ]


def test_interaction_rows_are_checked_through_ingestion(db, lauragais):
    load(db, lauragais, "people", template_text("people"))
    content = """external_id;occurred_at;kind;title;participants
a1;2026-10-06 12:30;réunion;Réunion;ref:CRM-0042
a2;demain;réunion;Réunion;ref:CRM-0042
a3;2026-10-06;fête;Réunion;ref:CRM-0042
a4;2026-10-06;;;ref:CRM-0042
a5;2026-10-06;;Réunion;inconnu@nulle-part.example
a1;2026-10-07;;Réunion;ref:CRM-0042
"""
    with pytest.raises(Invalid) as refused:
        load(db, lauragais, "interactions", content)
    lines = [(e["line"], e["field"]) for e in refused.value.details]
    assert lines == [(3, "occurred_at"), (4, "kind"), (5, "title"), (6, "participants"), (7, "external_id")]
    assert refused.value.details[3]["message"] == "no person with email 'inconnu@nulle-part.example'"
    assert count(db, Interaction, Interaction.workspace_id == lauragais.id) == 0


def test_templates_are_documented_files():
    for name in ORDER:
        header = template_text(name).splitlines()[0]
        assert header.count(";") >= 1
    with pytest.raises(NotFound):
        template_text("elus")


def test_export_then_import_into_a_new_workspace_gives_the_same_counts(db, lauragais):
    for kind in ORDER:
        load(db, lauragais, kind, template_text(kind))
    exported = {kind: export_csv(db, workspace=lauragais, kind=kind) for kind in ORDER}
    other = create_workspace(db, slug="copie")

    for kind in ORDER:
        report = load(db, other, kind, exported[kind])
        assert report.counts[kind].created == report.rows, kind

    def counts(workspace):
        return (
            count(db, Person, Person.workspace_id == workspace.id),
            count(db, Affiliation, Affiliation.person_id.in_(select(Person.id).where(
                Person.workspace_id == workspace.id))),
            count(db, Institution, Institution.workspace_id == workspace.id),
            count(db, Interaction, Interaction.workspace_id == workspace.id),
        )

    assert counts(other) == counts(lauragais)
    again = {kind: load(db, other, kind, exported[kind]) for kind in ORDER}
    assert not any(report.changed for report in again.values())


def test_two_rows_of_the_same_name_need_an_email_or_a_ref(db, lauragais):
    with pytest.raises(Invalid) as refused:
        load(db, lauragais, "people", "full_name\nJean Martin\nJEAN  MARTIN\n")
    assert refused.value.details == [{"line": 3, "field": "full_name",
                                      "message": "the same name (add an email or a ref to tell them apart) as line 2"}]
    report = load(db, lauragais, "people", "full_name;email\nJean Martin;jean@a.example\nJean Martin;jean@b.example\n")
    assert report.counts["people"].created == 2
