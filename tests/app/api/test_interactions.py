"""Pushing interaction logs: batch, idempotent, atomic; reading them back."""

import json

import pytest
from sqlalchemy import func, select

from app.models import Affiliation, AuditEntry, Institution, Interaction, Participation, Person, PersonRef, Topic

BATCH = "/api/v1/interactions/batch"


@pytest.fixture
def people(db, workspace):
    """Two people of the workspace: a PETR director (with an email and a CRM ref) and a DGS."""
    epci = db.scalar(select(Institution).where(Institution.siren == "200035855"))
    director = Person(workspace_id=workspace.id, full_name="Alix Factice", email="alix@petr.example")
    dgs = Person(workspace_id=workspace.id, full_name="Sacha Maquette")
    db.add_all([director, dgs])
    db.flush()
    db.add(Affiliation(person_id=dgs.id, institution_id=epci.id, role_category="executive", title="DGS"))
    db.add(PersonRef(workspace_id=workspace.id, person_id=director.id, source="crm", ref="C-42"))
    db.flush()
    return director, dgs


def item(external_id: str, *participants, **fields):
    return {
        "external_id": external_id,
        "occurred_at": "2026-10-06T12:30:00+02:00",
        "kind": "informal",
        "title": "Déjeuner",
        "topics": ["mobilité"],
        "participants": list(participants),
        **fields,
    }


def counts(db) -> tuple[int, int, int, int]:
    return tuple(
        db.scalar(select(func.count()).select_from(model)) for model in (Interaction, Participation, Person, Topic)
    )


def test_a_batch_creates_interactions_with_their_participants(client, db, people, ingest_headers):
    director, dgs = people
    response = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("a1", {"person_id": director.id, "role": "organiser"}, {"person_id": dgs.id}),
        item("a2", {"email": "ALIX@petr.example"}, {"ref": "C-42"}, {"institution_siren": "200035855"},
             kind="meeting", source="crm"),
    ]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    first = client.get(f"/api/v1/interactions/{body['ids'][0]}", headers=ingest_headers).json()
    assert first["occurred_at"] == "2026-10-06T10:30:00Z"  # stored in UTC, returned ISO 8601
    assert first["formal"] is False  # informal kinds default to informal
    assert first["source"].startswith("client-")  # defaults to the token's name
    assert {(p["person_id"], p["role"]) for p in first["participants"]} == {(director.id, "organiser"), (dgs.id, None)}
    second = client.get(f"/api/v1/interactions/{body['ids'][1]}", headers=ingest_headers).json()
    assert second["formal"] is True and second["source"] == "crm"
    assert [p["person_id"] for p in second["participants"] if p["person_id"]] == [director.id]  # email and ref: same person
    assert [p["institution_id"] for p in second["participants"] if p["institution_id"]]


def test_replaying_a_batch_changes_nothing(client, db, people, ingest_headers):
    director, dgs = people
    batch = {"items": [item(f"r{i}", {"person_id": director.id}, {"name": "Nouvelle Personne",
                                                              "institution_siren": "200035855", "role": "DGA"})
                       for i in range(5)]}
    first = client.post(BATCH, headers=ingest_headers, json=batch).json()
    after_first = counts(db)
    for _ in range(3):
        again = client.post(BATCH, headers=ingest_headers, json=batch).json()
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
        assert again["ids"] == first["ids"]
        assert counts(db) == after_first
    created = db.scalars(select(Person).where(Person.full_name == "Nouvelle Personne")).all()
    assert len(created) == 1  # named once, created once, reused on replays
    assert db.scalar(select(Affiliation.title).where(Affiliation.person_id == created[0].id)) == "DGA"


def test_a_changed_item_is_updated(client, db, people, ingest_headers):
    director, dgs = people
    client.post(BATCH, headers=ingest_headers, json={"items": [item("u1", {"person_id": director.id})]})
    changed = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("u1", {"person_id": director.id}, {"person_id": dgs.id}, title="Déjeuner (compte rendu)")]}).json()
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 0)
    stored = client.get(f"/api/v1/interactions/{changed['ids'][0]}", headers=ingest_headers).json()
    assert stored["title"] == "Déjeuner (compte rendu)" and len(stored["participants"]) == 2


