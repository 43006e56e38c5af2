"""People whose removal disconnects institutions (the block-cut tree shortcut)."""

import random

import networkx as nx

from graph.backends import WeightedGraph
from graph.brokers import _connected_groups, _kept_group, broker_dependencies


def dependencies(G, institutions_of, reference=None, backend="igraph"):
    wg = WeightedGraph.from_networkx(G)
    found = broker_dependencies(wg, institutions_of, reference=reference, backend=backend)
    return {d.broker: (sorted(d.kept), sorted(d.cut_off)) for d in found}


def test_heather_holds_the_tail_of_the_kite():
    G = nx.krackhardt_kite_graph()
    # The kite (0–6) works at institution 1; Heather (7) and Ike (8) at 2; Jane (9) at 3.
    institutions = {**{n: [1] for n in range(7)}, 7: [2], 8: [2], 9: [3]}
    assert dependencies(G, institutions, reference=1) == {
        7: ([1], [2, 3]),  # without Heather, Ike and Jane lose the kite
        8: ([1, 2], [3]),  # without Ike, Jane is alone
    }


def test_no_dependency_when_an_institution_spans_both_sides():
    G = nx.path_graph(3)  # 0 – 1 – 2
    assert dependencies(G, {0: [1], 2: [1]}) == {}


def test_people_without_institution_do_not_count():
    G = nx.path_graph(3)
    assert dependencies(G, {0: [1]}) == {}


def test_both_backends_agree():
    G = nx.les_miserables_graph()
    rng = random.Random(3)
    institutions = {n: [rng.randrange(12)] for n in G}
    assert dependencies(G, institutions, 0, "igraph") == dependencies(G, institutions, 0, "networkx")


def removal_by_brute_force(G, institutions_of, reference):
    """What the block-cut tree must reproduce: remove each articulation point in turn."""
    found = {}
    for person in nx.articulation_points(G):
        H = G.copy()
        H.remove_node(person)
        component = nx.node_connected_component(G, person)
        pieces = [
            set().union(*(set(institutions_of.get(n, ())) for n in part))
            for part in nx.connected_components(H)
            if part <= component
        ]
        groups = _connected_groups([p for p in pieces if p])
        if len(groups) > 1:
            kept = _kept_group(groups, reference)
            cut_off = set().union(*(g for g in groups if g is not kept))
            found[person] = (sorted(kept), sorted(cut_off))
    return found


def test_same_answer_as_removing_each_person_on_random_graphs():
    for trial in range(150):
        rng = random.Random(trial)
        n = rng.randint(2, 25)
        G = nx.gnm_random_graph(n, rng.randint(1, 2 * n), seed=trial)
        institutions = {v: rng.sample(range(6), rng.choice([0, 1, 1, 2])) for v in G}
        reference = rng.choice([None, 0, 1])
        assert dependencies(G, institutions, reference) == removal_by_brute_force(
            G, institutions, reference
        ), trial
