"""Carte: the interactive map in a frame, its filters, its detail panel and its offline export.

The map itself is the standalone document of ``app.services.maps.map_html`` (the same file as
the export), served by ``/carte/document`` with its own Content-Security-Policy (a <meta> in the document,
plus ``frame-ancestors 'self'`` in the header: only Maillage's own pages may frame it). The page reads
the frame's ``window.maillageNetwork`` (same origin) from web/static/carte.js to show the
clicked node in its own panel, with the node list of ``/carte/noeuds`` (same order as the map).
"""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app.api.deps import SessionDep
from app.api.security import map_document_response
from app.errors import Invalid
from app.services.maps import SIZE_METRICS, MapFilters, level_graph, map_html
from app.services.workspace_admin import list_topics
from web.auth import CurrentUser
from web.routes.common import METRIC_LABELS, Period, metric_fr, read_period
from web.templating import INSTITUTION_KINDS, PARIS, templates

router = APIRouter(include_in_schema=False)

LEVELS = {"institution": "Structures", "person": "Acteurs"}
SIZES = {
    "betweenness": "Intermédiarité (passeurs)",
    "degree": "Nombre d'interlocuteurs",
    "strength": "Intensité des échanges",
    "pagerank": "Influence (PageRank)",
    "closeness": "Proximité",
    "effective_size": "Taille effective du réseau",
}
assert set(SIZES) == set(SIZE_METRICS)
SHOWN_METRICS = ("degree", "strength", "betweenness", "pagerank", "community")


def read_map_form(user, *, niveau: str, du: str | None, au: str | None, thematique: list[str], type_: list[str],
                  echelon: str | None, isoles: str | None, taille: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    period: Period = read_period(user.workspace, du, au, errors)
    if niveau not in LEVELS:
        niveau = "institution"
    kinds = [kind for kind in type_ if kind in INSTITUTION_KINDS]
    if len(kinds) != len(type_):
        errors["type"] = "Type de structure inconnu."
    topics = [topic.strip()[:100] for topic in thematique if topic.strip()][:30]
    if taille not in SIZES:
        taille = "betweenness"
    form = {"niveau": niveau, "period": period, "thematiques": topics, "types": kinds,
            "echelon": echelon == "1", "isoles": isoles == "1", "taille": taille, "errors": errors}
    form["filters"] = None if errors else MapFilters(
        since=period.since, until=period.until, topics=tuple(topics), kinds=tuple(kinds),
        include_isolated=form["isoles"],
    )
    form["query"] = urlencode(
        [("niveau", niveau), ("du", period.du), ("au", period.au)]
        + [("thematique", t) for t in topics] + [("type", k) for k in kinds]
        + ([("echelon", "1")] if form["echelon"] else []) + ([("isoles", "1")] if form["isoles"] else [])
        + [("taille", taille)]
    )
    return form


def _form(user, niveau, du, au, thematique, type, echelon, isoles, taille) -> dict[str, Any]:
    return read_map_form(user, niveau=niveau, du=du, au=au, thematique=thematique or [], type_=type or [],
                         echelon=echelon, isoles=isoles, taille=taille)


@router.get("/carte", response_class=HTMLResponse)
def map_page(
    request: Request, session: SessionDep, user: CurrentUser, niveau: str = "institution",
    du: str | None = None, au: str | None = None, thematique: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None, echelon: str | None = None, isoles: str | None = None,
    taille: str = "betweenness",
) -> HTMLResponse:
    form = _form(user, niveau, du, au, thematique, type, echelon, isoles, taille)
    topics = list_topics(session, workspace=user.workspace)
    return templates.TemplateResponse(request, "map.html", {
        **form, "levels": LEVELS, "sizes": SIZES, "topics": sorted(set(topics) | set(form["thematiques"])),
    }, status_code=400 if form["errors"] else 200)


@router.get("/carte/document")
def map_document(
    request: Request, session: SessionDep, user: CurrentUser, niveau: str = "institution",
    du: str | None = None, au: str | None = None, thematique: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None, echelon: str | None = None, isoles: str | None = None,
    taille: str = "betweenness", telecharger: str | None = None,
) -> Response:
    form = _form(user, niveau, du, au, thematique, type, echelon, isoles, taille)
    if form["errors"]:
        return templates.TemplateResponse(request, "error.html", {
            "title": "Filtres invalides", "message": " ".join(form["errors"].values())}, status_code=400)
    try:
        html = map_html(session, workspace=user.workspace, level=form["niveau"], filters=form["filters"],
                        size_by=form["taille"], layout="hierarchical" if form["echelon"] else "force")
    except Invalid as error:
        return templates.TemplateResponse(request, "error.html", {
            "title": "Carte impossible", "message": error.message}, status_code=400)
    download = None
    if telecharger == "1":
        stamp = datetime.now(PARIS).strftime("%Y-%m-%d")
        level = "acteurs" if form["niveau"] == "person" else "structures"
        download = f"carte-{user.workspace.slug}-{level}-{stamp}.html"
    response = map_document_response(html, download_name=download)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/carte/noeuds")
def map_nodes(
    session: SessionDep, user: CurrentUser, niveau: str = "institution",
    du: str | None = None, au: str | None = None, thematique: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None, echelon: str | None = None, isoles: str | None = None,
    taille: str = "betweenness",
) -> JSONResponse:
    """The map's nodes, in the map's order (the index is vis-network's node id), for the panel."""
    form = _form(user, niveau, du, au, thematique, type, echelon, isoles, taille)
    if form["errors"]:
        return JSONResponse({"error": " ".join(form["errors"].values())}, status_code=400)
    G, _analysis, _window = level_graph(session, workspace=user.workspace, level=form["niveau"],
                                        filters=form["filters"])
    base = "/acteurs/" if form["niveau"] == "person" else "/institutions/"
    nodes = []
    for index, (node, data) in enumerate(G.nodes(data=True)):
        details = [[key, str(value)] for key, value in (data.get("details") or {}).items()]
        if form["niveau"] == "institution" or not details:
            details.insert(0, ["Type de structure", INSTITUTION_KINDS.get(data.get("kind"), "Autre")])
        nodes.append({
            "index": index,
            "id": node,
            "label": str(data.get("label") or node),
            "href": f"{base}{node}",
            "details": details,
            "metrics": [[METRIC_LABELS[name], metric_fr(name, data.get(name))] for name in SHOWN_METRICS
                        if data.get(name) is not None],
            "links": G.degree(node),
        })
    return JSONResponse({"level": form["niveau"], "nodes": nodes},
                        headers={"Cache-Control": "private, no-store"})
