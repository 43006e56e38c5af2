"""HTML maps: self-contained, escaped, in French; drawn offline in a real Chromium."""

import base64
import doctest
import hashlib
import importlib
import json
import re
from datetime import date, datetime
from html.parser import HTMLParser

import networkx as nx
import pytest

from graph.render import content_security_policy, render_map
from graph.render_french import (
    french_date,
    french_datetime,
    french_filters,
    french_number,
    french_period,
)
from graph.render_style import KIND_STYLES

# Each sets a flag (or opens a dialog) if it ever runs.
INJECTIONS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=window.pwned=1>",
    "</script><script>window.pwned=2</script>",
    '"><svg onload=window.pwned=3>',
    "<a href=\"javascript:window.pwned=4\">href</a>",
    "{{ 7*7 }} {% raw %}",
]
QUOTES_AND_SCRIPTS = ["L'élu \"Jean\" d'Arc", "Ελληνικά", "中文", "العربية"]
NAMES = INJECTIONS + QUOTES_AND_SCRIPTS
KINDS = ["state_service", "region", "departement", "petr", "epci", "commune", "pnr",
         "syndicat", "state_central", "other", "epci"]


def injection_graph() -> nx.Graph:
    """A star: node 0 in the middle, one node per hostile or non-Latin name."""
    G = nx.Graph()
    for i, (name, kind) in enumerate(zip(NAMES, KINDS)):
        G.add_node(i, label=name, kind=kind, degree=1, details={"Fonction": name},
                   tooltip=[f"Note : {name}"])
    for i in range(1, len(NAMES)):
        G.add_edge(0, i, weight=float(i), count=i, informal_count=i % 2,
                   last=datetime(2025, 3, i, 10, 0))
    return G


def small_graph() -> nx.Graph:
    G = nx.Graph()
    G.add_node("petr", label="PETR du Val", kind="petr", degree=3, betweenness=0.8)
    G.add_node("cc1", label="CC des Coteaux", kind="epci", degree=2, betweenness=0.2)
    G.add_node("cc2", label="CC de la Plaine", kind="epci", degree=1, betweenness=0.0)
    G.add_node("sp", label="Sous-préfecture", kind="state_service", degree=1, betweenness=0.0)
    G.add_node("dep", label="Département", kind="departement", degree=1, betweenness=0.0)
    G.add_edge("petr", "cc1", weight=4.0, count=6, informal_count=2,
               last=datetime(2025, 3, 1, 9, 0))
    G.add_edge("petr", "cc2", weight=0.5, count=1, informal_count=0,
               last=datetime(2024, 10, 2, 9, 0))
    G.add_edge("petr", "sp", weight=1.0, count=2, informal_count=0)
    G.add_edge("cc1", "dep", weight=1.0, count=1, informal_count=1)
    return G


WARNINGS = [
    {"source": "petr", "target": "dep", "status": "missing",
     "label": "Liaison attendue absente depuis le 1er janvier"},
    {"source": "petr", "target": "cc2", "status": "dormant", "label": "En sommeil : 161 jours"},
    {"source": "petr", "target": "filtered-out", "status": "missing", "label": "ignorée"},
]


def render(G, **overrides) -> str:
    arguments = dict(
        level="institution",
        title="Liaisons du PETR",
        territory="PETR du Val",
        period=(date(2025, 1, 1), date(2025, 3, 31)),
        filters={"Thématiques": ["mobilité", "eau"], "Échelons": []},
        generated_at=datetime(2025, 3, 12, 14, 5),
    )
    arguments.update(overrides)
    return render_map(G, **arguments)


