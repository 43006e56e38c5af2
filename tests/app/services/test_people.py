"""People services: what erasure matches, and lookups the ingestion code relies on."""

import pytest

from app.errors import Conflict, Invalid
from app.services.people import ERASED, create_person, erasure_pattern, find_person
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
