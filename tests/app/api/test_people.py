"""People (acteurs): create, search, edit, affiliations, data-subject export and erasure.

Another workspace's person is 404 on every route — never 403, never their data. Erasure leaves
no trace of the person's name or email anywhere in the database.
"""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select

from app.models import (
    AnalysisCache,
    AuditEntry,
    Base,
    ExpectedLiaison,
    Institution,
    Interaction,
    Participation,
    Person,
    PersonRef,
    Topic,
    Workspace,
)

API = "/api/v1/people"
CC_CASTELNAUDARY = "200035855"
CASTELNAUDARY_INSEE = "11076"
DGS = {"institution_siren": CC_CASTELNAUDARY, "role_category": "executive", "title": "DGS"}


def referential_id(db, **where) -> int:
    return db.scalar(select(Institution.id).filter_by(workspace_id=None, **where))


def create(client, headers, **body):
    return client.post(API, json={"full_name": "Camille Exemple", **body}, headers=headers)


def interaction(db, workspace, people, *, title="Réunion", summary=None, location=None, topics=(), kind="meeting",
                external_id=None, institutions=()) -> Interaction:
    """An interaction written straight with the models (the ingestion API is tested elsewhere)."""
    row = Interaction(
        workspace_id=workspace.id, occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), kind=kind, formal=True,
        title=title, summary=summary, location=location, source="test",
        external_id=external_id or f"test-{title}-{len(people)}", content_hash="0" * 64, created_by="test",
    )
    row.topics = [Topic(workspace_id=workspace.id, name=name) for name in topics]
    row.participations = [Participation(person_id=p, role="organiser" if i == 0 else "attendee")
                          for i, p in enumerate(people)]
    row.participations += [Participation(institution_id=i) for i in institutions]
    db.add(row)
    db.flush()
    return row


# --- create --------------------------------------------------------------------------------

def test_create_returns_the_person_with_its_id(client, db, workspace, ingest_headers):
    response = create(client, ingest_headers, full_name="  Camille   Exemple ", email=" Camille.Exemple@CC.example ",
                      notes="Rencontrée au comité syndical.", is_public_figure=False)

    assert response.status_code == 201
    body = response.json()
    assert body["id"] and body["full_name"] == "Camille Exemple"
    assert body["email"] == "camille.exemple@cc.example"  # normalised lower-case
    assert (body["notes"], body["is_public_figure"], body["refs"], body["affiliations"]) == (
        "Rencontrée au comité syndical.", False, [], [])
    assert db.get(Person, body["id"]).workspace_id == workspace.id


def test_affiliations_name_their_institution_by_id_siren_or_commune_code(client, db, ingest_headers):
    cc = referential_id(db, siren=CC_CASTELNAUDARY)
    response = create(client, ingest_headers, full_name="Dominique Factice", is_public_figure=True, affiliations=[
        {"institution_id": cc, "role_category": "elected", "title": "Vice-président", "start": "2026-03-22"},
        {"institution_siren": "211 100 763", "role_category": "elected", "title": "Adjoint", "start": "2026-03-22"},
        {"institution_insee_code": CASTELNAUDARY_INSEE, "role_category": "elected", "title": "Conseiller"},
    ])

    assert response.status_code == 201, response.text
    affiliations = response.json()["affiliations"]
    assert [(a["institution_name"], a["title"], a["start"], a["end"]) for a in affiliations] == [
        ("CC Castelnaudary Lauragais Audois", "Vice-président", "2026-03-22", None),
        ("Castelnaudary", "Adjoint", "2026-03-22", None),
        ("Castelnaudary", "Conseiller", None, None),
    ]
    assert all(a["id"] and a["role_category"] == "elected" for a in affiliations)
    assert affiliations[0]["institution_id"] == cc


