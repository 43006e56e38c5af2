"""Analysis of a workspace: metrics, gaps, paths, neighbourhoods, evolution.

Loads plain rows (``analysis_rows``), hands them to ``graph/``, and caches full analyses in
the database, keyed on the workspace's data version, so that every server process shares them
and unchanged data is never recomputed.
"""

import hashlib
import logging
from dataclasses import asdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.errors import Invalid, NotFound
from app.models import AnalysisCache, Institution, Person, Workspace
from app.models.base import utcnow
from app.services.analysis_rows import load_interactions, load_territory
from app.services.workspaces import workspace_settings
from graph.analysis import analyse
from graph.build import graphs
from graph.evolution import compare_periods
from graph.paths import introduction_path, neighbourhood
from graph.rows import AnalysisSettings

logger = logging.getLogger("maillage.analysis")

LEVELS = ("person", "institution")


def analysis_settings(workspace: Workspace) -> AnalysisSettings:
    known = AnalysisSettings.__dataclass_fields__
    values = {key: value for key, value in workspace_settings(workspace).items() if key in known}
    # None means "the default" for every setting but the half-life, where it means "no decay".
    return AnalysisSettings(**{k: v for k, v in values.items() if v is not None or k == "half_life_days"})


def analysis_window(
    workspace: Workspace, *, since: datetime | None = None, until: datetime | None = None
) -> tuple[datetime, datetime]:
    """The window to analyse: by default the workspace's window days up to the end of today (UTC).

    Whole days keep results stable (and cacheable) through the day.
    """
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(f"{name} needs a timezone offset (e.g. 2026-01-01T00:00:00+01:00)")
    if until is None:
        until = datetime.combine(utcnow().date() + timedelta(days=1), time(0), tzinfo=UTC)
    if since is None:
        since = until - timedelta(days=analysis_settings(workspace).window_days)
    if since >= until:
        raise Invalid("since must be before until")
    return since.astimezone(UTC), until.astimezone(UTC)


