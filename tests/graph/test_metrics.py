"""Per-node metrics: shape, reproducibility, sampling said out loud."""

import networkx as nx
import pytest

from graph.metrics import METRICS, node_metrics


def kite():
    G = nx.krackhardt_kite_graph()
    names = ["Andre", "Beverly", "Carol", "Diane", "Ed", "Fernando", "Garth", "Heather", "Ike", "Jane"]
    nx.set_node_attributes(G, dict(enumerate(names)), "label")
    nx.set_node_attributes(G, "epci", "kind")
    return G


def by_label(result):
    return {row["label"]: row for row in result["nodes"]}


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_every_node_gets_every_metric(backend):
    result = node_metrics(kite(), backend=backend)
    assert [row["id"] for row in result["nodes"]] == list(range(10))
    for row in result["nodes"]:
        assert set(row) == {"id", "label", "kind", *METRICS}
    heather = by_label(result)["Heather"]
    assert (heather["degree"], heather["kind"]) == (3, "epci")
    assert round(heather["betweenness"], 3) == 0.389


def test_both_backends_give_the_same_table_on_the_florentine_families():
    G = nx.florentine_families_graph()
    fast, reference = node_metrics(G, backend="igraph"), node_metrics(G, backend="networkx")
    for a, b in zip(fast["nodes"], reference["nodes"]):
        for metric in ("degree", "strength", "betweenness", "closeness", "constraint", "effective_size"):
            assert a[metric] == pytest.approx(b[metric], rel=1e-9)
        assert a["pagerank"] == pytest.approx(b["pagerank"], rel=1e-6)


def test_same_graph_same_numbers():
    G = nx.les_miserables_graph()
    assert node_metrics(G, sample_threshold=20, sample_k=10) == node_metrics(
        G, sample_threshold=20, sample_k=10
    )


def test_communities_are_numbered_by_size_then_smallest_node():
    G = nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(5))  # 0–2 and 3–7
    result = node_metrics(G)
    assert [(c["id"], c["size"], c["nodes"]) for c in result["communities"]] == [
        (0, 5, [3, 4, 5, 6, 7]),
        (1, 3, [0, 1, 2]),
    ]
    assert [row["community"] for row in result["nodes"]] == [1, 1, 1, 0, 0, 0, 0, 0]


def test_meta_says_when_path_metrics_are_sampled_and_how():
    G = nx.les_miserables_graph()
    exact = node_metrics(G)["meta"]
    sampled = node_metrics(G, sample_threshold=50, sample_k=20, seed=7)["meta"]
    assert (exact["sampled"], exact["k"]) == (False, None)
    assert (sampled["sampled"], sampled["k"], sampled["seed"]) == (True, 20, 7)
    assert "20 sources" in sampled["algorithms"]["betweenness"]
    assert sampled["backend"] == "igraph"


def test_sampled_estimates_stay_close_to_the_exact_values():
    G = nx.les_miserables_graph()
    exact = by_label(node_metrics(G))
    sampled = by_label(node_metrics(G, sample_threshold=10, sample_k=40))
    assert max(sampled, key=lambda n: sampled[n]["betweenness"]) == "Valjean"
    assert sampled["Valjean"]["closeness"] == pytest.approx(exact["Valjean"]["closeness"], rel=0.15)


def test_pruning_weak_ties_is_reported():
    G = nx.Graph()
    G.add_edge(1, 2, weight=2.0)
    G.add_edge(2, 3, weight=0.1)
    meta = node_metrics(G, prune_below=0.5)["meta"]
    assert (meta["pruned_below"], meta["pruned_edges"]) == (0.5, 1)


def test_undefined_values_are_none():
    G = nx.Graph([(1, 2)])
    G.add_node(3)
    isolated = node_metrics(G)["nodes"][2]
    assert (isolated["constraint"], isolated["effective_size"], isolated["closeness"]) == (None, None, 0.0)


def test_the_callers_graph_is_not_modified():
    G = kite()
    before = (list(G.nodes(data=True)), list(G.edges(data=True)), dict(G.graph))
    node_metrics(G)
    assert before == (list(G.nodes(data=True)), list(G.edges(data=True)), dict(G.graph))


def test_empty_graph():
    result = node_metrics(nx.Graph())
    assert (result["nodes"], result["communities"], result["meta"]["nodes"]) == ([], [], 0)
