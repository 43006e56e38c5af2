"""The analysis API on the demo workspace: planted problems found, the control pair clean."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Institution
from app.services import demo
from app.services.demo import create_demo
from app.services.workspaces import find_workspace

TODAY = date(2026, 11, 25)
UNTIL = datetime(2026, 11, 26, tzinfo=UTC)
WINDOW = {"since": (UNTIL - timedelta(days=365)).isoformat(), "until": UNTIL.isoformat()}


@pytest.fixture
def demo_headers(db, token_headers):
    workspace = create_demo(db, today=TODAY).workspace
    return token_headers(workspace, "read")


def sirens_of(gap):
    return {i["siren"] for i in gap["institutions"] if i["siren"]}


def test_every_planted_problem_is_found(client, demo_headers):
    response = client.get("/api/v1/graph/gaps", headers=demo_headers, params=WINDOW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["window"] == {"since": WINDOW["since"], "until": WINDOW["until"]}
    found = {(gap["kind"], siren) for gap in body["gaps"] for siren in sirens_of(gap)}
    for kind, sirens in demo.PLANTED.items():
        for siren in sirens:
            assert (kind, siren) in found, (kind, siren)
    for gap in body["gaps"]:
        assert gap["severity"] in {"high", "medium", "low"}
        assert gap["recommendation"] and gap["evidence"] is not None


def test_the_control_pair_is_clean(client, demo_headers):
    gaps = client.get("/api/v1/graph/gaps", headers=demo_headers, params=WINDOW).json()["gaps"]
    assert not [gap for gap in gaps if demo.CONTROL_EPCI in sirens_of(gap)]


def test_metrics_at_both_levels(client, db, demo_headers):
    for level in ("person", "institution"):
        body = client.get("/api/v1/graph/metrics", headers=demo_headers, params={"level": level, **WINDOW}).json()
        assert body["level"] == level and body["window"]["until"] == WINDOW["until"]
        assert body["meta"]["sampled"] is False and body["meta"]["data_version"] >= 1
        node = body["nodes"][0]
        assert {"id", "label", "degree", "strength", "betweenness", "closeness", "pagerank", "constraint",
                "effective_size", "community"} <= node.keys()
    petr_id = db.scalar(select(Institution.id).where(Institution.name == "PETR du Pays Lauragais"))
    institutions = client.get("/api/v1/graph/metrics", headers=demo_headers,
                              params={"level": "institution", **WINDOW}).json()["nodes"]
    strongest = max(institutions, key=lambda n: n["strength"])
    assert strongest["id"] == petr_id  # the PETR sits in the middle of its territory


def test_results_are_cached_until_the_data_changes(client, db, demo_headers, token_headers):
    first = client.get("/api/v1/graph/gaps", headers=demo_headers, params=WINDOW).json()
    again = client.get("/api/v1/graph/gaps", headers=demo_headers, params=WINDOW).json()
    assert (first["meta"]["cached"], again["meta"]["cached"]) == (False, True)
    assert again["gaps"] == first["gaps"]
    # Logging the missing exchange with the dormant EPCI: the cache is stale, the gap is gone.
    workspace = find_workspace(db, slug="demo")
    dormant_people = [p for p in client.get("/api/v1/graph/metrics", headers=demo_headers,
                                            params={"level": "person", **WINDOW}).json()["nodes"]]
    vp = next(p for p in dormant_people if p["label"] in {g["name"] for gap in first["gaps"]
                                                            if gap["kind"] == "dormant_liaison" for g in gap["people"]})
    director = next(p for p in dormant_people if p["kind"] == "petr")
    ingest = token_headers(workspace, "ingest")
    response = client.post("/api/v1/interactions", headers=ingest, json={
        "external_id": "renewed-1", "occurred_at": "2026-11-20T12:00:00+01:00", "kind": "informal",
        "title": "Déjeuner de reprise de contact", "participants": [{"person_id": director["id"]}, {"person_id": vp["id"]}],
    })
    assert response.status_code == 201, response.text
    after = client.get("/api/v1/graph/gaps", headers=demo_headers, params=WINDOW).json()
    assert after["meta"]["cached"] is False and after["meta"]["data_version"] > first["meta"]["data_version"]
    assert "dormant_liaison" not in {gap["kind"] for gap in after["gaps"]}


def test_introduction_path_and_neighbourhood(client, demo_headers):
    people = client.get("/api/v1/graph/metrics", headers=demo_headers, params={"level": "person", **WINDOW}).json()
    connected = sorted((n for n in people["nodes"] if n["degree"] > 0), key=lambda n: n["id"])
    source, target = connected[0]["id"], connected[-1]["id"]
    path = client.get("/api/v1/graph/path", headers=demo_headers, params={"from": source, "to": target, **WINDOW})
    assert path.status_code == 200, path.text
    body = path.json()
    if body["found"]:
        assert body["nodes"][0]["id"] == source and body["nodes"][-1]["id"] == target
        assert len(body["hops"]) == len(body["nodes"]) - 1
    around = client.get("/api/v1/graph/neighbourhood", headers=demo_headers,
                        params={"level": "person", "id": source, **WINDOW}).json()
    assert around["neighbours"]


def test_unknown_or_foreign_people_are_404(client, demo_headers, other_workspace, token_headers):
    assert client.get("/api/v1/graph/path", headers=demo_headers, params={"from": 999999, "to": 1}).status_code == 404
    other = token_headers(other_workspace, "read")
    people = client.get("/api/v1/graph/metrics", headers=demo_headers, params={"level": "person"}).json()["nodes"]
    response = client.get("/api/v1/graph/neighbourhood", headers=other, params={"level": "person", "id": people[0]["id"]})
    assert response.status_code == 404


def test_an_empty_workspace_has_an_empty_analysis(client, read_headers):
    body = client.get("/api/v1/graph/metrics", headers=read_headers).json()
    assert body["nodes"] == []
    assert client.get("/api/v1/graph/gaps", headers=read_headers).json()["gaps"] == []


def test_naive_window_is_refused(client, read_headers):
    response = client.get("/api/v1/graph/gaps", headers=read_headers, params={"since": "2026-01-01T00:00:00"})
    assert response.status_code == 422


def test_evolution_compares_two_periods(client, demo_headers):
    params = {
        "before_since": "2025-01-01T00:00:00+00:00", "before_until": "2025-07-01T00:00:00+00:00",
        "after_since": "2026-05-01T00:00:00+00:00", "after_until": "2026-11-26T00:00:00+00:00",
    }
    response = client.get("/api/v1/graph/evolution", headers=demo_headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"before", "after", "gaps", "metrics"}
    # The EPCI that went quiet: no exchange at all in the second period, a gap opened.
    opened = {g["kind"] for g in body["gaps"]["opened"] if demo.EPCI_DORMANT in sirens_of(g)}
    assert opened & {"missing_liaison", "dormant_liaison"}
