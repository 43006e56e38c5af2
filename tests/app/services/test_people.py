"""People services: what erasure matches, and lookups the ingestion code relies on."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import Conflict, Invalid
from app.models import Institution
from app.services.people import ERASED, create_person, erasure_pattern, find_person, list_people
from app.services.workspaces import create_workspace


@pytest.mark.parametrize("text, expected", [
    ("Réunion avec Hélène Cœur-Factice.", f"Réunion avec {ERASED}."),
    ("HELENE COEUR FACTICE présente", f"{ERASED} présente"),              # capitals, no accents, no hyphen
    ("Signé : COEUR-FACTICE Hélène", f"Signé : {ERASED}"),                # surname first
    ("Cœur Factice, Hélène (DGS)", f"{ERASED} (DGS)"),
    ("Écrire à Helene.Coeur@CC.example.", f"Écrire à {ERASED}."),          # the email, any case
    ("Hélène Dupont et M. Factice", "Hélène Dupont et M. Factice"),        # parts of the name alone stay
])
def test_erasure_matches_the_name_in_its_usual_spellings_and_the_email(text, expected):
    pattern = erasure_pattern("Hélène Cœur-Factice", "helene.coeur@cc.example")
    assert pattern.sub(ERASED, text) == expected


def test_a_short_one_word_name_is_matched_as_a_word_only():
    assert erasure_pattern("Li", None).sub(ERASED, "Li, politique, LI") == f"{ERASED}, politique, {ERASED}"


def test_find_person_by_email_or_ref(db):
    workspace = create_workspace(db, slug="petr-a")
    person = create_person(db, workspace=workspace, full_name="Camille Exemple", email="camille@cc.example",
                           ref="42", source="crm", actor="test")

    assert find_person(db, workspace=workspace, email=" Camille@CC.example") is person
    assert find_person(db, workspace=workspace, source="crm", ref="42") is person
    assert find_person(db, workspace=workspace, source="agenda", ref="42") is None
    with pytest.raises(Invalid):
        find_person(db, workspace=workspace)


def test_create_person_checks_everything_before_writing(db):
    workspace = create_workspace(db, slug="petr-a")
    create_person(db, workspace=workspace, full_name="A", ref="1", source="crm", actor="test")

    with pytest.raises(Invalid) as invalid:
        create_person(db, workspace=workspace, full_name=" ", email="nope", actor="test", affiliations=[
            {"institution_siren": "200035855", "role_category": "boss", "title": "DGS"},
        ])
    with pytest.raises(Conflict):
        create_person(db, workspace=workspace, full_name="B", ref="1", source="crm", actor="test")

    assert [e["field"] for e in invalid.value.details] == ["full_name", "email", "affiliations.0.role_category"]


def test_people_of_an_institution_in_office_first(db):
    """After an election, the new council comes before the former one on the institution's page."""
    workspace = create_workspace(db, slug="petr-b")
    commune = db.scalar(select(Institution).where(Institution.kind == "commune", Institution.insee_code == "11076"))

    def holder(name: str, end: date | None):
        return create_person(db, workspace=workspace, full_name=name, actor="test", affiliations=[{
            "institution_id": commune.id, "role_category": "elected", "title": "Maire",
            "start": date(2020, 5, 26), "end": end}])

    former = holder("Aline Ancienne", date(2026, 3, 21))
    current = holder("Zoé Actuelle", None)
    by_name, _ = list_people(db, workspace=workspace, institution_id=commune.id)
    in_office_first, total = list_people(db, workspace=workspace, institution_id=commune.id,
                                         in_office_first_on=date(2026, 11, 26))

    assert [p.id for p in by_name] == [former.id, current.id]
    assert [p.id for p in in_office_first] == [current.id, former.id] and total == 2
