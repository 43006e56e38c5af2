"""RNE import: the official list of élus, in every shape the Ministère has published it.

The real extracts (départementaux: 05, 31, 32, 33; régionaux: Occitanie, Nouvelle-Aquitaine,
PACA) are imported into a territory of Haute-Garonne; other generations of the format are
synthesised from the headers the RNE used (tab, latin-1, split commune codes, ISO dates…).
"""

import pytest
from sqlalchemy import select, text

from app.errors import Invalid
from app.models import Affiliation, AuditEntry, Institution, Person, PersonRef, Workspace
from app.models.base import utcnow
from app.services.imports import import_rne
from app.services.imports.rne import commune_code, departement_code, identity_hash
from app.services.people import create_person
from app.services.workspaces import create_workspace
from tests.app.services.imports.conftest import CD_FILE, CR_FILE, count


def titles(db, workspace: Workspace) -> dict[str, int]:
    rows = db.execute(
        select(Affiliation.title).join(Person, Person.id == Affiliation.person_id)
        .where(Person.workspace_id == workspace.id)
    ).scalars()
    found: dict[str, int] = {}
    for title in rows:
        found[title] = found.get(title, 0) + 1
    return found


def mandates_of(db, workspace: Workspace, full_name: str) -> set[tuple[str, str, str]]:
    return set(db.execute(
        select(Institution.name, Affiliation.title, Affiliation.role_category)
        .join(Affiliation, Affiliation.institution_id == Institution.id)
        .join(Person, Person.id == Affiliation.person_id)
        .where(Person.workspace_id == workspace.id, Person.full_name == full_name)
    ).all())


# --- the two real extracts ---------------------------------------------------------------------

def test_departmental_councillors_of_the_territory(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test")

    assert report.info["file"] == "departemental"
    assert (report.info["encoding"], report.info["separator"]) == ("utf-8", "comma")
    # 54 councillors of Haute-Garonne; Hautes-Alpes, Gers and Gironde are outside the territory.
    assert report.rows == 185
    assert report.counts["people"].as_dict() == {"created": 54, "updated": 0, "unchanged": 0, "ended": 0, "deleted": 0}
    assert report.counts["affiliations"].created == 54
    assert report.skipped_by_reason == {"outside_territory": 131}
    assert report.skipped[0] == {"line": 2, "reason": "outside_territory",
                                 "message": "Hautes-Alpes is outside the workspace's territory"}

    assert titles(db, lauragais) == {
        "Président du conseil départemental": 1,
        **{f"{n}{'er' if n == 1 else 'ème'} Vice-président du conseil départemental": 1 for n in range(1, 16)},
        "Conseiller départemental": 19,
        "Conseillère départementale": 19,
    }
    assert mandates_of(db, lauragais, "Sebastien VINCINI") == {
        ("Haute-Garonne", "Président du conseil départemental", "elected")}
    assert count(db, Person, Person.workspace_id == lauragais.id, Person.is_public_figure.is_(False)) == 0


def test_regional_councillors_of_the_territory(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=CR_FILE.read_bytes(), actor="test")

    assert report.info["file"] == "regional"
    assert report.counts["people"].created == 158  # Occitanie's councillors
    assert report.skipped_by_reason == {"outside_territory": 306}
    found = titles(db, lauragais)
    assert found["Président du conseil régional"] == 1
    assert found["Conseiller régional"] == 78 and found["Conseillère régionale"] == 64
    assert sum(found.values()) == 158
    assert mandates_of(db, lauragais, "Carole DELGA") == {("Occitanie", "Président du conseil régional", "elected")}


def test_a_second_import_changes_nothing(db, lauragais):
    for path in (CD_FILE, CR_FILE):
        import_rne(db, workspace=lauragais, data=path.read_bytes(), actor="test")
    db.refresh(lauragais)
    version = lauragais.data_version
    people, affiliations = count(db, Person), count(db, Affiliation)

    again = import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test")

    assert again.counts["people"].as_dict() == {"created": 0, "updated": 0, "unchanged": 54, "ended": 0, "deleted": 0}
    assert again.counts["affiliations"].as_dict() == {"created": 0, "updated": 0, "unchanged": 54, "ended": 0, "deleted": 0}
    assert not again.changed
    assert (count(db, Person), count(db, Affiliation)) == (people, affiliations)
    db.refresh(lauragais)
    assert lauragais.data_version == version


def test_no_birth_date_is_stored_anywhere(db, lauragais):
    import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test", include_all=True)
    lines = CD_FILE.read_text(encoding="utf-8").splitlines()[1:]
    births = {line.split(",")[7] for line in lines}
    iso = {f"{b[6:]}-{b[3:5]}-{b[:2]}" for b in births}

    stored = " ".join(
        str(value)
        for table in ("people", "person_refs", "affiliations", "audit_entries")
        for row in db.execute(text(f"SELECT * FROM {table}"))
        for value in row
    )
    assert not [b for b in births | iso if b in stored]
    # What is kept instead: a keyed hash (HMAC-SHA256) per élu.
    refs = db.scalars(select(PersonRef.ref).where(PersonRef.workspace_id == lauragais.id,
                                                  PersonRef.source == "rne")).all()
    assert len(refs) == 185 and all(len(ref) == 64 for ref in refs)


def test_the_identity_hash_is_keyed_and_ignores_accents_and_case():
    day = __import__("datetime").date(1978, 3, 25)
    assert identity_hash(b"k1", "VINCINI", "Sébastien", day) == identity_hash(b"k1", "Vincini", "sebastien", day)
    assert identity_hash(b"k1", "VINCINI", "Sebastien", day) != identity_hash(b"k2", "VINCINI", "Sebastien", day)


def test_audit_entry_counts_without_names(db, lauragais):
    import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="cli")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.workspace_id == lauragais.id,
                                                AuditEntry.object_type == "rne")).one()
    assert entry.actor == "cli" and entry.action == "import"
    assert entry.details["counts"]["people"]["created"] == 54
    assert "VINCINI" not in str(entry.details) and "Sebastien" not in str(entry.details)