@pytest.mark.parametrize("body, field", [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "x" * 201}, "full_name"),
    ({"email": "not-an-email"}, "email"),
    ({"is_public_figure": "maybe"}, "is_public_figure"),
    ({"nickname": "Cam"}, "nickname"),  # unknown fields are refused, not ignored
    ({"affiliations": [{"role_category": "executive", "title": "DGS"}]}, "affiliations.0.institution_id"),
    ({"affiliations": [DGS | {"institution_id": 1}]}, "affiliations.0.institution_siren"),
    ({"affiliations": [DGS | {"institution_siren": "200035856"}]}, "affiliations.0.institution_siren"),
    ({"affiliations": [DGS | {"institution_siren": "123456782"}]}, "affiliations.0.institution_siren"),  # unknown
    ({"affiliations": [DGS | {"institution_siren": None, "institution_insee_code": "11"}]},
     "affiliations.0.institution_insee_code"),  # a département's code, not a commune's
    ({"affiliations": [DGS | {"role_category": "boss"}]}, "affiliations.0.role_category"),
    ({"affiliations": [DGS | {"title": ""}]}, "affiliations.0.title"),
    ({"affiliations": [DGS | {"title": "t" * 201}]}, "affiliations.0.title"),
    ({"affiliations": [DGS | {"start": "2026-03-22", "end": "2026-03-21"}]}, "affiliations.0.end"),
    ({"affiliations": [DGS | {"start": "22/03/2026"}]}, "affiliations.0.start"),
])
def test_invalid_people_are_422_naming_the_field(client, db, ingest_headers, body, field):
    before = db.scalar(select(func.count()).select_from(Person))

    response = create(client, ingest_headers, **body)

    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["error"]["code"] == "invalid" and payload["error"]["message"]
    assert field in [e["field"] for e in payload["errors"]]
    assert all(set(e) == {"field", "message"} and e["message"] for e in payload["errors"])
    assert db.scalar(select(func.count()).select_from(Person)) == before  # nothing written


def test_every_bad_affiliation_is_reported_at_once(client, ingest_headers):
    response = create(client, ingest_headers, affiliations=[
        DGS | {"institution_siren": "123456782"}, DGS, DGS | {"institution_siren": None, "institution_id": 2_000_000_000},
    ])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [
        "affiliations.0.institution_siren", "affiliations.2.institution_id"]


def test_an_email_is_unique_in_a_workspace(client, ingest_headers, other_workspace, token_headers):
    assert create(client, ingest_headers, email="dgs@cc.example").status_code == 201

    again = create(client, ingest_headers, full_name="Someone Else", email="DGS@cc.example")
    elsewhere = create(client, token_headers(other_workspace, "ingest"), email="dgs@cc.example")

    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert elsewhere.status_code == 201  # another workspace, another map


def test_a_ref_is_the_clients_own_id_unique_per_source(client, db, workspace, token_headers):
    crm = token_headers(workspace, "ingest", "crm")

    first = create(client, crm, ref="4412").json()
    explicit = create(client, crm, full_name="Other", ref="4412", source="agenda").json()
    duplicate = create(client, crm, full_name="Third", ref="4412")

    assert first["refs"] == [{"source": "crm", "ref": "4412"}]  # the source defaults to the token's name
    assert explicit["refs"] == [{"source": "agenda", "ref": "4412"}]
    assert duplicate.status_code == 409
    found = client.get(API, params={"ref": "4412", "source": "crm"}, headers=crm).json()
    assert [p["id"] for p in found["items"]] == [first["id"]]
    assert db.scalar(select(PersonRef.workspace_id).where(PersonRef.person_id == first["id"])) == workspace.id


