"""The one seam between NetworkX (the model and reference) and igraph (the speed).

Every whole-graph computation that NetworkX does too slowly at territory scale goes through
this module, with ``backend="igraph"`` (default, compiled) or ``backend="networkx"`` (the
reference implementation, used by the tests to check that both agree). Both start from a
:class:`WeightedGraph`: nodes in a fixed order, edges as index pairs, one positive weight per
edge. Results are lists aligned with ``WeightedGraph.nodes``.

Conventions shared by both backends, so that results are interchangeable:

- path metrics use distance = 1 / weight (a strong tie is a short hop);
- betweenness is normalised like ``nx.betweenness_centrality`` (endpoints excluded); with
  ``k`` it is the same estimate, from the same sampled sources, as
  ``nx.betweenness_centrality(k=k, seed=seed)``;
- closeness follows ``nx.closeness_centrality`` (Wasserman–Faust scaling for disconnected
  graphs); with ``pivots`` it is estimated from the distances to those pivots;
- constraint is Burt's, weighted, as ``nx.constraint``; effective size is Borgatti's
  (unweighted, as ``nx.effective_size`` without ``weight``): redundancy is about who knows
  whom, and igraph computes it in C from local clustering;
- isolated nodes get ``nan`` for constraint and effective size, 0 for closeness.
"""

from __future__ import annotations

import math
import os
import random
import threading
from collections.abc import Hashable, Iterable, Sequence
from itertools import chain

import networkx as nx

BACKENDS = ("igraph", "networkx")

# igraph's wheel links OpenMP (PRPACK's PageRank runs in parallel). OpenMP threads busy-wait
# by default: on a 2-core machine shared with other work they spin against the busy core and
# PageRank took 0.02 s or 0.6 s at random (measured). Passive waiting removes that and costs
# nothing here. libgomp reads this when igraph loads, so it must be set before the import;
# an explicit setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

try:  # igraph is a dependency of the project; the reference backend must work without it.
    import igraph as ig
except ImportError:  # pragma: no cover - exercised only where igraph is missing
    ig = None

# igraph draws from one process-wide random generator; seeding it is not thread-safe.
_IGRAPH_RNG_LOCK = threading.Lock()


def resolve_backend(backend: str) -> str:
    """``"auto"`` → ``"igraph"`` when installed, else ``"networkx"``; validate the others.

    Examples
    --------
    >>> resolve_backend("networkx")
    'networkx'
    """
    if backend == "auto":
        return "igraph" if ig is not None else "networkx"
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS} or 'auto'")
    if backend == "igraph" and ig is None:
        raise ValueError("backend 'igraph' requested but python-igraph is not installed")
    return backend


class WeightedGraph:
    """An undirected weighted graph in the compact form both backends start from.

    Parameters
    ----------
    nodes : sequence of hashable
        Node ids, in the order results are returned.
    edges : sequence of (int, int)
        Index pairs into ``nodes``; no self-loops, no duplicates.
    weights : sequence of float
        One strictly positive weight per edge.
    """

    __slots__ = ("nodes", "edges", "weights", "_igraph", "_networkx")

    def __init__(
        self,
        nodes: Sequence[Hashable],
        edges: Sequence[tuple[int, int]],
        weights: Sequence[float],
    ) -> None:
        if len(edges) != len(weights):
            raise ValueError("edges and weights differ in length")
        if weights and min(weights) <= 0:
            raise ValueError("tie weights must be strictly positive (distance = 1/weight)")
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.weights = list(weights)
        self._igraph = None
        self._networkx = None

    @classmethod
    def from_networkx(cls, G: nx.Graph, weight: str | None = "weight") -> WeightedGraph:
        """Compact copy of an undirected NetworkX graph (self-loops dropped).

        Examples
        --------
        >>> wg = WeightedGraph.from_networkx(nx.path_graph(3))
        >>> wg.nodes, wg.edges, wg.weights
        ([0, 1, 2], [(0, 1), (1, 2)], [1, 1])
        """
        if G.is_directed() or G.is_multigraph():
            raise ValueError("expected an undirected simple graph (nx.Graph)")
        position = {node: i for i, node in enumerate(G)}
        edges, weights = [], []
        for u, v, w in G.edges(data=weight, default=1):
            if u != v:
                edges.append((position[u], position[v]))
                weights.append(1 if weight is None else w)
        return cls(list(G), edges, weights)

    @classmethod
    def from_pairs(
        cls,
        nodes: Sequence[Hashable],
        pairs: Iterable[tuple[Hashable, Hashable]],
        weights: Iterable[float],
    ) -> WeightedGraph:
        """From node ids, the id pairs of the edges and their weights (aggregated ties).

        Examples
        --------
        >>> wg = WeightedGraph.from_pairs(["a", "b", "c"], [("a", "c")], [2.0])
        >>> wg.edges, wg.weights
        ([(0, 2)], [2.0])
        """
        position = {node: i for i, node in enumerate(nodes)}
        return cls(nodes, [(position[u], position[v]) for u, v in pairs], list(weights))

    def __len__(self) -> int:
        return len(self.nodes)

    def without_weak_ties(self, below: float) -> WeightedGraph:
        """A copy without the edges whose weight is under ``below``."""
        kept = [i for i, w in enumerate(self.weights) if w >= below]
        return WeightedGraph(
            self.nodes, [self.edges[i] for i in kept], [self.weights[i] for i in kept]
        )

    def igraph(self):
        """The igraph version (built once), with ``weight`` and ``distance`` edge attributes."""
        if self._igraph is None:
            g = ig.Graph(n=len(self.nodes), edges=self.edges, directed=False)
            g.es["weight"] = self.weights
            g.es["distance"] = [1.0 / w for w in self.weights]
            self._igraph = g
        return self._igraph

    def networkx(self) -> nx.Graph:
        """The NetworkX version over node *indices* (built once), with weight and distance."""
        if self._networkx is None:
            G = nx.Graph()
            G.add_nodes_from(range(len(self.nodes)))
            G.add_edges_from(
                (u, v, {"weight": w, "distance": 1.0 / w})
                for (u, v), w in zip(self.edges, self.weights)
            )
            self._networkx = G
        return self._networkx


