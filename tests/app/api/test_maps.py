"""Maps and exports through the API, on the demo workspace."""

from datetime import UTC, date, datetime, timedelta

import networkx as nx
import pytest

from app.services.demo import create_demo

UNTIL = datetime(2026, 11, 26, tzinfo=UTC)
WINDOW = {"since": (UNTIL - timedelta(days=365)).isoformat(), "until": UNTIL.isoformat()}


@pytest.fixture
def demo_headers(db, token_headers):
    return token_headers(create_demo(db, today=date(2026, 11, 25)).workspace, "read")


def test_institution_map_is_one_standalone_page(client, demo_headers):
    response = client.get("/api/v1/maps/institution.html", headers=demo_headers, params=WINDOW)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<script src=" not in html and "<link rel=\"stylesheet\" href=" not in html
    assert "Carte des structures" in html and "PETR du Pays Lauragais" in html
    download = client.get("/api/v1/maps/person.html", headers=demo_headers, params={**WINDOW, "download": 1})
    assert download.headers["content-disposition"] == 'attachment; filename="maillage-demo-person.html"'


def test_graph_exports_are_readable_by_networkx(client, demo_headers, tmp_path):
    for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        response = client.get(f"/api/v1/exports/graph.{fmt}", headers=demo_headers, params=WINDOW)
        assert response.status_code == 200
        path = tmp_path / f"graph.{fmt}"
        path.write_bytes(response.content)
        G = reader(path)
        assert G.number_of_nodes() > 10
        labels = {data.get("label") for _, data in G.nodes(data=True)}
        assert "PETR du Pays Lauragais" in labels


def test_gaps_csv(client, demo_headers):
    response = client.get("/api/v1/exports/gaps.csv", headers=demo_headers, params=WINDOW)
    assert response.status_code == 200
    assert response.text.splitlines()[0].startswith("kind,severity")
    assert "dormant_liaison" in response.text


def test_bad_filters_are_422(client, demo_headers):
    response = client.get("/api/v1/maps/institution.html", headers=demo_headers, params={"kind": "planet"})
    assert response.status_code == 422
    assert client.get("/api/v1/maps/galaxy.html", headers=demo_headers).status_code == 422


@pytest.mark.browser
def test_the_served_map_draws_offline(client, demo_headers, offline_page, tmp_path):
    html = client.get("/api/v1/maps/institution.html", headers=demo_headers, params=WINDOW).text
    page = offline_page
    page.open_html(html, tmp_path, "carte.html")
    page.page.wait_for_selector("html[data-maillage-ready=true]", state="attached")
    assert page.page.locator("canvas").count() >= 1
    assert page.page.evaluate("maillageNetwork.body.data.nodes.length") > 10
    assert page.log.problems() == {}