# --- the same élu across files ---------------------------------------------------------------

MAIRES_2023 = (
    "\ufeffCode du département;Libellé du département;Code de la collectivité à statut particulier;"
    "Libellé de la collectivité à statut particulier;Code de la commune;Libellé de la commune;Nom de l'élu;"
    "Prénom de l'élu;Code sexe;Date de naissance;Code de la catégorie socio-professionnelle;"
    "Libellé de la catégorie socio-professionnelle;Date de début du mandat;Date de début de la fonction\n"
    # the président of the département, also maire of a commune of the territory
    "31;Haute-Garonne;;;31582;Villefranche-de-Lauragais;VINCINI;Sébastien;M;25/03/1978;45;;26/05/2020;26/05/2020\n"
    # 2026 generation: ISO dates
    "31;Haute-Garonne;;;31396;Nailloux;EXEMPLE;Camille;F;1967-07-22;;;2026-03-15;2026-03-22\n"
    # département code without its leading zero: Ambérieu-en-Bugey (01), outside the territory
    "1;Ain;;;01004;Ambérieu-en-Bugey;AUTRE;Paul;M;02/01/1960;;;26/05/2020;26/05/2020\n"
    # a commune that does not exist
    "31;Haute-Garonne;;;31999;Nulle-Part;PERSONNE;Jean;M;02/01/1960;;;26/05/2020;26/05/2020\n"
)


def test_the_same_elu_in_two_files_is_one_person(db, lauragais):
    import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test")

    report = import_rne(db, workspace=lauragais, data=MAIRES_2023.encode("utf-8"), actor="test")

    assert report.info["file"] == "maires" and report.info["encoding"] == "utf-8-sig"
    assert report.counts["people"].as_dict() == {"created": 1, "updated": 0, "unchanged": 1, "ended": 0, "deleted": 0}
    assert count(db, Person, Person.full_name.in_(["Sebastien VINCINI", "Sébastien VINCINI"])) == 1
    assert mandates_of(db, lauragais, "Sebastien VINCINI") == {
        ("Haute-Garonne", "Président du conseil départemental", "elected"),
        ("Villefranche-de-Lauragais", "Maire", "elected"),
    }
    maire = db.scalars(select(Affiliation).join(Person).where(Person.full_name == "Camille EXEMPLE")).one()
    assert (maire.title, maire.start.isoformat()) == ("Maire", "2026-03-22")


