"""Thresholds, expected liaisons and territory lists (the services behind the Paramètres page)."""

import pytest
from sqlalchemy import select

from app.errors import Conflict, Invalid, NotFound
from app.models import AuditEntry, Institution
from app.services.territory import create_territory
from app.services.workspace_admin import (
    add_expected_liaison,
    list_expected_liaisons,
    remove_expected_liaison,
    territory_institutions,
    update_analysis_settings,
)
from app.services.workspaces import workspace_settings

EPCI = "200035855"  # CC Castelnaudary Lauragais Audois, in the referential


@pytest.fixture
def territory(db):
    return create_territory(db, workspace_slug="admin", name="PETR Test", kind="petr", epci_sirens=[EPCI],
                            actor="test")


def test_thresholds_are_checked_then_saved_with_a_new_data_version(db, territory):
    workspace = territory.workspace
    version = workspace.data_version
    with pytest.raises(Invalid) as refused:
        update_analysis_settings(db, workspace=workspace, values={"window_days": 3, "weakening_ratio": 2,
                                                                  "dormancy_days": None}, actor="test")
    assert {d["field"] for d in refused.value.details} == {"window_days", "weakening_ratio", "dormancy_days"}
    assert workspace_settings(workspace)["window_days"] == 365
    settings = update_analysis_settings(db, workspace=workspace, values={"window_days": 180, "half_life_days": None,
                                                                         "weakening_ratio": 0.4}, actor="user:1")
    assert (settings["window_days"], settings["half_life_days"], settings["weakening_ratio"]) == (180, None, 0.4)
    db.refresh(workspace)
    assert workspace.data_version == version + 1
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "update_settings")).one()
    assert entry.details["fields"] == ["weakening_ratio", "window_days"] and entry.actor == "user:1"


def test_an_expected_liaison_is_one_pair_in_either_order(db, territory):
    workspace, body = territory.workspace, territory.body
    region = db.scalars(select(Institution).where(Institution.kind == "region", Institution.insee_code == "76")).one()
    liaison = add_expected_liaison(db, workspace=workspace, institution_a_id=body.id, institution_b_id=region.id,
                                   note="  Contrat   régional ", actor="test")
    assert liaison.note == "Contrat régional"
    with pytest.raises(Conflict):
        add_expected_liaison(db, workspace=workspace, institution_a_id=region.id, institution_b_id=body.id,
                             actor="test")
    with pytest.raises(Invalid):
        add_expected_liaison(db, workspace=workspace, institution_a_id=body.id, institution_b_id=body.id, actor="test")
    with pytest.raises(Invalid):
        add_expected_liaison(db, workspace=workspace, institution_a_id=body.id, institution_b_id=10**9, actor="test")
    assert [(a.id, b.id) for _, a, b in list_expected_liaisons(db, workspace=workspace)] == [(body.id, region.id)]
    remove_expected_liaison(db, workspace=workspace, liaison_id=liaison.id, actor="test")
    assert list_expected_liaisons(db, workspace=workspace) == []
    with pytest.raises(NotFound):
        remove_expected_liaison(db, workspace=workspace, liaison_id=liaison.id, actor="test")


def test_the_territory_lists_from_the_state_down_to_the_communes(db, territory):
    items, total = territory_institutions(db, workspace=territory.workspace, by_echelon=True)
    kinds = [item.kind for item in items]
    assert total == len(items) > 10
    assert kinds.index("region") < kinds.index("departement") < kinds.index("petr") < kinds.index("epci")
    assert kinds[-1] == "commune"
    found, count = territory_institutions(db, workspace=territory.workspace, q="castelnaudary", kind="commune")
    assert count == 1 and found[0].name == "Castelnaudary"