def test_a_read_token_cannot_write(client, db, read_headers, ingest_headers):
    person = create(client, ingest_headers, full_name="Avant").json()
    url = f"{API}/{person['id']}"

    responses = [
        create(client, read_headers),
        client.patch(url, json={"full_name": "Après"}, headers=read_headers),
        client.delete(url, headers=read_headers),
        client.post(f"{url}/affiliations", json=DGS, headers=read_headers),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert all(r.json()["error"]["code"] == "forbidden" for r in responses)
    assert db.scalar(select(func.count()).select_from(Person)) == 1
    assert client.get(url, headers=read_headers).json()["full_name"] == "Avant"


def test_no_token_is_401(client):
    assert client.get(API).status_code == 401
    assert client.post(API, json={"full_name": "x"}).status_code == 401


# --- list, search, get -------------------------------------------------------------------------

def test_search_by_name_ignores_case_and_accents_and_matches_emails(client, db, ingest_headers, read_headers):
    helene = create(client, ingest_headers, full_name="Hélène Maquette-Brouillon", email="h.maquette@petr.example").json()
    create(client, ingest_headers, full_name="Jules Esquisse", email="jules@cc.example")

    for q in ("helene", "HÉLÈNE MAQUETTE", "maquette brouillon", "petr.example"):
        found = client.get(API, params={"q": q}, headers=read_headers).json()
        assert [p["id"] for p in found["items"]] == [helene["id"]], q
    assert client.get(API, params={"q": "_"}, headers=read_headers).json()["total"] == 0  # no wildcard


def test_filter_by_institution_and_paginate(client, db, ingest_headers, read_headers):
    cc = referential_id(db, siren=CC_CASTELNAUDARY)
    ids = [create(client, ingest_headers, full_name=f"Agent {n}", affiliations=[DGS | {"title": f"Poste {n}"}]).json()["id"]
           for n in range(3)]
    create(client, ingest_headers, full_name="Agent sans poste")

    first = client.get(API, params={"institution_id": cc, "limit": 2}, headers=read_headers).json()
    rest = client.get(API, params={"institution_id": cc, "limit": 2, "offset": 2}, headers=read_headers).json()

    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [p["id"] for p in first["items"] + rest["items"]] == ids  # by name
    assert client.get(API, params={"institution_id": 2_000_000_000}, headers=read_headers).json()["total"] == 0


def test_get_a_person(client, ingest_headers, read_headers):
    created = create(client, ingest_headers, affiliations=[DGS]).json()

    got = client.get(f"{API}/{created['id']}", headers=read_headers)

    assert got.status_code == 200 and got.json() == created


# --- patch ---------------------------------------------------------------------------------

def test_patch_changes_only_the_fields_sent(client, db, workspace, ingest_headers):
    person = create(client, ingest_headers, email="old@cc.example", notes="Une note").json()
    version = db.get(Workspace, workspace.id).data_version

    response = client.patch(f"{API}/{person['id']}", json={"full_name": "Camille Nouveau", "email": None},
                            headers=ingest_headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["full_name"], body["email"], body["notes"]) == ("Camille Nouveau", None, "Une note")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.object_id == person["id"])).one()
    assert entry.details == {"fields": ["email", "full_name"]}  # which fields, never their values
    db.expire_all()
    assert db.get(Workspace, workspace.id).data_version > version


