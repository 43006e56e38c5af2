"""Institutions: the national referential plus each workspace's own, searched, created, grouped.

A workspace sees the referential (shared) and its own institutions and memberships; another
workspace's are 404 — never 403, never their data.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Institution, InstitutionMembership, Workspace

API = "/api/v1/institutions"
CC_CASTELNAUDARY = "200035855"  # CC Castelnaudary Lauragais Audois: 43 communes in the referential
CC_TERRES_DU_LAURAGAIS = "200071298"
CASTELNAUDARY = {"insee_code": "11076", "siren": "211100763"}
# A valid SIREN (Luhn) that no institution of the referential holds.
FREE_SIREN = "123456782"


def referential(db, **where) -> Institution:
    return db.scalars(select(Institution).filter_by(workspace_id=None, **where)).one()


def create(client, headers, **body):
    return client.post(API, json={"kind": "other", **body}, headers=headers)


@pytest.fixture
def petr(client, admin_headers) -> dict:
    response = create(client, admin_headers, name="PETR du Test", kind="petr", subtype="petr")
    assert response.status_code == 201, response.text
    return response.json()


# --- listing and search ----------------------------------------------------------------------

def test_a_workspace_lists_the_referential_and_its_own_institutions_only(
    client, admin_headers, read_headers, other_workspace, token_headers
):
    create(client, admin_headers, name="Chambre d'agriculture témoin", subtype="chambre")
    create(client, token_headers(other_workspace, "admin"), name="Chambre d'agriculture secrète")

    found = client.get(API, params={"q": "chambre d'agriculture"}, headers=read_headers).json()

    assert [(i["name"], i["workspace_local"]) for i in found["items"]] == [("Chambre d'agriculture témoin", True)]
    region = client.get(API, params={"kind": "region", "q": "occitanie"}, headers=read_headers).json()
    assert [(i["name"], i["workspace_local"]) for i in region["items"]] == [("Occitanie", False)]


def test_a_list_is_a_page_with_total_limit_and_offset(client, read_headers):
    first = client.get(API, params={"kind": "departement", "limit": 2}, headers=read_headers).json()
    second = client.get(API, params={"kind": "departement", "limit": 2, "offset": 2}, headers=read_headers).json()

    assert set(first) == {"items", "total", "limit", "offset"}
    assert first["total"] == second["total"] == 101
    assert (first["limit"], first["offset"], second["offset"]) == (2, 0, 2)
    assert len(first["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize("query, expected", [
    ("saint etienne", "Saint-Étienne"),   # hyphens and accents ignored
    ("SAINT-ÉTIENNE", "Saint-Étienne"),   # case ignored, accented capitals too
    ("oeuilly", "Œuilly"),                # ligatures spelt out
    ("cœuvres", "Cœuvres-et-Valsery"),
    ("l’abergement-clemenciat", "L'Abergement-Clémenciat"),  # typographic apostrophe
])
def test_name_search_ignores_case_accents_ligatures_and_hyphens(client, read_headers, query, expected):
    found = client.get(API, params={"q": query, "kind": "commune"}, headers=read_headers).json()
    assert expected in [i["name"] for i in found["items"]]


def test_search_treats_like_wildcards_as_text(client, read_headers):
    found = client.get(API, params={"q": "%"}, headers=read_headers).json()
    assert found["total"] == 0


def test_filters_by_kind_siren_and_insee_code(client, read_headers):
    by_siren = client.get(API, params={"siren": "211 100 763"}, headers=read_headers).json()
    by_code = client.get(API, params={"insee_code": "11076"}, headers=read_headers).json()
    by_kind = client.get(API, params={"kind": "epci", "q": "lauragais"}, headers=read_headers).json()

    assert [i["name"] for i in by_siren["items"]] == ["Castelnaudary"]
    assert by_siren["items"][0] | CASTELNAUDARY == by_siren["items"][0]
    assert [i["name"] for i in by_code["items"]] == ["Castelnaudary"]
    assert {i["siren"] for i in by_kind["items"]} >= {CC_CASTELNAUDARY, CC_TERRES_DU_LAURAGAIS}
    assert all(i["kind"] == "epci" for i in by_kind["items"])


def test_member_of_lists_the_current_members(client, db, read_headers):
    epci = referential(db, siren=CC_CASTELNAUDARY)

    members = client.get(API, params={"member_of": epci.id, "limit": 500}, headers=read_headers).json()

    assert members["total"] == 43
    assert "Castelnaudary" in [i["name"] for i in members["items"]]
    assert {i["kind"] for i in members["items"]} == {"commune"}


def test_bad_filters_are_422_with_the_field(client, read_headers):
    for params, field in [
        ({"kind": "castle"}, "query.kind"),
        ({"siren": "123456789"}, "query.siren"),  # Luhn-invalid
        ({"insee_code": "1107"}, "query.insee_code"),
        ({"limit": 0}, "query.limit"),
        ({"q": "a\x00b"}, "query.q"),
    ]:
        response = client.get(API, params=params, headers=read_headers)
        assert response.status_code == 422, params
        body = response.json()
        assert body["error"]["code"] == "invalid"
        assert [e["field"] for e in body["errors"]] == [field], params


def test_member_of_another_workspaces_institution_gives_nothing(client, read_headers, other_workspace, token_headers):
    theirs = token_headers(other_workspace, "admin")
    body = create(client, theirs, name="Hidden PETR", kind="petr").json()
    create(client, theirs, name="Hidden member", member_of=[body["id"]])

    response = client.get(API, params={"member_of": body["id"]}, headers=read_headers)

    assert response.status_code == 200
    assert response.json()["total"] == 0
    assert "Hidden" not in response.text


# --- get -----------------------------------------------------------------------------------

def test_get_returns_a_referential_or_own_institution(client, db, read_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)

    got = client.get(f"{API}/{epci.id}", headers=read_headers).json()
    own = client.get(f"{API}/{petr['id']}", headers=read_headers).json()

    assert got == {
        "id": epci.id, "name": "CC Castelnaudary Lauragais Audois", "kind": "epci", "subtype": "CC",
        "siren": CC_CASTELNAUDARY, "insee_code": None, "departement_code": "11", "region_code": "76",
        "population": epci.population, "workspace_local": False,
    }
    assert own == petr


def test_another_workspaces_institution_is_404_without_its_data(client, read_headers, other_workspace, token_headers):
    theirs = create(client, token_headers(other_workspace, "admin"), name="Cabinet secret").json()

    response = client.get(f"{API}/{theirs['id']}", headers=read_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "Cabinet secret" not in response.text
    assert client.get(f"{API}/999999999", headers=read_headers).status_code == 404
    assert client.get(f"{API}/99999999999", headers=read_headers).status_code == 422  # beyond any id


# --- create --------------------------------------------------------------------------------

def test_creating_needs_the_admin_scope(client, db, read_headers, ingest_headers):
    before = db.scalar(select(Institution.id).order_by(Institution.id.desc()).limit(1))
    for headers in (read_headers, ingest_headers):
        response = create(client, headers, name="Nope")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert db.scalar(select(Institution.id).order_by(Institution.id.desc()).limit(1)) == before


def test_an_admin_creates_a_local_institution_returned_with_its_id(client, db, workspace, admin_headers):
    version = workspace.data_version
    response = create(
        client, admin_headers, name="  DDETS   de l'Aude ", kind="state_service", subtype="ddets", siren=FREE_SIREN,
        insee_code=None, departement_code="11", region_code="76", population=None,
    )

    assert response.status_code == 201
    body = response.json()
    assert body["id"] and body["workspace_local"] is True
    assert (body["name"], body["kind"], body["siren"], body["departement_code"]) == (
        "DDETS de l'Aude", "state_service", FREE_SIREN, "11")
    row = db.get(Institution, body["id"])
    assert row.workspace_id == workspace.id
    entry = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "institution",
                                                AuditEntry.object_id == body["id"])).one()
    assert (entry.action, entry.actor.startswith("token:")) == ("create", True)
    db.refresh(workspace)
    assert workspace.data_version > version  # analyses are recomputed


def test_a_siren_of_the_referential_or_of_the_workspace_is_409(client, admin_headers):
    referential_taken = create(client, admin_headers, name="Copy", kind="epci", siren=CC_CASTELNAUDARY)
    first = create(client, admin_headers, name="Mine", siren=FREE_SIREN)
    again = create(client, admin_headers, name="Mine again", siren=FREE_SIREN)

    assert referential_taken.status_code == 409
    assert "CC Castelnaudary Lauragais Audois" in referential_taken.json()["error"]["message"]
    assert first.status_code == 201
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert "'Mine'" in again.json()["error"]["message"] and "this workspace" in again.json()["error"]["message"]


def test_two_workspaces_may_each_hold_the_same_siren(client, admin_headers, other_workspace, token_headers):
    """A chamber or an association two PETRs both work with: each workspace has its own, sees
    only its own, and learns nothing of the other's."""
    theirs = create(client, token_headers(other_workspace, "admin"), name="Their body", siren=FREE_SIREN)
    mine = create(client, admin_headers, name="Chambre d'agriculture", siren=FREE_SIREN)

    assert theirs.status_code == 201 and mine.status_code == 201, mine.text
    assert mine.json()["id"] != theirs.json()["id"]
    found = client.get(API, params={"siren": FREE_SIREN}, headers=admin_headers).json()["items"]
    assert [item["name"] for item in found] == ["Chambre d'agriculture"]
    assert "Their body" not in mine.text