def test_ids_follow_the_items_order_whatever_is_new_or_known(client, db, people, ingest_headers):
    """New items are written in key order, not in the batch's order: each id must still be its item's."""
    director, dgs = people
    client.post(BATCH, headers=ingest_headers, json={"items": [item("k3", {"person_id": director.id}),
                                                               item("k1", {"person_id": dgs.id})]})
    external_ids = ["k9", "k3", "k0", "k1", "k5", "k2"]
    body = client.post(BATCH, headers=ingest_headers, json={"items": [
        item(external_id, {"person_id": director.id}, source="crm" if external_id == "k0" else None)
        for external_id in external_ids]}).json()
    assert (body["created"], body["unchanged"], body["updated"]) == (4, 1, 1)
    stored = {row.id: row.external_id for row in db.execute(select(Interaction.id, Interaction.external_id))}
    assert [stored[interaction_id] for interaction_id in body["ids"]] == external_ids


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"participants": [{"person_id": 999999}]}, "participants.0.person_id"),
        ({"occurred_at": "2026-13-45T10:00:00+02:00"}, "occurred_at"),
        ({"occurred_at": "2026-10-06T10:00:00"}, "occurred_at"),
        ({"kind": "party"}, "kind"),
        ({"title": "x" * 301}, "title"),
        ({"participants": [{"email": "nobody@nowhere.example"}]}, "participants.0.email"),
        ({"participants": [{"ref": "unknown"}]}, "participants.0.ref"),
        ({"participants": [{"institution_siren": "200035856"}]}, "participants.0.institution_siren"),
        ({"participants": [{"person_id": 1, "email": "a@b.fr"}]}, "participants.0"),
        ({"participants": []}, "participants"),
    ],
)
def test_one_bad_item_rejects_the_whole_batch(client, db, people, ingest_headers, bad, field):
    director, _dgs = people
    before = counts(db)
    good = item("ok-1", {"person_id": director.id})
    response = client.post(BATCH, headers=ingest_headers, json={"items": [good, {**item("bad-1"), **bad}]})
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert {"index": 1, "field": field} == {k: errors[0][k] for k in ("index", "field")}
    assert errors[0]["message"]
    assert counts(db) == before


def test_duplicate_external_id_inside_a_batch(client, db, people, ingest_headers):
    director, _ = people
    response = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("d1", {"person_id": director.id}), item("d1", {"person_id": director.id})]})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"index": 1, "field": "external_id",
                                            "message": "duplicate external_id 'd1' (also item 0)"}


def test_every_error_is_reported(client, people, ingest_headers):
    response = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("e1", {"person_id": 999998}), item("e2", {"person_id": 999999})]})
    assert [e["index"] for e in response.json()["errors"]] == [0, 1]


def test_limits_give_413(client, people, ingest_headers, monkeypatch):
    from app.settings import get_settings

    director, _ = people
    monkeypatch.setattr(get_settings(), "max_batch_items", 2)
    items = [item(f"l{i}", {"person_id": director.id}) for i in range(3)]
    response = client.post(BATCH, headers=ingest_headers, json={"items": items})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    monkeypatch.setattr(get_settings(), "max_body_bytes", 1024)
    long_summary = item("big", {"person_id": director.id}, summary="x" * 2000)
    response = client.post(BATCH, headers=ingest_headers, json={"items": [long_summary]})
    assert response.status_code == 413


def test_read_scope_cannot_ingest(client, people, read_headers):
    director, _ = people
    response = client.post(BATCH, headers=read_headers, json={"items": [item("s1", {"person_id": director.id})]})
    assert response.status_code == 403


def test_other_workspace_cannot_see_or_touch(client, db, people, ingest_headers, other_workspace, token_headers):
    director, _ = people
    created = client.post(BATCH, headers=ingest_headers, json={"items": [item("w1", {"person_id": director.id})]})
    interaction_id = created.json()["ids"][0]
    other = token_headers(other_workspace, "admin")
    assert client.get(f"/api/v1/interactions/{interaction_id}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/interactions/{interaction_id}", headers=other, json={"title": "x"}).status_code == 404
    assert client.delete(f"/api/v1/interactions/{interaction_id}", headers=other).status_code == 404
    assert client.get("/api/v1/interactions", headers=other).json()["total"] == 0
    # Its people cannot be referenced from the other workspace either.
    response = client.post(BATCH, headers=other, json={"items": [item("w2", {"person_id": director.id})]})
    assert response.status_code == 422
    assert client.get(f"/api/v1/interactions/{interaction_id}", headers=ingest_headers).json()["title"] == "Déjeuner"


