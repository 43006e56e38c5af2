"""Per-node metrics of a person or institution graph (DESIGN.md §4).

Degree, strength, betweenness and closeness (distance = 1/weight), weighted PageRank,
Burt's constraint and effective size (brokerage), and Louvain communities. Computed through
:mod:`graph.backends` (igraph by default, NetworkX as the reference). Above
``sample_threshold`` nodes, betweenness and closeness are estimated from ``sample_k``
sources drawn with ``seed``; the result's ``meta`` says so. Same graph, same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import networkx as nx

from graph import backends
from graph.backends import WeightedGraph
from graph.rows import AnalysisSettings

METRICS = (
    "degree",
    "strength",
    "betweenness",
    "closeness",
    "pagerank",
    "constraint",
    "effective_size",
    "community",
)
# The workspace defaults, so that node_metrics() and analyse() agree out of the box.
DEFAULT_SAMPLE_THRESHOLD = AnalysisSettings().sample_threshold
DEFAULT_SAMPLE_K = AnalysisSettings().sample_k


def node_metrics(
    G: nx.Graph,
    *,
    weight: str = "weight",
    backend: str = "auto",
    sample_threshold: int = DEFAULT_SAMPLE_THRESHOLD,
    sample_k: int = DEFAULT_SAMPLE_K,
    seed: int = 42,
    prune_below: float | None = None,
) -> dict:
    """Metrics of every node of an undirected weighted graph.

    Parameters
    ----------
    G : networkx.Graph
        Not modified. Node attributes ``label`` and ``kind`` are copied to the result.
    weight : str
        Edge attribute holding the (strictly positive) tie strength.
    backend : {"auto", "igraph", "networkx"}
        ``"auto"`` uses igraph when installed. Both give the same numbers.
    sample_threshold, sample_k : int
        Above ``sample_threshold`` nodes, betweenness and closeness use ``sample_k``
        sampled sources (NetworkX's own estimator for betweenness).
    seed : int
        Seed for sampling and Louvain.
    prune_below : float, optional
        Ignore ties weaker than this for betweenness and closeness only (a speed lever on
        dense graphs: weak ties are long hops and rarely on shortest paths).

    Returns
    -------
    dict
        ``{"meta": {...}, "nodes": [{"id", "label", "kind", "degree", "strength",
        "betweenness", "closeness", "pagerank", "constraint", "effective_size",
        "community"}, ...], "communities": [{"id", "size", "nodes"}, ...]}``. Nodes come in
        graph order; undefined values (constraint of an isolated node) are ``None``.
        Communities are numbered by decreasing size, then smallest node id.

    Examples
    --------
    >>> result = node_metrics(nx.krackhardt_kite_graph(), backend="networkx")
    >>> round(result["nodes"][7]["betweenness"], 3)  # Heather, the broker of the kite
    0.389
    >>> result["meta"]["sampled"]
    False
    """
    wg = WeightedGraph.from_networkx(G, weight=weight)
    attributes = {node: G.nodes[node] for node in G}
    return metrics_of(
        wg,
        attributes,
        backend=backend,
        sample_threshold=sample_threshold,
        sample_k=sample_k,
        seed=seed,
        prune_below=prune_below,
        weight=weight,
    )


def metrics_of(
    wg: WeightedGraph,
    attributes: Mapping[Hashable, Mapping],
    *,
    backend: str = "auto",
    sample_threshold: int = DEFAULT_SAMPLE_THRESHOLD,
    sample_k: int = DEFAULT_SAMPLE_K,
    seed: int = 42,
    prune_below: float | None = None,
    weight: str = "weight",
) -> dict:
    """:func:`node_metrics` for a graph already in compact form (the analysis pipeline
    builds one straight from aggregated ties). ``attributes`` maps node → its attributes."""
    backend = backends.resolve_backend(backend)
    n = len(wg)
    sampled = n > sample_threshold and sample_k < n
    k = sample_k if sampled else None
    paths = wg.without_weak_ties(prune_below) if prune_below is not None else wg
    pivots = backends.sample_sources(paths, k, seed) if sampled else None

    membership = backends.louvain(wg, backend=backend, seed=seed)
    community_of, communities = _stable_communities(wg.nodes, membership)
    columns = {
        "degree": backends.degree(wg, backend=backend),
        "strength": backends.strength(wg, backend=backend),
        "betweenness": backends.betweenness(paths, backend=backend, k=k, seed=seed),
        "closeness": backends.closeness(
            paths, backend=backend, pivots=pivots, exact_below=sample_threshold
        ),
        "pagerank": backends.pagerank(wg, backend=backend),
        "constraint": backends.constraint(wg, backend=backend),
        "effective_size": backends.effective_size(wg, backend=backend),
    }
    nodes = []
    for i, node in enumerate(wg.nodes):
        attrs = attributes.get(node, {})
        row = {"id": node, "label": attrs.get("label", str(node)), "kind": attrs.get("kind")}
        for name, values in columns.items():
            row[name] = _finite_or_none(values[i])
        row["community"] = community_of[i]
        nodes.append(row)

    meta = {
        "backend": backend,
        "nodes": n,
        "edges": len(wg.edges),
        "weight": weight,
        "distance": f"1/{weight}",
        "seed": seed,
        "sampled": sampled,
        "k": k,
        "sample_threshold": sample_threshold,
        "pruned_below": prune_below,
        "pruned_edges": len(wg.edges) - len(paths.edges),
        "algorithms": {
            "betweenness": (
                f"Brandes, shortest paths from {k} sources drawn with seed {seed}, rescaled"
                if sampled
                else "Brandes, exact"
            ),
            "closeness": (
                f"estimated from distances to the same {k} sources (Eppstein–Wang); "
                f"components of at most {sample_threshold} nodes exact"
                if sampled
                else "exact (Wasserman–Faust scaling when disconnected)"
            ),
            "pagerank": "weighted, damping 0.85",
            "constraint": "Burt, weighted",
            "effective_size": "Borgatti, unweighted",
            "community": f"Louvain, resolution 1, seed {seed}",
        },
        "communities": len(communities),
        "modularity": backends.modularity(wg, membership, backend=backend),
    }
    return {"meta": meta, "nodes": nodes, "communities": communities}


def _stable_communities(
    nodes: Sequence[Hashable], membership: Sequence[int]
) -> tuple[list[int], list[dict]]:
    """Renumber communities by decreasing size, then smallest node id."""
    groups: dict[int, list[Hashable]] = {}
    for node, label in zip(nodes, membership):
        groups.setdefault(label, []).append(node)
    ordered = sorted(
        (sorted(members, key=node_sort_key) for members in groups.values()),
        key=lambda members: (-len(members), node_sort_key(members[0])),
    )
    new_id = {}
    communities = []
    for cid, members in enumerate(ordered):
        communities.append({"id": cid, "size": len(members), "nodes": members})
        for node in members:
            new_id[node] = cid
    return [new_id[node] for node in nodes], communities


def node_sort_key(node: Hashable) -> tuple:
    """Order ids of mixed types deterministically: numbers first, then by text."""
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return (0, node, "")
    return (1, 0, str(node))


def _finite_or_none(value: float) -> float | None:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