def test_a_commune_code_already_in_the_referential_is_409(client, admin_headers):
    response = create(client, admin_headers, name="Castelnaudary bis", kind="commune", insee_code="11076")
    assert response.status_code == 409


def test_invalid_bodies_are_422_with_every_field(client, admin_headers):
    response = client.post(API, json={
        "name": "", "kind": "castle", "siren": "200035856", "insee_code": "ABCDE", "region_code": "7",
        "population": -1, "member_of": [0], "colour": "red",
    }, headers=admin_headers)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {
        "name", "kind", "siren", "insee_code", "region_code", "population", "member_of.0", "colour"}
    assert any("Luhn" in e["message"] for e in errors if e["field"] == "siren")


def test_created_institutions_can_join_groups_at_once(client, db, admin_headers, read_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)

    created = create(client, admin_headers, name="Office de tourisme", member_of=[petr["id"], epci.id]).json()

    for group in (petr, {"id": epci.id}):
        members = client.get(f"{API}/{group['id']}/members", params={"limit": 500}, headers=read_headers).json()
        assert created["id"] in [m["id"] for m in members["items"]]


def test_member_of_must_be_visible(client, admin_headers, other_workspace, token_headers):
    theirs = create(client, token_headers(other_workspace, "admin"), name="Their PETR", kind="petr").json()

    response = create(client, admin_headers, name="Mine", member_of=[theirs["id"]])

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["member_of.0"]
    assert "Their PETR" not in response.text