def test_list_filters_and_pagination(client, people, ingest_headers):
    director, dgs = people
    client.post(BATCH, headers=ingest_headers, json={"items": [
        item("f1", {"person_id": director.id}, {"person_id": dgs.id}, occurred_at="2026-01-10T10:00:00+01:00",
             topics=["habitat"]),
        item("f2", {"person_id": director.id}, occurred_at="2026-02-10T10:00:00+01:00", kind="call"),
        item("f3", {"person_id": director.id}, occurred_at="2026-03-10T10:00:00+01:00"),
    ]})
    page = client.get("/api/v1/interactions", headers=ingest_headers, params={"limit": 2}).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 0, 2)
    assert [i["external_id"] for i in page["items"]] == ["f3", "f2"]
    def ids(**params):
        return [i["external_id"] for i in client.get("/api/v1/interactions", headers=ingest_headers, params=params).json()["items"]]
    assert ids(since="2026-02-01T00:00:00+01:00") == ["f3", "f2"]
    assert ids(until="2026-02-01T00:00:00+01:00") == ["f1"]
    assert ids(person_id=dgs.id) == ["f1"]
    assert ids(kind="call") == ["f2"]
    assert ids(topic="habitat") == ["f1"]
    assert ids(institution_id=people[1].affiliations[0].institution_id) == ["f1"]  # through the DGS
    response = client.get("/api/v1/interactions", headers=ingest_headers, params={"since": "2026-02-01T00:00:00"})
    assert response.status_code == 422


def test_patch_and_delete(client, db, people, ingest_headers):
    director, dgs = people
    interaction_id = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("p1", {"person_id": director.id})]}).json()["ids"][0]
    patched = client.patch(f"/api/v1/interactions/{interaction_id}", headers=ingest_headers,
                           json={"formal": True, "participants": [{"person_id": director.id}, {"person_id": dgs.id}]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["formal"] is True and len(patched.json()["participants"]) == 2
    assert client.delete(f"/api/v1/interactions/{interaction_id}", headers=ingest_headers).status_code == 204
    assert client.get(f"/api/v1/interactions/{interaction_id}", headers=ingest_headers).status_code == 404


def test_ndjson_stream(client, db, people, ingest_headers):
    director, _ = people
    lines = "\n".join(json.dumps(item(f"n{i}", {"person_id": director.id})) for i in range(7))
    headers = {**ingest_headers, "Content-Type": "application/x-ndjson"}
    response = client.post("/api/v1/interactions/stream", headers=headers, content=lines)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 7
    before = counts(db)
    bad = lines.replace('"n3"', '"m3"') + "\n" + json.dumps({**item("bad", {"person_id": 999999})})
    response = client.post("/api/v1/interactions/stream", headers=headers, content=bad)
    assert response.status_code == 422 and response.json()["errors"][0]["index"] == 7
    assert counts(db) == before


def test_every_write_is_audited(client, db, people, ingest_headers):
    director, _ = people
    before = db.scalar(select(func.count()).select_from(AuditEntry))
    client.post(BATCH, headers=ingest_headers, json={"items": [item("au1", {"person_id": director.id})]})
    entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == before + 1
    assert entry.action == "ingest" and entry.actor.startswith("token:") and entry.details["created"] == 1


def test_the_same_instant_with_another_offset_is_unchanged(client, people, ingest_headers):
    director, _ = people
    first = item("tz1", {"person_id": director.id}, occurred_at="2026-10-06T12:30:00+02:00")
    client.post(BATCH, headers=ingest_headers, json={"items": [first]})
    same = {**first, "occurred_at": "2026-10-06T10:30:00Z"}
    again = client.post(BATCH, headers=ingest_headers, json={"items": [same]}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_a_siren_the_workspace_holds_itself_resolves_to_its_own(client, db, workspace, people, ingest_headers):
    """A body the workspace created before the referential listed it: its SIREN names the
    workspace's own institution, the one its data already points to."""
    director, _dgs = people
    own = Institution(workspace_id=workspace.id, name="CC (fiche locale)", kind="epci", siren="200035855")
    db.add(own)
    db.flush()
    body = client.post(BATCH, headers=ingest_headers, json={"items": [
        item("s1", {"person_id": director.id}, {"institution_siren": "200035855"})]}).json()
    stored = client.get(f"/api/v1/interactions/{body['ids'][0]}", headers=ingest_headers).json()
    assert [p["institution_id"] for p in stored["participants"] if p["institution_id"]] == [own.id]
    found = client.get("/api/v1/institutions", params={"siren": "200035855"}, headers=ingest_headers).json()
    assert sorted(item["workspace_local"] for item in found["items"]) == [False, True]
