"""Server-side layouts: deterministic, complete, and shaped as promised."""

import doctest
import math

import networkx as nx
import pytest

import graph.layout
from graph.layout import force_positions, layered_positions


def test_docstring_examples():
    result = doctest.testmod(graph.layout)
    assert result.failed == 0 and result.attempted > 0


def snapshot(G):
    return (
        [(n, dict(d)) for n, d in G.nodes(data=True)],
        [(u, v, dict(d)) for u, v, d in G.edges(data=True)],
        dict(G.graph),
    )


def test_force_positions_are_deterministic_for_a_seed():
    G = nx.les_miserables_graph()
    assert force_positions(G, seed=3) == force_positions(G, seed=3)
    assert force_positions(G, seed=3) != force_positions(G, seed=4)


def test_force_positions_cover_every_node_with_finite_coordinates():
    G = nx.florentine_families_graph()
    G.add_node("isolated")
    G.add_edge("Medici", "Medici")  # a self-loop is ignored, not an error
    positions = force_positions(G)
    assert set(positions) == set(G)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    assert len(set(positions.values())) == len(G)  # no two nodes on the same spot


def test_force_positions_do_not_touch_the_graph():
    G = nx.krackhardt_kite_graph()
    nx.set_edge_attributes(G, 2.0, "weight")
    before = snapshot(G)
    force_positions(G)
    assert snapshot(G) == before


@pytest.mark.parametrize("G", [nx.Graph(), nx.empty_graph(1), nx.empty_graph(5)])
def test_force_positions_of_trivial_graphs(G):
    positions = force_positions(G)
    assert set(positions) == set(G)


def test_components_are_packed_and_isolated_nodes_gathered():
    # Laid out together, isolated nodes fly off and the main component shrinks to a dot;
    # packed, the whole drawing stays about as large as the main component.
    G = nx.connected_caveman_graph(10, 10)
    G.add_edges_from([("a", "b"), ("c", "d"), ("d", "e")])
    G.add_nodes_from(range(1000, 1050))
    spacing = 80.0
    positions = force_positions(G, spacing=spacing)
    main = [positions[n] for n in range(100)]
    main_side = max(max(p[0] for p in main) - min(p[0] for p in main),
                    max(p[1] for p in main) - min(p[1] for p in main))
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    whole_side = max(max(xs) - min(xs), max(ys) - min(ys))
    assert whole_side < 2.5 * main_side
    # Isolated nodes sit below everything else, in a grid.
    lowest_connected = max(positions[n][1] for n in G if G.degree(n))
    assert all(positions[n][1] > lowest_connected for n in range(1000, 1050))


def test_stronger_ties_pull_closer():
    G = nx.path_graph(3)
    G.add_edge(2, 3)
    G[0][1]["weight"] = 10.0
    G[1][2]["weight"] = 1.0
    G[2][3]["weight"] = 0.1
    positions = force_positions(G)

    def distance(u, v):
        return math.dist(positions[u], positions[v])

    assert distance(0, 1) < distance(2, 3)


def test_directed_graphs_are_laid_out_as_undirected():
    G = nx.DiGraph([(1, 2), (2, 3), (3, 1)])
    assert set(force_positions(G)) == {1, 2, 3}


def test_layered_positions_put_each_rank_in_its_own_band():
    G = nx.Graph([("state", "petr"), ("petr", "cc1"), ("petr", "cc2"), ("cc1", "town1"),
                  ("cc2", "town2"), ("cc2", "town3")])
    rank = {"state": 0, "petr": 1, "cc1": 2, "cc2": 2, "town1": 3, "town2": 3, "town3": 3}
    layers = layered_positions(G, rank)
    y = {n: layers.positions[n][1] for n in G}
    assert y["state"] < y["petr"] < y["cc1"] == y["cc2"] < y["town1"] == y["town2"]
    assert sorted(layers.band_tops) == [0, 1, 2, 3]
    assert layers.left == min(x for x, _ in layers.positions.values())


def test_layered_positions_order_bands_to_shorten_edges():
    # Towns listed in the opposite order of their EPCIs: the sweeps must uncross them.
    G = nx.Graph()
    G.add_nodes_from(["cc1", "cc2", "town2", "town1"])
    G.add_edges_from([("cc1", "town1"), ("cc2", "town2")])
    layers = layered_positions(G, {"cc1": 0, "cc2": 0, "town1": 1, "town2": 1})
    x = {n: layers.positions[n][0] for n in G}
    assert (x["cc1"] < x["cc2"]) == (x["town1"] < x["town2"])


def test_large_bands_wrap_onto_rows():
    G = nx.star_graph(30)  # node 0 and 30 leaves
    rank = {n: 0 if n == 0 else 1 for n in G}
    layers = layered_positions(G, rank, max_row=10)
    rows = {layers.positions[n][1] for n in range(1, 31)}
    assert len(rows) == 3


def test_nodes_without_rank_go_to_a_last_band():
    G = nx.Graph([("a", "b")])
    layers = layered_positions(G, {"a": 0})
    assert layers.positions["b"][1] > layers.positions["a"][1]


def test_layered_positions_of_an_empty_graph():
    layers = layered_positions(nx.Graph(), {})
    assert layers.positions == {} and layers.band_tops == {}
