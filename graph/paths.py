"""Introduction paths and neighbourhoods: questions about one or two nodes.

"How can our director reach the new president of the CC des Coteaux?" is answered by the
strongest chain of people between them, where a hop's length is 1/weight: three people who
lunch together every month are closer than two who once sat in the same assembly.
"Who does this EPCI actually talk to, how much, since when, through whom?" is answered by
its neighbourhood.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from graph.metrics import node_sort_key
from graph.window import iso_day


def introduction_path(
    G: nx.Graph, source: Hashable, target: Hashable, *, weight: str = "weight"
) -> dict:
    """The strongest chain from ``source`` to ``target`` (distance = 1/weight).

    Parameters
    ----------
    G : networkx.Graph
        A person (or institution) graph; not modified.
    source, target : node
    weight : str
        Edge attribute holding the tie strength (strictly positive).

    Returns
    -------
    dict
        ``{"source", "target", "found", "distance", "nodes": [{"id", "label", "kind"}],
        "hops": [{"from", "to", "weight", "count", "last_contact"}]}``. ``found`` is
        ``False`` (and the lists empty) when no chain exists.

    Raises
    ------
    networkx.NodeNotFound
        If ``source`` or ``target`` is not in ``G``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("Anne", "Bruno", weight=1.0)      # a weekly coffee
    >>> G.add_edge("Bruno", "Chloé", weight=2.0)
    >>> G.add_edge("Anne", "Chloé", weight=0.1)      # once in a big assembly
    >>> path = introduction_path(G, "Anne", "Chloé")
    >>> [n["id"] for n in path["nodes"]], path["distance"]
    (['Anne', 'Bruno', 'Chloé'], 1.5)
    """
    for node in (source, target):
        if node not in G:
            raise nx.NodeNotFound(f"node {node!r} is not in the graph")
    result = {"source": source, "target": target, "found": False, "distance": None,
              "nodes": [], "hops": []}
    try:
        distance, chain = nx.bidirectional_dijkstra(
            G, source, target, weight=lambda u, v, d: 1.0 / d[weight]
        )
    except nx.NetworkXNoPath:
        return result
    result.update(
        found=True,
        distance=distance,
        nodes=[_node(G, n) for n in chain],
        hops=[_hop(G, u, v, weight) for u, v in zip(chain, chain[1:])],
    )
    return result


def neighbourhood(
    G: nx.Graph,
    node: Hashable,
    *,
    weight: str = "weight",
    limit: int | None = None,
    second_degree: int = 10,
) -> dict:
    """Who a node talks to, how much, since when, through whom; and who it could reach.

    Parameters
    ----------
    G : networkx.Graph
        A person or institution graph from :mod:`graph.build`; not modified.
    node : node
    weight : str
        Edge attribute holding the tie strength.
    limit : int, optional
        Keep only the ``limit`` strongest neighbours.
    second_degree : int
        How many nodes at two hops to list, closest first, with the neighbours leading to
        them (who could introduce us).

    Returns
    -------
    dict
        ``{"id", "label", "kind", "degree", "strength", "neighbours": [{"id", "label",
        "kind", "weight", "count", "informal_count", "first_contact", "last_contact",
        "through"}], "second_degree": [{"id", "label", "kind", "distance", "via": [ids]}]}``.
        Neighbours are sorted by decreasing weight. On an institution graph, ``through``
        lists the people who carried each side (``{"ours": [...], "theirs": [...]}``, each
        ``{"id", "name", "interactions"}``); on a person graph it is ``None``.

    Raises
    ------
    networkx.NodeNotFound
        If ``node`` is not in ``G``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge(1, 2, weight=2.0, count=3)
    >>> G.add_edge(2, 3, weight=1.0, count=1)
    >>> hood = neighbourhood(G, 1)
    >>> [n["id"] for n in hood["neighbours"]], hood["second_degree"][0]["via"]
    ([2], [2])
    """
    if node not in G:
        raise nx.NodeNotFound(f"node {node!r} is not in the graph")
    rows = []
    for other, data in G[node].items():
        rows.append(
            {
                **_node(G, other),
                "weight": data.get(weight, 1),
                "count": data.get("count"),
                "informal_count": data.get("informal_count"),
                "first_contact": iso_day(data.get("first")),
                "last_contact": iso_day(data.get("last")),
                "through": _through(G, node, other, data),
            }
        )
    rows.sort(key=lambda r: (-r["weight"], node_sort_key(r["id"])))
    strength = sum(r["weight"] for r in rows)
    return {
        **_node(G, node),
        "degree": len(rows),
        "strength": strength,
        "neighbours": rows if limit is None else rows[:limit],
        "second_degree": _second_degree(G, node, weight, second_degree),
    }


def _second_degree(G: nx.Graph, node: Hashable, weight: str, keep: int) -> list[dict]:
    """Nodes two hops away, by shortest two-hop distance, with every neighbour leading there."""
    direct = G[node]
    best: dict[Hashable, float] = {}
    via: dict[Hashable, list[Hashable]] = {}
    for middle, first in direct.items():
        first_leg = 1.0 / first.get(weight, 1)
        for far, second in G[middle].items():
            if far == node or far in direct:
                continue
            distance = first_leg + 1.0 / second.get(weight, 1)
            via.setdefault(far, []).append((distance, middle))
            if distance < best.get(far, float("inf")):
                best[far] = distance
    ranked = sorted(best, key=lambda far: (best[far], node_sort_key(far)))[:keep]
    return [
        {
            **_node(G, far),
            "distance": best[far],
            "via": [m for _, m in sorted(via[far], key=lambda dm: (dm[0], node_sort_key(dm[1])))],
        }
        for far in ranked
    ]


def _through(G: nx.Graph, node: Hashable, other: Hashable, data: dict) -> dict | None:
    carriers = data.get("carriers")
    if carriers is None:
        return None
    labels = G.graph.get("person_labels", {})

    def people(side: Hashable) -> list[dict]:
        counts = carriers.get(side, {})
        return [
            {"id": p, "name": labels.get(p, f"#{p}"), "interactions": c}
            for p, c in sorted(counts.items(), key=lambda pc: (-pc[1], pc[0]))
        ]

    return {"ours": people(node), "theirs": people(other)}


def _node(G: nx.Graph, node: Hashable) -> dict:
    attrs = G.nodes[node]
    return {"id": node, "label": attrs.get("label", str(node)), "kind": attrs.get("kind")}


def _hop(G: nx.Graph, u: Hashable, v: Hashable, weight: str) -> dict:
    data = G[u][v]
    return {
        "from": u,
        "to": v,
        "weight": data.get(weight),
        "count": data.get("count"),
        "last_contact": iso_day(data.get("last")),
    }