def degree(wg: WeightedGraph, *, backend: str = "igraph") -> list[int]:
    """Number of neighbours of each node.

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
    >>> degree(wg)
    [4, 4, 3, 6, 3, 5, 5, 3, 2, 1]
    """
    if resolve_backend(backend) == "igraph":
        return wg.igraph().degree()
    counts = [0] * len(wg)
    for i in chain.from_iterable(wg.edges):
        counts[i] += 1
    return counts


def strength(wg: WeightedGraph, *, backend: str = "igraph") -> list[float]:
    """Sum of tie weights of each node.

    Examples
    --------
    >>> strength(WeightedGraph([1, 2, 3], [(0, 1), (1, 2)], [0.5, 2.0]))
    [0.5, 2.5, 2.0]
    """
    if resolve_backend(backend) == "igraph":
        return [float(s) for s in wg.igraph().strength(weights="weight")]
    totals = [0.0] * len(wg)
    for (u, v), w in zip(wg.edges, wg.weights):
        totals[u] += w
        totals[v] += w
    return totals


def components(wg: WeightedGraph, *, backend: str = "igraph") -> list[list[int]]:
    """Connected components as sorted lists of node indices.

    Examples
    --------
    >>> components(WeightedGraph([1, 2, 3], [(0, 2)], [1.0]))
    [[0, 2], [1]]
    """
    if resolve_backend(backend) == "igraph":
        return [sorted(c) for c in wg.igraph().connected_components()]
    return [sorted(c) for c in nx.connected_components(wg.networkx())]


def pagerank(wg: WeightedGraph, *, backend: str = "igraph", alpha: float = 0.85) -> list[float]:
    """Weighted PageRank (random surfer follows strong ties more often).

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
    >>> ranks = pagerank(wg)
    >>> max(range(10), key=ranks.__getitem__)  # Diane, with the most ties
    3
    """
    if len(wg) == 0:
        return []
    if resolve_backend(backend) == "igraph":
        return wg.igraph().pagerank(weights="weight", damping=alpha, directed=False)
    G = wg.networkx()
    try:
        ranks = nx.pagerank(G, alpha=alpha, weight="weight", tol=1e-10, max_iter=1000)
    except ImportError:  # nx.pagerank needs scipy; its pure-Python twin gives the same ranks
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        ranks = _pagerank_python(G, alpha=alpha, weight="weight", tol=1e-10, max_iter=1000)
    return [ranks[i] for i in range(len(wg))]


def sample_sources(wg: WeightedGraph, k: int, seed: int) -> list[int]:
    """The ``k`` node indices NetworkX itself would draw as sources for ``seed``.

    ``nx.betweenness_centrality(G, k=k, seed=seed)`` draws
    ``random.Random(seed).sample(list(G), k)``; drawing the same way lets the igraph backend
    sample exactly the same sources, so both backends return the same estimate.

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
    >>> sample_sources(wg, 3, seed=42) == random.Random(42).sample(list(range(10)), 3)
    True
    """
    return random.Random(seed).sample(range(len(wg)), k)