def test_rows_that_match_nothing_are_reported_with_their_line(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=MAIRES_2023.encode("utf-8"), actor="test")

    assert report.skipped_by_reason == {"outside_territory": 1, "unknown_institution": 1}
    assert {(s["line"], s["message"]) for s in report.skipped} == {
        (4, "Ambérieu-en-Bugey is outside the workspace's territory"),
        (5, "unknown commune INSEE code 31999"),
    }


def test_every_row_with_all(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=MAIRES_2023.encode("utf-8"), actor="test", include_all=True)
    assert report.counts["people"].created == 3
    assert report.skipped_by_reason == {"unknown_institution": 1}
    assert mandates_of(db, lauragais, "Paul AUTRE") == {("Ambérieu-en-Bugey", "Maire", "elected")}


def test_a_workspace_without_territory_must_ask_for_all(db):
    workspace = create_workspace(db, slug="nowhere")
    with pytest.raises(Invalid, match="has no territory"):
        import_rne(db, workspace=workspace, data=CD_FILE.read_bytes(), actor="test")


def test_a_person_entered_by_hand_is_recognised(db, lauragais):
    by_hand = create_person(db, workspace=lauragais, full_name="Sébastien Vincini", email="president@cd31.example",
                            affiliations=[{"institution_id": _departement(db, "31"), "role_category": "elected",
                                           "title": "Président du conseil départemental"}], actor="test")

    report = import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test")

    assert report.counts["people"].as_dict() == {"created": 53, "updated": 1, "unchanged": 0, "ended": 0, "deleted": 0}
    assert report.counts["affiliations"].as_dict() == {"created": 53, "updated": 1, "unchanged": 0, "ended": 0, "deleted": 0}
    db.refresh(by_hand)
    assert by_hand.is_public_figure and by_hand.full_name == "Sébastien Vincini"
    assert [(a.title, a.source) for a in by_hand.affiliations] == [("Président du conseil départemental", "rne")]


def _departement(db, code: str) -> int:
    return db.scalar(select(Institution.id).where(Institution.kind == "departement", Institution.insee_code == code))


# --- other generations of the format ---------------------------------------------------------

CM_2019_TAB_LATIN1 = "\r\n".join([
    "Titre du rapport\t\t\t",
    "\t".join(["Code du département", "Libellé du département", "Code Insee de la commune", "Libellé de la commune",
               "Nom de l'élu", "Prénom de l'élu", "Code sexe", "Date de naissance", "Code profession",
               "Libellé de la profession", "Date de début du mandat", "Libellé de fonction",
               "Date de début de la fonction", "Nationalité de l'élu"]),
    # commune code split: département + 3 digits; d/m/yyyy dates without zero padding
    "31\tHAUTE GARONNE\t582\tVillefranche-de-Lauragais\tBÉRANGER\tHélène\tF\t3/7/1971\t\t\t23/3/2014\t"
    "1er adjoint au maire\t4/4/2014\tFrançaise",
    "31\tHAUTE GARONNE\t396\tNailloux\tDUPRÉ\tLéa\tF\t9/11/1980\t\t\t23/3/2014\t\t\tFrançaise",
    "31\tHAUTE GARONNE\t396\tNailloux\tFAURÉ\tJosé\tM\t9/11/1950\t\t\t23/3/2014\t\t\tFrançaise",
    "",
]).encode("latin-1")


def test_2019_generation_tab_separated_latin1(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=CM_2019_TAB_LATIN1, actor="test")

    assert report.info["file"] == "municipal"
    assert (report.info["encoding"], report.info["separator"]) == ("windows-1252", "tab")
    assert report.counts["people"].created == 3
    assert mandates_of(db, lauragais, "Hélène BÉRANGER") == {
        ("Villefranche-de-Lauragais", "1er adjoint au maire", "elected")}
    assert mandates_of(db, lauragais, "Léa DUPRÉ") == {("Nailloux", "Conseillère municipale", "elected")}
    assert mandates_of(db, lauragais, "José FAURÉ") == {("Nailloux", "Conseiller municipal", "elected")}
    adjointe = db.scalars(select(Affiliation).join(Person).where(Person.full_name == "Hélène BÉRANGER")).one()
    assert adjointe.start.isoformat() == "2014-04-04"


