"""Maps (one offline HTML file) and graph exports (GEXF, GraphML, CSV) of a workspace."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import networkx as nx
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import Workspace
from app.models.enums import InstitutionKind
from app.services.analysis import analysis_settings, analysis_window, full_analysis
from app.services.analysis_rows import load_interactions, load_territory
from graph.build import graphs
from graph.export import edges_csv, gaps_csv, nodes_csv, to_gexf, to_graphml
from graph.metrics import node_metrics
from graph.render import LAYOUTS, render_map

PARIS = ZoneInfo("Europe/Paris")
LEVEL_TITLES = {"person": "Carte des acteurs", "institution": "Carte des structures"}
SIZE_METRICS = ("betweenness", "degree", "strength", "pagerank", "closeness", "effective_size")
CSV_TABLES = ("nodes", "edges", "gaps")


@dataclass(frozen=True)
class MapFilters:
    """What the user narrowed the map to (all optional)."""

    since: datetime | None = None
    until: datetime | None = None
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    # Communes and people with no exchange in the window would bury the map: hidden unless asked.
    include_isolated: bool = False

    def validate(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in InstitutionKind.__members__.values()]
        if unknown:
            raise Invalid(f"unknown institution kind(s): {', '.join(unknown)}")


def level_graph(
    session: Session, *, workspace: Workspace, level: str, filters: MapFilters
) -> tuple[nx.Graph, dict[str, Any], tuple[datetime, datetime]]:
    """The graph of one level for the filters, with metrics on its nodes; and the gaps."""
    if level not in LEVEL_TITLES:
        raise Invalid(f"unknown level {level!r}: use person or institution")
    filters.validate()
    since, until = analysis_window(workspace, since=filters.since, until=filters.until)
    settings = analysis_settings(workspace)
    territory = load_territory(session, workspace=workspace)
    interactions = load_interactions(session, workspace=workspace, since=since, until=until)
    if filters.topics:
        wanted = set(filters.topics)
        interactions = [row for row in interactions if wanted & set(row.topics)]
    person, institution = graphs(territory, interactions, since=since, until=until,
                                 half_life_days=settings.half_life_days)
    G = person if level == "person" else institution
    if filters.kinds:
        G = G.subgraph([n for n, kind in G.nodes(data="kind") if kind in filters.kinds]).copy()
    metrics = node_metrics(G, sample_threshold=settings.sample_threshold, sample_k=settings.sample_k,
                           seed=settings.seed)
    G = G.copy()
    for row in metrics["nodes"]:
        G.nodes[row["id"]].update({k: v for k, v in row.items() if k not in ("id", "label", "kind")})
    institution_names = {row.id: row.name for row in territory.institutions}
    if level == "person":
        for _node, data in G.nodes(data=True):
            details = {}
            if data.get("title"):
                details["Fonction"] = data["title"]
            if data.get("main_institution") in institution_names:
                details["Structure"] = institution_names[data["main_institution"]]
            data["details"] = details
    analysis = full_analysis(session, workspace=workspace, since=since, until=until)
    if not filters.include_isolated:
        flagged = {i["id"] for gap in analysis["gaps"] for i in gap["institutions"]} if level == "institution" else set()
        flagged.add(workspace.body_id)
        G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0 and n not in flagged])
    return G, analysis, (since, until)


def warning_edges(gaps: list[dict[str, Any]], level: str) -> list[dict[str, Any]]:
    """Expected-but-missing and dormant liaisons, drawn dashed on the institution map."""
    if level != "institution":
        return []
    edges = []
    for gap in gaps:
        status = {"missing_liaison": "missing", "dormant_liaison": "dormant"}.get(gap["kind"])
        if status and len(gap["institutions"]) == 2:
            a, b = gap["institutions"]
            label = "Liaison attendue, aucun échange" if status == "missing" else "Liaison en sommeil"
            edges.append({"source": a["id"], "target": b["id"], "status": status, "label": label})
    return edges


def _filter_lines(filters: MapFilters) -> dict[str, Any]:
    lines: dict[str, Any] = {}
    if filters.topics:
        lines["Thématiques"] = list(filters.topics)
    if filters.kinds:
        lines["Types de structure"] = list(filters.kinds)
    if not filters.include_isolated:
        lines["Sans échange sur la période"] = "masqués"
    return lines


def map_html(
    session: Session,
    *,
    workspace: Workspace,
    level: str,
    filters: MapFilters,
    size_by: str = "betweenness",
    layout: str = "force",
) -> str:
    """One self-contained HTML map: no request to any other host, opens offline."""
    if size_by not in SIZE_METRICS:
        raise Invalid(f"unknown size metric {size_by!r}: use one of {', '.join(SIZE_METRICS)}")
    if layout not in LAYOUTS:
        raise Invalid(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    G, analysis, (since, until) = level_graph(session, workspace=workspace, level=level, filters=filters)
    now = datetime.now(PARIS)
    return render_map(
        G,
        level=level,
        title=f"{LEVEL_TITLES[level]} — {workspace.name}",
        territory=workspace.body.name if workspace.body else workspace.name,
        period=(since.date(), (until - timedelta(days=1)).date()),
        filters=_filter_lines(filters) or None,
        generated_at=now.replace(microsecond=0),
        size_by=size_by,
        warning_edges=warning_edges(analysis["gaps"], level),
        layout=layout,
        seed=analysis_settings(workspace).seed,
    )


def graph_export(
    session: Session, *, workspace: Workspace, level: str, filters: MapFilters, format: str,
    table: str = "nodes",
) -> bytes:
    """The level's graph as GEXF, GraphML, or one CSV table (nodes, edges or gaps)."""
    G, analysis, _window = level_graph(session, workspace=workspace, level=level, filters=filters)
    if format == "gexf":
        return to_gexf(G)
    if format == "graphml":
        return to_graphml(G)
    if format == "csv":
        if table not in CSV_TABLES:
            raise Invalid(f"unknown table {table!r}: use one of {', '.join(CSV_TABLES)}")
        text = {"nodes": lambda: nodes_csv(G), "edges": lambda: edges_csv(G),
                "gaps": lambda: gaps_csv(analysis["gaps"])}[table]()
        return text.encode("utf-8")
    raise Invalid(f"unknown export format {format!r}: use gexf, graphml or csv")