def betweenness(
    wg: WeightedGraph, *, backend: str = "igraph", k: int | None = None, seed: int = 42
) -> list[float]:
    """Normalised betweenness over distance = 1/weight, exact or estimated from k sources.

    With ``k`` (and ``k < n``), this is ``nx.betweenness_centrality(k=k, seed=seed)``:
    shortest paths from ``k`` sampled sources only, rescaled to estimate the full value.

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
    >>> round(betweenness(wg)[7], 3)  # Heather, between the kite and its tail
    0.389
    """
    n = len(wg)
    if n < 3:
        return [0.0] * n
    if k is not None and k >= n:
        k = None
    if resolve_backend(backend) == "networkx":
        values = nx.betweenness_centrality(wg.networkx(), k=k, weight="distance", seed=seed)
        return [values[i] for i in range(n)]
    g = wg.igraph()
    if k is None:
        raw = g.betweenness(directed=False, weights="distance")
        scale = 2.0 / ((n - 1) * (n - 2))
        return [b * scale for b in raw]
    # igraph counts each source→target path once: half of NetworkX's raw sampled sum, which
    # NetworkX then rescales differently for sampled and unsampled nodes.
    sources = sample_sources(wg, k, seed)
    raw = g.betweenness(directed=False, weights="distance", sources=sources)
    sampled = set(sources)
    for_source = 2.0 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    for_other = 2.0 / (k * (n - 2))
    return [b * (for_source if i in sampled else for_other) for i, b in enumerate(raw)]


def closeness(
    wg: WeightedGraph,
    *,
    backend: str = "igraph",
    pivots: Sequence[int] | None = None,
    exact_below: int = 0,
) -> list[float]:
    """Closeness over distance = 1/weight, as ``nx.closeness_centrality`` (wf_improved).

    With ``pivots``, nodes of components larger than ``exact_below`` get an estimate: their
    mean distance to the other nodes is taken as their mean distance to the pivots of their
    component (Eppstein & Wang, 2004). Smaller components are computed exactly.

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
    >>> [round(c, 3) for c in closeness(wg)][5:7]  # Fernando and Garth
    [0.643, 0.643]
    """
    n = len(wg)
    closeness_of = [0.0] * n
    if n < 2:
        return closeness_of
    use_igraph = resolve_backend(backend) == "igraph"
    pivot_set = set(pivots or ())
    exact: list[tuple[int, int]] = []  # (node, size of its component)
    for component in components(wg, backend=backend):
        r = len(component)
        if r < 2:
            continue
        members = set(component)
        in_component = [p for p in pivots or () if p in members]
        if pivots is None or r <= exact_below or len(in_component) < 2:
            exact.extend((v, r) for v in component)
            continue
        sums = _distance_sums_from(wg, in_component, component, use_igraph)
        k = len(in_component)
        for v, total in zip(component, sums):
            others = k - 1 if v in pivot_set else k  # a pivot's distance to itself is 0
            if others > 0 and total > 0:
                closeness_of[v] = (others / total) * (r - 1) / (n - 1)
    for (v, r), total in zip(exact, _exact_distance_sums(wg, exact, use_igraph)):
        if total > 0:
            closeness_of[v] = ((r - 1) / total) * ((r - 1) / (n - 1))
    return closeness_of


def _distance_sums_from(
    wg: WeightedGraph, pivots: list[int], component: list[int], use_igraph: bool
) -> list[float]:
    """For each node of a component, the sum of its distances to the pivots (all in it)."""
    if use_igraph:
        rows = wg.igraph().distances(source=pivots, target=component, weights="distance")
        return [sum(column) for column in zip(*rows)]  # finite: one component
    G = wg.networkx()
    sums = dict.fromkeys(component, 0.0)
    for p in pivots:
        for v, d in nx.single_source_dijkstra_path_length(G, p, weight="distance").items():
            sums[v] += d
    return [sums[v] for v in component]


def _exact_distance_sums(
    wg: WeightedGraph, nodes: list[tuple[int, int]], use_igraph: bool
) -> list[float]:
    """For each (node, component size): the sum of distances to the rest of its component."""
    if not nodes:
        return []
    if use_igraph:
        # igraph's normalised closeness is (reachable − 1) / sum of distances.
        values = wg.igraph().closeness(
            vertices=[v for v, _ in nodes], weights="distance", normalized=True
        )
        return [(r - 1) / c if c and not math.isnan(c) else 0.0 for (_, r), c in zip(nodes, values)]
    G = wg.networkx()
    return [
        sum(nx.single_source_dijkstra_path_length(G, v, weight="distance").values())
        for v, _ in nodes
    ]