EPCI_2023 = (
    "Code du département;Libellé du département;Code de la collectivité à statut particulier;"
    "Libellé de la collectivité à statut particulier;N° SIREN;Libellé de l'EPCI;"
    "Code de la commune de rattachement;Libellé de la commune de rattachement;Nom de l'élu;Prénom de l'élu;"
    "Code sexe;Date de naissance;Code de la catégorie socio-professionnelle;"
    "Libellé de la catégorie socio-professionnelle;Date de début du mandat;Libellé de la fonction;"
    "Date de début de la fonction\n"
    "31;Haute-Garonne;;;200071298;CC des Terres du Lauragais;31582;Villefranche-de-Lauragais;MARTIN;Jean;M;"
    "01/02/1955;;;15/07/2020;Président du conseil communautaire;15/07/2020\n"
    "31;Haute-Garonne;;;200071298;CC des Terres du Lauragais;31396;Nailloux;DURAND;Marie;F;01/02/1965;;;"
    "15/07/2020;3ème Vice-président du conseil communautaire;15/07/2020\n"
    "31;Haute-Garonne;;;200071298;CC des Terres du Lauragais;31396;Nailloux;PETIT;Anne;F;01/02/1975;;;"
    "15/07/2020;;\n"
    # an EPCI of the PETR, but not of this workspace's territory
    "11;Aude;;;200035855;CC Castelnaudary Lauragais Audois;11076;Castelnaudary;GRAND;Luc;M;01/02/1975;;;"
    "15/07/2020;;\n"
)


def test_epci_councillors_by_siren(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")

    assert report.info["file"] == "epci" and report.info["separator"] == "semicolon"
    assert titles(db, lauragais) == {"Président du conseil communautaire": 1,
                                     "3ème Vice-président du conseil communautaire": 1,
                                     "Conseillère communautaire": 1}
    assert mandates_of(db, lauragais, "Jean MARTIN") == {
        ("CC des Terres du Lauragais", "Président du conseil communautaire", "elected")}
    assert report.skipped_by_reason == {"outside_territory": 1}


SNAKE_CASE_DEC_2023 = "\n".join([
    "\t".join(["code_departement", "libelle_departement", "code_canton", "libelle_canton", "nom_elu", "prenom_elu",
               "sexe_elu", "date_naissance_elu", "code_categorie_socio_professionnelle",
               "libelle_categorie_socio_professionnelle", "date_debut_mandat", "libelle_fonction",
               "date_debut_fonction", "lieu_naissance_elu", "code_nuance_mandat", "libelle_nuance_mandat"]),
    "31\tHaute-Garonne\t3101\tAuterive\tVINCINI\tSebastien\tM\t1978-03-25 00:00:00+00\t45\t\t"
    "2021-07-01 00:00:00+00\tPrésident du conseil départemental\t2022-12-13 00:00:00+00\tToulouse\tDVG\t",
])


def test_snake_case_variant_with_iso_timestamps_matches_the_csv_release(db, lauragais):
    import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test")
    report = import_rne(db, workspace=lauragais, data=SNAKE_CASE_DEC_2023.encode(), actor="test")
    assert report.info["file"] == "departemental" and report.info["separator"] == "tab"
    assert report.counts["people"].as_dict() == {"created": 0, "updated": 0, "unchanged": 1, "ended": 0, "deleted": 0}
    # One councillor of the Haute-Garonne listed: the other 53 mandates are taken as ended (see below).
    assert report.counts["affiliations"].as_dict() == {"created": 0, "updated": 0, "unchanged": 1, "ended": 53, "deleted": 0}


def test_a_new_release_updates_a_mandate_in_place(db, lauragais):
    import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    promoted = EPCI_2023.replace("15/07/2020;;\n31", "15/07/2020;;\n31", 1).replace(
        "01/02/1975;;;15/07/2020;;", "01/02/1975;;;15/07/2020;5ème Vice-président du conseil communautaire;"
        "01/10/2024", 1)

    report = import_rne(db, workspace=lauragais, data=promoted.encode(), actor="test")

    assert report.counts["affiliations"].as_dict() == {"created": 0, "updated": 1, "unchanged": 2, "ended": 0, "deleted": 0}
    assert mandates_of(db, lauragais, "Anne PETIT") == {
        ("CC des Terres du Lauragais", "5ème Vice-président du conseil communautaire", "elected")}


# --- a newer release: mandates no longer listed have ended ---------------------------------------

def open_mandates(db, workspace: Workspace) -> set[str]:
    return set(db.scalars(
        select(Person.full_name).join(Affiliation, Affiliation.person_id == Person.id)
        .where(Person.workspace_id == workspace.id, Affiliation.end.is_(None))
    ))


def test_a_mandate_missing_from_a_newer_release_ends_and_reopens_when_listed_again(db, lauragais):
    import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    without_petit = "".join(line for line in EPCI_2023.splitlines(keepends=True) if "PETIT" not in line)

    report = import_rne(db, workspace=lauragais, data=without_petit.encode(), actor="test")

    assert report.counts["affiliations"].as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "ended": 1, "deleted": 0}
    assert report.changed
    assert open_mandates(db, lauragais) == {"Jean MARTIN", "Marie DURAND"}
    ended = db.scalars(select(Affiliation).join(Person).where(Person.full_name == "Anne PETIT")).one()
    assert ended.end == utcnow().date() and ended.source == "rne"
    assert count(db, Person, Person.full_name == "Anne PETIT") == 1  # the person stays; only the mandate ends

    again = import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    assert again.counts["affiliations"].as_dict() == {"created": 0, "updated": 1, "unchanged": 2, "ended": 0, "deleted": 0}
    assert open_mandates(db, lauragais) == {"Jean MARTIN", "Marie DURAND", "Anne PETIT"}


