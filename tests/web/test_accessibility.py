"""Accessibility of the main pages: axe-core (vendored in tests/web/vendor, MPL-2.0) finds no
serious or critical violation of WCAG 2.1 A/AA (and axe's best practices) in real Chromium.

axe is served to the page from its own origin by a Playwright route (the pages' policy allows
only their own scripts), then run on the page's document; the map inside the Carte page is a
separate document with its own policy and tests (tests/graph/test_render.py).
"""

from pathlib import Path

import pytest

from tests.web.live import LiveServer, live_server, log_in  # noqa: F401 - live_server is a fixture

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"
RUN_AXE = """async () => await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    iframes: false,
    resultTypes: ["violations"],
})"""
BLOCKING = {"serious", "critical"}


def audit(page, server: LiveServer) -> list[dict]:
    """Inject axe into the current page and return its serious or critical violations."""
    page.add_script_tag(url=server.url + AXE_PATH)
    results = page.evaluate(RUN_AXE)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in BLOCKING
    ]


@pytest.fixture
def axe_page(open_page, live_server: LiveServer):  # noqa: F811
    watched = open_page(allow=(live_server.url,), viewport=(1280, 720))
    script = AXE.read_text(encoding="utf-8")
    watched.page.route(f"**{AXE_PATH}", lambda route: route.fulfill(
        status=200, body=script, content_type="application/javascript; charset=utf-8"))
    return watched


def test_main_pages_have_no_serious_accessibility_violation(axe_page, live_server):  # noqa: F811
    page = axe_page.page
    server = live_server
    found: dict[str, list[dict]] = {}

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            response = page.goto(server.url + path)
            assert response.status in (200, 404), (name, response.status)
        if page.locator("#carte-document").count():
            page.frame_locator("#carte-document").locator("html[data-maillage-ready='true']").wait_for(
                state="attached")
            page.locator("#carte-element:not([disabled])").wait_for()
        violations = audit(page, server)
        if violations:
            found[name] = violations

    check("connexion", "/connexion")
    log_in(page, server, "admin")
    check("tableau de bord")
    check("carte", "/carte")
    page.locator("#filtres > summary").click()  # the filters, open
    page.locator("details.dropdown > summary").first.click()
    check("carte, filtres ouverts")
    page.locator("#carte-element").select_option(index=1)  # the detail panel, filled
    check("carte, détail")
    check("écarts", "/ecarts?tri=structures")
    first_gap = page.locator("table.gaps tbody a[href^='/ecarts/']").first.get_attribute("href")
    check("écart", first_gap)
    check("acteurs", "/acteurs")
    person = page.locator("tbody a[href^='/acteurs/']").first.get_attribute("href")
    check("acteur", person)
    check("acteur, modification", f"{person}/modifier")
    check("nouvel acteur", "/acteurs/nouveau")
    page.get_by_label("Adresse électronique (facultatif)").fill("pas une adresse")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".field-error").first.wait_for()
    check("nouvel acteur, erreurs")
    check("institutions", "/institutions")
    check("institution", f"/institutions/{server.body_id}")
    check("journal", "/journal")
    page.get_by_role("button", name="Enregistrer l'échange").click()
    page.locator("#erreurs-echange").wait_for()
    check("journal, erreurs")
    check("imports", "/imports")
    check("paramètres", "/parametres")
    check("page introuvable", "/acteurs/999999")

    assert found == {}, found
