"""Analysis of the token's workspace: metrics, gaps in liaison, introduction paths."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from app.api.deps import CurrentWorkspace, ReadToken, SessionDep
from app.schemas.common import MAX_ID
from app.services import analysis

router = APIRouter(prefix="/graph", tags=["graph"])

Since = Annotated[datetime | None, Query(description="Window start, with offset (default: window days before until).")]
Until = Annotated[datetime | None, Query(description="Window end, excluded, with offset (default: end of today, UTC).")]


@router.get("/metrics", summary="Centrality, brokerage and communities per node")
def metrics(
    session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    level: Literal["person", "institution"] = "person", since: Since = None, until: Until = None,
) -> dict[str, Any]:
    """`{"level", "window", "meta", "nodes": [{"id", "label", "kind", "degree", "strength",
    "betweenness", "closeness", "pagerank", "constraint", "effective_size", "community"}]}`.
    `meta` says whether betweenness and closeness were sampled, with which seed, and the data
    version the result was computed from."""
    return analysis.metrics_document(
        analysis.full_analysis(session, workspace=workspace, since=since, until=until), level
    )


@router.get("/gaps", summary="Gaps in liaison, with evidence and a recommended action")
def gaps(session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken, since: Since = None,
         until: Until = None) -> dict[str, Any]:
    """`{"window", "gaps": [{"kind", "severity", "institutions": [{"id", "name", "siren"}],
    "people": [{"id", "name"}], "evidence", "recommendation"}], "summary"}`."""
    return analysis.gaps_document(analysis.full_analysis(session, workspace=workspace, since=since, until=until))


@router.get("/path", summary="The strongest chain of people from one person to another")
def path(
    session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    source: Annotated[int, Query(alias="from", ge=1, le=MAX_ID, description="Person id to start from.")],
    target: Annotated[int, Query(alias="to", ge=1, le=MAX_ID, description="Person id to reach.")],
    since: Since = None, until: Until = None,
) -> dict[str, Any]:
    return analysis.path_between(session, workspace=workspace, source=source, target=target, since=since,
                                 until=until)


@router.get("/neighbourhood", summary="Who a person or an institution talks to, how much, since when")
def neighbourhood(
    session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    level: Literal["person", "institution"], id: Annotated[int, Query(ge=1, le=MAX_ID, description="Person or institution id.")],
    since: Since = None, until: Until = None, limit: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> dict[str, Any]:
    return analysis.neighbourhood_of(session, workspace=workspace, level=level, node_id=id, since=since,
                                     until=until, limit=limit)


@router.get("/evolution", summary="Two periods side by side: metrics, gaps, and what changed")
def evolution(
    session: SessionDep, workspace: CurrentWorkspace, _token: ReadToken,
    before_since: datetime, before_until: datetime, after_since: datetime, after_until: datetime,
) -> dict[str, Any]:
    return analysis.evolution(session, workspace=workspace, before=(before_since, before_until),
                              after=(after_since, after_until))
