"""Maps (standalone HTML) and graph exports for Gephi, Cytoscape and spreadsheets."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.api.deps import CurrentWorkspace, ReadToken, SessionDep
from app.api.security import map_document_response
from app.services.maps import MapFilters, graph_export, map_html

router = APIRouter(tags=["maps"])

Level = Literal["person", "institution"]


def _filters(since, until, topic, kind, include_isolated: bool = False) -> MapFilters:
    return MapFilters(since=since, until=until, topics=tuple(topic or ()), kinds=tuple(kind or ()),
                      include_isolated=include_isolated)


def _attachment(response: Response, filename: str) -> None:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'


@router.get(
    "/maps/{level}.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "One self-contained HTML file."}},
    summary="Interactive map, one offline HTML file",
)
def map_page(
    level: Level, session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    since: datetime | None = None, until: datetime | None = None,
    topic: Annotated[list[str] | None, Query(description="Keep interactions with this topic (repeat).")] = None,
    kind: Annotated[list[str] | None, Query(description="Keep institutions/people of this kind (repeat).")] = None,
    size_by: Literal["betweenness", "degree", "strength", "pagerank", "closeness", "effective_size"] = "betweenness",
    layout: Literal["force", "hierarchical"] = "force",
    include_isolated: bool = Query(False, description="Also show nodes with no exchange in the window."),
    download: bool = Query(False, description="Send as an attachment."),
) -> Response:
    html = map_html(session, workspace=workspace, level=level,
                    filters=_filters(since, until, topic, kind, include_isolated),
                    size_by=size_by, layout=layout)
    return map_document_response(
        html, download_name=f"maillage-{workspace.slug}-{level}.html" if download else None
    )


@router.get("/exports/graph.{format}", response_class=Response, summary="The graph as GEXF or GraphML")
def graph_file(
    format: Literal["gexf", "graphml"], session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    level: Level = "institution", since: datetime | None = None, until: datetime | None = None,
    topic: Annotated[list[str] | None, Query()] = None, kind: Annotated[list[str] | None, Query()] = None,
) -> Response:
    content = graph_export(session, workspace=workspace, level=level, filters=_filters(since, until, topic, kind),
                           format=format)
    response = Response(content, media_type="application/xml")
    _attachment(response, f"maillage-{workspace.slug}-{level}.{format}")
    return response


@router.get("/exports/{table}.csv", response_class=Response, summary="Nodes, edges or gaps as CSV")
def csv_file(
    table: Literal["nodes", "edges", "gaps"], session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    level: Level = "institution", since: datetime | None = None, until: datetime | None = None,
    topic: Annotated[list[str] | None, Query()] = None, kind: Annotated[list[str] | None, Query()] = None,
) -> Response:
    content = graph_export(session, workspace=workspace, level=level, filters=_filters(since, until, topic, kind),
                           format="csv", table=table)
    response = Response(content, media_type="text/csv; charset=utf-8")
    _attachment(response, f"maillage-{workspace.slug}-{level}-{table}.csv")
    return response
