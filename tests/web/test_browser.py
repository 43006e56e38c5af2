"""The web UI in a real Chromium (Debian's), against a real server on 127.0.0.1.

A PETR director's first five minutes: log in, read the dashboard, filter the map and see it
drawn, open a node's detail, open a gap, log an exchange through the form and see it in the
journal and in the analysis, export the map for a council meeting. Also: the screenshots of
the main pages at 1280×720 (``MAILLAGE_SCREENSHOTS=dir`` keeps them; ``make screenshots``).
"""

import os
import re
from pathlib import Path

import pytest

from tests.web.live import LiveServer, live_server, log_in  # noqa: F401 - live_server is a fixture

pytestmark = pytest.mark.browser

PROJECTOR = (1280, 720)


def map_ready(page):
    """The map frame's document, once vis-network has drawn it (a selector: no script evaluated)."""
    frame = page.frame_locator("#carte-document")
    frame.locator("html[data-maillage-ready='true']").wait_for(state="attached")
    return frame


def test_a_director_explores_logs_an_exchange_and_exports_the_map(open_page, live_server: LiveServer,  # noqa: F811
                                                                   tmp_path: Path):
    server = live_server
    watched = open_page(allow=(server.url,), viewport=PROJECTOR)
    page = watched.page

    # Log in (as an editor: a director logs exchanges) and read the dashboard.
    log_in(page, server, "editor")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
    stats = page.locator(".stat")
    assert stats.count() == 4
    gaps_on_dashboard = int(re.sub(r"\D", "", stats.nth(3).locator(".value").inner_text()))
    assert gaps_on_dashboard >= 5
    assert page.locator(".gap-list li").count() == 5

    # The map: filter it (people, by échelon, only EPCI and PETR people) and see it drawn.
    page.get_by_role("link", name="Carte", exact=True).click()
    map_ready(page)
    page.locator("#filtres > summary").click()
    page.get_by_label("Niveau").select_option("person")
    page.locator("details.dropdown summary", has_text="Types de structure").click()
    page.get_by_label("EPCI", exact=True).check()
    page.get_by_label("PETR / pays", exact=True).check()
    page.get_by_label("Vue par échelon").check()
    page.get_by_role("button", name="Afficher la carte").click()
    page.wait_for_url(re.compile(r".*/carte\?.*niveau=person.*echelon=1"))
    frame = map_ready(page)
    assert "Vue par échelon" in frame.locator(".legend").inner_text()
    assert re.search(r"\d+ acteurs", frame.locator(".facts").inner_text())
    assert "Types de structure" in frame.locator(".facts").inner_text()

    # Node detail: from the list (keyboard path) and by clicking a node on the canvas.
    chooser = page.get_by_label("Aller à un élément de la carte")
    page.locator("#carte-element:not([disabled])").wait_for()
    first = chooser.locator("option").nth(1)
    name = first.inner_text()
    chooser.select_option(first.get_attribute("value"))
    detail = page.locator("#carte-detail")
    assert detail.get_by_role("heading", level=3).inner_text() == name
    assert detail.get_by_role("link", name=f"Ouvrir la fiche de {name}").get_attribute("href").startswith("/acteurs/")
    # The selected node is centred: a click in the middle of the canvas opens it again.
    page.evaluate("() => { document.getElementById('carte-detail').textContent = ''; }")
    assert detail.inner_text() == ""
    canvas = frame.locator("#maillage-map canvas")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert detail.get_by_role("heading", level=3).inner_text() == name

    # Export for a council meeting: an offline HTML file, downloaded.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter pour présentation").click()
    download = download_info.value
    assert re.fullmatch(r"carte-demo-acteurs-\d{4}-\d\d-\d\d\.html", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "maillage-data" in html and "<script src=" not in html

    # The gap report: open the isolated actor's gap, then the person it names.
    page.get_by_role("link", name="Écarts de liaison", exact=True).click()
    rows = page.locator("table.gaps tbody tr")
    assert rows.count() == gaps_on_dashboard
    page.get_by_role("link", name="Acteur isolé").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Acteur isolé"
    assert page.get_by_role("heading", name="Action recommandée").is_visible()
    person_link = page.locator("section", has=page.get_by_role("heading", name="Qui est concerné")).locator(
        "a[href^='/acteurs/']").first
    president = person_link.inner_text()
    person_link.click()
    president_url = page.url
    person_id = president_url.rsplit("/", 1)[1]
    assert "Aucun échange sur la période" in page.locator("section", has_text="Place dans le réseau").inner_text()

    # Log an exchange with them through the quick form, as a director would, in a few seconds.
    page.get_by_role("link", name="Journal", exact=True).click()
    form = page.locator("#formulaire-echange")
    form.get_by_label("Type d'échange").select_option("informal")
    assert form.get_by_label("Informel", exact=True).is_checked()  # set by the page, from the kind
    form.get_by_label("Titre").fill("Déjeuner avec la présidence de l'EPCI")
    form.get_by_label("mobilité", exact=True).check()
    option = page.locator(f"#personnes option[value$='(n° {person_id})']").get_attribute("value")
    assert option.startswith(president)
    form.get_by_label("Participant 1").fill(option)
    colleague = page.locator("#personnes option").nth(0).get_attribute("value")
    form.get_by_label("Participant 2").fill(colleague)
    form.get_by_role("button", name="Ajouter un participant").click()
    from playwright.sync_api import (
        expect,  # imported here: without Playwright the fixtures skip (or fail in CI)
    )

    expect(form.get_by_label("Participant 4")).to_be_focused()
    form.get_by_role("button", name="Enregistrer l'échange").click()
    page.wait_for_url(re.compile(r".*/journal\?enregistre=\d+"))
    notice = page.get_by_role("status").first.inner_text()
    assert "Échange enregistré : « Déjeuner avec la présidence de l'EPCI »" in notice
    assert page.locator("table.interactions").get_by_text("Déjeuner avec la présidence de l'EPCI").is_visible()

    # The analysis sees it: the person now has a place in the network, and the gap is gone.
    page.goto(president_url)
    network = page.locator("section", has_text="Place dans le réseau").inner_text()
    assert "Interlocuteurs directs" in network and "Aucun échange sur la période" not in network
    assert "Déjeuner avec la présidence de l'EPCI" in page.locator("section", has_text="Derniers échanges").inner_text()
    page.goto(f"{server.url}/ecarts")
    assert page.locator("table.gaps tbody tr").count() < gaps_on_dashboard
    assert page.get_by_role("link", name="Acteur isolé").count() == 0

    assert watched.log.problems() == {}


def test_a_bad_exchange_is_refused_in_french_without_losing_anything(open_page, live_server):  # noqa: F811
    watched = open_page(allow=(live_server.url,), viewport=PROJECTOR)
    page = watched.page
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/journal")
    form = page.locator("#formulaire-echange")
    form.get_by_label("Participant 1").fill("Quelqu'un que personne ne connaît")
    form.get_by_label("Lieu (facultatif)").fill("Salle du conseil")
    form.get_by_role("button", name="Enregistrer l'échange").click()
    page.locator("#erreurs-echange").wait_for()
    title = page.get_by_label("Titre")
    assert title.get_attribute("aria-invalid") == "true"
    assert page.locator("#erreur-titre").inner_text().startswith("Donnez un titre")
    assert "Aucun acteur « Quelqu'un que personne ne connaît »" in page.locator("#erreur-participant-1").inner_text()
    assert page.get_by_label("Participant 1").input_value() == "Quelqu'un que personne ne connaît"
    assert page.get_by_label("Lieu (facultatif)").input_value() == "Salle du conseil"
    # The refused form comes back with status 400, which Chromium notes in the console.
    problems = watched.log.problems()
    assert [e for e in problems.pop("console_errors", []) if "status of 400" not in e] == [] and problems == {}


def test_a_viewer_sees_no_editor_or_admin_action(open_page, live_server):  # noqa: F811
    watched = open_page(allow=(live_server.url,), viewport=PROJECTOR)
    page = watched.page
    log_in(page, live_server, "viewer")
    navigation = page.get_by_role("navigation", name="Navigation principale").inner_text()
    assert "Paramètres" not in navigation and "Imports" not in navigation
    page.goto(f"{live_server.url}/journal")
    assert page.locator("#formulaire-echange").count() == 0
    response = page.goto(f"{live_server.url}/parametres")
    assert response.status == 403 and page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    # Refused on a real server too (its session is closed by then), in French.
    posted = page.request.post(f"{live_server.url}/deconnexion", form={})
    assert posted.status == 403 and "Formulaire refusé" in posted.text()
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    posted = page.request.post(f"{live_server.url}/journal", form={"titre": "x", "csrf_token": token})
    assert posted.status == 403 and "Accès refusé" in posted.text()


SCREENS = {
    "connexion": "/connexion",
    "tableau-de-bord": "/tableau-de-bord",
    "carte": "/carte",
    "carte-echelons": "/carte?niveau=person&echelon=1",
    "ecarts": "/ecarts",
    "ecart": None,  # the first gap of the report
    "acteurs": "/acteurs",
    "acteur": None,  # the first broker of the dashboard
    "institutions": "/institutions",
    "institution": "body",
    "journal": "/journal",
    "imports": "/imports",
    "parametres": "/parametres",
}


def test_screenshots_of_the_main_pages(open_page, live_server, tmp_path):  # noqa: F811
    """Every main page at 1280×720, drawn, with no console error (kept when MAILLAGE_SCREENSHOTS is set)."""
    directory = Path(os.environ.get("MAILLAGE_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    watched = open_page(allow=(live_server.url,), viewport=PROJECTOR)
    page = watched.page
    page.goto(f"{live_server.url}/connexion")
    page.screenshot(path=directory / "connexion.png")
    log_in(page, live_server, "admin")
    for name, path in SCREENS.items():
        if name == "connexion":
            continue
        if path is None and name == "ecart":
            page.goto(f"{live_server.url}/ecarts")
            path = page.locator("table.gaps tbody a[href^='/ecarts/']").first.get_attribute("href")
        elif path is None:
            page.goto(f"{live_server.url}/tableau-de-bord")
            path = page.locator("a[href^='/acteurs/']").first.get_attribute("href")
        elif path == "body":
            path = f"/institutions/{live_server.body_id}"
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, path)
        if path.startswith("/carte"):
            map_ready(page)
            page.locator("#carte-element:not([disabled])").wait_for()  # the detail panel has its list
        page.screenshot(path=directory / f"{name}.png")
        assert (directory / f"{name}.png").stat().st_size > 10_000
    assert watched.log.problems() == {}
