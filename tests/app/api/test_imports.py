"""Imports by upload: `POST /api/v1/imports/{rne,ics,csv}`, templates and exports."""

import pytest
from sqlalchemy import func, select

from app.models import Interaction, Person
from app.services.imports import template_text
from app.services.people import create_person
from app.services.territory import create_territory
from tests.app.services.imports.conftest import CD_FILE, TERRES_DU_LAURAGAIS
from tests.app.services.imports.test_ics import CALENDAR


@pytest.fixture
def territory(db, workspace):
    """The token's workspace gets a territory: one EPCI of Haute-Garonne."""
    create_territory(db, workspace_slug=workspace.slug, name="PETR A", epci_sirens=[TERRES_DU_LAURAGAIS])
    return workspace


def upload(client, path: str, headers, content: bytes, filename: str = "file.csv", **params):
    return client.post(f"/api/v1/imports/{path}", headers=headers, params=params,
                       files={"file": (filename, content, "application/octet-stream")})


def test_upload_an_rne_file(client, territory, ingest_headers):
    response = upload(client, "rne", ingest_headers, CD_FILE.read_bytes())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["kind"] == "rne" and report["info"]["file"] == "departemental"
    assert report["counts"]["people"] == {"created": 54, "updated": 0, "unchanged": 0, "ended": 0, "deleted": 0}
    assert report["skipped_by_reason"] == {"outside_territory": 131}

    again = upload(client, "rne", ingest_headers, CD_FILE.read_bytes()).json()
    assert again["changed"] is False and again["counts"]["affiliations"]["unchanged"] == 54


def test_rne_dry_run_and_all(client, db, territory, ingest_headers):
    report = upload(client, "rne", ingest_headers, CD_FILE.read_bytes(), dry_run="true", all="true").json()
    assert report["dry_run"] is True and report["counts"]["people"]["created"] == 185
    assert db.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == territory.id)) == 0


def test_importing_needs_the_ingest_scope(client, territory, read_headers):
    response = upload(client, "rne", read_headers, CD_FILE.read_bytes())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert upload(client, "rne", {}, CD_FILE.read_bytes()).status_code == 401


def test_a_csv_with_bad_rows_is_a_422_listing_them(client, db, workspace, ingest_headers):
    content = b"full_name;email\nCamille Exemple;camille@cc.example\nJean;pas-un-email\n"
    response = upload(client, "csv", ingest_headers, content, type="people")
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["message"].startswith("1 of 2 rows is invalid; nothing was written")
    assert body["errors"] == [{"line": 3, "field": "email", "message": "invalid email address 'pas-un-email'"}]
    assert db.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == workspace.id)) == 0

    skipped = upload(client, "csv", ingest_headers, content, type="people", skip_invalid="true").json()
    assert skipped["counts"]["people"]["created"] == 1 and skipped["invalid_rows"] == 1


def test_csv_type_is_checked(client, workspace, ingest_headers):
    response = upload(client, "csv", ingest_headers, b"a;b\n", type="elus")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.type"


def test_upload_a_calendar(client, db, workspace, ingest_headers):
    create_person(db, workspace=workspace, full_name="Directrice", email="directrice@petr.example", actor="test")
    response = upload(client, "ics", ingest_headers, CALENDAR, filename="agenda.ics",
                      since="2026-01-01T00:00:00+01:00", until="2026-03-01T00:00:00+01:00")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["counts"]["interactions"]["created"] == 9
    assert {"email": "dgs@cc.example", "events": 6} in report["info"]["unknown_attendees"]
    assert db.scalar(select(func.count()).select_from(Interaction).where(Interaction.source == "ics")) == 9

    naive = upload(client, "ics", ingest_headers, CALENDAR, since="2026-01-01T00:00:00")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "since"


def test_not_a_calendar_is_a_422(client, workspace, ingest_headers):
    response = upload(client, "ics", ingest_headers, b"\x89PNG\r\n\x1a\n\x00\x00", filename="x.ics")
    assert response.status_code == 422


def test_download_a_template(client, read_headers):
    response = client.get("/api/v1/imports/templates/interactions.csv", headers=read_headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="maillage-interactions.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens the accents right
    assert response.content.decode("utf-8-sig") == template_text("interactions")
    assert client.get("/api/v1/imports/templates/interactions.csv").status_code == 401
    assert client.get("/api/v1/imports/templates/elus.csv", headers=read_headers).status_code == 422


def test_export_then_upload_into_another_workspace(client, db, workspace, other_workspace, ingest_headers,
                                                   token_headers):
    for kind in ("people", "interactions"):
        assert upload(client, "csv", ingest_headers, template_text(kind).encode(), type=kind).status_code == 200
    other = token_headers(other_workspace, "ingest")
    for kind in ("people", "interactions"):
        exported = client.get(f"/api/v1/imports/export/{kind}.csv", headers=ingest_headers)
        assert exported.status_code == 200
        report = upload(client, "csv", other, exported.content, type=kind).json()
        assert report["counts"][kind]["created"] == report["rows"], report

    def people(ws):
        return db.scalar(select(func.count()).select_from(Person).where(Person.workspace_id == ws.id))

    assert people(other_workspace) == people(workspace) == 4  # three from the file, one created by a meeting