def constraint(wg: WeightedGraph, *, backend: str = "igraph") -> list[float]:
    """Burt's constraint, weighted; ``nan`` for isolated nodes.

    Examples
    --------
    >>> star = WeightedGraph(["hub", "a", "b"], [(0, 1), (0, 2)], [1.0, 1.0])
    >>> constraint(star)  # the hub's two contacts do not know each other
    [0.5, 1.0, 1.0]
    """
    if len(wg) == 0:
        return []
    if resolve_backend(backend) == "igraph":
        return wg.igraph().constraint(weights="weight")
    values = nx.constraint(wg.networkx(), weight="weight")
    return [values[i] for i in range(len(wg))]


def effective_size(wg: WeightedGraph, *, backend: str = "igraph") -> list[float]:
    """Borgatti's effective size n − 2t/n (t: ties among the n contacts); ``nan`` if isolated.

    Examples
    --------
    >>> star = WeightedGraph(["hub", "a", "b"], [(0, 1), (0, 2)], [1.0, 1.0])
    >>> effective_size(star)
    [2.0, 1.0, 1.0]
    """
    if len(wg) == 0:
        return []
    if resolve_backend(backend) == "networkx":
        values = nx.effective_size(wg.networkx())
        return [values[i] for i in range(len(wg))]
    g = wg.igraph()
    contacts = g.degree()
    clustering = g.transitivity_local_undirected(mode="zero")
    # t = C·n(n−1)/2, so n − 2t/n = n − C·(n−1).
    return [
        math.nan if n == 0 else n - c * (n - 1) for n, c in zip(contacts, clustering)
    ]


def louvain(
    wg: WeightedGraph, *, backend: str = "igraph", seed: int = 42, resolution: float = 1.0
) -> list[int]:
    """Louvain community of each node (raw labels; :mod:`graph.metrics` renumbers them).

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.barbell_graph(4, 0))  # two cliques, one bridge
    >>> membership = louvain(wg, seed=1)
    >>> membership[:4] == [membership[0]] * 4 and membership[0] != membership[4]
    True
    """
    n = len(wg)
    if n == 0:
        return []
    if resolve_backend(backend) == "networkx":
        parts = nx.community.louvain_communities(
            wg.networkx(), weight="weight", resolution=resolution, seed=seed
        )
        membership = [0] * n
        for label, part in enumerate(parts):
            for v in part:
                membership[v] = label
        return membership
    with _IGRAPH_RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            clusters = wg.igraph().community_multilevel(weights="weight", resolution=resolution)
        finally:
            ig.set_random_number_generator(random)
    return list(clusters.membership)


def modularity(
    wg: WeightedGraph,
    membership: Sequence[int],
    *,
    backend: str = "igraph",
    resolution: float = 1.0,
) -> float:
    """Weighted modularity of a partition (the formula of ``nx.community.modularity``).

    Examples
    --------
    >>> wg = WeightedGraph.from_networkx(nx.barbell_graph(4, 0))
    >>> round(modularity(wg, [0, 0, 0, 0, 1, 1, 1, 1]), 3)
    0.423
    """
    if not wg.edges:
        return 0.0
    if resolve_backend(backend) == "igraph":
        return wg.igraph().modularity(list(membership), weights="weight", resolution=resolution)
    total = sum(wg.weights)
    inside: dict[int, float] = {}
    degree_sum: dict[int, float] = {}
    for (u, v), w in zip(wg.edges, wg.weights):
        if membership[u] == membership[v]:
            inside[membership[u]] = inside.get(membership[u], 0.0) + w
    for v, s in enumerate(strength(wg, backend="networkx")):
        degree_sum[membership[v]] = degree_sum.get(membership[v], 0.0) + s
    return sum(
        inside.get(c, 0.0) / total - resolution * (degree_sum[c] / (2 * total)) ** 2
        for c in degree_sum
    )


def biconnected(wg: WeightedGraph, *, backend: str = "igraph") -> tuple[list[list[int]], list[int]]:
    """Biconnected components (blocks, as index lists) and articulation points.

    Examples
    --------
    >>> biconnected(WeightedGraph.from_networkx(nx.path_graph(3)))[1]
    [1]
    """
    if resolve_backend(backend) == "igraph":
        blocks, cuts = wg.igraph().biconnected_components(return_articulation_points=True)
        return [list(b) for b in blocks], sorted(cuts)
    G = wg.networkx()
    return (
        [sorted(b) for b in nx.biconnected_components(G)],
        sorted(nx.articulation_points(G)),
    )
