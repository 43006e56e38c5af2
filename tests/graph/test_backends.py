"""igraph (speed) and NetworkX (reference) give the same numbers through the one seam.

Weights here are powers of two so that distances 1/weight are exact in floating point: with
weights like 3, two paths of equal length in exact arithmetic can differ in the last bit, and
the two libraries then legitimately disagree on which shortest paths tie.
"""

import math
import random

import networkx as nx
import pytest

from graph import backends
from graph.backends import WeightedGraph

KITE_NAMES = ["Andre", "Beverly", "Carol", "Diane", "Ed", "Fernando", "Garth", "Heather", "Ike", "Jane"]


def weighted(G, seed=1):
    """A copy of G with weights in {0.5, 1, 2, 4} and one isolated node added."""
    H = nx.Graph(G)
    rng = random.Random(seed)
    for u, v in H.edges:
        H[u][v]["weight"] = rng.choice([0.5, 1.0, 2.0, 4.0])
    H.add_node("isolated" if isinstance(next(iter(H)), str) else 999)
    return H


KNOWN_GRAPHS = {
    "kite": nx.krackhardt_kite_graph(),
    "florentine": nx.florentine_families_graph(),
    # NetworkX's karate club carries weights 1–7; keep the structure only (see above).
    "karate": nx.Graph(nx.karate_club_graph().edges()),
}
for name, graph in list(KNOWN_GRAPHS.items()):
    KNOWN_GRAPHS[f"{name} weighted"] = weighted(graph)


def assert_same(a, b, rel=1e-9):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, float) and math.isnan(x):
            assert math.isnan(y)
        else:
            assert x == pytest.approx(y, rel=rel, abs=1e-12)


@pytest.fixture(params=sorted(KNOWN_GRAPHS))
def wg(request):
    return WeightedGraph.from_networkx(KNOWN_GRAPHS[request.param])


class TestBothBackendsAgree:
    def test_betweenness(self, wg):
        assert_same(backends.betweenness(wg, backend="igraph"), backends.betweenness(wg, backend="networkx"))

    def test_sampled_betweenness_draws_the_same_sources(self, wg):
        assert_same(
            backends.betweenness(wg, backend="igraph", k=6, seed=3),
            backends.betweenness(wg, backend="networkx", k=6, seed=3),
        )

    def test_closeness(self, wg):
        assert_same(backends.closeness(wg, backend="igraph"), backends.closeness(wg, backend="networkx"))

    def test_closeness_estimated_from_pivots(self, wg):
        pivots = backends.sample_sources(wg, 6, 3)
        assert_same(
            backends.closeness(wg, backend="igraph", pivots=pivots),
            backends.closeness(wg, backend="networkx", pivots=pivots),
        )

    def test_pagerank(self, wg):
        assert_same(backends.pagerank(wg, backend="igraph"), backends.pagerank(wg, backend="networkx"), rel=1e-6)

    def test_constraint(self, wg):
        assert_same(backends.constraint(wg, backend="igraph"), backends.constraint(wg, backend="networkx"))

    def test_effective_size(self, wg):
        assert_same(
            backends.effective_size(wg, backend="igraph"), backends.effective_size(wg, backend="networkx")
        )

    def test_louvain_finds_partitions_of_the_same_modularity(self, wg):
        by_igraph = backends.louvain(wg, backend="igraph", seed=42)
        by_networkx = backends.louvain(wg, backend="networkx", seed=42)
        assert backends.modularity(wg, by_igraph) == pytest.approx(
            backends.modularity(wg, by_networkx), abs=0.02
        )

    def test_modularity_degree_and_strength(self, wg):
        membership = backends.louvain(wg, seed=42)
        for name in ("degree", "strength"):
            assert_same(getattr(backends, name)(wg, backend="igraph"), getattr(backends, name)(wg, backend="networkx"))
        assert backends.modularity(wg, membership, backend="igraph") == pytest.approx(
            backends.modularity(wg, membership, backend="networkx"), abs=1e-12
        )
        G = wg.networkx()
        parts = [{v for v, c in enumerate(membership) if c == label} for label in set(membership)]
        assert backends.modularity(wg, membership) == pytest.approx(
            nx.community.modularity(G, parts, weight="weight"), abs=1e-12
        )

    def test_articulation_points_and_blocks(self, wg):
        blocks_ig, cuts_ig = backends.biconnected(wg, backend="igraph")
        blocks_nx, cuts_nx = backends.biconnected(wg, backend="networkx")
        assert cuts_ig == cuts_nx
        assert sorted(map(sorted, blocks_ig)) == sorted(map(sorted, blocks_nx))