@pytest.mark.parametrize("body, field", [
    ({"full_name": None}, "full_name"),
    ({"full_name": ""}, "full_name"),
    ({"is_public_figure": None}, "is_public_figure"),
    ({"email": "nope"}, "email"),
    ({"workspace_id": 2}, "workspace_id"),
])
def test_invalid_patches_are_422(client, ingest_headers, body, field):
    person = create(client, ingest_headers).json()
    response = client.patch(f"{API}/{person['id']}", json=body, headers=ingest_headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_patching_to_a_taken_email_is_409(client, ingest_headers):
    create(client, ingest_headers, email="taken@cc.example")
    person = create(client, ingest_headers, full_name="Other").json()
    response = client.patch(f"{API}/{person['id']}", json={"email": "Taken@cc.example"}, headers=ingest_headers)
    assert response.status_code == 409


# --- affiliations --------------------------------------------------------------------------

def test_affiliations_are_added_listed_changed_and_removed(client, db, ingest_headers, read_headers):
    person = create(client, ingest_headers).json()
    url = f"{API}/{person['id']}/affiliations"

    added = client.post(url, json=DGS | {"start": "2024-09-01"}, headers=ingest_headers)
    duplicate = client.post(url, json=DGS | {"title": "dgs", "start": "2024-09-01"}, headers=ingest_headers)
    listed = client.get(url, headers=read_headers).json()
    ended = client.patch(f"{url}/{added.json()['id']}", json={"end": "2026-03-31"}, headers=ingest_headers)
    bad_end = client.patch(f"{url}/{added.json()['id']}", json={"end": "2020-01-01"}, headers=ingest_headers)
    removed = client.delete(f"{url}/{added.json()['id']}", headers=ingest_headers)

    assert added.status_code == 201
    assert added.json() | {"institution_name": "CC Castelnaudary Lauragais Audois", "title": "DGS",
                           "role_category": "executive", "start": "2024-09-01", "end": None} == added.json()
    assert duplicate.status_code == 409
    assert (listed["total"], [a["id"] for a in listed["items"]]) == (1, [added.json()["id"]])
    assert (ended.status_code, ended.json()["end"]) == (200, "2026-03-31")
    assert (bad_end.status_code, bad_end.json()["errors"][0]["field"]) == (422, "end")
    assert removed.status_code == 204 and removed.content == b""
    assert client.get(f"{API}/{person['id']}", headers=read_headers).json()["affiliations"] == []
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "person",
                                                         AuditEntry.object_id == person["id"]).order_by(AuditEntry.id)).all()
    assert actions == ["create", "add_affiliation", "update_affiliation", "remove_affiliation"]


def test_an_affiliation_belongs_to_its_person(client, ingest_headers):
    first = create(client, ingest_headers, affiliations=[DGS]).json()
    second = create(client, ingest_headers, full_name="Second").json()
    affiliation_id = first["affiliations"][0]["id"]

    response = client.delete(f"{API}/{second['id']}/affiliations/{affiliation_id}", headers=ingest_headers)

    assert response.status_code == 404
    assert len(client.get(f"{API}/{first['id']}", headers=ingest_headers).json()["affiliations"]) == 1