class Page(HTMLParser):
    """The parts of a rendered map the tests look at."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: tuple[str, dict] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("script", "style"):
            self._open = (tag, attributes)
            self._content: list[str] = []

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._open is not None:
            content = "".join(self._content)
            if tag == "script":
                self.scripts.append((self._open[1], content))
            else:
                self.styles.append(content)
            self._open = None

    def handle_data(self, data):
        if self._open is None:
            self.text.append(data)
        else:
            self._content.append(data)

    @property
    def csp(self) -> str:
        return next(a["content"] for t, a in self.tags
                    if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")

    @property
    def data(self) -> dict:
        return json.loads(next(text for a, text in self.scripts
                               if a.get("id") == "maillage-data"),
                          parse_constant=lambda name: pytest.fail(f"{name} in map data"))

    @property
    def executable_scripts(self) -> list[str]:
        return [text for a, text in self.scripts if a.get("type") is None]


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


# ---------------------------------------------------------------- the document, no browser


def test_the_page_references_nothing_outside_itself():
    html = render(small_graph(), warning_edges=WARNINGS)
    page = Page(html)
    fetching = {"src", "href", "srcset", "poster", "data", "action", "formaction",
                "background", "manifest", "ping"}
    assert [(t, a) for t, a in page.tags if fetching & a.keys()] == []
    assert {t for t, _ in page.tags}.isdisjoint({"link", "img", "iframe", "object", "embed",
                                                  "base", "form"})
    for css in page.styles:
        assert "@import" not in css
        assert re.findall(r"url\((?!\"?data:)", css) == []
    # vis-network's licence header and error messages name web pages; nothing else may.
    vis_js = max(page.executable_scripts, key=len)
    assert "vis-network" in vis_js[:200]
    rest = html.replace(vis_js, "")
    assert "http://" not in rest and "https://" not in rest
    assert "bootstrap" not in html.lower()


def test_csp_allows_exactly_the_inline_scripts_and_styles():
    page = Page(render(small_graph()))
    policy = dict(part.split(" ", 1) for part in page.csp.split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["img-src"] == "data:"
    assert set(policy["script-src"].split()) == {
        f"'sha256-{sha256(s)}'" for s in page.executable_scripts}
    assert set(policy["style-src"].split()) == {f"'sha256-{sha256(s)}'" for s in page.styles}
    assert len(page.executable_scripts) == 2 and len(page.styles) == 2
    assert "unsafe" not in page.csp
    # The CSP is the first thing after the charset: it must apply to everything after it.
    assert [t for t, _ in page.tags[:3]] == ["html", "head", "meta"]
    assert page.tags[2] == ("meta", {"charset": "utf-8"})
    assert page.tags[3][1].get("http-equiv") == "Content-Security-Policy"


def test_content_security_policy_without_styles():
    assert "style-src 'none'" in content_security_policy(scripts=["x"], styles=[])


def test_hostile_names_stay_text_in_the_source():
    G = injection_graph()
    hostile = "</script><script>window.pwned=9</script>"
    html = render(G, title=INJECTIONS[0], territory=hostile,
                  filters={INJECTIONS[4]: INJECTIONS[:2]}, level="person")
    page = Page(html)
    assert "<img" not in html and "<svg" not in html and "<a " not in html
    assert len([t for t, _ in page.tags if t == "script"]) == 3
    assert page.data["nodes"]["label"] == NAMES
    assert page.data["nodes"]["title"][3].startswith("</script><script>window.pwned=2</script>")
    text = "".join(page.text)
    assert INJECTIONS[0] in text and hostile in text
    assert f"{INJECTIONS[4]} : {INJECTIONS[0]}, {INJECTIONS[1]}" in text
    assert "{{ 7*7 }} {% raw %}" in page.data["nodes"]["label"]  # not evaluated


def test_header_is_in_french():
    text = " ".join(" ".join(Page(render(small_graph())).text).split())
    assert "Liaisons du PETR" in text
    assert "Territoire : PETR du Val" in text
    assert "Période : du 1er janvier 2025 au 31 mars 2025" in text
    assert "Thématiques : mobilité, eau" in text and "Échelons" not in text
    assert "Généré le : 12 mars 2025 à 14 h 05" in text
    assert "Contenu : 5 structures, 4 liaisons" in text


def test_header_without_filters_or_period():
    text = " ".join(" ".join(Page(render(small_graph(), filters=None, period=None)).text).split())
    assert "Filtres : aucun" in text
    assert "Période : toute la période enregistrée" in text


def test_legend_lists_the_kinds_on_the_map_in_french():
    page = Page(render(small_graph(), warning_edges=WARNINGS, size_by="betweenness"))
    text = " ".join("".join(page.text).split())
    assert "Services de l'État (1)" in text and "EPCI (2)" in text and "PETR / pays (1)" in text
    assert "Commune" not in text  # no commune on this map
    assert "Liaison attendue absente" in text and "Liaison en sommeil" in text
    assert "Taille des nœuds : intermédiarité." in text
    swatches = [a["class"] for t, a in page.tags if "swatch" in a.get("class", "")]
    assert "swatch kind-epci" in swatches
    css = page.styles[1]
    for style in KIND_STYLES:
        assert f".kind-{style.key}{{background:{style.color}}}" in css


def test_render_leaves_the_graph_alone():
    G = small_graph()
    G.graph["level"] = "institution"
    before = ([(n, dict(d)) for n, d in G.nodes(data=True)],
              [(u, v, dict(d)) for u, v, d in G.edges(data=True)], dict(G.graph))
    render(G, warning_edges=WARNINGS, size_by="degree", layout="hierarchical")
    render(G, physics_max_nodes=1)
    after = ([(n, dict(d)) for n, d in G.nodes(data=True)],
             [(u, v, dict(d)) for u, v, d in G.edges(data=True)], dict(G.graph))
    assert after == before


def test_same_inputs_give_the_same_file():
    G = nx.les_miserables_graph()
    assert render(G, physics_max_nodes=10) == render(G, physics_max_nodes=10)
    assert render(G, physics_max_nodes=10) != render(G, physics_max_nodes=10, seed=7)


@pytest.mark.parametrize("arguments", [{"level": "commune"}, {"layout": "circle"}])
def test_unknown_level_or_layout_is_refused(arguments):
    with pytest.raises(ValueError):
        render(small_graph(), **arguments)


def test_unknown_warning_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        render(small_graph(), warning_edges=[{"source": "petr", "target": "cc1",
                                              "status": "broken"}])


def test_warning_edges_restyle_existing_edges_and_add_missing_ones():
    data = Page(render(small_graph(), warning_edges=WARNINGS)).data
    nodes = list(small_graph())
    warnings = data["warnings"]
    assert len(warnings) == 2  # the pair with a filtered-out end is left out
    missing, dormant = warnings
    assert (nodes[missing["from"]], nodes[missing["to"]]) == ("petr", "dep")
    assert missing["edge"] is None and missing["status"] == 0
    assert dormant["edge"] == 1 and dormant["status"] == 1  # petr–cc2 is edge 1
    assert dormant["label"] == "En sommeil : 161 jours"


def test_node_size_follows_the_chosen_metric_and_width_the_weight():
    data = Page(render(small_graph(), size_by="betweenness")).data
    sizes = dict(zip(small_graph(), data["nodes"]["size"]))
    assert sizes["petr"] > sizes["cc1"] > sizes["cc2"] == sizes["sp"]
    widths = data["edges"]["width"]
    assert widths[0] > widths[2] > widths[1]  # weights 4, 1, 0.5
    uniform = Page(render(small_graph())).data["nodes"]["size"]
    assert len(set(uniform)) == 1


def test_tooltips_are_french_plain_text():
    G = small_graph()
    G.nodes["petr"]["details"] = {"Directrice": "Anne Martin", "Créé le": date(2015, 6, 1)}
    G.nodes["petr"]["pagerank"] = 0.123456
    data = Page(render(G)).data
    assert data["nodes"]["title"][0].split("\n") == [
        "PETR du Val",
        "Type de structure : PETR / pays",
        "Directrice : Anne Martin",
        "Créé le : 1er juin 2015",
        "Degré : 3",
        "Intermédiarité : 0,8",
        "PageRank : 0,123",
    ]
    texts = data["texts"]
    assert [texts["weights"][i] for i in data["edges"]["weight"]] == ["4", "0,5", "1", "1"]
    assert [texts["dates"][i] if i >= 0 else None for i in data["edges"]["last"]] == [
        "1er mars 2025", "2 octobre 2024", None, None]


def test_non_finite_numbers_do_not_break_the_data():
    G = small_graph()
    G.nodes["petr"]["betweenness"] = float("nan")
    G.edges["petr", "cc1"]["weight"] = float("inf")
    data = Page(render(G, size_by="betweenness")).data  # strict JSON parse
    assert "Intermédiarité" not in data["nodes"]["title"][0]


def test_small_maps_settle_in_the_page_large_ones_arrive_laid_out():
    small = Page(render(small_graph())).data
    assert small["physics"] is True and "x" not in small["nodes"]
    physics = small["options"]["physics"]
    assert physics["solver"] == "forceAtlas2Based"
    assert 100 <= physics["stabilization"]["iterations"] <= 300
    assert small["options"]["layout"] == {"improvedLayout": False, "randomSeed": 42}

    large = Page(render(small_graph(), physics_max_nodes=3)).data
    assert large["physics"] is False and large["options"]["physics"] == {"enabled": False}
    assert len(large["nodes"]["x"]) == 5


def test_hierarchical_view_orders_bands_by_echelon():
    data = Page(render(small_graph(), layout="hierarchical")).data
    y = dict(zip(small_graph(), data["nodes"]["y"]))
    assert y["sp"] < y["dep"] < y["petr"] < y["cc1"] == y["cc2"]
    assert [band["label"] for band in data["bands"]] == [
        "Services de l'État", "Département", "PETR, PNR, syndicats", "EPCI"]
    assert data["physics"] is False


def test_person_level_wording():
    text = "".join(Page(render(small_graph(), level="person")).text)
    assert "5 acteurs, 4 liaisons" in text


def test_french_wording_helpers():
    assert french_date(date(2025, 8, 1)) == "1er août 2025"
    assert french_datetime(datetime(2025, 12, 31, 9, 0)) == "31 décembre 2025 à 9 h 00"
    assert french_number(1234.5) == "1\u202f234,5"
    assert french_number(-0.5) == "-0,5"
    assert french_number(float("nan")) == "—"
    assert french_period((date(2025, 1, 1), None)) == "depuis le 1er janvier 2025"
    assert french_period("T1 2025") == "T1 2025"
    assert french_filters(["Thématique : eau"]) == ["Thématique : eau"]
    assert french_filters({"Formel": False, "Depuis": date(2025, 2, 1)}) == [
        "Formel : non", "Depuis : 1er février 2025"]


@pytest.mark.parametrize("name", ["graph.render", "graph.render_french", "graph.render_style"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


# ---------------------------------------------------------------- in headless Chromium


def open_map(offline_page, tmp_path, html):
    offline_page.open_html(html, tmp_path, "carte.html")
    page = offline_page.page
    # A selector, not wait_for_function: Playwright evaluates a string predicate with
    # eval(), which the map's Content-Security-Policy rightly refuses.
    page.wait_for_selector("html[data-maillage-ready=true]", state="attached")
    return page


def assert_healthy(offline_page):
    assert offline_page.log.problems() == {}
    assert offline_page.log.requests == [offline_page.allowed[0]]


@pytest.mark.browser
def test_map_draws_offline_with_no_request_and_no_error(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, render(small_graph(), warning_edges=WARNINGS))
    assert page.locator("#maillage-map canvas").count() == 1
    assert page.evaluate("maillageNetwork.body.data.nodes.length") == 5
    assert page.evaluate("maillageNetwork.body.data.edges.length") == 5  # 4 + 1 missing
    assert page.evaluate("maillageNetwork.body.data.edges.get('warning-0').dashes") == [8, 6]
    assert page.locator("#maillage-status").is_hidden()
    assert_healthy(offline_page)


@pytest.mark.browser
def test_settled_map_stops_moving(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, render(nx.les_miserables_graph()))
    assert page.evaluate("maillageNetwork.physics.physicsEnabled") is False
    before = page.evaluate("maillageNetwork.getPositions()")
    page.wait_for_timeout(500)
    assert page.evaluate("maillageNetwork.getPositions()") == before
    assert_healthy(offline_page)


@pytest.mark.browser
def test_large_map_arrives_laid_out_and_still(offline_page, tmp_path):
    G = nx.connected_caveman_graph(40, 10)  # 400 nodes: above the physics limit
    html = render(G, level="person")
    page = open_map(offline_page, tmp_path, html)
    expected = Page(html).data["nodes"]
    positions = page.evaluate("maillageNetwork.getPositions([0, 399])")
    for node in (0, 399):  # getPositions() truncates to whole pixels
        assert positions[str(node)]["x"] == pytest.approx(expected["x"][node], abs=1)
        assert positions[str(node)]["y"] == pytest.approx(expected["y"][node], abs=1)
    assert page.evaluate("maillageNetwork.body.data.nodes.length") == 400
    page.wait_for_timeout(300)
    assert page.evaluate("maillageNetwork.getPositions([0, 399])") == positions
    assert_healthy(offline_page)


@pytest.mark.browser
def test_hierarchical_and_empty_maps_draw(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, render(small_graph(), layout="hierarchical"))
    assert page.evaluate("maillageNetwork.body.data.nodes.length") == 5
    page = open_map(offline_page, tmp_path, render(nx.Graph()))
    assert page.evaluate("maillageNetwork.body.data.nodes.length") == 0
    assert "Aucun élément à afficher" in page.inner_text("main")
    assert offline_page.log.problems() == {}


def hover(page, point: dict, first_line: str) -> str:
    """Move the mouse to a canvas point; return the tooltip once it shows ``first_line``."""
    box = page.locator("#maillage-map").bounding_box()
    page.mouse.move(box["x"] + point["x"] + 1, box["y"] + point["y"] + 1)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    # The tooltip of the previous point may still be up: wait for this one.
    for _ in range(200):
        text = tooltip.inner_text()
        if text.split("\n")[0] == first_line:
            return text
        page.wait_for_timeout(50)
    return text


def hover_node(page, node: int, first_line: str) -> str:
    point = page.evaluate(
        "(id) => maillageNetwork.canvasToDOM(maillageNetwork.getPosition(id))", node)
    assert page.evaluate("(p) => maillageNetwork.getNodeAt(p)", point) == node
    return hover(page, point, first_line)


@pytest.mark.browser
def test_hostile_names_show_as_text_and_run_nothing(offline_page, tmp_path):
    G = injection_graph()
    html = render(G, level="person", title=INJECTIONS[3], territory=INJECTIONS[0],
                  filters={"Recherche": INJECTIONS[2], INJECTIONS[5]: INJECTIONS[4]})
    page = open_map(offline_page, tmp_path, html)
    page.click(".legend summary")  # fold the legend: it may cover a node

    header = page.inner_text("header")
    for name in (INJECTIONS[3], INJECTIONS[0], INJECTIONS[2], INJECTIONS[5], INJECTIONS[4]):
        assert name in header
    assert page.title() == INJECTIONS[3]
    labels = page.evaluate("maillageNetwork.body.data.nodes.map(n => n.label)")
    assert labels == NAMES
    options = page.evaluate(
        "Array.from(document.querySelectorAll('#maillage-names option'), o => o.value)")
    assert options == NAMES
    page.fill("#maillage-search", NAMES[1])
    page.dispatch_event("#maillage-search", "change")
    assert page.evaluate("maillageNetwork.getSelectedNodes()") == [1]
    for node, name in enumerate(NAMES):
        tooltip = hover_node(page, node, name)
        assert tooltip.split("\n")[0] == name
        assert f"Fonction : {name}" in tooltip and f"Note : {name}" in tooltip

    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("img, svg, a, iframe").count() == 0
    assert page.locator("script").count() == 3
    assert_healthy(offline_page)  # no dialog, no console error, no request


@pytest.mark.browser
def test_edge_tooltip_is_french(offline_page, tmp_path):
    G = nx.Graph()
    G.add_node("a", label="PETR du Val", kind="petr")
    G.add_node("b", label="CC des Coteaux", kind="epci")
    G.add_edge("a", "b", weight=2.5, count=3, informal_count=1, last=date(2025, 3, 1))
    page = open_map(offline_page, tmp_path, render(G))
    page.click(".legend summary")
    middle = page.evaluate("""() => {
        const p = maillageNetwork.getPositions();
        return maillageNetwork.canvasToDOM({x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2});
    }""")
    tooltip = hover(page, middle, "PETR du Val — CC des Coteaux")
    assert tooltip.split("\n") == [
        "PETR du Val — CC des Coteaux",
        "Intensité du lien : 2,5",
        "Échanges : 3 (dont 1 informel)",
        "Dernier échange : 1er mars 2025",
    ]
    assert_healthy(offline_page)


@pytest.mark.browser
def test_the_policy_is_enforced_in_the_page(offline_page, tmp_path):
    page = open_map(offline_page, tmp_path, render(small_graph()))
    # Code that found its way into the page could neither run nor call home.
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.pwned = 1';
        document.body.appendChild(script);
        const image = document.createElement('img');
        image.src = 'https://example.org/pixel.png';
        document.body.appendChild(image);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.pwned") == "undefined"
    errors = offline_page.log.console_errors
    assert any("Content Security Policy" in e and "script" in e for e in errors)
    assert any("Content Security Policy" in e and "img-src" in e for e in errors)
    assert offline_page.log.blocked_requests == []  # refused before reaching the network
