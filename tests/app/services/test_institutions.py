"""resolve_institution: how ingestion and affiliations name an institution; search folding."""

import pytest
from sqlalchemy import literal, select

from app.errors import Invalid, NotFound
from app.models import Institution
from app.services.institutions import (
    create_institution,
    enable_search,
    fold_text,
    folded,
    resolve_institution,
    visible_institutions_filter,
)
from app.services.workspaces import create_workspace

CC_CASTELNAUDARY = "200035855"


@pytest.fixture
def workspace(db):
    return create_workspace(db, slug="petr-a")


@pytest.fixture
def other_workspace(db):
    return create_workspace(db, slug="petr-b")


def test_resolves_by_id_siren_or_commune_code(db, workspace):
    cc = db.scalars(select(Institution).where(Institution.siren == CC_CASTELNAUDARY)).one()

    assert resolve_institution(db, workspace=workspace, institution_id=cc.id) is cc
    assert resolve_institution(db, workspace=workspace, siren="200 035 855") is cc
    commune = resolve_institution(db, workspace=workspace, insee_code="11076")
    assert (commune.name, commune.kind) == ("Castelnaudary", "commune")
    assert resolve_institution(db, workspace=workspace, insee_code="2a004").name == "Ajaccio"


def test_resolves_the_workspaces_own_institutions_but_not_another_workspaces(db, workspace, other_workspace):
    mine = create_institution(db, workspace=workspace, name="Mine", kind="other", siren="123456782", actor="test")
    theirs = create_institution(db, workspace=other_workspace, name="Theirs", kind="other", siren="987654324",
                                actor="test")

    assert resolve_institution(db, workspace=workspace, siren="123456782") is mine
    with pytest.raises(NotFound):
        resolve_institution(db, workspace=workspace, institution_id=theirs.id)
    with pytest.raises(NotFound, match="no institution with SIREN 987654324"):
        resolve_institution(db, workspace=workspace, siren="987654324")


@pytest.mark.parametrize("arguments, error, message", [
    ({}, Invalid, "exactly one"),
    ({"institution_id": 1, "siren": CC_CASTELNAUDARY}, Invalid, "exactly one"),
    ({"siren": "200035856"}, Invalid, "Luhn"),
    ({"insee_code": "11"}, Invalid, "commune INSEE code"),  # a département's code
    ({"insee_code": "99999"}, NotFound, "no commune with INSEE code 99999"),
    ({"siren": "123456782"}, NotFound, "no institution with SIREN"),
    ({"institution_id": 2_000_000_000}, NotFound, "no institution 2000000000"),
])
def test_resolving_fails_with_a_clear_message(db, workspace, arguments, error, message):
    with pytest.raises(error, match=message):
        resolve_institution(db, workspace=workspace, **arguments)


def test_visible_institutions_filter_is_the_referential_plus_the_workspaces_own(db, workspace, other_workspace):
    create_institution(db, workspace=workspace, name="Mine", kind="other", actor="test")
    create_institution(db, workspace=other_workspace, name="Theirs", kind="other", actor="test")

    owners = set(db.scalars(select(Institution.workspace_id).where(visible_institutions_filter(workspace)).distinct()))

    assert owners == {None, workspace.id}


@pytest.mark.parametrize("text", ["Saint-Étienne", "L’Haÿ-les-Roses", "Œuilly", "ÉCOLE Ça Ü", "Plain text 42 %_"])
def test_sql_folding_matches_python_folding(db, text):
    """Search compares both sides folded: the database (either backend) must fold as Python does."""
    enable_search(db)
    assert db.scalar(select(folded(literal(text)))) == fold_text(text)