class TestAgainstNetworkXItself:
    """The reference backend is NetworkX's own functions, called on the original graph."""

    def test_betweenness_uses_distance_one_over_weight(self):
        G = KNOWN_GRAPHS["karate weighted"]
        expected = nx.betweenness_centrality(G, weight=lambda u, v, d: 1 / d["weight"])
        wg = WeightedGraph.from_networkx(G)
        assert_same(backends.betweenness(wg), [expected[n] for n in wg.nodes])

    def test_sampled_betweenness_is_networkx_estimate(self):
        G = KNOWN_GRAPHS["karate weighted"]
        expected = nx.betweenness_centrality(G, k=10, seed=7, weight=lambda u, v, d: 1 / d["weight"])
        wg = WeightedGraph.from_networkx(G)
        assert_same(backends.betweenness(wg, k=10, seed=7), [expected[n] for n in wg.nodes])

    def test_closeness_scales_like_networkx_when_disconnected(self):
        G = nx.disjoint_union(KNOWN_GRAPHS["kite weighted"], nx.path_graph(3))
        expected = nx.closeness_centrality(G, distance=lambda u, v, d: 1 / d.get("weight", 1))
        wg = WeightedGraph.from_networkx(G)
        assert_same(backends.closeness(wg), [expected[n] for n in wg.nodes])

    def test_constraint_is_weighted_burt(self):
        G = KNOWN_GRAPHS["florentine weighted"]
        expected = nx.constraint(G, weight="weight")
        wg = WeightedGraph.from_networkx(G)
        assert_same(backends.constraint(wg), [expected[n] for n in wg.nodes])

    def test_effective_size_is_borgatti_unweighted(self):
        G = KNOWN_GRAPHS["florentine weighted"]
        expected = nx.effective_size(G)
        wg = WeightedGraph.from_networkx(G)
        assert_same(backends.effective_size(wg), [expected[n] for n in wg.nodes])


class TestPublishedValues:
    """Krackhardt (1990) kite and Padgett's Florentine marriages, as usually tabulated."""

    @pytest.mark.parametrize("backend", backends.BACKENDS)
    def test_kite_betweenness_and_closeness(self, backend):
        wg = WeightedGraph.from_networkx(nx.krackhardt_kite_graph())
        between = dict(zip(KITE_NAMES, backends.betweenness(wg, backend=backend)))
        close = dict(zip(KITE_NAMES, backends.closeness(wg, backend=backend)))
        assert round(between["Heather"], 3) == 0.389  # the broker between kite and tail
        assert round(between["Fernando"], 3) == round(between["Garth"], 3) == 0.231
        assert round(between["Ike"], 3) == 0.222
        assert round(between["Diane"], 3) == 0.102
        assert between["Jane"] == 0.0
        assert round(close["Fernando"], 3) == round(close["Garth"], 3) == 0.643
        assert round(close["Diane"], 3) == round(close["Heather"], 3) == 0.600
        assert round(close["Jane"], 3) == 0.310

    @pytest.mark.parametrize("backend", backends.BACKENDS)
    def test_medici_are_the_brokers_of_florence(self, backend):
        wg = WeightedGraph.from_networkx(nx.florentine_families_graph())
        between = dict(zip(wg.nodes, backends.betweenness(wg, backend=backend)))
        close = dict(zip(wg.nodes, backends.closeness(wg, backend=backend)))
        assert round(between["Medici"], 3) == 0.522
        assert round(between["Guadagni"], 3) == 0.255
        assert round(between["Albizzi"], 3) == 0.212
        assert round(close["Medici"], 3) == 0.560
        assert max(between, key=between.get) == "Medici"


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_louvain_separates_two_cliques_joined_by_one_tie(backend):
    G = nx.barbell_graph(5, 0)
    wg = WeightedGraph.from_networkx(G)
    membership = backends.louvain(wg, backend=backend, seed=1)
    assert len(set(membership[:5])) == 1 and len(set(membership[5:])) == 1
    assert membership[0] != membership[5]


def test_louvain_is_reproducible_with_a_seed():
    wg = WeightedGraph.from_networkx(KNOWN_GRAPHS["karate weighted"])
    assert backends.louvain(wg, seed=5) == backends.louvain(wg, seed=5)


def test_isolated_nodes_have_no_constraint_nor_effective_size_and_zero_closeness():
    wg = WeightedGraph.from_networkx(KNOWN_GRAPHS["kite weighted"])
    last = len(wg) - 1  # the added isolated node
    for backend in backends.BACKENDS:
        assert math.isnan(backends.constraint(wg, backend=backend)[last])
        assert math.isnan(backends.effective_size(wg, backend=backend)[last])
        assert backends.closeness(wg, backend=backend)[last] == 0.0


def test_weights_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        WeightedGraph([1, 2], [(0, 1)], [0.0])


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown backend"):
        backends.resolve_backend("rustworkx")


def test_weak_ties_can_be_pruned():
    wg = WeightedGraph([1, 2, 3], [(0, 1), (1, 2)], [0.1, 2.0])
    assert wg.without_weak_ties(0.5).edges == [(1, 2)]


def test_tiny_and_empty_graphs():
    for wg in (WeightedGraph([], [], []), WeightedGraph([1], [], []), WeightedGraph([1, 2], [(0, 1)], [1.0])):
        for backend in backends.BACKENDS:
            assert len(backends.betweenness(wg, backend=backend)) == len(wg)
            assert len(backends.closeness(wg, backend=backend)) == len(wg)
            assert len(backends.pagerank(wg, backend=backend)) == len(wg)
            assert len(backends.louvain(wg, backend=backend)) == len(wg)