def _cache_key(kind: str, since: datetime, until: datetime, settings: AnalysisSettings) -> str:
    digest = hashlib.sha256(orjson.dumps(asdict(settings), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    return f"{kind}|{since.isoformat()}|{until.isoformat()}|{digest}"


def full_analysis(
    session: Session, *, workspace: Workspace, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """Metrics at both levels and gaps for the window, from the shared cache when up to date."""
    since, until = analysis_window(workspace, since=since, until=until)
    settings = analysis_settings(workspace)
    key = _cache_key("analysis", since, until, settings)
    version = workspace.data_version
    cached = session.scalar(
        select(AnalysisCache).where(AnalysisCache.workspace_id == workspace.id, AnalysisCache.key == key)
    )
    if cached is not None and cached.data_version == version:
        return {**cached.payload, "cached": True}
    territory = load_territory(session, workspace=workspace)
    interactions = load_interactions(session, workspace=workspace, since=since, until=until)
    result = analyse(territory, interactions, since=since, until=until, settings=settings)
    payload = orjson.loads(orjson.dumps(result, default=str))
    payload["data_version"] = version
    payload["computed_at"] = utcnow().isoformat()
    _store(session, workspace_id=workspace.id, key=key, version=version, payload=payload)
    return {**payload, "cached": False}


def _store(session: Session, *, workspace_id: int, key: str, version: int, payload: dict[str, Any]) -> None:
    """Save an analysis inside a savepoint of the request's transaction.

    Best effort: a cache that cannot be written (a concurrent writer holding SQLite's lock)
    costs a recomputation later, never an error now.
    """
    try:
        with session.begin_nested():
            session.execute(
                delete(AnalysisCache).where(
                    AnalysisCache.workspace_id == workspace_id,
                    (AnalysisCache.key == key) | (AnalysisCache.data_version < version),
                )
            )
            session.add(AnalysisCache(workspace_id=workspace_id, key=key, data_version=version, payload=payload))
    except SQLAlchemyError as error:
        logger.info("analysis cache not written: %s", type(error).__name__)


def metrics_document(analysis: dict[str, Any], level: str) -> dict[str, Any]:
    if level not in LEVELS:
        raise Invalid(f"unknown level {level!r}: use person or institution")
    return {
        "level": level,
        "window": analysis["window"],
        "meta": {**analysis[level]["meta"], "data_version": analysis["data_version"],
                 "computed_at": analysis["computed_at"], "cached": analysis["cached"]},
        "nodes": analysis[level]["nodes"],
    }


def gaps_document(analysis: dict[str, Any]) -> dict[str, Any]:
    return {
        "window": analysis["window"],
        "gaps": analysis["gaps"],
        "summary": analysis["summary"],
        "settings": analysis["settings"],
        "meta": {"data_version": analysis["data_version"], "computed_at": analysis["computed_at"],
                 "cached": analysis["cached"]},
    }


def window_graphs(
    session: Session, *, workspace: Workspace, since: datetime | None = None, until: datetime | None = None
):
    """The person and institution NetworkX graphs of the window (for paths, maps, exports)."""
    since, until = analysis_window(workspace, since=since, until=until)
    settings = analysis_settings(workspace)
    territory = load_territory(session, workspace=workspace)
    interactions = load_interactions(session, workspace=workspace, since=since, until=until)
    person, institution = graphs(territory, interactions, since=since, until=until,
                                 half_life_days=settings.half_life_days)
    return (since, until), person, institution


def _person(session: Session, workspace: Workspace, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.workspace_id != workspace.id:
        raise NotFound(f"no person {person_id}")
    return person


def path_between(
    session: Session, *, workspace: Workspace, source: int, target: int,
    since: datetime | None = None, until: datetime | None = None,
) -> dict[str, Any]:
    """The strongest chain of people from ``source`` to ``target`` (an introduction path)."""
    _person(session, workspace, source)
    _person(session, workspace, target)
    (since, until), person_graph, _ = window_graphs(session, workspace=workspace, since=since, until=until)
    if source not in person_graph or target not in person_graph:
        result = {"source": source, "target": target, "found": False, "distance": None, "nodes": [], "hops": []}
    else:
        result = introduction_path(person_graph, source, target)
    return {"window": {"since": since.isoformat(), "until": until.isoformat()},
            **orjson.loads(orjson.dumps(result, default=str))}


def neighbourhood_of(
    session: Session, *, workspace: Workspace, level: str, node_id: int,
    since: datetime | None = None, until: datetime | None = None, limit: int | None = None,
) -> dict[str, Any]:
    """Who a person (or an institution) talks to, how much, since when, through whom."""
    if level == "person":
        _person(session, workspace, node_id)
    elif level == "institution":
        institution = session.get(Institution, node_id)
        if institution is None or institution.workspace_id not in (None, workspace.id):
            raise NotFound(f"no institution {node_id}")
    else:
        raise Invalid(f"unknown level {level!r}: use person or institution")
    (since, until), person_graph, institution_graph = window_graphs(
        session, workspace=workspace, since=since, until=until
    )
    graph = person_graph if level == "person" else institution_graph
    if node_id not in graph:
        result: dict[str, Any] = {"node": {"id": node_id}, "neighbours": [], "second_degree": []}
    else:
        result = neighbourhood(graph, node_id, limit=limit)
    return {"level": level, "window": {"since": since.isoformat(), "until": until.isoformat()},
            **orjson.loads(orjson.dumps(result, default=str))}


def evolution(
    session: Session, *, workspace: Workspace, before: tuple[datetime, datetime], after: tuple[datetime, datetime]
) -> dict[str, Any]:
    """Metrics and gaps of two periods side by side, and what changed."""
    for since, until in (before, after):
        analysis_window(workspace, since=since, until=until)
    territory = load_territory(session, workspace=workspace)
    interactions = load_interactions(
        session, workspace=workspace, since=min(before[0], after[0]), until=max(before[1], after[1])
    )
    result = compare_periods(territory, interactions, before=before, after=after,
                             settings=analysis_settings(workspace))
    return orjson.loads(orjson.dumps(result, default=str))