def test_only_the_mandates_a_file_speaks_for_are_ended(db, lauragais):
    """An extract speaks for the départements it has rows in, for its own kind of mandate, and
    inside the territory; mandates entered by hand or already closed are left alone."""
    import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test", include_all=True)
    import_rne(db, workspace=lauragais, data=CR_FILE.read_bytes(), actor="test")
    haute_garonne = db.scalar(select(Institution).where(Institution.kind == "departement",
                                                        Institution.insee_code == "31"))
    by_hand = create_person(db, workspace=lauragais, full_name="Claude Saisie", actor="test")
    db.add(Affiliation(person_id=by_hand.id, institution_id=haute_garonne.id, role_category="elected",
                       title="Conseiller départemental", source="csv"))
    db.flush()
    before = open_mandates(db, lauragais)

    report = import_rne(db, workspace=lauragais, data=SNAKE_CASE_DEC_2023.encode(), actor="test", include_all=True)

    assert report.counts["affiliations"].ended == 53
    still_open = open_mandates(db, lauragais)
    assert "Sebastien VINCINI" in still_open and "Claude Saisie" in still_open
    assert "Carole DELGA" in still_open  # a regional mandate: not what a departmental file lists
    ended = before - still_open
    assert len(ended) == 53
    departements = set(db.scalars(
        select(Institution.insee_code).join(Affiliation, Affiliation.institution_id == Institution.id)
        .join(Person, Person.id == Affiliation.person_id)
        .where(Person.workspace_id == lauragais.id, Person.full_name.in_(ended))
    ))
    assert departements == {"31"}  # Hautes-Alpes, Gers and Gironde: the extract has no row there


def test_the_maires_file_ends_only_maires(db, lauragais):
    import_rne(db, workspace=lauragais, data=CM_2019_TAB_LATIN1, actor="test")
    import_rne(db, workspace=lauragais, data=MAIRES_2023.encode("utf-8"), actor="test")
    only_vincini = "".join(line for line in MAIRES_2023.splitlines(keepends=True) if "EXEMPLE" not in line)

    report = import_rne(db, workspace=lauragais, data=only_vincini.encode("utf-8"), actor="test")

    assert report.counts["affiliations"].ended == 1  # the maire of Nailloux; its conseillers municipaux stay
    assert {"Léa DUPRÉ", "José FAURÉ", "Hélène BÉRANGER", "Sébastien VINCINI"} <= open_mandates(db, lauragais)
    assert "Camille EXEMPLE" not in open_mandates(db, lauragais)


def test_a_row_that_cannot_be_read_ends_nothing_at_its_institution(db, lauragais):
    import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    unreadable_petit = EPCI_2023.replace("PETIT;Anne;F;01/02/1975", "PETIT;Anne;F;31/02/1975")

    report = import_rne(db, workspace=lauragais, data=unreadable_petit.encode(), actor="test", skip_invalid=True)

    assert report.counts["affiliations"].ended == 0
    assert "Anne PETIT" in open_mandates(db, lauragais)