# --- memberships ---------------------------------------------------------------------------

def test_an_admin_records_an_epci_as_member_of_the_petr(client, db, workspace, admin_headers, read_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)

    response = client.post(f"{API}/{epci.id}/memberships", json={"group_id": petr["id"], "valid_from": "2024-01-01"},
                           headers=admin_headers)

    assert response.status_code == 201
    membership = response.json()
    assert membership["id"] and membership | {"member_id": epci.id, "group_id": petr["id"], "valid_from": "2024-01-01",
                                              "valid_to": None, "workspace_local": True} == membership
    assert db.get(InstitutionMembership, membership["id"]).workspace_id == workspace.id
    members = client.get(f"{API}/{petr['id']}/members", headers=read_headers).json()
    assert [(m["siren"], m["membership"]["id"]) for m in members["items"]] == [(CC_CASTELNAUDARY, membership["id"])]
    listed = client.get(API, params={"member_of": petr["id"]}, headers=read_headers).json()
    assert [i["id"] for i in listed["items"]] == [epci.id]


def test_membership_rules(client, db, admin_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)
    commune = referential(db, insee_code="11076", kind="commune")
    url = f"{API}/{epci.id}/memberships"
    assert client.post(url, json={"group_id": petr["id"]}, headers=admin_headers).status_code == 201

    duplicate = client.post(url, json={"group_id": petr["id"]}, headers=admin_headers)
    self_member = client.post(url, json={"group_id": epci.id}, headers=admin_headers)
    cycle = client.post(f"{API}/{petr['id']}/memberships", json={"group_id": commune.id}, headers=admin_headers)
    dates = client.post(url, json={"group_id": petr["id"], "valid_from": "2024-02-01", "valid_to": "2024-01-01"},
                        headers=admin_headers)
    unknown_group = client.post(url, json={"group_id": 2_000_000_000}, headers=admin_headers)

    assert duplicate.status_code == 409
    assert (self_member.status_code, self_member.json()["errors"][0]["field"]) == (422, "group_id")
    assert (cycle.status_code, cycle.json()["errors"][0]["field"]) == (422, "group_id")  # commune ∈ EPCI ∈ PETR
    assert (dates.status_code, dates.json()["errors"][0]["field"]) == (422, "valid_to")
    assert (unknown_group.status_code, unknown_group.json()["errors"][0]["field"]) == (422, "group_id")