def test_another_workspaces_local_institution_cannot_be_named(client, ingest_headers, other_workspace, token_headers):
    theirs = client.post("/api/v1/institutions", json={"name": "Leur cabinet", "kind": "other"},
                         headers=token_headers(other_workspace, "admin")).json()
    person = create(client, ingest_headers).json()

    response = client.post(f"{API}/{person['id']}/affiliations",
                           json={"institution_id": theirs["id"], "role_category": "other", "title": "Conseil"},
                           headers=ingest_headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "institution_id"
    assert "Leur cabinet" not in response.text


# --- isolation -----------------------------------------------------------------------------

def test_another_workspaces_person_is_404_on_every_route(client, db, workspace, other_workspace, token_headers):
    theirs = token_headers(other_workspace, "ingest")
    person = create(client, theirs, full_name="Secret Person", email="secret@b.example", notes="Private",
                    affiliations=[DGS]).json()
    affiliation_id = person["affiliations"][0]["id"]
    mine = token_headers(workspace, "admin")  # even the strongest scope of workspace A
    url = f"{API}/{person['id']}"

    responses = {
        "get": client.get(url, headers=mine),
        "patch": client.patch(url, json={"full_name": "Hijacked", "notes": None}, headers=mine),
        "delete": client.delete(url, headers=mine),
        "export": client.get(f"{url}/export", headers=mine),
        "list affiliations": client.get(f"{url}/affiliations", headers=mine),
        "add affiliation": client.post(f"{url}/affiliations", json=DGS, headers=mine),
        "change affiliation": client.patch(f"{url}/affiliations/{affiliation_id}", json={"title": "X"}, headers=mine),
        "remove affiliation": client.delete(f"{url}/affiliations/{affiliation_id}", headers=mine),
    }

    for route, response in responses.items():
        assert response.status_code == 404, route
        assert response.json()["error"]["code"] == "not_found", route
        assert "Secret" not in response.text and "secret@" not in response.text, route
    assert client.get(API, params={"q": "secret"}, headers=mine).json()["total"] == 0
    assert client.get(url, headers=theirs).json() == person  # unchanged


# --- data-subject access -------------------------------------------------------------------

def test_export_returns_everything_held_about_the_person(client, db, workspace, token_headers):
    crm = token_headers(workspace, "ingest", "crm")
    cc = referential_id(db, siren=CC_CASTELNAUDARY)
    person = create(client, crm, full_name="Alix Témoin", email="alix@cc.example", notes="Préfère le téléphone",
                    ref="c-17", affiliations=[DGS | {"start": "2024-09-01"}]).json()
    colleague = create(client, crm, full_name="Sacha Modèle").json()
    coffee = interaction(db, workspace, [person["id"], colleague["id"]], title="Café", kind="informal",
                         topics=["mobilité"], summary="Point mobilité", location="Castelnaudary", institutions=[cc])
    interaction(db, workspace, [colleague["id"]], title="Sans Alix")
    client.patch(f"{API}/{person['id']}", json={"notes": "Préfère les courriels"}, headers=crm)

    response = client.get(f"{API}/{person['id']}/export", headers=token_headers(workspace, "read"))

    assert response.status_code == 200
    export = response.json()
    assert export["workspace"] == "petr-a" and export["exported_at"]
    assert export["person"] | {"id": person["id"], "full_name": "Alix Témoin", "email": "alix@cc.example",
                               "notes": "Préfère les courriels", "is_public_figure": False} == export["person"]
    assert export["refs"] == [{"source": "crm", "ref": "c-17"}]
    assert [(a["institution_name"], a["title"], a["start"], a["source"]) for a in export["affiliations"]] == [
        ("CC Castelnaudary Lauragais Audois", "DGS", "2024-09-01", "crm")]
    assert export["interactions"] == [{
        "id": coffee.id, "occurred_at": "2026-03-02T09:30:00Z", "kind": "informal", "formal": True, "title": "Café",
        "summary": "Point mobilité", "location": "Castelnaudary", "topics": ["mobilité"], "source": "test",
        "external_id": coffee.external_id, "role": "organiser",
        "other_participants": {"people": [colleague["id"]], "institutions": [cc]},
    }]
    assert [e["action"] for e in export["audit"]] == ["create", "update"]
    assert "Sacha" not in response.text  # other people appear by id only


# --- erasure -------------------------------------------------------------------------------

NAME, EMAIL = "Zoé Témoin-Effacé", "zoe.temoin@mairie.example"


def text_hits(db, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every String, Text or JSON column of every table holding a needle.

    JSON is searched as stored, with non-ASCII characters escaped (``\\u00e9``) as well as raw.
    """
    forms = {form for needle in needles for form in (needle, json.dumps(needle)[1:-1])}
    hits = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (String, Text, JSON)):
                continue
            as_text = func.lower(cast(column, Text))
            for form in forms:
                count = db.scalar(select(func.count()).select_from(table).where(as_text.like(f"%{form.lower()}%")))
                if count:
                    hits.append((table.name, column.name, form))
    return hits


def test_erasure_leaves_no_trace_of_the_name_or_email_anywhere(client, db, workspace, token_headers):
    headers = token_headers(workspace, "ingest", "crm")
    cc = referential_id(db, siren=CC_CASTELNAUDARY)
    zoe = create(client, headers, full_name=NAME, email=EMAIL, notes="Élue depuis 2020", is_public_figure=True,
                 ref="crm-zoe", affiliations=[DGS | {"role_category": "elected", "title": "Maire"}]).json()
    colleague = create(client, headers, full_name="Jules Esquisse", notes=f"Travaille avec {NAME} ({EMAIL}).",
                       affiliations=[DGS | {"title": f"Adjoint de {NAME}"}]).json()
    meeting = interaction(
        db, workspace, [zoe["id"], colleague["id"]], title=f"Réunion avec {NAME}",
        summary=f"ZOÉ TÉMOIN-EFFACÉ a présenté le projet. Écrire à {EMAIL.upper()} ; TÉMOIN-EFFACÉ Zoé signe.",
        location=f"Bureau de {NAME}", institutions=[cc],
    )
    lunch = interaction(db, workspace, [colleague["id"], zoe["id"]], title="Déjeuner", kind="informal",
                        summary="Zoé Temoin Effacé absente")  # spelt without accents nor hyphen
    db.add(Institution(workspace_id=workspace.id, name=f"Cabinet de {NAME}", kind="other"))
    db.add(ExpectedLiaison(workspace_id=workspace.id, institution_a_id=cc, institution_b_id=referential_id(
        db, kind="region", insee_code="76"), note=f"Contact : {NAME}"))
    db.add(AuditEntry(workspace_id=workspace.id, actor="legacy", action="note", object_type="person",
                      details={"said": f"{NAME} <{EMAIL}>"}))  # an entry written before the rule
    db.add(AnalysisCache(workspace_id=workspace.id, key="metrics", data_version=1,
                         payload={"nodes": [{"id": zoe["id"], "label": NAME}]}))
    db.flush()
    assert text_hits(db, [NAME, EMAIL])  # the scan finds them before

    response = client.delete(f"{API}/{zoe['id']}", headers=headers)

    assert response.status_code == 204 and response.content == b""
    assert text_hits(db, [NAME, EMAIL, "Témoin-Effacé", "Zoé Temoin", "temoin effac", "zoe.temoin"]) == []
    db.expire_all()
    assert db.get(Person, zoe["id"]) is None
    assert db.scalar(select(func.count()).select_from(Participation).where(Participation.person_id == zoe["id"])) == 0
    assert db.scalar(select(func.count()).select_from(PersonRef).where(PersonRef.person_id == zoe["id"])) == 0
    # The interactions stay, without her; their text says someone was erased.
    assert db.get(Interaction, meeting.id).title == "Réunion avec [personne effacée]"
    assert db.get(Interaction, meeting.id).location == "Bureau de [personne effacée]"
    assert db.get(Interaction, lunch.id).summary == "[personne effacée] absente"
    assert [p.person_id for p in db.get(Interaction, meeting.id).participations if p.person_id] == [colleague["id"]]
    assert db.get(Person, colleague["id"]).notes == "Travaille avec [personne effacée] ([personne effacée])."
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert (entry.object_type, entry.object_id, entry.actor) == ("person", zoe["id"], "token:crm")
    assert entry.details == {"affiliations": 1, "participations": 2, "refs": 1, "texts_scrubbed": 10}
    for route in ("", "/export", "/affiliations"):
        assert client.get(f"{API}/{zoe['id']}{route}", headers=headers).status_code == 404


def test_erasure_touches_neither_other_workspaces_nor_homonyms_names(
    client, db, workspace, other_workspace, ingest_headers, token_headers
):
    theirs = token_headers(other_workspace, "ingest")
    zoe = create(client, ingest_headers, full_name=NAME).json()
    homonym = create(client, ingest_headers, full_name=NAME, email="autre.zoe@cc.example").json()
    elsewhere = create(client, theirs, full_name=NAME, notes=f"Vue avec {NAME}").json()
    their_meeting = interaction(db, other_workspace, [elsewhere["id"]], title=f"Réunion avec {NAME}")

    assert client.delete(f"{API}/{zoe['id']}", headers=ingest_headers).status_code == 204

    assert client.get(f"{API}/{homonym['id']}", headers=ingest_headers).json()["full_name"] == NAME
    assert client.get(f"{API}/{elsewhere['id']}", headers=theirs).json() == elsewhere
    db.expire_all()
    assert db.get(Interaction, their_meeting.id).title == f"Réunion avec {NAME}"


def test_a_short_one_word_name_is_erased_only_as_a_word(client, db, workspace, ingest_headers):
    li = create(client, ingest_headers, full_name="Li").json()
    meeting = interaction(db, workspace, [li["id"]], title="Li et la politique locale")

    client.delete(f"{API}/{li['id']}", headers=ingest_headers)

    db.expire_all()
    assert db.get(Interaction, meeting.id).title == "[personne effacée] et la politique locale"