def test_a_row_left_out_without_its_institution_closes_nothing(db, lauragais):
    import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    lines = EPCI_2023.splitlines(keepends=True)
    # PETIT's row loses its EPCI SIREN; DURAND's row is gone.
    trimmed = "".join(line.replace(";200071298;", ";;") if "PETIT" in line else line
                      for line in lines if "DURAND" not in line)

    report = import_rne(db, workspace=lauragais, data=trimmed.encode(), actor="test", skip_invalid=True)

    assert report.errors == [{"line": 3, "field": "epci_siren", "message": "no EPCI SIREN"}]
    assert report.counts["affiliations"].ended == 0
    assert "no mandate is closed" in report.info["mandates_left_open"]
    assert {"Marie DURAND", "Anne PETIT"} <= open_mandates(db, lauragais)


def test_a_dry_run_shows_the_mandates_that_would_end(db, lauragais):
    import_rne(db, workspace=lauragais, data=EPCI_2023.encode(), actor="test")
    without_petit = "".join(line for line in EPCI_2023.splitlines(keepends=True) if "PETIT" not in line)

    report = import_rne(db, workspace=lauragais, data=without_petit.encode(), actor="test", dry_run=True)

    assert report.counts["affiliations"].ended == 1
    assert "Anne PETIT" in open_mandates(db, lauragais)


# --- bad files and bad rows --------------------------------------------------------------------

def test_a_file_with_bad_rows_is_refused_whole(db, lauragais):
    bad = EPCI_2023.replace("01/02/1965", "31/02/1965").replace("PETIT;Anne", ";Anne")
    with pytest.raises(Invalid) as refused:
        import_rne(db, workspace=lauragais, data=bad.encode(), actor="test")
    assert "2 of 4 rows are invalid; nothing was written" in refused.value.message
    assert refused.value.details == [
        {"line": 3, "field": "birth_date", "message": "day is out of range for month"},
        {"line": 4, "field": "last_name", "message": "no last name"},
    ]
    assert count(db, Person, Person.workspace_id == lauragais.id) == 0


def test_skip_invalid_imports_the_valid_rows(db, lauragais):
    bad = EPCI_2023.replace("PETIT;Anne", ";Anne")
    report = import_rne(db, workspace=lauragais, data=bad.encode(), actor="test", skip_invalid=True)
    assert report.counts["people"].created == 2
    assert report.errors == [{"line": 4, "field": "last_name", "message": "no last name"}]


def test_dry_run_reports_and_writes_nothing(db, lauragais):
    report = import_rne(db, workspace=lauragais, data=CD_FILE.read_bytes(), actor="test", dry_run=True)
    assert report.dry_run and report.counts["people"].created == 54
    assert count(db, Person, Person.workspace_id == lauragais.id) == 0
    assert count(db, AuditEntry, AuditEntry.object_type == "rne") == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Code du département;Libellé du département;Code de la circonscription législative;Nom de l'élu;"
         "Prénom de l'élu;Date de naissance\n", "RNE file of députés"),
        ("Code du département;Libellé du département;Nom de l'élu;Prénom de l'élu;Date de naissance\n",
         "sénateurs"),
        ("nom;prénom;email\n", "not an RNE file Maillage knows"),
        ("Liste des élus\ncourriel;téléphone\n", "not an RNE file: no line of column names"),
        ("", "the file is empty"),
    ],
)
def test_files_it_does_not_import_are_refused_clearly(db, lauragais, content, message):
    with pytest.raises(Invalid, match=message):
        import_rne(db, workspace=lauragais, data=content.encode(), actor="test")


@pytest.mark.parametrize(("raw", "expected"), [("1", "01"), ("01", "01"), ("2a", "2A"), ("ZA", "971"), ("974", "974")])
def test_departement_codes_are_normalised(raw, expected):
    assert departement_code(raw) == expected


@pytest.mark.parametrize(("raw", "departement", "expected"),
                         [("582", "31", "31582"), ("4", "01", "01004"), ("1004", "01", "01004"),
                          ("31582", "31", "31582"), ("004", "2A", "2A004")])
def test_commune_codes_are_rebuilt(raw, departement, expected):
    assert commune_code(raw, departement) == expected