def test_memberships_need_the_admin_scope_and_a_visible_member(
    client, db, admin_headers, ingest_headers, petr, other_workspace, token_headers
):
    theirs = create(client, token_headers(other_workspace, "admin"), name="Theirs").json()
    epci = referential(db, siren=CC_CASTELNAUDARY)

    assert client.post(f"{API}/{epci.id}/memberships", json={"group_id": petr["id"]},
                       headers=ingest_headers).status_code == 403
    hidden_member = client.post(f"{API}/{theirs['id']}/memberships", json={"group_id": petr["id"]},
                                headers=admin_headers)
    assert hidden_member.status_code == 404
    assert client.get(f"{API}/{theirs['id']}/members", headers=admin_headers).status_code == 404


def test_members_show_history_and_at_keeps_those_valid_that_day(client, db, admin_headers, read_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)
    former = referential(db, siren=CC_TERRES_DU_LAURAGAIS)
    last_year = date.today() - timedelta(days=365)
    client.post(f"{API}/{epci.id}/memberships", json={"group_id": petr["id"]}, headers=admin_headers)
    client.post(f"{API}/{former.id}/memberships", json={
        "group_id": petr["id"], "valid_from": str(last_year - timedelta(days=365)), "valid_to": str(last_year),
    }, headers=admin_headers)
    url = f"{API}/{petr['id']}/members"

    everyone = client.get(url, headers=read_headers).json()
    today = client.get(url, params={"at": str(date.today())}, headers=read_headers).json()
    back_then = client.get(url, params={"at": str(last_year)}, headers=read_headers).json()
    current = client.get(API, params={"member_of": petr["id"]}, headers=read_headers).json()

    assert {m["siren"] for m in everyone["items"]} == {CC_CASTELNAUDARY, CC_TERRES_DU_LAURAGAIS}
    assert [m["siren"] for m in today["items"]] == [CC_CASTELNAUDARY]
    assert {m["siren"] for m in back_then["items"]} == {CC_CASTELNAUDARY, CC_TERRES_DU_LAURAGAIS}
    assert [i["siren"] for i in current["items"]] == [CC_CASTELNAUDARY]


def test_a_workspaces_memberships_are_its_own(client, db, admin_headers, other_workspace, token_headers):
    """Workspace A says a commune of another EPCI joins CC Castelnaudary: B does not see it."""
    epci = referential(db, siren=CC_CASTELNAUDARY)
    elsewhere = referential(db, insee_code="42218", kind="commune")  # Saint-Étienne
    assert client.post(f"{API}/{elsewhere.id}/memberships", json={"group_id": epci.id},
                       headers=admin_headers).status_code == 201
    theirs = token_headers(other_workspace, "read")

    mine = client.get(API, params={"member_of": epci.id, "limit": 500}, headers=admin_headers).json()
    seen_by_b = client.get(API, params={"member_of": epci.id, "limit": 500}, headers=theirs).json()
    members_for_b = client.get(f"{API}/{epci.id}/members", params={"limit": 500}, headers=theirs).json()

    assert mine["total"] == 44 and seen_by_b["total"] == 43 and members_for_b["total"] == 43
    assert "Saint-Étienne" not in [m["name"] for m in members_for_b["items"]]


def test_every_write_is_audited_without_names(client, db, workspace, admin_headers, petr):
    epci = referential(db, siren=CC_CASTELNAUDARY)
    client.post(f"{API}/{epci.id}/memberships", json={"group_id": petr["id"]}, headers=admin_headers)

    entries = db.scalars(select(AuditEntry).where(AuditEntry.workspace_id == workspace.id,
                                                  AuditEntry.object_type.in_(["institution", "institution_membership"]))
                         ).all()

    assert {(e.action, e.object_type) for e in entries} == {("create", "institution"),
                                                            ("create", "institution_membership")}
    assert db.get(Workspace, workspace.id).data_version >= 3
