"""`territory create`: a body, its member EPCIs, and the territory they span."""

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.models import Institution, InstitutionMembership, Workspace
from app.services.territory import create_territory, territory_institution_ids
from app.services.workspaces import create_workspace

LAURAGAIS = ["200035855", "200071298", "243100567", "200035707"]


def count_rows(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_the_pays_lauragais_spans_167_communes_three_departements_one_region(db):
    result = create_territory(db, workspace_slug="lauragais", name="PETR du Pays Lauragais", siren="200050938",
                              epci_sirens=LAURAGAIS)
    assert result.workspace_created
    assert result.body.kind == "petr" and result.body.siren == "200050938"
    assert [m.siren for m in result.members] == LAURAGAIS
    ids = territory_institution_ids(db, workspace=result.workspace)
    kinds = dict(
        db.execute(
            select(Institution.kind, func.count()).where(Institution.id.in_(ids)).group_by(Institution.kind)
        ).all()
    )
    assert kinds == {"petr": 1, "epci": 4, "commune": 167, "departement": 3, "region": 1}
    departements = set(db.scalars(select(Institution.name).where(Institution.id.in_(ids), Institution.kind == "departement")))
    assert departements == {"Aude", "Haute-Garonne", "Tarn"}


def test_running_it_again_changes_nothing(db):
    create_territory(db, workspace_slug="lauragais", name="PETR du Pays Lauragais", siren="200050938",
                     epci_sirens=LAURAGAIS)
    memberships = count_rows(db, InstitutionMembership)
    again = create_territory(db, workspace_slug="lauragais", name="PETR du Pays Lauragais", siren="200050938",
                             epci_sirens=LAURAGAIS)
    assert not again.workspace_created and again.memberships_created == 0
    assert count_rows(db, InstitutionMembership) == memberships


@pytest.mark.parametrize(
    ("sirens", "error", "message"),
    [
        (["200035855", "200035856"], Invalid, "check digit"),
        (["200035855", "12345"], Invalid, "9 digits"),
        (["200035855", "200050946"], NotFound, "not in the referential"),
        (["200035855", "217400423"], Invalid, "not an EPCI"),
        ([], Invalid, "at least one member EPCI"),
    ],
)
def test_a_bad_siren_creates_nothing(db, sirens, error, message):
    workspaces, institutions = count_rows(db, Workspace), count_rows(db, Institution)
    with pytest.raises(error, match=message):
        create_territory(db, workspace_slug="w", name="PETR X", epci_sirens=sirens)
    assert (count_rows(db, Workspace), count_rows(db, Institution)) == (workspaces, institutions)


def test_kinds_pays_pnr_syndicat(db):
    for kind, expected in [("pays", ("petr", "pays")), ("pnr", ("pnr", None)), ("syndicat", ("syndicat", "syndicat_mixte"))]:
        body = create_territory(db, workspace_slug=f"w-{kind}", name=f"Body {kind}", kind=kind,
                                epci_sirens=["200035855"]).body
        assert (body.kind, body.subtype) == expected
    with pytest.raises(Invalid, match="unknown territory kind"):
        create_territory(db, workspace_slug="w-x", name="X", kind="region", epci_sirens=["200035855"])


def test_two_workspaces_may_track_the_same_body_each_with_its_own(db):
    """The same PETR in two workspaces (a real one and a training copy, two teams): each gets its
    own body institution with the SIREN; neither sees or changes the other's."""
    first = create_territory(db, workspace_slug="a", name="PETR", siren="200050938", epci_sirens=["200035855"])
    second = create_territory(db, workspace_slug="b", name="PETR bis", siren="200050938", epci_sirens=["200035855"])

    assert first.body.id != second.body.id
    assert (first.body.workspace_id, second.body.workspace_id) == (first.workspace.id, second.workspace.id)
    assert second.body.name == "PETR bis"
    again = create_territory(db, workspace_slug="b", name="PETR bis", siren="200050938", epci_sirens=["200035855"])
    assert again.body.id == second.body.id and not again.workspace_created


def test_workspace_slugs_are_checked(db):
    with pytest.raises(Invalid):
        create_workspace(db, slug="Not A Slug")
    create_workspace(db, slug="ok-1")
    with pytest.raises(Conflict):
        create_workspace(db, slug="ok-1")
